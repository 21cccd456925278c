"""`carepress serve`: a real server in a real process, real HTTP requests, real edits."""

from __future__ import annotations

import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Callable

import pytest
from click.testing import CliRunner

from carepress.cli import main
from carepress.scaffold import init_project

from conftest import edit

HANDOUT = "handouts/example-visiting-us.yaml"
TWIN = "example-clinic/en/example-visiting-us.html"


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def wait_for(check: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, f"not within {seconds} s: {what}"
        time.sleep(0.1)


def _lines(stream: object, into: queue.Queue[str]) -> None:
    for line in stream:  # type: ignore[attr-defined]
        into.put(line)


@pytest.fixture
def served(tmp_path: Path):  # type: ignore[no-untyped-def]
    """`carepress serve --port 0` on a new project: (project folder, base URL, process)."""
    root = init_project(tmp_path / "clinic").root
    process = subprocess.Popen([sys.executable, "-m", "carepress", "serve", "--project", str(root),
                                "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    lines: queue.Queue[str] = queue.Queue()
    reader = threading.Thread(target=_lines, args=(process.stdout, lines), daemon=True)
    reader.start()
    try:
        line = lines.get(timeout=20)  # (the first build runs before the server starts)
        assert line.startswith("serving http://127.0.0.1:"), line
        yield root, line.split()[1], process
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()
        reader.join(timeout=5)  # (it ends at the end of the output)
        for stream in (process.stdout, process.stderr):
            assert stream is not None
            stream.close()


def test_serve_previews_rebuilds_on_save_and_shows_errors(served) -> None:  # type: ignore[no-untyped-def]
    root, url, process = served
    status, page = get(url)
    assert status == 200 and f"/?show={TWIN}".encode() in page and b"/_version" in page
    status, twin = get(f"{url}files/{TWIN}")
    assert status == 200 and b"Example leaflet: visiting the clinic" in twin
    status, pdf = get(f"{url}files/example-clinic/en/example-visiting-us-letter.pdf")
    assert status == 200 and pdf.startswith(b"%PDF-")
    for outside in ("files/../../clinic/" + HANDOUT, "files/.carepress/", "files/nothing.pdf", "x"):
        assert get(url + outside)[0] == 404, outside
    version = get(f"{url}_version")[1]

    edit(root / HANDOUT, "visiting the clinic", "visiting us, edited")
    wait_for(lambda: b"visiting us, edited" in get(f"{url}files/{TWIN}")[1], 8, "the edit rebuilt")
    assert get(f"{url}_version")[1] != version  # (the page polls this, and reloads)

    (root / HANDOUT).write_text((root / HANDOUT).read_text(encoding="utf-8") + "sections: [oops\n",
                                encoding="utf-8")
    wait_for(lambda: b"malformed YAML" in get(url)[1], 8, "the error on the page")
    page = get(url)[1].decode("utf-8")
    assert re.search(rf"{HANDOUT}:\d+:\d+: malformed YAML", page)  # file:line:column
    assert "failed: the last good copy" in page and f"/?show={TWIN}" in page
    assert b"visiting us, edited" in get(f"{url}files/{TWIN}")[1]  # (still served)

    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=10) in (0, 130)
    errors = process.stderr.read()
    assert "Traceback" not in errors and "stopped" in errors


def test_serve_needs_a_project_and_a_free_port(tmp_path: Path) -> None:
    not_a_project = CliRunner().invoke(main, ["serve", "--project", str(tmp_path)])
    assert not_a_project.exit_code == 2 and "not a carepress project" in not_a_project.stderr
    root = init_project(tmp_path / "clinic").root
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(main, ["serve", "--project", str(root), "--port", str(port),
                                           "--format", "html"])
    assert result.exit_code == 2 and f"cannot serve on 127.0.0.1:{port}" in result.stderr
