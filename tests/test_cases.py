"""Each folder in tests/cases is one case: the files a user would give the command
line (content/, templates/, profile.toml) and expect.yaml, which says what is run
and what the user must see.

expect.yaml:
  run: [check, --content, "{case}/content", -t, advice]   # CLI arguments; {case}, {out}
  exit: 1                      # the exit code
  output: ["...:12: error:"]   # text the output (stdout and stderr) must contain
  not_output: ["Traceback"]    # text it must not contain (a traceback never may)
  max_lines: 3                 # at most this many lines of output
  written: false               # whether any file may be written under {out}
  text:                        # files under {out} and text a reader must find in them
    en/parents/advice.pdf: ["..."]
  not_text:
    en/parents/advice.pdf: ["..."]
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from .conftest import files_under, pdf_text

CASES = Path(__file__).parent / "cases"
NAMES = sorted(p.name for p in CASES.iterdir() if (p / "expect.yaml").is_file())


def _text(path: Path) -> str:
    return pdf_text(path) if path.suffix == ".pdf" else path.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", NAMES)
def test_case(name, cli, tmp_path):
    case = CASES / name
    expect = yaml.safe_load((case / "expect.yaml").read_text(encoding="utf-8"))
    out = tmp_path / "out"
    args = [str(a).format(case=case.relative_to(Path.cwd()) if case.is_relative_to(Path.cwd()) else case,
                          out=out) for a in expect["run"]]
    result = cli(*args)
    output = result.output
    assert result.exit_code == expect.get("exit", 0), output
    assert "Traceback" not in output
    for wanted in expect.get("output", []):
        assert wanted in output, f"{wanted!r} not in:\n{output}"
    for unwanted in expect.get("not_output", []):
        assert unwanted not in output
    if "max_lines" in expect:
        assert len(output.strip().splitlines()) <= expect["max_lines"], output
    if expect.get("written") is False:
        assert files_under(out) == []
    for file, texts in expect.get("text", {}).items():
        found = " ".join(_text(out / file).split())
        for wanted in texts:
            assert " ".join(wanted.split()) in found, f"{wanted!r} not in {file}"
    for file, texts in expect.get("not_text", {}).items():
        found = " ".join(_text(out / file).split())
        for unwanted in texts:
            assert " ".join(unwanted.split()) not in found, f"{unwanted!r} in {file}"
