"""Print production's typography (issue 12): an urgent box unlike every other, large print
set large to the last line, French and Russian no-break spaces in the fixed strings, Chinese
leading, and a closing line that claims only the editions a clinic builds."""

from __future__ import annotations

import re
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
import yaml
from conftest import REPO, Run, build_project, copy_project, edit
from pypdf import PdfReader

from carepress.errors import Diagnostics
from carepress.load.brand import ciede2000, cielab, load_brand, urgent_look_problems
from carepress.load.layout import load_layout
from carepress.load.project import load_project
from carepress.model import BrandColours, Editions
from carepress.pipeline import resolve_job
from carepress.plan import Job, editions_of
from carepress.typography import no_break_spaces


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One handout: Chinese on Letter, English and French in large print, French and Russian
    on A4."""
    root = copy_project(tmp_path_factory.mktemp("style") / "project")
    for clinic, lang, layout in (("harbour-health", "zh-Hans", "letter"),
                                 ("harbour-health", "en", "large-print-letter"),
                                 ("riverside-womens-health", "fr", "large-print-a4"),
                                 ("riverside-womens-health", "fr", "a4"),
                                 ("riverside-womens-health", "ru", "a4")):
        build_project(root, "--handout", "iud-aftercare", "--clinic", clinic, "--lang", lang, "--layout", layout)
    return root


def text_runs(pdf: Path) -> list[tuple[int, float, float, str]]:
    """(page, baseline y, font size, text) of every text run, as pypdf reads them back."""
    runs = []
    for number, page in enumerate(PdfReader(pdf).pages):
        def visit(text, cm, tm, font, size, number=number):  # type: ignore[no-untyped-def]
            if text.strip():
                runs.append((number, round(tm[5] * cm[3] + cm[5], 2), round(size * tm[3] * cm[3], 2), text))
        page.extract_text(visitor_text=visit)
    return runs


# -- the urgent box ----------------------------------------------------------------------

# Sharma, Wu and Dalal (2005), the CIEDE2000 test data: pairs and their differences.
SHARMA = [((50, 2.6772, -79.7751), (50, 0, -82.7485), 2.0425),
          ((50, -1.3802, -84.2814), (50, 0, -82.7485), 1.0000),
          ((50, 2.49, -0.001), (50, -2.49, 0.0009), 7.1792),
          ((50, 2.49, -0.001), (50, -2.49, 0.0010), 7.1792),  # (hues exactly opposite)
          ((50, 2.49, -0.001), (50, -2.49, 0.0011), 7.2195),
          ((50, -0.001, 2.49), (50, 0.0009, -2.49), 4.8045),
          ((50, 2.5, 0), (73, 25, -18), 27.1492),
          ((50, 2.5, 0), (58, 24, 15), 19.4535),
          ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
          ((22.7233, 20.0904, -46.694), (23.0331, 14.973, -42.5619), 2.0373),
          ((90.8027, -2.0831, 1.441), (91.1528, -1.6435, 0.0447), 1.4441)]


@pytest.mark.parametrize("first, second, expected", SHARMA)
def test_ciede2000_matches_the_published_test_data(first, second, expected) -> None:  # type: ignore[no-untyped-def]
    assert ciede2000(first, second) == pytest.approx(expected, abs=1e-4)
    assert ciede2000(second, first) == pytest.approx(expected, abs=1e-4)


def test_an_urgent_tint_like_the_info_tint_is_an_error_at_its_line(project: Path) -> None:
    """Riverside's old colours: a red urgent bar beside plum bars, and near-identical tints."""
    brand = project / "layouts/brands/riverside-womens-health.yaml"
    edit(brand, 'urgent_background: "#FEEDE4"', 'urgent_background: "#FCE9EA"')
    edit(brand, 'info_background: "#EFEBF5"', 'info_background: "#F6ECEF"')
    diagnostics = Diagnostics()
    assert load_brand(brand, diagnostics) is None
    [problem] = diagnostics.errors
    line = next(number for number, text in enumerate(brand.read_text().splitlines(), 1)
                if text.strip().startswith("urgent_background:"))
    assert (problem.origin.path, problem.origin.line) == (brand, line)
    assert "`colours.urgent_background` #FCE9EA is too like `colours.info_background` #F6ECEF" in problem.message
    assert "CIEDE2000) of 3.5" in problem.message and "cooler `colours.info_background`" in problem.message


def test_every_shipped_brand_has_an_urgent_look_of_its_own() -> None:
    paths = [*sorted((REPO / "layouts/brands").glob("*.yaml")),
             *(REPO / "src/carepress/defaults/example/layouts/brands").glob("*.yaml")]
    assert len(paths) >= 4
    for path in paths:
        colours = BrandColours(**yaml.safe_load(path.read_text(encoding="utf-8"))["colours"])
        origins = dict.fromkeys(BrandColours.__dataclass_fields__, None)
        assert urgent_look_problems(colours, origins) == [], path.name  # type: ignore[arg-type]
        assert ciede2000(cielab(colours.urgent), cielab(colours.info)) >= 20


def stroked_widths(pdf: Path) -> list[float]:
    import pikepdf

    widths = []
    with pikepdf.open(pdf) as document:
        for page in document.pages:
            for operands, operator in pikepdf.parse_content_stream(page):
                if str(operator) == "w":
                    widths.append(float(operands[0]))
    return widths


def test_only_the_urgent_box_has_a_heavy_bar_and_an_outline(built: Path) -> None:
    from carepress.typeset.flowables import URGENT_BAR_WIDTH, URGENT_OUTLINE_WIDTH

    pdf = built / "dist/riverside-womens-health/fr/iud-aftercare-a4.pdf"
    widths = stroked_widths(pdf)
    # one urgent box (its heavy bar and its outline); the contact and closing boxes' bars are 5 pt
    assert widths.count(URGENT_BAR_WIDTH) == 1 and widths.count(URGENT_OUTLINE_WIDTH) == 1
    assert widths.count(5) >= 2
    page = (built / "dist/riverside-womens-health/fr/iud-aftercare.html").read_text(encoding="utf-8")
    rules = dict(re.findall(r"^(\.[\w, .]+?) \{ (.*?) \}$", page, re.M))
    assert "border: 2px solid #AF2A0E; border-inline-start-width: .75rem" in rules[".urgent"]
    assert "#AF2A0E" not in rules[".info, .contact"] + rules[".closing"]


# -- large print -------------------------------------------------------------------------

def test_large_print_sets_every_line_large(built: Path) -> None:
    """The footer (document control, page count, phone), the sources line and the closing."""
    runs = text_runs(built / "dist/harbour-health/en/iud-aftercare-large-print-letter.pdf")
    assert min(size for _, _, size, _ in runs) >= 16
    assert any(text.startswith("HH-GYN-014") for _, _, _, text in runs)
    assert any(text.startswith("Based on") and size == 16 for _, _, size, text in runs)


def test_large_print_prints_the_document_control_once_whole_at_the_end(built: Path) -> None:
    """A draft translation's footer at 16 pt had no room for the owner's name (set at 12.8 pt
    and shortened with `…`), nor for the phone line (14.8 pt) or the review-by date (13.5 pt):
    `document_control: end` prints the code, version and review-by date, approval date and
    owner once, whole, after the closing lines; every footer keeps the code and version with
    the page count, the phone (its question and number a line each) and the draft line, all
    at 16 pt.  A layout without it keeps the document control whole in every footer."""
    leaflets = built / "dist/riverside-womens-health/fr"
    large = leaflets / "iud-aftercare-large-print-a4.pdf"
    runs = text_runs(large)
    assert min(size for _, _, size, _ in runs) >= 16
    pages = [" ".join(page.extract_text().split()) for page in PdfReader(large).pages]
    owner = "Gynaecology Nursing Team, Riverside Women's Health Centre"
    last = len(pages) - 1
    assert [owner in text for text in pages] == [False] * last + [True]
    assert [text.count("20 novembre 2029") for text in pages] == [0] * last + [1]
    assert all("RWH-GYN-014 · version 1.0" in text and "020 7946 0321" in text for text in pages)
    assert "…" not in pages[-1].split("Approuvé")[1]
    assert "/feedback" in pages[-1].split("Approuvé")[0]  # (never a page of its own: the closing box's)
    # The footer's last line, the draft line's English, stays 5 mm clear of the paper's edge
    # (it was 3.6 mm, where office printers print nothing).
    draft = [y for _, y, _, text in runs if text.startswith("Draft translation")]
    assert len(draft) == len(pages) and min(draft) - 16 * 0.3 >= 5 * 72 / 25.4
    assert {text.strip() for _, _, size, text in runs if size == 16} >= {"020 7946 0321"}
    for page in PdfReader(leaflets / "iud-aftercare-a4.pdf").pages:
        text = " ".join(page.extract_text().split())
        assert text.count("Approuvé le 20") == 1 and text.count("à réviser avant le 20 novembre 2029") == 1


@pytest.mark.parametrize("layout, setting, message", [
    ("large-print-a4", "document_control: middle", "`middle` is not one of `footer`, `end`"),
    ("trifold-a4", "document_control: end", "a tri-fold prints the document control once")])
def test_document_control_is_validated_at_its_line(tmp_path: Path, layout: str, setting: str,
                                                  message: str) -> None:
    path = tmp_path / f"{layout}.yaml"
    text = (REPO / f"layouts/{layout}.yaml").read_text(encoding="utf-8")
    text = "\n".join(line for line in text.splitlines() if not line.startswith("document_control:")) \
        + f"\n{setting}\n"
    path.write_text(text, encoding="utf-8")
    diagnostics = Diagnostics()
    assert load_layout(path, diagnostics) is None
    [problem] = diagnostics.errors
    assert problem.origin.line == len(text.splitlines()) and message in problem.message, problem


def test_a_large_print_layout_with_small_type_is_an_error_at_its_size(tmp_path: Path) -> None:
    path = tmp_path / "poster.yaml"
    text = (REPO / "layouts/large-print-a4.yaml").read_text(encoding="utf-8")
    path.write_text(text.replace("  small: 16 ", "  small: 11 "), encoding="utf-8")
    diagnostics = Diagnostics()
    assert load_layout(path, diagnostics) is None
    [problem] = diagnostics.errors
    assert problem.origin.line == next(n for n, t in enumerate(text.splitlines(), 1) if "small:" in t)
    assert "`type.small` is 11 pt: a large-print layout" in problem.message and "raise it to 16" in problem.message
    # the same sizes without the flag are a layout like any other
    path.write_text(text.replace("  small: 16 ", "  small: 11 ").replace("large_print: true", ""),
                    encoding="utf-8")
    layout = load_layout(path, Diagnostics())
    assert layout is not None and not layout.large_print


def test_a_footer_too_short_for_its_lines_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "tight.yaml"
    path.write_text((REPO / "layouts/large-print-a4.yaml").read_text(encoding="utf-8")
                    .replace("footer_height: 32.5mm", "footer_height: 18mm"), encoding="utf-8")
    diagnostics = Diagnostics()
    assert load_layout(path, diagnostics) is None
    assert "raise `footer_height` to at least" in diagnostics.errors[0].message


# -- no-break spaces -----------------------------------------------------------------------

def test_no_break_spaces_follow_the_languages_conventions() -> None:
    assert no_break_spaces("Des questions ? Appelez : ici ; là !", "fr") == \
        "Des questions\u00a0? Appelez\u00a0: ici\u00a0; là\u00a0!"
    assert no_break_spaces("Как с нами связаться, а также В нерабочее время", "ru") == \
        "Как с\u00a0нами связаться, а\u00a0также В\u00a0нерабочее время"
    assert no_break_spaces("Вас ждут", "ru") == "Вас ждут"  # (not a word's last letter)
    assert no_break_spaces("Questions ? Call", "en") == "Questions ? Call"


def test_french_and_russian_fixed_strings_print_with_no_break_spaces(built: Path) -> None:
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.platypus import Paragraph

    project = load_project(built)
    assert project.strings["fr"]["colon"] == " : "  # the file (and so its PO entry) stays plain
    french = resolve_job(project, Job("iud-aftercare", "fr", "riverside-womens-health", "a4")).leaflet
    assert french.footer.questions.startswith("Des questions\u00a0? Appelez")
    assert french.closing is not None and french.closing.feedback.endswith("document\u00a0: ")
    russian = resolve_job(project, Job("iud-aftercare", "ru", "riverside-womens-health", "a4")).leaflet
    assert russian.closing is not None and "у\u00a0нас" in russian.closing.other_formats
    # A line as wide as the label alone: a plain space breaks before the colon, the
    # no-break space never does.
    label = "Site web"
    style = ParagraphStyle("p", fontName="Helvetica", fontSize=10)
    width = stringWidth(label + " ", "Helvetica", 10) + 1
    for text, lines in ((label + " : https", [label, ": https"]),
                        (label + no_break_spaces(" : ", "fr") + "https", None)):
        paragraph = Paragraph(text, style)
        paragraph.wrap(width, 100)
        found = [" ".join(w.strip() for w in line[1]) if isinstance(line, tuple) else line
                 for line in paragraph.blPara.lines]
        if lines is not None:
            assert found == lines
        else:
            assert not any(line.strip().startswith(":") for line in found), found
    # and read back: no line of the French leaflet starts with the mark a space kept before it
    pdf = built / "dist/riverside-womens-health/fr/iud-aftercare-a4.pdf"
    lines = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                           check=True).stdout.splitlines()
    assert sum("Téléphone :" in line for line in lines) >= 1
    assert not [line for line in lines if re.match(r"\s*[:;!?]", line)]
    page = (built / "dist/riverside-womens-health/ru/iud-aftercare.html").read_text(encoding="utf-8")
    assert "Как с\u00a0нами связаться" in page and "В\u00a0нерабочее время" in page


# -- Chinese leading ---------------------------------------------------------------------

def test_chinese_lines_are_at_least_one_and_a_half_sizes_apart(built: Path) -> None:
    layout = yaml.safe_load((built / "layouts/letter.yaml").read_text(encoding="utf-8"))["type"]
    assert layout["leading"] < 1.5  # (the layout's, for Latin text)
    body = layout["body"]
    runs = [(page, y) for page, y, size, text in text_runs(built / "dist/harbour-health/zh-Hans/"
                                                            "iud-aftercare-letter.pdf")
            if size == body and re.match("[\u4e00-\u9fff]", text)]
    gaps = [round(y1 - y2, 2) for (p1, y1), (p2, y2) in zip(runs, runs[1:]) if p1 == p2 and y1 > y2]
    assert min(gaps) == pytest.approx(1.5 * body, abs=0.01)  # lines of one paragraph
    english = [(page, y) for page, y, size, _ in text_runs(
        built / "dist/harbour-health/en/iud-aftercare-large-print-letter.pdf") if size == 16]
    english_gaps = [y1 - y2 for (p1, y1), (p2, y2) in zip(english, english[1:]) if p1 == p2 and y1 > y2]
    assert min(english_gaps) < 1.5 * 16  # the minimum is Chinese's, not every script's


# -- the editions a clinic claims -------------------------------------------------------

def test_the_closing_line_claims_only_the_editions_the_clinic_builds(project: Path, run: Run) -> None:
    loaded = load_project(project)
    harbour, northside = loaded.brands["harbour-health"], loaded.brands["northside-family-clinic"]
    assert editions_of(loaded, "iud-aftercare", harbour) == Editions(languages=True, large_print=True)
    assert editions_of(loaded, "iud-aftercare", northside) == Editions(languages=True, large_print=False)
    alone = replace(northside, languages=("en",))
    assert editions_of(loaded, "iud-aftercare", alone) == Editions()
    # large print is the layout's flag, not its name
    flagless = replace(loaded.layouts["large-print-letter"], large_print=False)
    loaded.layouts["large-print-letter"] = flagless
    assert editions_of(loaded, "iud-aftercare", harbour).large_print is False
    loaded.layouts["poster"] = replace(flagless, id="poster", large_print=True)
    assert editions_of(loaded, "iud-aftercare", replace(harbour, layouts=("letter", "poster"))).large_print

    fresh = load_project(project)
    closing = {clinic: resolve_job(fresh, Job("iud-aftercare", lang, clinic, "")).leaflet.closing
               for clinic, lang in (("harbour-health", "es"), ("northside-family-clinic", "en"))}
    assert closing["harbour-health"].other_formats == fresh.strings["es"]["other_formats"]  # type: ignore[union-attr]
    assert closing["northside-family-clinic"].other_formats == \
        "This leaflet is also available in other languages. Ask us for a copy."  # type: ignore[union-attr]
    # a clinic with one language and no large print says neither, and prints no line
    edit(project / "layouts/brands/northside-family-clinic.yaml", "languages: [en, es, pt]", "languages: [en]")
    result = run("build", "--clinic", "northside-family-clinic", "--handout", "iud-aftercare", "--format", "html")
    assert result.exit_code == 0, result.output
    page = (project / "dist/northside-family-clinic/en/iud-aftercare.html").read_text(encoding="utf-8")
    assert "also available" not in page and "Tell us what you think" in page


def test_large_print_prints_the_document_control_at_the_end_unless_told_otherwise(tmp_path: Path) -> None:
    text = (REPO / "layouts/large-print-a4.yaml").read_text(encoding="utf-8")
    without = "\n".join(line for line in text.splitlines() if not line.startswith("document_control:"))
    for name, content, expected in (("large.yaml", without, "end"),
                                    ("footer.yaml", without + "\ndocument_control: footer\n", "footer"),
                                    ("small.yaml", without.replace("large_print: true", ""), None)):
        (tmp_path / name).write_text(content, encoding="utf-8")
        layout = load_layout(tmp_path / name, Diagnostics())
        assert layout is not None and layout.document_control == (expected or "footer"), name


def test_a_full_footer_gives_a_spare_line_to_the_review_date_before_the_phone(project: Path, run: Run) -> None:
    """An Arabic draft's footer at 16 pt holding the document control whole (a layout that
    says `document_control: footer`): the review-by date takes a line of its own rather than
    being shortened with `…`; the phone line, next in line, is set smaller instead."""
    edit(project / "layouts/large-print-a4.yaml", "document_control: end", "document_control: footer")
    result = run("build", "--clinic", "riverside-womens-health", "--lang", "ar", "--layout", "large-print-a4",
                 "--handout", "iud-aftercare", "--format", "pdf")
    assert result.exit_code == 0, result.stderr
    pdf = project / "dist/riverside-womens-health/ar/iud-aftercare-large-print-a4.pdf"
    runs = text_runs(pdf)
    pages = {page for page, _, _, _ in runs}
    assert all(any("2029" in text and "…" not in text for number, _, _, text in runs if number == page)
               for page in pages)


def test_large_print_letter_keeps_a_russian_drafts_footer_large_and_clear_of_the_edge(project: Path) -> None:
    edit(project / "layouts/brands/riverside-womens-health.yaml", "layouts: [a4, large-print-a4,",
         "layouts: [a4, large-print-letter,")
    build_project(project, "--clinic", "riverside-womens-health", "--lang", "ru", "--layout", "large-print-letter",
                  "--handout", "miscarriage-aftercare", "--format", "pdf")
    runs = text_runs(project / "dist/riverside-womens-health/ru/miscarriage-aftercare-large-print-letter.pdf")
    assert min(size for _, _, size, _ in runs) >= 16
    draft = [y for _, y, _, text in runs if text.startswith("Draft translation")]
    assert draft and min(draft) - 16 * 0.3 >= 5 * 72 / 25.4
