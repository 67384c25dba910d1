"""What tagging (PDF/UA-1) costs: render time and file size, tagged against untagged.

    .venv/bin/python benchmarks/tagging.py        # about half a minute

Renders every handout of the default build (topics, tools and packets, A4) in
this process, first as the renderer does (tagged), then with the tagging
switched off for the measurement only: no marked content, no artifacts, no
structure tree, metadata or cleaned font maps (the structure is still recorded
while flowables are made, which costs microseconds).
Each set is rendered `ROUNDS` times, alternating, and the quickest round of each
is compared, in CPU time of this process (the least disturbed by other work on
a shared machine).
Prints the added render time and file size, with the targets (at most 15 % and
20 %).
"""

from __future__ import annotations

import contextlib
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from reportlab.pdfbase.ttfonts import TTFont

import handouts.render as render_package
from handouts.build import BuildRequest, compose_all, plan
from handouts.library import load_library
from handouts.render import blocks, render, tagging

ROUNDS = 7
TIME_TARGET, SIZE_TARGET = 0.15, 0.20


@contextlib.contextmanager
def untagged():
    """The renderer as it was before tagging: ReportLab's own output."""
    saved = (tagging.recorder_of, blocks.recorder_of, tagging.artifact, render_package.artifact,
             render_package.write_structure, tagging.UnicodeTTFont.addObjects)

    @contextlib.contextmanager
    def nothing(*_args, **_kwargs):
        yield

    tagging.recorder_of = blocks.recorder_of = lambda canvas: None
    tagging.artifact = render_package.artifact = nothing
    render_package.write_structure = lambda canvas, tags, info: None
    tagging.UnicodeTTFont.addObjects = TTFont.addObjects
    try:
        yield
    finally:
        (tagging.recorder_of, blocks.recorder_of, tagging.artifact, render_package.artifact,
         render_package.write_structure, tagging.UnicodeTTFont.addObjects) = saved


def render_all(library, jobs, documents) -> tuple[float, int]:
    start = time.process_time()  # CPU time of this process: other work on the machine counts less
    size = sum(len(render(document, library.theme, job.render_options()).data)
               for job, document in zip(jobs, documents))
    return time.process_time() - start, size


def main() -> None:
    library = load_library()
    jobs = plan(library, BuildRequest(languages=tuple(library.languages()), include_preset_packets=True))
    documents = compose_all(library, jobs)
    render_all(library, jobs, documents)  # warm up: fonts, imports
    tagged_times, plain_times = [], []
    tagged_size = plain_size = 0
    for _ in range(ROUNDS):
        seconds, tagged_size = render_all(library, jobs, documents)
        tagged_times.append(seconds)
        with untagged():
            seconds, plain_size = render_all(library, jobs, documents)
        plain_times.append(seconds)
    tagged, plain = min(tagged_times), min(plain_times)
    time_cost, size_cost = tagged / plain - 1, tagged_size / plain_size - 1
    print(f"{len(jobs)} PDFs, CPU time, quickest of {ROUNDS} rounds each")
    print(f"render time: untagged {plain:.2f} s, tagged {tagged:.2f} s: {time_cost:+.1%} "
          f"(target at most +{TIME_TARGET:.0%}) {'ok' if time_cost <= TIME_TARGET else 'OVER'}")
    print(f"file size:   untagged {plain_size / 1024:.0f} KB, tagged {tagged_size / 1024:.0f} KB: {size_cost:+.1%} "
          f"(target at most +{SIZE_TARGET:.0%}) {'ok' if size_cost <= SIZE_TARGET else 'OVER'}")


if __name__ == "__main__":
    main()
