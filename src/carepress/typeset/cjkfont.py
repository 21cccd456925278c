"""Noto Sans CJK SC as a TrueType subset that ReportLab can embed.

The Noto CJK packages ship CFF (PostScript) outlines, which ReportLab refuses.  fontTools
subsets the Simplified Chinese face to the characters a leaflet uses and redraws each glyph
with quadratic curves (cu2qu), giving a small `glyf` font.  Results are cached on disk by a
hash of the inputs, so a character set is converted once per machine.
"""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

from carepress.usercache import cached_bytes, entry_key

SC_FACE = 2  # "Noto Sans CJK SC" in NotoSansCJK-Regular.ttc
_CONVERTER_VERSION = "1"


REGULAR_MODULE = "noto_cjk_sans_otc"      # the collection (its SC face)
BOLD_MODULE = "noto_cjk_sans_jp_bold"     # JP Bold outlines, given the SC cmap


def package_path(module: str) -> Path:
    import importlib

    return Path(str(importlib.import_module(module).FONT_PATH))


def cjk_font_bytes(chars: str, bold: bool) -> tuple[bytes, str]:
    """TrueType bytes for Noto Sans CJK SC (bold: the JP Bold outlines with the SC cmap)
    covering ``chars``; and a short hash naming that subset."""
    wanted = "".join(sorted(set(chars)))
    key = hashlib.sha256(f"{_CONVERTER_VERSION}|{bold}|{wanted}".encode()).hexdigest()[:12]
    # (the file's name also carries the converter's and the fonts' versions; the key names
    # the subset in the PDF, and depends on the characters alone)
    made_by = entry_key("fonttools", "noto-cjk-sans-otc", "noto-cjk-sans-jp-bold", code=__name__)
    name = f"noto-sans-cjk-sc-{'bold' if bold else 'regular'}-{key}-{made_by}.ttf"
    return cached_bytes("fonts", name, lambda: _convert(wanted, bold, key)), key


def _convert(chars: str, bold: bool, key: str) -> bytes:
    from fontTools import subset
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import TTFont, newTable

    regular_path = package_path(REGULAR_MODULE)
    sc = TTFont(regular_path, fontNumber=SC_FACE, lazy=False, recalcTimestamp=False)
    if bold:
        font = TTFont(package_path(BOLD_MODULE), recalcTimestamp=False)
        # Same glyph order as the collection: the SC cmap selects Simplified Chinese shapes.
        font["cmap"] = sc["cmap"]
    else:
        font = sc
    options = subset.Options()
    options.layout_features = []  # no shaping needed for Chinese; keeps the subset small
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6]
    options.notdef_outline = True
    options.recalc_timestamp = False
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[ord(c) for c in chars])
    subsetter.subset(font)

    glyph_order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder = glyph_order
    glyf.glyphs = {}
    for name in glyph_order:
        pen = TTGlyphPen(None)
        glyph_set[name].draw(Cu2QuPen(pen, max_err=1.0, reverse_direction=True))
        glyf[name] = pen.glyph()
    font["glyf"] = glyf
    font["loca"] = newTable("loca")
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for field in ("maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs",
                  "maxInstructionDefs", "maxStackElements", "maxSizeOfInstructions",
                  "maxComponentElements"):
        setattr(maxp, field, 0)
    maxp.maxZones = 1
    maxp.maxComponentDepth = 0
    post = font["post"]
    post.formatType = 2.0
    post.extraNames = []
    post.mapping = {}
    post.glyphOrder = glyph_order
    font["head"].glyphDataFormat = 0
    for table in ("CFF ", "VORG", "CFF2"):
        if table in font:
            del font[table]
    font.sfntVersion = "\x00\x01\x00\x00"
    weight = "Bold" if bold else "Regular"
    family = f"CarepressCJKSC{key}"  # a unique name: ReportLab merges fonts of one name
    names = font["name"]
    names.setName(family, 1, 3, 1, 0x409)
    names.setName(weight, 2, 3, 1, 0x409)
    names.setName(f"{family} {weight}", 4, 3, 1, 0x409)
    names.setName(f"{family}-{weight}", 6, 3, 1, 0x409)
    out = io.BytesIO()
    font.save(out, reorderTables=True)
    return out.getvalue()
