"""Shared helpers: fixture content, PDF text extraction, a CLI runner."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pypdf
import pytest
from typer.testing import CliRunner

from handouts.cli import app

from .pdf_oracle import page_fonts

FIXTURES = Path(__file__).parent / "fixtures"
# The fixture topics were last checked on 2026-10-01 and are due on 2027-10-01;
# tests that use them judge review dates as on this day, inside that period, so
# they do not start failing when the real date passes. Tests of review dates
# themselves use `live_content`, with dates written relative to the real today.
FIXTURE_TODAY = dt.date(2026, 11, 30)


@pytest.fixture
def content(tmp_path: Path, monkeypatch) -> Path:
    """A private, editable copy of the fixture content folder (review dates judged on FIXTURE_TODAY)."""
    monkeypatch.setattr("handouts.review.today", lambda: FIXTURE_TODAY)
    target = tmp_path / "content"
    shutil.copytree(FIXTURES / "content", target)
    return target


@pytest.fixture
def live_content(tmp_path: Path) -> Path:
    """A copy of the fixture content judged against the real date: set its review dates yourself."""
    target = tmp_path / "live-content"
    shutil.copytree(FIXTURES / "content", target)
    return target


def pdf_text(path: Path) -> str:
    reader = pypdf.PdfReader(path)
    return "\n".join(page.extract_text() for page in reader.pages)


def pdf_fonts(path: Path) -> set[tuple[str, bool]]:
    """(font name, embedded?) for every font on every page."""
    return set().union(*(page_fonts(page) for page in pypdf.PdfReader(path).pages))


def files_under(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def pdfs_under(folder: Path) -> list[Path]:
    return [p for p in files_under(folder) if p.suffix == ".pdf"]


@pytest.fixture
def cli():
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(app, [str(a) for a in args])

    return invoke


TEST_CLINIC = {  # init's example values, each replaced: a profile still holding them is refused
    'name = "Riverside Children\'s Skin Clinic"': 'name = "Northgate Skin Clinic"',
    'department = "Paediatric dermatology"': 'department = "Children\'s skin service"',
    'address = "Riverside Hospital, 1 River Road, Leeds LS1 4AB"': 'address = "Northgate Hospital, 2 Mill Lane, York YO1 7AA"',
    'phone = "0113 496 0000"': 'phone = "0113 496 0999"',
    'email = "skin.clinic@riverside.example"': 'email = "skin@northgate.example"',
    'website = "https://riverside.example/skin"': 'website = "https://northgate.example/skin"',
    'require_approval = true': 'require_approval = false',
}


def clinic_profile_text(require_approval: bool = False, **values: str) -> str:
    """`handouts init`'s profile as a clinic would edit it; `values` set other keys (as TOML text)."""
    from handouts.clinic import EXAMPLE

    text = EXAMPLE
    for old, new in TEST_CLINIC.items():
        assert old in text, old
        text = text.replace(old, new)
    text = text.replace("require_approval = false", f"require_approval = {str(require_approval).lower()}")
    for key, value in values.items():
        text += f"\n{key} = {value}\n"
    return text


def wait_for_port(port: int, tries: int = 200) -> None:
    """Until a server on this computer accepts connections on `port` (10 s at most)."""
    import socket
    import time

    for _ in range(tries):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)


TRANSLATION_RECORD = """translated_from: "{version}"
translation:
  method: drafted by the editors; not yet reviewed by a qualified medical translator
  translator: the editors
  translated_on: 2026-11-30
"""


def translate(content: Path, topic: str, language: str = "fr") -> Path:
    """A copy of an English topic as a translation would start: the same text, a header in
    `language` with its translation record, and the language's strings and rule files."""
    import re

    for name in ("strings", "forbidden", "glossary"):
        if (content / f"{name}.en.yaml").exists() and not (content / f"{name}.{language}.yaml").exists():
            shutil.copy(content / f"{name}.en.yaml", content / f"{name}.{language}.yaml")
    english = (content / topic / "en.md").read_text(encoding="utf-8")
    version = re.search(r'^version: "?([^"\n]+)"?$', english, re.M).group(1)
    head, body = english.split("\n---\n", 1)
    path = content / topic / f"{language}.md"
    path.write_text(head.replace("language: en", f"language: {language}") + "\n"
                    + TRANSLATION_RECORD.format(version=version) + "---\n" + body, encoding="utf-8")
    return path


def run(*args: object) -> str:
    """Run a handouts command that must succeed; its output."""
    result = CliRunner().invoke(app, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return result.output


def forbidden_list(language: str):
    """The shipped forbidden advice of a language, as `handouts check` reads it."""
    from handouts.errors import Collector
    from handouts.library import load_library
    from handouts.quality import read_forbidden

    return read_forbidden(load_library(), language, Collector())


def flagged(forbidden, sentence: str) -> list[str]:
    """The names of the rules a sentence breaks, as the check reads it (none when it warns)."""
    return [rule.name for rule in forbidden.broken_by(sentence)]
