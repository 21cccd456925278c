"""The HTML renderer: a resolved Leaflet -> one self-contained web page, the leaflet's twin.

The page holds everything the PDF says (title, sections, the urgent callout, fill-in lines,
contact, sources, document control, the draft-translation notice, the closing), made from
the same ``Leaflet`` and nothing else: no file is read, no global state consulted.  It is
self-contained: inline CSS, no script, the logo as a data: URI, system fonts; a Content
Security Policy says so to the browser, so the page cannot fetch anything.

Jinja2 writes the page with autoescape on; spans become <strong>, <em>, <a href> and, for a
run in another language, an element with its own ``lang`` (and ``dir`` when its direction
differs from the page's).  The template is compiled once per process (and its compiled
code kept in the user cache, like the other work carepress keeps per machine).
"""

from __future__ import annotations

import base64
import functools
import re
import unicodedata
from itertools import groupby
from typing import Any

import jinja2
from markupsafe import Markup, escape

from carepress.languages import primary, right_to_left, script_of
from carepress.model import (
    Artifact,
    Inline,
    Leaflet,
    RCallout,
    RContact,
    RFillIn,
    RList,
    RLogo,
    RPassage,
    RText,
    Span,
    blocks_of,
    plain,
)
from carepress.resolve import ENGLISH_DRAFT_MARKER

_MIME = {"svg": "image/svg+xml", "png": "image/png", "jpeg": "image/jpeg"}
# Embedding and isolate controls that wrap a run resolve put in another direction (an
# English source title in Arabic): an element with `dir` isolates it in their place.
_BIDI_OPEN = "\u202a\u202b\u202d\u202e\u2066\u2067\u2068"
_BIDI_CLOSE = "\u202c\u2069"


def render_html(leaflet: Leaflet) -> Artifact:
    """The leaflet as a web page (UTF-8 bytes)."""
    page = page_template().render(
        leaflet=leaflet, clinic=leaflet.clinic, colours=leaflet.clinic.colours,
        footer=leaflet.footer, closing=leaflet.closing,
        rtl=right_to_left(leaflet.lang), script=script_of(leaflet.lang),
        logo=_logo_uri(leaflet.clinic.logo), phones=_phones(leaflet))
    return Artifact(page.encode("utf-8"), ".html", None)


# ---- inline text -------------------------------------------------------------------------

def _strong_rtl(text: str) -> bool:
    return any(unicodedata.bidirectional(c) in ("R", "AL") for c in text)


def _phones(leaflet: Leaflet) -> dict[str, str]:
    """The clinic's phone numbers as the leaflet prints them -> their tel: links: a number
    written in a text (`Call us on **(617) 555-0142**`) becomes a link a phone can call."""
    found = {leaflet.footer.phone: leaflet.footer.phone_href}
    for block in blocks_of(leaflet):
        if isinstance(block, RContact):
            found.update((span.text, span.href) for line in block.lines for span in line
                         if span.href and span.href.startswith("tel:"))
    return {_spaced(text): href for text, href in found.items() if text.strip()}


def _spaced(text: str) -> str:
    return text.replace("\u00a0", " ")


@functools.lru_cache(maxsize=64)
def _phone_pattern(numbers: tuple[str, ...]) -> re.Pattern[str]:
    """Any of the numbers, with a space or a no-break space wherever it has a space."""
    parts = [r"[ \u00a0]".join(map(re.escape, number.split(" ")))
             for number in sorted(numbers, key=len, reverse=True)]
    return re.compile(r"(?<![\w+])(?:" + "|".join(parts) + r")(?!\w)")


def _link_phones(inline: Inline, phones: dict[str, str]) -> list[Span]:
    if not phones:
        return list(inline)
    pattern = _phone_pattern(tuple(phones))
    out: list[Span] = []
    for span in inline:
        if span.href is not None:
            out.append(span)
            continue
        start = 0
        for match in pattern.finditer(span.text):
            if match.start() > start:
                out.append(Span(span.text[start:match.start()], span.bold, span.italic, None, span.lang))
            out.append(Span(match.group(), span.bold, span.italic, phones[_spaced(match.group())],
                            span.lang))
            start = match.end()
        if start < len(span.text):
            out.append(Span(span.text[start:], span.bold, span.italic, None, span.lang))
    return out


# Where an address may break across lines, as the PDF breaks it: after a slash, or before a
# `.`, `-`, `?`, `#`, `&`, `=` or `@` (a browser also breaks after a hyphen).
_ADDRESS_BREAK = re.compile(r"(?<=[^/:]/)(?=[^/])|(?<=[^\s])(?=[.?#&=@])")


def _address(text: str) -> Markup:
    """An address with <wbr> where it may break (the text copied is the address)."""
    return Markup("<wbr>").join(escape(part) for part in _ADDRESS_BREAK.split(text))


def _run(span: Span, rtl: bool, lang: str) -> str:
    text = span.text
    attributes = ""
    if span.lang and primary(span.lang) != primary(lang):
        attributes = f' lang="{escape(span.lang)}"'
        if right_to_left(span.lang) != rtl:
            attributes += f' dir="{"rtl" if right_to_left(span.lang) else "ltr"}"'
            if text[:1] in _BIDI_OPEN and text[-1:] in _BIDI_CLOSE:
                text = text[1:-1]
    if span.href and not span.href.startswith("tel:") and _bare(span.href) == _bare(text):
        html = str(_address(text))
    else:
        html = str(escape(text))
    if span.italic:
        html = f"<em>{html}</em>"
    if span.bold:
        html = f"<strong>{html}</strong>"
    return f"<span{attributes}>{html}</span>" if attributes else html


def _bare(address: str) -> str:
    return re.sub(r"^(https?://|mailto:|tel:)", "", address).rstrip("/")


def link(href: str, inner: str, text: str, rtl: bool) -> Markup:
    """An <a> around ``inner`` (text, or Markup) that reads ``text``: left to right in a
    right-to-left page when that is an address or a number; in print, followed by its
    address when the text does not show it."""
    attributes = f' href="{escape(href)}"'
    if rtl and not _strong_rtl(text):
        attributes += ' dir="ltr"'
    if href.startswith(("https:", "http:")) and _bare(href) != _bare(text.strip()):
        attributes += ' class="show-href"'
    if not isinstance(inner, Markup) and _bare(href) == _bare(inner):
        inner = _address(inner)
    return Markup(f"<a{attributes}>{escape(inner)}</a>")


def _plain_text(span: Span, phones: dict[str, str] | None) -> bool:
    """A span with no style, link or language of its own, and no phone number to link."""
    return not (span.bold or span.italic or span.href or span.lang) and not (
        phones and _phone_pattern(tuple(phones)).search(span.text))


def inline_html(inline: Inline, leaflet: Leaflet, phones: dict[str, str] | None = None) -> Markup:
    """Spans as HTML: each link one <a> (a link holding bold words stays one link)."""
    if len(inline) == 1 and _plain_text(inline[0], phones):  # (most texts: what the rest gives)
        return escape(inline[0].text)
    rtl = right_to_left(leaflet.lang)
    out = []
    for href, linked in groupby(_link_phones(inline, phones or {}), key=lambda span: span.href):
        spans = list(linked)
        inner = Markup("".join(_run(span, rtl, leaflet.lang) for span in spans))
        out.append(link(href, inner, plain(tuple(spans)), rtl) if href else inner)
    return Markup("".join(out))


# ---- the page ----------------------------------------------------------------------------

@functools.lru_cache(maxsize=16)
def _logo_uri(logo: RLogo) -> str:
    return f"data:{_MIME[logo.format]};base64,{base64.b64encode(logo.data).decode('ascii')}"


def _draft_lines(draft: str) -> list[tuple[str, str | None]]:
    """The draft notice as lines: in the leaflet's language, then in English (marked so)."""
    own, separator, english = draft.rpartition(" · ")
    if separator and english == ENGLISH_DRAFT_MARKER:
        return [(own, None), (english, "en")]
    return [(draft, None)]


def _kind(block: object) -> str:
    return {RPassage: "passage", RText: "text", RList: "list", RFillIn: "fill_in",
            RContact: "contact", RCallout: "callout"}[type(block)]


class _CompiledTemplates(jinja2.BytecodeCache):
    """Jinja's compiled templates kept in the user cache; Jinja checks its own version and
    the template's checksum in an entry, and the page is the same with or without it."""

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        from carepress.usercache import read_cached

        data = read_cached("templates", bucket.key)
        if data is not None:
            bucket.bytecode_from_string(data)  # (reset by Jinja if it is not for this one)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        from carepress.usercache import store_cached

        store_cached("templates", bucket.key, bucket.bytecode_to_string())


def compiled_template(label: str, source: str, code: str, filters: dict[str, Any] | None = None,
                      functions: dict[str, Any] | None = None, **options: Any) -> jinja2.Template:
    """A page template (the twins', the index's) compiled to Python once per machine, in the
    user cache (Jinja's compiler takes 60 ms, loading the result 0.3 ms): autoescaped, with
    the Environment's ``options``, the ``filters`` and the ``functions`` it calls.  The entry
    is named by ``label`` and ``entry_key`` (Jinja's version, carepress's, and the source of
    ``code``, the module that holds the template)."""
    from carepress.usercache import entry_key

    name = f"{label}-{entry_key('Jinja2', code=code)}.html"
    environment = jinja2.Environment(
        loader=jinja2.FunctionLoader(lambda wanted: source if wanted == name else None),
        bytecode_cache=_CompiledTemplates(), autoescape=True, **options)
    environment.filters.update(filters or {})
    environment.globals.update(functions or {})
    return environment.get_template(name)


@functools.cache
def page_template() -> jinja2.Template:
    """The page's template, compiled once per process (and kept compiled per machine)."""
    return compiled_template("leaflet", TEMPLATE, __name__,
                             filters={"kind": _kind, "plain": plain, "draft_lines": _draft_lines},
                             functions={"inline": inline_html, "link": link}, trim_blocks=True,
                             lstrip_blocks=True, undefined=jinja2.StrictUndefined)


TEMPLATE = """\
<!DOCTYPE html>
{% set c = colours %}
{# the source mark stays with the passage's last word; in Chinese with no space #}
{% set joiner = "\u2060" if script == "cjk" else "\u00a0" %}
<html lang="{{ leaflet.lang }}" dir="{{ 'rtl' if rtl else 'ltr' }}" class="script-{{ script }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'; form-action 'none'; base-uri 'none'">
<meta name="color-scheme" content="light">
<title>{{ leaflet.title | plain }} · {{ clinic.name }}</title>
{% if leaflet.subtitle %}
<meta name="description" content="{{ leaflet.subtitle | plain }}">
{% endif %}
{% if closing and closing.url %}
<link rel="canonical" href="{{ closing.url }}">
{% endif %}
<style>
*, *::before, *::after { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
body {
  margin: 0; background: #FFFFFF; color: {{ c.text }};
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Helvetica Neue", Arial, sans-serif;
  font-size: 1.125rem; line-height: 1.55; text-align: start; overflow-wrap: break-word;
}
.script-arabic body {
  font-family: "Noto Naskh Arabic", "Noto Sans Arabic", "Geeza Pro", "Segoe UI", Tahoma, "DejaVu Sans", sans-serif;
  font-size: 1.1875rem; line-height: 1.8;
}
.script-cjk body { line-height: 1.75; line-break: strict; }
html:lang(zh) body {
  font-family: "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "Droid Sans Fallback", sans-serif;
}
p, li, dd, legend, label { text-align: start; }
.masthead { background: {{ c.primary }}; color: {{ c.on_primary }}; }
.masthead .inner, main, .page-footer .inner { max-width: calc(70ch + 2rem); margin: 0 auto; padding: 0 1rem; }
.masthead .inner { display: flex; align-items: center; gap: .75rem; padding-top: .75rem; padding-bottom: .75rem; }
.masthead img { height: 3.25rem; width: auto; flex: none; }
.clinic-name { margin: 0; font-weight: 700; font-size: 1.25rem; line-height: 1.3; }
h1, h2, h3 { color: {{ c.accent }}; line-height: 1.3; margin: 1.6em 0 .5em; }
h1 { font-size: 1.875rem; margin-top: 1.25rem; }
h2 { font-size: 1.4rem; }
h3 { font-size: 1.175rem; margin-top: 0; }
.subtitle { font-size: 1.25rem; margin-top: -.25rem; }
p { margin: 0 0 .8em; }
a { color: inherit; text-decoration: underline; text-underline-offset: .15em; }
a[href^="tel:"] { white-space: nowrap; }
a:focus-visible, input:focus-visible { outline: 3px solid {{ c.accent }}; outline-offset: 2px; }
sup { line-height: 0; font-size: .75em; }
.draft { margin: 1rem 0 0; padding: .6rem .9rem; border: 2px dashed {{ c.text }};
  color: {{ c.text }}; font-weight: 700; font-size: 1.2rem; }
ul { padding-inline-start: 1.4rem; margin: 0 0 1em; }
li { margin-bottom: .35em; }
li::marker { color: {{ c.accent }}; }
ul.checklist { list-style: none; padding-inline-start: 0; }
.checklist li { display: flex; align-items: flex-start; gap: .6rem; }
input[type=checkbox] { width: 1.25rem; height: 1.25rem; margin: .2em 0 0; flex: none; accent-color: {{ c.accent }}; }
.fill-in { margin: 0 0 1.2em; }
.field { display: flex; flex-wrap: wrap; align-items: baseline; gap: .25rem .75rem; margin: 0 0 .9em; padding: 0; border: 0; min-width: 0; }
.field input[type=text] { flex: 1 1 9rem; min-width: 8rem; font: inherit; color: inherit; background: transparent;
  border: 0; border-bottom: 1px solid {{ c.text }}; border-radius: 0; padding: .15rem .1rem; }
fieldset.field legend { float: inline-start; padding: 0; margin-inline-end: .75rem; }
[dir=ltr] fieldset.field legend { float: left; }
[dir=rtl] fieldset.field legend { float: right; }
.choice { display: inline-flex; align-items: flex-start; gap: .4rem; margin-inline-end: 1.25rem; }
.box { margin: 1.25rem 0; padding: .9rem 1.1rem .3rem; border-inline-start: .45rem solid; border-radius: .2rem; }
.urgent { border: 2px solid {{ c.urgent }}; border-inline-start-width: .75rem; background: {{ c.urgent_background }}; color: {{ c.text }}; }
.urgent h3 { color: {{ c.urgent }}; }
.info, .contact { border-color: {{ c.info }}; background: {{ c.info_background }}; color: {{ c.text }}; }
.info h3, .contact h3 { color: {{ c.info }}; }
.closing { border-color: {{ c.accent }}; background: {{ c.info_background }}; color: {{ c.text }}; margin-top: 2rem; }
address { font-style: normal; }
.address { overflow-wrap: anywhere; }
.sources ol { padding-inline-start: 2.6rem; }
.sources li::marker { content: "[" counter(list-item) "]\\a0"; color: {{ c.text }}; }
.page-footer { margin-top: 2rem; border-top: 3px solid {{ c.accent }}; padding: .75rem 0 1.5rem; }
.page-footer p { margin: 0 0 .35em; }
.page-footer .draft { color: {{ c.text }}; background: none; border: 0; padding: 0; font-weight: 400; }
.draft .line { display: block; }
[dir=rtl] .draft .line { text-align: right; }
@media print {
  @page { margin: 15mm; }
  body { font-size: 12pt; }
  .masthead { background: none; color: {{ c.text }}; border-bottom: 2pt solid {{ c.accent }}; }
  .masthead .inner, main, .page-footer .inner { max-width: 70ch; margin: 0; padding: 0; }
  .box, .draft { background: none; }
  .box, .fill-in, .sources, .page-footer { break-inside: avoid; }
  h2, h3 { break-after: avoid; }
  a.show-href::after { content: " (" attr(href) ")"; overflow-wrap: anywhere; }
}
</style>
</head>
<body>
<header class="masthead">
<div class="inner">
<img src="{{ logo }}" alt="{{ clinic.logo.alt }}" height="52">
<p class="clinic-name"{% if clinic.name_lang %} lang="{{ clinic.name_lang }}"{% if rtl %} dir="ltr"{% endif %}{% endif %}>{{ clinic.name }}</p>
</div>
</header>
<main>
{% macro draft(id) %}
<p class="draft" id="{{ id }}">
{% for text, lang in footer.draft | draft_lines %}
<span class="line"{% if lang and lang != leaflet.lang %} lang="{{ lang }}"{% if rtl %} dir="ltr"{% endif %}{% endif %}>{{ text }}</span>
{% endfor %}
</p>
{% endmacro %}
{% if footer.draft %}
{{ draft("draft-notice") }}
{% endif %}
<h1>{{ inline(leaflet.title, leaflet) }}</h1>
{% if leaflet.subtitle %}
<p class="subtitle">{{ inline(leaflet.subtitle, leaflet) }}</p>
{% endif %}
{% macro block(b, id) %}
{% set k = b | kind %}
{% if k == "passage" %}
<p>{{ inline(b.text, leaflet, phones) }}{% if leaflet.numbered %}{{ joiner }}<sup class="ref"><a href="#source-{{ b.source_number }}">[{{ b.source_number }}]</a></sup>{% endif %}</p>
{% elif k == "text" %}
<p>{{ inline(b.text, leaflet, phones) }}</p>
{% elif k == "list" and b.checklist %}
<ul class="checklist">
{% for item in b.items %}
<li><input type="checkbox" id="{{ id }}-{{ loop.index }}"><label for="{{ id }}-{{ loop.index }}">{{ inline(item, leaflet, phones) }}</label></li>
{% endfor %}
</ul>
{% elif k == "list" %}
<ul>
{% for item in b.items %}
<li>{{ inline(item, leaflet, phones) }}</li>
{% endfor %}
</ul>
{% elif k == "fill_in" %}
<div class="fill-in">
{% for field in b.fields %}
{% if field.choices %}
<fieldset class="field">
<legend>{{ field.label }}</legend>
{% for choice in field.choices %}
<span class="choice"><input type="checkbox" id="field-{{ field.name }}-{{ loop.index }}" name="{{ field.name }}" value="{{ choice }}"><label for="field-{{ field.name }}-{{ loop.index }}">{{ choice }}</label></span>
{% endfor %}
</fieldset>
{% else %}
<p class="field"><label for="field-{{ field.name }}">{{ field.label }}</label><input type="text" id="field-{{ field.name }}" name="{{ field.name }}" autocomplete="off"></p>
{% endif %}
{% endfor %}
</div>
{% elif k == "contact" %}
<section class="box contact" aria-labelledby="{{ id }}-title">
<h3 id="{{ id }}-title">{{ b.heading }}</h3>
<address>
{% for line in b.lines %}
<p>{{ inline(line, leaflet, phones) }}</p>
{% endfor %}
</address>
</section>
{% elif k == "callout" %}
<section class="box {{ b.kind }}" aria-labelledby="{{ id }}-title">
<h3 id="{{ id }}-title">{{ inline(b.title, leaflet, phones) }}</h3>
{% for inner in b.blocks %}
{{ block(inner, id ~ "-" ~ loop.index) | trim }}
{% endfor %}
</section>
{% endif %}
{% endmacro %}
{% for section in leaflet.sections %}
{% set s = loop.index %}
<section>
<h2 id="section-{{ s }}">{{ inline(section.heading, leaflet) }}</h2>
{% for b in section.blocks %}
{# (a section's passages and texts written here as the macro writes them: most blocks are
   these, and a macro call costs more than the paragraph) #}
{% set k = b | kind %}
{% if k == "passage" %}
<p>{{ inline(b.text, leaflet, phones) }}{% if leaflet.numbered %}{{ joiner }}<sup class="ref"><a href="#source-{{ b.source_number }}">[{{ b.source_number }}]</a></sup>{% endif %}</p>
{% elif k == "text" %}
<p>{{ inline(b.text, leaflet, phones) }}</p>
{% else %}
{{ block(b, "s" ~ s ~ "-b" ~ loop.index) | trim }}
{% endif %}
{% endfor %}
</section>
{% endfor %}
{% if leaflet.sources %}
<section class="sources">
<h2 id="sources">{{ leaflet.sources_heading }}</h2>
{% if leaflet.numbered %}
<ol>
{% for source in leaflet.sources %}
<li id="source-{{ source.number }}" value="{{ source.number }}">{{ inline(source.text, leaflet) }}</li>
{% endfor %}
</ol>
{% else %}
{% for source in leaflet.sources %}
<p id="source-{{ source.number }}">{{ inline(source.text, leaflet) }}</p>
{% endfor %}
{% endif %}
<p>{{ leaflet.sources_note }}</p>
</section>
{% endif %}
{% if closing %}
<section class="box closing">
{% if closing.other_formats %}
<p>{{ closing.other_formats }}</p>
{% endif %}
{% if closing.url %}
<p>{{ closing.online_label }}<span class="address">{{ link(closing.url, closing.short_url or closing.url, closing.short_url or closing.url, rtl) }}</span></p>
{% endif %}
<p>{{ closing.feedback }}<span class="address">{{ link(closing.feedback_href, closing.feedback_address, closing.feedback_address, rtl) }}</span></p>
</section>
{% endif %}
</main>
<footer class="page-footer">
<div class="inner">
<p>{{ footer.questions }}{{ link(footer.phone_href, footer.phone, footer.phone, rtl) }}</p>
<p>{{ footer.control }}</p>
{% if footer.approved %}
<p>{{ inline(footer.approved, leaflet) }}</p>
{% endif %}
{% if footer.draft %}
{{ draft("draft-footer") }}
{% endif %}
</div>
</footer>
</body>
</html>
"""
