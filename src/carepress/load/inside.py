"""Files a project names must be inside the project folder.

CI builds the content of contributors' pull requests: a source, logo or font that is a
symlink to a file outside the project, or a path that climbs out of it (`../../`), would
make the build read the runner's files and print them into a leaflet.  So every such file
is followed to where it really is, and refused when that is outside.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path


def project_root_of(path: Path, depth: int) -> Path:
    """The project folder of a file ``depth`` levels below it (3 for
    `layouts/brands/x.yaml` and `handouts/sources/x.yaml`)."""
    return path.absolute().parents[depth - 1]


def outside(path: Path, root: Path, shared: Sequence[Path] = ()) -> Path | None:
    """Where ``path`` really leads (symlinks followed) when that is outside ``root`` and
    outside each of the ``shared`` folders (a brand's allow-list), else None."""
    real = path.resolve()
    allowed = (root, *shared)
    return None if any(real.is_relative_to(folder.resolve()) for folder in allowed) else real


def outside_message(what: str, named: str, real: Path) -> str:
    return (f"{what} `{named}` is outside the project folder (it leads to {real}): carepress "
            "reads no file outside the project, so that content from a pull request cannot "
            "make a build read the machine's files; copy the file into the project")
