"""Finish stage, with pypdf: an imposed layout's pages placed on its printed sheets, and the
PDF/A document objects the sheets and bundles (bundle.py) need.  The typeset leaflet itself is
checked before, by verification.py, which needs no PDF library."""

from __future__ import annotations

import io
import re
from typing import Any, Mapping, Sequence, cast

from pypdf import PageObject, PdfReader, PdfWriter
from pypdf import __version__ as pypdf_version
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    RectangleObject,
    StreamObject,
    TextStringObject,
)

from carepress.languages import right_to_left
from carepress.model import CROP_MARK_WIDTH, Artifact, Imposition, PrintOptions, crop_mark_lines
from carepress.pdfa import (
    ICC_COMPONENTS,
    OUTPUT_INTENT_SUBTYPE,
    SRGB_CONDITION,
    DocumentInfo,
    file_identifier,
    srgb_icc_profile_deflated,
    xmp_date_from_pdf,
    xmp_packet,
)
from carepress.pypdf_compat import add_object, install_stream_eol, set_file_identifier


def imposed_sheets(pdf: Artifact, lang: str, imposition: Imposition, reading_copy: str,
                   printing: PrintOptions = PrintOptions()) -> Artifact:
    """The typeset leaflet's pages on the printed sheets of its layout's ``imposition``,
    declared print-only, naming ``reading_copy``, the file name the pages in reading order
    (the tagged, accessible copy) are published under beside them; with the bleed and crop
    marks of ``printing``, as the pages were typeset with."""
    reader = PdfReader(io.BytesIO(pdf.data))
    pages = len(reader.pages)
    rtl = right_to_left(lang)
    # (a booklet's last page is its back cover: typeset/story.py)
    order = booklet_order(pages, rtl, back_cover=True) if imposition.kind == "booklet" else trifold_order(rtl)
    imposed = impose(reader, imposition.sheet_width, imposition.sheet_height, order,
                     file_id=file_identifier(pdf.data, repr((imposition.sheet_width, imposition.sheet_height,
                                                        order)).encode(), pypdf_version.encode()),
                     reading_copy=reading_copy, printing=printing)
    return Artifact(imposed, ".pdf", len(order))


def booklet_order(pages: int, right_to_left: bool = False,
                  back_cover: bool = False) -> list[tuple[int, int]]:
    """Saddle-stitch order: for each sheet side, the (left, right) reading-order page numbers
    (1-based; numbers above ``pages`` are blanks).  Sides alternate front, back, front …

    Folding the printed stack in half gives the pages in reading order; a right-to-left
    booklet binds on the right, so each side is mirrored.  With a ``back_cover`` (the last
    reading-order page) the blanks that pad the booklet to a multiple of 4 pages go before
    it, so that it is the outside of the back.
    """
    total = -(-pages // 4) * 4

    def reading(slot: int) -> int:  # the reading-order page printed in booklet page `slot`
        if not back_cover or slot < pages:
            return slot
        return pages if slot == total else slot + 1  # (a blank, one slot before its number)

    sides = []
    for sheet in range(total // 4):
        front = (reading(total - 2 * sheet), reading(1 + 2 * sheet))
        back = (reading(2 + 2 * sheet), reading(total - 1 - 2 * sheet))
        sides.extend([front[::-1], back[::-1]] if right_to_left else [front, back])
    return sides


def trifold_order(right_to_left: bool = False) -> list[tuple[int, ...]]:
    """A letter-fold brochure's two sides, left to right, as reading-order panels: outside
    (inside flap, back, cover) and inside (the three content panels).  Folded, the cover is
    on top, the flap opens first, then the three inside panels read across; mirrored for a
    right-to-left brochure."""
    sides: list[tuple[int, ...]] = [(2, 6, 1), (3, 4, 5)]
    return [side[::-1] for side in sides] if right_to_left else sides


def impose(reader: PdfReader, sheet_width: float, sheet_height: float,
           order: Sequence[tuple[int, ...]], file_id: bytes, reading_copy: str,
           printing: PrintOptions = PrintOptions()) -> bytes:
    """Place reading-order pages side by side on sheet sides, as ``order`` lists them
    (a number past the last page is left blank), each by its trim box, where
    ``sheet_positions`` puts it.  Each page goes onto its sheet whole, as a form XObject
    with its links moved along: pypdf's merge_transformed_page parsed and rewrote every text
    operation instead (0.2 s for an Arabic booklet).  The file is PDF/A-2U as its pages are,
    with ``file_id`` as its /ID.

    With a bleed or crop marks (``printing``, as the pages were typeset with: each page is
    its trimmed size plus ``printing.outer`` all round) each sheet side is print-ready as a
    leaflet's page is: its media box the sheet plus that margin, its TrimBox the sheet, its
    BleedBox the sheet plus the bleed, and crop marks at the sheet's corners.  A page shows
    its own part of the sheet only (``sheet_positions``' cells): where it meets its
    neighbour is a fold, not a cut, so its bleed (and its own crop marks) is clipped there,
    and kept on the sheet's outer edges.

    The sheets are a print-only artifact of the tagged reading-order file, ``reading_copy``
    (its file name): pages out of reading order cannot be a reading order.  So the file has
    no structure tree and claims no PDF/UA; every placed page is an /Artifact (the marked
    content inside it belongs to no tree here), the links lose their /StructParent, and the
    Info /Subject and the XMP say what the file is and name the file to read."""
    writer = PdfWriter()
    outer, bleed = printing.outer, printing.bleed
    widths = [float(page.trimbox.width) for page in reader.pages]
    uniform = len(set(widths)) == 1
    for numbers in order:
        side = writer.add_blank_page(sheet_width + 2 * outer, sheet_height + 2 * outer)
        # (a blank stands where a page as wide as the first would)
        xs, edges = sheet_positions([widths[n - 1] if n <= len(widths) else widths[0] for n in numbers],
                                    sheet_width, uniform=uniform)
        forms, annotations, drawing = DictionaryObject(), ArrayObject(), []
        group = None  # a placed page's transparency group: the sheet blends as it did
        for index, number in enumerate(numbers):
            if number > len(reader.pages):
                continue
            page = reader.pages[number - 1]
            if group is None and "/Group" in page:
                group = cast(DictionaryObject, page["/Group"].get_object()).clone(writer)
            trim = page.trimbox
            # (where the page's own origin goes: its trim's corner at its place on the sheet)
            x = outer + xs[index] - float(trim.left)
            y = outer + (sheet_height - float(trim.height)) / 2 - float(trim.bottom)
            name = NameObject(f"/Page{number}")
            forms[name] = add_object(writer, _page_as_form(page, writer))
            clip = ""
            if outer:  # its cell, and past the sheet's outer edges its bleed
                start = outer + edges[index] - (bleed if index == 0 else 0.0)
                end = outer + edges[index + 1] + (bleed if index == len(numbers) - 1 else 0.0)
                clip = " ".join(_number(v) for v in (start, outer - bleed, end - start,
                                                     sheet_height + 2 * bleed)) + " re W n "
            drawing.append(f"/Artifact BMC q {clip}1 0 0 1 {_number(x)} {_number(y)} cm {name} Do Q EMC")
            for annotation in page.get("/Annots", ArrayObject()):
                moved = annotation.get_object().clone(writer, ignore_fields=("/P", "/StructParent"))
                left, bottom, right, top = (float(v) for v in moved["/Rect"])
                moved[NameObject("/Rect")] = ArrayObject(
                    _pdf_number(v) for v in (left + x, bottom + y, right + x, top + y))
                annotations.append(add_object(writer, moved))
        if outer:
            trimmed = (outer, outer, outer + sheet_width, outer + sheet_height)
            side[NameObject("/TrimBox")] = RectangleObject([_pdf_number(v) for v in trimmed])
            side[NameObject("/BleedBox")] = RectangleObject([_pdf_number(v) for v in (
                trimmed[0] - bleed, trimmed[1] - bleed, trimmed[2] + bleed, trimmed[3] + bleed)])
            if printing.crop_marks:
                drawing.append(_crop_marks(trimmed, bleed))
        content = DecodedStreamObject()
        content.set_data("\n".join(drawing).encode("ascii"))
        side[NameObject("/Resources")] = DictionaryObject({NameObject("/XObject"): forms})
        side[NameObject("/Contents")] = add_object(writer, content.flate_encode())
        if annotations:
            side[NameObject("/Annots")] = annotations
        if group is not None:
            side[NameObject("/Group")] = group
    copy_metadata(reader, writer)
    title = str(reader.metadata.title) if reader.metadata and reader.metadata.title else "a leaflet"
    writer.add_metadata({"/Subject": print_only_description(title, reading_copy)})
    make_pdfa(writer, file_id, reading_copy=reading_copy)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def sheet_positions(widths: Sequence[float], sheet_width: float,
                    *, uniform: bool) -> tuple[list[float], list[float]]:
    """Where pages of these trim widths stand across a sheet side, left to right: each
    page's left trim edge, and the edges of the cells they show in (one more than the
    pages: the sheet's left edge, the folds between them, its right edge).

    Pages of unequal widths (a tri-fold's tuck-in panels, narrower than the others) are
    packed edge to edge, centred on the sheet: the folds are where they meet.  Pages all of
    one width (``uniform``: every page of the leaflet) are centred in equal parts of the
    sheet, the folds between the parts: the same whenever they fill the sheet (an A4
    tri-fold), and an A5 booklet's pages (148 mm) stay centred on the halves of their A4
    sheet (297 mm)."""
    count = len(widths)
    if uniform:
        slot = sheet_width / count
        xs = [index * slot + (slot - width) / 2 for index, width in enumerate(widths)]
        return xs, [index * slot for index in range(count)] + [sheet_width]
    x = (sheet_width - sum(widths)) / 2
    xs = []
    for width in widths:
        xs.append(x)
        x += width
    return xs, [0.0, *xs[1:], sheet_width]


def _crop_marks(trimmed: tuple[float, float, float, float], bleed: float) -> str:
    """A sheet's crop marks, as a leaflet's page has them (typeset/furniture.py): content."""
    strokes = " ".join(f"{_number(x1)} {_number(y1)} m {_number(x2)} {_number(y2)} l"
                       for x1, y1, x2, y2 in crop_mark_lines(*trimmed, bleed))
    return f"/Artifact BMC q 0 0 0 RG {_number(CROP_MARK_WIDTH)} w {strokes} S Q EMC"


# A marked-content sequence of a tagged page's content, as typeset/tagging.py writes it on a
# line of its own (ReportLab writes one operation a line): the tag, its MCID, BDC.
_MARKED_CONTENT = re.compile(rb"(?m)^/(\w+) <</MCID \d+>> BDC$")


def _page_as_form(page: PageObject, writer: PdfWriter) -> StreamObject:
    """A page's content and resources as a form XObject the size of its media box.  Its
    marked-content sequences lose their MCIDs (``/P BMC``): on a sheet they belong to no
    structure tree, and the whole page is an artifact there."""
    contents = page["/Contents"].get_object()
    assert contents is not None  # (every page ReportLab writes has a content stream)
    streams = contents if isinstance(contents, ArrayObject) else [contents]
    form = DecodedStreamObject()
    form.set_data(_MARKED_CONTENT.sub(rb"/\1 BMC", b"\n".join(
        cast(StreamObject, stream.get_object()).get_data() for stream in streams)))
    form.update({
        NameObject("/Type"): NameObject("/XObject"),
        NameObject("/Subtype"): NameObject("/Form"),
        NameObject("/BBox"): ArrayObject(_pdf_number(float(v)) for v in page.mediabox),
        NameObject("/Resources"): page["/Resources"].clone(writer),
    })
    return form.flate_encode()


def _number(value: float) -> str:
    return f"{round(value, 4) or 0.0:.4f}".rstrip("0").rstrip(".")  # (never "-0")


def _pdf_number(value: float) -> FloatObject:
    return FloatObject(_number(value))


def copy_metadata(reader: PdfReader, writer: PdfWriter) -> None:
    writer.pdf_header = reader.pdf_header  # (pypdf's own is 1.3; XMP and intents need 1.4)
    if reader.metadata:
        # (/Trapped is a name, which add_metadata would write as a string: it is left out)
        writer.add_metadata({key: value for key, value in reader.metadata.items() if key != "/Trapped"})
    for key in ("/Lang", "/ViewerPreferences"):
        value = cast(DictionaryObject, reader.trailer["/Root"]).get(key)
        if value is not None:  # a copy in the writer, not a reference into the reader's file
            writer.root_object[NameObject(key)] = value.get_object().clone(writer)


def print_only_description(title: str, reading_copy: str) -> str:
    """What an imposed file is, for its /Subject and its XMP dc:description: sheets to
    print, untagged and out of reading order, and which file is the one to read."""
    return (f"Print-ready imposed sheets of “{title}”, for printing only (pages out of reading "
            f"order, not tagged); the accessible reading copy is {reading_copy}")


# --- PDF/A-2U document objects (the pages are PDF/A already: they come from the leaflets) ---

def make_pdfa(writer: PdfWriter, file_id: bytes, pdfua: bool = False,
               reading_copy: str | None = None) -> None:
    """Give the writer's file what PDF/A-2U asks of a document: XMP metadata repeating its
    Info dictionary and catalog /Lang, the sRGB output intent, a file identifier, and an
    unambiguous EOL after every stream's data.  The XMP claims PDF/UA-1 when ``pdfua``, and
    names the accessible copy of a print-only file (``reading_copy``)."""
    install_stream_eol()
    _add_metadata_stream(writer, xmp_packet(_document_info(writer), catalog_lang(writer),
                                            pdfua=pdfua, reading_copy=reading_copy))
    writer.root_object[NameObject("/OutputIntents")] = ArrayObject([_output_intent(writer)])
    set_file_identifier(writer, file_id)


def _document_info(writer: PdfWriter) -> DocumentInfo:
    """The writer's Info dictionary, as the XMP packet must repeat it."""
    info: Mapping[str, Any] = writer.metadata or {}

    def text(key: str) -> str | None:
        value = info.get(key)
        return None if value is None else str(value)

    def date(key: str) -> str | None:
        value = text(key)
        return None if value is None else xmp_date_from_pdf(value)

    return DocumentInfo(title=text("/Title"), author=text("/Author"), subject=text("/Subject"),
                        keywords=text("/Keywords"), creator=text("/Creator"),
                        producer=text("/Producer"), created=date("/CreationDate"),
                        modified=date("/ModDate"))


def catalog_lang(writer: PdfWriter) -> str | None:
    lang = writer.root_object.get("/Lang")
    return None if lang is None else str(lang.get_object())


def _add_metadata_stream(writer: PdfWriter, xmp: bytes) -> None:
    writer.xmp_metadata = xmp  # (an uncompressed stream, as PDF/A prefers, typed here)
    stream = cast(StreamObject, writer.root_object["/Metadata"].get_object())
    stream[NameObject("/Type")] = NameObject("/Metadata")
    stream[NameObject("/Subtype")] = NameObject("/XML")


def _output_intent(writer: PdfWriter) -> DictionaryObject:
    """The sRGB PDF/A output intent, its profile the one the leaflets carry (compressed once
    per process)."""
    profile = StreamObject.initialize_from_dictionary({
        "__streamdata__": srgb_icc_profile_deflated(),
        NameObject("/Filter"): NameObject("/FlateDecode"), NameObject("/N"): NumberObject(ICC_COMPONENTS)})
    return DictionaryObject({
        NameObject("/Type"): NameObject("/OutputIntent"),
        NameObject("/S"): NameObject("/" + OUTPUT_INTENT_SUBTYPE),
        NameObject("/OutputConditionIdentifier"): TextStringObject(SRGB_CONDITION),
        NameObject("/Info"): TextStringObject(SRGB_CONDITION),
        NameObject("/DestOutputProfile"): add_object(writer, profile),
    })
