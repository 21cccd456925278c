"""Running jobs: in this process, or in forked worker processes that share its warm heap.

Each job goes through the pipeline (no file written) and then publish.py, which writes its
files and its cache entry; a job's failure is its outcome, never the others'.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from carepress.errors import INTERRUPTED, CarepressError, Diagnostic, Origin
from carepress.languages import script_of
from carepress.load import Project
from carepress.model import PrintOptions
from carepress.pipeline import make
from carepress.plan import HTML, Job
from carepress.publish import ManifestRecord, publish_job
from carepress.resolve import ResolveOptions


@dataclass
class Outcome:
    job: Job
    record: ManifestRecord | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    extra: list[ManifestRecord] = field(default_factory=list)  # e.g. a booklet's reading order
    status: str = "built"  # "built" | "unchanged" | "failed" | "checked"
    seconds: float = 0.0
    checked_draft: bool = False  # `check`: the leaflet would print a draft translation

    @property
    def draft(self) -> bool:
        """Whether the leaflet is (or would be) printed from a draft translation."""
        return self.record.draft if self.record is not None else self.checked_draft

    @property
    def ok(self) -> bool:
        return self.status != "failed"

    @property
    def records(self) -> list[ManifestRecord]:
        return [] if self.record is None else [self.record, *self.extra]


@dataclass(frozen=True)
class RunSettings:
    options: ResolveOptions = ResolveOptions()
    printing: PrintOptions = PrintOptions()
    jobs: int = 1
    fail_fast: bool = False


def build_job(project: Project, job: Job, out: Path, key: str, settings: RunSettings = RunSettings()
              ) -> Outcome:
    """Make one job's files and publish them."""
    try:
        product = make(project, job, settings.options, settings.printing)
    except CarepressError as exc:
        return Outcome(job, None, list(exc.diagnostics), status="failed")
    except Exception as exc:  # a bug in carepress must not stop the other leaflets
        origin = Origin(project.handouts[job.handout].path)
        return Outcome(job, None, [Diagnostic(origin, f"internal error building {job.path}: "
                                              f"{exc.__class__.__name__}: {exc}; please report it")],
                       status="failed")
    try:
        outputs = [(output.variant or job.variant, output.artifact) for output in product.outputs]
        records = publish_job(out, job, key, outputs, list(product.warnings), product.draft)
    except OSError as exc:  # a full disk, a file in the way: this leaflet fails, with why
        return Outcome(job, None, [Diagnostic(Origin(out / job.path), f"cannot write: "
                                              f"{exc.strerror or exc}")], status="failed")
    main = next(r for r in records if r.path == job.path)
    return Outcome(job, main, list(product.warnings), [r for r in records if r is not main])


# Worker processes get the loaded project once (fork), and parse fonts once each.
_WORKER: dict[str, object] = {}


def _run_job(job: Job, key: str) -> Outcome:
    global _in_job
    project, out, settings = _WORKER["project"], _WORKER["out"], _WORKER["settings"]
    assert isinstance(project, Project) and isinstance(out, Path) and isinstance(settings, RunSettings)
    started = time.perf_counter()
    _in_job = True
    try:
        outcome = build_job(project, job, out, key, settings)
    finally:
        _in_job = False
    outcome.seconds = time.perf_counter() - started
    return outcome


_in_job = False  # (in a worker: whether a job is being built, for _interrupted)


def _interrupted(signum: int, frame: object) -> None:
    """Ctrl-C in a worker: a job being built stops as in one process (KeyboardInterrupt,
    which publish.py's clean-up sees, and the pool hands back); an idle worker, between
    jobs, has nothing in flight and ends at once, without the traceback multiprocessing
    prints for an interrupt that escapes its worker loop."""
    if _in_job:
        raise KeyboardInterrupt
    os._exit(INTERRUPTED)


def run_jobs(project: Project, out: Path, pending: list[tuple[Job, str]],
             settings: RunSettings) -> Iterator[Outcome]:
    """Outcomes as jobs finish, in this process or in ``settings.jobs`` workers."""
    _WORKER.update(project=project, out=out, settings=settings)
    # One PDF (and its HTML twin, a few ms): no workers to fork, nothing to warm up for them.
    if sum(job.format != HTML for job, _ in pending) <= 1:
        yield from _run_here(pending, settings)
        return
    _warm_up(project, [job for job, _ in pending])
    with _frozen_heap():
        if settings.jobs <= 1:
            yield from _run_here(pending, settings)
        else:
            yield from _run_in_workers(project, pending, settings)


def _warm_up(project: Project, jobs: list[Job]) -> None:
    """Import the typesetting stack, parse fonts and logos, read the brands' typefaces and
    load each locale's date formats once, before the first of many leaflets: forked
    workers then start with them in memory (each parses its fonts once, not once a leaflet),
    and _frozen_heap can freeze them.  HTML twins need only the dates and the page template."""
    from carepress.languages import leaflet_locale
    from carepress.resolve import UnknownLocale, brand_typeface, format_date

    for locale in sorted({leaflet_locale(job.lang, project.brands[job.clinic].locale) for job in jobs}):
        try:
            format_date(dt.date(2000, 1, 1), locale)
        except UnknownLocale:  # (the leaflets report it)
            pass
    if any(job.format == HTML for job in jobs):
        from carepress.html import page_template

        page_template()  # compiled before the workers fork
    jobs = [job for job in jobs if job.format != HTML]
    if not jobs:
        return
    import carepress.typeset.rtl  # noqa: F401
    if any(project.layouts[job.layout].imposition is not None for job in jobs):
        import carepress.finish  # noqa: F401  (pypdf: only sheets are read back with it)
    from carepress.typeset.flowables import check_logo
    from carepress.typeset.fonts import FontNotEmbeddable, brand_fonts, firago

    firago()
    for clinic in {job.clinic for job in jobs}:
        brand = project.brands[clinic]
        check_logo(brand.logo.data, brand.logo.format)
        for script, spec in brand.fonts.items():
            if any(script_of(job.lang) == script for job in jobs if job.clinic == clinic):
                typeface = brand_typeface(spec, script)
                if not isinstance(typeface, str):  # (else reported by the leaflets that use it)
                    with contextlib.suppress(FontNotEmbeddable):
                        brand_fonts(typeface)


def _expected_cost(project: Project, job: Job) -> float:
    """Rough relative build time: right-to-left shaping and CJK fonts cost more, as do
    layouts with more pages (large print, booklets: what the layout says, whatever its
    name); an HTML twin costs next to nothing."""
    if job.format == HTML:
        return 0.05
    layout = project.layouts[job.layout]
    script = 1.0 if script_of(job.lang) == "latin" else 2.0
    return script * (1.5 if layout.large_print or layout.folded_as == "booklet" else 1.0)


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


def _run_here(pending: list[tuple[Job, str]], settings: RunSettings) -> Iterator[Outcome]:
    for job, key in pending:
        outcome = _run_job(job, key)
        yield outcome
        if settings.fail_fast and not outcome.ok:
            return


def _run_in_workers(project: Project, pending: list[tuple[Job, str]], settings: RunSettings
                    ) -> Iterator[Outcome]:
    import multiprocessing  # imported only here: 12 ms of a one-leaflet build otherwise
    from concurrent.futures import ProcessPoolExecutor, as_completed

    context = multiprocessing.get_context("fork")
    # The slowest leaflets first, so that no worker is left with a long one at the end.
    pending = sorted(pending, key=lambda item: -_expected_cost(project, item[0]))
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
    """In each worker: Ctrl-C handled by _interrupted; and end when the build that started it is gone (a CI job cancelled with
    SIGKILL leaves no one to tell the workers), rather than wait forever for work."""
    import signal
    import threading

    signal.signal(signal.SIGINT, _interrupted)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True, name="carepress-parent-watch").start()
