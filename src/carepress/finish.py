"""Finish stage: read the typeset PDF back with pypdf and verify what a reader will get."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
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
    StreamObject,
    TextStringObject,
)

from carepress.languages import right_to_left
from carepress.model import Artifact, Layout, Leaflet
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
from carepress.pypdf_compat import install_stream_eol, set_file_identifier
from carepress.readback import verify


@dataclass(frozen=True)
class FinishedPdf:
    reading: Artifact                # the pages in reading order
    imposed: Artifact | None = None  # the same pages placed on printed sheets, if the layout says so


def finish(pdf: Artifact, leaflet: Leaflet, layout: Layout, impose_sheets: bool = True,
           reading_copy: str | None = None) -> FinishedPdf:
    """Check page count against the layout's limit and that every font is embedded; and
    place the pages on printed sheets when the layout says so (unless not wanted).  The
    sheets are declared print-only, naming ``reading_copy``, the file name the pages in
    reading order (the tagged, accessible copy) are published under beside them."""
    verify(pdf, leaflet, layout)  # (without pypdf: a leaflet that is not imposed needs none)
    imposition = layout.imposition
    if imposition is None or not impose_sheets:
        return FinishedPdf(pdf)
    if reading_copy is None:
        raise ValueError("imposed sheets name their reading-order copy: pass reading_copy")
    reader = PdfReader(io.BytesIO(pdf.data))
    pages = len(reader.pages)
    rtl = right_to_left(leaflet.lang)
    order = booklet_order(pages, rtl) if imposition.kind == "booklet" else trifold_order(rtl)
    imposed = impose(reader, imposition.sheet_width, imposition.sheet_height, order,
                     file_id=file_identifier(pdf.data, repr((imposition.sheet_width, imposition.sheet_height,
                                                        order)).encode(), pypdf_version.encode()),
                     reading_copy=reading_copy)
    return FinishedPdf(pdf, Artifact(imposed, ".pdf", len(order)))


def booklet_order(pages: int, right_to_left: bool = False) -> list[tuple[int, int]]:
    """Saddle-stitch order: for each sheet side, the (left, right) reading-order page numbers
    (1-based; numbers above ``pages`` are blanks).  Sides alternate front, back, front …

    Folding the printed stack in half gives the pages in reading order; a right-to-left
    booklet binds on the right, so each side is mirrored.
    """
    total = -(-pages // 4) * 4
    sides = []
    for sheet in range(total // 4):
        front = (total - 2 * sheet, 1 + 2 * sheet)
        back = (2 + 2 * sheet, total - 1 - 2 * sheet)
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
           order: Sequence[tuple[int, ...]], file_id: bytes, reading_copy: str) -> bytes:
    """Place reading-order pages side by side on sheet sides, as ``order`` lists them
    (a number past the last page is left blank).  Each page goes onto its sheet whole, as a
    form XObject with its links moved along: pypdf's merge_transformed_page parsed and
    rewrote every text operation instead (0.2 s for an Arabic booklet).  The file is
    PDF/A-2U as its pages are, with ``file_id`` as its /ID.

    The sheets are a print-only artifact of the tagged reading-order file, ``reading_copy``
    (its file name): pages out of reading order cannot be a reading order.  So the file has
    no structure tree and claims no PDF/UA; every placed page is an /Artifact (the marked
    content inside it belongs to no tree here), the links lose their /StructParent, and the
    Info /Subject and the XMP say what the file is and name the file to read."""
    writer = PdfWriter()
    for numbers in order:
        side = writer.add_blank_page(sheet_width, sheet_height)
        slot = sheet_width / len(numbers)
        forms, annotations, drawing = DictionaryObject(), ArrayObject(), []
        group = None  # a placed page's transparency group: the sheet blends as it did
        for index, number in enumerate(numbers):
            if number > len(reader.pages):
                continue
            page = reader.pages[number - 1]
            if group is None and "/Group" in page:
                group = cast(DictionaryObject, page["/Group"].get_object()).clone(writer)
            x = index * slot + (slot - float(page.mediabox.width)) / 2
            y = (sheet_height - float(page.mediabox.height)) / 2
            name = NameObject(f"/Page{number}")
            forms[name] = writer._add_object(_page_as_form(page, writer))
            drawing.append(f"/Artifact BMC q 1 0 0 1 {_number(x)} {_number(y)} cm {name} Do Q EMC")
            for annotation in page.get("/Annots", ArrayObject()):
                moved = annotation.get_object().clone(writer, ignore_fields=("/P", "/StructParent"))
                left, bottom, right, top = (float(v) for v in moved["/Rect"])
                moved[NameObject("/Rect")] = ArrayObject(
                    _pdf_number(v) for v in (left + x, bottom + y, right + x, top + y))
                annotations.append(writer._add_object(moved))
        content = DecodedStreamObject()
        content.set_data("\n".join(drawing).encode("ascii"))
        side[NameObject("/Resources")] = DictionaryObject({NameObject("/XObject"): forms})
        side[NameObject("/Contents")] = writer._add_object(content.flate_encode())
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
            writer._root_object[NameObject(key)] = value.get_object().clone(writer)


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
        NameObject("/DestOutputProfile"): writer._add_object(profile),
    })
