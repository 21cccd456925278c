"""Loading: every problem is reported as file:line:column with a key path and a fix."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import REPO

from carepress.errors import CarepressError, Diagnostics
from carepress.load import load_project
from carepress.load.handout import load_handout
from carepress.load.sources import split_paragraphs
from carepress.load.yamlmarks import read_yaml

HANDOUT = """\
id: leaflet
title: A title
control:
  code: X-1
  version: "1"
  approved: 2026-01-01
  review_by: 2029-01-01
  owner: Team
sections:
  - heading: One
    blocks:
      - text: Hello
"""


def problems(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "leaflet.yaml"
    path.write_text(text, encoding="utf-8")
    diagnostics = Diagnostics()
    load_handout(path, diagnostics)
    return [d.format().replace(str(path), "FILE") for d in diagnostics.items]


def test_valid_handout_loads(tmp_path: Path) -> None:
    assert problems(tmp_path, HANDOUT) == []


@pytest.mark.parametrize("old, new, expected", [
    # unknown key, with a did-you-mean
    ("title: A title", "titel: A title",
     "FILE:2:1: unknown key `titel` here; did you mean `title`?"),
    # unknown block type, with a did-you-mean
    ("- text: Hello", "- calout: Hello",
     "FILE:12:9: `sections[0].blocks[0]`: unknown block type `calout`; did you mean `callout`?"),
    # wrong type
    ("approved: 2026-01-01", "approved: soon",
     "FILE:6:13: `control.approved`: expected a date written YYYY-MM-DD, got text"),
    ("- heading: One", "- heading: [One]",
     "FILE:10:14: `sections[0].heading`: expected text, got a list of `- item` lines"),
    # missing required field
    ("  owner: Team\n", "",
     "FILE:4:3: `control.owner`: missing required key `owner`"),
    # a key with nothing after it
    ("  owner: Team\n", "  owner: #team\n", "FILE:8:9: `control.owner`: `owner` is empty; give it a value"),
    # yes/no read as true/false
    ("- text: Hello", "- text: Yes", "FILE:12:15: `sections[0].blocks[0].text`: expected text, got "
     "true/false: YAML reads yes/no, true/false and on/off as such; put the text in quotes"),
    # a passage with no selector
    ("- text: Hello", "- passage: {source: s}",
     "FILE:12:18: `sections[0].blocks[0].passage`: a passage needs a selector"),
    # duplicate key
    ("title: A title", "title: A title\ntitle: Again",
     "FILE:3:1: duplicate key `title`: YAML would silently keep only the last one"),
    # a date YAML reads as one, that the calendar does not have
    ("approved: 2026-01-01", "approved: 2026-02-30",
     "FILE:6:13: `2026-02-30` is not a date in the calendar; write YYYY-MM-DD"),
    ("approved: 2026-01-01", "approved: !!timestamp 2026-11",
     "FILE:6:13: `2026-11` is not a date in the calendar; write YYYY-MM-DD"),
])
def test_each_problem_is_one_located_line(tmp_path: Path, old: str, new: str, expected: str) -> None:
    found = problems(tmp_path, HANDOUT.replace(old, new))
    assert any(line.startswith(expected) for line in found), found
    assert all("\n" not in line for line in found)


def test_numbers_in_text_fields_are_the_text_the_author_wrote(tmp_path: Path) -> None:
    # YAML reads 014 as 12 (octal), 1.10 as 1.1 and 12:30 as 750 (base 60).
    path = tmp_path / "leaflet.yaml"
    path.write_text(HANDOUT.replace("code: X-1", "code: 014").replace('version: "1"', "version: 1.10")
                    .replace("- text: Hello", "- text: 12:30"), encoding="utf-8")
    diagnostics = Diagnostics()
    handout = load_handout(path, diagnostics)
    assert diagnostics.items == [] and handout is not None
    assert (handout.control.code, handout.control.version) == ("014", "1.10")
    assert handout.sections[0].blocks[0].template == "12:30"


def test_all_problems_in_a_file_are_reported_together(tmp_path: Path) -> None:
    text = HANDOUT.replace("title: A title", "titel: A title").replace("owner: Team", "owner: [x]")
    found = problems(tmp_path, text)
    assert any("unknown key `titel`" in p for p in found)
    assert any("missing required key `title`" in p for p in found)
    assert any("`control.owner`: expected text" in p for p in found)


def test_malformed_yaml_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("id: x\ntitle: [unclosed\nsections: []\n", encoding="utf-8")
    with pytest.raises(CarepressError) as raised:
        read_yaml(path)
    (diagnostic,) = raised.value.diagnostics
    assert diagnostic.origin.line == 3
    assert "malformed YAML" in diagnostic.message


def test_id_must_match_file_name(tmp_path: Path) -> None:
    found = problems(tmp_path, HANDOUT.replace("id: leaflet", "id: other"))
    assert found == ["FILE:1:5: id `other` must match the file name; rename the file to "
                     "`other.yaml` or set `id: leaflet`"]


def test_paragraphs_are_numbered_and_nothing_is_dropped() -> None:
    text = "First para\nwrapped line.\n\n\nSecond.\n  \nThird  spaced\n"
    paragraphs = split_paragraphs(text)
    assert [(p.number, p.line, p.text) for p in paragraphs] == [
        (1, 1, "First para wrapped line."), (2, 5, "Second."), (3, 7, "Third spaced")]


@pytest.mark.parametrize("name", ["iud-bleeding-after-sex", "sex-after-miscarriage"])
def test_shipped_sources_keep_every_word(name: str) -> None:
    text = (REPO / "handouts/sources" / f"{name}.txt").read_text(encoding="utf-8")
    joined = " ".join(p.text for p in split_paragraphs(text))
    assert joined.split() == text.split()


def test_shipped_sources_match_the_clinic_copies() -> None:
    seeds = REPO.parent / "shared" / "seeds"
    if not seeds.is_dir():
        pytest.skip("the clinic's seed folder is not beside this checkout")
    for seed in seeds.glob("*.txt"):
        assert (REPO / "handouts/sources" / seed.name).read_bytes() == seed.read_bytes()


def test_shipped_project_loads_without_problems() -> None:
    project = load_project(REPO)
    assert project.diagnostics == []
    assert set(project.handouts) == {"iud-aftercare", "miscarriage-aftercare"}
    assert set(project.layouts) >= {"a4", "letter"}
    assert all(layout.type.body >= 12 for layout in project.layouts.values())


def test_layout_sheet_must_hold_its_pages_and_top_margin_says_it_is_unused(tmp_path: Path) -> None:
    import shutil


    folder = tmp_path / "layouts"
    folder.mkdir()
    text = (REPO / "layouts/a5-booklet.yaml").read_text(encoding="utf-8")
    (folder / "a5-booklet.yaml").write_text(
        text.replace("margins: {", "margins: {top: 10mm, ").replace("sheet: {width: 297mm", "sheet: {width: 200mm"),
        encoding="utf-8")
    shutil.copy(REPO / "layouts/a4.yaml", folder / "a4.yml")
    from carepress.load.layout import load_layouts

    diagnostics = Diagnostics()
    assert load_layouts(folder, diagnostics) == {}
    found = [d.format().replace(str(folder), "L") for d in diagnostics.items]
    sheet = next(number for number, line in enumerate(text.splitlines(), 1) if "sheet:" in line)
    assert found == [
        "L/a4.yml:1:1: carepress reads `.yaml` files only; rename this file to `a4.yaml`",
        "L/a5-booklet.yaml:6:11: warning: `margins.top` is not used: the header band "
        "(`header_height`) is the top of every page and the text starts below it; remove `top`",
        f"L/a5-booklet.yaml:{sheet}:10: a `booklet` sheet holds 2 pages side by side: it must be at "
        "least 2 x `page.width` wide and `page.height` high"]


def test_a_file_that_is_not_utf8_is_reported_at_the_byte(tmp_path: Path) -> None:
    path = tmp_path / "leaflet.yaml"
    path.write_bytes(HANDOUT.replace("owner: Team", "owner: Équipe").encode("cp1252"))
    with pytest.raises(CarepressError) as raised:
        read_yaml(path)
    (diagnostic,) = raised.value.diagnostics
    assert (diagnostic.origin.line, diagnostic.origin.column) == (8, 10)
    assert diagnostic.message.startswith("byte 0xC9 is not UTF-8 text; save the file as UTF-8")


def test_a_byte_order_mark_is_not_part_of_a_source(project: Path) -> None:
    source = project / "handouts/sources/iud-bleeding-after-sex.txt"
    source.write_bytes(b"\xef\xbb\xbf" + source.read_bytes())
    model = load_project(project)
    assert model.diagnostics == []
    assert not model.sources["iud-bleeding-after-sex"].paragraphs[0].text.startswith("\ufeff")


@pytest.mark.parametrize("key, value, expected", [
    ("page_of", '"Page {page:02} of {pages}"', "write the placeholder plainly, as {page}"),
    ("page_of", '"Page {page} of {pages} ({pages} in all)"', "{pages} must be in it once"),
    ("page_of", '"Page {page} of {pages"', "expected '}' before end of string: in this string write a brace"),
    ("questions", '"Questions? Call {clinic}"', "this string takes no placeholder: {clinic} would be printed"),
    ("feedback", '"Write to {feedback}, please."', "must end with {feedback}, once"),
])
def test_fixed_strings_take_only_what_the_layout_fills_in(tmp_path: Path, key: str, value: str,
                                                          expected: str) -> None:
    import re


    from carepress.load.strings import load_strings

    folder = tmp_path / "strings"
    folder.mkdir()
    text = (REPO / "layouts/strings/en.yaml").read_text(encoding="utf-8")
    text = re.sub(rf"(?m)^{key}: .*$", f"{key}: {value}", text)
    (folder / "en.yaml").write_text(text, encoding="utf-8")
    diagnostics = Diagnostics()
    assert load_strings(folder, diagnostics) == {}
    (found,) = diagnostics.items
    assert f"`{key}`: {expected}" in found.message


def test_a_translation_saved_as_yml_is_reported(project: Path) -> None:
    spanish = project / "handouts/translations/es/iud-aftercare.yaml"
    spanish.rename(spanish.with_suffix(".yml"))
    found = [d.format() for d in load_project(project).diagnostics]
    assert any("es/iud-aftercare.yml:1:1: carepress reads `.yaml` files only" in line for line in found)


def test_type_sizes_must_be_real_numbers(tmp_path: Path) -> None:

    from carepress.load.layout import load_layouts

    folder = tmp_path / "layouts"
    folder.mkdir()
    text = (REPO / "layouts/letter.yaml").read_text(encoding="utf-8").replace("leading: 1.25", "leading: .nan")
    (folder / "letter.yaml").write_text(text, encoding="utf-8")
    diagnostics = Diagnostics()
    assert load_layouts(folder, diagnostics) == {}
    assert "`type.leading`: expected a number, got `.nan`" in diagnostics.items[0].message


def test_a_handout_may_not_take_the_name_of_the_bundles(tmp_path: Path) -> None:
    path = tmp_path / "bundle.yaml"
    path.write_text(HANDOUT.replace("id: leaflet", "id: bundle"), encoding="utf-8")
    diagnostics = Diagnostics()
    assert load_handout(path, diagnostics) is None
    assert "`bundle` names the print bundles in dist/" in diagnostics.items[0].message
