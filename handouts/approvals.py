"""Clinic approvals, pinned to the exact content of each handout.

An approval records who approved one topic x audience x language for use at a
clinic, when, at which version, with the SHA-256 of the composed content. The
hash is taken over the composed `Document`'s blocks and references (their
text, structure and citations; not where they came from, not the clinic's
furniture, not the status line), composed without a clinic profile. So any
change of wording, order, audience text or cited source makes the approval
*stale*, while rebranding, paper size or large print does not.

Approvals live in a plain TOML file (by default approvals.toml beside the
clinic profile) that the clinic can keep under version control. Approving again
appends an entry; nothing is ever removed, so the file is the audit trail.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import hashlib
import json
import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import Collector, ContentError, Diagnostic, SourceSpan, UsageError
from .library import display_path
from .model import Audience, Clinic, Library

APPROVALS_NAME = "approvals.toml"
APPROVED, STALE, NOT_APPROVED = "approved", "stale", "not approved"
FIELDS = ("topic", "audience", "language", "version", "content_sha256", "by", "role", "date", "note")
HEADER = """\
# Approvals of handouts for use at {clinic}.
# Written by `handouts approve`; keep this file under version control. Each entry
# approves one topic x audience x language as it read when approved: its
# content_sha256 is a hash of the composed text, so any later change to the text
# makes the approval stale until someone approves it again. Entries are only ever
# added; the newest entry matching the current text is the one that counts.
"""


# --- the content hash ----------------------------------------------------------


def _canonical(value: Any) -> Any:
    """A JSON-ready walk of the model, like dataclasses.asdict but without source places."""
    if isinstance(value, SourceSpan):
        return None
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {f.name: _canonical(getattr(value, f.name)) for f in dataclasses.fields(value)
                  if not isinstance(getattr(value, f.name), SourceSpan)}
        return {"type": type(value).__name__, **fields}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (tuple, list)):
        return [_canonical(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _canonical(item) for key, item in sorted(value.items())}
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, bytes):
        return hashlib.sha256(value).hexdigest()
    return value


def content_hash(library: Library, topic: str, audience: Audience, language: str) -> str:
    """SHA-256 of the composed handout's blocks and references, independent of any clinic."""
    from .compose import Job, compose  # noqa: PLC0415

    document = compose(library, Job((topic,), audience, language), None)
    canonical = {"blocks": _canonical(document.blocks), "references": _canonical(document.references)}
    text = json.dumps(canonical, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class Hashes:
    """Content hashes computed once per topic x audience x language, on demand."""

    def __init__(self, library: Library):
        self.library = library
        self._cache: dict[tuple[str, Audience, str], str] = {}

    def __call__(self, topic: str, audience: Audience, language: str) -> str:
        key = (topic, audience, language)
        if key not in self._cache:
            self._cache[key] = content_hash(self.library, topic, audience, language)
        return self._cache[key]


# --- the approvals file --------------------------------------------------------


@dataclass(frozen=True)
class Approval:
    topic: str
    audience: str
    language: str
    version: str
    content_sha256: str
    by: str
    role: str
    date: dt.date
    note: str = ""
    span: SourceSpan | None = None


def approvals_path(clinic: Clinic) -> Path:
    if clinic.approvals_path:
        return Path(clinic.approvals_path)
    return Path(clinic.source).parent / APPROVALS_NAME if clinic.source else Path(APPROVALS_NAME)


def read_approvals(path: Path) -> list[Approval]:
    """Every entry of the approvals file, oldest first; a missing file holds none."""
    shown = display_path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    except (OSError, UnicodeDecodeError) as error:
        raise ContentError(Diagnostic(SourceSpan(shown), "approvals.unreadable",
                                      f"cannot read the approvals file ({getattr(error, 'strerror', None) or error})")) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        match = re.search(r"\(at line (\d+)", str(error))
        raise ContentError(Diagnostic(SourceSpan(shown, int(match.group(1)) if match else 1), "approvals.toml",
                                      f"this is not valid TOML ({re.sub(r' [(]at line.*', '', str(error))}); "
                                      "restore it from version control")) from None
    starts = [number for number, line in enumerate(text.split("\n"), start=1) if line.strip() == "[[approval]]"]
    collector, approvals = Collector(), []
    for index, entry in enumerate(data.get("approval", [])):
        span = SourceSpan(shown, starts[index] if index < len(starts) else 1)
        missing = [name for name in FIELDS if name != "note" and not entry.get(name)]
        if missing or set(entry) - set(FIELDS):
            collector.error(span, "approvals.entry",
                            f"this approval needs {', '.join(FIELDS[:-1])} (and may have a note); "
                            "restore it from version control or approve again")
            continue
        try:
            day = entry["date"] if isinstance(entry["date"], dt.date) else dt.date.fromisoformat(str(entry["date"]))
        except ValueError:
            collector.error(span, "approvals.date", f"date '{entry['date']}' should look like 2026-11-30")
            continue
        approvals.append(Approval(**{name: str(entry.get(name, "")) for name in FIELDS if name != "date"},
                                  date=day, span=span))
    collector.raise_if_errors()
    return approvals


def _toml_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a valid TOML basic string


def append_approvals(path: Path, clinic: Clinic, new: Sequence[Approval]) -> None:
    """Add entries to the approvals file, atomically; the existing text is kept byte for byte."""
    from .writer import write_atomic  # noqa: PLC0415

    try:
        old = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        old = HEADER.format(clinic=clinic.name)
    except OSError as error:
        raise ContentError(Diagnostic(SourceSpan(display_path(path)), "approvals.unreadable",
                                      f"cannot read the approvals file ({error.strerror})")) from None
    chunks = [old.rstrip("\n") + "\n"]
    for approval in new:
        lines = ["", "[[approval]]"]
        for name in FIELDS:
            value = getattr(approval, name)
            if name == "note" and not value:
                continue
            lines.append(f"{name} = {value.isoformat() if name == 'date' else _toml_string(value)}")
        chunks.append("\n".join(lines) + "\n")
    write_atomic(path, "".join(chunks).encode("utf-8"))


# --- status --------------------------------------------------------------------


@dataclass(frozen=True)
class Status:
    topic: str
    audience: Audience
    language: str
    version: str
    content_sha256: str
    state: str  # APPROVED, STALE or NOT_APPROVED
    approval: Approval | None  # the matching approval, or for STALE the newest earlier one

    def describe(self) -> str:
        a = self.approval
        if self.state == APPROVED and a:
            return f"approved by {a.by}, {a.role}, on {a.date.isoformat()} (version {a.version})"
        if self.state == STALE and a:
            return (f"stale: {a.by} approved version {a.version} on {a.date.isoformat()}; "
                    "the content has changed since")
        return "not approved"


def status_of(approvals: Iterable[Approval], hashes: Hashes, topic: str, audience: Audience,
              language: str, version: str) -> Status:
    current = hashes(topic, audience, language)
    mine = [a for a in approvals if (a.topic, a.audience, a.language) == (topic, audience.value, language)]
    matching = [a for a in mine if a.content_sha256 == current]
    if matching:
        return Status(topic, audience, language, version, current, APPROVED, matching[-1])
    if mine:
        return Status(topic, audience, language, version, current, STALE, mine[-1])
    return Status(topic, audience, language, version, current, NOT_APPROVED, None)


def all_statuses(library: Library, approvals: Sequence[Approval]) -> list[Status]:
    hashes = Hashes(library)
    return [status_of(approvals, hashes, topic_id, audience, language, topic.meta.version)
            for (topic_id, language), topic in sorted(library.topics.items())
            for audience in topic.meta.audiences]


def approve_command(status: Status, clinic: Clinic) -> str:
    profile = f" --clinic {clinic.source}" if clinic.source else ""
    return (f"handouts approve {status.topic} --audience {status.audience.value} --lang {status.language} "
            f"--by NAME --role ROLE{profile}")


def refusal(status: Status, clinic: Clinic, path: Path) -> Diagnostic:
    """The one line `build` prints for a handout it will not make under require_approval."""
    what = f"'{status.topic}' for {status.audience.value} in {status.language} (version {status.version})"
    if status.state == STALE and status.approval:
        a = status.approval
        return Diagnostic(a.span or SourceSpan(display_path(path)), "approval.stale",
                          f"{what} has changed since {a.by} approved version {a.version} on "
                          f"{a.date.isoformat()}; once a clinician has read it again: {approve_command(status, clinic)}")
    return Diagnostic(SourceSpan(display_path(path)), "approval.missing",
                      f"{what} is not approved for use at {clinic.name} and the profile sets "
                      f"require_approval; once a clinician has read it: {approve_command(status, clinic)}")


# --- approving -----------------------------------------------------------------


def approve(library: Library, clinic: Clinic, topics: Sequence[str], audiences: Sequence[Audience],
            languages: Sequence[str], by: str, role: str, note: str = "",
            today: dt.date | None = None) -> list[Approval]:
    """Record approvals of each topic x audience x language asked for; return what was recorded."""
    from .review import OVERDUE, review_state  # noqa: PLC0415

    today = today or dt.date.today()
    if not by.strip() or not role.strip():
        raise UsageError(Diagnostic(None, "approve.who", "say who approves: --by \"Dr A Patel\" --role \"Consultant dermatologist\""))
    collector, new = Collector(), []
    hashes = Hashes(library)
    for topic_id in topics:
        for language in languages:
            topic = library.topics.get((topic_id, language))
            if topic is None:
                known = ", ".join(library.topic_ids()) if topic_id not in library.topic_ids() else ""
                collector.error(None, "approve.topic",
                                f"there is no {language} handout '{topic_id}'"
                                + (f"; choose from: {known}" if known else "; it exists in: "
                                   + ", ".join(lang for (t, lang) in library.topics if t == topic_id)))
                continue
            meta = topic.meta
            if review_state(meta, today) == OVERDUE:
                collector.error(meta.field_span("next_review_due"), "approve.overdue",
                                f"'{topic_id}' was due for review on {meta.next_review_due.isoformat()}; "
                                "have its evidence checked and its review dates updated before approving it")
                continue
            for audience in audiences or meta.audiences:
                if audience not in meta.audiences:
                    collector.error(None, "approve.audience",
                                    f"'{topic_id}' has no {audience.value} version; it serves "
                                    f"{', '.join(a.value for a in meta.audiences)}")
                    continue
                new.append(Approval(topic_id, audience.value, language, meta.version,
                                    hashes(topic_id, audience, language), by.strip(), role.strip(),
                                    today, note.strip()))
    collector.raise_if_errors(UsageError)
    append_approvals(approvals_path(clinic), clinic, new)
    return new
