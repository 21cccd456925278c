"""Each clinic's own conventions: the prefix of its document codes and the owner of its
leaflets, and its locale (the dates and regional fixed strings of its language's leaflets)."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from pathlib import Path

import pytest
from conftest import Run, build_project, copy_project, edit
from pypdf import PdfReader

from carepress.html import render_html
from carepress.load import load_project
from carepress.model import plain
from carepress.pipeline import resolve_job
from carepress.plan import HTML, Job, all_jobs
from carepress.resolve import format_date

PREFIXES = {"harbour-health": "HH", "northside-family-clinic": "NFC", "riverside-womens-health": "RWH"}
RIVERSIDE = "layouts/brands/riverside-womens-health.yaml"
CODE = re.compile(r"\b([A-Z]+)-GYN-0\d\d\b")


@pytest.fixture(scope="module")
def english(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every clinic's English leaflets, PDFs on each layout it prints and HTML twins."""
    root = copy_project(tmp_path_factory.mktemp("conventions") / "project")
    build_project(root, "--lang", "en", "-q")
    return root


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def page_text(path: Path) -> str:
    """An HTML twin's text as a reader sees it: no markup, entities read, spaces squashed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", path.read_text(encoding="utf-8"))).split())


def test_a_uk_clinic_prints_its_own_code_owner_british_dates_and_strings(english: Path) -> None:
    leaflets = english / "dist/riverside-womens-health/en"
    for handout, code in (("iud-aftercare", "RWH-GYN-014"), ("miscarriage-aftercare", "RWH-GYN-021")):
        for text in (pdf_text(leaflets / f"{handout}-a4.pdf"), pdf_text(leaflets / f"{handout}-large-print-a4.pdf"),
                     page_text(leaflets / f"{handout}.html")):
            squashed = " ".join(text.split())
            # (large print breaks a footer line too long at 16 pt between its ` · ` parts)
            squashed = re.sub(r"Version 1\.0 (Page \d of \d )?Review", "Version 1.0 · Review", squashed)
            squashed = squashed.replace("2026 Owner", "2026 · Owner")
            assert f"{code} · Version 1.0 · Review by 20 November 2029" in squashed
            assert ("Approved 20 November 2026 · Owner: Gynaecology Nursing Team, Riverside Women's "
                    "Health Centre") in squashed
            assert "Received" not in squashed  # (the date the clinic received a source: not printed)
            # from en-GB.yaml: in a text's placeholder (`{{ clinic.urgent_label }}`), and the contact box
            assert squashed.count("Out of hours: 020 7946 0999") == 2
            assert not re.search(r"November \d+,", squashed) and "After hours" not in squashed
            assert set(CODE.findall(text)) == {"RWH"}


def test_us_and_canadian_clinics_keep_their_dates_and_strings(english: Path) -> None:
    for clinic, layout in (("harbour-health", "letter"), ("northside-family-clinic", "a4")):
        text = " ".join(pdf_text(english / f"dist/{clinic}/en/iud-aftercare-{layout}.pdf").split())
        assert f"{PREFIXES[clinic]}-GYN-014 · Version 1.0 · Review by November 20, 2029" in text
        assert "Approved November 20, 2026" in text and "After hours" in text
        assert "Out of hours" not in text


def test_no_clinic_prints_another_clinics_code(english: Path) -> None:
    """Every English PDF and HTML twin holds its own clinic's code and no other; and every
    leaflet of the whole matrix (each language), as resolved and written as a twin."""
    files = sorted((english / "dist").glob("*/en/*.pdf")) + sorted((english / "dist").glob("*/en/*.html"))
    assert len(files) == 26  # (20 PDFs: 4 of them tri-folds, imposed and reading order; 6 twins)
    for path in files:
        clinic = path.relative_to(english / "dist").parts[0]
        text = pdf_text(path) if path.suffix == ".pdf" else page_text(path)
        assert set(CODE.findall(text)) == {PREFIXES[clinic]}, path

    project = load_project(english)
    twins = [job for job in all_jobs(project) if job.format == HTML]
    assert {job.lang for job in twins} == {"en", "es", "zh-Hans", "vi", "ar", "ru", "fr", "pt"}
    for job in twins:
        leaflet = resolve_job(project, job).leaflet
        assert leaflet.control.code.startswith(PREFIXES[job.clinic] + "-GYN-")
        page = render_html(leaflet).data.decode()
        assert set(CODE.findall(page)) == {PREFIXES[job.clinic]}, job


def test_a_clinics_locale_changes_only_leaflets_of_its_language(project: Path) -> None:
    model = load_project(project)
    french = resolve_job(model, Job("iud-aftercare", "fr", "riverside-womens-health", "a4")).leaflet
    assert french.footer.control == "RWH-GYN-014 · version 1.0 · à réviser avant le 20 novembre 2029"
    spanish = resolve_job(model, Job("iud-aftercare", "es", "harbour-health", "letter")).leaflet
    assert "20 de noviembre de 2029" in spanish.footer.control
    assert model.strings["fr"]["urgent_label"] in plain(french.sections[3].blocks[0].blocks[-1].text)


def test_the_owner_is_marked_with_the_language_it_is_written_in(project: Path) -> None:
    model = load_project(project)
    arabic = resolve_job(model, Job("iud-aftercare", "ar", "riverside-womens-health", "a4")).leaflet
    owner = arabic.footer.approved[-1]
    assert (owner.text, owner.lang) == ("Gynaecology Nursing Team, Riverside Women's Health Centre", "en")
    assert arabic.control.owner == owner.text  # (the PDF's keywords name it too)


def test_a_brand_without_conventions_prints_the_handouts_own(project: Path) -> None:
    """A clinic that names no prefix, owner or locale prints the handout's code and owner,
    and dates as its language writes them."""
    path = project / "layouts/brands/northside-family-clinic.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text[:text.index("# Its own conventions")], encoding="utf-8")
    leaflet = resolve_job(load_project(project), Job("iud-aftercare", "en", "northside-family-clinic", "a4")).leaflet
    assert leaflet.footer.control == "GYN-014 · Version 1.0 · Review by November 20, 2029"
    assert plain(leaflet.footer.approved) == "Approved November 20, 2026 · Owner: Women's Health Nursing Team"


def test_a_handout_code_with_a_clinics_prefix_is_an_error(project: Path, run: Run) -> None:
    edit(project / "handouts/iud-aftercare.yaml", "code: GYN-014", "code: HH-GYN-014")
    result = run("check")
    assert result.exit_code == 1
    assert ("handouts/iud-aftercare.yaml:8:9: `control.code` HH-GYN-014 begins with `HH-`, the "
            "document code prefix of `harbour-health`: every clinic would print it. Write the "
            "clinic-neutral code, `GYN-014`") in result.stderr


@pytest.mark.parametrize("key, value, line, column, message", [
    ("urgent_lable", "Out of hours", 3, 1, "unknown key `urgent_lable` here; did you mean `urgent_label`?"),
    ("page_of", '"Page {page}"', 3, 10, "`page_of`: {pages} must be in it once; the layout fills it in"),
    ("questions", '"Questions? Call {clinic}"', 3, 12, "`questions`: this string takes no placeholder"),
])
def test_a_region_file_is_checked_as_its_languages_file(project: Path, run: Run, key: str, value: str,
                                                        line: int, column: int, message: str) -> None:
    edit(project / "layouts/strings/en-GB.yaml", "urgent_label: Out of hours", f"{key}: {value}")
    result = run("check", "--clinic", "riverside-womens-health", "--lang", "en")
    assert result.exit_code == 1
    assert f"layouts/strings/en-GB.yaml:{line}:{column}: {message}" in result.stderr


def test_a_region_file_changes_only_what_it_names(project: Path) -> None:
    model = load_project(project)
    assert "en-GB" not in model.strings  # (not a language of the project: a region of `en`)
    assert model.regional_strings["en-GB"] == {**model.strings["en"], "urgent_label": "Out of hours"}


@pytest.mark.parametrize("locale, expected", [
    ("en-GX", "`locale: en-GX` is not a locale Babel (CLDR) knows; use one such as `en-GB`"),
    ("en-gb", "`locale`: `en-gb` is not valid: a language and its region, such as `en-GB`"),
])
def test_an_unknown_locale_is_an_error_at_the_brand(project: Path, run: Run, user_cache: Path, locale: str,
                                                    expected: str) -> None:
    edit(project / RIVERSIDE, "locale: en-GB", f"locale: {locale}")
    result = run("check", "--clinic", "riverside-womens-health", "--lang", "en")
    assert result.exit_code == 1
    line = next(number for number, text in enumerate((project / RIVERSIDE).read_text().splitlines(), 1)
                if text.startswith("locale:"))
    assert f"layouts/brands/riverside-womens-health.yaml:{line}:9: {expected}" in result.stderr


def test_a_locale_of_a_language_the_clinic_does_not_offer_is_a_warning(project: Path, run: Run) -> None:
    edit(project / "layouts/brands/harbour-health.yaml", "locale: en-US", "locale: fr-CA")
    result = run("check", "--clinic", "harbour-health", "--lang", "en")
    assert result.exit_code == 0
    assert ("warning: `locale: fr-CA` changes only leaflets in `fr`, and this clinic offers none "
            "(`en`, `es`, `zh-Hans`, `vi`)") in result.stderr


def test_dates_are_kept_per_locale(user_cache: Path) -> None:
    day = dt.date(2029, 11, 20)
    assert [format_date(day, locale) for locale in ("en", "en-GB", "en", "en-GB")] == \
        ["November 20, 2029", "20 November 2029"] * 2


def test_editing_a_region_file_rebuilds_that_regions_leaflets_only(project: Path, run: Run, tmp_path: Path) -> None:
    chosen = ("--lang", "en", "--format", "html")
    assert run("build", *chosen).exit_code == 0
    edit(project / "layouts/strings/en-GB.yaml", "urgent_label: Out of hours", "urgent_label: Out-of-hours line")
    assert run("build", *chosen, "--report", str(tmp_path / "report.json")).exit_code == 0
    statuses = {r["path"]: r["status"] for r in json.loads((tmp_path / "report.json").read_text())["leaflets"]}
    assert statuses == {f"{clinic}/en/{handout}.html": "built" if clinic == "riverside-womens-health" else "unchanged"
                        for clinic in PREFIXES for handout in ("iud-aftercare", "miscarriage-aftercare")}
    assert "Out-of-hours line" in (project / "dist/riverside-womens-health/en/iud-aftercare.html").read_text()
