"""The build matrix: which leaflets a project makes, as jobs, in a stable order.

A job is one output of one handout in one language for one clinic: a PDF on one layout, or
the HTML twin (one per clinic and language, whatever the layouts).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Iterable, Sequence

from carepress.errors import UsageError, did_you_mean
from carepress.model import Brand, Editions, has_fill_in

if TYPE_CHECKING:
    from carepress.load import Project

HTML = "html"  # the format of the HTML twin; every other job is a PDF
# A bundle is published under this name in place of a handout id (load refuses it as one).
BUNDLE = "bundle"
# The variant of a PDF form to fill in on screen (`build --fillable`): HANDOUT-LAYOUT-fillable.pdf.
FILLABLE = "fillable"


@dataclass(frozen=True)
class Job:
    handout: str
    lang: str
    clinic: str
    layout: str        # "" for the HTML twin
    variant: str = ""  # FILLABLE for a fill-in form: part of the file name
    format: str = "pdf"

    @property
    def path(self) -> str:
        """The file this job writes (an imposed layout writes its reading order beside it)."""
        return output_path(self.clinic, self.lang, self.handout, self.layout, self.variant, self.format)


def output_path(clinic: str, lang: str, handout: str, layout: str, variant: str = "",
                format: str = "pdf") -> str:
    """Where an output lives in the output folder, with forward slashes."""
    if format == HTML:
        return f"{clinic}/{lang}/{handout}.html"
    suffix = f"-{variant}" if variant else ""
    return f"{clinic}/{lang}/{handout}-{layout}{suffix}.pdf"


@dataclass(frozen=True)
class Filters:
    handouts: tuple[str, ...] = ()
    layouts: tuple[str, ...] = ()
    clinics: tuple[str, ...] = ()
    langs: tuple[str, ...] = ()
    formats: tuple[str, ...] = ()  # "pdf", "html"; none means both


FORMATS = ("pdf", HTML)


def _select(kind: str, wanted: Sequence[str], available: Iterable[str],
            broken: Iterable[str] = ()) -> list[str]:
    """The names the filter keeps; a name whose file failed to load is not a usage error
    (its problems are reported with the rest)."""
    available = sorted(available)
    for name in wanted:
        if name not in available and name not in broken:
            raise UsageError(f"unknown {kind} `{name}`{did_you_mean(name, available)} "
                             f"(available: {', '.join(available) or 'none'})")
    return [name for name in available if not wanted or name in wanted]


def plan(project: Project, filters: Filters = Filters()) -> list[Job]:
    """Every handout x language x clinic x layout the filters select, in a stable order."""
    def broken(folder: str, loaded: Iterable[str]) -> set[str]:
        return {path.stem for path in (project.root / folder).glob("*.yaml")} - set(loaded)

    handouts = _select("handout", filters.handouts, project.handouts,
                       broken("handouts", project.handouts))
    if filters.handouts and not handouts:  # each one asked for failed to load: that is the news
        return []
    layouts = _select("layout", filters.layouts, project.layouts, broken("layouts", project.layouts))
    clinics = _select("clinic", filters.clinics, project.brands,
                      broken("layouts/brands", project.brands))
    langs = _select("language", filters.langs, project_languages(project, handouts))
    formats = _select("format", filters.formats, FORMATS)
    return [job for job in all_jobs(project) if job.handout in handouts and job.clinic in clinics
            and job.lang in langs and job.format in formats
            and (job.format == HTML or job.layout in layouts)]


def with_fillable(project: Project, jobs: Iterable[Job]) -> list[Job]:
    """The jobs, each PDF of a handout with a `fill_in` block followed by its fillable form
    (an extra file: a handout without fill-in lines has nothing to fill in, so none)."""
    planned: list[Job] = []
    for job in jobs:
        planned.append(job)
        if job.format != HTML and not job.variant and has_fill_in(project.handouts[job.handout]):
            planned.append(replace(job, variant=FILLABLE))
    return planned


def printed_layouts(project: Project, brand: Brand) -> list[str]:
    """The layouts a clinic prints (every layout when its brand names none)."""
    return [layout for layout in sorted(project.layouts) if brand.prints(layout)]


def offered_languages(project: Project, handout: str, brand: Brand) -> list[str]:
    """The languages a clinic offers a handout in: those it is written or translated in
    that the clinic offers (every one when its brand names none)."""
    return [lang for lang in languages_of(project, handout) if brand.offers(lang)]


def editions_of(project: Project, handout: str, brand: Brand) -> Editions:
    """The editions of a handout a clinic builds besides any one leaflet: other languages,
    and large print (a layout that says `large_print: true`, whatever its name)."""
    return Editions(languages=len(offered_languages(project, handout, brand)) > 1,
                    large_print=any(project.layouts[layout].large_print
                                    for layout in printed_layouts(project, brand)))


def all_jobs(project: Project) -> list[Job]:
    """The whole matrix, as each clinic offers it, in a stable order: for each clinic,
    handout and language, the PDF on each layout it prints, then the HTML twin."""
    jobs: list[Job] = []
    for clinic in sorted(project.brands):
        brand = project.brands[clinic]
        printed = printed_layouts(project, brand)
        for handout in sorted(project.handouts):
            for lang in offered_languages(project, handout, brand):
                jobs.extend(Job(handout, lang, clinic, layout) for layout in printed)
                jobs.append(Job(handout, lang, clinic, "", format=HTML))
    return jobs


def languages_of(project: Project, handout: str) -> list[str]:
    """The handout's own language first, then every language it has a translation in."""
    own = project.handouts[handout].lang
    return [own] + sorted(lang for (h, lang) in project.translations if h == handout and lang != own)


def project_languages(project: Project, handouts: Iterable[str] | None = None) -> list[str]:
    """Every language the handouts (all of them by default) are written or translated in."""
    chosen = project.handouts if handouts is None else handouts
    return sorted({lang for handout in chosen for lang in languages_of(project, handout)})


def shard_of(job: Job, count: int) -> int:
    """A job's shard (1-based), stable across machines and runs: from a hash of its path."""
    return int(hashlib.sha256(job.path.encode()).hexdigest(), 16) % count + 1
