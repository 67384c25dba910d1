"""The project's own hostile suite: one folder per case, run through the command line.

tests/cases/<name>/ holds what the case needs (content/, templates/,
profile.toml, ...) laid over a copy of tests/fixtures/content, and expect.yaml:

    args: [build, --content, content, -t, mini, -o, out]   # run in the case's folder
    exit: 1
    output: ["content/mini/en.md:4: error:", "NUL"]        # substrings of what is printed
    absent: ["Traceback"]                                  # substrings that must not appear
    max_lines: 3                                           # printed lines, when the exit is not 0
    files: {out/log.csv: ["'=HYPERLINK"]}                  # substrings of files written
    unchanged: [out]                                       # folders that must be as before
    prepare: {...}                                         # as setup, before the `before` commands
    before: [[build, --content, content, -t, kit, -o, out]]  # commands that must succeed first
    setup:                                                 # what git cannot hold
      write: {content/mini/en.md: "text with \\x00"}       # YAML escapes allowed
      write_bytes: {content/mini/en.md: "latin-1 \\xff"}   # each character is one byte
      edit: {content/mini/en.md: [[old, new]]}
      remove: [out/manifest.json]
      mkdir: [out/manifest.json]
      fifo: [content/mini/en.md]
      symlink: {templates/handout.md.j2: /etc/passwd}
      png: {logo.png: [12000, 12000]}                      # a header claiming that size
      big: {content/big/en.md: 2000000}

Every case, whatever its exit, must print no traceback and never be an
internal error (exit 70).
"""

from __future__ import annotations

import os
import shutil
import struct
import zlib
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from handouts.cli import app

CASES = Path(__file__).parent / "cases"
FIXTURE = Path(__file__).parent / "fixtures" / "content"


def _png_header(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b""))


def _setup(folder: Path, setup: dict) -> None:
    for path in setup.get("remove", []):
        (folder / path).unlink()
    for path in setup.get("mkdir", []):
        (folder / path).mkdir(parents=True, exist_ok=True)
    for path, text in setup.get("write", {}).items():
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_bytes(text.encode("utf-8"))
    for path, text in setup.get("write_bytes", {}).items():
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_bytes(text.encode("latin-1"))
    for path, pairs in setup.get("edit", {}).items():
        text = (folder / path).read_text(encoding="utf-8")
        for old, new in pairs:
            assert old in text, (path, old)
            text = text.replace(old, new, 1)
        (folder / path).write_bytes(text.encode("utf-8"))
    for path in setup.get("fifo", []):
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).unlink(missing_ok=True)
        os.mkfifo(folder / path)
    for path, target in setup.get("symlink", {}).items():
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).unlink(missing_ok=True)
        os.symlink(target, folder / path)
    for path, (width, height) in setup.get("png", {}).items():
        (folder / path).write_bytes(_png_header(width, height))
    for path, size in setup.get("big", {}).items():
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_bytes(b"---\n" + b"a" * size)


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()} \
        if folder.is_dir() else {}


def _invoke(args: list[str]):
    result = CliRunner().invoke(app, args)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"internal error: {result.exception!r}") from result.exception
    return result


@pytest.mark.parametrize("case", sorted(p.name for p in CASES.iterdir() if (p / "expect.yaml").is_file()))
def test_case(case: str, tmp_path: Path, monkeypatch) -> None:
    source = CASES / case
    expect = yaml.safe_load((source / "expect.yaml").read_text(encoding="utf-8"))
    folder = tmp_path / case
    shutil.copytree(FIXTURE, folder / "content")
    shutil.copytree(source, folder, dirs_exist_ok=True, symlinks=True)
    (folder / "expect.yaml").unlink()
    monkeypatch.chdir(folder)
    _setup(folder, expect.get("prepare") or {})
    for command in expect.get("before", []):
        result = _invoke(command)
        assert result.exit_code == 0, result.output
    _setup(folder, expect.get("setup") or {})
    watched = {name: _tree(folder / name) for name in expect.get("unchanged", [])}

    result = _invoke([str(a) for a in expect["args"]])

    output = result.output
    assert result.exit_code == expect["exit"], output
    assert "Traceback" not in output and "internal error" not in output, output
    for text in expect.get("output", []):
        assert text in output, output
    for text in expect.get("absent", []):
        assert text not in output, output
    if result.exit_code != 0:
        assert len(output.strip().splitlines()) <= expect.get("max_lines", 3), output
    for path, texts in (expect.get("files") or {}).items():
        content = (folder / path).read_text(encoding="utf-8")
        for text in texts:
            assert text in content, content
    for name, before in watched.items():
        assert _tree(folder / name) == before, name
