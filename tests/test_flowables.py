"""Flowables: paragraphs that break their lines once per width."""

from __future__ import annotations

import re

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph

from carepress.typeset.flowables import SettledParagraph

TEXT = " ".join(["Call the clinic if the bleeding is heavy or lasts more than a week."] * 6)


def test_lines_are_broken_once_per_width(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    calls = []
    original = Paragraph.breakLines
    monkeypatch.setattr(Paragraph, "breakLines", lambda self, widths: calls.append(widths) or original(self, widths))
    style = ParagraphStyle("body", fontName="Helvetica", fontSize=12, leading=15)
    settled, plain = SettledParagraph(TEXT, style), Paragraph(TEXT, style)
    for width in (300, 300, 300, 200, 200):
        assert settled.wrap(width, 1000) == plain.wrap(width, 1000)
        assert settled.blPara.lines == plain.blPara.lines
    assert len(calls) == 5 + 2  # the plain paragraph five times; the settled one once per width


def test_a_split_paragraph_is_broken_again() -> None:
    style = ParagraphStyle("body", fontName="Helvetica", fontSize=12, leading=15)
    paragraph = SettledParagraph(TEXT, style)
    _, height = paragraph.wrap(200, 1000)
    first, rest = paragraph.split(200, height / 2)
    assert first.wrap(200, 1000)[1] + rest.wrap(200, 1000)[1] == height
    assert paragraph.wrap(200, 1000) == (200, height)  # split() dropped its lines: broken again


def test_qr_codes_are_kept_in_the_user_cache(user_cache) -> None:  # type: ignore[no-untyped-def]
    from carepress.typeset.flowables import qr_modules

    qr_modules.cache_clear()
    modules = qr_modules("https://clinic.example/l/en/iud")
    assert len(modules) in range(21, 178, 4) and modules[0][:7] == (True,) * 7  # a finder pattern
    [cached] = (user_cache / "qr").glob("*.txt")
    cached.write_text("101\n010\n101", encoding="ascii")  # the next process reads the file
    qr_modules.cache_clear()
    assert qr_modules("https://clinic.example/l/en/iud") == ((True, False, True), (False, True, False),
                                                             (True, False, True))
    qr_modules.cache_clear()


def test_a_raster_logo_is_decoded_once_per_content(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import io
    import os

    from PIL import Image
    from pypdf import PdfReader
    from reportlab.lib import utils
    from reportlab.pdfgen.canvas import Canvas

    from carepress.model import RLogo
    from carepress.typeset.flowables import _raster_image, draw_logo

    _raster_image.cache_clear()
    readers = []

    class CountingReader(utils.ImageReader):
        def __init__(self, source) -> None:  # type: ignore[no-untyped-def]
            readers.append(source)
            super().__init__(source)

    monkeypatch.setattr(utils, "ImageReader", CountingReader)

    def first_pixel_drawn() -> tuple[int, ...]:
        buffer = io.BytesIO()
        canvas = Canvas(buffer)
        draw_logo(canvas, RLogo(logo.read_bytes(), "png", "logo", logo.name), 0, 0, 20, "Helvetica")
        canvas.save()
        (image,) = PdfReader(buffer).pages[0].images
        return image.image.convert("RGB").getpixel((0, 0))

    logo = tmp_path / "logo.png"
    Image.new("RGB", (4, 4), "#ff0000").save(logo)
    os.utime(logo, ns=(1, 1_000_000_000))
    assert [first_pixel_drawn() for _ in range(3)] == [(255, 0, 0)] * 3
    assert len(readers) == 1  # three leaflets, one decoding
    Image.new("RGB", (4, 4), "#0000ff").save(logo)  # the clinic replaces its logo ...
    os.utime(logo, ns=(1, 1_000_000_000))  # ... and the copy keeps the old timestamp
    assert first_pixel_drawn() == (0, 0, 255)  # not the pixels kept from the first file
    assert len(readers) == 2


def test_an_address_is_cut_only_where_it_may_break() -> None:
    from carepress.typeset.flowables import address_pieces, fill_lines

    assert address_pieces("https://clinic.example/l/en/iud-care?a=1&b=2#top") == [
        "https://", "clinic", ".example/", "l/", "en/", "iud", "-care", "?a", "=1", "&b", "=2", "#top"]
    assert address_pieces("leaflets@harbourhealth.example") == ["leaflets", "@harbourhealth", ".example"]
    pieces = address_pieces("https://clinic.example/l/en/")
    assert fill_lines(pieces, 10, 14, len) == ["https://", "clinic", ".example/l/en/"]  # a unit a letter
    assert fill_lines(pieces, 5, 14, len) == ["", "https://clinic", ".example/l/en/"]  # first line full
    # Among as few lines, the one that ends after a slash: a path segment stays whole.
    pieces = address_pieces("harbourhealth.example/leaflets/zh-Hans/iud-aftercare")
    assert fill_lines(pieces, 34, 34, len) == ["harbourhealth.example/leaflets/", "zh-Hans/iud-aftercare"]
    # Only a piece wider than a whole line is cut between letters (and with no hyphen).
    assert fill_lines(["supercalifragilistic", ".example"], 0, 8, len) == [
        "", "supercal", "ifragili", "stic", ".example"]


def test_address_lines_keep_the_label_with_the_address_when_both_fit() -> None:
    from carepress.typeset.flowables import AddressLines

    style = ParagraphStyle("body", fontName="Helvetica", fontSize=12, leading=15)
    address = "riverside-womens-health.example/l/en/iud-aftercare"

    def lines(width: float) -> list[str]:
        flowable = AddressLines(lambda markup: SettledParagraph(markup, style), "Online: ", address,
                                "https://" + address, style)
        _, height = flowable.wrap(width, 1000)
        top = flowable._top
        assert top is not None
        shown = [" ".join(word.text if hasattr(word, "text") else word for word in line.words).strip()
                 if hasattr(line, "words") else " ".join(line[1]) for line in top.blPara.lines]
        shown = [re.sub(r"\s+", " ", line) for line in shown] + flowable._lines
        assert height == len(shown) * style.leading
        return shown

    assert lines(400) == ["Online: " + address]
    assert lines(300) == ["Online:", address]  # a line of its own rather than broken
    assert lines(200) == ["Online: riverside-womens-health", ".example/l/en/iud-aftercare"]
    assert lines(120) == ["Online: riverside", "-womens-health", ".example/l/en/", "iud-aftercare"]


def test_a_logo_with_far_too_many_pixels_is_refused_with_its_size(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from PIL import Image

    from carepress.typeset.flowables import check_logo

    Image.new("RGB", (2100, 2000), "#ffffff").save(tmp_path / "logo.png")
    assert check_logo((tmp_path / "logo.png").read_bytes(), "png") == (
        "an image of 2100 x 2000 pixels; every leaflet would carry all of them: use one at most "
        "2000 pixels across")
    Image.new("RGB", (200, 200), "#ffffff").save(tmp_path / "small.png")
    assert check_logo((tmp_path / "small.png").read_bytes(), "png") is None


def test_a_long_address_of_short_segments_is_filled_without_an_exponential_search() -> None:
    from carepress.typeset.flowables import address_pieces, fill_lines

    calls = []

    def measure(text: str) -> float:
        calls.append(text)
        return float(len(text))

    address = "https://example.org/" + "/".join("ab" for _ in range(90))
    lines = fill_lines(address_pieces(address), 20, 20, measure)
    assert "".join(lines) == address and all(len(line) <= 20 for line in lines)
    assert len(calls) < 20_000  # (trying both breaks at every line without memory: millions)


def test_a_heading_before_a_bullet_list_is_never_left_alone_at_the_foot_of_a_page() -> None:
    """A list is a run of ListEntry flowables, so a heading's keep-with-next takes the
    first item with it (ReportLab's ListFlowable, a container, would not join the chain)."""
    import io

    from pypdf import PdfReader
    from reportlab.platypus import ListFlowable, ListItem, SimpleDocTemplate, Spacer

    from carepress.typeset.flowables import ListEntry

    body = ParagraphStyle("b", fontName="Helvetica", fontSize=12, leading=15)
    heading_style = ParagraphStyle("h", fontName="Helvetica-Bold", fontSize=15, leading=19, keepWithNext=1)

    def pages(filler: float, ours: bool) -> list[str]:
        heading = Paragraph("HEADING", heading_style)
        items = [Paragraph(f"Item {i}: call the clinic", body) for i in range(4)]
        bullets = [ListEntry(item, "-", 15, "Helvetica", 12, "#000000") for item in items] if ours \
            else [ListFlowable([ListItem(item) for item in items], bulletType="bullet")]
        buffer = io.BytesIO()
        SimpleDocTemplate(buffer).build([Spacer(1, filler), heading, *bullets])
        return [page.extract_text() for page in PdfReader(buffer).pages]

    def stranded(texts: list[str]) -> bool:
        return any("HEADING" in text and "Item 0" not in text for text in texts)

    fillers = range(560, 680, 5)
    assert any(stranded(pages(filler, ours=False)) for filler in fillers)  # ReportLab's list
    assert not any(stranded(pages(filler, ours=True)) for filler in fillers)


def drawn_words(flowable, width: float) -> list[tuple[float, float, float, str]]:  # type: ignore[no-untyped-def]
    """(left, right, baseline, text) of each text run a flowable draws ``width`` wide, from
    a PDF read back with pypdf."""
    import io

    from pypdf import PdfReader
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.platypus import SimpleDocTemplate

    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, leftMargin=72, rightMargin=612 - 72 - width).build([flowable])
    runs: list[tuple[float, float, float, str]] = []

    def visit(text, cm, tm, font, size):  # type: ignore[no-untyped-def]
        if text.strip():
            x = tm[4] + cm[4] - 72 - 6  # (from the frame's left edge, inside its padding)
            runs.append((x, x + stringWidth(text, "Helvetica", size), tm[5] + cm[5], text.strip()))

    PdfReader(buffer).pages[0].extract_text(visitor_text=visit)
    return runs


def test_a_fill_in_line_in_a_narrow_column_wraps_and_stays_inside_it() -> None:
    """A tri-fold panel's form: French choices ran 21 pt past the panel, and a long label
    left a line too short to write on (16 pt)."""
    from carepress.typeset.flowables import MIN_WRITING_LINE, FillInLine

    wide = FillInLine("Type de DIU :", ("Au cuivre", "Aux hormones"), "Helvetica", 12, "#000000")
    assert wide.wrap(400, 1000)[1] == 12 * FillInLine.ROW and wide.rows == [[0, 1]]
    narrow = FillInLine("Type de DIU :", ("Au cuivre", "Aux hormones"), "Helvetica", 12, "#000000")
    assert narrow.wrap(180, 1000)[1] == 2 * 12 * FillInLine.ROW and narrow.rows == [[0], [1]]
    runs = drawn_words(FillInLine("Type de DIU :", ("Au cuivre", "Aux hormones"), "Helvetica", 12, "#000000"), 180)
    assert [text for *_, text in runs] == ["Type de DIU :", "Au cuivre", "Aux hormones"]
    assert all(right <= 180 for _, right, _, _ in runs)
    assert runs[1][2] > runs[2][2]  # (the second choice on the row under the first)
    label = "Date limite de retrait ou de remplacement :"
    line = FillInLine(label, (), "Helvetica", 12, "#000000")
    assert line.wrap(260, 1000)[1] == 2 * 12 * FillInLine.ROW and line.line_under
    beside = FillInLine(label, (), "Helvetica", 12, "#000000")
    assert beside.wrap(260 + 12 * MIN_WRITING_LINE, 1000)[1] == 12 * FillInLine.ROW and not beside.line_under
