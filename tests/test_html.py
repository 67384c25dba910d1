"""The accessible web page written beside each PDF with --html."""

from __future__ import annotations

import hashlib
import json
from html.parser import HTMLParser
from itertools import pairwise

from .conftest import pdfs_under

VOID = {"meta", "br", "hr", "img", "input", "link"}


class Page(HTMLParser):
    """Tags, attributes and text of a page; fails on a tag closed out of order."""

    def __init__(self, text: str):
        super().__init__()
        self.open: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(text)
        assert not self.open, f"tags never closed: {self.open}"

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag not in VOID:
            self.open.append(tag)

    def handle_endtag(self, tag):
        assert self.open and self.open[-1] == tag, f"</{tag}> closes {self.open[-1:]}"
        self.open.pop()

    def handle_data(self, data):
        self.text.append(data)

    def all(self, tag: str) -> list[dict[str, str | None]]:
        return [attrs for name, attrs in self.tags if name == tag]

    @property
    def words(self) -> str:
        return " ".join("".join(self.text).split())


def build(cli, content, out, *args) -> None:
    result = cli("build", "--content", content, "-o", out, "--html", *args)
    assert result.exit_code == 0, result.output


def test_web_page_beside_each_pdf(cli, content, tmp_path):
    out = tmp_path / "out"
    build(cli, content, out, "-t", "mini")
    pdfs = pdfs_under(out)
    assert pdfs and all(pdf.with_suffix(".html").is_file() for pdf in pdfs)
    manifest = json.loads((out / "manifest.json").read_text())
    for item in manifest["files"]:
        data = (out / item["file"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == item["sha256"]
    assert {item["format"] for item in manifest["files"]} == {"pdf", "html"}


def test_web_page_is_structured_for_screen_readers(cli, content, tmp_path):
    out = tmp_path / "out"
    build(cli, content, out, "-t", "mini", "-a", "parents")
    page = Page((out / "en" / "parents" / "mini.html").read_text(encoding="utf-8"))
    assert page.all("html") == [{"lang": "en"}]
    assert "Bathing and eczema" in page.words
    assert [a.get("id", "").startswith("bathing-and-eczema") for a in page.all("h1")] == [True]
    assert "your child's skin" in page.words and "most patients'" not in page.words
    assert page.all("input") and all(a["type"] == "checkbox" for a in page.all("input"))
    assert page.all("th") and all(a.get("scope") == "col" for a in page.all("th"))
    targets = {a["href"][1:] for a in page.all("a") if (a.get("href") or "").startswith("#ref-")}
    ids = {a["id"] for a in page.all("li") if a.get("id")}
    assert targets and targets <= ids, "every citation links to its reference"


def test_clinic_text_is_escaped_in_the_web_page(cli, content, tmp_path):
    profile = tmp_path / "clinic.toml"
    profile.write_text('name = "Dr O\'Brien & Partners <Skin> Clinic"\nphone = "0113 496 0999"\n')
    out = tmp_path / "out"
    build(cli, content, out, "-t", "mini", "-a", "adults", "--clinic", profile)
    page = Page((out / "en" / "adults" / "mini.html").read_text(encoding="utf-8"))
    assert "Dr O'Brien & Partners <Skin> Clinic" in page.words
    assert "skin" not in {tag for tag, _ in page.tags}


def test_packet_web_page_has_linked_contents(cli, content, tmp_path):
    out = tmp_path / "out"
    build(cli, content, out, "--packet", "starter", "-a", "parents")
    page = Page((out / "en" / "parents" / "packets" / "starter.html").read_text(encoding="utf-8"))
    anchors = {a["id"] for a in page.all("h2") if a.get("id")}  # the topics' titles, under the packet's h1
    links = [a["href"][1:] for a in page.all("a")
             if (a.get("href") or "").startswith("#") and not a["href"].startswith("#ref-")]
    assert len(links) >= 3 and set(links) <= anchors  # two topics and the references


def headings(page: Page) -> list[int]:
    return [int(tag[1]) for tag, _ in page.tags if len(tag) == 2 and tag[0] == "h" and tag[1].isdigit()]


def test_heading_levels_go_down_one_at_a_time_in_topics_and_packets(cli, content, tmp_path):
    out = tmp_path / "out"
    build(cli, content, out, "-t", "mini", "-t", "kit", "-a", "parents")
    build(cli, content, out, "--packet", "starter", "-a", "parents")
    for path in sorted(out.rglob("*.html")):
        levels = headings(Page(path.read_text(encoding="utf-8")))
        assert levels[0] == 1 and levels.count(1) == 1, path  # one h1: the title, or a packet's cover
        assert all(b <= a + 1 for a, b in pairwise(levels)), (path, levels)


def test_blanks_are_lines_with_words_even_in_a_heading(cli, content, tmp_path):
    topic = content / "mini" / "en.md"
    topic.write_text(topic.read_text().replace("## What to do", "## What to do on ________\n\nDose: ___ ml"))
    out = tmp_path / "out"
    build(cli, content, out, "-t", "mini", "-a", "parents")
    text = (out / "en" / "parents" / "mini.html").read_text(encoding="utf-8")
    page = Page(text)
    assert "___" not in page.words and "_" not in "".join(page.text)
    assert "What to do on space to write" in page.words and "Dose: space to write ml" in page.words
    assert '<h2>What to do on <span class="blank blank-medium"><span class="visually-hidden">space to write' in text
    assert '<span class="blank blank-short">' in text


def test_clinic_phone_email_and_website_are_links(cli, content, tmp_path):
    from .conftest import clinic_profile_text

    profile = tmp_path / "clinic.toml"
    profile.write_text(clinic_profile_text())
    out = tmp_path / "out"
    build(cli, content, out, "-t", "mini", "-a", "adults", "--clinic", profile, "--page-size", "letter")
    text = (out / "en" / "adults" / "mini.html").read_text(encoding="utf-8")
    hrefs = {a["href"] for a in Page(text).all("a")}
    assert {"tel:01134960999", "mailto:skin@northgate.example", "https://northgate.example/skin"} <= hrefs
    assert "@page { size: letter; margin: 16mm; }" in text


def test_pieces_finds_blanks_and_links_and_leaves_other_numbers_alone():
    from handouts.html import pieces

    def found(text: str) -> list[tuple[str, str]]:
        return [(kind, target) for kind, _, target in pieces(text) if kind != "text"]

    assert "".join(words for _, words, _ in pieces("Call 0113 496 0999, or x@y.org.")) == "Call 0113 496 0999, or x@y.org."
    assert found("Call 0113 496 0999, or x@y.org.") == [("phone", "tel:01134960999"), ("email", "mailto:x@y.org")]
    assert found("+44 (0)113 496 0999 · (555) 010-1234") == [("phone", "tel:+441134960999"),
                                                              ("phone", "tel:5550101234")]
    assert found("See https://example.org/a_b?c=1. Or doi:10.1016/S0140-6736(00)04259-8") == [
        ("url", "https://example.org/a_b?c=1"), ("doi", "https://doi.org/10.1016/S0140-6736(00)04259-8")]
    assert found("Syst Rev 2018;CD006135. PMID 30480774") == [("pmid", "https://pubmed.ncbi.nlm.nih.gov/30480774/")]
    assert found("Put ___ on __________ now") == [("blank", ""), ("blank", "")]
    assert found("Lancet 2001;357:1076-9. 30 November 2026, version 2.0, 2019-2021, call 999, 1 2 3 4") == []
