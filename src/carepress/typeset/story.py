"""The story: a resolved Leaflet's blocks as ReportLab flowables, block type by block type,
and beside them the document's structure (tagging.py), in reading order: Document; H1 the
title; a Sect per section with its H2; P, L/LI/Lbl/LBody; a Sect per callout and for the
contact details with an H3; a Sect for the sources; and the closing Sect with the QR code as
a Figure."""

from __future__ import annotations

from typing import Any

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import FrameBreak, KeepTogether, Spacer, Table, TableStyle

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
    RSection,
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
from carepress.typeset.markup import escape as escape_markup, link_markup, to_markup
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

    def build(self, control_at_end: bool = False) -> list[Any]:
        """The flowables of a leaflet on pages: the title and key message under the header
        band, the sections, the sources and the closing lines; then, ``control_at_end``,
        the document control whole (the footers then carry its code and version only)."""
        s, leaflet, root = self.styles, self.leaflet, self.root
        story: list[Any] = [self.text(leaflet.title, s.title, root.add("H1"))]
        if leaflet.subtitle:
            story.append(self.text(leaflet.subtitle, s.subtitle, root.add("P")))
        story += self.sections_story(list(enumerate(leaflet.sections, start=1)), lambda b: False)
        story += self.sources()
        closing = self.closing()
        if control_at_end:  # (kept with the closing box, on its page, unless the two are taller than a page)
            control = [Spacer(1, s.body.fontSize * 0.8), *self.control_details(root.add("Sect"))]
            closing = closing[:-1] + [KeepTogether(closing[-1:] + control)]
        return _without_space_at_the_end(story + closing)

    # -- designed pieces -------------------------------------------------------------------

    def flap_block(self, sections: list[RSection]) -> RBlock | None:
        """What a tri-fold's flap carries, a block that stands alone: the first urgent box,
        else the first checklist, of the handout (a summary edition's too, whether or not it
        carries the block's section); None when it has neither (the flap then carries the
        contact details)."""
        blocks = [block for section in sections for block in section.blocks]
        for wanted in (lambda b: isinstance(b, RCallout) and b.kind == "urgent",
                       lambda b: isinstance(b, RList) and b.checklist):
            for block in blocks:
                if wanted(block):
                    return block
        return None

    def cover(self, drop: float) -> list[Any]:
        """A cover's words: the title and the key message (the subtitle), set ``drop`` lower
        than the header band, as on a printed cover."""
        s, leaflet, root = self.styles, self.leaflet, self.root
        story: list[Any] = [Spacer(1, drop),
                            self.text(leaflet.title, s.cover_title, root.add("H1"))]
        if leaflet.subtitle:
            story.append(self.text(leaflet.subtitle, s.cover_subtitle, root.add("P")))
        if leaflet.footer.draft:  # a reader learns it too: content, not page furniture
            story += [Spacer(1, s.body.fontSize),
                      self.para(escape_markup(leaflet.footer.draft), s.cover_draft, root.add("P"))]
        return story

    def control(self, tagged: bool = True) -> list[Any]:
        """The document control, once, at the foot of a tri-fold's back panel or a booklet's
        back cover: the code, version and review-by date; the approval date and owner; the
        clinic's phone; the draft line.  Content of the structure, last (``tagged``: else
        made only to be measured)."""
        s, footer = self.styles, self.leaflet.footer
        part = self.root.add("Sect") if tagged else None

        def para(markup: str, style: Any) -> Any:
            return self.para(markup, style, part.add("P") if part is not None else None)

        lines = self.control_details(part)
        phone = f"<b>{link_markup(footer.phone_href, footer.phone)}</b>"
        question = para(escape_markup(footer.questions) + phone, s.control)
        if part is not None:
            part.kids[-1].link_texts[footer.phone_href] = footer.phone  # type: ignore[union-attr]
        lines.append(question)
        if footer.draft:
            lines.append(para(escape_markup(footer.draft), s.draft))
        return lines

    def control_details(self, part: StructNode | None) -> list[Any]:
        """The document control's code, version and review-by date, then its approval date
        and owner: a paragraph each, ``part``'s in a tagged PDF."""
        s, footer = self.styles, self.leaflet.footer

        def para(markup: str) -> Any:
            return self.para(markup, s.control, part.add("P") if part is not None else None)

        return [para(escape_markup(footer.control))] + ([para(to_markup(footer.approved))] if footer.approved else [])

    def sections_story(self, sections: list[tuple[int, RSection]], skip: Any) -> list[Any]:
        """The sections' headings and blocks, but for the blocks ``skip`` says are elsewhere
        (and a section whose every block is elsewhere)."""
        root, story = self.root, []
        for number, section in sections:
            blocks = [block for block in section.blocks if not skip(block)]
            if not blocks and section.blocks:
                continue
            part = root.add("Sect")
            story.append(self.section_heading(number, section, part))
            for block, following in zip(blocks, [*blocks[1:], None]):
                flowables = self.block(block, self.width, part)
                if isinstance(block, (RText, RPassage)) and isinstance(following, RFillIn):
                    flowables[-1].keepWithNext = 1  # a form's introduction stays with its lines
                story.extend(flowables)
        return story

    def section_heading(self, number: int, section: RSection, part: StructNode) -> Any:
        """Section ``number``'s heading, the H2 of ``part``, and its bookmark in the outline."""
        heading = self.text(section.heading, self.styles.heading, part.add("H2"))
        heading.bookmark, heading.bookmark_key = plain(section.heading), f"section{number}"
        return heading

    def trifold(self, to_flap: BreakToPage, to_inside: BreakToPage, to_back: BreakToPage,
                body_end: Any, sources_on_back: bool = True) -> list[Any]:
        """A tri-fold, panel by panel: the cover (title, key message; the furniture draws
        the logo), the flap with one block that stands alone, the body in reading order on
        the three inside panels, and the back panel with the contact details, the closing
        lines with the QR code, the sources, and the document control at its foot.  A
        summary edition carries only the sections the handout names."""
        leaflet = self.leaflet
        chosen = leaflet.trifold_sections
        every = list(enumerate(leaflet.sections, start=1))
        sections = [(number, section) for number, section in every if chosen is None or number - 1 in chosen]
        # (the flap's block may come from a section a summary edition leaves out)
        flap = self.flap_block([section for _, section in every])
        story = self.cover(self.styles.title.fontSize * 1.5) + [to_flap]
        if flap is not None:
            # A section that holds the flap's block alone goes there whole, heading and all.
            number, home = next((n, section) for n, section in every if any(b is flap for b in section.blocks))
            parent = self.root
            if all(b is flap or isinstance(b, RContact) for b in home.blocks):
                parent = self.root.add("Sect")
                story.append(self.section_heading(number, home, parent))
            kids = len(parent.kids)
            story += _without_space_at_the_end(self.block(flap, self.width, parent))
            if parent is self.root:  # the box alone, under the title: its title is an H2 there
                for node in parent.kids[kids:]:
                    for child in node.kids if isinstance(node, StructNode) else []:
                        if isinstance(child, StructNode) and child.role == "H3":
                            child.role = "H2"
                            break
        if flap is None:
            story += self.contact_box()
        story += [to_inside]
        story += self.sections_story(sections, lambda b: b is flap or isinstance(b, RContact))
        if not sources_on_back:
            story = _without_space_at_the_end(story) + self.sources()
        # (made here, after the inside panels' sections: the structure is read in the order
        # its parts are made, and the back panel comes after the inside)
        contact = self.contact_box() if flap is not None else []
        back = contact + self.closing(stacked=True) + (self.sources() if sources_on_back else [])
        return self.closed_by_control(story + [body_end, to_back] + back)

    def booklet(self, to_body: BreakToPage, to_back: list[Any]) -> list[Any]:
        """A booklet: a front cover (title, key message; the furniture draws the logo), the
        sections on the inside pages with the sources after them, and a back cover with the
        contact details (the clinic's numbers, the out-of-hours one too), the closing lines
        with the QR code, and the document control at its foot."""
        sections = list(enumerate(self.leaflet.sections, start=1))
        story = self.cover(self.frame_height * 0.2) + [to_body]
        story += self.sections_story(sections, lambda b: isinstance(b, RContact))
        story = _without_space_at_the_end(story + self.sources())
        contact = self.contact_box()
        return self.closed_by_control(story + to_back + contact + self.closing())

    def closed_by_control(self, story: list[Any]) -> list[Any]:
        """``story``, which ends on a back panel or back cover, then the document control in
        the frame at that page's foot."""
        return _without_space_at_the_end(story) + [FrameBreak()] + self.control()

    def contact_box(self) -> list[Any]:
        """The clinic's contact details in a box, for a narrow panel or a back cover: the
        name, each address line and each number on a line of its own, and the web and e-mail
        addresses broken only where an address may break (nothing when the leaflet has
        none)."""
        contact, s = self.leaflet.contact, self.styles
        if contact is None:
            return []
        part = self.root.add("Sect")
        content: list[Any] = [self.para(escape_markup(contact.heading), s.callout_title, part.add("H3"))]
        for line in contact.stacked:
            if self.rtl and all(span.lang for span in line):  # a name, an address: left to right
                from carepress.typeset.rtl import LRE, PDF

                node = part.add("P")
                content.append(self.para(LRE + to_markup(line) + PDF, s.contact_line, node))
            else:
                content.append(self.text(line, s.contact_line, part.add("P")))
        content += [self.address(escape_markup(label) + " ", address, href, part)
                    for label, address, href in contact.links]
        return self.box(content, self.colours.info, self.colours.info_background, self.width)

    def closing(self, stacked: bool = False) -> list[Any]:
        """The leaflet ends with how to get it in the other languages or large print its clinic
        builds (if either), with a QR code to the online copy when the clinic has one, and
        how to give feedback.  On a narrow panel (``stacked``) the code stands above the
        lines, not beside them."""
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

        def boxed(content: list[Any]) -> list[Any]:
            # (the box ends the leaflet: no space after it, which would start an empty page
            # when the box just fits)
            box = self.box(content, self.colours.accent, self.colours.info_background, self.width)
            return [Spacer(1, pad), box[0]]

        if not closing.url:
            return boxed(text)
        size = s.body.fontSize * (4.5 if stacked else 5.5)  # (20 mm on a panel: still scans)
        assert code_node is not None  # (made above: there is a URL)
        code = tag(QrCode(closing.url, size), code_node)
        if stacked:
            code.hAlign = "RIGHT" if self.rtl else "LEFT"
            return boxed([code, Spacer(1, pad * 0.6), *text])
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
        return boxed([table])

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
