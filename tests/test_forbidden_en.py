"""content/forbidden.en.yaml, read as `handouts check` reads it: the advice caught, the warnings let through."""

from __future__ import annotations

import pytest

from .conftest import flagged, forbidden_list

LIST = forbidden_list("en")


@pytest.mark.parametrize(("sentence", "rule"), [
    ("Stop the steroid cream when the skin looks better.", "stop-prescribed-treatment"),
    ("Avoid milk for a month to see if it helps.", "dairy-or-gluten-free-without-diagnosis"),
    ("Try a few weeks without gluten to help the eczema.", "dairy-or-gluten-free-without-diagnosis"),
    ("Cut out dairy for two weeks to see.", "dairy-or-gluten-free-without-diagnosis"),
    ("Switch your baby to goat's milk formula.", "milk-swap-unsupervised"),
    ("Take iron after antibiotics to feed good bacteria.", "minerals-after-antibiotics"),
    ("Eczema starts in the gut.", "starts-in-the-gut"),
])
def test_advice_is_caught(sentence, rule):
    assert rule in flagged(LIST, sentence)


@pytest.mark.parametrize("sentence", [
    "Do not stop the steroid cream without asking your doctor.",
    "Avoid cutting out foods unless a doctor or dietitian says so.",
    "Never cut out milk without a diagnosis: it spoils coeliac tests.",
    "Cut out a food only with a doctor, dietitian and a plan to bring it back.",
    "Keep using moisturiser and prescribed treatment.",
])
def test_warnings_pass(sentence):
    assert flagged(LIST, sentence) == []
