"""A build as a transaction: every output file appears, or none does.

Each file is streamed to a temporary file beside its final name as soon as it
is rendered (`stage`), and made durable with fsync. Only when every file of the
build, manifest included, is staged does `commit` put them in place in one
short step:

1. a hard link keeps each file about to be replaced (for an in-process undo);
2. a journal listing every (temporary, final) pair is written and renamed into
   place, so that it exists whole or not at all;
3. every temporary is renamed over its final name, signals held back meanwhile;
4. the journal and the kept copies are removed.

A failure or a signal before step 2 removes every temporary: nothing changed.
An error inside step 3 puts the old files back. If the process dies inside
steps 2-4 (SIGKILL, a crash), the journal stays, and the next build that uses
the folder finishes the renames it lists (it rolls forward: every temporary it
names was complete and synced before the journal existed). Temporaries left by
a killed build are removed by the next build. Builds that share a folder take
turns (an flock on the folder).
"""

from __future__ import annotations

import errno
import json
import os
import re
import secrets
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from .errors import Diagnostic, SourceSpan, WriteError

JOURNAL = ".handouts-journal.json"
TEMP_SUFFIX = ".handouts-tmp"
KEPT_SUFFIX = ".handouts-old"
# ours, plus those of the earlier one-file-at-a-time writer (tempfile.mkstemp: 8 random characters)
_LEFTOVER = re.compile(r"^\..+\.(?:[0-9a-f]{8}\.handouts-(?:tmp|old)|(?:pdf|html|json)\.[a-z0-9_]{8}\.tmp)$")
# the folders a build writes into: OUT, OUT/<lang>, OUT/<lang>/<audience>, OUT/<lang>/<audience>/packets
_OUR_FOLDERS = (re.compile(r"[a-z]{2}"), re.compile(r"parents|adults|clinicians"), re.compile(r"packets"))
_DEFERRED = tuple(s for s in (signal.SIGINT, signal.SIGTERM, getattr(signal, "SIGHUP", None)) if s)


def _problem(path: Path | str, error: OSError | str, advice: str = "") -> WriteError:
    reason = error if isinstance(error, str) else (error.strerror or str(error))
    if isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        advice = advice or "free some space or choose another folder with --out"
    advice = advice or "choose another folder with --out, or fix its permissions"
    return WriteError(Diagnostic(SourceSpan(str(path)), "output.write",
                                 f"cannot write here ({reason}); {advice}; the earlier build is unchanged"))


def _in_the_way(final: Path) -> None:
    if final.is_dir() and not final.is_symlink():
        raise _problem(final, "a folder has this output file's name",
                       "remove or rename that folder")


def _fsync_folder(folder: Path) -> None:
    try:
        descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:  # some file systems cannot sync a folder; the renames still happened
        pass
    finally:
        os.close(descriptor)


def _write_file(path: Path, data: bytes) -> None:
    """Create `path` (which must not exist), write all of `data`, fsync, close."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o644)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(descriptor, view):]
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


class LateInterrupt(KeyboardInterrupt):
    """Ctrl-C or a termination signal that arrived while the files were being put in place."""


class Transaction:
    """Use as `with Transaction(out) as t: t.stage(...); ...; t.commit()`."""

    def __init__(self, out_dir: Path | str, notice: Callable[[str], None] | None = None):
        self.out_dir = Path(out_dir)
        self.notice = notice or (lambda message: None)
        self.staged: dict[Path, Path] = {}  # final path -> its temporary
        self._lock: int | None = None
        self.root = self.out_dir
        self.created: list[Path] = []  # folders this build made, removed again if it fails

    # --- opening: lock, repair, tidy ---------------------------------------

    def __enter__(self) -> Transaction:
        try:
            if self.out_dir.exists() and not self.out_dir.is_dir():
                raise _problem(self.out_dir, "this is a file, not a folder", "choose a folder with --out")
            self._make_folder(self.out_dir)
            self.root = self.out_dir.resolve()
            self._lock = os.open(self.root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
            import fcntl  # noqa: PLC0415

            fcntl.flock(self._lock, fcntl.LOCK_EX)
        except OSError as error:
            self._unlock()
            raise _problem(self.out_dir, error) from None
        try:
            recover(self.root, self.notice)
        except BaseException:
            self._unlock()
            raise
        return self

    def __exit__(self, kind, error, traceback) -> None:
        try:
            with _signals_held():  # a second Ctrl-C waits until the temporaries are gone
                self.abort()
        finally:
            self._unlock()

    def _unlock(self) -> None:
        if self._lock is not None:
            os.close(self._lock)  # closing releases the flock
            self._lock = None

    # --- staging ------------------------------------------------------------

    def final_path(self, *parts: str) -> Path:
        """out_dir joined with parts, refusing anything that would leave it."""
        target = self.root.joinpath(*parts)
        resolved = target.parent.resolve() / target.name
        if not resolved.is_relative_to(self.root) or target.name in ("", ".", ".."):
            raise _problem(target, "outside the output folder", "choose another --out")
        return resolved

    def stage(self, final: Path, data: bytes) -> None:
        """Write `data` to a temporary beside `final`; nothing is visible until commit."""
        _in_the_way(final)
        try:
            self._make_folder(final.parent)
        except OSError as error:
            raise _problem(final.parent, error) from None
        temporary = final.with_name(f".{final.name}.{secrets.token_hex(4)}{TEMP_SUFFIX}")
        previous = self.staged.pop(final, None)
        if previous is not None:
            previous.unlink(missing_ok=True)
        try:
            self.staged[final] = temporary
            _write_file(temporary, data)
        except OSError as error:
            raise _problem(final, error) from None

    def _make_folder(self, folder: Path) -> None:
        missing = []
        while not folder.exists() and not folder.is_symlink() and folder != folder.parent:
            missing.append(folder)
            folder = folder.parent
        for path in reversed(missing):
            try:
                path.mkdir()
            except FileExistsError:
                if path.is_dir() and not path.is_symlink():
                    continue  # another build made it a moment ago: it is not ours to remove
                raise
            self.created.append(path)

    def abort(self) -> None:
        """Remove every temporary not yet put in place, and the folders made for them."""
        for temporary in self.staged.values():
            with suppress(OSError):  # else the next build removes it
                temporary.unlink(missing_ok=True)
        self.staged.clear()
        for folder in reversed(self.created):
            with suppress(OSError):
                folder.rmdir()  # only if empty
        self.created.clear()

    # --- commit ---------------------------------------------------------------

    def commit(self) -> None:
        """Put every staged file in place; signals are held back for this short step."""
        if not self.staged:
            return
        committed = False
        try:
            with _signals_held():
                self._commit()
                committed = True
        except KeyboardInterrupt:
            if committed:  # held back during the step, delivered once every file was in place
                raise LateInterrupt() from None
            raise

    def _commit(self) -> None:
        pairs = list(self.staged.items())
        for final, _ in pairs:
            _in_the_way(final)
        token = secrets.token_hex(4)
        kept: dict[Path, Path] = {}
        journal = self.root / JOURNAL
        try:
            for final, _ in pairs:
                if final.is_file():
                    copy = final.with_name(f".{final.name}.{token}{KEPT_SUFFIX}")
                    os.link(final, copy)
                    kept[final] = copy
            record = {"files": [[str(t.relative_to(self.root)), str(f.relative_to(self.root))]
                                for f, t in pairs]}
            staged_journal = self.root / f".{JOURNAL}.{token}{TEMP_SUFFIX}"
            try:
                _write_file(staged_journal, json.dumps(record).encode("utf-8"))
                os.replace(staged_journal, journal)
            finally:
                _remove([staged_journal])
            _fsync_folder(self.root)
        except BaseException as error:
            _remove(kept.values())
            if isinstance(error, OSError):
                raise _problem(journal if not kept else self.root, error) from None
            raise
        done: list[Path] = []
        try:
            for final, temporary in pairs:
                os.replace(temporary, final)
                done.append(final)
            for folder in sorted({final.parent for final, _ in pairs}):
                _fsync_folder(folder)
        except BaseException as error:
            self._undo(done, kept, journal)
            if isinstance(error, OSError):
                raise _problem(done[-1] if done else pairs[0][0], error) from None
            raise
        self.staged.clear()
        self.created.clear()  # they hold the build now
        _remove([journal])
        _fsync_folder(self.root)
        _remove(kept.values())

    def _undo(self, done: list[Path], kept: dict[Path, Path], journal: Path) -> None:
        """Put the old files back; each step keeps 'roll the journal forward' valid."""
        try:
            for final in reversed(done):
                os.replace(final, self.staged[final])  # the new file becomes a temporary again
                if final in kept:
                    os.replace(kept.pop(final), final)
            _remove([journal])
        except OSError:
            self.notice(f"{journal}: the build failed while putting files in place; "
                        "the next build will finish it")
            self.staged.clear()  # the journal needs them
            return
        _remove(kept.values())


def _remove(paths) -> None:
    for path in list(paths):
        with suppress(OSError):
            os.unlink(path)


@contextmanager
def _signals_held() -> Iterator[None]:
    """Hold Ctrl-C and termination back for the short rename step; deliver them after."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old_mask = signal.pthread_sigmask(signal.SIG_BLOCK, _DEFERRED)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old_mask)


def recover(root: Path, notice: Callable[[str], None]) -> None:
    """Finish a commit that a dead process left half done; remove its leftovers."""
    journal = root / JOURNAL
    if journal.exists() or journal.is_symlink():
        try:
            if not journal.is_file() or journal.is_symlink():
                raise ValueError("not a regular file")
            pairs = json.loads(journal.read_text(encoding="utf-8"))["files"]
            moves = []
            for temporary, final in pairs:
                for name in (temporary, final):
                    if (not isinstance(name, str) or not name or Path(name).is_absolute()
                            or ".." in Path(name).parts):
                        raise ValueError(f"a path outside the folder: {name!r}")
                if not temporary.endswith(TEMP_SUFFIX):
                    raise ValueError(f"not a temporary of ours: {temporary!r}")
                moves.append((root / temporary, root / final))
        except (OSError, ValueError, TypeError, KeyError) as error:
            raise _problem(journal, f"the journal of an interrupted build is damaged ({error})",
                           "delete it, then build again") from None
        finished = 0
        try:
            for temporary, final in moves:
                if temporary.is_file():
                    os.replace(temporary, final)
                    finished += 1
            for folder in sorted({final.parent for _, final in moves}):
                _fsync_folder(folder)
            os.unlink(journal)
            _fsync_folder(root)
        except OSError as error:
            raise _problem(journal, error, "the folder must be writable to finish an interrupted build") from None
        notice(f"{journal}: warning: an earlier build was stopped while putting its {len(moves)} files in "
               f"place; finished that step ({finished} still to move) [output.recovered]")
    removed = 0
    for folder, folders, files in os.walk(root):  # only where builds write: never the whole disk
        depth = len(Path(folder).relative_to(root).parts)
        folders[:] = [name for name in folders
                      if depth < len(_OUR_FOLDERS) and _OUR_FOLDERS[depth].fullmatch(name)]
        for name in files:
            if _LEFTOVER.match(name):
                try:
                    os.unlink(os.path.join(folder, name))
                    removed += 1
                except OSError:
                    pass
    if removed:
        notice(f"{root}: warning: removed {removed} temporary file{'s' if removed != 1 else ''} "
               "left by an interrupted build [output.leftovers]")
