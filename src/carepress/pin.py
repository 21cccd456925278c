"""`carepress pin`: write each passage's pin into its handout after an author has read it.

Pinning is planned first (``plan_pins``: every passage whose pin is missing or stale, with
the text it was pinned from and the text it would be pinned to), shown and accepted change
by change, then written (``write_pins``) for the accepted ones only.

Edits are made in the YAML text at the positions the loader recorded, so comments and
formatting survive.  The quoted text of every pin is kept in ``passages.lock`` so that when
a source later changes, the old passage can be shown beside the new one.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Literal

import yaml

from carepress.errors import Diagnostics, Origin
from carepress.files import write_atomic
from carepress.load import Project
from carepress.load.sources import pin_of
from carepress.model import Paragraph, PassageRef, Source, passages_of
from carepress.resolve import paragraph_pinned, select_passage

DiffKind = Literal["equal", "delete", "insert"]


@dataclass(frozen=True)
class PinChange:
    """One pin to write, with what an author needs to judge it."""

    ref: PassageRef
    path: Path             # the handout file
    source: Source
    paragraph: Paragraph   # the passage the selector picks now
    new: str               # its pin
    old_text: str | None   # the text the old pin was made from, when passages.lock has it
    pinned_at: Paragraph | None = None  # where the old pin's text still is, unchanged, when
    #                                     the selector picks another paragraph

    @property
    def old(self) -> str | None:
        return self.ref.pin

    @property
    def origin(self) -> Origin:
        """The pin's own position (the passage's, for a passage not pinned yet)."""
        return self.ref.pin_origin or self.ref.origin


@dataclass(frozen=True)
class PinPlan:
    changes: tuple[PinChange, ...]
    # pin -> text of the passages already pinned to their current text: recorded in the lock
    # too, so a lock that lacks them (older, or deleted) is completed by any run.
    current: dict[str, str] = field(default_factory=dict)


def word_diff(old: str, new: str) -> list[tuple[DiffKind, str]]:
    """``old`` -> ``new`` as runs of words kept, deleted and inserted (difflib on words:
    passages are normalised, so words are what an author compares)."""
    old_words, new_words = old.split(), new.split()
    matcher = difflib.SequenceMatcher(None, old_words, new_words, autojunk=False)
    runs: list[tuple[DiffKind, str]] = []
    for tag, old_start, old_end, new_start, new_end in matcher.get_opcodes():
        if tag == "equal":
            runs.append(("equal", " ".join(old_words[old_start:old_end])))
            continue
        if old_end > old_start:  # "delete", or the old half of "replace"
            runs.append(("delete", " ".join(old_words[old_start:old_end])))
        if new_end > new_start:
            runs.append(("insert", " ".join(new_words[new_start:new_end])))
    return runs


def _change_of(project: Project, path: Path, ref: PassageRef, source: Source,
               paragraph: Paragraph) -> PinChange:
    moved = paragraph_pinned(source, ref.pin) if ref.pin is not None else None
    old_text = project.pinned.get(ref.pin) if ref.pin is not None else None
    if old_text is None and moved is not None:  # (the source still has it: the lock need not)
        old_text = moved.text
    return PinChange(ref, path, source, paragraph, pin_of(paragraph.text), old_text, moved)


def plan_pins(project: Project, handout_ids: Iterable[str] = ()) -> PinPlan:
    """Every passage whose pin is missing or stale, in handout and document order.  Raises
    CarepressError, naming each, when a passage's selector picks no single paragraph."""
    wanted = set(handout_ids)
    diagnostics = Diagnostics()
    changes: list[PinChange] = []
    current: dict[str, str] = {}
    for handout in project.handouts.values():
        if wanted and handout.id not in wanted:
            continue
        for ref in passages_of(handout):
            selected = select_passage(ref, project.sources)
            if isinstance(selected, str):
                diagnostics.error(ref.origin, selected)
                continue
            source, paragraph = selected
            pin = pin_of(paragraph.text)
            if ref.pin == pin:
                current[pin] = paragraph.text
            else:
                changes.append(_change_of(project, handout.path, ref, source, paragraph))
    diagnostics.raise_if_errors()  # (before anything is written: all pins or none)
    return PinPlan(tuple(changes), current)


def _edit(lines: list[str], ref: PassageRef, pin: str) -> None:
    if pin.isdigit():  # YAML would read an all-digit pin as a number
        pin = f'"{pin}"'
    if ref.pin_origin is not None:  # replace the old value in place
        row = ref.pin_origin.line - 1
        col = ref.pin_origin.column - 1
        line = lines[row]
        quote = line[col] if line[col] in "'\"" else ""
        end = col + len(quote) * 2 + len(ref.pin or "")
        lines[row] = line[:col] + pin + line[end:]
        return
    row, col = ref.origin.line - 1, ref.origin.column - 1
    line = lines[row]
    if line[col:col + 1] == "{":  # flow mapping: `passage: {source: x, paragraph: 2}`
        lines[row] = line[:col + 1] + f"pin: {pin}, " + line[col + 1:]
    else:  # block mapping: a new key line under the first one, same indentation and ending
        ending = "\r\n" if line.endswith("\r\n") else "\n"
        lines.insert(row + 1, " " * col + f"pin: {pin}{ending}")


def _write_handout(path: Path, changes: list[PinChange]) -> None:
    with path.open(encoding="utf-8", newline="") as handle:  # (CRLF files stay CRLF)
        lines = handle.read().splitlines(keepends=True)
    # Bottom-up, so an inserted line never shifts a position still to be edited.
    for change in sorted(changes, key=lambda c: (c.ref.origin.line, c.ref.origin.column),
                         reverse=True):
        _edit(lines, change.ref, change.new)
    write_atomic(path, "".join(lines).encode("utf-8"))


def write_pins(project: Project, plan: PinPlan, accepted: Iterable[PinChange]) -> None:
    """Write the accepted pins into their handouts, and every pinned text into the lock."""
    by_path: dict[Path, list[PinChange]] = {}
    pinned = {**project.pinned, **plan.current}
    for change in accepted:
        by_path.setdefault(change.path, []).append(change)
        pinned[change.new] = change.paragraph.text
    for path, changes in by_path.items():
        _write_handout(path, changes)
    if pinned != project.pinned or not project.pinned_path.is_file():
        text = yaml.safe_dump(dict(sorted(pinned.items())), allow_unicode=True, width=100)
        header = "# Passage text at the time each pin was made; written by `carepress pin`.\n"
        write_atomic(project.pinned_path, (header + text).encode("utf-8"))


def pin_handouts(project: Project, handout_ids: tuple[str, ...] = ()) -> list[PinChange]:
    """Pin every passage whose pin is missing or stale, unasked (a new project's example,
    whose passages are the package's own); returns what changed."""
    plan = plan_pins(project, handout_ids)
    write_pins(project, plan, plan.changes)
    return list(plan.changes)


__all__ = ["PinChange", "PinPlan", "pin_handouts", "plan_pins", "word_diff", "write_pins"]
