"""End to end: `carepress build` on the shipped content, read back as a reader would."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest
from conftest import Run, build_project, copy_project, squash
from pypdf import PdfReader

from carepress.load import load_project
from carepress.model import passages_of
from carepress.resolve import select_passage

BASE14 = {"/Helvetica", "/Times-Roman", "/Courier", "/Symbol", "/ZapfDingbats"}


def fonts_of(reader: PdfReader) -> list[tuple[str, bool]]:
    """(BaseFont, embedded) for every font any page uses, in its own resources or in the form
    XObjects it draws (an imposed sheet draws its pages as forms)."""
    found = []

    def visit(resources) -> None:  # type: ignore[no-untyped-def]
        resources = resources.get_object()
        for ref in resources.get("/Font", {}).values():
            font = ref.get_object()
            descriptor = font.get("/FontDescriptor")
            embedded = descriptor is not None and "/FontFile2" in descriptor.get_object()
            found.append((str(font["/BaseFont"]), embedded))
        for ref in resources.get("/XObject", {}).values():
            xobject = ref.get_object()
            if xobject.get("/Subtype") == "/Form" and "/Resources" in xobject:
                visit(xobject["/Resources"])

    for page in reader.pages:
        visit(page["/Resources"])
    return found


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The whole matrix, built once for the read-only tests of this module."""
    root = copy_project(tmp_path_factory.mktemp("built") / "project")
    build_project(root)
    return root / "dist"


def page_records(built: Path) -> list[dict]:  # type: ignore[type-arg]
    """The manifest's records of leaflets with their pages in reading order: every one but
    the imposed sheets (see tests/test_print.py), whose -reading-order copies are in."""
    model = load_project(built.parent)
    imposed = {name for name, layout in model.layouts.items() if layout.imposition}
    records = json.loads((built / "manifest.json").read_text())["leaflets"]
    return [r for r in records if r.get("format", "pdf") == "pdf"
            and not (r["layout"] in imposed and not r.get("variant"))]


def test_build_writes_every_leaflet_and_a_manifest(built: Path) -> None:
    manifest = json.loads((built / "manifest.json").read_text())
    records = manifest["leaflets"]
    model = load_project(built.parent)
    brands = model.brands
    assert len(brands) >= 3
    expected = {(h, layout, lang, clinic) for clinic, brand in brands.items()
                for lang in brand.languages for layout in (*brand.layouts, "")  # "": HTML twin
                for h in ("iud-aftercare", "miscarriage-aftercare")}
    assert {(r["handout"], r["layout"], r["lang"], r["clinic"]) for r in records} == expected
    for record in records:
        data = (built / record["path"]).read_bytes()
        suffix = f"-{record['variant']}" if record.get("variant") else ""
        assert record["sha256"] == hashlib.sha256(data).hexdigest()
        assert record["bytes"] == len(data)
        if record.get("format") == "html":
            assert record["path"] == f"{record['clinic']}/{record['lang']}/{record['handout']}.html"
            assert record["pages"] is None and record["layout"] == ""
            continue
        assert record["path"] == (f"{record['clinic']}/{record['lang']}/{record['handout']}-"
                                  f"{record['layout']}{suffix}.pdf")
        assert record["pages"] == len(PdfReader(built / record["path"]).pages) <= \
            model.layouts[record["layout"]].max_pages


def frame_text(page, layout) -> str:  # type: ignore[no-untyped-def]
    """The page's text between its header band and its footer: a passage that goes on to
    the next page reads on without the page furniture in between."""
    top = float(page.mediabox.height) - layout.header_height * 0.45  # (page 1's band: above the title)
    bottom = layout.margin_bottom + layout.footer_height
    if layout.imposition and layout.imposition.kind == "trifold":  # (no band or footer on a panel)
        top, bottom = float(page.mediabox.height), 0.0
    parts: list[str] = []

    def visit(text, cm, tm, font, size):  # type: ignore[no-untyped-def]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        if bottom - 1 <= y <= top:
            parts.append(text)

    page.extract_text(visitor_text=visit)
    return "".join(parts)


def test_every_quoted_passage_is_in_the_english_pdf_verbatim(built: Path) -> None:
    model = load_project(built.parent)
    english = [r for r in page_records(built) if r["lang"] == "en"]
    assert len(english) >= 6
    for record in english:
        handout, brand = model.handouts[record["handout"]], model.brands[record["clinic"]]
        passages = [select_passage(ref, model.sources)[1].text for ref in passages_of(handout)]
        assert passages
        reader = PdfReader(built / record["path"])
        layout = model.layouts[record["layout"]]
        text = squash("".join(frame_text(page, layout) for page in reader.pages))
        for passage in passages:
            assert squash(passage) in text, passage
        whole = squash("".join(page.extract_text() for page in reader.pages))
        assert squash(brand.name) in whole and squash(brand.phone) in whole
        pages = len(reader.pages)
        kind = layout.imposition.kind if layout.imposition else None
        if kind == "trifold":  # one sheet: no page count on its panels (tests/test_folds.py)
            assert "Page" not in whole
        elif kind == "booklet":  # no page count on the front and back covers
            assert squash(f"Page 2 of {pages}") in whole and squash(f"Page {pages - 1} of {pages}") in whole
            assert squash(f"Page 1 of {pages}") not in whole and squash(f"Page {pages} of") not in whole
        else:
            assert squash(f"Page 1 of {pages}") in whole and squash(f"Page {pages} of {pages}") in whole


def test_fonts_are_embedded_subsets_and_never_base14(built: Path) -> None:
    for pdf in built.rglob("*.pdf"):
        fonts = fonts_of(PdfReader(pdf))
        assert fonts
        for name, embedded in fonts:
            assert embedded, (pdf, name)
            assert name not in BASE14
            assert re.fullmatch(r"/[A-Z]{6}\+.+", name), name  # subset tag


def test_pdf_metadata_bookmarks_and_links(built: Path) -> None:
    handout = load_project(built.parent).handouts["iud-aftercare"]
    reader = PdfReader(built / "harbour-health/en/iud-aftercare-letter.pdf")
    assert reader.metadata.title == "After your IUD insertion"
    assert reader.metadata.author == "Harbour Health Clinic"
    assert reader.metadata.subject.startswith("What to expect")
    assert "owner: Women's Health Nursing Team" in reader.metadata["/Keywords"]
    assert "review by: 2029-11-20" in reader.metadata["/Keywords"]
    assert reader.trailer["/Root"]["/Lang"] == "en"
    assert [item["/Title"] for item in reader.outline] == [s.heading.template for s in handout.sections]
    uris = {annot.get_object()["/A"]["/URI"] for page in reader.pages for annot in page.get("/Annots", [])}
    assert "tel:6175550142" in uris
    assert "https://harbourhealth.example/leaflets" in uris


def test_two_builds_are_byte_identical(project: Path, run: Run, tmp_path: Path) -> None:
    for out in ("one", "two"):
        assert run("build", "--clinic", "harbour-health", "--lang", "en", "--lang", "vi",
                   "--layout", "letter", "--out", str(tmp_path / out)).exit_code == 0
    one = {p.relative_to(tmp_path / "one"): p.read_bytes() for p in (tmp_path / "one").rglob("*")
           if p.is_file()}
    two = {p.relative_to(tmp_path / "two"): p.read_bytes() for p in (tmp_path / "two").rglob("*")
           if p.is_file()}
    assert one == two and len([p for p in one if p.suffix == ".pdf"]) == 4


def test_source_date_epoch_sets_the_pdf_dates(project: Path, run: Run, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run("build", "--handout", "iud-aftercare", "--clinic", "harbour-health", "--lang", "en",
               "--out", str(out), env={"SOURCE_DATE_EPOCH": "1700000000"}).exit_code == 0
    reader = PdfReader(out / "harbour-health/en/iud-aftercare-letter.pdf")
    assert reader.metadata["/CreationDate"].startswith("D:20231114221320")
    out2 = tmp_path / "out2"
    assert run("build", "--handout", "iud-aftercare", "--clinic", "harbour-health", "--lang", "en",
               "--out", str(out2), env={"SOURCE_DATE_EPOCH": ""}).exit_code == 0
    reader = PdfReader(out2 / "harbour-health/en/iud-aftercare-letter.pdf")
    assert reader.metadata["/CreationDate"].startswith("D:20261120000000")  # the approval date


def test_filters_select_part_of_the_matrix(project: Path, run: Run) -> None:
    result = run("build", "--handout", "miscarriage-aftercare", "--layout", "letter", "--lang", "es",
                 "--clinic", "harbour-health")
    assert result.exit_code == 0
    pdfs = sorted(str(p.relative_to(project / "dist")) for p in (project / "dist").rglob("*.pdf"))
    assert pdfs == ["harbour-health/es/miscarriage-aftercare-letter.pdf"]


def test_unknown_filter_is_a_usage_error(run: Run) -> None:
    result = run("build", "--layout", "a3")
    assert result.exit_code == 2
    assert "unknown layout `a3`" in result.output


def letters(text: str) -> str:
    """Only the letters and digits, NFC: what every reader extracts alike."""
    import unicodedata

    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFC", text))


def test_a_form_starts_on_the_page_of_its_heading_and_introduction(built: Path) -> None:
    """A fill-in block's lines never start a page below a heading or an introduction left
    at the foot of the page before: heading, introduction and lines stay together."""
    from carepress.pipeline import resolve_job
    from carepress.plan import Job
    from carepress.model import RFillIn, RPassage, RText, plain

    model = load_project(built.parent)
    records = page_records(built)
    forms = 0
    records = [r for r in records if "trifold" not in r["layout"]]  # (panels: tests/test_folds.py)
    for record in records:
        leaflet = resolve_job(model, Job(record["handout"], record["lang"], record["clinic"],
                                         record["layout"])).leaflet
        reader = PdfReader(built / record["path"])
        pages = [letters(page.extract_text()) for page in reader.pages]
        heading_pages = [reader.get_destination_page_number(item) for item in reader.outline]
        for number, section in enumerate(leaflet.sections):
            for index, block in enumerate(section.blocks):
                if not isinstance(block, RFillIn):
                    continue
                label = letters(block.fields[0].label)
                page = next(n for n, text in enumerate(pages) if label in text)
                where = (record["path"], plain(section.heading))
                if index == 0:
                    assert heading_pages[number] == page, where
                before = section.blocks[index - 1] if index else None
                if isinstance(before, (RText, RPassage)):
                    intro = letters(plain(before.text))
                    assert intro[-12:] in pages[page].split(label)[0], where
                    if index == 1:
                        assert heading_pages[number] == page, where
                forms += 1
    assert forms >= len(records) > 40  # a form in each handout


def boxes_and_baselines(page) -> tuple[list[tuple[float, float, float]], list[float]]:  # type: ignore[no-untyped-def]
    """The stroked squares a page draws as (left, bottom, side) of their ink (a 1 pt outline
    about the path), and the baselines of its text."""
    boxes, baselines = [], []

    def operator(op, args, cm, tm) -> None:  # type: ignore[no-untyped-def]
        if op == b"re":
            x, y, w, h = (float(a) for a in args)
            if 3 < w < 30 and abs(w - h) < 0.01:  # (not a QR module, not a colour band)
                boxes.append((cm[4] + x - 0.5, cm[5] + y - 0.5, w + 1))

    def text(content, cm, tm, font, size) -> None:  # type: ignore[no-untyped-def]
        if content.strip():
            baselines.append(cm[5] + tm[5])

    page.extract_text(visitor_operand_before=operator, visitor_text=text)
    return boxes, baselines


def test_check_boxes_stand_on_the_baseline_as_tall_as_capitals(built: Path) -> None:
    """Checklist and fill-in check boxes stand on their text's baseline, as tall as its
    capitals (they stood 2 to 3 pt too high); a checklist's boxes are flush with the text
    margin on the reading side, the right one in Arabic."""
    model = load_project(built.parent)
    count = 0
    for record in page_records(built):
        layout = model.layouts[record["layout"]]
        body = layout.type.body
        for page in PdfReader(built / record["path"]).pages:
            boxes, baselines = boxes_and_baselines(page)
            for left, bottom, side in boxes:
                where = (record["path"], round(left), round(bottom))
                assert min(abs(bottom - baseline) for baseline in baselines) < 0.3, where
                assert 0.65 * body < side < 0.75 * body, where
                count += 1
            lefts = [left for left, _, _ in boxes]
            for left, _, side in boxes:
                if lefts.count(left) == 1:
                    continue  # a fill-in line's choices; a checklist's boxes stand one above another
                if record["lang"] == "ar":
                    edge = float(page.mediabox.width) - layout.margin_right
                    assert left + side == pytest.approx(edge, abs=0.3), record["path"]
                else:
                    assert left == pytest.approx(layout.margin_left, abs=0.3), record["path"]
    assert count > 50  # (the fill-in choices' boxes of every IUD leaflet)
