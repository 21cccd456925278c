"""Shared fixtures: a throwaway copy of the project's real content, and a CLI runner."""

from __future__ import annotations

import re
import shutil
import unicodedata
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Callable, Iterator

import pytest
from click.testing import CliRunner, Result

from axe import AxeBrowser
from carepress.cli import main

REPO = Path(__file__).resolve().parent.parent


def copy_project(root: Path) -> Path:
    """A copy of the repository's handouts/ and layouts/ at ``root``."""
    for folder in ("handouts", "layouts"):
        shutil.copytree(REPO / folder, root / folder)
    return root


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of handouts/ and layouts/ that a test may edit freely."""
    return copy_project(tmp_path / "project")


Run = Callable[..., Result]


@pytest.fixture
def run(project: Path) -> Run:
    """Run `carepress ARGS` against the copied project."""

    def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
        return CliRunner().invoke(main, [args[0], "--project", str(project), *args[1:]]
                                  if args and args[0] in COMMANDS_WITH_PROJECT else list(args),
                                  env=env, catch_exceptions=False)

    return invoke


COMMANDS_WITH_PROJECT = {"build", "check", "list", "pin", "fonts"}  # i18n takes --project itself


def squash(text: str) -> str:
    """Text without its whitespace, NFC-normalised: how extracted text is compared."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFC", text))


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
