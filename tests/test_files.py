"""Atomic writes: whole files, with the modes readers expect."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from carepress.files import _umask, write_atomic


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_file_is_readable_as_any_new_file_is(tmp_path: Path) -> None:
    # (mkstemp makes its files 0600: a CI artifact or a web server could not read the PDFs)
    previous = os.umask(0o022)
    _umask.cache_clear()
    try:
        write_atomic(tmp_path / "dist/leaflet.pdf", b"%PDF-")
    finally:
        os.umask(previous)
        _umask.cache_clear()
    assert mode(tmp_path / "dist/leaflet.pdf") == 0o644
    assert (tmp_path / "dist/leaflet.pdf").read_bytes() == b"%PDF-"
    assert [p.name for p in (tmp_path / "dist").iterdir()] == ["leaflet.pdf"]  # no temporary left


def test_a_replaced_file_keeps_its_mode(tmp_path: Path) -> None:
    handout = tmp_path / "handout.yaml"
    handout.write_text("title: x\n")
    os.chmod(handout, 0o640)
    write_atomic(handout, b"title: y\n")
    assert mode(handout) == 0o640 and handout.read_text() == "title: y\n"
