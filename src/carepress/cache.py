"""The build cache: a key per leaflet from every input that shapes it.

A leaflet's key hashes its handout, the translation and fixed strings of its language, the
source documents it quotes, its layout, its brand with logo and fonts, the versions of
carepress and of every library that draws it, and the options.  After a leaflet is published
its key and manifest records are written next to the output (``OUT/.carepress/``), one small
file per leaflet, so the cache survives an interrupted build.
"""

from __future__ import annotations

import hashlib
import json
import os
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from carepress.errors import Diagnostic, Origin
from carepress.files import write_atomic
from carepress.load import Project
from carepress.fontfiles import brand_faces, font_file
from carepress.model import PassageRef, PrintOptions, passages_of
from carepress.publish import (
    BAD_RECORDS,
    ManifestRecord,
    records_from_json,
    records_to_json,
)

if TYPE_CHECKING:
    from carepress.resolve import ResolveOptions

CACHE_FOLDER = ".carepress"
_LIBRARIES = ("carepress", "reportlab", "pypdf", "PyYAML", "Jinja2", "markdown-it-py", "Babel",
              "svglib", "pymupdf-fonts", "fonttools", "uharfbuzz", "python-bidi",
              "noto-cjk-sans-otc", "noto-cjk-sans-jp-bold", "pillow")


@cache
def _library_versions() -> str:
    """Installed versions of everything that shapes a PDF, read from the names of the
    `*.dist-info` folders (importlib.metadata takes ten times as long: the cache key is on
    the path of a no-op rebuild, which must stay well under a second)."""
    import re
    import sys

    wanted = {re.sub(r"[-_.]+", "_", name).lower(): name for name in _LIBRARIES}
    found: dict[str, str] = {}
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for folder in names:
            match = re.fullmatch(r"(.+?)-([^-]+)\.dist-info", folder)
            if match:
                key = re.sub(r"[-_.]+", "_", match.group(1)).lower()
                if key in wanted and wanted[key] not in found:
                    found[wanted[key]] = match.group(2)
    missing = [name for name in _LIBRARIES if name not in found]
    if missing:
        from importlib import metadata
    for name in missing:  # e.g. an editable install without a dist-info folder on sys.path
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "none"
    return ";".join(f"{name}={found[name]}" for name in _LIBRARIES)


class InputHasher:
    """Hashes files once per build, however many leaflets share them."""

    def __init__(self) -> None:
        self._files: dict[Path, str] = {}

    def file(self, path: Path) -> str:
        if path not in self._files:
            try:
                self._files[path] = hashlib.sha256(path.read_bytes()).hexdigest()
            except OSError:
                self._files[path] = "missing"
        return self._files[path]

    def key(self, project: Project, handout_id: str, lang: str, clinic: str, layout: str,
            printing: PrintOptions, gates: ResolveOptions) -> str:
        """The leaflet's key: its input files, the options that shape its bytes, and the
        gates that decide whether it may be built at all (--strict, --require-reviewed and
        whether its review date has passed), so a cached leaflet never slips past them."""

        root = project.root
        handout = project.handouts[handout_id]
        brand = project.brands[clinic]
        files = [handout.path, root / "layouts/strings" / f"{lang}.yaml",
                 project.layouts[layout].path, brand.path, brand.logo.path]
        if lang != handout.lang:
            files.append(root / "handouts/translations" / lang / f"{handout_id}.yaml")
        for source_id in sorted({ref.source for ref in passages_of(handout)
                                 if isinstance(ref, PassageRef)}):
            source = project.sources.get(source_id)
            if source is not None:
                files += [source.path, source.path.with_suffix(".yaml")]
        for spec in brand.fonts.values():  # (found as the typesetter finds them)
            for value, fc_bold in brand_faces(spec.regular, spec.bold):
                path = font_file(value, spec.folder, fc_bold)
                if path is not None:
                    files.append(path)
        digest = hashlib.sha256()
        digest.update(_library_versions().encode())
        digest.update(_code_digest().encode())
        overdue = gates.today is not None and handout.control.review_by < gates.today
        digest.update(repr((handout_id, lang, clinic, layout, printing, gates.strict,
                            gates.require_reviewed, overdue,
                            os.environ.get("SOURCE_DATE_EPOCH", ""))).encode())
        for path in files:
            digest.update(f"{path.name}:{self.file(path)}".encode())
        return digest.hexdigest()


def bundle_key(leaflet_digests: list[str]) -> str:
    """A bundle's inputs: its leaflets' contents, in order, and the code that joins them."""
    digest = hashlib.sha256()
    for part in (_library_versions(), _code_digest(), *leaflet_digests):
        digest.update(part.encode())
    return digest.hexdigest()


@cache
def _code_digest() -> str:
    """A hash of carepress's own source: a changed line of code rebuilds, not only a new
    version number (what a developer or a CI run on an unreleased commit needs)."""
    package = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _key_path(out: Path, leaflet: str) -> Path:
    return out / CACHE_FOLDER / (leaflet + ".json")


def cached_records(out: Path, leaflet: str, key: str
                   ) -> tuple[list[ManifestRecord], list[Diagnostic]] | None:
    """The records and warnings of a leaflet built earlier from exactly these inputs, if its
    files are still there as written."""
    try:
        entry = json.loads(_key_path(out, leaflet).read_text(encoding="utf-8"))
        if entry["key"] != key:
            return None
        records = records_from_json(entry["records"])
        warnings = [Diagnostic(Origin(Path(w["path"]), w["line"], w["column"]), w["message"],
                               "warning", tuple(w["details"])) for w in entry["warnings"]]
    except BAD_RECORDS:
        return None
    for record in records:
        target = out / record.path
        if not target.is_file() or target.stat().st_size != record.bytes:
            return None
    return records, warnings


def remember(out: Path, leaflet: str, key: str, records: list[ManifestRecord],
             warnings: list[Diagnostic]) -> None:
    """Written with the leaflet: an unchanged leaflet still reports what it warned of."""
    entry = {"key": key, "records": records_to_json(records),
             "warnings": [{"path": str(w.origin.path), "line": w.origin.line,
                           "column": w.origin.column, "message": w.message,
                           "details": list(w.details)} for w in warnings]}
    try:
        write_atomic(_key_path(out, leaflet), json.dumps(entry, sort_keys=True).encode("utf-8"))
    except OSError:  # (the leaflet is written; without its entry it is only built again)
        pass
