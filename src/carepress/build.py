"""The orchestrator: the build matrix and the stages in order for each leaflet."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import gc
import hashlib
import os
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Iterator, Sequence

from carepress.cache import InputHasher, bundle_key, cached_records, remember
from carepress.errors import CarepressError, Diagnostic, Origin, UsageError, did_you_mean
from carepress.languages import script_of
from carepress.load import Project
from carepress.model import Handout, PrintOptions
from carepress.publish import (
    BUNDLE, MANIFEST, ManifestRecord, leaflet_path, publish_pdf, read_manifest, write_manifest,
)
from carepress.resolve import Resolved, ResolveOptions, resolve

if TYPE_CHECKING:  # (the finish stage imports pypdf: only when a leaflet is built)
    from carepress.finish import FinishedPdf


@dataclass(frozen=True)
class Job:
    handout: str
    lang: str
    clinic: str
    layout: str
    variant: str = ""  # "fillable" when the build makes fill-in forms: part of the file name

    @property
    def path(self) -> str:
        """The PDF this job writes (an imposed layout writes its reading order beside it)."""
        return leaflet_path(self.clinic, self.lang, self.handout, self.layout, self.variant)


@dataclass(frozen=True)
class Filters:
    handouts: tuple[str, ...] = ()
    layouts: tuple[str, ...] = ()
    clinics: tuple[str, ...] = ()
    langs: tuple[str, ...] = ()


@dataclass
class Outcome:
    job: Job
    record: ManifestRecord | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    extra: list[ManifestRecord] = field(default_factory=list)  # e.g. a booklet's reading order
    status: str = "built"  # "built" | "unchanged" | "failed" | "checked"
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.status != "failed"

    @property
    def records(self) -> list[ManifestRecord]:
        return [] if self.record is None else [self.record, *self.extra]


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


@dataclass
class BuildReport:
    outcomes: list[Outcome]
    project_diagnostics: list[Diagnostic]

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.ok]

    @property
    def diagnostics(self) -> list[Diagnostic]:
        found = list(self.project_diagnostics)
        for outcome in self.outcomes:
            found.extend(d for d in outcome.diagnostics if d not in found)
        return found

    @property
    def ok(self) -> bool:
        return not any(d.severity == "error" for d in self.diagnostics)

    def counts(self) -> dict[str, int]:
        return {status: sum(o.status == status for o in self.outcomes)
                for status in ("built", "unchanged", "failed")}

    def summary(self, seconds: float) -> str:
        counts = self.counts()
        return (f"{len(self.outcomes)} leaflet(s): {counts['built']} built, {counts['unchanged']} "
                f"unchanged, {counts['failed']} failed in {seconds:.2f}s.")

    def write_json(self, path: Path, seconds: float) -> None:
        """The machine-readable report: each leaflet's status, time, pages, warnings, errors."""
        import json

        from carepress.files import write_atomic

        leaflets = [{
            "path": o.job.path, "handout": o.job.handout, "lang": o.job.lang, "clinic": o.job.clinic,
            "layout": o.job.layout, "status": o.status, "seconds": round(o.seconds, 4),
            "pages": o.record.pages if o.record else None,
            "warnings": [d.format() for d in o.diagnostics if d.severity == "warning"],
            "errors": [d.format() for d in o.diagnostics if d.severity == "error"],
        } for o in self.outcomes]
        document = {"summary": {**self.counts(), "seconds": round(seconds, 3),
                                "project_errors": [d.format() for d in self.project_diagnostics]},
                    "leaflets": leaflets}
        write_atomic(path, (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))


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
    return [job for job in all_jobs(project) if job.handout in handouts and job.layout in layouts
            and job.clinic in clinics and job.lang in langs]


def all_jobs(project: Project) -> list[Job]:
    """The whole matrix, as each clinic offers it, in a stable order."""
    jobs = []
    for clinic in sorted(project.brands):
        brand = project.brands[clinic]
        printed = [layout for layout in sorted(project.layouts) if not brand.layouts or layout in brand.layouts]
        for handout in sorted(project.handouts):
            for lang in languages_of(project, handout):
                if not brand.languages or lang in brand.languages:
                    jobs.extend(Job(handout, lang, clinic, layout) for layout in printed)
    return jobs


def languages_of(project: Project, handout: str) -> list[str]:
    """The handout's own language first, then every language it has a translation in."""
    own = project.handouts[handout].lang
    return [own] + sorted(lang for (h, lang) in project.translations if h == handout and lang != own)


def project_languages(project: Project, handouts: Iterable[str] | None = None) -> list[str]:
    """Every language the handouts (all of them by default) are written or translated in."""
    chosen = project.handouts if handouts is None else handouts
    return sorted({lang for handout in chosen for lang in languages_of(project, handout)})


def source_date_epoch(handout: Handout) -> int:
    """SOURCE_DATE_EPOCH when set (reproducible builds), else the handout's approval date."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if value.isdigit():
        return int(value)
    approved = dt.datetime.combine(handout.control.approved, dt.time(), dt.timezone.utc)
    return int(approved.timestamp())


def resolve_job(project: Project, job: Job, options: ResolveOptions = ResolveOptions()) -> Resolved:
    strings = project.strings.get(job.lang)
    if strings is None:
        path = project.root / "layouts/strings" / f"{job.lang}.yaml"
        problem = ("has problems (reported with the project's); fix them" if path.is_file()
                   else "is missing: add it, with every string the layout prints")
        raise CarepressError([Diagnostic(Origin(path), f"the file of fixed strings for `{job.lang}` "
                                                       f"{problem}")])
    handout = project.handouts[job.handout]
    translation = None if job.lang == handout.lang else project.translations[(job.handout, job.lang)]
    return resolve(handout, project.sources, project.brands[job.clinic], strings, project.pinned,
                   translation, options)


def build_job(project: Project, job: Job, out: Path, options: ResolveOptions = ResolveOptions(),
              printing: PrintOptions = PrintOptions()) -> Outcome:
    from carepress.finish import finish
    from carepress.typeset import typeset

    try:
        resolved = resolve_job(project, job, options)
        layout = project.layouts[job.layout]
        result = typeset(resolved.leaflet, layout, epoch=source_date_epoch(project.handouts[job.handout]),
                         printing=printing)
        # (a fillable form is the reading-order pages only: no sheets to impose)
        finished = finish(result.pdf, resolved.leaflet, layout, impose_sheets=not printing.fillable)
    except CarepressError as exc:
        return Outcome(job, None, list(exc.diagnostics), status="failed")
    except Exception as exc:  # a bug in carepress must not stop the other leaflets
        origin = Origin(project.handouts[job.handout].path)
        return Outcome(job, None, [Diagnostic(origin, f"internal error building {job.path}: "
                                              f"{exc.__class__.__name__}: {exc}; please report it")],
                       status="failed")
    try:
        return _publish(out, job, resolved, finished)
    except OSError as exc:  # a full disk, a file in the way: this leaflet fails, with why
        return Outcome(job, None, [Diagnostic(Origin(out / job.path), f"cannot write: "
                                              f"{exc.strerror or exc}")], status="failed")


def _publish(out: Path, job: Job, resolved: Resolved, finished: FinishedPdf) -> Outcome:
    publish = functools.partial(publish_pdf, out, job.handout, job.lang, job.clinic, job.layout)
    if finished.imposed is None:  # (a fill-in form is never imposed: see build_job)
        return Outcome(job, publish(finished.data, finished.pages, job.variant), list(resolved.warnings))
    reading = publish(finished.data, finished.pages, "reading-order")
    record = publish(finished.imposed, finished.imposed_pages)
    return Outcome(job, record, list(resolved.warnings), [reading])


def shard_of(job: Job, count: int) -> int:
    """A job's shard (1-based), stable across machines and runs: from a hash of its path."""
    return int(hashlib.sha256(job.path.encode()).hexdigest(), 16) % count + 1


# Worker processes get the loaded project once (fork), and parse fonts once each.
_WORKER: dict[str, object] = {}


def _run_job(job: Job, key: str) -> Outcome:
    project, out, settings = _WORKER["project"], _WORKER["out"], _WORKER["settings"]
    assert isinstance(project, Project) and isinstance(out, Path) and isinstance(settings, BuildSettings)
    started = time.perf_counter()
    outcome = build_job(project, job, out, settings.resolve, settings.printing)
    if outcome.ok:
        remember(out, job.path, key, outcome.records, outcome.diagnostics)
    outcome.seconds = time.perf_counter() - started
    return outcome


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
    if settings.bundle and settings.printing.fillable:
        raise UsageError("--bundle joins leaflets into one file to print, and fill-in forms are "
                         "filled in one by one on screen: build the bundles without --fillable")
    _check_output_folder(out)
    jobs = plan(project, filters)
    if settings.printing.fillable:  # forms are files of their own, beside the printed leaflets
        jobs = [replace(job, variant="fillable") for job in jobs]
    if settings.shard is not None:
        number, count = settings.shard
        jobs = [job for job in jobs if shard_of(job, count) == number]
    hasher = InputHasher()
    outcomes: list[Outcome] = []
    pending: list[tuple[Job, str]] = []
    for job in jobs:
        key = hasher.key(project, job.handout, job.lang, job.clinic, job.layout, settings.printing,
                         settings.resolve)
        cached = None if settings.force else cached_records(out, job.path, key)
        if cached is not None:
            records, warnings = cached
            outcome = Outcome(job, records[0], warnings, records[1:], status="unchanged")
            outcomes.append(outcome)
            if settings.progress:
                settings.progress(outcome, len(outcomes), len(jobs))
        else:
            pending.append((job, key))
    _WORKER.update(project=project, out=out, settings=settings)
    for outcome in _run(pending, settings, project):
        outcomes.append(outcome)
        if settings.progress:
            settings.progress(outcome, len(outcomes), len(jobs))
    order = {job: index for index, job in enumerate(jobs)}
    outcomes.sort(key=lambda o: order[o.job])
    changed = any(o.status != "unchanged" for o in outcomes)
    if changed or settings.bundle or not (out / MANIFEST).is_file():
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
    """One print-ready PDF per clinic x language x layout this build touched, holding the
    leaflet of every handout in ``out`` (this build's and earlier builds'), in handout order.
    It is made once all of this build's leaflets for it are ok: while one has failed or did
    not run, the earlier bundle stays.  One whose leaflets are as they were is not made
    again (unless ``force``)."""
    from carepress.finish import bundle

    if any(d.severity == "error" for d in project.diagnostics):
        return []  # a handout or translation that did not load would be missing from them
    done = {outcome.job: outcome for outcome in outcomes}
    groups: dict[tuple[str, str, str], list[Job]] = {}
    for job in jobs:
        groups.setdefault((job.clinic, job.lang, job.layout), []).append(job)
    earlier = [r for r in previous if not r.variant and r.handout in project.handouts
               and (out / r.path).is_file()]
    records = []
    for (clinic, lang, layout), members in sorted(groups.items()):
        if not all(job in done and done[job].ok for job in members):
            continue
        leaflets = {r.handout: r for r in earlier if (r.clinic, r.lang, r.layout) == (clinic, lang, layout)}
        leaflets.update({job.handout: done[job].record for job in members if done[job].record})
        ordered = [leaflets[handout] for handout in sorted(leaflets)]
        path = leaflet_path(clinic, lang, BUNDLE, layout)
        key = bundle_key([leaflet.sha256 for leaflet in ordered])
        cached = None if force else cached_records(out, path, key)
        if cached is not None:
            records.append(cached[0][0])
            continue
        data, pages = bundle([(out / leaflet.path).read_bytes() for leaflet in ordered])
        record = publish_pdf(out, BUNDLE, lang, clinic, layout, data, pages)
        remember(out, path, key, [record], [])
        records.append(record)
    return records


def _review_by(project: Project | None, handout_id: str) -> dt.date | None:
    handout = project.handouts.get(handout_id) if project else None
    return handout.control.review_by if handout else None


def _index_rows(project: Project | None, listed: list[ManifestRecord],
                status_of: Callable[[ManifestRecord], str]) -> list:  # type: ignore[type-arg]
    from carepress.index import IndexRow

    return [IndexRow(r.clinic, r.lang, r.handout, r.layout, r.variant, status_of(r), r.pages,
                     r.bytes, _review_by(project, r.handout), r.path) for r in listed]


def write_index_page(project: Project, out: Path, outcomes: list[Outcome],
                     listed: list[ManifestRecord]) -> None:
    """The index lists every leaflet in the manifest, and this build's failures."""
    from carepress.index import IndexRow, write_index

    status = {r.path: o.status for o in outcomes for r in o.records}
    rows = _index_rows(project, listed, lambda record: status.get(record.path, "earlier build"))
    for outcome in outcomes:
        if outcome.record is None:
            job = outcome.job
            rows.append(IndexRow(job.clinic, job.lang, job.handout, job.layout, job.variant,
                                 "failed", None, None, _review_by(project, job.handout), None))
    failed = sum(not o.ok for o in outcomes)
    write_index(out, rows, f"{len(listed)} PDF(s) listed; this build: {len(outcomes) - failed} "
                           f"leaflet(s) ok, {failed} failed.")


def merge_shards(manifests: Sequence[Path], manifest: Path, project: Project | None = None
                 ) -> tuple[list[ManifestRecord], bool]:
    """Join the manifests of a sharded build into ``manifest``; and, when the folder it is
    in holds the shards' PDFs (a merged dist/), list them all in an index.html there: each
    shard's own index lists only its slice.  The project, when given, supplies the review
    dates.  Returns the records and whether the index was written."""
    from carepress.files import write_atomic
    from carepress.index import write_index
    from carepress.publish import manifest_text, merge_manifests

    records = merge_manifests(manifests)
    write_atomic(manifest, manifest_text(records).encode("utf-8"))
    folder = manifest.parent
    if not all((folder / record.path).is_file() for record in records):
        return records, False
    write_index(folder, _index_rows(project, records, lambda record: "ok"),
                f"{len(records)} PDF(s) listed, merged from {len(manifests)} shard(s); each "
                "shard's report names the leaflets that failed.")
    return records, True


def _warm_up(project: Project, jobs: list[Job]) -> None:
    """Import the typesetting stack, parse fonts and logos and load each language's date
    formats once, before the first of many leaflets: forked workers then start with them in
    memory (each parses its fonts once, not once a leaflet), and _frozen_heap can freeze them."""
    import carepress.finish  # noqa: F401
    import carepress.typeset.rtl  # noqa: F401
    from carepress.resolve import format_date
    from carepress.typeset.flowables import check_logo
    from carepress.typeset.fonts import brand_fonts, firago

    firago()
    for lang in {job.lang for job in jobs}:
        format_date(dt.date(2000, 1, 1), lang)
    for clinic in {job.clinic for job in jobs}:
        brand = project.brands[clinic]
        check_logo(brand.logo.path)
        for script, spec in brand.fonts.items():
            if any(script_of(job.lang) == script for job in jobs if job.clinic == clinic):
                try:
                    brand_fonts(spec.regular, spec.bold, spec.folder, script)
                except Exception:  # reported, with its origin, by the leaflets that use it
                    pass


def _expected_cost(job: Job) -> float:
    """Rough relative build time: right-to-left shaping and CJK fonts cost more, as do
    layouts with more pages."""
    script = 1.0 if script_of(job.lang) == "latin" else 2.0
    return script * (1.5 if "large-print" in job.layout or "booklet" in job.layout else 1.0)


def _run(pending: list[tuple[Job, str]], settings: BuildSettings,
         project: Project) -> Iterator[Outcome]:
    """Outcomes as leaflets finish, in this process or in ``settings.jobs`` workers."""
    if len(pending) <= 1:
        yield from _run_here(pending, settings)
        return
    _warm_up(project, [job for job, _ in pending])
    with _frozen_heap():
        if settings.jobs <= 1:
            yield from _run_here(pending, settings)
        else:
            yield from _run_in_workers(pending, settings)


@contextlib.contextmanager
def _frozen_heap() -> Iterator[None]:
    """Everything loaded so far (modules, fonts, the project) lives for the whole build: the
    garbage collector (on for the build) stops walking it, and forked workers stop copying
    the memory pages it sits on just to update its collection counts.  Measured on the full
    matrix: 3.4 -> 3.0 s in one process, 2.1 -> 1.85 s in two workers."""
    was_enabled = gc.isenabled()
    gc.freeze()  # (no collection first: the holes it frees would be written to by workers)
    gc.enable()  # (the command line turns it off for short runs)
    try:
        yield
    finally:
        gc.unfreeze()
        if not was_enabled:
            gc.disable()


def _run_here(pending: list[tuple[Job, str]], settings: BuildSettings) -> Iterator[Outcome]:
    for job, key in pending:
        outcome = _run_job(job, key)
        yield outcome
        if settings.fail_fast and not outcome.ok:
            return


def _run_in_workers(pending: list[tuple[Job, str]], settings: BuildSettings) -> Iterator[Outcome]:
    import multiprocessing  # imported only here: 12 ms of a one-leaflet build otherwise
    from concurrent.futures import ProcessPoolExecutor, as_completed

    context = multiprocessing.get_context("fork")
    # The slowest leaflets first, so that no worker is left with a long one at the end.
    pending = sorted(pending, key=lambda item: -_expected_cost(item[0]))
    with ProcessPoolExecutor(max_workers=settings.jobs, mp_context=context,
                             initializer=_end_with_parent, initargs=(os.getpid(),)) as pool:
        futures = [pool.submit(_run_job, job, key) for job, key in pending]
        for future in as_completed(futures):
            outcome = future.result()
            yield outcome
            if settings.fail_fast and not outcome.ok:
                for other in futures:
                    other.cancel()
                return


def _end_with_parent(parent: int) -> None:
    """In each worker: end when the build that started it is gone (a CI job cancelled with
    SIGKILL leaves no one to tell the workers), rather than wait forever for work."""
    import threading

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True, name="carepress-parent-watch").start()


def check(project: Project, filters: Filters = Filters(),
          options: ResolveOptions = ResolveOptions()) -> BuildReport:
    """Load and resolve everything, and check logos and glyphs, without writing a PDF."""
    from carepress.typeset.checks import preflight

    outcomes = []
    for job in plan(project, filters):
        try:
            resolved = resolve_job(project, job, options)
            preflight(resolved.leaflet)
            outcomes.append(Outcome(job, None, list(resolved.warnings), status="checked"))
        except CarepressError as exc:
            outcomes.append(Outcome(job, None, list(exc.diagnostics), status="failed"))
    return BuildReport(outcomes, list(project.diagnostics))
