"""Diagnostics that name where a problem is and how to fix it.

Every stage reports problems as `Diagnostic`s with a source location and a
stable code. A stage collects all of them, then raises one `HandoutsError`, so
an editor sees every problem in one run and no PDF is written from bad input.
"""

from __future__ import annotations

import enum
import os
import re
from dataclasses import dataclass
from pathlib import Path

_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


class ExitCode(enum.IntEnum):
    """Exit codes of the command line; documented in the README."""

    OK = 0
    CONTENT = 1  # content, template or clinic profile is invalid, or a check failed
    USAGE = 2  # unknown option, topic, audience, language or packet
    RENDER = 3  # the document could not be laid out
    WRITE = 4  # the output could not be written


@dataclass(frozen=True, slots=True)
class SourceSpan:
    path: str
    line: int = 0

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Diagnostic:
    span: SourceSpan | None
    code: str
    message: str
    severity: Severity = Severity.ERROR

    def __str__(self) -> str:
        where = f"{self.span}: " if self.span else ""
        text = f"{where}{self.severity.value}: {self.message} [{self.code}]"
        # one diagnostic, one line: control characters quoted from the input are shown escaped
        return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 256
                            else f"\\u{ord(m.group()):04x}", text)


class HandoutsError(Exception):
    """One or more problems that stop the job; carries its exit code."""

    exit_code = ExitCode.CONTENT

    def __init__(self, diagnostics: list[Diagnostic] | Diagnostic):
        if isinstance(diagnostics, Diagnostic):
            diagnostics = [diagnostics]
        self.diagnostics = list(diagnostics)
        super().__init__("\n".join(map(str, self.diagnostics)))

    def __reduce__(self):  # so that errors raised in worker processes arrive whole
        return (_rebuild, (type(self), self.diagnostics))


def _rebuild(error_class: type[HandoutsError], diagnostics: list[Diagnostic]) -> HandoutsError:
    error = error_class.__new__(error_class)
    HandoutsError.__init__(error, diagnostics)
    return error


class ContentError(HandoutsError):
    exit_code = ExitCode.CONTENT


class UsageError(HandoutsError):
    exit_code = ExitCode.USAGE


class RenderError(HandoutsError):
    exit_code = ExitCode.RENDER


class WriteError(HandoutsError):
    exit_code = ExitCode.WRITE


class Collector:
    """Gathers diagnostics from one stage; `raise_if_errors` ends the stage."""

    def __init__(self) -> None:
        self.diagnostics: list[Diagnostic] = []

    def add(self, diagnostic: Diagnostic) -> None:
        if diagnostic not in self.diagnostics:  # one report per problem, however often it is met
            self.diagnostics.append(diagnostic)

    def error(self, span: SourceSpan | None, code: str, message: str) -> None:
        self.add(Diagnostic(span, code, message))

    def warning(self, span: SourceSpan | None, code: str, message: str) -> None:
        self.add(Diagnostic(span, code, message, Severity.WARNING))

    def extend(self, diagnostics: list[Diagnostic]) -> None:
        for diagnostic in diagnostics:
            self.add(diagnostic)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity is Severity.WARNING]

    def raise_if_errors(self, error_class: type[HandoutsError] = ContentError) -> None:
        if self.errors:
            raise error_class(self.errors)


class TemplateError(HandoutsError):
    exit_code = ExitCode.CONTENT

    def __init__(self, span: SourceSpan | None, code: str, message: str):
        super().__init__(Diagnostic(span, code, message))


def display_path(path: Path) -> str:
    """The path as the user would type it: relative to the working folder when inside it,
    links not followed (the link is what to fix)."""
    try:
        relative = os.path.relpath(os.path.abspath(path))
    except ValueError:
        return str(path)
    return str(path) if relative.startswith("..") else relative
