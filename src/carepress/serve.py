"""`carepress serve`: build, preview the leaflets in a browser, and rebuild on every save.

The loop an author works in: edit a handout, save, look.  The project is built into its
usual output folder (``PROJECT/dist`` unless told otherwise), so the preview shows the very
files `carepress build` writes and shares their cache: the first build only makes what is not
current, and a save rebuilds only the leaflets whose inputs changed.  Publishing is atomic,
so the server never sends half a file, and a leaflet that fails keeps its last good copy on
the page beside the error.

Three pieces, all standard library:
- a watcher in the main thread polls the mtimes of handouts/ and layouts/ (a few dozen small
  files: cheaper than a dependency on a file-notification library) and rebuilds in this
  process;
- an http.server in a thread serves the preview page, the built files and ``/_version``;
- the page (a local authoring tool, not a leaflet, so it may run a script) polls
  ``/_version`` and reloads itself when a rebuild has finished.

Builds run in this process, never in forked workers: forking a process that runs a server
thread can deadlock the child on a lock another thread held.
"""

from __future__ import annotations

import datetime as dt
import glob
import html
import json
import mimetypes
import os
import signal
import socket
import socketserver
import threading
import time
import traceback
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Collection, Iterator
from urllib.parse import parse_qs, quote, unquote, urlsplit

from carepress.errors import CarepressError, Diagnostic, UsageError
from carepress.plan import BUNDLE, HTML, Filters

if TYPE_CHECKING:
    from carepress.build import BuildReport

WATCHED = ("handouts", "layouts")
VERSION_PATH = "/_version"
FILES_PREFIX = "/files/"
# Editors' swap, backup and lock files change while one types: no reason to rebuild.
_IGNORED_SUFFIXES = ("~", ".swp", ".swx", ".tmp", ".bak")

Log = Callable[[str], None]
Snapshot = dict[str, tuple[int, int, int]]  # path -> (mtime_ns, size, inode)


@dataclass(frozen=True)
class ServeSettings:
    root: Path                    # the project folder
    out: Path                     # where leaflets are built and served from
    filters: Filters = Filters()  # the part of the matrix to build, as for `build`
    host: str = "127.0.0.1"
    port: int = 8000              # 0: any free port (the URL printed says which)
    poll: float = 0.25            # seconds between looks at the files
    settle: float = 0.1           # after a change, for an editor still writing


# --- what the page shows --------------------------------------------------------------


@dataclass(frozen=True)
class Leaflet:
    """One handout in one language for one clinic: its HTML twin and PDFs as built."""

    clinic: str
    lang: str
    handout: str
    files: tuple[tuple[str, str], ...]  # (label: "html" or the PDF's layout, path in out)
    failed: bool = False                # this build failed it: the files are the last good ones

    @property
    def main(self) -> str | None:
        """The file to show: the HTML twin when it exists, otherwise the first PDF."""
        for label, path in self.files:
            if label == HTML:
                return path
        return self.files[0][1] if self.files else None


@dataclass(frozen=True)
class State:
    """What the last build left, for the page; replaced whole, never changed in place."""

    version: int = 0
    building: bool = True
    summary: str = "building…"
    problems: tuple[Diagnostic, ...] = ()
    leaflets: tuple[Leaflet, ...] = ()
    crash: str = ""  # a bug's traceback: shown rather than ending the session


class StateBox:
    """The state shared by the watcher (writer) and the server threads (readers)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._state = State()

    def get(self) -> State:
        with self._lock:
            return self._state

    def update(self, **changes: object) -> State:
        with self._lock:
            self._state = replace(self._state, **changes)  # type: ignore[arg-type]
            return self._state


# --- building -------------------------------------------------------------------------


@dataclass
class Result:
    summary: str
    problems: list[Diagnostic] = field(default_factory=list)
    leaflets: list[Leaflet] = field(default_factory=list)
    crash: str = ""


def _failed_keys(report: BuildReport) -> set[tuple[str, str, str]]:
    return {(o.job.clinic, o.job.lang, o.job.handout) for o in report.outcomes if not o.ok}


def _files_on_disk(out: Path, handout: str, layouts: Collection[str]
                   ) -> dict[tuple[str, str, str], list[tuple[str, str]]]:
    """A handout's files in the output folder, found by name: (clinic, lang, handout) ->
    [(label, path)].  For a handout that does not load, whose records the manifest may
    drop (it keeps a record only while some handout still plans that clinic, language and
    layout).  A PDF counts only if the rest of its name is a layout (and variant): `iud`'s
    files are not `iud-aftercare-letter.pdf`."""
    found: dict[tuple[str, str, str], list[tuple[str, str]]] = {}
    for path in sorted(out.glob(f"*/*/{glob.escape(handout)}*")):
        relative = path.relative_to(out).as_posix()
        clinic, lang, name = relative.split("/")
        label = name[len(handout) + 1:-len(".pdf")] if name.endswith(".pdf") else ""
        if name == f"{handout}.html":
            label = HTML
        elif label.removesuffix("-fillable").removesuffix("-reading-order") not in layouts:
            continue
        found.setdefault((clinic, lang, handout), []).append((label, relative))
    return found


def leaflets_in(out: Path, filters: Filters, failed: set[tuple[str, str, str]],
                broken: Collection[str] = (), layouts: Collection[str] = ()) -> list[Leaflet]:
    """The leaflets the manifest lists, grouped by clinic, language and handout, within the
    filters; and for each handout in ``broken`` (its file does not load) the last good copies
    of its files on disk, on ``layouts``."""
    from carepress.publish import read_manifest

    def wanted(key: tuple[str, str, str]) -> bool:
        return all(not chosen or value in chosen for value, chosen in
                   zip(key, (filters.clinics, filters.langs, filters.handouts)))

    groups: dict[tuple[str, str, str], list[tuple[str, str]]] = {}
    for r in read_manifest(out):
        if r.handout != BUNDLE and r.handout not in broken:
            label = HTML if r.format == HTML else "-".join(filter(None, (r.layout, r.variant)))
            groups.setdefault((r.clinic, r.lang, r.handout), []).append((label, r.path))
    for handout in broken:
        groups.update(_files_on_disk(out, handout, layouts))
    failed = failed | {key for key in groups if key[2] in broken}
    for key in failed - set(groups):  # failed before it was ever built: listed, with no file
        groups[key] = []
    return [Leaflet(*key, tuple(sorted(files, key=lambda f: (f[0] != HTML, f[0]))), key in failed)
            for key, files in sorted(groups.items()) if wanted(key)]


def rebuild(settings: ServeSettings) -> Result:
    """Load the project afresh and build it into the output folder (incrementally: the
    build cache skips what has not changed); content problems become part of the result."""
    from carepress.build import BuildSettings, build
    from carepress.load import load_project
    from carepress.resolve import ResolveOptions

    started = time.perf_counter()
    try:
        project = load_project(settings.root)
    except CarepressError as exc:  # handouts/ or layouts/ gone: say so and keep watching
        return Result("the project cannot be loaded", list(exc.diagnostics),
                      leaflets_in(settings.out, settings.filters, set()))
    # (today's date each time: a session may run past midnight, and review dates with it)
    build_settings = BuildSettings(resolve=ResolveOptions(today=dt.date.today()), jobs=1)
    report = build(project, settings.out, settings.filters, build_settings)
    problems = sorted(report.diagnostics, key=lambda d: d.severity != "error")
    broken = {path.stem for path in (settings.root / "handouts").glob("*.yaml")} - set(project.handouts)
    return Result(report.summary(time.perf_counter() - started), problems,
                  leaflets_in(settings.out, settings.filters, _failed_keys(report), broken,
                              project.layouts))


def guarded_rebuild(settings: ServeSettings, first: bool = False) -> Result:
    """rebuild(), with anything it raises shown on the page instead of ending the session:
    an author mid-edit needs the server to outlive a broken file or a carepress bug.  The
    first build's UsageError (an unknown id in the filters, an output folder that cannot be
    made) is the command line's mistake, and is raised as `build` would raise it."""
    from carepress.errors import Origin

    try:
        return rebuild(settings)
    except UsageError as exc:  # (later: an id in the filters whose file is being renamed)
        if first:
            raise
        return Result("not built", [Diagnostic(Origin(settings.root), str(exc))],
                      leaflets_in(settings.out, settings.filters, set()))
    except Exception:  # noqa: BLE001 (a bug: its traceback is the report to file)
        return Result("internal error: please report it", [],
                      leaflets_in(settings.out, settings.filters, set()), traceback.format_exc())


# --- watching -------------------------------------------------------------------------


def _ignored(name: str) -> bool:
    return name.startswith((".", "#")) or name.endswith(_IGNORED_SUFFIXES)


def snapshot(root: Path, out: Path) -> Snapshot:
    """Every watched file's mtime, size and inode (an editor that saves by renaming a new
    file over the old one may keep the mtime second and the size, not the inode)."""
    skip = out.resolve()
    found: Snapshot = {}
    for folder in WATCHED:
        for where, dirs, names in os.walk(root / folder):
            dirs[:] = [d for d in dirs if not _ignored(d) and (Path(where) / d).resolve() != skip]
            for name in names:
                if _ignored(name):
                    continue
                path = os.path.join(where, name)
                try:
                    info = os.stat(path)
                except OSError:  # (deleted between the listing and now: the next look sees it)
                    continue
                found[path] = (info.st_mtime_ns, info.st_size, info.st_ino)
    return found


def changed_files(before: Snapshot, after: Snapshot, root: Path) -> list[str]:
    names = {path for path in before.keys() | after.keys() if before.get(path) != after.get(path)}
    return sorted(os.path.relpath(path, root) for path in names)


# --- the page -------------------------------------------------------------------------


_STYLE = """
body { font: 16px/1.45 system-ui, sans-serif; margin: 0; color: #1f2933; }
header { padding: .6rem 1rem; background: #1f2933; color: #fff; display: flex; gap: 1rem;
         align-items: baseline; flex-wrap: wrap; }
header h1 { font-size: 1.1rem; margin: 0; }
header a { color: #fff; }
#status { font-weight: bold; }
main { display: flex; min-height: calc(100vh - 3rem); }
nav { flex: 0 0 22rem; padding: .5rem 1rem; overflow: auto; border-right: 1px solid #ccd; }
nav table { border-collapse: collapse; width: 100%; }
nav td { padding: .2rem .3rem; vertical-align: top; border-bottom: 1px solid #eef; }
nav a.current { font-weight: bold; }
.failed { color: #a4121c; font-weight: bold; }
section.problems { padding: .5rem 1rem; background: #fdeceA; border-bottom: 2px solid #b3261e; }
section.problems pre { white-space: pre-wrap; margin: .2rem 0; font-size: .9rem; }
pre.warning { color: #6b4d00; }
iframe { flex: 1; border: 0; min-height: calc(100vh - 3rem); }
.empty { padding: 2rem; color: #555; }
"""

# Reload when the version changes (a rebuild finished); say so while one runs or if the
# server has gone.  Polling keeps the server plain http.server (no sockets held open).
_SCRIPT = """
const shown = %d;
const status = document.getElementById("status");
async function poll() {
  try {
    const response = await fetch("%s", {cache: "no-store"});
    const state = await response.json();
    if (state.version !== shown) { location.reload(); return; }
    status.textContent = state.building ? "rebuilding…" : "";
  } catch (error) {
    status.textContent = "the preview server has stopped";
  }
  setTimeout(poll, 500);
}
setTimeout(poll, 500);
"""


def _file_url(path: str) -> str:
    return FILES_PREFIX + quote(path)


def _problems_html(state: State) -> str:
    if not state.problems and not state.crash:
        return ""
    errors = sum(d.severity == "error" for d in state.problems)
    counts = f"{errors} error(s), {len(state.problems) - errors} warning(s)"
    lines = [f"<section class=problems aria-label='Build problems'><strong>{counts}</strong>"]
    lines += [f"<pre class={d.severity}>{html.escape(d.format())}</pre>" for d in state.problems]
    if state.crash:
        lines.append(f"<pre>{html.escape(state.crash)}</pre>")
    return "\n".join(lines) + "</section>"


def _row(leaflet: Leaflet, shown: str | None) -> str:
    main = leaflet.main
    name = html.escape(leaflet.handout)
    title = (f"<a href='/?show={quote(main)}'{' class=current' if main == shown else ''}>{name}</a>"
             if main else name)
    others = " ".join(f"<a href='/?show={quote(path)}'>{html.escape(label)}</a>"
                      for label, path in leaflet.files if path != main)
    failed = ("<br><span class=failed>failed" + (": the last good copy" if main else "") + "</span>"
              if leaflet.failed else "")
    return (f"<tr><td>{html.escape(leaflet.clinic)}</td><td>{html.escape(leaflet.lang)}</td>"
            f"<td>{title}{failed}<br><small>{others}</small></td></tr>")


def render_page(state: State, shown: str | None) -> str:
    """The preview: build status and problems on top, the leaflets on the left, the chosen
    one (or the first) on the right."""
    paths = {path for leaflet in state.leaflets for _, path in leaflet.files}
    if shown not in paths:
        shown = next((leaflet.main for leaflet in state.leaflets if leaflet.main), None)
    rows = "\n".join(_row(leaflet, shown) for leaflet in state.leaflets)
    view = (f"<iframe title='Leaflet preview: {html.escape(shown)}' src='{_file_url(shown)}'></iframe>"
            if shown else "<p class=empty>No leaflet has been built yet.</p>")
    opened = f" · <a href='{_file_url(shown)}' target=_blank>open {html.escape(shown)}</a>" if shown else ""
    return f"""<!doctype html>
<html lang=en><head><meta charset=utf-8><title>carepress preview</title>
<meta name=viewport content="width=device-width, initial-scale=1">
<style>{_STYLE}</style></head>
<body><header><h1>carepress preview</h1><span>{html.escape(state.summary)}{opened}</span>
<span id=status role=status>{'rebuilding…' if state.building else ''}</span></header>
{_problems_html(state)}
<main><nav aria-label=Leaflets><table><tbody>{rows}</tbody></table></nav>{view}</main>
<script>{_SCRIPT % (state.version, VERSION_PATH)}</script>
</body></html>
"""


# --- the server -----------------------------------------------------------------------


class PreviewServer(ThreadingHTTPServer):
    daemon_threads = True  # (a browser holding a connection open never delays Ctrl-C)

    def __init__(self, settings: ServeSettings, box: StateBox) -> None:
        self.out = settings.out.resolve()
        self.box = box
        if ":" in settings.host:  # an IPv6 address such as ::1
            self.address_family = socket.AF_INET6
        super().__init__((settings.host, settings.port), PreviewHandler)

    def server_bind(self) -> None:
        # HTTPServer's own looks up the host's fully qualified name, which waits on DNS on
        # some machines; the name is only used in CGI environments.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = str(self.server_address[0]), int(self.server_address[1])


class PreviewHandler(BaseHTTPRequestHandler):
    server: PreviewServer

    def do_GET(self) -> None:  # (http.server's name for it)
        url = urlsplit(self.path)
        if url.path == "/":
            shown = parse_qs(url.query).get("show", [None])[0]
            self._send(200, render_page(self.server.box.get(), shown).encode("utf-8"),
                       "text/html; charset=utf-8")
        elif url.path == VERSION_PATH:
            state = self.server.box.get()
            body = json.dumps({"version": state.version, "building": state.building})
            self._send(200, body.encode("utf-8"), "application/json")
        elif url.path.startswith(FILES_PREFIX):
            self._send_file(unquote(url.path[len(FILES_PREFIX):]))
        else:
            self._send(404, b"not found\n", "text/plain; charset=utf-8")

    def _send_file(self, relative: str) -> None:
        """A built file, and nothing else: no path out of the output folder, no hidden file
        (the build cache)."""
        target = (self.server.out / relative).resolve()
        parts = Path(relative).parts
        if (not target.is_relative_to(self.server.out) or any(p.startswith(".") for p in parts)
                or not target.is_file()):
            self._send(404, b"not found\n", "text/plain; charset=utf-8")
            return
        kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if kind == "text/html":
            kind += "; charset=utf-8"
        try:
            data = target.read_bytes()
        except OSError:  # (replaced between the check and the read: the page will ask again)
            self._send(404, b"not found\n", "text/plain; charset=utf-8")
            return
        self._send(200, data, kind)

    def _send(self, status: int, body: bytes, kind: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")  # every look shows the latest build
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass  # (the page polls twice a second: a line per request would bury the build log)


# --- the session ----------------------------------------------------------------------


@contextmanager
def _interrupts_stop() -> Iterator[None]:
    """Ctrl-C and SIGTERM both end the session through KeyboardInterrupt, even when the
    process was started with SIGINT ignored (a background job of a script).  Only the main
    thread may set handlers: elsewhere (a library caller's thread) nothing changes."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    for sig in previous:
        signal.signal(sig, signal.default_int_handler)
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _report(result: Result, log: Log) -> None:
    for problem in result.problems:
        log(problem.format())
    if result.crash:
        log(result.crash.rstrip())
    log(result.summary)


def _publish(box: StateBox, result: Result) -> State:
    return box.update(version=box.get().version + 1, building=False, summary=result.summary,
                      problems=tuple(result.problems), leaflets=tuple(result.leaflets),
                      crash=result.crash)


def start_server(settings: ServeSettings, box: StateBox) -> tuple[PreviewServer, str]:
    """The server, serving in a thread of its own, and its address."""
    try:
        server = PreviewServer(settings, box)
    except OSError as exc:  # a port in use, an address this machine does not have
        raise UsageError(f"cannot serve on {settings.host}:{settings.port}: "
                         f"{exc.strerror or exc}; choose another --port or --host") from None
    threading.Thread(target=server.serve_forever, name="carepress-serve", daemon=True).start()
    # (an IP socket's address, as server_bind records it: typeshed's server_address also
    # allows the bytes of a Unix socket, which would print as b'...')
    host, port = server.server_name, server.server_port
    shown = f"[{host}]" if ":" in host else host
    return server, f"http://{shown}:{port}/"


def watch(settings: ServeSettings, box: StateBox, log: Log, last: Snapshot,
          keep_going: Callable[[], bool] = lambda: True) -> None:
    """Rebuild whenever a watched file differs from ``last`` (the files as the last build
    found them), until ``keep_going`` says no (or Ctrl-C)."""
    while keep_going():
        time.sleep(settings.poll)
        now = snapshot(settings.root, settings.out)
        if now == last:
            continue
        time.sleep(settings.settle)  # (a save may be several writes, or several files)
        now = snapshot(settings.root, settings.out)
        log(f"changed: {', '.join(changed_files(last, now, settings.root))}")
        last = now
        box.update(building=True)
        result = guarded_rebuild(settings)
        _publish(box, result)
        _report(result, log)


def serve(settings: ServeSettings, log: Log = print, ready: Callable[[str], None] = print,
          keep_going: Callable[[], bool] = lambda: True) -> None:
    """Build, serve, watch and rebuild until Ctrl-C (or ``keep_going`` returns False).

    The first build runs before the server starts, so that its UsageError can end the
    command (exit 2); after that every problem is shown on the page."""
    import gc

    gc.enable()  # (the command line turns the collector off for short runs; this one is long)
    box = StateBox()
    with _interrupts_stop():
        try:
            # (taken before the first build: a file saved while it runs is rebuilt after it)
            files = snapshot(settings.root, settings.out)
            first = guarded_rebuild(settings, first=True)
            _report(first, log)
            _publish(box, first)
            server, url = start_server(settings, box)
        except KeyboardInterrupt:
            log("stopped")
            return
        ready(url)
        try:
            watch(settings, box, log, files, keep_going)
        except KeyboardInterrupt:
            pass
        finally:
            server.shutdown()
            server.server_close()
        log("stopped")


__all__ = ["Leaflet", "PreviewServer", "ServeSettings", "State", "StateBox", "leaflets_in",
           "rebuild", "render_page", "serve", "snapshot", "start_server", "watch"]
