"""Content from an untrusted pull request cannot make a build read files outside the
project (issue 12): a source, logo or font file that is a symlink out of the project, or a
path that climbs out of it, is refused at its line, and nothing of it is printed."""

from __future__ import annotations

from pathlib import Path

from conftest import Run, edit, firago_file

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
    # (a source is refused as the project loads, whatever is checked: the HTML twins alone,
    # without laying out every PDF)
    result = run("check", "--format", "html")
    assert result.exit_code == 1
    assert "handouts/sources/sex-after-miscarriage.yaml" in result.stderr
    assert "source text `sex-after-miscarriage.txt` is outside the project folder" in result.stderr

    text.unlink()
    text.write_text(secret.read_text(encoding="utf-8"), encoding="utf-8")
    meta = project / "handouts/sources/iud-bleeding-after-sex.yaml"
    climbing = "../../../outside/source.txt"
    meta.write_text(meta.read_text(encoding="utf-8") + f"file: {climbing}\n", encoding="utf-8")
    result = run("check", "--format", "html")
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


# --- a brand's allow-list: `shared_folders` ----------------------------------------------

SHARED = "../../../shared-assets"  # (beside the project folder, relative to the brand file)


def _allow_shared(project: Path, *folders: str) -> int:
    """Add `shared_folders:` to the brand; the line of its first entry."""
    brand = project / BRAND
    lines = len(brand.read_text(encoding="utf-8").splitlines())
    with brand.open("a", encoding="utf-8") as file:
        file.write("shared_folders:\n" + "".join(f"  - {folder}\n" for folder in folders))
    return lines + 2


def _shared_logo(project: Path) -> Path:
    shared = project.parent / "shared-assets"
    shared.mkdir(exist_ok=True)
    logo = project / "layouts/brands/harbour-health-logo.svg"
    logo.rename(shared / "logo.svg")
    edit(project / BRAND, "file: harbour-health-logo.svg", f"file: {SHARED}/logo.svg")
    return shared


def test_a_shared_folder_allows_the_brand_its_logo_and_fonts(project: Path, run: Run) -> None:
    shared = _shared_logo(project)
    refused = run("check", "--clinic", "harbour-health", "--lang", "en")
    assert refused.exit_code == 1 and "logo `../../../shared-assets/logo.svg` is outside" in refused.stderr
    (shared / "fonts").mkdir()
    (shared / "fonts/clinic.ttf").write_bytes(firago_file())
    (shared / "fonts/broken.ttf").write_bytes(b"not a font")
    with (project / BRAND).open("a", encoding="utf-8") as brand:
        brand.write(f"fonts:\n  latin:\n    regular: {SHARED}/fonts/broken.ttf\n")
    _allow_shared(project, SHARED)
    build = ("build", "--clinic", "harbour-health", "--lang", "en", "--format", "pdf",
             "--handout", "iud-aftercare")
    result = run(*build)  # (the shared font file is read: this one is no font)
    assert result.exit_code == 1 and "cannot be embedded" in result.stderr, result.stderr
    edit(project / BRAND, "fonts/broken.ttf", "fonts/clinic.ttf")
    result = run(*build)
    assert result.exit_code == 0, result.stderr
    assert list((project / "dist").rglob("*.pdf"))


def test_a_path_leaving_the_shared_folder_is_still_refused(project: Path, run: Run, tmp_path: Path) -> None:
    shared = _shared_logo(project)
    _allow_shared(project, SHARED)
    secret = _secret(tmp_path, "logo.svg", (shared / "logo.svg").read_text(encoding="utf-8"))
    (shared / "logo.svg").unlink()
    (shared / "logo.svg").symlink_to(secret)  # a symlink in the shared folder, out of it
    result = run("check", "--clinic", "harbour-health", "--lang", "en")
    assert result.exit_code == 1
    assert f"{BRAND}:4:9: logo `{SHARED}/logo.svg` is outside the project folder (it leads to " \
           f"{secret.resolve()})" in result.stderr
    edit(project / BRAND, f"file: {SHARED}/logo.svg", f"file: {SHARED}/../outside/logo.svg")
    result = run("check", "--clinic", "harbour-health", "--lang", "en")
    assert result.exit_code == 1 and f"logo `{SHARED}/../outside/logo.svg` is outside" in result.stderr


def test_shared_folders_are_checked_at_their_lines(project: Path, run: Run, tmp_path: Path) -> None:
    line = _allow_shared(project, "../../../no-such-folder", "../../..", str(tmp_path))
    result = run("check", "--clinic", "harbour-health")
    assert result.exit_code == 1
    assert (f"{BRAND}:{line}:5: shared folder `../../../no-such-folder` is not a folder (it would be "
            f"{(tmp_path / 'no-such-folder').resolve()}): create it, or fix or remove this entry") \
        in result.stderr
    assert f"{BRAND}:{line + 1}:5: shared folder `../../..` holds the project folder" in result.stderr
    assert f"{BRAND}:{line + 2}:5: shared folder `{tmp_path}` must be relative to the brand file" \
        in result.stderr


def test_a_brands_shared_folder_does_not_let_sources_out(project: Path, run: Run) -> None:
    shared = project.parent / "shared-assets"
    shared.mkdir()
    text = project / "handouts/sources/sex-after-miscarriage.txt"
    text.rename(shared / "source.txt")
    text.symlink_to(shared / "source.txt")
    _allow_shared(project, SHARED)
    result = run("check", "--format", "html")  # (as in test_a_source_symlinked_or_climbing_out_is_refused)
    assert result.exit_code == 1
    assert "source text `sex-after-miscarriage.txt` is outside the project folder" in result.stderr
