"""Print-shop output: bleed, trim and bleed boxes, crop marks."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import Run

MM = 72 / 25.4


def test_bleed_sets_trim_and_bleed_boxes(project: Path, run: Run, tmp_path: Path) -> None:
    out = tmp_path / "print"
    result = run("build", "--clinic", "riverside-womens-health", "--lang", "en", "--layout", "a4",
                 "--handout", "iud-aftercare", "--bleed", "3mm", "--out", str(out))
    assert result.exit_code == 0, result.stderr
    page = PdfReader(out / "riverside-womens-health/en/iud-aftercare-a4.pdf").pages[0]
    trim, bleed, media = page.trimbox, page.bleedbox, page.mediabox
    assert float(trim.width) == pytest.approx(210 * MM, abs=0.01)
    assert float(trim.height) == pytest.approx(297 * MM, abs=0.01)
    assert float(bleed.width) == pytest.approx((210 + 6) * MM, abs=0.01)
    assert float(trim.left) - float(bleed.left) == pytest.approx(3 * MM, abs=0.01)
    assert float(media.width) == pytest.approx(float(bleed.width), abs=0.01)
    # The header band runs into the bleed: a rectangle 3 mm left of the trim, 6 mm wider.
    rects = []

    def visitor(op, args, cm, tm):  # type: ignore[no-untyped-def]
        if op == b"re":
            rects.append(tuple(float(a) for a in args))

    page.extract_text(visitor_operand_before=visitor)
    assert any(x == pytest.approx(-3 * MM, abs=0.01) and w == pytest.approx(216 * MM, abs=0.01)
               for x, _, w, _ in rects)


def test_crop_marks_sit_outside_the_bleed(project: Path, run: Run, tmp_path: Path) -> None:
    out = tmp_path / "marks"
    result = run("build", "--clinic", "riverside-womens-health", "--lang", "en", "--layout", "a4",
                 "--handout", "iud-aftercare", "--bleed", "3mm", "--crop-marks", "--out", str(out))
    assert result.exit_code == 0
    page = PdfReader(out / "riverside-womens-health/en/iud-aftercare-a4.pdf").pages[0]
    assert float(page.mediabox.width) > float(page.bleedbox.width) + 10 * MM
    lines = []

    def visitor(op, args, cm, tm):  # type: ignore[no-untyped-def]
        if op == b"m":
            lines.append((float(args[0]), float(args[1])))

    page.extract_text(visitor_operand_before=visitor)
    left_trim = float(page.trimbox.left)
    marks = [p for p in lines if p[0] < float(page.bleedbox.left)]
    assert len(marks) >= 2  # lines drawn left of the bleed: the marks
    assert all(x < left_trim for x, _ in marks)


def test_bad_bleed_is_a_usage_error(run: Run) -> None:
    result = run("build", "--bleed", "three")
    assert result.exit_code == 2
    assert "is not a length such as 3mm" in result.output
