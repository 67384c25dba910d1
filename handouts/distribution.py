"""The distribution record: which handouts were given out, when, in what version.

A local SQLite file holds one row per hand-out event (date, topic, version,
language, audience, count, and the format: large print, paper size, packet and
the content hash) and nothing about the patient. Each record is one
transaction, so a crash mid-write loses at most that record, never earlier rows.
Logs written before the format columns existed are upgraded in place; their old
rows keep their values and read as regular print, paper size unknown.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import Diagnostic, SourceSpan, UsageError, WriteError

if TYPE_CHECKING:
    from .model import Change

DEFAULT_LOG = "handouts-log.sqlite"
SCHEMA = """
CREATE TABLE IF NOT EXISTS handed_out (
    id INTEGER PRIMARY KEY,
    day TEXT NOT NULL,
    topic TEXT NOT NULL,
    version TEXT NOT NULL,
    language TEXT NOT NULL,
    audience TEXT NOT NULL,
    count INTEGER NOT NULL CHECK (count > 0)
);
CREATE INDEX IF NOT EXISTS handed_out_day ON handed_out (day);
"""
# Columns added after the first release: (name, declaration). Old logs gain them on open.
FORMAT_COLUMNS = (
    ("large_print", "INTEGER NOT NULL DEFAULT 0"),
    ("page_size", "TEXT"),
    ("packet", "TEXT"),
    ("content_sha256", "TEXT"),
)


@dataclass(frozen=True)
class Given:
    """The format of what was handed out, as the log records it."""

    large_print: bool = False
    page_size: str | None = None
    packet: str | None = None
    content_sha256: str | None = None


@dataclass(frozen=True)
class Total:
    topic: str
    version: str
    language: str
    audience: str
    count: int


MAX_COUNT = 1_000_000  # copies in one record; sums of many stay far inside SQLite's 64-bit integers


def _open(path: Path) -> sqlite3.Connection:
    if (path.exists() or path.is_symlink()) and not path.is_file():  # a folder, or a pipe that would block
        raise WriteError(Diagnostic(SourceSpan(str(path)), "log.open",
                                    "the distribution log must be a regular file; choose another --db"))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(path, timeout=10)
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=FULL")
        connection.executescript(SCHEMA)
        present = {row[1] for row in connection.execute("PRAGMA table_info(handed_out)")}
        with connection:  # one transaction: the whole upgrade or none of it
            for name, declaration in FORMAT_COLUMNS:
                if name not in present:
                    connection.execute(f"ALTER TABLE handed_out ADD COLUMN {name} {declaration}")
        return connection
    except (OSError, sqlite3.Error) as error:
        raise WriteError(Diagnostic(SourceSpan(str(path)), "log.open",
                                    f"cannot open the distribution log ({error}); "
                                    "check the 'log' path in the clinic profile")) from None


def record(path: Path, day: dt.date, topic: str, version: str, language: str, audience: str,
           count: int, given: Given = Given()) -> None:
    if not 1 <= count <= MAX_COUNT:
        raise UsageError(Diagnostic(None, "log.count", f"--count must be from 1 to {MAX_COUNT:,}"))
    connection = _open(path)
    try:
        with connection:  # one transaction: all of this record or none of it
            connection.execute(
                "INSERT INTO handed_out (day, topic, version, language, audience, count, large_print, "
                "page_size, packet, content_sha256) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (day.isoformat(), topic, version, language, audience, count, int(given.large_print),
                 given.page_size, given.packet, given.content_sha256))
    except sqlite3.Error as error:
        raise WriteError(Diagnostic(SourceSpan(str(path)), "log.write",
                                    f"could not record this ({error}); nothing was changed")) from None
    finally:
        connection.close()


def totals(path: Path, month: str | None = None) -> list[Total]:
    if month is not None:
        try:
            dt.date.fromisoformat(f"{month}-01")
        except ValueError:
            raise UsageError(Diagnostic(None, "log.month",
                                        f"--month '{month}' should look like 2026-03")) from None
    if not path.exists():
        return []
    connection = _open(path)
    try:
        rows = connection.execute(
            "SELECT topic, version, language, audience, SUM(count) FROM handed_out "
            "WHERE (? IS NULL OR substr(day, 1, 7) = ?) "
            "GROUP BY topic, version, language, audience ORDER BY topic, version, language, audience",
            (month, month)).fetchall()
    except (sqlite3.Error, OverflowError) as error:  # e.g. "integer overflow" from SUM
        raise WriteError(Diagnostic(SourceSpan(str(path)), "log.read",
                                    f"cannot total the distribution log ({error}); "
                                    "it holds a count too large to add up, or is damaged")) from None
    finally:
        connection.close()
    return [Total(*row) for row in rows]


def as_csv(rows: list[Total]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["topic", "version", "language", "audience", "count"])
    writer.writerows((*map(_cell, (r.topic, r.version, r.language, r.audience)), r.count) for r in rows)
    return buffer.getvalue()


# --- copies of versions a clinically significant change has replaced -----------------


@dataclass(frozen=True)
class Superseded:
    day: str
    topic: str
    version: str
    language: str
    audience: str
    count: int
    large_print: bool
    page_size: str | None
    packet: str | None
    replaced_by: Change  # the first clinically significant change after the version given
    current: str  # the topic's version now


def packet_version(versions: dict[str, str]) -> str:
    """How a packet's version is logged: each topic with its version, e.g. 'diet 1.2, probiotics 1.1'."""
    return ", ".join(f"{topic} {version}" for topic, version in versions.items())


def _versions_given(topic: str, version: str, packet: str | None) -> list[tuple[str, str]]:
    if packet or re.fullmatch(r"[a-z0-9-]+ \S+(, [a-z0-9-]+ \S+)*", version):
        pairs = [part.split(" ", 1) for part in version.split(", ")]
        if all(len(pair) == 2 for pair in pairs):
            return [(t, v) for t, v in pairs]
        return []
    return [(topic, version)]


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", version))


def first_clinical_change_after(changes, version: str):
    """The first `clinical: true` change that came after `version`, or None."""
    versions = [c.version for c in changes]
    if version in versions:
        later = changes[versions.index(version) + 1:]
    elif _version_key(version):
        later = [c for c in changes if _version_key(c.version) > _version_key(version)]
    else:
        return None  # e.g. the old log's "packet": the version cannot be known
    return next((c for c in later if c.clinical), None)


def superseded(path: Path, library) -> list[Superseded]:
    """Every logged hand-out of a version that a later clinically significant change replaced."""
    if not path.exists():
        return []
    connection = _open(path)
    try:
        rows = connection.execute(
            "SELECT day, topic, version, language, audience, count, large_print, page_size, packet "
            "FROM handed_out ORDER BY day, id").fetchall()
    finally:
        connection.close()
    found = []
    for day, topic, version, language, audience, count, large_print, page_size, packet in rows:
        for topic_id, given in _versions_given(topic, version, packet):
            source = library.topics.get((topic_id, language))
            if source is None:
                continue
            change = first_clinical_change_after(source.meta.changes, given)
            if change is not None:
                found.append(Superseded(day, topic_id, given, language, audience, count, bool(large_print),
                                        page_size, packet, change, source.meta.version))
    return found
def _cell(value: object) -> str:
    """Text a spreadsheet must not run as a formula (OWASP, CSV injection): prefix a quote."""
    text = str(value)
    return "'" + text if text.startswith(("=", "+", "-", "@", "\t", "\r")) else text
