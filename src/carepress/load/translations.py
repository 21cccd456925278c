"""Translations: ``handouts/translations/LANG/HANDOUT.yaml`` -> ``Translation``.

Each unit records the hash of the English text it translates, so that a change to the
English makes exactly that unit stale.  See ``carepress.i18n`` for the workflow.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from carepress.errors import Diagnostics, Origin
from carepress.load.schema import (
    INVALID, Choice, Context, Date, Field, JsonSchema, Kind, Record, Text, identifier, language_tag,
    load_folder, read_document, text_hash,
)
from carepress.load.yamlmarks import MarkedDict
from carepress.model import Review, TranslatedUnit, Translation

TRANSLATIONS_FOLDER = "handouts/translations"


class _Units(Kind[dict[str, TranslatedUnit]]):
    """`units:` maps unit ids to `{source: HASH, text: ...}`."""

    # (one schema for every unit: a long handout's translation has thousands)
    unit = Record({"source": Field(text_hash("`carepress i18n import`")), "text": Field(Text())},
                  lambda values, origin: values)

    def validate(self, value: Any, ctx: Context) -> dict[str, TranslatedUnit]:
        if not isinstance(value, MarkedDict):
            return ctx.fail("expected a mapping of unit ids to `{source, text}`")
        units: dict[str, TranslatedUnit] = {}
        ok = True
        for key, item in value.items():
            if isinstance(item, MarkedDict) and len(item) == 2 and _well_formed(item):
                # (the usual unit, taken as it is; the schema below words any problem)
                units[str(key)] = TranslatedUnit(str(key), item["source"], item["text"],
                                                 value.key_origin(key))
                continue
            values = self.unit.validate(item, ctx.child(str(key), value.origin_of(key)))
            if values is INVALID:
                ok = False
            else:
                units[str(key)] = TranslatedUnit(str(key), values["source"], values["text"],
                                                 value.key_origin(key))
        return units if ok else INVALID

    def json_schema(self) -> JsonSchema:
        return {"type": "object", "additionalProperties": self.unit.json_schema(),
                "description": "unit ids (`s2.b1`) mapped to `{source, text}`"}


_HASH = re.compile(r"[0-9a-f]{8}")


def _well_formed(item: MarkedDict) -> bool:
    """A unit the schema would take unchanged: `source` a hash and `text` some text."""
    source, text = item.get("source"), item.get("text")
    return (type(source) is str and _HASH.fullmatch(source) is not None
            and type(text) is str and bool(text.strip()))


def _review(values: dict[str, Any], origin: Origin) -> Review:
    return Review(values["status"], values["translator"], values["method"], values["reviewer"],
                  values["reviewed_on"])


def translation_schema(path: Path) -> Record[Translation]:
    review = Record(
        {
            "status": Field(Choice("draft", "reviewed"),
                            doc="`draft` until a qualified reviewer signs the translation off"),
            "translator": Field(Text()),
            "method": Field(Text(), doc="how it was made, e.g. `professional`, `draft (machine-assisted)`"),
            "reviewer": Field(Text(), required=False),
            "reviewed_on": Field(Date(), required=False),
        },
        _review,
    )
    return Record(
        {
            "handout": Field(identifier("a handout id")),
            "lang": Field(language_tag("es")),
            "review": Field(review),
            "units": Field(_Units()),
        },
        lambda v, o: Translation(v["handout"], v["lang"], v["review"], v["units"], path, o),
    )


def load_translation(path: Path, diagnostics: Diagnostics) -> Translation | None:
    loaded = read_document(path, translation_schema(path), diagnostics)
    if loaded is None:
        return None
    data, translation = loaded
    if translation.lang != path.parent.name or translation.handout != path.stem:
        diagnostics.error(data.origin, f"this file must be `{TRANSLATIONS_FOLDER}/{translation.lang}/"
                          f"{translation.handout}.yaml` to match its `lang` and `handout`")
        return None
    review = translation.review
    if review.status == "reviewed" and (not review.reviewer or not review.reviewed_on):
        diagnostics.error(data["review"].origin,
                          "a `reviewed` translation names its `reviewer` and `reviewed_on` date")
        return None
    return translation


def load_translations(folder: Path, diagnostics: Diagnostics) -> dict[tuple[str, str], Translation]:
    """Every translation, keyed by (handout id, language)."""
    return load_folder(folder, load_translation, diagnostics, pattern="*/*",
                       key=lambda path, translation: (translation.handout, translation.lang))


def unit_state(translation: Translation | None, unit_id: str,
               english_hash: str) -> tuple[str, TranslatedUnit | None]:
    """Whether a unit is translated: "missing", "stale" (its English changed since, going by
    the hash the translation records) or "ok"; and the translated unit, if there is one."""
    found = translation.units.get(unit_id) if translation is not None else None
    if found is None:
        return "missing", None
    return ("stale" if found.source_hash != english_hash else "ok"), found
