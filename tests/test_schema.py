"""`carepress schema`: JSON Schemas for editors, made from the loader's own schema objects."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from conftest import Run, edit

from carepress.load import load_project
from carepress.load.schema import Choice, Date, Field, Integer, ListOf, Record, Text

FILES = {  # schema -> the shipped files it describes
    "handout.schema.json": "handouts/*.yaml",
    "brand.schema.json": "layouts/brands/*.yaml",
    "layout.schema.json": "layouts/*.yaml",
    "strings.schema.json": "layouts/strings/*.yaml",
    "strings-region.schema.json": "layouts/strings/en-GB.yaml",
    "translation.schema.json": "handouts/translations/*/*.yaml",
    "source.schema.json": "handouts/sources/*.yaml",
}


def _as_editors_read_it(value: Any) -> Any:
    """A YAML document as a YAML 1.2 editor sees it: a date is a string there."""
    if isinstance(value, dict):
        return {key: _as_editors_read_it(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_as_editors_read_it(item) for item in value]
    return value.isoformat() if isinstance(value, dt.date) else value


def _document(path: Path) -> Any:
    return _as_editors_read_it(yaml.safe_load(path.read_text(encoding="utf-8")))


def _schemas(run: Run, project: Path, out: Path) -> dict[str, dict[str, Any]]:
    result = run("schema", "--project", str(project), "--out", str(out))
    assert result.exit_code == 0, result.output + result.stderr
    return {path.name: json.loads(path.read_text(encoding="utf-8")) for path in out.glob("*.json")}


def _problems(schema: dict[str, Any], document: Any) -> list[str]:
    validator = jsonschema.Draft202012Validator(schema)
    return [f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
            for error in validator.iter_errors(document)]


def test_the_schemas_accept_every_shipped_file(project: Path, run: Run, tmp_path: Path) -> None:
    schemas = _schemas(run, project, tmp_path / "schemas")
    assert sorted(schemas) == sorted(FILES)
    checked = 0
    for name, pattern in FILES.items():
        schema = schemas[name]
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        jsonschema.Draft202012Validator.check_schema(schema)
        paths = [path for path in sorted(project.glob(pattern))
                 if name != "strings.schema.json" or path.name != "en-GB.yaml"]  # (a region's)
        assert paths, pattern
        for path in paths:
            assert _problems(schema, _document(path)) == [], path
            checked += 1
    assert checked >= 20


def test_the_default_folder_and_the_same_bytes_every_time(project: Path, run: Run) -> None:
    first = run("schema", "--project", str(project))
    assert first.exit_code == 0, first.stderr
    assert "handout.schema.json  (handouts/*.yaml)" in first.output
    written = {p.name: p.read_bytes() for p in (project / "schemas").iterdir()}
    assert sorted(written) == sorted(FILES)
    assert run("schema", "--project", str(project)).exit_code == 0
    assert {p.name: p.read_bytes() for p in (project / "schemas").iterdir()} == written


@pytest.mark.parametrize("file, old, new, schema, expected", [
    ("handouts/iud-aftercare.yaml", "subtitle:", "subtitel:", "handout.schema.json",
     "Additional properties are not allowed ('subtitel' was unexpected)"),
    ("handouts/iud-aftercare.yaml", "kind: urgent", "kind: urgentt", "handout.schema.json",
     "'urgentt' is not one of ['urgent', 'info']"),
    ("handouts/iud-aftercare.yaml", "- text:", "- txet:", "handout.schema.json",
     "('txet' was unexpected)"),
    ("layouts/a4.yaml", "max_pages: 2", "max_pages: two", "layout.schema.json",
     "max_pages: 'two' is not of type 'integer'"),
    ("layouts/a4.yaml", "max_pages: 2", "max_pages: 0", "layout.schema.json",
     "max_pages: 0 is less than the minimum of 1"),
    ("layouts/brands/harbour-health.yaml", 'primary: "#0B5563"', "primary: 0B5563",
     "brand.schema.json", "'0B5563' does not match"),
    ("layouts/brands/harbour-health.yaml", "layouts: [letter, large-print-letter]",
     "layouts: [letter, legal]", "brand.schema.json", "'legal' is not one of ['a4', 'a5-booklet'"),
    ("layouts/strings/es.yaml", "version: Versión\n", "", "strings.schema.json",
     "'version' is a required property"),
])
def test_the_schemas_reject_what_the_loader_rejects(project: Path, run: Run, tmp_path: Path,
                                                    file: str, old: str, new: str, schema: str,
                                                    expected: str) -> None:
    path = project / file
    schemas = _schemas(run, project, tmp_path / "schemas")
    assert _problems(schemas[schema], _document(path)) == []
    edit(path, old, new)
    problems = _problems(schemas[schema], _document(path))
    assert any(expected in problem for problem in problems), problems
    assert any(d.severity == "error" for d in load_project(project).diagnostics)  # the loader, too


def test_a_passage_needs_a_selector_in_the_schema_as_in_the_loader(project: Path, run: Run,
                                                                   tmp_path: Path) -> None:
    schema = _schemas(run, project, tmp_path / "schemas")["handout.schema.json"]
    handout = _document(project / "handouts/iud-aftercare.yaml")
    passage = handout["sections"][0]["blocks"][0]["passage"]
    passage.pop("paragraph"), passage.pop("starts", None)
    assert _problems(schema, handout)


def test_a_field_added_to_a_loader_schema_is_in_the_generated_one(
        project: Path, run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from carepress.load import handout, strings

    monkeypatch.setitem(strings.STRING_KEYS, "leaflet_end", "printed at the very end")
    monkeypatch.setattr(handout, "PROFILES", {**handout.PROFILES, "new-profile": ()})
    schemas = _schemas(run, project, tmp_path / "schemas")
    fixed = schemas["strings.schema.json"]
    assert fixed["properties"]["leaflet_end"]["description"] == "printed at the very end"
    assert "leaflet_end" in fixed["required"]
    assert "new-profile" in schemas["handout.schema.json"]["properties"]["profile"]["enum"]


def test_each_kind_says_what_it_accepts() -> None:
    record = Record({
        "count": Field(Integer(minimum=1, maximum=9), doc="how many"),
        "kind": Field(Choice("a", "b"), required=False),
        "items": Field(ListOf(Text(), min_items=2)),
        "on": Field(Date(), required=False),
    }, lambda values, origin: values)
    assert record.json_schema() == {
        "type": "object",
        "properties": {
            "count": {"type": "integer", "minimum": 1, "maximum": 9, "description": "how many"},
            "kind": {"enum": ["a", "b"]},
            "items": {"type": "array", "items": {"type": ["string", "number"], "pattern": r"\S"},
                      "minItems": 2},
            "on": {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$",
                   "description": "a date written YYYY-MM-DD"},
        },
        "required": ["count", "items"],
        "additionalProperties": False,
    }
    # what the loader takes, the schema takes: a number written as text (`version: 1.10`)
    assert not _problems(record.json_schema(), {"count": 3, "items": ["x", 1.10]})
    assert _problems(record.json_schema(), {"count": 3, "items": ["x", "  "]})
