"""Diagnostics and the one exception type the library raises.

Every problem found in content is a :class:`Diagnostic` that names the file, line and
column it comes from.  Stages collect diagnostics instead of stopping at the first one,
then raise :class:`CarepressError` holding all of them.  Only ``cli.py`` turns that into
output and an exit code.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Literal, Sequence

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Origin:
    """Where a value came from: 1-based line and column in a file."""

    path: Path
    line: int = 1
    column: int = 1

    def __str__(self) -> str:
        return f"{display_path(self.path)}:{self.line}:{self.column}"


@dataclass(frozen=True)
class Diagnostic:
    origin: Origin
    message: str
    severity: Severity = "error"
    details: tuple[str, ...] = field(default=())

    def format(self) -> str:
        """The problem as one `file:line:column: message` line, then indented details."""
        label = "" if self.severity == "error" else "warning: "
        lines = [f"{self.origin}: {label}{self.message}"]
        lines.extend(f"    {detail}" for detail in self.details)
        return "\n".join(lines)


class CarepressError(Exception):
    """Content or configuration that cannot be built; carries every diagnostic found."""

    def __init__(self, diagnostics: Sequence[Diagnostic]):
        self.diagnostics = tuple(diagnostics)
        super().__init__("\n".join(d.format() for d in self.diagnostics))


class Diagnostics:
    """A collector that stages append to, then raise from once they are done."""

    def __init__(self) -> None:
        self.items: list[Diagnostic] = []

    def error(self, origin: Origin, message: str, *details: str) -> None:
        self.items.append(Diagnostic(origin, message, "error", tuple(details)))

    def warning(self, origin: Origin, message: str, *details: str) -> None:
        self.items.append(Diagnostic(origin, message, "warning", tuple(details)))

    def extend(self, diagnostics: Iterable[Diagnostic]) -> None:
        self.items.extend(diagnostics)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == "warning"]

    def raise_if_errors(self) -> None:
        if self.errors:
            raise CarepressError(self.errors)


def unique(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Each diagnostic once, in the order first found.  Linear: diagnostics are hashable and
    go through a dict (testing `d not in found` against a list was quadratic, and a stale
    unit is found again by every leaflet of its language)."""
    return list(dict.fromkeys(diagnostics))


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A `did you mean ...?` hint, or an empty string when nothing is close."""
    close = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return f"; did you mean `{close[0]}`?" if close else ""


def display_path(path: Path) -> str:
    """A path relative to the working directory when it lies below it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def counted(number: int, noun: str) -> str:
    """`1 error`, `2 errors`."""
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _tally(diagnostics: Sequence[Diagnostic]) -> str:
    errors = sum(d.severity == "error" for d in diagnostics)
    return f"{counted(errors, 'error')}, {counted(len(diagnostics) - errors, 'warning')}"


def by_file(diagnostics: Iterable[Diagnostic], name: Callable[[Path], str] = display_path
            ) -> dict[str, list[Diagnostic]]:
    """The diagnostics grouped by the file they name, files in name order and each file's
    in line and column order (a stable sort: those at one place keep the order found)."""
    groups: dict[str, list[Diagnostic]] = {}
    names: dict[Path, str] = {}  # (each path is named once: resolving it costs a system call)
    for diagnostic in diagnostics:
        path = diagnostic.origin.path
        if path not in names:
            names[path] = name(path)
        groups.setdefault(names[path], []).append(diagnostic)
    return {path: sorted(groups[path], key=lambda d: (d.origin.line, d.origin.column))
            for path in sorted(groups)}


def grouped_text(diagnostics: Sequence[Diagnostic]) -> list[str]:
    """The report `check` and `build` print: per file a header with its counts, then its
    problems as `file:line:column: message` lines; then the totals.  Nothing when there are
    no diagnostics."""
    if not diagnostics:
        return []
    groups = by_file(diagnostics)
    lines = []
    for path, found in groups.items():
        lines.append(f"== {path}: {_tally(found)}")
        lines.extend(d.format() for d in found)
    lines.append(f"== {_tally(diagnostics)} in {counted(len(groups), 'file')}")
    return lines


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def project_path(path: Path, root: Path) -> str:
    """A path relative to the project folder, with forward slashes, when it lies in it."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def workflow_commands(diagnostics: Sequence[Diagnostic], root: Path) -> list[str]:
    """Each diagnostic as a GitHub Actions workflow command, which the runner shows as an
    annotation on the file and line: `::error file=PATH,line=L,col=C,title=carepress::MESSAGE`
    (or `::warning`), the path relative to the project folder, the details on lines of their
    own, escaped as GitHub's toolkit does (`%`, CR and LF everywhere; `:` and `,` in the
    properties too).  In the grouped order."""
    commands = []
    for path, found in by_file(diagnostics, lambda p: project_path(p, root)).items():
        for d in found:
            properties = {"file": path, "line": d.origin.line, "col": d.origin.column,
                          "title": "carepress"}
            listed = ",".join(f"{key}={_escape_property(str(value))}"
                              for key, value in properties.items())
            message = _escape_data("\n".join([d.message, *d.details]))
            commands.append(f"::{'error' if d.severity == 'error' else 'warning'} {listed}::{message}")
    return commands


class UsageError(Exception):
    """The command line asked for something that does not exist (exit code 2)."""


# The exit status of a command ended by Ctrl-C (SIGINT), as shells report one: 128 + 2; also
# a worker's, ended by Ctrl-C between jobs (workers.py).
INTERRUPTED = 130
