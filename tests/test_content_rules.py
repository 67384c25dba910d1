"""Rules that must hold across the whole shipped library, checked on what a reader sees.

Every patient handout (each topic, for parents and for adults) is built once per
module through the CLI and read back from the PDF:

- it ends with a "When to get help" box whose last line gives the emergency number
  (the clinic's own number when its profile has one);
- no sentence tells a reader to stop prescribed treatment, or to cut out a food
  without a doctor or dietitian;
- and every citation in `content/*/en.md` resolves to a reference whose identifier
  was seen (`confirmed: true` in references.yaml).

A crafted topic proves that these checks can fail.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from handouts.cli import app
from handouts.library import load_library
from handouts.model import Audience

from .conftest import pdf_text

CONTENT = Path(__file__).resolve().parent.parent / "content"
LIBRARY = load_library()
PATIENTS = (Audience.PARENTS, Audience.ADULTS)
PATIENT_HANDOUTS = sorted((topic_id, audience.value)
                          for (topic_id, language), topic in LIBRARY.topics.items() if language == "en"
                          for audience in topic.meta.audiences if audience in PATIENTS)

# A sentence that says no, not, never, don't, "instead of" or "rather than" (or avoid or
# without, but not before a food) warns against the advice: content/forbidden.en.yaml's `negation`.
NEGATION = re.compile(yaml.safe_load((CONTENT / "forbidden.en.yaml").read_text(encoding="utf-8"))
                      ["negation"]["pattern"], re.I)
# Advice to cut out a food (an instruction, not a statement such as "Cutting out foods
# helps a little at best") is allowed only with a professional named in the same sentence.
CUT_A_FOOD = re.compile(
    r"(?:^|\b(?:and|then|so)\s+|[,;:]\s*)[\W\d]*"
    r"(?:(?:just|first|you (?:can|could|should|may|might))\s+)?"
    r"(?:cut(?: out)?|remove|drop|eliminate|exclude|give up|stop (?:eating|giving|drinking)"
    r"|try (?:cutting(?: out)?|removing|dropping|giving up|stopping))\b"
    r".{0,40}\b(?:foods?|milk|dairy|eggs?|peanuts?|nuts?|wheat|gluten|soya?|fish|sesame)\b", re.I)
PROFESSIONAL = re.compile(r"\b(?:doctor|dietitian|GP|health visitor|nurse|allergy (?:team|clinic)|specialist)s?\b",
                          re.I)


def run(*args) -> str:
    result = CliRunner().invoke(app, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return result.output


def flat(text: str) -> str:
    """PDF text with lines joined, so that sentences read as printed."""
    return re.sub(r"\s+", " ", text.replace("-\n", "-"))


def sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+", text) if s.strip()]


def forbidden_rules() -> dict[str, re.Pattern]:
    rules = yaml.safe_load((CONTENT / "forbidden.en.yaml").read_text(encoding="utf-8"))
    return {name: re.compile(rule["pattern"], re.I) for name, rule in rules.items() if name != "negation"}


FORBIDDEN = forbidden_rules()


def bad_advice(text: str) -> list[tuple[str, str]]:
    """(rule, sentence) for each sentence that reads as forbidden advice."""
    found = []
    for sentence in sentences(flat(text)):
        if NEGATION.search(sentence):
            continue
        found += [(name, sentence) for name, pattern in FORBIDDEN.items() if pattern.search(sentence)]
        if CUT_A_FOOD.search(sentence) and not PROFESSIONAL.search(sentence):
            found.append(("cut-a-food-alone", sentence))
    return found


@pytest.fixture(scope="module")
def clinic_112(tmp_path_factory) -> Path:
    profile = tmp_path_factory.mktemp("clinic") / "handouts.toml"
    profile.write_text('name = "Test Skin Clinic"\nemergency_number = "112"\n', encoding="utf-8")
    return profile


@pytest.fixture(scope="module")
def patient_build(tmp_path_factory, clinic_112) -> Path:
    """Every patient handout, built once, with a clinic whose emergency number is 112."""
    out = tmp_path_factory.mktemp("patients") / "out"
    run("build", "-a", "parents", "-a", "adults", "--jobs", "2", "--clinic", clinic_112, "-o", out)
    return out


@pytest.fixture(scope="module")
def texts(patient_build) -> dict[tuple[str, str], str]:
    return {(topic_id, audience): flat(pdf_text(patient_build / "en" / audience / f"{topic_id}.pdf"))
            for topic_id, audience in PATIENT_HANDOUTS}


def test_there_are_patient_handouts_to_check():
    assert len(PATIENT_HANDOUTS) >= 10
    assert {topic for topic, _ in PATIENT_HANDOUTS} >= {"gut-skin-axis", "get-help", "action-plan"}


@pytest.mark.parametrize(("topic_id", "audience"), PATIENT_HANDOUTS)
def test_every_patient_handout_ends_with_when_to_get_help_and_the_clinics_emergency_number(
        texts, topic_id, audience):
    text = texts[(topic_id, audience)]
    assert "When to get help" in text, f"{audience}/{topic_id} has no '::: get-help' box"
    assert "In an emergency, call 112 now." in text, f"{audience}/{topic_id}: no emergency line with 112"
    # the box comes after the handout's own text, before its references
    assert text.index("When to get help") < text.index("In an emergency, call 112")
    assert "999 in the UK" not in text  # the clinic's number replaces the default line


def test_without_a_profile_the_emergency_line_names_the_uk_us_and_eu_numbers(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no handouts.toml here to pick up
    out = tmp_path / "out"
    run("build", "-t", "get-help", "-a", "parents", "--jobs", "1", "-o", out)
    text = flat(pdf_text(out / "en" / "parents" / "get-help.pdf"))
    assert "When to get help" in text
    assert "In an emergency, call 999 in the UK, 911 in the US or 112 in the EU, now." in text


@pytest.mark.parametrize(("topic_id", "audience"), PATIENT_HANDOUTS)
def test_no_patient_text_stops_treatment_or_cuts_a_food_alone(texts, topic_id, audience):
    assert bad_advice(texts[(topic_id, audience)]) == []


@pytest.mark.parametrize("sentence", [
    "Stop the cream for a week.",
    "Cut out milk for a month to see if it helps.",
    "Try cutting out eggs and peanuts for two weeks.",
    "1. Remove dairy from your child's meals.",
    "Keep up skin care, and cut out wheat.",
])
def test_the_advice_rule_catches_bad_advice(sentence):
    assert bad_advice(f"Keep using moisturiser every day. {sentence} Ask your nurse.")


@pytest.mark.parametrize("sentence", [
    "Never stop treatment to try a diet or probiotics.",
    "Cutting out foods helps a little at best.",
    "Keep up skin care, and ask before cutting out any food.",
    "Cut out a food only with a doctor, a dietitian and a plan to bring it back.",
    "Keep using the cream every day.",
])
def test_the_advice_rule_lets_safe_advice_through(sentence):
    assert bad_advice(sentence) == []


CRAFTED = """\
---
id: {id}
kind: topic
title: A crafted handout for the content rules
main_message: This handout exists only to test the checks.
audiences: [parents, adults]
language: en
version: "1.0"
last_reviewed: {today}
next_review_due: {due}
evidence_checked_by: the handouts editors
references: [nice-ng190]
changes:
  - version: "1.0"
    date: {today}
    change: First version
    clinical: true
---
## What you can do

1. {advice}
2. See a doctor today for pus spots with a fever [@nice-ng190].
"""


@pytest.fixture(scope="module")
def crafted(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("crafted") / "content"
    for topic_id, advice in (("crafted-stop", "Stop the cream for a week."),
                             ("crafted-keep", "Keep using the cream every day.")):
        (folder / topic_id).mkdir(parents=True)
        today = dt.date.today()
        text = CRAFTED.format(id=topic_id, advice=advice, today=today, due=today + dt.timedelta(days=300))
        (folder / topic_id / "en.md").write_text(text, encoding="utf-8")
    return folder


def test_handouts_check_catches_a_crafted_topic_that_says_stop_the_cream(crafted):
    result = CliRunner().invoke(app, ["check", "--json", "--content", str(crafted),
                                      "-t", "crafted-stop", "-t", "crafted-keep"])
    assert result.exit_code != 0
    report, _ = json.JSONDecoder().raw_decode(result.output[result.output.index("{"):])
    flagged = [d for d in report["diagnostics"] if d["code"] == "forbidden.advice"]
    assert any("crafted-stop" in d["location"] and "Stop the cream" in d["message"] for d in flagged), flagged
    assert not [d for d in flagged if "crafted-keep" in d["location"]]


def test_the_pdf_rule_catches_the_crafted_topic_as_printed(crafted, tmp_path):
    out = tmp_path / "out"
    run("build", "-t", "crafted-stop", "-t", "crafted-keep", "-a", "adults", "--jobs", "1",
        "--content", crafted, "-o", out)
    stop = bad_advice(pdf_text(out / "en" / "adults" / "crafted-stop.pdf"))
    assert [name for name, _ in stop] == ["stop-prescribed-treatment"]
    assert bad_advice(pdf_text(out / "en" / "adults" / "crafted-keep.pdf")) == []


CITATION = re.compile(r"\[(@[^\]]+)\]")


def cited_keys() -> dict[str, set[str]]:
    """Every key cited as [@key] or [@a; @b] in content/*/en.md, with the topics citing it."""
    keys: dict[str, set[str]] = {}
    for path in sorted(CONTENT.glob("*/en.md")):
        for group in CITATION.findall(path.read_text(encoding="utf-8")):
            for key in re.findall(r"@([\w-]+)", group):
                keys.setdefault(key, set()).add(path.parent.name)
    return keys


def test_every_citation_resolves_to_a_reference_whose_identifier_was_seen():
    references = yaml.safe_load((CONTENT / "references.yaml").read_text(encoding="utf-8"))
    keys = cited_keys()
    assert len(keys) >= 20
    missing = {key: sorted(topics) for key, topics in keys.items() if key not in references}
    unconfirmed = {key: sorted(topics) for key, topics in keys.items()
                   if key in references and references[key].get("confirmed") is not True}
    assert missing == {}, f"cited but not in references.yaml: {missing}"
    assert unconfirmed == {}, f"cited but not confirmed (identifier not seen): {unconfirmed}"
    no_identifier = [key for key in keys if key in references
                     and not any(references[key].get(f) for f in ("doi", "pmid", "url"))]
    assert no_identifier == [], f"confirmed without a DOI, PMID or URL: {no_identifier}"
