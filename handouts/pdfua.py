"""PDF/UA-1 validation of the PDFs we write, with page-validation (a PDF/UA checker, no Java).

`handouts check` runs it on every PDF it renders; the tests run it too. It is an
optional dependency (`pip install -e '.[check]'`, included in `.[test]`), so a
plain install still builds; `handouts check` without it stops and says how to
install it rather than skip the rule.
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import Diagnostic, UsageError

PROFILE = "ua1"


@dataclass(frozen=True, slots=True)
class Failure:
    rule: str  # e.g. PDFUA1-CONTENT-TAGGING-001
    message: str


def require() -> None:
    """Stop with the fix when the validator, or PDFium for the layout rule, is not installed."""
    try:
        import page  # noqa: F401, PLC0415
        import pypdfium2  # noqa: F401, PLC0415
    except ImportError:
        raise UsageError(Diagnostic(
            None, "check.pdfua",
            "handouts check validates every PDF against PDF/UA-1 with page-validation and reads it back "
            "with pypdfium2, which are not both installed; install them with: "
            "pip install 'page-validation>=0.11' 'pypdfium2>=4' (or pip install -e '.[check]')")) from None


def failures(data: bytes) -> list[Failure]:
    """Every failed PDF/UA-1 rule of a PDF, once each, in rule order."""
    import page  # noqa: PLC0415

    report = page.validate_pdf_bytes(data, profile=PROFILE)
    seen: dict[str, Failure] = {}
    for failure in report.failures:
        seen.setdefault(failure.rule_id, Failure(failure.rule_id, failure.message))
    return [seen[rule] for rule in sorted(seen)]
