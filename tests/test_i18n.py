"""Translations: staleness, review status, the draft marker, PO round trip, status."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import Run, edit, leaflet_pdf
from pypdf import PdfReader

from carepress.i18n.units import unit_states
from carepress.load import load_project

LANGS = ("es", "fr", "pt", "vi", "ru", "ar", "zh-Hans")


def test_shipped_translations_are_complete_and_current(project: Path) -> None:
    model = load_project(project)
    assert model.diagnostics == []
    for handout in model.handouts.values():
        for lang in LANGS:
            translation = model.translations[(handout.id, lang)]
            assert translation.review.status == "draft"  # written by us: a reviewer must sign off
            states = unit_states(handout, model.sources, translation)
            assert states and all(state.status == "ok" for state in states), (lang, handout.id)


def test_changing_one_english_passage_makes_exactly_its_units_stale(project: Path, run: Run) -> None:
    edit(project / "handouts/sources/iud-bleeding-after-sex.txt",
         "IUDs are safe for most people.", "IUDs are safe for nearly everyone.")
    assert run("pin", "--yes").exit_code == 0  # the English is re-pinned after reading it
    model = load_project(project)
    handout = model.handouts["iud-aftercare"]
    for lang in LANGS:
        states = unit_states(handout, model.sources, model.translations[("iud-aftercare", lang)])
        assert [s.unit.id for s in states if s.status == "stale"] == ["s1.b1"], lang
    result = run("check", "--lang", "es")
    assert result.exit_code == 0  # stale is a warning ...
    stale = [line for line in result.stderr.splitlines() if "stale unit" in line]
    assert len(stale) == 1  # one unit, listed once however many layouts and clinics use it
    line = _unit_line(project / "handouts/translations/es/iud-aftercare.yaml", "s1.b1")
    assert re.fullmatch(rf".*handouts/translations/es/iud-aftercare\.yaml:{line}:3: warning: 1 stale "
                        r"unit \(the English changed since it was translated\): s1\.b1 \(line "
                        rf"{line}: \"An IUD is a…\", source: [0-9a-f]{{8}}\); update its `text` in "
                        r"iud-aftercare\.yaml, then set `source:` to the hash given", stale[0]), stale[0]
    strict = run("check", "--lang", "es", "--strict")
    assert strict.exit_code == 1  # ... and an error with --strict
    assert re.search(rf"es/iud-aftercare\.yaml:{line}:3: 1 stale unit ", strict.stderr)


def _unit_line(path: Path, unit: str) -> int:
    """The line of a unit's key in a translation file."""
    return path.read_text(encoding="utf-8").splitlines().index(f"  {unit}:") + 1


def test_missing_units_are_one_error_at_their_translation_file(project: Path, run: Run) -> None:
    spanish = project / "handouts/translations/es/iud-aftercare.yaml"
    text = spanish.read_text(encoding="utf-8")
    for unit in ("s1.b1", "s4.b1.b3"):  # a passage and a clinic text
        text = re.sub(rf"  {re.escape(unit)}:\n(    .*\n)+", "", text)
    spanish.write_text(text, encoding="utf-8")
    result = run("check", "--lang", "es")
    assert result.exit_code == 1
    missing = [line for line in result.stderr.splitlines() if "no `es` translation" in line]
    assert missing == [
        f"{_shown(spanish)}:4:1: 2 units have no `es` translation: s1.b1 (\"An IUD is a…\"), "
        "s4.b1.b3 (\"Call {{ clinic.name }}…\"); add them under `units:` or import a PO file "
        "(`carepress i18n export --lang es`)"]
    # every es leaflet of that handout failed; the other handout's were checked
    assert "leaflet(s) checked, 6 failed" in result.stderr


def _shown(path: Path) -> str:
    from carepress.errors import display_path

    return display_path(path)


def test_clinic_text_change_makes_its_units_stale(project: Path) -> None:
    edit(project / "handouts/miscarriage-aftercare.yaml", "title: Worried or unsure? Contact us",
         "title: Worried? Contact us")
    model = load_project(project)
    handout = model.handouts["miscarriage-aftercare"]
    states = unit_states(handout, model.sources, model.translations[("miscarriage-aftercare", "fr")])
    assert [s.unit.id for s in states if s.status == "stale"] == ["s5.b2.title"]


def test_a_translation_that_drops_a_placeholder_or_keeps_an_orphan_unit_is_reported(
        project: Path, run: Run) -> None:
    spanish = project / "handouts/translations/es/iud-aftercare.yaml"
    edit(spanish, 'al **{{ clinic.phone }}**. {{ clinic.urgent_label }}: **{{ clinic.urgent_phone }}**. ',
         'al **{{ clinic.phone }}**. ')
    spanish.write_text(spanish.read_text(encoding="utf-8")
                       + '  s99.b9:\n    source: "deadbeef"\n    text: "Texto"\n', encoding="utf-8")
    result = run("check", "--lang", "es", "--handout", "iud-aftercare")
    assert result.exit_code == 0
    assert re.search(r"es/iud-aftercare\.yaml:\d+:\d+: warning: the translation of unit `s4\.b1\.b3` "
                     r"leaves out \{\{ clinic\.urgent_label \}\}, \{\{ clinic\.urgent_phone \}\}, "
                     r"which the English has", result.stderr), result.stderr
    assert re.search(r"es/iud-aftercare\.yaml:\d+:\d+: warning: unit `s99\.b9` is in no part of "
                     r"`iud-aftercare`", result.stderr)
    strict = run("check", "--lang", "es", "--handout", "iud-aftercare", "--strict")
    assert strict.exit_code == 1  # the dropped placeholders are errors now; the orphan is not
    # (nor are the content checks' findings about the English handout here: no --lang en)
    assert re.search(r"\d+:\d+: the translation of unit `s4\.b1\.b3` leaves out", strict.stderr)
    assert re.search(r"\d+:\d+: warning: unit `s99\.b9`", strict.stderr)


def test_draft_translation_shows_a_marker_and_can_be_refused(project: Path, run: Run) -> None:
    result = run("build", "--lang", "es", "--lang", "en", "--clinic", "harbour-health")
    assert result.exit_code == 0
    es = PdfReader(leaflet_pdf(project, "es"))
    en = PdfReader(leaflet_pdf(project, "en"))
    for page in es.pages:
        assert "Draft translation — not yet reviewed" in page.extract_text()
    assert all("Draft translation" not in page.extract_text() for page in en.pages)
    refused = run("build", "--lang", "es", "--require-reviewed", "--out", str(project / "gated"))
    assert refused.exit_code == 1
    assert "the `es` translation of `iud-aftercare` is a draft" in refused.stderr
    assert not list((project / "gated").rglob("*.pdf"))


def test_reviewed_translation_builds_without_marker(project: Path, run: Run) -> None:
    path = project / "handouts/translations/es/iud-aftercare.yaml"
    edit(path, "  status: draft\n", "  status: reviewed\n  reviewer: \"A. Reviewer\"\n  reviewed_on: 2026-11-25\n")
    result = run("build", "--lang", "es", "--handout", "iud-aftercare", "--clinic", "harbour-health",
                 "--require-reviewed")
    assert result.exit_code == 0, result.stderr
    reader = PdfReader(leaflet_pdf(project, "es"))
    assert all("Draft translation" not in page.extract_text() for page in reader.pages)


def test_reviewed_needs_reviewer_and_date(project: Path, run: Run) -> None:
    edit(project / "handouts/translations/es/iud-aftercare.yaml", "  status: draft", "  status: reviewed")
    result = run("check", "--lang", "es")
    assert result.exit_code == 1
    assert "a `reviewed` translation names its `reviewer` and `reviewed_on` date" in result.stderr


def test_po_round_trip_is_lossless(project: Path, run: Run, tmp_path: Path) -> None:
    folder = project / "handouts/translations"
    before = {p: p.read_bytes() for p in folder.rglob("*.yaml")}
    for lang in LANGS:
        po = tmp_path / f"{lang}.po"
        assert run("i18n", "export", "--project", str(project), "--lang", lang, "--out", str(po)).exit_code == 0
        text = po.read_text(encoding="utf-8")
        assert 'msgctxt "iud-aftercare/s1.b1"' in text
        assert "#: handouts/iud-aftercare.yaml:" in text or "iud-aftercare.yaml:" in text
        assert "quoted passage: Bleeding after sex with an IUD" in text
        result = run("i18n", "import", "--project", str(project), str(po))
        assert result.exit_code == 0, result.stderr
    assert {p: p.read_bytes() for p in folder.rglob("*.yaml")} == before


def test_po_fuzzy_entries_import_as_stale(project: Path, run: Run, tmp_path: Path) -> None:
    po = tmp_path / "es.po"
    assert run("i18n", "export", "--project", str(project), "--lang", "es", "--out", str(po)).exit_code == 0
    text = po.read_text(encoding="utf-8")
    text = text.replace('msgctxt "iud-aftercare/title"', '#, fuzzy\nmsgctxt "iud-aftercare/title"', 1)
    text = re.sub(r'(msgctxt "iud-aftercare/title"\nmsgid "[^"]*"\nmsgstr ")[^"]*"', r'\1Título nuevo"', text)
    po.write_text(text, encoding="utf-8")
    assert run("i18n", "import", "--project", str(project), str(po)).exit_code == 0
    model = load_project(project)
    translation = model.translations[("iud-aftercare", "es")]
    assert translation.units["title"].text == "Título nuevo"
    states = unit_states(model.handouts["iud-aftercare"], model.sources, translation)
    assert [s.unit.id for s in states if s.status == "stale"] == ["title"]


@pytest.mark.parametrize("old, new, expected", [
    ('"Language: es\\n"', '"Language: es_ES\\n"',
     r"es\.po:1:1: `Language: es_ES` is not a language of this project; did you mean `es`\?"),
    ('msgstr "¿Qué es un DIU?"', 'msgstr "¿Qué es un DIU?',
     r"es\.po:\d+:1: this string does not end with"),
])
def test_a_po_file_that_would_import_wrongly_is_refused(project: Path, run: Run, tmp_path: Path,
                                                        old: str, new: str, expected: str) -> None:
    po = tmp_path / "es.po"
    assert run("i18n", "export", "--lang", "es", "--out", str(po)).exit_code == 0
    text = po.read_text(encoding="utf-8")
    assert old in text
    po.write_text(text.replace(old, new, 1), encoding="utf-8")
    before = sorted(p.name for p in (project / "handouts/translations").iterdir())
    result = run("i18n", "import", str(po))
    assert result.exit_code == 1 and re.search(expected, result.stderr), result.stderr
    assert sorted(p.name for p in (project / "handouts/translations").iterdir()) == before


def test_status_table(run: Run, project: Path) -> None:
    result = run("i18n", "status", "--project", str(project))
    assert result.exit_code == 0
    rows = [line.split() for line in result.output.splitlines()[1:]]
    assert len(rows) == 2 * len(LANGS)
    assert all(row[3:] == ["0", "0", "draft"] for row in rows)


def test_dates_are_written_as_each_language_writes_them_and_kept(user_cache: Path) -> None:
    import datetime as dt

    from carepress import resolve

    resolve._dates_of.cache_clear()
    day = dt.date(2029, 11, 20)
    assert resolve.format_date(day, "es") == "20 de noviembre de 2029"
    assert resolve.format_date(day, "ru") == "20 ноября 2029\u202fг."  # (a narrow no-break space)
    assert resolve.format_date(day, "zh-Hans") == "2029年11月20日"
    [cached] = (user_cache / "dates").glob("es-babel-*.json")
    cached.write_text('{"2029-11-20": "from the cache"}', encoding="utf-8")
    resolve._dates_of.cache_clear()  # a new process reads the file, not Babel
    assert resolve.format_date(day, "es") == "from the cache"
    resolve._dates_of.cache_clear()


def test_a_text_without_placeholders_renders_as_jinja_would() -> None:
    """Texts with no `{` skip Jinja; they must come out exactly as Jinja renders them (a YAML
    block scalar ends in a newline, which Jinja drops)."""
    from carepress.resolve import _JINJA, _render

    for text in ("Heading\n", "Two lines\nof text\n", "No newline", "Ends blank\n\n"):
        assert _render(text, {}) == _JINJA.from_string(text).render({}), text


def test_a_translation_into_the_handouts_own_language_is_a_warning(project: Path, run: Run) -> None:
    spanish = (project / "handouts/translations/es/iud-aftercare.yaml").read_text(encoding="utf-8")
    (project / "handouts/translations/en").mkdir()
    (project / "handouts/translations/en/iud-aftercare.yaml").write_text(
        spanish.replace("lang: es", "lang: en"), encoding="utf-8")
    result = run("check", "--lang", "en")
    assert result.exit_code == 0
    assert re.search(r"translations/en/iud-aftercare\.yaml:\d+:\d+: warning: `iud-aftercare` is "
                     r"written in `en`: this translation into its own language is never used",
                     result.stderr), result.stderr


def test_a_passage_whose_pin_fails_is_not_called_an_orphan_in_its_translation(project: Path,
                                                                             run: Run) -> None:
    edit(project / "handouts/iud-aftercare.yaml", "pin: 3ec67da8", "pin: 3ec67da9")
    result = run("check", "--lang", "es", "--handout", "iud-aftercare")
    assert result.exit_code == 1  # the pin error
    assert "is in no part of" not in result.stderr
