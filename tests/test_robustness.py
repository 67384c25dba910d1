"""Every bad input gets one clear line and a documented exit code; nothing is half-written."""

import errno
import json
import multiprocessing
import os
from pathlib import Path

import pypdf
import pytest

from handouts import writer

from .conftest import files_under, pdf_text, pdfs_under, translate


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def assert_one_clear_failure(result, code: int, message: str, out: Path, before: list[Path] = ()):
    assert result.exit_code == code, result.output
    assert message in result.output, result.output
    assert "Traceback" not in result.output
    assert files_under(out) == list(before)


@pytest.mark.parametrize("args, message", [
    (["-t", "../mini"], "unknown topic '../mini'"),
    (["-t", "mini", "--packet", "../../evil"], "packet name '../../evil' may use only"),
    (["-t", "mini", "--packet", "/tmp/evil"], "packet name '/tmp/evil' may use only"),
])
def test_names_cannot_escape_the_output_folder(cli, content, tmp_path, args, message):
    out = tmp_path / "out"
    result = cli("build", "--content", content, "-o", out, *args)
    assert_one_clear_failure(result, 2, message, out)
    assert not (tmp_path / "evil.pdf").exists()


def test_topic_without_the_asked_language(cli, content, tmp_path):
    translate(content, "kit")
    out = tmp_path / "out"
    result = cli("build", "--content", content, "-o", out, "-t", "mini", "-l", "fr")
    assert_one_clear_failure(result, 2, "topic 'mini' has no fr.md", out)


def test_id_of_another_topic(cli, content, tmp_path):
    edit(content / "mini" / "en.md", "id: mini", "id: kit")
    out = tmp_path / "out"
    result = cli("build", "--content", content, "-o", out)
    assert_one_clear_failure(result, 1, "mini/en.md:2: error: id 'kit' does not match its folder 'mini'", out)


def test_empty_content_folder_from_the_cli(cli, tmp_path):
    (tmp_path / "empty").mkdir()
    out = tmp_path / "out"
    result = cli("build", "--content", tmp_path / "empty", "-o", out)
    assert_one_clear_failure(result, 1, "this folder is empty", out)


def test_character_the_font_cannot_draw(cli, content, tmp_path):
    edit(content / "mini" / "en.md", "1. Run a warm bath.", "1. Run a warm bath \u2192 then dry.")
    out = tmp_path / "out"
    result = cli("build", "--content", content, "-o", out, "-t", "mini", "-a", "adults")
    assert_one_clear_failure(result, 3, "mini/en.md:24: error: the font cannot draw '\u2192' (U+2192)", out)


def test_character_the_font_cannot_draw_in_a_reference(cli, content, tmp_path):
    edit(content / "references.yaml", "  authors: Alpha A, et al.", "  authors: Wrze\u015bniewska M, et al.")
    out = tmp_path / "out"
    result = cli("build", "--content", content, "-o", out, "-t", "mini", "-a", "adults")
    assert_one_clear_failure(result, 3, "references.yaml:1: error: the font cannot draw '\u015b' (U+015B)", out)


def test_markup_characters_print_as_typed(cli, content, tmp_path):
    edit(content / "mini" / "en.md", "1. Run a warm bath.", "1. Run a <b>warm</b> bath & rinse; 3 < 5 > 2.")
    out = tmp_path / "out"
    assert cli("build", "--content", content, "-o", out, "-t", "mini", "-a", "adults").exit_code == 0
    assert "Run a <b>warm</b> bath & rinse; 3 < 5 > 2." in pdf_text(out / "en" / "adults" / "mini.pdf")


def test_sandbox_blocks_unsafe_templates(cli, content, tmp_path):
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "handout.md.j2").write_text("# {{ ''.__class__.__mro__[1].__subclasses__() }}\n")
    out = tmp_path / "out"
    result = cli("build", "--content", content, "--templates", templates, "-o", out, "-t", "mini")
    assert_one_clear_failure(result, 1, "handout.md.j2:1: error:", out)


def test_disk_full_while_writing(cli, content, tmp_path, monkeypatch):
    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(writer.os, "replace", full)
    out = tmp_path / "out"
    result = cli("build", "--content", content, "-o", out, "-t", "mini", "-a", "parents")
    assert result.exit_code == 4, result.output
    assert "No space left on device" in result.output and "Traceback" not in result.output
    assert pdfs_under(out) == [] and not [p for p in files_under(out) if p.name.endswith(".tmp")]


def test_permission_denied(cli, content, tmp_path, monkeypatch):
    real_open = os.open

    def denied(path, flags, *args, **kwargs):
        if flags & os.O_CREAT:  # as root, chmod would not stop us
            raise PermissionError(errno.EACCES, "Permission denied")
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", denied)
    out = tmp_path / "out"
    result = cli("build", "--content", content, "-o", out, "-t", "mini")
    assert result.exit_code == 4, result.output
    assert "cannot write here (Permission denied)" in result.output and "Traceback" not in result.output
    assert pdfs_under(out) == []


def test_interrupt_while_rendering_writes_nothing(cli, content, tmp_path, monkeypatch):
    import handouts.render
    from handouts.rendered import Rendered

    calls = []

    def interrupted(document, theme, options):
        calls.append(document)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return Rendered(b"%PDF-")

    monkeypatch.setattr(handouts.render, "render", interrupted)
    out = tmp_path / "out"
    result = cli("build", "--content", content, "-o", out, "-t", "mini", "-j", "1")
    assert result.exit_code == 130 and "interrupted" in result.output
    assert files_under(out) == []


def test_interrupt_while_writing_leaves_old_file_and_no_temporary(content, tmp_path, monkeypatch):
    target = tmp_path / "out" / "a.pdf"
    writer.write_atomic(target, b"old complete file")

    def interrupted(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(writer.os, "replace", interrupted)  # after the data, before the rename
    with pytest.raises(KeyboardInterrupt):
        writer.write_atomic(target, b"new file, never finished")
    assert target.read_bytes() == b"old complete file"
    assert files_under(tmp_path / "out") == [target]


def _build_into(out: str, content: str, audience: str) -> int:
    from typer.testing import CliRunner

    from handouts.cli import app

    return CliRunner().invoke(app, ["build", "--content", content, "-o", out, "-a", audience, "-j", "1"]).exit_code


def test_two_builds_into_one_folder_leave_only_complete_pdfs(content, tmp_path):
    out = tmp_path / "out"
    context = multiprocessing.get_context("fork")
    with context.Pool(2) as pool:
        codes = pool.starmap(_build_into, [(str(out), str(content), "parents"), (str(out), str(content), "adults")])
    assert codes == [0, 0]
    pdfs = pdfs_under(out)
    assert {p.relative_to(out).as_posix() for p in pdfs} >= {"en/parents/mini.pdf", "en/adults/mini.pdf",
                                                            "en/parents/kit.pdf", "en/adults/kit.pdf"}
    for pdf in pdfs:
        assert len(pypdf.PdfReader(pdf).pages) >= 1
    manifest = json.loads((out / "manifest.json").read_text())
    assert {e["file"] for e in manifest["files"]} == {p.relative_to(out).as_posix() for p in pdfs}
    assert not [p for p in files_under(out) if p.name.endswith(".tmp")]


def test_parallel_build_matches_serial(cli, content, tmp_path):
    assert cli("build", "--content", content, "-o", tmp_path / "one", "-j", "1").exit_code == 0
    assert cli("build", "--content", content, "-o", tmp_path / "two", "-j", "2").exit_code == 0
    one, two = pdfs_under(tmp_path / "one"), pdfs_under(tmp_path / "two")
    assert [p.relative_to(tmp_path / "one") for p in one] == [p.relative_to(tmp_path / "two") for p in two]
    assert all(a.read_bytes() == b.read_bytes() for a, b in zip(one, two))
