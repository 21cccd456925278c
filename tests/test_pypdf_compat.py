"""What carepress/pypdf_compat.py relies on in pypdf still holds."""

from __future__ import annotations

import io

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    StreamObject,
)

from carepress.pypdf_compat import install_stream_eol, set_file_identifier


def stream_bytes(data: bytes) -> bytes:
    stream = DecodedStreamObject()
    stream.set_data(data)
    out = io.BytesIO()
    stream.write_to_stream(out)
    return out.getvalue()


def test_pypdf_writes_a_lf_between_stream_data_and_endstream() -> None:
    install_stream_eol()
    pypdf_write = StreamObject.write_to_stream.carepress_original  # type: ignore[attr-defined]
    stream = DecodedStreamObject()
    stream.set_data(b"x\r")
    out = io.BytesIO()
    pypdf_write(stream, out)
    assert out.getvalue().endswith(b"\nstream\nx\r\nendstream")  # (a CR LF to a reader)


def test_data_ending_with_a_cr_gets_cr_lf_and_other_data_stays_as_pypdf_writes_it() -> None:
    install_stream_eol()
    assert stream_bytes(b"x\r").endswith(b"\nstream\nx\r\r\nendstream")
    assert stream_bytes(b"x").endswith(b"\nstream\nx\nendstream")
    assert b"/Length 2" in stream_bytes(b"x\r")


def test_a_written_file_reads_back_with_its_stream_whole_and_its_identifier() -> None:
    install_stream_eol()
    writer = PdfWriter()
    page = writer.add_blank_page(100, 100)
    content = DecodedStreamObject()
    content.set_data(b"0 0 m\r")
    page[NameObject("/Contents")] = writer._add_object(content)
    set_file_identifier(writer, bytes(range(16)))
    out = io.BytesIO()
    writer.write(out)
    assert out.getvalue().count(b"<000102030405060708090a0b0c0d0e0f>") == 2
    reader = PdfReader(io.BytesIO(out.getvalue()))
    assert reader.pages[0]["/Contents"].get_object().get_data() == b"0 0 m\r"
    assert [entry.original_bytes for entry in reader.trailer["/ID"]] == [bytes(range(16))] * 2


# --- what bundle.bundle relies on to join structure trees (see _BundleStructure) -----------

def test_a_tree_cloned_after_its_pages_points_at_the_cloned_pages_and_annotations() -> None:
    """pypdf clones an object once per reader: a structure element's /Pg and an object
    reference's /Obj, cloned after the pages (which bring their annotations), are the
    writer's page and annotation.  ignore_fields=[1, "/P"] leaves out /P at the top level
    only: the old tree root is not copied, and the kids' /P point at the copied element.
    (Cloned before the tree, the parent tree's elements would bring the old root along.)"""
    source = PdfWriter()
    page = source.add_blank_page(100, 100)
    annotation = source._add_object(DictionaryObject({
        NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/Link"),
        NameObject("/Rect"): ArrayObject([NumberObject(0)] * 4)}))
    page[NameObject("/Annots")] = ArrayObject([annotation])
    root = source._add_object(DictionaryObject({NameObject("/Type"): NameObject("/StructTreeRoot")}))
    document = source._add_object(DictionaryObject({
        NameObject("/Type"): NameObject("/StructElem"), NameObject("/S"): NameObject("/Document"),
        NameObject("/P"): root}))
    link = source._add_object(DictionaryObject({
        NameObject("/Type"): NameObject("/StructElem"), NameObject("/S"): NameObject("/Link"),
        NameObject("/P"): document, NameObject("/Pg"): page.indirect_reference,
        NameObject("/K"): ArrayObject([DictionaryObject({
            NameObject("/Type"): NameObject("/OBJR"), NameObject("/Obj"): annotation,
            NameObject("/Pg"): page.indirect_reference})])}))
    document.get_object()[NameObject("/K")] = ArrayObject([link])
    root.get_object()[NameObject("/K")] = document
    root.get_object()[NameObject("/ParentTree")] = source._add_object(DictionaryObject({
        NameObject("/Nums"): ArrayObject([NumberObject(0), ArrayObject([link])])}))
    source.root_object[NameObject("/StructTreeRoot")] = root
    data = io.BytesIO()
    source.write(data)

    reader = PdfReader(data)
    writer = PdfWriter()
    added = writer.add_page(reader.pages[0])
    count = len(writer._objects)
    tree = reader.trailer["/Root"]["/StructTreeRoot"]
    part = tree.raw_get("/K").clone(writer, ignore_fields=[1, "/P"]).get_object()
    assert len(writer._objects) == count + 2  # the two elements: no page, annotation or root
    assert "/P" not in part
    kid = part["/K"][0].get_object()
    assert kid.raw_get("/P") == part.indirect_reference
    assert kid.raw_get("/Pg") == added.indirect_reference
    reference = kid["/K"][0]
    assert reference.raw_get("/Pg") == added.indirect_reference
    assert reference.raw_get("/Obj") == added.raw_get("/Annots")[0]
    # The parent tree cloned after the tree: its elements are the copies, and nothing is added.
    marked = tree["/ParentTree"]["/Nums"][1].clone(writer)
    assert list(marked) == [part["/K"][0]] and len(writer._objects) == count + 2


def test_an_added_object_is_an_indirect_object_of_the_writer() -> None:
    from carepress.pypdf_compat import add_object

    writer = PdfWriter()
    writer.add_blank_page(100, 100)
    value = DictionaryObject({NameObject("/Type"): NameObject("/Thing")})
    reference = add_object(writer, value)
    assert reference.pdf is writer and reference.get_object() is value
    writer.root_object[NameObject("/Thing")] = reference
    out = io.BytesIO()
    writer.write(out)
    assert PdfReader(out).trailer["/Root"]["/Thing"]["/Type"] == "/Thing"
