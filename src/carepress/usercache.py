"""Where carepress keeps work worth keeping between runs on one machine (converted fonts,
unpacked fonts, recorded logos): `$XDG_CACHE_HOME/carepress/KIND`, by default under ~/.cache."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path


def user_cache_dir(kind: str) -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "carepress" / kind


def cached_bytes(kind: str, name: str, make: Callable[[], bytes]) -> bytes:
    """The cached file ``name`` of ``kind``, made by ``make`` when it is missing.  The name
    must carry a hash of every input.  Written atomically, so parallel workers and
    interrupted runs never leave half a file; a cache that cannot be written costs time only."""
    path = user_cache_dir(kind) / name
    try:
        return path.read_bytes()
    except OSError:
        pass
    data = make()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        temporary.write_bytes(data)
        os.replace(temporary, path)
    except OSError:
        pass
    return data
