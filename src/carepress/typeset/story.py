"""The story: a resolved Leaflet's blocks as ReportLab flowables, block type by block type."""

from __future__ import annotations

from typing import Any

from reportlab.lib.colors import HexColor
from reportlab.platypus import (
    KeepTogether,
    ListFlowable,
    ListItem,
    PageBreak,
    Spacer,
    Table,
    TableStyle,
)

from carepress.languages import right_to_left
from carepress.model import (
    Leaflet,
    PrintOptions,
    RBlock,
    RCallout,
    RContact,
    RFillIn,
    RList,
    RPassage,
    RText,
    plain,
)
from carepress.typeset.flowables import (
    AddressLines,
    BreakToPage,
    CheckBox,
    FillInLine,
    QrCode,
    box_side,
    callout_box,
    paragraph_class,
    with_role,
)
from carepress.typeset.fonts import FontSet
from carepress.typeset.markup import escape as escape_markup, to_markup
from carepress.typeset.styles import Styles

BULLET = "•"


def keep_with_heading(heading: Any, flowables: list[Any]) -> list[Any]:
    """A heading and the block after it, on one page.  A heading's keep-with-next does this
    by itself, except before a bullet list: ReportLab will not join a list (a container) to
    a keep-with-next chain, and left the heading alone at the foot of a page."""
    if flowables and isinstance(flowables[0], ListFlowable):
        heading.__dict__["keepWithNext"] = 0  # (the KeepTogether does it; no chain around it)
        return [KeepTogether([heading, flowables[0]]), *flowables[1:]]
    return [heading, *flowables]


class Story:
    """Builds the flowables for one leaflet, block type by block type."""

    def __init__(self, leaflet: Leaflet, styles: Styles, fonts: FontSet, width: float,
                 printing: PrintOptions = PrintOptions()) -> None:
        self.leaflet, self.styles, self.fonts, self.width = leaflet, styles, fonts, width
        self.colours = leaflet.clinic.colours
        self.rtl = right_to_left(leaflet.lang)
        self.paragraph = paragraph_class(fonts)  # Latin/Cyrillic, Chinese (kinsoku) or Arabic
        self.printing = printing
        self.fields = 0

    def build(self, back_panel: BreakToPage | None = None) -> list[Any]:
        s, leaflet = self.styles, self.leaflet
        story: list[Any] = [self.para(to_markup(leaflet.title), s.title, "H1")]
        if leaflet.subtitle:
            story.append(self.para(to_markup(leaflet.subtitle), s.subtitle))
        if back_panel is not None:  # a tri-fold's cover holds the title alone
            story.append(PageBreak())
        contact: list[Any] = []
        for number, section in enumerate(leaflet.sections, start=1):
            heading = self.para(to_markup(section.heading), s.heading, "H2")
            heading.bookmark, heading.bookmark_key = plain(section.heading), f"section{number}"
            story.append(heading)
            for block, following in zip(section.blocks, [*section.blocks[1:], None]):
                if back_panel is not None and isinstance(block, RContact):
                    contact = self.block(block, self.width)  # a tri-fold keeps it for the back
                    continue
                flowables = self.block(block, self.width)
                if isinstance(block, (RText, RPassage)) and isinstance(following, RFillIn):
                    flowables[-1].keepWithNext = 1  # a form's introduction stays with its lines
                if story[-1] is heading:
                    story[-1:] = keep_with_heading(heading, flowables)
                else:
                    story.extend(flowables)
        if back_panel is None:
            return story + self.sources() + self.closing()
        # Tri-fold: sources close the content panels; the back panel has contact and closing.
        return story + self.sources() + [back_panel] + contact + self.closing()

    def closing(self) -> list[Any]:
        """The leaflet ends with how to get it in other languages or large print (with a QR
        code to the online copy when the clinic has one) and how to give feedback."""
        closing, s = self.leaflet.closing, self.styles
        if closing is None:
            return []
        text = [self.para(escape_markup(closing.other_formats), s.bullet)]
        if closing.url and closing.short_url:
            text.append(self.address(escape_markup(closing.online_label), closing.short_url, closing.url))
        text.append(self.address(escape_markup(closing.feedback), closing.feedback_address,
                                 closing.feedback_href))
        pad = s.body.fontSize * 0.8
        if not closing.url:
            return [Spacer(1, pad)] + self.box(text, self.colours.accent, self.colours.info_background,
                                               self.width)
        size = s.body.fontSize * 5.5
        code = QrCode(closing.url, size)
        inner_width = self.width - pad * 2.3
        # The code on the reading side, then the text a padding from it: the padding on the
        # text's side that faces the code (its left, or its right when mirrored).
        cells, widths, text_cell, facing = [code, text], [size, inner_width - size], (1, 0), "LEFTPADDING"
        if self.rtl:
            cells, widths, text_cell, facing = cells[::-1], widths[::-1], (0, 0), "RIGHTPADDING"
        table = Table([cells], colWidths=widths)
        table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                                   ("FONT", (0, 0), (-1, -1), self.fonts.regular),
                                   ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                   ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                                   (facing, text_cell, text_cell, pad)]))
        return [Spacer(1, pad)] + self.box([table], self.colours.accent, self.colours.info_background,
                                           self.width)

    def address(self, lead: str, address: str, href: str) -> AddressLines:
        """``lead`` (markup, a label or a sentence), then ``address`` as a link to ``href``,
        broken only where an address may break."""
        return AddressLines(lambda markup: self.para(markup, self.styles.bullet), lead, address, href,
                            self.styles.bullet, self.rtl)

    def para(self, markup: str, style: Any, role: str = "P") -> Any:
        """A paragraph of the leaflet's script: Latin/Cyrillic, Chinese (kinsoku) or Arabic."""
        return with_role(self.paragraph(markup, style), role)

    def block(self, block: RBlock, width: float) -> list[Any]:
        s = self.styles
        if isinstance(block, RPassage):
            marker = f'<super><font size="{s.body.fontSize * 0.7:.1f}">[{block.source_number}]</font></super>'
            return [self.para(f"{to_markup(block.text)}\u00a0{marker}", s.body)]
        if isinstance(block, RText):
            return [self.para(to_markup(block.text), s.body)]
        if isinstance(block, RList):
            return [self.checklist(block) if block.checklist else self.bullets(block)]
        if isinstance(block, RFillIn):
            fields = []
            for field in block.fields:
                self.fields += 1
                name = f"field{self.fields}" if self.printing.fillable else None
                fields.append(FillInLine(field.label, field.choices, self.fonts.regular,
                                         s.body.fontSize, self.colours.text, self.rtl, name))
            # The lines stay together, and with a heading and an introduction before them:
            # ReportLab keeps a keep-with-next chain on one page (a KeepTogether cannot join it).
            for field in fields[:-1]:
                field.keepWithNext = 1
            return [*fields, Spacer(1, s.body.fontSize * 0.4)]
        if isinstance(block, RContact):
            content = [self.para(escape_markup(block.heading), s.callout_title, "H3")]
            content += [self.para(to_markup(line), s.bullet) for line in block.lines]
            return self.box(content, self.colours.info, self.colours.info_background, width)
        if isinstance(block, RCallout):
            title_style = s.urgent_title if block.kind == "urgent" else s.callout_title
            content = [self.para(to_markup(block.title), title_style, "H3")]
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
                            font=self.fonts.regular, rtl=self.rtl),
                Spacer(1, self.styles.body.fontSize * 0.7)]

    def bullets(self, block: RList) -> Any:
        s = self.styles
        items = [ListItem(self.para(to_markup(item), s.bullet, "LI")) for item in block.items]
        return with_role(ListFlowable(items, bulletType="bullet", start=BULLET, bulletFontName=self.fonts.regular,
                                      bulletFontSize=s.body.fontSize, leftIndent=s.body.fontSize * 1.3,
                                      bulletColor=HexColor(self.colours.accent),
                                      bulletDir="rtl" if self.rtl else "ltr",
                                      spaceAfter=s.body.fontSize * 0.4), "L")

    def checklist(self, block: RList) -> Any:
        s = self.styles
        size = s.body.fontSize
        # Box and item top-aligned: the box stands on the item's first baseline.
        rows = [[CheckBox(self.fonts.regular, size, self.colours.text), self.para(to_markup(item), s.bullet, "LI")]
                for item in block.items]
        widths: list[float | None] = [box_side(self.fonts.regular, size) + size * 0.7, None]
        # The box at the line's start, flush with the text above, the item a gap after it.
        start, box_column, align = "LEFTPADDING", 0, "LEFT"
        if self.rtl:  # mirrored: the box on the right
            rows, widths = [row[::-1] for row in rows], widths[::-1]
            start, box_column, align = "RIGHTPADDING", 1, "RIGHT"
        table = Table(rows, colWidths=widths, hAlign="RIGHT" if self.rtl else "LEFT")
        table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                                   ("FONT", (0, 0), (-1, -1), self.fonts.regular),
                                   (start, (0, 0), (-1, -1), 0),
                                   ("ALIGN", (box_column, 0), (box_column, -1), align)]))
        return with_role(table, "L")

    def sources(self) -> list[Any]:
        s, leaflet = self.styles, self.leaflet
        if not leaflet.sources:
            return []
        out: list[Any] = [self.para(escape_markup(leaflet.sources_heading), s.sources_heading, "H2")]
        out += [self.para(f"[{src.number}] {to_markup(src.text)}", s.small) for src in leaflet.sources]
        out.append(self.para(escape_markup(leaflet.sources_note), s.small))
        return [KeepTogether(out)]


