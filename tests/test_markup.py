"""Spans as ReportLab markup: the PDF renderer's detail."""

import pytest

from carepress.inline import to_spans
from carepress.typeset.markup import to_markup, to_plain


@pytest.mark.parametrize("text, markup", [
    ("plain words", "plain words"),
    ("**bold** and *italic*", "<b>bold</b> and <i>italic</i>"),
    ("[call](tel:+16175550142)", '<a href="tel:+16175550142">call</a>'),
    ("[site](https://example.org/a?b=1&c=2)", '<a href="https://example.org/a?b=1&amp;c=2">site</a>'),
    # one link around its bold words (one link annotation, not two)
    ("[**Call** us](tel:+1)", '<a href="tel:+1"><b>Call</b> us</a>'),
    ("**bold *and italic* words**", "<b>bold <i>and italic</i> words</b>"),
    # Raw ReportLab markup and entities from an author are text, never markup.
    ("<font size=40>big</font> & <b>x</b>", "&lt;font size=40&gt;big&lt;/font&gt; &amp; &lt;b&gt;x&lt;/b&gt;"),
    ("3 < 4 > 2", "3 &lt; 4 &gt; 2"),
])
def test_spans_become_escaped_reportlab_markup(text: str, markup: str) -> None:
    assert to_markup(to_spans(text)) == markup


def test_markup_reads_back_as_the_text() -> None:
    text = "a & b <c> **d** [e](https://x.example/?f=1&g=2)"
    assert to_plain(to_markup(to_spans(text))) == "a & b <c> d e"
