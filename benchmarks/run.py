"""Measure the speed, memory and size targets of handouts on this machine.

    .venv/bin/python benchmarks/run.py            # about a minute

Prints five figures, each with its target:
1. warm time per handout through the pipeline (compose, render, write) against
   a floor: the same handout's flowables built and laid out by ReportLab alone;
2. the full default build (`handouts build`) as a whole process, with 1 and 2
   workers, grown to at least 60 PDFs with renamed copies of the shipped topics;
   and the throughput of its compose-and-render stage in one process, so that
   the fixed cost of starting Python does not hide the speed-up of the workers;
3. cold start: `handouts --help` and one single-handout build;
4. peak memory per process over the whole build, and growth per handout;
5. the size of a two-page handout.
"""

from __future__ import annotations

import io
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

from handouts.build import BuildRequest, make_all, output_path, plan
from handouts.compose import Job, compose
from handouts.library import load_library
from handouts.model import Audience
from handouts.render import PAGE_SIZES, render
from handouts.render.blocks import Renderer
from handouts.render.theme import build_theme
from handouts.writer import write_atomic

HANDOUTS = str(Path(sys.executable).parent / "handouts")
SAMPLE = ("probiotics", Audience.PARENTS)
TARGET_COUNT = 60  # handouts in the full build the target speaks of


def median_time(action, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def run(*args: str, cwd: Path | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=cwd)
    return time.perf_counter() - start


def floor_render(document, theme_data) -> bytes:
    """The same flowables laid out by plain ReportLab: no templates, parsing, furniture or files."""
    theme = build_theme(theme_data)
    width, height = PAGE_SIZES[document.page_size]
    frame = Frame(theme.margin, theme.margin, width - 2 * theme.margin, height - 2 * theme.margin)
    story = Renderer(document, theme, width - 2 * theme.margin).flowables(document.blocks, width - 2 * theme.margin)
    buffer = io.BytesIO()
    doc = BaseDocTemplate(buffer, pagesize=(width, height), pageTemplates=[PageTemplate("p", [frame])],
                          invariant=1, initialFontName=theme.font_names["regular"])
    doc.build(story)
    return buffer.getvalue()


def copy_topics(library, folder: Path, copy: int) -> None:
    """Renamed copies of every shipped topic (same text, new id), to reach the target count."""
    for (topic_id, language), topic in library.topics.items():
        source = Path(topic.meta.span.path).resolve()  # shown relative to the working folder
        target = folder / f"{topic_id}-copy{copy}" / f"{language}.md"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(source.read_text().replace(f"id: {topic_id}\n", f"id: {topic_id}-copy{copy}\n", 1))


def rss_mib() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def main() -> None:
    library = load_library()
    job = Job((SAMPLE[0],), SAMPLE[1], "en")
    rows = []

    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        document = compose(library, job)
        render(document, library.theme)  # warm caches: fonts, theme, parser

        def pipeline():
            write_atomic(output_path(out, job), render(compose(library, job), library.theme))

        warm = median_time(pipeline, 30)
        floor = median_time(lambda: floor_render(document, library.theme), 30)
        rows.append(("warm time per handout (pipeline / ReportLab floor)",
                     f"{warm * 1000:.1f} ms / {floor * 1000:.1f} ms = {warm / floor:.2f} x", "<= 1.3 x"))

        jobs = base_jobs = plan(library, BuildRequest(include_preset_packets=True))
        extra, copies, big_library = out / "more-topics", 0, library
        while len(jobs) < TARGET_COUNT:  # the library is smaller than the target: add renamed copies
            copies += 1
            copy_topics(library, extra, copies)
            big_library = load_library([extra])
            jobs = plan(big_library, BuildRequest(include_preset_packets=True))
        count = len(jobs)
        content = ("--content", str(extra)) if copies else ()

        def full_build(workers: int, index: int) -> float:
            return run(HANDOUTS, "build", *content, "-o", str(out / f"full-{workers}-{index}"), "-j", str(workers))

        serial = statistics.median(full_build(1, i) for i in range(3))
        parallel = statistics.median(full_build(2, i) for i in range(3))
        rows.append((f"full default build, {count} PDFs, 2 workers (1 worker)",
                     f"{parallel:.2f} s ({serial:.2f} s), {parallel / count * 1000:.0f} ms a PDF; "
                     f"speed-up {serial / parallel:.2f} x", f"< 1.5 s for {TARGET_COUNT}"))

        one, two = (median_time(lambda: make_all(big_library, jobs, workers=n), 3) for n in (1, 2))
        rows.append((f"throughput of the build stage, {count} PDFs, 2 workers (1 worker)",
                     f"{count / two:.0f} PDFs/s ({count / one:.0f} PDFs/s); {one / two:.2f} x", ">= 1.7 x"))

        help_time = statistics.median(run(HANDOUTS, "--help") for _ in range(7))
        single = statistics.median(
            run(HANDOUTS, "build", "-t", SAMPLE[0], "-a", SAMPLE[1].value, "-o", str(out / f"c{i}"))
            for i in range(5))
        rows.append(("cold start: --help / one handout", f"{help_time * 1000:.0f} ms / {single * 1000:.0f} ms",
                     "< 150 ms / < 400 ms"))

        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        run(HANDOUTS, "build", *content, "-o", str(out / "memory"), "-j", "2")
        peak = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
        start_rss = None
        for index in range(120):
            singles = [j for j in base_jobs if not j.packet]
            item = singles[index % len(singles)]
            render(compose(library, item), library.theme)
            if index == 19:
                start_rss = rss_mib()
        growth = (rss_mib() - start_rss) / 100 * 1024
        rows.append(("peak memory per process / growth per handout",
                     f"{peak:.0f} MiB / {growth:.1f} KiB", "< 80 MiB / none"))

        two_page = [p for p in (out / "full-1-0" / "en").rglob("*.pdf") if "packets" not in p.parts]
        import pypdf

        sizes = [p.stat().st_size for p in two_page if len(pypdf.PdfReader(p).pages) == 2]
        rows.append(("size of a two-page handout (largest / median)",
                     f"{max(sizes) / 1024:.0f} KB / {statistics.median(sizes) / 1024:.0f} KB", "< 75 KB"))

    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}, {platform.system()} {platform.release()}")
    width = max(len(r[0]) for r in rows)
    for name, value, target in rows:
        print(f"{name:<{width}}  {value:<40}  target {target}")


if __name__ == "__main__":
    main()
