"""The orchestrator: the matrix (plan.py), each job through the pipeline and publish
(workers.py), then what spans the build: bundles, the manifest and the index page."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Callable, Sequence, TypeVar

from carepress.cache import InputHasher, bundle_key
from carepress.content import Review, review
from carepress.errors import CarepressError, Diagnostic, UsageError, unique
from carepress.load import Project
from carepress.model import Artifact, PrintOptions
from carepress.plan import (
    BUNDLE, HTML, Filters, Job, all_jobs, languages_of, output_path, plan, project_languages,
    shard_of, with_fillable,
)
from carepress.publish import (
    ManifestRecord, cached_records, publish_job, read_manifest, write_index, write_manifest,
)
from carepress.resolve import ResolveOptions
from carepress.workers import Outcome, RunSettings, run_jobs

T = TypeVar("T")

__all__ = ["BuildReport", "BuildSettings", "Filters", "Job", "build", "check", "languages_of",
           "plan", "project_languages", "with_fillable"]


@dataclass(frozen=True)
class BuildSettings:
    """How to build: options for resolving and printing, workers, cache, shard, progress."""

    resolve: ResolveOptions = ResolveOptions()
    printing: PrintOptions = PrintOptions()
    jobs: int = 1
    force: bool = False          # rebuild even leaflets whose inputs have not changed
    fail_fast: bool = False      # stop at the first failed leaflet
    shard: tuple[int, int] | None = None  # (K, N): build the K-th of N stable slices
    progress: Callable[[Outcome, int, int], None] | None = None  # (outcome, done, total)
    bundle: bool = False         # also one PDF per clinic x language x layout with every handout
    fillable: bool = False       # also a fill-in form (FILLABLE) of each handout with fill-in lines


@dataclass
class BuildReport:
    outcomes: list[Outcome]
    project_diagnostics: list[Diagnostic]
    review: Review | None = None  # `check`'s content checks (content.py)

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.ok]

    @property
    def diagnostics(self) -> list[Diagnostic]:
        """The project's diagnostics and every leaflet's, each once (a problem of a handout
        or translation is found by every leaflet made from it)."""
        return unique([*self.project_diagnostics,
                       *(d for outcome in self.outcomes for d in outcome.diagnostics),
                       *(self.review.diagnostics if self.review else ())])

    @property
    def ok(self) -> bool:
        return not any(d.severity == "error" for d in self.diagnostics)

    def counts(self) -> dict[str, int]:
        return {status: sum(o.status == status for o in self.outcomes)
                for status in ("built", "unchanged", "failed")}

    def summary(self, seconds: float) -> str:
        counts = self.counts()
        return (f"{len(self.outcomes)} leaflet(s): {counts['built']} built, {counts['unchanged']} "
                f"unchanged, {counts['failed']} failed in {seconds:.2f}s.{self.drafts_summary()}")

    def drafts_summary(self) -> str:
        """" N of them from draft translations (languages), not yet reviewed", or ""."""
        drafts = [o for o in self.outcomes if o.ok and o.draft]
        if not drafts:
            return ""
        langs = ", ".join(sorted({o.job.lang for o in drafts}))
        return (f" {len(drafts)} of them from draft translations ({langs}), not yet reviewed: "
                "their pages say so; `--require-reviewed` refuses them.")

    def write_json(self, path: Path, seconds: float) -> None:
        """The machine-readable report: each leaflet's status, time, pages, warnings, errors."""
        import json

        from carepress.files import write_atomic

        leaflets = [{
            "path": o.job.path, "handout": o.job.handout, "lang": o.job.lang, "clinic": o.job.clinic,
            "layout": o.job.layout, "format": o.job.format, "status": o.status, "seconds": round(o.seconds, 4),
            "pages": o.record.pages if o.record else None,
            "warnings": [d.format() for d in o.diagnostics if d.severity == "warning"],
            "errors": [d.format() for d in o.diagnostics if d.severity == "error"],
        } for o in self.outcomes]
        document = {"summary": {**self.counts(), "seconds": round(seconds, 3),
                                "project_errors": [d.format() for d in self.project_diagnostics]},
                    "leaflets": leaflets}
        write_atomic(path, (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))


def build(project: Project, out: Path, filters: Filters = Filters(),
          settings: BuildSettings = BuildSettings()) -> BuildReport:
    """Build every selected leaflet into ``out``; one failure never stops the others (unless
    ``fail_fast``).  Leaflets whose inputs have not changed since they were built are not
    built again (unless ``force``)."""
    if settings.shard is not None and settings.bundle:
        # Each shard would bundle only its own handouts, under the bundle's one name.
        raise UsageError("--bundle needs every handout of a clinic, language and layout, and a "
                         "shard has only some: build the bundles in one job over the merged dist/ "
                         "(`carepress build --bundle`; the shards' leaflets are then unchanged)")
    if settings.fillable and filters.formats and "pdf" not in filters.formats:
        raise UsageError("--fillable adds PDF forms beside the printed PDFs, and --format html "
                         "builds none: leave out --format html, or --fillable")
    _check_output_folder(out)
    jobs = plan(project, filters)
    if settings.fillable:  # forms are PDFs of their own, beside the printed leaflets
        jobs = with_fillable(project, jobs)
    if settings.shard is not None:
        number, count = settings.shard
        jobs = [job for job in jobs if shard_of(job, count) == number]
    hasher = InputHasher()
    outcomes: list[Outcome] = []
    pending: list[tuple[Job, str]] = []
    for job in jobs:
        key = hasher.key(project, job, settings.printing, settings.resolve)
        cached = None if settings.force else cached_records(out, job.path, key)
        if cached is not None:
            records, warnings = cached
            outcome = Outcome(job, records[0], warnings, records[1:], status="unchanged")
            outcomes.append(outcome)
            if settings.progress:
                settings.progress(outcome, len(outcomes), len(jobs))
        else:
            pending.append((job, key))
    run = RunSettings(settings.resolve, settings.printing, settings.jobs, settings.fail_fast)
    for outcome in run_jobs(project, out, pending, run):
        outcomes.append(outcome)
        if settings.progress:
            settings.progress(outcome, len(outcomes), len(jobs))
    order = {job: index for index, job in enumerate(jobs)}
    outcomes.sort(key=lambda o: order[o.job])
    # The manifest and index are made anew every time, from records proven against the files
    # (and written only when they changed): an interrupted build is mended by the next one.
    records = [r for o in outcomes for r in o.records]
    previous = read_manifest(out)
    if settings.bundle:
        records += bundles(project, out, jobs, outcomes, previous, settings.force)
    matrix = {(j.clinic, j.lang, j.layout) for j in all_jobs(project)}
    # (a handout file that failed to load keeps its earlier PDFs, and so its records)
    handouts = {path.stem for path in (project.root / "handouts").glob("*.yaml")} | {BUNDLE}
    listed = write_manifest(out, records, lambda r: (r.clinic, r.lang, r.layout) in matrix
                            and r.handout in handouts, previous)
    write_index_page(project, out, outcomes, listed)
    return BuildReport(outcomes, list(project.diagnostics))


def _check_output_folder(out: Path) -> None:
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"cannot make the output folder {out}: {exc.strerror or exc}") from None
    if not os.access(out, os.W_OK | os.X_OK):
        raise UsageError(f"cannot write into the output folder {out}: permission denied")


def bundles(project: Project, out: Path, jobs: list[Job], outcomes: list[Outcome],
            previous: list[ManifestRecord], force: bool = False) -> list[ManifestRecord]:
    """One PDF per clinic x language x layout this build touched, holding the leaflet of
    every handout in ``out`` (this build's and earlier builds'), in handout order: tagged,
    its leaflets' structure trees joined.  An imposed layout's bundle is its leaflets' printed
    sheets, print-only, and beside it the bundle of their reading order, the tagged one
    (``bundle-LAYOUT-reading-order.pdf``), which it names.  A bundle is made once all of this
    build's leaflets for it are ok: while one has failed or did not run, the earlier bundle
    stays.  One whose leaflets are as they were is not made again (unless ``force``)."""
    from carepress.bundle import bundle
    from carepress.pipeline import READING_ORDER

    if any(d.severity == "error" for d in project.diagnostics):
        return []  # a handout or translation that did not load would be missing from them
    done = {outcome.job: outcome for outcome in outcomes}
    groups: dict[tuple[str, str, str], list[Job]] = {}
    for job in jobs:
        if job.format == HTML or job.variant:  # (a web page or a form is not bound into a PDF)
            continue
        groups.setdefault((job.clinic, job.lang, job.layout), []).append(job)
    earlier = [r for r in previous if r.variant in ("", READING_ORDER) and r.format == "pdf"
               and r.handout in project.handouts and (out / r.path).is_file()]
    records = []
    for (clinic, lang, layout), members in sorted(groups.items()):
        if not all(job in done and done[job].ok for job in members):
            continue
        # (handout, variant) -> record: the printed file, and an imposed one's reading order
        leaflets = {(r.handout, r.variant): r for r in earlier
                    if (r.clinic, r.lang, r.layout) == (clinic, lang, layout)}
        leaflets.update({(r.handout, r.variant): r for job in members for r in done[job].records
                         if r.format == "pdf"})
        ordered = [leaflets[key] for key in sorted(leaflets) if key[1] == ""]
        reading: list[ManifestRecord] = []
        if layout in project.layouts and project.layouts[layout].imposition is not None:
            found = [leaflets.get((record.handout, READING_ORDER)) for record in ordered]
            if any(record is None for record in found):
                continue  # (a booklet without its reading order: the earlier bundle stays)
            reading = [record for record in found if record is not None]
        job = Job(BUNDLE, lang, clinic, layout)
        key = bundle_key([leaflet.sha256 for leaflet in [*ordered, *reading]])
        cached = None if force else cached_records(out, job.path, key)
        if cached is not None:
            records += cached[0]
            continue
        outputs = []
        reading_copy = None
        if reading:  # the tagged bundle to read, and the print-only sheets naming it
            data, pages = bundle([(out / leaflet.path).read_bytes() for leaflet in reading])
            outputs.append((READING_ORDER, Artifact(data, ".pdf", pages)))
            reading_copy = PurePosixPath(output_path(clinic, lang, BUNDLE, layout, READING_ORDER)).name
        data, pages = bundle([(out / leaflet.path).read_bytes() for leaflet in ordered], reading_copy)
        outputs.append(("", Artifact(data, ".pdf", pages)))
        records += publish_job(out, job, key, outputs, [])
    return records


def _review_by(project: Project | None, handout_id: str) -> dt.date | None:
    handout = project.handouts.get(handout_id) if project else None
    return handout.control.review_by if handout else None


def _index_rows(project: Project | None, listed: list[ManifestRecord],
                status_of: Callable[[ManifestRecord], str]) -> list:  # type: ignore[type-arg]
    from carepress.index import IndexRow

    return [IndexRow(r.clinic, r.lang, r.handout, r.layout, r.variant, r.format, status_of(r),
                     r.pages, r.bytes, _review_by(project, r.handout), r.path, r.draft)
            for r in listed]


def write_index_page(project: Project, out: Path, outcomes: list[Outcome],
                     listed: list[ManifestRecord]) -> None:
    """The index lists every leaflet in the manifest, and this build's failures."""
    from carepress.index import IndexRow, render_index

    status = {r.path: o.status for o in outcomes for r in o.records}
    rows = _index_rows(project, listed, lambda record: status.get(record.path, "earlier build"))
    for outcome in outcomes:
        if outcome.record is None:
            job = outcome.job
            rows.append(IndexRow(job.clinic, job.lang, job.handout, job.layout, job.variant,
                                 job.format, "failed", None, None, _review_by(project, job.handout),
                                 None))
    failed = sum(not o.ok for o in outcomes)
    drafts = sum(r.draft for r in listed)
    noted = f" {drafts} from draft translations, not yet reviewed." if drafts else ""
    write_index(out, render_index(rows, f"{len(listed)} file(s) listed; this build: "
                                        f"{len(outcomes) - failed} leaflet(s) ok, {failed} failed.{noted}",
                                  _lacking(project, listed)))


def _lacking(project: Project, listed: list[ManifestRecord]) -> list[tuple[str, list[str], str, str]]:
    """What each listed handout's English leaflets lack of their profile and topics, as
    `check` says it (content.py), for the index: shown where the leaflets are, not only in
    a log."""
    from carepress.content import checklist, lacking_by_clinics, resolved_leaflet

    found = []
    for handout_id, clinic in sorted({(r.handout, r.clinic) for r in listed}):
        handout = project.handouts.get(handout_id)
        if handout is not None and (handout.profile or handout.topics) and \
                (leaflet := resolved_leaflet(project, handout_id, handout.lang, clinic)) is not None:
            found.append(checklist(handout, leaflet, project, clinic))  # (else its failure is listed)
    return [(handout, clinics, part, detail)
            for (handout, part, detail), clinics in lacking_by_clinics(found).items()]


def merge_shards(manifests: Sequence[Path], manifest: Path, project: Project | None = None
                 ) -> tuple[list[ManifestRecord], bool]:
    """Join the manifests of a sharded build into ``manifest``; and, when the folder it is
    in holds the shards' PDFs (a merged dist/), list them all in an index.html there: each
    shard's own index lists only its slice.  The project, when given, supplies the review
    dates.  Returns the records and whether the index was written."""
    from carepress.files import write_atomic
    from carepress.index import render_index
    from carepress.publish import manifest_text, merge_manifests

    records = merge_manifests(manifests)
    write_atomic(manifest, manifest_text(records).encode("utf-8"))
    folder = manifest.parent
    if not all((folder / record.path).is_file() for record in records):
        return records, False
    write_index(folder, render_index(_index_rows(project, records, lambda record: "ok"),
                f"{len(records)} file(s) listed, merged from {len(manifests)} shard(s); each "
                "shard's report names the leaflets that failed."))
    return records, True


def check(project: Project, filters: Filters = Filters(),
          options: ResolveOptions = ResolveOptions(), out: Path | None = None) -> BuildReport:
    """Everything `build` checks, without writing a file: each PDF laid out on its pages as
    `build` lays it out (its page limit, a tri-fold's panels), unless the build cache in
    ``out`` (default: the project's dist/) proves it was built from these very inputs; and
    the content checks (content.py).  (An HTML twin has no pages and takes any text.)  So a `check` that passes means a
    `build` that passes.

    A leaflet does not depend on its layout: each handout x language x clinic is resolved
    once, whatever the number of layouts it is printed on."""
    from carepress.pipeline import resolve_job, typeset_verified

    out = project.root / "dist" if out is None else out
    hasher = InputHasher()
    done: dict[tuple[str, str, str, str], object] = {}  # (step, handout, lang, clinic) -> result

    def once(step: str, job: Job, make: Callable[[], T]) -> T:
        """``make()`` for the job's leaflet, made (or failed) once; a failure raised again."""
        key = (step, job.handout, job.lang, job.clinic)
        if key not in done:
            try:
                done[key] = make()
            except CarepressError as exc:
                done[key] = exc
        result = done[key]
        if isinstance(result, CarepressError):
            raise result
        return result  # type: ignore[return-value]

    def laid_out(job: Job, resolved: object) -> None:
        key = hasher.key(project, job, PrintOptions(), options)
        if cached_records(out, job.path, key) is None:  # (else built from these very inputs)
            typeset_verified(project, job, resolved, PrintOptions())  # type: ignore[arg-type]

    outcomes = []
    for job in plan(project, filters):
        try:
            resolved = once("resolve", job, lambda: resolve_job(project, job, options))
            if job.format != HTML:  # (an HTML twin has no pages, and takes any text)
                laid_out(job, resolved)
            outcomes.append(Outcome(job, None, list(resolved.warnings), status="checked",
                                    checked_draft=resolved.leaflet.draft))
        except CarepressError as exc:
            outcomes.append(Outcome(job, None, list(exc.diagnostics), status="failed"))
    jobs = [outcome.job for outcome in outcomes]

    def leaflet_of(handout: str, lang: str, clinic: str):  # type: ignore[no-untyped-def]
        try:
            return once("resolve", Job(handout, lang, clinic, ""),
                        lambda: resolve_job(project, Job(handout, lang, clinic, ""), options)).leaflet
        except CarepressError:
            return None

    found = review(project, sorted({job.handout for job in jobs}), sorted({job.lang for job in jobs}),
                   sorted({job.clinic for job in jobs}), strict=options.strict, leaflet_of=leaflet_of)
    return BuildReport(outcomes, list(project.diagnostics), found)
