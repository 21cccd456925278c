"""Fixed strings in the PO files: ``layouts/strings/LANG.yaml`` beside the handouts' units.

Each is one entry: msgctxt `strings:KEY` (no handout id holds a colon, so it never reads as
a unit's), msgid the English string (``layouts/strings/en.yaml``), msgstr the language's.
Import writes them into the language's strings file, editing only the values that changed
so that its comments and layout stay as the author wrote them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import yaml

from carepress.errors import CarepressError, Diagnostic, Diagnostics, Origin
from carepress.load.schema import INVALID, Context
from carepress.load.strings import STRING_KEYS, strings_schema
from carepress.load.yamlmarks import read_yaml

STRINGS_FOLDER = "layouts/strings"
SOURCE_LANG = "en"  # the language the fixed strings are translated from
CONTEXT = "strings:"


def strings_path(root: Path, lang: str) -> Path:
    return root / STRINGS_FOLDER / f"{lang}.yaml"


@dataclass(frozen=True)
class FixedString:
    key: str
    english: str
    origin: Origin  # the key in the English strings file
    note: str  # for translators: where the layout prints it


def fixed_strings(root: Path, strings: dict[str, dict[str, str]]) -> list[FixedString]:
    """The English fixed strings, in the order of STRING_KEYS (none if the English file
    failed to load: `check` reports it)."""
    english = strings.get(SOURCE_LANG)
    if not english:
        return []
    path = strings_path(root, SOURCE_LANG)
    try:
        data = read_yaml(path)
    except CarepressError:  # (loaded a moment ago: only a file changed since gets here)
        return []
    return [FixedString(key, english[key], data.key_origin(key),
                        f"fixed string the layout prints: {doc}")
            for key, doc in STRING_KEYS.items() if key in english]


def checked_strings(incoming: dict[str, tuple[str, Origin]]) -> tuple[dict[str, str], list[Diagnostic]]:
    """The translated strings, each checked as the loader checks it (its placeholders), with
    any problem at its PO entry."""
    fields = strings_schema().fields
    diagnostics = Diagnostics()
    checked = {}
    for key, (text, origin) in incoming.items():
        value = fields[key].kind.validate(text, Context(diagnostics, f"{CONTEXT}{key}", origin))
        if value is not INVALID:
            checked[key] = value
    return checked, diagnostics.items


def _quote(value: str) -> str:
    # A JSON string is a valid YAML double-quoted scalar; it keeps every character exact.
    return json.dumps(value, ensure_ascii=False)


def render_strings(lang: str, current: str | None, values: dict[str, str]) -> str:
    """The strings file with ``values`` written in: each value replaced where it stands
    (a folded or quoted one alike, as a quoted string), keys it lacks added at the end; a
    new file lists them in the order of STRING_KEYS."""
    if current is None:
        lines = [f"# Fixed strings the layout prints, in {lang}. Written by `carepress i18n "
                 "import`; one file per language."]
        lines += [f"{key}: {_quote(values[key])}" for key in STRING_KEYS if key in values]
        return "\n".join(lines) + "\n"
    node = yaml.compose(current, Loader=yaml.SafeLoader)  # (character offsets, unlike libyaml's)
    spans = {key.value: (value.start_mark.index, value.end_mark.index)
             for key, value in (node.value if isinstance(node, yaml.MappingNode) else [])}
    text = current
    for key, (start, end) in sorted(((k, s) for k, s in spans.items() if k in values),
                                    key=lambda item: item[1][0], reverse=True):
        ending = "\n" if text[start:end].endswith("\n") else ""  # a block scalar ends its line
        text = text[:start] + _quote(values[key]) + ending + text[end:]
    added = [f"{key}: {_quote(values[key])}" for key in STRING_KEYS if key in values and key not in spans]
    if added:
        text = text + ("" if text.endswith("\n") or not text else "\n") + "\n".join(added) + "\n"
    return text
