"""Every kind of PDF a build writes is PDF/A-2U: read back with pypdf, and checked with
page-validation (the offline PDF/A checker) where it is installed."""

from __future__ import annotations

import hashlib
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import Run, build_project, copy_project, parse_xmp, xmp_value
from pypdf import PdfReader
from pypdf.generic import DictionaryObject

from carepress.pdfa import srgb_icc_profile, xmp_date_from_pdf

RIVERSIDE = "riverside-womens-health"


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One PDF of every kind carepress writes, by name."""
    root = copy_project(tmp_path_factory.mktemp("pdfa") / "project")

    def build(*args: str) -> Path:
        out = root / f"dist-{len(list(root.glob('dist-*')))}"
        build_project(root, "-q", "--out", str(out), *args)
        return out

    matrix = build("--clinic", RIVERSIDE, "--lang", "en", "--lang", "ar", "--layout", "a4",
                   "--layout", "a5-booklet", "--bundle")
    chinese = build("--clinic", "harbour-health", "--lang", "zh-Hans", "--layout", "letter",
                    "--handout", "iud-aftercare")
    fillable = build("--clinic", RIVERSIDE, "--lang", "en", "--lang", "ar", "--layout", "a4",
                     "--handout", "iud-aftercare", "--fillable")
    printed = build("--clinic", RIVERSIDE, "--lang", "en", "--layout", "a4", "--layout", "a5-booklet",
                    "--handout", "iud-aftercare", "--bleed", "3mm", "--crop-marks")
    return {
        "english a4": matrix / RIVERSIDE / "en/iud-aftercare-a4.pdf",
        "arabic a4": matrix / RIVERSIDE / "ar/iud-aftercare-a4.pdf",
        "booklet": matrix / RIVERSIDE / "en/iud-aftercare-a5-booklet.pdf",
        "arabic booklet": matrix / RIVERSIDE / "ar/miscarriage-aftercare-a5-booklet.pdf",
        "reading order": matrix / RIVERSIDE / "en/iud-aftercare-a5-booklet-reading-order.pdf",
        "bundle": matrix / RIVERSIDE / "en/bundle-a4.pdf",
        "arabic booklet bundle": matrix / RIVERSIDE / "ar/bundle-a5-booklet.pdf",
        "chinese letter": chinese / "harbour-health/zh-Hans/iud-aftercare-letter.pdf",
        "fillable": fillable / RIVERSIDE / "en/iud-aftercare-a4-fillable.pdf",
        "arabic fillable": fillable / RIVERSIDE / "ar/iud-aftercare-a4-fillable.pdf",
        "bleed and crop marks": printed / RIVERSIDE / "en/iud-aftercare-a4.pdf",
        "imposed with bleed": printed / RIVERSIDE / "en/iud-aftercare-a5-booklet.pdf",
    }


KINDS = ["english a4", "arabic a4", "booklet", "arabic booklet", "reading order", "bundle",
         "arabic booklet bundle", "chinese letter", "fillable", "arabic fillable",
         "bleed and crop marks", "imposed with bleed"]


def catalog_xmp(reader: PdfReader) -> tuple[DictionaryObject, ET.Element]:
    metadata = reader.trailer["/Root"]["/Metadata"].get_object()
    assert (metadata["/Type"], metadata["/Subtype"]) == ("/Metadata", "/XML")
    assert "/Filter" not in metadata  # readable by tools that know no PDF
    return metadata, parse_xmp(metadata.get_data())


@pytest.mark.parametrize("kind", KINDS)
def test_every_pdf_has_the_pdfa_document_objects(pdfs: dict[str, Path], kind: str) -> None:
    reader = PdfReader(pdfs[kind])
    _, xmp = catalog_xmp(reader)
    assert (xmp_value(xmp, "pdfaid:part"), xmp_value(xmp, "pdfaid:conformance")) == ("2", "U")

    intents = reader.trailer["/Root"]["/OutputIntents"]
    assert len(intents) == 1
    intent = intents[0].get_object()
    assert (intent["/S"], intent["/OutputConditionIdentifier"]) == ("/GTS_PDFA1", "sRGB IEC61966-2.1")
    profile = intent["/DestOutputProfile"].get_object()
    assert profile["/N"] == 3 and profile.get_data() == srgb_icc_profile()

    first, second = (entry.original_bytes for entry in reader.trailer["/ID"])
    assert len(first) == 16 and first == second

    annotations = [a.get_object() for page in reader.pages for a in page.get("/Annots", [])]
    assert annotations, "every leaflet links its clinic's site and phone"
    assert all(a["/F"] == 4 for a in annotations)
    assert all(set(a["/AP"]) == {"/N"} for a in annotations if "/AP" in a)


@pytest.mark.parametrize("kind", KINDS)
def test_the_xmp_says_what_the_info_dictionary_says(pdfs: dict[str, Path], kind: str) -> None:
    reader = PdfReader(pdfs[kind])
    _, xmp = catalog_xmp(reader)
    info = reader.metadata
    assert xmp_value(xmp, "dc:title/rdf:Alt/rdf:li") == info["/Title"]
    assert xmp_value(xmp, "dc:creator/rdf:Seq/rdf:li") == info["/Author"]
    assert xmp_value(xmp, "dc:description/rdf:Alt/rdf:li") == info["/Subject"]
    assert xmp_value(xmp, "pdf:Keywords") == info["/Keywords"]
    assert xmp_value(xmp, "xmp:CreatorTool") == info["/Creator"]
    assert xmp_value(xmp, "pdf:Producer") == info["/Producer"]
    assert xmp_value(xmp, "xmp:CreateDate") == xmp_date_from_pdf(info["/CreationDate"])
    assert xmp_value(xmp, "xmp:ModifyDate") == xmp_date_from_pdf(info["/ModDate"])
    assert xmp_value(xmp, "dc:language/rdf:Bag/rdf:li") == reader.trailer["/Root"]["/Lang"]


def test_a_bundle_is_titled_after_its_leaflets(pdfs: dict[str, Path]) -> None:
    _, xmp = catalog_xmp(PdfReader(pdfs["bundle"]))
    titles = [PdfReader(pdfs["english a4"].with_name(f"{handout}-a4.pdf")).metadata.title
              for handout in ("iud-aftercare", "miscarriage-aftercare")]
    assert xmp_value(xmp, "dc:title/rdf:Alt/rdf:li") == " · ".join(titles)


def _draws_soft_masked_image(resources: DictionaryObject) -> bool:
    for ref in resources.get("/XObject", {}).values():
        xobject = ref.get_object()
        if "/SMask" in xobject:
            return True
        if xobject.get("/Subtype") == "/Form" and _draws_soft_masked_image(xobject["/Resources"]):
            return True
    return False


@pytest.mark.parametrize("kind", ["english a4", "arabic a4", "booklet", "bundle", "fillable"])
def test_only_pages_with_a_soft_masked_image_are_transparency_groups(pdfs: dict[str, Path],
                                                                      kind: str) -> None:
    reader = PdfReader(pdfs[kind])
    grouped = []
    for page in reader.pages:
        masked = _draws_soft_masked_image(page["/Resources"])
        grouped.append(masked)
        if masked:
            group = page["/Group"]
            assert (group["/Type"], group["/S"], group["/CS"]) == ("/Group", "/Transparency", "/DeviceRGB")
        else:
            assert "/Group" not in page
    assert any(grouped) and not all(grouped)  # the PNG logo is on the first page only


def _to_unicode_targets(resources: DictionaryObject) -> set[str]:
    """Every text the ToUnicode maps of the fonts these resources use (and the forms they
    draw) map a code to, as UTF-16 hex."""
    targets: set[str] = set()
    for ref in resources.get("/Font", {}).values():
        font = ref.get_object()
        if "/ToUnicode" in font:
            cmap = font["/ToUnicode"].get_object().get_data().decode("latin-1")
            targets |= set(re.findall(r"<[0-9A-F]{2}> <([0-9A-F]+)>", cmap))
    for ref in resources.get("/XObject", {}).values():
        xobject = ref.get_object()
        if xobject.get("/Subtype") == "/Form" and "/Resources" in xobject:
            targets |= _to_unicode_targets(xobject["/Resources"])
    return targets


@pytest.mark.parametrize("kind", ["english a4", "arabic a4", "chinese letter"])
def test_no_code_maps_to_a_text_pdfa_forbids(pdfs: dict[str, Path], kind: str) -> None:
    reader = PdfReader(pdfs[kind])
    targets = set().union(*(_to_unicode_targets(page["/Resources"]) for page in reader.pages))
    assert targets and not targets & {"0000", "FEFF", "FFFE"}


# --- page-validation, the offline PDF/A checker --------------------------------------------

@pytest.mark.parametrize("kind", KINDS)
def test_page_validation_finds_every_pdf_conforms_to_pdfa_2u(pdfs: dict[str, Path], kind: str) -> None:
    page = pytest.importorskip("page")
    result = page.validate_pdf(str(pdfs[kind]), profile="2u")
    assert [(f.rule_id, f.message) for f in result.failures] == []
    assert result.rules.failed == 0 and result.is_compliant


@pytest.mark.parametrize("kind", KINDS)
def test_page_validation_finds_every_rule_of_2b_met_too(pdfs: dict[str, Path], kind: str,
                                                        tmp_path: Path) -> None:
    """Level U is level B plus Unicode text, so a 2U file meets every 2B rule but one: its
    identification says U, where page-validation's 2b profile wants B.  The same file with
    the one letter changed passes 2b whole."""
    page = pytest.importorskip("page")
    failed = {f.rule_id for f in page.validate_pdf(str(pdfs[kind]), profile="2b").failures}
    assert failed == {"PDFA2B-ID-CONFORMANCE-001"}
    declared_b = tmp_path / "b.pdf"
    data = pdfs[kind].read_bytes()
    assert data.count(b"<pdfaid:conformance>U<") == 1
    declared_b.write_bytes(data.replace(b"<pdfaid:conformance>U<", b"<pdfaid:conformance>B<"))
    result = page.validate_pdf(str(declared_b), profile="2b")
    assert [(f.rule_id, f.message) for f in result.failures] == []


# --- determinism ------------------------------------------------------------------------------

@pytest.mark.parametrize("epoch", [None, "1700000000"])
def test_two_builds_with_booklets_and_bundles_are_byte_identical(project: Path, run: Run,
                                                                 tmp_path: Path, epoch: str | None) -> None:
    env = {"SOURCE_DATE_EPOCH": epoch or ""}
    digests = []
    for out in (tmp_path / "one", tmp_path / "two"):
        assert run("build", "--clinic", RIVERSIDE, "--lang", "en", "--lang", "ar", "--layout", "a4",
                   "--layout", "a5-booklet", "--bundle", "-q", "--out", str(out), env=env).exit_code == 0
        digests.append({p.relative_to(out): hashlib.sha256(p.read_bytes()).hexdigest()
                        for p in out.rglob("*") if p.is_file()})
    assert digests[0] == digests[1]
    # 12 leaflets; 6 bundles: A4 and the booklets' printed sheets and reading order, per language
    assert len([p for p in digests[0] if p.suffix == ".pdf"]) == 18
    for name in ("bundle-a4.pdf", "bundle-a5-booklet-reading-order.pdf"):  # the tagged bundles too
        assert "/StructTreeRoot" in PdfReader(tmp_path / "one" / RIVERSIDE / "ar" / name).trailer["/Root"]
    if epoch:
        reader = PdfReader(tmp_path / "one" / RIVERSIDE / "ar/bundle-a5-booklet.pdf")
        _, xmp = catalog_xmp(reader)
        assert xmp_value(xmp, "xmp:CreateDate") == "2023-11-14T22:13:20+00:00"
