"""Limits on every input file: its type, where it lives, its size, its encoding.

Every file handouts reads (topics, YAML, templates, the clinic profile, the
logo) comes through `read_bytes`, which refuses in one line, naming the file
and the limit:

- anything but a regular file (a folder, a FIFO, /dev/zero, a socket): checked
  with `os.stat` before opening, and opened with O_NONBLOCK, so it never hangs;
- a file reached through a link that leaves its folder (with `root`), so that
  no file elsewhere on the machine is pulled into a handout;
- a file over its size limit (read at most limit + 1 bytes, so a file that
  grows while read is caught too).

`decode` turns bytes into text, accepting a UTF-8 byte-order mark and naming
the line of an invalid byte or a NUL character.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

KB, MB = 1024, 1024 * 1024

LIMITS = {  # what -> largest size in bytes
    "topic": 1 * MB,
    "yaml": 1 * MB,
    "template": 256 * KB,
    "profile": 64 * KB,
    "logo": 5 * MB,
}
MAX_LOGO_PIXELS = 25_000_000  # 5000 x 5000: far beyond any print size, a 100 MB bitmap
MAX_YAML_NODES = 100_000  # values after aliases are expanded
MAX_YAML_DEPTH = 40
MAX_PAGES = 60  # per PDF; the longest packet is a few dozen pages


class InputProblem(Exception):
    """A file that cannot be read; `line` is 0 when the problem is the whole file."""

    def __init__(self, code: str, message: str, line: int = 0):
        super().__init__(message)
        self.code, self.message, self.line = code, message, line


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _size(limit: int) -> str:
    return f"{limit // MB} MB" if limit >= MB else f"{limit // KB} KB"


def read_bytes(path: Path, what: str, root: Path | None = None) -> bytes:
    """The whole file, if it is a regular file inside `root` and within the limit for `what`."""
    limit = LIMITS[what]
    if "\x00" in str(path):
        raise InputProblem("file.name", "this file name holds a NUL character, which no file can have; "
                           "write the name again")
    if root is not None:
        try:
            inside = path.resolve().is_relative_to(root.resolve())
        except (OSError, RuntimeError):  # a loop of links
            inside = False
        if not inside:
            raise InputProblem("file.outside", "this is a link to a file outside its folder; "
                               "copy the file into the folder instead of linking to it")
    try:
        status = os.stat(path)
    except OSError as error:
        raise InputProblem("file.unreadable", f"cannot read this file ({error.strerror})") from None
    if not stat.S_ISREG(status.st_mode):
        raise InputProblem("file.type", f"this is {_kind(status.st_mode)}, not a file; "
                           "point to a regular file")
    if status.st_size > limit:
        raise InputProblem("file.size", f"this file is {status.st_size:,} bytes, over the "
                           f"{_size(limit)} limit for a {what} file; split it or make it smaller")
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as error:
        raise InputProblem("file.unreadable", f"cannot read this file ({error.strerror})") from None
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):  # swapped between stat and open
            raise InputProblem("file.type", "this is not a regular file; point to a regular file")
        chunks, total = [], 0
        while total <= limit:
            chunk = os.read(descriptor, min(1 * MB, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
    except OSError as error:
        raise InputProblem("file.unreadable", f"cannot read this file ({error.strerror})") from None
    finally:
        os.close(descriptor)
    if total > limit:
        raise InputProblem("file.size", f"this file is over the {_size(limit)} limit for a {what} file; "
                           "split it or make it smaller")
    return b"".join(chunks)


def decode(data: bytes) -> str:
    """UTF-8 text with "\n" line ends (a leading byte-order mark is dropped); names the line of a bad byte or a NUL."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise InputProblem("file.encoding", f"this line is not UTF-8 text (byte 0x{data[error.start]:02x}); "
                           "save the file as UTF-8", line) from None
    if "\r" in text:  # Windows (CRLF) and old Mac (CR) line ends, counted as editors count them
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise InputProblem("file.nul", "this line holds a NUL character (byte 0); remove it", line)
    return text


def read_text(path: Path, what: str, root: Path | None = None) -> str:
    return decode(read_bytes(path, what, root))
