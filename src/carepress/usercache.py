"""Where carepress keeps work worth keeping between runs on one machine (converted fonts,
recorded logos): `$XDG_CACHE_HOME/carepress/KIND`, by default under ~/.cache."""

from __future__ import annotations

import os
from pathlib import Path


def user_cache_dir(kind: str) -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "carepress" / kind
