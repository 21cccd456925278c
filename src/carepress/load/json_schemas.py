"""JSON Schemas of a project's YAML files, for editors (`carepress schema`).

Made from the loader's own schema objects (``Kind.json_schema``), so that they say what the
loader of this carepress accepts: a key added to a schema is in them the next time they are
written.  What the loader checks in code (a passage's text against its source, colour
contrast, a layout's page geometry) stays for `carepress check`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from carepress import __version__
from carepress.load.brand import brand_schema
from carepress.load.handout import handout_schema
from carepress.load.layout import layout_schema
from carepress.load.schema import JsonSchema, Kind
from carepress.load.sources import source_schema
from carepress.load.strings import regional_strings_schema, strings_schema
from carepress.load.translations import translation_schema

DRAFT = "https://json-schema.org/draft/2020-12/schema"
SCHEMAS_FOLDER = "schemas"  # beside handouts/ and layouts/, unless `--out` says otherwise


@dataclass(frozen=True)
class SchemaFile:
    name: str  # `handout.schema.json`
    files: str  # the project's files it describes, as a glob from the project folder
    schema: JsonSchema


def project_schemas(root: Path) -> list[SchemaFile]:
    """One schema per kind of YAML file.  A brand's `layouts:` lists this project's layouts."""
    # (the schemas take a file's path to make its model object; no file is read)
    return [
        _document("handout", "handouts/*.yaml", "a carepress handout",
                  handout_schema(root / "handouts/HANDOUT.yaml")),
        _document("brand", "layouts/brands/*.yaml", "a clinic's brand",
                  brand_schema(root / "layouts/brands/BRAND.yaml")),
        _document("layout", "layouts/*.yaml", "a page layout",
                  layout_schema(root / "layouts/LAYOUT.yaml")),
        _document("strings", "layouts/strings/*.yaml", "the fixed strings of one language",
                  strings_schema()),
        # (a region's file, such as en-GB.yaml, changes only some of its language's strings)
        _document("strings-region", "layouts/strings/*-*.yaml",
                  "the fixed strings a region changes (en-GB.yaml over en.yaml)",
                  regional_strings_schema()),
        _document("translation", "handouts/translations/*/*.yaml",
                  "a handout's translation into one language",
                  translation_schema(root / "handouts/translations/LANG/HANDOUT.yaml")),
        _document("source", "handouts/sources/*.yaml", "a source document's metadata",
                  source_schema(root / "handouts/sources/SOURCE.yaml")),
    ]


def _document(name: str, files: str, what: str, kind: Kind[Any]) -> SchemaFile:
    schema: JsonSchema = {
        "$schema": DRAFT,
        "title": f"carepress {name}",
        "description": f"{what} ({files}); made by `carepress schema` (carepress {__version__}) "
                       "from its loader: write it again after upgrading carepress or adding a "
                       "layout",
        **kind.json_schema(),
    }
    return SchemaFile(f"{name}.schema.json", files, schema)


def schema_text(schema: JsonSchema) -> bytes:
    return (json.dumps(schema, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
