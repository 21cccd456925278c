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

import hashlib
import io
import unicodedata
from dataclasses import dataclass, replace
from functools import cache

from reportlab import rl_config
from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from carepress.fontfiles import package_font_bytes
from carepress.languages import script_of
from carepress.model import RTypeface
from carepress.typeset.reportlab_compat import (
    covered_codes,
    init_with_cached_face,
    font_subsets,
    glyph_codes,
    map_code_to_glyph,
    set_to_unicode_cmap,
    subset_font_name,
)

_PRIVATE_USE = 0xE000


def _is_presentation_form(code: int) -> bool:
    return 0xFB50 <= code <= 0xFDFF or 0xFE70 <= code <= 0xFEFF


class PdfaTTFont(TTFont):
    """A TrueType font whose subsets' ToUnicode maps leave out the codes that stand for no
    text.  ReportLab maps code 0 of every subset (the .notdef slot) to U+0000, which PDF/A-2U
    forbids (as it does U+FEFF and U+FFFE): a code left out of the map has no text at all."""

    def addObjects(self, doc: object) -> None:  # noqa: N802 - ReportLab's name
        subsets = font_subsets(self, doc)  # (super() forgets the document's state)
        super().addObjects(doc)
        for number, subset in enumerate(subsets):
            base = subset_font_name(self, number)
            texts = [self._unicode_for(code) for code in subset]
            set_to_unicode_cmap(doc, base, _to_unicode_cmap(base, texts))

    def _unicode_for(self, code: int) -> str:
        """The text that drawing code point ``code`` shows, for the ToUnicode map."""
        return chr(code)


class ShapingTTFont(PdfaTTFont):
    """A TrueType font that can draw shaped glyphs and still extract as logical text.

    Shaping yields glyphs (contextual Arabic forms, ligatures, mirrored brackets) that
    ReportLab can only draw through a character mapped to them.  Each such glyph is drawn
    through a character whose text is what the glyph was shaped from: a cmap character when
    it says the same (presentation forms count as their base letters), else a private-use
    character.  The ToUnicode map then names base letters, so copy, search and screen
    readers get `لا` rather than U+FEFB or U+E000.
    """

    def __init__(self, name: str, data: bytes) -> None:
        init_with_cached_face(self, name, data)  # (TTFont.__init__, the face parsed once a machine)
        self.logical_text: dict[int, str] = {}  # private-use code -> the text it stands for
        self._next_private = _PRIVATE_USE
        self._chars: dict[tuple[int, str], str] = {}  # (glyph, text) -> the character drawing it

    def char_for_glyph(self, gid: int, text: str) -> str:
        char = self._chars.get((gid, text))
        if char is None:
            char = self._chars[(gid, text)] = self._char_for_glyph(gid, text)
        return char

    def _char_for_glyph(self, gid: int, text: str) -> str:
        for code in glyph_codes(self, gid):
            if code not in self.logical_text and self._unicode_for(code) == text:
                return chr(code)
        code = self._next_private
        taken = covered_codes(self)
        while code in taken:
            code += 1
        self._next_private = code + 1
        map_code_to_glyph(self, code, gid)
        self.logical_text[code] = text
        return chr(code)

    def _unicode_for(self, code: int) -> str:
        if code in self.logical_text:
            return self.logical_text[code]
        if _is_presentation_form(code):
            return unicodedata.normalize("NFKC", chr(code))
        return chr(code)


# Texts a ToUnicode entry may not map to (PDF/A-2U, ISO 19005-2 6.2.11.7.2).
_NO_TEXT = frozenset(["", "\u0000", "\ufeff", "\ufffe"])


def _to_unicode_cmap(name: str, texts: list[str]) -> str:
    """A ToUnicode CMap mapping each one-byte code to its (possibly several) characters;
    codes whose text is nothing (see _NO_TEXT) are left out."""
    def utf16(text: str) -> str:
        return text.encode("utf-16-be").hex().upper()

    mapped = [f"<{code:02X}> <{utf16(text)}>" for code, text in enumerate(texts) if text not in _NO_TEXT]
    return "\n".join([
        "/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap",
        f"/CIDSystemInfo << /Registry ({name}) /Ordering ({name}) /Supplement 0 >> def",
        f"/CMapName /{name} def", "/CMapType 2 def",
        "1 begincodespacerange", f"<00> <{len(texts) - 1:02X}>", "endcodespacerange",
        f"{len(mapped)} beginbfchar", *mapped,
        "endbfchar", "endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end",
    ])

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
    bold: str                # (<i> and <b><i> are mapped by _family for ReportLab's markup)
    covered: frozenset[int]  # code points every face can draw
    script: str              # "latin" | "arabic" | "cjk": which line layout the text needs

    def missing(self, text: str) -> list[str]:
        """Characters in ``text`` that the fonts cannot draw (whitespace aside)."""
        return sorted({ch for ch in set(text) if ord(ch) not in self.covered and not ch.isspace()
                       and unicodedata.category(ch) != "Cf"})  # bidi controls draw nothing


def _configure_reportlab() -> None:
    # Subsets keep only the glyphs used, not every ASCII glyph too (28 % smaller files);
    # compressed streams stay binary rather than ASCII85-encoded (smaller, and faster).
    rl_config.ttfAsciiReadable = 0
    rl_config.useA85 = 0


@cache
def _firago_face(name: str) -> frozenset[int]:
    """Register one FiraGO face (once per process); the code points it covers."""
    _configure_reportlab()
    data = package_font_bytes(f"pymupdf_fonts.{_FIRAGO_FACES[name]}")
    assert data is not None, "pymupdf-fonts is a dependency"
    font = ShapingTTFont(name, data)
    pdfmetrics.registerFont(font)
    return covered_codes(font)


def _family(regular: str, bold: str, italic: str, bold_italic: str, covered: frozenset[int],
            script: str) -> FontSet:
    """Map a family's four styles for ReportLab's <b>/<i> (the family is named after its
    regular face; for a face named twice ReportLab keeps the mapping written last, hence the
    fixed order) and describe it."""
    for is_bold, is_italic, face in ((0, 0, regular), (1, 0, bold), (0, 1, italic),
                                     (1, 1, bold_italic)):
        addMapping(regular, is_bold, is_italic, face)
    return FontSet(regular, bold, covered, script)


@cache
def firago(italic: bool = False) -> FontSet:
    """The FiraGO family; its italic faces too when ``italic``.  Italic maps to upright
    until the italic faces are registered, and to them from then on: the mapping is global,
    and a leaflet without italics must not take them from a later one that has some."""
    faces = [FAMILY, f"{FAMILY}-Bold"] + ([f"{FAMILY}-Italic", f"{FAMILY}-BoldItalic"] if italic else [])
    covered = frozenset.intersection(*(_firago_face(face) for face in faces))
    has_italic = f"{FAMILY}-Italic" in pdfmetrics.getRegisteredFontNames()
    slanted = (f"{FAMILY}-Italic", f"{FAMILY}-BoldItalic") if has_italic else (faces[0], faces[1])
    return _family(faces[0], faces[1], *slanted, covered, "latin")


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
        font = PdfaTTFont(name, io.BytesIO(data))
        pdfmetrics.registerFont(font)
        names.append(name)
        codes = covered_codes(font)
        covered = codes if covered is None else covered & codes
    regular, bold_name = names
    assert covered is not None
    return _family(regular, bold_name, regular, bold_name, covered, "cjk")  # no italic in Chinese


class FontNotEmbeddable(Exception):
    """A brand's font file is there but cannot be embedded (not TrueType outlines)."""


@cache
def brand_fonts(typeface: RTypeface) -> FontSet:
    """Register a brand's typeface (once per process: a build sets many leaflets in it);
    raises FontNotEmbeddable saying what is wrong."""
    from reportlab.pdfbase.ttfonts import TTFError

    _configure_reportlab()
    names = []
    covered: frozenset[int] | None = None
    for data in (typeface.regular, typeface.bold):
        name = "Brand-" + hashlib.sha256(data).hexdigest()[:12]
        if name in pdfmetrics.getRegisteredFontNames():  # (one file for both faces, or scripts)
            font = pdfmetrics.getFont(name)
        else:
            try:
                font = ShapingTTFont(name, data)
            except TTFError as exc:
                raise FontNotEmbeddable(f"font {typeface.label} cannot be embedded: {exc}; "
                                        "ReportLab embeds TrueType outlines only") from None
            pdfmetrics.registerFont(font)
        names.append(name)
        codes = covered_codes(font)
        covered = codes if covered is None else covered & codes
    assert covered is not None
    return _family(names[0], names[1], names[0], names[1], covered, typeface.script)


def fonts_for(lang: str, text: str, typeface: RTypeface | None = None,
              italic: bool = False) -> FontSet:
    """The fonts that draw ``text`` in ``lang``: the brand's own typeface if it has one for
    this script, else the packaged defaults (with italic faces when the text uses italics)."""
    if typeface is not None:
        return brand_fonts(typeface)
    script = script_of(lang)
    if script == "cjk":
        return noto_cjk_sc("".join(sorted(set(text) - {"\n"})))
    if script == "arabic":  # right-to-left lines are never slanted (rtl.parse_markup)
        return replace(firago(False), script="arabic")
    return firago(italic)


@dataclass(frozen=True)
class FontChoice:
    lang: str
    script: str
    faces: tuple[tuple[str, str], ...]  # (style, where the font file comes from)
    note: str


def font_choice(lang: str) -> FontChoice:
    """What `lang` will be set in and where the fonts come from, without registering them."""
    from carepress.typeset.cjkfont import BOLD_MODULE, REGULAR_MODULE, package_path

    script = script_of(lang)
    if script == "cjk":
        faces: tuple[tuple[str, str], ...] = (("regular", str(package_path(REGULAR_MODULE))),
                                              ("bold", str(package_path(BOLD_MODULE))))
        return FontChoice(lang, script, faces,
                          "Noto Sans CJK SC; CFF outlines converted to a TrueType subset per "
                          "character set by fontTools (cached), bold with the SC cmap")
    faces = tuple((style, f"pymupdf_fonts.{module}")
                  for style, module in zip(("regular", "bold", "italic"), _FIRAGO_FACES.values()))
    note = "FiraGO (SIL OFL) from the pymupdf-fonts package"
    if script == "arabic":
        note += "; shaped by HarfBuzz, ordered by the Unicode bidi algorithm"
    return FontChoice(lang, script, faces, note)
