"""Tri-folds and booklets as designed pieces: a tri-fold's panels (cover, flap, three inside
panels in reading order, back panel with the document control once, the tuck-in panel
narrower), its summary edition, and a booklet's front and back covers."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import MM, Run, Tree, build_project, edit
from pypdf import PdfReader

RIVERSIDE = "layouts/brands/riverside-womens-health.yaml"


def page_texts(path: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(path).pages]


def lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def test_a_trifold_is_cover_flap_three_inside_panels_and_back(trifold_project: Path, run: Run) -> None:
    result = run("build", "--clinic", "riverside-womens-health", "--lang", "en", "--format", "pdf",
                 "--handout", "miscarriage-aftercare")
    assert result.exit_code == 0, result.stderr
    reading = trifold_project / "dist/riverside-womens-health/en/miscarriage-aftercare-trifold-a4-reading-order.pdf"
    pages = page_texts(reading)
    assert len(pages) == 6
    cover, flap, *inside, back = pages
    assert "Looking after yourself after a miscarriage" in " ".join(lines(cover))
    assert "We are sorry for your loss" in cover and "Contraception" not in cover
    # The flap stands alone: the urgent box, and no running body text.
    assert "Worried or unsure? Contact us" in flap and "020 7946 0999" in flap
    assert "When is it safe" not in flap
    # The body reads across the three inside panels in order, each panel carrying some.
    body = "\n".join(inside)
    headings = ["When is it safe to have sex again?", "While your body heals", "Contraception",
                "Coping with your loss"]
    found = [body.find(heading) for heading in headings]
    assert -1 not in found and found == sorted(found)
    # (its summary edition leaves out the follow-up line of `Before you go home`)
    assert "Before you go home" not in "\n".join(pages) and "Follow-up appointment" not in body
    assert all(len(lines(panel)) > 5 for panel in inside)  # balanced: no blank inside panel
    assert "Worried or unsure" not in body and "Contact us\n" not in body
    # The back: contact, QR code's lines, sources and the document control, once.
    assert "Contact us" in back and "Sources" in back and "Online" in back
    document = "\n".join(pages)
    assert document.count("RWH-GYN-021") == 1 and "RWH-GYN-021" in back
    assert document.count("Approved 20 November 2026") == 1
    # No running header band or page count on any panel.
    assert not re.search(r"Page \d of", document)
    assert all("riverside-womens-health.example\n" not in panel for panel in [flap, *inside])
    assert "https://riverside-womens-health.example" in cover  # (the band, on the cover only)
    # Addresses: each line of the address its own; the web address whole on a line.
    back_lines = lines(back)
    assert "4 Mill Lane" in back_lines and "Riverside, London E1 7AA" in back_lines
    assert "riverside-womens-health.example" in back_lines
    email = [line for line in back_lines if "womens-health.example" in line and "@" in line]
    assert email and all(re.search(r"(^|\s)@?riverside-womens-health\.example$|patientinfo@riverside-womens"
                                   r"-health\.example$", line) for line in email)
    # The tuck-in panel (the flap and the inside right panel) is 3 mm narrower.
    widths = [float(page.mediabox.width) for page in PdfReader(reading).pages]
    assert widths[1] == widths[4] == pytest.approx(96 * MM, abs=0.01)
    assert all(width == pytest.approx(99 * MM, abs=0.01) for index, width in enumerate(widths)
               if index not in (1, 4))


def test_a_russian_trifold_keeps_its_phone_number_whole_and_its_draft_line_legible(trifold_project: Path, run: Run) -> None:
    """The document control's phone line on a narrow back panel (Russian: `Есть вопросы?
    Звоните в … Centre:`) broke the number over two lines (`020 7946` / `0321`): half a
    number may be dialled."""
    result = run("build", "--clinic", "riverside-womens-health", "--lang", "ru", "--format", "pdf")
    assert result.exit_code == 0, result.stderr
    for handout in ("iud-aftercare", "miscarriage-aftercare"):
        path = trifold_project / f"dist/riverside-womens-health/ru/{handout}-trifold-a4-reading-order.pdf"
        back = lines(page_texts(path)[-1])
        assert any(line.endswith("Centre:") for line in back)  # (the line breaks before the number)
        assert "020 7946 0321" in back  # (on a line of its own, whole)
        # The cover says the translation is a draft at the body size (it was the 7 pt of the
        # document control), in both languages.
        sizes: dict[str, float] = {}

        def visit(text, cm, tm, font, size):  # type: ignore[no-untyped-def]
            if text.strip():
                sizes[text.strip()] = size * tm[3] * cm[3]

        PdfReader(path).pages[0].extract_text(visitor_text=visit)
        draft = {text: size for text, size in sizes.items() if "Draft translation" in text or "Черновой" in text}
        assert draft and all(size == pytest.approx(12) for size in draft.values()), draft


def test_a_summary_edition_carries_the_sections_it_names(trifold_project: Path, run: Run) -> None:
    edit(trifold_project / "handouts/iud-aftercare.yaml", "profile: discharge",
         "trifold:\n  sections: [What is an IUD?, When to contact us]\nprofile: discharge")
    result = run("build", "--clinic", "riverside-womens-health", "--lang", "ar", "--format", "pdf",
                 "--handout", "iud-aftercare")
    assert result.exit_code == 0, result.stderr
    path = trifold_project / "dist/riverside-womens-health/ar/iud-aftercare-trifold-a4-reading-order.pdf"
    pages = page_texts(path)
    document = "\n".join(pages)
    # One bookmark a section carried: the flap's, then `What is an IUD?` (in Arabic).
    assert [item.title for item in PdfReader(path).outline] == ["متى تتصلين بنا", "ما هو اللولب؟"]
    assert "بيانات اللولب الخاص بك" not in document  # `Your IUD details` is left out
    assert "020 7946 0999" in pages[1]  # the urgent box on the flap
    # Other layouts carry every section.
    edit(trifold_project / RIVERSIDE, "layouts: [trifold-a4]", "layouts: [a4]")
    assert run("build", "--clinic", "riverside-womens-health", "--lang", "ar", "--format", "pdf",
               "--handout", "iud-aftercare").exit_code == 0
    a4 = "\n".join(page_texts(trifold_project / "dist/riverside-womens-health/ar/iud-aftercare-a4.pdf"))
    assert "بيانات اللولب الخاص بك" in a4


def errors_of(load, path: Path) -> list[str]:  # type: ignore[no-untyped-def]
    """The errors loading one file gives, each `line: message` (the loader alone: cheap)."""
    from carepress.errors import Diagnostics

    diagnostics = Diagnostics()
    assert load(path, diagnostics) is None
    return [f"{error.origin.line}: {error.message}" for error in diagnostics.errors]


def line_of(path: Path, words: str) -> int:
    return next(n for n, text in enumerate(path.read_text().splitlines(), start=1) if words in text)


def test_a_summary_edition_naming_no_section_is_an_error_at_its_line(project: Path) -> None:
    from carepress.load.handout import load_handout

    path = project / "handouts/iud-aftercare.yaml"
    edit(path, "profile: discharge", "trifold:\n  sections:\n    - What is an IUD?\n"
         "    - Bleeding after sexx\n    - What is an IUD?\nprofile: discharge")
    errors = errors_of(load_handout, path)
    assert len(errors) == 2
    assert errors[0].startswith(f"{line_of(path, 'sexx')}: no section has the heading "
                                "`Bleeding after sexx`; did you mean `Bleeding after sex`?")
    assert "`What is an IUD?` is named twice" in errors[1]


@pytest.mark.parametrize("setting, message", [
    ("  tuck_in: 9mm", "`tuck_in` must be from 0 to 6mm"),
    ("  tuck_in: wide", "expected a length such as"),
])
def test_tuck_in_is_validated_at_its_line(project: Path, setting: str, message: str) -> None:
    from carepress.load.layout import load_layout

    path = project / "layouts/trifold-a4.yaml"
    edit(path, "  tuck_in: 3mm ", setting + " ")
    errors = errors_of(load_layout, path)
    assert len(errors) == 1 and errors[0].startswith(f"{line_of(path, 'tuck_in')}: ")
    assert message in errors[0]


def test_tuck_in_belongs_to_a_trifold(project: Path) -> None:
    from carepress.load.layout import load_layout

    path = project / "layouts/a5-booklet.yaml"
    edit(path, "  sheet: {width: 297mm, height: 210mm}", "  sheet: {width: 297mm, height: 210mm}\n  tuck_in: 3mm")
    errors = errors_of(load_layout, path)
    assert errors == [f"{line_of(path, 'tuck_in')}: `tuck_in` is for a `trifold` (its tuck-in panel); "
                      "remove it from this `booklet` layout"]


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_a_booklet_has_a_front_and_a_back_cover(project: Path, run: Run, lang: str) -> None:
    result = run("build", "--clinic", "riverside-womens-health", "--lang", lang, "--format", "pdf",
                 "--layout", "a5-booklet", "--handout", "iud-aftercare")
    assert result.exit_code == 0, result.stderr
    path = project / f"dist/riverside-womens-health/{lang}/iud-aftercare-a5-booklet-reading-order.pdf"
    pages = page_texts(path)
    cover, back = pages[0], pages[-1]
    title, message, section = {
        "en": ("After your IUD insertion", "What to expect", "What is an IUD?"),
        "ar": ("بعد تركيب اللولب", "ما الذي تتوقّعينه", "ما هو اللولب؟"),
    }[lang]
    squashed = " ".join(cover.split())
    assert title in squashed and message in squashed
    assert section not in squashed and "RWH-GYN-014" not in cover  # no body, no footer
    # The back cover: contact, the out-of-hours number, the QR code's lines, document control.
    assert "020 7946 0321" in back and "020 7946 0999" in back and "RWH-GYN-014" in back
    # The inside pages' footers: code, version and page count; the review-by date, approval
    # date and owner only in the back cover's document control (`document_control: end`).
    assert all("RWH-GYN-014" in page for page in pages[1:-1])
    assert [page for page in pages if "Gynaecology Nursing" in page] == [back]
    assert [page for page in pages if "2029" in page] == [back]
    assert f"/l/{lang}/iud-aftercare" in back.replace("\n", "")
    assert section not in back
    tree = Tree(path)  # (the QR code's Figure: on the back cover, the last page)
    qr = [tree.pages[figure.raw_get("/Pg").idnum] for figure in tree.roles("Figure")
          if "/Pg" in figure and re.search("QR|رمز", str(figure.get("/Alt", "")))]
    assert qr and all(index == len(pages) - 1 for index in qr)


def test_editors_schemas_describe_the_summary_edition_and_tuck_in(project: Path, run: Run) -> None:
    import json

    result = run("schema", "--out", str(project / "schemas"))
    assert result.exit_code == 0, result.stderr
    handout = json.loads((project / "schemas/handout.schema.json").read_text())
    trifold = handout["properties"]["trifold"]
    assert "summary edition" in trifold["description"]
    assert trifold["properties"]["sections"]["type"] == "array"
    layout = json.loads((project / "schemas/layout.schema.json").read_text())
    assert "tuck_in" in layout["properties"]["imposition"]["properties"]


def test_a_chinese_booklets_notes_pages_have_their_heading(project: Path) -> None:
    """The notes heading's characters are in the Chinese subset (they were left out of the
    text the fonts are chosen and cut down by: two missing-glyph boxes)."""
    edit(project / "layouts/brands/harbour-health.yaml", "layouts: [letter, large-print-letter]",
         "layouts: [letter, a5-booklet]")
    build_project(project, "--clinic", "harbour-health", "--lang", "zh-Hans", "--layout", "a5-booklet",
                  "--handout", "iud-aftercare", "--format", "pdf")
    texts = page_texts(project / "dist/harbour-health/zh-Hans/iud-aftercare-a5-booklet-reading-order.pdf")
    assert len(texts) % 4 == 0 and "笔记" in texts[-2] and "\x00" not in "".join(texts)


def test_notes_pages_never_take_a_booklet_past_its_page_limit(project: Path, run: Run) -> None:
    """A booklet whose limit is not a multiple of 4 keeps its blanks rather than fail."""
    edit(project / "layouts/a5-booklet.yaml", "max_pages: 8", "max_pages: 6")
    result = run("build", "--clinic", "riverside-womens-health", "--lang", "en", "--layout", "a5-booklet",
                 "--handout", "iud-aftercare", "--format", "pdf")
    assert result.exit_code == 0, result.stderr
    folder = project / "dist/riverside-womens-health/en"
    texts = page_texts(folder / "iud-aftercare-a5-booklet-reading-order.pdf")
    assert len(texts) == 5 and not any("Notes" in text.split() for text in texts)
    assert len(PdfReader(folder / "iud-aftercare-a5-booklet.pdf").pages) == 4  # (8 slots, 3 blank)
