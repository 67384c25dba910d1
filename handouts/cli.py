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
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional, TypeVar

import typer

from .choices import Audience, PageSize
from .errors import ExitCode, HandoutsError

if TYPE_CHECKING:
    from .model import TopicMeta

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


NO_PROFILE = ("note: no clinic profile, so these handouts carry no clinic name or contact and say "
              "'Sample: not approved for use by any clinic'; to add yours: handouts init, edit "
              "handouts.toml, then build in that folder or with --clinic handouts.toml")

ItemsArgument = Annotated[Optional[list[str]], typer.Argument(
    help="Topics, and optionally who they are for (parent, adult, clinician), e.g. probiotics parent.",
    show_default=False)]
AudienceOption = Annotated[Optional[list[str]], typer.Option(
    "--audience", "-a", metavar="parents|adults|clinicians",
    help="Who it is for (repeatable): parents, adults or clinicians; singular and any case work too.")]
PageSizeOption = Annotated[Optional[PageSize], typer.Option(
    "--page-size", case_sensitive=False, help="Paper size (a4 or letter, any case); default: the clinic's, else a4.")]


def parse_audience(name: str) -> Audience:
    """'parents', 'Parent', 'ADULT'... -> the Audience; a UsageError naming the choices otherwise."""
    from .errors import Diagnostic, UsageError  # noqa: PLC0415

    wanted = name.strip().lower()
    for audience in Audience:
        if wanted in (audience.value, audience.value.removesuffix("s")):
            return audience
    raise UsageError(Diagnostic(None, "usage.audience", f"unknown audience '{name}'; choose parents, "
                                "adults or clinicians (parent, adult, clinician also work)"))


def _is_audience(name: str) -> bool:
    return name.strip().lower() in {a.value for a in Audience} | {a.value.removesuffix("s") for a in Audience}


def _topics_and_audiences(items: Optional[list[str]], topics: Optional[list[str]],
                          audiences: Optional[list[str]]) -> tuple[list[str], list[Audience]]:
    """Arguments may name topics or audiences; options add to them. Order kept, repeats dropped."""
    items = items or []
    found_topics = [i for i in items if not _is_audience(i)] + list(topics or [])
    names = [*(i for i in items if _is_audience(i)), *(audiences or [])]
    found = [_run(partial(parse_audience, name)) for name in names]
    return list(dict.fromkeys(found_topics)), list(dict.fromkeys(found))


def _warn(diagnostic) -> None:
    typer.echo(str(diagnostic), err=True)


def _version_callback(value: bool) -> None:
    if value:
        from . import __version__  # noqa: PLC0415

        typer.echo(f"handouts {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[bool, typer.Option("--version", help="Print the version and exit.",
                                          callback=_version_callback, is_eager=True)] = False,
) -> None:
    """Printable, referenced patient handouts on eczema and the gut-skin axis."""


@app.command()
def build(
    items: ItemsArgument = None,
    topic: Annotated[Optional[list[str]], typer.Option("--topic", "-t", help="Topic id (repeatable); default: all.")] = None,
    audience: AudienceOption = None,
    lang: Annotated[Optional[list[str]], typer.Option("--lang", "-l", help="Language code (repeatable); default: the clinic's, else en.")] = None,
    page_size: PageSizeOption = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder.", file_okay=False)] = Path("output"),
    packet: Annotated[Optional[str], typer.Option("--packet", help="Put the chosen topics into one PDF packet with this name, or build a preset packet from packets.yaml.")] = None,
    clinic: ClinicOption = None,
    large_print: Annotated[bool, typer.Option("--large-print", help="18 pt body text; files end in -large-print.pdf.")] = False,
    duplex: Annotated[bool, typer.Option("--duplex", help="Pad packets to an even page count for two-sided printing.")] = False,
    html: Annotated[bool, typer.Option("--html", help="Also write an accessible web page (.html) beside each PDF, for screen readers and the online copy.")] = False,
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=1, help="Worker processes; default: one per CPU core.")] = os.cpu_count() or 1,
    strict: Annotated[bool, typer.Option("--strict", help="Treat warnings (such as an unconfirmed reference) as errors: exit 1 and write nothing.")] = False,
    allow_overdue: Annotated[bool, typer.Option("--allow-overdue", help="Also make handouts past their review date, marked 'Overdue for review since <date>' on every page.")] = False,
    content: ContentOption = [],  # noqa: B006 - Typer needs a literal default
    templates: TemplatesOption = [],  # noqa: B006
) -> None:
    """Build handouts as PDF files into OUT/<lang>/<audience>/<topic>.pdf.

    A handout past its next_review_due is refused unless --allow-overdue. With a
    clinic profile that sets require_approval, only handouts with a current
    approval (see 'handouts approve') are made.

    With no options, builds every topic for every audience in English, plus the
    preset packets. With --html, each PDF gets an accessible web page beside it.
    Every build writes OUT/manifest.json.

    Example: handouts build --topic probiotics --audience parents --page-size letter --out handouts-today
    Example: handouts build probiotics parent --large-print
    """
    from .build import BuildRequest  # noqa: PLC0415
    from .build import build as run_build  # noqa: PLC0415

    topic, audiences = _topics_and_audiences(items, topic, audience)
    profile = _clinic(clinic)
    library = _library(content, templates, topics=topic)  # other topics' text is `check`'s job
    _report_warnings(library.warnings, strict)
    request = BuildRequest(
        topics=tuple(topic or ()), audiences=tuple(audiences),
        languages=tuple(lang or (profile.default_language if profile else "en",)),
        page_size=page_size or (profile.default_page_size if profile else PageSize.A4),
        packet=packet, include_preset_packets=not (topic or packet),
        large_print=large_print, duplex=duplex, html=html, allow_overdue=allow_overdue,
    )
    built = _run(lambda: _with_progress(
        lambda progress: run_build(library, request, out, clinic=profile, progress=progress, workers=jobs,
                                   warn=_strict_warning if strict else _warn, notice=_notice)))
    for item in built:
        typer.echo(f"{'unchanged' if item.reused else 'wrote'} {item.path} ({item.size // 1024} KB)")
    pdfs = sum(item.path.suffix == ".pdf" for item in built)
    pages = len(built) - pdfs
    web = f" and {pages} web page{'s' if pages != 1 else ''}" if pages else ""
    typer.echo(f"{pdfs} PDF{'s' if pdfs != 1 else ''}{web} in {out}")
    if profile is None:
        typer.echo(NO_PROFILE, err=True)


def _strict_warning(diagnostic) -> None:
    """With --strict a warning found while building stops it before anything is written."""
    from .errors import ContentError  # noqa: PLC0415

    raise ContentError([diagnostic])


def _report_warnings(warnings, strict: bool) -> None:
    """Every warning on stderr; with --strict they stop the build before anything is written."""
    for warning in warnings:
        typer.echo(str(warning), err=True)
    if strict and warnings:
        typer.echo(f"{len(warnings)} warning{'s' if len(warnings) != 1 else ''} with --strict: "
                   "nothing was written", err=True)
        raise typer.Exit(int(ExitCode.CONTENT))


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
    typer.echo(f"wrote {path}; edit it (handouts refuses its example name, address, phone, email and "
               f"website), have a clinician approve the handouts (handouts approve TOPIC --by NAME --role ROLE "
               f"--clinic {path}), then run: handouts build --clinic {path}")


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


LogOption = Annotated[Optional[Path], typer.Option(
    "--db", help="The log file; default: the clinic profile's 'log', else handouts-log.sqlite.", dir_okay=False)]


def _log_path(db: Optional[Path], profile) -> Path:
    from . import distribution  # noqa: PLC0415

    return db or Path(profile.log_path if profile and profile.log_path else distribution.DEFAULT_LOG)


@app.command()
def log(
    items: ItemsArgument = None,
    audience: AudienceOption = None,
    lang: Annotated[str, typer.Option("--lang", "-l", help="Language handed out.")] = "en",
    large_print: Annotated[bool, typer.Option("--large-print", help="It was the large-print copy.")] = False,
    page_size: PageSizeOption = None,
    packet: Annotated[Optional[str], typer.Option("--packet", help="It was this packet (a preset, or one you built with --packet).")] = None,
    count: Annotated[int, typer.Option("--count", "-n", help="How many copies.")] = 1,
    on: Annotated[Optional[str], typer.Option("--date", help="The day, YYYY-MM-DD; default: today.")] = None,
    report: Annotated[bool, typer.Option("--report", help="Print totals, and copies given under a version a clinically significant change has replaced, instead of recording.")] = False,
    month: Annotated[Optional[str], typer.Option("--month", help="With --report: only this month, YYYY-MM.")] = None,
    csv_file: Annotated[Optional[Path], typer.Option("--csv", help="With --report: also write the totals to this CSV file.", dir_okay=False)] = None,
    db: LogOption = None,
    clinic: ClinicOption = None,
    content: ContentOption = [],  # noqa: B006
) -> None:
    """Record handouts given out (no personal data), or report totals and out-of-date copies.

    'handouts give' builds, prints and records in one step; use 'log' for copies
    printed another way.

    Example: handouts log probiotics parent --large-print --count 3
    Example: handouts log --report --month 2026-03 --csv march.csv
    """
    import datetime as dt  # noqa: PLC0415

    from . import distribution  # noqa: PLC0415

    profile = _clinic(clinic)
    path = _log_path(db, profile)
    if report:
        rows = _run(lambda: distribution.totals(path, month))
        _print_totals(rows, month)
        if csv_file:
            from .writer import write_atomic  # noqa: PLC0415

            _run(lambda: write_atomic(csv_file, distribution.as_csv(rows).encode("utf-8")))
            typer.echo(f"wrote {csv_file}")
        library = _library(content, [])
        _print_superseded(_run(lambda: distribution.superseded(path, library)))
        return
    topics, audiences = _topics_and_audiences(items, None, audience)
    if not (topics or packet) or len(audiences) != 1:
        typer.echo("error: say what was handed out and who for: handouts log TOPIC --audience AUDIENCE "
                   "(or --packet NAME; or use --report)", err=True)
        raise typer.Exit(int(ExitCode.USAGE))
    try:
        day = dt.date.fromisoformat(on) if on else dt.date.today()
    except ValueError:
        typer.echo(f"error: --date '{on}' should look like 2026-03-31", err=True)
        raise typer.Exit(int(ExitCode.USAGE)) from None
    library = _library(content, [])
    size = page_size or (profile.default_page_size if profile else PageSize.A4)
    for name, version, given in _run(lambda: _what_was_given(library, topics, audiences[0], lang, packet,
                                                             large_print, size)):
        _run(lambda: distribution.record(path, day, name, version, lang, audiences[0].value, count, given))
        typer.echo(f"recorded {count} x {name} (version {version}, {lang}, {audiences[0].value}, "
                   f"{_format_words(given)}) on {day} in {path}")


def _format_words(given) -> str:
    words = [given.page_size or "paper size not recorded"]
    if given.large_print:
        words.insert(0, "large print")
    return ", ".join(words)


def _what_was_given(library, topics: list[str], audience: Audience, lang: str, packet: Optional[str],
                    large_print: bool, page_size: PageSize):
    """(name, version, format) for each thing handed out: one per topic, or one for a packet."""
    import hashlib  # noqa: PLC0415

    from .approvals import Hashes  # noqa: PLC0415
    from .distribution import Given, packet_version  # noqa: PLC0415
    from .errors import Diagnostic, UsageError  # noqa: PLC0415

    if packet and not topics:
        if packet not in library.packets:
            raise UsageError(Diagnostic(None, "log.packet", f"there is no packet '{packet}'; choose from: "
                                        f"{', '.join(sorted(library.packets)) or 'none'}, or name its topics"))
        topics = list(library.packets[packet].topics)
    hashes = Hashes(library)
    found = []
    for topic in topics:
        source = library.topics.get((topic, lang))
        if source is None or audience not in source.meta.audiences:
            if packet and source is not None:
                continue  # a packet holds only the topics that serve its reader
            raise UsageError(Diagnostic(None, "log.topic",
                                        f"there is no {lang} handout '{topic}' for {audience.value}; "
                                        "run 'handouts list' to see what exists"))
        found.append((topic, source.meta.version, hashes(topic, audience, lang)))
    if packet:
        digest = hashlib.sha256(" ".join(f"{t}:{h}" for t, _, h in found).encode()).hexdigest()
        version = packet_version({t: v for t, v, _ in found})
        return [(packet, version, Given(large_print, page_size.value, packet, digest))]
    return [(t, v, Given(large_print, page_size.value, None, h)) for t, v, h in found]


def _print_totals(rows, month) -> None:
    from rich.console import Console  # noqa: PLC0415
    from rich.markup import escape  # noqa: PLC0415
    from rich.table import Table  # noqa: PLC0415

    table = Table("topic", "version", "language", "audience", "count",
                  title=escape(f"Handed out{' in ' + month if month else ''}"))
    for row in rows:  # text from the log prints as typed, never as Rich markup
        table.add_row(*(escape(str(v)) for v in (row.topic, row.version, row.language, row.audience)),
                      str(row.count))
    table.add_row("total", "", "", "", str(sum(r.count for r in rows)), style="bold")
    Console(width=120).print(table)


def _print_superseded(rows) -> None:
    if not rows:
        typer.echo("No copies were given out under a version that a clinically significant change has replaced.")
        return
    from rich.console import Console  # noqa: PLC0415
    from rich.table import Table  # noqa: PLC0415

    table = Table("given on", "topic", "version given", "language", "audience", "copies", "format",
                  "replaced by", title="Out-of-date copies: given out before a clinically significant change")
    for row in rows:
        fmt = ", ".join(x for x in ("large print" if row.large_print else "", row.page_size or "",
                                    f"packet {row.packet}" if row.packet else "") if x)
        table.add_row(row.day, row.topic, row.version, row.language, row.audience, str(row.count), fmt,
                      f"{row.replaced_by.version} on {row.replaced_by.date.isoformat()}: {row.replaced_by.change} "
                      f"(now {row.current})")
    Console(width=200).print(table)
    typer.echo(f"{sum(r.count for r in rows)} out-of-date copies in {len(rows)} records.")


@app.command()
def approve(
    topics: Annotated[list[str], typer.Argument(help="Topic ids to approve.", show_default=False)],
    audience: AudienceOption = None,
    lang: Annotated[Optional[list[str]], typer.Option("--lang", "-l", help="Language (repeatable); default: the clinic's.")] = None,
    by: Annotated[str, typer.Option("--by", help="Who approves: the clinician's name.")] = "",
    role: Annotated[str, typer.Option("--role", help="Their role, e.g. 'Consultant dermatologist'.")] = "",
    note: Annotated[str, typer.Option("--note", help="Optional note kept with the approval.")] = "",
    clinic: ClinicOption = None,
    content: ContentOption = [],  # noqa: B006
    templates: TemplatesOption = [],  # noqa: B006
) -> None:
    """Record that a clinician approved handouts for use at this clinic, as they read now.

    Each topic x audience x language is recorded with the version, today's date
    and a hash of its composed text in the approvals file (the profile's
    'approvals', by default approvals.toml beside it). Any later change to the
    text makes the approval stale: approve it again after reading the change.

    Example: handouts approve probiotics diet --audience parents --by "Dr A Patel" --role "Consultant dermatologist"
    """
    from .approvals import approvals_path  # noqa: PLC0415
    from .approvals import approve as record_approval  # noqa: PLC0415

    profile = _clinic(clinic)
    if profile is None:
        typer.echo("error: approvals belong to a clinic: run 'handouts init', edit handouts.toml, "
                   "then approve in that folder or with --clinic FILE", err=True)
        raise typer.Exit(int(ExitCode.USAGE))
    _, audiences = _topics_and_audiences([], None, audience)
    library = _library(content, templates, topics=topics)
    languages = lang or [profile.default_language]
    recorded = _run(lambda: record_approval(library, profile, topics, audiences, languages, by, role, note))
    for a in recorded:
        typer.echo(f"approved {a.topic} for {a.audience} in {a.language} (version {a.version}, "
                   f"content {a.content_sha256[:12]}) by {a.by}, {a.role}, on {a.date.isoformat()}")
    typer.echo(f"recorded {len(recorded)} approval{'s' if len(recorded) != 1 else ''} in {approvals_path(profile)}")


@app.command()
def approvals(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
    clinic: ClinicOption = None,
    content: ContentOption = [],  # noqa: B006
    templates: TemplatesOption = [],  # noqa: B006
) -> None:
    """List every handout as approved, stale (changed since approved) or not approved, with its review state.

    Example: handouts approvals --clinic handouts.toml
    """
    from . import review  # noqa: PLC0415
    from .approvals import all_statuses, approvals_path, read_approvals  # noqa: PLC0415

    profile = _clinic(clinic)
    library = _library(content, templates)
    today = review.today()
    recorded = _run(lambda: read_approvals(approvals_path(profile))) if profile else []
    statuses = _run(lambda: all_statuses(library, recorded))
    rows = []
    for status in statuses:
        meta = library.topics[(status.topic, status.language)].meta
        a = status.approval
        rows.append({
            "topic": status.topic, "audience": status.audience.value, "language": status.language,
            "version": status.version, "approval": status.state,
            "approved_by": a.by if a else None, "role": a.role if a else None,
            "approved_on": a.date.isoformat() if a else None, "approved_version": a.version if a else None,
            "content_sha256": status.content_sha256,
            "review": review.review_state(meta, today), "next_review_due": meta.next_review_due.isoformat(),
            "describe": status.describe(), "review_describe": review.describe(meta, today),
        })
    if as_json:
        typer.echo(json.dumps({"clinic": profile.name if profile else None,
                               "approvals_file": str(approvals_path(profile)) if profile else None,
                               "handouts": [{k: v for k, v in r.items() if not k.endswith("describe")} for r in rows]},
                              indent=2))
        return
    from rich.console import Console  # noqa: PLC0415
    from rich.table import Table  # noqa: PLC0415

    title = (f"Approvals for {profile.name} ({approvals_path(profile)})" if profile
             else "No clinic profile: nothing is approved (see 'handouts init')")
    table = Table("topic", "audience", "lang", "version", "approval", "review", title=title)
    colours = {"approved": "green", "stale": "yellow", "not approved": "red"}
    for row in rows:
        table.add_row(row["topic"], row["audience"], row["language"], row["version"],
                      f"[{colours[row['approval']]}]{row['describe']}[/]", row["review_describe"])
    Console(width=200).print(table)
    counts = {state: sum(r["approval"] == state for r in rows) for state in colours}
    typer.echo(", ".join(f"{n} {state}" for state, n in counts.items()))


@app.command()
def give(
    items: ItemsArgument = None,
    topic: Annotated[Optional[list[str]], typer.Option("--topic", "-t", help="Topic id (repeatable).")] = None,
    audience: AudienceOption = None,
    lang: Annotated[Optional[str], typer.Option("--lang", "-l", help="Language; default: the clinic's, else en.")] = None,
    large_print: Annotated[bool, typer.Option("--large-print", help="18 pt body text.")] = False,
    page_size: PageSizeOption = None,
    packet: Annotated[Optional[str], typer.Option("--packet", help="A preset packet, or a name for one PDF holding the topics given.")] = None,
    count: Annotated[int, typer.Option("--count", "-n", min=1, help="How many copies.")] = 1,
    print_: Annotated[bool, typer.Option("--print", help="Send it to the default printer (CUPS lp), COUNT copies.")] = False,
    open_: Annotated[bool, typer.Option("--open", help="Open it in the PDF viewer to print from there.")] = False,
    allow_overdue: Annotated[bool, typer.Option("--allow-overdue", help="Give a handout past its review date, marked as overdue on every page.")] = False,
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder.", file_okay=False)] = Path("output"),
    clinic: ClinicOption = None,
    db: LogOption = None,
    content: ContentOption = [],  # noqa: B006
    templates: TemplatesOption = [],  # noqa: B006
) -> None:
    """Give a handout in one step: build it (or reuse the identical file), record it, and print or open it.

    The distribution log records the day, topic, version, language, audience,
    count and format (large print, paper size, packet, content hash); nothing
    about the patient. It is recorded only once the file is made (and, with
    --print, accepted by the printer).

    Example: handouts give probiotics parent --large-print --count 2 --print
    Example: handouts give --packet new-diagnosis-parents --audience parents --open
    """
    import datetime as dt  # noqa: PLC0415

    from . import distribution  # noqa: PLC0415
    from .build import BuildRequest  # noqa: PLC0415
    from .build import build as run_build  # noqa: PLC0415

    if print_ and open_:
        typer.echo("error: choose --print or --open, not both", err=True)
        raise typer.Exit(int(ExitCode.USAGE))
    topics, audiences = _topics_and_audiences(items, topic, audience)
    if not topics and not packet:
        typer.echo("error: say what to give: handouts give TOPIC --audience AUDIENCE (or --packet NAME)", err=True)
        raise typer.Exit(int(ExitCode.USAGE))
    profile = _clinic(clinic)
    library = _library(content, templates, topics=topics or None)
    if len(audiences) != 1:
        served = {a for t in topics for (i, _), src in library.topics.items() if i == t for a in src.meta.audiences}
        if packet and not topics and packet in library.packets:
            served = set(library.packets[packet].audiences)
        if len(audiences) > 1 or len(served) != 1:
            typer.echo("error: say who it is for, one reader: --audience parents, adults or clinicians "
                       "(or put parent, adult or clinician after the topic)", err=True)
            raise typer.Exit(int(ExitCode.USAGE))
        audiences = list(served)
    language = lang or (profile.default_language if profile else "en")
    size = page_size or (profile.default_page_size if profile else PageSize.A4)
    request = BuildRequest(topics=tuple(topics), audiences=(audiences[0],), languages=(language,),
                           page_size=size, packet=packet, large_print=large_print, allow_overdue=allow_overdue)
    built = _run(lambda: run_build(library, request, out, clinic=profile, warn=_warn))
    log_path = _log_path(db, profile)
    given = _run(lambda: _what_was_given(library, topics, audiences[0], language, packet, large_print, size))
    for item in built:
        typer.echo(f"{'reused' if item.reused else 'wrote'} {item.path}")
        if print_:
            _run(lambda: _send_to_printer(item.path, count))
        elif open_ and typer.launch(str(item.path)) != 0:
            typer.echo(f"error: could not open {item.path}; open it yourself to print it "
                       "(nothing was recorded)", err=True)
            raise typer.Exit(int(ExitCode.WRITE))
    today = dt.date.today()
    for name, version, fmt in given:
        _run(lambda: distribution.record(log_path, today, name, version, language, audiences[0].value, count, fmt))
        typer.echo(f"recorded {count} x {name} (version {version}, {language}, {audiences[0].value}, "
                   f"{_format_words(fmt)}) on {today} in {log_path}")
    if profile is None:
        typer.echo(NO_PROFILE, err=True)


def _send_to_printer(path: Path, count: int) -> None:
    """Print COUNT copies on the default CUPS printer, or say plainly why it cannot."""
    import shutil  # noqa: PLC0415
    import subprocess  # noqa: PLC0415

    from .errors import Diagnostic, WriteError  # noqa: PLC0415

    lp = shutil.which("lp")
    if lp is None:
        raise WriteError(Diagnostic(None, "print.no-lp",
                                    f"cannot print: the 'lp' command (CUPS) is not installed here; the file is "
                                    f"{path}: print it from a PDF viewer (or use --open), then record it with "
                                    "'handouts log' (nothing was recorded)"))
    try:
        done = subprocess.run([lp, "-n", str(count), "--", str(path)], capture_output=True, text=True, timeout=60,
                              check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        failed, reason = True, str(error)
    else:
        said = (done.stderr or done.stdout).strip()
        failed, reason = done.returncode != 0, said.splitlines()[-1] if said else ""
    if failed:
        hint = ("no default printer is set up: set one with 'lpoptions -d PRINTER' (see 'lpstat -p')"
                if "default destination" in reason or "no default" in reason.lower() else "check the printer")
        raise WriteError(Diagnostic(None, "print.failed",
                                    f"the printer did not accept {path} ({reason or 'lp failed'}); {hint}; "
                                    "nothing was recorded"))
    typer.echo(f"sent {count} cop{'ies' if count != 1 else 'y'} of {path} to the default printer")


@app.command()
def serve(
    host: Annotated[str, typer.Option("--host", help="The address to listen on. Anything but 127.0.0.1/localhost needs a token (the profile's 'token', or --new-token).")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="The port to listen on.")] = 8000,
    watch: Annotated[bool, typer.Option("--watch", help="For editors: re-read content and templates when a file is saved; the open preview follows within a second, and a content error shows as path:line.")] = False,
    new_token: Annotated[bool, typer.Option("--new-token", help="With --host: make a random access token for this run and print it.")] = False,
    clinic: ClinicOption = None,
    db: LogOption = None,
    content: ContentOption = [],  # noqa: B006
    templates: TemplatesOption = [],  # noqa: B006
) -> None:
    """Open the front desk: a local web page to find, preview, print and record handouts.

    It also serves the online copies the QR codes point to, at /<lang>/<audience>/<topic>
    (and .pdf). It listens on 127.0.0.1 (this computer only) unless --host says otherwise;
    then every desk page needs the access token. Needs the 'web' extra:
    pip install -e '.[web]' in the handouts folder.

    Example: handouts serve --clinic handouts.toml
    Example: handouts serve --content my-clinic/content --watch
    """
    from .web.serve import serve as run_serve  # noqa: PLC0415

    _run(lambda: run_serve(host, port, watch=watch, new_token=new_token, clinic=clinic, db=db,
                           content=content, templates=templates, say=typer.echo))


@app.command()
def site(
    out: Annotated[Path, typer.Option("--out", "-o", help="The folder to write the site into.", file_okay=False)] = Path("site"),
    lang: Annotated[Optional[list[str]], typer.Option("--lang", "-l", help="Language (repeatable); default: every language there is content in.")] = None,
    clinic: ClinicOption = None,
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=1, help="Worker processes; default: one per CPU core.")] = os.cpu_count() or 1,
    content: ContentOption = [],  # noqa: B006
    templates: TemplatesOption = [],  # noqa: B006
) -> None:
    """Write the online copies as a static site that works on any web host.

    OUT/<lang>/<audience>/<topic>/index.html (the web edition, which the QR code's
    address opens with no server rules), the PDF and large-print PDF beside it, an
    index page per language, and links between the languages of each handout.
    Upload OUT as it is to the clinic's base_url.

    Example: handouts site -o site --clinic handouts.toml
    """
    from .web.site import build_site  # noqa: PLC0415

    profile = _clinic(clinic)
    library = _library(content, templates)
    written = _run(lambda: build_site(library, out, profile, lang or (), workers=jobs))
    pages = sum(f.path.name == "index.html" for f in written)
    pdfs = sum(f.path.suffix == ".pdf" for f in written)
    typer.echo(f"wrote {pages} pages and {pdfs} PDFs in {out}; upload the folder as it is to your base_url "
               f"({out / 'index.html'} is its front page)")
    if profile is None:
        typer.echo(NO_PROFILE, err=True)


def _edition(meta: TopicMeta, source: TopicMeta) -> dict[str, object]:
    """One language's copy of a topic, and whether it still matches the English it was translated from."""
    edition: dict[str, object] = {"language": meta.language, "title": meta.title, "version": meta.version}
    if meta.translation is not None:
        edition.update(translated_from=meta.translation.source_version,
                       translation_reviewed=meta.translation.reviewed,
                       up_to_date=meta.translation.source_version == source.version)
    return edition


@app.command("list")
def list_topics(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
    content: ContentOption = [],  # noqa: B006
    templates: TemplatesOption = [],  # noqa: B006
) -> None:
    """List topics with their titles, audiences, languages, review dates and review state.

    Example: handouts list --json
    """
    from . import review  # noqa: PLC0415

    library = _library(content, templates)
    today = review.today()
    rows = []
    for topic_id in library.topic_ids():
        variants = [t for (i, _), t in sorted(library.topics.items()) if i == topic_id]
        meta = variants[0].meta
        rows.append({
            "id": topic_id, "title": meta.title, "kind": meta.kind,
            "audiences": [a.value for a in meta.audiences],
            "languages": [t.meta.language for t in variants],
            "editions": [_edition(t.meta, meta) for t in variants],
            "version": meta.version,
            "last_reviewed": meta.last_reviewed.isoformat(),
            "next_review_due": meta.next_review_due.isoformat(),
            "review": review.review_state(meta, today),
            "review_detail": review.describe(meta, today),
        })
    if as_json:
        typer.echo(json.dumps({"topics": rows, "packets": sorted(library.packets)}, indent=2))
        return
    from rich.console import Console  # noqa: PLC0415
    from rich.markup import escape  # noqa: PLC0415
    from rich.table import Table  # noqa: PLC0415

    table = Table("id", "title", "audiences", "languages", "evidence checked", "review due", "review")
    colours = {review.CURRENT: "green", review.DUE_SOON: "yellow", review.OVERDUE: "red"}
    for row in rows:  # a title prints as typed, never as Rich markup
        table.add_row(*(escape(value) for value in (
            row["id"], row["title"], ", ".join(row["audiences"]), ", ".join(row["languages"]),
            row["last_reviewed"], row["next_review_due"])),
            f"[{colours[row['review']]}]{escape(row['review_detail'])}[/]")
    Console(width=160).print(table)
    if library.packets:
        typer.echo("packets: " + ", ".join(sorted(library.packets)))


@app.command()
def check(
    topic: Annotated[Optional[list[str]], typer.Option("--topic", "-t", help="Check only this topic (repeatable); default: all.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the full report as JSON.")] = False,
    content: ContentOption = [],  # noqa: B006
    templates: TemplatesOption = [],  # noqa: B006
    clinic: ClinicOption = None,
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=1, help="Worker processes; default: one per CPU core.")] = os.cpu_count() or 1,
) -> None:
    """Check all content and templates: every problem as path:line, plus reading levels.

    Page limits are measured with the clinic's logo, QR code and contact details
    (without a profile, with a full example one), so that they hold once branded.
    Exits with 1 if anything fails.

    Example: handouts check --content my-clinic-topics
    """
    from .quality import check_library  # noqa: PLC0415

    library = _library(content, templates, topics=topic)
    profile = _clinic(clinic)
    unknown = sorted(set(topic or ()) - set(library.topic_ids()))
    if unknown:
        typer.echo(f"unknown topic '{unknown[0]}'; choose from: {', '.join(library.topic_ids())}", err=True)
        raise typer.Exit(int(ExitCode.USAGE))
    report = _run(lambda: check_library(library, clinic=profile, workers=jobs, topics=topic or None))
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
    from rich.markup import escape  # noqa: PLC0415
    from rich.table import Table  # noqa: PLC0415

    from .quality import reading_summary  # noqa: PLC0415

    colours = {"pass": "green", "aim": "yellow", "fail": "red"}
    table = Table("topic", "audience", "lang", "words", "reading level", "PEMAT U/A",
                  "pages A4/Letter", "large print min", "review", "status", "notes", title="handouts check")
    for v in report.variants:
        pemat = "/".join(f"{v.pemat_scores[k]}%" if v.pemat_scores.get(k) is not None else "-"
                         for k in ("understandability", "actionability")) if v.pemat_scores else "-"
        table.add_row(v.topic, v.audience, v.language, str(v.words), escape(reading_summary(v)), pemat,
                      "/".join(str(v.pages.get(size, "-")) for size in ("a4", "letter")),
                      f"{v.smallest_large_print:g} pt" if v.smallest_large_print else "-",
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
