"""Fixed strings the layout prints (``layouts/strings/LANG.yaml``), one file per language."""

from __future__ import annotations

import re
import string
from pathlib import Path
from typing import Any, Iterable

from carepress.errors import Diagnostics
from carepress.load.schema import Context, Field, Record, Text, load_folder, read_document

STRING_KEYS = {
    "page_of": "footer page count, with {page} and {pages}",
    "version": "label before the version number",
    "review_by": "label before the review-by date",
    "approved": "label before the date the leaflet was approved (document control)",
    "owner": "label before the team that owns the leaflet (document control)",
    "questions": "footer line before the clinic phone",
    "contact_heading": "heading of the contact block",
    "phone": "label before the clinic phone number",
    "website": "label before the web address",
    "email": "label before the e-mail address",
    "sources_heading": "heading of the sources list",
    "sources_note": "note under the sources; {clinic} is the clinic's name",
    "draft_marker": "footer line on a translation not yet reviewed",
    "urgent_label": "label before the clinic's after-hours number",
    "colon": "the colon after a label with the language's spacing: `: ` (French ` : `, Chinese `：`)",
    "other_formats": "the closing line when the clinic offers the leaflet in other languages and in large print",
    "other_languages": "the closing line when the clinic offers it in other languages, not in large print",
    "other_large_print": "the closing line when the clinic offers it in large print, in no other language",
    "online": "label before the address of the online copy",
    "qr_code": "what the QR code is, read out by screen readers before its address",
    "feedback": "how to give feedback, ending with {feedback}, the clinic's address for it",
    "full_stop": "ends a sentence in the sources list, with its space: `. ` (Chinese `。`)",
    "support_heading": "heading of the box of support organisations (a `support:` block)",
    "based_on": "before the one source a leaflet quotes: `Based on` (then `colon`, the source)",
    "comma": "between a source's title, publisher and date: `, ` (Chinese `，`, Arabic `، `)",
    "source_note": "note under the sources when there is one; {clinic} is the clinic's name",
    "notes": "heading of a booklet's ruled pages for the patient's notes (they fill its last sheet)",
}


# Strings the layout fills in with str.format: the placeholders each may hold, and those it
# must hold once.  Every other string is printed as it is written (`feedback` has its
# address set after it: see below).
FORMATTED = {"page_of": {"page", "pages"}, "sources_note": {"clinic"}, "source_note": {"clinic"}}
REQUIRED = {"page_of": {"page", "pages"}}
_WORD_IN_BRACES = re.compile(r"\{(\w+)\}")


class _String(Text):
    """A fixed string with exactly the placeholders the layout fills in."""

    def __init__(self, key: str) -> None:
        super().__init__()
        self.key = key

    def validate(self, value: Any, ctx: Context) -> str:
        text = super().validate(value, ctx)
        if not isinstance(text, str):
            return text
        problem = (self._formatted(text) if self.key in FORMATTED else
                   self._feedback(text) if self.key == "feedback" else self._printed(text))
        return ctx.fail(problem) if problem else text

    def _formatted(self, text: str) -> str | None:
        allowed = FORMATTED[self.key]
        takes = ", ".join(f"{{{name}}}" for name in sorted(allowed))
        try:
            fields = [(name, spec, conversion) for _, name, spec, conversion
                      in string.Formatter().parse(text) if name is not None]
        except ValueError as exc:
            return f"{exc}: in this string write a brace as {{{{ or }}}}, a placeholder as {{name}}"
        for name, spec, conversion in fields:
            if name not in allowed:
                return f"unknown placeholder {{{name}}}; this string takes {takes}"
            if spec or conversion:
                return f"write the placeholder plainly, as {{{name}}}"
        names = [name for name, _, _ in fields]
        for name in sorted(REQUIRED.get(self.key, set())):
            if names.count(name) != 1:
                return f"{{{name}}} must be in it once; the layout fills it in"
        return None

    @staticmethod
    def _feedback(text: str) -> str | None:
        # The address is set on its own after the sentence (it breaks only where an address
        # may), so the sentence must lead up to it.
        if text.count("{feedback}") != 1 or not text.rstrip().endswith("{feedback}"):
            return "must end with {feedback}, once: the address follows the sentence"
        others = [word for word in _WORD_IN_BRACES.findall(text) if word != "feedback"]
        return f"unknown placeholder {{{others[0]}}}; this string takes {{feedback}}" if others else None

    @staticmethod
    def _printed(text: str) -> str | None:
        found = _WORD_IN_BRACES.findall(text)
        return (f"this string takes no placeholder: {{{found[0]}}} would be printed as it is"
                if found else None)


def _schema(*, every_key: bool) -> Record[dict[str, str]]:
    return Record({key: Field(_String(key), required=every_key, doc=doc) for key, doc in STRING_KEYS.items()},
                  lambda v, o: {key: value for key, value in v.items() if value is not None})


def strings_schema() -> Record[dict[str, str]]:
    """The schema of a language's ``layouts/strings/LANG.yaml`` file: every key of STRING_KEYS."""
    return _schema(every_key=True)


def regional_strings_schema() -> Record[dict[str, str]]:
    """The schema of a region's file (``en-GB.yaml``): the keys it changes, any of them."""
    return _schema(every_key=False)


def base_of(tag: str, tags: Iterable[str]) -> str | None:
    """The strings file a regional one changes: the longest other tag it extends (`en` for
    `en-GB`), or None for a language's own file."""
    extended = [other for other in tags if tag.startswith(other + "-")]
    return max(extended, key=len) if extended else None


def load_strings(folder: Path, diagnostics: Diagnostics) -> dict[str, dict[str, str]]:
    """Each language's fixed strings (`en.yaml`): every key the layout prints.  Regional
    files are left to load_regional_strings."""
    tags = {path.stem for path in folder.glob("*.yaml")}
    schema = _schema(every_key=True)

    def load_one(path: Path, diagnostics: Diagnostics) -> dict[str, str] | None:
        if base_of(path.stem, tags) is not None:
            return None
        loaded = read_document(path, schema, diagnostics)
        return None if loaded is None else loaded[1]

    return load_folder(folder, load_one, diagnostics)


def load_regional_strings(folder: Path, languages: dict[str, dict[str, str]],
                          diagnostics: Diagnostics) -> dict[str, dict[str, str]]:
    """The fixed strings of each region that has its own file (`en-GB.yaml`, extending
    `en.yaml`): that file holds only the strings the region says otherwise (`urgent_label:
    Out of hours`), each checked as in a language's file; the others are its language's.
    A file whose tag extends no other file's is a language's own (load_strings)."""
    tags = {path.stem for path in folder.glob("*.yaml")}
    schema = _schema(every_key=False)
    regional: dict[str, dict[str, str]] = {}
    # (shorter tags first: `zh-Hans-HK.yaml` may change a regional `zh-Hans.yaml`)
    for tag in sorted(tags, key=lambda tag: (tag.count("-"), tag)):
        base = base_of(tag, tags)
        if base is None:
            continue
        loaded = read_document(folder / f"{tag}.yaml", schema, diagnostics)
        under = languages.get(base, regional.get(base))
        if loaded is not None and under is not None:  # (a base with problems is reported)
            regional[tag] = {**under, **loaded[1]}
    return regional
