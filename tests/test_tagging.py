"""Tagged PDF (PDF/UA-1): the structure tree as a screen reader walks it, read back with pypdf
(the tree) and PDFium (the text of each marked-content sequence), and the offline checkers."""

from __future__ import annotations

import ctypes
import json
import subprocess
from pathlib import Path

import pytest
from conftest import Tree, build_project, copy_project, object_text, parent_tree, squash
from pypdf import PdfReader
from pypdf.generic import ContentStream, DictionaryObject

from carepress.load import load_project
from carepress.model import plain
from carepress.pipeline import resolve_job
from carepress.plan import Job

# The leaflets the checkers must pass: English, Arabic and Chinese on A4/Letter, large print.
CHECKED = [("harbour-health", "en", "letter"), ("riverside-womens-health", "en", "a4"),
           ("riverside-womens-health", "ar", "a4"), ("harbour-health", "zh-Hans", "letter"),
           ("riverside-womens-health", "en", "large-print-a4"),
           ("riverside-womens-health", "ar", "large-print-a4"),
           ("riverside-womens-health", "ar", "a5-booklet-reading-order"),
           ("riverside-womens-health", "ar", "trifold-a4-reading-order")]
HANDOUTS = ("iud-aftercare", "miscarriage-aftercare")
PAINTING = {b"Tj", b"TJ", b"'", b'"', b"Do", b"sh", b"BI", b"f", b"F", b"f*", b"B", b"B*", b"b",
            b"b*", b"S", b"s"}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_project(tmp_path_factory.mktemp("tagged") / "project")
    build_project(root, "--lang", "en", "--lang", "ar", "--lang", "zh-Hans", "-q")
    return root


def pdfs(root: Path) -> list[tuple[Path, str, str, str, str]]:
    """(file, clinic, lang, handout, layout) of each checked leaflet."""
    return [(root / f"dist/{clinic}/{lang}/{handout}-{layout}.pdf", clinic, lang, handout,
             layout.removesuffix("-reading-order"))
            for clinic, lang, layout in CHECKED for handout in HANDOUTS]


def _pdfium_string(function, *arguments) -> str:  # type: ignore[no-untyped-def]
    """A string PDFium writes into a buffer (UTF-16LE, NUL-terminated)."""
    length = ctypes.c_ulong()
    function(*arguments, None, 0, ctypes.byref(length))
    buffer = (ctypes.c_ushort * max(1, length.value // 2))()
    function(*arguments, buffer, length.value, ctypes.byref(length))
    return bytes(buffer)[:max(0, length.value - 2)].decode("utf-16-le")


def text_by_language(path: Path) -> dict[str, str]:
    """The text PDFium reads inside marked content that has a /Lang property, by language."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    found: dict[str, str] = {}
    document = pdfium.PdfDocument(path)
    for index in range(len(document)):
        page = document[index]
        textpage = page.get_textpage()
        for obj in page.get_objects(max_depth=3):
            if obj.type != raw.FPDF_PAGEOBJ_TEXT:
                continue
            for number in range(raw.FPDFPageObj_CountMarks(obj.raw)):
                mark = raw.FPDFPageObj_GetMark(obj.raw, number)
                keys = [_pdfium_string(raw.FPDFPageObjMark_GetParamKey, mark, i)
                        for i in range(raw.FPDFPageObjMark_CountParams(mark))]
                if "Lang" in keys:
                    lang = _pdfium_string(raw.FPDFPageObjMark_GetParamStringValue, mark, b"Lang")
                    found[lang] = found.get(lang, "") + object_text(obj, textpage)
    return found


def test_every_painting_operator_is_tagged_content_or_an_artifact(built: Path) -> None:
    for path, *_ in pdfs(built):
        reader = PdfReader(path)
        owners = parent_tree(reader)
        for index, page in enumerate(reader.pages):
            assert page["/Tabs"] == "/S" and page["/StructParents"] == index
            stack: list[str] = []  # "content", "artifact" or "other", innermost last
            mcids = []
            for operands, operator in ContentStream(page.get_contents(), reader).operations:
                if operator in (b"BDC", b"BMC"):
                    properties = operands[1] if len(operands) > 1 else None
                    if operands[0] == "/Artifact":
                        stack.append("artifact")
                    elif isinstance(properties, DictionaryObject) and "/MCID" in properties:
                        assert "content" not in stack and "artifact" not in stack  # never nested
                        mcids.append(properties["/MCID"])
                        stack.append("content")
                    else:
                        stack.append("other")
                elif operator == b"EMC":
                    stack.pop()
                elif operator in PAINTING:
                    assert "content" in stack or "artifact" in stack, (path.name, index, operator)
            assert not stack
            assert mcids == list(range(len(mcids)))
            marked = owners[index]
            assert len(marked) == len(mcids)  # each MCID's element is in the parent tree


def test_the_structure_reads_as_the_leaflet(built: Path) -> None:
    for path, clinic, lang, handout, layout in pdfs(built):
        project = load_project(built)
        leaflet = resolve_job(project, Job(handout, lang, clinic, layout)).leaflet
        tree = Tree(path)
        catalog = tree.reader.trailer["/Root"]
        assert catalog["/MarkInfo"]["/Marked"].value is True and catalog["/Lang"] == lang
        assert tree.elements[0][0] == "Document"
        # Headings: the title, each section's heading in order, then the sources.
        headings = [(role, squash(tree.text(element))) for role, element, _ in tree.elements
                    if role in ("H1", "H2")]
        expected = [("H1", squash(plain(leaflet.title)))]
        expected += [("H2", squash(plain(section.heading))) for section in leaflet.sections]
        expected.append(("H2", squash(leaflet.sources_heading)))
        if "trifold" in layout:  # a summary edition's sections; the flap's first (panel 2)
            chosen = leaflet.trifold_sections
            expected = [expected[0]] + [("H2", squash(plain(section.heading)))
                                        for number, section in enumerate(leaflet.sections)
                                        if chosen is None or number in chosen] + expected[-1:]
            flap = headings[1:2]  # its section's heading, or its box's title as an H2
            expected = expected[:1] + flap + [h for h in expected[1:] if h not in flap]
        assert headings == expected, path
        if leaflet.contact and layout in ("trifold-a4", "a5-booklet"):
            # The contact details print on the back: they are read after the body too.
            order = [squash(tree.text(element)) for role, element, _ in tree.elements if role in ("H2", "H3")]
            assert order.index(squash(leaflet.contact.heading)) > order.index(expected[-2][1]), path
        assert all(role != "H3" or depth > 1 for role, _, depth in tree.elements)  # in a Sect
        # Figures: the logo with the brand's alternative text, the QR code naming its address.
        figures = [str(figure["/Alt"]) for figure in tree.roles("Figure")]
        assert figures[0] == leaflet.clinic.logo.alt
        assert leaflet.closing and leaflet.closing.url
        assert any(leaflet.closing.url in alt for alt in figures[1:])
        # Every passage is one P (a split one too) whose text is the quote or its translation.
        paragraphs = {squash(tree.text(p)) for p in tree.roles("P")}
        passages = [block for section in leaflet.sections for block in section.blocks
                    if type(block).__name__ == "RPassage"]
        for passage in passages:
            assert any(squash(passage.quote) in text for text in paragraphs), passage.quote[:40]


@pytest.mark.parametrize("clinic, lang, layout", [("riverside-womens-health", "ar", "a4"),
                                                  ("harbour-health", "zh-Hans", "letter")])
def test_the_clinic_name_is_marked_as_english_inside_another_language(
        built: Path, clinic: str, lang: str, layout: str) -> None:
    """A screen reader speaks the clinic's (English) name in English inside an Arabic or
    Chinese leaflet: its spans carry /Lang (en) (the brand's `lang`)."""
    name = load_project(built).brands[clinic].name
    marked = text_by_language(built / f"dist/{clinic}/{lang}/iud-aftercare-{layout}.pdf")
    assert set(marked) == {"en"}
    assert squash(name) in squash(marked["en"])


def test_every_link_is_a_link_element_with_a_description(built: Path) -> None:
    for path, *_ in pdfs(built):
        reader = PdfReader(path)
        tree = Tree(path)
        owners = parent_tree(reader)
        annotations = [a.get_object() for page in reader.pages for a in page.get("/Annots", [])]
        assert annotations
        for annotation in annotations:
            assert annotation["/F"] == 4 and str(annotation["/Contents"]).strip()
            owner = owners[annotation["/StructParent"]]
            assert owner["/S"] == "/Link" and str(owner["/Alt"]).strip()
            objects = [kid.get_object()["/Obj"].get_object() for kid in Tree.kids(owner)
                       if kid.get_object().get("/Type") == "/OBJR"]
            assert annotation in objects
        assert len(tree.roles("Link")) == len(annotations)


def test_a_fill_in_form_is_tagged_with_readable_field_names(project: Path, run) -> None:  # type: ignore[no-untyped-def]
    assert run("build", "--lang", "en", "--clinic", "harbour-health", "--layout", "letter",
               "--handout", "iud-aftercare", "--fillable").exit_code == 0
    path = project / "dist/harbour-health/en/iud-aftercare-letter-fillable.pdf"
    reader = PdfReader(path)
    fields = reader.get_fields() or {}
    assert "date_of_insertion" in fields
    assert fields["date_of_insertion"].get("/TU") == "Date of insertion"
    owners = parent_tree(reader)
    widgets = [a.get_object() for page in reader.pages for a in page.get("/Annots", [])
               if a.get_object().get("/Subtype") == "/Widget"]
    assert widgets and all(owners[w["/StructParent"]]["/S"] == "/Form" for w in widgets)


def test_page_validation_finds_no_failure(built: Path) -> None:
    page = pytest.importorskip("page")
    for path, *_ in pdfs(built):
        for profile in ("ua1", "2u"):
            report = page.validate_pdf(str(path), profile=profile)
            assert report.rules.failed == 0, (path.name, profile,
                                              [f.rule_id for f in report.failures][:5])


# outloud infers running heads from lines repeated on every page (a 3-page leaflet's first
# page has the large header instead), and then reports a long running head as prose hidden
# in an artifact.  The line it names is our running head: marked /Artifact /Pagination, as
# PDF/UA wants.  Any other finding fails.
def test_outloud_finds_no_error(built: Path) -> None:
    import shutil

    if shutil.which("outloud") is None:
        pytest.skip("outloud is not installed")
    project = load_project(built)
    checked = pdfs(built)
    running_heads = {squash(project.brands[clinic].name + plain(
        resolve_job(project, Job(handout, lang, clinic, layout)).leaflet.title))
        for _, clinic, lang, handout, layout in checked}
    result = subprocess.run(["outloud", "--json", "-", "--fail-on", "never",
                             *(str(path) for path, *_ in checked)],
                            capture_output=True, text=True, check=True)
    reports = json.loads(result.stdout)["results"]
    assert len(reports) == len(checked)
    for report in reports:
        errors = [finding for finding in report["findings"] if finding["severity"] == "error"
                  and not (finding["rule"] == "TAG-002"
                           and squash(finding.get("evidence", "")) in running_heads)]
        assert errors == [], (report["path"], errors)
