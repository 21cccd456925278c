"""The English units of a handout, with the hash a translation must record."""

from __future__ import annotations

from dataclasses import dataclass

from carepress.errors import Origin
from carepress.load.sources import pin_of
from carepress.load.translations import unit_state
from carepress.model import Handout, Source, TextBlock, Translation, pieces_of
from carepress.resolve import select_passage


@dataclass(frozen=True)
class Unit:
    id: str
    english: str
    hash: str
    origin: Origin
    note: str  # for translators: what the unit is and where it comes from


def units_of(handout: Handout, sources: dict[str, Source]) -> list[Unit]:
    """Every translatable unit in document order; passages whose selector fails are skipped
    (resolving the English reports them)."""
    units = []
    for piece in pieces_of(handout):
        if isinstance(piece, TextBlock):
            units.append(Unit(piece.unit, piece.template, pin_of(piece.template), piece.origin,
                              "clinic-written text (Jinja placeholders and **bold** stay as they are)"))
            continue
        selected = select_passage(piece, sources)
        if isinstance(selected, str):
            continue
        source, paragraph = selected
        units.append(Unit(piece.unit, paragraph.text, pin_of(paragraph.text), piece.origin,
                          f"quoted passage: {source.title}, paragraph {paragraph.number}; "
                          "translate faithfully, add nothing"))
    return units


@dataclass(frozen=True)
class UnitState:
    unit: Unit
    status: str  # "ok" | "missing" | "stale"
    origin: Origin  # where to look: the translation unit, or the English for a missing one


def unit_states(handout: Handout, sources: dict[str, Source],
                translation: Translation | None) -> list[UnitState]:
    states = []
    for unit in units_of(handout, sources):
        status, translated = unit_state(translation, unit.id, unit.hash)
        origin = translated.origin if translated else (translation.origin if translation else unit.origin)
        states.append(UnitState(unit, status, origin))
    return states
