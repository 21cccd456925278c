import re

import pytest

from carepress.inline import InlineMarkupError, protect, to_spans
from carepress.model import Span, plain


@pytest.mark.parametrize("text, spans", [
    ("plain words", (Span("plain words"),)),
    ("**bold** and *italic*", (Span("bold", bold=True), Span(" and "), Span("italic", italic=True))),
    ("***both***", (Span("both", bold=True, italic=True),)),
    ("[call](tel:+16175550142)", (Span("call", href="tel:+16175550142"),)),
    ("[**Call** us](tel:+1)", (Span("Call", bold=True, href="tel:+1"), Span(" us", href="tel:+1"))),
    # Raw ReportLab or HTML markup and entities from an author are text, never markup.
    ("<font size=40>big</font> & <b>x</b>", (Span("<font size=40>big</font> & <b>x</b>"),)),
    ("<a href='javascript:x'>y</a>", (Span("<a href='javascript:x'>y</a>"),)),
    (r"\*not italic\*", (Span("*not italic*"),)),
])
def test_inline_subset_becomes_spans(text: str, spans: tuple[Span, ...]) -> None:
    assert to_spans(text) == spans


def test_link_to_other_schemes_is_refused() -> None:
    with pytest.raises(InlineMarkupError, match="must start with https://"):
        to_spans("[x](ftp://example.org/file)")


def test_protected_data_is_shown_literally() -> None:
    assert plain(to_spans(protect("Dr *Smith* [on call]"))) == "Dr *Smith* [on call]"


@pytest.mark.parametrize("text, says", [
    ("Call **now", "`**` here makes no bold text: close it with `**`"),
    ("**注意：**请立即致电", "write `**注意**：请`, not `**注意：**请`"),
    ("[see](javascript:alert(1))", "is not a link carepress can print"),
    ("[call](tel:not a number)", "is not a link carepress can print"),
    ("[site](https://a.example", "is not a link carepress can print"),
    ("go [](https://a.example)", "a link needs text to click on"),
])
def test_markup_the_parser_would_print_as_written_is_refused(text: str, says: str) -> None:
    with pytest.raises(InlineMarkupError, match=re.escape(says)):
        to_spans(text)


@pytest.mark.parametrize("text", [r"a \*\* b", "price 5*3", "see [1] (page 2)", "***both***",
                                  "5 * 3 ** 2", "PIN: ****", "**Note:** call"])
def test_text_that_only_looks_like_markup_is_fine(text: str) -> None:
    to_spans(text)  # no InlineMarkupError
