"""The build cache's keys: one per job from every input that shapes its files.

A job's key hashes its handout, the translation and fixed strings of its language (and of
its clinic's region), the source documents it quotes, its layout, its brand with logo and
fonts, the versions of carepress and of every library that draws it, and the options.
publish.py keeps each job's key with its records in the output folder, and decides with
them what is unchanged.
"""

from __future__ import annotations

import hashlib
import os
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from carepress.fontfiles import brand_faces, font_file
from carepress.languages import leaflet_locale, regional_tags
from carepress.load import Project
from carepress.model import PassageRef, PrintOptions, passages_of
from carepress.plan import editions_of
from carepress.usercache import library_versions

if TYPE_CHECKING:
    from carepress.plan import Job
    from carepress.resolve import ResolveOptions

_LIBRARIES = ("carepress", "reportlab", "rl_accel", "pypdf", "PyYAML", "Jinja2", "markdown-it-py",
              "Babel", "svglib", "lxml", "pymupdf-fonts", "fonttools", "uharfbuzz", "python-bidi",
              "noto-cjk-sans-otc", "noto-cjk-sans-jp-bold", "pillow", "textstat", "pyphen")


@cache
def _library_versions() -> str:
    """Installed versions of carepress and everything that shapes a PDF (usercache reads
    them from the `*.dist-info` folders' names, fast enough for a no-op rebuild)."""
    return library_versions(*_LIBRARIES)


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

    def key(self, project: Project, job: Job, printing: PrintOptions, gates: ResolveOptions) -> str:
        """The job's key: its input files, the options that shape its bytes, and the gates
        that decide whether it may be built at all (--strict, --require-reviewed and whether
        its review date has passed), so a cached leaflet never slips past them."""

        root, handout_id, lang = project.root, job.handout, job.lang
        handout = project.handouts[handout_id]
        brand = project.brands[job.clinic]
        files = [handout.path, root / "layouts/strings" / f"{lang}.yaml", brand.path, brand.logo.path]
        # (its region's strings, when the clinic's locale has a file, or gets one)
        files += [root / "layouts/strings" / f"{tag}.yaml"
                  for tag in regional_tags(lang, leaflet_locale(lang, brand.locale))]
        if job.layout:  # (an HTML twin has none, and no print options shape it)
            files.append(project.layouts[job.layout].path)
        else:
            printing = PrintOptions()
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
        # (the editions its closing line claims: the clinic's other languages and layouts)
        editions = editions_of(project, handout_id, brand)
        digest.update(repr((job, printing, gates.strict, gates.require_reviewed, overdue, editions,
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
