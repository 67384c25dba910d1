"""Plan and run a build: which PDFs to make, composing them all before writing any."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .compose import compose
from .errors import Collector, Diagnostic, UsageError
from .library import TOPIC_ID
from .manifest import entry as manifest_entry
from .manifest import update_manifest
from .model import Audience, Clinic, Document, Job, Library, PageSize, RenderOptions
from .rendered import SUFFIXES, renderer
from .writer import inside, write_atomic

DEFAULT_LANGUAGE = "en"


@dataclass(frozen=True)
class BuildRequest:
    """What the user asked for; empty tuples mean "all"."""

    topics: tuple[str, ...] = ()
    audiences: tuple[Audience, ...] = ()
    languages: tuple[str, ...] = (DEFAULT_LANGUAGE,)
    page_size: PageSize = PageSize.A4
    packet: str | None = None
    include_preset_packets: bool = False
    large_print: bool = False
    duplex: bool = False
    html: bool = False  # also write an accessible web page beside each PDF
    allow_overdue: bool = False  # make handouts past their review date, marked as overdue
    today: dt.date | None = None  # the day review dates are judged against; default: today

    @property
    def formats(self) -> tuple[str, ...]:
        return ("pdf", "html") if self.html else ("pdf",)


@dataclass(frozen=True)
class BuiltFile:
    path: Path
    job: Job
    size: int
    reused: bool = False  # an identical file was already there, so it was left as it was


def _same_bytes(path: Path, data: bytes) -> bool:
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False


def _usage(message: str) -> UsageError:
    return UsageError(Diagnostic(None, "usage", message))


def _check_names(library: Library, request: BuildRequest) -> None:
    known_topics, known_languages = library.topic_ids(), library.languages()
    for topic_id in request.topics:
        if topic_id not in known_topics:
            raise _usage(f"unknown topic '{topic_id}'; choose from: {', '.join(known_topics)}")
    for language in request.languages:
        if language not in known_languages:
            raise _usage(f"no content in language '{language}'; available: {', '.join(known_languages)}")
    if request.packet and not TOPIC_ID.match(request.packet):
        raise _usage(f"packet name '{request.packet}' may use only a-z, 0-9 and '-'")
    if request.packet and not request.topics and request.packet not in library.packets:
        raise _usage(f"unknown packet '{request.packet}'; choose from: "
                     f"{', '.join(sorted(library.packets)) or 'none'}, or add --topic to make your own")


def plan(library: Library, request: BuildRequest) -> list[Job]:
    """Turn a request into jobs, rejecting names that do not exist."""
    _check_names(library, request)
    jobs: list[Job] = []
    for language in request.languages:
        if request.packet:
            jobs.extend(_packet_jobs(library, request, language, request.packet))
            continue
        jobs.extend(_topic_jobs(library, request, language))
        if request.include_preset_packets:
            for name in sorted(library.packets):
                if all((t, language) in library.topics for t in library.packets[name].topics):
                    jobs.extend(_packet_jobs(library, request, language, name))
    if not jobs:
        raise _usage("nothing to build for these options; run 'handouts list' to see what exists")
    return jobs


def _topic_jobs(library: Library, request: BuildRequest, language: str) -> list[Job]:
    jobs = []
    for topic_id in request.topics or library.topic_ids():
        topic = library.topics.get((topic_id, language))
        if topic is None:
            if request.topics:
                raise _usage(f"topic '{topic_id}' has no {language}.md; "
                             f"write content/{topic_id}/{language}.md or choose another --lang")
            continue
        for audience in request.audiences or topic.meta.audiences:
            if audience not in topic.meta.audiences:
                if request.topics and request.audiences:
                    raise _usage(f"topic '{topic_id}' has no {audience.value} version; it serves "
                                 f"{', '.join(a.value for a in topic.meta.audiences)}")
                continue
            jobs.append(Job((topic_id,), audience, language, request.page_size,
                            large_print=request.large_print))
    return jobs


def _packet_jobs(library: Library, request: BuildRequest, language: str, name: str) -> list[Job]:
    preset = library.packets.get(name)
    if request.topics or preset is None:
        topics, title = request.topics, name.replace("-", " ").capitalize()
        audiences = request.audiences or tuple(Audience)
    else:
        topics, title = preset.topics, preset.title
        audiences = tuple(a for a in preset.audiences if not request.audiences or a in request.audiences)
    jobs = []
    for audience in audiences:
        served = [t for t in topics if (t, language) in library.topics
                  and audience in library.topics[(t, language)].meta.audiences]
        if served:
            jobs.append(Job(tuple(served), audience, language, request.page_size, packet=name,
                            packet_title=title, large_print=request.large_print,
                            duplex=request.duplex))
    return jobs


def output_path(out_dir: Path, job: Job) -> Path:
    folder = (job.language, job.audience.value, *(("packets",) if job.packet else ()))
    return inside(out_dir, *folder, job.file_name)


def _with_status(document: Document, status_line: str) -> Document:
    if not status_line:
        return document
    return dataclasses.replace(document, info=dataclasses.replace(document.info, status_line=status_line))


def compose_all(library: Library, jobs: Sequence[Job], clinic: Clinic | None = None,
                status_lines: Sequence[str] = ()) -> list[Document]:
    """Compose every job, collecting every problem before failing once."""
    collector, documents = Collector(), []
    for index, job in enumerate(jobs):
        try:
            documents.append(_with_status(compose(library, job, clinic),
                                          status_lines[index] if status_lines else ""))
        except UsageError:
            raise
        except Exception as error:
            if not hasattr(error, "diagnostics"):
                raise
            collector.extend(error.diagnostics)
    collector.raise_if_errors()
    return documents


Outputs = dict[str, bytes]  # file suffix -> contents


def make_all(library: Library, jobs: Sequence[Job], clinic: Clinic | None = None, workers: int = 1,
             progress: Callable[[int], None] | None = None,
             formats: tuple[str, ...] = ("pdf",), status_lines: Sequence[str] = ()) -> list[Outputs]:
    """Compose and render every job; in worker processes when there is enough work to share.

    Every composition problem is collected before failing once, as in `compose_all`.
    """
    workers = max(1, min(workers, len(jobs)))
    shared = _Shared(library, tuple(jobs), clinic, formats, tuple(status_lines))
    if workers == 1 or len(jobs) < 4:
        made = []
        for index, document in enumerate(compose_all(library, jobs, clinic, status_lines)):
            made.append(_outputs(document, shared, jobs[index]))
            if progress:
                progress(index)
        return made
    import multiprocessing  # noqa: PLC0415
    from concurrent.futures import ProcessPoolExecutor, as_completed  # noqa: PLC0415

    _warm_up(library, formats)
    collector = Collector()
    results: list[Outputs | None] = [None] * len(jobs)
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"),
                             initializer=_start_worker, initargs=(shared,)) as pool:
        futures = {pool.submit(_make_one, index): index for index in range(len(jobs))}
        try:
            for future in as_completed(futures):
                index = futures[future]
                outputs, problems = future.result()
                results[index] = outputs
                collector.extend(problems)
                if progress:
                    progress(index)
        except BaseException:
            for future in futures:
                future.cancel()
            raise
    collector.raise_if_errors()
    return results  # type: ignore[return-value]


@dataclass(frozen=True)
class _Shared:
    """What every job needs; a forked worker receives it once, when it starts."""

    library: Library
    jobs: tuple[Job, ...]
    clinic: Clinic | None
    formats: tuple[str, ...]
    status_lines: tuple[str, ...] = ()


_WORKER: list[_Shared] = []  # set in each worker by _start_worker, never before forking


def _warm_up(library: Library, formats: tuple[str, ...]) -> None:
    """Import the renderers and register the fonts once, before forking, so that every
    worker inherits them instead of paying for them again."""
    for name in formats:
        renderer(name)
    if "pdf" in formats:
        from .render.theme import build_theme  # noqa: PLC0415

        build_theme(library.theme)


def _start_worker(shared: _Shared) -> None:
    _WORKER.append(shared)


def _outputs(document: Document, shared: _Shared, job: Job) -> Outputs:
    options = job.render_options(shared.clinic.accent if shared.clinic else None)
    return {SUFFIXES[name]: renderer(name)(document, shared.library.theme, options).data
            for name in shared.formats}


def _make_one(index: int) -> tuple[Outputs | None, list]:
    """In a worker: compose and render one job; composition problems come back as data."""
    shared = _WORKER[0]
    try:
        document = _with_status(compose(shared.library, shared.jobs[index], shared.clinic),
                                shared.status_lines[index] if shared.status_lines else "")
    except UsageError:
        raise
    except Exception as error:
        if not hasattr(error, "diagnostics"):
            raise
        return None, list(error.diagnostics)
    return _outputs(document, shared, shared.jobs[index]), []


def build(library: Library, request: BuildRequest, out_dir: Path | str = "output",
          clinic: Clinic | None = None, progress: Callable[[Job], None] | None = None,
          workers: int = 1, warn: Callable[[Diagnostic], None] | None = None) -> list[BuiltFile]:
    """Compose and render everything first; only then write the PDFs.

    Before anything is drawn, review dates and (with a profile that requires it)
    approvals are checked for every job: an overdue or unapproved handout stops
    the whole build, naming each one. Warnings (reviews due soon) go to `warn`.
    """
    from .governance import govern  # noqa: PLC0415

    out_dir = Path(out_dir)
    jobs = plan(library, request)
    from . import review  # noqa: PLC0415

    governed = govern(library, jobs, clinic, request.today or review.today(), request.allow_overdue)
    for warning in governed.warnings:
        if warn:
            warn(warning)
    paths = [output_path(out_dir, job) for job in jobs]
    made = make_all(library, jobs, clinic, workers,
                    (lambda index: progress(jobs[index])) if progress else None, formats=request.formats,
                    status_lines=governed.status_lines)
    built, entries = [], []
    for job, path, outputs in zip(jobs, paths, made):
        for suffix, data in outputs.items():
            target = path.with_suffix(suffix)
            reused = _same_bytes(target, data)
            if not reused:
                write_atomic(target, data)
            built.append(BuiltFile(target, job, len(data), reused))
            entries.append(manifest_entry(library, job, target, out_dir, data, clinic,
                                          governed.content_hashes.get(job, {})))
    update_manifest(out_dir, entries)
    return built


def write_catalogue(library: Library, out_dir: Path | str, language: str,
                    clinic: Clinic | None = None, page_size: PageSize = PageSize.A4) -> Path:
    from .compose import compose_catalogue  # noqa: PLC0415

    if language not in library.strings:
        raise _usage(f"no strings for language '{language}'; available: {', '.join(sorted(library.strings))}")
    out_dir = Path(out_dir)
    options = RenderOptions(page_size, accent=clinic.accent if clinic else None)
    data = renderer("pdf")(compose_catalogue(library, language, clinic), library.theme, options).data
    path = inside(out_dir, "catalogue.pdf")
    write_atomic(path, data)
    update_manifest(out_dir, [], extra=[{
        "file": "catalogue.pdf", "kind": "catalogue", "id": "catalogue", "language": language,
        "options": {"page_size": page_size.value, "clinic": clinic.name if clinic else None},
        "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}])
    return path
