"""Print-shop output: bleed, trim and bleed boxes, crop marks."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from conftest import MM, Run, edit
from pypdf import PageObject, PdfReader

from carepress.finish import booklet_order, impose, sheet_positions, trifold_order
from carepress.model import PrintOptions
from carepress.pdfa import file_identifier


def test_bleed_sets_trim_and_bleed_boxes(project: Path, run: Run, tmp_path: Path) -> None:
    out = tmp_path / "print"
    result = run("build", "--clinic", "riverside-womens-health", "--lang", "en", "--layout", "a4",
                 "--handout", "iud-aftercare", "--bleed", "3mm", "--out", str(out))
    assert result.exit_code == 0, result.stderr
    page = PdfReader(out / "riverside-womens-health/en/iud-aftercare-a4.pdf").pages[0]
    trim, bleed, media = page.trimbox, page.bleedbox, page.mediabox
    assert float(trim.width) == pytest.approx(210 * MM, abs=0.01)
    assert float(trim.height) == pytest.approx(297 * MM, abs=0.01)
    assert float(bleed.width) == pytest.approx((210 + 6) * MM, abs=0.01)
    assert float(trim.left) - float(bleed.left) == pytest.approx(3 * MM, abs=0.01)
    assert float(media.width) == pytest.approx(float(bleed.width), abs=0.01)
    # The header band runs into the bleed: a rectangle 3 mm left of the trim, 6 mm wider.
    rects = []

    def visitor(op, args, cm, tm):  # type: ignore[no-untyped-def]
        if op == b"re":
            rects.append(tuple(float(a) for a in args))

    page.extract_text(visitor_operand_before=visitor)
    assert any(x == pytest.approx(-3 * MM, abs=0.01) and w == pytest.approx(216 * MM, abs=0.01)
               for x, _, w, _ in rects)


def test_crop_marks_sit_outside_the_bleed(project: Path, run: Run, tmp_path: Path) -> None:
    out = tmp_path / "marks"
    result = run("build", "--clinic", "riverside-womens-health", "--lang", "en", "--layout", "a4",
                 "--handout", "iud-aftercare", "--bleed", "3mm", "--crop-marks", "--out", str(out))
    assert result.exit_code == 0
    page = PdfReader(out / "riverside-womens-health/en/iud-aftercare-a4.pdf").pages[0]
    assert float(page.mediabox.width) > float(page.bleedbox.width) + 10 * MM
    lines = []

    def visitor(op, args, cm, tm):  # type: ignore[no-untyped-def]
        if op == b"m":
            lines.append((float(args[0]), float(args[1])))

    page.extract_text(visitor_operand_before=visitor)
    left_trim = float(page.trimbox.left)
    marks = [p for p in lines if p[0] < float(page.bleedbox.left)]
    assert len(marks) >= 2  # lines drawn left of the bleed: the marks
    assert all(x < left_trim for x, _ in marks)


def test_bad_bleed_is_a_usage_error(run: Run) -> None:
    result = run("build", "--bleed", "three")
    assert result.exit_code == 2
    assert "is not a length such as 3mm" in result.output


def test_booklet_order_for_eight_pages() -> None:
    assert booklet_order(8) == [(8, 1), (2, 7), (6, 3), (4, 5)]
    assert booklet_order(5) == [(8, 1), (2, 7), (6, 3), (4, 5)]  # padded to a multiple of 4
    assert booklet_order(8, right_to_left=True) == [(1, 8), (7, 2), (3, 6), (5, 4)]
    # A back cover (the last page) stays the outside of the back; the blanks go before it.
    assert booklet_order(5, back_cover=True) == [(5, 1), (2, 8), (7, 3), (4, 6)]
    assert booklet_order(8, back_cover=True) == booklet_order(8)


def column_texts(imposed: Path, columns: int) -> list[list[str]]:
    """For each sheet side, the text standing in each of ``columns`` equal columns, read with
    pypdf.  A sheet draws each page as a form XObject (/PageN); pypdf reports a form's text
    at the form's own coordinates, so each form's offset comes from the `cm` before its `Do`."""
    return [_column_texts(page, columns) for page in PdfReader(imposed).pages]


def _column_texts(page, columns: int) -> list[str]:  # type: ignore[no-untyped-def]
    width = float(page.mediabox.width)
    texts = [""] * columns
    state = {"cm": [1.0, 0, 0, 1, 0, 0], "form_x": 0.0}

    def before(operator, operands, cm, tm):  # type: ignore[no-untyped-def]
        if operator == b"cm":
            state["cm"] = [float(v) for v in operands]
        elif operator == b"Do" and str(operands[0]).startswith("/Page"):
            state["form_x"] = state["cm"][4]  # a placed page: its text follows, moved by that cm

    def visitor(text, cm, tm, font, size):  # type: ignore[no-untyped-def]
        x = state["form_x"] + cm[0] * tm[4] + cm[2] * tm[5] + cm[4]
        texts[min(max(int(x / width * columns), 0), columns - 1)] += text + " "

    page.extract_text(visitor_operand_before=before, visitor_text=visitor)
    return texts


@pytest.mark.parametrize("lang, rtl", [("en", False), ("ar", True)])
def test_booklet_sheets_are_in_saddle_stitch_order(project: Path, run: Run, lang: str,
                                                   rtl: bool) -> None:
    result = run("build", "--clinic", "riverside-womens-health", "--layout", "a5-booklet",
                 "--lang", lang, "--handout", "miscarriage-aftercare")
    assert result.exit_code == 0, result.stderr
    folder = project / "dist/riverside-womens-health" / lang
    reading = PdfReader(folder / "miscarriage-aftercare-a5-booklet-reading-order.pdf")
    imposed = folder / "miscarriage-aftercare-a5-booklet.pdf"
    pages = len(reading.pages)
    assert 2 <= pages <= 8
    sheet = PdfReader(imposed).pages[0]
    assert float(sheet.mediabox.width) == pytest.approx(297 * MM, abs=0.01)  # A4 landscape
    reading_path = folder / "miscarriage-aftercare-a5-booklet-reading-order.pdf"
    # No blank page: pages for notes (their heading and ruled lines) fill the last sheet,
    # before the back cover.
    heading = {"en": "Notes", "ar": "ملاحظات"}[lang]
    texts = [page.extract_text() for page in reading.pages]
    notes = {number for number, text in enumerate(texts, start=1) if heading in text.split()}
    assert pages % 4 == 0 and notes and notes == set(range(min(notes), pages))
    found, identifiable = regions_as_reading_pages(imposed, reading_path, 2)
    assert set(range(1, pages + 1)) - notes <= identifiable
    expected = [tuple(n if n not in notes else None for n in side)
                for side in booklet_order(pages, rtl, back_cover=True)]
    assert found == expected
    assert any(pages in side for side in found[:1])  # the back cover: outside, on the first side
    assert len(PdfReader(imposed).pages) * 2 % 4 == 0
    catalog = PdfReader(imposed).trailer["/Root"]  # the reading-order file's language and direction
    assert catalog["/Lang"] == lang
    assert catalog["/ViewerPreferences"].get("/Direction") == ("/R2L" if rtl else None)


def regions_as_reading_pages(imposed: Path, reading: Path,
                             slots: int) -> tuple[list[tuple[int | None, ...]], set[int]]:
    """For each sheet side: which reading-order page stands in each of its ``slots`` columns,
    found by the words each column shares with each reading page (None: nothing to tell);
    and the pages that have words of their own to be found by."""
    def words(text: str) -> set[str]:
        return set(re.findall(r"\w{4,}", text))

    pages = [words(page.extract_text()) for page in PdfReader(reading).pages]
    # Words on most pages are page furniture (clinic name, footer): they identify nothing.
    furniture = {w for w in set().union(*pages) if sum(w in p for p in pages) > len(pages) // 2}
    pages = [p - furniture for p in pages]
    sides = []
    for columns in column_texts(imposed, slots):
        found = []
        for column in columns:
            overlap = [len(words(column) & page_words) for page_words in pages]
            best = max(range(len(pages)), key=lambda i: overlap[i])
            found.append(best + 1 if overlap[best] > 3 else None)
        sides.append(tuple(found))
    return sides, {number for number, page in enumerate(pages, start=1) if len(page) > 3}


@pytest.mark.parametrize("lang, rtl", [("en", False), ("ar", True)])
def test_trifold_panels_are_in_folding_order(trifold_project: Path, run: Run, lang: str,
                                             rtl: bool) -> None:
    result = run("build", "--clinic", "riverside-womens-health", "--lang", lang,
                 "--handout", "iud-aftercare")
    assert result.exit_code == 0, result.stderr
    folder = trifold_project / "dist/riverside-womens-health" / lang
    reading = folder / "iud-aftercare-trifold-a4-reading-order.pdf"
    imposed = folder / "iud-aftercare-trifold-a4.pdf"
    reader = PdfReader(reading)
    assert len(reader.pages) == 6  # cover, flap, three inside, back
    cover, back = reader.pages[0].extract_text(), reader.pages[5].extract_text()
    assert "IUD" in cover and "020 7946 0321" in back  # title on the cover, contact on the back
    sheet = PdfReader(imposed).pages[0]
    assert float(sheet.mediabox.width) == pytest.approx(297 * MM, abs=0.01)
    found, identifiable = regions_as_reading_pages(imposed, reading, 3)
    assert {1, 2, 3, 6} <= identifiable
    expected = [tuple(n if n in identifiable else None for n in side) for side in trifold_order(rtl)]
    assert found == expected


def test_content_that_does_not_fit_the_panels_is_an_error_naming_the_panel(
        trifold_project: Path, run: Run) -> None:
    edit(trifold_project / "layouts/trifold-a4.yaml", "  body: 12", "  body: 16")
    result = run("build", "--clinic", "riverside-womens-health", "--lang", "ru",
                 "--handout", "miscarriage-aftercare")
    assert result.exit_code == 1
    assert ("`miscarriage-aftercare` (ru) does not fit the `trifold-a4` panels: the content runs "
            "past the `inside right` panel") in result.stderr
    assert "`trifold: sections:`" in result.stderr  # how to make a summary edition
    assert not list((trifold_project / "dist").rglob("*.pdf"))


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_fillable_makes_form_fields(project: Path, run: Run, lang: str) -> None:
    clinic = "harbour-health" if lang == "en" else "riverside-womens-health"
    layout = "letter" if lang == "en" else "a4"
    result = run("build", "--clinic", clinic, "--lang", lang, "--layout", layout,
                 "--handout", "iud-aftercare", "--fillable")
    assert result.exit_code == 0, result.stderr
    folder = project / "dist" / clinic / lang
    reader = PdfReader(folder / f"iud-aftercare-{layout}-fillable.pdf")
    fields = reader.get_fields()
    kinds = sorted(str(field.get("/FT")) for field in fields.values())
    assert kinds == ["/Btn", "/Btn", "/Tx", "/Tx", "/Tx"]  # 3 lines to write on, 2 choices
    if lang == "en":
        tooltips = {str(field.get("/TU")) for field in fields.values()}
        assert {"Date of insertion", "Copper", "Hormonal", "Follow-up appointment"} <= tooltips
    written = f"{clinic}/{lang}/iud-aftercare-{layout}-fillable.pdf"
    assert f"built     {written}" in result.stderr  # progress names the file written
    # The form is an extra: the printed PDF and the HTML twin are built beside it, as usual,
    # and the printed one has no fields.
    printed = PdfReader(folder / f"iud-aftercare-{layout}.pdf")
    assert "/AcroForm" not in printed.trailer["/Root"] and not printed.get_fields()
    assert (folder / "iud-aftercare.html").is_file()
    # Without --fillable the same leaflets are unchanged (the form's options are its own).
    again = run("build", "--clinic", clinic, "--lang", lang, "--layout", layout,
                "--handout", "iud-aftercare")
    assert again.exit_code == 0 and "2 leaflet(s): 0 built, 2 unchanged" in again.stderr
    assert (folder / f"iud-aftercare-{layout}-fillable.pdf").is_file()  # (left in place)


def test_fillable_forms_only_for_handouts_with_fill_in_lines(project: Path, run: Run) -> None:
    edit(project / "handouts/miscarriage-aftercare.yaml",
         "      - fill_in:\n          - label: Follow-up appointment\n", "")
    chosen = ("--clinic", "harbour-health", "--lang", "en", "--layout", "letter")
    listed = run("list", *chosen, "--fillable").stdout
    assert "iud-aftercare-letter-fillable.pdf" in listed
    assert "miscarriage-aftercare-letter.pdf" in listed
    assert "miscarriage-aftercare-letter-fillable.pdf" not in listed
    assert "fillable" not in run("list", *chosen).stdout
    result = run("build", *chosen, "--fillable")
    assert result.exit_code == 0, result.stderr
    folder = project / "dist/harbour-health/en"
    assert sorted(p.name for p in folder.iterdir()) == [
        "iud-aftercare-letter-fillable.pdf", "iud-aftercare-letter.pdf", "iud-aftercare.html",
        "miscarriage-aftercare-letter.pdf", "miscarriage-aftercare.html"]
    assert PdfReader(folder / "iud-aftercare-letter-fillable.pdf").get_fields()
    for name in ("iud-aftercare-letter.pdf", "miscarriage-aftercare-letter.pdf"):
        assert not PdfReader(folder / name).get_fields()
    manifest = json.loads((project / "dist/manifest.json").read_text(encoding="utf-8"))
    assert [r["path"] for r in manifest["leaflets"] if r.get("variant") == "fillable"] == [
        "harbour-health/en/iud-aftercare-letter-fillable.pdf"]
    index = (project / "dist/index.html").read_text(encoding="utf-8")
    assert "<td>letter (fillable)</td>" in index


def test_an_imposed_layouts_form_is_its_reading_order(project: Path, run: Run) -> None:
    result = run("build", "--clinic", "riverside-womens-health", "--lang", "en", "--layout",
                 "a5-booklet", "--handout", "iud-aftercare", "--format", "pdf", "--fillable")
    assert result.exit_code == 0, result.stderr
    folder = project / "dist/riverside-womens-health/en"
    assert sorted(p.name for p in folder.iterdir()) == [
        "iud-aftercare-a5-booklet-fillable.pdf", "iud-aftercare-a5-booklet-reading-order.pdf",
        "iud-aftercare-a5-booklet.pdf"]
    form = PdfReader(folder / "iud-aftercare-a5-booklet-fillable.pdf")
    reading = PdfReader(folder / "iud-aftercare-a5-booklet-reading-order.pdf")
    assert form.get_fields() and not reading.get_fields()
    assert len(form.pages) == len(reading.pages)  # pages to read, not sheets to print
    assert form.pages[0].mediabox == reading.pages[0].mediabox


# --- imposed sheets with a bleed and crop marks; pages placed by their own widths ----------

# How a sheet's content places a page: its clip (with a bleed or crop marks), its offset.
_PLACED = re.compile(r"q (?:(\S+) (\S+) (\S+) (\S+) re W n )?1 0 0 1 (\S+) (\S+) cm /Page(\d+) Do Q")


def placements(sheet: PageObject) -> list[tuple[int, float, float, tuple[float, ...] | None]]:
    """Each page a sheet side draws, left to right: (page number, x, y of the page's origin,
    its clip rectangle as left, bottom, right, top, or None)."""
    found = []
    for match in _PLACED.finditer(sheet.get_contents().get_data().decode("ascii")):
        clip = None
        if match[1] is not None:
            x, y, w, h = (float(v) for v in match.groups()[:4])
            clip = (x, y, x + w, y + h)
        found.append((int(match[7]), float(match[5]), float(match[6]), clip))
    return sorted(found, key=lambda placed: placed[1])


def crop_mark_strokes(sheet: PageObject) -> list[tuple[float, float]]:
    """The points each `m` (a line's start) moves to in a sheet's own content."""
    return [(float(x), float(y)) for x, y in re.findall(
        r"(\S+) (\S+) m", sheet.get_contents().get_data().decode("ascii"))]


def boxes(page: PageObject) -> tuple[list[float], ...]:
    return tuple([float(v) for v in box] for box in (page.mediabox, page.trimbox, page.bleedbox))


def test_booklet_sheets_with_bleed_and_crop_marks_are_print_ready(project: Path, run: Run) -> None:
    result = run("build", "--clinic", "riverside-womens-health", "--lang", "en", "--layout", "a5-booklet",
                 "--handout", "miscarriage-aftercare", "--format", "pdf", "--bleed", "3mm", "--crop-marks")
    assert result.exit_code == 0, result.stderr
    folder = project / "dist/riverside-womens-health/en"
    reading = PdfReader(folder / "miscarriage-aftercare-a5-booklet-reading-order.pdf")
    imposed = PdfReader(folder / "miscarriage-aftercare-a5-booklet.pdf")
    outer, bleed, sheet_width, sheet_height = 12 * MM, 3 * MM, 297 * MM, 210 * MM  # 3 mm + 9 for marks
    trim = [outer, outer, outer + sheet_width, outer + sheet_height]
    assert len(imposed.pages) * 2 >= len(reading.pages)
    order = booklet_order(len(reading.pages), back_cover=True)
    assert len(order) == len(imposed.pages)
    two_sided = 0
    for side, sheet in enumerate(imposed.pages):
        media, trimmed, bled = boxes(sheet)
        assert media == pytest.approx([0, 0, sheet_width + 2 * outer, sheet_height + 2 * outer], abs=1e-3)
        assert trimmed == pytest.approx(trim, abs=1e-3)
        assert bled == pytest.approx([trim[0] - bleed, trim[1] - bleed, trim[2] + bleed, trim[3] + bleed],
                                     abs=1e-3)
        # Each A5 page's trim stands centred on its half of the sheet; the halves' cells meet
        # at the fold (the bleed fills the millimetre between the pages), and past the
        # sheet's outer edges a page keeps its bleed.
        placed = placements(sheet)
        # (a side may hold one page: the blanks padding the booklet stand before its back cover)
        slots = order[side]
        assert [number for number, *_ in placed] == [n for n in slots if n <= len(reading.pages)]
        for number, x, y, clip in placed:
            index = slots.index(number)
            page_trim = reading.pages[number - 1].trimbox
            assert float(page_trim.width) == pytest.approx(148 * MM, abs=1e-3)
            left = x + float(page_trim.left)
            assert left == pytest.approx(outer + index * sheet_width / 2 + 0.5 * MM / 2, abs=1e-3)
            assert y + float(page_trim.bottom) == pytest.approx(outer, abs=1e-3)
            assert clip is not None
            assert clip[1] == pytest.approx(trim[1] - bleed, abs=1e-3)
            assert clip[3] == pytest.approx(trim[3] + bleed, abs=1e-3)
        cells = {slots.index(number): clip for number, _, _, clip in placed}
        fold = outer + sheet_width / 2
        if 0 in cells:
            left_cell = cells[0]
            assert left_cell is not None
            assert left_cell[2] == pytest.approx(fold, abs=1e-3)
            assert left_cell[0] == pytest.approx(trim[0] - bleed, abs=1e-3)
        if 1 in cells:
            right_cell = cells[1]
            assert right_cell is not None
            assert right_cell[0] == pytest.approx(fold, abs=1e-3)
            assert right_cell[2] == pytest.approx(trim[2] + bleed, abs=1e-3)
        two_sided += len(cells) == 2
        # The sheet's crop marks: two lines at each corner, all outside the bleed box.
        strokes = crop_mark_strokes(sheet)
        assert len(strokes) == 8
        assert all(not (bled[0] < x < bled[2] and bled[1] < y < bled[3]) for x, y in strokes)
        edges = {round(trim[0], 2), round(trim[2], 2)}  # the vertical marks, on the trim's sides
        assert {(round(x, 2), round(y, 2)) for x, y in strokes if round(x, 2) in edges} == {
            (x, round(y, 2)) for x in edges for y in (trim[1] - bleed - 1 * MM, trim[3] + bleed + 1 * MM)}
    assert two_sided  # (the pages meeting at a fold were seen)
    # PDF/A and print-only as before: no structure, links moved with their pages.
    assert "/StructTreeRoot" not in imposed.trailer["/Root"]
    assert sum(len(sheet.get("/Annots", [])) for sheet in imposed.pages) == sum(
        len(page.get("/Annots", [])) for page in reading.pages) > 0


def test_sheets_without_bleed_or_crop_marks_are_as_they_were(project: Path, run: Run) -> None:
    """No print options: the sheet is the media box, no boxes, no clip, no marks; each page
    drawn at its old place (centred in its half of the sheet), with the old operators."""
    result = run("build", "--clinic", "riverside-womens-health", "--lang", "en", "--layout", "a5-booklet",
                 "--handout", "miscarriage-aftercare", "--format", "pdf")
    assert result.exit_code == 0, result.stderr
    folder = project / "dist/riverside-womens-health/en"
    sheet = PdfReader(folder / "miscarriage-aftercare-a5-booklet.pdf").pages[0]
    back_cover, front = booklet_order(len(PdfReader(folder / "miscarriage-aftercare-a5-booklet-reading-order.pdf")
                                          .pages), back_cover=True)[0]
    assert [float(v) for v in sheet.mediabox] == pytest.approx([0, 0, 297 * MM, 210 * MM], abs=1e-3)
    assert "/TrimBox" not in sheet and "/BleedBox" not in sheet
    lines = sheet.get_contents().get_data().decode("ascii").splitlines()
    assert [re.sub(r"cm /Page\d", "cm /PageN", re.sub(r"[\d.]+ 0 cm", "X 0 cm", line)) for line in lines] \
        == ["/Artifact BMC q 1 0 0 1 X 0 cm /PageN Do Q EMC"] * 2
    # (148 mm pages centred in 148.5 mm halves)
    assert [(n, x) for n, x, _, _ in placements(sheet)] == [
        (back_cover, pytest.approx(0.25 * MM, abs=1e-3)), (front, pytest.approx(148.75 * MM, abs=1e-3))]
    assert not crop_mark_strokes(sheet)


def synthetic_leaflet(widths: list[float], printing: PrintOptions) -> PdfReader:
    """A PDF of pages 210 mm tall and ``widths`` mm wide, typeset as carepress typesets with
    ``printing``: each page its trim plus ``printing.outer`` all round, coloured to its
    media box's edges (a colour of its own), and a link on every page."""
    from reportlab.pdfgen.canvas import Canvas

    buffer = io.BytesIO()
    canv = Canvas(buffer, invariant=1)
    outer, bleed = printing.outer, printing.bleed
    for number, width_mm in enumerate(widths, start=1):
        width, height = width_mm * MM, 210 * MM
        canv.setPageSize((width + 2 * outer, height + 2 * outer))
        if outer:
            canv.setTrimBox((outer, outer, outer + width, outer + height))
            canv.setBleedBox((outer - bleed, outer - bleed, outer + width + bleed, outer + height + bleed))
        canv.setFillColorRGB(*PAGE_COLOURS[number - 1])
        canv.rect(0, 0, width + 2 * outer, height + 2 * outer, stroke=0, fill=1)
        canv.linkURL(f"https://example.org/{number}", (outer + 10, outer + 10, outer + 60, outer + 30))
        canv.showPage()
    canv.save()
    return PdfReader(io.BytesIO(buffer.getvalue()))


PAGE_COLOURS = [(1, 0, 0), (0, 0.6, 0), (0, 0, 1), (1, 0.8, 0), (0.6, 0, 0.6), (0, 0.7, 0.7)]
TUCKED = [99, 96.5, 99, 99, 96.5, 99]  # a tri-fold whose tuck-in panels (2 and 5) are narrower


@pytest.mark.parametrize("rtl", [False, True])
@pytest.mark.parametrize("printing", [PrintOptions(), PrintOptions(3 * MM, crop_marks=True)],
                         ids=["plain", "bleed"])
def test_pages_of_unequal_widths_pack_across_the_sheet(printing: PrintOptions, rtl: bool) -> None:
    reader = synthetic_leaflet(TUCKED, printing)
    sheet_width, outer, bleed = 297 * MM, printing.outer, printing.bleed
    order = trifold_order(rtl)
    imposed = PdfReader(io.BytesIO(impose(reader, sheet_width, 210 * MM, order, file_identifier(b"test"),
                                          "reading.pdf", printing)))
    assert len(imposed.pages) == 2
    for sheet, numbers in zip(imposed.pages, order):
        placed = placements(sheet)
        assert [number for number, *_ in placed] == list(numbers)  # left to right, as ordered
        widths = [TUCKED[number - 1] * MM for number in numbers]
        lefts = [x + float(reader.pages[number - 1].trimbox.left) for number, x, _, _ in placed]
        # Packed edge to edge (each page's trim starts where the one before ends), centred.
        assert lefts[0] == pytest.approx(outer + (sheet_width - sum(widths)) / 2, abs=1e-3)
        for index in range(1, 3):
            assert lefts[index] == pytest.approx(lefts[index - 1] + widths[index - 1], abs=1e-3)
        # Links moved with their pages.
        for annotation, left in zip(sheet["/Annots"], lefts):
            assert float(annotation.get_object()["/Rect"][0]) == pytest.approx(left + 10, abs=1e-3)
        if not outer:
            assert all(clip is None for *_, clip in placed) and "/TrimBox" not in sheet
            continue
        # Each page shows in its cell: clipped at the folds where it meets its neighbours,
        # its bleed kept past the sheet's outer edges.
        cells = [clip for *_, clip in placed]
        assert cells[0] is not None and cells[1] is not None and cells[2] is not None
        assert cells[0][0] == pytest.approx(outer - bleed, abs=1e-3)
        assert cells[2][2] == pytest.approx(outer + sheet_width + bleed, abs=1e-3)
        for index in range(1, 3):
            assert cells[index - 1][2] == pytest.approx(lefts[index], abs=1e-3)
            assert cells[index][0] == pytest.approx(lefts[index], abs=1e-3)
        assert len(crop_mark_strokes(sheet)) == 8


def test_a_sheet_renders_each_page_in_its_cell_and_crop_marks_at_its_corners() -> None:
    """Rendered (PDFium): each panel's colour up to its folds and not past them, into the
    bleed on the sheet's outer edges, white outside the bleed but for the crop marks."""
    import pypdfium2 as pdfium

    printing = PrintOptions(3 * MM, crop_marks=True)
    reader = synthetic_leaflet(TUCKED, printing)
    data = impose(reader, 297 * MM, 210 * MM, trifold_order(), file_identifier(b"test"), "reading.pdf",
                  printing)
    scale = 4  # pixels a point, so that a 0.25 pt mark is a pixel wide
    image = pdfium.PdfDocument(data)[1].render(scale=scale).to_pil().convert("RGB")
    outer, bleed = printing.outer, printing.bleed
    widths = [TUCKED[n - 1] * MM for n in (3, 4, 5)]
    left = outer + (297 * MM - sum(widths)) / 2
    folds = [left + widths[0], left + widths[0] + widths[1]]
    height = image.height

    def colour(x: float, y: float) -> tuple[int, int, int]:  # (y from the bottom, as in PDF)
        return image.getpixel((int(x * scale), int(height - y * scale)))

    def near(pixel: tuple[int, int, int], rgb: tuple[float, float, float]) -> bool:
        return all(abs(p - c * 255) < 40 for p, c in zip(pixel, rgb))

    middle = outer + 105 * MM
    for fold, (before, after) in zip(folds, [(3, 4), (4, 5)]):
        assert near(colour(fold - 1, middle), PAGE_COLOURS[before - 1])
        assert near(colour(fold + 1, middle), PAGE_COLOURS[after - 1])
    # The bleed on the sheet's outer edges: the outer panels' colours run into it.
    assert near(colour(outer - bleed + 1, middle), PAGE_COLOURS[2])
    assert near(colour(outer + 297 * MM + bleed - 1, middle), PAGE_COLOURS[4])
    assert near(colour(outer + 100, outer - bleed + 1), PAGE_COLOURS[2])
    # Past the bleed: white (the pages' own bleed and crop marks clipped), but for the marks.
    assert colour(outer - bleed - 2, middle) == (255, 255, 255)
    assert colour(outer + 100, outer - bleed - 2) == (255, 255, 255)
    mark = colour(outer - bleed - 4 * MM, outer)  # on the line of the bottom trim edge
    assert max(mark) < 200  # a dark hairline


def test_sheet_positions() -> None:
    assert sheet_positions([148.0, 148.0], 297.0, uniform=True) == ([0.25, 148.75], [0.0, 148.5, 297.0])
    assert sheet_positions([97.0, 99.0, 99.0], 297.0, uniform=False) == (
        [1.0, 98.0, 197.0], [0.0, 98.0, 197.0, 297.0])
