"""The web edition in a real Chromium: it prints like our PDF, reflows at 320 px, and axe-core
finds nothing wrong with it.

One browser session and one set of builds for the whole module. Like test_browser.py, this
skips on a machine without Chromium (saying what to install) and fails under CI instead.
"""

from __future__ import annotations

import base64
import io
from pathlib import Path

import pypdf
import pytest
from PIL import Image

from . import test_browser
from .conftest import clinic_profile_text, run
from .test_browser import axe_violations

browser = test_browser.browser  # the same module-scoped Chromium session fixture, one for this module too
NARROW = 320  # px: WCAG 1.4.10 reflow, a 1280 px screen at 400 %


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> Path:
    """The default build with web pages, a clinic's action plan and probiotics handout on A4 and
    Letter (with its logo, the fullest page a clinic prints), a large-print page, and the static site."""
    root = tmp_path_factory.mktemp("web-print")
    Image.new("RGB", (600, 150), "navy").save(root / "logo.png")
    profile = root / "clinic.toml"
    profile.write_text(clinic_profile_text().replace('# logo = "logo.png"', 'logo = "logo.png"')
                       .replace('# base_url = "https://riverside.example/handouts"',
                                'base_url = "https://northgate.example/handouts"'), encoding="utf-8")
    run("build", "--html", "-o", root / "default")
    for size in ("a4", "letter"):
        run("build", "--html", "--clinic", profile, "-t", "action-plan", "-t", "probiotics", "-a", "parents",
             "--page-size", size, "-o", root / size)
    run("build", "--html", "--large-print", "-t", "probiotics", "-a", "adults", "-o", root / "large")
    run("site", "--clinic", profile, "-o", root / "site")
    return root


def printed(browser, page: Path) -> pypdf.PdfReader:
    """`page` printed to PDF by Chromium, on the paper its own CSS asks for."""
    browser.get(page.as_uri())
    data = browser.execute_cdp_cmd("Page.printToPDF", {"preferCSSPageSize": True, "printBackground": True})
    return pypdf.PdfReader(io.BytesIO(base64.b64decode(data["data"])))


@pytest.mark.parametrize("size", ["a4", "letter"])
@pytest.mark.parametrize("handout", ["action-plan", "probiotics"])
def test_printed_web_edition_has_the_pages_and_paper_of_our_pdf(made, browser, size: str, handout: str) -> None:
    ours = pypdf.PdfReader(made / size / "en" / "parents" / f"{handout}.pdf")
    theirs = printed(browser, made / size / "en" / "parents" / f"{handout}.html")
    assert len(theirs.pages) == len(ours.pages), f"{handout} on {size}: Chromium {len(theirs.pages)}, ours {len(ours.pages)}"
    paper = [float(x) for x in ours.pages[0].mediabox[2:]]
    assert [float(x) for x in theirs.pages[0].mediabox[2:]] == pytest.approx(paper, abs=1)


def test_no_page_scrolls_sideways_at_320_px(made, browser) -> None:
    pages = sorted((made / "default").rglob("*.html")) + sorted((made / "site").rglob("*.html"))
    assert len(pages) > 60
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                            {"width": NARROW, "height": 800, "deviceScaleFactor": 1, "mobile": False})
    try:
        wide = {}
        for page in pages:
            browser.get(page.as_uri())
            width = browser.execute_script("return document.scrollingElement.scrollWidth")
            if width > NARROW:
                wide[str(page.relative_to(made))] = width
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    assert wide == {}


@pytest.mark.parametrize("page", ["default/en/parents/probiotics.html", "default/en/adults/action-plan.html",
                                  "default/en/parents/packets/new-diagnosis-parents.html",
                                  "large/en/adults/probiotics-large-print.html", "a4/en/parents/action-plan.html",
                                  "site/index.html", "site/en/index.html", "site/en/parents/symptom-tracker/index.html"])
def test_axe_finds_nothing_on_the_web_edition(made, browser, page: str) -> None:
    browser.get((made / page).as_uri())
    assert axe_violations(browser) == []


def test_the_narrow_table_keeps_its_column_names_and_its_blanks(made, browser) -> None:
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                            {"width": NARROW, "height": 800, "deviceScaleFactor": 1, "mobile": False})
    try:
        browser.get((made / "default" / "en" / "parents" / "symptom-tracker.html").as_uri())
        label = browser.execute_script(
            "const cell = document.querySelector('td.blank-cell');"
            "return [getComputedStyle(cell, '::before').content, cell.getBoundingClientRect().height];")
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    assert label[0] == '"1"' and label[1] > 20


def test_large_print_web_page_has_no_text_under_16_pt(made, browser) -> None:
    browser.get((made / "large" / "en" / "adults" / "probiotics-large-print.html").as_uri())
    body, smallest = browser.execute_script(
        "const px = e => parseFloat(getComputedStyle(e).fontSize);"
        "const texts = Array.from(document.body.querySelectorAll('*')).filter("
        "  e => Array.from(e.childNodes).some(n => n.nodeType === 3 && n.textContent.trim()));"
        "return [px(document.body), Math.min(...texts.map(px))];")
    assert body >= 24 - 0.01  # 18 pt
    assert smallest >= 16 * 4 / 3 - 0.01  # 16 pt


def test_blanks_are_lines_a_screen_reader_names(made, browser) -> None:
    browser.get((made / "default" / "en" / "parents" / "action-plan.html").as_uri())
    text, lines = browser.execute_script(
        "const blanks = Array.from(document.querySelectorAll('main .blank'));"
        "return [document.querySelector('main').innerText,"
        "        blanks.map(b => [b.textContent, getComputedStyle(b).borderBottomStyle, b.offsetWidth])];")
    assert "___" not in text
    assert lines and all(words == "space to write" and style == "solid" and width > 20
                         for words, style, width in lines)
