"""The finish stage's checks of a typeset PDF, without a PDF library: its page count against
the layout's limit (the typesetter counted the pages) and that every font is embedded (read
from the file's own bytes).  pypdf, 40 ms of imports, is needed only to impose sheets and to
bundle (finish.py, bundle.py): a leaflet read in page order is checked without it."""

from __future__ import annotations

import re

from carepress.errors import CarepressError, Diagnostic, Origin
from carepress.model import Artifact, Layout, Leaflet

# The cross-reference table a classic PDF file ends with (ReportLab and pypdf write one):
# each in-use object's byte offset.
_STARTXREF = re.compile(rb"startxref\s+(\d+)\s+%%EOF\s*$")
_SUBSECTION = re.compile(rb"(\d+) (\d+)[ \t]*\r?\n")
_ENTRY = re.compile(rb"(\d{10}) (\d{5}) ([nf])")
_OBJECT = re.compile(rb"(\d+) (\d+) obj\b")

# The tokens of PDF objects (no stream data): dictionary and array brackets, references,
# names, literal strings (their nesting handled in _parse), hex strings, other atoms.
_SPACE = rb"(?:\s|%[^\r\n]*)*"  # (white space and comments)
_TOKEN = re.compile(_SPACE + rb"(?:(<<|>>|\[|\])|(\d+) (\d+) R\b|(/[^\s/\[\]<>(){}%]*)|(\()|(<[0-9A-Fa-f\s]*>)"
                    rb"|([^\s/\[\]<>(){}%]+))")

_CLOSE_DICTIONARY = re.compile(_SPACE + rb">>")
_CLOSE_ARRAY = re.compile(_SPACE + rb"\]")
_NUMBERS = re.compile(rb"([\d\s.+-]*)\]")


class Ref(int):
    """An indirect reference (the object's number)."""


def _parse(text: bytes, position: int = 0) -> tuple[object, int]:
    """The PDF object at ``position`` of ``text`` as Python values (dicts keyed by name,
    lists, Ref, names and atoms as bytes), and where it ends."""
    token = _TOKEN.match(text, position)
    if token is None:
        raise UnreadablePdf(f"cannot read an object at {text[position:position + 20]!r}")
    bracket, number, _, name, string, hexstring, atom = token.groups()
    end = token.end()
    if bracket == b"<<":
        found: dict[bytes, object] = {}
        while (close := _CLOSE_DICTIONARY.match(text, end)) is None:
            key, end = _parse(text, end)
            value, end = _parse(text, end)
            if isinstance(key, bytes):
                found[key] = value
        return found, close.end()
    if bracket == b"[":
        numbers = _NUMBERS.match(text, end)  # (a font's /Widths: hundreds, in one step)
        if numbers is not None:
            return numbers.group(1).split(), numbers.end()
        items = []
        while (close := _CLOSE_ARRAY.match(text, end)) is None:
            item, end = _parse(text, end)
            items.append(item)
        return items, close.end()
    if bracket is not None:
        raise UnreadablePdf(f"unexpected {bracket!r}")
    if number is not None:
        return Ref(int(number)), end
    if string is not None:  # a literal string: balanced parentheses, backslash escapes
        depth, index = 1, end
        while depth:
            if index >= len(text):
                raise UnreadablePdf("an unclosed string")
            char = text[index:index + 1]
            index += 2 if char == b"\\" else 1
            depth += {b"(": 1, b")": -1}.get(char, 0)
        return text[end - 1:index], index
    return name or hexstring or atom, end


class UnreadablePdf(ValueError):
    """The bytes are not a PDF file with a classic cross-reference table."""


def _offsets(data: bytes) -> dict[int, int]:
    """Each in-use object's byte offset, by number, from the file's cross-reference table."""
    found = _STARTXREF.search(data[-64:])
    if found is None:
        raise UnreadablePdf("no startxref at the end of the file")
    position = int(found.group(1))
    if not data.startswith(b"xref", position):
        raise UnreadablePdf("no classic cross-reference table")  # (a stream: not written here)
    position += len(b"xref")
    while data[position:position + 1] in (b"\r", b"\n", b" "):
        position += 1
    offsets: dict[int, int] = {}
    while (section := _SUBSECTION.match(data, position)) is not None:
        first, count = int(section.group(1)), int(section.group(2))
        position = section.end()
        entries = _ENTRY.findall(data, position, position + 20 * count)  # (20 bytes each)
        if len(entries) != count:
            raise UnreadablePdf(f"a broken cross-reference table at byte {position}")
        position += 20 * count
        offsets.update((number, int(offset)) for number, (offset, _, kind) in enumerate(entries, first)
                       if kind == b"n")
    return offsets


def _object(data: bytes, number: int, offsets: dict[int, int]) -> object:
    """Object ``number`` parsed (its dictionary, for a stream), None if there is none."""
    if number not in offsets:
        return None
    header = _OBJECT.match(data, offsets[number])
    if header is None or int(header.group(1)) != number:
        raise UnreadablePdf(f"object {number} is not at byte {offsets[number]}")
    return _parse(data, header.end())[0]


def unembedded_fonts(data: bytes) -> set[str]:
    """The names of the fonts the pages of the PDF file ``data`` use, directly or in a form
    XObject they draw, whose program the file does not embed (Type 3 fonts, drawn by the
    file's own glyph procedures, apart; a composite font by its descendant's descriptor)."""
    offsets = _offsets(data)
    trailer = re.search(rb"trailer\s*(<<)", data[data.rfind(b"trailer"):])
    if trailer is None:
        raise UnreadablePdf("no trailer")
    parsed: dict[int, object] = {}

    def resolve(value: object) -> object:
        if isinstance(value, Ref):
            if value not in parsed:
                parsed[value] = _object(data, value, offsets)
            return parsed[value]
        return value

    def get(value: object, key: bytes) -> object:
        found = resolve(value)
        return resolve(found.get(key)) if isinstance(found, dict) else None

    missing: set[str] = set()
    seen: set[int] = set()

    def visit(resources: object) -> None:
        fonts = get(resources, b"/Font")
        for ref in (fonts.values() if isinstance(fonts, dict) else ()):
            font = resolve(ref)
            if not isinstance(font, dict) or font.get(b"/Subtype") == b"/Type3":
                continue
            described: object = font
            if font.get(b"/Subtype") == b"/Type0":
                descendants = resolve(font.get(b"/DescendantFonts"))
                described = resolve(descendants[0]) if isinstance(descendants, list) and descendants else {}
            descriptor = get(described, b"/FontDescriptor") if isinstance(described, dict) else None
            if not (isinstance(descriptor, dict)
                    and any(key in descriptor for key in (b"/FontFile", b"/FontFile2", b"/FontFile3"))):
                name = font.get(b"/BaseFont")
                missing.add(name.decode("latin-1") if isinstance(name, bytes) else "/(unnamed font)")
        xobjects = get(resources, b"/XObject")
        for ref in (xobjects.values() if isinstance(xobjects, dict) else ()):
            if isinstance(ref, Ref) and ref in seen:
                continue
            if isinstance(ref, Ref):
                seen.add(ref)
            xobject = resolve(ref)
            if isinstance(xobject, dict) and xobject.get(b"/Subtype") == b"/Form" and b"/Resources" in xobject:
                visit(xobject[b"/Resources"])

    def pages(node: object, inherited: object = None) -> None:
        node = resolve(node)
        if not isinstance(node, dict):
            return
        resources = node.get(b"/Resources", inherited)
        kids = resolve(node.get(b"/Kids"))
        if isinstance(kids, list):
            for kid in kids:
                pages(kid, resources)
        else:
            visit(resources)

    root = _parse(data, data.rfind(b"trailer") + trailer.start(1))[0]
    pages(get(get(root, b"/Root"), b"/Pages"))
    return missing


def verify(pdf: Artifact, leaflet: Leaflet, layout: Layout) -> None:
    """Raise CarepressError if the typeset leaflet is over its layout's page limit or uses a
    font it does not embed."""
    origin = Origin(leaflet.path)
    pages = pdf.pages
    assert pages is not None  # (a PDF's artifact has its page count)
    if pages > layout.max_pages:
        over = pages - layout.max_pages
        raise CarepressError([Diagnostic(origin,
            f"`{leaflet.handout_id}` ({leaflet.lang}) is {pages} pages on layout `{layout.id}`, {over} page(s) over "
            f"its limit of {layout.max_pages}; shorten the handout or choose a larger layout")])
    unembedded = unembedded_fonts(pdf.data)
    if unembedded:
        raise CarepressError([Diagnostic(origin, "fonts not embedded: " + ", ".join(sorted(unembedded)))])
