"""PDF/A-2 (conformance U) document-level pieces, as plain bytes for either PDF writer.

Both writers (ReportLab for leaflets, pypdf for booklets and bundles) put the same two
things in the catalog: an XMP packet (/Metadata) that repeats the Info dictionary and
declares the PDF/A part and conformance, and an sRGB OutputIntent whose ICC profile
Pillow's LittleCMS makes (no profile file is kept in the repository).

Nothing here imports ReportLab or pypdf, and Pillow only when a profile must be made.
"""

from __future__ import annotations

import functools
import hashlib
import re
import time
import zlib
from dataclasses import dataclass

# What the OutputIntent names: the registered name of the sRGB condition.
SRGB_CONDITION = "sRGB IEC61966-2.1"
OUTPUT_INTENT_SUBTYPE = "GTS_PDFA1"  # (PDF/A-2 keeps PDF/A-1's subtype name)

PDFA_PART = 2
PDFA_CONFORMANCE = "U"


@dataclass(frozen=True)
class DocumentInfo:
    """What a PDF's Info dictionary says.  PDF/A requires its XMP to say the same: Title,
    Author, Subject, Keywords, Creator, Producer, CreationDate and ModDate; an entry left out
    of one must be left out of the other, so each is optional.  (/Trapped has no XMP
    property among those PDF/A-2 predefines, so it is not repeated.)"""

    title: str | None
    author: str | None = None
    subject: str | None = None
    keywords: str | None = None
    creator: str | None = None
    producer: str | None = None
    created: str | None = None   # an XMP date: see xmp_date / xmp_date_from_pdf
    modified: str | None = None


def xmp_date(epoch: int) -> str:
    """``epoch`` (UTC) as an XMP date; the Info dates from the same epoch read the same."""
    return time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(epoch))


_PDF_DATE = re.compile(r"D:(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?"
                       r"(?:(Z)|([+-])(\d{2})'?(\d{2})?'?)?")


def xmp_date_from_pdf(pdf_date: str) -> str | None:
    """A PDF date string (``D:20261120000000+00'00'``) as the same moment in XMP; None when it
    is not one (then the XMP leaves the date out, as the Info dictionary in effect does)."""
    match = _PDF_DATE.fullmatch(pdf_date.strip())
    if match is None:
        return None
    year, month, day, hour, minute, second, zulu, sign, tz_hour, tz_minute = match.groups()
    text = f"{year}-{month or '01'}-{day or '01'}T{hour or '00'}:{minute or '00'}:{second or '00'}"
    if zulu:
        return text + "Z"
    if sign:
        return f"{text}{sign}{tz_hour}:{tz_minute or '00'}"
    return text  # (no zone: the PDF says local time, so the XMP does too)


def file_identifier(*parts: bytes) -> bytes:
    """A PDF file identifier (/ID, 16 bytes) from what makes the file: the same inputs give
    the same identifier, different inputs practically never do."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(len(part).to_bytes(8, "big"))  # (so that parts cannot run together)
        digest.update(part)
    return digest.digest()[:16]


def stream_eol(written: bytes) -> bytes:
    """The EOL marker PDF/A wants between a stream's data and `endstream` (not counted in
    /Length), after ``written`` (what precedes it, ending with the data): LF, but CR LF after
    data that ends with a CR, which a reader would otherwise take with the LF for one CR LF
    marker, and find the data a byte shorter than /Length says."""
    return b"\r\n" if written.endswith(b"\r") else b"\n"


def _xml_text(value: str) -> str:
    # (xml.sax.saxutils would import urllib and http: see the README's start-up notes)
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _xml_attribute(value: str) -> str:
    return _xml_text(value).replace('"', "&quot;")


# The fixed parts of the packet, made once per process.
_PACKET_START = (
    '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
    '<x:xmpmeta xmlns:x="adobe:ns:meta/">\n'
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
)
_PACKET_END = "</rdf:RDF>\n</x:xmpmeta>\n<?xpacket end=\"w\"?>"
_DESCRIPTION = '<rdf:Description rdf:about=""\n  {namespaces}>\n{properties}</rdf:Description>\n'
_DOCUMENT_NAMESPACES = ('xmlns:dc="http://purl.org/dc/elements/1.1/"\n'
                        '  xmlns:xmp="http://ns.adobe.com/xap/1.0/"\n'
                        '  xmlns:pdf="http://ns.adobe.com/pdf/1.3/"')
_PDFA_ID = _DESCRIPTION.format(
    namespaces='xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/"',
    properties=(f"  <pdfaid:part>{PDFA_PART}</pdfaid:part>\n"
                f"  <pdfaid:conformance>{PDFA_CONFORMANCE}</pdfaid:conformance>\n"))
# PDF/A-2 predefines only the schemas of XMP 2005: any other property (here pdfuaid:part)
# must come with a PDF/A extension schema describing it, or the file is not PDF/A.
_PDFUA_ID = _DESCRIPTION.format(
    namespaces=('xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/"\n'
                '  xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#"\n'
                '  xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#"'),
    properties=(
        "  <pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType=\"Resource\">\n"
        "    <pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>\n"
        "    <pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>\n"
        "    <pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>\n"
        "    <pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType=\"Resource\">\n"
        "      <pdfaProperty:name>part</pdfaProperty:name>\n"
        "      <pdfaProperty:valueType>Integer</pdfaProperty:valueType>\n"
        "      <pdfaProperty:category>internal</pdfaProperty:category>\n"
        "      <pdfaProperty:description>Part of ISO 14289 the file conforms to"
        "</pdfaProperty:description>\n"
        "    </rdf:li></rdf:Seq></pdfaSchema:property>\n"
        "  </rdf:li></rdf:Bag></pdfaExtension:schemas>\n")) + _DESCRIPTION.format(
    namespaces='xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/"',
    properties="  <pdfuaid:part>1</pdfuaid:part>\n")


def _simple(name: str, value: str | None) -> str:
    return "" if value is None else f"  <{name}>{_xml_text(value)}</{name}>\n"


def _language_alternative(name: str, value: str | None, lang: str | None) -> str:
    """An rdf:Alt with the default entry every reader takes, and the same text under the
    document's language."""
    if value is None:
        return ""
    text = _xml_text(value)
    entries = [f'<rdf:li xml:lang="x-default">{text}</rdf:li>']
    if lang:
        entries.append(f'<rdf:li xml:lang="{_xml_attribute(lang)}">{text}</rdf:li>')
    return f"  <{name}><rdf:Alt>{''.join(entries)}</rdf:Alt></{name}>\n"


def _list(name: str, kind: str, values: list[str]) -> str:
    if not values:
        return ""
    items = "".join(f"<rdf:li>{_xml_text(value)}</rdf:li>" for value in values)
    return f"  <{name}><rdf:{kind}>{items}</rdf:{kind}></{name}>\n"


def xmp_packet(info: DocumentInfo, lang: str | None, *, pdfua: bool = False,
               reading_copy: str | None = None) -> bytes:
    """The XMP packet (UTF-8) for a PDF whose Info dictionary is ``info`` and whose catalog
    /Lang is ``lang``: Dublin Core title, author, subject and language, the XMP and PDF
    schemas' dates, tools and keywords, PDF/A-2U identification, and PDF/UA-1's when the
    caller says the file is tagged for it (``pdfua``).

    A print-only file (imposed sheets) names the file to read instead, ``reading_copy``, as
    its dc:source (what it is made from); its subject, which says so, is carepress's own
    English sentence, so the description is given as English, not in ``lang``."""
    properties = "".join([
        _simple("dc:format", "application/pdf"),
        _language_alternative("dc:title", info.title, lang),
        _list("dc:creator", "Seq", [info.author] if info.author is not None else []),
        _language_alternative("dc:description", info.subject, "en" if reading_copy else lang),
        _list("dc:language", "Bag", [lang] if lang else []),
        _simple("dc:source", reading_copy),
        _simple("xmp:CreateDate", info.created),
        _simple("xmp:ModifyDate", info.modified),
        _simple("xmp:MetadataDate", info.modified),
        _simple("xmp:CreatorTool", info.creator),
        _simple("pdf:Producer", info.producer),
        _simple("pdf:Keywords", info.keywords),
    ])
    document = _DESCRIPTION.format(namespaces=_DOCUMENT_NAMESPACES, properties=properties)
    return "".join([_PACKET_START, document, _PDFA_ID, _PDFUA_ID if pdfua else "",
                    _PACKET_END]).encode("utf-8")


# --- the sRGB output intent ---------------------------------------------------------------

# LittleCMS writes the time a profile is made into the header's dateTimeNumber (bytes 24-35:
# six big-endian 16-bit fields, year to second).  Made bytes must not depend on the clock, so
# the date is set to this fixed moment, the one ReportLab's invariant mode writes too.
ICC_FIXED_DATE = (2000, 1, 1, 0, 0, 0)
_ICC_DATE = slice(24, 36)
# The profile ID (bytes 84-99) is an MD5 over the header, date included: the changed date
# would falsify one, so it is cleared to zeros, which the ICC specification reads as
# "not calculated".  (LittleCMS leaves it zero unless asked; this makes sure.)
_ICC_PROFILE_ID = slice(84, 100)


def normalised_icc_profile(profile: bytes) -> bytes:
    """``profile`` with its creation date fixed and its profile ID cleared: the same bytes
    whenever and wherever the same LittleCMS makes it."""
    fixed = bytearray(profile)
    fixed[_ICC_DATE] = b"".join(field.to_bytes(2, "big") for field in ICC_FIXED_DATE)
    fixed[_ICC_PROFILE_ID] = bytes(16)
    return bytes(fixed)


def _make_srgb_profile() -> bytes:
    from PIL import ImageCms  # (5 ms to import: only when the user cache lacks the profile)

    return normalised_icc_profile(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())


@functools.cache
def srgb_icc_profile() -> bytes:
    """LittleCMS's built-in sRGB profile (from Pillow), normalised; made once per machine and
    Pillow release (kept in the user cache), read once per process."""
    from carepress.usercache import cached_bytes, entry_key

    return cached_bytes("icc", f"srgb-{entry_key('pillow', code=__name__)}.icc", _make_srgb_profile)


@functools.cache
def srgb_icc_profile_deflated() -> bytes:
    """The sRGB profile Flate-compressed, for a stream with /Filter /FlateDecode; compressed
    once per process."""
    return zlib.compress(srgb_icc_profile(), 9)


ICC_COMPONENTS = 3  # the /N of the profile's stream: RGB
