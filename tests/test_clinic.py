"""Clinic edition: profile, logo, QR code, large print, duplex, manifest, catalogue, log."""

import hashlib
import json
from pathlib import Path

import pypdf
import pypdfium2
import pytest
from PIL import Image

from handouts.clinic import read_clinic
from handouts.errors import ContentError

from .conftest import TEST_CLINIC, clinic_profile_text, pdf_fonts, pdf_text, pdfs_under
from .pdf_oracle import inspect_pdf

NAME = "Dr O'Brien & Partners <Skin> Clinic"


@pytest.fixture
def profile(tmp_path: Path) -> Path:
    logo = Image.new("RGB", (300, 100), (28, 74, 115))
    logo.save(tmp_path / "logo.png")
    text = (clinic_profile_text().replace('name = "Northgate Skin Clinic"', f'name = "{NAME}"')
            .replace('# logo = "logo.png"', 'logo = "logo.png"')
            .replace('# base_url = "https://riverside.example/handouts"',
                     'base_url = "https://northgate.example/handouts"'))
    path = tmp_path / "clinic.toml"
    path.write_text(text)
    return path


def build(cli, content, out, *args):
    result = cli("build", "--content", content, "-o", out, *args)
    assert result.exit_code == 0, result.output
    return result


def test_branded_handout_shows_name_logo_and_qr(cli, content, profile, tmp_path):
    out = tmp_path / "out"
    build(cli, content, out, "--clinic", profile, "-t", "mini", "-a", "parents")
    pdf = out / "en" / "parents" / "mini.pdf"
    text = pdf_text(pdf)
    assert NAME in text
    assert "https://northgate.example/handouts/en/parents/mini" in "".join(text.split())
    assert "0113 496 0999" in text and "Contact us" in text
    first = pypdf.PdfReader(pdf).pages[0]
    assert len(first.images) == 1  # the logo
    document = pypdfium2.PdfDocument(pdf)
    last = document[len(document) - 1]
    # the QR code sits at the right of the fine print, beside "Read this online:"
    text_page = last.get_textpage()
    found = text_page.search("Read this online").get_next()
    assert found, "no online address in the fine print"
    _, bottom, _, top = text_page.get_charbox(found[0])
    page = last.render(scale=1).to_pil().convert("L")
    width, height = page.size
    beside = page.crop((int(width * 0.7), int(height - top - 10), width, int(height - bottom + 60)))
    dark = sum(beside.histogram()[:80])
    assert dark > 500, "no QR code drawn beside the online address"
    assert all(embedded for _, embedded in pdf_fonts(pdf)), pdf_fonts(pdf)  # the QR drawing too


def test_profile_in_the_working_folder_is_found(cli, content, profile, tmp_path, monkeypatch):
    monkeypatch.chdir(profile.parent)
    profile.rename(profile.parent / "handouts.toml")
    build(cli, content, tmp_path / "out", "-t", "mini", "-a", "adults")
    assert NAME in pdf_text(tmp_path / "out" / "en" / "adults" / "mini.pdf")


def test_large_print(cli, content, tmp_path):
    out = tmp_path / "out"
    build(cli, content, out, "-t", "mini", "-a", "parents", "--large-print")
    pdf = out / "en" / "parents" / "mini-large-print.pdf"
    facts = inspect_pdf(pdf.read_bytes(), furniture_height=80, references_title="References")
    assert facts.smallest_body_size >= 16
    assert facts.sizes[18.0] > 300  # body text prints at 18 pt
    text = pdf_text(pdf)
    assert "Large print" in " ".join(text.split())
    for sentence in ("PARENT-ONLY: keep a hand on your baby in the bath.", "How long should a bath last?"):
        assert sentence in " ".join(text.split())


def test_duplex_pads_packets_to_even_pages(cli, content, tmp_path):
    out = tmp_path / "out"
    build(cli, content, out, "--packet", "starter", "-a", "parents")
    single = len(pypdf.PdfReader(out / "en" / "parents" / "packets" / "starter.pdf").pages)
    build(cli, content, out, "--packet", "starter", "-a", "parents", "--duplex")
    padded = len(pypdf.PdfReader(out / "en" / "parents" / "packets" / "starter.pdf").pages)
    assert padded % 2 == 0 and padded in (single, single + 1)


def test_manifest_hashes_match_the_files(cli, content, tmp_path):
    out = tmp_path / "out"
    build(cli, content, out, "-t", "mini", "-t", "kit")
    manifest = json.loads((out / "manifest.json").read_text())
    files = {entry["file"]: entry for entry in manifest["files"]}
    assert set(files) == {p.relative_to(out).as_posix() for p in pdfs_under(out)}
    for name, entry in files.items():
        assert hashlib.sha256((out / name).read_bytes()).hexdigest() == entry["sha256"]
    mini = files["en/parents/mini.pdf"]
    assert mini["topics"][0]["version"] == "2.1" and mini["topics"][0]["next_review_due"] == "2027-10-01"
    assert mini["options"]["page_size"] == "a4"
    build(cli, content, out, "-t", "kit", "-a", "adults", "--page-size", "letter")
    files = {e["file"]: e for e in json.loads((out / "manifest.json").read_text())["files"]}
    assert "en/parents/mini.pdf" in files and files["en/adults/kit.pdf"]["options"]["page_size"] == "letter"


def test_catalogue_lists_every_handout(cli, content, tmp_path):
    out = tmp_path / "out"
    result = cli("catalogue", "--content", content, "-o", out)
    assert result.exit_code == 0, result.output
    text = " ".join(pdf_text(out / "catalogue.pdf").split())
    assert "Bathing and eczema Parents mini 2.1 1 October 2026" in text
    assert "Bath diary Adults kit 1.0 1 October 2026" in text
    assert cli("catalog", "--content", content, "-o", out).exit_code == 0


def test_log_then_report(cli, content, tmp_path):
    db = tmp_path / "log.sqlite"
    assert cli("log", "mini", "-a", "parents", "-n", "3", "--db", db, "--content", content,
               "--date", "2026-03-02").exit_code == 0
    assert cli("log", "mini", "-a", "parents", "--db", db, "--content", content,
               "--date", "2026-03-20").exit_code == 0
    assert cli("log", "kit", "-a", "adults", "-n", "2", "--db", db, "--content", content,
               "--date", "2026-04-01").exit_code == 0
    result = cli("log", "--report", "--month", "2026-03", "--db", db, "--csv", tmp_path / "m.csv")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "m.csv").read_text() == "topic,version,language,audience,count\nmini,2.1,en,parents,4\n"
    everything = cli("log", "--report", "--db", db)
    assert "kit" in everything.output and "6" in everything.output


def test_log_rejects_unknown_topic_and_keeps_earlier_rows(cli, content, tmp_path):
    db = tmp_path / "log.sqlite"
    assert cli("log", "mini", "-a", "adults", "--db", db, "--content", content).exit_code == 0
    bad = cli("log", "mni", "-a", "adults", "--db", db, "--content", content)
    assert bad.exit_code == 2 and "no en handout 'mni'" in bad.output
    assert cli("log", "mini", "-a", "adults", "-n", "0", "--db", db, "--content", content).exit_code == 2
    assert "mini" in cli("log", "--report", "--db", db).output


BAD_PROFILES = [
    ("bad TOML line", 'phone = "0113 496 0999"', "phone = 0113 496 0999", "clinic.toml", 10),
    ("unknown key", 'phone = "0113 496 0999"', 'phone = "0113 496 0999"\nfax = "1"', "clinic.unknown-field", 11),
    ("unreadable accent", 'accent_colour = "#1c4a73"', 'accent_colour = "#ffd966"', "clinic.accent", 21),
    ("missing logo", '# logo = "logo.png"', 'logo = "missing.png"', "clinic.logo", 17),
    ("logo not an image", '# logo = "logo.png"', 'logo = "clinic.toml"', "clinic.logo", 17),
]


@pytest.mark.parametrize("what, old, new, code, line", BAD_PROFILES, ids=[c[0] for c in BAD_PROFILES])
def test_bad_profile_names_its_line(tmp_path, what, old, new, code, line):
    path = tmp_path / "clinic.toml"
    assert old in clinic_profile_text()
    path.write_text(clinic_profile_text().replace(old, new))
    with pytest.raises(ContentError) as raised:
        read_clinic(path)
    assert (code, line) in [(d.code, d.span.line) for d in raised.value.diagnostics]


def test_corrupt_logo(tmp_path):
    (tmp_path / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\nnot really a png")
    path = tmp_path / "clinic.toml"
    path.write_text(clinic_profile_text().replace('# logo = "logo.png"', 'logo = "logo.png"'))
    with pytest.raises(ContentError) as raised:
        read_clinic(path)
    assert raised.value.diagnostics[0].code == "clinic.logo"


def test_bad_profile_from_the_cli(cli, content, tmp_path):
    path = tmp_path / "clinic.toml"
    path.write_text(clinic_profile_text().replace('accent_colour = "#1c4a73"', 'accent_colour = "#eeeeee"'))
    result = cli("build", "--content", content, "--clinic", path, "-o", tmp_path / "out")
    assert result.exit_code == 1 and "clinic.toml:21: error: accent_colour #eeeeee has contrast" in result.output
    assert not (tmp_path / "out").exists()


def test_init_writes_a_profile_that_is_refused_until_edited(cli, content, tmp_path):
    path = tmp_path / "handouts.toml"
    assert cli("init", path).exit_code == 0
    assert cli("init", path).exit_code == 2  # never overwrites
    assert "require_approval = true" in path.read_text()
    result = cli("build", "--content", content, "--clinic", path, "-t", "mini", "-o", tmp_path / "out")
    assert result.exit_code == 1
    refused = [line.split("'")[1] for line in result.output.splitlines() if "[clinic.example-value]" in line]
    assert refused == ["name", "department", "address", "phone", "email", "website"]
    assert "handouts.toml:6: error: 'name' still holds the example value from 'handouts init'" in result.output
    assert not (tmp_path / "out").exists()
    edited = path.read_text()
    for old, new in TEST_CLINIC.items():
        edited = edited.replace(old, new)
    path.write_text(edited)
    assert read_clinic(path).name == "Northgate Skin Clinic"


def test_a_profile_words_its_handouts_in_each_language(cli, content, tmp_path):
    """[fr] tables hold the clinic's own wording for French handouts; other languages keep the main one."""
    from .conftest import translate

    translate(content, "mini")
    profile = tmp_path / "handouts.toml"
    profile.write_text('name = "Riverside Skin Clinic"\nfeedback = "Tell us at reception."\n'
                       '[fr]\nname = "Clinique de la Rivière"\nfeedback = "Dites-le à l\'accueil."\n',
                       encoding="utf-8")
    out = tmp_path / "out"
    build(cli, content, out, "--clinic", profile, "-t", "mini", "-a", "adults", "--lang", "en", "--lang", "fr")
    french = " ".join(pdf_text(out / "fr" / "adults" / "mini.pdf").split())
    english = " ".join(pdf_text(out / "en" / "adults" / "mini.pdf").split())
    assert "Clinique de la Rivière" in french and "Dites-le à l'accueil." in french
    assert "Riverside" not in french
    assert "Riverside Skin Clinic" in english and "Tell us at reception." in english


def test_a_language_table_takes_only_the_wording_that_differs(cli, content, tmp_path):
    profile = tmp_path / "handouts.toml"
    profile.write_text('name = "Riverside Skin Clinic"\n\n[fr]\nphone = "01 23 45 67 89"\n', encoding="utf-8")
    result = cli("build", "--content", content, "--clinic", profile, "-o", tmp_path / "out")
    assert result.exit_code == 1
    assert f"{profile}:3: error: '[fr] phone': only name, department, address, feedback, alternative_formats " \
        "can differ by language" in result.output
    assert not (tmp_path / "out").exists()
