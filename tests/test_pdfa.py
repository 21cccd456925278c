"""PDF/A-2U's pure pieces: the XMP packet, the sRGB profile, file identifiers, stream EOLs."""

from __future__ import annotations

import zlib

import pytest
from conftest import NS, parse_xmp, xmp_value

from carepress.pdfa import (
    DocumentInfo,
    file_identifier,
    normalised_icc_profile,
    srgb_icc_profile,
    srgb_icc_profile_deflated,
    stream_eol,
    xmp_date,
    xmp_date_from_pdf,
    xmp_packet,
)

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
INFO = DocumentInfo(title="After your IUD <insertion> & more", author="Riverside Women's Health",
                    subject="What to expect", keywords="HH-GYN-014, version 1.0", creator="carepress",
                    producer="ReportLab PDF Library - (opensource)",
                    created=xmp_date(1700000000), modified=xmp_date(1700000000))


def test_the_xmp_packet_repeats_the_info_and_declares_pdfa_2u() -> None:
    root = parse_xmp(xmp_packet(INFO, "ar"))
    titles = root.findall(".//dc:title/rdf:Alt/rdf:li", NS)
    assert [(t.get(XML_LANG), t.text) for t in titles] == [
        ("x-default", INFO.title), ("ar", INFO.title)]  # escaped in the packet, whole when read
    assert xmp_value(root, "dc:creator/rdf:Seq/rdf:li") == INFO.author
    assert xmp_value(root, "dc:description/rdf:Alt/rdf:li") == INFO.subject
    assert xmp_value(root, "dc:language/rdf:Bag/rdf:li") == "ar"
    assert xmp_value(root, "xmp:CreateDate") == xmp_value(root, "xmp:ModifyDate") == \
        xmp_value(root, "xmp:MetadataDate") == "2023-11-14T22:13:20+00:00"
    assert xmp_value(root, "xmp:CreatorTool") == "carepress"
    assert xmp_value(root, "pdf:Producer") == INFO.producer
    assert xmp_value(root, "pdf:Keywords") == INFO.keywords
    assert (xmp_value(root, "pdfaid:part"), xmp_value(root, "pdfaid:conformance")) == ("2", "U")
    assert root.find(".//pdfuaid:part", NS) is None  # PDF/UA only when the caller says so


def test_pdfua_identification_comes_with_the_extension_schema_pdfa_2_needs() -> None:
    packet = xmp_packet(INFO, "en", pdfua=True)
    root = parse_xmp(packet)
    assert xmp_value(root, "pdfuaid:part") == "1"
    assert b"<pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>" in packet
    assert b"<pdfaProperty:name>part</pdfaProperty:name>" in packet


def test_entries_the_info_lacks_are_left_out_of_the_xmp() -> None:
    root = parse_xmp(xmp_packet(DocumentInfo(title="T"), None))
    assert xmp_value(root, "dc:title/rdf:Alt/rdf:li") == "T"
    for path in ("dc:creator", "dc:description", "dc:language", "xmp:CreateDate", "pdf:Producer",
                 "pdf:Keywords"):
        assert root.find(f".//{path}", NS) is None, path


@pytest.mark.parametrize(("pdf_date", "xmp"), [
    ("D:20261120000000+00'00'", "2026-11-20T00:00:00+00:00"),
    ("D:20231114221320Z", "2023-11-14T22:13:20Z"),
    ("D:20231114221320-05'30'", "2023-11-14T22:13:20-05:30"),
    ("D:2023", "2023-01-01T00:00:00"),
    ("yesterday", None),
])
def test_pdf_dates_become_the_same_moment_in_xmp(pdf_date: str, xmp: str | None) -> None:
    assert xmp_date_from_pdf(pdf_date) == xmp


def test_the_srgb_profile_is_normalised_and_made_once_per_process() -> None:
    profile = srgb_icc_profile()
    assert profile is srgb_icc_profile()  # cached
    assert profile[36:40] == b"acsp" and profile[12:16] == b"mntr" and profile[16:20] == b"RGB "
    assert profile[24:36] == bytes.fromhex("07d0 0001 0001 0000 0000 0000")  # 2000-01-01 00:00:00
    assert profile[84:100] == bytes(16)  # profile ID: not calculated
    assert int.from_bytes(profile[:4], "big") == len(profile)
    assert zlib.decompress(srgb_icc_profile_deflated()) == profile


def test_a_profile_made_at_another_time_normalises_to_the_same_bytes() -> None:
    from PIL import ImageCms

    made = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    later = bytearray(made)
    later[24:36] = bytes.fromhex("07ea 000c 0005 0013 000c 0019")  # LittleCMS stamps the clock
    later[84:100] = b"\x01" * 16
    assert normalised_icc_profile(made) == normalised_icc_profile(bytes(later)) == srgb_icc_profile()


def test_file_identifiers_follow_their_parts() -> None:
    assert file_identifier(b"a", b"bc") == file_identifier(b"a", b"bc")
    assert len(file_identifier(b"a")) == 16
    assert file_identifier(b"a", b"bc") != file_identifier(b"ab", b"c")  # parts stay apart


def test_a_stream_gets_cr_lf_only_after_a_cr() -> None:
    assert stream_eol(b"stream\nBT ET") == b"\n"
    assert stream_eol(b"stream\n\x00\n") == b"\n"
    assert stream_eol(b"stream\n\x8f\r") == b"\r\n"


def test_a_print_only_file_names_its_reading_copy_and_says_what_it_is_in_english() -> None:
    info = DocumentInfo(title="بعد تركيب اللولب", subject="Print-ready imposed sheets of …")
    root = parse_xmp(xmp_packet(info, "ar", reading_copy="leaflet-a5-booklet-reading-order.pdf"))
    assert xmp_value(root, "dc:source") == "leaflet-a5-booklet-reading-order.pdf"
    descriptions = root.findall(".//dc:description/rdf:Alt/rdf:li", NS)
    assert [(d.get(XML_LANG), d.text) for d in descriptions] == [
        ("x-default", info.subject), ("en", info.subject)]  # carepress's sentence, not Arabic
    assert [t.get(XML_LANG) for t in root.findall(".//dc:title/rdf:Alt/rdf:li", NS)] == ["x-default", "ar"]
    assert root.find(".//pdfuaid:part", NS) is None
    assert parse_xmp(xmp_packet(info, "ar")).find(".//dc:source", NS) is None
