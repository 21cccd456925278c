"""`carepress pin`: write each passage's pin into its handout after an author has read it.

Edits are made in the YAML text at the positions the loader recorded, so comments and
formatting survive.  The quoted text of every pin is kept in ``passages.lock`` so that when
a source later changes, the error can show the old passage beside the new one.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from carepress.errors import Diagnostics
from carepress.load import Project
from carepress.load.sources import pin_of
from carepress.model import PassageRef, passages_of
from carepress.files import write_atomic
from carepress.resolve import select_passage


@dataclass(frozen=True)
class PinChange:
    path: Path
    line: int
    old: str | None
    new: str


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


def pin_handouts(project: Project, handout_ids: tuple[str, ...] = ()) -> list[PinChange]:
    """Pin every passage whose pin is missing or stale; returns what changed."""
    diagnostics = Diagnostics()
    changes: list[PinChange] = []
    pinned = dict(project.pinned)
    planned: list[tuple[Path, list[tuple[PassageRef, str]]]] = []
    for handout in project.handouts.values():
        if handout_ids and handout.id not in handout_ids:
            continue
        edits: list[tuple[PassageRef, str]] = []
        for ref in passages_of(handout):
            selected = select_passage(ref, project.sources)
            if isinstance(selected, str):
                diagnostics.error(ref.origin, selected)
                continue
            text = selected[1].text
            pin = pin_of(text)
            pinned[pin] = text
            if ref.pin != pin:
                edits.append((ref, pin))
                changes.append(PinChange(handout.path, ref.origin.line, ref.pin, pin))
        if edits:
            planned.append((handout.path, edits))
    diagnostics.raise_if_errors()  # (before writing anything: all pins or none)
    for path, edits in planned:
        with path.open(encoding="utf-8", newline="") as handle:  # (CRLF files stay CRLF)
            lines = handle.read().splitlines(keepends=True)
        # Bottom-up, so an inserted line never shifts a position still to be edited.
        for ref, pin in sorted(edits, key=lambda e: (e[0].origin.line, e[0].origin.column),
                               reverse=True):
            _edit(lines, ref, pin)
        write_atomic(path, "".join(lines).encode("utf-8"))
    if pinned != project.pinned or not project.pinned_path.is_file():
        text = yaml.safe_dump(dict(sorted(pinned.items())), allow_unicode=True, width=100)
        header = "# Passage text at the time each pin was made; written by `carepress pin`.\n"
        write_atomic(project.pinned_path, (header + text).encode("utf-8"))
    return changes


__all__ = ["PinChange", "pin_handouts"]
