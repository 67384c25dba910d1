"""The command line's contract, over generated front matter, profile values and Markdown.

Whatever the input: exit 0 with valid PDFs whose hashes the manifest records,
or exit 1-4 with at most three lines, no traceback and no file written. Never
an internal error.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from handouts.cli import app

from .conftest import FIXTURES

SETTINGS = settings(max_examples=int(os.environ.get("HYPOTHESIS_EXAMPLES", 12)), deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

YAML_VALUES = st.one_of(
    st.text(max_size=20).map(json.dumps),  # a quoted string, any character
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=15),  # unquoted, raw
    st.sampled_from(["yes", "no", "on", "~", "null", "1e400", "0x1F", "2026-02-30", "[a, [b]]", "{a: 1}",
                     "&x [1, *x]", "*nope", "!!python/object:os.system ls", "!!binary aGk=", "'", '"',
                     "[", "{", "|\n  block", ">-\n  folded", "- item", "\ufeff", "\x00", "\t", "?", "%TAG",
                     "2026-01-01", "1.0", "[parents, parents]", "[]", "[clinicians]", "[alpha2020, nope]"]),
    st.integers(min_value=-2**70, max_value=2**70).map(str),
)
FIELDS = ["id", "kind", "title", "main_message", "audiences", "language", "version", "last_reviewed",
          "next_review_due", "reviewer", "references", "fill_in", "yes", "on", "1", "\"quoted\"", "x y"]
MARKUP = [*list("<>&*_[]{}()#|:\\`!~@;'\"-+.="), "<b>", "</i>", "&amp;", ":::", "[@", "{parents:", "\n", "\n\n", "| a | b |\n|---|---|\n", "- [ ] ", "1. ", "\x00", "\ufeff", "\u202e", "[/]", "{{ x }}", "{% include 'x' %}"]
MARKDOWN = st.lists(st.one_of(st.text(max_size=12), st.sampled_from(MARKUP)), max_size=25).map("".join)
TOML_VALUES = st.one_of(
    st.text(max_size=30).map(json.dumps),
    st.integers(min_value=-2**64, max_value=2**64).map(str),
    st.sampled_from(["true", "[1, 2]", "{ a = 1 }", '"#ffffff"', '"#000000"', '"letter"', '"xx"',
                     '"https://example.org/\\n"', '"https://example.org/ a"', '"logo.png"', '"/dev/zero"',
                     '"../../etc/passwd"', '"https://' + "a" * 400 + '"', '"\\u0000"', "1979-05-27", "nan",
                     '"[/] [bold]x"', '"{{ clinic }}"', '"**bold**"']),
)
PROFILE_KEYS = ["name", "department", "address", "phone", "email", "website", "feedback", "alternative_formats",
                "base_url", "emergency_number", "logo", "accent_colour", "default_language", "default_page_size",
                "log", "unknown"]


def _project() -> Path:
    folder = Path(tempfile.mkdtemp())
    shutil.copytree(FIXTURES / "content", folder / "content")
    return folder


def _assert_contract(folder: Path, *extra: str) -> None:
    out = folder / "out"
    result = CliRunner().invoke(app, ["build", "--content", str(folder / "content"), "-o", str(out), "-t", "mini",
                                      "-a", "adults", "-j", "1", *extra])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"internal error: {result.exception!r}") from result.exception
    output = result.output
    if os.environ.get("CONTRACT_LOG"):
        with open(os.environ["CONTRACT_LOG"], "a") as log:
            log.write(f"{result.exit_code} {output.strip().splitlines()[-1:]!r}\n")
    assert "Traceback" not in output
    if result.exit_code == 0:
        manifest = json.loads((out / "manifest.json").read_text())
        for item in manifest["files"]:
            data = (out / item["file"]).read_bytes()
            assert data.startswith(b"%PDF-") and hashlib.sha256(data).hexdigest() == item["sha256"]
    else:
        assert 1 <= result.exit_code <= 4, output
        assert 1 <= len(output.strip().splitlines()) <= 3, output
        assert not out.exists(), output  # not even an empty folder
    shutil.rmtree(folder)


@SETTINGS
@given(field=st.sampled_from(FIELDS), value=YAML_VALUES)
def test_any_front_matter_value(field, value):
    folder = _project()
    topic = folder / "content" / "mini" / "en.md"
    lines = topic.read_text(encoding="utf-8").split("\n")
    replaced = [i for i, line in enumerate(lines[1:14], start=1) if line.startswith(f"{field}:")]
    line = f"{field}: {value}"
    if replaced:
        lines[replaced[0]] = line
    else:
        lines.insert(3, line)
    topic.write_text("\n".join(lines), encoding="utf-8")
    _assert_contract(folder)


@SETTINGS
@given(key=st.sampled_from(PROFILE_KEYS), value=TOML_VALUES)
def test_any_profile_value(key, value):
    folder = _project()
    profile = folder / "profile.toml"
    base = {"name": '"Riverside Clinic"'}
    base[key] = value
    profile.write_text("".join(f"{k} = {v}\n" for k, v in base.items()), encoding="utf-8")
    _assert_contract(folder, "--clinic", str(profile))


@SETTINGS
@given(body=MARKDOWN)
def test_any_markdown(body):
    folder = _project()
    topic = folder / "content" / "mini" / "en.md"
    text = topic.read_text(encoding="utf-8")
    topic.write_text(text.replace("## What to do", body + "\n\n## What to do", 1), encoding="utf-8")
    _assert_contract(folder)
