"""The HTML twin of each leaflet: one self-contained, accessible web page per clinic x
language x handout, made from the same resolved Leaflet as the PDFs."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Iterator

import pytest
from axe import AxeBrowser, axe_violations, format_violations, requires_axe
from conftest import CLINIC_FOR, Run, build_project, copy_project

from carepress.html import render_html
from carepress.load import load_project
from carepress.model import Leaflet, RCallout, RFillIn, RList, plain
from carepress.pipeline import resolve_job
from carepress.plan import HTML, Job

LANGS = ("en", "ar", "zh-Hans")
HANDOUTS = ("iud-aftercare", "miscarriage-aftercare")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}


# ---- a small HTML tree, from the standard library's parser --------------------------------

@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    children: list[Element | str] = field(default_factory=list)

    def iter(self, tag: str | None = None) -> Iterator[Element]:
        if tag is None or self.tag == tag:
            yield self
        for child in self.children:
            if isinstance(child, Element):
                yield from child.iter(tag)

    def find(self, tag: str, **attrs: str) -> Element:
        found = [e for e in self.iter(tag) if all(e.attrs.get(k.replace("_", "-")) == v
                                                     for k, v in attrs.items())]
        assert len(found) == 1, (tag, attrs, len(found))
        return found[0]

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    @property
    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text for c in self.children)


class TreeBuilder(HTMLParser):
    """Parses a page into Elements, and fails on what a well-formed page never has: an end
    tag that closes another element, an element left open, a void element closed."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.stack = [self.root]
        self.doctype = ""

    def handle_decl(self, decl: str) -> None:
        self.doctype = decl

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {name: value or "" for name, value in attrs})
        assert len(element.attrs) == len(attrs), f"<{tag}> repeats an attribute"
        self.stack[-1].children.append(element)
        if tag not in VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        assert tag not in VOID, f"</{tag}>"
        assert self.stack[-1].tag == tag, f"</{tag}> closes <{self.stack[-1].tag}>"
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse(page: str) -> Element:
    builder = TreeBuilder()
    builder.feed(page)
    builder.close()
    assert builder.stack == [builder.root], [e.tag for e in builder.stack]
    assert builder.doctype.lower() == "doctype html"
    html = builder.root.find("html")
    return html


def squashed(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split())


# ---- fixtures -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def twins(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The HTML twins of both handouts in English, Arabic and Chinese, built once."""
    root = copy_project(tmp_path_factory.mktemp("twins") / "project")
    build_project(root, "--format", "html", "-q", *(f"--lang={lang}" for lang in LANGS))
    return root / "dist"


def leaflet_of(root: Path, handout: str, lang: str) -> Leaflet:
    project = load_project(root)
    return resolve_job(project, Job(handout, lang, CLINIC_FOR[lang], "", format=HTML)).leaflet


def page_path(dist: Path, handout: str, lang: str) -> Path:
    return dist / CLINIC_FOR[lang] / lang / f"{handout}.html"


# ---- the page -------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGS)
def test_the_twin_says_what_the_leaflet_says(twins: Path, lang: str) -> None:
    project = load_project(twins.parent)
    for handout in HANDOUTS:
        leaflet = leaflet_of(twins.parent, handout, lang)
        brand = project.brands[CLINIC_FOR[lang]]
        page = page_path(twins, handout, lang).read_text(encoding="utf-8")
        html = parse(page)
        assert html.attrs["lang"] == lang
        assert html.attrs["dir"] == ("rtl" if lang == "ar" else "ltr")
        head = html.find("head")
        assert head.find("meta", charset="utf-8")
        assert "width=device-width" in head.find("meta", name="viewport").attrs["content"]
        assert head.find("title").text == f"{plain(leaflet.title)} · {brand.name}"
        assert head.find("link", rel="canonical").attrs["href"] == \
            brand.leaflet_url.format(lang=lang, handout=handout)

        # header: the logo, inlined, with its alt text, and the clinic's name
        header = html.find("header")
        logo = header.find("img")
        assert logo.attrs["alt"] == brand.logo.alt
        assert logo.attrs["src"].startswith(f"data:image/{'svg+xml' if lang != 'ar' else 'png'};base64,")
        assert brand.name in header.text

        main = html.find("main")
        assert [squashed(h.text) for h in main.iter("h1")] == [squashed(plain(leaflet.title))]
        assert [squashed(h.text) for h in main.iter("h2")] == \
            [squashed(plain(s.heading)) for s in leaflet.sections] + [leaflet.sources_heading]

        # callouts: labelled regions holding their title as a heading
        callouts = [b for s in leaflet.sections for b in s.blocks if isinstance(b, RCallout)]
        regions = [e for e in main.iter("section") if e.classes & {"urgent", "info"}]
        assert [(r.classes & {"urgent", "info"}).pop() for r in regions] == [c.kind for c in callouts]
        assert "urgent" in [c.kind for c in callouts]
        for region, callout in zip(regions, callouts):
            heading = region.find("h3", id=region.attrs["aria-labelledby"])
            assert squashed(heading.text) == squashed(plain(callout.title))

        # fill-in fields and checklists: labelled inputs, named as in the PDF form
        labels = {e.attrs["for"]: squashed(e.text) for e in main.iter("label")}
        for block in (b for s in leaflet.sections for b in s.blocks):
            if isinstance(block, RFillIn):
                for fill_in in block.fields:
                    inputs = [e for e in main.iter("input") if e.attrs.get("name") == fill_in.name]
                    if fill_in.choices:
                        group = next(f for f in main.iter("fieldset") if inputs[0] in f.iter("input"))
                        assert squashed(group.find("legend").text) == squashed(fill_in.label)
                        assert [labels[i.attrs["id"]] for i in inputs] == list(fill_in.choices)
                        assert {i.attrs["type"] for i in inputs} == {"checkbox"}
                    else:
                        assert len(inputs) == 1 and inputs[0].attrs["type"] == "text"
                        assert labels[inputs[0].attrs["id"]] == squashed(fill_in.label)
            if isinstance(block, RList) and block.checklist:
                boxes = [e for e in main.iter("input") if e.attrs["type"] == "checkbox"
                         and "name" not in e.attrs]
                assert [labels[b.attrs["id"]] for b in boxes] == \
                    [squashed(plain(item)) for item in block.items]

        # quoted passages link to their source; the sources list and the clinic's note
        if leaflet.numbered:
            sources = html.find("ol")
            ids = [li.attrs["id"] for li in sources.iter("li")]
            assert ids == [f"source-{s.number}" for s in leaflet.sources] and ids
            marks = [a.attrs["href"] for sup in main.iter("sup") for a in sup.iter("a")]
            assert marks and {mark.lstrip("#") for mark in marks} <= set(ids)
        else:  # one source: named once, "Based on: …", and no [1] after every passage
            entry = html.find("p", id="source-1")
            printed = re.sub("[\u202a\u202c]", "", plain(leaflet.sources[0].text))  # (dir= in HTML)
            assert squashed(printed) == squashed(entry.text)
            assert not list(html.iter("ol")) and not list(main.iter("sup"))
        assert squashed(leaflet.sources_note) in squashed(main.text)

        # links a reader uses: the clinic's phones, its e-mail or feedback page, the online copy
        links = {a.attrs["href"] for a in html.iter("a")}
        assert leaflet.footer.phone_href in links
        assert f"tel:{re.sub(r'[^0-9+]', '', brand.urgent_phone)}" in links
        assert brand.email and f"mailto:{brand.email}" in links
        assert leaflet.closing and leaflet.closing.url in links
        assert leaflet.closing.feedback_href in links
        footer = html.find("footer")
        assert any(a.attrs["href"] == leaflet.footer.phone_href for a in footer.iter("a"))

        # document control: code, version, review-by date, approval date and owner
        text = squashed(footer.text)
        assert squashed(leaflet.footer.control) in text
        assert squashed(plain(leaflet.footer.approved)) in text
        assert leaflet.control.owner in text

        # the draft notice, at the top, on a translation not yet reviewed
        notice = [e for e in html.iter("p") if "draft" in e.classes]
        if lang == "en":
            assert not notice and not leaflet.footer.draft
        else:
            assert leaflet.draft and len(notice) == 2  # at the top, and in the footer
            first = next(e for e in main.children if isinstance(e, Element))
            assert first is notice[0]
            assert squashed(first.text) == squashed(leaflet.footer.draft.replace(" · ", " "))
            english = first.find("span", lang="en")
            assert english.text == "Draft translation — not yet reviewed"


@pytest.mark.parametrize("lang", LANGS)
def test_the_twin_is_self_contained(twins: Path, lang: str) -> None:
    for handout in HANDOUTS:
        page = page_path(twins, handout, lang).read_text(encoding="utf-8")
        html = parse(page)
        assert "<script" not in page.lower() and not list(html.iter("script"))
        assert not list(html.iter("iframe")) and not list(html.iter("object"))
        for element in html.iter():
            for name, value in element.attrs.items():
                assert not name.startswith("on"), (element.tag, name)  # no event handlers
                if name == "src" or (name == "href" and element.tag != "a"):
                    # what a browser loads by itself: only data: URIs; a canonical link is no load
                    assert value.startswith("data:") or (element.tag, element.attrs.get("rel")) == \
                        ("link", "canonical"), (element.tag, name, value)
        for style in html.iter("style"):
            assert "url(" not in style.text and "@import" not in style.text
        assert not list(html.find("body").iter("link"))
        policy = html.find("meta", http_equiv="Content-Security-Policy").attrs["content"]
        assert "default-src 'none'" in policy and "img-src data:" in policy


def test_runs_in_another_language_or_direction_are_marked(twins: Path) -> None:
    """An English source title in the Arabic twin: its own lang and dir, in place of the
    bidi embedding controls the leaflet carries it in; addresses and numbers left to right."""
    html = parse(page_path(twins, "iud-aftercare", "ar").read_text(encoding="utf-8"))
    title = html.find("p", id="source-1").find("span", lang="en")
    assert title.attrs["dir"] == "ltr"
    assert title.text.startswith("Bleeding after sex") and "\u202a" not in title.text
    for link in html.iter("a"):
        if link.attrs["href"].startswith(("tel:", "mailto:", "https:")):
            assert link.attrs.get("dir") == "ltr", link.attrs
    [name] = [p for p in html.iter("p") if "clinic-name" in p.classes]  # the name in the header
    assert name.attrs.get("lang") == "en" and name.attrs.get("dir") == "ltr"
    english = parse(page_path(twins, "iud-aftercare", "en").read_text(encoding="utf-8"))
    assert not [e for e in english.iter() if "dir" in e.attrs and e.tag != "html"]


def test_inline_markup_becomes_html_and_stays_text(project: Path, run: Run) -> None:
    """Bold, italic and links as <strong>, <em> and <a>; everything an author writes is text
    (autoescaped); a phone number in a text becomes a tel: link; a link whose text is not its
    address shows the address in print."""
    handout = project / "handouts/iud-aftercare.yaml"
    text = handout.read_text(encoding="utf-8")
    handout.write_text(text.replace(
        "text: Your nurse fills in these lines. Keep this leaflet with your health papers.",
        'text: "Your *nurse* <b>fills</b> in [these lines](https://example.org/lines) & more. '
        'Call {{ clinic.urgent_phone }}."'), encoding="utf-8")
    assert run("build", "--format", "html", "--lang", "en", "--clinic", "harbour-health").exit_code == 0
    page = (project / "dist/harbour-health/en/iud-aftercare.html").read_text(encoding="utf-8")
    assert ('<p>Your <em>nurse</em> &lt;b&gt;fills&lt;/b&gt; in <a href="https://example.org/lines" '
            'class="show-href">these lines</a> &amp; more. Call <a href="tel:6175550199">'
            '(617)\u00a0555-0199</a>.</p>') in page
    assert 'a.show-href::after { content: " (" attr(href) ")"' in page


def test_a_twin_is_the_same_bytes_every_time(project: Path) -> None:
    """(Its speed, about 2 ms, is in bench/bench.py.)"""
    model = load_project(project)
    for lang in LANGS:
        leaflet = resolve_job(model, Job("iud-aftercare", lang, CLINIC_FOR[lang], "", format=HTML)).leaflet
        artifact = render_html(leaflet)
        assert artifact.suffix == ".html" and artifact.pages is None
        assert render_html(leaflet).data == artifact.data  # the same leaflet, the same bytes


# ---- accessibility --------------------------------------------------------------------------

@requires_axe
def test_axe_finds_nothing_in_the_english_arabic_and_chinese_twins(twins: Path,
                                                                  axe_browser: AxeBrowser) -> None:
    """WCAG 2.1 A and AA, and axe's best practices too, in one browser."""
    for lang in LANGS:
        for handout in HANDOUTS:
            violations = axe_violations(page_path(twins, handout, lang), browser=axe_browser,
                                        best_practice=True)
            assert violations == [], f"{lang} {handout}\n{format_violations(violations)}"


# ---- the build ------------------------------------------------------------------------------

def test_twins_are_in_the_manifest_and_the_index_and_rebuilt_only_when_changed(
        project: Path, run: Run, tmp_path: Path) -> None:
    chosen = ("--clinic", "harbour-health", "--lang", "en", "--lang", "zh-Hans", "--layout", "letter")
    assert run("build", *chosen, "--report", str(tmp_path / "one.json")).exit_code == 0
    records = json.loads((project / "dist/manifest.json").read_text())["leaflets"]
    twins = [r for r in records if r.get("format") == "html"]
    assert sorted(r["path"] for r in twins) == sorted(
        f"harbour-health/{lang}/{handout}.html" for lang in ("en", "zh-Hans") for handout in HANDOUTS)
    assert all(r["pages"] is None and r["layout"] == "" and r["bytes"] > 5000 for r in twins)
    assert len(records) == 2 * len(twins)  # each handout x language: a letter PDF and its twin
    assert "format" not in next(r for r in records if r["path"].endswith(".pdf"))
    index = (project / "dist/index.html").read_text(encoding="utf-8")
    assert '<a href="harbour-health/zh-Hans/iud-aftercare.html">iud-aftercare</a></td>\n<td>HTML</td>' in index
    assert '<a href="harbour-health/zh-Hans/iud-aftercare-letter.pdf">iud-aftercare</a></td>\n<td>PDF</td>' in index

    written = {p: p.stat().st_mtime_ns for p in (project / "dist/harbour-health").rglob("*.html")}
    assert len(written) == len(twins)
    result = run("build", *chosen, "--report", str(tmp_path / "two.json"))
    assert result.exit_code == 0
    report = json.loads((tmp_path / "two.json").read_text())["leaflets"]
    assert {r["status"] for r in report} == {"unchanged"} and len(report) == len(records)
    assert {p: p.stat().st_mtime_ns for p in written} == written  # nothing written again

    # Options for print shops and forms shape PDFs only: the twins stay as they are.
    result = run("build", *chosen, "--bleed", "3mm", "--report", str(tmp_path / "three.json"))
    statuses = {r["path"]: r["status"] for r in json.loads((tmp_path / "three.json").read_text())["leaflets"]}
    assert {s for p, s in statuses.items() if p.endswith(".html")} == {"unchanged"}
    assert {s for p, s in statuses.items() if p.endswith(".pdf")} == {"built"}

    # A change to what a twin shows builds it again.
    (project / "layouts/strings/en.yaml").write_text(
        (project / "layouts/strings/en.yaml").read_text(encoding="utf-8").replace(
            "owner: Owner", "owner: Owned by"), encoding="utf-8")
    assert run("build", *chosen, "--format", "html", "--report", str(tmp_path / "four.json")).exit_code == 0
    statuses = {r["path"]: r["status"] for r in json.loads((tmp_path / "four.json").read_text())["leaflets"]}
    assert statuses == {f"harbour-health/{lang}/{handout}.html": "built" if lang == "en" else "unchanged"
                        for lang in ("en", "zh-Hans") for handout in HANDOUTS}
    assert "Owned by: Women" in (project / "dist/harbour-health/en/iud-aftercare.html").read_text()
    assert len(json.loads((project / "dist/manifest.json").read_text())["leaflets"]) == len(records)


def test_format_selects_pdfs_or_twins_and_forms_and_bundles_are_pdfs(project: Path, run: Run,
                                                                     tmp_path: Path) -> None:
    chosen = ("--clinic", "northside-family-clinic", "--lang", "pt", "--layout", "a4")
    assert run("build", *chosen, "--format", "html").exit_code == 0
    assert sorted(p.name for p in (project / "dist/northside-family-clinic/pt").iterdir()) == \
        [f"{handout}.html" for handout in HANDOUTS]
    result = run("build", *chosen, "--fillable", "--report", str(tmp_path / "forms.json"))
    assert result.exit_code == 0
    # The forms are extras, each after its printed PDF; the twins are as they were.
    leaflets = json.loads((tmp_path / "forms.json").read_text())["leaflets"]
    assert [(r["path"], r["status"]) for r in leaflets] == [
        (f"northside-family-clinic/pt/{handout}{suffix}", status) for handout in HANDOUTS
        for suffix, status in (("-a4.pdf", "built"), ("-a4-fillable.pdf", "built"),
                               (".html", "unchanged"))]
    assert run("build", *chosen, "--format", "html", "--fillable").exit_code == 2
    assert run("build", *chosen, "--bundle").exit_code == 0
    assert sorted(p.name for p in (project / "dist/northside-family-clinic/pt").iterdir()) == sorted(
        ["bundle-a4.pdf", *[f"{h}{suffix}" for h in HANDOUTS
                            for suffix in (".html", "-a4.pdf", "-a4-fillable.pdf")]])
    checked = run("check", "--format", "html", "--lang", "ar")
    assert checked.exit_code == 0 and "2 leaflet(s) checked, 0 failed" in checked.stderr
    assert run("build", "--format", "epub").exit_code == 2
