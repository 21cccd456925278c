"""What carepress/typeset/reportlab_compat.py relies on in ReportLab still holds: each test
fails if a ReportLab release changes what a PDF/A workaround reaches into."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from conftest import firago_file
from PIL import Image
from pypdf import PdfReader
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfdoc import PDFDocument, PDFName, PDFStream

from carepress.pdfa import srgb_icc_profile, srgb_icc_profile_deflated, xmp_date_from_pdf
from carepress.typeset.fonts import firago
from carepress.typeset.reportlab_compat import PDFA_DOCUMENT_MARK, PdfaCanvas, install_stream_eol


def written(draw: Callable[[PdfaCanvas], None], **canvas_options: object) -> bytes:
    buffer = io.BytesIO()
    canvas = PdfaCanvas(buffer, invariant=1, **canvas_options)
    draw(canvas)
    canvas.save()
    return buffer.getvalue()


def read(draw: Callable[[PdfaCanvas], None]) -> PdfReader:
    return PdfReader(io.BytesIO(written(draw)))


def test_reportlab_writes_stream_data_straight_before_endstream() -> None:
    install_stream_eol()
    reportlab_format = PDFStream.format.carepress_original  # type: ignore[attr-defined]
    stream = PDFStream(content=b"0 0 m")
    assert reportlab_format(stream, PDFDocument()).endswith(b"\nstream\n0 0 mendstream\n")


def test_only_marked_documents_get_an_eol_after_stream_data() -> None:
    install_stream_eol()
    marked = PDFDocument()
    setattr(marked, PDFA_DOCUMENT_MARK, True)
    assert PDFStream(content=b"0 0 m").format(marked).endswith(b"\nstream\n0 0 m\nendstream\n")
    assert PDFStream(content=b"x\r").format(marked).endswith(b"\nstream\nx\r\r\nendstream\n")
    assert PDFStream(content=b"0 0 m").format(PDFDocument()).endswith(b"0 0 mendstream\n")


def test_every_stream_of_a_pdfa_canvas_ends_with_an_eol() -> None:
    data = written(lambda canvas: canvas.drawString(72, 72, "Hello"))
    assert data.count(b"endstream") == data.count(b"\nendstream") > 0


def test_metadata_and_output_intent_reach_the_catalog() -> None:
    def draw(canvas: PdfaCanvas) -> None:
        canvas.drawString(72, 72, "Hello")
        canvas.add_metadata(b"<?xpacket begin?>packet")
        canvas.add_output_intent(srgb_icc_profile_deflated())

    catalog = read(draw).trailer["/Root"]
    metadata = catalog["/Metadata"].get_object()
    assert (metadata["/Type"], metadata["/Subtype"], metadata.get("/Filter")) == ("/Metadata", "/XML", None)
    assert metadata.get_data() == b"<?xpacket begin?>packet"
    intent = catalog["/OutputIntents"][0].get_object()
    assert (intent["/Type"], intent["/S"]) == ("/OutputIntent", "/GTS_PDFA1")
    profile = intent["/DestOutputProfile"].get_object()
    assert profile["/N"] == 3 and profile.get_data() == srgb_icc_profile()


def test_the_info_read_back_is_the_info_written() -> None:
    infos = []

    def draw(canvas: PdfaCanvas) -> None:
        canvas.setTitle("Après")
        canvas.setAuthor("Clinic")
        canvas.setSubject("Subject")
        canvas.setKeywords(["a", "b"])
        canvas.setCreator("carepress")
        canvas.drawString(72, 72, "Hello")
        infos.append(canvas.document_info())

    reader = read(draw)
    info, written_info = infos[0], reader.metadata
    assert (info.title, info.author, info.subject, info.keywords, info.creator, info.producer) == (
        written_info["/Title"], written_info["/Author"], written_info["/Subject"],
        written_info["/Keywords"], written_info["/Creator"], written_info["/Producer"])
    assert info.created == xmp_date_from_pdf(written_info["/CreationDate"]) is not None
    assert info.modified == xmp_date_from_pdf(written_info["/ModDate"])


def test_annotations_print_and_have_normal_appearances_only() -> None:
    def draw(canvas: PdfaCanvas) -> None:
        canvas.drawString(72, 72, "example.org")  # (a page without content is never written)
        canvas.linkURL("https://example.org", (72, 72, 144, 90))
        canvas.acroForm.checkbox(name="choice", x=72, y=120, size=12)
        canvas.acroForm.textfield(name="line", x=72, y=160, width=200, height=16)

    annotations = [a.get_object() for a in read(draw).pages[0]["/Annots"]]
    assert [str(a["/Subtype"]) for a in annotations] == ["/Link", "/Widget", "/Widget"]
    assert all(a["/F"] == 4 for a in annotations)
    checkbox = annotations[1]
    assert list(checkbox["/AP"]) == ["/N"] and set(checkbox["/AP"]["/N"]) == {"/Yes", "/Off"}


def _image_with_alpha() -> ImageReader:
    buffer = io.BytesIO()
    Image.new("RGBA", (4, 4), (200, 30, 30, 128)).save(buffer, "PNG")
    buffer.seek(0)
    return ImageReader(buffer)


def test_only_pages_drawing_a_soft_masked_image_are_transparency_groups() -> None:
    def draw(canvas: PdfaCanvas) -> None:
        image = _image_with_alpha()
        canvas.drawImage(image, 72, 72, 40, 40, mask="auto")
        canvas.showPage()
        canvas.drawString(72, 72, "no image")
        canvas.showPage()
        canvas.drawImage(image, 72, 72, 40, 40, mask="auto")  # (the same image object again)

    pages = read(draw).pages
    assert [page.get("/Group") for page in pages][1] is None
    for page in (pages[0], pages[2]):
        group = page["/Group"]
        assert (group["/Type"], group["/S"], group["/CS"]) == ("/Group", "/Transparency", "/DeviceRGB")


def test_subset_to_unicode_maps_leave_out_the_notdef_code() -> None:
    fonts = firago()  # PdfaTTFont faces

    def draw(canvas: PdfaCanvas) -> None:
        canvas.setFont(fonts.regular, 12)
        canvas.drawString(72, 72, "AB")

    reader = read(draw)
    font = next(font.get_object() for font in reader.pages[0]["/Resources"]["/Font"].values()
                if "+" in font.get_object()["/BaseFont"])  # (a subset, not the canvas's Helvetica)
    cmap = font["/ToUnicode"].get_object().get_data().decode("ascii")
    assert "<00> <0000>" not in cmap
    assert "<01> <0041>" in cmap and "<02> <0042>" in cmap
    assert "2 beginbfchar" in cmap


# --- content streams, faces and platypus: what the typesetter reaches into -----------------

def test_operators_appended_to_a_canvas_and_a_text_object_are_written_in_order() -> None:
    from carepress.typeset.reportlab_compat import operators, show_text_operator

    fonts = firago()

    def draw(canvas: PdfaCanvas) -> None:
        operators(canvas).append("/Artifact BMC")
        text = canvas.beginText()
        text.setFont(fonts.regular, 12)
        text.setTextOrigin(72, 72)
        operators(text).append("/Span <</Lang (fr)>> BDC")
        operators(text).append(show_text_operator(text, "Bonjour"))
        operators(text).append("EMC")
        canvas.drawText(text)
        operators(canvas).append("EMC")

    reader = read(draw)
    content = reader.pages[0].get_contents().get_data().decode("latin-1")
    at = 0
    for mark in ("/Artifact BMC", "BT ", "/Span <</Lang (fr)>> BDC", ") Tj", "EMC", " ET", "EMC"):
        at = content.index(mark, at) + len(mark)  # (each after the one before)
    assert reader.pages[0].extract_text() == "Bonjour"


def test_document_pages_and_creation_date_are_the_ones_written() -> None:
    from carepress.typeset.reportlab_compat import (
        add_page_entry,
        document_of,
        page_dictionaries,
        set_creation_date,
    )

    def draw(canvas: PdfaCanvas) -> None:
        set_creation_date(canvas, 1_700_000_000)  # 2023-11-14 22:13:20 UTC
        for number in range(2):
            canvas.drawString(72, 72, f"page {number}")
            canvas.showPage()
        pages = page_dictionaries(document_of(canvas))
        assert len(pages) == 2
        add_page_entry(pages[1], "Tabs", PDFName("S"))

    reader = read(draw)
    assert reader.metadata["/CreationDate"] == reader.metadata["/ModDate"] == "D:20231114221320+00'00'"
    assert [page.get("/Tabs") for page in reader.pages] == [None, "/S"]


def test_face_tables_are_the_font_file_and_its_maps() -> None:
    from reportlab.pdfbase import pdfmetrics

    from carepress.typeset.reportlab_compat import (
        cap_height,
        char_widths,
        covered_codes,
        font_program,
        glyph_codes,
        map_code_to_glyph,
    )

    name = firago().regular
    font = pdfmetrics.getFont(name)
    assert font_program(name) == firago_file()
    assert {ord("A"), ord("ж"), ord("ب")} <= covered_codes(font)
    glyph = font.face.charToGlyph[ord("A")]
    assert ord("A") in glyph_codes(font, glyph)
    widths, default = char_widths(name)
    assert abs(widths[ord("A")] - pdfmetrics.stringWidth("A", name, 1000)) < 1e-9 and default > 0
    assert 600 < cap_height(name) < 800
    code = 0x10FFFD  # (a private-use code no test font maps)
    map_code_to_glyph(font, code, glyph)
    assert code in covered_codes(font) and code in glyph_codes(font, glyph)
    assert abs(pdfmetrics.stringWidth(chr(code), name, 1000) - widths[ord("A")]) < 1e-9


def probe_class(seen: list[Any], measure: Callable[[Any], Any]) -> type:
    """A 10 x 10 pt flowable class whose every drawing appends ``measure(itself)`` to ``seen``."""
    from reportlab.platypus import Flowable

    class Probe(Flowable):
        def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
            return 10, 10

        def draw(self) -> None:
            seen.append(measure(self))

    return Probe


def test_a_flowable_knows_whether_it_is_first_in_its_frame() -> None:
    from reportlab.platypus import SimpleDocTemplate

    from carepress.typeset.reportlab_compat import at_frame_top

    seen: list[bool] = []
    probe = probe_class(seen, at_frame_top)
    SimpleDocTemplate(io.BytesIO()).build([probe(), probe()])
    assert seen == [True, False]
    assert at_frame_top(probe())  # (drawn outside a frame)


def test_a_flowable_knows_where_the_frame_content_before_it_ended() -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import SimpleDocTemplate, Spacer

    from carepress.typeset.reportlab_compat import frame_cursor

    seen: list[float] = []
    probe = probe_class(seen, frame_cursor)
    SimpleDocTemplate(io.BytesIO(), pagesize=A4, topMargin=72).build([probe(), Spacer(1, 100), probe()])
    top = A4[1] - 72 - 6  # (the frame's top, inside its default padding)
    assert seen == pytest.approx([top, top - 10 - 100])
    assert frame_cursor(probe()) == 0.0  # (drawn outside a frame)


def test_paragraph_lines_fragments_and_split_parts() -> None:
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph

    from carepress.typeset.reportlab_compat import fragments, lines_broken, split_part_lines

    style = getSampleStyleSheet()["Normal"]
    paragraph = Paragraph("one <b>two</b> " + "three " * 40, style)
    assert [fragment.text for fragment in fragments(paragraph)][:2] == ["one ", "two"]
    assert not lines_broken(paragraph) and split_part_lines(paragraph) is None
    paragraph.wrap(200, 1000)
    assert lines_broken(paragraph)
    first, rest = paragraph.split(200, 2 * style.leading)
    assert len(split_part_lines(first).lines) == 2
    assert split_part_lines(rest) is None and fragments(rest)  # (its words, to be broken again)


def test_cjk_line_pieces_make_a_line() -> None:
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph

    from carepress.typeset.reportlab_compat import ParaLines, cjkU, fragments, makeCJKParaLine

    style = getSampleStyleSheet()["Normal"]  # (Helvetica 10)
    frag = fragments(Paragraph("AB", style))[0]
    units = [cjkU(char, frag, "utf8") for char in "AB"]
    assert units[0] == "A" and units[0].frag is frag and abs(units[0].width - 6.67) < 1e-9
    line = makeCJKParaLine(units, 100, 20.0, 80.0, False, False)
    assert (line.maxWidth, line.currentWidth, line.extraSpace) == (100, 20.0, 80.0)
    assert [word.text for word in line.words] == ["AB"]  # (the units of one fragment, joined)
    assert ParaLines(kind=1, lines=[line]).lines == [line]


def test_a_chain_of_one_page_templates_advances_a_template_a_page() -> None:
    """Templates first -> second -> third (autoNextPageTemplate), each one page: pages 1-3
    use them in turn (ReportLab alone used `second` for two pages)."""
    from reportlab.platypus import Frame, PageBreak, PageTemplate, Paragraph
    from reportlab.lib.styles import getSampleStyleSheet

    from carepress.typeset.reportlab_compat import OnePageTemplateChain

    used: list[str] = []
    names = ["first", "second", "third"]
    doc = OnePageTemplateChain(io.BytesIO(), pagesize=(200, 200), invariant=1)
    doc.addPageTemplates([
        PageTemplate(name, [Frame(10, 10, 180, 180, id=name)],
                     onPage=lambda canv, d, name=name: used.append(name),
                     autoNextPageTemplate=names[(index + 1) % 3])
        for index, name in enumerate(names)])
    style = getSampleStyleSheet()["Normal"]
    doc.build([Paragraph("one", style), PageBreak(), Paragraph("two", style), PageBreak(),
               Paragraph("three", style)])
    assert used == names


def test_the_attributes_ttfont_init_sets_are_set_from_a_cached_face(user_cache) -> None:  # type: ignore[no-untyped-def]
    """A font made by init_with_cached_face has every attribute a TTFont made by ReportLab
    has, equal but for the face (compared in tests/test_fonts.py) and the state."""
    from reportlab.pdfbase.ttfonts import TTFont

    from carepress.typeset.reportlab_compat import init_with_cached_face

    data = firago_file()
    reference = TTFont("compat-reference", io.BytesIO(data))
    made = TTFont.__new__(TTFont)
    init_with_cached_face(made, "compat-reference", data)
    assert set(vars(made)) == set(vars(reference))
    for key in set(vars(reference)) - {"face", "state"}:
        assert type(getattr(made, key)) is type(getattr(reference, key))
        if key != "encoding":
            assert getattr(made, key) == getattr(reference, key), key
    assert made.stringWidth("Leaflet", 12) == reference.stringWidth("Leaflet", 12)
