"""French and Spanish editions, as a reader and a clinic meet them: built together with English,
in the reader's language on the page, in the PDF's language tag and on the web page, with local
dates, French spacing, their own online copies, and an honest word about their translation."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pikepdf
import pytest

from handouts.library import load_library

from .conftest import pdf_text, pdfs_under, run

LIBRARY = load_library()
LANGUAGES = ("en", "fr", "es")
NBSP = "\u00a0"


@pytest.fixture(scope="module")
def three_languages(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("languages") / "output"
    profile = out.parent / "handouts.toml"
    profile.write_text('name = "Clinique du Parc"\nbase_url = "https://clinique.example/fiches"\n',
                       encoding="utf-8")
    run("build", "--lang", "en", "--lang", "fr", "--lang", "es", "--html", "--clinic", profile, "-o", out)
    return out


def test_list_json_shows_every_topic_in_three_languages():
    listing = json.loads(run("list", "--json"))
    for topic in listing["topics"]:
        assert topic["languages"] == ["en", "es", "fr"], topic["id"]
        editions = {e["language"]: e for e in topic["editions"]}
        for language in ("fr", "es"):
            assert editions[language]["translated_from"] == editions["en"]["version"]
            assert editions[language]["up_to_date"] is True
            assert editions[language]["translation_reviewed"] is False


def test_build_writes_every_handout_in_three_languages(three_languages):
    for language in LANGUAGES:
        built = {p.relative_to(three_languages / language) for p in pdfs_under(three_languages / language)}
        expected = {Path(a.value) / f"{topic_id}.pdf" for (topic_id, lang), topic in LIBRARY.topics.items()
                    if lang == language for a in topic.meta.audiences}
        assert expected <= built, sorted(expected - built)


@pytest.mark.parametrize("language, words", [
    ("fr", ["Les probiotiques", "pas encore vérifié par un traducteur médical qualifié"]),
    ("es", ["probióticos", "aún no revisado por un traductor médico cualificado"]),
])
def test_a_translation_speaks_its_language_and_says_it_is_unreviewed(three_languages, language, words):
    text = " ".join(pdf_text(three_languages / language / "parents" / "probiotics.pdf").split())
    for word in words:
        assert word in text
    assert "What we know" not in text  # no English box titles left


@pytest.mark.parametrize("language, date", [("en", "30 November 2026"), ("fr", "30 novembre 2026"),
                                            ("es", "30 de noviembre de 2026")])
def test_dates_are_written_the_local_way(three_languages, language, date):
    text = " ".join(pdf_text(three_languages / language / "adults" / "probiotics.pdf").split())
    assert date in text


def test_french_sets_a_no_break_space_before_its_marks(three_languages):
    from handouts.compose import compose
    from handouts.model import Audience, Job, plain_text
    from handouts.tree import text_sites

    document = compose(LIBRARY, Job(("probiotics",), Audience.PARENTS, "fr"))
    text = " ".join(plain_text(site.inlines) for site in text_sites(document.blocks))
    assert re.search(rf"\w{NBSP}[?:]", text)
    assert not re.search(r"\w[?;!]|\w ?:(?=\s)", text)
    printed = pdf_text(three_languages / "fr" / "parents" / "probiotics.pdf").split("Références")[0]
    assert not re.search(r"\w[?;!]", printed)  # the mark never sticks to its word on paper either


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_pdf_and_the_web_page_carry_their_language(three_languages, language):
    pdf = pikepdf.open(three_languages / language / "adults" / "diet.pdf")
    assert str(pdf.Root.Lang) == language
    html = (three_languages / language / "adults" / "diet.html").read_text(encoding="utf-8")
    assert f'<html lang="{language}"' in html


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_language_has_its_own_online_copy(three_languages, language):
    text = "".join(pdf_text(three_languages / language / "parents" / "diet.pdf").split())
    assert f"https://clinique.example/fiches/{language}/parents/diet" in text


def test_packets_are_built_in_each_language(tmp_path):
    out = tmp_path / "out"
    run("build", "--packet", "new-diagnosis-parents", "--lang", "fr", "--lang", "es", "-o", out)
    french = " ".join(pdf_text(out / "fr" / "parents" / "packets" / "new-diagnosis-parents.pdf").split())
    spanish = " ".join(pdf_text(out / "es" / "parents" / "packets" / "new-diagnosis-parents.pdf").split())
    assert "L'eczéma de votre enfant et l'intestin" in french and "Sommaire" in french
    assert "El eccema de su hijo o hija y el intestino" in spanish and "Índice" in spanish


def test_every_character_of_the_three_languages_is_in_the_font():
    from handouts.render.theme import build_theme

    theme = build_theme(LIBRARY.theme)
    text = "".join(path.read_text(encoding="utf-8") for path in Path("content").rglob("*.md")) \
        + "".join(path.read_text(encoding="utf-8") for path in Path("content").glob("strings.*.yaml"))
    assert theme.missing_glyphs(text) == set()
