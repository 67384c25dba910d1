"""Every page a clinic prints holds up, whatever the profile: every shipped handout (and
packet, under the worst case), in every language, under four profiles (the example, the worst case a profile may hold, the
worst case without a logo, and none), on A4 and Letter, in normal and large print. Read back
from the PDFs with PDFium: page counts within limits, no character outside the margins or
over other text, and in large print no character under 16 pt."""

from __future__ import annotations

import dataclasses
import io
import os
import tomllib

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw
import pytest

from handouts import drawn
from handouts.build import BuildRequest, make_all, plan
from handouts.clinic import EXAMPLE
from handouts.library import load_library
from handouts.model import Clinic, PageSize
from handouts.quality import LARGE_PRINT_MAX_PAGES, MAX_PAGES, worst_case_clinic
from handouts.render.theme import build_theme

LIBRARY = load_library()


def example_clinic() -> Clinic:
    from PIL import Image

    fields = tomllib.loads(EXAMPLE)
    logo = io.BytesIO()
    Image.new("RGB", (400, 160), "#1c4a73").save(logo, "PNG")
    keep = ("name", "department", "address", "phone", "email", "website")
    return Clinic(**{key: fields[key] for key in keep}, logo=logo.getvalue(),
                  base_url="https://riverside.example/handouts")


PROFILES = {
    "example": example_clinic,
    "worst case": worst_case_clinic,
    "worst case, no logo": lambda: dataclasses.replace(worst_case_clinic(), logo=None),
    "none": lambda: None,
}


def smallest_character(document: pdfium.PdfDocument) -> float:
    sizes = [pdfium_raw.FPDFText_GetFontSize(text.raw, index)
             for page in document for text in [page.get_textpage()]
             for index in range(text.count_chars()) if text.get_text_range(index, 1).strip()]
    return min(sizes)


@pytest.mark.parametrize("large_print", [False, True], ids=["normal", "large print"])
@pytest.mark.parametrize("size", [PageSize.A4, PageSize.LETTER], ids=["A4", "Letter"])
@pytest.mark.parametrize("profile", list(PROFILES))
def test_every_handout_holds_on_the_page(profile, size, large_print):
    clinic = PROFILES[profile]()
    # packets repeat their topics' pages: drawn under the worst case only, to keep the suite quick
    request = BuildRequest(languages=tuple(LIBRARY.languages()), page_size=size, large_print=large_print,
                           include_preset_packets=profile == "worst case")
    jobs = plan(LIBRARY, request)
    made = make_all(LIBRARY, jobs, clinic, workers=os.cpu_count() or 1)
    margin = build_theme(LIBRARY.theme, large_print=large_print).margin
    limits = LARGE_PRINT_MAX_PAGES if large_print else MAX_PAGES
    problems = []
    for job, outputs in zip(jobs, made):
        data = outputs[".pdf"]
        name = f"{job.language}/{job.audience.value}/{job.name}"
        document = pdfium.PdfDocument(data)
        kind = None if job.packet else LIBRARY.topics[(job.topics[0], job.language)].meta.kind
        if kind and len(document) > limits[kind]:
            problems.append(f"{name}: {len(document)} pages, more than {limits[kind]}")
        if large_print and (smallest := smallest_character(document)) < 16:
            problems.append(f"{name}: a character at {smallest:g} pt in large print")
        problems += [f"{name}, page {p.page}: {p.message}" for p in drawn.problems(data, margin)]
    assert problems == [], f"{len(problems)} problems with profile '{profile}':\n" + "\n".join(problems[:30])


def test_the_layout_rule_sees_text_off_the_page_and_text_over_text():
    """The rule the matrix relies on fails where a reader would see a fault."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    canvas.setFont("Helvetica", 12)
    canvas.drawString(60, 700, "Inside the margins")
    canvas.drawString(300, 650, "This line runs on well past the right margin of an A4 page")
    canvas.drawString(60, 500, "Words printed here")
    canvas.drawString(66, 502, "and words on top")
    canvas.drawString(60, 8, "Too near the bottom edge")
    canvas.save()
    found = [p.message for p in drawn.problems(buffer.getvalue(), side_margin=45)]
    assert any("past the right margin" in m and "This line runs" in m for m in found)
    assert any("over other text" in m for m in found)
    assert any("bottom edge" in m for m in found)
    assert not any("Inside the margins" in m for m in found)


@pytest.mark.parametrize("large_print", [False, True])
def test_qr_codes_are_at_least_20_mm_with_their_quiet_zone(large_print):
    from reportlab.lib.units import mm

    from handouts.render.blocks import QUIET_ZONE, QrCode

    theme = build_theme(LIBRARY.theme, large_print=large_print)
    code = QrCode("https://www.newcastle-hospitals.nhs.uk/services/childrens-services/dermatology/leaflets"
                  "/fr/parents/packets/new-diagnosis-parents", theme.qr_size)
    symbol = code.module * len(code.modules)
    assert symbol >= 20 * mm - 0.01
    assert code.wrap(500, 500) == (symbol + 2 * QUIET_ZONE * code.module,) * 2


def test_a_theme_cannot_shrink_the_qr_code_below_20_mm(cli, content, tmp_path):
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "theme.yaml").write_text("masthead:\n  qr_size: 15\n", encoding="utf-8")
    result = cli("build", "--content", content, "--templates", templates, "-o", tmp_path / "out")
    assert result.exit_code == 1
    assert "theme.yaml:2" in result.output and "qr_size" in result.output
