"""Where carepress keeps work worth keeping between runs on one machine (converted fonts,
unpacked fonts, recorded logos, QR codes, formatted dates): `$XDG_CACHE_HOME/carepress/KIND`,
by default under ~/.cache.  Every name carries a hash of what made the file, so a stale
entry is never read; a cache that cannot be read or written costs time, never a build."""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import os
from collections.abc import Callable
from pathlib import Path

from carepress.files import write_atomic


def user_cache_dir(kind: str) -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "carepress" / kind


def read_cached(kind: str, name: str) -> bytes | None:
    try:
        return (user_cache_dir(kind) / name).read_bytes()
    except OSError:
        return None


def store_cached(kind: str, name: str, data: bytes) -> None:
    try:
        write_atomic(user_cache_dir(kind) / name, data)
    except OSError:
        pass


def cached_bytes(kind: str, name: str, make: Callable[[], bytes]) -> bytes:
    """The cached file ``name`` of ``kind``, made by ``make`` when it is missing."""
    data = read_cached(kind, name)
    if data is None:
        data = make()
        store_cached(kind, name, data)
    return data


@functools.cache
def module_key(name: str) -> str | None:
    """A short hash of a module's source file, found without importing it (None when there is
    no such module).  It names entries made from what the module provides, a font it carries
    or the data of the library it belongs to, so a new release never reads an old entry."""
    try:
        spec = importlib.util.find_spec(name)
    except ImportError:
        return None
    if spec is None or spec.origin is None or not Path(spec.origin).is_file():
        return None  # (no such module, or one with no file: built in, frozen)
    return hashlib.sha256(Path(spec.origin).read_bytes()).hexdigest()[:16]
