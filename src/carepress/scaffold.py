"""`carepress init`: a new clinic content project, made from the installed package's data.

What a new project holds comes from ``carepress/defaults/`` inside the package (declared as
package data, so an installed carepress has it without this repository):

- ``defaults/layouts/``: the default page layouts and, in ``strings/``, the fixed strings a
  leaflet prints in each language.  The repository's own example project (``layouts/``) holds
  the same files, and a test keeps the two equal.
- ``defaults/example/``: the example content, every part marked as an example to replace: one
  handout quoting one placeholder source (an opening-hours notice, not clinical advice), a
  fictional brand and its SVG logo, a CI workflow, a README.  ``@TODAY@``, ``@REVIEW_BY@`` and
  ``@VERSION@`` in them are filled in; a name starting ``dot-`` is written with a dot (a dot
  file or folder would be left out of the package data by setuptools' globs).

The example's passages are pinned by the same code as `carepress pin`, once the files are
written, so a pin in a new project is never a copied hash that could be out of date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

from carepress import __version__
from carepress.errors import UsageError

DEFAULTS = "defaults"
LAYOUTS = "layouts"
EXAMPLE = "example"
_DOT_PREFIX = "dot-"
# Files whose text carries placeholders; any other file (none today) is copied as bytes.
_TEXT_SUFFIXES = (".yaml", ".yml", ".txt", ".svg", ".md", "")


@dataclass(frozen=True)
class Scaffold:
    """What `init` made: the project folder and the files written, relative to it."""

    root: Path
    written: tuple[Path, ...]


def defaults() -> Traversable:
    """The package's default data, wherever the package is installed (a folder or a zip)."""
    return files("carepress").joinpath(DEFAULTS)


def default_layouts() -> Traversable:
    """The default layouts, with their fixed strings in ``strings/``."""
    return defaults().joinpath(LAYOUTS)


def walk(folder: Traversable, prefix: Path = Path()) -> list[tuple[Path, Traversable]]:
    """Every file below ``folder``, as (relative path, resource), sorted by path."""
    found: list[tuple[Path, Traversable]] = []
    for entry in folder.iterdir():
        if entry.name.startswith((".", "__")):  # (__pycache__, editors' files: not data)
            continue
        if entry.is_dir():
            found += walk(entry, prefix / entry.name)
        else:
            found.append((prefix / entry.name, entry))
    return sorted(found, key=lambda item: item[0].as_posix())


def _target_name(relative: Path) -> Path:
    """`dot-github/workflows/x.yml` -> `.github/workflows/x.yml`."""
    return Path(*(("." + part[len(_DOT_PREFIX):]) if part.startswith(_DOT_PREFIX) else part
                  for part in relative.parts))


def _one_year_after(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def _filled(text: str, today: dt.date) -> str:
    """The example's placeholders: its dates (approved and received today; a review due in a
    year, so a new project has no overdue leaflet) and the carepress version that made it."""
    for name, value in (("TODAY", today.isoformat()),
                        ("REVIEW_BY", _one_year_after(today).isoformat()),
                        ("VERSION", __version__)):
        text = text.replace(f"@{name}@", value)
    return text


def check_target(root: Path) -> None:
    """A new project goes into a folder that does not exist yet, or an empty one: init never
    mixes its files with someone's own."""
    if root.exists() and not root.is_dir():
        raise UsageError(f"{root} is a file, not a folder: name a new or empty folder")
    if root.is_dir() and any(root.iterdir()):
        raise UsageError(f"the folder {root} is not empty: name a new or empty folder for the project")


def planned_files(today: dt.date) -> dict[Path, bytes]:
    """Every file of a new project (relative path -> bytes) but the pins, which need the
    project on disk."""
    planned = {Path(LAYOUTS) / relative: resource.read_bytes()
               for relative, resource in walk(default_layouts())}
    for relative, resource in walk(defaults().joinpath(EXAMPLE)):
        data = resource.read_bytes()
        if relative.suffix in _TEXT_SUFFIXES:
            data = _filled(data.decode("utf-8"), today).encode("utf-8")
        planned[_target_name(relative)] = data
    return planned


def _pin_example(root: Path) -> None:
    """Pin the example's passages as `carepress pin` would (it writes passages.lock too)."""
    from carepress.errors import CarepressError
    from carepress.load import load_project
    from carepress.pin import pin_handouts

    project = load_project(root)
    errors = [d for d in project.diagnostics if d.severity == "error"]
    if errors:  # the package's own example is broken: a bug, said with the file and line
        raise CarepressError(errors)
    pin_handouts(project)


def init_project(root: Path, today: dt.date | None = None) -> Scaffold:
    """Make a new project at ``root`` (created, or empty).  Raises UsageError for a folder
    that holds something already."""
    check_target(root)
    planned = planned_files(today or dt.date.today())
    for relative, data in planned.items():
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    _pin_example(root)
    lock = Path("handouts/sources/passages.lock")
    return Scaffold(root, tuple(sorted({*planned, lock}, key=lambda p: p.as_posix())))


__all__ = ["Scaffold", "check_target", "default_layouts", "defaults", "init_project", "walk"]
