"""Finish stage: the read-back verification of a typeset PDF."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

from pypdf import PdfReader, PdfWriter
from pypdf.generic import DictionaryObject, NameObject
from reportlab.pdfgen.canvas import Canvas

from carepress.readback import unembedded_fonts
from carepress.typeset.fonts import firago


def pdf_with_a_form(font: str) -> bytes:
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
    return out.getvalue()


def test_a_font_that_is_not_embedded_is_found_in_the_forms_a_page_draws() -> None:
    assert unembedded_fonts(pdf_with_a_form("Helvetica")) == {"/Helvetica"}
    assert unembedded_fonts(pdf_with_a_form(firago().regular)) == set()


def test_a_font_drawn_on_a_page_but_not_embedded_is_found() -> None:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, invariant=1)
    canvas.setFont("Helvetica-Bold", 10)
    canvas.drawString(10, 10, "base-14 fonts are never embedded")
    canvas.showPage()
    canvas.save()
    assert unembedded_fonts(buffer.getvalue()) == {"/Helvetica", "/Helvetica-Bold"}


def test_the_byte_check_agrees_with_pypdf_on_a_real_leaflet() -> None:
    """Every font pypdf finds in the leaflet's pages embeds its program, and the check of
    the bytes (what finish runs, without pypdf) finds none missing."""
    from carepress.load import load_project
    from carepress.pipeline import make
    from carepress.plan import Job

    project = load_project(Path(__file__).resolve().parent.parent)
    pdf = make(project, Job("iud-aftercare", "ar", "riverside-womens-health", "a4")).outputs[0].artifact
    reader = PdfReader(io.BytesIO(pdf.data))
    fonts = [font.get_object() for page in reader.pages
             for font in page["/Resources"]["/Font"].values()]
    assert fonts and all("/FontFile2" in font["/FontDescriptor"] for font in fonts)
    assert unembedded_fonts(pdf.data) == set()
    assert pdf.pages == len(reader.pages)  # (the page count finish checks, from the typesetter)


def test_a_leaflet_read_in_page_order_is_built_without_pypdf() -> None:
    """pypdf (40 ms of imports) is for sheets and bundles: a fresh process builds an A4
    leaflet without importing it, and a booklet with it."""
    script = ("import sys; from carepress.load import load_project; from carepress.pipeline import make;"
              "from carepress.plan import Job; import pathlib; p = load_project(pathlib.Path(sys.argv[1]));"
              "make(p, Job('iud-aftercare', 'en', 'riverside-womens-health', sys.argv[2]));"
              "print('pypdf' in sys.modules)")
    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "PYTHONPATH": str(root / "src")}
    seen = [subprocess.run([sys.executable, "-c", script, str(root), layout], env=env, check=True,
                           capture_output=True, text=True).stdout.strip() for layout in ("a4", "a5-booklet")]
    assert seen == ["False", "True"]
