"""What a reader sees in the PDF: text, wording per audience, pages, fonts, metadata."""

from pathlib import Path

import pypdf
import pytest

from handouts.build import BuildRequest, build
from handouts.library import load_library
from handouts.model import Audience, PageSize

from .conftest import pdf_fonts, pdf_text

POINTS_PER_MM = 72 / 25.4


@pytest.fixture
def library(content):
    return load_library([content], shipped_content=False)


def build_one(library, out: Path, audience: Audience, page_size=PageSize.A4, topic="mini") -> Path:
    request = BuildRequest(topics=(topic,), audiences=(audience,), page_size=page_size)
    (built,) = build(library, request, out)
    return built.path


def test_parent_handout_text(library, tmp_path):
    path = build_one(library, tmp_path, Audience.PARENTS)
    assert path == (tmp_path / "en" / "parents" / "mini.pdf").resolve()
    text = pdf_text(path)
    assert "Bathing and eczema" in text
    assert "Short warm baths and a thick moisturiser help your child's skin." in " ".join(text.split())
    assert "PARENT-ONLY" in text
    assert "ADULT-ONLY" not in text and "CLINICIAN-ONLY" not in text
    assert "Pat your child's skin dry." in text
    assert "For parents and carers" in text
    for fixed in ("What we know", "What we don't know yet", "Questions to ask your doctor",
                  "Staying safe", "References", "It does not replace advice"):
        assert fixed in text, fixed


def test_adult_and_clinician_wording(library, tmp_path):
    adult = pdf_text(build_one(library, tmp_path, Audience.ADULTS))
    assert "ADULT-ONLY" in adult and "PARENT-ONLY" not in adult
    assert "your child" not in adult
    clinician = pdf_text(build_one(library, tmp_path, Audience.CLINICIANS))
    assert "CLINICIAN-ONLY" in clinician and "Evidence summary for clinicians" in clinician


def test_references_are_numbered_in_citation_order(library, tmp_path):
    text = pdf_text(build_one(library, tmp_path, Audience.PARENTS))
    assert "itchy skin [1]" in text and "Baths are safe [2]" in text
    references = text[text.rindex("References"):]
    assert "1. Alpha A, et al. J Skin 2020. doi:10.1000/alpha" in references  # short: the DOI finds it
    assert "2. Beta B. Skin Rev 2021. PMID 123456" in references


def test_clinicians_get_full_references(library, tmp_path):
    text = pdf_text(build_one(library, tmp_path, Audience.CLINICIANS))
    references = text[text.rindex("References"):]
    assert "Alpha A, et al. A study of baths. J Skin 2020. doi:10.1000/alpha" in references


def test_footer_on_every_page(library, tmp_path):
    reader = pypdf.PdfReader(build_one(library, tmp_path, Audience.PARENTS))
    total = len(reader.pages)
    for number, page in enumerate(reader.pages, start=1):
        text = " ".join(page.extract_text().split())
        assert f"Page {number} of {total}" in text
        assert "mini · version 2.1 · last reviewed 1 October 2026 · next review due 1 October 2027" in text


@pytest.mark.parametrize("page_size, width_mm, height_mm", [(PageSize.A4, 210, 297),
                                                            (PageSize.LETTER, 215.9, 279.4)])
def test_page_size(library, tmp_path, page_size, width_mm, height_mm):
    reader = pypdf.PdfReader(build_one(library, tmp_path, Audience.PARENTS, page_size))
    for page in reader.pages:
        assert float(page.mediabox.width) == pytest.approx(width_mm * POINTS_PER_MM, abs=0.5)
        assert float(page.mediabox.height) == pytest.approx(height_mm * POINTS_PER_MM, abs=0.5)


def test_every_font_is_embedded(library, tmp_path):
    built = build(library, BuildRequest(include_preset_packets=True), tmp_path)
    assert len(built) == 3 + 2 + 2  # mini x3, kit x2, starter packet x2
    for item in built:
        fonts = pdf_fonts(item.path)
        assert fonts, item.path
        assert all(embedded for _, embedded in fonts), (item.path, fonts)
        assert not any("Helvetica" in name or "Times" in name for name, _ in fonts)


def test_metadata(library, tmp_path):
    reader = pypdf.PdfReader(build_one(library, tmp_path, Audience.ADULTS))
    assert reader.metadata.title == "Bathing and eczema"
    assert reader.metadata.subject == "Short warm baths and a thick moisturiser help your skin."
    assert reader.metadata.author == "Eczema and the gut: patient information"
    assert reader.trailer["/Root"]["/Lang"] == "en"
    assert [entry["/Title"] for entry in reader.outline if isinstance(entry, dict)] == ["Bathing and eczema"]


def test_same_input_gives_identical_bytes(library, tmp_path, monkeypatch):
    """The reproducible-builds convention: with SOURCE_DATE_EPOCH set, builds match byte for byte."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764460800")  # 30 November 2025
    first = build_one(library, tmp_path / "one", Audience.PARENTS).read_bytes()
    second = build_one(library, tmp_path / "two", Audience.PARENTS).read_bytes()
    assert first == second
    assert pypdf.PdfReader(tmp_path / "one" / "en" / "parents" / "mini.pdf").metadata["/CreationDate"] \
        .startswith("D:20251130")


def test_a_pdf_is_dated_the_day_it_was_built(library, tmp_path, monkeypatch):
    import datetime as dt

    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    before = dt.datetime.now(dt.UTC).date()
    created = pypdf.PdfReader(build_one(library, tmp_path, Audience.PARENTS)).metadata["/CreationDate"]
    after = dt.datetime.now(dt.UTC).date()
    assert created[2:10] in (before.strftime("%Y%m%d"), after.strftime("%Y%m%d"))


def test_packet_has_contents_bookmarks_and_one_reference_list(library, tmp_path):
    request = BuildRequest(packet="starter", audiences=(Audience.PARENTS,))
    (built,) = build(library, request, tmp_path)
    assert built.path == (tmp_path / "en" / "parents" / "packets" / "starter.pdf").resolve()
    reader = pypdf.PdfReader(built.path)
    outline = [entry["/Title"] for entry in reader.outline if isinstance(entry, dict)]
    assert outline == ["Contents", "Bathing and eczema", "Bath diary", "References"]
    contents_page = reader.pages[0].extract_text().splitlines()
    assert "Starter pack" in contents_page and "Contents" in contents_page
    entries = [entry for entry in reader.outline if isinstance(entry, dict)]
    for entry in entries[1:]:  # the contents page gives the page each title starts on, after the title
        title, start = entry["/Title"], reader.get_destination_page_number(entry) + 1
        assert title in reader.pages[start - 1].extract_text()
        assert contents_page[contents_page.index(title) + 1] == str(start), (title, start)
    after_contents = "\n".join(page.extract_text() for page in reader.pages[1:])
    assert after_contents.count("References") == 1
    assert "1. Alpha A, et al." in after_contents
