"""Print production: in a bundle every embedded font subset has a name of its own (ReportLab
names each leaflet's first subset of a font `AAAAAA+`), the same for every build; and every
PDF written declares a version that fits what it holds (transparency, XMP: 1.4)."""

from __future__ import annotations

import hashlib
import io
import re
from collections import defaultdict
from pathlib import Path

import pytest
from conftest import build_project, copy_project
from pypdf import PdfReader
from pypdf.generic import DictionaryObject

from carepress.bundle import bundle

SUBSET = re.compile(r"^/[A-Z]{6}\+")
LAYOUTS = ("letter", "a5-booklet")  # a plain bundle, and an imposed one with its reading order


def build(root: Path) -> Path:
    build_project(root, "--bundle", "-q", "--format", "pdf", *(f"--layout={layout}" for layout in LAYOUTS))
    return root / "dist"


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(copy_project(tmp_path_factory.mktemp("fonts") / "project"))


def subset_files(data: bytes) -> dict[str, set[str]]:
    """Each subset font's name (/BaseFont, `XXXXXX+Name`) -> the digests of the font files
    named so, over every font the pages draw with (forms included); and, checked on the way,
    that its descriptor's /FontName and its ToUnicode CMap's name are the same."""
    reader = PdfReader(io.BytesIO(data))
    found: dict[str, set[str]] = defaultdict(set)

    def visit(resources: DictionaryObject) -> None:
        for font in resources.get("/Font", DictionaryObject()).values():
            font = font.get_object()
            for holder in [d.get_object() for d in font.get("/DescendantFonts", [])] or [font]:
                name = str(holder["/BaseFont"])
                if not SUBSET.match(name):
                    continue
                descriptor = holder["/FontDescriptor"].get_object()
                assert descriptor["/FontName"] == name
                stream = next(descriptor[key] for key in ("/FontFile", "/FontFile2", "/FontFile3")
                              if key in descriptor)
                found[name].add(hashlib.sha256(stream.get_object().get_data()).hexdigest())
                if "/ToUnicode" in font:
                    assert f"/CMapName {name} def".encode() in font["/ToUnicode"].get_object().get_data()
        for xobject in resources.get("/XObject", DictionaryObject()).values():
            xobject = xobject.get_object()
            if "/Resources" in xobject:
                visit(xobject["/Resources"].get_object())

    for page in reader.pages:
        visit(page["/Resources"].get_object())
    return found


def bundles(dist: Path) -> list[Path]:
    return sorted(dist.glob("*/*/bundle-*.pdf"))


def test_each_subset_name_in_a_bundle_is_one_font_file(dist: Path) -> None:
    paths = bundles(dist)
    assert len(paths) == 7 + 5 + 5  # letter (7 clinic-languages), booklets and their reading order
    for path in paths:
        files = subset_files(path.read_bytes())
        assert len(files) >= 4, path  # (two leaflets, each a regular and a bold subset at least)
        assert all(len(digests) == 1 for digests in files.values()), (path, files)
    # The leaflets themselves name their subsets as ReportLab does (AAAAAA+, AAAAAB+ for a
    # font split in two): so the bundle above renamed them.
    leaflet = subset_files((dist / "harbour-health/en/iud-aftercare-letter.pdf").read_bytes())
    assert set(leaflet) == {"/AAAAAA+FiraGO-Regular", "/AAAAAA+FiraGO-Bold"}


def test_the_same_subset_twice_keeps_one_name(dist: Path) -> None:
    leaflet = (dist / "harbour-health/en/iud-aftercare-letter.pdf").read_bytes()
    data, _ = bundle([leaflet, leaflet])
    files = subset_files(data)
    assert len(files) == 2 and all(len(digests) == 1 for digests in files.values())
    assert not any(name.startswith("/AAAAAA+") for name in files)


def test_bundles_are_byte_identical_across_builds(dist: Path, tmp_path: Path) -> None:
    again = build(copy_project(tmp_path / "project"))
    for path in bundles(dist):
        assert (again / path.relative_to(dist)).read_bytes() == path.read_bytes(), path


def test_every_pdf_declares_at_least_1_4_and_sheets_declare_their_pages_version(dist: Path) -> None:
    paths = sorted(dist.rglob("*.pdf"))
    versions = {path: PdfReader(path).pdf_header for path in paths}
    assert all(header >= "%PDF-1.4" for header in versions.values()), versions
    sheets = [path for path in paths if path.name.endswith("-a5-booklet.pdf")]
    assert len(sheets) == 10 + 5
    for path in sheets:  # (their soft-masked logos need 1.4: pypdf's own header is 1.3)
        assert versions[path] == versions[path.with_name(path.stem + "-reading-order.pdf")], path
    for path in bundles(dist):
        leaflet = next(p for p in paths if p.parent == path.parent and not p.name.startswith("bundle-"))
        assert versions[path] == versions[leaflet]
