"""`carepress init`: a new project that builds, made from the package's own data."""

from __future__ import annotations

import datetime as dt
import glob
import json
import subprocess
import sys
import tomllib
from pathlib import Path

import yaml
from click.testing import CliRunner

from carepress import __version__
from carepress.cli import main
from carepress.scaffold import default_layouts, defaults, init_project, walk

from conftest import REPO

PACKAGE = REPO / "src" / "carepress"


def carepress(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The command as a user runs it: this interpreter, a fresh process, in ``cwd``."""
    return subprocess.run([sys.executable, "-m", "carepress", *args], cwd=cwd, capture_output=True,
                          text=True)


def test_init_then_build(tmp_path: Path) -> None:
    made = carepress("init", "clinic", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    root = tmp_path / "clinic"
    built = carepress("build", cwd=root)
    assert built.returncode == 0, built.stderr
    assert "3 built" in built.stderr and "warning" not in built.stderr
    leaflets = root / "dist/example-clinic/en"
    assert {p.name for p in leaflets.iterdir()} == {
        "example-visiting-us-letter.pdf", "example-visiting-us-a4.pdf", "example-visiting-us.html"}
    assert b"Example Community Clinic is open from Monday to Friday" in \
        (leaflets / "example-visiting-us.html").read_bytes()
    manifest = json.loads((root / "dist/manifest.json").read_text(encoding="utf-8"))
    assert len(manifest["leaflets"]) == 3
    # What the CI workflow runs first: no warning either (no overdue review, no stale unit).
    checked = CliRunner().invoke(main, ["check", "--strict", "--project", str(root)])
    assert checked.exit_code == 0 and "warning" not in checked.output, checked.output


def test_the_example_is_marked_as_one_and_its_clinic_is_fictional(tmp_path: Path) -> None:
    root = init_project(tmp_path / "p", today=dt.date(2028, 2, 29)).root
    handout = (root / "handouts/example-visiting-us.yaml").read_text(encoding="utf-8")
    source = (root / "handouts/sources/example-opening-hours.txt").read_text(encoding="utf-8")
    brand = yaml.safe_load((root / "layouts/brands/example-clinic.yaml").read_text(encoding="utf-8"))
    assert handout.startswith("# EXAMPLE, TO REPLACE") and "not clinical advice" in handout
    assert source.startswith("EXAMPLE SOURCE, TO REPLACE") and "not clinical advice" in source
    assert "approved: 2028-02-29" in handout and "review_by: 2029-02-28" in handout
    for number in (brand["phone"], brand["urgent_phone"]):
        assert number[-8:-2] == "555-01"
    assert brand["website"].startswith("https://clinic.example/")
    logo = (root / "layouts/brands" / brand["logo"]["file"]).read_text(encoding="utf-8")
    assert logo.startswith("<svg") and "<text" not in logo  # (no font: nothing base-14 to embed)
    # The passages were pinned by `carepress pin`'s own code, and recorded.
    lock = yaml.safe_load((root / "handouts/sources/passages.lock").read_text(encoding="utf-8"))
    pins = yaml.safe_load(handout)["sections"][1]["blocks"]
    assert sorted(lock) == sorted(block["passage"]["pin"] for block in pins)
    workflow = yaml.safe_load((root / ".github/workflows/leaflets.yml").read_text(encoding="utf-8"))
    steps = [step.get("run", "") for step in workflow["jobs"]["build"]["steps"]]
    assert "carepress check --strict" in steps and any(s.startswith("carepress build") for s in steps)
    assert workflow["env"]["CAREPRESS"] == f"carepress=={__version__}"
    texts = [p.read_text(encoding="utf-8") for p in root.rglob("*") if p.is_file()]
    assert not any(f"@{name}@" in text for text in texts for name in ("TODAY", "REVIEW_BY", "VERSION"))


def test_init_refuses_a_folder_that_is_not_empty(tmp_path: Path) -> None:
    taken = tmp_path / "taken"
    taken.mkdir()
    (taken / "notes.txt").write_text("mine", encoding="utf-8")
    result = carepress("init", str(taken), cwd=tmp_path)
    assert result.returncode == 2
    assert str(taken) in result.stderr and "not empty" in result.stderr
    assert [p.name for p in taken.iterdir()] == ["notes.txt"]
    a_file = CliRunner().invoke(main, ["init", str(taken / "notes.txt")])
    assert a_file.exit_code == 2 and "notes.txt" in a_file.stderr


def test_init_fills_an_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = CliRunner().invoke(main, ["init", str(tmp_path / "empty")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "empty/handouts/example-visiting-us.yaml").is_file()


def _files_below(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_init_copies_the_package_data_which_is_the_repository_projects_own(tmp_path: Path) -> None:
    """One set of default layouts and strings: the package's (what init copies), and the
    repository's example project holds the same files."""
    packaged = {relative.as_posix(): resource.read_bytes() for relative, resource in walk(default_layouts())}
    assert "a4.yaml" in packaged and "strings/en.yaml" in packaged
    root = init_project(tmp_path / "p").root
    copied = {name: data for name, data in _files_below(root / "layouts").items()
              if not name.startswith("brands/")}
    assert copied == packaged
    repository = {name: data for name, data in _files_below(REPO / "layouts").items()
                  if not name.startswith("brands/")}
    assert repository == packaged, (
        "layouts/ and src/carepress/defaults/layouts/ differ: the defaults a new project gets "
        "(the package's) and the repository's example project must be the same files; copy "
        "the one you changed over the other")


def test_the_wheel_declares_every_default_file(tmp_path: Path) -> None:
    """pyproject's package-data globs, read as setuptools reads them (glob, recursive), match
    every file under defaults/: none is left out of a wheel (a dot file would be)."""
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["carepress"]
    declared = {Path(path).relative_to(PACKAGE).as_posix()
                for pattern in patterns for path in glob.glob(str(PACKAGE / pattern), recursive=True)
                if Path(path).is_file()}
    on_disk = {p.relative_to(PACKAGE).as_posix() for p in (PACKAGE / "defaults").rglob("*") if p.is_file()}
    assert on_disk and declared == on_disk
    assert {relative.as_posix() for relative, _ in walk(defaults())} == \
        {name.removeprefix("defaults/") for name in on_disk}
