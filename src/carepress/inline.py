"""The inline markup YAML authors may use, converted to ReportLab paragraph markup.

The whole subset is ``**bold**``, ``*italic*`` and ``[text](https://...)`` (also ``tel:``
and ``mailto:``), parsed by markdown-it with every other rule switched off.  All other
text is escaped, so an author can never reach ReportLab's own markup.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt

LINK_SCHEMES = ("https://", "http://", "tel:", "mailto:")
_MARKDOWN = MarkdownIt("zero").enable(["emphasis", "link", "escape"])

_TAGS = {"strong_open": "<b>", "strong_close": "</b>", "em_open": "<i>", "em_close": "</i>",
         "link_close": "</a>"}
_SPECIAL = re.compile(r"([\\*_\[\]()`])")


# The three entities of ReportLab's markup, as xml.sax.saxutils writes them (that module
# imports urllib and http.client: 8 ms of every cold build).
def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def unescape(markup: str) -> str:
    return markup.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def quoteattr(value: str) -> str:
    return '"' + escape(value).replace('"', "&quot;") + '"'


class InlineMarkupError(ValueError):
    pass


def escape_markup(text: str) -> str:
    """Plain text as ReportLab markup: `<`, `>` and `&` escaped, nothing interpreted."""
    return escape(text)


def protect(text: str) -> str:
    """Backslash-escape inline-markup characters in data put into a template (a phone, a name)."""
    return _SPECIAL.sub(r"\\\1", text)


def link_markup(href: str, label: str) -> str:
    return f'<a href={quoteattr(href)}>{escape(label)}</a>'


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


def to_markup(text: str) -> str:
    """Author text with the inline subset -> escaped ReportLab markup."""
    tokens = _MARKDOWN.parseInline(text)[0].children or []
    _check_consumed(text, tokens)
    out: list[str] = []
    for token in tokens:
        if token.type == "text":
            out.append(escape(token.content))
        elif token.type in ("softbreak", "hardbreak"):
            out.append(" ")
        elif token.type == "link_open":
            href = str(token.attrs.get("href", ""))
            if not href.startswith(LINK_SCHEMES):
                raise InlineMarkupError(
                    f"link `{href}` must start with https://, http://, tel: or mailto:")
            out.append(f'<a href={quoteattr(href)}>')
        elif token.type in _TAGS:
            out.append(_TAGS[token.type])
        else:  # pragma: no cover - every other rule is disabled
            out.append(escape(token.content))
    return "".join(out)


def to_plain(markup: str) -> str:
    """The text a reader sees, for bookmarks and checks: tags dropped, entities decoded."""
    return unescape(re.sub(r"<[^>]+>", "", markup))
