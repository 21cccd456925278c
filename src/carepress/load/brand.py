"""Clinic brands: ``layouts/brands/*.yaml`` -> ``Brand``."""

from __future__ import annotations

from pathlib import Path

from carepress.errors import Diagnostics
from carepress.load.handout import LANG_PATTERN
from carepress.load.schema import Colour, Field, ListOf, Record, Text, load_folder, read_document
from carepress.model import Brand, BrandColours, FontSpec, Logo

LOGO_SUFFIXES = (".svg", ".png", ".jpg", ".jpeg")


SCRIPTS = ("latin", "arabic", "cjk")


def _fonts_schema(path: Path) -> Record[dict[str, FontSpec]]:
    def face(script: str) -> Field:
        return Field(Record({"regular": Field(Text(), doc="a .ttf path or a system family name"),
                             "bold": Field(Text(), required=False)},
                            lambda v, o: FontSpec(v["regular"], v["bold"], path.parent, o)),
                     required=False)

    return Record({script: face(script) for script in SCRIPTS},
                  lambda v, o: {script: spec for script, spec in v.items() if spec is not None})


def _brand_schema(path: Path) -> Record[Brand]:
    colours = Record(
        {name: Field(Colour()) for name in BrandColours.__dataclass_fields__},
        lambda v, o: BrandColours(**v),
    )
    logo = Record(
        {"file": Field(Text(), doc="path to an SVG, PNG or JPEG, relative to the brand file"),
         "alt": Field(Text(), doc="alternative text read out by screen readers")},
        lambda v, o: Logo(path.parent / v["file"], v["alt"], o),
    )
    return Record(
        {
            "name": Field(Text()),
            "logo": Field(logo),
            "colours": Field(colours),
            "address": Field(ListOf(Text(), min_items=1)),
            "phone": Field(Text()),
            "urgent_phone": Field(Text(), doc="the after-hours or urgent number"),
            "website": Field(Text(pattern=r"https?://\S+", pattern_hint="a full address starting https://")),
            "email": Field(Text(), required=False),
            "languages": Field(ListOf(Text(pattern=LANG_PATTERN, pattern_hint="a BCP 47 tag such as `es`")),
                               required=False, default=(), doc="languages the clinic offers"),
            "fonts": Field(_fonts_schema(path), required=False, default={},
                           doc="the clinic's own typeface per script: latin, arabic, cjk"),
        },
        lambda v, o: Brand(path.stem, v["name"], v["logo"], v["colours"], v["address"], v["phone"],
                           v["urgent_phone"], v["website"], v["email"], path,
                           v["languages"], v["fonts"]),
    )


def load_brand(path: Path, diagnostics: Diagnostics) -> Brand | None:
    loaded = read_document(path, _brand_schema(path), diagnostics)
    if loaded is None:
        return None
    data, brand = loaded
    logo_origin = data["logo"].origin_of("file")
    if brand.logo.path.suffix.lower() not in LOGO_SUFFIXES:
        diagnostics.error(logo_origin, f"logo `{brand.logo.path.name}` must be SVG, PNG or JPEG")
        return None
    if not brand.logo.path.is_file():
        diagnostics.error(logo_origin, f"logo file `{brand.logo.path.name}` not found next to "
                                       f"{path.name}; add the file or fix `logo.file`")
        return None
    return Brand(**{**brand.__dict__, "logo": Logo(brand.logo.path, brand.logo.alt, logo_origin)})


def load_brands(folder: Path, diagnostics: Diagnostics) -> dict[str, Brand]:
    return load_folder(folder, load_brand, diagnostics)
