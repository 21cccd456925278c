"""carepress benchmark: prints the figures the batch-build issue asks for, with targets.

Run from the project folder:  python bench/bench.py  (takes about a minute on 2 cores)
"""

from __future__ import annotations

import io
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNS = 30

ENGLISH = ("iud-aftercare", "en", "riverside-womens-health", "a4")
ARABIC = ("iud-aftercare", "ar", "riverside-womens-health", "a4")
CHINESE = ("iud-aftercare", "zh-Hans", "harbour-health", "letter")
# What a one-leaflet build cannot do without: the floor under its cold start.
LIBRARIES = ("reportlab.platypus", "reportlab.pdfgen.canvas", "pypdf", "jinja2", "yaml", "click",
             "markdown_it", "PIL.Image")


def median_seconds(action, runs: int = RUNS) -> float:  # type: ignore[no-untyped-def]
    action()  # warm up: fonts registered, caches filled
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def pipeline(project, job_fields, out: Path):  # type: ignore[no-untyped-def]
    from carepress.build import Job, build_job

    job = Job(*job_fields)
    return lambda: build_job(project, job, out)


def bare_platypus(project, job_fields):  # type: ignore[no-untyped-def]
    """The same English leaflet's text as plain ReportLab paragraphs with the same fonts:
    no furniture, no checks, no read-back; the floor our pipeline is compared with."""
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    from carepress.build import Job, resolve_job
    from carepress.model import RCallout, RPassage, RText
    from carepress.typeset.fonts import firago

    leaflet = resolve_job(project, Job(*job_fields)).leaflet
    fonts = firago()
    body = ParagraphStyle("b", fontName=fonts.regular, fontSize=12, leading=15.8)
    heading = ParagraphStyle("h", fontName=fonts.bold, fontSize=15, leading=19)
    texts: list[tuple[str, ParagraphStyle]] = [(leaflet.title, heading)]
    for section in leaflet.sections:
        texts.append((section.heading, heading))
        for block in section.blocks:
            inner = block.blocks if isinstance(block, RCallout) else (block,)
            texts += [(b.markup, body) for b in inner if isinstance(b, (RPassage, RText))]

    def build() -> None:
        buffer = io.BytesIO()
        SimpleDocTemplate(buffer, invariant=1, initialFontName=fonts.regular).build(
            [Paragraph(text, style) for text, style in texts])
    return build


def typeset_only(project, job_fields):  # type: ignore[no-untyped-def]
    """The typesetting stage alone (our platypus story with page furniture) for the same
    leaflet, already resolved: what the rest of the pipeline is measured against."""
    from carepress.build import Job, resolve_job, source_date_epoch
    from carepress.typeset import typeset

    job = Job(*job_fields)
    leaflet = resolve_job(project, job).leaflet
    layout = project.layouts[job.layout]
    epoch = source_date_epoch(project.handouts[job.handout])
    return lambda: typeset(leaflet, layout, epoch=epoch)


def process_seconds(args: list[str], runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(args, cwd=ROOT, check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def line(name: str, value: str, target: str = "", ok: bool | None = None) -> None:
    verdict = "" if ok is None else ("  ok" if ok else "  MISSED")
    print(f"{name:<46}{value:>12}   {target}{verdict}")


def main() -> None:
    sys.path.insert(0, str(ROOT / "src"))
    from carepress.load import load_project

    project = load_project(ROOT)
    print(f"carepress benchmark on {os.cpu_count()} CPU(s), Python {sys.version.split()[0]}\n")
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        bare = median_seconds(bare_platypus(project, ENGLISH))
        stage = median_seconds(typeset_only(project, ENGLISH))
        english = median_seconds(pipeline(project, ENGLISH, out))
        arabic = median_seconds(pipeline(project, ARABIC, out))
        chinese = median_seconds(pipeline(project, CHINESE, out))
    line("bare platypus, English A4 (baseline)", f"{bare * 1000:.1f} ms")
    line("typeset stage alone, same leaflet", f"{stage * 1000:.1f} ms")
    line("pipeline, English A4", f"{english * 1000:.1f} ms", "<= 2x baseline", english <= 2 * bare)
    line("  (pipeline / typeset stage)", f"{english / stage:.2f}x", "<= 2x", english <= 2 * stage)
    line("pipeline, Arabic A4", f"{arabic * 1000:.1f} ms", "<= 2x English", arabic <= 2 * english)
    line("pipeline, Chinese Letter", f"{chinese * 1000:.1f} ms", "<= 2x English", chinese <= 2 * english)

    # Cold figures are for the package as pip installs it: byte-compiled (an editable
    # checkout with PYTHONDONTWRITEBYTECODE set would compile every module on every run).
    import compileall

    compileall.compile_dir(str(ROOT / "src" / "carepress"), quiet=1)
    carepress = [sys.executable, "-m", "carepress"]
    with tempfile.TemporaryDirectory() as folder:
        one = [*carepress, "build", "--handout", ENGLISH[0], "--lang", ENGLISH[1], "--clinic",
               ENGLISH[2], "--layout", ENGLISH[3], "--force", "-q", "--out", folder]
        cold = process_seconds(one)
    helped = process_seconds([*carepress, "--help"])
    floor = process_seconds([sys.executable, "-c", "import " + ", ".join(LIBRARIES)])
    line("cold `carepress build` of one leaflet", f"{cold * 1000:.0f} ms", "<= 350 ms", cold <= 0.35)
    line("  (of which importing the libraries alone)", f"{floor * 1000:.0f} ms")
    line("cold `carepress --help`", f"{helped * 1000:.0f} ms", "<= 150 ms", helped <= 0.15)

    with tempfile.TemporaryDirectory() as folder:
        matrix = [*carepress, "build", "--force", "-q", "--out", folder]
        serial = process_seconds([*matrix, "--jobs", "1"], runs=3)
        parallel = process_seconds([*matrix, "--jobs", "2"], runs=3)
        noop = process_seconds([*carepress, "build", "-q", "--out", folder], runs=3)
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    line("full matrix, --jobs 1", f"{serial:.2f} s")
    line("full matrix, --jobs 2", f"{parallel:.2f} s", f"speed-up {serial / parallel:.2f}x >= 1.7x",
         serial / parallel >= 1.7)
    line("no-op rebuild of the full matrix", f"{noop:.2f} s", "<= 0.5 s", noop <= 0.5)
    line("peak RSS of any process (worker)", f"{rss:.0f} MB", "<= 200 MB", rss <= 200)


if __name__ == "__main__":
    main()
