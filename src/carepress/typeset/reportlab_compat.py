"""Every place carepress reaches into ReportLab's internals, and why: nowhere else in
carepress names a private attribute or an undocumented object of ReportLab's.

ReportLab (open-source edition) has no PDF/A mode, no marked-content API and no way to draw a
shaped glyph.  What carepress needs beyond its public API is reached here and nowhere else;
tests/test_reportlab_compat.py checks each assumption against the installed ReportLab, so a
release that changes one fails a test rather than a leaflet.

For PDF/A:

- Stream data ends with an EOL before ``endstream`` (PDFStream.format writes ``dataendstream``).
- The catalog takes an /OutputIntents entry (PDFCatalog writes only the keys it lists).
- Every annotation is printable (/F 4) and has a normal appearance only (/AP with /N).
- A page that draws a soft-masked image says how to blend it (/Group, PDFPage lists no key).
- The Info values and dates, read back to repeat them in the XMP packet.
- A TrueType subset's code points and ToUnicode stream (TTFont.addObjects keeps neither).
- The document's creation date, fixed (a TimeStamp the canvas keeps in `_doc._timeStamp`).

For tagging, shaping and line breaking:
- The operator list of a canvas or a text object (`_code`): marked content (BDC/EMC), the
  spans of another language, recorded SVG logos, shaped glyphs (`_formatText`).
- The PDF document behind a canvas (`_doc`), its page dictionaries (`Pages.pages`) and the
  fonts it will write (`fontMapping`: which of them are not embedded).
- A TrueType face's tables (`_ttf_data`, `charToGlyph`, `glyphToChar`, `charWidths`,
  `hmetrics`, `defaultWidth`, `capHeight`): HarfBuzz's input, coverage, widths, and the
  glyphs a shaped run draws through codes of their own.
- The frame a flowable is drawn in (`_frame`): whether the flowable is its first (`_atTop`),
  and where the frame's content before it ended (`_y`).
- A chain of one-page templates (`_setPageTemplate`, `_nextPageTemplateIndex`).
- A TrueType face parsed once a machine: its parsed state pickled without `_ttf_data` and
  `_pdfScale`, and the attributes TTFont.__init__ sets, set from it.
- A Paragraph's broken lines (`blPara`, `_splitpara`, `frags`) and ReportLab's CJK line
  pieces (`cjkU`, `makeCJKParaLine`, `ParaLines`), for kinsoku line breaking.
"""

from __future__ import annotations

import hashlib
import io
import threading
import time
from fnmatch import fnmatch
from weakref import WeakKeyDictionary
from collections.abc import Iterable
from typing import Any

from reportlab.pdfbase import pdfdoc
from reportlab.pdfbase.pdfdoc import (
    XMP,
    PDFArray,
    PDFCatalog,
    PDFDictionary,
    PDFDocument,
    PDFName,
    PDFPage,
    PDFStream,
    PDFString,
)
from reportlab import rl_config
from reportlab.lib.utils import TimeStamp
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import SUBSETN, TTEncoding, TTFont, TTFontFace, unShapedFontGlob
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate
from reportlab.platypus.paragraph import ParaLines, cjkU, makeCJKParaLine

__all__ = ["ParaLines", "cjkU", "makeCJKParaLine"]  # (ReportLab's CJK line pieces, cjk.py's)

from carepress.pdfa import (
    ICC_COMPONENTS,
    OUTPUT_INTENT_SUBTYPE,
    SRGB_CONDITION,
    DocumentInfo,
    stream_eol,
    xmp_date_from_pdf,
)

# --- stream EOL ----------------------------------------------------------------------------

# PDF/A (ISO 19005-2, 6.1.7.1) wants an end-of-line marker between a stream's data and
# `endstream`, not counted in /Length.  ReportLab writes `...data` + `endstream\n`, and
# page-validation reported all three of STREAM-LENGTH (the data's last byte taken for the
# EOL), STREAM-EOL (e.g. after data ending with `%`, which starts a comment) and
# INDIRECT-OBJECT-SYNTAX (in the English Letter leaflet, for its last page's content stream
# alone) for that one cause: with the EOL in place none is reported.  Only documents marked
# with this attribute get the EOL, so ReportLab output that is not ours stays as it was.
PDFA_DOCUMENT_MARK = "_carepress_pdfa"
_STREAM_END = b"endstream\n"
_PATCHING = threading.Lock()


def _format_stream_for_pdfa(format_stream: Any) -> Any:
    def format_with_eol(stream: PDFStream, document: Any) -> bytes:
        formatted: bytes = format_stream(stream, document)
        if not getattr(document, PDFA_DOCUMENT_MARK, False):
            return formatted
        if not formatted.endswith(_STREAM_END):
            raise AssertionError("ReportLab no longer ends a stream with b'endstream\\n': "
                                 "see carepress/typeset/reportlab_compat.py")
        written = formatted[:-len(_STREAM_END)]  # (the dictionary, `stream`, the data)
        return written + stream_eol(written) + _STREAM_END

    format_with_eol.carepress_original = format_stream  # type: ignore[attr-defined]
    return format_with_eol


def install_stream_eol() -> None:
    """Wrap PDFStream.format (once per process) to end the data of marked documents' streams
    with an EOL.  ReportLab's subclasses (XMP) call it through super() and get it too."""
    with _PATCHING:
        if not hasattr(PDFStream.format, "carepress_original"):
            PDFStream.format = _format_stream_for_pdfa(PDFStream.format)  # type: ignore[method-assign]


# --- the canvas -------------------------------------------------------------------------------

# Annotation flags PDF/A (ISO 19005-2, 6.3.2) wants set (Print) and clear (Invisible, Hidden,
# NoView, ToggleNoView).
_PRINT_FLAG = 4
_UNPRINTED_FLAGS = 1 | 2 | 32 | 256
_TRANSPARENCY_GROUP = {"Type": PDFName("Group"), "S": PDFName("Transparency"),
                       "CS": PDFName("DeviceRGB")}


class PdfaCanvas(Canvas):
    """A canvas whose document is written as PDF/A-2: streams end with an EOL, annotations
    print and have normal appearances only, and pages with soft-masked images say how they
    blend.  The catalog entries (XMP, output intent) are the caller's to add at save time."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        install_stream_eol()
        setattr(self._doc, PDFA_DOCUMENT_MARK, True)

    # Every annotation ReportLab makes passes through here: links from linkURL (ours, and a
    # Paragraph's <a href>), AcroForm widgets (--fillable), text annotations.
    def _addAnnotation(self, annotation: Any, name: str | None = None,  # noqa: N802 - ReportLab's
                       addtopage: int = 1) -> None:
        if isinstance(annotation, PDFDictionary):
            pdfa_annotation(annotation)
        super()._addAnnotation(annotation, name, addtopage)
        tagger = getattr(self, "tagger", None)  # (a tagged PDF files it in the structure)
        if tagger is not None and addtopage and isinstance(annotation, PDFDictionary):
            tagger.annotation(self, annotation, self._annotationrefs[-1])

    def showPage(self) -> None:  # noqa: N802 - ReportLab's name
        blends = self._page_draws_soft_masked_image()
        super().showPage()
        if blends:
            add_page_entry(page_dictionaries(self._doc)[-1], "Group", PDFDictionary(dict(_TRANSPARENCY_GROUP)))

    def _page_draws_soft_masked_image(self) -> bool:
        """Whether an image this page draws has an /SMask (drawImage(mask="auto") of an image
        with alpha).  Images drawn inside a form XObject are the form's, not the page's."""
        objects = self._doc.idToObject
        return any(getattr(objects.get(pdfdoc.xObjectName(name)), "smask", None) is not None
                   for name in self._formsinuse)

    def document_info(self) -> DocumentInfo:
        """The Info dictionary as ReportLab will write it (PDFInfo.format), with its dates as
        XMP dates, for an XMP packet that must say the same."""
        info, stamp = self._doc.info, self._doc._timeStamp
        # (PDFDate's own format, for a document without a custom date formatter)
        pdf_date = "D:%04d%02d%02d%02d%02d%02d%+03d'%02d'" % (*stamp.YMDhms, stamp.dhh, stamp.dmm)
        if info._dateFormatter is not None:
            raise AssertionError("a custom Info date format would differ from the XMP dates")
        date = xmp_date_from_pdf(pdf_date)
        return DocumentInfo(title=info.title, author=info.author, subject=info.subject,
                            keywords=info.keywords, creator=info.creator, producer=info.producer,
                            created=date, modified=date)

    def add_metadata(self, xmp: bytes) -> None:
        """/Metadata: the XMP packet as an uncompressed stream (/Type /Metadata /Subtype /XML;
        the document's default stream filters are none)."""
        self.setCatalogEntry("Metadata", XMP(creator=lambda document: xmp))

    def add_output_intent(self, icc_deflated: bytes) -> None:
        """/OutputIntents: one PDF/A intent whose profile is ``icc_deflated`` (a Flate-
        compressed RGB ICC profile; /Filter is set, so ReportLab does not compress it again)."""
        profile = PDFStream(PDFDictionary({"N": ICC_COMPONENTS, "Filter": PDFName("FlateDecode")}),
                            icc_deflated)
        intent = PDFDictionary({
            "Type": PDFName("OutputIntent"), "S": PDFName(OUTPUT_INTENT_SUBTYPE),
            "OutputConditionIdentifier": PDFString(SRGB_CONDITION),
            "Info": PDFString(SRGB_CONDITION),
            "DestOutputProfile": profile,  # (a stream: ReportLab writes it as a reference)
        })
        add_catalog_entry(self._doc.Catalog, "OutputIntents", PDFArray([intent]))


def pdfa_annotation(annotation: PDFDictionary) -> None:
    """Set the Print flag and keep only the normal appearance (/N) of an annotation
    dictionary: PDF/A forbids /D and /R appearances, which ReportLab's check boxes have."""
    entries = annotation.dict
    flags = entries.get("F")
    entries["F"] = (flags if isinstance(flags, int) else 0) & ~_UNPRINTED_FLAGS | _PRINT_FLAG
    appearance = entries.get("AP")
    if isinstance(appearance, PDFDictionary) and set(appearance.dict) - {"N"}:
        entries["AP"] = PDFDictionary({"N": appearance.dict["N"]})


def add_catalog_entry(catalog: PDFCatalog, key: str, value: Any) -> None:
    """Set a catalog key PDFCatalog does not list: it writes only the names in its
    __NoDefault__, so this instance's list is extended."""
    _extend_written_keys(catalog, key)
    setattr(catalog, key, value)


def add_page_entry(page: PDFPage, key: str, value: Any) -> None:
    """Set a page key PDFPage does not list (as add_catalog_entry does for the catalog)."""
    _extend_written_keys(page, key)
    setattr(page, key, value)


def _extend_written_keys(dictionary: PDFCatalog, key: str) -> None:
    if key not in dictionary.__NoDefault__:
        dictionary.__NoDefault__ = [*dictionary.__NoDefault__, key]


# --- TrueType subsets ------------------------------------------------------------------------

def font_subsets(font: TTFont, document: PDFDocument) -> list[list[int]]:
    """The code points of each subset of ``font`` used in ``document``, in code order; read
    before TTFont.addObjects, which forgets the document's state."""
    state = font.state.get(document)
    return [list(subset) for subset in state.subsets] if state is not None else []


def subset_font_name(font: TTFont, number: int) -> str:
    """The /BaseFont of subset ``number`` (TTFont.addObjects's own naming)."""
    face = font.face
    return b"".join((SUBSETN(number), b"+", face.name, face.subfontNameX)).decode("pdfdoc")


def set_to_unicode_cmap(document: PDFDocument, base_font: str, cmap: str) -> None:
    """Replace the ToUnicode CMap TTFont.addObjects wrote for subset ``base_font``."""
    stream = document.idToObject.get("toUnicodeCMap:" + base_font)
    if stream is None:
        raise AssertionError(f"ReportLab wrote no ToUnicode stream named for {base_font}: "
                             "see carepress/typeset/reportlab_compat.py")
    stream.content = cmap


# --- a span's language, marked inside a paragraph's text ------------------------------------

# ReportLab's Paragraph calls an <onDraw> callback between two fragments of a line, with the
# text object being written in `canvas._curr_tx_info["tx"]`: the marks go into that object,
# between the fragments' text, as PDF 1.7 (14.9.2.2) gives a span of content its language.
# A span a page break cuts is closed before its text object ends (LanguageMarkingCanvas).


class LanguageMarkingCanvas(Canvas):
    """A canvas on which paragraphs mark the spans of another language (markup.py's
    language_marked): `/Span <</Lang (en)>> BDC … EMC`, inside the paragraph's content."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from carepress.typeset.markup import LANGUAGE_END, LANGUAGE_START

        self._open_languages = 0
        self.setNamedCB(LANGUAGE_START, self._language_start)
        self.setNamedCB(LANGUAGE_END, self._language_end)

    @staticmethod
    def _text_object(canvas: Canvas) -> Any:
        info = getattr(canvas, "_curr_tx_info", None)
        if not isinstance(info, dict) or "tx" not in info:
            raise AssertionError("ReportLab no longer passes the text object to <onDraw> "
                                 "callbacks: see carepress/typeset/reportlab_compat.py")
        return info["tx"]

    @staticmethod
    def _language_start(canvas: Any, kind: str, label: str | None) -> None:
        canvas._text_object(canvas)._code.append(f"/Span <</Lang ({label})>> BDC")
        canvas._open_languages += 1

    @staticmethod
    def _language_end(canvas: Any, kind: str, label: str | None) -> None:
        if canvas._open_languages:  # (none open: the span began on the page before)
            canvas._text_object(canvas)._code.append("EMC")
            canvas._open_languages -= 1

    def drawText(self, aTextObject: Any) -> None:  # noqa: N802, N803 - ReportLab's names
        aTextObject._code.extend(["EMC"] * self._open_languages)  # (before its ET)
        self._open_languages = 0
        super().drawText(aTextObject)


# --- content streams ------------------------------------------------------------------------

def operators(target: Any) -> list[str]:
    """The list of content-stream operators a canvas or a text object (beginText) is
    writing, in order: what is appended is written as is (marked content, recorded drawing
    operators, shaped glyphs).  ReportLab has no public way to write raw operators."""
    code = getattr(target, "_code", None)
    if not isinstance(code, list):
        raise AssertionError("ReportLab's canvas and text objects no longer keep their operators "
                             "in a `_code` list: see carepress/typeset/reportlab_compat.py")
    return code


def show_text_operator(text_object: Any, text: str) -> str:
    """The operator that shows ``text`` in ``text_object``'s current font (its `Tj`, with
    the font's encoding and subsets), without moving the object's cursor as textOut does."""
    return str(text_object._formatText(text))


def document_of(canvas: Canvas) -> PDFDocument:
    """The PDF document a canvas writes into (its objects, catalog and pages)."""
    return canvas._doc


def fonts_not_embedded(document: PDFDocument) -> frozenset[str]:
    """The fonts the document uses (on its pages and in its forms) whose program it will not
    embed.  ReportLab writes every font named in the document's `fontMapping` (each font a
    `setFont` asked for) and embeds a subset of each TrueType font; any other font (the
    base-14 fonts, CID fonts) is named, not embedded."""
    return frozenset(name for name in document.fontMapping
                     if not isinstance(pdfmetrics.getFont(name), TTFont))


def page_dictionaries(document: PDFDocument) -> list[PDFPage]:
    """The document's page objects so far, in order."""
    return list(document.Pages.pages)


def fixed_timestamp(epoch: int) -> TimeStamp:
    """A ReportLab TimeStamp fixed at ``epoch`` (UTC), so output never depends on the clock."""
    stamp = TimeStamp(invariant=1)
    stamp.t = epoch
    stamp.lt = time.gmtime(epoch)
    stamp.YMDhms = tuple(stamp.lt)[:6]
    return stamp


def set_creation_date(canvas: Canvas, epoch: int) -> None:
    """The document's CreationDate and ModDate: ``epoch`` (UTC)."""
    document_of(canvas)._timeStamp = fixed_timestamp(epoch)


# --- TrueType faces -------------------------------------------------------------------------

def font_program(font_name: str) -> bytes:
    """The whole TrueType file of a registered TrueType font (HarfBuzz shapes with it)."""
    return bytes(pdfmetrics.getFont(font_name).face._ttf_data)


def covered_codes(font: TTFont) -> frozenset[int]:
    """The code points the font's cmap (and the codes carepress mapped since) draw."""
    return frozenset(font.face.charToGlyph)


def glyph_codes(font: TTFont, glyph: int) -> Iterable[int]:
    """The code points that draw glyph ``glyph``."""
    return tuple(font.face.glyphToChar.get(glyph, ()))


def map_code_to_glyph(font: TTFont, code: int, glyph: int) -> None:
    """Make code point ``code`` draw glyph ``glyph`` at its own advance: ReportLab draws a
    glyph only through a code point its face maps to it."""
    face = font.face
    face.charToGlyph[code] = glyph
    face.glyphToChar.setdefault(glyph, []).append(code)
    face.charWidths[code] = face.hmetrics[glyph][0]


def char_widths(font_name: str) -> tuple[dict[int, float], float]:
    """A registered TrueType font's advance per code point (thousandths of an em) and the
    advance of a code it does not map."""
    face = pdfmetrics.getFont(font_name).face
    return face.charWidths, face.defaultWidth


def cap_height(font_name: str) -> float:
    """A font's cap height in thousandths of an em (0 when its face does not say)."""
    return float(getattr(pdfmetrics.getFont(font_name).face, "capHeight", 0) or 0)


# --- platypus -------------------------------------------------------------------------------

def at_frame_top(flowable: Any) -> bool:
    """Whether a flowable being drawn is the first in its frame (True outside a frame)."""
    frame = getattr(flowable, "_frame", None)
    return bool(getattr(frame, "_atTop", True))


def frame_cursor(flowable: Any) -> float:
    """The cursor of the frame a flowable is being drawn in: the height on the page where
    the frame's content before the flowable ended (0.0 outside a frame)."""
    frame = getattr(flowable, "_frame", None)
    return float(getattr(frame, "_y", 0.0))


def lines_broken(paragraph: Any) -> bool:
    """Whether a Paragraph holds broken lines (wrap made them; split() drops them)."""
    return "blPara" in paragraph.__dict__


def split_part_lines(paragraph: Any) -> Any:
    """The lines a part split off another Paragraph was given (None for a whole one)."""
    if hasattr(paragraph, "blPara") and getattr(paragraph, "_splitpara", False):
        return paragraph.blPara
    return None


def fragments(paragraph: Any) -> list[Any]:
    """A Paragraph's parsed fragments (runs of text in one style)."""
    return list(paragraph.frags)


# --- a TrueType face parsed once a machine ---------------------------------------------------

# What ReportLab's parse of a TrueType file holds, but for the file's bytes (the caller has
# them) and the scale function (a closure, made again from unitsPerEm as ReportLab makes it).
_FACE_LEFT_OUT = ("_ttf_data", "_pdfScale")


def parsed_face(data: bytes) -> TTFontFace:
    """ReportLab's parse of the TrueType font ``data`` (its tables, cmap and widths: 40 ms a
    FiraGO face, two in every leaflet's process), kept in the user cache (`faces`) by the
    font's hash and ReportLab's ttfonts module: the same face, read in about 3 ms
    (tests/test_fonts.py compares every attribute with a fresh parse)."""
    import pickle

    from carepress.usercache import module_key, read_cached, store_cached

    name = (f"{hashlib.sha256(data).hexdigest()[:24]}-reportlab-"
            f"{module_key('reportlab.pdfbase.ttfonts')}.pickle")
    cached = read_cached("faces", name)
    if cached is not None:
        try:
            state = pickle.loads(cached)
            face = TTFontFace.__new__(TTFontFace)
            face.__dict__.update(state)
            face._ttf_data = data
            face._pdfScale = _pdf_scale(face.unitsPerEm)
            return face
        except Exception:  # (a damaged entry, or one of another Python: parse again)
            pass
    face = TTFontFace(io.BytesIO(data))
    store_cached("faces", name, pickle.dumps(
        {key: value for key, value in vars(face).items() if key not in _FACE_LEFT_OUT}, protocol=5))
    return face


def _pdf_scale(units_per_em: int):  # type: ignore[no-untyped-def]
    """Font units to PDF's thousandths of an em, as ReportLab's parser makes it."""
    if units_per_em == 1000:
        return lambda x: x
    thousand_times = 1000 / units_per_em
    return lambda x: x * thousand_times



def init_with_cached_face(font: TTFont, name: str, data: bytes) -> None:
    """What TTFont.__init__ does (its attributes, as ReportLab 5.1 sets them), with the face
    from ``parsed_face``: a TTFont subclass's ``__init__`` calls this instead of super's."""
    font.fontName = name
    font.face = parsed_face(data)
    font.encoding = TTEncoding()
    font.state = WeakKeyDictionary()
    font._asciiReadable = rl_config.ttfAsciiReadable
    font.shapable = not any(fnmatch(name, glob) for glob in unShapedFontGlob)


# --- page templates -------------------------------------------------------------------------

class OnePageTemplateChain(BaseDocTemplate):
    """A doc template whose templates' ``autoNextPageTemplate`` chains advance one page a
    template."""

    def _setPageTemplate(self) -> None:  # noqa: N802 - ReportLab's name
        # ReportLab follows a template's autoNextPageTemplate by setting the next template's
        # index and leaves that index set, so the template after it is used for two pages:
        # a chain of one-page templates (a tri-fold's panels) advances one page a template.
        following = getattr(self, "pageTemplate").autoNextPageTemplate
        if following and not hasattr(self, "_nextPageTemplateIndex") \
                and not hasattr(self, "_nextPageTemplateCycle"):
            self.handle_nextPageTemplate(following)
            self.pageTemplate = self.pageTemplates[self._nextPageTemplateIndex]
            del self._nextPageTemplateIndex
            return
        super()._setPageTemplate()
