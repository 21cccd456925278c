"""Every on-disk cache entry is named by the versions of the libraries whose output it stores
(and carepress's own version and code): an upgrade never serves an entry made before it.
Each test plants a stale entry under the current name, sees it served (the cache is read),
then changes one library's version and sees the entry made again."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from carepress import usercache


def upgrade(monkeypatch: pytest.MonkeyPatch, library: str) -> None:
    """Pretend a newer ``library`` is installed (the version entry_key reads)."""
    versions = dict(usercache.installed_versions())
    key = usercache._normalised(library)
    versions[key] = versions.get(key, "0") + ".post1"
    monkeypatch.setattr(usercache, "installed_versions", lambda: versions)


def check_upgrade_misses(user_cache: Path, monkeypatch: pytest.MonkeyPatch, kind: str,
                         make: Callable[[], Any], stale: bytes, library: str) -> None:
    made = make()
    (entry,) = (user_cache / kind).iterdir()
    entry.write_bytes(stale)
    served = make()
    assert served != made  # the stale entry is served: the cache is read by that name
    upgrade(monkeypatch, library)
    assert make() == made
    assert len(list((user_cache / kind).iterdir())) == 2  # made again, under a new name


def test_entry_key_reads_the_versions_carepress_and_the_module() -> None:
    key = usercache.entry_key("reportlab", code="carepress.pdfa")
    assert key == usercache.entry_key("reportlab", code="carepress.pdfa")
    assert key != usercache.entry_key("pypdf", code="carepress.pdfa")
    assert key != usercache.entry_key("reportlab", code="carepress.html")
    from reportlab import Version

    assert f"reportlab={Version}" in usercache.library_versions("reportlab")
    assert usercache.library_versions("carepress", "no-such-library") == "carepress=0.1.0;no-such-library=none"


def test_a_pillow_upgrade_makes_the_icc_profile_again(user_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from carepress.pdfa import srgb_icc_profile

    check_upgrade_misses(user_cache, monkeypatch, "icc", srgb_icc_profile.__wrapped__, b"stale", "pillow")


def test_a_reportlab_upgrade_encodes_the_qr_code_again(user_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from carepress.typeset.flowables import qr_modules

    check_upgrade_misses(user_cache, monkeypatch, "qr",
                         lambda: qr_modules.__wrapped__("https://example.org"), b"1", "reportlab")


@pytest.mark.parametrize("library", ["svglib", "reportlab"])
def test_an_svglib_or_reportlab_upgrade_records_the_logo_again(
        user_cache: Path, monkeypatch: pytest.MonkeyPatch, library: str) -> None:
    from carepress.typeset.flowables import svg_operators

    svg = (b'<svg xmlns="http://www.w3.org/2000/svg" width="20" height="10">'
           b'<rect width="20" height="10" fill="#123456"/></svg>')
    check_upgrade_misses(user_cache, monkeypatch, "logos", lambda: svg_operators.__wrapped__(svg),
                         json.dumps([1, 1, "stale"]).encode(), library)


@pytest.mark.parametrize("library", ["textstat", "pyphen"])
def test_a_textstat_or_pyphen_upgrade_measures_again(
        user_cache: Path, monkeypatch: pytest.MonkeyPatch, library: str) -> None:
    from carepress.content import _measured

    stale = json.dumps({"figures": [["stale", 1.0, "stale"]], "hardest": []}).encode()
    check_upgrade_misses(user_cache, monkeypatch, "reading",
                         lambda: _measured("en", ["Take one tablet each day with water."], False),
                         stale, library)


@pytest.mark.parametrize("library", ["fonttools", "noto-cjk-sans-otc"])
def test_a_fonttools_or_font_upgrade_converts_the_cjk_font_again(
        user_cache: Path, monkeypatch: pytest.MonkeyPatch, library: str) -> None:
    from carepress.typeset import cjkfont

    conversions: list[str] = []

    def convert(chars: str, bold: bool, key: str) -> bytes:  # (the real one takes seconds)
        conversions.append(chars)
        return b"converted " + chars.encode()

    monkeypatch.setattr(cjkfont, "_convert", convert)
    check_upgrade_misses(user_cache, monkeypatch, "fonts",
                         lambda: cjkfont.cjk_font_bytes("中文", False), b"stale", library)
    assert len(conversions) == 2
    # The subset's name in the PDF depends on the characters alone, not on the versions.
    assert cjkfont.cjk_font_bytes("中文", False)[1] == cjkfont.cjk_font_bytes("文中", False)[1]


def test_a_babel_upgrade_or_a_jinja_upgrade_renames_dates_and_templates(monkeypatch: pytest.MonkeyPatch) -> None:
    from carepress import html, resolve

    dates, template = resolve._dates_name("fr"), html.page_template.__wrapped__().name
    upgrade(monkeypatch, "Babel")
    assert resolve._dates_name("fr") != dates and html.page_template.__wrapped__().name == template
    upgrade(monkeypatch, "Jinja2")
    assert html.page_template.__wrapped__().name != template


def test_the_build_cache_key_reads_every_library_version(monkeypatch: pytest.MonkeyPatch) -> None:
    from carepress import cache

    cache._library_versions.cache_clear()
    before = cache.bundle_key(["leaflet"])
    for library in ("reportlab", "pypdf", "uharfbuzz", "fonttools", "python-bidi", "svglib"):
        upgrade(monkeypatch, library)
        cache._library_versions.cache_clear()
        after = cache.bundle_key(["leaflet"])
        assert after != before, library
        before = after
    cache._library_versions.cache_clear()
