"""Fixed strings the layout prints (``layouts/strings/LANG.yaml``), one file per language."""

from __future__ import annotations

from pathlib import Path

from carepress.errors import CarepressError, Diagnostics
from carepress.load.schema import INVALID, Field, Record, Text, validate_document
from carepress.load.yamlmarks import read_yaml

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
}


def load_strings(folder: Path, diagnostics: Diagnostics) -> dict[str, dict[str, str]]:
    schema = Record({key: Field(Text(), doc=doc) for key, doc in STRING_KEYS.items()},
                    lambda v, o: v)
    tables: dict[str, dict[str, str]] = {}
    for path in sorted(folder.glob("*.yaml")):
        try:
            data = read_yaml(path)
        except CarepressError as exc:
            diagnostics.extend(exc.diagnostics)
            continue
        table = validate_document(data, schema, diagnostics)
        if table is not INVALID:
            tables[path.stem] = table
    return tables
