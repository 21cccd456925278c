"""Finish stage: the read-back verification of a typeset PDF."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tempfile
from dataclasses import replace

import pytest
from conftest import REPO
from pypdf import PdfReader
from pypdf.generic import DictionaryObject
from reportlab.pdfgen.canvas import Canvas

from carepress.errors import CarepressError
from carepress.typeset.reportlab_compat import document_of, fonts_not_embedded
from carepress.typeset.fonts import firago


def canvas_with_a_form(font: str) -> tuple[Canvas, bytes]:
    """One page that draws a form XObject (as the page-count form and the sheets of a
    booklet do) whose text is set in ``font``; the canvas, saved, and its PDF."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, initialFontName=firago().regular, invariant=1)  # (else every page names Helvetica)
    canvas.beginForm("inner")
    canvas.setFont(font, 10)
    canvas.drawString(0, 0, "2")
    canvas.endForm()
    canvas.doForm("inner")
    canvas.showPage()
    canvas.save()
    return canvas, buffer.getvalue()


def unembedded_by_pypdf(data: bytes) -> set[str]:
    """What a reader finds: the fonts of the pages and of the forms they draw that carry no
    font program."""
    missing: set[str] = set()

    def visit(resources: DictionaryObject) -> None:
        for ref in resources.get("/Font", DictionaryObject()).get_object().values():
            font = ref.get_object()
            if font.get("/Subtype") == "/Type0":
                font = font["/DescendantFonts"][0].get_object()
            descriptor = font.get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else DictionaryObject()
            if not any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")):
                missing.add(str(font["/BaseFont"])[1:])
        for ref in resources.get("/XObject", DictionaryObject()).get_object().values():
            xobject = ref.get_object()
            if xobject.get("/Subtype") == "/Form" and "/Resources" in xobject:
                visit(xobject["/Resources"].get_object())

    for page in PdfReader(io.BytesIO(data)).pages:
        visit(page.get("/Resources", DictionaryObject()).get_object())
    return missing


@pytest.mark.parametrize("font", ["Helvetica", "Helvetica-Bold", "Times-Roman", "firago"])
def test_the_typesetters_account_of_unembedded_fonts_is_what_the_file_holds(font: str) -> None:
    """A base-14 font drawn in a form (or on a page) is named and not embedded; a TrueType
    font is embedded: what the canvas reports is what pypdf reads in the file."""
    name = firago().regular if font == "firago" else font
    canvas, data = canvas_with_a_form(name)
    reported = fonts_not_embedded(document_of(canvas))
    assert reported == unembedded_by_pypdf(data)
    assert reported == (set() if font == "firago" else {font})


def test_finish_refuses_a_pdf_with_a_font_it_does_not_embed() -> None:
    from carepress.load import load_project
    from carepress.pipeline import make, resolve_job
    from carepress.plan import Job
    from carepress.verification import verify

    project = load_project(REPO)
    job = Job("iud-aftercare", "ar", "riverside-womens-health", "a4")
    made = make(project, job)
    pdf = made.outputs[0].artifact
    # The real leaflet: the typesetter reports every font embedded, and pypdf agrees.
    assert pdf.fonts_not_embedded == frozenset() and unembedded_by_pypdf(pdf.data) == set()
    assert pdf.pages == len(PdfReader(io.BytesIO(pdf.data)).pages)  # (the page count finish checks)
    leaflet = resolve_job(project, job).leaflet
    with pytest.raises(CarepressError, match="fonts not embedded: Helvetica"):
        verify(replace(pdf, fonts_not_embedded=frozenset({"Helvetica"})), leaflet, project.layouts["a4"])


def test_a_leaflet_read_in_page_order_is_built_without_pypdf() -> None:
    """pypdf (40 ms of imports) is for sheets and bundles: a fresh process builds an A4
    leaflet without importing it, and a booklet with it."""
    script = ("import sys; from carepress.load import load_project; from carepress.pipeline import make;"
              "from carepress.plan import Job; import pathlib; p = load_project(pathlib.Path(sys.argv[1]));"
              "make(p, Job('iud-aftercare', 'en', 'riverside-womens-health', sys.argv[2]));"
              "print('pypdf' in sys.modules)")
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    seen = [subprocess.run([sys.executable, "-c", script, str(REPO), layout], env=env, check=True,
                           capture_output=True, text=True).stdout.strip() for layout in ("a4", "a5-booklet")]
    assert seen == ["False", "True"]


def test_check_lays_out_imposed_layouts_without_imposing_them() -> None:
    """Imposing pages on sheets cannot fail: `check` lays out a booklet's and a tri-fold's
    pages (their limits, the panels) and leaves pypdf unimported."""
    script = ("import sys, pathlib; from carepress.load import load_project; from carepress.build import check;"
              "from carepress.plan import Filters; p = load_project(pathlib.Path(sys.argv[1]));"
              "report = check(p, Filters(layouts=('a5-booklet', 'trifold-a4'), langs=('en',), formats=('pdf',)),"
              " out=pathlib.Path(sys.argv[2]));"
              "print(sorted({o.status for o in report.outcomes}), len(report.outcomes),"
              " 'carepress.typeset.document' in sys.modules, 'pypdf' in sys.modules)")
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    with tempfile.TemporaryDirectory() as empty:  # (no build cache to take the leaflets from)
        seen = subprocess.run([sys.executable, "-c", script, str(REPO), empty], env=env, check=True,
                              capture_output=True, text=True).stdout.strip()
    assert seen == "['checked'] 4 True False"  # (laid out: the typesetter was imported)
