"""Writing files so that no reader, and no later run, ever sees half of one."""

from __future__ import annotations

import errno
import functools
import os
import stat
import tempfile
import threading
from pathlib import Path


_UMASK_LOCK = threading.Lock()


@functools.cache
def _umask() -> int:
    """The process's umask, read once: from /proc where there is one, else by setting it
    and setting it back (under a lock; other threads' files made meanwhile get 0o077)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    with _UMASK_LOCK:
        mask = os.umask(0o077)
        os.umask(mask)
    return mask


def write_atomic(path: Path, data: bytes) -> None:
    """Write to a temporary file beside ``path``, then rename it over ``path``: an
    interrupted write leaves the old file (or none), never a broken one.  The file gets the
    mode the one it replaces had, or a new file's usual mode (0666 less the umask): a
    temporary file is private to its owner, and a CI artifact or web server must read PDFs."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except FileExistsError:  # (mkdir's own message names the file, not the problem)
        raise NotADirectoryError(errno.ENOTDIR, "a file stands where its folder should be",
                                 str(path)) from None
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        mode = 0o666 & ~_umask()
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            try:
                os.fchmod(handle.fileno(), mode)
            except OSError:  # (a file system without modes keeps its own)
                pass
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
