"""One leaflet, start to finish, with no file written: resolve, render, finish.

Everything here is a function of the loaded project and the job; what comes out is bytes
for publish.py to write.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, replace
from pathlib import PurePosixPath

from carepress.errors import CarepressError, Diagnostic, Origin
from carepress.languages import leaflet_locale, regional_tags
from carepress.load import Project
from carepress.model import Artifact, Brand, Handout, PrintOptions
from carepress.plan import FILLABLE, HTML, Job, editions_of, output_path
from carepress.resolve import Resolved, ResolveOptions, resolve
from carepress.verification import verify

READING_ORDER = "reading-order"  # an imposed layout's pages in reading order, for screens


@dataclass(frozen=True)
class Output:
    variant: str  # "" for the job's own file, READING_ORDER beside an imposed one
    artifact: Artifact


@dataclass(frozen=True)
class Product:
    outputs: tuple[Output, ...]
    warnings: tuple[Diagnostic, ...]
    draft: bool = False  # from a translation not yet reviewed (or with stale units)


def source_date_epoch(handout: Handout) -> int:
    """SOURCE_DATE_EPOCH when set (reproducible builds), else the handout's approval date."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if value.isdigit():
        return int(value)
    approved = dt.datetime.combine(handout.control.approved, dt.time(), dt.timezone.utc)
    return int(approved.timestamp())


def fixed_strings(project: Project, lang: str, brand: Brand) -> dict[str, str]:
    """The fixed strings of a clinic's leaflets in ``lang``: its language's, with those of its
    region's file when it has one (`en-GB.yaml` for a clinic with `locale: en-GB`)."""
    folder = project.root / "layouts/strings"
    for tag in regional_tags(lang, leaflet_locale(lang, brand.locale)):
        if (folder / f"{tag}.yaml").is_file():
            found = project.regional_strings.get(tag)
            if found is None:
                raise CarepressError([Diagnostic(Origin(folder / f"{tag}.yaml"), f"the fixed strings "
                                                 f"for `{tag}` have problems (reported with the "
                                                 "project's); fix them")])
            return found
    strings = project.strings.get(lang, project.regional_strings.get(lang))
    if strings is None:
        path = folder / f"{lang}.yaml"
        problem = ("has problems (reported with the project's); fix them" if path.is_file()
                   else "is missing: add it, with every string the layout prints")
        raise CarepressError([Diagnostic(Origin(path), f"the file of fixed strings for `{lang}` "
                                                       f"{problem}")])
    return strings


def resolve_job(project: Project, job: Job, options: ResolveOptions = ResolveOptions()) -> Resolved:
    brand = project.brands[job.clinic]
    strings = fixed_strings(project, job.lang, brand)
    handout = project.handouts[job.handout]
    translation = None if job.lang == handout.lang else project.translations[(job.handout, job.lang)]
    return resolve(handout, project.sources, brand, strings, project.pinned, translation, options,
                   editions_of(project, job.handout, brand))


def make(project: Project, job: Job, options: ResolveOptions = ResolveOptions(),
         printing: PrintOptions = PrintOptions()) -> Product:
    """The files of one job, as bytes; raises CarepressError listing what is wrong."""
    resolved = resolve_job(project, job, options)
    if job.format == HTML:
        from carepress.html import render_html

        return Product((Output("", render_html(resolved.leaflet)),), resolved.warnings,
                       resolved.leaflet.draft)
    return Product(render_pdf(project, job, resolved, printing), resolved.warnings,
                   resolved.leaflet.draft)


def typeset_verified(project: Project, job: Job, resolved: Resolved, printing: PrintOptions) -> Artifact:
    """The leaflet typeset on the job's layout, its pages in reading order, and verified (its
    page limit, its fonts embedded): all that can fail in making its PDF; imposing the pages
    on sheets cannot, so `check` stops here.  A `fillable` job's form fields are its own."""
    from carepress.typeset import typeset

    layout = project.layouts[job.layout]
    printing = replace(printing, fillable=job.variant == FILLABLE)
    typeset_pdf = typeset(resolved.leaflet, layout, epoch=source_date_epoch(project.handouts[job.handout]),
                          printing=printing)
    verify(typeset_pdf, resolved.leaflet, layout)
    return typeset_pdf


def render_pdf(project: Project, job: Job, resolved: Resolved, printing: PrintOptions
               ) -> tuple[Output, ...]:
    """The leaflet typeset on the job's layout and verified; an imposed layout gives the
    printed sheets and, beside them, the pages in reading order.  A `fillable` job's form
    fields are its own: the printed PDF beside it has none, whatever ``printing`` says."""
    layout = project.layouts[job.layout]
    typeset_pdf = typeset_verified(project, job, resolved, printing)
    # (a fillable form is the reading-order pages only: no sheets to impose)
    if layout.imposition is None or job.variant == FILLABLE:
        return (Output("", typeset_pdf),)
    from carepress.finish import imposed_sheets  # (pypdf, for sheets alone: imported only here)

    # (the sheets name the file their pages in reading order are published as: the one to read)
    reading_copy = PurePosixPath(output_path(job.clinic, job.lang, job.handout, job.layout,
                                             READING_ORDER)).name
    sheets = imposed_sheets(typeset_pdf, resolved.leaflet.lang, layout.imposition, reading_copy, printing)
    return (Output(READING_ORDER, typeset_pdf), Output("", sheets))
