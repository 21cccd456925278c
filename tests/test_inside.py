"""Content from an untrusted pull request cannot make a build read files outside the
project (issue 12): a source, logo or font file that is a symlink out of the project, or a
path that climbs out of it, is refused at its line, and nothing of it is printed."""

from __future__ import annotations

from pathlib import Path

from conftest import Run, edit

BRAND = "layouts/brands/harbour-health.yaml"


def _secret(tmp_path: Path, name: str, text: str = "the runner's secret") -> Path:
    outside = tmp_path / "outside"
    outside.mkdir(exist_ok=True)
    (outside / name).write_text(text, encoding="utf-8")
    return outside / name


def test_a_logo_symlinked_out_of_the_project_is_refused(project: Path, run: Run, tmp_path: Path) -> None:
    logo = project / "layouts/brands/harbour-health-logo.svg"
    secret = _secret(tmp_path, "logo.svg", logo.read_text(encoding="utf-8"))
    logo.unlink()
    logo.symlink_to(secret)
    result = run("build", "--clinic", "harbour-health", "--lang", "en", "--format", "pdf")
    assert result.exit_code == 1
    assert f"{BRAND}:4:9: logo `harbour-health-logo.svg` is outside the project folder (it leads to " \
           f"{secret.resolve()})" in result.stderr
    assert not list((project / "dist").rglob("*.pdf"))


def test_a_source_symlinked_or_climbing_out_is_refused(project: Path, run: Run, tmp_path: Path) -> None:
    text = project / "handouts/sources/sex-after-miscarriage.txt"
    secret = _secret(tmp_path, "source.txt", text.read_text(encoding="utf-8"))
    text.unlink()
    text.symlink_to(secret)
    result = run("check")
    assert result.exit_code == 1
    assert "handouts/sources/sex-after-miscarriage.yaml" in result.stderr
    assert "source text `sex-after-miscarriage.txt` is outside the project folder" in result.stderr

    text.unlink()
    text.write_text(secret.read_text(encoding="utf-8"), encoding="utf-8")
    meta = project / "handouts/sources/iud-bleeding-after-sex.yaml"
    climbing = "../../../outside/source.txt"
    meta.write_text(meta.read_text(encoding="utf-8") + f"file: {climbing}\n", encoding="utf-8")
    result = run("check")
    assert result.exit_code == 1
    assert f"source text `{climbing}` is outside the project folder" in result.stderr
    assert "the runner's secret" not in result.output


def test_a_font_file_outside_the_project_is_refused(project: Path, run: Run, tmp_path: Path) -> None:
    font = _secret(tmp_path, "font.ttf")
    with (project / BRAND).open("a", encoding="utf-8") as brand:
        brand.write(f"fonts:\n  latin:\n    regular: ../../../outside/{font.name}\n")
    result = run("check", "--clinic", "harbour-health")
    assert result.exit_code == 1
    assert f"font `../../../outside/{font.name}` is outside the project folder" in result.stderr


def test_a_symlink_inside_the_project_is_followed(project: Path, run: Run) -> None:
    shared = project / "layouts/shared"
    shared.mkdir()
    logo = project / "layouts/brands/harbour-health-logo.svg"
    logo.rename(shared / "logo.svg")
    logo.symlink_to(Path("../shared/logo.svg"))
    result = run("check", "--clinic", "harbour-health", "--lang", "en")
    assert result.exit_code == 0, result.stderr
    edit(project / BRAND, "file: harbour-health-logo.svg", "file: ../shared/logo.svg")
    assert run("check", "--clinic", "harbour-health", "--lang", "en").exit_code == 0
