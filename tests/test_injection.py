"""Text from outside the content (the clinic profile) prints literally: it is never
parsed as Markdown or as ReportLab markup, and cannot splice topic text in."""

from __future__ import annotations

from html.parser import HTMLParser

import pypdf

from .conftest import pdf_text

HOSTILE = {
    "name": "Riverside\\n===\\n# Skin *Clinic* [@nokey] {parents: x}\\t0 end",
    "department": "Paediatrics\\n---\\n- not a list & <b>not bold</b>",
    "phone": "0113 496 0000 | {adults: y} \\\\*",
    "feedback": "Tell us: [a link](https://evil.example) and ::: note",
    "emergency_number": "999 ##",
}
SHOWN = {  # what a reader must see: line breaks and tabs print as spaces
    "name": "Riverside === # Skin *Clinic* [@nokey] {parents: x} 0 end",
    "department": "Paediatrics --- - not a list & <b>not bold</b>",
    "phone": "0113 496 0000 | {adults: y} \\*",
    "feedback": "Tell us: [a link](https://evil.example) and ::: note",
}


def _profile(tmp_path):
    path = tmp_path / "clinic.toml"
    path.write_text("".join(f'{key} = "{value}"\n' for key, value in HOSTILE.items()), encoding="utf-8")
    return path


class _Headings(HTMLParser):
    def __init__(self):
        super().__init__()
        self.inside, self.headings, self.links = None, [], []

    def handle_starttag(self, tag, attrs):
        if tag in ("h1", "h2", "h3", "h4"):
            self.inside = tag
            self.headings.append("")
        if tag == "a":
            self.links.append(dict(attrs).get("href"))

    def handle_endtag(self, tag):
        if tag == self.inside:
            self.inside = None

    def handle_data(self, data):
        if self.inside:
            self.headings[-1] += data


def test_profile_text_prints_literally(cli, content, tmp_path):
    out = tmp_path / "out"
    result = cli("build", "--content", content, "-t", "mini", "-a", "parents", "--html",
                 "--clinic", _profile(tmp_path), "-o", out)
    assert result.exit_code == 0, result.output
    pdf = out / "en" / "parents" / "mini.pdf"
    words = " ".join(pdf_text(pdf).split())
    for field, shown in SHOWN.items():
        assert shown in words, field
    outline = [entry["/Title"] for entry in pypdf.PdfReader(pdf).outline if isinstance(entry, dict)]
    assert not any("===" in title or "Skin" in title or "Paediatrics" in title for title in outline), outline
    page = _Headings()
    page.feed((out / "en" / "parents" / "mini.html").read_text(encoding="utf-8"))
    assert not any("Riverside" in h or "Paediatrics" in h or "not a list" in h for h in page.headings)
    assert "https://evil.example" not in page.links


def test_profile_text_cannot_splice_topic_text(cli, content, tmp_path):
    """A profile holding the private-use characters compose uses for its markers cannot
    splice topic text (here the parents-only line) into the page: it is refused, naming
    the line, since no font draws those characters."""
    path = tmp_path / "clinic.toml"
    path.write_text('name = "Clinic \\ue0000\\ue001 \\ue0002\\ue001"\n', encoding="utf-8")
    out = tmp_path / "out"
    result = cli("build", "--content", content, "-t", "mini", "-a", "parents", "--clinic", path, "-o", out)
    assert result.exit_code == 1 and "clinic.toml:1: error: the font cannot draw" in result.output
    assert not out.exists()


def test_the_composer_drops_marker_characters_from_values():
    from handouts.compose import literal

    assert literal("Clinic \ue0000\ue001\x01 name\non two lines") == "Clinic 0 name on two lines"


def test_a_control_character_in_the_profile_is_refused_on_its_line(cli, content, tmp_path):
    path = tmp_path / "clinic.toml"
    path.write_text('name = "Skin clinic"\nphone = "0113 \\u0007 496"\n', encoding="utf-8")
    result = cli("build", "--content", content, "-t", "mini", "-o", tmp_path / "out", "--clinic", path)
    assert result.exit_code == 1 and "clinic.toml:2: error: 'phone' holds a control character (U+0007)" in result.output
