"""A carepress project folder: handouts, sources, layouts, brands and fixed strings."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from carepress.errors import CarepressError, Diagnostic, Diagnostics, Origin, did_you_mean
from carepress.languages import leaflet_locale
from carepress.load.brand import load_brands
from carepress.load.handout import load_handouts
from carepress.load.layout import load_layouts
from carepress.load.sources import load_sources
from carepress.load.strings import load_regional_strings, load_strings
from carepress.load.translations import TRANSLATIONS_FOLDER, load_translations
from carepress.load.yamlmarks import FAST_SAFE_LOADER
from carepress.model import Brand, Handout, Layout, Source, Translation, pieces_of

PINNED_FILE = "handouts/sources/passages.lock"


@dataclass
class Project:
    root: Path
    handouts: dict[str, Handout]
    sources: dict[str, Source]
    layouts: dict[str, Layout]
    brands: dict[str, Brand]
    strings: dict[str, dict[str, str]]
    pinned: dict[str, str]  # pin -> the passage text it was taken from
    translations: dict[tuple[str, str], Translation] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    # A region's fixed strings (`en-GB`): its language's, with those its own file changes.
    regional_strings: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def pinned_path(self) -> Path:
        return self.root / PINNED_FILE


def load_pinned(path: Path, diagnostics: Diagnostics) -> dict[str, str]:
    """The passage texts recorded when each pin was made, to show what changed.  The record
    only explains a changed passage, so a damaged one is a warning, and is read as empty.
    A pin listed without its text (`PIN:`) is one whose text is unknown, as is a pin not listed."""
    if not path.is_file():
        return {}
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=FAST_SAFE_LOADER) or {}
        if not isinstance(data, dict) or not all(isinstance(v, (str, type(None)))
                                                 for v in data.values()):
            raise ValueError("expected `PIN: passage text` lines")
    except (OSError, ValueError, yaml.YAMLError) as exc:  # (UnicodeDecodeError is a ValueError)
        message = str(exc).replace("\n", " ")
        diagnostics.warning(Origin(path), f"the pin record cannot be read ({message}); run "
                            "`carepress pin` to write it again")
        return {}
    return {str(k): v for k, v in data.items() if v is not None}


def _report_units_no_part_has(handout: Handout, translation: Translation,
                              diagnostics: Diagnostics) -> None:
    """Units of a translation that no part of the English has: renamed or removed."""
    units = {piece.unit for piece in pieces_of(handout)}
    for unit, translated in translation.units.items():
        if unit not in units:
            diagnostics.warning(translated.origin, f"unit `{unit}` is in no part of `{handout.id}` "
                                "(renamed or removed in the English?); delete it, or give it the "
                                "id of the part it translates")


def _report_clinic_conventions(project: Project, diagnostics: Diagnostics) -> None:
    """A handout's code that begins with a clinic's prefix (every clinic would print it: the
    prefix is added to it for each clinic's leaflets), and a clinic's locale that changes
    none of its leaflets."""
    prefixes = {brand.document_code_prefix: brand.id for brand in project.brands.values()
                if brand.document_code_prefix}
    for handout in project.handouts.values():
        code = handout.control.code
        for prefix, clinic in sorted(prefixes.items()):
            if code.startswith(prefix + "-"):
                diagnostics.error(handout.code_origin or Origin(handout.path),
                                  f"`control.code` {code} begins with `{prefix}-`, the document "
                                  f"code prefix of `{clinic}`: every clinic would print it. Write "
                                  f"the clinic-neutral code, `{code.removeprefix(prefix + '-')}`; each "
                                  "clinic's `document_code_prefix` is put before it on its leaflets")
                break
    for brand in project.brands.values():
        locale, languages = brand.locale, brand.languages
        if locale and languages and all(leaflet_locale(lang, locale) == lang for lang in languages):
            offered = ", ".join(f"`{lang}`" for lang in languages)
            diagnostics.warning(brand.locale_origin or Origin(brand.path),
                                f"`locale: {locale}` changes only leaflets in `{locale.split('-')[0]}`, "
                                f"and this clinic offers none ({offered}); give the locale of a "
                                "language it offers, or remove it")


def load_project(root: Path) -> Project:
    """Load and validate every file; problems are collected in ``Project.diagnostics``.

    Raises CarepressError only when the folder is not a carepress project at all.
    """
    root = root.resolve()
    for needed in ("handouts", "handouts/sources", "layouts", "layouts/brands", "layouts/strings"):
        if not (root / needed).is_dir():
            raise CarepressError([Diagnostic(Origin(root / needed),
                                  f"not a carepress project: `{needed}/` is missing "
                                  "(run from the project folder or pass --project)")])
    diagnostics = Diagnostics()
    project = Project(
        root=root,
        sources=load_sources(root / "handouts/sources", diagnostics),
        handouts=load_handouts(root / "handouts", diagnostics),
        layouts=load_layouts(root / "layouts", diagnostics),
        brands=load_brands(root / "layouts/brands", diagnostics),
        strings=load_strings(root / "layouts/strings", diagnostics),
        pinned=load_pinned(root / PINNED_FILE, diagnostics),
        translations=load_translations(root / TRANSLATIONS_FOLDER, diagnostics),
    )
    project.regional_strings = load_regional_strings(root / "layouts/strings", project.strings,
                                                     diagnostics)
    _report_clinic_conventions(project, diagnostics)
    offered = {h.lang for h in project.handouts.values()} | {lang for _, lang in project.translations}
    # (while a handout or translation fails to load, its language may be missing from `offered`)
    for brand in (project.brands.values() if not diagnostics.errors else ()):
        for lang, origin in zip(brand.languages, brand.language_origins):
            if lang not in offered:
                diagnostics.warning(origin, f"no handout is written or translated in `{lang}`, so "
                                    f"this clinic gets no `{lang}` leaflets{did_you_mean(lang, offered)}")
    for (handout, lang), translation in project.translations.items():
        # (a handout that exists but failed to load has been reported already)
        if not (root / "handouts" / f"{handout}.yaml").exists():
            diagnostics.error(translation.origin, f"translation of unknown handout `{handout}`")
        elif handout in project.handouts and project.handouts[handout].lang == lang:
            diagnostics.warning(translation.origin, f"`{handout}` is written in `{lang}`: this "
                                "translation into its own language is never used; delete it")
        elif handout in project.handouts:
            _report_units_no_part_has(project.handouts[handout], translation, diagnostics)
    project.diagnostics = diagnostics.items
    return project
