"""ReportLab's paragraph module, imported without its costliest start-up step.

At import, `reportlab.platypus.paragraph` compiles a case-insensitive URL pattern whose
character classes run to U+FFFF.  Python 3.11's regex compiler folds the case of every
character in those classes, about 27 ms: a tenth of a cold one-leaflet build, and of the
serial start of a parallel one.  ReportLab uses the pattern only to break a URL at a slash
when a style asks for hyphenation or `uriWasteReduce` (carepress's styles ask for neither),
so it is compiled the first time it is used instead.
"""

from __future__ import annotations

import re
import sys
import threading
from typing import Any

PARAGRAPH_MODULE = "reportlab.platypus.paragraph"


class PatternOnFirstUse:
    """Stands in for a compiled pattern; compiles it when first asked for anything."""

    def __init__(self, pattern: str, flags: int) -> None:
        self.pattern_text = pattern
        self.pattern_flags = flags
        self.compiled: re.Pattern[str] | None = None

    def __getattr__(self, name: str) -> Any:
        # (only for names the instance lacks: its own three, and dunders that copy or
        # pickle probe for on a half-made instance, are not the pattern's)
        if name.startswith("__") or name in ("compiled", "pattern_text", "pattern_flags"):
            raise AttributeError(name)
        if self.compiled is None:
            self.compiled = re.compile(self.pattern_text, self.pattern_flags)
        return getattr(self.compiled, name)


def _is_url_pattern(pattern: object, flags: int) -> bool:
    return (isinstance(pattern, str) and pattern.startswith("(^(?:[a-z0-9")
            and "://" in pattern and bool(flags & re.IGNORECASE))


_IMPORTING = threading.Lock()  # two threads must not stack their stand-ins for re.compile


def import_paragraph_module() -> None:
    """Import ReportLab's paragraph module (once), deferring its URL pattern.  Any other
    pattern, or a ReportLab whose pattern looks different, compiles as usual."""
    with _IMPORTING:
        if PARAGRAPH_MODULE in sys.modules:
            return
        compile_now = re.compile

        def compile_deferring_url_pattern(pattern: Any, flags: int = 0) -> Any:
            if _is_url_pattern(pattern, flags):
                return PatternOnFirstUse(pattern, flags)
            return compile_now(pattern, flags)

        re.compile = compile_deferring_url_pattern  # type: ignore[assignment]
        try:
            __import__(PARAGRAPH_MODULE)
        finally:
            re.compile = compile_now
