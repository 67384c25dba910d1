"""The choices a user names on the command line: readers and paper sizes.

Kept apart from the document model so that `handouts --help` builds no dataclasses.
"""

from __future__ import annotations

import enum


class Audience(str, enum.Enum):
    PARENTS = "parents"
    ADULTS = "adults"
    CLINICIANS = "clinicians"

    @property
    def is_patient(self) -> bool:
        return self is not Audience.CLINICIANS


class PageSize(str, enum.Enum):
    A4 = "a4"
    LETTER = "letter"
