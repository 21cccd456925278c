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
    lines = eval(out[1])  # our own print of a list of strings
    assert len(lines) > 1 and lines[0].endswith("/") and "".join(lines).replace(" ", "") == \
        "https://riverside-womens-health.example/leaflets/aftercare/iud/en/feedback"
    assert out[2] == "True"  # compiled when ReportLab needed it


def test_threads_importing_at_once_leave_re_compile_as_it_was() -> None:
    script = """
import importlib.util, re, sys, threading
import carepress  # (not carepress.typeset: its __init__ would import ReportLab first)
path = carepress.__path__[0] + "/typeset/reportlab_import.py"
spec = importlib.util.spec_from_file_location("reportlab_import", path)
reportlab_import = importlib.util.module_from_spec(spec)
spec.loader.exec_module(reportlab_import)
assert "reportlab.platypus.paragraph" not in sys.modules
real = re.compile
threads = [threading.Thread(target=reportlab_import.import_paragraph_module) for _ in range(4)]
for thread in threads: thread.start()
for thread in threads: thread.join()
print(re.compile is real, type(re.compile("(^(?:[a-z0-9]+)://)x", re.IGNORECASE)).__name__)
"""
    out = subprocess.run([sys.executable, "-c", script], check=True, capture_output=True,
                         text=True).stdout.split()
    assert out == ["True", "Pattern"]


def test_a_deferred_pattern_copies_and_matches_like_the_compiled_one() -> None:
    import copy
    import re

    from carepress.typeset.reportlab_import import PatternOnFirstUse

    deferred = PatternOnFirstUse(r"(^(?:[a-z0-9\.\-\+]*)://)\S+", re.IGNORECASE)
    duplicate = copy.copy(deferred)
    assert duplicate.match("HTTPS://x.example/a").group(1) == "HTTPS://"
    assert deferred.match("mailto:x") is None and deferred.compiled is not None
