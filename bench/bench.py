"""carepress benchmark: prints the performance figures the issues ask for, with targets.

Run from the project folder:  python bench/bench.py  (takes a minute or two on 2 cores)
"""

from __future__ import annotations

import functools
import io
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable, Union

ROOT = Path(__file__).resolve().parent.parent
RUNS = 30

ENGLISH = ("iud-aftercare", "en", "riverside-womens-health", "a4")
ARABIC = ("iud-aftercare", "ar", "riverside-womens-health", "a4")
CHINESE = ("iud-aftercare", "zh-Hans", "harbour-health", "letter")
# What a one-leaflet build cannot do without: the floor under its cold start.
LIBRARIES = ("reportlab.platypus", "reportlab.pdfgen.canvas", "jinja2", "yaml", "click",
             "PIL.Image")


def take_turns(measures: dict[str, Callable[[], float]], runs: int) -> dict[str, float]:
    """The median of the seconds each of ``measures`` returns over ``runs`` turns, after one
    untimed turn (a warm-up: fonts registered, caches filled).  They take turns, so that a
    slower spell of a shared machine falls on all of them alike and their ratios stay fair."""
    for measure in measures.values():
        measure()
    times: dict[str, list[float]] = {name: [] for name in measures}
    for _ in range(runs):
        for name, measure in measures.items():
            times[name].append(measure())
    return {name: statistics.median(taken) for name, taken in times.items()}


def median_seconds(actions: dict[str, Callable[[], object]], runs: int = RUNS) -> dict[str, float]:
    """Each action's median time in this process (see take_turns)."""
    def run(action: Callable[[], object]) -> float:
        started = time.perf_counter()
        action()
        return time.perf_counter() - started

    return take_turns({name: functools.partial(run, action) for name, action in actions.items()}, runs)


def pipeline(project, job_fields, out: Path):  # type: ignore[no-untyped-def]
    from carepress.plan import Job
    from carepress.workers import build_job

    job = Job(*job_fields)
    return lambda: build_job(project, job, out, "bench")


def _leaflet_and_fonts(project, job_fields):  # type: ignore[no-untyped-def]
    from carepress.pipeline import resolve_job
    from carepress.plan import Job
    from carepress.typeset.fonts import firago

    return resolve_job(project, Job(*job_fields)).leaflet, firago()


def text_only_platypus(project, job_fields):  # type: ignore[no-untyped-def]
    """The English leaflet's running text alone as plain ReportLab paragraphs in the same
    fonts: no page furniture, lists, boxes or logo.  Printed for reference."""
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    from carepress.model import RCallout, RPassage, RText
    from carepress.typeset.markup import to_markup

    leaflet, fonts = _leaflet_and_fonts(project, job_fields)
    body = ParagraphStyle("b", fontName=fonts.regular, fontSize=12, leading=15.8)
    heading = ParagraphStyle("h", fontName=fonts.bold, fontSize=15, leading=19)
    texts: list[tuple[str, ParagraphStyle]] = [(to_markup(leaflet.title), heading)]
    for section in leaflet.sections:
        texts.append((to_markup(section.heading), heading))
        for block in section.blocks:
            inner = block.blocks if isinstance(block, RCallout) else (block,)
            texts += [(to_markup(b.text), body) for b in inner if isinstance(b, (RPassage, RText))]

    def build() -> None:
        buffer = io.BytesIO()
        SimpleDocTemplate(buffer, invariant=1, initialFontName=fonts.regular).build(
            [Paragraph(text, style) for text, style in texts])
    return build


def bare_leaflet(project, job_fields, folder: Path) -> dict:  # type: ignore[no-untyped-def, type-arg]
    """The English leaflet as bench/bare_reportlab.py takes it: its text in ReportLab's
    paragraph markup, its colours and furniture lines, and its fonts (FiraGO) and logo
    written as files into ``folder``, as a plain program would find them."""
    from dataclasses import asdict

    from carepress.fontfiles import package_font_bytes
    from carepress.model import RCallout, RContact, RFillIn, RList, RPassage, RText
    from carepress.typeset.markup import escape, to_markup

    leaflet, _ = _leaflet_and_fonts(project, job_fields)

    def blocks(items) -> list:  # type: ignore[no-untyped-def, type-arg]
        story: list = []  # type: ignore[type-arg]
        for block in items:
            if isinstance(block, (RPassage, RText)):
                story.append({"kind": "text", "text": to_markup(block.text)})
            elif isinstance(block, RList):
                story.append({"kind": "list", "items": [to_markup(item) for item in block.items]})
            elif isinstance(block, RFillIn):
                story.append({"kind": "fields", "labels": [escape(field.label) for field in block.fields]})
            elif isinstance(block, RContact):
                story.append({"kind": "box", "urgent": False, "blocks": [
                    {"kind": "heading", "text": escape(block.heading)},
                    *({"kind": "text", "text": to_markup(line)} for line in block.lines)]})
            elif isinstance(block, RCallout):
                story.append({"kind": "box", "urgent": True, "blocks": [
                    {"kind": "heading", "text": to_markup(block.title)}, *blocks(block.blocks)]})
        return story

    story = [{"kind": "title", "text": to_markup(leaflet.title)}]
    if leaflet.subtitle:
        story.append({"kind": "text", "text": to_markup(leaflet.subtitle)})
    for section in leaflet.sections:
        story += [{"kind": "heading", "text": to_markup(section.heading)}, *blocks(section.blocks)]
    story.append({"kind": "heading", "text": escape(leaflet.sources_heading)})
    story += [{"kind": "text", "text": to_markup(source.text)} for source in leaflet.sources]
    if leaflet.closing is not None:
        story.append({"kind": "box", "urgent": False, "blocks": [
            {"kind": "text", "text": escape(leaflet.closing.other_formats)},
            {"kind": "text", "text": escape(leaflet.closing.feedback)}]})
    fonts = {}
    for face in ("regular", "bold"):
        fonts[face] = str(folder / f"FiraGO-{face}.ttf")
        data = package_font_bytes(f"pymupdf_fonts.FiraGO_{face.title()}")
        assert data is not None
        Path(fonts[face]).write_bytes(data)
    logo = folder / leaflet.clinic.logo.name
    logo.write_bytes(leaflet.clinic.logo.data)
    return {"story": story, "colours": asdict(leaflet.clinic.colours), "fonts": fonts, "logo": str(logo),
            "clinic": leaflet.clinic.name, "website": leaflet.clinic.website,
            "footer": [f"{leaflet.control.code} - Version {leaflet.control.version}",
                       f"Questions? Call {leaflet.clinic.name}: {leaflet.footer.phone}"]}


def bare_platypus(project, job_fields, folder: Path):  # type: ignore[no-untyped-def]
    """The baseline, warm: bench/bare_reportlab.py's build of the same English leaflet in
    this process, into a buffer."""
    sys.path.insert(0, str(ROOT / "bench"))
    from bare_reportlab import make_build

    build = make_build(bare_leaflet(project, job_fields, folder))
    return lambda: build(io.BytesIO())


def typeset_only(project, job_fields, tagged: bool = True):  # type: ignore[no-untyped-def]
    """The typesetting stage alone (our platypus story with page furniture) for the same
    leaflet, already resolved: what the rest of the pipeline is measured against.  With
    ``tagged`` off, without the PDF/UA structure: what tagging costs."""
    from carepress.pipeline import resolve_job, source_date_epoch
    from carepress.plan import Job
    from carepress.typeset import typeset

    job = Job(*job_fields)
    leaflet = resolve_job(project, job).leaflet
    layout = project.layouts[job.layout]
    epoch = source_date_epoch(project.handouts[job.handout])
    return lambda: typeset(leaflet, layout, epoch=epoch, tagged=tagged)


def html_twin(project, job_fields):  # type: ignore[no-untyped-def]
    """The HTML twin of the same leaflet, already resolved: the second renderer alone."""
    from carepress.html import render_html
    from carepress.pipeline import resolve_job
    from carepress.plan import HTML, Job

    handout, lang, clinic, _ = job_fields
    leaflet = resolve_job(project, Job(handout, lang, clinic, "", format=HTML)).leaflet
    return lambda: render_html(leaflet)


# --- a long handout whose English changed under its translations (issue 11) -----------------

TRANSLATED = ("es", "fr", "pt", "vi", "ru", "ar", "zh-Hans")
SENTENCE_UNIT = "s6.b1"  # its text ends every generated section, translated as it is there
EDITED = "Your nurse fills in these lines. Keep this leaflet with your other health papers."
ADDED = "Bring this leaflet to every appointment."


def long_handout_project(root: Path, sections: int = 400, langs: tuple[str, ...] = TRANSLATED,
                         change: str | None = "edit") -> Path:
    """A copy of the project at ``root`` whose one handout, `iud-aftercare`, has ``sections``
    sections (the IUD handout's six, repeated), each ending with the clinic-written sentence
    of its unit s6.b1, and complete translations into ``langs`` (copied unit by unit from the
    shipped ones).  Then the English changes in every section: ``change="edit"`` rewords
    that sentence (so every translation file has one stale unit per section), ``"add"``
    adds a new sentence after it (one missing unit per section), None changes nothing."""
    import shutil

    import yaml

    sys.path.insert(0, str(ROOT / "src"))
    from carepress.load.sources import pin_of

    class Dumper(yaml.SafeDumper):  # every repeated section written out, as an author would
        def ignore_aliases(self, data: object) -> bool:
            return True

    def dump(data: dict, path: Path) -> None:  # type: ignore[type-arg]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.dump(data, Dumper=Dumper, sort_keys=False, allow_unicode=True,
                                  width=1000), encoding="utf-8")

    shutil.copytree(ROOT / "layouts", root / "layouts")
    shutil.copytree(ROOT / "handouts/sources", root / "handouts/sources")
    handout = yaml.safe_load((ROOT / "handouts/iud-aftercare.yaml").read_text(encoding="utf-8"))
    kinds = handout["sections"]
    source = yaml.safe_load((ROOT / "handouts/translations/es/iud-aftercare.yaml")
                            .read_text(encoding="utf-8"))
    sentence = next(block["text"] for block in kinds[5]["blocks"] if "text" in block)
    assert pin_of(sentence) == source["units"][SENTENCE_UNIT]["source"]
    generated = []
    for number in range(1, sections + 1):
        kind = kinds[(number - 1) % len(kinds)]
        extra = [{"text": EDITED if change == "edit" else sentence}]
        if change == "add":
            extra.append({"text": ADDED})
        generated.append({"heading": kind["heading"], "blocks": [*kind["blocks"], *extra]})
    dump({**handout, "sections": generated}, root / "handouts/iud-aftercare.yaml")
    for lang in langs:
        shipped = yaml.safe_load((ROOT / f"handouts/translations/{lang}/iud-aftercare.yaml")
                                 .read_text(encoding="utf-8"))
        old = shipped["units"]
        units = {"title": old["title"], "subtitle": old["subtitle"]}
        for number in range(1, sections + 1):
            kind = (number - 1) % len(kinds) + 1
            prefix = f"s{kind}."
            units.update({f"s{number}.{unit[len(prefix):]}": value for unit, value in old.items()
                          if unit.startswith(prefix)})
            after = len(kinds[kind - 1]["blocks"]) + 1
            units[f"s{number}.b{after}"] = {"source": pin_of(sentence),
                                             "text": old[SENTENCE_UNIT]["text"]}
        dump({**shipped, "units": units}, root / f"handouts/translations/{lang}/iud-aftercare.yaml")
    return root


def copy_project(root: Path) -> Path:
    """A copy of this repository's handouts/ and layouts/ at ``root``."""
    import shutil

    for folder in ("handouts", "layouts"):
        shutil.copytree(ROOT / folder, root / folder)
    return root


def many_leaflets_project(root: Path, copies: int = 8) -> Path:
    """A copy of the project at ``root`` with each handout (and its translations) ``copies``
    times, under ids of their own (`iud-aftercare-2`...): ``copies`` times the shipped
    matrix's PDFs and HTML twins (68 PDFs, 544 for 8, since Riverside prints tri-folds; 58
    and 464 before)."""
    copy_project(root)
    for handout in sorted((ROOT / "handouts").glob("*.yaml")):
        name = handout.stem
        for copy in range(2, copies + 1):
            text = handout.read_text(encoding="utf-8")
            assert f"\nid: {name}\n" in text
            (root / "handouts" / f"{name}-{copy}.yaml").write_text(
                text.replace(f"\nid: {name}\n", f"\nid: {name}-{copy}\n", 1), encoding="utf-8")
            for translation in sorted((ROOT / "handouts/translations").glob(f"*/{name}.yaml")):
                text = translation.read_text(encoding="utf-8")
                assert f"\nhandout: {name}\n" in text
                (root / translation.parent.relative_to(ROOT) / f"{name}-{copy}.yaml").write_text(
                    text.replace(f"\nhandout: {name}\n", f"\nhandout: {name}-{copy}\n", 1),
                    encoding="utf-8")
    return root


Command = Union[list[str], Callable[[], list[str]]]


def process_seconds(commands: dict[str, Command], runs: int = 5, exit_code: int = 0) -> dict[str, float]:
    """Each command's median time as a whole process (see take_turns); each must end with
    ``exit_code``.  A command may be a function that prepares its run (an edit, an empty
    folder) untimed and returns the command."""
    def run(command: Command) -> float:
        args = command() if callable(command) else command
        started = time.perf_counter()
        done = subprocess.run(args, cwd=ROOT, capture_output=True)
        taken = time.perf_counter() - started
        if done.returncode != exit_code:
            raise SystemExit(f"{' '.join(args)} exited {done.returncode}:\n{done.stderr.decode()}")
        return taken

    return take_turns({name: functools.partial(run, command) for name, command in commands.items()}, runs)


def line(name: str, value: str, target: str = "", ok: bool | None = None) -> None:
    verdict = "" if ok is None else ("  ok" if ok else "  MISSED")
    print(f"{name:<46}{value:>12}   {target}{verdict}")


FIGURES = ("warm", "cold", "check", "matrix", "speed")


def warm_figures(project) -> None:  # type: ignore[no-untyped-def]
    with tempfile.TemporaryDirectory() as folder, tempfile.TemporaryDirectory() as files:
        out = Path(folder)
        warm = median_seconds({
            "text only": text_only_platypus(project, ENGLISH),
            "bare": bare_platypus(project, ENGLISH, Path(files)),
            "stage": typeset_only(project, ENGLISH),
            "untagged": typeset_only(project, ENGLISH, tagged=False),
            "arabic stage": typeset_only(project, ARABIC),
            "arabic untagged": typeset_only(project, ARABIC, tagged=False),
            "english": pipeline(project, ENGLISH, out),
            "arabic": pipeline(project, ARABIC, out),
            "chinese": pipeline(project, CHINESE, out),
            "twin": html_twin(project, ENGLISH)})
    text_only, bare, stage = warm["text only"], warm["bare"], warm["stage"]
    english, arabic, chinese = warm["english"], warm["arabic"], warm["chinese"]
    line("running text alone as platypus paragraphs", f"{text_only * 1000:.1f} ms")
    line("bare platypus, same English A4 (baseline)", f"{bare * 1000:.1f} ms")
    line("typeset stage alone, same leaflet", f"{stage * 1000:.1f} ms")
    # What tagging (PDF/UA structure) costs: the typesetting stage with and without it, and
    # the whole pipeline against the same pipeline less that cost (issue 10: <= 1.4x).
    for lang, whole, tagged, untagged in (
            ("English", english, stage, warm["untagged"]),
            ("Arabic", warm["arabic"], warm["arabic stage"], warm["arabic untagged"])):
        ratio = whole / (whole - (tagged - untagged))
        line(f"tagged / untagged, {lang} A4 pipeline", f"{ratio:.2f}x", "<= 1.4x", ratio <= 1.4)
        line("  (typesetting stage alone)", f"{tagged / untagged:.2f}x")
    line("pipeline, English A4", f"{english * 1000:.1f} ms", "<= 2x baseline", english <= 2 * bare)
    line("  (pipeline / typeset stage)", f"{english / stage:.2f}x", "<= 2x", english <= 2 * stage)
    line("pipeline, Arabic A4", f"{arabic * 1000:.1f} ms", "<= 2x English", arabic <= 2 * english)
    line("pipeline, Chinese Letter", f"{chinese * 1000:.1f} ms", "<= 2x English", chinese <= 2 * english)
    line("HTML twin, English (render alone)", f"{warm['twin'] * 1000:.1f} ms")


@functools.cache  # (once a run: every group of figures starts it)
def carepress_command() -> list[str]:
    """`carepress` as a process, byte-compiled first: cold figures are for the package as pip
    installs it (an editable checkout with PYTHONDONTWRITEBYTECODE set would compile every
    module on every run)."""
    import compileall

    compileall.compile_dir(str(ROOT / "src" / "carepress"), quiet=1)
    return [sys.executable, "-m", "carepress"]


def cold_figures(project) -> None:  # type: ignore[no-untyped-def]
    carepress = carepress_command()
    with tempfile.TemporaryDirectory() as folder:
        import json

        empty = iter(range(1_000_000))  # each cold build into an empty folder of its own
        one = [*carepress, "build", "--handout", ENGLISH[0], "--lang", ENGLISH[1], "--clinic",
               ENGLISH[2], "--layout", ENGLISH[3], "-q", "--out"]
        data = Path(folder) / "leaflet.json"
        data.write_text(json.dumps(bare_leaflet(project, ENGLISH, Path(folder))), encoding="utf-8")
        cold_starts = process_seconds({
            "one": lambda: [*one, str(Path(folder) / f"out{next(empty)}")],
            "bare": [sys.executable, str(ROOT / "bench/bare_reportlab.py"), str(data),
                     str(Path(folder) / "bare.pdf")],
            "help": [*carepress, "--help"],
            "floor": [sys.executable, "-c", "import " + ", ".join(LIBRARIES)]}, runs=9)
    cold, helped, floor = cold_starts["one"], cold_starts["help"], cold_starts["floor"]
    bare_cold = cold_starts["bare"]
    line("cold `carepress build` of one leaflet", f"{cold * 1000:.0f} ms", "<= 350 ms", cold <= 0.35)
    line("  (of which importing the libraries alone)", f"{floor * 1000:.0f} ms")
    line("cold bare ReportLab script, same leaflet", f"{bare_cold * 1000:.0f} ms")
    line("  cold one-leaflet / bare ReportLab script", f"{cold / bare_cold:.2f}x", "<= 1.4x",
         cold / bare_cold <= 1.4)
    line("cold `carepress --help`", f"{helped * 1000:.0f} ms", "<= 150 ms", helped <= 0.15)


def check_figures() -> None:
    carepress = carepress_command()
    # Issue 11: one English sentence reworded in each of 400 sections, so that every
    # translation file has 400 stale units: `check` as a process, and its problem lines for
    # the translation files.  (A handout this long is over every layout's page limit: check
    # finds it as build would, an error of the handout's, so it ends with 1.)
    with tempfile.TemporaryDirectory() as folder:
        long = long_handout_project(Path(folder) / "long", sections=400)
        checking = [*carepress, "check", "--project", str(long)]
        report = subprocess.run(checking, cwd=ROOT, capture_output=True, text=True)
        problems = sum(bool(re.match(r"\S*handouts/translations/\S+:\d+:\d+: ", row))
                       for row in report.stderr.splitlines())
        long_check = process_seconds({"check": checking}, runs=3, exit_code=1)["check"]
        # The first `check` after an English edit measures that English text's reading
        # level again (importing textstat); the figures of unchanged texts are in the user
        # cache.  Each run follows an edit of its own.
        handout = long / "handouts/iud-aftercare.yaml"
        words = iter(("first", "second", "third", "fourth"))

        def edit_one_sentence() -> list[str]:
            handout.write_text(handout.read_text(encoding="utf-8").replace(
                "Your nurse fills in", f"Your {next(words)} nurse fills in", 1), encoding="utf-8")
            return checking

        edited_check = process_seconds({"edited": edit_one_sentence}, runs=3, exit_code=1)["edited"]
    line("check, 400 sections x 7 languages, stale", f"{long_check:.2f} s", "< 3 s", long_check < 3)
    line("  the first check after an English edit", f"{edited_check:.2f} s", "< 3 s", edited_check < 3)
    line("  (problem lines / translation files)", f"{problems} / {len(TRANSLATED)}", "equal",
         problems == len(TRANSLATED))


def matrix_figures() -> None:
    carepress = carepress_command()
    with tempfile.TemporaryDirectory() as folder:
        matrix = [*carepress, "build", "--force", "-q", "--out", folder]
        full = process_seconds({"serial": [*matrix, "--jobs", "1"],
                                "parallel": [*matrix, "--jobs", "2"]}, runs=3)
        serial, parallel = full["serial"], full["parallel"]
        noop = process_seconds({"noop": [*carepress, "build", "-q", "--out", folder]}, runs=3)["noop"]
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    line("full matrix, --jobs 1", f"{serial:.2f} s")
    line("full matrix, --jobs 2", f"{parallel:.2f} s", f"speed-up {serial / parallel:.2f}x >= 1.7x",
         serial / parallel >= 1.7)
    line("no-op rebuild of the full matrix", f"{noop:.2f} s", "<= 0.5 s", noop <= 0.5)
    line("peak RSS of any process (worker)", f"{rss:.0f} MB", "<= 200 MB", rss <= 200)


def speed_figures(project) -> None:  # type: ignore[no-untyped-def]
    """Issue 12's three ratios, each side by side in one run."""
    carepress = carepress_command()
    # Issue 12: the CI job after one translation unit is edited (a fresh `carepress build`,
    # its build cache warm: only that unit's leaflets are made again) against Typst
    # compiling the same matrix, every leaflet, in one fresh process (bench/typst_twin.py).
    with tempfile.TemporaryDirectory() as folder:
        copy = copy_project(Path(folder) / "project")
        dist = Path(folder) / "dist"
        build = [*carepress, "build", "--project", str(copy), "--out", str(dist)]
        subprocess.run(build, cwd=ROOT, capture_output=True, check=True)  # the warm build cache
        unit_file = copy / "handouts/translations/es/iud-aftercare.yaml"
        original = unit_file.read_text(encoding="utf-8")
        title = re.search(r'\n  title:\n(?:    .*\n)*?    text: "(.*)"\n', original)
        assert title is not None
        edits = iter(range(1_000_000))

        def edit_one_unit() -> list[str]:
            start, end = title.span(1)
            unit_file.write_text(f"{original[:start]}{title.group(1)} {next(edits)}{original[end:]}",
                                 encoding="utf-8")
            return build

        made = subprocess.run(edit_one_unit(), cwd=ROOT, capture_output=True, text=True)
        rebuilt = re.search(r"(\d+) built", made.stderr + made.stdout)
        import importlib.util

        commands: dict[str, Command] = {"edit": edit_one_unit}
        documents = 0
        if importlib.util.find_spec("typst") is not None:  # (the bench extra: pip install -e .[bench])
            sys.path.insert(0, str(ROOT / "bench"))
            from typst_twin import COMPILE, write_documents

            documents = write_documents(project, Path(folder) / "typst")
            commands["typst"] = [sys.executable, "-c", COMPILE, str(Path(folder) / "typst")]
        rebuild = process_seconds(commands, runs=5)
        edited = rebuild["edit"]
        rebuilt_count = rebuilt.group(1) if rebuilt else "?"
    line(f"one unit edited -> build ({rebuilt_count} files made)", f"{edited:.2f} s")
    if documents:
        full_typst = rebuild["typst"]
        line(f"Typst, all {documents} leaflets, one process", f"{full_typst:.2f} s")
        line("  unit-edit rebuild / Typst full compile", f"{edited / full_typst:.2f}x", "< 1x",
             edited < full_typst)
    else:
        line("Typst, all leaflets, one process", "not run", "pip install -e .[bench] (typst-py)")

    # Issue 12: two workers against one on the shipped handouts eight times over, under ids
    # of their own (see many_leaflets_project; the line printed counts the PDFs).
    with tempfile.TemporaryDirectory() as folder:
        big = many_leaflets_project(Path(folder) / "project", copies=8)
        many = len(re.findall(r"\.pdf$", subprocess.run(
            [*carepress, "list", "--project", str(big), "--format", "pdf"], cwd=ROOT,
            capture_output=True, text=True, check=True).stdout, re.M))
        matrix = [*carepress, "build", "--project", str(big), "--force", "-q", "--out",
                  str(Path(folder) / "dist")]
        large = process_seconds({"serial": [*matrix, "--jobs", "1"],
                                 "parallel": [*matrix, "--jobs", "2"]}, runs=3)
        # How free the machine's cores were: two busy loops side by side against one (1.0x
        # on an idle machine with 2 cores; a shared one gives a second worker less).
        def loops(count: int) -> list[str]:
            return [sys.executable, "-c", "import subprocess, sys; loop = [sys.executable, '-c', "
                    f"'sum(range(10**7))']; [p.wait() for p in [subprocess.Popen(loop) for _ in range({count})]]"]

        cores = process_seconds({"one": loops(1), "two": loops(2)}, runs=5)
    speed_up = large["serial"] / large["parallel"]
    line(f"{many} PDFs, --jobs 1", f"{large['serial']:.2f} s")
    line(f"{many} PDFs, --jobs 2", f"{large['parallel']:.2f} s", f"speed-up {speed_up:.2f}x >= 1.85x",
         speed_up >= 1.85)
    line("  (two busy loops side by side / one)", f"{cores['two'] / cores['one']:.2f}x",
         "1.0x when both cores are free")


def main(wanted: list[str]) -> None:
    """All the figures, or the groups named: warm, cold, check, matrix, speed."""
    sys.path.insert(0, str(ROOT / "src"))
    # (and for the processes it starts: this checkout's carepress, installed or not)
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "src"), os.environ.get("PYTHONPATH")]))
    from carepress.load import load_project

    unknown = set(wanted) - set(FIGURES)
    if unknown:
        raise SystemExit(f"unknown figures {sorted(unknown)}: choose from {', '.join(FIGURES)}")
    project = load_project(ROOT)
    print(f"carepress benchmark on {os.cpu_count()} CPU(s), Python {sys.version.split()[0]}\n")
    for name in wanted or FIGURES:
        if name == "warm":
            warm_figures(project)
        elif name == "cold":
            cold_figures(project)
        elif name == "check":
            check_figures()
        elif name == "matrix":
            matrix_figures()
        else:
            speed_figures(project)


if __name__ == "__main__":
    main(sys.argv[1:])
