"""Bundles are tagged PDF/UA-1: the leaflets' structure trees joined, each a Part in handout
order, its references on the bundle's own pages and annotations.  Imposed sheets (a booklet's,
and a booklet bundle's) are print-only, PDF/A but not PDF/UA, and name their reading copy."""

from __future__ import annotations

import functools
import io
import json
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from conftest import Tree, build_project, copy_project, parent_tree, parse_xmp, squash, xmp_value
from pypdf import PdfReader
from pypdf.generic import ContentStream, DictionaryObject

from carepress.bundle import bundle
from carepress.load import load_project
from carepress.model import plain
from carepress.pipeline import READING_ORDER, resolve_job
from carepress.plan import Job

HANDOUTS = ("iud-aftercare", "miscarriage-aftercare")  # handout order


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A whole `carepress build --bundle`."""
    root = copy_project(tmp_path_factory.mktemp("bundles") / "project")
    build_project(root, "--bundle", "-q")
    return root / "dist"


def imposing_layouts(root: Path) -> set[str]:
    """The layouts of the project at ``root`` that impose their pages on sheets."""
    project = load_project(root)
    return {layout for layout, spec in project.layouts.items() if spec.imposition is not None}


def is_imposed(path: Path, layouts: set[str]) -> bool:
    """Printed sheets: a leaflet or bundle on an imposing layout, not its reading order."""
    return any(path.name.endswith(f"-{layout}.pdf") for layout in layouts)


def tagged_bundles(dist: Path, langs: tuple[str, ...] = ("en", "ar")) -> list[tuple[Path, str, str, str]]:
    """(file, clinic, lang, layout) of each tagged bundle in ``langs``: every layout's, and a
    booklet's reading order (its layout given as the booklet's)."""
    found = []
    imposing = imposing_layouts(dist.parent)
    for path in sorted(dist.glob("*/*/bundle-*.pdf")):
        clinic, lang = path.parent.parent.name, path.parent.name
        if lang in langs and not is_imposed(path, imposing):
            layout = path.stem.removeprefix("bundle-").removesuffix(f"-{READING_ORDER}")
            found.append((path, clinic, lang, layout))
    return found


def leaflets_of(path: Path) -> list[Path]:
    """The leaflet files a bundle holds, in handout order."""
    suffix = path.name.removeprefix("bundle")
    return [path.with_name(handout + suffix) for handout in HANDOUTS]


@functools.cache
def tree_of(path: Path) -> Tree:
    """The structure tree of a file of the module's build, read once."""
    return Tree(path)


def catalog_xmp(reader: PdfReader):  # type: ignore[no-untyped-def]
    return parse_xmp(reader.trailer["/Root"]["/Metadata"].get_object().get_data())


def page_mcids(reader: PdfReader, page: DictionaryObject) -> list[int]:
    mcids = []
    for operands, operator in ContentStream(page.get_contents(), reader).operations:
        if operator == b"BDC" and isinstance(operands[1], DictionaryObject) and "/MCID" in operands[1]:
            mcids.append(operands[1]["/MCID"])
    return mcids


def objects_by_kind(reader: PdfReader) -> Counter[str]:
    """How many objects of each kind the file holds (pages, annotations, structure elements)."""
    kinds: Counter[str] = Counter()
    for number in range(1, int(reader.trailer["/Size"])):
        try:
            obj = reader.get_object(number)
        except Exception:  # (a free entry)
            continue
        if isinstance(obj, DictionaryObject):
            kinds[str(obj.get("/Type", obj.get("/Subtype", "")))] += 1
            if obj.get("/Type") == "/Annot" or obj.get("/Subtype") in ("/Link", "/Widget"):
                kinds["annotation"] += 1
    return kinds


def test_the_english_and_arabic_bundles_pass_page_validation(dist: Path) -> None:
    page = pytest.importorskip("page")
    checked = tagged_bundles(dist)
    assert len(checked) == 12  # (2 + 2 layouts in English elsewhere, 4 + 4 at Riverside)
    for path, *_ in checked:
        for profile in ("ua1", "2u"):
            report = page.validate_pdf(str(path), profile=profile)
            assert report.rules.failed == 0, (str(path), profile, [f.rule_id for f in report.failures][:5])


# As in test_tagging.py: outloud takes a line repeated on a leaflet's later pages for a running
# head and reports a long one (brand name and title, marked /Artifact /Pagination) as prose
# hidden in an artifact.  Any other finding fails.
def test_outloud_finds_no_error_in_the_bundles(dist: Path) -> None:
    if shutil.which("outloud") is None:
        pytest.skip("outloud is not installed")
    checked = tagged_bundles(dist)
    running_heads = {squash(PdfReader(leaflet).metadata.author + PdfReader(leaflet).metadata.title)
                     for path, *_ in checked for leaflet in leaflets_of(path)}
    result = subprocess.run(["outloud", "--json", "-", "--fail-on", "never", *(str(p) for p, *_ in checked)],
                            capture_output=True, text=True, check=True)
    reports = json.loads(result.stdout)["results"]
    assert len(reports) == len(checked)
    for report in reports:
        errors = [finding for finding in report["findings"] if finding["severity"] == "error"
                  and not (finding["rule"] == "TAG-002" and any(
                      head.startswith(squash(finding.get("evidence", "")).rstrip("…"))
                      for head in running_heads))]
        assert errors == [], (report["path"], errors)


def test_each_leaflet_is_a_part_of_the_bundle_in_handout_order(dist: Path) -> None:
    project = load_project(dist.parent)
    for path, clinic, lang, layout in tagged_bundles(dist):
        tree = tree_of(path)
        assert tree.elements[0][0] == "Document"
        parts = [(element, depth) for role, element, depth in tree.elements if depth == 1]
        document = tree.elements[0][1]
        assert document.raw_get("/P").idnum == tree.reader.trailer["/Root"].raw_get("/StructTreeRoot").idnum
        assert len(parts) == len(HANDOUTS) and all(element["/S"] == "/Part" for element, _ in parts)
        assert all(element.raw_get("/P").idnum == document.indirect_reference.idnum for element, _ in parts)
        for (part, _), leaflet_path, handout in zip(parts, leaflets_of(path), HANDOUTS):
            leaflet = resolve_job(project, Job(handout, lang, clinic, layout)).leaflet
            assert part["/T"] == PdfReader(leaflet_path).metadata.title
            # The part is the leaflet's tree, element by element, with the same text.
            own = tree_of(leaflet_path)
            inside = [(role, depth - 1, squash(tree.text(element))) for role, element, depth in
                      _subtree(tree, part)]
            assert inside[0][0] == "Part" and own.elements[0][0] == "Document"
            assert inside[1:] == [(role, depth, squash(own.text(element)))
                                  for role, element, depth in own.elements[1:]], (path.name, handout)
            headings = [text for role, _, text in inside if role == "H1"]
            assert headings == [squash(plain(leaflet.title))], (path.name, handout)


def _subtree(tree: Tree, top: DictionaryObject) -> list[tuple[str, DictionaryObject, int]]:
    start = next(index for index, (_, element, _) in enumerate(tree.elements) if element is top)
    depth = tree.elements[start][2]
    end = next((index for index in range(start + 1, len(tree.elements))
                if tree.elements[index][2] <= depth), len(tree.elements))
    return tree.elements[start:end]


def test_the_parent_tree_and_every_reference_are_the_bundles_own(dist: Path) -> None:
    for path, _, lang, _ in tagged_bundles(dist):
        reader = PdfReader(path)
        catalog = reader.trailer["/Root"]
        assert catalog["/MarkInfo"]["/Marked"].value is True and catalog["/Lang"] == lang
        preferences = catalog["/ViewerPreferences"]
        assert preferences["/DisplayDocTitle"].value is True
        assert preferences.get("/Direction") == ("/R2L" if lang == "ar" else None)
        assert xmp_value(catalog_xmp(reader), "pdfuaid:part") == "1"
        root = catalog["/StructTreeRoot"]
        owners = parent_tree(reader)
        pages = {page.indirect_reference.idnum: index for index, page in enumerate(reader.pages)}
        annotations = {a.idnum: (index, a.get_object()) for index, page in enumerate(reader.pages)
                       for a in page.get("/Annots", [])}
        page_keys = [page["/StructParents"] for page in reader.pages]
        annotation_keys = [annotation["/StructParent"] for _, annotation in annotations.values()]
        keys = page_keys + annotation_keys
        assert len(set(keys)) == len(keys) and set(keys) == set(owners)
        assert root["/ParentTreeNextKey"] > max(keys)
        # Each page's MCIDs, in the parent tree, are elements that hold that MCID on that page.
        for index, page in enumerate(reader.pages):
            assert page["/Tabs"] == "/S"
            mcids = page_mcids(reader, page)
            marked = owners[page["/StructParents"]]
            assert mcids == list(range(len(mcids))) and len(marked) == len(mcids)
            for mcid, element in zip(mcids, marked):
                element = element.get_object()
                held = [(pages[element.raw_get("/Pg").idnum], kid) if isinstance(kid, int)
                        else (pages[kid.raw_get("/Pg").idnum], kid["/MCID"])
                        for kid in (k.get_object() if hasattr(k, "get_object") else k
                                    for k in Tree.kids(element))
                        if isinstance(kid, int) or kid.get("/Type") == "/MCR"]
                assert (index, mcid) in held, (path.name, index, mcid)
        # Each annotation's element is a Link or Form holding it, on its own page; every object
        # reference in the tree is to an annotation on the bundle's pages, each once.
        references = []
        for role, element, _ in tree_of(path).elements:
            if "/Pg" in element:
                assert element.raw_get("/Pg").idnum in pages
            for kid in Tree.kids(element):
                kid = kid.get_object() if hasattr(kid, "get_object") else kid
                if isinstance(kid, DictionaryObject) and kid.get("/Type") == "/OBJR":
                    references.append(kid.raw_get("/Obj").idnum)
                    assert role in ("Link", "Form")
                    assert pages[kid.raw_get("/Pg").idnum] == annotations[kid.raw_get("/Obj").idnum][0]
        assert sorted(references) == sorted(annotations)
        for idnum, (_, annotation) in annotations.items():
            owner = owners[annotation["/StructParent"]]
            assert owner["/S"] in ("/Link", "/Form")
            assert idnum in [kid.get_object().raw_get("/Obj").idnum for kid in Tree.kids(owner)
                             if kid.get_object().get("/Type") == "/OBJR"]


def test_no_page_annotation_or_element_is_copied_twice_and_the_links_stay(dist: Path) -> None:
    for path, *_ in tagged_bundles(dist):
        reader = PdfReader(path)
        leaflets = [PdfReader(leaflet) for leaflet in leaflets_of(path)]
        kinds = objects_by_kind(reader)
        expected: Counter[str] = Counter()
        for leaflet in leaflets:
            expected.update(objects_by_kind(leaflet))
        assert kinds["/Page"] == len(reader.pages) == expected["/Page"]
        assert kinds["annotation"] == expected["annotation"] == sum(
            len(page.get("/Annots", [])) for page in reader.pages)
        assert kinds["/StructElem"] == expected["/StructElem"] + 1  # and the bundle's Document
        assert kinds["/StructTreeRoot"] == 1
        # The links, page by page, as the leaflets have them.
        assert [_links(page) for page in reader.pages] == [
            _links(page) for leaflet in leaflets for page in leaflet.pages]
        assert any(_links(page) for page in reader.pages)


def _links(page: DictionaryObject) -> list[tuple[str, list[float]]]:
    return [(str(a.get_object().get("/A", {}).get("/URI")), [float(v) for v in a.get_object()["/Rect"]])
            for a in page.get("/Annots", [])]


def test_every_pdf_is_pdfa_and_all_but_the_printed_sheets_are_pdfua(dist: Path) -> None:
    imposing = imposing_layouts(dist.parent)
    paths = sorted(dist.rglob("*.pdf"))
    imposed = [path for path in paths if is_imposed(path, imposing)]
    # (5 booklet bundles' reading order; Riverside's tri-folds: 10 leaflets and 5 bundles, each
    # imposed and in reading order)
    assert len(paths) == 97 + 5 + 30 and len(imposed) == 10 + 5 + 15
    for path in paths:
        reader = PdfReader(path)
        catalog = reader.trailer["/Root"]
        xmp = catalog_xmp(reader)
        assert (xmp_value(xmp, "pdfaid:part"), xmp_value(xmp, "pdfaid:conformance")) == ("2", "U")
        assert len(catalog["/OutputIntents"]) == 1
        first, second = (entry.original_bytes for entry in reader.trailer["/ID"])
        assert len(first) == 16 and first == second
        if path not in imposed:
            assert xmp_value(xmp, "pdfuaid:part") == "1" and "/StructTreeRoot" in catalog, path
            assert xmp_value(xmp, "dc:source") is None
            continue
        # Print-only: no PDF/UA claim, no structure, and the file to read named, beside it.
        assert xmp_value(xmp, "pdfuaid:part") is None and "/StructTreeRoot" not in catalog, path
        assert "/MarkInfo" not in catalog or catalog["/MarkInfo"]["/Marked"].value is False
        reading = xmp_value(xmp, "dc:source")
        assert reading == path.stem + f"-{READING_ORDER}.pdf"
        description = xmp_value(xmp, "dc:description/rdf:Alt/rdf:li")
        assert description == reader.metadata.subject and description.startswith("Print-ready imposed sheets")
        assert description.endswith(f"the accessible reading copy is {reading}")
        copy = PdfReader(path.with_name(reading))
        assert "/StructTreeRoot" in copy.trailer["/Root"]
        assert xmp_value(catalog_xmp(copy), "pdfuaid:part") == "1"
        for page in reader.pages:  # every placed page an artifact, with no MCID left in it
            depth = 0
            for operands, operator in ContentStream(page.get_contents(), reader).operations:
                if operator == b"BMC":
                    assert operands[0] == "/Artifact"
                    depth += 1
                elif operator == b"EMC":
                    depth -= 1
                elif operator == b"Do":
                    assert depth == 1
                    assert b"MCID" not in page["/Resources"]["/XObject"][operands[0]].get_object().get_data()
            assert "/StructParents" not in page
            assert all("/StructParent" not in a.get_object() for a in page.get("/Annots", []))


def test_a_bundle_with_an_untagged_leaflet_claims_no_pdfua(dist: Path) -> None:
    """Leaflets an older carepress made have no structure tree: the bundle is then not tagged,
    and does not say it is."""
    folder = dist / "riverside-womens-health/en"
    tagged = (folder / "iud-aftercare-a4.pdf").read_bytes()
    untagged = (folder / "miscarriage-aftercare-a5-booklet.pdf").read_bytes()
    data, pages = bundle([tagged, untagged])
    reader = PdfReader(io.BytesIO(data))
    assert pages == len(reader.pages) == 2 + len(PdfReader(io.BytesIO(untagged)).pages)
    assert "/StructTreeRoot" not in reader.trailer["/Root"]
    assert xmp_value(catalog_xmp(reader), "pdfuaid:part") is None
