"""The /ActualText encodings: what PDFium and poppler read back from right-to-left lines."""

from __future__ import annotations

import io
import random
from collections.abc import Callable

import pypdfium2
import pytest
from reportlab.lib.colors import black
from reportlab.pdfgen.canvas import Canvas

from carepress.typeset.actualtext import PDFIUM_SKIP, for_pdfium, pdf_text_string
from carepress.typeset.fonts import fonts_for
from carepress.typeset.rtl import draw_line

ALPHABET = list("ابتثجح") + ["\u064b", "\u0651"] + list("abcXY0123") + [" "] * 4 + list(".,،()-:؟/«»[]'")


def pdfium_lines(*pages: Callable[[Canvas, str], None]) -> list[str]:
    """The lines PDFium reads from pages drawn by ``pages``."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer)
    canvas.setViewerPreference("Direction", "R2L")  # as every right-to-left leaflet
    font = fonts_for("ar", "").regular
    for draw in pages:
        draw(canvas, font)
        canvas.showPage()
    canvas.save()
    return [line for page in pypdfium2.PdfDocument(buffer.getvalue())
            for line in page.get_textpage().get_text_range().split("\r\n")]


def random_lines(count: int, seed: int) -> list[str]:
    chooser = random.Random(seed)
    lines = []
    while len(lines) < count:
        line = " ".join("".join(chooser.choice(ALPHABET) for _ in range(chooser.randint(1, 14))).split())
        if line:
            lines.append(line)
    return lines


@pytest.mark.parametrize("glyphs, right_to_left", [("ابتثجح", True), ("abcdef", False)])
def test_pdfium_reads_back_what_for_pdfium_encodes(glyphs: str, right_to_left: bool) -> None:
    """Random mixes of Arabic, Latin, digits, harakat, brackets and punctuation, one per line,
    each carried by a text object PDFium takes as right-to-left or as left-to-right."""
    lines = random_lines(80, seed=len(glyphs) + right_to_left)

    def page(line: str) -> Callable[[Canvas, str], None]:
        # A page each: PDFium joins a line ending in "-" to the next as a hyphenated word.
        def draw(canvas: Canvas, font: str) -> None:
            text = canvas.beginText()
            text.setFont(font, 12)
            text._code.append(f"/P <</ActualText {pdf_text_string(for_pdfium(line, right_to_left))}>> BDC")
            text.setTextOrigin(72, 700)
            text.textOut(glyphs)
            text._code.append("EMC")
            canvas.drawText(text)
        return draw

    assert pdfium_lines(*map(page, lines)) == lines


def test_pdfium_skips_the_glyphs_marked_to_skip() -> None:
    def draw(canvas: Canvas, font: str) -> None:
        text = canvas.beginText()
        text.setFont(font, 12)
        text._code.append(f"/P <</ActualText {pdf_text_string('abc')}>> BDC")
        text.setTextOrigin(72, 700)
        text.textOut("abc")
        text._code.append(f"EMC /P <</ActualText {pdf_text_string(PDFIUM_SKIP)}>> BDC")
        text.setTextOrigin(200, 700)
        text.textOut("xyz")
        text._code.append("EMC")
        canvas.drawText(text)

    assert pdfium_lines(draw) == ["abc"]


LEAFLET_LINES = [
    "RWH-GYN-014 · الإصدار 1.0 · موعد المراجعة 20 نوفمبر 2029",
    "للاستفسار، يُرجى الاتصال برقم Riverside Women's Health Centre: 020 7946 0321",
    "Riverside Women's Health Centre",
    "بعد تركيب اللولب الرحمي (IUD)",
    "متى يكون من الآمن ممارسة العلاقة الجنسية مجددًا؟",
    "السدادات القطنية (التامبون) وغسل المهبل من الداخل (الدُّش المهبلي) لمدة أسبوع",
    "abc مم مم",
    "[1] Bleeding after sex with an IUD (the text has no title). الناشر غير مذكور.",
    "https://riverside-womens-health.example/feedback",
]


def test_drawn_lines_read_back_whole_in_any_order() -> None:
    """A line's reading depends on the line before it in PDFium (a left-to-right text object
    after a right-to-left one can be read as right-to-left): each line after each other."""
    def page(lines: list[str]) -> Callable[[Canvas, str], None]:
        def draw(canvas: Canvas, font: str) -> None:
            for number, line in enumerate(lines):
                draw_line(canvas, line, 72, 780 - 14 * number, font, 10, black)
        return draw

    orders = [LEAFLET_LINES[shift:] + LEAFLET_LINES[:shift] for shift in range(len(LEAFLET_LINES))]
    assert pdfium_lines(*map(page, orders)) == [line for lines in orders for line in lines]
