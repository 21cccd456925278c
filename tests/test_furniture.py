"""Page furniture: the running header of continuation pages."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from itertools import pairwise
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import Run

pytestmark = pytest.mark.skipif(not shutil.which("pdftotext"),
                                reason="needs poppler-utils (installed by .ci/run)")


def header_words(pdf: Path, page: int) -> list[tuple[float, float, str]]:
    """(left, right, word) of each word in the band at the top of ``page`` (poppler)."""
    page_html = subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-"],
                               check=True, capture_output=True, text=True).stdout
    words = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>',
                       page_html)
    return sorted((float(x0), float(x1), html.unescape(text)) for x0, y0, x1, text in words
                  if float(y0) < 30)


# Where the running title, at full length, overlapped or touched the clinic's name.
# (Arabic is left out: poppler's word boxes for its /ActualText lines are not the glyphs'.)
@pytest.mark.parametrize("lang, handout, layout", [
    ("ru", "iud-aftercare", "large-print-a4"), ("fr", "iud-aftercare", "large-print-a4"),
    ("pt", "miscarriage-aftercare", "large-print-a4"),
    ("en", "miscarriage-aftercare", "a5-booklet-reading-order")])
def test_a_long_title_is_shortened_beside_the_clinic_name(project: Path, run: Run, lang: str,
                                                          handout: str, layout: str) -> None:
    result = run("build", "--clinic", "riverside-womens-health", "--lang", lang, "--handout", handout)
    assert result.exit_code == 0, result.stderr
    pdf = project / f"dist/riverside-womens-health/{lang}/{handout}-{layout}.pdf"
    title = PdfReader(pdf).metadata.title
    words = header_words(pdf, 2)
    assert len(words) >= 4
    for (_, right, word), (left, _, following) in pairwise(words):
        assert left - right > 1, (word, following)  # no two words touch or overlap
    name = "Riverside Women's Health Centre".split()
    assert [word for _, _, word in words[:4]] == name
    gap = words[4][0] - words[3][1]
    assert gap > 10  # the clinic's name, then room, then the title
    shown = " ".join(word for _, _, word in words[4:])
    assert shown.endswith("…") and shown.rstrip("…") in title
