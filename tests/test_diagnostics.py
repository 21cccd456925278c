"""How `check` and `build` report problems (issue 11): each once, a translation's missing or
stale units as one message per translation file, grouped by file with counts, in linear
time; and as GitHub Actions workflow commands with `--format github`."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from carepress.cli import main
from carepress.errors import Diagnostic, Origin, workflow_commands
from conftest import REPO, Run, edit

IUD = "handouts/iud-aftercare.yaml"
LANGS = ("es", "fr", "pt", "vi", "ru", "ar", "zh-Hans")
LOCATED = re.compile(r"^(?P<file>[^:\s]+):(?P<line>\d+):(?P<col>\d+): (?P<msg>.+)$")
HEADER = re.compile(r"^== (?P<file>\S+): (?P<errors>\d+) errors?, (?P<warnings>\d+) warnings?$")
TOTALS = re.compile(r"^== (?P<errors>\d+) errors?, (?P<warnings>\d+) warnings? in (?P<files>\d+) files?$")


def _bench():  # type: ignore[no-untyped-def]
    """bench/bench.py, for the long handout it generates."""
    spec = importlib.util.spec_from_file_location("carepress_bench", REPO / "bench/bench.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _check(root: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["check", "--project", str(root), *args], catch_exceptions=False)


def _report(stderr: str) -> tuple[list[tuple[str, int, int]], list[re.Match[str]], re.Match[str] | None]:
    """The grouped report: its headers (file, errors, warnings), its problem lines, its totals."""
    headers, problems, totals = [], [], None
    for line in stderr.splitlines():
        if (header := HEADER.match(line)) is not None:
            headers.append((header["file"], int(header["errors"]), int(header["warnings"])))
        elif (total := TOTALS.match(line)) is not None:
            totals = total
        elif (problem := LOCATED.match(line)) is not None:
            problems.append(problem)
    return headers, problems, totals


@pytest.mark.parametrize("change, severity", [("edit", "warning"), ("add", "error")])
def test_one_changed_english_sentence_is_one_message_per_translation_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: str, severity: str) -> None:
    """120 sections x 7 languages, one English sentence in every section reworded (stale) or
    added (missing): 840 units, 7 messages.  Nothing quadratic is left: each leaflet is
    resolved once whatever its layouts, and the leaflets' diagnostics are made unique through
    a dict (Diagnostic.__eq__ is called at most once per duplicate, never per pair)."""
    import carepress.pipeline as pipeline
    from carepress import errors

    sections, langs = 120, _bench().TRANSLATED
    root = _bench().long_handout_project(tmp_path / "long", sections=sections, change=change)
    resolved: list[tuple[str, str, str]] = []
    real_resolve = pipeline.resolve_job

    def counting_resolve(project, job, options):  # type: ignore[no-untyped-def]
        resolved.append((job.handout, job.lang, job.clinic))
        return real_resolve(project, job, options)

    monkeypatch.setattr(pipeline, "resolve_job", counting_resolve)
    comparisons = 0
    real_eq = errors.Diagnostic.__eq__

    def counting_eq(self: Diagnostic, other: object) -> bool:
        nonlocal comparisons
        comparisons += 1
        return real_eq(self, other)

    monkeypatch.setattr(errors.Diagnostic, "__eq__", counting_eq)
    result = _check(root)
    # (a handout this long is over every layout's page limit, an error of the handout file's)
    assert result.exit_code == 1, result.stderr
    headers, problems, totals = _report(result.stderr)
    headers = [h for h in headers if "/translations/" in h[0]]
    problems = [p for p in problems if "/translations/" in p["file"]]
    files = [f"handouts/translations/{lang}/iud-aftercare.yaml" for lang in sorted(langs)]
    assert len(problems) == len(files) == len(langs)  # one line per translation file ...
    assert [p["file"][-len(f):] for p, f in zip(problems, files)] == files  # ... in file order
    assert [(h[0][-len(f):], h[1:]) for h, f in zip(headers, files)] == \
        [(f, (0, 1) if severity == "warning" else (1, 0)) for f in files]
    assert totals is not None and int(totals["files"]) == len(files) + 1  # and the handout
    for problem in problems:
        units = re.findall(r"\bs\d+\.b\d+ \(", problem["msg"])
        assert len(units) == sections  # every unit listed, in its one message
        assert problem["msg"].startswith(f"warning: {sections} stale units" if severity == "warning"
                                         else f"{sections} units have no `")
    # each handout x language x clinic resolved once, not once per layout and twin: 41
    # leaflets, 12 resolutions (en for 3 clinics, es and pt for 2, the 5 others for 1)
    assert len(resolved) == len(set(resolved)) == 12
    # 31 translated leaflets found the same 7 diagnostics: at most one comparison per
    # duplicate (a list searched with `in` would compare each with every one kept)
    assert comparisons <= 31, comparisons


def test_problems_are_grouped_by_file_with_counts_then_totals(project: Path, run: Run) -> None:
    edit(project / IUD, "{{ clinic.phone }}", "{{ clinic.fax }}")  # an error, found by every leaflet
    edit(project / IUD, "starts: Copper IUDs also raise your risk", "starts: Silver IUDs")  # another
    edit(project / "handouts/sources/iud-bleeding-after-sex.txt",  # and the pin error before them
         "IUDs are safe for most people.", "IUDs are safe for nearly everyone.")
    edit(project / "handouts/miscarriage-aftercare.yaml", "title: Worried or unsure? Contact us",
         "title: Worried? Contact us")  # a stale unit in each translation of the other handout
    result = run("check")
    assert result.exit_code == 1
    headers, problems, totals = _report(result.stderr)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    iud = next(h for h in headers if h[0].endswith(IUD))
    assert iud[1:] == (3, 0)
    at_iud = [p for p in problems if p["file"].endswith(IUD)]
    assert [int(p["line"]) for p in at_iud] == [19, 29, 61]  # in line order, each once
    start = lines.index(f"== {iud[0]}: 3 errors, 0 warnings")
    assert [LOCATED.match(line)["line"] for line in lines[start + 1:start + 6]  # type: ignore[index]
            if LOCATED.match(line)] == ["19", "29", "61"]  # right under its header (details indented)
    # each translation of the IUD handout: its unit that lost a placeholder (a warning of its
    # own) is stale too; of the other handout: its stale title
    translations = {h[0].split("translations/")[1]: h[1:] for h in headers if "translations/" in h[0]}
    assert translations == {**{f"{lang}/iud-aftercare.yaml": (0, 2) for lang in LANGS},
                            **{f"{lang}/miscarriage-aftercare.yaml": (0, 1) for lang in LANGS}}
    assert [h[0] for h in headers] == sorted(h[0] for h in headers)
    assert totals is not None
    assert (int(totals["errors"]), int(totals["warnings"])) == \
        (sum(h[1] for h in headers), sum(h[2] for h in headers))
    assert int(totals["files"]) == len(headers) == 16  # (and the miscarriage handout: what its sources lack)
    assert lines[-2] == totals.group(0) and "leaflet(s) checked" in lines[-1]
    assert run("check").stderr == result.stderr  # the same order every time


# --- --format github ----------------------------------------------------------------------

COMMAND = re.compile(r"^::(?P<kind>error|warning) (?P<properties>[^:]*)::(?P<message>.*)$")


def _unescape(text: str) -> str:
    for escaped, character in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        text = text.replace(escaped, character)
    return text


def parse_command(line: str) -> tuple[str, dict[str, str], str]:
    """A workflow command as the Actions runner reads it: kind, properties, message."""
    match = COMMAND.match(line)
    assert match, line
    properties = {}
    for item in match["properties"].split(","):
        key, _, value = item.partition("=")
        assert key in {"file", "line", "col", "title"} and "=" not in value, line
        properties[key] = _unescape(value)
    message = match["message"]
    assert "\n" not in message and "\r" not in message
    assert not re.search(r"%(?!25|0A|0D)", message), line  # every % of the text escaped
    return match["kind"], properties, _unescape(message)


def test_github_format_is_workflow_commands_at_the_file_line_and_column(project: Path, run: Run) -> None:
    # a stale pin (details on lines of their own) and a text with % in it that no translation has
    edit(project / "handouts/sources/iud-bleeding-after-sex.txt",
         "IUDs are safe for most people.", "IUDs are safe for nearly everyone.")
    edit(project / IUD, "      - contact: {}\n", "      - contact: {}\n      - text: \"100% of "
         "your questions, answered: call us.\"\n")
    result = run("check", "--format", "github")
    assert result.exit_code == 1
    assert "::" not in result.stderr and "leaflet(s) checked" in result.stderr  # the summary stays
    commands = [parse_command(line) for line in result.stdout.splitlines()]
    assert commands
    assert all(properties["title"] == "carepress" for _, properties, _ in commands)
    pin = [c for c in commands if "no longer matches" in c[2]]
    assert [(kind, properties["file"], properties["line"], properties["col"])
            for kind, properties, _ in pin] == [("error", IUD, "19", "16")]
    assert pin[0][2].splitlines()[1:] == [
        "was: An IUD is a small, T-shaped device inserted into the uterus by a healthcare "
        "professional. IUDs are safe for most people. However, they can cause some side effects.",
        "now: An IUD is a small, T-shaped device inserted into the uterus by a healthcare "
        "professional. IUDs are safe for nearly everyone. However, they can cause some side effects."]
    missing = [c for c in commands if "translation:" in c[2]]
    assert len(missing) == 7  # one per translation of the IUD handout
    for kind, properties, message in missing:
        assert kind == "error" and re.fullmatch(r"handouts/translations/[\w-]+/iud-aftercare\.yaml",
                                                properties["file"])
        assert (properties["line"], properties["col"]) == ("4", "1")
        assert 's6.b4 ("100% of your questions,…")' in message
    # the text report names the same problems
    text = run("check")
    assert len(_report(text.stderr)[1]) == len(commands)


def test_github_format_on_build_and_only_one_way_to_print(project: Path, run: Run) -> None:
    edit(project / IUD, "{{ clinic.phone }}", "{{ clinic.fax }}")
    result = run("build", "--lang", "en", "--clinic", "harbour-health", "--layout", "letter",
                 "--format", "pdf", "--format", "github", "-q")
    assert result.exit_code == 1
    (command,) = [parse_command(line) for line in result.stdout.splitlines()]
    assert command[0] == "error" and command[1]["file"] == IUD and command[1]["line"] == "61"
    assert not list((project / "dist").glob("*/*/*.html"))  # --format pdf still selects outputs
    both = run("check", "--format", "github", "--format", "text")
    assert both.exit_code == 2 and "choose one way to print problems" in both.stderr


def test_workflow_command_escaping(tmp_path: Path) -> None:
    root = tmp_path / "project"
    odd = Diagnostic(Origin(root / "handouts/a,b:c%.yaml", 3, 7), "100% sure: a, b\r\nnext",
                     "warning", ("detail: one, two",))
    (line,) = workflow_commands([odd], root)
    assert line == ("::warning file=handouts/a%2Cb%3Ac%25.yaml,line=3,col=7,title=carepress::"
                    "100%25 sure: a, b%0D%0Anext%0Adetail: one, two")
    kind, properties, message = parse_command(line)
    assert (kind, properties["file"], message) == ("warning", "handouts/a,b:c%.yaml",
                                                   "100% sure: a, b\r\nnext\ndetail: one, two")
    outside = Diagnostic(Origin(tmp_path / "elsewhere.po"), "x")
    assert workflow_commands([outside], root) == [
        f"::error file={str(tmp_path / 'elsewhere.po').replace(':', '%3A')},line=1,col=1,"
        "title=carepress::x"]
