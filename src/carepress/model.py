"""The plain data that flows between stages.

Loaded models (``Source``, ``Handout``, ``Brand``, ``Layout``) keep the origin of every value
an author wrote so that later stages can report problems in the author's file.  ``Leaflet``
is the output of resolve: every passage quoted, every template rendered, nothing left to
look up.  Typesetting needs nothing else.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Union

from carepress.errors import Origin

# ---- sources -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Paragraph:
    number: int
    text: str
    line: int


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    publisher: str
    received: dt.date
    path: Path
    paragraphs: tuple[Paragraph, ...]
    furniture: frozenset[int] = frozenset()
    notes: str = ""
    origin: Origin | None = None
    published: dt.date | None = None  # the document's own date, if it gives one

    def paragraph(self, number: int) -> Paragraph | None:
        return self.paragraphs[number - 1] if 1 <= number <= len(self.paragraphs) else None


# ---- handouts ----------------------------------------------------------------------------


@dataclass(frozen=True)
class DocumentControl:
    code: str
    version: str
    approved: dt.date
    review_by: dt.date
    owner: str
    approver: str


@dataclass(frozen=True)
class PassageRef:
    """A verbatim quote: selected by paragraph number and/or opening words, pinned by hash."""

    source: str
    paragraph: int | None
    starts: str | None
    pin: str | None
    origin: Origin
    pin_origin: Origin | None = None
    unit: str = ""  # translation unit id, e.g. `s2.b1` (see load/units.py)
    role: str | None = None  # "reassurance": what the content checks keep out of urgent boxes


@dataclass(frozen=True)
class TextBlock:
    template: str
    origin: Origin
    unit: str = ""  # translation unit id, e.g. `title` or `s1.b2.i3`


@dataclass(frozen=True)
class BulletsBlock:
    items: tuple[TextBlock, ...]
    origin: Origin


@dataclass(frozen=True)
class ChecklistBlock:
    items: tuple[TextBlock, ...]
    origin: Origin


@dataclass(frozen=True)
class FillInField:
    label: TextBlock
    choices: tuple[TextBlock, ...] = ()


@dataclass(frozen=True)
class FillInBlock:
    fields: tuple[FillInField, ...]
    origin: Origin


@dataclass(frozen=True)
class ContactBlock:
    origin: Origin


@dataclass(frozen=True)
class SupportBlock:
    """Where to find support (`support: pregnancy-loss`): the organisations the clinic's brand
    lists for that need, set as an information box; clinic data, not clinical advice."""

    need: str
    origin: Origin


@dataclass(frozen=True)
class CalloutBlock:
    kind: str  # "urgent" | "info"
    title: TextBlock
    blocks: tuple["Block", ...]
    origin: Origin


Block = Union[PassageRef, TextBlock, BulletsBlock, ChecklistBlock, FillInBlock, ContactBlock,
              SupportBlock, CalloutBlock]


@dataclass(frozen=True)
class Section:
    heading: TextBlock
    blocks: tuple[Block, ...]
    origin: Origin


@dataclass(frozen=True)
class Handout:
    id: str
    lang: str
    title: TextBlock
    subtitle: TextBlock | None
    control: DocumentControl
    sections: tuple[Section, ...]
    path: Path
    control_origin: Origin | None = None  # where `control.review_by` is written
    profile: str | None = None  # the kind of leaflet, whose required parts `check` checks
    profile_origin: Origin | None = None
    topics: tuple["Topic", ...] = ()  # what a patient needs from it, found by its words
    code_origin: Origin | None = None  # where `control.code` is written
    # A tri-fold's summary edition: the sections (0-based, in handout order) a tri-fold
    # carries, or None for all of them (`trifold: sections:` in the handout)
    trifold_sections: tuple[int, ...] | None = None


@dataclass(frozen=True)
class Topic:
    """Something a patient needs the leaflet to tell (warning signs of infection): `check`
    looks for its words in what the leaflet quotes and says, and reports it missing."""

    name: str
    words: tuple[str, ...]
    origin: Origin


def pieces_of(handout: Handout) -> Iterator[TextBlock | PassageRef]:
    """Every text and quoted passage of a handout, in reading order: what is translated
    unit by unit, and (the passages) what is pinned and hashed for the build cache."""
    def walk(blocks: tuple[Block, ...]) -> Iterator[TextBlock | PassageRef]:
        for block in blocks:
            if isinstance(block, (TextBlock, PassageRef)):
                yield block
            elif isinstance(block, (BulletsBlock, ChecklistBlock)):
                yield from block.items
            elif isinstance(block, FillInBlock):
                for fill_in in block.fields:
                    yield fill_in.label
                    yield from fill_in.choices
            elif isinstance(block, CalloutBlock):
                yield block.title
                yield from walk(block.blocks)

    yield handout.title
    if handout.subtitle:
        yield handout.subtitle
    for section in handout.sections:
        yield section.heading
        yield from walk(section.blocks)


def passages_of(handout: Handout) -> Iterator[PassageRef]:
    return (piece for piece in pieces_of(handout) if isinstance(piece, PassageRef))


def has_fill_in(handout: Handout) -> bool:
    """Whether the handout has a `fill_in` block (in a section or a callout): only such a
    handout gets a fillable form."""
    def found(blocks: tuple[Block, ...]) -> bool:
        return any(isinstance(block, FillInBlock)
                   or (isinstance(block, CalloutBlock) and found(block.blocks)) for block in blocks)

    return any(found(section.blocks) for section in handout.sections)


# ---- brands and layouts ------------------------------------------------------------------


@dataclass(frozen=True)
class BrandColours:
    primary: str      # header band
    on_primary: str   # text on the header band
    accent: str       # headings, rules
    text: str
    urgent: str       # urgent callout bar and title
    urgent_background: str
    info: str
    info_background: str


@dataclass(frozen=True)
class Logo:
    path: Path
    alt: str
    origin: Origin
    data: bytes = b""  # the file's bytes, read when the brand is loaded

    @property
    def format(self) -> str:
        """"svg", "png" or "jpeg", from the file's suffix (the loader accepts only these)."""
        suffix = self.path.suffix.lower().lstrip(".")
        return "jpeg" if suffix == "jpg" else suffix


@dataclass(frozen=True)
class FontSpec:
    """A brand's own typeface for one script: a font file path (relative to the brand file)
    or a system family name that fontconfig knows."""

    regular: str
    bold: str | None
    folder: Path  # the brand file's folder, for relative paths
    origin: Origin


@dataclass(frozen=True)
class SupportOrganisation:
    """An organisation a clinic signposts its patients to, for the needs it names."""

    name: str
    needs: tuple[str, ...]  # e.g. `pregnancy-loss`, as handouts' `support:` blocks name them
    phone: str | None = None
    website: str | None = None


@dataclass(frozen=True)
class Brand:
    id: str
    name: str
    logo: Logo
    colours: BrandColours
    address: tuple[str, ...]
    phone: str
    urgent_phone: str
    website: str
    email: str | None
    path: Path
    languages: tuple[str, ...] = ()  # languages the clinic offers; empty means all
    fonts: dict[str, FontSpec] = field(default_factory=dict)  # script -> the brand's typeface
    layouts: tuple[str, ...] = ()    # layouts the clinic prints; empty means all
    leaflet_url: str | None = None   # online copy: a template with {lang} and {handout}
    feedback: str | None = None      # where patients send feedback (an e-mail or a web address)
    language_origins: tuple[Origin, ...] = ()  # where each of `languages` is written
    lang: str = "en"  # the language of its name and address (a Latin name inside Arabic)
    support: tuple["SupportOrganisation", ...] = ()  # where the clinic signposts patients
    reading_grade: float | None = None  # the highest English reading grade it accepts
    allow_drafts: bool = False  # prints draft translations, even with --strict
    emergency_phone: str | None = None  # the emergency services' number (911, 999)
    # Its own conventions: the prefix of its document codes (`RWH`: `RWH-GYN-014` for a
    # handout coded `GYN-014`), who owns its leaflets (printed instead of the handout's
    # `control.owner`), and its locale (`en-GB`: dates and regional fixed strings of its
    # language's leaflets; None: each language's own).
    document_code_prefix: str | None = None
    document_owner: str | None = None
    locale: str | None = None
    locale_origin: Origin | None = None

    def offers(self, lang: str) -> bool:
        """Whether the clinic offers leaflets in ``lang`` (every language when it names none)."""
        return not self.languages or lang in self.languages

    def prints(self, layout: str) -> bool:
        """Whether the clinic prints the layout ``layout`` (every one when it names none)."""
        return not self.layouts or layout in self.layouts


@dataclass(frozen=True)
class TypeScale:
    body: float
    small: float
    heading: float
    title: float
    subtitle: float
    leading: float  # line height as a multiple of the size


# Where a layout prints the document control's details: in every footer, or once at the end.
DocumentControlPlace = Literal["footer", "end"]


@dataclass(frozen=True)
class Layout:
    id: str
    name: str
    page_width: float   # points
    page_height: float
    margin_bottom: float
    margin_left: float
    margin_right: float
    header_height: float
    footer_height: float
    type: TypeScale
    max_pages: int
    path: Path
    imposition: "Imposition | None" = None
    large_print: bool = False  # a large-print edition: every type size at least LARGE_PRINT_MIN_PT
    # Where the document control's details (review-by date, approval date, owner) are
    # printed: "footer", on every page, or "end", once, whole, after the closing lines (a
    # booklet's back cover has it anyway), every page's footer keeping the code and version
    # with the page count.  Large print needs "end" (its default): its footer, at 16 pt, has
    # no room for them beside the phone and a draft translation's line in two languages.
    document_control: DocumentControlPlace = "footer"

    @property
    def folded_as(self) -> str | None:
        """How its pages are imposed on sheets: "booklet", "trifold", or None (page by page)."""
        return self.imposition.kind if self.imposition is not None else None


@dataclass(frozen=True)
class Imposition:
    """How reading-order pages are placed on printed sheets."""

    kind: str           # "booklet": two-up, saddle-stitch order, padded to a multiple of 4;
                        # "trifold": six panels, three on each side of a landscape sheet
    sheet_width: float  # points
    sheet_height: float
    # A tri-fold's tuck-in panel (pages 2 and 5, which back each other) is typeset this
    # much narrower than the others, so that it folds inside without buckling (points)
    tuck_in: float = 0.0


# The footer at the foot of every page, in multiples of the layout's `small` size
# (typeset/furniture.py draws it; load/layout.py checks that a layout has room for it): its
# rule under the footer's top, the first baseline under the rule, the other lines' baselines
# a little more than the size apart (so that four, a draft translation's, fit where the
# layouts' footers had room for three a size and a third apart), the last line's descenders.
FOOTER_RULE_DROP = 0.3
FOOTER_FIRST_BASELINE = 1.25
FOOTER_LINE_PITCH = 1.15
FOOTER_DESCENT = 0.3
FOOTER_LINES = 4  # the control line, the approval date and owner, the phone, the draft line
# Most office printers leave 4-5 mm at the paper's edges unprinted (HP: 1/6 in): a line a
# long footer line breaks into is taken only above it (points).
UNPRINTABLE_EDGE = 5 * 72 / 25.4
# From the footer's top to the last line's descenders: that much must stay on the page.
FOOTER_DEPTH = (FOOTER_RULE_DROP + FOOTER_FIRST_BASELINE + (FOOTER_LINES - 1) * FOOTER_LINE_PITCH
                + FOOTER_DESCENT)


# ---- resolved leaflet --------------------------------------------------------------------
# Format-neutral: inline text is spans, every date, link and fixed string is written out, the
# logo and the brand's own fonts are bytes.  A renderer (PDF, HTML) needs nothing else and
# never reads a file.


@dataclass(frozen=True)
class Span:
    """A run of inline text in one style."""

    text: str
    bold: bool = False
    italic: bool = False
    href: str | None = None  # https:, http:, tel: or mailto:
    lang: str | None = None  # the run's language when it is not the leaflet's


Inline = tuple[Span, ...]


def plain(inline: Inline) -> str:
    """The text a reader sees."""
    return "".join(span.text for span in inline)


def text_span(text: str) -> Inline:
    """Plain text as inline text (none for an empty string)."""
    return (Span(text),) if text else ()


@dataclass(frozen=True)
class RPassage:
    text: Inline
    quote: str          # the verbatim quote, for verification and extraction tests
    source_number: int  # 1-based index into Leaflet.sources


@dataclass(frozen=True)
class RText:
    text: Inline


@dataclass(frozen=True)
class RList:
    items: tuple[Inline, ...]
    checklist: bool = False


@dataclass(frozen=True)
class RField:
    label: str                # as printed, with the language's colon: `Date of insertion:`
    choices: tuple[str, ...]  # check boxes, or none for a line to write on
    name: str                 # a readable form-field name: `date_of_insertion`


@dataclass(frozen=True)
class RFillIn:
    fields: tuple[RField, ...]


@dataclass(frozen=True)
class RContact:
    heading: str
    lines: tuple[Inline, ...]
    # The same details for a narrow panel or a back cover: the name, each address line and
    # each phone number on a line of its own, then the web and e-mail addresses as
    # (label, address, href), each set so that it breaks only where an address may
    stacked: tuple[Inline, ...] = ()
    links: tuple[tuple[str, str, str], ...] = ()


@dataclass(frozen=True)
class RCallout:
    kind: str  # "urgent" | "info"
    title: Inline
    blocks: tuple["RBlock", ...]


RBlock = Union[RPassage, RText, RList, RFillIn, RContact, RCallout]


def nested_blocks(blocks: "Iterable[RBlock]") -> Iterator[RBlock]:
    """Each resolved block, a box's own blocks right after the box."""
    for block in blocks:
        yield block
        if isinstance(block, RCallout):
            yield from nested_blocks(block.blocks)


def blocks_of(leaflet: "Leaflet") -> Iterator[RBlock]:
    """Each block of the leaflet, section by section, a box's own blocks right after the box."""
    for section in leaflet.sections:
        yield from nested_blocks(section.blocks)


def block_texts(blocks: "Iterable[RBlock]") -> Iterator[str]:
    """The text of each resolved block as a reader sees it, in order (a fill-in line's label
    with its choices, a box's title before its blocks)."""
    for block in blocks:
        if isinstance(block, (RPassage, RText)):
            yield plain(block.text)
        elif isinstance(block, RList):
            yield from (plain(item) for item in block.items)
        elif isinstance(block, RFillIn):
            yield from (field.label + "".join(field.choices) for field in block.fields)
        elif isinstance(block, RContact):
            yield block.heading
            yield from (plain(line) for line in block.lines)
        elif isinstance(block, RCallout):
            yield plain(block.title)
            yield from block_texts(block.blocks)


@dataclass(frozen=True)
class Editions:
    """The other editions a clinic builds of a handout, which its leaflets say exist: more
    than one language of it, and a large-print layout (`large_print: true`)."""

    languages: bool = False
    large_print: bool = False


@dataclass(frozen=True)
class RClosing:
    """How to get the leaflet in another language or large print, and how to give feedback."""

    other_formats: str      # the editions the clinic builds ("": none, and no line)
    online_label: str       # `Online:`, before the short address of the online copy
    feedback: str           # the sentence that leads to the feedback address
    feedback_address: str   # an e-mail or web address, as printed
    feedback_href: str      # its link (mailto: for an e-mail address)
    url: str | None         # the online copy, for the QR code
    short_url: str | None   # as printed: without https://
    qr_alt: str = ""        # the QR code's alternative text: what it is and its address


@dataclass(frozen=True)
class RSection:
    heading: Inline
    blocks: tuple[RBlock, ...]


@dataclass(frozen=True)
class RSource:
    number: int
    text: Inline


@dataclass(frozen=True)
class RLogo:
    data: bytes
    format: str  # "svg" | "png" | "jpeg"
    alt: str
    name: str    # the file's name, for messages
    origin: Origin | None = None


@dataclass(frozen=True)
class RTypeface:
    """A brand's own typeface for the leaflet's script, as font files' bytes."""

    regular: bytes
    bold: bytes
    script: str    # "latin" | "arabic" | "cjk"
    label: str     # where the faces come from, for messages
    origin: Origin


@dataclass(frozen=True)
class RClinic:
    name: str
    colours: BrandColours
    logo: RLogo
    website: str
    typeface: RTypeface | None = None  # None: the packaged fonts for the script
    name_lang: str | None = None  # the name's language, when it is not the leaflet's


@dataclass(frozen=True)
class RFooter:
    """The page furniture's text, written out in the leaflet's language and its clinic's
    locale (`en-GB`: `20 November 2029`)."""

    identity: str         # `HH-GYN-014 · Version 1.0`
    review: str           # `Review by November 20, 2029`
    questions: str        # `Questions? Call Harbour Health:` (then the phone number)
    phone: str
    phone_href: str
    page_of: str          # `Page {page} of {pages}`: the numbers are the renderer's
    draft: str | None     # the draft-translation line, or None when reviewed
    # The rest of the document control: `Approved November 20, 2026 · Owner: Women's Health
    # Nursing Team, Harbour Health` (the clinic's owner, or the handout's; the owner's name
    # marked with its language when it is not the leaflet's)
    approved: Inline = ()

    @property
    def control(self) -> str:
        """The document control's line: `HH-GYN-014 · Version 1.0 · Review by November 20, 2029`."""
        return f"{self.identity} · {self.review}"


@dataclass(frozen=True)
class Leaflet:
    handout_id: str
    lang: str
    title: Inline
    subtitle: Inline | None
    sections: tuple[RSection, ...]
    sources: tuple[RSource, ...]
    sources_heading: str
    sources_note: str
    control: DocumentControl
    clinic: RClinic
    footer: RFooter
    path: Path  # the handout file, for problems found while rendering
    draft: bool = False  # a translation not yet reviewed, or with stale units
    closing: RClosing | None = None
    # Passages and sources carry their numbers ([1], [2]) when it quotes more than one
    # source; with one, the sources line says it all.
    numbered: bool = True
    # The clinic's contact details, for the back panel of a tri-fold and the back cover of a
    # booklet (whether or not a section has a `contact` block)
    contact: RContact | None = None
    trifold_sections: tuple[int, ...] | None = None  # a summary edition's (see Handout)
    notes_heading: str = "Notes"  # heads a booklet's ruled pages for notes, which fill its last sheet


# ---- rendered output ---------------------------------------------------------------------


@dataclass(frozen=True)
class Artifact:
    """What a renderer makes of a leaflet: a file's bytes, its suffix, its page count."""

    data: bytes
    suffix: str              # ".pdf" | ".html"
    pages: int | None = None  # None for a format without pages
    # A PDF's fonts that its typesetter used but did not embed (finish refuses the PDF)
    fonts_not_embedded: frozenset[str] = frozenset()


# ---- translations ------------------------------------------------------------------------


@dataclass(frozen=True)
class Review:
    status: str  # "draft" | "reviewed"
    translator: str
    method: str
    reviewer: str | None
    reviewed_on: dt.date | None


@dataclass(frozen=True)
class TranslatedUnit:
    id: str
    source_hash: str  # the hash of the English text this translates
    text: str
    origin: Origin


@dataclass(frozen=True)
class Translation:
    handout: str
    lang: str
    review: Review
    units: dict[str, TranslatedUnit]
    path: Path
    origin: Origin


# ---- output options --------------------------------------------------------------------

CROP_MARK_SLUG = 9 * 72 / 25.4  # room outside the bleed for crop marks
_MM = 72 / 25.4
CROP_MARK_GAP = 1 * _MM         # between the bleed and a crop mark
CROP_MARK_LENGTH = 5 * _MM
CROP_MARK_WIDTH = 0.25          # points: a hairline


def crop_mark_lines(left: float, bottom: float, right: float, top: float,
                    bleed: float) -> list[tuple[float, float, float, float]]:
    """The crop marks of a trimmed rectangle (a leaflet's page, an imposed sheet), as lines
    (x1, y1, x2, y2): at each corner one along each trim edge's line, outside the bleed."""
    start, end = bleed + CROP_MARK_GAP, bleed + CROP_MARK_GAP + CROP_MARK_LENGTH
    lines = []
    for x, sx in ((left, -1), (right, 1)):
        for y, sy in ((bottom, -1), (top, 1)):
            lines.append((x + sx * start, y, x + sx * end, y))
            lines.append((x, y + sy * start, x, y + sy * end))
    return lines


@dataclass(frozen=True)
class PrintOptions:
    """Output options: for print shops, colour that runs into a bleed around the trimmed page
    (TrimBox, BleedBox) and crop marks outside it; for screens, fillable form fields (set
    for the `fillable` jobs only, whatever the build's options say)."""

    bleed: float = 0.0  # points
    crop_marks: bool = False
    fillable: bool = False  # fill-in lines become AcroForm fields (a `fillable` job's form)

    @property
    def outer(self) -> float:
        """How far the sheet extends past the trimmed page on each side."""
        return self.bleed + (CROP_MARK_SLUG if self.crop_marks else 0.0)


