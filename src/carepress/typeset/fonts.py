"""Fonts: FiraGO from the `pymupdf-fonts` package, registered once per process.

FiraGO covers Latin Extended (every Vietnamese letter), Cyrillic, Greek and Arabic, so the
foundation needs no system font.  ReportLab embeds TrueType outlines and subsets them; the
coverage check below runs before rendering, because ReportLab itself draws a character the
font lacks as an empty box and says nothing.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import cache

from reportlab import rl_config
from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FAMILY = "CarepressSans"
_FACES = {  # ReportLab font name -> pymupdf_fonts module
    FAMILY: "FiraGO_Regular",
    f"{FAMILY}-Bold": "FiraGO_Bold",
    f"{FAMILY}-Italic": "FiraGO_Italic",
    f"{FAMILY}-BoldItalic": "FiraGO_BoldItalic",
}


@dataclass(frozen=True)
class FontSet:
    regular: str
    bold: str
    italic: str
    bold_italic: str
    covered: frozenset[int]  # code points every face can draw

    def missing(self, text: str) -> list[str]:
        """Characters in ``text`` that the fonts cannot draw (whitespace aside)."""
        return sorted({ch for ch in text if ord(ch) not in self.covered and not ch.isspace()})


@cache
def leaflet_fonts() -> FontSet:
    """Register the FiraGO family with ReportLab (once) and return its names."""
    import importlib

    # Subsets keep only the glyphs used (not every ASCII glyph), and nothing falls back to
    # base-14 Helvetica: the canvas starts in our own font.
    rl_config.ttfAsciiReadable = 0
    rl_config.canvas_basefontname = FAMILY
    covered: frozenset[int] | None = None
    for name, module in _FACES.items():
        data = importlib.import_module(f"pymupdf_fonts.{module}").fontbuffer
        font = TTFont(name, io.BytesIO(data))
        pdfmetrics.registerFont(font)
        codes = frozenset(font.face.charToGlyph)
        covered = codes if covered is None else covered & codes
    for bold, italic, suffix in ((0, 0, ""), (1, 0, "-Bold"), (0, 1, "-Italic"), (1, 1, "-BoldItalic")):
        addMapping(FAMILY, bold, italic, FAMILY + suffix)
    assert covered is not None
    return FontSet(FAMILY, f"{FAMILY}-Bold", f"{FAMILY}-Italic", f"{FAMILY}-BoldItalic", covered)
