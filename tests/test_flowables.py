"""Flowables: paragraphs that break their lines once per width."""

from __future__ import annotations

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph

from carepress.typeset.flowables import SettledParagraph

TEXT = " ".join(["Call the clinic if the bleeding is heavy or lasts more than a week."] * 6)


def test_lines_are_broken_once_per_width(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    calls = []
    original = Paragraph.breakLines
    monkeypatch.setattr(Paragraph, "breakLines", lambda self, widths: calls.append(widths) or original(self, widths))
    style = ParagraphStyle("body", fontName="Helvetica", fontSize=12, leading=15)
    settled, plain = SettledParagraph(TEXT, style), Paragraph(TEXT, style)
    for width in (300, 300, 300, 200, 200):
        assert settled.wrap(width, 1000) == plain.wrap(width, 1000)
        assert settled.blPara.lines == plain.blPara.lines
    assert len(calls) == 5 + 2  # the plain paragraph five times; the settled one once per width


def test_a_split_paragraph_is_broken_again() -> None:
    style = ParagraphStyle("body", fontName="Helvetica", fontSize=12, leading=15)
    paragraph = SettledParagraph(TEXT, style)
    _, height = paragraph.wrap(200, 1000)
    first, rest = paragraph.split(200, height / 2)
    assert first.wrap(200, 1000)[1] + rest.wrap(200, 1000)[1] == height
    assert paragraph.wrap(200, 1000) == (200, height)  # split() dropped its lines: broken again
