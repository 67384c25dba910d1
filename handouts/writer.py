"""The only stage that writes files: whole PDFs, atomically, inside the output folder."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .errors import SourceSpan, WriteError


def write_atomic(path: Path, data: bytes) -> None:
    """Write to a temporary file beside `path`, then rename it into place.

    A reader (or a crashed or interrupted build) sees either the old file or the
    whole new one, never half of one; the temporary file is removed if anything
    fails. There is no fsync: the rename is what keeps half files away, and an
    fsync per file (about 1 ms here) would cost more than composing a handout.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as error:
        raise WriteError(_problem(path.parent, error)) from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException as error:  # includes KeyboardInterrupt: never leave a partial file
        Path(temporary).unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise WriteError(_problem(path, error)) from None
        raise


def _problem(path: Path, error: OSError):
    from .errors import Diagnostic  # noqa: PLC0415

    reason = error.strerror or str(error)
    return Diagnostic(SourceSpan(str(path)), "output.write",
                      f"cannot write here ({reason}); choose another folder with --out or free some space")


def inside(out_dir: Path, *parts: str) -> Path:
    """Join parts under out_dir, refusing anything that would escape it."""
    target = out_dir.joinpath(*parts).resolve()
    if not target.is_relative_to(out_dir.resolve()):
        raise WriteError(_problem(target, OSError(0, "outside the output folder")))
    return target
