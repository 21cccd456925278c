"""Clinic brands: ``layouts/brands/*.yaml`` -> ``Brand``."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from carepress.errors import Diagnostics, Origin
from carepress.fontfiles import is_font_path
from carepress.load.inside import outside, outside_message, project_root_of
from carepress.load.schema import (
    Boolean, Choice, Colour, Field, ListOf, Number, Record, Text, identifier, language_tag, load_folder,
    read_document,
)
from carepress.model import Brand, BrandColours, FontSpec, Logo, SupportOrganisation

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


# The address of a leaflet's online copy: only these placeholders, each in braces.
_PLACEHOLDER = r"\{(?:lang|handout)\}"
_URL_PART = rf"(?:[^\s{{}}]|{_PLACEHOLDER})*"
LEAFLET_URL = rf"https?://{_URL_PART}{_PLACEHOLDER}{_URL_PART}"


# A document code prefix: `RWH`, `NHS-RWH`.
CODE_PREFIX = r"[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*"
# A locale: a language, its script if it has one, and a region (`en-GB`, `zh-Hans-HK`,
# `es-419`), spelled as the strings files are named.
LOCALE = r"[a-z]{2,3}(?:-[A-Z][a-z]{3})?-(?:[A-Z]{2}|[0-9]{3})"


def brand_schema(path: Path) -> Record[Brand]:
    # The layouts beside the brands' folder: a clinic prints some of them.
    layout_ids = sorted(p.stem for p in path.parent.parent.glob("*.yaml"))
    colours = Record(
        {name: Field(Colour()) for name in BrandColours.__dataclass_fields__},
        lambda v, o: BrandColours(**v),
    )
    logo = Record(
        {"file": Field(Text(), doc="path to an SVG, PNG or JPEG, relative to the brand file"),
         "alt": Field(Text(), doc="alternative text read out by screen readers")},
        lambda v, o: Logo(path.parent / v["file"], v["alt"], o),
    )
    support = Record(
        {"name": Field(Text()),
         "for": Field(ListOf(identifier("a need, such as `pregnancy-loss`"), min_items=1),
                      doc="the needs handouts' `support:` blocks name (pregnancy-loss, ...)"),
         "phone": Field(Text(), required=False),
         "website": Field(Text(pattern=r"https?://\S+", pattern_hint="a full address starting https://"),
                          required=False)},
        lambda v, o: SupportOrganisation(v["name"], v["for"], v["phone"], v["website"]),
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
            "languages": Field(ListOf(language_tag("es")),
                               required=False, default=(), doc="languages the clinic offers"),
            "fonts": Field(_fonts_schema(path), required=False, default={},
                           doc="the clinic's own typeface per script: latin, arabic, cjk"),
            "shared_folders": Field(ListOf(Text()), required=False, default=(),
                                    doc="folders outside the project, relative to the brand "
                                        "file, its logo and font files may be in"),
            "layouts": Field(ListOf(Choice(*layout_ids)), required=False, default=(),
                             doc="layouts the clinic prints"),
            "leaflet_url": Field(Text(pattern=LEAFLET_URL, pattern_hint="an address whose only "
                                      "placeholders are {lang} and {handout}"),
                                 required=False, doc="the online copy, for the QR code"),
            "feedback": Field(Text(), required=False, doc="an e-mail or web address for feedback"),
            "support": Field(ListOf(support), required=False, default=(),
                             doc="organisations the clinic signposts patients to (clinic data)"),
            "reading_grade": Field(Number(minimum=1), required=False,
                                   doc="the highest English reading grade (Flesch-Kincaid) it accepts"),
            "allow_drafts": Field(Boolean(), required=False, default=False,
                                  doc="prints draft translations (marked so) even with --strict"),
            "emergency_phone": Field(Text(), required=False,
                                     doc="the emergency services' number where the clinic is: 911, 999, 112"),
            "lang": Field(language_tag("en"), required=False, default="en",
                          doc="the language of the clinic's name and address, for screen readers"),
            "document_code_prefix": Field(
                Text(pattern=CODE_PREFIX, pattern_hint="letters and digits, such as `RWH` (parts "
                     "joined by `-`); it is printed before each handout's code, with a `-`"),
                required=False, doc="printed before each handout's code: `RWH` makes `RWH-GYN-014`"),
            "document_owner": Field(Text(), required=False,
                                    doc="who owns the clinic's leaflets, printed instead of "
                                        "each handout's `control.owner`"),
            "locale": Field(Text(pattern=LOCALE, pattern_hint="a language and its region, such as "
                                 "`en-GB` or `pt-BR` (the region in capitals)"),
                            required=False, doc="the conventions of the clinic's own language's "
                                                "leaflets: dates and regional fixed strings"),
        },
        lambda v, o: Brand(path.stem, v["name"], v["logo"], v["colours"], v["address"], v["phone"],
                           v["urgent_phone"], v["website"], v["email"], path,
                           v["languages"], v["fonts"], v["layouts"], v["leaflet_url"],
                           v["feedback"], lang=v["lang"], emergency_phone=v["emergency_phone"],
                           support=v["support"], reading_grade=v["reading_grade"],
                           allow_drafts=v["allow_drafts"],
                           document_code_prefix=v["document_code_prefix"],
                           document_owner=v["document_owner"], locale=v["locale"]),
    )


def _font_files_outside(brand: Brand, root: Path, shared: list[Path], diagnostics: Diagnostics) -> bool:
    """Report each font file the brand names that is outside the project and its shared
    folders (a family name fontconfig knows, or `package:MODULE`, is the machine's or a
    package's by design)."""
    found = False
    for spec in brand.fonts.values():
        for value in filter(None, (spec.regular, spec.bold)):
            if is_font_path(value) and (real := outside(spec.folder / value, root, shared)) is not None:
                diagnostics.error(spec.origin, outside_message("font", value, real))
                found = True
    return found


def _shared_folders(path: Path, root: Path, data: Any, diagnostics: Diagnostics) -> list[Path] | None:
    """The brand's `shared_folders` (its allow-list), each checked: relative to the brand
    file, an existing folder, and not one holding the project (which would allow anything
    beside it); None after reporting a problem."""
    if "shared_folders" not in data:
        return []
    listed = data["shared_folders"]
    folders, ok = [], True
    for value, origin in zip(listed, listed.item_origins):
        folder = path.parent / value
        if Path(value).is_absolute():
            diagnostics.error(origin, f"shared folder `{value}` must be relative to the brand "
                                      f"file ({path.name}), such as `../../../shared-assets`, so "
                                      "that the project builds on any machine")
            ok = False
        elif not folder.is_dir():
            diagnostics.error(origin, f"shared folder `{value}` is not a folder (it would be "
                                      f"{folder.resolve()}): create it, or fix or remove this entry")
            ok = False
        elif root.resolve().is_relative_to(folder.resolve()):
            diagnostics.error(origin, f"shared folder `{value}` holds the project folder, so it would "
                                      "allow any file beside the project: name the folder of shared "
                                      "logos and fonts itself")
            ok = False
        else:
            folders.append(folder)
    return folders if ok else None


def load_brand(path: Path, diagnostics: Diagnostics) -> Brand | None:
    loaded = read_document(path, brand_schema(path), diagnostics)
    if loaded is None:
        return None
    data, brand = loaded
    logo_origin = data["logo"].origin_of("file")
    root = project_root_of(path, 3)
    shared = _shared_folders(path, root, data, diagnostics)
    if shared is None:
        return None
    escaped = _font_files_outside(brand, root, shared, diagnostics)
    real = outside(brand.logo.path, root, shared)
    if real is not None:
        diagnostics.error(logo_origin, outside_message("logo", data["logo"]["file"], real))
        return None
    if escaped:
        return None
    if brand.logo.path.suffix.lower() not in LOGO_SUFFIXES:
        diagnostics.error(logo_origin, f"logo `{brand.logo.path.name}` must be SVG, PNG or JPEG")
        return None
    try:
        logo_data = brand.logo.path.read_bytes()
    except OSError:
        diagnostics.error(logo_origin, f"logo file `{brand.logo.path.name}` not found next to "
                                       f"{path.name}; add the file or fix `logo.file`")
        return None
    colours = data["colours"]
    origins = {name: colours.origin_of(name) for name in BrandColours.__dataclass_fields__}
    problems = contrast_problems(brand.colours, origins) + urgent_look_problems(brand.colours, origins)
    for problem, origin in problems:
        diagnostics.error(origin, problem)
    if problems:  # its leaflets would be hard to read: none are built until it is fixed
        return None
    languages = data.get("languages")
    return Brand(**{**brand.__dict__, "logo": Logo(brand.logo.path, brand.logo.alt, logo_origin, logo_data),
                    "language_origins": tuple(languages.item_origins) if languages else (),
                    "locale_origin": data.origin_of("locale") if "locale" in data else None})


WCAG_AA = 4.5
# (text colour, background colour, where the pair is seen)
_PAIRS = (
    ("on_primary", "primary", "text on the header band"),
    ("text", "#FFFFFF", "body text on the page"),
    ("accent", "#FFFFFF", "headings on the page"),
    ("urgent", "urgent_background", "the urgent callout's title"),
    ("text", "urgent_background", "text in the urgent callout"),
    ("info", "info_background", "the information callout's title"),
    ("text", "info_background", "text in the information callout"),
)


def linear_rgb(colour: str) -> tuple[float, float, float]:
    """The linear-light red, green and blue of an sRGB `#RRGGBB` (IEC 61966-2-1; WCAG 2's
    older threshold 0.03928 gives the same for every 8-bit value)."""
    def linear(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(int(colour[i:i + 2], 16)) for i in (1, 3, 5))
    return r, g, b


def relative_luminance(colour: str) -> float:
    """WCAG 2 relative luminance of `#RRGGBB`."""
    r, g, b = linear_rgb(colour)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(first: str, second: str) -> float:
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def contrast_problems(colours: BrandColours, origins: dict[str, Origin]) -> list[tuple[str, Origin]]:
    """Colour pairs below WCAG AA (4.5:1), each with the origin of its text colour."""
    problems = []
    for text_key, background_key, where in _PAIRS:
        text = getattr(colours, text_key)
        background = getattr(colours, background_key, background_key)
        ratio = contrast_ratio(text, background)
        if ratio < WCAG_AA:
            name = f"`colours.{background_key}` {background}" if background_key in origins \
                else f"white {background}"
            problems.append((f"{where}: `colours.{text_key}` {text} on {name} has contrast "
                             f"{ratio:.2f}:1, below the 4.5:1 WCAG AA needs; darken the text or "
                             "lighten the background", origins[text_key]))
    return problems


# The urgent box looks unlike every other box: its colours differ from theirs by at least
# these CIEDE2000 colour differences (ΔE00: about 2 is the least a reader notices side by
# side; pale tints need less than dark bars to read as different at a glance).
URGENT_BAR_DIFFERENCE = 20.0
URGENT_TINT_DIFFERENCE = 8.0
# (urgent colour, other colour, what the other colour is, the least difference, the fix)
_URGENT_PAIRS = (
    ("urgent", "info", "the bar and title of the information and support boxes",
     URGENT_BAR_DIFFERENCE, "a redder or brighter `colours.urgent`, or another `colours.info`"),
    ("urgent", "accent", "the bar of the closing box (and the headings)",
     URGENT_BAR_DIFFERENCE, "a redder or brighter `colours.urgent`, or another `colours.accent`"),
    ("urgent_background", "info_background", "the tint of the information, support, contact "
     "and closing boxes", URGENT_TINT_DIFFERENCE, "a warmer `colours.urgent_background` (a pale "
     "red or peach) or a cooler `colours.info_background`"),
)


def urgent_look_problems(colours: BrandColours, origins: dict[str, Origin]) -> list[tuple[str, Origin]]:
    """Colours of the urgent box too close to another box's, each at the urgent colour."""
    problems = []
    for urgent_key, other_key, other, least, fix in _URGENT_PAIRS:
        urgent, theirs = getattr(colours, urgent_key), getattr(colours, other_key)
        difference = ciede2000(cielab(urgent), cielab(theirs))
        if difference < least:
            problems.append((f"`colours.{urgent_key}` {urgent} is too like `colours.{other_key}` "
                             f"{theirs}, {other}: a colour difference (CIEDE2000) of "
                             f"{difference:.1f}, below the {least:g} that keeps the urgent box "
                             f"unlike every other box; use {fix}", origins[urgent_key]))
    return problems


def cielab(colour: str) -> tuple[float, float, float]:
    """CIE L*a*b* (D65) of an sRGB `#RRGGBB`."""
    r, g, b = linear_rgb(colour)
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 216 / 24389 else (24389 / 27 * t + 16) / 116

    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


def ciede2000(first: tuple[float, float, float], second: tuple[float, float, float]) -> float:
    """The CIEDE2000 colour difference of two CIELAB colours (Sharma, Wu and Dalal, 2005;
    k_L = k_C = k_H = 1)."""
    (l1, a1, b1), (l2, a2, b2) = first, second
    mean_c = (math.hypot(a1, b1) + math.hypot(a2, b2)) / 2
    g = 0.5 * (1 - math.sqrt(mean_c ** 7 / (mean_c ** 7 + 25 ** 7)))
    a1, a2 = (1 + g) * a1, (1 + g) * a2
    c1, c2 = math.hypot(a1, b1), math.hypot(a2, b2)
    h1 = math.degrees(math.atan2(b1, a1)) % 360 if c1 else 0.0
    h2 = math.degrees(math.atan2(b2, a2)) % 360 if c2 else 0.0
    dh = 0.0 if not c1 * c2 else (h2 - h1 if abs(h2 - h1) <= 180 else
                                  h2 - h1 - 360 if h2 > h1 else h2 - h1 + 360)
    delta_l, delta_c = l2 - l1, c2 - c1
    delta_h = 2 * math.sqrt(c1 * c2) * math.sin(math.radians(dh / 2))
    mean_l, mean_cp = (l1 + l2) / 2, (c1 + c2) / 2
    if not c1 * c2:
        mean_h = h1 + h2
    elif abs(h1 - h2) <= 180:
        mean_h = (h1 + h2) / 2
    else:
        mean_h = (h1 + h2 + (360 if h1 + h2 < 360 else -360)) / 2
    t = (1 - 0.17 * math.cos(math.radians(mean_h - 30)) + 0.24 * math.cos(math.radians(2 * mean_h))
         + 0.32 * math.cos(math.radians(3 * mean_h + 6)) - 0.20 * math.cos(math.radians(4 * mean_h - 63)))
    rotation = 30 * math.exp(-(((mean_h - 275) / 25) ** 2))
    r_c = 2 * math.sqrt(mean_cp ** 7 / (mean_cp ** 7 + 25 ** 7))
    s_l = 1 + 0.015 * (mean_l - 50) ** 2 / math.sqrt(20 + (mean_l - 50) ** 2)
    s_c, s_h = 1 + 0.045 * mean_cp, 1 + 0.015 * mean_cp * t
    r_t = -math.sin(math.radians(2 * rotation)) * r_c
    return math.sqrt((delta_l / s_l) ** 2 + (delta_c / s_c) ** 2 + (delta_h / s_h) ** 2
                     + r_t * (delta_c / s_c) * (delta_h / s_h))


def load_brands(folder: Path, diagnostics: Diagnostics) -> dict[str, Brand]:
    return load_folder(folder, load_brand, diagnostics)
