"""Batch builds: incremental cache, workers, shards, reports."""

from __future__ import annotations

import gc
import hashlib
import json
import re
import shutil
from pathlib import Path

import yaml
from conftest import Run, edit
from pypdf import PdfReader


def statuses(report: Path) -> dict[str, str]:
    return {leaflet["path"]: leaflet["status"]
            for leaflet in json.loads(report.read_text())["leaflets"]}


def test_rebuild_with_nothing_changed_builds_nothing(project: Path, run: Run, tmp_path: Path) -> None:
    assert run("build", "--lang", "en", "--lang", "es", "--report", str(tmp_path / "one.json")).exit_code == 0
    first = statuses(tmp_path / "one.json")
    assert first and set(first.values()) == {"built"}
    manifest = (project / "dist/manifest.json").stat().st_mtime_ns
    pdfs = {p: p.stat().st_mtime_ns for p in (project / "dist").rglob("*.pdf")}
    result = run("build", "--lang", "en", "--lang", "es", "--report", str(tmp_path / "two.json"))
    assert result.exit_code == 0
    assert set(statuses(tmp_path / "two.json").values()) == {"unchanged"}
    assert f"{len(first)} leaflet(s): 0 built, {len(first)} unchanged, 0 failed" in result.stderr
    assert {p: p.stat().st_mtime_ns for p in pdfs} == pdfs  # nothing written
    assert (project / "dist/manifest.json").stat().st_mtime_ns == manifest


def test_editing_one_source_rebuilds_only_the_leaflets_that_quote_it(project: Path, run: Run,
                                                                      tmp_path: Path) -> None:
    assert run("build", "--lang", "en", "--lang", "vi").exit_code == 0
    edit(project / "handouts/sources/sex-after-miscarriage.yaml", "received: 2026-11-26",
         "received: 2026-11-27")
    assert run("build", "--lang", "en", "--lang", "vi", "--report", str(tmp_path / "r.json")).exit_code == 0
    result = statuses(tmp_path / "r.json")
    rebuilt = {path for path, status in result.items() if status == "built"}
    assert rebuilt and all("miscarriage-aftercare" in path for path in rebuilt)
    assert all(status == "unchanged" for path, status in result.items() if "iud-aftercare" in path)
    assert len(rebuilt) == sum("miscarriage-aftercare" in path for path in result)


def test_force_rebuilds_everything(project: Path, run: Run, tmp_path: Path) -> None:
    assert run("build", "--clinic", "harbour-health", "--lang", "en").exit_code == 0
    assert run("build", "--clinic", "harbour-health", "--lang", "en", "--force",
               "--report", str(tmp_path / "r.json")).exit_code == 0
    assert set(statuses(tmp_path / "r.json").values()) == {"built"}


def test_a_deleted_pdf_is_rebuilt(project: Path, run: Run, tmp_path: Path) -> None:
    assert run("build", "--clinic", "harbour-health", "--lang", "en", "--layout", "letter").exit_code == 0
    target = project / "dist/harbour-health/en/iud-aftercare-letter.pdf"
    target.unlink()
    assert run("build", "--clinic", "harbour-health", "--lang", "en", "--layout", "letter",
               "--report", str(tmp_path / "r.json")).exit_code == 0
    assert statuses(tmp_path / "r.json")["harbour-health/en/iud-aftercare-letter.pdf"] == "built"
    assert target.is_file()


def test_shards_together_give_the_unsharded_manifest(project: Path, run: Run, tmp_path: Path) -> None:
    args = ("--lang", "en", "--lang", "fr", "--lang", "zh-Hans")
    assert run("build", *args, "--out", str(tmp_path / "all")).exit_code == 0
    for number in (1, 2, 3):
        result = run("build", *args, "--shard", f"{number}/3", "--out", str(tmp_path / f"shard{number}"))
        assert result.exit_code == 0
    merged = tmp_path / "merged/manifest.json"
    for number in (1, 2, 3):  # as the example CI workflow does
        shutil.copytree(tmp_path / f"shard{number}", merged.parent, dirs_exist_ok=True)
    result = run("manifest", "merge", *(str(tmp_path / f"shard{n}/manifest.json") for n in (1, 2, 3)),
                 "--out", str(merged))
    assert result.exit_code == 0, result.output
    everything = json.loads((tmp_path / "all/manifest.json").read_text())
    assert json.loads(merged.read_text()) == everything
    sizes = [len(json.loads((tmp_path / f"shard{n}/manifest.json").read_text())["leaflets"]) for n in (1, 2, 3)]
    assert all(size > 0 for size in sizes)  # the slices are real slices
    # The merged index lists every shard's leaflets, with the review dates, not one shard's.
    index = (merged.parent / "index.html").read_text()
    listed = re.findall(r'<a href="([^"]+)">', index)
    assert sorted(listed) == sorted(item["path"] for item in everything["leaflets"])
    dates = [yaml.safe_load((project / f"handouts/{item['handout']}.yaml").read_text())["control"]["review_by"]
             for item in everything["leaflets"]]
    for date in set(dates):
        assert index.count(f"<td>{date}</td>") == dates.count(date)
    # A manifest merged away from the PDFs gets no index (its links would lead nowhere).
    elsewhere = tmp_path / "elsewhere/manifest.json"
    elsewhere.parent.mkdir()
    result = run("manifest", "merge", str(merged), "--out", str(elsewhere))
    assert result.exit_code == 0 and "does not hold the PDFs" in result.stderr
    assert not (elsewhere.parent / "index.html").exists()


def test_workers_give_the_same_files_as_one_process(project: Path, run: Run, tmp_path: Path) -> None:
    args = ("--clinic", "riverside-womens-health", "--handout", "iud-aftercare")
    assert run("build", *args, "--jobs", "1", "--out", str(tmp_path / "one")).exit_code == 0
    assert run("build", *args, "--jobs", "2", "--out", str(tmp_path / "two")).exit_code == 0
    one = {p.relative_to(tmp_path / "one"): p.read_bytes() for p in (tmp_path / "one").rglob("*.pdf")}
    two = {p.relative_to(tmp_path / "two"): p.read_bytes() for p in (tmp_path / "two").rglob("*.pdf")}
    assert one == two and len(one) >= 10
    # The build freezes its warm heap for the workers (see workers._frozen_heap) and turns the
    # collector on for a many-leaflet build: the process is handed back as it was found.
    assert gc.get_freeze_count() == 0 and gc.isenabled()


def test_a_content_error_in_one_handout_fails_only_its_leaflets(project: Path, run: Run,
                                                                tmp_path: Path) -> None:
    edit(project / "handouts/miscarriage-aftercare.yaml", "{{ clinic.phone }}", "{{ clinic.phone_number }}")
    report = tmp_path / "r.json"
    result = run("build", "--lang", "en", "--report", str(report))
    assert result.exit_code == 1
    leaflets = json.loads(report.read_text())["leaflets"]
    failed = [leaflet for leaflet in leaflets if leaflet["status"] == "failed"]
    assert failed and all(leaflet["handout"] == "miscarriage-aftercare" for leaflet in failed)
    assert all("`clinic.phone_number` is not defined" in leaflet["errors"][0] for leaflet in failed)
    assert all(leaflet["status"] == "built" for leaflet in leaflets if leaflet["handout"] == "iud-aftercare")


def test_fail_fast_stops_at_the_first_failure(project: Path, run: Run, tmp_path: Path) -> None:
    edit(project / "handouts/iud-aftercare.yaml", "{{ clinic.phone }}", "{{ clinic.phone_number }}")
    report = tmp_path / "r.json"
    result = run("build", "--lang", "en", "--jobs", "1", "--fail-fast", "--report", str(report))
    assert result.exit_code == 1
    leaflets = json.loads(report.read_text())["leaflets"]
    assert [leaflet["status"] for leaflet in leaflets].count("failed") == 1
    assert len(leaflets) < 8


def test_quiet_prints_no_line_per_leaflet(run: Run) -> None:
    result = run("build", "--clinic", "harbour-health", "--lang", "en", "--quiet")
    assert result.exit_code == 0
    assert "harbour-health/en/" not in result.stderr
    assert "leaflet(s):" in result.stderr


def test_bad_shard_is_a_usage_error(run: Run) -> None:
    result = run("build", "--shard", "4/3")
    assert result.exit_code == 2 and "K/N" in result.output


def test_bundle_holds_every_handout_with_bookmarks(project: Path, run: Run) -> None:
    assert run("build", "--clinic", "harbour-health", "--lang", "es", "--layout", "letter",
               "--bundle").exit_code == 0
    folder = project / "dist/harbour-health/es"
    bundle = PdfReader(folder / "bundle-letter.pdf")
    parts = [PdfReader(folder / f"{h}-letter.pdf") for h in ("iud-aftercare", "miscarriage-aftercare")]
    assert len(bundle.pages) == sum(len(p.pages) for p in parts)
    assert [item["/Title"] for item in bundle.outline] == [p.metadata.title for p in parts]
    records = json.loads((project / "dist/manifest.json").read_text())["leaflets"]
    assert any(r["handout"] == "bundle" and r["path"] == "harbour-health/es/bundle-letter.pdf"
               for r in records)


def test_bundles_are_made_again_only_when_a_leaflet_in_them_changed(project: Path, run: Run) -> None:
    args = ("build", "--clinic", "harbour-health", "--lang", "es", "--lang", "vi", "--layout", "letter",
            "--bundle")
    assert run(*args).exit_code == 0
    folder = project / "dist/harbour-health"
    written = {lang: (folder / lang / "bundle-letter.pdf").stat().st_mtime_ns for lang in ("es", "vi")}
    assert run(*args).exit_code == 0  # nothing changed: no bundle written again
    assert {lang: (folder / lang / "bundle-letter.pdf").stat().st_mtime_ns for lang in ("es", "vi")} == written
    edit(project / "handouts/translations/es/iud-aftercare.yaml", "Después de la colocación",
         "Tras la colocación")  # (shorter: the leaflet fills its pages)
    assert run(*args).exit_code == 0
    assert (folder / "es/bundle-letter.pdf").stat().st_mtime_ns != written["es"]  # its leaflet changed
    assert (folder / "vi/bundle-letter.pdf").stat().st_mtime_ns == written["vi"]
    records = json.loads((project / "dist/manifest.json").read_text())["leaflets"]
    assert sum(r["handout"] == "bundle" for r in records) == 2  # both still listed
    assert run(*args, "--force").exit_code == 0  # --force makes them all again
    assert (folder / "vi/bundle-letter.pdf").stat().st_mtime_ns != written["vi"]


def test_a_bundle_is_never_left_with_only_some_handouts(project: Path, run: Run) -> None:
    one = ("build", "--clinic", "harbour-health", "--lang", "es", "--layout", "letter", "--bundle")
    assert run(*one).exit_code == 0
    bundle = project / "dist/harbour-health/es/bundle-letter.pdf"
    whole = bundle.read_bytes()
    titles = [item["/Title"] for item in PdfReader(bundle).outline]
    assert len(titles) == 2
    # One handout rebuilt on its own: the bundle takes the other from the earlier build.
    edit(project / "handouts/translations/es/iud-aftercare.yaml", "Después de la colocación",
         "Tras la colocación")  # (shorter: the leaflet fills its pages)
    assert run(*one, "--handout", "iud-aftercare").exit_code == 0
    assert [item["/Title"] for item in PdfReader(bundle).outline] == [
        titles[0].replace("Después de la colocación", "Tras la colocación"),
        titles[1]]
    # One handout failing: the earlier bundle stays as it was, not made without it.
    rebuilt = bundle.read_bytes()
    assert rebuilt != whole
    edit(project / "handouts/translations/es/miscarriage-aftercare.yaml",
         "Llame a {{ clinic.name }} al", "Llame a {{ clinic.nope }} al")
    assert run(*one).exit_code == 1
    assert bundle.read_bytes() == rebuilt
    records = json.loads((project / "dist/manifest.json").read_text())["leaflets"]
    assert [r["sha256"] for r in records if r["path"] == "harbour-health/es/bundle-letter.pdf"] == [
        hashlib.sha256(rebuilt).hexdigest()]


def test_fill_in_forms_are_not_bundled(project: Path, run: Run) -> None:
    result = run("build", "--clinic", "harbour-health", "--lang", "en", "--layout", "letter",
                 "--format", "pdf", "--bundle", "--fillable")
    assert result.exit_code == 0, result.stderr
    folder = project / "dist/harbour-health/en"
    assert sorted(p.name for p in folder.iterdir()) == ["bundle-letter.pdf", *sorted(
        f"{h}-letter{s}.pdf" for h in ("iud-aftercare", "miscarriage-aftercare") for s in ("", "-fillable"))]
    bundle = PdfReader(folder / "bundle-letter.pdf")  # the printed leaflets, without fields
    assert not bundle.get_fields()
    assert len(bundle.pages) == sum(len(PdfReader(folder / f"{h}-letter.pdf").pages)
                                    for h in ("iud-aftercare", "miscarriage-aftercare"))


def test_index_lists_leaflets_by_clinic_and_language(project: Path, run: Run) -> None:
    edit(project / "handouts/miscarriage-aftercare.yaml", "{{ clinic.phone }}", "{{ clinic.nope }}")
    assert run("build", "--clinic", "harbour-health", "--lang", "en", "--layout", "letter").exit_code == 1
    html = (project / "dist/index.html").read_text(encoding="utf-8")
    assert "<h2>harbour-health</h2>" in html and '<h3 lang="en">en</h3>' in html
    assert '<a href="harbour-health/en/iud-aftercare-letter.pdf">iud-aftercare</a>' in html
    assert '<td class="failed">failed</td>' in html  # the miscarriage leaflet
    assert "2029-11-20" in html  # review-by date
    assert run("build", "--clinic", "harbour-health", "--lang", "en", "--layout", "letter",
               "--handout", "miscarriage-aftercare", "--fillable").exit_code == 1
    html = (project / "dist/index.html").read_text(encoding="utf-8")
    assert '<td>letter (fillable)</td>\n<td class="failed">failed</td>' in html  # the form failed


def test_a_change_to_carepress_itself_rebuilds(project: Path, run: Run, tmp_path: Path,
                                               monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from carepress import cache

    assert run("build", "--clinic", "harbour-health", "--lang", "en", "--layout", "letter").exit_code == 0
    monkeypatch.setattr(cache, "_code_digest", lambda: "another version of the code")
    assert run("build", "--clinic", "harbour-health", "--lang", "en", "--layout", "letter",
               "--report", str(tmp_path / "r.json")).exit_code == 0
    assert set(statuses(tmp_path / "r.json").values()) == {"built"}


def test_the_machine_cache_never_changes_a_pdf(project: Path, tmp_path: Path) -> None:
    """Fonts, QR codes and dates come from the machine cache when it has them: a build that
    fills an empty cache and one that reads it write the same bytes."""
    import os
    import subprocess
    import sys

    env = dict(os.environ, XDG_CACHE_HOME=str(tmp_path / "cache"))
    outs = [tmp_path / "filling", tmp_path / "reading"]
    for out in outs:
        subprocess.run([sys.executable, "-m", "carepress", "build", "--clinic", "riverside-womens-health",
                        "--layout", "a4", "--lang", "en", "--lang", "ar", "--out", str(out), "-q"],
                       cwd=project, env=env, check=True, capture_output=True)
    assert {p.name for p in (tmp_path / "cache/carepress").iterdir()} >= {"fonts", "faces", "qr", "dates"}
    first = {p.relative_to(outs[0]): p.read_bytes() for p in outs[0].rglob("*.pdf")}
    second = {p.relative_to(outs[1]): p.read_bytes() for p in outs[1].rglob("*.pdf")}
    assert first == second and len(first) == 4


def test_an_unchanged_leaflet_still_meets_the_gates_and_its_warnings(project: Path, run: Run) -> None:
    """The cache never lets a leaflet slip past --require-reviewed or --strict, and a leaflet
    skipped as unchanged reports the warnings it was built with."""
    one = ("--clinic", "riverside-womens-health", "--handout", "iud-aftercare", "--layout", "a4")
    assert run("build", *one, "--lang", "fr").exit_code == 0
    gated = run("build", *one, "--lang", "fr", "--require-reviewed")
    assert gated.exit_code == 1 and "is a draft" in gated.stderr

    path = project / "handouts/iud-aftercare.yaml"
    edit(path, "approved: 2026-11-20", "approved: 2020-01-01")
    edit(path, "review_by: 2029-11-20", "review_by: 2023-01-01")
    for _ in range(2):  # built, then unchanged: the same warning both times
        result = run("build", *one, "--lang", "en")
        assert result.exit_code == 0 and "was due for review on 2023-01-01" in result.stderr
    assert "2 unchanged" in result.stdout + result.stderr  # the PDF and its HTML twin
    assert run("build", *one, "--lang", "en", "--strict").exit_code == 1


def test_a_machine_cache_that_cannot_be_written_costs_time_not_the_build(project: Path, tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    env = dict(os.environ, XDG_CACHE_HOME=str(blocker / "cache"))  # under a file: unusable
    result = subprocess.run([sys.executable, "-m", "carepress", "build", "--clinic", "harbour-health",
                             "--lang", "en", "--layout", "letter", "--out", str(tmp_path / "out")],
                            cwd=project, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr  # an SVG logo, fonts, QR codes and dates
    assert len(list((tmp_path / "out").rglob("*.pdf"))) == 2


def test_bundles_are_not_built_per_shard(run: Run) -> None:
    """A shard holds only some of a bundle's handouts; shards' bundles would clash in the
    merged manifest."""
    result = run("build", "--bundle", "--shard", "1/2")
    assert result.exit_code == 2 and "--bundle needs every handout" in result.stderr


def test_workers_end_when_the_build_is_killed(project: Path, tmp_path: Path) -> None:
    """A cancelled CI job kills the build with SIGKILL: its workers must not wait forever."""
    import os
    import signal
    import subprocess
    import sys
    import time

    def children(pid: int) -> list[int]:
        try:
            return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
        except OSError:
            return []

    def running(pid: int) -> bool:
        try:
            state = Path(f"/proc/{pid}/status").read_text().split("State:")[1].split()[0]
        except (OSError, IndexError):
            return False
        return state not in ("Z", "X")  # (an ended process waits for init to reap it)

    build = subprocess.Popen([sys.executable, "-m", "carepress", "build", "--project", str(project),
                              "--force", "-q", "--jobs", "2", "--out", str(tmp_path / "dist")])
    deadline = time.monotonic() + 20
    while len(workers := children(build.pid)) < 2 and build.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert len(workers) == 2, "the build should have started two workers"
    os.kill(build.pid, signal.SIGKILL)
    build.wait()
    deadline = time.monotonic() + 5
    while any(running(worker) for worker in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(running(worker) for worker in workers)


def test_a_handout_that_fails_to_load_keeps_its_leaflets_and_the_bundle(project: Path, run: Run) -> None:
    args = ("build", "--clinic", "harbour-health", "--lang", "en", "--layout", "letter", "--bundle")
    assert run(*args).exit_code == 0
    bundle = project / "dist/harbour-health/en/bundle-letter.pdf"
    whole = bundle.read_bytes()
    edit(project / "handouts/iud-aftercare.yaml", "title: After your IUD insertion", "title: [After")
    assert run(*args).exit_code == 1
    assert bundle.read_bytes() == whole  # not made again without the handout that did not load
    listed = [r["path"] for r in json.loads((project / "dist/manifest.json").read_text())["leaflets"]]
    assert "harbour-health/en/iud-aftercare-letter.pdf" in listed  # its good PDF is still there


def test_a_system_font_a_brand_names_is_in_its_leaflets_cache_key(project: Path, tmp_path: Path,
                                                                  monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A family fontconfig finds is hashed like a font file next to the brand: an updated
    system font rebuilds the leaflets set in it."""
    from carepress import fontfiles
    from carepress.cache import InputHasher
    from carepress.plan import Job
    from carepress.load import load_project
    from carepress.model import PrintOptions
    from carepress.resolve import ResolveOptions

    system_font = tmp_path / "Clinic Sans.ttf"
    monkeypatch.setattr(fontfiles, "fc_match", lambda family, bold: system_font)
    edit(project / "layouts/brands/harbour-health.yaml", "languages:",
         "fonts:\n  latin: {regular: Clinic Sans}\nlanguages:")
    model = load_project(project)

    def key() -> str:
        return InputHasher().key(model, Job("iud-aftercare", "en", "harbour-health", "letter"),
                                 PrintOptions(), ResolveOptions())

    system_font.write_bytes(b"version 1")
    first = key()
    system_font.write_bytes(b"version 2")
    assert key() != first


def test_the_index_page_is_the_same_from_its_compiled_template(user_cache: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The index's template is compiled once per machine (the user cache, as the twins'
    is): a page rendered from the kept code is the one rendered after compiling."""
    import datetime as dt

    from carepress import index

    rows = [index.IndexRow("harbour-health", "ar", "iud-aftercare", "a4", "", "pdf", "built", 2, 51234,
                           dt.date(2029, 11, 20), "harbour-health/ar/iud-aftercare-a4.pdf", draft=True)]
    lacking = [("iud-aftercare", ["harbour-health"], "sources named", "no publisher")]
    index._template.cache_clear()
    compiled = index.render_index(rows, "1 leaflet(s)", lacking)
    kept = list((user_cache / "templates").iterdir())
    assert len(kept) == 1  # (named by Jinja: a hash of the template name)
    index._template.cache_clear()
    monkeypatch.setattr(index.jinja2.Environment, "compile", lambda *args, **kwargs: 1 / 0)  # never again
    assert index.render_index(rows, "1 leaflet(s)", lacking) == compiled
    assert "harbour-health/ar/iud-aftercare-a4.pdf" in compiled and "no publisher" in compiled
    index._template.cache_clear()
