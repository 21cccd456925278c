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
from typing import Iterable, Literal, Sequence

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


class UsageError(Exception):
    """The command line asked for something that does not exist (exit code 2)."""
