"""Syllable counts for French and Spanish reading-level scores, by rule.

French counts WRITTEN syllables (syllabes écrites), the school convention:
- Each group of vowel letters (a e i o u y, accented forms, œ, æ) is one syllable;
  ou, oi, ai, au, eau, ei, eu, œu, oê are single vowels; so is a plain e before
  another vowel (Jean, man-geons, dé-man-geai-son); "qu" always and "gu" before
  e/i/y are consonants (ques-tion, lan-gue, gué-rir).
- A final mute "e"/"es" after a consonant is its own syllable (pom-me, ta-bles),
  and so is the verb ending "-ent" (man-gent); after a vowel it joins it (a-mie,
  i-dée, jouent). "-ent" after a vowel is read as in cli-ent, pa-tient, so the
  rare verb forms cré-ent, cri-ent count two.
- Hiatus splits: é/è/ê before a vowel (ré-a-gir, cré-er, thé-â-tre); ï, ü, ë
  start a syllable (ma-ïs, a-ïe, No-ël); two plain vowels that form no digraph
  split (cha-os, a-or-te, co-o-pé-rer, ya-ourt, po-è-me).
- i, u, ou before a vowel are glides in the same syllable (pa-tient, na-tion,
  lion, hier, bio, nua-ge, jouer, ouest), except after a consonant + l/r where
  French says them as full vowels (cli-ent, cri-er, ou-bli-er, cru-el, trou-er);
  "ui" is always one (pluie, bruit). The i of -ail/-eil/-euil/-ouil joins.
- "y" between vowels closes one syllable and opens the next (cra-yon, pa-yer);
  word-initial y before a vowel is a consonant (yeux); elsewhere it is i;
  pays = pa-ys. "h" is a consonant (ca-hier, sou-hai-ter). Apostrophes join
  elided parts (l'eau = 1, au-jour-d'hui = 3).
Spanish counts the RAE's orthographic syllables: strong vowels a e o (and
accented í ú) are nuclei, weak i u ü (and y after a vowel, not before one)
join them (bien, cui-da-do, muy, U-ru-guay); two strong vowels split (le-er,
dí-a, pa-ís); qu and gu before e/i have a silent u; h is transparent, as the
RAE says (prohi-bi-do, a-ho-ra); identical weak vowels split (an-ti-his-ta-mí-ni-co).
Numbers are the caller's: readability.syllables() counts digits first.
"""

from __future__ import annotations

import re
from functools import cache

_FR_VOWELS = "aàâäeéèêëiîïoôöuùûüyœæ"
_FR_UNITS = re.compile(r"eau|œu|oê|o[uûù]|o[iî]|a[iî]|au|e[iî]|e[uû]|.", re.DOTALL)
_FR_RUN = re.compile(f"[{_FR_VOWELS}]+")
_FR_SPELLINGS = (  # whole spellings the rules cannot see
    (re.compile(r"oe(?=u|il)"), "œ"),
    (re.compile(r"\bpays"), "paJis"),
    (re.compile(r"alcool"), "alcol"),
    (re.compile(r"gu[ëï]"), lambda m: "gu" + {"ë": "e", "ï": "i"}[m.group()[-1]]),
)
_OBSTRUENT_LIQUID = re.compile(r"[bcdfgkptv][lr]$")


def _fr_consonants(word: str) -> str:
    """Mark letters that look like vowels but are consonants here with "J"."""
    word = re.sub(r"(?<=q)u", "J", word)
    word = re.sub(r"(?<=g)u(?=[eéèêiîy])", "J", word)
    word = re.sub(r"^y(?=[aeiouéèêàâô])", "J", word)
    return re.sub(rf"(?<=[{_FR_VOWELS}])y(?=[{_FR_VOWELS}])", "iJ", word).replace("y", "i")


def _fr_split(units: list[str], i: int, before: str, after: str) -> bool:
    """Whether a syllable boundary falls between units[i-1] and units[i] of one vowel group."""
    first, second = units[i - 1], units[i]
    if second in "ïüë":
        return True
    if second == "e" and i == len(units) - 1 and after in ("", "s"):
        return False  # mute e after a vowel: a-mie, i-dée
    if first in "éèê":
        return True
    if first == "e":
        return False  # Jean, man-geons
    if second == "i" and i == len(units) - 1 and after.startswith("l"):
        return False  # feuil-le, œil
    if first in ("i", "î", "u", "û", "ou", "oû", "où"):
        if first[0] == "u" and second[0] == "i":
            return False
        return i == 1 and bool(_OBSTRUENT_LIQUID.search(before))
    return True


def _french(word: str) -> int:
    for pattern, replacement in _FR_SPELLINGS:
        word = pattern.sub(replacement, word)
    word = _fr_consonants(word)
    total = 0
    for run in _FR_RUN.finditer(word):
        units = _FR_UNITS.findall(run.group())
        before, after = word[: run.start()], word[run.end():]
        total += 1 + sum(_fr_split(units, i, before, after) for i in range(1, len(units)))
    return total


_ES_STRONG = set("aeoáéóíú")
_ES_VOWELS = "aeiouáéíóúü"
_ES_RUN = re.compile(f"[{_ES_VOWELS}]+")


def _spanish(word: str) -> int:
    word = word.replace("h", "")  # silent, and no bar to a diphthong (RAE)
    word = re.sub(r"(?<=q)u|(?<=g)u(?=[eiéí])", "", word)
    word = re.sub(f"y(?![{_ES_VOWELS}])", "i", word)  # muy, hoy; y before a vowel is a consonant
    total = 0
    for run in _ES_RUN.findall(word):
        for part in re.split(r"(?<=i)(?=i)|(?<=u)(?=u)", run):  # chi-i-ta
            total += max(1, sum(letter in _ES_STRONG for letter in part))
    return total


@cache
def count(word: str, language: str) -> int:
    """Syllables in one word of French ("fr") or Spanish ("es"); at least 1."""
    word = word.lower()
    parts = re.split(r"['’]", word)
    counter = {"fr": _french, "es": _spanish}[language]
    return max(1, sum(counter(part) for part in parts))
