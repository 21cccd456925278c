"""The inline markup YAML authors may use, parsed into spans.

The whole subset is ``**bold**``, ``*italic*`` and ``[text](https://...)`` (also ``tel:``
and ``mailto:``), parsed by markdown-it with every other rule switched off.  Everything else
is text: no author can reach a renderer's own markup (ReportLab's or HTML).
"""

from __future__ import annotations

import functools
import re
from typing import Any

from carepress.model import Inline, Span

LINK_SCHEMES = ("https://", "http://", "tel:", "mailto:")


@functools.cache
def _markdown() -> Any:
    """The parser, made on first use: markdown-it is imported only when a text with markup
    is not in the user cache (see ``parse_spans``)."""
    from markdown_it import MarkdownIt

    return MarkdownIt("zero").enable(["emphasis", "link", "escape"])

_SPECIAL = re.compile(r"([\\*_\[\]()`])")


class InlineMarkupError(ValueError):
    pass


def protect(text: str) -> str:
    """Backslash-escape inline-markup characters in data put into a template (a phone, a name)."""
    return _SPECIAL.sub(r"\\\1", text)


_ESCAPED = re.compile(r"\\.")
_LINK_LIKE = re.compile(r"\[[^\]]*\]\(")
# A run of two or more asterisks against a letter or digit on one side: meant as bold
# (`5 * 3 ** 2` and `PIN: ****` are not).
_BOLD_MARK = re.compile(r"(?<=\w)\*\*+|\*\*+(?=\w)")


def _check_consumed(text: str, tokens: list) -> None:  # type: ignore[type-arg]
    """Markup the parser did not take is printed as it is written: `**` never closed, a link
    it refused (`[x](javascript:…)`, a space in the target).  Say so instead."""
    source = _ESCAPED.sub("", text)  # (what an author escaped is meant to be printed)
    types = [token.type for token in tokens]
    if len(_BOLD_MARK.findall(source)) > 2 * types.count("strong_open"):
        raise InlineMarkupError("`**` here makes no bold text: close it with `**` (right after "
                                "punctuation a closing `**` needs a space after it: write "
                                "`**注意**：请`, not `**注意：**请`); or write `\\*\\*` to print asterisks")
    if len(_LINK_LIKE.findall(source)) > types.count("link_open"):
        raise InlineMarkupError("`[text](target)` is not a link carepress can print: the target "
                                f"starts with {', '.join(LINK_SCHEMES)}, has no spaces and ends with `)`")
    for opening, closing in zip(types, types[1:]):
        if opening == "link_open" and closing == "link_close":
            raise InlineMarkupError("a link needs text to click on: `[text](target)`")


def join_spans(spans: list[Span]) -> Inline:
    """Adjacent spans of one style as one; empty ones dropped."""
    joined: list[Span] = []
    for span in spans:
        if not span.text:
            continue
        last = joined[-1] if joined else None
        if last is not None and (last.bold, last.italic, last.href, last.lang) == \
                (span.bold, span.italic, span.href, span.lang):
            joined[-1] = Span(last.text + span.text, span.bold, span.italic, span.href, span.lang)
        else:
            joined.append(span)
    return tuple(joined)


# What the parser acts on (emphasis, links, escapes; CR and NUL, which it normalises): a text
# without any of them is one plain span, as the parser would give (tests/test_inline.py).
_MARKUP_CHARACTERS = re.compile(r"[*_\[\\\r\0]")


def to_spans(text: str) -> Inline:
    """Author text with the inline subset -> spans.  Most texts (quoted passages, headings)
    hold no markup at all and are not parsed: a 400-section handout has thousands."""
    if _MARKUP_CHARACTERS.search(text) is None:
        return (Span(text),) if text else ()
    return parse_spans(text)


# A parsed text's spans (or why it is refused), kept in the user cache by the text and the
# versions of markdown-it and this module: a cold one-leaflet build whose texts were all
# parsed before (by any earlier build) does not import markdown-it (18 ms) or make its parser.
_CACHE_KIND = "inline"


@functools.lru_cache(maxsize=4096)
def parse_spans(text: str) -> Inline:
    """``to_spans`` by markdown-it, whatever the text.  Kept per text (its spans are
    immutable): a clinic's sentence repeated, or the same leaflet resolved for each of its
    clinics and checks, is parsed once in a process, and once on a machine (the user cache)."""
    import hashlib
    import json

    from carepress.usercache import entry_key, read_cached, store_cached

    made_by = entry_key("markdown-it-py", code=__name__)
    name = hashlib.sha256(f"{made_by}\x00{text}".encode()).hexdigest()[:32] + ".json"
    cached = read_cached(_CACHE_KIND, name)
    found = None if cached is None else _decoded(cached)
    if isinstance(found, str):
        raise InlineMarkupError(found)
    if found is not None:
        return found
    try:
        spans = _parse_spans(text)
    except InlineMarkupError as exc:
        store_cached(_CACHE_KIND, name, json.dumps({"refused": str(exc)}).encode())
        raise
    store_cached(_CACHE_KIND, name, json.dumps(
        [[span.text, span.bold, span.italic, span.href] for span in spans]).encode())
    return spans


def _decoded(entry: bytes) -> Inline | str | None:
    """What a user-cache entry of ``parse_spans`` keeps: the spans, or why the text is refused;
    None for a damaged entry (the text is parsed again)."""
    import json

    try:
        found = json.loads(entry)
        if isinstance(found, dict):
            return str(found["refused"])
        return tuple(Span(str(t), bool(b), bool(i), h if h is None else str(h)) for t, b, i, h in found)
    except (ValueError, KeyError, TypeError):
        return None


def _parse_spans(text: str) -> Inline:
    tokens = _markdown().parseInline(text)[0].children or []
    _check_consumed(text, tokens)
    spans: list[Span] = []
    bold = italic = 0
    href: str | None = None
    for token in tokens:
        if token.type in ("text", "softbreak", "hardbreak"):
            content = token.content if token.type == "text" else " "
            spans.append(Span(content, bold > 0, italic > 0, href))
        elif token.type == "link_open":
            href = str(token.attrs.get("href", ""))
            if not href.startswith(LINK_SCHEMES):
                raise InlineMarkupError(
                    f"link `{href}` must start with https://, http://, tel: or mailto:")
        elif token.type == "link_close":
            href = None
        elif token.type in ("strong_open", "strong_close"):
            bold += 1 if token.type == "strong_open" else -1
        elif token.type in ("em_open", "em_close"):
            italic += 1 if token.type == "em_open" else -1
        else:  # pragma: no cover - every other rule is disabled
            spans.append(Span(token.content, bold > 0, italic > 0, href))
    return join_spans(spans)


def mark_language(inline: Inline, phrase: str, lang: str) -> Inline:
    """``inline`` with every occurrence of ``phrase`` split into spans of its own, marked as
    being in ``lang`` (a clinic's English name inside an Arabic sentence), so that a screen
    reader speaks it in that language."""
    if not phrase or not any(phrase in span.text for span in inline):
        return inline
    spans: list[Span] = []
    for span in inline:
        pieces = span.text.split(phrase)
        for number, piece in enumerate(pieces):
            if number:
                spans.append(Span(phrase, span.bold, span.italic, span.href, lang))
            spans.append(Span(piece, span.bold, span.italic, span.href, span.lang))
    return join_spans(spans)
