"""Print-shop output: bleed, trim and bleed boxes, crop marks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import Run, edit
from pypdf import PdfReader

MM = 72 / 25.4


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
    from carepress.finish import booklet_order

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
    from carepress.finish import booklet_order

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
    found, identifiable = regions_as_reading_pages(imposed, reading_path, 2)
    assert set(range(1, pages + 1)) <= identifiable
    expected = [tuple(n if n <= pages else None for n in side)
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
    import re

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


@pytest.fixture
def trifold_project(project: Path) -> Path:
    edit(project / "layouts/brands/riverside-womens-health.yaml",
         "layouts: [a4, large-print-a4, a5-booklet, trifold-a4]", "layouts: [trifold-a4]")
    return project


@pytest.mark.parametrize("lang, rtl", [("en", False), ("ar", True)])
def test_trifold_panels_are_in_folding_order(trifold_project: Path, run: Run, lang: str,
                                             rtl: bool) -> None:
    from carepress.finish import trifold_order

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
