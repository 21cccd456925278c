"""Draft translations (issue 11): `build` and `check` say how many leaflets carry them, the
manifest and the index mark them, and `--strict` refuses them as `--require-reviewed` does
unless the clinic's brand sets `allow_drafts: true`."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import Run, edit

RIVERSIDE = "layouts/brands/riverside-womens-health.yaml"


def test_build_counts_marks_and_lists_the_drafts(project: Path, run: Run) -> None:
    result = run("build", "--clinic", "riverside-womens-health", "--lang", "en", "--lang", "fr",
                 "--layout", "a4")
    assert result.exit_code == 0, result.stderr
    # 2 handouts x (en, fr) x (PDF, HTML): the 4 French files are drafts
    assert result.stderr.splitlines()[-1].endswith(
        " 4 of them from draft translations (fr), not yet reviewed: their pages say so; "
        "`--require-reviewed` refuses them.")
    records = json.loads((project / "dist/manifest.json").read_text(encoding="utf-8"))["leaflets"]
    assert {(r["lang"], r.get("draft", False)) for r in records} == {("en", False), ("fr", True)}
    index = (project / "dist/index.html").read_text(encoding="utf-8")
    assert index.count('<span class="draft">draft translation</span>') == 4
    assert "4 from draft translations, not yet reviewed." in index
    again = run("build", "--clinic", "riverside-womens-health", "--lang", "fr", "--layout", "a4")
    assert "0 built, 4 unchanged" in again.stderr and "4 of them from draft translations" in again.stderr


def test_check_counts_the_drafts(run: Run) -> None:
    result = run("check", "--clinic", "riverside-womens-health", "--lang", "ru", "--layout", "a4",
                 "--format", "pdf")
    assert "checked, 0 failed, 0 error(s). 2 of them from draft translations (ru)" in result.stderr


def test_strict_refuses_drafts_unless_the_brand_allows_them(project: Path, run: Run) -> None:
    args = ("check", "--strict", "--clinic", "riverside-womens-health", "--lang", "fr", "--layout", "a4",
            "--handout", "iud-aftercare", "--format", "pdf")
    assert "is a draft" not in run(*args).stderr  # the example brand allows drafts
    edit(project / RIVERSIDE, "allow_drafts: true", "allow_drafts: false")
    refused = run(*args)
    assert refused.exit_code == 1
    assert "handouts/translations/fr/iud-aftercare.yaml:4:1: the `fr` translation of `iud-aftercare` is " \
           "a draft; printing needs `review: status: reviewed` with the reviewer and date (--strict " \
           "refuses drafts unless the clinic's brand file, riverside-womens-health.yaml, sets " \
           "`allow_drafts: true`)" in refused.stderr


def test_require_reviewed_refuses_drafts_even_where_the_brand_allows_them(run: Run) -> None:
    result = run("check", "--require-reviewed", "--clinic", "riverside-womens-health", "--lang", "fr",
                 "--layout", "a4", "--handout", "iud-aftercare", "--format", "pdf")
    assert result.exit_code == 1
    assert "is a draft; printing needs `review: status: reviewed` with the reviewer and date\n" in result.stderr
