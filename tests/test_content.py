"""Content checks (content.py, issue 11): what a patient-information reviewer would say of a
leaflet, as `check` reports it with file:line:col; warnings, errors with --strict."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from carepress.content import reading
from carepress.load import load_project
from carepress.pipeline import resolve_job
from carepress.plan import Job
from conftest import REPO, Run, edit

# A handout a reviewer would send back, and the lines its three problems are on.
REVIEWED = """\
id: check-up
lang: en
title: Your check-up
control:
  code: GYN-099
  version: "1.0"
  approved: 2026-11-20
  review_by: 2029-11-20
  owner: Women's Health Nursing Team
sections:
  - heading: At the check-up
    blocks:
      - passage:
          source: iud-bleeding-after-sex
          pin: ae13eaea
          starts: They can confirm the placement
      - passage:
          source: iud-bleeding-after-sex
          pin: 3005e2a7
          starts: You may be more likely to experience spotting
  - heading: When to contact us
    blocks:
      - callout:
          kind: urgent
          title: Contact us if…
          blocks:
            - passage:
                source: iud-bleeding-after-sex
                pin: 8d023496
                starts: If you’re premenopausal
"""
THEY, INCLUDE, REASSURANCE = "14:11", "18:11", "28:17"  # line:column of each passage


def _problems(stderr: str, name: str) -> dict[str, str]:
    """`line:col` -> message of each problem reported in handouts/``name``."""
    found = re.findall(rf"handouts/{name}:(\d+:\d+): (.+)", stderr)
    return {where: message for where, message in found}


def test_a_reviewers_three_problems_are_warnings_with_their_place(project: Path, run: Run) -> None:
    (project / "handouts/check-up.yaml").write_text(REVIEWED, encoding="utf-8")
    result = run("check", "--handout", "check-up")
    assert result.exit_code == 0, result.stderr  # warnings only
    problems = _problems(result.stderr, "check-up.yaml")
    assert problems[THEY].startswith("warning: the quote opens with “They”")
    assert "paragraph 9 of `iud-bleeding-after-sex` gives it (“If bleeding, pain, or other" in problems[THEY]
    assert problems[INCLUDE].startswith("warning: the quote ends by introducing a list")
    assert "include:" in problems[INCLUDE]
    assert problems[REASSURANCE].startswith("warning: reassurance in an urgent box")
    assert len(problems) == 3

    strict = run("check", "--handout", "check-up", "--strict")
    assert strict.exit_code == 1
    strict_problems = _problems(strict.stderr, "check-up.yaml")
    assert {where for where in strict_problems} >= {THEY, INCLUDE, REASSURANCE}
    assert not any(m.startswith("warning:") for w, m in strict_problems.items()
                   if w in (THEY, INCLUDE, REASSURANCE))


def test_a_quote_after_the_paragraph_it_needs_stands_alone(project: Path, run: Run) -> None:
    handout = REVIEWED.replace("""      - passage:
          source: iud-bleeding-after-sex
          pin: ae13eaea""", """      - passage:
          source: iud-bleeding-after-sex
          pin: de30ce43
          paragraph: 9
      - passage:
          source: iud-bleeding-after-sex
          pin: ae13eaea""")
    (project / "handouts/check-up.yaml").write_text(handout, encoding="utf-8")
    result = run("check", "--handout", "check-up")
    assert "opens with “They”" not in result.stderr, result.stderr
    assert "introducing a list" in result.stderr  # (the others stay)


def test_role_reassurance_is_kept_out_of_urgent_boxes(project: Path, run: Run) -> None:
    """A passage the handout marks `role: reassurance` is flagged in an urgent box even when
    its words are not recognised as reassurance."""
    edit(project / "handouts/iud-aftercare.yaml", """                starts: If you experience pain during penetration
""", """                starts: If you experience pain during penetration
                role: reassurance
""")
    result = run("check", "--handout", "iud-aftercare", "--lang", "en")
    assert re.search(r"iud-aftercare\.yaml:\d+:\d+: warning: reassurance in an urgent box "
                     r"\(“If you experience pain", result.stderr), result.stderr


def test_the_shipped_handouts_have_no_quote_problem(run: Run) -> None:
    result = run("check", "--lang", "en")
    assert result.exit_code == 0, result.stderr
    for problem in ("opens with", "introducing a list", "reassurance in an urgent box"):
        assert problem not in result.stderr


# ---- profile and topics --------------------------------------------------------------


def test_the_profile_checklist_names_what_the_sources_lack(project: Path, run: Run) -> None:
    result = run("check", "--lang", "en")
    out = result.stdout
    # (each clinic prints its own document owner: a checklist per clinic)
    assert "iud-aftercare as harbour-health print it (profile `discharge`):" in out
    assert "  ok      urgent help: the clinic, out of hours and emergency numbers" in out
    assert "  MISSING warning signs of infection:" in out
    assert "  MISSING how to check your IUD threads:" in out
    assert "  ok      emotional support: says" in out  # (a topic the miscarriage source covers)
    # each missing thing is one warning at the topic's line, not one per clinic
    threads = re.findall(r"iud-aftercare\.yaml:(\d+):\d+: warning: `iud-aftercare` does not tell "
                         r"“how to check your IUD threads”", result.stderr)
    assert len(threads) == 1
    lines = (project / "handouts/iud-aftercare.yaml").read_text(encoding="utf-8").splitlines()
    assert lines[int(threads[0]) - 1].strip() == "- name: how to check your IUD threads"


def test_an_urgent_box_without_the_emergency_number_is_reported(project: Path, run: Run) -> None:
    edit(project / "handouts/iud-aftercare.yaml", " In an emergency, call **{{ clinic.emergency_phone }}**.", "")
    result = run("check", "--lang", "en", "--handout", "iud-aftercare")
    assert re.search(r"warning: `iud-aftercare` lacks what profile `discharge` requires, an urgent box "
                     r"that says who to call.*the emergency services' number", result.stderr), result.stderr
    assert "  MISSING urgent help:" in result.stdout


def test_a_clinic_without_an_emergency_number_is_named(project: Path, run: Run) -> None:
    edit(project / "layouts/brands/northside-family-clinic.yaml", 'emergency_phone: "911"\n', "")
    result = run("check", "--lang", "en", "--handout", "iud-aftercare")
    assert "as `northside-family-clinic` print it lacks what profile `discharge` requires" in result.stderr
    assert "northside-family-clinic.yaml names no emergency number: add `emergency_phone`" in result.stderr


def test_a_source_with_publisher_and_date_is_named(project: Path, run: Run) -> None:
    edit(project / "handouts/sources/sex-after-miscarriage.yaml", "received: 2026-11-26",
         "received: 2026-11-26\npublished: 2024-03-01")
    result = run("check", "--lang", "en", "--handout", "miscarriage-aftercare")
    assert "  ok      sources named: 1 source(s) with publisher and date" in result.stdout


def test_an_unknown_profile_is_a_located_error(project: Path, run: Run) -> None:
    edit(project / "handouts/iud-aftercare.yaml", "profile: discharge", "profile: dischrage")
    result = run("check")
    assert result.exit_code == 1
    assert re.search(r"handouts/iud-aftercare\.yaml:\d+:10: .*`discharge`", result.stderr), result.stderr


# ---- reading level ---------------------------------------------------------------------


def _leaflet(root: Path, lang: str, handout: str = "iud-aftercare", clinic: str = "harbour-health"):  # type: ignore[no-untyped-def]
    return resolve_job(load_project(root), Job(handout, lang, clinic, "")).leaflet


def test_reading_figures_per_language_where_a_formula_exists(project: Path) -> None:
    english = reading("iud-aftercare", _leaflet(project, "en"))
    assert [name for name, _, _ in english.figures] == ["Flesch-Kincaid grade", "SMOG"]
    assert 3 < english.figures[0][1] < 14
    assert len(english.hardest) == 3 and english.hardest[0][0] >= english.hardest[-1][0]
    spanish = reading("iud-aftercare", _leaflet(project, "es"))
    assert spanish.figures[0][0] == "Fernández-Huerta"
    assert reading("iud-aftercare", _leaflet(project, "vi")).figures == ()  # no formula


def test_a_harder_passage_raises_the_grade(project: Path) -> None:
    before = reading("iud-aftercare", _leaflet(project, "en")).figures[0][1]
    edit(project / "handouts/iud-aftercare.yaml", "Your nurse fills in these lines. Keep this leaflet "
         "with your health papers.", "Notwithstanding institutional documentation requirements, "
         "practitioners systematically complete the subsequent administrative documentation fields.")
    after = reading("iud-aftercare", _leaflet(project, "en")).figures[0][1]
    assert after > before + 0.5


def test_a_grade_over_the_brands_limit_is_reported_with_the_hardest_passages(project: Path, run: Run) -> None:
    with (project / "layouts/brands/harbour-health.yaml").open("a", encoding="utf-8") as brand:
        brand.write("reading_grade: 3\n")
    result = run("check", "--lang", "en", "--handout", "iud-aftercare")
    assert re.search(r"warning: `iud-aftercare` reads at grade \d+\.\d \(Flesch-Kincaid\), above the 3 "
                     r"`harbour-health` accepts \(`reading_grade`\); hardest passages: \d+\.\d: “", result.stderr)
    assert "northside-family-clinic` accepts" not in result.stderr  # (no limit there)


def test_report_prints_figures_and_hardest_passages(run: Run) -> None:
    result = run("report", "--handout", "iud-aftercare")
    assert result.exit_code == 0, result.output
    assert re.search(r"^iud-aftercare \[en\]: Flesch-Kincaid grade \d+\.\d \(US school grade\), SMOG",
                     result.stdout, re.M)
    assert re.search(r"^    grade +\d+\.\d  \S", result.stdout, re.M)
    assert "iud-aftercare [vi]: no formula for this language" in result.stdout


# ---- check lays out pages as build does ------------------------------------------------


def test_a_page_overflow_fails_check(project: Path, run: Run) -> None:
    edit(project / "layouts/letter.yaml", "max_pages: 2", "max_pages: 1")
    result = run("check", "--lang", "en", "--clinic", "harbour-health")
    assert result.exit_code == 1
    assert "`iud-aftercare` (en) is 2 pages on layout `letter`, 1 page(s) over its limit of 1" in result.stderr
    assert not (project / "dist").exists()  # check writes nothing


@pytest.mark.parametrize("layout", ["trifold-letter"])
def test_a_panel_overflow_fails_check(project: Path, run: Run, layout: str) -> None:
    edit(project / "layouts/brands/harbour-health.yaml", "layouts: [", f"layouts: [{layout}, ")
    edit(project / f"layouts/{layout}.yaml", "body: 12", "body: 16")  # (more than three inside panels hold)
    args = ("--lang", "en", "--clinic", "harbour-health", "--layout", layout, "--handout",
            "miscarriage-aftercare", "--format", "pdf")
    result = run("check", *args)
    built = run("build", *args)
    assert result.exit_code == built.exit_code == 1  # check fails where build fails
    error = "`miscarriage-aftercare` (en) does not fit the `trifold-letter` panels: the content runs " \
            "past the `inside right` panel"
    assert error in result.stderr and error in built.stderr  # the same error


def test_the_index_lists_what_the_leaflets_lack(project: Path, run: Run) -> None:
    assert run("build", "--lang", "en", "--format", "html").exit_code == 0
    index = (project / "dist/index.html").read_text(encoding="utf-8")
    assert "What the leaflets lack" in index
    assert "<strong>iud-aftercare</strong> (harbour-health, northside-family-clinic, " \
           "riverside-womens-health): <span class=\"failed\">missing</span> how to check your IUD " \
           "threads" in index
    edit(project / "handouts/iud-aftercare.yaml", "  - name: how to check your IUD threads\n"
         "    words: [threads, strings]\n", "")
    assert run("build", "--lang", "en", "--format", "html").exit_code == 0
    index = (project / "dist/index.html").read_text(encoding="utf-8")
    assert "IUD threads" not in index and "warning signs of infection" in index


_SAME_FIGURES = """
import importlib, json, sys
from pathlib import Path
from carepress.content import _FORMULAS, _TEXTSTAT_LANG, _body, primary
from carepress.load import load_project
from carepress.pipeline import resolve_job
from carepress.plan import Job
from carepress.textstat_import import load_textstat

project = load_project(Path(sys.argv[1]))
bodies = {lang: " ".join(_body(resolve_job(project, Job("iud-aftercare", lang, "harbour-health", "")).leaflet))
          for lang in ("en", "es", "fr", "ru")}

def figures(get_textstat):
    found = {}
    for lang, body in bodies.items():
        textstat = get_textstat(_TEXTSTAT_LANG.get(lang, lang))
        found[lang] = [getattr(textstat, function)(body) for _, function, _ in _FORMULAS[lang]]
    return found

ours = figures(load_textstat)
lazy = "pkg_resources" not in sys.modules
import pyphen, textstat
pyphen.hdcache.clear()  # every dictionary parsed again by Pyphen itself

def fresh(lang):
    textstat.set_lang(lang)
    return textstat

theirs = figures(fresh)
# (the easy-word lists, through the stand-in: the real pkg_resources is imported then)
dale_chall = textstat.dale_chall_readability_score(bodies["en"])
stand_in = sys.modules["textstat.textstat"].pkg_resources
print(json.dumps({"ours": ours, "theirs": theirs, "lazy": lazy, "dale_chall": dale_chall,
                  "real": sys.modules["pkg_resources"] is not stand_in}))
"""


def test_reading_figures_equal_textstats_own_without_its_heavy_imports(tmp_path: Path) -> None:
    """The lazy import (no pkg_resources, Pyphen's patterns from the user cache) gives the
    figures textstat gives with every dictionary freshly parsed; run twice, so that the
    second reads the patterns the first kept."""
    import json
    import os
    import subprocess
    import sys

    env = {**os.environ, "PYTHONPATH": str(REPO / "src"), "XDG_CACHE_HOME": str(tmp_path)}
    for run in ("parses and keeps the patterns", "reads them"):
        found = json.loads(subprocess.run([sys.executable, "-c", _SAME_FIGURES, str(REPO)], env=env,
                                          check=True, capture_output=True, text=True).stdout)
        assert found["ours"] == found["theirs"], run
        assert all(len(values) >= 1 and all(v != 0 for v in values) for values in found["ours"].values())
        assert found["lazy"] and found["real"] and found["dale_chall"] > 0, run
        assert sorted(path.name.split("-")[0] for path in (tmp_path / "carepress/pyphen").iterdir()) == [
            "en_US", "es", "fr", "ru"]
