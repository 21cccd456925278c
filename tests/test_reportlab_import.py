"""ReportLab's URL pattern is compiled when first used, and still splits long URLs."""

from __future__ import annotations

import subprocess
import sys


def test_url_pattern_is_deferred_yet_long_urls_still_break_at_slashes() -> None:
    # A fresh interpreter: in this one another test may have imported ReportLab already.
    script = """
import carepress.typeset
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph, paragraph
print(type(paragraph.uri_pat).__name__, paragraph.uri_pat.compiled is None)
style = ParagraphStyle("b", fontName="Helvetica", fontSize=10, leading=12, uriWasteReduce=0.3)
text = "https://riverside-womens-health.example/leaflets/aftercare/iud/en/feedback"
para = Paragraph(text, style)
para.wrap(150, 1000)
print([''.join(w.text for w in line.words) if hasattr(line, 'words') else ' '.join(line[1])
       for line in para.blPara.lines])
print(paragraph.uri_pat.compiled is not None)
"""
    out = subprocess.run([sys.executable, "-c", script], check=True, capture_output=True,
                         text=True).stdout.splitlines()
    assert out[0] == "PatternOnFirstUse True"  # not compiled by the import
    lines = eval(out[1])  # noqa: S307 - our own print of a list of strings
    assert len(lines) > 1 and lines[0].endswith("/") and "".join(lines).replace(" ", "") == \
        "https://riverside-womens-health.example/leaflets/aftercare/iud/en/feedback"
    assert out[2] == "True"  # compiled when ReportLab needed it
