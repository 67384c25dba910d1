"""Input limits, one at a time: file types, sizes, encodings, YAML shapes, pages."""

from __future__ import annotations

import os

import pytest

from handouts import inputs
from handouts.errors import Collector
from handouts.library import load_yaml_mapping


def test_a_fifo_is_refused_without_opening_it(tmp_path):
    fifo = tmp_path / "en.md"
    os.mkfifo(fifo)
    with pytest.raises(inputs.InputProblem, match="pipe"):  # would block for ever if opened
        inputs.read_bytes(fifo, "topic")


def test_a_device_and_a_folder_are_refused(tmp_path):
    os.symlink("/dev/zero", tmp_path / "zero")
    with pytest.raises(inputs.InputProblem, match="device"):
        inputs.read_bytes(tmp_path / "zero", "topic")
    with pytest.raises(inputs.InputProblem, match="folder"):
        inputs.read_bytes(tmp_path, "yaml")


def test_a_link_out_of_its_folder_is_refused(tmp_path):
    (tmp_path / "outside.txt").write_text("secret")
    (tmp_path / "templates").mkdir()
    os.symlink(tmp_path / "outside.txt", tmp_path / "templates" / "about.md.j2")
    with pytest.raises(inputs.InputProblem, match="outside its folder"):
        inputs.read_bytes(tmp_path / "templates" / "about.md.j2", "template", root=tmp_path / "templates")
    os.symlink("about.md.j2", tmp_path / "templates" / "alias.md.j2")  # a link inside the folder is fine
    (tmp_path / "templates" / "about.md.j2").unlink()
    (tmp_path / "templates" / "about.md.j2").write_text("inside")
    assert inputs.read_bytes(tmp_path / "templates" / "alias.md.j2", "template", root=tmp_path / "templates") == b"inside"


def test_sizes_are_limited(tmp_path):
    big = tmp_path / "profile.toml"
    big.write_bytes(b"#" * (inputs.LIMITS["profile"] + 1))
    with pytest.raises(inputs.InputProblem, match="64 KB limit for a profile file"):
        inputs.read_bytes(big, "profile")


@pytest.mark.parametrize("data, line, code", [
    (b"a\nb\nc\nd\xff\n", 4, "file.encoding"),
    (b"a\nb\nc\nd\x00\n", 4, "file.nul"),
    (b"a\r\nb\r\nc\r\nd\x00\n", 4, "file.nul"),
])
def test_bad_bytes_are_named_by_line(data, line, code):
    with pytest.raises(inputs.InputProblem) as raised:
        inputs.decode(data)
    assert (raised.value.line, raised.value.code) == (line, code)


def test_bom_and_crlf_are_accepted():
    assert inputs.decode(b"\xef\xbb\xbf---\r\nid: x\r\n") == "---\nid: x\n"


@pytest.mark.parametrize("text, code", [
    ("a: &a [1,1,1,1,1,1,1,1,1,1]\n" + "".join(
        f"{n}: &{n} [{', '.join(['*' + p] * 10)}]\n" for p, n in zip("abcde", "bcdef")), "yaml.too-large"),
    ("x: &x [1, *x]\n", "yaml.recursive"),
    ("x: " + "[" * 50 + "]" * 50 + "\n", "yaml.too-deep"),
    ("no: 1\n", "yaml.key"),
    ("x:\n  on: 1\n", "yaml.key"),
    ("x:\n  a: 1\n  a: 2\n", "yaml.duplicate-key"),
])
def test_yaml_shapes_are_refused_before_they_are_built(text, code):
    collector = Collector()
    assert load_yaml_mapping(text, "f.yaml", collector) is None
    assert [d.code for d in collector.errors] == [code]


def test_a_handout_over_the_page_limit_is_refused(cli, content, tmp_path, monkeypatch):
    import handouts.render
    from handouts.rendered import PageFacts, Rendered

    facts = PageFacts(inputs.MAX_PAGES + 1, (595.3, 841.9), frozenset(), ())
    monkeypatch.setattr(handouts.render, "render", lambda document, theme, options: Rendered(b"%PDF-1.4", facts))
    out = tmp_path / "out"
    result = cli("build", "--content", content, "-o", out, "-t", "mini", "-a", "parents", "-j", "1")
    assert result.exit_code == 3, result.output
    assert f"over the limit of {inputs.MAX_PAGES}" in result.output
    assert not any(p.is_file() for p in out.rglob("*"))


def test_log_counts_stay_inside_sqlite_integers(tmp_path):
    import datetime as dt
    import sqlite3

    from handouts import distribution
    from handouts.errors import UsageError, WriteError

    db = tmp_path / "log.sqlite"
    with pytest.raises(UsageError, match="from 1 to"):
        distribution.record(db, dt.date(2026, 1, 1), "mini", "1", "en", "parents", 2**64)
    distribution.record(db, dt.date(2026, 1, 1), "mini", "1", "en", "parents", 1)
    with sqlite3.connect(db) as connection:  # a log written by something else, with a huge count
        connection.execute("INSERT INTO handed_out (day, topic, version, language, audience, count) "
                           "VALUES ('2026-01-02', 'mini', '1', 'en', 'parents', ?)", (2**63 - 1,))
    connection.close()
    with pytest.raises(WriteError, match="too large to add up"):
        distribution.totals(db)


def test_csv_cells_cannot_become_formulas():
    from handouts.distribution import Total, as_csv

    text = as_csv([Total("=HYPERLINK(\"http://x\")", "+1", "-1", "@SUM(A1)", 3), Total("\tx", "\ry", "en", "ok", 1)])
    assert "'=HYPERLINK" in text and "'+1" in text and "'-1" in text and "'@SUM" in text
    assert "'\tx" in text and "'\ry" in text and ",ok," in text
