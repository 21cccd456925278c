"""gettext PO export and import (Babel's reader and writer).

Export: one PO file per language holding every handout's units; msgctxt is the unit id
(`HANDOUT/UNIT`), msgid the English, msgstr the translation, `#:` the English's file:line,
`#.` what the unit is and the source document it quotes.  A stale unit is exported
`fuzzy`.  Import writes the translations back; a fuzzy entry stays stale.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from carepress.errors import CarepressError, Diagnostic, Origin, did_you_mean, display_path
from carepress.i18n.catalog import render_translation, write_translation
from carepress.i18n.units import unit_states, units_of
from carepress.languages import babel_locale, primary
from carepress.load import Project
from carepress.load.sources import pin_of
from carepress.load.translations import TRANSLATIONS_FOLDER
from carepress.model import Review, TranslatedUnit

NEVER_MATCHES = "00000000"  # the hash a fuzzy entry with no earlier translation is given


def export_po(project: Project, lang: str) -> bytes:
    """The PO file for ``lang``: every unit of every handout, in handout order."""
    epoch = max((h.control.approved for h in project.handouts.values()), default=dt.date(2000, 1, 1))
    stamp = dt.datetime.combine(epoch, dt.time(), dt.timezone.utc)
    catalog = Catalog(locale=babel_locale(lang), project="carepress leaflets", version="",
                      creation_date=stamp, revision_date=stamp, fuzzy=False,
                      msgid_bugs_address="", last_translator="", language_team="")
    for handout_id in sorted(project.handouts):
        handout = project.handouts[handout_id]
        translation = project.translations.get((handout_id, lang))
        for state in unit_states(handout, project.sources, translation):
            unit = state.unit
            translated = translation.units.get(unit.id) if translation else None
            catalog.add(
                unit.english, translated.text if translated else "",
                locations=[(display_path(unit.origin.path), unit.origin.line)],
                flags=("fuzzy",) if state.status == "stale" else (),
                auto_comments=[unit.note, f"english hash: {unit.hash}"],
                context=f"{handout_id}/{unit.id}")
    out = io.BytesIO()
    write_po(out, catalog, width=0, omit_header=False, sort_output=False, include_lineno=True)
    return out.getvalue()


@dataclass(frozen=True)
class ImportResult:
    written: tuple[Path, ...]
    units: int
    stale: int


def _language(project: Project, po_path: Path, catalog: Catalog) -> str:
    """The project language a PO file is in, from its `Language:` header: one the project
    has fixed strings for (a PO editor's default `es_ES` is not `es`, and the project's
    folders are named by its own tags)."""
    written = dict(catalog.mime_headers).get("Language", "").strip()
    if not written:
        raise CarepressError([Diagnostic(Origin(po_path), "the PO header names no `Language:`; "
                                         "add the language, e.g. `Language: es`")])
    lang = written.replace("_", "-")
    known = sorted(project.strings)
    if lang not in known:
        hint = (f"; did you mean `{primary(lang)}`?" if primary(lang) in known
                else did_you_mean(lang, known))
        raise CarepressError([Diagnostic(Origin(po_path), f"`Language: {written}` is not a language "
                                         f"of this project{hint} (it has "
                                         f"{', '.join(known)}); set the header to one of them, or "
                                         f"add layouts/strings/{lang}.yaml first")])
    return lang


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


def import_po(project: Project, po_path: Path) -> ImportResult:
    """Merge a PO file into the translation files of its language."""
    try:
        data = po_path.read_bytes()
        problems = _unclosed_strings(po_path, data.decode("utf-8", "replace"))
        if problems:
            raise CarepressError(problems)
        catalog = read_po(io.BytesIO(data), abort_invalid=True)
    except CarepressError:
        raise
    except Exception as exc:  # Babel raises PoFileError and others for malformed files
        raise CarepressError([Diagnostic(Origin(po_path), f"cannot read PO file: {exc}")]) from None
    lang = _language(project, po_path, catalog)
    incoming: dict[str, dict[str, tuple[str, str, bool]]] = {}
    problems = []
    for message in catalog:
        if not message.id or not message.context:
            continue
        handout, _, unit = str(message.context).partition("/")
        if handout not in project.handouts:
            problems.append(Diagnostic(Origin(po_path, message.lineno or 1),
                                       f"unknown handout `{handout}` in msgctxt `{message.context}`"))
            continue
        if message.string:
            incoming.setdefault(handout, {})[unit] = (str(message.id), str(message.string), message.fuzzy)
    if problems:
        raise CarepressError(problems)
    written, count, stale = [], 0, 0
    for handout_id, messages in sorted(incoming.items()):
        handout = project.handouts[handout_id]
        existing = project.translations.get((handout_id, lang))
        units = units_of(handout, project.sources)
        merged = dict(existing.units) if existing else {}
        changed = False
        path = project.root / TRANSLATIONS_FOLDER / lang / f"{handout_id}.yaml"
        current = {unit.id: unit.hash for unit in units}
        for unit_id, (english, text, fuzzy) in messages.items():
            before = merged.get(unit_id)
            if fuzzy:  # needs re-checking: stays (or becomes) stale, keeping its old hash if stale
                stale_before = before is not None and before.source_hash != current.get(unit_id)
                source_hash = before.source_hash if stale_before else NEVER_MATCHES
            else:  # the translator confirmed this text against this English
                source_hash = pin_of(english)
            if before is None or before.text != text or before.source_hash != source_hash:
                changed = True
            merged[unit_id] = TranslatedUnit(unit_id, source_hash, text, Origin(path))
            count += 1
            stale += fuzzy
        review = existing.review if existing else Review(
            "draft", catalog.last_translator or "not stated", "imported from a PO file", None, None)
        if changed and review.status == "reviewed":  # changed text needs a new review
            review = Review("draft", review.translator, review.method, None, None)
        write_translation(path, render_translation(handout_id, lang, review, units, merged))
        written.append(path)
    return ImportResult(tuple(written), count, stale)
