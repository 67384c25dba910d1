"""The online copies as a static folder that works on any ordinary web host.

    DIR/index.html                                   the languages
    DIR/<lang>/index.html                            every handout in that language, by reader
    DIR/<lang>/<audience>/<topic>/index.html         the web edition, linking to:
    DIR/<lang>/<audience>/<topic>/<topic>.pdf        the PDF, and
    DIR/<lang>/<audience>/<topic>/<topic>-large-print.pdf
    DIR/<lang>/<audience>/packets/<name>/...         the same for each preset packet

A QR code's `<base_url>/<lang>/<audience>/<topic>` is a folder here, so any host that
serves a folder's index.html (they all do, and redirect the address without its
final slash) answers it without rewrite rules. Links are relative, so the folder
works at a host's root or under a sub-path. Like `build`, it composes and draws
everything before writing the first file; review dates and approvals are enforced
as for `build`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..choices import PageSize
from ..errors import Diagnostic, UsageError
from ..model import Clinic, Job, Library
from ..writer import inside, write_atomic
from .pages import Link, index_sections, language_name, online_page, render, words


@dataclass(frozen=True)
class SiteFile:
    path: Path
    size: int


def site_jobs(library: Library, languages: Sequence[str], page_size: PageSize) -> list[Job]:
    """Every topic for every reader it serves, and every preset packet, in each language."""
    jobs = []
    for language in languages:
        for topic in library.topic_ids():
            source = library.topics.get((topic, language))
            for audience in source.meta.audiences if source else ():
                jobs.append(Job((topic,), audience, language, page_size))
        for name, preset in sorted(library.packets.items()):
            if not all((t, language) in library.topics for t in preset.topics):
                continue
            for audience in preset.audiences:
                served = tuple(t for t in preset.topics if audience in library.topics[(t, language)].meta.audiences)
                if served:
                    jobs.append(Job(served, audience, language, page_size, packet=name, packet_title=preset.title_in(language)))
    return jobs


def copy_links(library: Library, job: Job, up: str) -> tuple[list[Link], list[Link]]:
    """The links on an online copy: its PDFs (beside it) and its other languages (`up` leads to the
    folder above the language folders)."""
    said = words(library, job.language)
    name = job.name
    copies = [Link(said["pdf"], f"{name}.pdf"), Link(said["large_print_pdf"], f"{name}-large-print.pdf"),
              Link(said["all_handouts"], f"{up}{job.language}/")]
    others = []
    where = f"packets/{job.packet}" if job.packet else job.topics[0]
    for language in library.languages():
        if language != job.language and all((t, language) in library.topics for t in job.topics):
            others.append(Link(language_name(library, language),
                               f"{up}{language}/{job.audience.value}/{where}/", language))
    return copies, others


def build_site(library: Library, out_dir: Path | str, clinic: Clinic | None = None,
               languages: Sequence[str] = (), workers: int = 1, today: dt.date | None = None) -> list[SiteFile]:
    from .. import review  # noqa: PLC0415
    from ..build import make_all  # noqa: PLC0415
    from ..governance import govern  # noqa: PLC0415

    out_dir = Path(out_dir)
    known = library.languages()
    for language in languages:
        if language not in known:
            raise UsageError(Diagnostic(None, "usage", f"no content in language '{language}'; "
                                        f"available: {', '.join(known)}"))
    languages = list(languages) or known
    page_size = clinic.default_page_size if clinic else PageSize.A4
    jobs = site_jobs(library, languages, page_size)
    large = [Job(j.topics, j.audience, j.language, j.page_size, packet=j.packet, packet_title=j.packet_title,
                 large_print=True) for j in jobs]
    governed = govern(library, jobs, clinic, today or review.today())
    regular = make_all(library, jobs, clinic, workers, formats=("pdf", "html"), status_lines=governed.status_lines)
    big = make_all(library, large, clinic, workers, formats=("pdf",), status_lines=governed.status_lines)
    assert regular is not None and big is not None  # without a sink, make_all returns what it made

    files: dict[tuple[str, ...], bytes] = {}
    for job, made, made_large in zip(jobs, regular, big):
        folder = (job.language, job.audience.value, *(("packets",) if job.packet else ()), job.name)
        up = "../" * len(folder)
        copies, others = copy_links(library, job, up)
        files[(*folder, "index.html")] = online_page(made[".html"], copies, others, library, job.language)
        files[(*folder, f"{job.name}.pdf")] = made[".pdf"]
        files[(*folder, f"{job.name}-large-print.pdf")] = made_large[".pdf"]
    language_links = [Link(language_name(library, lang), f"{lang}/", lang) for lang in languages]
    publisher = clinic.name if clinic else ""
    for language in languages:
        said = words(library, language)
        files[(language, "index.html")] = render(
            "index.html", language=language, title=said["index_title"], words=said, publisher=publisher,
            sections=index_sections(library, language),
            languages=[Link(x.label, f"../{x.href}", x.lang) for x in language_links]).encode("utf-8")
    first = languages[0]
    files[("index.html",)] = render("root.html", language=first, title=words(library, first)["index_title"],
                                    languages=language_links).encode("utf-8")

    written = []
    for parts, data in files.items():
        path = inside(out_dir, *parts)
        write_atomic(path, data)
        written.append(SiteFile(path, len(data)))
    return written

