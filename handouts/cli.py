"""The `handouts` command: a thin Typer layer over the library.

Each command parses its options, calls one library function and turns a
`HandoutsError` into one line per problem on stderr and a documented exit code.
Heavy modules are imported inside the commands so that `--help` stays fast.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Optional, TypeVar

import typer

from .errors import ExitCode, HandoutsError
from .model import Audience, PageSize

app = typer.Typer(
    help="Printable, referenced patient handouts on eczema and the gut-skin axis.",
    no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain help: importing rich for --help costs 60 ms
)

T = TypeVar("T")

ContentOption = Annotated[list[Path], typer.Option(
    "--content", help="A folder of your own topics, laid over the shipped ones (repeatable).",
    file_okay=False)]
TemplatesOption = Annotated[list[Path], typer.Option(
    "--templates", help="A folder of your own templates or theme.yaml, laid over the shipped ones.",
    file_okay=False)]


def _fail(error: HandoutsError) -> typer.Exit:
    for diagnostic in error.diagnostics:
        typer.echo(str(diagnostic), err=True)
    return typer.Exit(int(error.exit_code))


def _run(action: Callable[[], T]) -> T:
    try:
        return action()
    except HandoutsError as error:
        raise _fail(error) from None
    except KeyboardInterrupt as interrupt:
        from .transaction import LateInterrupt  # noqa: PLC0415

        global _interrupt_reported
        _interrupt_reported = True
        if isinstance(interrupt, LateInterrupt):
            typer.echo("interrupted just after the build had finished: every file was written", err=True)
        else:
            typer.echo("interrupted: no file was changed", err=True)
        raise typer.Exit(130) from None


_interrupt_reported = False


def _notice(message: str) -> None:
    typer.echo(message, err=True)


def _library(content: list[Path], templates: list[Path], topics: Optional[list[str]] = None):
    from .library import load_library  # noqa: PLC0415

    return _run(lambda: load_library(content, templates, topics=topics or None))


ClinicOption = Annotated[Optional[Path], typer.Option(
    "--clinic", help="Clinic profile (TOML); default: handouts.toml in this folder, if there is one.",
    dir_okay=False)]


def _clinic(path: Optional[Path]):
    from .clinic import find_profile, read_clinic  # noqa: PLC0415

    profile = find_profile(path)
    return _run(lambda: read_clinic(profile)) if profile else None


@app.command()
def build(
    topic: Annotated[Optional[list[str]], typer.Option("--topic", "-t", help="Topic id (repeatable); default: all.")] = None,
    audience: Annotated[Optional[list[Audience]], typer.Option("--audience", "-a", help="Audience (repeatable); default: all the topic serves.")] = None,
    lang: Annotated[Optional[list[str]], typer.Option("--lang", "-l", help="Language code (repeatable); default: the clinic's, else en.")] = None,
    page_size: Annotated[Optional[PageSize], typer.Option("--page-size", help="Paper size; default: the clinic's, else a4.")] = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder.", file_okay=False)] = Path("output"),
    packet: Annotated[Optional[str], typer.Option("--packet", help="Put the chosen topics into one PDF packet with this name, or build a preset packet from packets.yaml.")] = None,
    clinic: ClinicOption = None,
    large_print: Annotated[bool, typer.Option("--large-print", help="18 pt body text; files end in -large-print.pdf.")] = False,
    duplex: Annotated[bool, typer.Option("--duplex", help="Pad packets to an even page count for two-sided printing.")] = False,
    html: Annotated[bool, typer.Option("--html", help="Also write an accessible web page (.html) beside each PDF, for screen readers and the online copy.")] = False,
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=1, help="Worker processes; default: one per CPU core.")] = os.cpu_count() or 1,
    content: ContentOption = [],  # noqa: B006 - Typer needs a literal default
    templates: TemplatesOption = [],  # noqa: B006
) -> None:
    """Build handouts as PDF files into OUT/<lang>/<audience>/<topic>.pdf.

    With no options, builds every topic for every audience in English, plus the
    preset packets. With --html, each PDF gets an accessible web page beside it.
    Every build writes OUT/manifest.json.

    Example: handouts build --topic probiotics --audience parents --page-size letter --out handouts-today
    """
    from .build import BuildRequest, build as run_build  # noqa: PLC0415

    profile = _clinic(clinic)
    library = _library(content, templates, topics=topic)  # other topics' text is `check`'s job
    request = BuildRequest(
        topics=tuple(topic or ()), audiences=tuple(audience or ()),
        languages=tuple(lang or (profile.default_language if profile else "en",)),
        page_size=page_size or (profile.default_page_size if profile else PageSize.A4),
        packet=packet, include_preset_packets=not (topic or packet),
        large_print=large_print, duplex=duplex, html=html,
    )
    built = _run(lambda: _with_progress(
        lambda progress: run_build(library, request, out, clinic=profile, progress=progress, workers=jobs,
                                   notice=_notice)))
    for item in built:
        typer.echo(f"wrote {item.path} ({item.size // 1024} KB)")
    pdfs = sum(item.path.suffix == ".pdf" for item in built)
    pages = len(built) - pdfs
    web = f" and {pages} web page{'s' if pages != 1 else ''}" if pages else ""
    typer.echo(f"{pdfs} PDF{'s' if pdfs != 1 else ''}{web} in {out}")


def _with_progress(action):
    """A progress bar on a terminal; nothing (and no import of rich) otherwise."""
    if not sys.stderr.isatty():
        return action(None)
    from rich.progress import Progress  # noqa: PLC0415

    with Progress(transient=True) as progress:
        task = progress.add_task("Rendering", total=None)
        return action(lambda job: progress.advance(task))


@app.command()
def init(
    path: Annotated[Path, typer.Argument(help="Where to write the profile.", dir_okay=False)] = Path("handouts.toml"),
) -> None:
    """Write a commented example clinic profile to edit.

    Example: handouts init my-clinic.toml
    """
    from .clinic import EXAMPLE  # noqa: PLC0415

    if path.exists():
        typer.echo(f"{path}: error: the file already exists; choose another name or remove it", err=True)
        raise typer.Exit(int(ExitCode.USAGE))
    try:
        path.write_text(EXAMPLE, encoding="utf-8")
    except OSError as error:
        typer.echo(f"{path}: error: cannot write here ({error.strerror})", err=True)
        raise typer.Exit(int(ExitCode.WRITE)) from None
    typer.echo(f"wrote {path}; edit it, then run: handouts build --clinic {path}")


@app.command("catalogue")
def catalogue(
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder.", file_okay=False)] = Path("output"),
    lang: Annotated[Optional[str], typer.Option("--lang", "-l", help="Language of the catalogue's own words.")] = None,
    page_size: Annotated[Optional[PageSize], typer.Option("--page-size", help="Paper size.")] = None,
    clinic: ClinicOption = None,
    content: ContentOption = [],  # noqa: B006
    templates: TemplatesOption = [],  # noqa: B006
) -> None:
    """Write OUT/catalogue.pdf: every handout with its audience, language, id, version and review date.

    Example: handouts catalogue --clinic handouts.toml
    """
    from .build import write_catalogue  # noqa: PLC0415

    profile = _clinic(clinic)
    library = _library(content, templates)
    language = lang or (profile.default_language if profile else "en")
    size = page_size or (profile.default_page_size if profile else PageSize.A4)
    path = _run(lambda: write_catalogue(library, out, language, profile, size, notice=_notice))
    typer.echo(f"wrote {path}")


app.command("catalog", help="Same as catalogue.", hidden=True)(catalogue)


@app.command()
def log(
    topic: Annotated[Optional[str], typer.Argument(help="The topic (or packet) handed out.")] = None,
    audience: Annotated[Optional[Audience], typer.Option("--audience", "-a", help="Who it was for.")] = None,
    lang: Annotated[str, typer.Option("--lang", "-l", help="Language handed out.")] = "en",
    count: Annotated[int, typer.Option("--count", "-n", help="How many copies.")] = 1,
    on: Annotated[Optional[str], typer.Option("--date", help="The day, YYYY-MM-DD; default: today.")] = None,
    report: Annotated[bool, typer.Option("--report", help="Print totals instead of recording.")] = False,
    month: Annotated[Optional[str], typer.Option("--month", help="With --report: only this month, YYYY-MM.")] = None,
    csv_file: Annotated[Optional[Path], typer.Option("--csv", help="With --report: also write the totals to this CSV file.", dir_okay=False)] = None,
    db: Annotated[Optional[Path], typer.Option("--db", help="The log file; default: the clinic profile's 'log', else handouts-log.sqlite.", dir_okay=False)] = None,
    clinic: ClinicOption = None,
    content: ContentOption = [],  # noqa: B006
) -> None:
    """Record handouts given out (no personal data), or report totals.

    Example: handouts log probiotics --audience parents --count 3
    Example: handouts log --report --month 2026-03 --csv march.csv
    """
    import datetime as dt  # noqa: PLC0415

    from . import distribution  # noqa: PLC0415

    profile = _clinic(clinic)
    path = db or Path(profile.log_path if profile and profile.log_path else distribution.DEFAULT_LOG)
    if report:
        rows = _run(lambda: distribution.totals(path, month))
        _print_totals(rows, month)
        if csv_file:
            from .writer import write_atomic  # noqa: PLC0415

            _run(lambda: write_atomic(csv_file, distribution.as_csv(rows).encode("utf-8")))
            typer.echo(f"wrote {csv_file}")
        return
    if topic is None or audience is None:
        typer.echo("error: say what was handed out: handouts log TOPIC --audience AUDIENCE "
                   "(or use --report)", err=True)
        raise typer.Exit(int(ExitCode.USAGE))
    library = _library(content, [])
    version = _run(lambda: _version_given_out(library, topic, audience, lang))
    try:
        day = dt.date.fromisoformat(on) if on else dt.date.today()
    except ValueError:
        typer.echo(f"error: --date '{on}' should look like 2026-03-31", err=True)
        raise typer.Exit(int(ExitCode.USAGE)) from None
    _run(lambda: distribution.record(path, day, topic, version, lang, audience.value, count))
    typer.echo(f"recorded {count} x {topic} (version {version}, {lang}, {audience.value}) on {day} in {path}")


def _version_given_out(library, topic: str, audience: Audience, lang: str) -> str:
    from .errors import Diagnostic, UsageError  # noqa: PLC0415

    found = library.topics.get((topic, lang))
    if found is not None and audience in found.meta.audiences:
        return found.meta.version
    if topic in library.packets:
        return "packet"
    raise UsageError(Diagnostic(None, "log.topic",
                                f"there is no {lang} handout '{topic}' for {audience.value}; "
                                "run 'handouts list' to see what exists"))


def _print_totals(rows, month) -> None:
    from rich.console import Console  # noqa: PLC0415
    from rich.table import Table  # noqa: PLC0415

    from rich.markup import escape  # noqa: PLC0415

    table = Table("topic", "version", "language", "audience", "count",
                  title=escape(f"Handed out{' in ' + month if month else ''}"))
    for row in rows:  # text from the log prints as typed, never as Rich markup
        table.add_row(*(escape(str(v)) for v in (row.topic, row.version, row.language, row.audience)),
                      str(row.count))
    table.add_row("total", "", "", "", str(sum(r.count for r in rows)), style="bold")
    Console(width=120).print(table)


@app.command("list")
def list_topics(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
    content: ContentOption = [],  # noqa: B006
    templates: TemplatesOption = [],  # noqa: B006
) -> None:
    """List topics with their titles, audiences, languages and review dates.

    Example: handouts list --json
    """
    library = _library(content, templates)
    rows = []
    for topic_id in library.topic_ids():
        variants = [t for (i, _), t in sorted(library.topics.items()) if i == topic_id]
        meta = variants[0].meta
        rows.append({
            "id": topic_id, "title": meta.title, "kind": meta.kind,
            "audiences": [a.value for a in meta.audiences],
            "languages": [t.meta.language for t in variants],
            "version": meta.version,
            "last_reviewed": meta.last_reviewed.isoformat(),
            "next_review_due": meta.next_review_due.isoformat(),
        })
    if as_json:
        typer.echo(json.dumps({"topics": rows, "packets": sorted(library.packets)}, indent=2))
        return
    from rich.console import Console  # noqa: PLC0415
    from rich.table import Table  # noqa: PLC0415

    from rich.markup import escape  # noqa: PLC0415

    table = Table("id", "title", "audiences", "languages", "reviewed", "review due")
    for row in rows:  # a title prints as typed, never as Rich markup
        table.add_row(*(escape(value) for value in (
            row["id"], row["title"], ", ".join(row["audiences"]), ", ".join(row["languages"]),
            row["last_reviewed"], row["next_review_due"])))
    Console(width=160).print(table)
    if library.packets:
        typer.echo("packets: " + ", ".join(sorted(library.packets)))


@app.command()
def check(
    as_json: Annotated[bool, typer.Option("--json", help="Print the full report as JSON.")] = False,
    content: ContentOption = [],  # noqa: B006
    templates: TemplatesOption = [],  # noqa: B006
    clinic: ClinicOption = None,
) -> None:
    """Check all content and templates: every problem as path:line, plus reading levels.

    Page limits are measured with the clinic's logo, QR code and contact details
    (without a profile, with a full example one), so that they hold once branded.
    Exits with 1 if anything fails.

    Example: handouts check --content my-clinic-topics
    """
    from .quality import check_library  # noqa: PLC0415

    library = _library(content, templates)
    profile = _clinic(clinic)
    report = _run(lambda: check_library(library, clinic=profile))
    if as_json:
        typer.echo(json.dumps(report.as_json(), indent=2, default=str))
    else:
        _print_report(report)
    for diagnostic in report.diagnostics:
        typer.echo(str(diagnostic), err=True)
    if report.failed:
        raise typer.Exit(int(ExitCode.CONTENT))


def _print_report(report) -> None:
    from rich.console import Console  # noqa: PLC0415
    from rich.table import Table  # noqa: PLC0415

    from rich.markup import escape  # noqa: PLC0415

    colours = {"pass": "green", "aim": "yellow", "fail": "red"}
    table = Table("topic", "audience", "lang", "words", "grade", "SMOG", "ease", "PEMAT U/A",
                  "pages A4/Letter", "review", "status", "notes", title="handouts check")
    for v in report.variants:
        r = v.readability
        ease = {"fr": r.kandel_moles, "es": r.fernandez_huerta}.get(v.language, r.reading_ease)
        pemat = "/".join(f"{v.pemat_scores[k]}%" if v.pemat_scores.get(k) is not None else "-"
                         for k in ("understandability", "actionability")) if v.pemat_scores else "-"
        table.add_row(v.topic, v.audience, v.language, str(v.words),
                      str(r.flesch_kincaid) if v.language == "en" else "-",
                      str(r.smog) if v.language == "en" else "-", str(ease), pemat,
                      "/".join(str(v.pages.get(size, "-")) for size in ("a4", "letter")),
                      escape(str(v.review.get("status", "-"))), f"[{colours[v.status]}]{v.status}[/]",
                      escape("; ".join(v.notes)))
    Console(width=200).print(table)


def _terminate(signum, frame):  # SIGTERM and SIGHUP clean up like Ctrl-C, then exit 130
    raise KeyboardInterrupt


def main() -> None:
    import signal  # noqa: PLC0415

    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name) and signal.getsignal(getattr(signal, name)) == signal.SIG_DFL:
            signal.signal(getattr(signal, name), _terminate)
    if hasattr(signal, "SIGXFSZ"):  # a file-size limit: an error to report (EFBIG), not a silent death
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    try:
        app()
    except KeyboardInterrupt:
        typer.echo("interrupted: no file was changed", err=True)
        sys.exit(130)
    except SystemExit as done:  # Typer turns Ctrl-C outside `_run` into a silent exit 130
        if done.code == 130 and not _interrupt_reported:
            typer.echo("interrupted: no file was changed", err=True)
        raise
    except Exception as error:  # a bug of ours: one line, unless asked for details
        if os.environ.get("HANDOUTS_DEBUG"):
            raise
        typer.echo(f"handouts: internal error ({type(error).__name__}: {error}); "
                   "run again with HANDOUTS_DEBUG=1 for details and report it", err=True)
        sys.exit(70)
    finally:  # the work is done: a signal now must not kill Python while it tidies up (exit -2)
        for name in ("SIGINT", "SIGTERM", "SIGHUP"):
            if hasattr(signal, name):
                signal.signal(getattr(signal, name), signal.SIG_IGN)
