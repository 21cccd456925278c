"""dist/index.html: every leaflet by clinic and language, its PDFs and its HTML twin, for
browsing CI artifacts."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from dataclasses import dataclass

import jinja2


TEMPLATE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>carepress leaflets</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2rem; color: #1f2933; }
table { border-collapse: collapse; margin-bottom: 2rem; }
th, td { border-bottom: 1px solid #d9e2ec; padding: .35rem .8rem; text-align: left; }
.failed { color: #b3261e; font-weight: bold; }
.draft { color: #8a4b00; }
</style>
</head>
<body>
<h1>carepress leaflets</h1>
<p>{{ summary }}</p>
{% if lacking %}
<h2>What the leaflets lack</h2>
<p>What each handout's profile or topics need and its sources do not give, as <code>carepress check</code> reports it. A leaflet never makes it up: quote a source that gives it.</p>
<ul>
{% for handout, clinics, part, detail in lacking %}
<li><strong>{{ handout }}</strong> ({{ clinics | join(", ") }}): <span class="failed">missing</span> {{ part }}: {{ detail }}</li>
{% endfor %}
</ul>
{% endif %}
{% for clinic, languages in clinics.items() %}
<h2>{{ clinic }}</h2>
{% for lang, rows in languages.items() %}
<h3 lang="{{ lang }}">{{ lang }}</h3>
<table>
<tr><th>handout</th><th>format</th><th>layout</th><th>status</th><th>pages</th><th>size</th><th>review by</th></tr>
{% for row in rows %}
<tr>
<td>{% if row.path %}<a href="{{ row.path }}">{{ row.handout }}</a>{% else %}{{ row.handout }}{% endif %}</td>
<td>{{ row.format | upper }}</td>
<td>{{ row.layout or "–" }}{% if row.variant %} ({{ row.variant }}){% endif %}</td>
<td class="{{ row.status }}">{{ row.status }}{% if row.draft %} · <span class="draft">draft translation</span>{% endif %}</td>
<td>{{ row.pages or "" }}</td>
<td>{% if row.size %}{{ (row.size / 1024) | round(1) }} KB{% endif %}</td>
<td>{{ row.review_by or "" }}</td>
</tr>
{% endfor %}
</table>
{% endfor %}
{% endfor %}
</body>
</html>
"""


@dataclass(frozen=True)
class IndexRow:
    clinic: str
    lang: str
    handout: str
    layout: str
    variant: str
    format: str
    status: str
    pages: int | None
    size: int | None
    review_by: dt.date | None
    path: str | None
    draft: bool = False  # from a draft translation


def render_index(rows: list[IndexRow], summary: str,
                 lacking: Sequence[tuple[str, Sequence[str], str, str]] = ()) -> str:
    """The page, for publish.py to write; ``lacking``: (handout, clinics, part, detail) for
    each part or topic a handout's leaflets lack (content.py)."""
    clinics: dict[str, dict[str, list[IndexRow]]] = {}
    for row in sorted(rows, key=lambda r: (r.clinic, r.lang, r.handout, r.format != "pdf", r.layout,
                                           r.variant)):
        clinics.setdefault(row.clinic, {}).setdefault(row.lang, []).append(row)
    return _template().render(clinics=clinics, summary=summary, lacking=lacking)


@functools.cache
def _template() -> jinja2.Template:
    """The page's template, compiled once per process and kept compiled per machine, as the
    HTML twins' is (Jinja's compiler took 30 ms of a cold one-leaflet build)."""
    from carepress.html import compiled_template

    return compiled_template("index", TEMPLATE, __name__)
