"""Plan and run a build: which PDFs to make, all rendered before any is put in place."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from . import inputs
from .compose import compose
from .errors import Collector, Diagnostic, RenderError, SourceSpan, UsageError
from .library import TOPIC_ID
from .manifest import MANIFEST, manifest_data
from .manifest import entry as manifest_entry
from .model import Audience, Clinic, Document, Job, Library, PageSize, RenderOptions, Table
from .rendered import SUFFIXES, renderer
from .transaction import Transaction
from .tree import walk
from .typography import typeset_text

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
    if request.packet is not None and not TOPIC_ID.fullmatch(request.packet):
        raise _usage(f"packet name {request.packet!r} may use only a-z, 0-9 and '-', starting with a letter or digit")
    if request.packet is not None and not request.topics and request.packet not in library.packets:
        raise _usage(f"unknown packet '{request.packet}'; choose from: "
                     f"{', '.join(sorted(library.packets)) or 'none'}, or add --topic to make your own")


def plan(library: Library, request: BuildRequest) -> list[Job]:
    """Turn a request into jobs, rejecting names that do not exist."""
    _check_names(library, request)
    jobs: list[Job] = []
    for language in request.languages:
        if request.packet is not None:
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
        topics, title = preset.topics, preset.title_in(language)
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


def output_path(transaction: Transaction, job: Job) -> Path:
    folder = (job.language, job.audience.value, *(("packets",) if job.packet else ()))
    return transaction.final_path(*folder, job.file_name)


PRINTED_FIELDS = ("title", "main_message", "version", "evidence_checked_by")


def check_glyphs(library: Library, jobs: Sequence[Job], clinic: Clinic | None) -> None:
    """Text from the profile and the front matter that the font cannot draw, blamed on its own line.

    Drawn in headers, footers and boxes, such text would otherwise be reported
    against the template that places it.
    """
    from .clinic import glyph_problems  # noqa: PLC0415
    from .render.theme import build_theme  # noqa: PLC0415

    try:
        missing_glyphs = build_theme(library.theme).missing_glyphs
    except Exception:
        return
    collector = Collector()
    collector.extend(glyph_problems(clinic, missing_glyphs))
    for key in {(topic, job.language) for job in jobs for topic in job.topics}:
        meta = library.topics[key].meta
        for name in PRINTED_FIELDS:
            missing = missing_glyphs(str(getattr(meta, name, "") or ""))
            if missing:
                shown = ", ".join(f"'{c}' (U+{ord(c):04X})" for c in sorted(missing))
                collector.error(meta.field_span(name), "font.missing-glyph",
                                f"the font cannot draw {shown} in '{name}'; replace it with a plain character")
    collector.raise_if_errors()


def _with_status(document: Document, status_line: str) -> Document:
    if not status_line:
        return document
    info = dataclasses.replace(document.info, status_line=typeset_text(status_line, document.info.language))
    return dataclasses.replace(document, info=info)


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
Sink = Callable[[int, Outputs], None]  # called with each job's outputs as soon as they exist


@dataclass(frozen=True)
class _Shared:
    """What every job needs; a forked worker receives it as it starts, never through a global."""

    library: Library
    jobs: tuple[Job, ...]
    clinic: Clinic | None
    formats: tuple[str, ...]
    status_lines: tuple[str, ...] = ()


def make_all(library: Library, jobs: Sequence[Job], clinic: Clinic | None = None, workers: int = 1,
             progress: Callable[[int], None] | None = None, formats: tuple[str, ...] = ("pdf",),
             status_lines: Sequence[str] = (), sink: Sink | None = None) -> list[Outputs] | None:
    """Compose and render every job; in worker processes when there is enough work to share.

    Every composition problem is collected before failing once, as in `compose_all`.
    With `sink`, each job's outputs go to it as soon as they are rendered and are
    not kept (memory stays flat); without, they are returned in job order.
    """
    results: list[Outputs | None] = [None] * len(jobs) if sink is None else []

    def deliver(index: int, outputs: Outputs) -> None:
        if sink is None:
            results[index] = outputs
        else:
            sink(index, outputs)
        if progress:
            progress(index)

    shared = _Shared(library, tuple(jobs), clinic, formats, tuple(status_lines))
    workers = max(1, min(workers, len(jobs)))
    if workers == 1 or len(jobs) < 4:
        for index, document in enumerate(compose_all(library, jobs, clinic, status_lines)):
            deliver(index, _outputs(document, shared, jobs[index]))
    else:
        _make_in_workers(shared, workers, deliver)
    return None if sink else results  # type: ignore[return-value]


def _warm_up(library: Library, formats: tuple[str, ...]) -> None:
    """Import the renderers and register the fonts once, before forking, so that every
    worker inherits them instead of paying for them again."""
    for name in formats:
        renderer(name)
    if "pdf" in formats:
        from .render.theme import build_theme  # noqa: PLC0415

        build_theme(library.theme)


def _make_in_workers(shared: _Shared, workers: int, deliver: Callable[[int, Outputs], None]) -> None:
    """Forked workers render; this process receives each result and hands it on at once.

    A small pool of our own, without threads: each worker has one pipe, asks
    for nothing, and is given one job index at a time. Workers ignore Ctrl-C
    (the terminal sends it to the whole group): this process stops, kills the
    workers and reaps them, so an interrupt never prints worker tracebacks and
    never waits for a worker. A worker that dies is reported, not waited for.
    """
    import multiprocessing  # noqa: PLC0415
    from multiprocessing.connection import Connection, wait  # noqa: PLC0415

    _warm_up(shared.library, shared.formats)
    context = multiprocessing.get_context("fork")
    collector = Collector()
    pending = iter(range(len(shared.jobs)))
    processes = []
    busy: dict[Connection, int] = {}  # connection -> job index
    ends: list[Connection] = []  # every pipe end of ours
    try:
        for _ in range(workers):
            ours, theirs = context.Pipe()
            ends.append(ours)
            # a worker closes its copies of our ends, so that it sees the end of its pipe if we die
            process = context.Process(target=_worker, args=(theirs, tuple(ends), shared), daemon=True)
            process.start()
            theirs.close()
            processes.append(process)
            _give(ours, pending, busy)
        while busy:
            for connection in wait(list(busy)):
                assert isinstance(connection, Connection)
                index = busy.pop(connection)
                try:
                    kind, payload = connection.recv()
                except (EOFError, OSError):
                    raise RenderError(Diagnostic(None, "render.worker",
                                                 f"a worker process died while making {shared.jobs[index].file_name}; "
                                                 "build again, or with --jobs 1")) from None
                if kind == "error":
                    raise payload
                outputs, problems = payload
                collector.extend(problems)
                if outputs is not None and not collector.errors:
                    deliver(index, outputs)
                _give(connection, pending, busy)
    except BaseException:
        for process in processes:
            process.kill()
        raise
    finally:
        for connection in busy:
            connection.close()
        for process in processes:
            process.join()
    collector.raise_if_errors()


def _give(connection, pending, busy) -> None:
    index = next(pending, None)
    connection.send(index)
    if index is None:
        connection.close()
    else:
        busy[connection] = index


def _worker(connection, inherited, shared: _Shared) -> None:
    """A worker's life: take an index, send back its outputs (or the error), until told to stop."""
    import signal  # noqa: PLC0415

    for end in inherited:
        end.close()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    while True:
        try:
            index = connection.recv()
        except (EOFError, OSError):  # the main process has gone
            return
        if index is None:
            return
        message: tuple[str, object]
        try:
            message = ("ok", _make_one(shared, index))
        except BaseException as error:
            message = ("error", error)
        try:
            connection.send(message)
        except (OSError, ValueError):
            return
        except Exception as error:
            connection.send(("error", RuntimeError(f"{type(error).__name__}: {error}")))


def _outputs(document: Document, shared: _Shared, job: Job) -> Outputs:
    options = job.render_options(shared.clinic.accent if shared.clinic else None)
    outputs: Outputs = {}
    for name in shared.formats:
        try:
            rendered = renderer(name)(document, shared.library.theme, options)
        except ValueError as error:  # ReportLab: a table whose columns cannot fit ("negative availWidth")
            if "availWidth" not in str(error):
                raise
            tables = [block for block in walk(document.blocks) if isinstance(block, Table)]
            where = tables[0].span if len(tables) == 1 else next(
                (b.span for b in document.blocks if getattr(b, "span", None)), None)
            raise RenderError(Diagnostic(
                where if len(tables) == 1 else (SourceSpan(where.path) if where else None), "render.too-wide",
                "a table is wider than the page can hold (too many columns, or a very long word in a cell); "
                "use fewer columns or shorter words")) from None
        if rendered.facts and rendered.facts.pages > inputs.MAX_PAGES:
            where = next((b.span for b in document.blocks if getattr(b, "span", None)), None)
            raise RenderError(Diagnostic(
                SourceSpan(where.path) if where else None, "render.too-many-pages",
                f"'{document.info.title}' would be {rendered.facts.pages} pages, over the limit of "
                f"{inputs.MAX_PAGES} for one handout; shorten it or split it into topics"))
        outputs[SUFFIXES[name]] = rendered.data
    return outputs


def _make_one(shared: _Shared, index: int) -> tuple[Outputs | None, list]:
    """In a worker: compose and render one job; composition problems come back as data."""
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
          workers: int = 1, warn: Callable[[Diagnostic], None] | None = None,
          notice: Callable[[str], None] | None = None) -> list[BuiltFile]:
    """Render every handout into temporaries, then put them all in place at once.

    Before anything is drawn, review dates and (with a profile that requires it)
    approvals are checked for every job: an overdue or unapproved handout stops
    the whole build, naming each one. Warnings (reviews due soon) go to `warn`.
    A build is a `Transaction`: if anything fails (a content error, a full disk,
    Ctrl-C) before the last step, no file in `out_dir` has changed. A file whose
    bytes are already there is left as it is.
    """
    from . import review  # noqa: PLC0415
    from .governance import govern  # noqa: PLC0415

    out_dir = Path(out_dir)
    jobs = plan(library, request)
    check_glyphs(library, jobs, clinic)
    governed = govern(library, jobs, clinic, request.today or review.today(), request.allow_overdue)
    for warning in governed.warnings:
        if warn:
            warn(warning)
    built: list[BuiltFile] = []
    entries: list[dict] = []
    with Transaction(out_dir, notice) as transaction:
        paths = [output_path(transaction, job) for job in jobs]

        def sink(index: int, outputs: Outputs) -> None:
            for suffix, data in outputs.items():
                target = paths[index].with_suffix(suffix)
                reused = _same_bytes(target, data)
                if not reused:
                    transaction.stage(target, data)
                built.append(BuiltFile(target, jobs[index], len(data), reused))
                entries.append(manifest_entry(library, jobs[index], target, transaction.root, data, clinic,
                                              governed.content_hashes.get(jobs[index], {})))

        make_all(library, jobs, clinic, workers, (lambda index: progress(jobs[index])) if progress else None,
                 formats=request.formats, status_lines=governed.status_lines, sink=sink)
        transaction.stage(transaction.final_path(MANIFEST), manifest_data(transaction.root, entries))
        transaction.commit()
    order = {path: index for index, path in enumerate(paths)}
    return sorted(built, key=lambda item: (order[item.path.with_suffix(".pdf")], item.path.suffix != ".pdf"))


def write_catalogue(library: Library, out_dir: Path | str, language: str,
                    clinic: Clinic | None = None, page_size: PageSize = PageSize.A4,
                    notice: Callable[[str], None] | None = None) -> Path:
    from .compose import compose_catalogue  # noqa: PLC0415

    if language not in library.strings:
        raise _usage(f"no strings for language '{language}'; available: {', '.join(sorted(library.strings))}")
    check_glyphs(library, [], clinic)
    options = RenderOptions(page_size, accent=clinic.accent if clinic else None)
    data = renderer("pdf")(compose_catalogue(library, language, clinic), library.theme, options).data
    with Transaction(Path(out_dir), notice) as transaction:
        path = transaction.final_path("catalogue.pdf")
        transaction.stage(path, data)
        transaction.stage(transaction.final_path(MANIFEST), manifest_data(transaction.root, [], extra=[{
            "file": "catalogue.pdf", "kind": "catalogue", "id": "catalogue", "language": language,
            "options": {"page_size": page_size.value, "clinic": clinic.name if clinic else None},
            "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}]))
        transaction.commit()
    return path
