"""Finish stage: the read-back verification of a typeset PDF."""

from __future__ import annotations

import io

from pypdf import PdfReader, PdfWriter
from pypdf.generic import DictionaryObject, NameObject
from reportlab.pdfgen.canvas import Canvas

from carepress.finish import _unembedded_fonts
from carepress.typeset.fonts import firago


def pdf_with_a_form(font: str) -> PdfReader:
    """One page that draws a form XObject (as the page-count form and the sheets of a
    booklet do) whose text is set in ``font``; the page's own resources name no font."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, initialFontName=firago().regular)  # (else every page names Helvetica)
    canvas.beginForm("inner")
    canvas.setFont(font, 10)
    canvas.drawString(0, 0, "2")
    canvas.endForm()
    canvas.doForm("inner")
    canvas.showPage()
    canvas.save()
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(buffer.getvalue())))
    writer.pages[0]["/Resources"][NameObject("/Font")] = DictionaryObject()  # the form keeps its own
    out = io.BytesIO()
    writer.write(out)
    return PdfReader(io.BytesIO(out.getvalue()))


def test_a_font_that_is_not_embedded_is_found_in_the_forms_a_page_draws() -> None:
    assert _unembedded_fonts(pdf_with_a_form("Helvetica")) == {"/Helvetica"}
    assert _unembedded_fonts(pdf_with_a_form(firago().regular)) == set()
