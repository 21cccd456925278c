"""The story: a resolved Leaflet's blocks as ReportLab flowables, block type by block type,
and beside them the document's structure (tagging.py), in reading order: Document; H1 the
title; a Sect per section with its H2; P, L/LI/Lbl/LBody; a Sect per callout and for the
contact details with an H3; a Sect for the sources; and the closing Sect with the QR code as
a Figure."""

from __future__ import annotations

from typing import Any

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import KeepTogether, PageBreak, Spacer, Table, TableStyle

from carepress.languages import right_to_left
from carepress.model import (
    Inline,
    Leaflet,
    PrintOptions,
    RBlock,
    RCallout,
    RContact,
    RFillIn,
    RList,
    RPassage,
    RText,
    block_texts,
    plain,
)
from carepress.typeset.flowables import (
    AddressLines,
    BreakToPage,
    CheckBox,
    FillInLine,
    ListEntry,
    QrCode,
    box_side,
    callout_box,
    paragraph_class,
)
from carepress.typeset.fonts import FontSet
from carepress.typeset.markup import escape as escape_markup, to_markup
from carepress.typeset.styles import Styles
from carepress.typeset.tagging import StructNode, artifact_table_drawing, tag

BULLET = "•"


def link_texts(inline: Inline) -> dict[str, str]:
    """Each link's address and the words it is on (its /Contents in a tagged PDF)."""
    texts: dict[str, str] = {}
    for span in inline:
        if span.href is not None:
            texts[span.href] = texts.get(span.href, "") + span.text
    return texts


def _without_space_at_the_end(story: list[Any]) -> list[Any]:
    """The story without the space a box leaves after itself when the box ends it: a last
    box that ends a few points above the foot of its page would otherwise push that space,
    and nothing else, onto a page of its own, an empty last page."""
    while story and isinstance(story[-1], Spacer):
        story = story[:-1]
    return story


class Story:
    """Builds the flowables for one leaflet, block type by block type."""

    def __init__(self, leaflet: Leaflet, styles: Styles, fonts: FontSet, width: float,
                 printing: PrintOptions = PrintOptions(), frame_height: float = 1e9) -> None:
        self.leaflet, self.styles, self.fonts, self.width = leaflet, styles, fonts, width
        self.colours = leaflet.clinic.colours
        self.rtl = right_to_left(leaflet.lang)
        self.paragraph = paragraph_class(fonts)  # Latin/Cyrillic, Chinese (kinsoku) or Arabic
        self.printing = printing
        self.fields = 0
        self.frame_height = frame_height
        self.root = StructNode("Document")
        # The clinic's logo, in the header band of the first page (furniture.py draws it).
        self.logo = self.root.add("Figure", alt=leaflet.clinic.logo.alt)

    def build(self, back_panel: BreakToPage | None = None) -> list[Any]:
        """The flowables, block type by block type."""
        s, leaflet, root = self.styles, self.leaflet, self.root
        story: list[Any] = [self.text(leaflet.title, s.title, root.add("H1"))]
        if leaflet.subtitle:
            story.append(self.text(leaflet.subtitle, s.subtitle, root.add("P")))
        if back_panel is not None:  # a tri-fold's cover holds the title alone
            story.append(PageBreak())
        contact: list[Any] = []
        for number, section in enumerate(leaflet.sections, start=1):
            part = root.add("Sect")
            heading = self.text(section.heading, s.heading, part.add("H2"))
            heading.bookmark, heading.bookmark_key = plain(section.heading), f"section{number}"
            story.append(heading)
            for block, following in zip(section.blocks, [*section.blocks[1:], None]):
                if back_panel is not None and isinstance(block, RContact):
                    contact = self.block(block, self.width, part)  # a tri-fold keeps it for the back
                    continue
                flowables = self.block(block, self.width, part)
                if isinstance(block, (RText, RPassage)) and isinstance(following, RFillIn):
                    flowables[-1].keepWithNext = 1  # a form's introduction stays with its lines
                story.extend(flowables)
        if back_panel is None:
            return _without_space_at_the_end(story + self.sources() + self.closing())
        # Tri-fold: sources close the content panels; the back panel has contact and closing.
        return _without_space_at_the_end(story + self.sources() + [back_panel] + contact + self.closing())

    def closing(self) -> list[Any]:
        """The leaflet ends with how to get it in the other languages or large print its clinic
        builds (if either), with a QR code to the online copy when the clinic has one, and
        how to give feedback."""
        closing, s = self.leaflet.closing, self.styles
        if closing is None:
            return []
        part = self.root.add("Sect")
        text = [self.para(escape_markup(closing.other_formats), s.bullet, part.add("P"))] \
            if closing.other_formats else []  # (the editions the clinic builds: maybe none)
        code_node = part.add("Figure", alt=closing.qr_alt) if closing.url else None
        if closing.url and closing.short_url:
            text.append(self.address(escape_markup(closing.online_label), closing.short_url,
                                     closing.url, part))
        text.append(self.address(escape_markup(closing.feedback), closing.feedback_address,
                                 closing.feedback_href, part))
        pad = s.body.fontSize * 0.8
        # (the box ends the leaflet: no space after it, which would start an empty page
        # when the box just fits)
        if not closing.url:
            return [Spacer(1, pad)] + self.box(text, self.colours.accent, self.colours.info_background,
                                               self.width)[:1]
        size = s.body.fontSize * 5.5
        assert code_node is not None  # (made above: there is a URL)
        code = tag(QrCode(closing.url, size), code_node)
        inner_width = self.width - pad * 2.3
        # The code on the reading side, then the text a padding from it: the padding on the
        # text's side that faces the code (its left, or its right when mirrored).
        cells, widths, text_cell, facing = [code, text], [size, inner_width - size], (1, 0), "LEFTPADDING"
        if self.rtl:
            cells, widths, text_cell, facing = cells[::-1], widths[::-1], (0, 0), "RIGHTPADDING"
        table = Table([cells], colWidths=widths, renderCB=artifact_table_drawing)
        table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                                   ("FONT", (0, 0), (-1, -1), self.fonts.regular),
                                   ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                   ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                                   (facing, text_cell, text_cell, pad)]))
        return [Spacer(1, pad)] + self.box([table], self.colours.accent, self.colours.info_background,
                                           self.width)[:1]

    def address(self, lead: str, address: str, href: str, parent: StructNode) -> AddressLines:
        """``lead`` (markup, a label or a sentence), then ``address`` as a link to ``href``,
        broken only where an address may break."""
        node = parent.add("P", link_texts={href: address})
        return tag(AddressLines(lambda markup: self.paragraph(markup, self.styles.bullet), lead, address,
                                href, self.styles.bullet, self.rtl), node)

    def fills_more_than(self, pages: float) -> bool:
        """Whether the leaflet's text surely fills more than ``pages`` frames, found before
        any of it is made into flowables.  Its blocks are set at the body size or larger, and
        at the body leading or more, in the frame's width or less: so they take at least
        their length set in one line at the body size over the width, in lines of the body
        leading (shaping and kerning can make text narrower: 20 % is left for it)."""
        body = self.styles.body
        room = pages * self.frame_height / body.leading * self.width / 0.8  # (in points of ink)
        ink = 0.0
        for section in self.leaflet.sections:
            for text in block_texts(section.blocks):
                ink += stringWidth(text, self.fonts.regular, body.fontSize)
                if ink > room:
                    return True
        return False

    def para(self, markup: str, style: Any, node: StructNode | None = None) -> Any:
        """A paragraph of the leaflet's script: Latin/Cyrillic, Chinese (kinsoku) or Arabic;
        its content is ``node``'s in a tagged PDF."""
        paragraph = self.paragraph(markup, style)
        return paragraph if node is None else tag(paragraph, node)

    def text(self, inline: Inline, style: Any, node: StructNode, after: str = "") -> Any:
        """Inline text as a paragraph that is ``node``'s content (its links described)."""
        node.link_texts.update(link_texts(inline))
        return self.para(to_markup(inline) + after, style, node)

    def block(self, block: RBlock, width: float, parent: StructNode) -> list[Any]:
        s = self.styles
        if isinstance(block, RPassage):
            if not self.leaflet.numbered:  # (one source: the sources line names it)
                return [self.text(block.text, s.body, parent.add("P"))]
            marker = f'<super><font size="{s.body.fontSize * 0.7:.1f}">[{block.source_number}]</font></super>'
            return [self.text(block.text, s.body, parent.add("P"), f"\u00a0{marker}")]
        if isinstance(block, RText):
            return [self.text(block.text, s.body, parent.add("P"))]
        if isinstance(block, RList):
            return self.checklist(block, parent) if block.checklist else self.bullets(block, parent)
        if isinstance(block, RFillIn):
            fields = []
            for field in block.fields:
                self.fields += 1
                name = field.name if self.printing.fillable else None
                fields.append(tag(FillInLine(field.label, field.choices, self.fonts.regular,
                                             s.body.fontSize, self.colours.text, self.rtl, name),
                                  parent.add("P")))
            # The lines stay together, and with a heading and an introduction before them:
            # ReportLab keeps a keep-with-next chain on one page (a KeepTogether cannot join it).
            for field in fields[:-1]:
                field.keepWithNext = 1
            return [*fields, Spacer(1, s.body.fontSize * 0.4)]
        if isinstance(block, RContact):
            part = parent.add("Sect")
            content = [self.para(escape_markup(block.heading), s.callout_title, part.add("H3"))]
            content += [self.text(line, s.bullet, part.add("P")) for line in block.lines]
            return self.box(content, self.colours.info, self.colours.info_background, width)
        if isinstance(block, RCallout):
            part = parent.add("Sect")
            title_style = s.urgent_title if block.kind == "urgent" else s.callout_title
            content = [self.text(block.title, title_style, part.add("H3"))]
            inner_width = width - s.body.fontSize * 2.5
            for inner in block.blocks:
                content.extend(self.block(inner, inner_width, part))
            bar = self.colours.urgent if block.kind == "urgent" else self.colours.info
            background = (self.colours.urgent_background if block.kind == "urgent"
                          else self.colours.info_background)
            return self.box(content, bar, background, width, urgent=block.kind == "urgent")
        raise TypeError(f"unknown block {block!r}")  # pragma: no cover

    def box(self, content: list[Any], bar: str, background: str, width: float,
            urgent: bool = False) -> list[Any]:
        pad = self.styles.body.fontSize * 0.8
        return [callout_box(content, bar=bar, background=background, width=width, padding=pad,
                            font=self.fonts.regular, rtl=self.rtl, urgent=urgent),
                Spacer(1, self.styles.body.fontSize * 0.7)]

    def bullets(self, block: RList, parent: StructNode) -> list[Any]:
        s = self.styles
        size = s.body.fontSize
        items = parent.add("L")
        entries = []
        for item in block.items:
            entry = items.add("LI")
            label = entry.add("Lbl")
            paragraph = self.text(item, s.bullet, entry.add("LBody"))
            entries.append(ListEntry(paragraph, BULLET, size * 1.3, self.fonts.regular, size,
                                     self.colours.accent, self.rtl, label))
        entries[-1].extra_space_after = size * 0.4
        return entries

    def checklist(self, block: RList, parent: StructNode) -> list[Any]:
        s = self.styles
        size = s.body.fontSize
        items = parent.add("L")
        # Box and item top-aligned: the box stands on the item's first baseline.
        rows = [[CheckBox(self.fonts.regular, size, self.colours.text),
                 self.text(item, s.bullet, items.add("LI").add("LBody"))] for item in block.items]
        widths: list[float | None] = [box_side(self.fonts.regular, size) + size * 0.7, None]
        # The box at the line's start, flush with the text above, the item a gap after it.
        start, box_column, align = "LEFTPADDING", 0, "LEFT"
        if self.rtl:  # mirrored: the box on the right
            rows, widths = [row[::-1] for row in rows], widths[::-1]
            start, box_column, align = "RIGHTPADDING", 1, "RIGHT"
        table = Table(rows, colWidths=widths, hAlign="RIGHT" if self.rtl else "LEFT",
                      renderCB=artifact_table_drawing)
        table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                                   ("FONT", (0, 0), (-1, -1), self.fonts.regular),
                                   (start, (0, 0), (-1, -1), 0),
                                   ("ALIGN", (box_column, 0), (box_column, -1), align)]))
        return [table]

    def sources(self) -> list[Any]:
        s, leaflet = self.styles, self.leaflet
        if not leaflet.sources:
            return []
        part = self.root.add("Sect")
        out: list[Any] = [self.para(escape_markup(leaflet.sources_heading), s.sources_heading,
                                    part.add("H2"))]
        out += [self.para(f"[{src.number}] {to_markup(src.text)}" if leaflet.numbered else
                          to_markup(src.text), s.small, part.add("P"))
                for src in leaflet.sources]
        out.append(self.para(escape_markup(leaflet.sources_note), s.small, part.add("P")))
        return [KeepTogether(out)]
