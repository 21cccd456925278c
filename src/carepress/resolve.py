"""Resolve stage: passages + templates + brand -> a fully resolved ``Leaflet``.

Everything an author could get wrong in content is found here, before any PDF exists:
selectors that match no paragraph or several, pins that no longer match their source,
undefined template variables, bad inline markup.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from dataclasses import dataclass, replace
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from carepress.errors import CarepressError, Diagnostics, Origin
from carepress.fontfiles import brand_faces, font_bytes
from carepress.inline import InlineMarkupError, mark_language, protect, to_spans
from carepress.languages import babel_locale, leaflet_locale, primary, right_to_left, script_of
from carepress.load.sources import normalise, pin_of
from carepress.load.translations import unit_state
from carepress.model import (
    Editions,
    Block,
    Brand,
    BulletsBlock,
    CalloutBlock,
    ChecklistBlock,
    ContactBlock,
    DocumentControl,
    SupportBlock,
    FillInBlock,
    FillInField,
    FontSpec,
    Handout,
    Inline,
    Leaflet,
    Paragraph,
    PassageRef,
    RBlock,
    RCallout,
    RClinic,
    RClosing,
    RContact,
    RField,
    RFillIn,
    RFooter,
    RList,
    RLogo,
    RPassage,
    RSection,
    RSource,
    RText,
    RTypeface,
    Source,
    Span,
    TextBlock,
    TranslatedUnit,
    Translation,
    plain,
    text_span,
)
from carepress.typography import keep_together, typeset_strings

# The closing line for the editions a clinic builds: never one it does not (no line for none).
OTHER_EDITIONS = {Editions(True, True): "other_formats", Editions(True, False): "other_languages",
                  Editions(False, True): "other_large_print", Editions(False, False): None}

CLINIC_TEXT_WORD_LIMIT = 60  # clinic-written text stays short; longer is a warning


class _Group(dict):  # type: ignore[type-arg]
    """A group of template variables (`clinic`, `handout`) that knows its own name."""

    def __init__(self, label: str, values: dict[str, str]) -> None:
        super().__init__(values)
        self.label = label


class _Undefined(jinja2.StrictUndefined):
    """Names an undefined variable the way an author wrote it: `clinic.fax`."""

    @property
    def _undefined_message(self) -> str:
        label = getattr(self._undefined_obj, "label", None)
        if label:
            return f"`{label}.{self._undefined_name}` is not defined"
        return f"`{self._undefined_name}` is not defined"


class _Sandbox(SandboxedEnvironment):
    """Jinja's sandbox, with the two operators that can make a text too big to build
    (`{{ "x" * 10**10 }}` would take all memory) held to sizes a leaflet could use."""

    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and isinstance(right, (int, float)) and abs(right) > 64:
            raise jinja2.exceptions.SecurityError("a power above 64 is not allowed in a text")
        if operator == "*":
            sized, count = (left, right) if isinstance(right, int) else (right, left)
            if isinstance(sized, (str, list, tuple)) and isinstance(count, int) \
                    and len(sized) * count > 10_000:
                raise jinja2.exceptions.SecurityError("repeating text past 10,000 characters")
        return super().call_binop(context, operator, left, right)


_JINJA = _Sandbox(undefined=_Undefined, autoescape=False, finalize=lambda value: protect(str(value)))


@functools.lru_cache(maxsize=4096)
def _template(source: str) -> jinja2.Template:
    """Compiled once per text: a build renders the same texts for many clinics and layouts."""
    return _JINJA.from_string(source)


def _render(source: str, context: dict[str, Any]) -> str:
    """A clinic text rendered with Jinja; most hold no placeholder and skip it (compiling a
    template costs more than the rest of resolving), with the result Jinja would give: one
    trailing newline dropped."""
    return _template(source).render(context) if "{" in source else source.removesuffix("\n")


def tel_href(phone: str) -> str:
    return "tel:" + re.sub(r"[^\d+]", "", phone)


class UnknownLocale(ValueError):
    """Babel (CLDR) has no data for a language or locale: its dates cannot be written."""


# Between items on one line of a box (the contact lines, a support organisation's number
# and address): a middle dot that no line break separates from what it follows.
BETWEEN_ITEMS = "\u00a0\u00a0·\u00a0 "


def format_date(day: dt.date, locale: str) -> str:
    """A date as a language, or a region of it, writes it (Babel's CLDR data): `20 de
    noviembre de 2029` in `es`, `20 November 2029` in `en-GB`, `November 20, 2029` in `en`.

    Kept in the user cache under Babel's version: a leaflet prints three or four dates, and
    importing Babel and loading a language's data cost 40 ms of every process."""
    dates = _dates_of(locale)
    text = dates.get(day.isoformat())
    if text is None:
        from babel import UnknownLocaleError
        from babel.dates import format_date as babel_format_date

        from carepress.usercache import store_cached

        try:
            text = dates[day.isoformat()] = babel_format_date(day, format="long",
                                                              locale=babel_locale(locale))
        except UnknownLocaleError:
            raise UnknownLocale(locale) from None
        store_cached("dates", _dates_name(locale), json.dumps(dates, ensure_ascii=False).encode())
    return text


@functools.cache
def _dates_of(locale: str) -> dict[str, str]:
    """The dates formatted in ``locale`` so far, on this machine (one dict per process)."""
    from carepress.usercache import read_cached

    try:
        return dict(json.loads(read_cached("dates", _dates_name(locale)) or b"{}"))
    except ValueError:
        return {}


def _dates_name(locale: str) -> str:
    from carepress.usercache import entry_key

    return f"{locale}-babel-{entry_key('Babel', code='carepress.languages')}.json"  # (babel_locale's)


def document_code(control: DocumentControl, brand: Brand) -> str:
    """The code a clinic prints for a handout: its prefix before the handout's clinic-neutral
    code (`RWH-GYN-014`), or the handout's code when the brand gives no prefix."""
    prefix = brand.document_code_prefix
    return f"{prefix}-{control.code}" if prefix else control.code


def _clinic_context(brand: Brand, strings: dict[str, str]) -> dict[str, Any]:
    return {"name": brand.name, "phone": keep_together(brand.phone),
            "urgent_phone": keep_together(brand.urgent_phone),
            "emergency_phone": keep_together(brand.emergency_phone or ""),
            "urgent_label": strings["urgent_label"], "website": brand.website,
            "email": brand.email or "", "address": ", ".join(brand.address)}


def select_passage(ref: PassageRef, sources: dict[str, Source]) -> tuple[Source, Paragraph] | str:
    """The paragraph a selector names, or a message saying why there is not exactly one."""
    source = sources.get(ref.source)
    if source is None:
        known = ", ".join(f"`{s}`" for s in sorted(sources)) or "none"
        return f"unknown source `{ref.source}` (known sources: {known})"
    if ref.paragraph is not None:
        paragraph = source.paragraph(ref.paragraph)
        if paragraph is None:
            return (f"paragraph {ref.paragraph} does not exist: source `{source.id}` has "
                    f"{len(source.paragraphs)} paragraphs (see `carepress sources show {source.id}`)")
        candidates = [paragraph]
    else:
        candidates = list(source.paragraphs)
    if ref.starts is not None:
        opening = normalise(ref.starts)
        candidates = [p for p in candidates if p.text.startswith(opening)]
        if not candidates:
            where = f"paragraph {ref.paragraph}" if ref.paragraph else "any paragraph"
            return (f"no passage of `{source.id}` starts with \"{ref.starts}\" ({where}); "
                    f"see `carepress sources show {source.id}`")
        if len(candidates) > 1:
            numbers = ", ".join(str(p.number) for p in candidates)
            return (f"\"{ref.starts}\" opens {len(candidates)} paragraphs of `{source.id}` "
                    f"({numbers}); add `paragraph: N` or more opening words")
    paragraph = candidates[0]
    if paragraph.number in source.furniture:
        return (f"paragraph {paragraph.number} of `{source.id}` is page furniture "
                "(a caption, credit or navigation), not content to quote")
    return source, paragraph


def paragraph_pinned(source: Source, pin: str) -> Paragraph | None:
    """The paragraph of ``source`` whose text ``pin`` was made from, if it is still there:
    when a selector picks another paragraph, it tells a changed selector from a changed source."""
    return next((p for p in source.paragraphs if pin_of(p.text) == pin), None)


def selector_changed(ref: PassageRef, source: Source, pinned: Paragraph, picked: Paragraph) -> str:
    """The message for a pin whose text is still in the source, at another paragraph than the
    one the selector now picks."""
    # `paragraph: N` picks another paragraph also when the source gained or lost one before
    # it; opening words that the pinned paragraph lacks rule that out.
    opens_pinned = ref.starts is None or pinned.text.startswith(normalise(ref.starts))
    renumbered = (" (or paragraphs were added or removed before it in the source)"
                  if ref.paragraph is not None and opens_pinned else "")
    return (f"pin {ref.pin} is `{source.id}` paragraph {pinned.number}, which is unchanged, but "
            f"the selector now picks paragraph {picked.number}: the selector changed{renumbered}; "
            f"revert it to pick paragraph {pinned.number}, or run `carepress pin "
            f"{ref.origin.path.name}` to pin paragraph {picked.number} after reading it")


_PLACEHOLDER = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)


def _placeholders(text: str) -> set[str]:
    """The Jinja placeholders of a text, spaced one way (`{{ a|upper }}` is `{{ a | upper }}`)."""
    if "{{" not in text:  # (most texts: no pattern to run)
        return set()
    return {"{{ " + re.sub(r"\s*([|.(),])\s*", r"\1", " ".join(found.split())) + " }}"
            for found in _PLACEHOLDER.findall(text)}


@dataclass(frozen=True)
class ResolveOptions:
    strict: bool = False            # stale translations and past review dates are errors
    require_reviewed: bool = False  # a draft translation is an error
    today: dt.date | None = None    # to compare review-by dates with (None: no check)


class _Resolver:
    def __init__(self, handout: Handout, sources: dict[str, Source], brand: Brand,
                 strings: dict[str, str], pinned: dict[str, str], diagnostics: Diagnostics,
                 translation: Translation | None, options: ResolveOptions,
                 editions: Editions = Editions()):
        self.handout, self.sources, self.brand = handout, sources, brand
        self.pinned, self.diagnostics = pinned, diagnostics
        self.translation, self.options, self.editions = translation, options, editions
        self.lang = translation.lang if translation else handout.lang
        # As printed: with the no-break spaces the language's typography wants (the files,
        # and the PO files made from them, keep plain spaces).
        self.strings = strings = typeset_strings(strings, self.lang)
        # Dates follow the clinic's locale in leaflets of its language (`en-GB`: 20 November).
        self.locale = leaflet_locale(self.lang, brand.locale)
        # The document control as this clinic prints it: its code prefix and its owner.
        self.control = replace(handout.control, code=document_code(handout.control, brand),
                               owner=brand.document_owner or handout.control.owner)
        self.missing: list[tuple[str, str]] = []  # (unit id, English)
        self.stale: list[tuple[TranslatedUnit, str, str]] = []  # (unit, English, its hash)
        self.quoted: dict[str, tuple[int, Source]] = {}  # source id -> its number, the source
        self.field_names: set[str] = set()
        self.field_numbers: dict[str, int] = {}  # (field_name's counters)
        # The clinic's name is in its own language (a Latin name inside an Arabic sentence).
        self.name_lang = brand.lang if primary(brand.lang) != primary(self.lang) else None
        self.context = {"clinic": _Group("clinic", _clinic_context(brand, strings)),
                        "handout": _Group("handout", {"id": handout.id, "code": self.control.code,
                                                      "version": handout.control.version})}

    # -- inline text --------------------------------------------------------------------

    def translated(self, unit: str, english: str) -> TranslatedUnit | None:
        """The translation of one unit (None when resolving the English or when missing).
        Missing and stale units are noted here and reported together, one diagnostic per
        translation file (``report_units``)."""
        if self.translation is None:
            return None
        english_hash = pin_of(english)
        status, found = unit_state(self.translation, unit, english_hash)
        if status == "missing":
            self.missing.append((unit, english))
        elif status == "stale":
            assert found is not None
            self.stale.append((found, english, english_hash))
        if found is not None:
            self.check_placeholders(unit, english, found)
        return found

    def report_units(self) -> None:
        """The translation's missing units as one error at the file, its stale units as one
        warning (an error when strict) at the first of them; each listed with the English it
        needs, a stale one with its line and the hash to record."""
        translation, lang = self.translation, self.lang
        if translation is None:
            return
        if self.missing:
            count = len(self.missing)
            listed = ", ".join(f"{unit} (\"{first_words(english)}\")" for unit, english in self.missing)
            self.diagnostics.error(
                translation.origin,
                f"{count} {_units(count)} {'has' if count == 1 else 'have'} no `{lang}` translation: "
                f"{listed}; add {'it' if count == 1 else 'them'} under `units:` or import a PO file "
                f"(`carepress i18n export --lang {lang}`)")
        if self.stale:
            count = len(self.stale)
            listed = ", ".join(f"{found.id} (line {found.origin.line}: \"{first_words(english)}\", "
                               f"source: {english_hash})" for found, english, english_hash in self.stale)
            report = self.diagnostics.error if self.options.strict else self.diagnostics.warning
            report(self.stale[0][0].origin,
                   f"{count} stale {_units(count)} (the English changed since "
                   f"{'it was' if count == 1 else 'they were'} translated): {listed}; update "
                   f"{'its' if count == 1 else 'each one' + chr(39) + 's'} `text` in "
                   f"{translation.path.name}, then set `source:` to the hash given")

    def check_placeholders(self, unit: str, english: str, found: TranslatedUnit) -> None:
        """A translation that leaves out a placeholder of the English (the clinic's urgent
        phone number, say) takes that detail out of the leaflet: a warning, an error when
        strict, as for a stale unit."""
        missing = _placeholders(english) - _placeholders(found.text)
        if missing:
            report = self.diagnostics.error if self.options.strict else self.diagnostics.warning
            report(found.origin, f"the translation of unit `{unit}` leaves out "
                   f"{', '.join(sorted(missing))}, which the English has; put "
                   f"{'them' if len(missing) > 1 else 'it'} in `text` unchanged", f"en: {english}")

    def text(self, block: TextBlock, *, check_length: bool = False) -> Inline:
        template, origin = block.template, block.origin
        translated = self.translated(block.unit, block.template)
        if self.translation is not None:
            if translated is None:
                return ()
            template, origin, check_length = translated.text, translated.origin, False
        try:
            rendered = _render(template, self.context)
        except jinja2.TemplateSyntaxError as exc:
            origin = Origin(origin.path, origin.line + max(exc.lineno - 1, 0), origin.column)
            self.diagnostics.error(origin, f"template error: {exc.message}")
            return ()
        except jinja2.UndefinedError as exc:
            self.diagnostics.error(origin, f"undefined template variable: {exc.message}; "
                                   f"use one of {self._available()}")
            return ()
        except jinja2.exceptions.SecurityError as exc:
            self.diagnostics.error(origin, f"template not allowed: {exc}")
            return ()
        except Exception as exc:  # what an expression raises: {{ 1/0 }}, {{ clinic.phone() }}
            self.diagnostics.error(origin, f"template error: {exc.__class__.__name__}: {exc}; a "
                                   "text may only insert values, as in {{ clinic.phone }}")
            return ()
        try:
            spans = to_spans(rendered)
        except InlineMarkupError as exc:
            self.diagnostics.error(origin, str(exc))
            return ()
        if self.name_lang is not None:
            spans = mark_language(spans, self.brand.name, self.name_lang)
        words = len(plain(spans).split()) if check_length else 0
        if words > CLINIC_TEXT_WORD_LIMIT:
            self.diagnostics.warning(block.origin, f"clinic-written text has {words} words; keep it "
                                     f"under {CLINIC_TEXT_WORD_LIMIT} and quote the sources instead")
        return spans

    def _available(self) -> str:
        names = [f"{{{{ {group}.{key} }}}}" for group, values in self.context.items()
                 for key in values]
        return ", ".join(names)

    # -- blocks -------------------------------------------------------------------------

    def passage(self, ref: PassageRef) -> RPassage | None:
        selected = select_passage(ref, self.sources)
        if isinstance(selected, str):
            self.diagnostics.error(ref.origin, selected)
            return None
        source, paragraph = selected
        current = pin_of(paragraph.text)
        fix = f"carepress pin {ref.origin.path.name}"
        if ref.pin is None:
            self.diagnostics.error(ref.origin, f"passage is not pinned; run `{fix}` to add "
                                   f"`pin: {current}` after reading the passage")
            return None
        if ref.pin != current:
            pinned = paragraph_pinned(source, ref.pin)
            if pinned is not None:
                self.diagnostics.error(ref.pin_origin or ref.origin,
                                       selector_changed(ref, source, pinned, paragraph),
                                       f"pinned (paragraph {pinned.number}): {pinned.text}",
                                       f"picked (paragraph {paragraph.number}): {paragraph.text}")
                return None
            was = self.pinned.get(ref.pin, "(not recorded)")
            self.diagnostics.error(
                ref.pin_origin or ref.origin,
                f"pin {ref.pin} no longer matches `{source.id}` paragraph {paragraph.number}: the "
                f"source changed; read both and run `{fix}` to re-pin",
                f"was: {was}", f"now: {paragraph.text}")
            return None
        text = paragraph.text
        if self.translation is not None:
            translated = self.translated(ref.unit, paragraph.text)
            if translated is None:
                return None
            text = translated.text
        if source.id not in self.quoted:
            self.quoted[source.id] = (len(self.quoted) + 1, source)
        number = self.quoted[source.id][0]
        return RPassage(text_span(text), text, number)

    def block(self, block: Block) -> RBlock | None:
        if isinstance(block, PassageRef):
            return self.passage(block)
        if isinstance(block, TextBlock):
            return RText(self.text(block, check_length=True))
        if isinstance(block, (BulletsBlock, ChecklistBlock)):
            items = tuple(self.text(item, check_length=True) for item in block.items)
            return RList(items, checklist=isinstance(block, ChecklistBlock))
        if isinstance(block, FillInBlock):
            return RFillIn(tuple(self.field(f) for f in block.fields))
        if isinstance(block, ContactBlock):
            return self.contact
        if isinstance(block, SupportBlock):
            return self.support(block)
        if isinstance(block, CalloutBlock):
            blocks = tuple(b for b in (self.block(inner) for inner in block.blocks) if b is not None)
            return RCallout(block.kind, self.text(block.title), blocks)
        raise TypeError(f"unknown block {block!r}")  # pragma: no cover

    def field(self, fill_in: FillInField) -> RField:
        """A fill-in line: its label as printed, its choices, and a form-field name read from
        the handout's own label (`date_of_insertion`), the same in every language."""
        label = (plain(self.text(fill_in.label)) + self.strings["colon"]).rstrip()
        name = field_name(fill_in.label.template, self.field_names, self.field_numbers)
        self.field_names.add(name)
        return RField(label, tuple(plain(self.text(choice)) for choice in fill_in.choices), name)

    @functools.cached_property
    def contact(self) -> RContact:
        """The clinic's contact details: each `contact` block's, and the leaflet's own (a
        tri-fold's back panel, a booklet's back cover), made once."""
        brand, s = self.brand, self.strings

        def label(key: str) -> Span:
            return Span(s[key] + s["colon"])

        def link(href: str, text: str) -> Span:
            return Span(text, href=href)

        gap = Span(BETWEEN_ITEMS)
        name = Span(brand.name, bold=True, lang=self.name_lang)
        phone = (label("phone"), link(tel_href(brand.phone), keep_together(brand.phone)))
        urgent = (label("urgent_label"), link(tel_href(brand.urgent_phone), keep_together(brand.urgent_phone)))
        lines = [(name, gap, Span(", ".join(brand.address), lang=self.name_lang)),
                 (*phone, gap, *urgent),
                 (label("website"), link(brand.website, brand.website))]
        if brand.email:
            lines[-1] += (gap, label("email"), link("mailto:" + brand.email, brand.email))
        stacked = [(name,), *((Span(line, lang=self.name_lang),) for line in brand.address), phone, urgent]
        # (on a narrow panel the address without its `https://`: the link keeps it)
        shown = re.sub(r"^https?://", "", brand.website).rstrip("/")
        links = [(s["website"] + s["colon"], shown, brand.website)]
        if brand.email:
            links.append((s["email"] + s["colon"], brand.email, "mailto:" + brand.email))
        return RContact(s["contact_heading"], tuple(lines), tuple(stacked), tuple(links))

    def support(self, block: SupportBlock) -> RCallout | None:
        """The organisations the brand lists for the block's need, as an information box: a
        name, then its number and address as links.  None (and a warning) when it lists none."""
        brand, s = self.brand, self.strings
        organisations = [o for o in brand.support if block.need in o.needs]
        if not organisations:
            self.diagnostics.warning(block.origin, f"`{brand.id}` lists no support organisation for "
                                     f"`{block.need}`, so its leaflet prints none: add one to "
                                     f"`support` in {brand.path.name}, with `for: [{block.need}]`")
            return None
        items = []
        for organisation in organisations:
            line: tuple[Span, ...] = (Span(organisation.name, bold=True, lang=self.name_lang),)
            if organisation.phone:
                line += (Span(s["colon"]), Span(keep_together(organisation.phone),
                                                href=tel_href(organisation.phone)))
            if organisation.website:
                line += (Span(s["colon"] if len(line) == 1 else BETWEEN_ITEMS),
                         Span(organisation.website, href=organisation.website))
            items.append(line)
        return RCallout("info", (Span(s["support_heading"]),), (RList(tuple(items)),))

    def sources_list(self) -> tuple[RSource, ...]:
        """Each quoted source as the patient reads it: "<title>, <publisher>, <date>.", after
        "Based on: " when it is the only one.  What the clinic knows of a source but the
        source does not say (no publisher, no date of its own, the date it was received)
        stays out of print: `check` reports it."""
        s = self.strings
        entries = []
        for number, source in self.quoted.values():
            title = source.title.rstrip()
            if right_to_left(self.lang):  # an English title stays one left-to-right unit
                title = f"\u202a{title}\u202c"
            title_lang = self.handout.lang if self.handout.lang != self.lang else None
            lead = (Span(s["based_on"] + s["colon"]),) if len(self.quoted) == 1 else ()
            rest = [source.publisher] if source.publisher.strip().lower() != "not stated" else []
            if source.published is not None:
                rest.append(self.date(source.published))
            # (a title ending in "?" takes no comma after it)
            joined = "".join(s["comma"] + part if i or source.title.rstrip()[-1:] not in "?!？！" else
                             " " + part for i, part in enumerate(rest))
            stop = s["full_stop"].rstrip()  # "." or, in Chinese, "。"
            ending = "" if (rest and rest[-1] or title)[-1:] in ".?!。？！" else stop
            entries.append(RSource(number, (*lead, Span(title, lang=title_lang), Span(joined + ending))))
        return tuple(entries)

    def closing(self) -> RClosing:
        brand, s = self.brand, self.strings
        where = brand.feedback or brand.website
        href = f"mailto:{where}" if "@" in where and "://" not in where else where
        lead = s["feedback"].rstrip().removesuffix("{feedback}")  # (the loader checks it ends so)
        url = brand.leaflet_url.format(lang=self.lang, handout=self.handout.id) \
            if brand.leaflet_url else None
        short = re.sub(r"^https?://", "", url) if url else None
        qr_alt = f"{s['qr_code']}{s['colon']}{url}" if url else ""
        return RClosing(s[key] if (key := OTHER_EDITIONS[self.editions]) else "",
                        s["online"] + s["colon"], lead, where, href, url, short,
                        qr_alt)

    def date(self, day: dt.date) -> str:
        """A date as the leaflet's locale writes it; a locale Babel does not know is an error
        at the brand's `locale:` (or the language's, at the handout or translation)."""
        try:
            return format_date(day, self.locale)
        except UnknownLocale:
            if self.locale == self.lang:
                where = self.translation.origin if self.translation else Origin(self.handout.path)
                self.diagnostics.error(where, f"Babel (CLDR) has no data for `{self.lang}`: its "
                                       "dates cannot be written; use a language tag CLDR knows")
                return day.isoformat()
            self.diagnostics.error(self.brand.locale_origin or Origin(self.brand.path),
                                   f"`locale: {self.locale}` is not a locale Babel (CLDR) knows; "
                                   f"use one such as `en-GB`, or remove it to write dates as "
                                   f"`{self.lang}` does")
            self.locale = self.lang  # (reported once; the rest as the language writes them)
            return self.date(day)

    def footer(self, draft: bool) -> RFooter:
        s, control, brand = self.strings, self.control, self.brand
        review = self.date(control.review_by)
        # The owner's name is in the language it is written in: the brand's, or the handout's.
        owner_lang = brand.lang if brand.document_owner else self.handout.lang
        return RFooter(
            identity=f"{control.code} · {s['version']} {control.version}", review=f"{s['review_by']} {review}",
            questions=f"{s['questions']} {brand.name}{s['colon']}", phone=keep_together(brand.phone),
            phone_href=tel_href(brand.phone), page_of=s["page_of"],
            draft=draft_marker(s["draft_marker"]) if draft else None,
            approved=(Span(f"{s['approved']} {self.date(control.approved)} · "
                           f"{s['owner']}{s['colon']}"),
                      Span(control.owner, lang=owner_lang if primary(owner_lang) != primary(self.lang)
                           else None)))

    def clinic(self) -> RClinic:
        brand = self.brand
        logo = brand.logo
        image = RLogo(logo.data, logo.format, logo.alt, logo.path.name, logo.origin)
        return RClinic(brand.name, brand.colours, image, brand.website, self.typeface(),
                       self.name_lang)

    def typeface(self) -> RTypeface | None:
        """The brand's own typeface for the leaflet's script, if it names one."""
        script = script_of(self.lang)
        spec = self.brand.fonts.get(script)
        if spec is None:
            return None
        found = brand_typeface(spec, script)
        if isinstance(found, str):
            self.diagnostics.error(spec.origin, f"{found}; the {script} script (language "
                                   f"`{self.lang}`) cannot be set. Install the font, fix the "
                                   f"path, or remove `fonts.{script}` to use the packaged default")
            return None
        return found

    def leaflet(self) -> Leaflet:
        h = self.handout
        # (in reading order, so that the units a translation lacks are listed in that order)
        title, subtitle = self.text(h.title), self.text(h.subtitle) if h.subtitle else None
        sections = []
        for section in self.handout.sections:
            heading = self.text(section.heading)
            blocks = tuple(b for b in (self.block(block) for block in section.blocks) if b is not None)
            sections.append(RSection(heading, blocks))
        self.report_units()
        today = self.options.today
        if today is not None and h.control.review_by < today:
            report = self.diagnostics.error if self.options.strict else self.diagnostics.warning
            report(h.control_origin or Origin(h.path),
                   f"`{h.id}` was due for review on {h.control.review_by.isoformat()}; a leaflet "
                   "past its review date should not be printed without a decision: review it and "
                   "set a new `review_by`")
        # --strict gates drafts as --require-reviewed does, unless the clinic prints drafts
        # (marked so on every page) knowingly.
        strict_gate = self.options.strict and not self.brand.allow_drafts
        if self.translation is not None and (self.options.require_reviewed or strict_gate) \
                and self.translation.review.status != "reviewed":
            why = "" if self.options.require_reviewed else (
                f" (--strict refuses drafts unless the clinic's brand file, {self.brand.path.name}, "
                "sets `allow_drafts: true`)")
            self.diagnostics.error(self.translation.origin,
                                   f"the `{self.lang}` translation of `{h.id}` is a draft; printing "
                                   f"needs `review: status: reviewed` with the reviewer and date{why}")
        draft = self.translation is not None and (self.translation.review.status != "reviewed"
                                                  or bool(self.stale))
        s = self.strings
        return Leaflet(
            handout_id=h.id, lang=self.lang, title=title, subtitle=subtitle,
            sections=tuple(sections), sources=self.sources_list(),
            sources_heading=s["sources_heading"],
            sources_note=s["sources_note" if len(self.quoted) > 1 else "source_note"].format(
                clinic=self.brand.name),
            numbered=len(self.quoted) > 1,
            control=self.control, clinic=self.clinic(), footer=self.footer(draft), path=h.path,
            draft=draft, closing=self.closing(), contact=self.contact,
            trifold_sections=h.trifold_sections, notes_heading=s["notes"],
        )


def _units(count: int) -> str:
    return "unit" if count == 1 else "units"


def first_words(text: str, count: int = 4) -> str:
    """The opening words of a text, to recognise it by in a list: `Call us if you…`."""
    words = text.split()
    return " ".join(words[:count]) + ("…" if len(words) > count else "")


ENGLISH_DRAFT_MARKER = "Draft translation — not yet reviewed"


def draft_marker(own: str) -> str:
    """The draft line in the leaflet's language and, for readers of the clinic, in English."""
    return own if own == ENGLISH_DRAFT_MARKER else f"{own} · {ENGLISH_DRAFT_MARKER}"


def field_name(label: str, taken: set[str], counters: dict[str, int] | None = None) -> str:
    """A form field's name from its label, as a form-processing system reads it:
    `Date of insertion` -> `date_of_insertion` (ASCII letters and digits; `_2` for a name
    already taken in the leaflet).  ``counters`` (name -> the last number tried) lets the
    search for a free number start where the last one for that name ended: every number
    before it is taken, so the name is the same, and a label repeated n times costs n, not n²."""
    import unicodedata

    ascii_label = unicodedata.normalize("NFKD", _PLACEHOLDER.sub(" ", label)).encode("ascii", "ignore")
    name = "_".join(re.findall(r"[a-z0-9]+", ascii_label.decode().lower())) or "field"
    number = 1 if counters is None else counters.get(name, 1)
    unique = name if number == 1 else f"{name}_{number}"
    while unique in taken:
        number += 1
        unique = f"{name}_{number}"
    if counters is not None:
        counters[name] = number
    return unique


@functools.cache
def brand_typeface(spec: FontSpec, script: str) -> RTypeface | str:
    """A brand's typeface for one script, as the font files' bytes (read once per process),
    or why it cannot be found."""
    faces = []
    labels = []
    for value, fc_bold in brand_faces(spec.regular, spec.bold):
        found = font_bytes(value, spec.folder, fc_bold)
        if found is None:
            return (f"font `{value}` not found (neither `package:MODULE`, a file next to the "
                    "brand, nor a family fontconfig knows)")
        faces.append(found[0])
        labels.append(f"`{value}` ({found[1]})")
    return RTypeface(faces[0], faces[1], script, " / ".join(dict.fromkeys(labels)), spec.origin)


@dataclass(frozen=True)
class Resolved:
    leaflet: Leaflet
    warnings: tuple[Any, ...]


def resolve(handout: Handout, sources: dict[str, Source], brand: Brand,
            strings: dict[str, str], pinned: dict[str, str],
            translation: Translation | None = None,
            options: ResolveOptions = ResolveOptions(),
            editions: Editions = Editions()) -> Resolved:
    """Resolve one handout for one brand, in English or in a translation's language.

    Raises CarepressError listing every problem; warnings (stale units, long clinic text)
    come back with the leaflet.
    """
    diagnostics = Diagnostics()
    leaflet = _Resolver(handout, sources, brand, strings, pinned, diagnostics, translation,
                        options, editions).leaflet()
    if diagnostics.errors:
        raise CarepressError(diagnostics.items)
    return Resolved(leaflet, tuple(diagnostics.warnings))
