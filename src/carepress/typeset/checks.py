"""Checks made before rendering: every character has a glyph, the logo can be drawn."""

from __future__ import annotations

from collections import OrderedDict

from carepress.errors import CarepressError, Diagnostic, Origin
from carepress.model import (
    Leaflet,
    RBlock,
    RCallout,
    RContact,
    RList,
    RPassage,
    RText,
    block_texts,
    plain,
)
from carepress.typeset.flowables import check_logo
from carepress.typeset.fonts import FontNotEmbeddable, FontSet, fonts_for
from carepress.typeset.furniture import ELLIPSIS
from carepress.typeset.story import BULLET

# Characters the layout draws itself, whatever the text: page numbers, separators, the
# citation marks, list bullets.
DRAWN_BY_THE_LAYOUT = "0123456789·:[]" + BULLET + ELLIPSIS


def leaflet_text(leaflet: Leaflet) -> str:
    """Every character the leaflet's pages will show, page furniture included."""
    clinic, footer = leaflet.clinic, leaflet.footer
    texts = [plain(leaflet.title), plain(leaflet.subtitle or ()), leaflet.sources_heading,
             leaflet.sources_note, clinic.name, clinic.website, footer.control, footer.questions,
             footer.phone, footer.page_of, footer.draft or "", plain(footer.approved),
             leaflet.notes_heading, DRAWN_BY_THE_LAYOUT]
    texts.extend(plain(source.text) for source in leaflet.sources)
    if leaflet.closing:
        closing = leaflet.closing
        texts.extend((closing.other_formats, closing.online_label, closing.feedback,
                      closing.feedback_address, closing.short_url or ""))
    for section in leaflet.sections:
        texts.append(plain(section.heading))
        texts.extend(block_texts(section.blocks))
    return "\n".join(texts)


def uses_italic(leaflet: Leaflet) -> bool:
    def inline_italic(blocks: tuple[RBlock, ...]) -> bool:
        for block in blocks:
            inlines = ((block.text,) if isinstance(block, (RPassage, RText)) else
                       block.items if isinstance(block, RList) else
                       block.lines if isinstance(block, RContact) else
                       (block.title,) if isinstance(block, RCallout) else ())
            if any(span.italic for inline in inlines for span in inline):
                return True
            if isinstance(block, RCallout) and inline_italic(block.blocks):
                return True
        return False

    heads = [leaflet.title, leaflet.subtitle or (), *(s.heading for s in leaflet.sections),
             *(source.text for source in leaflet.sources)]
    return any(span.italic for inline in heads for span in inline) or \
        any(inline_italic(section.blocks) for section in leaflet.sections)


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


# The last leaflets preflighted, by identity: `check` sets one leaflet on each of its
# layouts, and its every glyph need be looked up once (a long handout has many).
_PREFLIGHTED: "OrderedDict[int, tuple[Leaflet, FontSet]]" = OrderedDict()


def preflight(leaflet: Leaflet) -> FontSet:
    """Raise CarepressError if the leaflet cannot be drawn correctly; return its fonts."""
    seen = _PREFLIGHTED.get(id(leaflet))
    if seen is not None and seen[0] is leaflet:
        return seen[1]
    fonts = _preflight(leaflet)
    _PREFLIGHTED[id(leaflet)] = (leaflet, fonts)  # (the leaflet kept: its id stays its own)
    if len(_PREFLIGHTED) > 16:
        _PREFLIGHTED.popitem(last=False)
    return fonts


def _preflight(leaflet: Leaflet) -> FontSet:
    text = leaflet_text(leaflet)
    typeface = leaflet.clinic.typeface
    try:
        fonts = fonts_for(leaflet.lang, text, typeface, italic=uses_italic(leaflet))
    except FontNotEmbeddable as exc:
        assert typeface is not None
        script = typeface.script
        raise CarepressError([Diagnostic(typeface.origin,
            f"{exc}; the {script} script (language `{leaflet.lang}`) cannot be set. Install the "
            f"font, fix the path, or remove `fonts.{script}` to use the packaged default")]) from None
    check_glyphs(leaflet, text, fonts)
    logo = leaflet.clinic.logo
    problem = check_logo(logo.data, logo.format)
    if problem:
        raise CarepressError([Diagnostic(logo.origin or Origin(leaflet.path),
                                         f"logo `{logo.name}`: {problem}")])
    return fonts
