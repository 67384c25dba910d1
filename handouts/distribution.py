"""The distribution record: which handouts were given out, when, in what version.

A local SQLite file holds one row per hand-out event (date, topic, version,
language, audience, count) and nothing about the patient. Each record is one
transaction, so a crash mid-write loses at most that record, never earlier rows.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from .errors import Diagnostic, SourceSpan, UsageError, WriteError

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
        return connection
    except (OSError, sqlite3.Error) as error:
        raise WriteError(Diagnostic(SourceSpan(str(path)), "log.open",
                                    f"cannot open the distribution log ({error}); "
                                    "check the 'log' path in the clinic profile")) from None


def record(path: Path, day: dt.date, topic: str, version: str, language: str, audience: str,
           count: int) -> None:
    if not 1 <= count <= MAX_COUNT:
        raise UsageError(Diagnostic(None, "log.count", f"--count must be from 1 to {MAX_COUNT:,}"))
    connection = _open(path)
    try:
        with connection:  # one transaction: all of this record or none of it
            connection.execute(
                "INSERT INTO handed_out (day, topic, version, language, audience, count) VALUES (?, ?, ?, ?, ?, ?)",
                (day.isoformat(), topic, version, language, audience, count))
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


def _cell(value: object) -> str:
    """Text a spreadsheet must not run as a formula (OWASP, CSV injection): prefix a quote."""
    text = str(value)
    return "'" + text if text.startswith(("=", "+", "-", "@", "\t", "\r")) else text
