"""Fixed strings the layout prints (``layouts/strings/LANG.yaml``), one file per language."""

from __future__ import annotations

import string
from pathlib import Path
from typing import Any

from carepress.errors import Diagnostics
from carepress.load.schema import Context, Field, Record, Text, load_folder, read_document

STRING_KEYS = {
    "page_of": "footer page count, with {page} and {pages}",
    "version": "label before the version number",
    "review_by": "label before the review-by date",
    "questions": "footer line before the clinic phone",
    "contact_heading": "heading of the contact block",
    "phone": "label before the clinic phone number",
    "website": "label before the web address",
    "email": "label before the e-mail address",
    "sources_heading": "heading of the sources list",
    "sources_note": "note under the sources; {clinic} is the clinic's name",
    "publisher_not_stated": "said when a source names no publisher",
    "received": "label before the date a source was received",
    "draft_marker": "footer line on a translation not yet reviewed",
    "urgent_label": "label before the clinic's after-hours number",
    "colon": "the colon after a label with the language's spacing: `: ` (French `\u00a0: `, Chinese `：`)",
    "other_formats": "the closing line: the leaflet in other languages and large print",
    "online": "label before the address of the online copy",
    "feedback": "how to give feedback, ending with {feedback}, the clinic's address for it",
    "full_stop": "ends a sentence in the sources list, with its space: `. ` (Chinese `。`)",
}


# The placeholders each string takes: (required, allowed besides).
PLACEHOLDERS = {"page_of": ({"page", "pages"}, set()), "sources_note": (set(), {"clinic"}),
                "feedback": ({"feedback"}, set())}


class _String(Text):
    """A fixed string with exactly the placeholders the layout fills in."""

    def __init__(self, key: str) -> None:
        super().__init__()
        self.key = key
        self.required, allowed = PLACEHOLDERS.get(key, (set(), set()))
        self.allowed = self.required | allowed

    def validate(self, value: Any, ctx: Context) -> str:
        text = super().validate(value, ctx)
        if not isinstance(text, str):
            return text
        try:
            names = {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
        except ValueError as exc:
            return ctx.fail(f"{exc}: write a brace as {{{{ or }}}}, a placeholder as {{name}}")
        allowed = ", ".join(f"{{{name}}}" for name in sorted(self.allowed)) or "none"
        if names - self.allowed:
            unknown = ", ".join(f"{{{name}}}" for name in sorted(names - self.allowed))
            return ctx.fail(f"unknown placeholder {unknown}; this string takes {allowed}")
        if self.required - names:
            missing = ", ".join(f"{{{name}}}" for name in sorted(self.required - names))
            return ctx.fail(f"missing placeholder {missing}; the layout fills it in")
        if self.key == "feedback" and not text.rstrip().endswith("{feedback}"):
            # The address is set on its own after the sentence (it breaks only where an
            # address may), so the sentence must lead up to it.
            return ctx.fail("must end with {feedback}: the address follows the sentence")
        return text


def load_strings(folder: Path, diagnostics: Diagnostics) -> dict[str, dict[str, str]]:
    schema = Record({key: Field(_String(key), doc=doc) for key, doc in STRING_KEYS.items()},
                    lambda v, o: v)

    def load_one(path: Path, diagnostics: Diagnostics) -> dict[str, str] | None:
        loaded = read_document(path, schema, diagnostics)
        return None if loaded is None else loaded[1]

    return load_folder(folder, load_one, diagnostics)
