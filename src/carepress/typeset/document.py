"""Page templates: a resolved Leaflet laid out on a Layout's pages, as PDF bytes."""

from __future__ import annotations

import io
import re
from typing import Any, Callable

from reportlab.lib.colors import HexColor
from reportlab.pdfbase.pdfdoc import PDFDictionary, PDFtrue
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Frame, NextPageTemplate, PageBreak, PageTemplate
from reportlab.platypus.doctemplate import LayoutError

from carepress.errors import CarepressError, Diagnostic, Origin
from carepress.languages import right_to_left
from carepress.model import Artifact, Layout, Leaflet, PrintOptions, plain
from carepress.pdfa import srgb_icc_profile_deflated, xmp_packet
from carepress.typeset.checks import preflight
from carepress.typeset.flowables import BreakToPage
from carepress.typeset.fonts import FontSet
from carepress.typeset.furniture import PAGE_COUNT_FORM, Furniture, later_header_height
from carepress.typeset.reportlab_compat import (
    LanguageMarkingCanvas,
    OnePageTemplateChain,
    PdfaCanvas,
    document_of,
    fonts_not_embedded,
    frame_cursor,
    set_creation_date,
)
from carepress.typeset.story import Story
from carepress.typeset.tagging import Tagger, write_structure
from carepress.typeset.styles import Styles, make_styles


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
                trim, bleed = trim_and_bleed_boxes(printing, layout.page_width, layout.page_height)
                self.setTrimBox(trim)
                self.setBleedBox(bleed)

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
            # (every font is named by now: the verification in finish reads this)
            self.fonts_not_embedded = fonts_not_embedded(document_of(self))
            super().save()

    return LeafletCanvas


Box = tuple[float, float, float, float]


def trim_and_bleed_boxes(printing: PrintOptions, width: float, height: float) -> tuple[Box, Box]:
    """A page's TrimBox, the trimmed page ``width`` by ``height`` inside the sheet's outer
    margin, and its BleedBox, the bleed around it."""
    outer, bleed = printing.outer, printing.bleed
    trim = (outer, outer, outer + width, outer + height)
    return trim, (trim[0] - bleed, trim[1] - bleed, trim[2] + bleed, trim[3] + bleed)


def _frame(x: float, y: float, width: float, height: float, name: str) -> Frame:
    """A frame whose flowables fill it edge to edge (the layout's margins are outside it)."""
    return Frame(x, y, width, height, id=name, leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)


class _LeafletDoc(OnePageTemplateChain):
    def afterFlowable(self, flowable: Any) -> None:
        if getattr(flowable, "bookmark_key", None):
            self.canv.bookmarkPage(flowable.bookmark_key)
            self.canv.addOutlineEntry(flowable.bookmark, flowable.bookmark_key, level=0)


def typeset(leaflet: Leaflet, layout: Layout, *, epoch: int,
            printing: PrintOptions = PrintOptions(), tagged: bool = True) -> Artifact:
    """Lay the leaflet out on the layout's pages: the PDF renderer.  Tagged PDF/UA-1 always;
    ``tagged=False`` is for bench/ alone, to measure what the tags cost.

    A tri-fold's sources go on its back panel, or close the inside panels when the back
    panel has no room for them.  Its body is balanced over its three inside panels: set once on whole panels,
    and when it ends before the inside right one, set again on shorter panels (a little
    longer each time, up to whole) so that all three carry their share."""
    fonts = preflight(leaflet)
    styles = make_styles(layout, leaflet.clinic.colours, fonts)
    # (once a leaflet, however many times it is set: only an imposed layout has a back page)
    control_height = _control_height(leaflet, layout, styles, fonts) if layout.imposition is not None else 0.0

    def setting(inside_height: float | None = None, sources_on_back: bool = True,
                notes_pages: int = 0) -> _Typeset:
        return _typeset(leaflet, layout, fonts, styles, epoch, printing, tagged, control_height,
                        inside_height, sources_on_back, notes_pages)

    try:
        first = setting()
        sources_on_back = True
    except BackPanelOverflow:  # the sources close the inside panels instead
        first = setting(sources_on_back=False)
        sources_on_back = False
    if first.body_end is None:
        # A booklet's last sheet would carry blank pages (its pages are folded four to a
        # sheet): pages for notes fill them, before the back cover (set again, its body the same).
        # (never past the page limit: a booklet over it, or with no room for them, keeps
        # its blanks, or fails as it is)
        pages = first.artifact.pages or 0
        blanks = -pages % 4 if layout.folded_as == "booklet" else 0
        if blanks and pages + blanks <= layout.max_pages:
            return setting(notes_pages=blanks).artifact
        return first.artifact
    page, y, top, bottom = first.body_end
    if page >= TRIFOLD_BACK - 1:
        return first.artifact
    whole = top - bottom
    share = ((page - TRIFOLD_INSIDE) * whole + top - y) / 3
    for stretch in (1.06, 1.15, 1.3):  # (a few settings at most: each costs a whole one)
        height = min(whole, share * stretch)
        if height >= whole:
            break
        try:
            return setting(height, sources_on_back).artifact
        except CarepressError:
            continue
    return first.artifact


class _Typeset:
    def __init__(self, artifact: Artifact, body_end: tuple[int, float, float, float] | None) -> None:
        self.artifact, self.body_end = artifact, body_end


def _control_height(leaflet: Leaflet, layout: Layout, styles: Styles, fonts: FontSet) -> float:
    """The height of the document control at the foot of a back panel or back cover."""
    width = layout.page_width - layout.margin_left - layout.margin_right
    lines = Story(leaflet, styles, fonts, width).control(tagged=False)
    return sum(line.wrap(width, layout.page_height)[1] for line in lines)


def _typeset(leaflet: Leaflet, layout: Layout, fonts: FontSet, styles: Styles, epoch: int,
             printing: PrintOptions, tagged: bool, control_height: float,
             inside_height: float | None = None, sources_on_back: bool = True,
             notes_pages: int = 0) -> _Typeset:
    """One setting of the leaflet (a tri-fold's inside panels ``inside_height`` tall, or
    whole, its sources on the back panel or closing the inside ones; ``control_height``:
    the document control's on a back page); with where a tri-fold's body ended: (page, y,
    the inside frames' top, bottom)."""
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
    frame_height = layout.page_height - later_header_height(layout) - gap - layout.margin_bottom \
        - layout.footer_height  # (the later pages' frame, the tallest)
    kind = layout.folded_as
    # A tri-fold's story is set to its tuck-in panel's width: every box fits every panel.
    story_width = width - layout.imposition.tuck_in if layout.imposition is not None and kind == "trifold" \
        else width
    story_maker = Story(leaflet, styles, fonts, story_width, printing, frame_height)
    # The document control at the foot of a back panel or back cover, under a rule: a frame its height.
    control_top = layout.margin_bottom + control_height + gap * 0.5
    furniture = Furniture(leaflet, layout, styles, fonts, printing, story_maker.logo, control_top)

    def frame(header: float, name: str) -> Frame:
        bottom = layout.margin_bottom + layout.footer_height
        top = layout.page_height - header - gap
        return _frame(printing.outer + layout.margin_left, printing.outer + bottom, width, top - bottom, name)

    breaks: list[BreakToPage] = []

    def back_frames(page_width: float, top: float) -> list[Frame]:
        left, inner = printing.outer + layout.margin_left, page_width - layout.margin_left - layout.margin_right
        bottom = printing.outer + layout.margin_bottom
        main_bottom = control_top + gap
        return [_frame(left, printing.outer + main_bottom, inner, top - main_bottom, "back"),
                _frame(left, bottom, inner, control_height + 1, "control")]

    if kind == "trifold":
        templates = trifold_templates(layout, printing, furniture, gap, back_frames, inside_height)
        doc.addPageTemplates(templates)
        breaks = [BreakToPage(page) for page in (TRIFOLD_FLAP, TRIFOLD_INSIDE, TRIFOLD_BACK)]
        end = BodyEnd()
    else:
        doc.addPageTemplates([
            PageTemplate("cover", [frame(layout.header_height, "cover")], onPage=furniture.cover,
                         autoNextPageTemplate="later"),
            PageTemplate("later", [frame(later_header_height(layout), "later")], onPage=furniture.later_page),
            PageTemplate("notes", [frame(later_header_height(layout), "notes")], onPage=furniture.notes),
            PageTemplate("back", back_frames(layout.page_width, layout.page_height - layout.margin_left * 1.5),
                         onPage=furniture.back),
        ] if kind == "booklet" else [
            PageTemplate("first", [frame(layout.header_height, "first")], onPage=furniture.first_page,
                         autoNextPageTemplate="later"),
            PageTemplate("later", [frame(later_header_height(layout), "later")], onPage=furniture.later_page),
        ])
        if kind == "booklet":
            breaks = [BreakToPage(2)]
    try:
        if story_maker.fills_more_than(layout.max_pages + PAGES_PAST_THE_LIMIT):
            raise FarPastTheLimit()  # (no need to set it: it cannot fit)
        if kind == "trifold":
            story = story_maker.trifold(breaks[0], breaks[1], breaks[2], end, sources_on_back=sources_on_back)
        elif kind == "booklet":
            notes: list[Any] = [NextPageTemplate("notes"), PageBreak()] * notes_pages
            story = story_maker.booklet(breaks[0], notes + [NextPageTemplate("back"), PageBreak()])
        else:
            story = story_maker.build(control_at_end=layout.document_control == "end")
        doc.build(story, canvasmaker=_canvas_maker(epoch, fonts, styles.small.fontSize,
                                                   clinic.colours.text, layout, printing,
                                                   leaflet.lang,
                                                   Tagger(story_maker.root) if tagged else None))
    except FarPastTheLimit:
        if kind == "trifold":
            raise _panels_overflow(leaflet, layout) from None
        raise CarepressError([Diagnostic(Origin(leaflet.path),
            f"`{leaflet.handout_id}` ({leaflet.lang}) is more than "
            f"{layout.max_pages + PAGES_PAST_THE_LIMIT} pages on layout `{layout.id}`, over its "
            f"limit of {layout.max_pages}; shorten the handout or choose a larger layout")]) from None
    except LayoutError as exc:
        if kind == "trifold" and doc.page >= TRIFOLD_BACK:  # (in the document control's frame)
            if not end.page or end.page >= TRIFOLD_BACK:  # the body ran past the inside panels
                raise _panels_overflow(leaflet, layout) from None
            raise _back_panel_overflow(leaflet, layout) from None
        # ReportLab names the block by its Python object and its first words; keep the words.
        # (in a table's message the cell's paragraph comes last)
        found = [w.strip() for w in re.findall(r"<[A-Za-z]+ at 0x[^>]*>([^'(<>]{1,60})", str(exc))]
        block = f' (the block with the words "{found[-1]}")' if found and found[-1] else ""
        raise CarepressError([Diagnostic(Origin(leaflet.path),
                                         f"a block is taller than a whole page of the `{layout.id}` "
                                         f"layout{block}: shorten it, or make the type sizes of "
                                         f"{layout.path.name} smaller")]) from None
    artifact = Artifact(buffer.getvalue(), ".pdf", doc.page, doc.canv.fonts_not_embedded)
    if kind != "trifold":
        return _Typeset(artifact, None)
    flap_starts, inside_starts, back_starts = (b.landed[0] if b.landed else doc.page for b in breaks)
    check_panels(leaflet, layout, flap_starts, inside_starts, back_starts, doc.page)
    inside = templates[TRIFOLD_INSIDE - 1].frames[0]
    top, bottom = inside.y1 + inside.height, inside.y1
    return _Typeset(artifact, (end.page, end.y, top, bottom) if end.page else None)


# A tri-fold's six panels in reading order (the pages typeset for it).
TRIFOLD_PANELS = ("cover", "inside flap", "inside left", "inside middle", "inside right", "back")
TRIFOLD_FLAP, TRIFOLD_INSIDE, TRIFOLD_BACK = 2, 3, 6
# The tuck-in panel: the flap and the inside right panel, which back each other on the sheet.
TRIFOLD_TUCK_IN = (2, 5)


def panel_width(layout: Layout, page: int) -> float:
    """A page's trimmed width: a tri-fold's tuck-in panel is ``tuck_in`` narrower."""
    if layout.imposition is not None and layout.folded_as == "trifold" and page in TRIFOLD_TUCK_IN:
        return layout.page_width - layout.imposition.tuck_in
    return layout.page_width


class BodyEnd(Flowable):
    """Takes no room; remembers the page and height where it is drawn (a tri-fold's body's end)."""

    page, y = 0, 0.0

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.page, self.y = int(self.canv.getPageNumber()), frame_cursor(self)


def trifold_templates(layout: Layout, printing: PrintOptions, furniture: Furniture, gap: float,
                      back_frames: Callable[[float, float], list[Frame]],
                      inside_height: float | None = None) -> list[PageTemplate]:
    """One page template a panel, each the panel's own width, in reading order: the cover
    under the header band, the flap and the inside panels with no header band or footer
    (the inside ones ``inside_height`` tall, to balance them), and the back panel above the
    document control."""
    outer, top_margin = printing.outer, layout.margin_left * 1.25
    templates = []
    for page, name in enumerate(TRIFOLD_PANELS, start=1):
        page_width = panel_width(layout, page)
        top = layout.page_height - (layout.header_height + gap if page == 1 else top_margin)
        bottom = layout.margin_bottom
        if inside_height is not None and TRIFOLD_INSIDE <= page < TRIFOLD_BACK:
            bottom = max(bottom, top - inside_height)
        frames = back_frames(page_width, top) if page == TRIFOLD_BACK else [
            _frame(outer + layout.margin_left, outer + bottom,
                   page_width - layout.margin_left - layout.margin_right, top - bottom, name)]
        on_page = furniture.cover if page == 1 else furniture.back if page == TRIFOLD_BACK else furniture.panel
        boxes: dict[str, Any] = {}
        if outer:  # each panel's own trim, and the bleed around it
            trim, bleed = trim_and_bleed_boxes(printing, page_width, layout.page_height)
            boxes = {"trimBox": trim, "bleedBox": bleed}
        following = TRIFOLD_PANELS[page] if page < len(TRIFOLD_PANELS) else None
        templates.append(PageTemplate(name, frames, onPage=on_page, autoNextPageTemplate=following,
                                      pagesize=(page_width + 2 * outer, layout.page_height + 2 * outer),
                                      **boxes))
    return templates


class BackPanelOverflow(CarepressError):
    pass


def _back_panel_overflow(leaflet: Leaflet, layout: Layout) -> BackPanelOverflow:
    return BackPanelOverflow([Diagnostic(Origin(leaflet.path),
        f"`{leaflet.handout_id}` ({leaflet.lang}): the contact details, closing lines and "
        f"sources overflow the `back` panel of `{layout.id}`")])


def _panels_overflow(leaflet: Leaflet, layout: Layout, more: int | None = None) -> CarepressError:
    needs = f"needs {more} more" if more else "needs more than one more"
    return CarepressError([Diagnostic(Origin(leaflet.path),
        f"`{leaflet.handout_id}` ({leaflet.lang}) does not fit the `{layout.id}` panels: the "
        f"content runs past the `{TRIFOLD_PANELS[TRIFOLD_BACK - 2]}` panel and {needs}; choose "
        "the sections a tri-fold carries (`trifold: sections:` in the handout), shorten the "
        "handout or use a page layout")])


def check_panels(leaflet: Leaflet, layout: Layout, flap_starts: int, inside_starts: int,
                 back_starts: int, pages: int) -> None:
    """Each panel's content must fit it: the title and key message the cover, the flap's
    block the flap, the body the three inside panels, and the back matter the back panel
    (``*_starts``: the page each panel's content started on)."""
    origin = Origin(leaflet.path)
    if flap_starts > TRIFOLD_FLAP:
        raise CarepressError([Diagnostic(origin,
            f"`{leaflet.handout_id}` ({leaflet.lang}): the title and subtitle are longer than the "
            f"`cover` panel of `{layout.id}`; shorten them or use a page layout")])
    if inside_starts > TRIFOLD_INSIDE:
        raise CarepressError([Diagnostic(origin,
            f"`{leaflet.handout_id}` ({leaflet.lang}): the block on the `inside flap` panel of "
            f"`{layout.id}` (its urgent box, or its checklist) is longer than the panel; shorten it "
            "or use a page layout")])
    if back_starts > TRIFOLD_BACK:
        raise _panels_overflow(leaflet, layout, back_starts - TRIFOLD_BACK)
    if pages > TRIFOLD_BACK:
        raise _back_panel_overflow(leaflet, layout)
