"""carepress: printable, clinic-branded patient leaflets from YAML handouts that quote sources.

The public API is small: load a project, then build or check it.

    >>> project = load_project(Path("."))
    >>> report = build(project, Path("dist"))
"""

from __future__ import annotations

from typing import Any

from carepress.errors import CarepressError, Diagnostic, UsageError

__version__ = "0.1.0"

# The API is imported on first use, so that `carepress --help` does not load YAML, Jinja,
# the build machinery or ReportLab.
_LAZY = {"BuildReport": "carepress.build", "Filters": "carepress.build", "build": "carepress.build",
         "check": "carepress.build", "plan": "carepress.build", "Project": "carepress.load",
         "load_project": "carepress.load"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'carepress' has no attribute {name!r}")

__all__ = ["BuildReport", "CarepressError", "Diagnostic", "Filters", "Project", "UsageError",
           "__version__", "build", "check", "load_project", "plan"]
