"""`carepress i18n status`: language x handout -> units, missing, stale, review status."""

from __future__ import annotations

from dataclasses import dataclass

from carepress.build import project_languages
from carepress.i18n.units import unit_states
from carepress.load import Project


@dataclass(frozen=True)
class StatusRow:
    lang: str
    handout: str
    units: int
    missing: int
    stale: int
    status: str  # "source", "draft", "reviewed"


def translation_status(project: Project) -> list[StatusRow]:
    rows = []
    langs = project_languages(project)
    for lang in langs:
        for handout_id, handout in sorted(project.handouts.items()):
            if lang == handout.lang:
                continue
            translation = project.translations.get((handout_id, lang))
            states = unit_states(handout, project.sources, translation)
            rows.append(StatusRow(
                lang, handout_id, len(states), sum(s.status == "missing" for s in states),
                sum(s.status == "stale" for s in states),
                translation.review.status if translation else "missing"))
    return rows
