"""Page layouts: ``layouts/*.yaml`` -> ``Layout``."""

from __future__ import annotations

from pathlib import Path

from carepress.errors import Diagnostics, Origin
from carepress.load.schema import (
    Boolean, Choice, Dimension, Field, Integer, Number, Record, Text, load_folder, read_document,
)
from carepress.load.yamlmarks import MarkedDict
from carepress.model import FOOTER_DEPTH, Imposition, Layout, TypeScale

MIN_BODY_PT = 12.0  # clear-print guidance: body text never below 12 pt
LARGE_PRINT_MIN_PT = 16.0  # large print: 16-18 pt or more, every line (footer and sources too)
TYPE_SIZES = ("body", "small", "heading", "title", "subtitle")


def layout_schema(path: Path) -> Record[Layout]:
    page = Record({"width": Field(Dimension()), "height": Field(Dimension())}, lambda v, o: v)
    margins = Record({"bottom": Field(Dimension()), "left": Field(Dimension()),
                      "right": Field(Dimension()),
                      "top": Field(Dimension(), required=False, doc="not used: see load_layout")},
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
                 "sheet": Field(page),
                 "tuck_in": Field(Dimension(), required=False, default=0.0,
                                  doc="trifold: how much narrower the tuck-in panel (pages 2 "
                                      "and 5) is typeset, e.g. `3mm`")},
                lambda v, o: Imposition(v["kind"], v["sheet"]["width"], v["sheet"]["height"],
                                        v["tuck_in"])),
                required=False, doc="place pages on printed sheets: `kind: booklet` or `trifold`, "
                                    "the sheet size, and a tri-fold's `tuck_in`"),
            "large_print": Field(Boolean(), required=False, default=False,
                                 doc="a large-print edition: every type size (the footer's, the "
                                     "sources' too) at least 16 pt; brands that print it say "
                                     "their leaflets come in large print"),
            "document_control": Field(Choice("footer", "end"), required=False, default=None,
                                      doc="where the review-by date, approval date and owner are "
                                          "printed: `footer` (every page) or `end` (once, after "
                                          "the closing lines; every footer keeps the code, "
                                          "version and page count); default `footer`, and `end` "
                                          "for large print, whose footer has no room for them "
                                          "at 16 pt"),
        },
        lambda v, o: Layout(
            path.stem, v["name"], v["page"]["width"], v["page"]["height"],
            v["margins"]["bottom"], v["margins"]["left"], v["margins"]["right"],
            v["header_height"], v["footer_height"], v["type"], v["max_pages"], path, v["imposition"],
            v["large_print"], v["document_control"] or ("end" if v["large_print"] else "footer"),
        ),
    )


PDF_MAX_SIDE = 14400.0  # points (200 in): the largest page a PDF reader must show
MIN_TEXT_AREA = (72.0, 144.0)  # points: narrower or shorter, no leaflet fits
MAX_TUCK_IN = 6 * 72 / 25.4 + 1e-6  # points: 6mm; more and the panels no longer meet the folds


def load_layout(path: Path, diagnostics: Diagnostics) -> Layout | None:
    loaded = read_document(path, layout_schema(path), diagnostics)
    if loaded is None:
        return None
    data, layout = loaded
    if "top" in data["margins"]:
        diagnostics.warning(data["margins"].key_origin("top"), "`margins.top` is not used: the "
                            "header band (`header_height`) is the top of every page and the text "
                            "starts below it; remove `top`")
    problems = _geometry_problems(data, layout) + _type_problems(data, layout)
    for origin, message in problems:
        diagnostics.error(origin, message)
    return None if problems else layout


def _geometry_problems(data: MarkedDict, layout: Layout) -> list[tuple[Origin, str]]:
    """Sizes each valid alone that together make no page a leaflet can be set on."""
    page, margins = data["page"], data["margins"]
    problems = []
    for name in ("width", "height"):
        size = getattr(layout, f"page_{name}")
        if not 0 < size <= PDF_MAX_SIDE:
            problems.append((page.origin_of(name), f"`page.{name}` must be more than 0 and at most "
                                                   "200in (the largest page a PDF may have)"))
    for side in ("bottom", "left", "right"):
        if getattr(layout, f"margin_{side}") < 0:
            problems.append((margins.origin_of(side), f"`margins.{side}` must not be negative"))
    for key in ("header_height", "footer_height"):
        if getattr(layout, key) <= 0:
            problems.append((data.origin_of(key), f"`{key}` must be more than 0"))
    if problems:
        return problems
    width = layout.page_width - layout.margin_left - layout.margin_right
    height = (layout.page_height - layout.header_height - layout.margin_bottom
              - layout.footer_height)
    if width < MIN_TEXT_AREA[0] or height < MIN_TEXT_AREA[1]:
        problems.append((data.origin, f"the margins, header and footer leave {width:.0f} x "
                         f"{height:.0f} pt for text; at least {MIN_TEXT_AREA[0]:.0f} x "
                         f"{MIN_TEXT_AREA[1]:.0f} pt is needed"))
    imposition = layout.imposition
    if imposition is not None:
        across = {"booklet": 2, "trifold": 3}[imposition.kind]
        if (imposition.sheet_width + 0.5 < across * layout.page_width
                or imposition.sheet_height + 0.5 < layout.page_height):
            problems.append((data["imposition"].origin_of("sheet"), f"a `{imposition.kind}` sheet "
                             f"holds {across} pages side by side: it must be at least "
                             f"{across} x `page.width` wide and `page.height` high"))
        if "tuck_in" in data["imposition"]:
            where = data["imposition"].origin_of("tuck_in")
            if imposition.kind != "trifold":
                problems.append((where, "`tuck_in` is for a `trifold` (its tuck-in panel); "
                                        "remove it from this `booklet` layout"))
            elif not 0 <= imposition.tuck_in <= MAX_TUCK_IN:
                problems.append((where, "`tuck_in` must be from 0 to 6mm (a tuck-in panel is "
                                        "usually 2-3mm narrower than the others)"))
            elif width - imposition.tuck_in < MIN_TEXT_AREA[0]:
                problems.append((where, f"`tuck_in` leaves {width - imposition.tuck_in:.0f} pt for "
                                        f"the tuck-in panel's text; at least {MIN_TEXT_AREA[0]:.0f} "
                                        "pt is needed"))
        if "document_control" in data and imposition.kind == "trifold":
            problems.append((data.origin_of("document_control"), "`document_control` is for layouts "
                             "with a footer on every page; a tri-fold prints the document control "
                             "once, on its back panel: remove `document_control`"))
    return problems


def _type_problems(data: MarkedDict, layout: Layout) -> list[tuple[Origin, str]]:
    """A large-print layout sets every line large; the footer's lines fit on the page."""
    problems = []
    sizes = data["type"]
    if layout.large_print:
        for key in TYPE_SIZES:
            size = getattr(layout.type, key)
            if size < LARGE_PRINT_MIN_PT:
                problems.append((sizes.origin_of(key), f"`type.{key}` is {size:g} pt: a large-print "
                                 f"layout (`large_print: true`) sets every line, the footer's and "
                                 f"the sources' too, at {LARGE_PRINT_MIN_PT:g} pt or more "
                                 f"(clear-print guidance); raise it to {LARGE_PRINT_MIN_PT:g}"))
    depth = FOOTER_DEPTH * layout.type.small
    if layout.margin_bottom + layout.footer_height < depth:
        problems.append((data.origin_of("footer_height"), f"the footer's four lines at "
                         f"`type.small` {layout.type.small:g} pt need {depth:.0f} pt above the "
                         f"page's foot; `footer_height` and `margins.bottom` give "
                         f"{layout.margin_bottom + layout.footer_height:.0f} pt: raise "
                         f"`footer_height` to at least {depth - layout.margin_bottom:.0f} pt"))
    return problems


def load_layouts(folder: Path, diagnostics: Diagnostics) -> dict[str, Layout]:
    return load_folder(folder, load_layout, diagnostics)
