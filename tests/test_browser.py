"""The front desk in a real browser: Debian's Chromium driven by Selenium through Debian's chromedriver.

`.ci/run` installs chromium, chromium-driver and axe-core where they are missing, so
CI runs these; on a machine without them they skip, saying what to install.
The app runs as the README starts it: `handouts serve`, in its own process.
"""

from __future__ import annotations

import os
import shutil
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import wait_for_port

ROOT = Path(__file__).parents[1]
AXE = Path(__file__).parent / "browser" / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--window-size=1280,1000")

if not (CHROMIUM and CHROMEDRIVER) and os.environ.get("CI"):
    raise RuntimeError("CI must run the browser tests: .ci/run installs chromium and chromium-driver")
if not (CHROMIUM and CHROMEDRIVER):
    pytest.skip("no browser here: install Debian's chromium and chromium-driver "
                "(apt-get install chromium chromium-driver; .ci/run does)", allow_module_level=True)
webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed: pip install -e '.[test]'")
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

WAIT = 20  # seconds a condition may take on a busy machine; the desk itself answers in milliseconds


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def desk(tmp_path_factory):
    """`handouts serve --watch` over a copy of one topic (diet), with its own log."""
    folder = tmp_path_factory.mktemp("desk")
    content = folder / "content"
    (content / "diet").mkdir(parents=True)
    shutil.copy(ROOT / "content" / "diet" / "en.md", content / "diet" / "en.md")
    port = _free_port()
    log = folder / "log.sqlite"
    handouts = Path(sys.executable).with_name("handouts")
    server = subprocess.Popen([str(handouts), "serve", "--port", str(port), "--db", str(log), "--content",
                               str(content), "--watch"], cwd=folder, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
    try:
        assert server.stdout is not None
        first = server.stdout.readline()  # printed once the library is read and the port checked
        assert "The front desk is open at" in first, first + server.stdout.read()
        wait_for_port(port)
        yield {"url": f"http://127.0.0.1:{port}", "log": log, "topic": content / "diet" / "en.md"}
    finally:
        server.terminate()
        server.wait(timeout=10)


def start_chromium(profile: Path):
    """Debian's Chromium, headless, through Debian's chromedriver, with its own profile folder."""
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    os.environ.setdefault("SE_OFFLINE", "true")  # never let Selenium Manager fetch a browser or driver
    driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    driver.set_page_load_timeout(60)
    return driver


def axe_violations(browser) -> list[str]:
    """axe-core's violations on the page open in `browser`, one line each (fails under CI without axe)."""
    if not AXE.is_file() and os.environ.get("CI"):
        pytest.fail("CI must run the accessibility tests: .ci/run installs axe-core with npm ci")
    if not AXE.is_file():
        pytest.skip("axe-core is not installed: npm ci --prefix tests/browser (.ci/run does)")
    browser.execute_script(AXE.read_text(encoding="utf-8"))
    return browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']}).then(r => done(r.violations.map("
        "  v => v.id + ': ' + v.help + ' at ' + v.nodes.map(n => n.target.join(' ')).join(', '))))"
        ".catch(e => done(['axe failed: ' + e]));")


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    driver = start_chromium(tmp_path_factory.mktemp("chromium-profile"))
    try:
        yield driver
    finally:
        driver.quit()


def visible_ids(browser) -> list[str]:
    return browser.execute_script(
        "return Array.from(document.querySelectorAll('tr.entry')).filter(r => !r.hidden).map(r => r.dataset.id)")


def preview_text(browser) -> str:
    return browser.execute_script(
        "const f = document.getElementById('preview');"
        "return f.contentDocument && f.contentDocument.body ? f.contentDocument.body.innerText : '';")


def log_rows(path: Path) -> list[tuple]:
    if not path.exists():
        return []
    with sqlite3.connect(path) as connection:
        return connection.execute("SELECT topic, audience, language, count, large_print FROM handed_out").fetchall()


def test_find_preview_print_and_record_a_large_print_handout(desk, browser) -> None:
    before = log_rows(desk["log"])
    browser.get(desk["url"] + "/")
    search = browser.find_element(By.ID, "search")
    search.send_keys("probiotic")
    WebDriverWait(browser, WAIT).until(lambda b: "diet" not in visible_ids(b))
    assert "probiotics" in visible_ids(browser)
    browser.find_element(By.CSS_SELECTOR, 'tr[data-id="probiotics"] button.choose').click()
    browser.find_element(By.CSS_SELECTOR, 'input[name="audience"][value="parents"]').click()
    browser.find_element(By.ID, "large-print").click()
    WebDriverWait(browser, WAIT).until(
        lambda b: "large_print=1" in b.find_element(By.ID, "preview").get_attribute("src")
        and "Probiotics for eczema" in preview_text(b))
    # The print dialog cannot open headless: stand in for the PDF frame's print(), first in line.
    browser.execute_script(
        "const frame = document.getElementById('print-frame');"
        "window.printed = [];"
        "frame.addEventListener('load', () => {"
        "  frame.contentWindow.print = () => window.printed.push(frame.src); });")
    browser.find_element(By.ID, "print").click()
    WebDriverWait(browser, WAIT).until(lambda b: b.execute_script("return window.printed.length") == 1)
    printed = browser.execute_script("return window.printed[0]")
    assert "/pdf?topic=probiotics" in printed and "large_print=1" in printed and "audience=parents" in printed
    assert "Recorded 1 × probiotics" in browser.find_element(By.ID, "message").text
    after = log_rows(desk["log"])
    assert after[len(before):] == [("probiotics", "parents", "en", 1, 1)]


def test_ticked_handouts_print_as_one_packet(desk, browser) -> None:
    before = log_rows(desk["log"])
    browser.get(desk["url"] + "/")
    browser.find_element(By.ID, "tick-probiotics-en").click()
    browser.find_element(By.ID, "tick-skin-care-en").click()
    browser.find_element(By.CSS_SELECTOR, 'input[name="audience"][value="adults"]').click()
    assert browser.find_element(By.ID, "chosen-title").text.startswith("Packet of 2")
    WebDriverWait(browser, WAIT).until(lambda b: "Probiotics for eczema" in preview_text(b)
                                       and "Skin care for eczema" in preview_text(b))
    browser.execute_script(
        "const frame = document.getElementById('print-frame');"
        "window.printed = [];"
        "frame.addEventListener('load', () => {"
        "  frame.contentWindow.print = () => window.printed.push(frame.src); });")
    browser.find_element(By.ID, "print").click()
    WebDriverWait(browser, WAIT).until(lambda b: b.execute_script("return window.printed.length") == 1)
    assert log_rows(desk["log"])[len(before):] == [("your-handouts", "adults", "en", 1, 0)]


def test_the_live_preview_follows_a_saved_file_and_shows_errors_as_path_and_line(desk, browser) -> None:
    topic: Path = desk["topic"]
    original = topic.read_text(encoding="utf-8")
    browser.get(desk["url"] + "/")
    browser.find_element(By.CSS_SELECTOR, 'tr[data-id="diet"] button.choose').click()
    WebDriverWait(browser, WAIT).until(lambda b: "Food and eczema" in preview_text(b))
    try:
        topic.write_text(original.replace("title: Food and eczema", "title: Food and eczema, as edited", 1),
                         encoding="utf-8")
        WebDriverWait(browser, WAIT).until(lambda b: "Food and eczema, as edited" in preview_text(b))
        topic.write_text(original.replace("\nversion:", "\nversoin:", 1), encoding="utf-8")
        WebDriverWait(browser, WAIT).until(lambda b: "diet/en.md:" in preview_text(b))
        assert "error:" in preview_text(browser)
    finally:
        topic.write_text(original, encoding="utf-8")
    WebDriverWait(browser, WAIT).until(lambda b: "Food and eczema" in preview_text(b)
                                       and "en.md:" not in preview_text(b))


@pytest.mark.parametrize("address", ["/", "/en/", "/en/parents/probiotics", "/en/parents/packets/new-diagnosis-parents",
                                     "/preview?topic=probiotics&audience=adults&lang=en&large_print=1",
                                     "/en/parents/no-such-handout"])
def test_axe_finds_no_accessibility_violations(desk, browser, address: str) -> None:
    browser.get(desk["url"] + address)
    if address == "/":  # the desk with a handout chosen, its form and preview showing
        browser.find_element(By.CSS_SELECTOR, 'tr[data-id="probiotics"] button.choose').click()
        WebDriverWait(browser, WAIT).until(lambda b: "Probiotics for eczema" in preview_text(b))
    assert axe_violations(browser) == []
