"""Shared helpers: fixture content, PDF text extraction, a CLI runner."""

from __future__ import annotations

import shutil
from pathlib import Path

import pypdf
import pytest
from typer.testing import CliRunner

from handouts.cli import app
from handouts.pdfinfo import page_fonts

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """A private, editable copy of the fixture content folder."""
    target = tmp_path / "content"
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
