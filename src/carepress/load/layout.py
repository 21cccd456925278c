"""Page layouts: ``layouts/*.yaml`` -> ``Layout``."""

from __future__ import annotations

from pathlib import Path

from carepress.errors import Diagnostics
from carepress.load.schema import (
    Choice, Dimension, Field, Integer, Number, Record, Text, load_folder, read_document,
)
from carepress.model import Imposition, Layout, TypeScale

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
            "imposition": Field(Record(
                {"kind": Field(Choice("booklet", "trifold")),
                 "sheet": Field(page)},
                lambda v, o: Imposition(v["kind"], v["sheet"]["width"], v["sheet"]["height"])),
                required=False, doc="place pages on printed sheets: `kind: booklet` and the sheet size"),
        },
        lambda v, o: Layout(
            path.stem, v["name"], v["page"]["width"], v["page"]["height"],
            v["margins"]["top"], v["margins"]["bottom"], v["margins"]["left"], v["margins"]["right"],
            v["header_height"], v["footer_height"], v["type"], v["max_pages"], path, v["imposition"],
        ),
    )


def load_layout(path: Path, diagnostics: Diagnostics) -> Layout | None:
    loaded = read_document(path, _layout_schema(path), diagnostics)
    return None if loaded is None else loaded[1]


def load_layouts(folder: Path, diagnostics: Diagnostics) -> dict[str, Layout]:
    return load_folder(folder, load_layout, diagnostics)
