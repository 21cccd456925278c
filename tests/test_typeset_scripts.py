"""Per-script typesetting: fonts, Chinese line breaking, extraction of the logical text."""

from __future__ import annotations

import re
import shutil
import unicodedata
from itertools import pairwise
from pathlib import Path

import pypdfium2
import pytest
import yaml
from pypdf import PdfReader
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth

from carepress.typeset.cjk import CANNOT_END, CANNOT_START, KinsokuParagraph
from carepress.typeset.fonts import fonts_for

from conftest import REPO, Run, build_project, copy_project, edit, leaflet_pdf, squash


def chinese_texts() -> list[str]:
    texts = []
    for path in sorted((REPO / "handouts/translations/zh-Hans").glob("*.yaml")):
        for unit in yaml.safe_load(path.read_text(encoding="utf-8"))["units"].values():
            texts.append(re.sub(r"\{\{[^}]*\}\}", "(617) 555-0142", unit["text"]).replace("**", ""))
    return texts


def wrapped_chinese(paragraph_class: type) -> tuple[str, list[tuple[int, str, list[str]]]]:
    """(regular font, [(width, text, lines)]) for every Chinese unit over a sweep of widths."""
    texts = chinese_texts()
    fonts = fonts_for("zh-Hans", "".join(texts))
    style = ParagraphStyle("zh", fontName=fonts.regular, fontSize=12, leading=16, wordWrap="CJK")
    results = []
    for text in texts:
        for width in range(150, 480, 11):
            paragraph = paragraph_class(text, style)
            paragraph.wrap(width, 10_000)
            lines = [str(line[1][0]) if isinstance(line, tuple) else
                     "".join(getattr(word, "text", "") for word in line.words)
                     for line in paragraph.blPara.lines]
            results.append((width, text, lines))
    return fonts.regular, results


def test_chinese_lines_follow_the_break_rules() -> None:
    font, results = wrapped_chinese(KinsokuParagraph)
    lines_checked = 0
    for width, text, lines in results:
        assert "".join(lines).replace(" ", "") == text.replace(" ", "")  # nothing lost
        for number, line in enumerate(lines):
            lines_checked += 1
            if number:
                assert line[:1] not in CANNOT_START, (width, line)
            if number < len(lines) - 1:
                assert line.rstrip()[-1:] not in CANNOT_END, (width, line)
            assert stringWidth(line.rstrip(), font, 12) <= width + 0.01, (width, line)
        if "555-0142" in text:  # a phone number is never split
            assert any("555-0142" in line for line in lines), (width, lines)
    assert lines_checked > 1000


def test_no_chinese_paragraph_ends_with_one_character_alone() -> None:
    # (61 of 624 paragraphs over the sweep did, `最` then `大。`, before a character or two
    # came down from the line before)
    _, results = wrapped_chinese(KinsokuParagraph)
    lone = [(width, lines[-2:]) for width, _, lines in results if len(lines) > 1
            and sum(unicodedata.category(ch) == "Lo" for ch in lines[-1]) == 1]
    assert lone == []


def test_dates_and_numbers_stay_whole() -> None:
    from carepress.typeset.cjk import break_allowed

    assert not break_allowed("1", "月") and not break_allowed("月", "2")
    assert not break_allowed("5", "5") and not break_allowed("I", "U")
    assert break_allowed("的", "宫") and break_allowed("，", "宫")


def test_bold_inside_chinese_lines_stays_on_its_characters() -> None:
    fonts = fonts_for("zh-Hans", "如果您出血很多请立即致电诊所电话")
    style = ParagraphStyle("zh", fontName=fonts.regular, fontSize=12, leading=16, wordWrap="CJK")
    bold = "请立即致电诊所"
    text = "如果您出血很多，" + bold + "，电话 (617) 555-0142。" * 3
    for width in range(60, 400, 13):
        paragraph = KinsokuParagraph(text.replace(bold, f"<b>{bold}</b>", 1), style)
        paragraph.wrap(width, 10_000)
        lines = [[(word.text, word.fontName) for word in line.words] for line in paragraph.blPara.lines]
        runs = [run for line in lines for run in line]
        assert "".join(t for t, _ in runs).replace(" ", "") == text.replace(" ", "")  # nothing lost
        assert "".join(t for t, font in runs if font == fonts.bold) == bold, (width, lines)
        for line in lines:  # one word per run of a font, as ReportLab makes them
            assert all(a[1] != b[1] for a, b in pairwise(line)), (width, line)


def test_an_inline_anchor_inside_chinese_text_breaks_nothing() -> None:
    fonts = fonts_for("zh-Hans", "宫内节育器")
    style = ParagraphStyle("zh", fontName=fonts.regular, fontSize=12, leading=16, wordWrap="CJK")
    paragraph = KinsokuParagraph("宫内节育器" * 6 + '<a name="here"/>' + "宫内节育器" * 6, style)
    paragraph.wrap(100, 10_000)
    text = "".join(word.text for line in paragraph.blPara.lines for word in line.words)
    assert text == "宫内节育器" * 12 and len(paragraph.blPara.lines) > 1


def test_reportlab_alone_would_break_the_rules() -> None:
    """The reason for KinsokuParagraph: the stock CJK wrap starts lines with `，`."""
    from reportlab.platypus import Paragraph

    _, results = wrapped_chinese(Paragraph)
    assert sum(line[:1] in CANNOT_START for _, _, lines in results for line in lines[1:]) > 0


def extractions(pdf: Path) -> dict[str, str]:
    import subprocess

    texts = {
        "pypdf": "".join(page.extract_text() for page in PdfReader(pdf).pages),
        "pdfium": "".join(page.get_textpage().get_text_range() for page in pypdfium2.PdfDocument(pdf)),
    }
    try:
        texts["pdftotext"] = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True,
                                            text=True, check=True).stdout
    except FileNotFoundError:  # poppler-utils not installed: the other two still count
        pass
    return texts


@pytest.fixture(scope="module")
def built_scripts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_project(tmp_path_factory.mktemp("scripts") / "project")
    build_project(root, "--lang", "zh-Hans", "--lang", "vi", "--lang", "ru", "--lang", "ar",
                  "--handout", "iud-aftercare")
    return root


@pytest.mark.parametrize("lang", ["zh-Hans", "vi", "ru"])
def test_extracted_text_is_the_translation(built_scripts: Path, lang: str) -> None:
    translation = yaml.safe_load((built_scripts / f"handouts/translations/{lang}/iud-aftercare.yaml")
                                 .read_text(encoding="utf-8"))
    passages = [u["text"] for key, u in translation["units"].items()
                if key in ("s1.b1", "s2.b1", "s5.b1")]
    pdf = leaflet_pdf(built_scripts, lang)
    for reader, text in extractions(pdf).items():
        flat = squash(text)
        for passage in passages:
            assert squash(passage) in flat, (reader, passage[:40])
        assert not re.search("[\ue000-\uf8ff]", text), reader  # no private-use code points
        assert "\x00" not in text, reader  # (a no-break space drawn on the canvas came out so)


def test_chinese_pdf_embeds_converted_cjk_subsets(built_scripts: Path) -> None:
    pdf = PdfReader(leaflet_pdf(built_scripts, "zh-Hans"))
    names = {str(font.get_object()["/BaseFont"]) for page in pdf.pages
             for font in page["/Resources"]["/Font"].values()}
    assert names and all(re.fullmatch(r"/[A-Z]{6}\+CarepressCJKSC[0-9a-f]{12}-(Regular|Bold)", n)
                         for n in names), names
    for page in pdf.pages:
        for font in page["/Resources"]["/Font"].values():
            assert "/FontFile2" in font.get_object()["/FontDescriptor"]  # TrueType outlines


def test_glyph_coverage_check_fires(project: Path, run: Run) -> None:
    edit(project / "handouts/translations/vi/iud-aftercare.yaml", 'text: "Sau khi', 'text: "\u0f00 Sau khi')
    result = run("build", "--lang", "vi", "--handout", "iud-aftercare")
    assert result.exit_code == 1
    assert "the font cannot draw U+0F00" in result.stderr and "(language `vi`)" in result.stderr
    assert "in \"\u0f00 Sau khi" in result.stderr  # the text to look for it in
    assert not leaflet_pdf(project, "vi").exists()


# ---- Arabic ---------------------------------------------------------------------------

ARABIC = ("عادةً ما يتوقّف النزيف بعد أيام قليلة. اتصلي بالرقم (617) 555-0142 لمعرفة المزيد "
          "عن اللولب الرحمي (IUD) وأحيانًا قد تحتاجين إلى فحص، لا تقلقي. ") * 3


def arabic_paragraph(markup: str = ARABIC):  # type: ignore[no-untyped-def]
    from carepress.typeset.rtl import RtlParagraph

    fonts = fonts_for("ar", "")
    return RtlParagraph(markup, ParagraphStyle("ar", fontName=fonts.regular, fontSize=12, leading=16))


def line_texts(paragraph, width: float) -> list[str]:  # type: ignore[no-untyped-def]
    paragraph.wrap(width, 10_000)
    text = paragraph._text
    return [text[min(r.start for r in line.runs):max(r.end for r in line.runs)]
            for line in paragraph._lines]


@pytest.mark.parametrize("width", [150, 220, 300, 420])
def test_arabic_lines_are_broken_in_logical_order(width: float) -> None:
    paragraph = arabic_paragraph()
    lines = line_texts(paragraph, width)
    assert len(lines) >= 4
    # Reading the lines top to bottom gives the words in their original order.
    assert " ".join(lines).split() == ARABIC.replace("(617) 555", "(617)\u00a0555").split()
    for line in paragraph._lines:
        assert sum(g.x_advance for r in line.runs for g in r.glyphs) <= width + 0.01
        # Read right to left: the rightmost Arabic run holds the line's first word.
        arabic_runs = [r for r in line.runs if r.level == 1]
        assert arabic_runs[-1].start == min(r.start for r in arabic_runs)


def test_phone_numbers_and_latin_stay_left_to_right_and_whole() -> None:
    for width in (150, 200, 260):
        paragraph = arabic_paragraph()
        paragraph.wrap(width, 10_000)
        for line in paragraph._lines:
            for run in line.runs:
                piece = paragraph._text[run.start:run.end]
                if any(ch.isdigit() for ch in piece):
                    assert run.level % 2 == 0  # drawn left to right
        assert all("555-0142" in line or "555" not in line for line in line_texts(paragraph, width))


def test_arabic_shaping_joins_letters_and_keeps_harakat() -> None:
    from carepress.typeset.rtl import bidi_levels, shape_run, Style

    fonts = fonts_for("ar", "")
    word = "عادةً يتوقّف لا"
    levels = bidi_levels(word)
    run = shape_run([ord(c) for c in word], 0, len(word), levels[0] or 1, Style(fonts.regular, 12))
    texts = [g.text for g in run.glyphs]
    assert "\u064b" in texts and "\u0651" in texts  # tanween and shadda are glyphs of their own
    assert "لا" in texts  # lam-alef is one ligature glyph
    # Joined forms differ from the isolated letters: beh-like letters change shape in a word.
    isolated = shape_run([ord("ي")], 0, 1, 1, Style(fonts.regular, 12)).glyphs[0].char
    in_word = next(g.char for g in run.glyphs if g.text == "ي")
    assert in_word != isolated


def test_arabic_extracts_as_base_letters_in_reading_order(tmp_path: Path) -> None:
    import io

    from reportlab.platypus import SimpleDocTemplate

    fonts = fonts_for("ar", "")
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, initialFontName=fonts.regular).build([arabic_paragraph()])
    pdf = tmp_path / "ar.pdf"
    pdf.write_bytes(buffer.getvalue())
    texts = extractions(pdf)
    for reader, text in texts.items():
        assert not re.search("[\ufb50-\ufdff\ufe70-\ufeff]", text), reader  # no presentation forms
        assert not re.search("[\ue000-\uf8ff]", text), reader  # no private-use code points
        assert re.search("[\u0621-\u064a]", text), reader
    # Each reader rebuilds the reading order its own way (see actualtext.py); each gives
    # every Arabic word, harakat included, in reading order.
    def arabic_words(text: str) -> list[str]:
        return re.findall("[\u0621-\u0652]+", unicodedata.normalize("NFC", text))

    wanted = arabic_words(ARABIC)
    for reader, text in texts.items():
        assert arabic_words(text) == wanted, reader
    # pypdf follows drawing order: it reads the logical text, harakat and ligatures intact.
    flat = squash(texts["pypdf"])
    for word in ("عادةً", "يتوقّف", "وأحيانًا", "لاتقلقي", "اللولبالرحمي"):
        assert word in flat, word


def test_arabic_leaflet_extracts_logically(built_scripts: Path) -> None:
    translation = yaml.safe_load((built_scripts / "handouts/translations/ar/iud-aftercare.yaml")
                                 .read_text(encoding="utf-8"))
    pdf = leaflet_pdf(built_scripts, "ar")
    assert PdfReader(pdf).trailer["/Root"]["/Lang"] == "ar"
    texts = extractions(pdf)
    for reader, text in texts.items():
        assert re.search("[\u0621-\u064a]", text), reader
        assert not re.search("[\ufb50-\ufdff\ufe70-\ufeff]", text), reader  # no presentation forms
        assert not re.search("[\ue000-\uf8ff]", text), reader  # no private-use code points
    # Every reader gives the Arabic words of every unit as they are read.  (Neutral marks
    # next to embedded Latin follow pypdf's and poppler's own heuristics: for them the check
    # is on the words.)
    def words(text: str) -> str:
        return " ".join(re.findall("[\u0621-\u0652]+", unicodedata.normalize("NFC", text)))

    # (each run between placeholders: a placeholder's value, `urgent_label`, is Arabic too)
    units = [words(part) for unit in translation["units"].values()
             for part in re.split(r"\{\{.*?\}\}", unit["text"])]
    units = [unit for unit in units if unit]
    for reader, text in texts.items():
        extracted = words(text)
        assert all(unit in extracted for unit in units), (reader, [u for u in units if u not in extracted][:3])
    # PDFium gives each unit whole: punctuation, brackets, numbers and Latin in their places.
    flat = squash(texts["pdfium"]).replace("…", "...")  # PDFium spells out the ellipsis
    for unit in translation["units"].values():
        for part in re.split(r"\{\{.*?\}\}", unit["text"]):  # clinic name, phone: filled in
            assert squash(part.replace("*", "")).replace("…", "...") in flat, part
    assert "Riverside Women's Health Centre" in texts["pdfium"]  # Latin lines read forwards
    # poppler and pypdf give every unit whole too, letters, digits and Latin in order, but
    # for where they put punctuation beside embedded Latin or a citation marker (poppler:
    # `التركيب[1].` for `التركيب. [1]`, `)(IUD` for `(IUD)`).
    def unpunctuated(text: str) -> str:
        flat = re.sub("[\u200e\u200f\u202a-\u202e\u2066-\u2069]", "", squash(text))
        return re.sub(r"\[\d\]|[.,،()؟?:…]", "", flat)

    for reader, text in texts.items():
        extracted = unpunctuated(text)
        for unit in translation["units"].values():
            for part in re.split(r"\{\{.*?\}\}", unit["text"]):
                assert unpunctuated(part.replace("*", "")) in extracted, (reader, part[:40])


def test_arabic_phone_numbers_and_addresses_extract_as_written(built_scripts: Path) -> None:
    """Copied from an Arabic leaflet, a phone number keeps its groups in order (poppler gave
    `0321 7946 020` for `020 7946 0321`: a patient could dial a wrong number), and web and
    e-mail addresses read forwards, in every reader."""
    brand = yaml.safe_load((built_scripts / "layouts/brands/riverside-womens-health.yaml").read_text())
    written = [brand["phone"], brand["urgent_phone"], brand["email"],
               brand["leaflet_url"].format(lang="ar", handout="iud-aftercare").removeprefix("https://"),
               brand["feedback"]]
    texts = extractions(leaflet_pdf(built_scripts, "ar"))
    assert "pdftotext" in texts or shutil.which("pdftotext") is None
    for reader, text in texts.items():
        flat = text.replace("\u00a0", " ")
        assert [item for item in written if item not in flat] == [], reader


def test_brand_typeface_from_a_path(project: Path, run: Run) -> None:
    import pymupdf_fonts.Ubuntu_Bold as bold
    import pymupdf_fonts.Ubuntu_Regular as regular

    brand = project / "layouts/brands"
    (brand / "ubuntu-r.ttf").write_bytes(regular.fontbuffer)
    (brand / "ubuntu-b.ttf").write_bytes(bold.fontbuffer)
    path = brand / "riverside-womens-health.yaml"
    path.write_text(path.read_text(encoding="utf-8")
                    + "fonts:\n  latin: {regular: ubuntu-r.ttf, bold: ubuntu-b.ttf}\n", encoding="utf-8")
    result = run("build", "--lang", "en", "--lang", "ar", "--clinic", "riverside-womens-health",
                 "--handout", "iud-aftercare")
    assert result.exit_code == 0, result.stderr
    english = PdfReader(project / "dist/riverside-womens-health/en/iud-aftercare-a4.pdf")
    arabic = PdfReader(leaflet_pdf(project, "ar"))

    def fonts(reader: PdfReader) -> set[str]:
        return {str(f.get_object()["/BaseFont"]).split("+")[1] for p in reader.pages
                for f in p["/Resources"]["/Font"].values()}

    assert fonts(english) == {"Ubuntu-Regular", "Ubuntu-Bold"}
    assert all(name.startswith("FiraGO") for name in fonts(arabic))  # other scripts keep theirs


def test_missing_brand_font_fails_only_that_script(project: Path, run: Run) -> None:
    path = project / "layouts/brands/riverside-womens-health.yaml"
    path.write_text(path.read_text(encoding="utf-8")
                    + "fonts:\n  arabic: {regular: No Such Family Sans}\n", encoding="utf-8")
    result = run("build", "--lang", "en", "--lang", "ar", "--clinic", "riverside-womens-health",
                 "--layout", "a4")
    assert result.exit_code == 1
    assert re.search(r"riverside-womens-health\.yaml:\d+:\d+: font `No Such Family Sans` not found .*"
                     r"the arabic script \(language `ar`\) cannot be set\. Install the font", result.stderr)
    assert len(list((project / "dist/riverside-womens-health/en").glob("*.pdf"))) == 2
    assert not (project / "dist/riverside-womens-health/ar").exists()


@pytest.mark.parametrize("value", ["package:pymupdf_fonts", "package:os", "package:no_such_module"])
def test_a_package_that_holds_no_font_is_not_found(value: str) -> None:
    from carepress.fontfiles import font_bytes

    assert font_bytes(value, REPO) is None  # (reported as `font ... not found`, not a traceback)


def test_packaged_fonts_are_unpacked_once_into_the_user_cache(user_cache: Path) -> None:
    import pymupdf_fonts.Ubuntu_Regular as packaged

    from carepress.fontfiles import package_font_bytes

    assert package_font_bytes("pymupdf_fonts.Ubuntu_Regular") == packaged.fontbuffer
    [cached] = (user_cache / "fonts").glob("pymupdf_fonts.Ubuntu_Regular-*.ttf")
    assert cached.read_bytes() == packaged.fontbuffer
    cached.write_bytes(b"from the cache")  # the next call reads the file, not the module
    assert package_font_bytes("pymupdf_fonts.Ubuntu_Regular") == b"from the cache"
    assert package_font_bytes("pymupdf_fonts.No_Such_Face") is None
    assert package_font_bytes("no_such_package.Face") is None


def test_italic_stays_italic_whatever_order_leaflets_come_in() -> None:
    """ReportLab's <b>/<i> mapping is global: a leaflet without italics, set after one with
    italics, must not map the family's italic back to the upright face."""
    from reportlab.lib.fonts import tt2ps

    from carepress.typeset.fonts import FAMILY, firago

    firago.cache_clear()
    firago(True)  # a leaflet with italics
    firago.cache_clear()
    firago(False)  # then one without
    assert tt2ps(FAMILY, 0, 1) == f"{FAMILY}-Italic"
    assert tt2ps(FAMILY, 1, 1) == f"{FAMILY}-BoldItalic"
    firago.cache_clear()


def test_the_chinese_subset_draws_what_the_layout_adds(project: Path) -> None:
    """The Chinese font is a subset of the leaflet's characters: the ones the layout draws
    itself (list bullets, page numbers, separators) must be in it, or a bullet list prints
    empty boxes that no text check would see."""
    from carepress.pipeline import resolve_job
    from carepress.plan import Job
    from carepress.typeset.checks import DRAWN_BY_THE_LAYOUT, preflight

    from carepress.load import load_project

    model = load_project(project)
    leaflet = resolve_job(model, Job("iud-aftercare", "zh-Hans", "harbour-health", "letter")).leaflet
    fonts = preflight(leaflet)
    assert "•" in DRAWN_BY_THE_LAYOUT
    assert all(ord(ch) in fonts.covered for ch in DRAWN_BY_THE_LAYOUT)


# ---- widows and orphans -----------------------------------------------------------------

RUNNING_TEXT = {
    "en": " ".join(["Call the clinic if the bleeding is heavy or lasts more than a week."] * 6),
    "zh-Hans": "放置宫内节育器后，您可能会在三到六个月内出现月经量多以及两次月经之间出血的情况。" * 4,
    "ar": ARABIC,
}


@pytest.mark.parametrize("lang", RUNNING_TEXT)
def test_body_text_leaves_no_line_alone_across_a_page_break(project: Path, lang: str) -> None:
    """A paragraph split by a page break keeps two lines at least on each side, in each
    script's paragraph (ReportLab's, the Chinese and the Arabic one), by the body style."""
    from carepress.load import load_project
    from carepress.typeset.flowables import paragraph_class
    from carepress.typeset.styles import make_styles

    model = load_project(project)
    fonts = fonts_for(lang, RUNNING_TEXT[lang])
    style = make_styles(model.layouts["a4"], model.brands["riverside-womens-health"].colours, fonts).body
    paragraph = paragraph_class(fonts)(RUNNING_TEXT[lang], style)
    lines = round(paragraph.wrap(300, 10_000)[1] / style.leading)
    assert lines >= 5

    def split(room: int) -> list[int]:  # lines on each side of the break
        return [round(part.wrap(300, 10_000)[1] / style.leading)
                for part in paragraph_class(fonts)(RUNNING_TEXT[lang], style).split(300, room * style.leading + 1)]

    assert split(lines - 1) == [lines - 2, 2]  # not its last line alone on the next page
    assert split(1) == []  # not its first line alone at the foot of this one
    assert split(2) == [2, lines - 2]


def test_no_lone_last_line_at_the_top_of_a_page(project: Path, run: Run) -> None:
    """The Vietnamese large-print leaflet's second page began with "cung. [1]", the last
    line of a passage, a heading after it."""
    import html
    import subprocess

    if not shutil.which("pdftotext"):
        pytest.skip("needs poppler-utils (installed by .ci/run)")
    assert run("build", "--lang", "vi", "--layout", "large-print-letter", "--handout",
               "iud-aftercare").exit_code == 0
    pdf = project / "dist/harbour-health/vi/iud-aftercare-large-print-letter.pdf"
    page = subprocess.run(["pdftotext", "-bbox", "-f", "2", "-l", "2", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout
    words = re.findall(r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>', page)
    lines: list[list[tuple[float, str]]] = []  # words below the header band, by line
    for bottom, word in sorted((float(y1), html.unescape(w)) for y0, y1, w in words
                               if float(y0) > 40 and not re.fullmatch(r"\[\d+\]", w)):  # (marks sit higher)
        if not lines or bottom - lines[-1][0][0] > 1:
            lines.append([])
        lines[-1].append((bottom, word))
    assert len(lines[0]) > 3, lines[0]
    leading = 16 * 1.35  # the layout's body size and leading
    assert lines[1][0][0] - lines[0][0][0] == pytest.approx(leading, abs=0.5)  # the same paragraph
