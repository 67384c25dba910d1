"""French and Spanish syllable counts against tables split by hand (tests/data/syllables-*.tsv)."""

from pathlib import Path

import pyphen
import pytest

from handouts.readability import score, syllables
from handouts.syllables import count

DATA = Path(__file__).parent / "data"
LANGUAGES = ("fr", "es")


def table(language: str) -> list[tuple[str, int, str]]:
    rows = []
    for line in (DATA / f"syllables-{language}.tsv").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            word, n, split = line.split("\t")
            rows.append((word, int(n), split))
    return rows


ROWS = [(language, *row) for language in LANGUAGES for row in table(language)]


@pytest.mark.parametrize("language", LANGUAGES)
def test_tables_are_big_and_self_consistent(language):
    rows = table(language)
    assert len(rows) >= 220
    assert len({word for word, _, _ in rows}) == len(rows), "a word appears twice"
    for word, n, split in rows:
        assert split.replace("-", "") == word and split.count("-") + 1 == n, (word, n, split)


@pytest.mark.parametrize(("language", "word", "expected", "split"), ROWS, ids=[f"{r[0]}-{r[1]}" for r in ROWS])
def test_counter_agrees_with_the_hand_split(language, word, expected, split):
    got = count(word, language)
    assert got == expected, f"{language} {word!r}: counted {got}, the table says {expected} ({split})"


@pytest.mark.parametrize("language", LANGUAGES)
def test_accuracy_is_total(language):
    rows = table(language)
    right = sum(count(word, language) == n for word, n, _ in rows)
    assert right / len(rows) == 1.0, f"{language}: {right}/{len(rows)} words right"


@pytest.mark.parametrize("language", LANGUAGES)
def test_pyphen_would_miss_syllables(language):
    """Why pyphen is not used: hyphenation never leaves one letter alone (é-tat, o-tro) nor,
    in French, splits off a final mute e, so it counts far fewer syllables."""
    dictionary = pyphen.Pyphen(lang=language)
    rows = table(language)
    expected = sum(n for _, n, _ in rows)
    hyphenated = sum(len(dictionary.positions(word.lower())) + 1 for word, _, _ in rows)
    assert (expected - hyphenated) / expected >= 0.05


def test_apostrophes_capitals_and_curly_quotes():
    assert count("L’EAU", "fr") == count("l'eau", "fr") == 1
    assert count("Qu’elle", "fr") == 2
    assert count("OEUF", "fr") == count("œuf", "fr") == 1
    assert count("País", "es") == 2


def test_readability_uses_the_counter_and_keeps_english_and_digits():
    assert syllables("réaction", "fr") == 3 and syllables("día", "es") == 2
    assert syllables("2024", "fr") == 4 and syllables("12", "es") == 1
    assert syllables("eczema", "en") == 3 and syllables("moisturiser", "en") == 4


def test_inflesz_and_the_other_spanish_and_french_scores():
    # 6 words, 1 sentence; syllables: el(1) bebé(2) tiene(2) la(1) piel(1) seca(2) = 9
    s = score(["El bebé tiene la piel seca."], "es")
    assert (s.words, s.sentences, s.syllables) == (6, 1, 9)
    assert s.inflesz == round(206.835 - 62.3 * 9 / 6 - 6, 1)
    assert s.fernandez_huerta == round(206.84 - 60 * 9 / 6 - 1.02 * 6, 1)
    french = score(["Le bébé a la peau sèche."], "fr")  # le bé-bé a la peau sè-che: 8
    assert french.syllables == 8
    assert french.kandel_moles == round(207 - 1.015 * 6 - 73.6 * 8 / 6, 1)
