"""Measure handouts against a fair floor: plain ReportLab drawing the same content.

    .venv/bin/python benchmarks/run.py            # 2 to 3 minutes on 2 cores

The floor is `benchmarks/floor.py`, a hand-written ReportLab script with the
same fonts, page, margins and furniture, drawing the words of the same
handouts (extracted once, before any timing, by `benchmarks/extract.py`).
Prints one line per figure with its target, then the same figures as a
markdown table for `benchmarks/README.md`. Every time is a median; runs of the
project and of the floor alternate, so a burst of load from elsewhere falls on
both. See README.md for what each figure means.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

PYTHON = sys.executable
HANDOUTS = str(Path(sys.executable).parent / "handouts")
FLOOR = str(HERE / "floor.py")
MINIMAL = str(HERE / "minimal_typer.py")
SAMPLE = "probiotics-parents"
BIG = 1000  # PDFs in the large build of the memory figure

PEAK = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL, "
        "stderr=subprocess.DEVNULL); print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")


def run(*args: str) -> float:
    start = time.perf_counter()
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def paired(*actions, repeat: int) -> tuple[list[float], list[float]]:
    """`repeat` rounds, each running every action once in turn. Returns the median time of
    each action, and for each action the median over rounds of the first one's time divided
    by its time in the same round: a ratio steadier than the ratio of medians when the load
    from elsewhere changes during the run."""
    times: list[list[float]] = [[] for _ in actions]
    for _ in range(repeat):
        for action, taken in zip(actions, times):
            start = time.perf_counter()
            action()
            taken.append(time.perf_counter() - start)
    ratios = [statistics.median(a / b for a, b in zip(times[0], taken)) for taken in times]
    return [statistics.median(taken) for taken in times], ratios


def peak_mib(*args: str) -> float:
    """Largest resident set of a command and its workers, from a fresh process that only runs it."""
    out = subprocess.run([PYTHON, "-c", PEAK, *args], check=True, capture_output=True, text=True).stdout
    return int(out) / 1024


def copy_topics(library, folder: Path, count: int) -> None:
    """Renamed copies of every shipped topic (same text, new id)."""
    for copy in range(1, count + 1):
        for (topic_id, language), topic in library.topics.items():
            source = Path(topic.meta.span.path).resolve()
            target = folder / f"{topic_id}-copy{copy}" / f"{language}.md"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(source.read_text().replace(f"id: {topic_id}\n", f"id: {topic_id}-copy{copy}\n", 1))


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.machine())
    memory = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                  if line.startswith("MemTotal"))
    import reportlab

    try:
        import _rl_accel  # noqa: F401 - ReportLab's C accelerator, from the rl_accel package
        accel = "with"
    except ImportError:
        accel = "without"
    return (f"{cpu}, {os.cpu_count()} cores, {memory / 2**20:.0f} GiB, Linux {platform.release()}, "
            f"Python {platform.python_version()}, ReportLab {reportlab.Version} ({accel} rl_accel); "
            f"load average {os.getloadavg()[0]:.2f} at start")


def main() -> None:
    import floor
    from extract import handout

    from handouts.build import BuildRequest, plan
    from handouts.compose import compose
    from handouts.library import load_library
    from handouts.rendered import renderer

    started = time.perf_counter()
    header = machine()
    print(header, flush=True)
    rows: list[tuple[str, str, str, bool]] = []  # figure, value, target, met

    def row(name, value, target, met):
        rows.append((name, value, target, met))
        print(f"{name:<58} {value:<44} target {target}  {'met' if met else 'MISSED'}", flush=True)

    library = load_library()
    jobs = plan(library, BuildRequest(include_preset_packets=True))  # what `handouts build` makes
    documents = {f"{job.name}-{job.audience.value}" if not job.packet else job.name: compose(library, job)
                 for job in jobs}
    content = [handout(name, document) for name, document in documents.items()]
    sample_job = next(job for job in jobs if not job.packet and f"{job.name}-{job.audience.value}" == SAMPLE)
    sample = next(h for h in content if h["name"] == SAMPLE)

    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        content_file = tmp / "content.json"
        content_file.write_text(json.dumps(content))

        # 1. warm, in this process
        render_pdf, options = renderer("pdf"), sample_job.render_options()

        def project():
            return render_pdf(compose(library, sample_job), library.theme, options)

        project_pdf, floor_pdf = project().data, floor.draw(sample)  # warm fonts, caches, parser
        (warm, base), (_, ratio) = paired(project, lambda: floor.draw(sample), repeat=80)
        row("1. warm compose+render, probiotics for parents", f"{warm * 1e3:.1f} ms / floor {base * 1e3:.1f} ms "
            f"= {ratio:.2f}x", "<= 1.2x", ratio <= 1.2)

        # 2. one-PDF build as a whole process
        counter = iter(range(10**6))
        (one, one_floor), (_, ratio) = paired(
            lambda: run(HANDOUTS, "build", "-t", "probiotics", "-a", "parents", "-o", str(tmp / f"o{next(counter)}"),
                        "-j", "1"),
            lambda: run(PYTHON, FLOOR, str(content_file), str(tmp / "floor-one"), "--only", SAMPLE), repeat=11)
        row("2. one-PDF build, whole process", f"{one * 1e3:.0f} ms / floor {one_floor * 1e3:.0f} ms "
            f"= {ratio:.2f}x", "<= 1.3x", ratio <= 1.3)

        # 3. default build, 2 workers
        count = len(content)
        (build, build_floor), (_, ratio) = paired(
            lambda: run(HANDOUTS, "build", "-o", str(tmp / f"build{next(counter)}"), "-j", "2"),
            lambda: run(PYTHON, FLOOR, str(content_file), str(tmp / "floor-all"), "-j", "2"), repeat=9)
        row(f"3. default build, {count} PDFs, -j 2", f"{build * 1e3:.0f} ms / floor {build_floor * 1e3:.0f} ms "
            f"= {ratio:.2f}x", "<= 1.4x", ratio <= 1.4)

        # 4. check on the whole library
        (check, beside), (_, ratio) = paired(
            lambda: run(HANDOUTS, "check"),
            lambda: run(HANDOUTS, "build", "-o", str(tmp / f"c{next(counter)}"), "-j", "2"), repeat=3)
        row("4. check, whole library (default -j)", f"{check:.2f} s / build {beside:.2f} s = {ratio:.2f}x",
            "<= 2x", ratio <= 2)

        # 5. peak memory at 24 and at 1,000 PDFs
        small = statistics.median(peak_mib(HANDOUTS, "build", "-o", str(tmp / f"m{i}"), "-j", "2") for i in range(3))
        floor_peak = statistics.median(peak_mib(PYTHON, FLOOR, str(content_file), str(tmp / "floor-m"), "-j", "2")
                                       for _ in range(3))
        more = tmp / "more"
        singles = sum(1 for job in jobs if not job.packet)
        copy_topics(library, more, -(-(BIG - count) // singles))
        big_out = tmp / "big"
        start = time.perf_counter()
        big = peak_mib(HANDOUTS, "build", "--content", str(more), "-o", str(big_out), "-j", "2")
        big_time = time.perf_counter() - start
        big_count = sum(1 for _ in big_out.rglob("*.pdf"))
        shutil.rmtree(big_out)
        row(f"5. peak memory, {count} / {big_count} PDFs (-j 2)",
            f"{small:.0f} MiB / {big:.0f} MiB (floor {floor_peak:.0f} MiB at {count})",
            "<= 80 MiB, flat", max(small, big) <= 80 and big - small <= 5)
        print(f"   ({big_count} PDFs built in {big_time:.1f} s, {big_time / big_count * 1e3:.1f} ms a PDF)")

        # 6. --help against a minimal Typer app
        (help_time, minimal, plain), (_, ratio, plain_ratio) = paired(
            lambda: run(HANDOUTS, "--help"), lambda: run(PYTHON, MINIMAL, "--help"),
            lambda: run(PYTHON, MINIMAL, "--plain", "--help"), repeat=11)
        row("6. --help", f"{help_time * 1e3:.0f} ms / minimal Typer app {minimal * 1e3:.0f} ms "
            f"= {ratio:.2f}x", "<= 1.0x", ratio <= 1.0)
        print(f"   (the same minimal app with plain help, rich_markup_mode=None as handouts has: {plain * 1e3:.0f} ms, "
              f"{plain_ratio:.2f}x)")

        # 7. file sizes
        import pypdf

        built = next(tmp.glob("build*"))  # one of the default builds of figure 3
        sizes = [p.stat().st_size for p in built.rglob("*.pdf")
                 if "packets" not in p.parts and len(pypdf.PdfReader(p).pages) == 2]
        row(f"7. two-page PDF size, largest / median of {len(sizes)}",
            f"{max(sizes) / 1024:.0f} KB / {statistics.median(sizes) / 1024:.0f} KB "
            f"(sample {len(project_pdf) / 1024:.0f} KB, floor {len(floor_pdf) / 1024:.0f} KB)", "< 75 KB",
            max(sizes) < 75 * 1024)
        pages = (len(pypdf.PdfReader(__import__("io").BytesIO(project_pdf)).pages),
                 len(pypdf.PdfReader(__import__("io").BytesIO(floor_pdf)).pages))

    print(f"\n(probiotics for parents: {pages[0]} pages from handouts, {pages[1]} from the floor; "
          f"whole run {time.perf_counter() - started:.0f} s; load average {os.getloadavg()[0]:.2f} at the end)\n")
    print(f"Machine: {header}\n")
    print("| figure | measured | target | |\n| --- | --- | --- | --- |")
    for name, value, target, met in rows:
        print(f"| {name} | {value} | {target} | {'met' if met else '**missed**'} |")


if __name__ == "__main__":
    main()
