"""Writing translation files in their one canonical form.

The form is fixed (key order, JSON-style quoting, the English beside each unit as a comment)
so that a PO export followed by an import reproduces a file byte for byte.
"""

from __future__ import annotations

import json
from pathlib import Path

from carepress.i18n.units import Unit
from carepress.model import Review, TranslatedUnit
from carepress.files import write_atomic


def _quote(value: str) -> str:
    # A JSON string is a valid YAML double-quoted scalar; it keeps every character exact.
    return json.dumps(value, ensure_ascii=False)


def _comment(text: str) -> str:
    return " ".join(text.split())


def render_translation(handout: str, lang: str, review: Review, units: list[Unit],
                       translated: dict[str, TranslatedUnit]) -> str:
    """The file text: units in handout order, each with the English it translates as a comment.

    Units with no translation are left out (status shows them as missing); units the
    handout no longer has are kept at the end, so nothing a translator wrote is lost.
    """
    lines = [
        f"# {lang} translation of handouts/{handout}.yaml. Written by `carepress i18n import`;",
        "# edit `text` freely. `source` is the hash of the English each unit translates: when",
        "# the English changes the unit is stale until it is re-checked and re-imported.",
        f"handout: {handout}",
        f"lang: {lang}",
        "review:",
        f"  status: {review.status}",
        f"  translator: {_quote(review.translator)}",
        f"  method: {_quote(review.method)}",
    ]
    if review.reviewer:
        lines.append(f"  reviewer: {_quote(review.reviewer)}")
    if review.reviewed_on:
        lines.append(f"  reviewed_on: {review.reviewed_on.isoformat()}")
    lines.append("units:")
    known = {unit.id for unit in units}
    for unit in units:
        if unit.id in translated:
            lines += [f"  {unit.id}:", f"    # en: {_comment(unit.english)}",
                      f"    source: {_quote(translated[unit.id].source_hash)}",
                      f"    text: {_quote(translated[unit.id].text)}"]
    for unit_id, item in translated.items():
        if unit_id not in known:
            lines += [f"  {unit_id}:", "    # no longer in the handout",
                      f"    source: {_quote(item.source_hash)}", f"    text: {_quote(item.text)}"]
    return "\n".join(lines) + "\n"


def write_translation(path: Path, text: str) -> None:
    write_atomic(path, text.encode("utf-8"))
