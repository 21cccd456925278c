"""Checks made before rendering: every character has a glyph, the logo can be drawn."""

from __future__ import annotations

from carepress.errors import CarepressError, Diagnostic, Origin
from carepress.inline import escape_markup, to_plain
from carepress.languages import script_of
from carepress.model import (
    Leaflet,
    RBlock,
    RCallout,
    RContact,
    RFillIn,
    RList,
    RPassage,
    RText,
)
from carepress.resolve import format_date
from carepress.typeset.flowables import check_logo
from carepress.typeset.fonts import FontNotFound, FontSet, fonts_for
from carepress.typeset.furniture import ELLIPSIS, ENGLISH_DRAFT_MARKER
from carepress.typeset.story import BULLET

# Characters the layout draws itself, whatever the text: page numbers, separators, the
# citation marks, list bullets.
DRAWN_BY_THE_LAYOUT = "0123456789·:[]" + BULLET + ELLIPSIS


def _block_texts(blocks: tuple[RBlock, ...]) -> list[str]:
    texts: list[str] = []
    for block in blocks:
        if isinstance(block, (RPassage, RText)):
            texts.append(block.markup)
        elif isinstance(block, RList):
            texts.extend(block.items)
        elif isinstance(block, RFillIn):
            texts.extend(label + "".join(choices) for label, choices in block.fields)
        elif isinstance(block, RContact):
            texts.extend((block.heading, *block.lines))
        elif isinstance(block, RCallout):
            texts.append(block.title)
            texts.extend(_block_texts(block.blocks))
    return texts


def leaflet_markup(leaflet: Leaflet) -> str:
    """Every character the leaflet's pages will show, page furniture included, as markup."""
    brand, control = leaflet.brand, leaflet.control
    texts = [leaflet.title, leaflet.subtitle or "", leaflet.sources_note, *leaflet.strings.values(),
             brand.name, *brand.address, brand.phone, brand.urgent_phone, brand.website,
             brand.email or "", control.code, control.version,
             format_date(control.review_by, leaflet.lang), ENGLISH_DRAFT_MARKER, DRAWN_BY_THE_LAYOUT]
    texts.extend(source.markup for source in leaflet.sources)
    if leaflet.closing:
        closing = leaflet.closing
        texts.extend((closing.other_formats, closing.feedback, escape_markup(closing.feedback_address),
                      escape_markup(closing.short_url or "")))
    for section in leaflet.sections:
        texts.append(section.heading)
        texts.extend(_block_texts(section.blocks))
    return "\n".join(texts)


def _context(text: str, char: str, width: int = 30) -> str:
    """The words around the first ``char`` in ``text`` (one of its lines), to search for."""
    line = next(line for line in text.splitlines() if char in line)
    at = line.index(char)
    start, end = max(at - width, 0), min(at + width + 1, len(line))
    return ("…" if start else "") + line[start:end] + ("…" if end < len(line) else "")


def check_glyphs(leaflet: Leaflet, text: str, fonts: FontSet) -> None:
    missing = fonts.missing(text)
    if missing:
        listed = ", ".join(f"U+{ord(ch):04X} {ch!r} in \"{_context(text, ch)}\"" for ch in missing)
        raise CarepressError([Diagnostic(Origin(leaflet.path),
                                         f"the font cannot draw {listed} (language `{leaflet.lang}`); "
                                         "replace the character or configure a font that has it")])


def preflight(leaflet: Leaflet) -> FontSet:
    """Raise CarepressError if the leaflet cannot be drawn correctly; return its fonts."""
    markup = leaflet_markup(leaflet)
    text = to_plain(markup)
    specs = leaflet.brand.fonts
    try:
        fonts = fonts_for(leaflet.lang, text, specs, italic="<i>" in markup)
    except FontNotFound as exc:
        script = script_of(leaflet.lang)
        raise CarepressError([Diagnostic(specs[script].origin,
            f"{exc}; the {script} script (language `{leaflet.lang}`) cannot be set. Install the "
            f"font, fix the path, or remove `fonts.{script}` to use the packaged default")]) from None
    check_glyphs(leaflet, text, fonts)
    problem = check_logo(leaflet.brand.logo.path)
    if problem:
        raise CarepressError([Diagnostic(leaflet.brand.logo.origin,
                                         f"logo `{leaflet.brand.logo.path.name}`: {problem}")])
    return fonts
