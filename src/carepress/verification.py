"""The finish stage's checks of a typeset leaflet that need no PDF library: its page count
against the layout's limit, and that it embeds every font it uses.  Both come from the
typesetter, which counted the pages and knows each font it wrote (ReportLab writes every
font its document used, and embeds a subset of each TrueType font): no PDF is parsed again.
pypdf, 40 ms of imports, is needed only to impose sheets and to bundle (finish.py,
bundle.py), and the tests read every kind of leaflet back with pypdf and poppler to show
that what the typesetter reports is what the file holds (tests/test_finish.py)."""

from __future__ import annotations

from carepress.errors import CarepressError, Diagnostic, Origin
from carepress.model import Artifact, Layout, Leaflet


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
    if pdf.fonts_not_embedded:
        raise CarepressError([Diagnostic(origin, "fonts not embedded: " + ", ".join(sorted(pdf.fonts_not_embedded))
                                         + "; every font a leaflet uses must be a TrueType font carepress "
                                           "embeds (a brand's `fonts:`)")])
