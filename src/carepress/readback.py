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
_OBJECT_END = re.compile(rb"\bendobj\b|\bstream\r?\n")

_REFERENCE = rb"(\d+) \d+ R"
_FONT_TYPE = re.compile(rb"/Type\s*/Font\b")
_SUBTYPE = re.compile(rb"/Subtype\s*/(\w+)")
_BASE_FONT = re.compile(rb"/BaseFont\s*/([^\s/\[\]<>()]+)")
_DESCRIPTOR = re.compile(rb"/FontDescriptor\s*" + _REFERENCE)
_DESCENDANTS = re.compile(rb"/DescendantFonts\s*\[\s*" + _REFERENCE)
_FONT_FILE = re.compile(rb"/FontFile[23]?\s*\d+ \d+ R")


class UnreadablePdf(ValueError):
    """The bytes are not a PDF file with a classic cross-reference table."""


def _objects(data: bytes) -> dict[int, bytes]:
    """Each object's text up to its stream data or its end (the dictionary, for the objects
    this module looks at), by number, from the file's cross-reference table."""
    found = _STARTXREF.search(data[-64:])
    if found is None:
        raise UnreadablePdf("no startxref at the end of the file")
    position = int(found.group(1))
    if not data.startswith(b"xref", position):
        raise UnreadablePdf("no classic cross-reference table")  # (a stream: not written here)
    position += len(b"xref")
    while data[position:position + 1] in (b"\r", b"\n", b" "):
        position += 1
    objects: dict[int, bytes] = {}
    while (section := _SUBSECTION.match(data, position)) is not None:
        first, count = int(section.group(1)), int(section.group(2))
        position = section.end()
        for number in range(first, first + count):
            entry = _ENTRY.match(data, position)
            if entry is None:
                raise UnreadablePdf(f"a broken cross-reference entry at byte {position}")
            position = entry.end()
            while data[position:position + 1] in (b"\r", b"\n", b" "):
                position += 1
            if entry.group(3) == b"n":
                start = int(entry.group(1))
                header = _OBJECT.match(data, start)
                if header is None or int(header.group(1)) != number:
                    raise UnreadablePdf(f"object {number} is not at byte {start}")
                end = _OBJECT_END.search(data, header.end())
                objects[number] = data[header.end():end.start() if end else len(data)]
    return objects


def unembedded_fonts(data: bytes) -> set[str]:
    """The names of the fonts in the PDF file ``data`` whose program it does not embed: every
    font object of the file (a page's, a form XObject's), Type 3 fonts (drawn by the file's
    own glyph procedures) apart; a composite font by its descendant's descriptor."""
    objects = _objects(data)
    missing: set[str] = set()
    for text in objects.values():
        if _FONT_TYPE.search(text) is None:
            continue
        subtype = _SUBTYPE.search(text)
        kind = subtype.group(1) if subtype else b""
        if kind in (b"Type3", b"CIDFontType0", b"CIDFontType2"):
            continue  # (a descendant is judged through its Type0 font)
        font = text
        if kind == b"Type0":
            descendant = _DESCENDANTS.search(text)
            font = objects.get(int(descendant.group(1)), b"") if descendant else b""
        descriptor = _DESCRIPTOR.search(font)
        embedded = descriptor is not None and _FONT_FILE.search(
            objects.get(int(descriptor.group(1)), b"")) is not None
        if not embedded:
            name = _BASE_FONT.search(text)
            missing.add("/" + (name.group(1).decode("latin-1") if name else "(unnamed font)"))
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
