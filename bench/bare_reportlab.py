"""The baseline: one leaflet as a plain ReportLab program would typeset it.

    python bench/bare_reportlab.py LEAFLET.json OUT.pdf

Only ReportLab, no carepress: the leaflet's text (already in ReportLab's paragraph markup),
colours, furniture lines and the files of its two fonts and its logo come in a JSON file
that bench.py writes from the resolved leaflet (`bare_leaflet`).  The story is stock
flowables (paragraphs, bullet lists, a one-cell table per callout and for the contact box,
a table of ruled lines for the fill-in fields) and every page has a header band with the
clinic's name and logo and a two-line footer, drawn by an onPage callback.  Left out, so
that the baseline is a floor: the QR code, check boxes, bookmarks, metadata, tags, checks
and the read-back.  bench.py runs it warm (``make_build``, in its own process) and cold (as
a script, a fresh process against a fresh `carepress build` of the same leaflet).
"""

from __future__ import annotations

import io
import json
import sys
from typing import Any, Callable

from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import ListFlowable, Paragraph, SimpleDocTemplate, Table, TableStyle


def make_build(data: dict[str, Any]) -> Callable[[io.BytesIO | str], None]:
    """A function that typesets the leaflet ``data`` describes into a file or buffer."""
    regular, bold = "Bare-Regular", "Bare-Bold"
    for name, path in ((regular, data["fonts"]["regular"]), (bold, data["fonts"]["bold"])):
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, path))
    colours = data["colours"]
    body = ParagraphStyle("b", fontName=regular, fontSize=12, leading=15.8, spaceAfter=6)
    heading = ParagraphStyle("h", fontName=bold, fontSize=15, leading=19, spaceBefore=8,
                             textColor=HexColor(colours["accent"]))
    title = ParagraphStyle("t", fontName=bold, fontSize=22, leading=27,
                           textColor=HexColor(colours["accent"]))
    width = A4[0] - 2 * 56

    def box(flowables: list, background: str, bar: str) -> Table:  # type: ignore[type-arg]
        return Table([[flowables]], colWidths=[width], style=TableStyle([
            ("BACKGROUND", (0, 0), (-1, -1), HexColor(background)),
            ("LINEBEFORE", (0, 0), (0, -1), 3, HexColor(bar))]))

    def flowables(items: list) -> list:  # type: ignore[type-arg]
        story: list = []  # type: ignore[type-arg]
        for item in items:
            kind = item["kind"]
            if kind == "title":
                story.append(Paragraph(item["text"], title))
            elif kind == "heading":
                story.append(Paragraph(item["text"], heading))
            elif kind == "text":
                story.append(Paragraph(item["text"], body))
            elif kind == "list":
                story.append(ListFlowable([Paragraph(text, body) for text in item["items"]],
                                          bulletType="bullet", bulletFontName=regular))
            elif kind == "fields":
                story.append(Table([[Paragraph(label, body), ""] for label in item["labels"]],
                                   colWidths=[width * 0.35, width * 0.65], style=TableStyle([
                                       ("LINEBELOW", (1, 0), (1, -1), 0.75, HexColor(colours["text"]))])))
            elif kind == "box":
                background, bar = ((colours["urgent_background"], colours["urgent"])
                                   if item["urgent"] else (colours["info_background"], colours["info"]))
                story.append(box(flowables(item["blocks"]), background, bar))
        return story

    with open(data["logo"], "rb") as file:
        logo = ImageReader(io.BytesIO(file.read()))  # decoded once, as the pipeline does
    footer = data["footer"]

    def furniture(canv, doc) -> None:  # type: ignore[no-untyped-def]
        canv.saveState()
        canv.setFillColor(HexColor(colours["primary"]))
        canv.rect(0, A4[1] - 70, A4[0], 70, stroke=0, fill=1)
        canv.drawImage(logo, 56, A4[1] - 60, 50, 50, mask="auto")
        canv.setFillColor(HexColor(colours["on_primary"]))
        canv.setFont(bold, 14)
        canv.drawString(116, A4[1] - 35, data["clinic"])
        canv.setFont(regular, 9)
        canv.drawString(116, A4[1] - 50, data["website"])
        canv.setFillColor(HexColor(colours["text"]))
        canv.drawString(56, 40, footer[0])
        canv.drawRightString(A4[0] - 56, 40, f"Page {doc.page}")
        canv.drawString(56, 28, footer[1])
        canv.restoreState()

    def build(out: io.BytesIO | str) -> None:
        SimpleDocTemplate(out, pagesize=A4, invariant=1, initialFontName=regular,
                          leftMargin=56, rightMargin=56, topMargin=90, bottomMargin=60).build(
            flowables(data["story"]), onFirstPage=furniture, onLaterPages=furniture)
    return build


if __name__ == "__main__":
    with open(sys.argv[1], encoding="utf-8") as file:
        make_build(json.load(file))(sys.argv[2])
