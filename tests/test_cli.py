"""The command line: building, listing, checking, and one clear line for each mistake."""

import json
from pathlib import Path

import pypdf
import pytest

from .conftest import files_under, pdf_text, pdfs_under


def test_build_one_letter_handout(cli, content, tmp_path):
    out = tmp_path / "out"
    result = cli("build", "--content", content, "--topic", "mini", "--audience", "parents",
                 "--page-size", "letter", "--out", out)
    assert result.exit_code == 0, result.output
    (pdf,) = pdfs_under(out)
    assert pdf == out / "en" / "parents" / "mini.pdf"
    page = pypdf.PdfReader(pdf).pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (612, 792)
    text = pdf_text(pdf)
    assert "Bathing and eczema" in text and "PARENT-ONLY" in text and "ADULT-ONLY" not in text


def test_build_ad_hoc_packet(cli, content, tmp_path):
    out = tmp_path / "out"
    result = cli("build", "--content", content, "-t", "mini", "-t", "kit", "-a", "adults",
                 "--packet", "bath-time", "-o", out)
    assert result.exit_code == 0, result.output
    assert pdfs_under(out) == [out / "en" / "adults" / "packets" / "bath-time.pdf"]


def test_list_json(cli, content):
    result = cli("list", "--json", "--content", content)
    assert result.exit_code == 0, result.output
    listing = json.loads(result.output)
    mini = next(t for t in listing["topics"] if t["id"] == "mini")
    assert mini == {"id": "mini", "title": "Bathing and eczema", "kind": "topic",
                    "audiences": ["parents", "adults", "clinicians"], "languages": ["en"],
                    "editions": [{"language": "en", "title": "Bathing and eczema", "version": "2.1"}],
                    "version": "2.1", "last_reviewed": "2026-10-01", "next_review_due": "2027-10-01",
                    "review": "current", "review_detail": "current"}
    assert "starter" in listing["packets"]


def test_list_table(cli, content):
    result = cli("list", "--content", content)
    assert result.exit_code == 0 and "Bathing and eczema" in result.output


def test_help_has_an_example_for_every_command(cli):
    for command in ("build", "list", "check"):
        result = cli(command, "--help")
        assert result.exit_code == 0 and "Example: handouts" in result.output, command


def edit(path: Path, old: str, new: str) -> None:
    path.write_text(path.read_text().replace(old, new, 1))


BAD_INPUT = [
    # (what, edit to make or None, extra CLI args, exit code, text the one line must hold)
    ("unknown topic", None, ["-t", "probiotic-pills"], 2, "unknown topic 'probiotic-pills'; choose from:"),
    ("unknown audience", None, ["-a", "grandparents"], 2, "grandparents"),
    ("unknown language", None, ["-l", "xx"], 2, "no content in language 'xx'"),
    ("unknown packet", None, ["--packet", "nope"], 2, "unknown packet 'nope'"),
    ("audience the topic lacks", None, ["-t", "kit", "-a", "clinicians"], 2,
     "topic 'kit' has no clinicians version"),
    ("malformed front matter", ("mini/en.md", "title: Bathing and eczema", "title: [Bathing"), [], 1,
     "mini/en.md:5: error: this is not valid YAML"),
    ("missing required field", ("mini/en.md", "evidence_checked_by: the handouts editors\n", ""), [], 1,
     "mini/en.md:1: error: the header has no 'evidence_checked_by'"),
    ("old field name", ("mini/en.md", "evidence_checked_by: the handouts editors", "reviewer: Dermatologist"), [], 1,
     "mini/en.md:12: error: 'reviewer' is now called 'evidence_checked_by'"),
    ("unknown reference key", ("mini/en.md", "[@beta2021]", "[@zeta1999]"), [], 1,
     "mini/en.md:31: error: [@zeta1999] is cited but not in this topic's 'references:' list"),
]


@pytest.mark.parametrize("what, change, args, code, message", BAD_INPUT, ids=[c[0] for c in BAD_INPUT])
def test_bad_input_gets_one_clear_line(cli, content, tmp_path, what, change, args, code, message):
    if change:
        edit(content / change[0], change[1], change[2])
    out = tmp_path / "out"
    result = cli("build", "--content", content, "-o", out, *args)
    assert result.exit_code == code, result.output
    assert message in result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert files_under(out) == []


def test_content_error_lines_are_one_per_problem(cli, content, tmp_path):
    edit(content / "mini" / "en.md", "kind: topic", "kind: leaflet")
    edit(content / "kit" / "en.md", "version: \"1.0\"\n", "")
    result = cli("build", "--content", content, "-o", tmp_path / "out")
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert result.exit_code == 1
    assert len(lines) == 2, lines
    assert all(": error: " in line and line.rstrip().endswith("]") for line in lines)


@pytest.mark.parametrize("template, expected", [
    ("{% if %}broken", "handout.md.j2:1: error:"),
    ("# {{ topic.no_such_field }}\n", "handout.md.j2:1: error:"),
])
def test_template_error_names_the_template_line(cli, content, tmp_path, template, expected):
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "handout.md.j2").write_text(template)
    out = tmp_path / "out"
    result = cli("build", "--content", content, "--templates", templates, "-t", "mini", "-o", out)
    assert result.exit_code == 1, result.output
    assert expected in result.output and "fix the template" in result.output
    assert files_under(out) == []


def test_earlier_pdfs_survive_a_failed_build(cli, content, tmp_path):
    out = tmp_path / "out"
    assert cli("build", "--content", content, "-t", "mini", "-a", "parents", "-o", out).exit_code == 0
    before = (out / "en" / "parents" / "mini.pdf").read_bytes()
    edit(content / "mini" / "en.md", "title: Bathing and eczema", "title: [Bathing")
    assert cli("build", "--content", content, "-t", "mini", "-a", "parents", "-o", out).exit_code == 1
    assert (out / "en" / "parents" / "mini.pdf").read_bytes() == before
    assert files_under(out) == [out / "en" / "parents" / "mini.pdf", out / "manifest.json"]


def test_unwritable_output_folder(cli, content, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = cli("build", "--content", content, "-t", "mini", "-o", blocker / "out")
    assert result.exit_code == 4, result.output
    assert "cannot write here" in result.output and "Traceback" not in result.output


def test_clinic_text_prints_exactly(cli, content, tmp_path):
    edit(content / "strings.en.yaml", 'publisher: "Eczema and the gut: patient information"',
         'publisher: "Dr O\'Brien & Partners <Skin> Clinic *1*"')
    out = tmp_path / "out"
    assert cli("build", "--content", content, "-t", "mini", "-a", "adults", "-o", out).exit_code == 0
    text = pdf_text(out / "en" / "adults" / "mini.pdf")
    assert "Dr O'Brien & Partners <Skin> Clinic *1*" in text


def test_a_broken_topic_blocks_only_builds_that_include_it(cli, content, tmp_path):
    kit = content / "kit" / "en.md"
    kit.write_text(kit.read_text().replace("[@alpha2020]", "[@nobody1999]"))
    out = tmp_path / "out"
    alone = cli("build", "--content", content, "-t", "mini", "-a", "parents", "-o", out)
    assert alone.exit_code == 0, alone.output
    assert pdfs_under(out) == [out / "en" / "parents" / "mini.pdf"]
    other = tmp_path / "other"
    for args in (["build", "-o", other], ["build", "-t", "kit", "-o", other], ["check"]):
        result = cli(*args, "--content", content)
        assert result.exit_code == 1, result.output
        assert "kit/en.md:26: error: [@nobody1999] is cited but not in this topic's 'references:' list" in result.output
    assert not (tmp_path / "other").exists()
