import re

import pytest
from conftest import REPO

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


def test_text_without_markup_is_one_span_as_the_parser_gives(user_cache, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """to_spans skips the parser for a text with none of the characters it acts on: the same
    spans, for every text of the shipped handouts and translations and for random ones.
    (The parser itself, `_parse_spans`, is what each is compared with; the 20,000 random
    texts are kept out of the user cache.)"""
    import random

    import yaml

    from carepress import usercache
    from carepress.inline import _parse_spans as parse_spans

    monkeypatch.setattr(usercache, "store_cached", lambda kind, name, data: None)

    def strings(value: object) -> list[str]:
        if isinstance(value, str):
            return [value]
        if isinstance(value, dict):
            return [s for item in value.values() for s in strings(item)]
        if isinstance(value, list):
            return [s for item in value for s in strings(item)]
        return []

    texts = [s for path in sorted((REPO / "handouts").rglob("*.yaml"))
             for s in strings(yaml.safe_load(path.read_text(encoding="utf-8")))]
    texts += [path.read_text(encoding="utf-8") for path in (REPO / "handouts/sources").glob("*.txt")]
    alphabet = "ab Z\t\n!#$%&+-:<=>@]^`{}~()é中。ال\u00a0\u200f\ufeff\x0b\x0c09/.'\"|*_[\\\r\0"
    chance = random.Random(11)
    texts += ["".join(chance.choice(alphabet) for _ in range(chance.randint(0, 14)))
              for _ in range(20_000)]
    skipped = 0
    for text in texts:
        try:
            expected: object = parse_spans(text)
        except InlineMarkupError as exc:
            expected = str(exc)
        try:
            found: object = to_spans(text)
        except InlineMarkupError as exc:
            found = str(exc)
        assert found == expected, repr(text)
        skipped += not re.search(r"[*_\[\\\r\0]", text)
    assert skipped > 5_000  # (the fast path was taken)


def test_parsed_spans_are_kept_in_the_user_cache(user_cache, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A text parsed once is read back from the user cache, the same spans (or the same
    refusal), without markdown-it: a cold build need not import it."""
    from carepress import inline

    texts = ["Call **(617) 555-0142** or see [our page](https://example.org/a_b), *today*",
             "**never closed"]
    inline.parse_spans.cache_clear()
    first = inline.parse_spans(texts[0])
    with pytest.raises(inline.InlineMarkupError) as refused:
        inline.parse_spans(texts[1])
    assert len(list((user_cache / "inline").iterdir())) == 2

    def no_parser():  # type: ignore[no-untyped-def]
        raise AssertionError("parsed again")

    monkeypatch.setattr(inline, "_markdown", no_parser)
    inline.parse_spans.cache_clear()
    assert inline.parse_spans(texts[0]) == first
    assert [span.href for span in first] == [None, None, None, "https://example.org/a_b", None, None]
    with pytest.raises(inline.InlineMarkupError) as again:
        inline.parse_spans(texts[1])
    assert str(again.value) == str(refused.value)
    inline.parse_spans.cache_clear()
