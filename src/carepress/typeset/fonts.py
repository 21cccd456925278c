"""Fonts per script, from Python packages, through one resolver.

- Latin (incl. every Vietnamese letter), Cyrillic, Greek and Arabic: FiraGO from
  `pymupdf-fonts`, TrueType, registered once per process.
- Chinese: Noto Sans CJK SC from `noto-cjk-sans-otc` / `noto-cjk-sans-jp-bold`, converted to
  a TrueType subset per character set (see cjkfont.py).

ReportLab embeds TrueType outlines and subsets them.  The coverage check runs before
rendering, because ReportLab draws a character its font lacks as an empty box and says
nothing.
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
_FIRAGO_FACES = {  # ReportLab font name -> pymupdf_fonts module
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
    script: str              # "latin" | "arabic" | "cjk": which line layout the text needs
    origin: str              # where the fonts came from, for `carepress fonts`

    def missing(self, text: str) -> list[str]:
        """Characters in ``text`` that the fonts cannot draw (whitespace aside)."""
        return sorted({ch for ch in text if ord(ch) not in self.covered and not ch.isspace()})


def script_of(lang: str) -> str:
    primary = lang.split("-")[0].lower()
    if primary in ("ar", "fa", "ur", "he"):
        return "arabic"
    if primary in ("zh", "ja", "ko"):
        return "cjk"
    return "latin"


def _configure_reportlab() -> None:
    # Subsets keep only the glyphs used (not every ASCII glyph), and nothing falls back to
    # base-14 Helvetica: the canvas starts in our own font.
    rl_config.ttfAsciiReadable = 0
    rl_config.canvas_basefontname = FAMILY


@cache
def firago() -> FontSet:
    """Register the FiraGO family with ReportLab (once per process)."""
    import importlib

    _configure_reportlab()
    covered: frozenset[int] | None = None
    for name, module in _FIRAGO_FACES.items():
        data = importlib.import_module(f"pymupdf_fonts.{module}").fontbuffer
        font = TTFont(name, io.BytesIO(data))
        pdfmetrics.registerFont(font)
        codes = frozenset(font.face.charToGlyph)
        covered = codes if covered is None else covered & codes
    for bold, italic, suffix in ((0, 0, ""), (1, 0, "-Bold"), (0, 1, "-Italic"), (1, 1, "-BoldItalic")):
        addMapping(FAMILY, bold, italic, FAMILY + suffix)
    assert covered is not None
    return FontSet(FAMILY, f"{FAMILY}-Bold", f"{FAMILY}-Italic", f"{FAMILY}-BoldItalic", covered,
                   "latin", "FiraGO 1.001 (pymupdf-fonts package)")


@cache
def noto_cjk_sc(chars: str) -> FontSet:
    """Noto Sans CJK SC subset to ``chars`` (sorted, unique), registered under unique names."""
    from carepress.typeset.cjkfont import cjk_font_bytes

    _configure_reportlab()
    names = []
    covered: frozenset[int] | None = None
    for bold in (False, True):
        data, key = cjk_font_bytes(chars, bold)
        name = f"CarepressCJK-{key}"
        font = TTFont(name, io.BytesIO(data))
        pdfmetrics.registerFont(font)
        names.append(name)
        codes = frozenset(font.face.charToGlyph)
        covered = codes if covered is None else covered & codes
    regular, bold_name = names
    addMapping(regular, 0, 0, regular)
    addMapping(regular, 1, 0, bold_name)
    addMapping(regular, 0, 1, regular)  # Chinese has no italic: emphasis is bold
    addMapping(regular, 1, 1, bold_name)
    assert covered is not None
    return FontSet(regular, bold_name, regular, bold_name, covered, "cjk",
                   "Noto Sans CJK SC (noto-cjk-sans-otc; bold from noto-cjk-sans-jp-bold), "
                   "converted to TrueType by fontTools")


def fonts_for(lang: str, text: str) -> FontSet:
    """The fonts that draw ``text`` in ``lang``."""
    if script_of(lang) == "cjk":
        return noto_cjk_sc("".join(sorted(set(text) - {"\n"})))
    latin = firago()
    if script_of(lang) == "arabic":
        return FontSet(latin.regular, latin.bold, latin.regular, latin.bold, latin.covered,
                       "arabic", latin.origin)
    return latin


def leaflet_fonts() -> FontSet:
    """The default (Latin) fonts."""
    return firago()
