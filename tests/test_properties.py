"""Property tests: any text, markup characters or Unicode give a PDF or a clear error, never a crash."""

import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from handouts.build import BuildRequest, build
from handouts.clinic import read_clinic
from handouts.errors import HandoutsError
from handouts.library import load_library
from handouts.model import Audience

from .conftest import FIXTURES

MARKUP = [*"<>&*_[]{}()#|:\\`!~@;'\"-+.=", "<b>", "</i>", "&amp;", ":::", "[@", "{parents:", "\n", "\n\n"]
TEXT = st.lists(st.one_of(st.text(max_size=12), st.sampled_from(MARKUP)), max_size=25).map("".join)
SETTINGS = settings(max_examples=int(__import__("os").environ.get("HYPOTHESIS_EXAMPLES", 40)), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _fresh_content() -> Path:
    folder = Path(tempfile.mkdtemp()) / "content"
    shutil.copytree(FIXTURES / "content", folder)
    return folder


def _build_or_clear_error(content: Path, out: Path, audience=Audience.ADULTS) -> None:
    try:
        library = load_library([content], shipped_content=False)
        built = build(library, BuildRequest(topics=("mini",), audiences=(audience,)), out)
    except HandoutsError as error:
        assert error.diagnostics, "an error must say what is wrong"
        for diagnostic in error.diagnostics:
            assert diagnostic.message and "\n" not in str(diagnostic)
        return
    assert built and built[0].path.read_bytes().startswith(b"%PDF-")


@SETTINGS
@given(body=TEXT)
@example(body="[@\x1e]")  # found by hypothesis: str.splitlines() broke the line at U+001E
def test_any_body_text(body):
    content = _fresh_content()
    path = content / "mini" / "en.md"
    path.write_text(path.read_text().replace("1. Run a warm bath.", body, 1))
    _build_or_clear_error(content, content.parent / "out")


@SETTINGS
@given(title=TEXT, message=TEXT)
def test_any_front_matter_values(title, message):
    content = _fresh_content()
    path = content / "mini" / "en.md"
    text = path.read_text().replace("title: Bathing and eczema", f"title: {title}", 1)
    path.write_text(text.replace("main_message: >-", f"main_message: {message}\nxx: >-", 1))
    _build_or_clear_error(content, content.parent / "out")


@SETTINGS
@given(name=TEXT, phone=TEXT)
def test_any_clinic_profile(name, phone):
    folder = Path(tempfile.mkdtemp())
    profile = folder / "clinic.toml"
    escaped = name.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    profile.write_text(f'name = "{escaped}"\nphone = {phone}\n')
    try:
        clinic = read_clinic(profile)
    except HandoutsError as error:
        assert error.diagnostics and all(d.span for d in error.diagnostics)
        return
    library = load_library([FIXTURES / "content"], shipped_content=False)
    try:
        (built,) = build(library, BuildRequest(topics=("mini",), audiences=(Audience.PARENTS,)),
                         folder / "out", clinic=clinic)
    except HandoutsError as error:  # for example a character the font cannot draw
        assert error.diagnostics
        return
    assert built.path.read_bytes().startswith(b"%PDF-")
