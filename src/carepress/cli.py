"""The command line: parses options and calls the library.  Nothing else lives here."""

from __future__ import annotations

import errno
import os
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, NoReturn, Sequence, TypeVar

import click

from carepress import __version__
from carepress.errors import INTERRUPTED, CarepressError, Diagnostic, UsageError

if TYPE_CHECKING:  # the library is imported inside each command: `--help` stays fast
    from carepress.build import BuildReport
    from carepress.content import Review
    from carepress.pin import PinChange


def parse_length(text: str) -> float:
    """`3mm`, `0.125in`, `9pt` -> points, or a usage error."""
    from carepress.load.schema import parse_dimension

    points = parse_dimension(text)
    if points is None or points < 0:
        raise click.BadParameter(f"`{text}` is not a length such as 3mm or 0.125in", param_hint="--bleed")
    return points

F = TypeVar("F", bound=Callable[..., object])

project_option = click.option(
    "--project", "-C", "project_dir", type=click.Path(file_okay=False, path_type=Path), default=".",
    show_default=True, help="The carepress project folder (holds handouts/ and layouts/).")


REPORT_FORMATS = ("text", "github")  # how `check` and `build` print their problems


def _matrix_options(reports: bool) -> Callable[[F], F]:
    def decorate(func: F) -> F:
        for name, help_text in reversed([
            ("handout", "Only this handout id (repeatable)."),
            ("layout", "Only this layout id, e.g. a4 (repeatable)."),
            ("clinic", "Only this clinic (brand) id (repeatable)."),
            ("lang", "Only this language tag, e.g. en (repeatable)."),
        ]):
            func = click.option(f"--{name}", f"{name}s", multiple=True, metavar="ID", help=help_text)(func)
        from carepress.plan import FORMATS  # (a light module: --help stays fast)

        help_text = "Only these outputs: pdf, html (repeatable).  [default: all]"
        if reports:
            help_text = ("Only these outputs: pdf, html (repeatable; default: all); and how problems "
                         "are printed: text (grouped by file; the default) or github (GitHub "
                         "Actions ::error/::warning annotations, on standard output).")
        return click.option("--format", "formats", multiple=True,
                            type=click.Choice(FORMATS + (REPORT_FORMATS if reports else ())),
                            help=help_text)(func)
    return decorate


matrix_options = _matrix_options(reports=False)
# `check` and `build`: `--format` also takes text or github, for how problems are printed.
report_matrix_options = _matrix_options(reports=True)


def _report_format(formats: tuple[str, ...]) -> tuple[tuple[str, ...], str]:
    """`--format` split into the outputs it selects and the report format (one of them)."""
    reports = sorted({f for f in formats if f in REPORT_FORMATS})
    if len(reports) > 1:
        raise click.BadParameter(f"choose one way to print problems: {' or '.join(reports)}",
                                 param_hint="--format")
    return tuple(f for f in formats if f not in REPORT_FORMATS), (reports or ["text"])[0]


def _print_diagnostics(diagnostics: list[Diagnostic]) -> None:
    for diagnostic in diagnostics:
        click.echo(diagnostic.format(), err=True)


def _print_report(diagnostics: list[Diagnostic], style: str, root: Path) -> None:
    """`check` and `build`'s problems: grouped by file with counts, or as GitHub Actions
    workflow commands (on standard output, where the runner reads them)."""
    from carepress.errors import grouped_text, workflow_commands

    if style == "github":
        for command in workflow_commands(diagnostics, root):
            click.echo(command)
        return
    for line in grouped_text(diagnostics):
        click.echo(line, err=True)


def _load(project_dir: Path):  # type: ignore[no-untyped-def]
    from carepress.load import load_project

    try:
        return load_project(project_dir)
    except CarepressError as exc:  # not a project folder at all: the command was misdirected
        _print_diagnostics(list(exc.diagnostics))
        sys.exit(2)


def _run_report(action: Callable[[], "BuildReport"], summary: Callable[["BuildReport", float], str],
                started: float, report_path: Path | None = None, style: str = "text",
                root: Path = Path("."), details: Callable[["BuildReport"], None] | None = None) -> None:
    """Run a build or check; print its problems (``style``: text or github, paths relative
    to ``root`` for github) and summary; exit 1 if it found errors."""
    import time

    try:
        report = action()
    except UsageError as exc:
        raise click.UsageError(str(exc)) from None
    seconds = time.perf_counter() - started
    diagnostics = report.diagnostics
    _print_report(diagnostics, style, root)
    if report_path is not None:
        report.write_json(report_path, seconds)
    if details is not None and style == "text":
        details(report)
    click.echo(summary(report, seconds), err=True)
    if any(d.severity == "error" for d in diagnostics):
        sys.exit(1)


def _checked(report: "BuildReport", seconds: float) -> str:
    failed = len(report.failed)
    errors = sum(1 for d in report.diagnostics if d.severity == "error")
    return (f"{len(report.outcomes) - failed} leaflet(s) checked, {failed} failed, {errors} error(s)."
            + report.drafts_summary())


def _progress_printer(quiet: bool) -> Callable[..., None] | None:
    """One line per leaflet for logs and CI; a bar on a terminal; nothing with --quiet."""
    if quiet:
        return None
    if sys.stderr.isatty():
        def bar(outcome: Any, done: int, total: int) -> None:
            filled = int(30 * done / max(total, 1))
            click.echo(f"\r[{'#' * filled}{'.' * (30 - filled)}] {done}/{total} "
                       f"{outcome.job.path[:60]:<60}", nl=done == total, err=True)
        return bar

    def line(outcome: Any, done: int, total: int) -> None:
        click.echo(f"{outcome.status:<9} {outcome.job.path}  {outcome.seconds:.2f}s  [{done}/{total}]",
                   err=True)
    return line


def _folder_named(ctx: click.Context, param: click.Parameter, value: str | None) -> Path | None:
    """`--out ""` (an unset variable in a CI script) would write into the current folder."""
    if value is not None and not value.strip():
        raise click.BadParameter("is empty; name the output folder, e.g. dist", ctx, param)
    return Path(value) if value is not None else None


def _parse_shard(text: str | None) -> tuple[int, int] | None:
    if text is None:
        return None
    number, _, count = text.partition("/")
    if not (number.isdigit() and count.isdigit() and 1 <= int(number) <= int(count)):
        raise click.BadParameter(f"`{text}` is not K/N with 1 <= K <= N, e.g. 2/3", param_hint="--shard")
    return int(number), int(count)


class _Commands(click.Group):
    """A file that cannot be read or written (a read-only or full disk, a folder where a
    file should be) ends a command with one line naming it, never a traceback; Ctrl-C ends
    it with status 130 and a line saying what it leaves (every file is written whole and
    renamed into place, so nothing is half-written)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            click.echo("interrupted: no file is half-written (each is written whole, then "
                       "renamed into place); the next build makes what is missing", err=True)
            raise SystemExit(INTERRUPTED) from None
        except OSError as exc:
            if exc.errno == errno.EPIPE:  # (`carepress list | head`: click ends quietly)
                raise
            where = f"{exc.filename}: " if exc.filename else ""
            raise click.ClickException(f"{where}{exc.strerror or exc}") from None


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="carepress")
def main() -> None:
    """Build printable patient-education leaflets from YAML handouts.

    Handouts (handouts/*.yaml) quote passages from source documents
    (handouts/sources/); layouts and clinic brands (layouts/) say how they look.
    """


strict_option = click.option(
    "--strict", is_flag=True, help="Treat stale translation units as errors, not warnings.")
require_reviewed_option = click.option(
    "--require-reviewed", is_flag=True,
    help="Refuse translations whose review status is `draft` (for clinics that gate printing).")


@main.command()
@project_option
@report_matrix_options
@click.option("--out", type=click.Path(file_okay=False), default=None, callback=_folder_named,
              help="Output folder.  [default: PROJECT/dist]")
@strict_option
@require_reviewed_option
@click.option("--bleed", default=None, metavar="LENGTH",
              help="Print-shop output: extend colour bands this far past the trim (e.g. 3mm, "
                   "0.125in) and set TrimBox/BleedBox.")
@click.option("--crop-marks", is_flag=True, help="Draw crop marks outside the trim (and bleed).")
@click.option("--fillable", is_flag=True,
              help="Also write HANDOUT-LAYOUT-fillable.pdf beside the printed PDF of each handout "
                   "with a fill_in block: its fill-in lines as AcroForm text fields and check "
                   "boxes, for a clinician to fill on screen (never bundled).")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Worker processes.  [default: the number of CPUs]")
@click.option("--force", is_flag=True, help="Rebuild every leaflet, changed or not.")
@click.option("--fail-fast", is_flag=True, help="Stop at the first leaflet that fails.")
@click.option("--shard", default=None, metavar="K/N",
              help="Build only the K-th of N stable slices of the matrix (for CI job matrices).")
@click.option("--quiet", "-q", is_flag=True, help="No line per leaflet; only problems and the summary.")
@click.option("--bundle", is_flag=True,
              help="Also write one PDF per clinic x language x layout holding every handout.")
@click.option("--report", "report_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write a JSON report: each leaflet's status, time, pages, warnings, errors.")
def build(project_dir: Path, handouts: tuple[str, ...], layouts: tuple[str, ...],
          clinics: tuple[str, ...], langs: tuple[str, ...], formats: tuple[str, ...],
          out: Path | None, strict: bool,
          require_reviewed: bool, bleed: str | None, crop_marks: bool, fillable: bool,
          jobs: int | None, force: bool, fail_fast: bool, shard: str | None, quiet: bool,
          bundle: bool, report_path: Path | None) -> None:
    """Build every handout x language x clinic x layout into PDFs, and each handout x
    language x clinic into an HTML twin.

    Writes OUT/<clinic>/<lang>/<handout>-<layout>.pdf, OUT/<clinic>/<lang>/<handout>.html
    and OUT/manifest.json.  A leaflet that fails leaves its previous file in place; the
    others still build; exit code 1.
    """
    import time

    from carepress.build import BuildSettings, Filters
    from carepress.build import build as run_build
    from carepress.model import PrintOptions
    from carepress.resolve import ResolveOptions

    started = time.perf_counter()
    formats, style = _report_format(formats)
    settings = BuildSettings(
        resolve=ResolveOptions(strict=strict, require_reviewed=require_reviewed, today=date.today()),
        printing=PrintOptions(parse_length(bleed) if bleed else 0.0, crop_marks),
        jobs=jobs or os.cpu_count() or 1, force=force, fail_fast=fail_fast,
        shard=_parse_shard(shard), progress=_progress_printer(quiet), bundle=bundle,
        fillable=fillable)
    project = _load(project_dir)
    filters = Filters(handouts, layouts, clinics, langs, formats)
    _run_report(lambda: run_build(project, out or project.root / "dist", filters, settings),
                lambda report, seconds: report.summary(seconds), started, report_path, style,
                project.root)


@main.command()
@project_option
@report_matrix_options
@strict_option
@require_reviewed_option
def check(project_dir: Path, handouts: tuple[str, ...], layouts: tuple[str, ...],
          clinics: tuple[str, ...], langs: tuple[str, ...], formats: tuple[str, ...], strict: bool,
          require_reviewed: bool) -> None:
    """Validate handouts, sources, translations, layouts and brands without writing any PDF.

    Problems are printed grouped by file, each file's with its counts; a translation's stale
    units (with their lines) are one warning, --strict makes it an error.  --format github
    prints them as GitHub Actions annotations instead.
    """
    import time

    from carepress.build import Filters
    from carepress.build import check as run_check
    from carepress.resolve import ResolveOptions

    started = time.perf_counter()
    formats, style = _report_format(formats)
    project = _load(project_dir)
    filters = Filters(handouts, layouts, clinics, langs, formats)
    options = ResolveOptions(strict=strict, require_reviewed=require_reviewed, today=date.today())
    _run_report(lambda: run_check(project, filters, options), _checked, started, style=style,
                root=project.root, details=_print_review)


def _print_review(report: "BuildReport") -> None:
    """Each handout's profile checklist per clinic, and each leaflet's reading figures."""
    review = report.review
    if review is None:
        return
    _print_checklists(review)
    if review.readings:
        click.echo("reading level (hardest passages: `carepress report`):")
    for reading in review.readings:
        click.echo(f"  {reading.handout} [{reading.lang}]: {_figures(reading, 'no formula')}")


def _figures(reading: Any, none: str, meanings: bool = False) -> str:
    """A leaflet's reading figures on one line (each with what it means), or why there are
    none: ``none`` where no formula exists for its language."""
    figures = ", ".join(f"{name} {value:.1f}" + (f" ({meaning})" if meanings else "")
                        for name, value, meaning in reading.figures)
    return figures or reading.note or none


def _print_checklists(review: "Review") -> None:
    """Each handout's profile and topics, found or missing, once for the clinics they agree on."""
    from carepress.content import merged

    for found, clinics in merged(c for c in review.checklists if c.items):
        profile = f"profile `{found.profile}`" if found.profile else "no profile"
        click.echo(f"{found.handout} as {', '.join(clinics)} print it ({profile}):")
        for item in found.items:
            click.echo(f"  {'ok     ' if item.found else 'MISSING'} {item.part}: {item.detail}")


@main.command()
@project_option
@matrix_options
def report(project_dir: Path, handouts: tuple[str, ...], layouts: tuple[str, ...],
           clinics: tuple[str, ...], langs: tuple[str, ...], formats: tuple[str, ...]) -> None:
    """Reading level of each leaflet (handout x language) where a formula exists, hardest
    passages first, and each handout's profile checklist."""
    from carepress.build import Filters, plan
    from carepress.content import review

    project = _load(project_dir)
    try:
        jobs = plan(project, Filters(handouts, layouts, clinics, langs))
    except UsageError as exc:
        raise click.UsageError(str(exc)) from None
    found = review(project, sorted({j.handout for j in jobs}), sorted({j.lang for j in jobs}),
                   sorted({j.clinic for j in jobs}), hardest=True)
    for reading in found.readings:
        click.echo(f"{reading.handout} [{reading.lang}]: "
                   f"{_figures(reading, 'no formula for this language', meanings=True)}")
        for grade, text in reading.hardest:
            click.echo(f"    grade {grade:4.1f}  {text}")
    _print_checklists(found)


@main.command(name="list")
@project_option
@matrix_options
@click.option("--fillable", is_flag=True,
              help="Also the fill-in forms `build --fillable` would write.")
def list_(project_dir: Path, handouts: tuple[str, ...], layouts: tuple[str, ...],
          clinics: tuple[str, ...], langs: tuple[str, ...], formats: tuple[str, ...],
          fillable: bool) -> None:
    """Show the build matrix: one line per file that `build` would write (PDFs and HTML twins)."""
    from carepress.build import Filters, plan, with_fillable

    project = _load(project_dir)
    try:
        jobs = plan(project, Filters(handouts, layouts, clinics, langs, formats))
    except UsageError as exc:
        raise click.UsageError(str(exc)) from None
    if fillable:
        jobs = with_fillable(project, jobs)
    click.echo(f"{'clinic':<16} {'lang':<8} {'handout':<24} {'layout':<10} output")
    for job in jobs:
        layout = job.layout or f"({job.format})"
        click.echo(f"{job.clinic:<16} {job.lang:<8} {job.handout:<24} {layout:<10} {job.path}")
    _print_diagnostics(project.diagnostics)
    if any(d.severity == "error" for d in project.diagnostics):
        sys.exit(1)  # files that failed to load are missing from the list


@main.group()
def sources() -> None:
    """Inspect the source documents that handouts quote."""


@sources.command("show")
@project_option
@click.argument("source_id")
def sources_show(project_dir: Path, source_id: str) -> None:
    """Print a source's numbered paragraphs, to choose `paragraph:` and `starts:` selectors."""
    from carepress.errors import did_you_mean

    project = _load(project_dir)
    source = project.sources.get(source_id)
    if source is None:
        raise click.UsageError(f"unknown source `{source_id}`{did_you_mean(source_id, project.sources)}"
                               f" (available: {', '.join(sorted(project.sources))})")
    click.echo(f"{source.title}\npublisher: {source.publisher}; received {source.received}; "
               f"file {source.path.name}\n")
    for paragraph in source.paragraphs:
        mark = "  [furniture]" if paragraph.number in source.furniture else ""
        click.echo(f"{paragraph.number:>3}  (line {paragraph.line}){mark}")
        click.echo(click.wrap_text(paragraph.text, width=92, initial_indent="     ",
                                   subsequent_indent="     "))
        click.echo()
    if source.notes:
        click.echo(f"notes: {source.notes}")


def _stdin_is_terminal() -> bool:
    """Whether someone can answer a question (not a pipe, a CI job or a test runner)."""
    # (sys.stdin: click's get_text_stream is deprecated in click 8.3 and later)
    return sys.stdin is not None and sys.stdin.isatty()


_DIFF_STYLES = {"delete": ("[-", "-]", "red"), "insert": ("{+", "+}", "green")}


def _diff_lines(runs: "Sequence[tuple[str, str]]", width: int = 88, indent: str = "    ") -> list[str]:
    """A word diff as `kept [-deleted-]{+inserted+} kept` (coloured on a terminal: click.echo
    drops the colour elsewhere), wrapped between words."""
    words: list[list[tuple[str, str | None]]] = []  # each: (text, colour) pieces printed as one
    previous = "equal"
    for kind, text in runs:
        run = text.split(" ")
        opening, closing, colour = _DIFF_STYLES.get(kind, ("", "", None))
        run[0] = opening + run[0]
        run[-1] = run[-1] + closing  # (the same word, in a run of one)
        pieces = [[(word, colour)] for word in run]
        if kind == "insert" and previous == "delete" and words:  # a replacement: `[-a-]{+b+}`
            words[-1].extend(pieces.pop(0))
        words.extend(pieces)
        previous = kind
    lines: list[str] = []
    line: list[str] = []
    length = len(indent)
    for word in words:
        size = sum(len(text) for text, _ in word)
        if line and length + 1 + size > width:
            lines.append(indent + " ".join(line))
            line, length = [], len(indent)
        length += size + (1 if line else 0)
        line.append("".join(click.style(text, fg=colour, bold=True) if colour else text
                            for text, colour in word))
    if line:
        lines.append(indent + " ".join(line))
    return lines


def _show_pin_change(change: "PinChange") -> None:
    """Where the passage is, where its text comes from, and what changed in it."""
    from carepress.errors import display_path
    from carepress.pin import word_diff

    source, paragraph = change.source, change.paragraph
    click.echo(f"{change.origin}: `{source.id}` paragraph {paragraph.number} "
               f"({display_path(source.path)}:{paragraph.line})")
    whole = _diff_lines([("equal", paragraph.text)])
    if change.old is None:
        click.echo("  not pinned yet; the passage reads:")
        lines = whole
    elif change.old_text is None:
        click.echo(f"  pin {change.old} -> {change.new}; the old text is unknown (pin {change.old} "
                   "is not recorded in passages.lock), so here is the new text whole:")
        lines = whole
    elif change.pinned_at is not None:  # another paragraph: two texts, not one text edited
        click.echo(f"  the selector changed: pin {change.old} is paragraph {change.pinned_at.number}, "
                   f"unchanged; the selector now picks paragraph {paragraph.number}, which would "
                   f"be pinned as {change.new}.  [-pinned-] then {{+picked+}}:")
        lines = _diff_lines([("delete", change.old_text)]) + _diff_lines([("insert", paragraph.text)])
    else:
        click.echo(f"  pin {change.old} -> {change.new}; [-pinned text-]{{+current text+}}:")
        lines = _diff_lines(word_diff(change.old_text, paragraph.text))
    for line in lines:
        click.echo(line)


@main.command()
@project_option
@click.option("--yes", "-y", "accept_all", is_flag=True,
              help="Accept every change without asking (for scripts and CI); the changes are "
                   "still printed.")
@click.argument("handout_ids", nargs=-1, metavar="[HANDOUT]...")
def pin(project_dir: Path, accept_all: bool, handout_ids: tuple[str, ...]) -> None:
    """Show each passage whose pin is missing or stale and, once you accept it, pin it.

    HANDOUT may be a handout id or its file name.  Each changed passage is shown as a word
    diff of the pinned text against the source's current text; answer y to pin the new text
    (after checking it still says what the leaflet needs), n to keep the old pin (`check`
    keeps reporting it).  Without a terminal to ask on, nothing is accepted unless --yes.
    """
    from carepress.pin import plan_pins, write_pins

    from carepress.errors import did_you_mean

    project = _load(project_dir)
    ids = tuple(Path(h).stem for h in handout_ids)
    for handout_id in ids:
        if handout_id not in project.handouts and (project.root / "handouts" / f"{handout_id}.yaml").is_file():
            _print_diagnostics(project.diagnostics)  # it failed to load: that is the news
            sys.exit(1)
        if handout_id not in project.handouts:
            raise click.BadParameter(f"no handout `{handout_id}`{did_you_mean(handout_id, project.handouts)}",
                                     param_hint="HANDOUT")
    try:
        plan = plan_pins(project, ids)
    except CarepressError as exc:
        _print_diagnostics(list(exc.diagnostics))
        sys.exit(1)
    can_ask = not accept_all and _stdin_is_terminal()
    accepted = []
    for change in plan.changes:
        _show_pin_change(change)
        if accept_all or (can_ask and click.confirm("Accept this change?", default=False)):
            accepted.append(change)
        click.echo()
    write_pins(project, plan, accepted)  # (after every answer: Ctrl-C on a question writes nothing)
    for change in accepted:
        click.echo(f"{change.origin}: pin {change.old or '(none)'} -> {change.new}")
    declined = len(plan.changes) - len(accepted)
    summary = f"{len(accepted)} pin(s) written."
    if declined:
        summary += (f" {declined} change(s) not accepted: `carepress check` reports them until "
                    "they are pinned.")
    click.echo(summary, err=True)
    if declined and not can_ask:  # (a script: it must notice nothing was pinned)
        import shlex

        again = shlex.join(["carepress", "pin", "--yes"]
                           + (["--project", str(project_dir)] if project_dir != Path(".") else [])
                           + list(handout_ids))
        click.echo(f"nothing was accepted: standard input is not a terminal, so no one could be "
                   f"asked; read the changes above, then run `{again}` to accept them all",
                   err=True)
        sys.exit(1)


@main.group()
def manifest() -> None:
    """Work with dist/manifest.json files."""


@manifest.command("merge")
@click.argument("manifests", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The merged manifest to write; in a folder holding the shards' PDFs, "
                   "index.html is written beside it.")
@project_option
def manifest_merge(manifests: tuple[Path, ...], out: Path, project_dir: Path) -> None:
    """Join the manifests of a sharded build (`build --shard K/N`) into one; beside the
    shards' PDFs, list them all in an index.html too (review dates from the project)."""
    from carepress.build import merge_shards
    from carepress.load import load_project

    try:
        project = load_project(project_dir)
    except CarepressError:  # no project here: the dates are left blank
        project = None
    try:
        records, indexed = merge_shards(manifests, out, project)
    except CarepressError as exc:
        _print_diagnostics(list(exc.diagnostics))
        sys.exit(1)
    index = (f"and {out.parent / 'index.html'}" if indexed else
             f"no index.html: {out.parent} does not hold the PDFs; merge into the merged dist/")
    click.echo(f"{len(records)} leaflet record(s) from {len(manifests)} manifest(s) -> {out} "
               f"({index})", err=True)


@main.command()
@project_option
def fonts(project_dir: Path) -> None:
    """Show which fonts each language will use and where they come from."""
    from carepress.build import project_languages
    from carepress.typeset.fonts import font_choice

    project = _load(project_dir)
    langs = project_languages(project)
    for lang in langs:
        choice = font_choice(lang)
        click.echo(f"{lang:<9}{choice.script:<8}{choice.note}")
        for style, where in choice.faces:
            click.echo(f"{'':<17}{style:<9}{where}")


@main.command()
@click.argument("folder", type=click.Path(path_type=Path))
def init(folder: Path) -> None:
    """Make a new clinic project in FOLDER (new, or empty): an example handout quoting an
    example source, the default layouts and fixed strings, a fictional clinic's brand and a
    CI workflow.  Every example is marked: replace it before printing for patients.
    """
    from carepress.scaffold import init_project

    try:
        made = init_project(folder)
    except UsageError as exc:
        raise click.UsageError(str(exc)) from None
    except CarepressError as exc:  # (the package's own example failed to load: a bug)
        _print_diagnostics(list(exc.diagnostics))
        sys.exit(1)
    click.echo(f"made a carepress project in {folder} ({len(made.written)} files)")
    click.echo(f"next: cd {folder} && carepress build    (or `carepress serve` to preview as you edit)")


@main.command()
@project_option
@matrix_options
@click.option("--out", type=click.Path(file_okay=False), default=None, callback=_folder_named,
              help="Output folder.  [default: PROJECT/dist, shared with `build`]")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="The port to serve on (0: any free port).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="The address to serve on; the default is reachable from this computer only.")
def serve(project_dir: Path, handouts: tuple[str, ...], layouts: tuple[str, ...],
          clinics: tuple[str, ...], langs: tuple[str, ...], formats: tuple[str, ...],
          out: Path | None, port: int, host: str) -> None:
    """Build the project, preview its leaflets in a browser, and rebuild as you save.

    Watches handouts/ and layouts/; each change rebuilds what it touches (the build cache
    keeps the rest) and the page reloads itself.  Build errors are shown on the page.
    Ctrl-C stops it.
    """
    from carepress.build import Filters
    from carepress.serve import ServeSettings
    from carepress.serve import serve as run_serve

    project = _load(project_dir)  # (not a project folder: a usage error, as for `build`)
    settings = ServeSettings(project.root, out or project.root / "dist",
                             Filters(handouts, layouts, clinics, langs, formats), host, port)
    try:
        run_serve(settings, log=lambda line: click.echo(line, err=True),
                  ready=lambda url: click.echo(f"serving {url}  (Ctrl-C stops)"))
    except UsageError as exc:
        raise click.UsageError(str(exc)) from None


@main.command()
@project_option
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="The folder to write them in.  [default: PROJECT/schemas]")
def schema(project_dir: Path, out: Path | None) -> None:
    """Write JSON Schemas of the project's YAML files (handouts, brands, layouts, fixed
    strings, translations, sources), for editors: the YAML language server checks a file
    against them as it is typed."""
    from carepress.files import write_atomic
    from carepress.load.json_schemas import SCHEMAS_FOLDER, project_schemas, schema_text

    project = _load(project_dir)  # (only to know it is a project: its problems are `check`'s)
    folder = out or project.root / SCHEMAS_FOLDER
    for found in project_schemas(project.root):
        path = folder / found.name
        write_atomic(path, schema_text(found.schema))
        click.echo(f"wrote {path}  ({found.files})")


@main.group()
def i18n() -> None:
    """Translations: export to and import from gettext PO files, and their status."""


@i18n.command("export")
@project_option
@click.option("--lang", default=None, metavar="TAG", help="The language to export, e.g. es.")
@click.option("--template", is_flag=True,
              help="Write the POT template instead: every English unit and fixed string, untranslated.")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The file to write.  [default: LANG.po, or carepress.pot with --template]")
def i18n_export(project_dir: Path, lang: str | None, template: bool, out: Path | None) -> None:
    """Write a PO file with every unit of every handout and every fixed string, for any
    translation tool (or, with --template, the POT template to start a language from).

    msgctxt is the unit id (`strings:KEY` for a fixed string), msgid the English, msgstr
    the current translation; stale units are marked fuzzy, with the English they were
    translated from as the previous msgid (`#| msgid`).
    """
    import re

    from carepress.files import write_atomic
    from carepress.i18n.po import export_po, export_template, is_new_language, new_language_note
    from carepress.languages import cldr_knows
    from carepress.load.schema import LANG_PATTERN

    if template and lang is not None:
        raise click.UsageError("give --lang TAG (a PO file to translate) or --template (the POT "
                               "template), not both")
    if not template and lang is None:
        raise click.UsageError("which language? give --lang TAG (e.g. --lang es), or --template "
                               "for the POT template")
    if lang is not None and not re.fullmatch(LANG_PATTERN, lang):
        raise click.BadParameter(f"`{lang}` is not a BCP 47 language tag such as `es` or `zh-Hans`",
                                 param_hint="--lang")
    if lang is not None and not cldr_knows(lang):
        raise click.BadParameter(f"`{lang}` is no language Babel's CLDR data knows, and carepress "
                                 "writes each language's dates through it; use a tag it knows, "
                                 "such as `de`, `pt-BR` or `zh-Hant`", param_hint="--lang")
    project = _load(project_dir)
    target = out or Path(f"{lang}.po" if lang else "carepress.pot")
    write_atomic(target, export_po(project, lang) if lang else export_template(project))
    click.echo(f"wrote {target}", err=True)
    if lang is not None and is_new_language(project, lang):
        click.echo(new_language_note(lang, target), err=True)


@i18n.command("import")
@project_option
@click.argument("po_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def i18n_import(project_dir: Path, po_file: Path) -> None:
    """Merge a translated PO file into handouts/translations/LANG/ and
    layouts/strings/LANG.yaml. Fuzzy entries stay stale (fuzzy fixed strings are left out)."""
    from carepress.i18n.po import import_po

    project = _load(project_dir)
    try:
        result = import_po(project, po_file)
    except CarepressError as exc:
        _print_diagnostics(list(exc.diagnostics))
        sys.exit(1)
    for path in result.written:
        click.echo(f"wrote {path}")
    click.echo(f"{result.units} unit(s) imported, {result.stale} fuzzy (stale); "
               f"{result.strings} fixed string(s).", err=True)
    if result.fuzzy_strings:
        click.echo(f"{result.fuzzy_strings} fuzzy fixed string(s) left as they were: confirm "
                   "them in the PO editor (clear `fuzzy`) and import again.", err=True)
    if result.new_language:
        click.echo(f"note: `{result.new_language}` is a new language of this project: a clinic "
                   f"prints its leaflets once its brand lists `{result.new_language}` in "
                   "`languages:` (layouts/brands/*.yaml)", err=True)


@i18n.command("status")
@project_option
def i18n_status(project_dir: Path) -> None:
    """A table: language x handout -> units, missing, stale, review status."""
    from carepress.i18n.status import translation_status

    project = _load(project_dir)
    rows = translation_status(project)
    click.echo(f"{'lang':<9}{'handout':<24}{'units':>6}{'missing':>9}{'stale':>7}  status")
    for row in rows:
        click.echo(f"{row.lang:<9}{row.handout:<24}{row.units:>6}{row.missing:>9}{row.stale:>7}  {row.status}")
    _print_diagnostics(project.diagnostics)


def run() -> NoReturn:
    """The `carepress` command: click's own handling (usage errors exit 2, Ctrl-C aborts),
    then an immediate exit.  Every file a command writes is closed by then; what the
    interpreter would do next is free its whole heap object by object (0.1 s after one
    leaflet, measured), which nobody waits for.

    A command is a short run: the cycle collector would spend a tenth of it walking the
    libraries' import-time objects, so it is off (a many-leaflet build and `serve` turn it
    on: workers.py, serve.py), and not turned on again at the end (its first pass would walk
    the whole heap made since: 15-35 ms, for a process about to end).  (Tests call ``main``
    in their own process, which keeps its collector.)"""
    import gc

    gc.disable()
    try:
        main()
        code = 0
    except SystemExit as exc:
        if isinstance(exc.code, str):
            print(exc.code, file=sys.stderr)
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    if "coverage" in sys.modules:  # a measured run: coverage writes its data at exit
        sys.exit(code)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except OSError:  # a closed pipe (`carepress list | head`): nothing left to tell it
            pass
    os._exit(code)
