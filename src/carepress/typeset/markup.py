"""Spans as ReportLab's paragraph markup: the PDF renderer's own detail.

Every `<`, `>` and `&` of the text is escaped, so nothing an author writes reaches
ReportLab's markup.
"""

from __future__ import annotations

import re
from itertools import groupby

from carepress.model import Inline


# The three entities of ReportLab's markup, as xml.sax.saxutils writes them (that module
# imports urllib and http.client: 8 ms of every cold build).
def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def unescape(markup: str) -> str:
    return markup.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def quoteattr(value: str) -> str:
    return '"' + escape(value).replace('"', "&quot;") + '"'


def link_markup(href: str, label: str) -> str:
    return f'<a href={quoteattr(href)}>{escape(label)}</a>'


# A span in another language is set between two zero-width callbacks (ReportLab's <onDraw>)
# that mark it as such in a tagged PDF (tagging.LanguageMarks).
LANGUAGE_START, LANGUAGE_END = "carepressLanguageStart", "carepressLanguageEnd"


def language_marked(lang: str | None, markup: str) -> str:
    if lang is None:
        return markup
    return (f'<onDraw name="{LANGUAGE_START}" label={quoteattr(lang)}/>{markup}'
            f'<onDraw name="{LANGUAGE_END}" label=""/>')


def to_markup(inline: Inline) -> str:
    """Spans as ReportLab markup: each link, bold and italic run one element (a link that
    holds bold words stays one link), links outermost."""
    out = []
    for href, linked in groupby(inline, key=lambda span: span.href):
        inner = []
        for bold, heavy in groupby(linked, key=lambda span: span.bold):
            runs = []
            for italic, slanted in groupby(heavy, key=lambda span: span.italic):
                text = "".join(language_marked(span.lang, escape(span.text)) for span in slanted)
                runs.append(f"<i>{text}</i>" if italic else text)
            inner.append(f"<b>{''.join(runs)}</b>" if bold else "".join(runs))
        text = "".join(inner)
        out.append(text if href is None else f"<a href={quoteattr(href)}>{text}</a>")
    return "".join(out)


def to_plain(markup: str) -> str:
    """The text of markup: tags dropped, entities decoded."""
    return unescape(re.sub(r"<[^>]+>", "", markup))
