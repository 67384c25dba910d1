"""Review dates, enforced where it matters: at build time, and shown wherever handouts are listed.

A handout is *current* until 60 days before its `next_review_due`, then *due
soon*, and *overdue* from the day after. `build` refuses an overdue handout
unless asked to print it marked as overdue.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from .errors import Collector, ContentError, Diagnostic
from .model import Library, TopicMeta

DUE_SOON_DAYS = 60
CURRENT, DUE_SOON, OVERDUE = "current", "due-soon", "overdue"


def today() -> dt.date:
    """The day review dates are judged against (one place, so tests can fix the clock)."""
    return dt.date.today()


def review_state(meta: TopicMeta, today: dt.date) -> str:
    days = (meta.next_review_due - today).days
    if days < 0:
        return OVERDUE
    return DUE_SOON if days <= DUE_SOON_DAYS else CURRENT


def describe(meta: TopicMeta, today: dt.date) -> str:
    """A short phrase for tables: 'current', 'due soon (2027-01-05, in 36 days)', 'overdue since 2026-10-01'."""
    state = review_state(meta, today)
    due = meta.next_review_due.isoformat()
    if state == OVERDUE:
        return f"overdue since {due}"
    if state == DUE_SOON:
        days = (meta.next_review_due - today).days
        return f"due soon ({due}, in {days} day{'s' if days != 1 else ''})"
    return "current"


def check_review_dates(library: Library, topics: Iterable[tuple[str, str]], today: dt.date,
                       allow_overdue: bool = False) -> list[Diagnostic]:
    """Refuse overdue topics (unless allowed); return a warning for each one due within 60 days.

    `topics` are (topic id, language) pairs; each is judged once however many
    files it goes into. Raises ContentError naming the line of every overdue date.
    """
    collector = Collector()
    for key in sorted(set(topics)):
        meta = library.topics[key].meta
        state = review_state(meta, today)
        span = meta.field_span("next_review_due")
        due = meta.next_review_due.isoformat()
        if state == OVERDUE and not allow_overdue:
            collector.error(span, "review.overdue",
                            f"'{meta.id}' was due for review on {due}, so it was not built; have its "
                            "evidence checked, then update last_reviewed, next_review_due and 'changes', "
                            "or build with --allow-overdue to print it marked 'Overdue for review'")
        elif state == OVERDUE:
            collector.warning(span, "review.overdue", f"'{meta.id}' is overdue for review since {due}; "
                              "every page says so")
        elif state == DUE_SOON:
            days = (meta.next_review_due - today).days
            collector.warning(span, "review.due-soon",
                              f"'{meta.id}' is due for review on {due} (in {days} day{'s' if days != 1 else ''}); "
                              "plan the review now: after that date it will not build")
    collector.raise_if_errors(ContentError)
    return collector.warnings
