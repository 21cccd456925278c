"""Fixed strings the layout prints (``layouts/strings/LANG.yaml``), one file per language."""

from __future__ import annotations

from pathlib import Path

from carepress.errors import Diagnostics
from carepress.load.schema import Field, Record, Text, load_folder, read_document

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


def load_strings(folder: Path, diagnostics: Diagnostics) -> dict[str, dict[str, str]]:
    kinds = {key: Text() for key in STRING_KEYS}
    # The address is set on its own after the sentence (it breaks only where an address may).
    kinds["feedback"] = Text(pattern=r"(?s).*\{feedback\}\s*", pattern_hint="it must end with {feedback}")
    schema = Record({key: Field(kinds[key], doc=doc) for key, doc in STRING_KEYS.items()},
                    lambda v, o: v)

    def load_one(path: Path, diagnostics: Diagnostics) -> dict[str, str] | None:
        loaded = read_document(path, schema, diagnostics)
        return None if loaded is None else loaded[1]

    return load_folder(folder, load_one, diagnostics)
