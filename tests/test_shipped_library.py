"""The library that ships with handouts, read back from the PDFs a clinic would print."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pypdf
import pytest
from typer.testing import CliRunner

from handouts.cli import app
from handouts.library import load_library
from handouts.model import Audience

from .conftest import pdf_fonts, pdf_text, pdfs_under, run

LIBRARY = load_library()
TOPICS = sorted({topic_id for topic_id, _ in LIBRARY.topics})
PATIENTS = (Audience.PARENTS, Audience.ADULTS)
LETTER = (612.0, 792.0)


@pytest.fixture(scope="module")
def default_build(tmp_path_factory) -> Path:
    """`handouts build` with no options but the output folder."""
    out = tmp_path_factory.mktemp("default") / "output"
    run("build", "-o", out)
    return out


def test_the_library_passes_its_own_check():
    result = CliRunner().invoke(app, ["check"])
    assert result.exit_code == 0, result.output
    assert "probiotics" in result.output and "fail" not in result.output.split("└")[0].split("┡")[-1]


def test_default_build_makes_every_topic_for_every_audience_and_the_packets(default_build):
    expected = {f"en/{audience.value}/{topic_id}.pdf"
                for (topic_id, _), topic in LIBRARY.topics.items() for audience in topic.meta.audiences}
    expected |= {f"en/{audience.value}/packets/{name}.pdf"
                 for name, packet in LIBRARY.packets.items() for audience in packet.audiences}
    built = {p.relative_to(default_build).as_posix() for p in pdfs_under(default_build)}
    assert built == expected
    assert {"gut-skin-axis", "dysbiosis", "diet", "probiotics", "tests", "get-help",
            "action-plan", "food-diary", "visit-questions"} <= set(TOPICS)
    assert {"new-diagnosis-parents", "new-diagnosis-adults"} <= set(LIBRARY.packets)


def test_probiotics_for_parents_on_letter(tmp_path):
    """The pipeline issue's example: one US Letter PDF, parent wording, no adult-only passage."""
    out = tmp_path / "out"
    run("build", "--topic", "probiotics", "--audience", "parents", "--page-size", "letter", "--out", out)
    [pdf] = pdfs_under(out)
    assert pdf == out / "en" / "parents" / "probiotics.pdf"
    reader = pypdf.PdfReader(pdf)
    assert all((float(p.mediabox.width), float(p.mediabox.height)) == LETTER for p in reader.pages)
    text = _flat(pdf_text(pdf))
    assert LIBRARY.topics[("probiotics", "en")].meta.title in text
    assert "your child" in text.lower()
    assert "For adults with eczema" not in text and "Evidence summary for clinicians" not in text
    source = (Path(LIBRARY.topics[("probiotics", "en")].meta.span.path)).read_text()
    passages = _passages_only_for(source, "clinicians")
    assert passages, "probiotics has a clinician-only passage"
    assert not [p for p in passages if p in _words(text)]
    clinician_text = _words(_flat(pdf_text(_build_one(tmp_path, "probiotics", "clinicians"))))
    assert all(p in clinician_text for p in passages)  # the passages are found where they belong


@pytest.mark.parametrize("topic_id", TOPICS)
def test_audience_wording_swaps(default_build, topic_id):
    """Each `{parents: x | adults: y}` prints x to parents and y to adults, in its sentence."""
    topic = LIBRARY.topics[(topic_id, "en")]
    source = Path(topic.meta.span.path).read_text()
    swaps = re.findall(r"(\w+ )\{parents: ([^|}]+?) \| adults(?:, clinicians)?: ([^|}]+?)\}( \w+)", source)
    texts = {a: _flat(pdf_text(default_build / "en" / a.value / f"{topic_id}.pdf")) for a in PATIENTS
             if a in topic.meta.audiences}
    if len(texts) < 2:
        pytest.skip("one patient audience only")
    for before, parents, adults, after in swaps:
        for audience, mine, theirs in ((Audience.PARENTS, parents, adults), (Audience.ADULTS, adults, parents)):
            assert f"{before}{mine}{after}" in texts[audience], (audience, mine)
            if theirs not in mine:
                assert f"{before}{theirs}{after}" not in texts[audience], (audience, theirs)


@pytest.mark.parametrize("topic_id", TOPICS)
def test_every_patient_handout_names_its_references_and_review(default_build, topic_id):
    topic = LIBRARY.topics[(topic_id, "en")]
    for audience in topic.meta.audiences:
        pdf = default_build / "en" / audience.value / f"{topic_id}.pdf"
        text = _flat(pdf_text(pdf))
        assert topic.meta.title in text
        assert "References" in text and re.search(r"\b1\.\s+\w", text.split("References")[-1])
        assert f"v{topic.meta.version}" in text  # the footer: "diet · v2.0 · checked ..."
        assert re.search(r"Page 1 of \d", text)
        assert all(embedded for _, embedded in pdf_fonts(pdf))


@pytest.mark.parametrize("audience", list(Audience))
def test_probiotics_warns_about_premature_babies_and_weak_immune_systems(default_build, audience):
    text = _flat(pdf_text(default_build / "en" / audience.value / "probiotics.pdf")).lower()
    assert re.search(r"premature|preterm", text)
    assert "hospital" in text
    assert "immune" in text


def test_no_patient_handout_gives_the_flagged_advice(default_build):
    """Minerals after antibiotics; cutting out milk or gluten without a diagnosis."""
    for pdf in pdfs_under(default_build / "en"):
        for sentence in _sentences(_flat(pdf_text(pdf))):
            lower = sentence.lower()
            warns = re.search(r"\b(not|never|no|don't|avoid|without|only)\b", lower)
            if re.search(r"\b(iron|manganese|copper|minerals?)\b", lower) and "antibiotic" in lower:
                assert warns, f"{pdf.name}: {sentence}"
            if re.search(r"\b(cut|stop|remove)\b.*\b(milk|dairy|gluten)\b", lower):
                assert warns, f"{pdf.name}: {sentence}"


@pytest.mark.parametrize("topic_id", ["action-plan", "get-help", "symptom-tracker", "visit-questions"])
def test_tools_fit_on_one_page(default_build, topic_id):
    for audience in LIBRARY.topics[(topic_id, "en")].meta.audiences:
        assert len(pypdf.PdfReader(default_build / "en" / audience.value / f"{topic_id}.pdf").pages) == 1


def test_the_food_diary_is_a_page_of_instructions_then_a_page_a_week(default_build):
    """Each week's page holds its seven days, in rows tall enough to write in (20 mm or more)."""
    for audience in ("parents", "adults"):
        reader = pypdf.PdfReader(default_build / "en" / audience / "food-diary.pdf")
        assert len(reader.pages) == 3
        first, *weeks = (_flat(page.extract_text()) for page in reader.pages)
        assert "When to get help" in first and "How to use this diary" in first
        for week, days in zip(weeks, (range(1, 8), range(8, 15))):
            assert "What was eaten and drunk" in week
            assert all(f" {day} " in f" {week} " for day in days)
        rows = _row_heights(reader.pages[1])
        assert len(rows) == 6 and min(rows) >= 20 * 72 / 25.4 - 0.5, rows


def _row_heights(page) -> list[float]:
    """Gaps between the y positions of the day numbers (1 to 7) down the first week's page."""
    found: dict[str, list[float]] = {}

    def visit(text, cm, tm, font, size):
        if text.strip() in {str(d) for d in range(1, 8)}:
            found.setdefault(text.strip(), []).append(tm[5] * cm[3] + cm[5])
    page.extract_text(visitor_text=visit)
    ys: list[float] = []
    for day in range(1, 8):  # each day's number is the highest one below the day before
        below = [y for y in found.get(str(day), []) if not ys or y < ys[-1]]
        if below:
            ys.append(max(below))
    return [a - b for a, b in itertools.pairwise(ys)]


def test_action_plan_zones_are_named_in_words(default_build):
    text = _flat(pdf_text(default_build / "en" / "parents" / "action-plan.pdf"))
    for zone in ("Green zone", "Yellow zone", "Red zone"):
        assert zone in text
    assert "____" in text  # blanks for the clinician


def test_packet_for_new_diagnosis_has_a_bookmark_per_topic(default_build):
    pdf = default_build / "en" / "parents" / "packets" / "new-diagnosis-parents.pdf"
    reader = pypdf.PdfReader(pdf)
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    for topic_id in LIBRARY.packets["new-diagnosis-parents"].topics:
        assert LIBRARY.topics[(topic_id, "en")].meta.title in titles


def _passages_only_for(source: str, audience: str) -> list[str]:
    """The first words of each table cell and line inside `::: only <audience>` blocks."""
    passages = []
    for block in re.findall(rf"^(:{{3,}}) only {audience}\n(.*?)^\1\s*$", source, re.M | re.S):
        for piece in re.split(r"\||\n", block[1]):
            words = _words(re.sub(r"\[@[^\]]*\]", " ", piece)).split()
            if len(words) >= 3:
                passages.append(" ".join(words[:3]))
    return passages


def _words(text: str) -> str:
    """Text as plain words, so that source and PDF compare without markup or punctuation."""
    return " ".join(re.sub(r"[^\w\s']", " ", text).split())


def _build_one(tmp_path: Path, topic_id: str, audience: str) -> Path:
    out = tmp_path / audience
    run("build", "-t", topic_id, "-a", audience, "-o", out)
    return out / "en" / audience / f"{topic_id}.pdf"


def _flat(text: str) -> str:
    """PDF text with lines joined, so that sentences read as printed."""
    return re.sub(r"\s+", " ", text.replace("-\n", "-"))


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+", text) if len(s.split()) >= 4]


def test_default_build_claims_no_review_and_says_sample_on_every_page(default_build):
    """No profile: no 'Reviewed by' claim anywhere, and every page of every PDF says it is a sample."""
    for pdf in pdfs_under(default_build):
        pages = [_flat(page.extract_text()) for page in pypdf.PdfReader(pdf).pages]
        assert not any("reviewed by" in page.lower() for page in pages), pdf
        assert all("Sample: not approved for use by any clinic" in page for page in pages), pdf
    probiotics = _flat(pdf_text(default_build / "en" / "parents" / "probiotics.pdf"))
    assert "Evidence checked by the handouts editors on" in probiotics


def test_every_pdf_of_the_default_build_passes_pdf_ua_1(default_build):
    import page

    pdfs = sorted(default_build.rglob("*.pdf"))
    assert len(pdfs) > 20
    failed = {str(pdf.relative_to(default_build)): sorted({f.rule_id for f in page.validate_pdf(pdf, profile="ua1").failures})
              for pdf in pdfs}
    assert {name: rules for name, rules in failed.items() if rules} == {}


def test_no_character_runs_past_the_margins(default_build):
    """Read from what was drawn: every character of every PDF lies inside the page's side margins
    (a long reference URL used to run off the right edge of clinicians' summaries)."""
    import pypdfium2 as pdfium

    from handouts.render.theme import build_theme

    margin = build_theme(LIBRARY.theme).margin
    outside = []
    for pdf in pdfs_under(default_build):
        document = pdfium.PdfDocument(pdf)
        for number in range(len(document)):
            page = document[number]
            width, text = page.get_width(), page.get_textpage()
            for index in range(text.count_chars()):
                left, _, right, _ = text.get_charbox(index)
                if text.get_text_range(index, 1).strip() and (left < margin - 1 or right > width - margin + 1):
                    outside.append(f"{pdf.relative_to(default_build)} page {number + 1}: "
                                   f"{text.get_text_range(max(0, index - 20), 40)!r}")
                    break
    assert outside == []


def test_a_long_trust_name_stays_inside_the_page(tmp_path):
    """A real NHS trust name and department wrap in the header instead of running off the page."""
    import pypdfium2 as pdfium

    profile = tmp_path / "trust.toml"
    profile.write_text(
        'name = "Great North Children\'s Hospital, Newcastle upon Tyne Hospitals NHS Foundation Trust"\n'
        'department = "Department of Paediatric Dermatology and Allergy"\n'
        'phone = "0191 000 0000"\n', encoding="utf-8")
    for size in ("a4", "letter"):
        out = tmp_path / size
        run("build", "-t", "diet", "-a", "parents", "--page-size", size, "--clinic", profile, "-o", out)
        page = pdfium.PdfDocument(out / "en" / "parents" / "diet.pdf")[0]
        width, height, text = page.get_width(), page.get_height(), page.get_textpage()
        boxes = [text.get_charbox(i) for i in range(text.count_chars()) if text.get_text_range(i, 1).strip()]
        assert all(left > 0 and right < width and top < height for left, _, right, top in boxes), size
        assert "Newcastle upon Tyne" in text.get_text_range()
