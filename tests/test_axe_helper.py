"""tests/axe.py runs axe-core in a headless Chromium: a clean page passes, a broken one fails
with the rules it breaks. Skipped, with the reason, where Chromium or axe is missing."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

import axe
from axe import AxeBrowser, axe_violations, format_violations, requires_axe

LOGO = ('<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40">'
        '<circle cx="20" cy="20" r="18" fill="#1f5f8b"/></svg>')

ACCESSIBLE = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>After your IUD insertion</title></head>
<body>
<header><img src="logo.svg" alt="Harbour Health" width="40" height="40"></header>
<main>
<h1>After your IUD insertion</h1>
<h2>What to expect</h2>
<ul><li>Cramping for a few days.</li><li>Spotting for up to six months.</li></ul>
<p>Read more on <a href="https://example.org/iud">our IUD page</a>.</p>
</main>
</body>
</html>
"""

BROKEN = """<!DOCTYPE html>
<html>
<head><meta charset="utf-8"><title>Broken</title></head>
<body>
<main>
<h1>After your IUD insertion</h1>
<img src="logo.svg">
<p style="color: #bbbbbb; background: #ffffff">Call us if you have a fever.</p>
<p><a href="more.html"></a></p>
</main>
</body>
</html>
"""


def page(folder: Path, name: str, html: str) -> Path:
    (folder / "logo.svg").write_text(LOGO, encoding="utf-8")
    path = folder / name
    path.write_text(html, encoding="utf-8")
    return path


@requires_axe
def test_accessible_page_has_no_violations(tmp_path: Path) -> None:
    # axe_violations alone: starts and stops a Chromium of its own
    started = time.perf_counter()
    violations = axe_violations(page(tmp_path, "good.html", ACCESSIBLE))
    seconds = time.perf_counter() - started
    assert violations == [], format_violations(violations)
    assert seconds < 15, f"one axe run with its own browser took {seconds:.1f} s"


@requires_axe
def test_accessible_page_passes_best_practice_too(tmp_path: Path, axe_browser: AxeBrowser) -> None:
    violations = axe_violations(page(tmp_path, "good.html", ACCESSIBLE), browser=axe_browser,
                                best_practice=True)
    assert violations == [], format_violations(violations)


@requires_axe
def test_broken_page_gives_each_rule_it_breaks(tmp_path: Path, axe_browser: AxeBrowser) -> None:
    violations = axe_violations(page(tmp_path, "broken.html", BROKEN), browser=axe_browser)
    by_id = {violation["id"]: violation for violation in violations}
    assert sorted(by_id) == ["color-contrast", "html-has-lang", "image-alt", "link-name"], \
        format_violations(violations)
    assert by_id["html-has-lang"]["targets"] == ["html"]
    assert by_id["image-alt"]["targets"] == ["img"]
    assert by_id["color-contrast"]["targets"] == ["p:nth-child(3)"]
    assert by_id["link-name"]["targets"] == ["a"]
    for violation in violations:
        assert violation["impact"] in {"minor", "moderate", "serious", "critical"}
        assert violation["help"] and violation["help_url"].startswith("https://")
    report = format_violations(violations)
    assert "image-alt (critical)" in report and "<img src=\"logo.svg\">" in report


@requires_axe
def test_a_page_naming_web_addresses_loads_offline(tmp_path: Path,
                                                   axe_browser: AxeBrowser) -> None:
    # a stylesheet, a font and an image on the web: the context is offline, so each fails at
    # once and the run neither waits on the network nor depends on it
    html = ACCESSIBLE.replace(
        "</head>", '<link rel="stylesheet" href="https://fonts.example.org/face.css">'
        '<style>@font-face { font-family: Web; src: url(https://fonts.example.org/web.woff2); }'
        ' body { font-family: Web, sans-serif; }</style></head>').replace(
        "</main>", '<img src="https://example.org/map.png" alt="Map to the clinic"></main>')
    started = time.perf_counter()
    violations = axe_violations(page(tmp_path, "web.html", html), browser=axe_browser)
    seconds = time.perf_counter() - started
    assert violations == [], format_violations(violations)
    assert seconds < 10, f"one axe run took {seconds:.1f} s"


@requires_axe
def test_the_runner_says_what_runs(axe_browser: AxeBrowser) -> None:
    assert axe_browser.axe_version().split(".")[0] == "4"
    assert axe_browser.version[0].isdigit()


def test_no_browser_is_a_skip_with_the_reason(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CAREPRESS_CHROMIUM", str(tmp_path / "no-such-chromium"))
    assert axe.missing() == f"CAREPRESS_CHROMIUM={tmp_path / 'no-such-chromium'} is not an executable"
    with pytest.raises(pytest.skip.Exception, match="not an executable"):
        axe_violations(page(tmp_path, "good.html", ACCESSIBLE))
