"""Run axe-core, the accessibility engine, on a local HTML file in a real headless Chromium.

Offline and self-contained: the test extra of pyproject.toml installs Playwright (whose wheel
carries its own driver) and axe-playwright-python (for the ``axe.min.js`` it ships; its Python
wrapper is not used), and .ci/run installs Debian's ``chromium``. Nothing is downloaded at
test time: Playwright launches that Chromium by path, never a browser build of its own, and
the page is loaded from ``file://`` in a context that is offline, so a page that names a web
address (a font, an image, a script) cannot reach the network.

    from axe import axe_violations, format_violations

    def test_page(tmp_path):
        violations = axe_violations(page_path)          # skips where no Chromium or axe
        assert not violations, format_violations(violations)

Many pages: the ``axe_browser`` fixture (conftest.py) keeps one browser for the session;
``axe_violations(path, browser=axe_browser)`` then costs one page load and one axe run.

``CAREPRESS_CHROMIUM`` names the browser to use, if not ``chromium`` (or
``chromium-browser``, ``google-chrome``) on PATH.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest

WCAG21_AA = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
"""The axe tags of the WCAG 2.0 and 2.1 level A and AA rules."""

BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")

# Playwright already passes --no-sandbox (it does not ask for Chromium's sandbox, which root
# cannot have), --headless, a fresh --user-data-dir, --no-first-run and most of these; they are
# listed so that nothing here depends on its defaults: no GPU, no network of Chromium's own.
BROWSER_ARGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update",
                "--disable-sync")

TIMEOUT_MS = 30_000  # for launch, page load and the axe run: a stuck browser fails, never hangs


def find_chromium() -> str | None:
    """The Chromium to run: ``$CAREPRESS_CHROMIUM`` if set, else the first of BROWSER_NAMES on PATH."""
    named = os.environ.get("CAREPRESS_CHROMIUM")
    if named:
        return shutil.which(named)
    return next(filter(None, map(shutil.which, BROWSER_NAMES)), None)


def missing() -> str | None:
    """Why axe cannot run here (a reason for pytest.skip), or None when it can."""
    for module, package in (("playwright", "playwright"),
                            ("axe_playwright_python", "axe-playwright-python")):
        if importlib.util.find_spec(module) is None:
            return f"{package} is not installed (pip install -e '.[test]')"
    if find_chromium() is None:
        named = os.environ.get("CAREPRESS_CHROMIUM")
        if named:
            return f"CAREPRESS_CHROMIUM={named} is not an executable"
        return "no Chromium installed (apt-get install chromium, as .ci/run does)"
    return None


requires_axe = pytest.mark.skipif(missing() is not None, reason=str(missing()))
"""Mark a test that needs axe: skipped, with the reason, where Chromium or axe is missing."""


def skip_unless_axe() -> None:
    """pytest.skip (with the reason) where Chromium or axe is missing."""
    reason = missing()
    if reason is not None:
        pytest.skip(reason)


def axe_script() -> str:
    """axe-core's ``axe.min.js`` as shipped by axe-playwright-python."""
    return files("axe_playwright_python").joinpath("axe.min.js").read_text(encoding="utf-8")


class AxeBrowser:
    """One headless Chromium, to run axe on any number of pages; a context manager.

    Every page is loaded in the same tab, in an offline browser context: a page is a new
    document (a new window, axe injected anew), and reusing the tab makes a run about 0.3 s
    instead of about 1.2 s with a new context each time. What a page's own scripts might leave
    in the file:// origin's storage would be seen by the next page; leaflets have none. Skips (pytest.skip) on creation where Chromium or axe is missing; a Chromium that
    is installed but does not start is an error, not a skip.
    """

    def __init__(self) -> None:
        skip_unless_axe()
        from playwright.sync_api import sync_playwright

        self._script = axe_script()
        self._playwright = sync_playwright().start()
        try:
            self._browser = self._playwright.chromium.launch(
                executable_path=find_chromium(), args=list(BROWSER_ARGS), timeout=TIMEOUT_MS)
            context = self._browser.new_context(offline=True)
            context.set_default_timeout(TIMEOUT_MS)
            self._page = context.new_page()
        except BaseException:
            self._playwright.stop()  # and the browser with it
            raise

    @property
    def version(self) -> str:
        """Chromium's version."""
        return self._browser.version

    def axe_version(self) -> str:
        """The version of axe-core that runs, e.g. ``4.12.1``."""
        found = re.search(r"axe v(\S+)", self._script[:200])  # its banner: "/*! axe v4.12.1"
        return found.group(1) if found else "unknown"

    def violations(self, html_path: Path, *, tags: tuple[str, ...] = WCAG21_AA,
                   best_practice: bool = False) -> list[dict[str, Any]]:
        """axe's violations of the rules tagged ``tags`` on the page ``html_path``, see axe_violations."""
        path = Path(html_path).resolve(strict=True)
        run_tags = [*tags, "best-practice"] if best_practice else list(tags)
        self._page.goto(path.as_uri(), wait_until="load")
        self._page.evaluate(self._script)  # window.axe; unlike a <script> tag, no CSP applies
        results = self._page.evaluate(
            "options => axe.run(document, options)",
            {"runOnly": {"type": "tag", "values": run_tags}, "resultTypes": ["violations"]})
        return [simplify(violation) for violation in results["violations"]]

    def close(self) -> None:
        try:
            self._browser.close()
        finally:
            self._playwright.stop()

    def __enter__(self) -> AxeBrowser:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def simplify(violation: dict[str, Any]) -> dict[str, Any]:
    """The parts of one of axe's violations that a test reports."""
    nodes = [{"target": selector(node["target"]), "html": node.get("html", ""),
              "summary": node.get("failureSummary", "")} for node in violation["nodes"]]
    return {"id": violation["id"], "impact": violation.get("impact"),
            "help": violation["help"], "help_url": violation.get("helpUrl", ""),
            "targets": [node["target"] for node in nodes], "nodes": nodes}


def selector(target: list[Any]) -> str:
    """axe's target, a selector per frame (a list of them for shadow DOM), as one string."""
    return " >> ".join(" >>> ".join(part) if isinstance(part, list) else str(part)
                       for part in target)


def axe_violations(html_path: Path, *, browser: AxeBrowser | None = None,
                   tags: tuple[str, ...] = WCAG21_AA,
                   best_practice: bool = False) -> list[dict[str, Any]]:
    """axe-core's violations on the HTML file ``html_path`` (WCAG 2.1 A and AA rules by default).

    Each violation is a dict: ``id`` (the rule, e.g. ``image-alt``), ``impact`` (minor,
    moderate, serious, critical), ``help`` (one line), ``help_url``, ``targets`` (a CSS
    selector for each failing element) and ``nodes`` (per element: ``target``, ``html``, and
    axe's ``summary`` of how to fix it). An empty list is a pass. ``best_practice`` adds axe's
    best-practice rules. Rules axe cannot decide alone (its "incomplete") are not violations.

    Uses ``browser`` if given, else starts a Chromium for this call only. pytest.skip, with the
    reason, where Chromium or axe is missing.
    """
    if browser is not None:
        return browser.violations(html_path, tags=tags, best_practice=best_practice)
    with AxeBrowser() as own:
        return own.violations(html_path, tags=tags, best_practice=best_practice)


def format_violations(violations: list[dict[str, Any]]) -> str:
    """The violations as lines for an assertion message."""
    lines = [f"{len(violations)} axe violation(s):"]
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}"
                     f" <{violation['help_url']}>")
        for node in violation["nodes"]:
            lines.append(f"    {node['target']}: {node['html']}")
            lines.extend(f"      {line}" for line in node["summary"].splitlines())
    return "\n".join(lines)
