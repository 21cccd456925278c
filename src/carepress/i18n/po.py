"""gettext PO export and import (Babel's reader and writer).

Export: one PO file per language holding every handout's units; msgctxt is the unit id
(`HANDOUT/UNIT`), msgid the English, msgstr the translation, `#:` the English's file:line,
`#.` what the unit is and the source document it quotes.  A stale unit is exported
`fuzzy`, with the English it was translated from as its previous msgid (`#| msgid`), so a
PO editor shows what changed.  The fixed strings follow (`strings:KEY`, see
``carepress.i18n.fixed``).  The template (POT) is the same entries with no translations.
Import writes the translations back; a fuzzy entry stays stale.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import normalize, read_po, write_po

from carepress.errors import CarepressError, Diagnostic, Origin, did_you_mean, display_path
from carepress.i18n.catalog import recorded_english, render_translation, write_translation
from carepress.i18n.fixed import (
    CONTEXT as STRINGS_CONTEXT, checked_strings, fixed_strings, render_strings, strings_path,
)
from carepress.i18n.units import unit_states, units_of
from carepress.files import write_atomic
from carepress.languages import babel_locale, primary
from carepress.load import Project
from carepress.load.schema import LANG_PATTERN
from carepress.load.sources import pin_of
from carepress.load.strings import STRING_KEYS
from carepress.load.translations import TRANSLATIONS_FOLDER
from carepress.model import Handout, Review, TranslatedUnit

NEVER_MATCHES = "00000000"  # the hash a fuzzy entry with no earlier translation is given
_BABEL_PLACEHOLDER = "FULL NAME <EMAIL@ADDRESS>"  # the `Last-Translator:` of a PO nobody filled in


def export_po(project: Project, lang: str) -> bytes:
    """The PO file for ``lang``: every unit of every handout, in handout order, then the
    fixed strings."""
    return _written(*_catalog(project, lang))


def export_template(project: Project) -> bytes:
    """The POT template: every English unit and fixed string, nothing translated."""
    return _written(*_catalog(project, None))


def is_new_language(project: Project, lang: str) -> bool:
    """Whether the project has neither fixed strings nor any translation in ``lang``."""
    return lang not in project.strings and all(lang != known for _, known in project.translations)


def new_language_note(lang: str, po_file: Path) -> str:
    """What a translator does with the PO file of a language the project lacks."""
    return (f"note: `{lang}` is new to this project, so {po_file} holds every unit and fixed "
            f"string untranslated; translate them all, then `carepress i18n import {po_file}` "
            f"writes {TRANSLATIONS_FOLDER}/{lang}/ and layouts/strings/{lang}.yaml, and a clinic "
            f"prints `{lang}` leaflets once its brand lists `{lang}` in `languages:`")


def _catalog(project: Project, lang: str | None) -> tuple[Catalog, dict[str, str]]:
    """The catalog, and the previous msgid of each stale entry (by msgctxt)."""
    epoch = max((h.control.approved for h in project.handouts.values()), default=dt.date(2000, 1, 1))
    stamp = dt.datetime.combine(epoch, dt.time(), dt.timezone.utc)
    catalog = Catalog(locale=babel_locale(lang) if lang else None, project="carepress leaflets",
                      version="", creation_date=stamp, revision_date=stamp,
                      fuzzy=lang is None,  # (a template's header is fuzzy until msginit fills it)
                      msgid_bugs_address="", last_translator="", language_team="")
    previous: dict[str, str] = {}
    for handout_id in sorted(project.handouts):
        previous.update(_add_units(catalog, project, project.handouts[handout_id], lang))
    translated = project.strings.get(lang, {}) if lang else {}
    for fixed in fixed_strings(project.root, project.strings):
        catalog.add(fixed.english, translated.get(fixed.key, ""),
                    locations=[(display_path(fixed.origin.path), fixed.origin.line)],
                    auto_comments=[fixed.note], context=f"{STRINGS_CONTEXT}{fixed.key}")
    return catalog, previous


def _add_units(catalog: Catalog, project: Project, handout: Handout,
               lang: str | None) -> dict[str, str]:
    """Add the handout's units; return the English each stale one was translated from."""
    translation = project.translations.get((handout.id, lang)) if lang else None
    earlier: dict[str, str] | None = None  # read from the translation file on the first stale unit
    previous = {}
    for state in unit_states(handout, project.sources, translation):
        unit = state.unit
        context = f"{handout.id}/{unit.id}"
        translated = translation.units.get(unit.id) if translation else None
        notes = [unit.note, f"english hash: {unit.hash}"]
        if state.status == "stale" and translation is not None:
            earlier = recorded_english(translation) if earlier is None else earlier
            if unit.id in earlier:
                previous[context] = earlier[unit.id]
            notes.append("stale: the English changed since; " + (
                "#| shows the earlier English" if unit.id in earlier
                else "the earlier English is not recorded"))  # (one line: Babel wraps at 76)
        catalog.add(
            unit.english, translated.text if translated else "",
            locations=[(display_path(unit.origin.path), unit.origin.line)],
            flags=("fuzzy",) if state.status == "stale" else (),
            auto_comments=notes, context=context)
    return previous


def _written(catalog: Catalog, previous: dict[str, str]) -> bytes:
    """The PO text, with each stale entry's previous msgctxt and msgid (`#|`) before its
    msgctxt, where gettext puts them.  (Babel writes a previous msgid as a comment, wrapped
    as prose at 76 columns: a long one's later lines are no string, which GNU gettext's
    tools reject.  So they are written here, quoted and continued as msgid is.)"""
    out = io.BytesIO()
    write_po(out, catalog, width=0, omit_header=False, sort_output=False, include_lineno=True)
    lines = out.getvalue().decode("utf-8").split("\n")
    for index in range(len(lines) - 1, -1, -1):
        match = _CONTEXT_LINE.fullmatch(lines[index])
        if match and match.group(1) in previous:
            lines[index:index] = [f"#| msgctxt {normalize(match.group(1), width=0)}",
                                  f"#| msgid {normalize(previous[match.group(1)], prefix='#| ', width=0)}"]
    return "\n".join(lines).encode("utf-8")


_CONTEXT_LINE = re.compile(r'msgctxt "([^"\\]*)"')  # (unit ids hold no quote or backslash)


@dataclass(frozen=True)
class ImportResult:
    written: tuple[Path, ...]
    units: int
    stale: int
    strings: int = 0  # fixed strings imported
    fuzzy_strings: int = 0  # fixed strings left as they were: fuzzy entries are not yet confirmed
    new_language: str | None = None  # a language this import added to the project


def _language(project: Project, po_path: Path, catalog: Catalog, strings: set[str]) -> str:
    """The project language a PO file is in, from its `Language:` header: one the project
    has fixed strings for (a PO editor's default `es_ES` is not `es`, and the project's
    folders are named by its own tags), or a new one whose fixed strings the file translates,
    every one (``strings``: the keys it translates), so that the import can write them."""
    written = dict(catalog.mime_headers).get("Language", "").strip()
    if not written:
        raise CarepressError([Diagnostic(Origin(po_path), "the PO header names no `Language:`; "
                                         "add the language, e.g. `Language: es`")])
    lang = written.replace("_", "-")
    known = sorted(project.strings)
    if lang in known:
        return lang
    near = primary(lang) in known
    if strings_path(project.root, lang).exists():  # there, but it failed to load
        raise CarepressError([Diagnostic(Origin(po_path), f"layouts/strings/{lang}.yaml has "
                                         "problems (`carepress check` names them); fix it, then "
                                         "import again")])
    if not near and re.fullmatch(LANG_PATTERN, lang) and strings >= set(STRING_KEYS):
        return lang  # a new language, complete enough to add
    hint = f"; did you mean `{primary(lang)}`?" if near else did_you_mean(lang, known)
    untranslated = [f"`{STRINGS_CONTEXT}{key}`" for key in STRING_KEYS if key not in strings]
    listed = ", ".join(untranslated[:3]) + (", …" if len(untranslated) > 3 else "")
    fix = ("" if near else f", or translate every fixed string in this file so that the import "
           f"adds the language ({len(untranslated)} untranslated or fuzzy: {listed})")
    raise CarepressError([Diagnostic(Origin(po_path), f"`Language: {written}` is not a language "
                                     f"of this project{hint} (it has {', '.join(known)}); set the "
                                     f"header to one of them, or add layouts/strings/{lang}.yaml "
                                     f"first{fix}")])


# A PO line holding a string: a keyword and a string, or a string continuing the last one.
_STRING_LINE = re.compile(r'\s*(?:(?:msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+)?(".*)')
_WHOLE_STRING = re.compile(r'"(?:[^"\\]|\\.)*"\s*')


def _unclosed_strings(po_path: Path, text: str) -> list[Diagnostic]:
    """Lines whose string does not end with its quote: Babel's reader would quietly drop the
    last character of each (`"¿Qué es un DIU?` imported as `¿Qué es un DIU`)."""
    problems = []
    for number, line in enumerate(text.splitlines(), start=1):
        match = _STRING_LINE.fullmatch(line)
        if match and not _WHOLE_STRING.fullmatch(match.group(1)):
            problems.append(Diagnostic(Origin(po_path, number), "this string does not end with "
                                       "`\"` (or has a `\"` inside that is not written `\\\"`)"))
    return problems


def _read_catalog(po_path: Path) -> Catalog:
    try:
        data = po_path.read_bytes()
        problems = _unclosed_strings(po_path, data.decode("utf-8", "replace"))
        if problems:
            raise CarepressError(problems)
        return read_po(io.BytesIO(data), abort_invalid=True)
    except CarepressError:
        raise
    except Exception as exc:  # Babel raises PoFileError and others for malformed files
        raise CarepressError([Diagnostic(Origin(po_path), f"cannot read PO file: {exc}")]) from None


def import_po(project: Project, po_path: Path) -> ImportResult:
    """Merge a PO file into the translation files of its language and its fixed strings.
    Nothing is written while any entry has a problem."""
    catalog = _read_catalog(po_path)
    incoming: dict[str, dict[str, tuple[str, str, bool]]] = {}
    strings: dict[str, tuple[str, Origin]] = {}
    fuzzy_strings = 0
    problems = []
    for message in catalog:
        if not message.id or not message.context:
            continue
        where = Origin(po_path, message.lineno or 1)
        context = str(message.context)
        if context.startswith(STRINGS_CONTEXT):
            key = context[len(STRINGS_CONTEXT):]
            if key not in STRING_KEYS:
                problems.append(Diagnostic(where, f"unknown fixed string `{key}` in msgctxt "
                                           f"`{context}`{did_you_mean(key, STRING_KEYS)}"))
            elif message.string and message.fuzzy:
                fuzzy_strings += 1
            elif message.string:
                strings[key] = (str(message.string), where)
            continue
        handout, _, unit = context.partition("/")
        if handout not in project.handouts:
            problems.append(Diagnostic(where, f"unknown handout `{handout}` in msgctxt `{context}`"))
            continue
        if message.string:
            incoming.setdefault(handout, {})[unit] = (str(message.id), str(message.string), message.fuzzy)
    if problems:
        raise CarepressError(problems)
    lang = _language(project, po_path, catalog, set(strings))
    checked, problems = checked_strings(strings)
    if problems:
        raise CarepressError(problems)
    written, count, stale = [], 0, 0
    for handout_id, messages in sorted(incoming.items()):
        path, units, fuzzy = _merge_translation(project, project.handouts[handout_id], lang,
                                                messages, catalog.last_translator)
        written.append(path)
        count += units
        stale += fuzzy
    strings_file = _merge_strings(project, lang, checked)
    if strings_file:
        written.append(strings_file)
    return ImportResult(tuple(written), count, stale, len(checked), fuzzy_strings,
                        lang if lang not in project.strings else None)


def _merge_translation(project: Project, handout: Handout, lang: str,
                       messages: dict[str, tuple[str, str, bool]],
                       last_translator: str | None) -> tuple[Path, int, int]:
    """Write one translation file with the PO's entries merged in: its path, how many units
    came from the PO and how many of them were fuzzy."""
    existing = project.translations.get((handout.id, lang))
    units = units_of(handout, project.sources)
    merged = dict(existing.units) if existing else {}
    translated_from = recorded_english(existing) if existing else {}
    changed = False
    path = project.root / TRANSLATIONS_FOLDER / lang / f"{handout.id}.yaml"
    current = {unit.id: unit.hash for unit in units}
    for unit_id, (english, text, fuzzy) in messages.items():
        before = merged.get(unit_id)
        if fuzzy:  # needs re-checking: stays (or becomes) stale, keeping its old hash if stale
            stale_before = before is not None and before.source_hash != current.get(unit_id)
            source_hash = before.source_hash if stale_before and before is not None else NEVER_MATCHES
        else:  # the translator confirmed this text against this English
            source_hash = pin_of(english)
            translated_from[unit_id] = english
        if before is None or before.text != text or before.source_hash != source_hash:
            changed = True
        merged[unit_id] = TranslatedUnit(unit_id, source_hash, text, Origin(path))
    if not last_translator or last_translator == _BABEL_PLACEHOLDER:
        last_translator = "not stated"
    review = existing.review if existing else Review(
        "draft", last_translator, "imported from a PO file", None, None)
    if changed and review.status == "reviewed":  # changed text needs a new review
        review = Review("draft", review.translator, review.method, None, None)
    write_translation(path, render_translation(handout.id, lang, review, units, merged,
                                               translated_from))
    return path, len(messages), sum(fuzzy for _, _, fuzzy in messages.values())


def _merge_strings(project: Project, lang: str, values: dict[str, str]) -> Path | None:
    """Write the fixed strings that changed into the language's strings file (a new
    language's file is made); None when there was nothing to change."""
    before = project.strings.get(lang, {})
    changed = {key: text for key, text in values.items() if before.get(key) != text}
    if not changed:
        return None
    path = strings_path(project.root, lang)
    current = path.read_text(encoding="utf-8") if lang in project.strings else None
    write_atomic(path, render_strings(lang, current, changed).encode("utf-8"))
    return path
