"""Content checks no other tool has: would a patient-information reviewer accept the leaflet?

- A quote must stand alone: one that opens with a pronoun or connective whose referent is
  outside it ("They can confirm…", "However, …") is reported with the source paragraph that
  would give the context; one that ends by introducing a list ("… include:") with no list
  after it, too.
- An urgent box holds when to get help and what to do: a passage marked `role: reassurance`,
  or one that reads as reassurance ("is relatively common"), is reported there.
- A handout's profile (profiles.py) lists the parts it must have, and its `topics` what a
  patient needs it to tell: each is checked in the English leaflet as each clinic prints it.
- Reading level per handout and language where a formula exists (textstat), against the
  highest English grade a clinic accepts (`reading_grade`).

All are warnings, errors with --strict.  `check` runs them; `carepress report` prints the
reading figures.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator

from carepress.errors import Diagnostic, Origin, Severity
from carepress.languages import primary
from carepress.load import Project
from carepress.model import (
    Block,
    BulletsBlock,
    CalloutBlock,
    Handout,
    Leaflet,
    PassageRef,
    RCallout,
    RContact,
    RList,
    RPassage,
    RText,
    Source,
    block_texts,
    blocks_of,
    plain,
)
from carepress.profiles import PARTS, PROFILES

# Words that point outside the sentence they open, per language where the rule is known.
OPENERS = {
    "en": ("they", "them", "this", "that", "these", "those", "it", "its", "he", "she", "such",
           "however", "also", "therefore", "then", "otherwise", "instead", "moreover",
           "furthermore", "in addition(?! to)", "as well(?! as)", "both", "there"),
    "es": ("ellos", "ellas", "esto", "esta", "este", "estos", "estas", "eso", "sin embargo",
           "además", "también", "por lo tanto", "entonces"),
    "fr": ("ils", "elles", "cela", "ceci", "cette", "ces", "ce", "cependant", "aussi",
           "de plus(?! en plus)", "en outre", "donc", "toutefois"),
}
# (each is a pattern: "In addition to avoiding sex, …" carries its own referent)
# Phrases that reassure rather than say when to get help (English sources).
REASSURANCE = {
    "en": re.compile(r"\b(is|are) (relatively |fairly |very )?common\b|\bisn[’']t a cause for concern"
                     r"|\bnot a cause for concern|\bnothing to worry|\bdon[’']t worry"
                     r"|\b(is|are) (perfectly |completely )?normal\b|\busually harmless", re.IGNORECASE),
}
_LIST_INTRODUCTION = re.compile(r"[:：]\s*$")


@dataclass(frozen=True)
class ChecklistItem:
    part: str      # what is required
    found: bool
    detail: str = ""  # what is missing, or where it is


@dataclass(frozen=True)
class Checklist:
    handout: str
    clinic: str
    profile: str | None
    items: tuple[ChecklistItem, ...]


@dataclass(frozen=True)
class Reading:
    """A leaflet's reading figures: (formula, value, what it means) and its hardest passages."""

    handout: str
    lang: str
    figures: tuple[tuple[str, float, str], ...]  # none: no formula for the language
    hardest: tuple[tuple[float, str], ...] = ()   # (grade, the passage's first words)
    note: str = ""  # why there are no figures, when a formula exists


def merged(checklists: Iterable[Checklist]) -> list[tuple[Checklist, list[str]]]:
    """The checklists with the clinics each holds for: a handout's clinics whose leaflets
    have the same parts found and missing share one (most parts do not depend on the clinic)."""
    groups: dict[tuple[str, str | None, tuple[ChecklistItem, ...]], tuple[Checklist, list[str]]] = {}
    for found in checklists:
        groups.setdefault((found.handout, found.profile, found.items), (found, []))[1].append(found.clinic)
    return list(groups.values())


@dataclass
class Review:
    diagnostics: list[Diagnostic] = field(default_factory=list)
    checklists: list[Checklist] = field(default_factory=list)
    readings: list[Reading] = field(default_factory=list)


# ---- quotes that must stand alone, urgent boxes ------------------------------------------


def _blocks_in_order(blocks: tuple[Block, ...], urgent: bool = False
                     ) -> Iterator[tuple[Block, Block | None, Block | None, bool]]:
    """Each block with the one before and after it (in its section or box), and whether it
    is inside an urgent box."""
    for index, block in enumerate(blocks):
        before = blocks[index - 1] if index else None
        after = blocks[index + 1] if index + 1 < len(blocks) else None
        yield block, before, after, urgent
        if isinstance(block, CalloutBlock):
            yield from _blocks_in_order(block.blocks, block.kind == "urgent")


def _opener(text: str, lang: str) -> str | None:
    words = OPENERS.get(primary(lang))
    if not words:
        return None
    lowered = text.lower()
    for word in words:
        if found := re.match(rf"{word}\b", lowered):
            return text[:found.end()]
    return None


def _first_words(text: str, count: int = 8) -> str:
    words = text.split()
    return " ".join(words[:count]) + ("…" if len(words) > count else "")


def quote_problems(handout: Handout, sources: dict[str, Source]) -> list[tuple[Origin, str]]:
    """What a reviewer would say of the handout's quotes: not standing alone, a list
    introduction without its list, reassurance in an urgent box."""
    from carepress.resolve import select_passage

    problems = []
    for section in handout.sections:
        for block, before, after, urgent in _blocks_in_order(section.blocks):
            if not isinstance(block, PassageRef):
                continue
            selected = select_passage(block, sources)
            if isinstance(selected, str):
                continue  # (resolve reports it)
            source, paragraph = selected
            text = paragraph.text
            opener = _opener(text, handout.lang)
            follows_its_context = isinstance(before, PassageRef) and before.source == source.id \
                and _paragraph_number(before, sources) == paragraph.number - 1
            if opener and not follows_its_context:
                context = source.paragraph(paragraph.number - 1)
                where = (f"; paragraph {context.number} of `{source.id}` gives it (“"
                         f"{_first_words(context.text)}”): quote it before this one, or choose a "
                         "passage that stands alone") if context else "; choose a passage that stands alone"
                problems.append((block.origin, f"the quote opens with “{opener}”, which points "
                                 f"to something outside it: a reader of the leaflet cannot tell "
                                 f"what{where}"))
            if _LIST_INTRODUCTION.search(text) and not isinstance(after, BulletsBlock):
                problems.append((block.origin, f"the quote ends by introducing a list (“…"
                                 f"{' '.join(text.split()[-4:])}”) and no list follows: quote the "
                                 "list too, or a passage that ends before it"))
            reassuring = REASSURANCE.get(primary(handout.lang))
            if urgent and (block.role == "reassurance" or (reassuring and reassuring.search(text))):
                problems.append((block.origin, "reassurance in an urgent box (“"
                                 f"{_first_words(text)}”): an urgent box says when to get help and "
                                 "whom to call; move this passage out of it, to its section or an "
                                 "info box"))
    return problems


def _paragraph_number(ref: PassageRef, sources: dict[str, Source]) -> int | None:
    from carepress.resolve import select_passage

    selected = select_passage(ref, sources)
    return None if isinstance(selected, str) else selected[1].number


# ---- profiles and topics ------------------------------------------------------------------


def _flat(text: str) -> str:
    return re.sub(r"[\s\u00a0]+", " ", text)


def checklist(handout: Handout, leaflet: Leaflet, project: Project, clinic: str) -> Checklist:
    """The profile's parts and the handout's topics, found or missing, in the leaflet as
    ``clinic`` prints it."""
    brand = project.brands[clinic]
    blocks = list(blocks_of(leaflet))
    items = []
    for part in PROFILES.get(handout.profile or "", ()):
        found, detail = _PART_CHECKS[part](leaflet, blocks, brand, project, handout)
        items.append(ChecklistItem(part, found, detail))
    text = _flat(" ".join([*block_texts(blocks), *(plain(s.heading) for s in leaflet.sections)])).lower()
    for topic in handout.topics:
        hits = [word for word in topic.words if _says(text, word.lower())]
        items.append(ChecklistItem(topic.name, bool(hits),
                                   f"says “{hits[0]}”" if hits else "no passage quoted tells it "
                                   f"(looked for: {', '.join(topic.words)})"))
    return Checklist(handout.id, clinic, handout.profile, tuple(items))


def _says(text: str, word: str) -> bool:
    """Whether ``text`` has ``word`` at the start of a word (`fever` in "fevers", not in
    "afeverish"), by str.find: a long leaflet's text is searched for every topic's words."""
    at = text.find(word)
    while at != -1:
        if at == 0 or not text[at - 1].isalnum():
            return True
        at = text.find(word, at + 1)
    return False


def _urgent_help(leaflet, blocks, brand, project, handout) -> tuple[bool, str]:  # type: ignore[no-untyped-def]
    boxes = [b for b in blocks if isinstance(b, RCallout) and b.kind == "urgent"]
    if not boxes:
        return False, "no urgent box (a `callout` of `kind: urgent`)"
    said = _flat(" ".join(block_texts(boxes)))
    wanted = {"the clinic's number": ("phone", brand.phone),
              "the out-of-hours number": ("urgent_phone", brand.urgent_phone),
              "the emergency services' number": ("emergency_phone", brand.emergency_phone)}
    missing = [(name, key) for name, (key, number) in wanted.items()
               if not number or not re.search(rf"(?<!\d){re.escape(_flat(number))}(?!\d)", said)]
    if missing:  # (999 inside 020 7946 0999 is not the emergency number)
        hint = ("" if brand.emergency_phone else
                f"; {brand.path.name} names no emergency number: add `emergency_phone`")
        placeholders = ", ".join("{{ clinic.%s }}" % key for _, key in missing)
        return False, (f"the urgent box does not give {', '.join(name for name, _ in missing)} "
                       f"(add {placeholders})" + hint)
    return True, "the clinic, out of hours and emergency numbers"


def _contact(leaflet, blocks, brand, project, handout) -> tuple[bool, str]:  # type: ignore[no-untyped-def]
    found = any(isinstance(b, RContact) for b in blocks)
    return found, "a `contact` block" if found else "no `contact: {}` block"


def _sources(leaflet, blocks, brand, project, handout) -> tuple[bool, str]:  # type: ignore[no-untyped-def]
    from carepress.model import passages_of

    quoted = {ref.source for ref in passages_of(handout)}
    missing = []
    for source_id in sorted(quoted):
        source = project.sources.get(source_id)
        if source is None:
            continue
        if source.publisher.strip().lower() == "not stated":
            missing.append(f"`{source_id}` names no publisher")
        if source.published is None:
            missing.append(f"`{source_id}` has no date of its own (`published:`; only the date received)")
    return not missing, "; ".join(missing) or f"{len(quoted)} source(s) with publisher and date"


def _document_control(leaflet, blocks, brand, project, handout) -> tuple[bool, str]:  # type: ignore[no-untyped-def]
    control = leaflet.control  # (as the clinic prints it: its own owner and code)
    missing = [name for name, value in (("owner", control.owner), ("published date", control.approved),
                                        ("review date", control.review_by)) if not value]
    return not missing, ", ".join(missing) or (f"published {control.approved}, review by "
                                               f"{control.review_by}, owner {control.owner}")


_PART_CHECKS = {"urgent help": _urgent_help, "contact details": _contact,
                "sources named": _sources, "document control": _document_control}
assert set(_PART_CHECKS) == set(PARTS)


# ---- reading level ------------------------------------------------------------------------


def _body(leaflet: Leaflet) -> list[str]:
    """The running text a patient reads: passages, clinic text, list items (not headings,
    fill-in labels or the contact box)."""
    texts = []
    for block in blocks_of(leaflet):
        if isinstance(block, (RPassage, RText)):
            texts.append(plain(block.text))
        elif isinstance(block, RList):
            texts.extend(plain(item) for item in block.items)
    return [text for text in texts if text.strip()]


# The formulas textstat implements, per language: (name, function, what the value means).
_FORMULAS = {
    "en": (("Flesch-Kincaid grade", "flesch_kincaid_grade", "US school grade"),
           ("SMOG", "smog_index", "US school grade")),
    "es": (("Fernández-Huerta", "fernandez_huerta", "ease 0-100, higher is easier"),),
    "fr": (("Kandel-Moles", "flesch_reading_ease", "ease 0-100, higher is easier"),),
    "ru": (("Flesch (Oborneva)", "flesch_reading_ease", "ease 0-100, higher is easier"),),
}


# textstat's language per ours: its default, en_US, is loaded with the module (Pyphen's
# en_GB patterns, which "en" would load, cost 0.4 s more and count the same formulas).
_TEXTSTAT_LANG = {"en": "en_US"}


def reading(handout_id: str, leaflet: Leaflet, hardest: bool = True) -> Reading:
    """The leaflet's figures, and (``hardest``) its three hardest passages by grade."""
    lang = primary(leaflet.lang)
    formulas = _FORMULAS.get(lang)
    if formulas is None:
        return Reading(handout_id, leaflet.lang, ())
    body = _body(leaflet)
    figures, graded = _measured(lang, body, hardest and lang == "en")
    return Reading(handout_id, leaflet.lang, figures, graded)


def _measured(lang: str, body: list[str], hardest: bool
              ) -> tuple[tuple[tuple[str, float, str], ...], tuple[tuple[float, str], ...]]:
    """textstat's figures for ``body``, kept in the user cache by the text and the versions
    of textstat, Pyphen (its syllables) and this module: importing textstat and loading a language's syllable patterns take about a
    second, and most texts are measured again unchanged (only what was edited is new)."""
    import hashlib
    import json
    from carepress.usercache import entry_key, read_cached, store_cached

    digest = hashlib.sha256("\x00".join([lang, str(hardest), *body]).encode()).hexdigest()[:32]
    # (the installed versions, read without importing them: the import is what is saved)
    name = f"{digest}-{entry_key('textstat', 'pyphen', code=__name__)}.json"
    try:
        cached = json.loads(read_cached("reading", name) or b"null")
        if cached is not None:
            return (tuple((n, float(v), m) for n, v, m in cached["figures"]),
                    tuple((float(g), t) for g, t in cached["hardest"]))
    except (ValueError, KeyError, TypeError):
        pass  # (a damaged entry: measure again)
    from carepress.textstat_import import load_textstat

    textstat = load_textstat(_TEXTSTAT_LANG.get(lang, lang))
    joined = " ".join(body)
    figures = tuple((name, float(getattr(textstat, function)(joined)), meaning)
                    for name, function, meaning in _FORMULAS[lang])
    graded: tuple[tuple[float, str], ...] = ()
    if hardest:
        graded = tuple(sorted(((float(textstat.flesch_kincaid_grade(text)), _first_words(text))
                               for text in body), reverse=True)[:3])
    store_cached("reading", name, json.dumps({"figures": figures, "hardest": graded},
                                             ensure_ascii=False).encode())
    return figures, graded


# ---- all of it ----------------------------------------------------------------------------


LeafletOf = Callable[[str, str, str], "Leaflet | None"]


def review(project: Project, handouts: list[str], langs: list[str], clinics: list[str],
           strict: bool = False, leaflet_of: LeafletOf | None = None,
           hardest: bool = False) -> Review:
    """Every content check for the handouts, languages and clinics ``check`` covers.
    ``leaflet_of(handout, lang, clinic)`` gives a resolved leaflet, or None where it does
    not resolve (`check` passes the ones it has made already).  ``hardest``: every
    reading figure with its hardest passages (`report`); else only where a grade is over
    its limit."""
    leaflet_of = leaflet_of or functools.partial(resolved_leaflet, project)
    result = Review()
    severity: Severity = "error" if strict else "warning"

    def report(origin: Origin, message: str) -> None:
        result.diagnostics.append(Diagnostic(origin, message, severity))

    for handout_id in handouts:
        handout = project.handouts[handout_id]
        if handout.lang not in langs:  # (the English's checks: when the English is checked)
            _read(project, handout, langs, clinics, leaflet_of, hardest, result, report)
            continue
        for origin, message in quote_problems(handout, project.sources):
            report(origin, message)
        offering = _offering(project, clinics, handout.lang)
        found = [checklist(handout, leaflet, project, clinic) for clinic in offering
                 if (leaflet := leaflet_of(handout_id, handout.lang, clinic)) is not None]
        result.checklists.extend(found)  # (a leaflet that does not resolve: check reports it)
        for (_, part, detail), lacking in lacking_by_clinics(found).items():
            whose = "" if lacking == offering else f" as `{'`, `'.join(lacking)}` print it"
            if part in PARTS:
                report(handout.profile_origin or Origin(handout.path),
                       f"`{handout_id}`{whose} lacks what profile `{handout.profile}` requires, "
                       f"{PARTS[part]}: {detail}")
            else:
                topic = next(t for t in handout.topics if t.name == part)
                report(topic.origin, f"`{handout_id}`{whose} does not tell “{part}”: {detail}; "
                       "quote a source that does (never write clinical advice yourself)")
        _read(project, handout, langs, clinics, leaflet_of, hardest, result, report)
    return result


def _offering(project: Project, clinics: list[str], lang: str) -> list[str]:
    """The clinics, of ``clinics``, that offer leaflets in ``lang``."""
    return [c for c in clinics if project.brands[c].offers(lang)]


def lacking_by_clinics(checklists: Iterable[Checklist]) -> dict[tuple[str, str, str], list[str]]:
    """(handout, part, detail) -> the clinics whose leaflets lack it: said once, not once
    per clinic (most parts and topics do not depend on the clinic)."""
    lacking: dict[tuple[str, str, str], list[str]] = {}
    for found in checklists:
        for item in found.items:
            if not item.found:
                lacking.setdefault((found.handout, item.part, item.detail), []).append(found.clinic)
    return lacking


def _read(project: Project, handout: Handout, langs: list[str], clinics: list[str],
          leaflet_of: LeafletOf, hardest: bool, result: Review, report) -> None:  # type: ignore[no-untyped-def]
    """The reading figures of the handout's leaflets in ``langs``, each as the first of
    ``clinics`` that offers its language prints it."""
    from carepress.plan import languages_of

    offering = _offering(project, clinics, handout.lang)
    for lang in (lang for lang in languages_of(project, handout.id) if lang in langs):
        clinic = next(iter(_offering(project, clinics, lang)), None)
        leaflet = leaflet_of(handout.id, lang, clinic) if clinic else None
        if leaflet is None:
            result.readings.append(Reading(handout.id, lang, (), note="not measured: the "
                                           "leaflet does not resolve (see `carepress check`)"))
            continue
        figures = reading(handout.id, leaflet, hardest)
        if not hardest and _over_a_limit(project, figures, offering):
            figures = reading(handout.id, leaflet)  # (the warning names its hardest passages)
        result.readings.append(figures)
        _check_grade(project, handout, figures, offering, report)


def resolved_leaflet(project: Project, handout: str, lang: str, clinic: str) -> Leaflet | None:
    """The leaflet as ``clinic`` prints it in ``lang``, or None where it does not resolve
    (`check` and `build` report why)."""
    from carepress.errors import CarepressError
    from carepress.pipeline import resolve_job
    from carepress.plan import Job

    try:
        return resolve_job(project, Job(handout, lang, clinic, "")).leaflet
    except CarepressError:
        return None


def _over_a_limit(project: Project, figures: Reading, clinics: list[str]) -> bool:
    limits = [project.brands[c].reading_grade for c in clinics]
    return primary(figures.lang) == "en" and bool(figures.figures) and any(
        limit is not None and figures.figures[0][1] > limit for limit in limits)


def _check_grade(project: Project, handout: Handout, figures: Reading, clinics: list[str],
                 report) -> None:  # type: ignore[no-untyped-def]
    if primary(figures.lang) != "en" or not figures.figures:
        return
    grade = figures.figures[0][1]
    for clinic in clinics:
        limit = project.brands[clinic].reading_grade
        if limit is not None and grade > limit:
            hardest = "; ".join(f"{g:.1f}: “{text}”" for g, text in figures.hardest)
            report(Origin(handout.path),
                   f"`{handout.id}` reads at grade {grade:.1f} (Flesch-Kincaid), above the "
                   f"{limit:g} `{clinic}` accepts (`reading_grade`); hardest passages: {hardest}. "
                   "Quote plainer passages, or a source written more plainly")
