"""textstat, imported for what carepress asks of it: about 0.35 s less a first measure.

Importing textstat 0.7.4 took 0.34 s (of a 3 s `check`), in two parts that the reading
figures carepress prints do not need:

- `import pkg_resources` (0.2 s: setuptools' vendored packaging and pyparsing), used only
  to read the easy-word lists of the Dale-Chall and Spache formulas.  While textstat is
  imported, ``pkg_resources`` is a stand-in module that imports the real one the first time
  one of its names is used: never, for the formulas carepress uses.
- Pyphen parsing its en_US hyphenation dictionary at import (0.15 s), and a language's own
  when it is set.  The parsed patterns (a dict of strings to integer tuples) are kept in
  the user cache with marshal, named by Pyphen's version and the dictionary file's hash,
  and handed to Pyphen's own cache of parsed dictionaries before textstat asks for them.

Either way textstat computes every figure with its own code and Pyphen's patterns, so the
figures are the same (tests/test_content.py compares them with a freshly parsed dictionary).
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import Any


class _LazyModule(types.ModuleType):
    """Stands in for a module not yet imported: the first use of one of its names imports it."""

    def __getattr__(self, name: str) -> Any:
        if sys.modules.get(self.__name__) is self:
            del sys.modules[self.__name__]
        return getattr(importlib.import_module(self.__name__), name)


def _parsed_patterns(lang: str) -> None:
    """Pyphen's parsed dictionary for ``lang`` in its cache, from the user cache (or parsed
    and stored there); nothing when the patterns are not plain integers (hyphenation
    alternatives, which marshal cannot keep: Pyphen parses those itself)."""
    import hashlib
    import marshal

    import pyphen

    from carepress.usercache import read_cached, store_cached

    found = pyphen.language_fallback(lang)
    if found is None:
        return  # (Pyphen reports it, as it would)
    path = pyphen.LANGUAGES[found]
    if path in pyphen.hdcache:
        return
    data = path.read_bytes()
    name = f"{found}-{getattr(pyphen, 'VERSION', pyphen.__version__)}-{hashlib.sha256(data).hexdigest()[:16]}.marshal"
    cached = read_cached("pyphen", name)
    if cached is not None:
        try:
            patterns = marshal.loads(cached)
        except (ValueError, EOFError, TypeError):
            patterns = None  # (a damaged entry: parse again)
        if isinstance(patterns, dict) and patterns:
            hyph = pyphen.HyphDict.__new__(pyphen.HyphDict)
            hyph.patterns, hyph.cache = patterns, {}
            hyph.maxlen = max(len(key) for key in patterns)
            pyphen.hdcache[path] = hyph
            return
    hyph = pyphen.HyphDict(path)
    pyphen.hdcache[path] = hyph
    if all(type(value) is int for _, values in hyph.patterns.values() for value in values):
        store_cached("pyphen", name, marshal.dumps(hyph.patterns))


def load_textstat(lang: str) -> Any:
    """The textstat module, its language set to ``lang`` (a textstat locale: `en_US`)."""
    if "textstat" not in sys.modules:
        for needed in ("en_US", lang):  # (textstat sets en_US as it is imported)
            _parsed_patterns(needed)
        stand_in = None
        if "pkg_resources" not in sys.modules:
            stand_in = sys.modules["pkg_resources"] = _LazyModule("pkg_resources")
        try:
            import textstat
        finally:
            if stand_in is not None and sys.modules.get("pkg_resources") is stand_in:
                del sys.modules["pkg_resources"]
    else:
        _parsed_patterns(lang)
    import textstat

    textstat.set_lang(lang)
    return textstat
