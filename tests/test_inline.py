import re

import pytest

from carepress.inline import InlineMarkupError, protect, to_markup, to_plain


@pytest.mark.parametrize("text, markup", [
    ("plain words", "plain words"),
    ("**bold** and *italic*", "<b>bold</b> and <i>italic</i>"),
    ("[call](tel:+16175550142)", '<a href="tel:+16175550142">call</a>'),
    ("[site](https://example.org/a?b=1&c=2)", '<a href="https://example.org/a?b=1&amp;c=2">site</a>'),
    # Raw ReportLab markup and entities from an author are text, never markup.
    ("<font size=40>big</font> & <b>x</b>", "&lt;font size=40&gt;big&lt;/font&gt; &amp; &lt;b&gt;x&lt;/b&gt;"),
    ("<a href='javascript:x'>y</a>", "&lt;a href='javascript:x'&gt;y&lt;/a&gt;"),
    ("3 < 4 > 2", "3 &lt; 4 &gt; 2"),
    (r"\*not italic\*", "*not italic*"),
])
def test_inline_subset_becomes_escaped_reportlab_markup(text: str, markup: str) -> None:
    assert to_markup(text) == markup


def test_link_to_other_schemes_is_refused() -> None:
    with pytest.raises(InlineMarkupError, match="must start with https://"):
        to_markup("[x](ftp://example.org/file)")


def test_protected_data_is_shown_literally() -> None:
    assert to_plain(to_markup(protect("Dr *Smith* [on call]"))) == "Dr *Smith* [on call]"


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
        to_markup(text)


@pytest.mark.parametrize("text", [r"a \*\* b", "price 5*3", "see [1] (page 2)", "***both***",
                                  "5 * 3 ** 2", "PIN: ****", "**Note:** call"])
def test_text_that_only_looks_like_markup_is_fine(text: str) -> None:
    to_markup(text)  # no InlineMarkupError
