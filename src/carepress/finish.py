"""Finish stage: read the typeset PDF back with pypdf and verify what a reader will get."""

from __future__ import annotations

import io
from dataclasses import dataclass

from pypdf import PdfReader
from pypdf.generic import DictionaryObject

from carepress.errors import CarepressError, Diagnostic, Origin
from carepress.model import Layout, Leaflet


@dataclass(frozen=True)
class FinishedPdf:
    data: bytes
    pages: int


def _unembedded_fonts(reader: PdfReader) -> set[str]:
    """Names of fonts used on any page whose program is not embedded in the file."""
    missing: set[str] = set()
    for page in reader.pages:
        fonts = page.get("/Resources", {}).get_object().get("/Font", {})
        for ref in fonts.get_object().values():
            font = ref.get_object()
            if font.get("/Subtype") == "/Type0":
                font = font["/DescendantFonts"][0].get_object()
            descriptor = font.get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else DictionaryObject()
            if not any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")):
                missing.add(str(font.get("/BaseFont")))
    return missing


def finish(pdf: bytes, leaflet: Leaflet, layout: Layout) -> FinishedPdf:
    """Check page count against the layout's limit and that every font is embedded."""
    reader = PdfReader(io.BytesIO(pdf))
    pages = len(reader.pages)
    origin = Origin(leaflet.path)
    if pages > layout.max_pages:
        over = pages - layout.max_pages
        raise CarepressError([Diagnostic(origin,
            f"`{leaflet.handout_id}` ({leaflet.lang}) is {pages} pages on layout `{layout.id}`, {over} page(s) over "
            f"its limit of {layout.max_pages}; shorten the handout or choose a larger layout")])
    unembedded = _unembedded_fonts(reader)
    if unembedded:
        raise CarepressError([Diagnostic(origin, "fonts not embedded: " + ", ".join(sorted(unembedded)))])
    return FinishedPdf(pdf, pages)
