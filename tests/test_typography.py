"""French typography: what a French reader expects to see, whatever the editor typed."""

import pytest

from handouts.errors import SourceSpan
from handouts.model import Paragraph, Strong, Text
from handouts.typography import NBSP, typeset

SPAN = SourceSpan("content/x/fr.md", 3)


def set_fr(*inlines):
    (paragraph,) = typeset((Paragraph(tuple(inlines), SPAN),), "fr")
    return paragraph.inlines


@pytest.mark.parametrize("typed, printed", [
    ("Pourquoi ?", f"Pourquoi{NBSP}?"),
    ("Pourquoi?", f"Pourquoi{NBSP}?"),
    ("Attention : pas de régime", f"Attention{NBSP}: pas de régime"),
    ("Attention: pas de régime", f"Attention{NBSP}: pas de régime"),
    ("oui ; non !", f"oui{NBSP}; non{NBSP}!"),
    ('le mot "intestin"', f"le mot «{NBSP}intestin{NBSP}»"),
    ("le mot « intestin »", f"le mot «{NBSP}intestin{NBSP}»"),
    ("le mot “intestin”", f"le mot «{NBSP}intestin{NBSP}»"),
])
def test_french_spacing_and_guillemets(typed, printed):
    assert set_fr(Text(typed)) == (Text(printed),)


@pytest.mark.parametrize("text", ["https://www.ameli.fr/page?id=3", "à 10:30", "ratio 3:1", "24/7"])
def test_addresses_times_and_ratios_are_left_alone(text):
    assert set_fr(Text(text)) == (Text(text),)


def test_a_mark_after_bold_words_gets_its_space():
    assert set_fr(Strong((Text("Important"),)), Text("!")) == (Strong((Text("Important"),)), Text(f"{NBSP}!"))


def test_other_languages_are_unchanged():
    blocks = (Paragraph((Text("¿Por qué? Note: yes!"),), SPAN),)
    assert typeset(blocks, "es") == blocks
    assert typeset(blocks, "en") == blocks


def test_a_clinics_own_words_print_as_typed():
    from handouts.model import Verbatim

    typed = Verbatim("To give feedback: ask at reception!")
    assert set_fr(Text("Contact "), typed) == (Text("Contact "), typed)
