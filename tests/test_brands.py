"""Clinic brands: the matrix they choose, colour contrast, the closing block, review dates."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from carepress.load.brand import contrast_ratio
from carepress.load import load_project

from conftest import Run, edit, leaflet_pdf


@pytest.mark.parametrize("first, second, ratio", [
    ("#000000", "#FFFFFF", 21.0), ("#FFFFFF", "#FFFFFF", 1.0), ("#777777", "#FFFFFF", 4.48),
])
def test_wcag_contrast_ratio(first: str, second: str, ratio: float) -> None:
    assert contrast_ratio(first, second) == pytest.approx(ratio, abs=0.01)


def test_shipped_brands_pass_contrast_and_differ_in_what_they_offer(project: Path) -> None:
    model = load_project(project)
    assert model.diagnostics == []
    brands = model.brands
    assert brands["harbour-health"].layouts == ("letter", "large-print-letter")
    assert set(brands["harbour-health"].languages) == {"en", "es", "zh-Hans", "vi"}
    assert set(brands["riverside-womens-health"].languages) == {"en", "ar", "ru", "fr", "pt"}
    assert brands["riverside-womens-health"].logo.path.suffix == ".png"
    assert "latin" in brands["northside-family-clinic"].fonts


def test_low_contrast_brand_fails_check(project: Path, run: Run) -> None:
    edit(project / "layouts/brands/harbour-health.yaml", 'on_primary: "#FFFFFF"', 'on_primary: "#4A8A94"')
    result = run("check", "--clinic", "harbour-health")
    assert result.exit_code == 1
    assert ("layouts/brands/harbour-health.yaml:8:15: text on the header band: `colours.on_primary` "
            "#4A8A94 on `colours.primary` #0B5563 has contrast 2.") in result.stderr
    assert "below the 4.5:1 WCAG AA needs" in result.stderr


def test_every_leaflet_ends_with_other_formats_feedback_and_qr(project: Path, run: Run) -> None:
    assert run("build", "--clinic", "harbour-health", "--lang", "en", "--handout", "iud-aftercare").exit_code == 0
    reader = PdfReader(leaflet_pdf(project, "en"))
    last = reader.pages[-1].extract_text()
    assert "available in other languages and in large print" in last
    assert "harbourhealth.example/leaflets/en/iud-aftercare" in last  # the short address
    assert "Tell us what you think of this leaflet: leaflets@harbourhealth.example" in last
    uris = {a.get_object()["/A"]["/URI"] for a in reader.pages[-1].get("/Annots", [])}
    assert "https://harbourhealth.example/leaflets/en/iud-aftercare" in uris
    assert "mailto:leaflets@harbourhealth.example" in uris
    # The QR code is drawn as vector modules: many filled squares on the last page.
    content = reader.pages[-1].get_contents().get_data()
    assert content.count(b" re") > 100


def address_breaks(text: str, address: str) -> list[int]:
    """Where ``address`` goes on to a new line in extracted ``text``: each index i where a
    line ends after address[:i].  Fails unless the whole address is there, in order, with
    nothing added (a hyphen) or lost."""
    match = re.search(r"(\s*)".join(map(re.escape, address)), text)
    assert match, (address, text[-400:])
    return [index for index, gap in enumerate(match.groups(), start=1) if gap]


def may_break(address: str, index: int) -> bool:
    """Whether an address may break between address[index - 1] and address[index]: after
    `//` or a `/`, or before a `.`, `-`, `?`, `#`, `&`, `=` or `@`."""
    return address[index - 1] == "/" != address[index] or address[index] in ".-?#&=@"


@pytest.fixture(scope="module")
def narrow_layouts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from conftest import build_project, copy_project

    root = copy_project(tmp_path_factory.mktemp("narrow") / "project")
    build_project(root, "--layout", "large-print-a4", "--layout", "large-print-letter", "--layout", "a5-booklet")
    return root


@pytest.mark.parametrize("clinic, langs, layout", [
    ("riverside-womens-health", ("en", "fr", "pt", "ru", "ar"), "large-print-a4"),
    ("riverside-womens-health", ("en", "fr", "pt", "ru", "ar"), "a5-booklet-reading-order"),
    ("harbour-health", ("en", "es", "vi", "zh-Hans"), "large-print-letter")])
def test_addresses_in_the_closing_panel_break_only_where_an_address_may(
        narrow_layouts: Path, clinic: str, langs: tuple[str, ...], layout: str) -> None:
    """The online copy's short address and the feedback address, in the narrow columns
    where they take more than one line: broken after a slash or before a dot, a hyphen …,
    never inside a word and never with a hyphen added; each line a link."""
    brand = load_project(narrow_layouts).brands[clinic]
    assert brand.leaflet_url and brand.feedback
    broken = 0
    for lang in langs:
        for handout in ("iud-aftercare", "miscarriage-aftercare"):
            pdf = narrow_layouts / f"dist/{clinic}/{lang}/{handout}-{layout}.pdf"
            page = PdfReader(pdf).pages[-1]
            url = brand.leaflet_url.format(lang=lang, handout=handout)
            text = page.extract_text()
            uris = [a.get_object()["/A"]["/URI"] for a in page.get("/Annots", [])]
            feedback = brand.feedback if "://" in brand.feedback else f"mailto:{brand.feedback}"
            for address, href in ((url.removeprefix("https://"), url), (brand.feedback, feedback)):
                breaks = address_breaks(text, address)
                assert all(may_break(address, index) for index in breaks), \
                    (pdf.name, lang, [address[:index] for index in breaks])
                assert uris.count(href) >= len(breaks) + 1  # a link on each of its lines
                broken += bool(breaks)
    assert broken >= len(langs)  # the columns are narrow enough to break addresses


def qr_margins(pdf: Path, page: int, tmp_path: Path) -> tuple[float, float]:
    """Points from the QR code's modules to the nearest ink on their left and on their right,
    beside the code (on the page at 144 dpi: the code is the only pure black there)."""
    import subprocess

    from PIL import Image

    subprocess.run(["pdftoppm", "-r", "144", "-gray", "-png", "-f", str(page), "-l", str(page), str(pdf),
                    str(tmp_path / "qr")], check=True)
    image = Image.open(next(tmp_path.glob("qr*.png"))).convert("L")
    left, top, right, bottom = image.point(lambda v: 255 if v == 0 else 0).getbbox()

    def ink(box: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
        found = image.crop(box).point(lambda v: 255 if v < 128 else 0).getbbox()
        assert found, box
        return found

    edge = 2  # the code's own anti-aliased edge
    on_left = ink((0, top, left - edge, bottom))[2]  # (the right end of the ink on its left)
    on_right = right + edge + ink((right + edge, top, image.width, bottom))[0]
    return (left - on_left) / 2, (on_right - right) / 2


def test_the_mirrored_qr_panel_keeps_the_code_as_far_from_its_text(project: Path, run: Run,
                                                                   tmp_path: Path) -> None:
    """Arabic mirrors the panel: the code on the right by the bar, the text on its left, as
    far from it as English text is (the code touched the text, its gap on the bar side)."""
    import shutil

    if not shutil.which("pdftoppm"):
        pytest.skip("needs poppler-utils (installed by .ci/run)")
    result = run("build", "--clinic", "riverside-womens-health", "--lang", "en", "--lang", "ar",
                 "--layout", "a4", "--handout", "iud-aftercare")
    assert result.exit_code == 0, result.stderr
    margins = {}
    for lang in ("en", "ar"):
        (tmp_path / lang).mkdir()
        margins[lang] = qr_margins(project / f"dist/riverside-womens-health/{lang}/iud-aftercare-a4.pdf",
                                   2, tmp_path / lang)
    (bar, text), (text_ar, bar_ar) = margins["en"], margins["ar"]
    assert text > 10
    assert text_ar == pytest.approx(text, abs=1) and bar_ar == pytest.approx(bar, abs=1)


def test_matrix_follows_each_brand(project: Path, run: Run) -> None:
    assert run("build", "--handout", "miscarriage-aftercare", "--lang", "pt").exit_code == 0
    records = json.loads((project / "dist/manifest.json").read_text())["leaflets"]
    assert {(r["clinic"], r["layout"]) for r in records} == {
        ("riverside-womens-health", "a4"), ("riverside-womens-health", "large-print-a4"),
        ("riverside-womens-health", "a5-booklet"), ("riverside-womens-health", "trifold-a4"),
        ("northside-family-clinic", "a4"), ("northside-family-clinic", "letter"),
        ("riverside-womens-health", ""), ("northside-family-clinic", "")}  # the HTML twins


def test_large_print_layouts_follow_clear_print_guidance(project: Path, run: Run) -> None:
    model = load_project(project)
    for name in ("large-print-a4", "large-print-letter"):
        scale = model.layouts[name].type
        assert scale.body >= 16 and scale.heading >= 20
    assert run("build", "--clinic", "harbour-health", "--lang", "en", "--layout", "large-print-letter").exit_code == 0
    pdf = project / "dist/harbour-health/en/iud-aftercare-large-print-letter.pdf"
    reader = PdfReader(pdf)
    assert 2 < len(reader.pages) <= model.layouts["large-print-letter"].max_pages
    sizes = set()
    for page in reader.pages:
        def visitor(op, args, cm, tm):  # type: ignore[no-untyped-def]
            if op == b"Tf":
                sizes.add(float(args[1]))
        page.extract_text(visitor_operand_before=visitor)
    assert 16 in sizes and max(sizes) >= 26


def test_review_date_passed_is_a_warning_or_with_strict_an_error(project: Path, run: Run) -> None:
    path = project / "handouts/iud-aftercare.yaml"
    edit(path, "approved: 2026-11-20", "approved: 2020-01-01")
    edit(path, "review_by: 2029-11-20", "review_by: 2023-01-01")
    result = run("check", "--clinic", "harbour-health", "--lang", "en")
    assert result.exit_code == 0
    assert "handouts/iud-aftercare.yaml:11:14: warning: `iud-aftercare` was due for review on 2023-01-01" in result.stderr
    assert run("check", "--clinic", "harbour-health", "--lang", "en", "--strict").exit_code == 1


def test_qr_code_decodes_to_the_online_copy(project: Path, run: Run, tmp_path: Path) -> None:
    import shutil
    import subprocess

    if not (shutil.which("pdftoppm") and shutil.which("zbarimg")):
        pytest.skip("needs poppler-utils and zbar-tools (installed by .ci/run)")
    assert run("build", "--clinic", "harbour-health", "--lang", "vi", "--layout", "letter",
               "--handout", "miscarriage-aftercare").exit_code == 0
    pdf = project / "dist/harbour-health/vi/miscarriage-aftercare-letter.pdf"
    pages = len(PdfReader(pdf).pages)
    subprocess.run(["pdftoppm", "-png", "-r", "150", "-f", str(pages), "-l", str(pages), str(pdf),
                    str(tmp_path / "page")], check=True)
    image = next(tmp_path.glob("page*.png"))
    decoded = subprocess.run(["zbarimg", "-q", "--raw", str(image)], capture_output=True, text=True)
    assert decoded.stdout.strip() == "https://harbourhealth.example/leaflets/vi/miscarriage-aftercare"


def test_a_language_no_handout_is_in_is_a_warning_at_its_place(project: Path, run: Run) -> None:
    edit(project / "layouts/brands/northside-family-clinic.yaml", "languages: [en, es, pt]",
         "languages: [en, es, pt, de]")
    result = run("check", "--clinic", "northside-family-clinic")
    assert result.exit_code == 0
    assert ("layouts/brands/northside-family-clinic.yaml:26:25: warning: no handout is written or "
            "translated in `de`, so this clinic gets no `de` leaflets") in result.stderr
