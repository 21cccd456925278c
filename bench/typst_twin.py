"""The project's leaflets as Typst documents, for bench.py's comparison with Typst.

``write_documents`` writes one .typ file per PDF of the matrix, from the same resolved
leaflets carepress typesets: the layout's page size, margins and type sizes; the header
band in the clinic's colour with its logo (PNG or SVG), name and website; the footer with
the document control, the clinic's phone and `Page N of M`; the title and subtitle, one
heading per section, paragraphs (bold, italic, links and other-language runs as spans), bullet
lists and checklists, the fill-in fields as labels with ruled lines, the urgent and
information callouts and the contact box as tinted boxes with a bar, the sources list and
the closing box; FiraGO for Latin, Cyrillic and Arabic (right to left, shaped by Typst) and
Noto Sans CJK SC for Chinese, both embedded.  Typst tags the PDFs (its default).  Left out:
the QR code (Typst has none without a package), bookmarks, PDF/A, the read-back and the
imposition of booklets and tri-folds (their pages are set in reading order only).

``COMPILE`` is the program bench.py times as one process: it compiles every document with
one typst-py Compiler (fonts found once), as `typst compile` would each, into PDF files.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

COMPILE = """
import sys
from pathlib import Path

import typst

folder = Path(sys.argv[1])
compiler = typst.Compiler(root=str(folder), font_paths=[str(folder / "fonts")], ignore_system_fonts=True)
for document in sorted(folder.glob("*.typ")):
    try:
        compiler.compile(input=str(document), output=str(document.with_suffix(".pdf")))
    except typst.TypstError as error:
        raise SystemExit(f"{document.name}: {error}")
"""


def _string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _inline(spans: Any) -> str:
    """Inline text as Typst markup: each span a string in its styles (``#expr;``)."""
    out = []
    for span in spans:
        expr = _string(span.text)
        if span.italic:
            expr = f"emph({expr})"
        if span.bold:
            expr = f"strong({expr})"
        if span.href:
            expr = f"link({_string(span.href)}, {expr})"
        if span.lang:
            expr = f"text(lang: {_string(span.lang.split('-')[0])}, {expr})"
        out.append(f"#{expr};")
    return "".join(out)


def _text(text: str) -> str:
    return f"#{_string(text)};"


def _box(colour: str, background: str, body: str) -> str:
    return (f'#block(width: 100%, fill: rgb("{background}"), stroke: (left: 3pt + rgb("{colour}")), '
            f"inset: 8pt, breakable: false)[\n{body}\n]\n")


def _blocks(blocks: Any, colours: Any) -> str:
    from carepress.model import RCallout, RContact, RFillIn, RList, RPassage, RText

    out = []
    for block in blocks:
        if isinstance(block, (RPassage, RText)):
            out.append(_inline(block.text) + "\n")
        elif isinstance(block, RList):
            marker = "[☐]" if block.checklist else "[•]"
            items = ", ".join(f"[{_inline(item)}]" for item in block.items)
            out.append(f"#list(marker: {marker}, {items})\n")
        elif isinstance(block, RFillIn):
            cells = ", ".join(f"[{_text(field.label + ' ' + ' '.join('☐ ' + c for c in field.choices))}], "
                              f"line(length: 100%, stroke: 0.75pt)" for field in block.fields)
            out.append(f"#grid(columns: (35%, 65%), row-gutter: 14pt, align: bottom, {cells})\n")
        elif isinstance(block, RContact):
            body = (f"#heading(level: 3, outlined: false, {_string(block.heading)})\n"
                    + "\n\n".join(_inline(line) for line in block.lines))
            out.append(_box(colours.info, colours.info_background, body))
        elif isinstance(block, RCallout):
            colour, background = ((colours.urgent, colours.urgent_background) if block.kind == "urgent"
                                  else (colours.info, colours.info_background))
            body = f"#heading(level: 3, outlined: false)[{_inline(block.title)}]\n" + _blocks(block.blocks, colours)
            out.append(_box(colour, background, body))
        out.append("\n")
    return "".join(out)


def document(leaflet: Any, layout: Any, logo: str) -> str:
    """One leaflet on one layout as a Typst document (``logo``: the logo's file name)."""
    from carepress.languages import right_to_left
    from carepress.model import plain

    colours, scale = leaflet.clinic.colours, layout.type
    lang = leaflet.lang.split("-")[0]
    direction = "rtl" if right_to_left(leaflet.lang) else "ltr"
    region = ', region: "cn"' if leaflet.lang == "zh-Hans" else ""
    footer = leaflet.footer
    page_of = footer.page_of.replace("{page}", "#counter(page).display()").replace(
        "{pages}", "#counter(page).final().first()")
    head = f"""#set document(title: {_string(plain(leaflet.title))}, author: {_string(leaflet.clinic.name)})
#set page(width: {layout.page_width}pt, height: {layout.page_height}pt,
  margin: (left: {layout.margin_left}pt, right: {layout.margin_right}pt,
           top: {layout.header_height + scale.body}pt, bottom: {layout.margin_bottom + layout.footer_height}pt),
  background: place(top, rect(width: 100%, height: {layout.header_height * 0.8}pt, fill: rgb("{colours.primary}"))),
  header: grid(columns: (auto, 1fr), column-gutter: 8pt, align: horizon,
    image({_string(logo)}, height: {layout.header_height * 0.55}pt),
    text(fill: rgb("{colours.on_primary}"))[#text(weight: "bold", size: {scale.heading}pt, {_string(leaflet.clinic.name)}) \\
      #text(size: {scale.small}pt, {_string(leaflet.clinic.website)})]),
  footer: context text(size: {scale.small}pt)[{_text(footer.control)} #h(1fr) {page_of} \\
    {_text(footer.questions + " " + footer.phone)}{" " + _text(footer.draft) if footer.draft else ""}])
#set text(font: ("FiraGO", "Noto Sans CJK SC"), size: {scale.body}pt, lang: "{lang}"{region}, dir: {direction},
  fill: rgb("{colours.text}"))
#set par(leading: {(scale.leading - 1) * scale.body + 2}pt, spacing: {scale.body * 0.6}pt)
#show heading: set text(size: {scale.heading}pt, fill: rgb("{colours.accent}"))
#text(size: {scale.title}pt, weight: "bold", fill: rgb("{colours.accent}"))[{_inline(leaflet.title)}]
"""
    body = [head]
    if leaflet.subtitle:
        body.append(f"\n#text(size: {scale.subtitle}pt)[{_inline(leaflet.subtitle)}]\n\n")
    for section in leaflet.sections:
        body.append(f"#heading(level: 2)[{_inline(section.heading)}]\n{_blocks(section.blocks, colours)}")
    body.append(f"#heading(level: 2, {_string(leaflet.sources_heading)})\n")
    body.extend(f"{source.number}. {_inline(source.text)}\n\n" for source in leaflet.sources)
    if leaflet.closing is not None:
        closing = leaflet.closing
        body.append(_box(colours.info, colours.info_background,
                         f"{_text(closing.other_formats)}\n\n{_text(closing.feedback + ' ' + closing.feedback_address)}"))
    return "".join(body)


def write_documents(project: Any, folder: Path) -> int:
    """A .typ file per PDF of the project's matrix in ``folder``, with the logos and the
    fonts in ``folder/fonts``; returns how many."""
    from carepress.fontfiles import package_font_bytes
    from carepress.pipeline import resolve_job
    from carepress.plan import HTML, plan
    from carepress.typeset.cjkfont import REGULAR_MODULE, package_path

    (folder / "fonts").mkdir(parents=True, exist_ok=True)
    for face in ("Regular", "Bold"):
        data = package_font_bytes(f"pymupdf_fonts.FiraGO_{face}")
        assert data is not None
        (folder / "fonts" / f"FiraGO-{face}.ttf").write_bytes(data)
    cjk = package_path(REGULAR_MODULE)  # (the collection: Typst picks its SC face)
    (folder / "fonts" / cjk.name).write_bytes(cjk.read_bytes())
    count = 0
    for job in plan(project):
        if job.format == HTML or job.variant:
            continue
        leaflet = resolve_job(project, job).leaflet
        logo = f"{job.clinic}-logo.{leaflet.clinic.logo.format.replace('jpeg', 'jpg')}"
        (folder / logo).write_bytes(leaflet.clinic.logo.data)
        name = f"{job.clinic}--{job.lang}--{job.handout}--{job.layout}.typ"
        (folder / name).write_text(document(leaflet, project.layouts[job.layout], logo), encoding="utf-8")
        count += 1
    return count
