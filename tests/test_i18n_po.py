"""gettext files for translators: the POT template, previous msgids of stale entries, fixed
strings in the PO round trip, and a language the project does not have yet."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po
from conftest import Run, edit

from carepress.i18n.units import unit_states, units_of
from carepress.load import load_project
from carepress.load.strings import STRING_KEYS

OLD_SENTENCE, NEW_SENTENCE = "IUDs are safe for most people.", "IUDs are safe for nearly everyone."


def _export(run: Run, project: Path, out: Path, *args: str) -> str:
    result = run("i18n", "export", "--project", str(project), *args, "--out", str(out))
    assert result.exit_code == 0, result.output + result.stderr
    return out.read_text(encoding="utf-8")


def _import(run: Run, project: Path, po: Path) -> str:
    result = run("i18n", "import", "--project", str(project), str(po))
    assert result.exit_code == 0, result.output + result.stderr
    return result.stderr


def _catalog(text: str) -> Catalog:
    return read_po(io.StringIO(text), abort_invalid=True)


def _entry(text: str, context: str) -> str:
    """The lines of one PO entry: its comments, flags and previous msgid up to its msgstr."""
    match = re.search(rf'(?:^#.*\n)*^msgctxt "{re.escape(context)}"\n(?:.+\n)*', text, re.M)
    assert match, context
    return match.group(0)


def _set_msgstr(text: str, context: str, value: str, fuzzy: bool = False) -> str:
    entry = _entry(text, context)
    changed = re.sub(r'msgstr ".*"', lambda _: f'msgstr "{value}"', entry)
    if fuzzy:
        changed = changed.replace(f'msgctxt "{context}"', f'#, fuzzy\nmsgctxt "{context}"')
    return text.replace(entry, changed, 1)


def _gettext_accepts(path: Path) -> None:
    """GNU gettext's own check of the file, where its tools are installed."""
    if shutil.which("msgfmt") is None:
        return
    checked = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(path)],
                             capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr


def test_the_template_holds_every_english_unit_and_fixed_string(project: Path, run: Run,
                                                                 tmp_path: Path) -> None:
    pot = tmp_path / "carepress.pot"
    text = _export(run, project, pot, "--template")
    model = load_project(project)
    catalog = _catalog(text)
    units = {f"{h.id}/{unit.id}": unit.english for h in model.handouts.values()
             for unit in units_of(h, model.sources)}
    fixed = {f"strings:{key}": value for key, value in model.strings["en"].items()}
    found = {str(message.context): str(message.id) for message in catalog if message.id}
    assert found == {**units, **fixed}
    assert len(fixed) == len(STRING_KEYS) and len(units) > 40
    assert all(not message.string for message in catalog if message.id)  # nothing translated
    assert "Language" not in dict(catalog.mime_headers)  # a template: msginit names the language
    assert re.search(r'#: \S*handouts/iud-aftercare\.yaml:18\n(?:#.*\n)*'
                     r'msgctxt "iud-aftercare/s1\.b1"', text)
    page_of = _entry(text, "strings:page_of")
    assert re.search(r"#: \S*layouts/strings/en\.yaml:2\n", page_of), page_of
    assert "#. fixed string the layout prints: footer page count, with {page} and {pages}" in page_of
    assert text == _export(run, project, tmp_path / "again.pot", "--template")  # deterministic
    _gettext_accepts(pot)


def test_export_takes_a_language_or_the_template(run: Run, project: Path) -> None:
    neither = run("i18n", "export", "--project", str(project))
    both = run("i18n", "export", "--project", str(project), "--lang", "es", "--template")
    assert neither.exit_code == both.exit_code == 2
    assert "give --lang TAG (e.g. --lang es), or --template" in neither.stderr
    assert "not both" in both.stderr


def test_a_stale_entry_shows_the_english_it_was_translated_from(project: Path, run: Run,
                                                                  tmp_path: Path) -> None:
    old_english = units_of(load_project(project).handouts["iud-aftercare"],
                           load_project(project).sources)[3].english
    assert OLD_SENTENCE in old_english
    edit(project / "handouts/sources/iud-bleeding-after-sex.txt", OLD_SENTENCE, NEW_SENTENCE)
    assert run("pin", "--yes").exit_code == 0
    edit(project / "handouts/miscarriage-aftercare.yaml", "title: Worried or unsure? Contact us",
         "title: Worried? Contact us")  # a clinic text, too
    spanish = project / "handouts/translations/es/iud-aftercare.yaml"
    before = spanish.read_bytes()
    po = tmp_path / "es.po"
    text = _export(run, project, po, "--lang", "es")
    entry = _entry(text, "iud-aftercare/s1.b1")
    assert (f'#, fuzzy\n#| msgctxt "iud-aftercare/s1.b1"\n#| msgid "{old_english}"\n'
            f'msgctxt "iud-aftercare/s1.b1"\nmsgid "{old_english.replace(OLD_SENTENCE, NEW_SENTENCE)}"\n'
            in entry), entry
    assert '#| msgid "Worried or unsure? Contact us"' in _entry(text, "miscarriage-aftercare/s5.b2.title")
    assert "#|" not in _entry(text, "iud-aftercare/s1.heading")  # current entries have none
    assert text.count("#| msgid") == 2
    _gettext_accepts(po)
    # importing the file as it is keeps the unit stale, and the record of its English with it
    _import(run, project, po)
    assert spanish.read_bytes() == before
    assert f'#| msgid "{old_english}"' in _export(run, project, tmp_path / "again.po", "--lang", "es")
    # the translator updates it and clears `fuzzy`: current again, no previous msgid
    entry = _entry(text, "iud-aftercare/s1.b1")
    updated = re.sub(r"#, fuzzy\n#\| msgctxt .*\n#\| msgid .*\n", "", entry)
    po.write_text(text.replace(entry, re.sub(r'msgstr ".*"', 'msgstr "Nuevo texto."', updated)),
                  encoding="utf-8")
    _import(run, project, po)
    model = load_project(project)
    states = unit_states(model.handouts["iud-aftercare"], model.sources,
                         model.translations[("iud-aftercare", "es")])
    assert [s.unit.id for s in states if s.status == "stale"] == []
    assert "#|" not in _entry(_export(run, project, tmp_path / "after.po", "--lang", "es"),
                              "iud-aftercare/s1.b1")


def test_a_stale_unit_keeps_its_english_when_another_unit_is_imported(project: Path, run: Run,
                                                                      tmp_path: Path) -> None:
    """The `# en:` comment is the only record of the English a stale unit translates: an
    import that rewrites the file must not replace it with the new English."""
    edit(project / "handouts/sources/iud-bleeding-after-sex.txt", OLD_SENTENCE, NEW_SENTENCE)
    assert run("pin", "--yes").exit_code == 0
    po = tmp_path / "es.po"
    text = _export(run, project, po, "--lang", "es")
    po.write_text(_set_msgstr(text, "iud-aftercare/title", "Otro título"), encoding="utf-8")
    _import(run, project, po)
    spanish = (project / "handouts/translations/es/iud-aftercare.yaml").read_text(encoding="utf-8")
    assert OLD_SENTENCE in spanish and NEW_SENTENCE not in spanish
    assert "#| msgid" in _entry(_export(run, project, po, "--lang", "es"), "iud-aftercare/s1.b1")


def test_an_unproven_record_of_the_english_is_not_offered(project: Path, run: Run,
                                                          tmp_path: Path) -> None:
    """A `# en:` comment that is not the English of the unit's hash (edited by hand) is no
    previous msgid: the entry is fuzzy and says the earlier English is not recorded."""
    spanish = project / "handouts/translations/es/iud-aftercare.yaml"
    edit(spanish, "    # en: What is an IUD?", "    # en: What is an IUD, exactly?")
    edit(spanish, 'source: "80dbf824"', 'source: "0badcafe"')
    entry = _entry(_export(run, project, tmp_path / "es.po", "--lang", "es"), "iud-aftercare/s1.heading")
    assert "#, fuzzy" in entry and "#|" not in entry
    assert "the earlier English is not recorded" in entry


def test_fixed_strings_round_trip_through_export_edit_import(project: Path, run: Run,
                                                             tmp_path: Path) -> None:
    strings = project / "layouts/strings/es.yaml"
    po = tmp_path / "es.po"
    text = _export(run, project, po, "--lang", "es")
    assert 'msgctxt "strings:sources_heading"\nmsgid "Sources"\nmsgstr "Fuentes"\n' in text
    edited = _set_msgstr(text, "strings:sources_heading", "Fuentes citadas")
    edited = _set_msgstr(edited, "strings:sources_note", "Texto citado; el resto lo escribió {clinic}.")
    edited = _set_msgstr(edited, "strings:online", "Versión en línea", fuzzy=True)
    po.write_text(edited, encoding="utf-8")
    before = strings.read_text(encoding="utf-8")
    message = _import(run, project, po)
    assert "1 fuzzy fixed string(s) left as they were" in message
    after = strings.read_text(encoding="utf-8")
    # only the two values changed, where they stood; the comment and the rest are as written
    expected = before.replace("sources_heading: Fuentes\n", 'sources_heading: "Fuentes citadas"\n')
    expected = re.sub(r"sources_note: >-\n(  .*\n)+",
                      'sources_note: "Texto citado; el resto lo escribió {clinic}."\n', expected)
    assert after == expected
    model = load_project(project)
    assert not [d for d in model.diagnostics if d.severity == "error"]
    assert model.strings["es"]["sources_heading"] == "Fuentes citadas"
    assert model.strings["es"]["online"] == "En línea"  # the fuzzy one was left out
    again = _export(run, project, tmp_path / "again.po", "--lang", "es")
    assert 'msgstr "Fuentes citadas"' in _entry(again, "strings:sources_heading")


def test_a_fixed_string_with_a_wrong_placeholder_is_refused_at_its_entry(project: Path, run: Run,
                                                                         tmp_path: Path) -> None:
    po = tmp_path / "es.po"
    text = _set_msgstr(_export(run, project, po, "--lang", "es"), "strings:page_of", "Página {pagina}")
    po.write_text(text, encoding="utf-8")
    before = {p: p.read_bytes() for p in project.rglob("*.yaml")}
    result = run("i18n", "import", "--project", str(project), str(po))
    assert result.exit_code == 1
    found = re.search(r"es\.po:(\d+):1: `strings:page_of`: unknown placeholder \{pagina\}; "
                      r"this string takes \{page\}, \{pages\}", result.stderr)
    assert found, result.stderr
    assert text.splitlines()[int(found.group(1)) - 1].startswith(('msgctxt "strings:page_of"',
                                                                  'msgid "Page {page}'))
    assert {p: p.read_bytes() for p in project.rglob("*.yaml")} == before  # nothing written


def test_a_language_the_project_lacks_exports_an_empty_po_and_says_how_to_add_it(
        project: Path, run: Run, tmp_path: Path) -> None:
    po = tmp_path / "de.po"
    result = run("i18n", "export", "--project", str(project), "--lang", "de", "--out", str(po))
    assert result.exit_code == 0, result.stderr
    [note] = [line for line in result.stderr.splitlines() if line.startswith("note:")]
    for words in ("`de` is new to this project", f"carepress i18n import {po}",
                  "handouts/translations/de/", "layouts/strings/de.yaml", "`languages:`"):
        assert words in note, note
    catalog = _catalog(po.read_text(encoding="utf-8"))
    assert dict(catalog.mime_headers)["Language"] == "de"
    entries = [message for message in catalog if message.id]
    assert len(entries) > 40 and all(not message.string for message in entries)
    unknown = run("i18n", "export", "--project", str(project), "--lang", "xx")
    assert unknown.exit_code == 2 and "Traceback" not in unknown.output + unknown.stderr
    assert "`xx` is no language Babel's CLDR data knows" in unknown.stderr
    assert not (project / "xx.po").exists()
    # a known language gets no note
    assert "note:" not in run("i18n", "export", "--project", str(project), "--lang", "es",
                              "--out", str(tmp_path / "es.po")).stderr


def test_importing_a_new_language_adds_its_fixed_strings(project: Path, run: Run,
                                                         tmp_path: Path) -> None:
    po = tmp_path / "de.po"
    text = _export(run, project, po, "--lang", "de")
    english = load_project(project).strings["en"]
    for key in STRING_KEYS:
        text = _set_msgstr(text, f"strings:{key}", english[key].replace('"', '\\"') + " [de]"
                           if key not in ("colon", "full_stop", "feedback", "page_of")
                           else english[key])
    text = _set_msgstr(text, "iud-aftercare/title", "Nach dem Einsetzen Ihrer Spirale")
    partial = _set_msgstr(text, "strings:colon", "")
    po.write_text(partial, encoding="utf-8")
    refused = run("i18n", "import", "--project", str(project), str(po))
    assert refused.exit_code == 1
    assert "`Language: de` is not a language of this project" in refused.stderr
    assert "translate every fixed string in this file" in refused.stderr
    assert "`strings:colon`" in refused.stderr
    assert not (project / "layouts/strings/de.yaml").exists()
    assert not (project / "handouts/translations/de").exists()
    po.write_text(text, encoding="utf-8")
    message = _import(run, project, po)
    assert "`de` is a new language of this project" in message
    model = load_project(project)
    assert not [d for d in model.diagnostics if d.severity == "error"]
    assert model.strings["de"]["version"] == "Version [de]"
    translation = model.translations[("iud-aftercare", "de")]
    assert translation.units["title"].text == "Nach dem Einsetzen Ihrer Spirale"
    assert translation.review.translator == "not stated"  # not Babel's "FULL NAME <EMAIL@ADDRESS>"


def test_exporting_and_importing_unchanged_leaves_the_strings_files_as_they_were(
        project: Path, run: Run, tmp_path: Path) -> None:
    files = sorted((project / "layouts/strings").glob("*.yaml"))
    before = {p: p.read_bytes() for p in files}
    languages = load_project(project).strings  # (not en-GB.yaml, a region's changes to en)
    for lang in sorted(lang for lang in languages if lang != "en"):
        po = tmp_path / f"{lang}.po"
        _export(run, project, po, "--lang", lang)
        assert f"; {len(STRING_KEYS)} fixed string(s)." in _import(run, project, po)
    assert {p: p.read_bytes() for p in sorted((project / "layouts/strings").glob("*.yaml"))} == before
