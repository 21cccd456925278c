"""Where carepress keeps work worth keeping between runs on one machine (converted fonts,
unpacked fonts, recorded logos, QR codes, formatted dates): `$XDG_CACHE_HOME/carepress/KIND`,
by default under ~/.cache.  Every name carries a hash of what made the file, so a stale
entry is never read; a cache that cannot be read or written costs time, never a build.

What made a file includes the code: each entry's name carries ``entry_key`` of the libraries
whose output it stores (their installed versions), carepress's own version and a hash of the
carepress module that makes it, so neither a library upgrade nor a changed line of carepress
ever serves an entry made by the code before."""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import os
import re
import sys
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


def _normalised(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


@functools.cache
def installed_versions() -> dict[str, str]:
    """The installed version of every distribution on sys.path (by normalised name), read
    from the names of the `*.dist-info` folders: importlib.metadata takes ten times as long,
    and cache keys are on the path of a no-op rebuild, which must stay well under a second.
    carepress's own is its ``__version__`` (also when run from a source tree)."""
    from carepress import __version__

    found: dict[str, str] = {}
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for folder in names:
            match = re.fullmatch(r"(.+?)-([^-]+)\.dist-info", folder)
            if match:
                found.setdefault(_normalised(match.group(1)), match.group(2))
    found["carepress"] = __version__
    return found


def library_versions(*names: str) -> str:
    """``name=version;…`` for the distributions ``names`` ("none" for one not installed)."""
    versions = installed_versions()
    missing = [name for name in names if _normalised(name) not in versions]
    if missing:  # e.g. an editable install without a dist-info folder on sys.path
        from importlib import metadata

        for name in missing:
            try:
                versions[_normalised(name)] = metadata.version(name)
            except metadata.PackageNotFoundError:
                versions[_normalised(name)] = "none"
    return ";".join(f"{name}={versions[_normalised(name)]}" for name in names)


def entry_key(*libraries: str, code: str) -> str:
    """A short hash naming a user-cache entry that carepress's module ``code`` makes with
    ``libraries`` (distribution names): their versions, carepress's version and the module's
    source.  Any of them changed, the entry has another name and is made again."""
    made_by = f"{library_versions('carepress', *libraries)};{code}={module_key(code)}"
    return hashlib.sha256(made_by.encode()).hexdigest()[:16]
