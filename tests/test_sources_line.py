"""The sources line as a patient reads it (issue 11): "Based on: <title>, <publisher>,
<date>." for a leaflet that quotes one source, with no [1] after its passages; numbered
sources and markers when it quotes more than one; the clinic's own notes never printed."""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader

from conftest import Run, edit, squash

MISCARRIAGE = "dist/harbour-health/en/miscarriage-aftercare-letter.pdf"


def _text(pdf: Path) -> str:
    return squash(" ".join(page.extract_text() for page in PdfReader(pdf).pages))


def test_one_source_is_named_once_without_markers(project: Path, run: Run) -> None:
    edit(project / "handouts/sources/sex-after-miscarriage.yaml", "received: 2026-11-26",
         "received: 2026-11-26\npublished: 2024-03-01")
    assert run("build", "--lang", "en", "--clinic", "harbour-health", "--layout", "letter",
               "--format", "pdf").exit_code == 0
    text = _text(project / MISCARRIAGE)
    assert squash("Based on: When Is It Safe to Have Sex Following a Miscarriage? Verywell Family, "
                  "March 1, 2024.") in text
    assert "[1]" not in text and "Received" not in text
    iud = _text(project / "dist/harbour-health/en/iud-aftercare-letter.pdf")
    assert squash("Based on: Bleeding after sex with an IUD.") in iud  # (no publisher, no date)
    assert "notstated" not in iud.lower() and "described by the clinic" not in iud


def test_two_sources_are_numbered_and_their_passages_marked(project: Path, run: Run) -> None:
    edit(project / "handouts/miscarriage-aftercare.yaml", """      - passage:
          source: sex-after-miscarriage
          pin: a5798775""", """      - passage:
          source: iud-bleeding-after-sex
          pin: 3ec67da8
          paragraph: 2
      - passage:
          source: sex-after-miscarriage
          pin: a5798775""")
    result = run("build", "--lang", "en", "--clinic", "harbour-health", "--layout", "letter",
                 "--handout", "miscarriage-aftercare", "--format", "pdf")
    assert result.exit_code == 0, result.stderr
    text = _text(project / MISCARRIAGE)
    assert squash("[1] When Is It Safe to Have Sex Following a Miscarriage? Verywell Family.") in text
    assert squash("[2] Bleeding after sex with an IUD.") in text
    assert "Basedon" not in text
    assert squash("can cause some side effects. [2]") in text or squash("side effects.[2]") in text
