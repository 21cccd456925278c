"""Page templates and the story: a resolved Leaflet laid out on a Layout's pages."""

from __future__ import annotations

import io
import time
from dataclasses import dataclass
from typing import Any

from reportlab.lib.colors import HexColor
from reportlab.lib.utils import TimeStamp
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate, Frame, KeepTogether, ListFlowable, ListItem, PageTemplate, Paragraph,
    Spacer, Table, TableStyle,
)
from reportlab.platypus.doctemplate import LayoutError

from carepress.errors import CarepressError, Diagnostic, Origin
from carepress.inline import escape_markup, to_plain
from carepress.model import (
    Layout, Leaflet, RBlock, RCallout, RContact, RFillIn, RList, RPassage, RText,
)
from carepress.resolve import format_date, tel_href
from carepress.typeset.checks import preflight
from carepress.typeset.fonts import FontSet
from carepress.typeset.flowables import (
    CheckBox, FillInLine, callout_box, draw_logo, paragraph_class, with_role,
)
from carepress.typeset.styles import Styles, make_styles

PAGE_COUNT_FORM = "carepressPageCount"
ENGLISH_DRAFT_MARKER = "Draft translation — not yet reviewed"


def draft_marker(leaflet: Leaflet) -> str:
    """The draft line in the leaflet's language and, for readers of the clinic, in English."""
    own = leaflet.strings["draft_marker"]
    return own if own == ENGLISH_DRAFT_MARKER else f"{own} · {ENGLISH_DRAFT_MARKER}"


@dataclass(frozen=True)
class TypesetResult:
    pdf: bytes
    pages: int


def _timestamp(epoch: int) -> TimeStamp:
    """A ReportLab TimeStamp fixed at ``epoch`` (UTC), so output never depends on the clock."""
    stamp = TimeStamp(invariant=1)
    stamp.t = epoch
    stamp.lt = time.gmtime(epoch)
    stamp.YMDhms = tuple(stamp.lt)[:6]
    return stamp


class _Story:
    """Builds the flowables for one leaflet, block type by block type."""

    def __init__(self, leaflet: Leaflet, layout: Layout, styles: Styles, fonts: FontSet,
                 width: float) -> None:
        self.leaflet, self.layout, self.styles, self.fonts, self.width = leaflet, layout, styles, fonts, width
        self.colours = leaflet.brand.colours

    def build(self) -> list[Any]:
        s, leaflet = self.styles, self.leaflet
        story: list[Any] = [self.para(leaflet.title, s.title, "H1")]
        if leaflet.subtitle:
            story.append(self.para(leaflet.subtitle, s.subtitle))
        for number, section in enumerate(leaflet.sections, start=1):
            heading = self.para(section.heading, s.heading, "H2")
            heading.bookmark, heading.bookmark_key = section.plain_heading, f"section{number}"
            story.append(heading)
            for block in section.blocks:
                story.extend(self.block(block, self.width))
        story.extend(self.sources())
        return story

    def para(self, markup: str, style: Any, role: str = "P") -> Any:
        """A paragraph of the leaflet's script: Latin/Cyrillic, Chinese (kinsoku) or Arabic."""
        return with_role(paragraph_class(self.fonts)(markup, style), role)

    def block(self, block: RBlock, width: float) -> list[Any]:
        s = self.styles
        if isinstance(block, RPassage):
            marker = f'<super><font size="{s.body.fontSize * 0.7:.1f}">[{block.source_number}]</font></super>'
            return [self.para(f"{block.markup}\u00a0{marker}", s.body)]
        if isinstance(block, RText):
            return [self.para(block.markup, s.body)]
        if isinstance(block, RList):
            return [self.checklist(block) if block.checklist else self.bullets(block)]
        if isinstance(block, RFillIn):
            colon = self.leaflet.strings["colon"]
            fields = [FillInLine(to_plain(label) + colon, tuple(to_plain(c) for c in choices),
                                 self.fonts.regular, s.body.fontSize, self.colours.text)
                      for label, choices in block.fields]
            return [with_role(KeepTogether(fields), "Form"), Spacer(1, s.body.fontSize * 0.4)]
        if isinstance(block, RContact):
            content = [self.para(block.heading, s.callout_title, "H3")]
            content += [self.para(line, s.bullet) for line in block.lines]
            return self.box(content, self.colours.info, self.colours.info_background, width)
        if isinstance(block, RCallout):
            title_style = s.urgent_title if block.kind == "urgent" else s.callout_title
            content = [self.para(block.title, title_style, "H3")]
            inner_width = width - s.body.fontSize * 2.5
            for inner in block.blocks:
                content.extend(self.block(inner, inner_width))
            bar = self.colours.urgent if block.kind == "urgent" else self.colours.info
            background = (self.colours.urgent_background if block.kind == "urgent"
                          else self.colours.info_background)
            return self.box(content, bar, background, width)
        raise TypeError(f"unknown block {block!r}")  # pragma: no cover

    def box(self, content: list[Any], bar: str, background: str, width: float) -> list[Any]:
        pad = self.styles.body.fontSize * 0.8
        return [callout_box(content, bar=bar, background=background, width=width, padding=pad,
                            font=self.fonts.regular),
                Spacer(1, self.styles.body.fontSize * 0.7)]

    def bullets(self, block: RList) -> Any:
        s = self.styles
        items = [ListItem(self.para(item, s.bullet, "LI")) for item in block.items]
        return with_role(ListFlowable(items, bulletType="bullet", start="•", bulletFontName=self.fonts.regular,
                                      bulletFontSize=s.body.fontSize, leftIndent=s.body.fontSize * 1.3,
                                      bulletColor=HexColor(self.colours.accent),
                                      spaceAfter=s.body.fontSize * 0.4), "L")

    def checklist(self, block: RList) -> Any:
        s = self.styles
        box = s.body.fontSize * 0.85
        rows = [[CheckBox(box, self.colours.text), self.para(item, s.bullet, "LI")] for item in block.items]
        table = Table(rows, colWidths=[box + s.body.fontSize * 0.7, None], hAlign="LEFT")
        table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                                   ("FONT", (0, 0), (-1, -1), self.fonts.regular),
                                   ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                   ("TOPPADDING", (0, 0), (0, -1), s.body.fontSize * 0.2)]))
        return with_role(table, "L")

    def sources(self) -> list[Any]:
        s, leaflet = self.styles, self.leaflet
        if not leaflet.sources:
            return []
        out: list[Any] = [self.para(escape_markup(leaflet.strings["sources_heading"]), s.sources_heading, "H2")]
        out += [self.para(f"[{src.number}] {src.markup}", s.small) for src in leaflet.sources]
        out.append(self.para(leaflet.sources_note, s.small))
        return [KeepTogether(out)]


class _Furniture:
    """Header band and footer, drawn on every page; marked as artifacts for tagging later."""

    def __init__(self, leaflet: Leaflet, layout: Layout, styles: Styles, fonts: FontSet):
        self.leaflet, self.layout, self.fonts = leaflet, layout, fonts
        self.colours = leaflet.brand.colours
        self.small = styles.small.fontSize

    def first_page(self, canv: Canvas, doc: Any) -> None:
        self.header(canv, self.layout.header_height, logo=True)
        self.footer(canv, doc)

    def later_page(self, canv: Canvas, doc: Any) -> None:
        self.header(canv, self.layout.header_height * 0.45, logo=False)
        self.footer(canv, doc)

    def header(self, canv: Canvas, height: float, *, logo: bool) -> None:
        layout, brand = self.layout, self.leaflet.brand
        top = layout.page_height
        canv.saveState()
        canv.setFillColor(HexColor(self.colours.primary))
        canv.rect(0, top - height, layout.page_width, height, stroke=0, fill=1)
        canv.setFillColor(HexColor(self.colours.on_primary))
        x = layout.margin_left
        if logo:
            logo_height = height * 0.62
            x += draw_logo(canv, brand.logo.path, x, top - height / 2 - logo_height / 2, logo_height,
                           self.fonts.regular)
            x += logo_height * 0.3
            name_size = layout.type.subtitle * 1.15
            canv.setFont(self.fonts.bold, name_size)
            canv.drawString(x, top - height / 2 + name_size * 0.05, brand.name)
            canv.setFont(self.fonts.regular, self.small * 1.1)
            canv.drawString(x, top - height / 2 - self.small * 1.5, brand.website)
            link_width = stringWidth(brand.website, self.fonts.regular, self.small * 1.1)
            y = top - height / 2 - self.small * 1.5
            canv.linkURL(brand.website, (x, y - 2, x + link_width, y + self.small), relative=0)
        else:
            size = self.small * 1.2
            canv.setFont(self.fonts.bold, size)
            baseline = top - height / 2 - size * 0.35
            canv.drawString(x, baseline, brand.name)
            canv.setFont(self.fonts.regular, size)
            canv.drawRightString(layout.page_width - layout.margin_right, baseline,
                                 to_plain(self.leaflet.title))
        canv.restoreState()

    def footer(self, canv: Canvas, doc: Any) -> None:
        """Document control, page count and the clinic's phone, inside the bottom margin area;
        a draft translation adds a line saying so, in its language and in English."""
        layout, leaflet, strings = self.layout, self.leaflet, self.leaflet.strings
        control, brand = leaflet.control, leaflet.brand
        left, right = layout.margin_left, layout.page_width - layout.margin_right
        size = self.small
        top = layout.margin_bottom + layout.footer_height - size * 0.3
        canv.saveState()
        canv.setStrokeColor(HexColor(self.colours.accent))
        canv.setLineWidth(0.6)
        canv.line(left, top, right, top)
        canv.setFillColor(HexColor(self.colours.text))
        canv.setFont(self.fonts.regular, size)
        line1 = top - size * 1.4
        # A no-break space drawn straight on the canvas extracts as U+0000 in pypdf: plain spaces.
        review = format_date(control.review_by, leaflet.lang).replace("\u00a0", " ")
        canv.drawString(left, line1, f"{control.code} · {strings['version']} {control.version} · "
                                     f"{strings['review_by']} {review}")
        self.page_number(canv, doc.page, right, line1, size)
        line2 = line1 - size * 1.3
        prefix = f"{strings['questions']} {brand.name}{strings['colon']} ".replace("\u00a0", " ")
        canv.drawString(left, line2, prefix)
        x = left + stringWidth(prefix, self.fonts.regular, size)
        canv.setFont(self.fonts.bold, size)
        canv.drawString(x, line2, brand.phone)
        width = stringWidth(brand.phone, self.fonts.bold, size)
        canv.linkURL(tel_href(brand.phone), (x, line2 - 2, x + width, line2 + size), relative=0)
        if leaflet.draft:
            canv.setFillColor(HexColor(self.colours.urgent))
            canv.drawString(left, line2 - size * 1.3, draft_marker(leaflet))
        canv.restoreState()

    def page_number(self, canv: Canvas, page: int, right: float, y: float, size: float) -> None:
        """`Page N of M`, right-aligned.  M is a form drawn once the page count is known;
        its width is reserved from the layout's page limit (a longer leaflet fails anyway)."""
        template = self.leaflet.strings["page_of"]
        before, _, after = template.partition("{pages}")
        before, after = before.format(page=page), after.format(page=page)
        font = self.fonts.regular
        reserved = stringWidth(str(self.layout.max_pages), font, size)
        width = stringWidth(before, font, size) + reserved + stringWidth(after, font, size)
        x = right - width
        canv.drawString(x, y, before)
        x += stringWidth(before, font, size)
        canv.saveState()
        canv.translate(x, y)
        canv.doForm(PAGE_COUNT_FORM)
        canv.restoreState()
        canv.drawString(x + reserved, y, after)


def _canvas_maker(epoch: int, fonts: FontSet, size: float, colour: str) -> type[Canvas]:
    class LeafletCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._doc._timeStamp = _timestamp(epoch)  # CreationDate/ModDate from the content

        def save(self) -> None:
            pages = self.getPageNumber() - 1  # the doc has shown its last page already
            self.beginForm(PAGE_COUNT_FORM)
            self.setFont(fonts.regular, size)
            self.setFillColor(HexColor(colour))
            self.drawString(0, 0, str(pages))
            self.endForm()
            super().save()

    return LeafletCanvas


class _LeafletDoc(BaseDocTemplate):
    def afterFlowable(self, flowable: Any) -> None:
        if getattr(flowable, "bookmark_key", None):
            self.canv.bookmarkPage(flowable.bookmark_key)
            self.canv.addOutlineEntry(flowable.bookmark, flowable.bookmark_key, level=0)


def typeset(leaflet: Leaflet, layout: Layout, *, epoch: int) -> TypesetResult:
    """Lay the leaflet out on the layout's pages; PDF bytes and page count."""
    fonts = preflight(leaflet)
    styles = make_styles(layout, leaflet.brand, fonts)
    buffer = io.BytesIO()
    brand, control = leaflet.brand, leaflet.control
    doc = _LeafletDoc(
        buffer, pagesize=(layout.page_width, layout.page_height),
        leftMargin=layout.margin_left, rightMargin=layout.margin_right,
        topMargin=layout.margin_top, bottomMargin=layout.margin_bottom,
        title=to_plain(leaflet.title), author=brand.name,
        subject=to_plain(leaflet.subtitle or leaflet.title), creator="carepress",
        keywords=[control.code, f"version {control.version}"], lang=leaflet.lang,
        invariant=1, pageCompression=1, displayDocTitle=1,
        initialFontName=fonts.regular,  # else the canvas starts in base-14 Helvetica
    )
    furniture = _Furniture(leaflet, layout, styles, fonts)
    width = layout.page_width - layout.margin_left - layout.margin_right
    gap = styles.body.fontSize * 0.8

    def frame(header: float, name: str) -> Frame:
        bottom = layout.margin_bottom + layout.footer_height
        top = layout.page_height - header - gap
        return Frame(layout.margin_left, bottom, width, top - bottom, id=name,
                     leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)

    doc.addPageTemplates([
        PageTemplate("first", [frame(layout.header_height, "first")], onPage=furniture.first_page,
                     autoNextPageTemplate="later"),
        PageTemplate("later", [frame(layout.header_height * 0.45, "later")], onPage=furniture.later_page),
    ])
    story = _Story(leaflet, layout, styles, fonts, width).build()
    try:
        doc.build(story, canvasmaker=_canvas_maker(epoch, fonts, styles.small.fontSize,
                                                   leaflet.brand.colours.text))
    except LayoutError as exc:
        raise CarepressError([Diagnostic(Origin(leaflet.path),
                                         f"a block is too tall for the `{layout.id}` page: {exc}")]) from None
    return TypesetResult(buffer.getvalue(), doc.page)
