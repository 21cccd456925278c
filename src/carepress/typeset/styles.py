"""Paragraph styles derived from a layout's type scale and a brand's colours."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypedDict

from reportlab.lib.colors import HexColor
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.styles import ParagraphStyle

from carepress.model import BrandColours, Layout
from carepress.typeset.fonts import FontSet


# The least line height per script, as a multiple of the size, whatever the layout's
# `leading`: Chinese characters fill their em square, so lines a layout spaces 1.25 apart for
# Latin text read as a solid block; Chinese typesetting sets them 1.5 or more apart.
MIN_LEADING = {"cjk": 1.5}


def leading_of(layout: Layout, script: str) -> float:
    """The line height of ``script`` text on ``layout``, as a multiple of the size."""
    return max(layout.type.leading, MIN_LEADING.get(script, 1.0))


@dataclass(frozen=True)
class Styles:
    title: ParagraphStyle
    subtitle: ParagraphStyle
    heading: ParagraphStyle
    body: ParagraphStyle
    bullet: ParagraphStyle
    callout_title: ParagraphStyle
    urgent_title: ParagraphStyle
    small: ParagraphStyle
    sources_heading: ParagraphStyle
    cover_title: ParagraphStyle     # a tri-fold's cover panel, a booklet's front cover
    cover_subtitle: ParagraphStyle
    contact_line: ParagraphStyle    # a line of the contact details on a panel or back cover
    draft: ParagraphStyle           # the draft-translation line in the document control
    cover_draft: ParagraphStyle     # the same on a cover, at the body size: read before the rest
    control: ParagraphStyle         # the document control at the foot of a back panel or cover


class _Keeping(TypedDict):
    """ParagraphStyle's orphan and widow settings (0: never one line alone)."""
    allowOrphans: int
    allowWidows: int


def make_styles(layout: Layout, colours: BrandColours, fonts: FontSet) -> Styles:
    scale = layout.type
    wrap = "CJK" if fonts.script == "cjk" else None
    leading = leading_of(layout, fonts.script)

    def style(name: str, size: float, font: str = fonts.regular, colour: str = colours.text,
              **extra: object) -> ParagraphStyle:
        # Ragged right, never justified: clear-print guidance for readers with low vision.
        return ParagraphStyle(name, fontName=font, fontSize=size, leading=size * leading,
                              textColor=HexColor(colour), alignment=TA_LEFT, wordWrap=wrap, **extra)

    # Running text never leaves one line alone at the foot of a page (an orphan) or at the
    # top of the next (a widow): ReportLab moves a line over, or the whole paragraph.
    running: _Keeping = {"allowOrphans": 0, "allowWidows": 0}
    body = style("body", scale.body, spaceAfter=scale.body * 0.45, **running)
    return Styles(
        title=style("title", scale.title, fonts.bold, colours.primary, spaceAfter=scale.title * 0.2),
        subtitle=style("subtitle", scale.subtitle, colour=colours.text, spaceAfter=scale.body * 0.6),
        heading=style("heading", scale.heading, fonts.bold, colours.accent,
                      spaceBefore=scale.heading * 0.45, spaceAfter=scale.body * 0.25, keepWithNext=1),
        body=body,
        bullet=style("bullet", scale.body, spaceAfter=scale.body * 0.25, **running),
        callout_title=style("callout_title", scale.body * 1.08, fonts.bold, colours.info,
                            spaceAfter=scale.body * 0.35),
        urgent_title=style("urgent_title", scale.body * 1.08, fonts.bold, colours.urgent,
                           spaceAfter=scale.body * 0.35),
        small=style("small", scale.small, spaceAfter=scale.small * 0.3),
        sources_heading=style("sources_heading", scale.body, fonts.bold, colours.accent,
                              spaceBefore=scale.body * 0.8, spaceAfter=scale.small * 0.3,
                              keepWithNext=1),
        cover_title=style("cover_title", scale.title * 1.2, fonts.bold, colours.primary,
                          spaceAfter=scale.title * 0.5),
        cover_subtitle=style("cover_subtitle", scale.subtitle * 1.1, colour=colours.text),
        contact_line=style("contact_line", scale.body, spaceAfter=scale.body * 0.15),
        draft=style("draft", scale.small, colour=colours.urgent),
        cover_draft=style("cover_draft", scale.body, colour=colours.urgent),
        control=style("control", scale.small),
    )
