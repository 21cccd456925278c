"""What carepress/typeset/reportlab_compat.py relies on in ReportLab still holds: each test
fails if a ReportLab release changes what a PDF/A workaround reaches into."""

from __future__ import annotations

import io
from collections.abc import Callable

from PIL import Image
from pypdf import PdfReader
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfdoc import PDFDocument, PDFStream

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
