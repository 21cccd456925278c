"""publish.py: the only writer into the output folder, and the manifest's truth after an
interrupted build."""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

from conftest import Run, edit
from pypdf import PdfReader

from carepress.model import Artifact
from carepress.plan import Job
from carepress.publish import cached_records, publish_job, write_manifest


def manifest_disagreements(out: Path) -> list[str]:
    """Every way manifest.json differs from the files it names."""
    problems = []
    for record in json.loads((out / "manifest.json").read_text())["leaflets"]:
        path = out / record["path"]
        if not path.is_file():
            problems.append(f"{record['path']}: missing")
            continue
        data = path.read_bytes()
        if hashlib.sha256(data).hexdigest() != record["sha256"] or len(data) != record["bytes"]:
            problems.append(f"{record['path']}: sha256 or size differs")
        elif record["path"].endswith(".pdf") and len(PdfReader(path).pages) != record["pages"]:
            problems.append(f"{record['path']}: pages differ")
    return problems


def test_a_cache_entry_is_not_trusted_once_its_file_changed(tmp_path: Path) -> None:
    job = Job("leaflet", "en", "clinic", "a4")
    [record] = publish_job(tmp_path, job, "key", [("", Artifact(b"%PDF first", ".pdf", 1))], [])
    assert cached_records(tmp_path, job.path, "key") is not None
    (tmp_path / record.path).write_bytes(b"%PDF other")  # same size, other bytes
    assert cached_records(tmp_path, job.path, "key") is None


def test_publishing_removes_the_old_entry_before_it_replaces_a_file(tmp_path: Path,
                                                                    monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A build killed between a file's rename and its new entry leaves no entry: the old one
    (whose key may match again after the content changes back) is gone first."""
    import carepress.publish as publish

    job = Job("leaflet", "en", "clinic", "a4")
    publish_job(tmp_path, job, "key-A", [("", Artifact(b"%PDF AAAA", ".pdf", 1))], [])

    def killed(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt  # the process ends right after the file is in place

    monkeypatch.setattr(publish, "remember", killed)
    try:
        publish_job(tmp_path, job, "key-B", [("", Artifact(b"%PDF BBBB", ".pdf", 1))], [])
    except KeyboardInterrupt:
        pass
    assert cached_records(tmp_path, job.path, "key-A") is None
    assert cached_records(tmp_path, job.path, "key-B") is None


def test_the_manifest_keeps_an_earlier_record_only_as_its_file_is(tmp_path: Path) -> None:
    job = Job("leaflet", "en", "clinic", "a4")
    records = publish_job(tmp_path, job, "k", [("", Artifact(b"%PDF one", ".pdf", 1))], [])
    write_manifest(tmp_path, records)
    (tmp_path / job.path).write_bytes(b"not a pdf any more")  # replaced by another writer
    assert write_manifest(tmp_path, []) == []  # not listed as what it was
    assert json.loads((tmp_path / "manifest.json").read_text())["leaflets"] == []


def test_after_a_build_killed_at_any_moment_the_next_build_leaves_a_true_manifest(
        project: Path, run: Run) -> None:
    """Kill `build --force --jobs 2` (its whole process group) at a random moment of its
    work, then build normally, again and again with the content changing back and forth:
    the manifest must name every file as it is.  The moment: once a random number of
    leaflets (0 to all of them) are published, and a random few milliseconds more, so that
    kills fall between files, between a file and its cache entry, and between the last
    leaflet and the manifest (where the bug was: the next build found everything unchanged
    and kept the manifest that named the files before)."""
    brand = project / "layouts/brands/riverside-womens-health.yaml"
    # The clinic whose colour changes has the slowest leaflets (Arabic): they are built
    # first, and the others' leaflets after them do not change.
    chosen = ("--lang", "ar", "--lang", "es")
    forced = [sys.executable, "-m", "carepress", "build", "--project", str(project), *chosen,
              "--force", "-q", "--jobs", "2"]
    out = project / "dist"
    assert run("build", *chosen).exit_code == 0
    jobs = len(list((out / ".carepress").rglob("*.json")))
    colours = ["#7A1F3D", "#7A1F3E"]  # the header band's colour: same size, other bytes
    current = colours[0]
    moments = random.Random(13)

    def published_since(start: int) -> int:
        count = 0
        for entry in (out / ".carepress").rglob("*.json"):
            try:  # (the build deletes a job's entry before it replaces the job's files)
                count += entry.stat().st_mtime_ns >= start
            except FileNotFoundError:
                pass
        return count

    def switch() -> None:
        nonlocal current
        following = colours[(colours.index(current) + 1) % 2]
        edit(brand, current, following)
        current = following

    for round_number in range(12):
        switch()
        published, extra = moments.randint(0, jobs), moments.uniform(0, 0.05)
        start = time.time_ns()
        build = subprocess.Popen(forced, start_new_session=True)
        try:
            while build.poll() is None and published_since(start) < published:
                time.sleep(0.003)
            time.sleep(extra)
        finally:  # (killed whatever happens: a build left running would outlive the test)
            try:
                os.killpg(build.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass  # it had finished
            build.wait()
        if round_number % 2:  # and back before the next build: the old cache keys match again
            switch()
        result = run("build", *chosen)
        assert result.exit_code == 0, result.stderr
        assert manifest_disagreements(out) == [], f"round {round_number}"


def test_ctrl_c_exits_130_leaving_no_half_written_file(project: Path) -> None:
    """SIGINT to the whole process group, as a terminal's Ctrl-C sends it, while workers
    publish: status 130, one line saying so, no temporary file left, and the next build
    leaves a manifest true to its files.  (Riverside's Arabic leaflets: on its four layouts,
    imposed ones among them, and the slowest of the matrix to make, so that most are still
    being built when the first is published.)"""
    out = project / "dist"
    command = [sys.executable, "-m", "carepress", "build", "--project", str(project), "--lang", "ar",
               "--force", "--out", str(out)]
    first = subprocess.run([*command, "--jobs", "2"], capture_output=True, text=True)  # (a first, whole build)
    assert first.returncode == 0, first.stderr
    *_, (_, total) = re.findall(r"\[(\d+)/(\d+)\]", first.stderr)  # (its progress: [N/total])
    with subprocess.Popen([*command, "--jobs", "2"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          start_new_session=True) as building:  # (its pipes closed, whatever)
        assert building.stderr is not None
        seen = b""
        while not seen.startswith(b"built "):  # (its first leaflet published: workers at work)
            seen = building.stderr.readline()
            assert seen, "the build ended before it was interrupted"
        os.killpg(building.pid, signal.SIGINT)
        _, rest = building.communicate(timeout=60)
    stderr = (seen + rest).decode()
    assert building.returncode == 130, stderr
    assert "interrupted: no file is half-written" in stderr
    assert "Traceback" not in stderr and f"[{total}/{total}]" not in stderr
    assert not [path for path in out.rglob("*.tmp")]
    assert subprocess.run(command, capture_output=True).returncode == 0
    assert manifest_disagreements(out) == []
