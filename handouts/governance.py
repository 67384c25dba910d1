"""What a build may make, and what each page says about it: review dates and clinic approval.

`govern` runs after planning and before anything is drawn. It refuses overdue
handouts (unless allowed) and, when the clinic profile sets
`require_approval`, handouts without a current approval, naming every one at
once. For each job it returns the status line printed on every page:

- "Approved for use at <clinic> by <name>, <role>, on <date>": a current
  approval matches this exact content;
- "Not approved for use by <clinic>": a profile, but no current approval;
- "Sample: not approved for use by any clinic": no profile;
- prefixed with "Overdue for review since <date>" when built with --allow-overdue.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from .approvals import APPROVED, Hashes, Status, approvals_path, read_approvals, refusal, status_of
from .compose import Job, format_date
from .errors import Collector, ContentError, Diagnostic
from .model import Clinic, Library
from .review import OVERDUE, check_review_dates, review_state


@dataclass
class Governed:
    status_lines: list[str]
    warnings: list[Diagnostic] = field(default_factory=list)
    statuses: dict[Job, list[Status]] = field(default_factory=dict)
    content_hashes: dict[Job, dict[str, str]] = field(default_factory=dict)  # job -> topic -> sha256


def _status_strings(library: Library, language: str) -> dict[str, Any]:
    return library.strings[language].get("status") or library.strings["en"]["status"]


def status_line(library: Library, job: Job, clinic: Clinic | None, statuses: Sequence[Status],
                today: dt.date) -> str:
    strings = library.strings[job.language]
    words = _status_strings(library, job.language)
    if clinic is not None:
        clinic = clinic.for_language(job.language)
    if clinic is None:
        line = words["sample"]
    elif statuses and all(s.state == APPROVED for s in statuses):
        if job.packet:
            line = words["approved_packet"].format(clinic=clinic.name)
        else:
            approval = statuses[0].approval
            assert approval is not None  # an approved status carries its approval
            line = words["approved"].format(clinic=clinic.name, name=approval.by, role=approval.role,
                                            date=format_date(approval.date, strings))
    else:
        line = words["not_approved"].format(clinic=clinic.name)
    overdue = [library.topics[(t, job.language)].meta.next_review_due for t in job.topics
               if review_state(library.topics[(t, job.language)].meta, today) == OVERDUE]
    if overdue:
        line = f"{words['overdue'].format(date=format_date(min(overdue), strings))} · {line}"
    return line


def govern(library: Library, jobs: Sequence[Job], clinic: Clinic | None, today: dt.date,
           allow_overdue: bool = False) -> Governed:
    """Check review dates and approvals for every job; raise ContentError naming each refusal."""
    collector = Collector()
    try:
        warnings = check_review_dates(library, {(t, job.language) for job in jobs for t in job.topics},
                                      today, allow_overdue)
    except ContentError as error:
        collector.extend(error.diagnostics)
        warnings = []
    governed = Governed([], warnings)
    approvals = read_approvals(approvals_path(clinic)) if clinic else []
    hashes = Hashes(library)
    refused: set[tuple] = set()
    for job in jobs:
        statuses = []
        if clinic is not None and not collector.errors:
            for topic_id in job.topics:
                meta = library.topics[(topic_id, job.language)].meta
                statuses.append(status_of(approvals, hashes, topic_id, job.audience, job.language, meta.version))
        governed.statuses[job] = statuses
        governed.content_hashes[job] = {s.topic: s.content_sha256 for s in statuses}
        governed.status_lines.append(status_line(library, job, clinic, statuses, today))
        if clinic is not None and clinic.require_approval:
            for status in statuses:
                key = (status.topic, status.audience, status.language)
                if status.state != APPROVED and key not in refused:
                    refused.add(key)
                    collector.add(refusal(status, clinic, approvals_path(clinic)))
    collector.raise_if_errors()
    return governed
