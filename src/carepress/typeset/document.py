"""Page templates: a resolved Leaflet laid out on a Layout's pages, as PDF bytes."""

from __future__ import annotations

import io
import re
from typing import Any

from reportlab.lib.colors import HexColor
from reportlab.pdfbase.pdfdoc import PDFDictionary, PDFtrue
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate
from reportlab.platypus.doctemplate import LayoutError

from carepress.errors import CarepressError, Diagnostic, Origin
from carepress.languages import right_to_left
from carepress.model import Artifact, Layout, Leaflet, PrintOptions, plain
from carepress.pdfa import srgb_icc_profile_deflated, xmp_packet
from carepress.typeset.checks import preflight
from carepress.typeset.flowables import BreakToPage
from carepress.typeset.fonts import FontSet
from carepress.typeset.furniture import PAGE_COUNT_FORM, Furniture
from carepress.typeset.reportlab_compat import LanguageMarkingCanvas, PdfaCanvas, set_creation_date
from carepress.typeset.story import Story
from carepress.typeset.tagging import Tagger, write_structure
from carepress.typeset.styles import make_styles


# How many pages past its limit a leaflet is set before it is given up: one, so a leaflet a
# page too long is reported as such (finish.py counts its pages), a longer one as more.
PAGES_PAST_THE_LIMIT = 1


class FarPastTheLimit(Exception):
    pass


def _canvas_maker(epoch: int, fonts: FontSet, size: float, colour: str, layout: Layout,
                  printing: PrintOptions, lang: str, tagger: Tagger | None) -> type[Canvas]:
    rtl = right_to_left(lang)

    class LeafletCanvas(LanguageMarkingCanvas, PdfaCanvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.tagger = tagger  # marks content and artifacts as the flowables draw
            set_creation_date(self, epoch)  # CreationDate/ModDate from the content
            if rtl:  # viewers lay out spreads right to left; PDFium reads lines that way
                self.setViewerPreference("Direction", "R2L")
            if printing.outer:
                outer, bleed = printing.outer, printing.bleed
                trim = (outer, outer, outer + layout.page_width, outer + layout.page_height)
                self.setTrimBox(trim)
                self.setBleedBox((trim[0] - bleed, trim[1] - bleed, trim[2] + bleed, trim[3] + bleed))

        def showPage(self) -> None:  # noqa: N802 - ReportLab's name
            super().showPage()
            # A leaflet far past its page limit fails anyway: stop setting it (a long handout
            # in many languages would otherwise be typeset whole, by `check` too).
            shown = self.getPageNumber() - 1
            if shown > layout.max_pages + PAGES_PAST_THE_LIMIT:
                raise FarPastTheLimit()

        def save(self) -> None:
            pages = self.getPageNumber() - 1  # the doc has shown its last page already
            self.beginForm(PAGE_COUNT_FORM)
            self.setFont(fonts.regular, size)
            self.setFillColor(HexColor(colour))
            self.drawString(0, 0, str(pages))
            self.endForm()
            if tagger is not None:  # PDF/UA-1: the structure tree; the catalog says it is tagged
                self.setCatalogEntry("StructTreeRoot", write_structure(self, tagger, pages))
                self.setCatalogEntry("MarkInfo", PDFDictionary({"Marked": PDFtrue}))
            # PDF/A-2U: the Info dictionary repeated as XMP (with the PDF/UA part), and the
            # sRGB output intent the page colours (DeviceRGB and DeviceGray) are meant for.
            self.add_metadata(xmp_packet(self.document_info(), lang, pdfua=tagger is not None))
            self.add_output_intent(srgb_icc_profile_deflated())
            super().save()

    return LeafletCanvas


class _LeafletDoc(BaseDocTemplate):
    def afterFlowable(self, flowable: Any) -> None:
        if getattr(flowable, "bookmark_key", None):
            self.canv.bookmarkPage(flowable.bookmark_key)
            self.canv.addOutlineEntry(flowable.bookmark, flowable.bookmark_key, level=0)


def typeset(leaflet: Leaflet, layout: Layout, *, epoch: int,
            printing: PrintOptions = PrintOptions(), tagged: bool = True) -> Artifact:
    """Lay the leaflet out on the layout's pages: the PDF renderer.  Tagged PDF/UA-1 always;
    ``tagged=False`` is for bench/ alone, to measure what the tags cost."""
    fonts = preflight(leaflet)
    styles = make_styles(layout, leaflet.clinic.colours, fonts)
    buffer = io.BytesIO()
    clinic, control = leaflet.clinic, leaflet.control
    doc = _LeafletDoc(
        buffer, pagesize=(layout.page_width + 2 * printing.outer,
                          layout.page_height + 2 * printing.outer),
        leftMargin=layout.margin_left, rightMargin=layout.margin_right,
        topMargin=layout.header_height, bottomMargin=layout.margin_bottom,
        title=plain(leaflet.title), author=clinic.name,
        subject=plain(leaflet.subtitle or leaflet.title), creator="carepress",
        # Document control a records system can read: code, version, owner, approver, dates.
        keywords=[control.code, f"version {control.version}", f"owner: {control.owner}",
                  f"approved by: {control.approver}", f"approved: {control.approved.isoformat()}",
                  f"review by: {control.review_by.isoformat()}"], lang=leaflet.lang,
        invariant=1, pageCompression=1, displayDocTitle=1,
        initialFontName=fonts.regular,  # else the canvas starts in base-14 Helvetica
    )
    width = layout.page_width - layout.margin_left - layout.margin_right
    gap = styles.body.fontSize * 0.8
    frame_height = layout.page_height - layout.header_height * 0.45 - gap - layout.margin_bottom \
        - layout.footer_height  # (the later pages' frame, the tallest)
    story_maker = Story(leaflet, styles, fonts, width, printing, frame_height)
    furniture = Furniture(leaflet, layout, styles, fonts, printing, story_maker.logo)

    def frame(header: float, name: str) -> Frame:
        bottom = layout.margin_bottom + layout.footer_height
        top = layout.page_height - header - gap
        return Frame(printing.outer + layout.margin_left, printing.outer + bottom, width, top - bottom, id=name,
                     leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)

    doc.addPageTemplates([
        PageTemplate("first", [frame(layout.header_height, "first")], onPage=furniture.first_page,
                     autoNextPageTemplate="later"),
        PageTemplate("later", [frame(layout.header_height * 0.45, "later")], onPage=furniture.later_page),
    ])
    trifold = layout.imposition is not None and layout.imposition.kind == "trifold"
    back_panel = BreakToPage(TRIFOLD_BACK) if trifold else None
    try:
        if story_maker.fills_more_than(layout.max_pages + PAGES_PAST_THE_LIMIT):
            raise FarPastTheLimit()  # (no need to set it: it cannot fit)
        story = story_maker.build(back_panel)
        doc.build(story, canvasmaker=_canvas_maker(epoch, fonts, styles.small.fontSize,
                                                   clinic.colours.text, layout, printing,
                                                   leaflet.lang,
                                                   Tagger(story_maker.root) if tagged else None))
    except FarPastTheLimit:
        raise CarepressError([Diagnostic(Origin(leaflet.path),
            f"`{leaflet.handout_id}` ({leaflet.lang}) is more than "
            f"{layout.max_pages + PAGES_PAST_THE_LIMIT} pages on layout `{layout.id}`, over its "
            f"limit of {layout.max_pages}; shorten the handout or choose a larger layout")]) from None
    except LayoutError as exc:
        # ReportLab names the block by its Python object and its first words; keep the words.
        # (in a table's message the cell's paragraph comes last)
        found = [w.strip() for w in re.findall(r"<[A-Za-z]+ at 0x[^>]*>([^'(<>]{1,60})", str(exc))]
        block = f' (the block with the words "{found[-1]}")' if found and found[-1] else ""
        raise CarepressError([Diagnostic(Origin(leaflet.path),
                                         f"a block is taller than a whole page of the `{layout.id}` "
                                         f"layout{block}: shorten it, or make the type sizes of "
                                         f"{layout.path.name} smaller")]) from None
    if back_panel is not None:
        check_panels(leaflet, layout, back_panel.landed[0] if back_panel.landed else doc.page, doc.page)
    return Artifact(buffer.getvalue(), ".pdf", doc.page)


# A tri-fold's six panels in reading order (the pages typeset for it).
TRIFOLD_PANELS = ("cover", "inside flap", "inside left", "inside middle", "inside right", "back")
TRIFOLD_BACK = 6


def check_panels(leaflet: Leaflet, layout: Layout, back_starts: int, pages: int) -> None:
    """Content must fit the four content panels, and the back matter the back panel."""
    origin = Origin(leaflet.path)
    if back_starts > TRIFOLD_BACK:
        raise CarepressError([Diagnostic(origin,
            f"`{leaflet.handout_id}` ({leaflet.lang}) does not fit the `{layout.id}` panels: the "
            f"content runs past the `{TRIFOLD_PANELS[TRIFOLD_BACK - 2]}` panel and needs "
            f"{back_starts - TRIFOLD_BACK} more; shorten the handout or use a page layout")])
    if pages > TRIFOLD_BACK:
        raise CarepressError([Diagnostic(origin,
            f"`{leaflet.handout_id}` ({leaflet.lang}): the contact details, sources and closing "
            f"lines overflow the `back` panel of `{layout.id}`")])
