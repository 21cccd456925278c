"""Page layouts: ``layouts/*.yaml`` -> ``Layout``."""

from __future__ import annotations

from pathlib import Path

from carepress.errors import CarepressError, Diagnostics
from carepress.load.schema import (
    INVALID, Dimension, Field, Integer, Number, Record, Text, validate_document,
)
from carepress.load.yamlmarks import read_yaml
from carepress.model import Layout, TypeScale

MIN_BODY_PT = 12.0  # clear-print guidance: body text never below 12 pt


def _layout_schema(path: Path) -> Record[Layout]:
    page = Record({"width": Field(Dimension()), "height": Field(Dimension())}, lambda v, o: v)
    margins = Record({side: Field(Dimension()) for side in ("top", "bottom", "left", "right")},
                     lambda v, o: v)
    type_scale = Record(
        {
            "body": Field(Number(minimum=MIN_BODY_PT), doc="body size in pt, at least 12"),
            "small": Field(Number(minimum=7)),
            "heading": Field(Number(minimum=MIN_BODY_PT)),
            "title": Field(Number(minimum=MIN_BODY_PT)),
            "subtitle": Field(Number(minimum=MIN_BODY_PT)),
            "leading": Field(Number(minimum=1.0), required=False, default=1.3),
        },
        lambda v, o: TypeScale(**v),
    )
    return Record(
        {
            "name": Field(Text()),
            "page": Field(page),
            "margins": Field(margins),
            "header_height": Field(Dimension()),
            "footer_height": Field(Dimension()),
            "type": Field(type_scale),
            "max_pages": Field(Integer(minimum=1), doc="2 = one sheet printed both sides"),
        },
        lambda v, o: Layout(
            path.stem, v["name"], v["page"]["width"], v["page"]["height"],
            v["margins"]["top"], v["margins"]["bottom"], v["margins"]["left"], v["margins"]["right"],
            v["header_height"], v["footer_height"], v["type"], v["max_pages"], path,
        ),
    )


def load_layout(path: Path, diagnostics: Diagnostics) -> Layout | None:
    try:
        data = read_yaml(path)
    except CarepressError as exc:
        diagnostics.extend(exc.diagnostics)
        return None
    layout = validate_document(data, _layout_schema(path), diagnostics)
    return None if layout is INVALID else layout


def load_layouts(folder: Path, diagnostics: Diagnostics) -> dict[str, Layout]:
    layouts: dict[str, Layout] = {}
    for path in sorted(folder.glob("*.yaml")):
        layout = load_layout(path, diagnostics)
        if layout is not None:
            layouts[layout.id] = layout
    return layouts
