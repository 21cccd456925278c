"""Shared fixtures and helpers: throwaway copies of the project's real content (edited by a
test, or built once by a module), a CLI runner, an empty user cache, and readers of what a
build writes."""

from __future__ import annotations

import ctypes
import re
import shutil
import unicodedata
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Callable, Iterator

import pytest
from click.testing import CliRunner, Result
from pypdf import PdfReader
from pypdf.generic import DictionaryObject

from axe import AxeBrowser
from carepress.cli import main

REPO = Path(__file__).resolve().parent.parent


def copy_project(root: Path) -> Path:
    """A copy of the repository's handouts/ and layouts/ at ``root``."""
    for folder in ("handouts", "layouts"):
        shutil.copytree(REPO / folder, root / folder)
    return root


def build_project(root: Path, *args: str) -> None:
    """`carepress build --project ROOT ARGS` in this process; the build must pass (how a
    module's fixture builds its copy of the project once, for its read-only tests)."""
    result = CliRunner().invoke(main, ["build", "--project", str(root), *args])
    assert result.exit_code == 0, result.output


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of handouts/ and layouts/ that a test may edit freely."""
    return copy_project(tmp_path / "project")


@pytest.fixture
def trifold_project(project: Path) -> Path:
    """The copied project with Riverside printing tri-folds only: its one layout."""
    edit(project / "layouts/brands/riverside-womens-health.yaml",
         "layouts: [a4, large-print-a4, a5-booklet, trifold-a4]", "layouts: [trifold-a4]")
    return project


@pytest.fixture
def user_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty user cache of this test's own (XDG_CACHE_HOME in tmp_path): carepress's
    folder in it, where each kind of entry has a folder of its own."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    return tmp_path / "carepress"


Run = Callable[..., Result]


@pytest.fixture
def run(project: Path) -> Run:
    """Run `carepress ARGS` against the copied project."""

    def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
        return CliRunner().invoke(main, [args[0], "--project", str(project), *args[1:]]
                                  if args and args[0] in COMMANDS_WITH_PROJECT else list(args),
                                  env=env, catch_exceptions=False)

    return invoke


COMMANDS_WITH_PROJECT = {"build", "check", "list", "pin", "fonts", "report"}  # i18n takes --project itself


def firago_file(face: str = "Regular") -> bytes:
    """The bytes of FiraGO's ``face`` font file, from pymupdf-fonts, as carepress finds them."""
    from carepress.fontfiles import package_font_bytes

    data = package_font_bytes(f"pymupdf_fonts.FiraGO_{face}")
    assert data is not None
    return data


def squash(text: str) -> str:
    """Text without its whitespace, NFC-normalised: how extracted text is compared."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFC", text))


MM = 72 / 25.4  # points in a millimetre


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# Where each language is built in the example content: the clinic that offers it and the
# layout that clinic prints.
CLINIC_FOR = {"en": "harbour-health", "es": "harbour-health", "vi": "harbour-health",
              "zh-Hans": "harbour-health", "ar": "riverside-womens-health",
              "ru": "riverside-womens-health", "fr": "riverside-womens-health",
              "pt": "riverside-womens-health"}
LAYOUT_FOR = {"harbour-health": "letter", "riverside-womens-health": "a4"}


def leaflet_pdf(root: Path, lang: str, handout: str = "iud-aftercare") -> Path:
    """The built PDF of ``handout`` in ``lang`` for the clinic that offers that language."""
    clinic = CLINIC_FOR[lang]
    return root / "dist" / clinic / lang / f"{handout}-{LAYOUT_FOR[clinic]}.pdf"


@pytest.fixture(scope="session")
def axe_browser() -> Iterator[AxeBrowser]:
    """One headless Chromium for every axe run of the session (see tests/axe.py); skips the
    test, with the reason, where Chromium or axe is missing."""
    with AxeBrowser() as browser:
        yield browser


# XMP, as PDF/A files carry it (see carepress/pdfa.py)
NS = {"x": "adobe:ns:meta/", "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
      "dc": "http://purl.org/dc/elements/1.1/", "xmp": "http://ns.adobe.com/xap/1.0/",
      "pdf": "http://ns.adobe.com/pdf/1.3/", "pdfaid": "http://www.aiim.org/pdfa/ns/id/",
      "pdfuaid": "http://www.aiim.org/pdfua/ns/id/"}


def parse_xmp(packet: bytes) -> ET.Element:
    """The RDF of an XMP packet (its xpacket wrapper checked and removed)."""
    assert packet.startswith(b"<?xpacket begin=") and packet.endswith(b'<?xpacket end="w"?>')
    return ET.fromstring(packet.split(b"?>", 1)[1].rsplit(b"<?xpacket", 1)[0])


def xmp_value(root: ET.Element, path: str) -> str | None:
    found = root.find(f".//{path}", NS)
    return None if found is None else found.text


# --- tagged PDF: the structure tree read back (pypdf) with each MCID's text (PDFium) --------

def marked_texts(path: Path) -> dict[tuple[int, int], str]:
    """The text PDFium reads in each marked-content sequence: (page index, MCID) -> text."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    texts: dict[tuple[int, int], str] = {}
    document = pdfium.PdfDocument(path)
    for index in range(len(document)):
        page = document[index]
        textpage = page.get_textpage()
        for obj in page.get_objects(max_depth=3):
            mcid = raw.FPDFPageObj_GetMarkedContentID(obj.raw)
            if obj.type != raw.FPDF_PAGEOBJ_TEXT or mcid < 0:
                continue
            texts[(index, mcid)] = texts.get((index, mcid), "") + object_text(obj, textpage)
    return texts


def object_text(obj, textpage) -> str:  # type: ignore[no-untyped-def]
    """The text of one PDFium text object."""
    import pypdfium2.raw as raw

    size = raw.FPDFTextObj_GetText(obj.raw, textpage.raw, None, 0)
    buffer = (ctypes.c_ushort * max(1, size // 2))()
    raw.FPDFTextObj_GetText(obj.raw, textpage.raw, buffer, size)
    return bytes(buffer)[:max(0, size - 2)].decode("utf-16-le")


class Tree:
    """A tagged PDF's structure elements, in reading order, each with its text."""

    def __init__(self, path: Path) -> None:
        self.reader = PdfReader(path)
        self.pages = {page.indirect_reference.idnum: index for index, page in enumerate(self.reader.pages)}
        self.texts = marked_texts(path)
        root = self.reader.trailer["/Root"]["/StructTreeRoot"]
        self.elements: list[tuple[str, DictionaryObject, int]] = []  # (role, element, depth)
        self._walk(root["/K"].get_object(), 0)

    def _walk(self, element: DictionaryObject, depth: int) -> None:
        self.elements.append((str(element["/S"]).lstrip("/"), element, depth))
        for kid in self.kids(element):
            kid = kid.get_object() if hasattr(kid, "get_object") else kid
            if isinstance(kid, DictionaryObject) and kid.get("/Type") == "/StructElem":
                self._walk(kid, depth + 1)

    @staticmethod
    def kids(element: DictionaryObject) -> list:  # type: ignore[type-arg]
        k = element.get("/K")
        if k is None:
            return []
        k = k.get_object() if hasattr(k, "get_object") else k
        return list(k) if isinstance(k, list) else [k]

    def text(self, element: DictionaryObject) -> str:
        """The text of an element's own content and its descendants', in order."""
        parts = []
        page = self.pages.get(element.raw_get("/Pg").idnum) if "/Pg" in element else None
        for kid in self.kids(element):
            kid = kid.get_object() if hasattr(kid, "get_object") else kid
            if isinstance(kid, int):
                parts.append(self.texts.get((page, kid), ""))
            elif kid.get("/Type") == "/MCR":
                parts.append(self.texts.get((self.pages[kid.raw_get("/Pg").idnum], kid["/MCID"]), ""))
            elif kid.get("/Type") == "/StructElem":
                parts.append(self.text(kid))
        return "".join(parts)

    def roles(self, *names: str) -> list[DictionaryObject]:
        return [element for role, element, _ in self.elements if role in names]


def parent_tree(reader: PdfReader) -> dict[int, object]:
    """A tagged PDF's parent tree (a flat number tree, as carepress writes it): key -> the
    array of a page's elements by MCID, or an annotation's element."""
    nums = reader.trailer["/Root"]["/StructTreeRoot"]["/ParentTree"]["/Nums"]
    return {nums[i]: nums[i + 1].get_object() for i in range(0, len(nums), 2)}
