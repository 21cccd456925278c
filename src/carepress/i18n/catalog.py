"""Writing translation files in their one canonical form.

The form is fixed (key order, JSON-style quoting, the English beside each unit as a comment)
so that a PO export followed by an import reproduces a file byte for byte.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Mapping

from carepress.files import write_atomic
from carepress.i18n.units import Unit
from carepress.load.sources import pin_of
from carepress.model import Review, TranslatedUnit, Translation


def _quote(value: str) -> str:
    # A JSON string is a valid YAML double-quoted scalar; it keeps every character exact.
    return json.dumps(value, ensure_ascii=False)


def _comment(text: str) -> str:
    return " ".join(text.split())


def render_translation(handout: str, lang: str, review: Review, units: list[Unit],
                       translated: dict[str, TranslatedUnit],
                       translated_from: Mapping[str, str] | None = None) -> str:
    """The file text: units in handout order, each with the English it translates as a comment.

    A stale unit keeps, as its comment, the earlier English it was translated from
    (``translated_from``, when known): that comment is the only record of it, and the PO
    export shows it to the translator as the previous msgid.  Units with no translation are
    left out (status shows them as missing); units the handout no longer has are kept at the
    end, so nothing a translator wrote is lost.
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
            item = translated[unit.id]
            english = (unit.english if item.source_hash == unit.hash
                       else (translated_from or {}).get(unit.id, unit.english))
            lines += [f"  {unit.id}:", f"    # en: {_comment(english)}",
                      f"    source: {_quote(item.source_hash)}", f"    text: {_quote(item.text)}"]
    for unit_id, item in translated.items():
        if unit_id not in known:
            lines += [f"  {unit_id}:", "    # no longer in the handout",
                      f"    source: {_quote(item.source_hash)}", f"    text: {_quote(item.text)}"]
    return "\n".join(lines) + "\n"


def write_translation(path: Path, text: str) -> None:
    write_atomic(path, text.encode("utf-8"))


_ENGLISH_COMMENT = re.compile(r"\s*# en: (.*)")


def recorded_english(translation: Translation) -> dict[str, str]:
    """The English each unit was translated from, as the `# en:` comment under its key
    records it (``render_translation`` writes it), for the units whose comment is that
    English: it has the hash the unit records.  A comment edited by hand, or one describing
    newer English than the unit's hash, proves nothing and is left out.

    The hash alone cannot give the text back; the comment is the translation file's record
    of it (whitespace runs written as one space, which the hash ignores too)."""
    try:
        lines = translation.path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return {}
    found = {}
    for unit in translation.units.values():
        key_line = unit.origin.line  # (1-based: the unit's lines follow it, indented further)
        if not 0 < key_line <= len(lines):
            continue
        indent = _indent(lines[key_line - 1])
        for line in lines[key_line:]:
            if line.strip() and _indent(line) <= indent:
                break
            match = _ENGLISH_COMMENT.fullmatch(line)
            if match:
                if pin_of(match.group(1)) == unit.source_hash:
                    found[unit.id] = match.group(1)
                break
    return found


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))
