"""The commands other than build: version, help, list, check, sources show."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from carepress import __version__
from carepress.cli import main

from conftest import Run


def test_version() -> None:
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0 and __version__ in result.output


def test_the_command_exits_with_its_code_and_everything_written(project, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """`python -m carepress` (and the `carepress` script) leave without the interpreter's
    clean-up: output, files and exit codes must all be there."""
    import subprocess
    import sys

    def carepress(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "carepress", *args], capture_output=True,
                              text=True, cwd=project)

    version = carepress("--version")
    assert version.returncode == 0 and __version__ in version.stdout
    usage = carepress("build", "--shard", "5/3")
    assert usage.returncode == 2 and "--shard" in usage.stderr
    built = carepress("build", "--handout", "iud-aftercare", "--lang", "en", "--clinic",
                      "harbour-health", "--layout", "letter", "--format", "pdf", "--out", str(tmp_path))
    assert built.returncode == 0 and "1 built" in built.stdout + built.stderr
    assert (tmp_path / "harbour-health/en/iud-aftercare-letter.pdf").stat().st_size > 10_000
    assert (tmp_path / "manifest.json").is_file() and (tmp_path / "index.html").is_file()


def test_help_everywhere() -> None:
    for command in ([], ["build"], ["check"], ["list"], ["pin"], ["sources"], ["sources", "show"],
                    ["init"], ["serve"]):
        result = CliRunner().invoke(main, [*command, "--help"])
        assert result.exit_code == 0, command
        assert "Usage:" in result.output


def test_list_shows_the_matrix(run: Run) -> None:
    result = run("list")
    assert result.exit_code == 0
    rows = result.output.splitlines()[1:]
    # 2 handouts x (harbour 4 languages x 2 layouts + riverside 5 x 4 + northside 3 x 2),
    # and an HTML twin per handout x language x clinic: 2 x (4 + 5 + 3)
    assert len(rows) == 2 * (8 + 20 + 6) + 2 * (4 + 5 + 3)
    assert any("harbour-health/en/iud-aftercare-letter.pdf" in row for row in rows)
    assert any(row.split()[3:] == ["(html)", "harbour-health/en/iud-aftercare.html"] for row in rows)
    for format, count in (("pdf", 2 * (8 + 20 + 6)), ("html", 2 * (4 + 5 + 3))):
        only = run("list", "--format", format)
        assert only.exit_code == 0 and len(only.output.splitlines()[1:]) == count
        assert all(row.endswith(f".{format}") for row in only.output.splitlines()[1:])


def test_check_passes_on_shipped_content_and_writes_nothing(run: Run, project) -> None:  # type: ignore[no-untyped-def]
    result = run("check")
    assert result.exit_code == 0, result.output
    assert not (project / "dist").exists()


def test_sources_show_numbers_paragraphs_and_marks_furniture(run: Run, project) -> None:  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(main, ["sources", "show", "--project", str(project), "sex-after-miscarriage"])
    assert result.exit_code == 0
    assert "  4  (line 7)\n     If you've had a miscarriage" in result.output
    assert "  3  (line 5)  [furniture]" in result.output


def test_sources_show_unknown_source(run: Run, project) -> None:  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(main, ["sources", "show", "--project", str(project), "iud-bleeding"])
    assert result.exit_code == 2
    assert "unknown source `iud-bleeding`; did you mean `iud-bleeding-after-sex`?" in result.output


def test_not_a_project_is_one_clear_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(main, ["build", "--project", str(tmp_path)])
    assert result.exit_code == 2  # a usage error: the command was pointed at the wrong folder
    assert "not a carepress project: `handouts/` is missing" in result.stderr


def test_fonts_lists_every_language_with_its_source(run: Run, project) -> None:  # type: ignore[no-untyped-def]
    result = run("fonts")
    assert result.exit_code == 0
    rows = {line.split()[0]: line for line in result.output.splitlines() if not line.startswith(" ")}
    assert set(rows) == {"ar", "en", "es", "fr", "pt", "ru", "vi", "zh-Hans"}
    assert "HarfBuzz" in rows["ar"] and "Noto Sans CJK SC" in rows["zh-Hans"]
    assert "NotoSansCJK-Regular.ttc" in result.output


def test_an_output_that_cannot_be_written_is_one_line_not_a_traceback(run: Run, tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("x")
    one = ("--handout", "iud-aftercare", "--lang", "en", "--clinic", "harbour-health", "--layout", "letter")
    result = run("build", *one, "--out", str(tmp_path / "afile/dist"))
    assert result.exit_code == 2 and "cannot make the output folder" in result.output
    result = run("build", *one, "--out", str(tmp_path / "dist"), "--report", str(tmp_path / "afile/r.json"))
    assert result.exit_code == 1 and not isinstance(result.exception, OSError)  # handled
    assert "afile/r.json: a file stands where its folder should be" in result.output
    result = run("i18n", "export", "--lang", "es es")
    assert result.exit_code == 2 and "is not a BCP 47 language tag" in result.output


def test_a_broken_handout_asked_for_by_name_shows_its_own_error(project: Path, run: Run) -> None:
    from conftest import edit

    edit(project / "handouts/iud-aftercare.yaml", "title: After your IUD insertion", "title: [After")
    result = run("build", "--handout", "iud-aftercare", "--lang", "en")
    assert result.exit_code == 1  # a content error, not "unknown language `en`" (a usage error)
    assert "handouts/iud-aftercare.yaml:6:" in result.stderr and "malformed YAML" in result.stderr


def test_an_empty_out_or_an_unknown_handout_to_pin_is_a_usage_error(run: Run) -> None:
    result = run("build", "--out", "")
    assert result.exit_code == 2 and "is empty; name the output folder" in result.output
    result = run("pin", "iud-afercare")
    assert result.exit_code == 2 and "did you mean `iud-aftercare`?" in result.output


def test_list_fails_when_a_file_failed_to_load_and_merge_names_a_wrong_manifest(
        project: Path, run: Run, tmp_path: Path) -> None:
    from conftest import edit

    edit(project / "handouts/iud-aftercare.yaml", "title: After your IUD insertion", "title: [After")
    assert run("list").exit_code == 1  # the list lacks that handout's leaflets
    (tmp_path / "list.json").write_text("[1]")
    result = run("manifest", "merge", str(tmp_path / "list.json"), "--out", str(tmp_path / "m.json"))
    assert result.exit_code == 1
    assert "list.json:1:1: not a carepress manifest: no `leaflets` list at its top" in result.stderr


def test_pin_of_a_handout_that_fails_to_load_shows_why(project: Path, run: Run) -> None:
    from conftest import edit

    for name in ("iud-aftercare", "miscarriage-aftercare"):
        edit(project / f"handouts/{name}.yaml", "title: ", "title: [")
    result = run("pin", "iud-aftercare")
    assert result.exit_code == 1 and "handouts/iud-aftercare.yaml:6:" in result.stderr
    assert "no handout is written or translated" not in result.stderr  # (its language is unknown)
