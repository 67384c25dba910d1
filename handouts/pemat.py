"""The PEMAT-P items a program can judge, scored per document.

Each item is `met`, `not met`, `n/a`, or `reviewer` (a person must judge it).
Scores count only the items judged automatically, as PEMAT does:
points / applicable items x 100.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .model import Block, Callout, Document, Heading, ListBlock, ListKind, Table, plain_text
from .readability import sentences, text_units
from .tree import is_furniture, runs, text_sites, walk

MET, NOT_MET, NA, REVIEWER = "met", "not met", "n/a", "reviewer"

GENERIC_HEADINGS = {"introduction", "background", "overview", "information", "more information",
                    "details", "other", "miscellaneous", "notes", "section"}
HARD_NUMBERS = re.compile(r"\b\d+[.,]\d+\b|\b(?:OR|RR|HR|CI|IC|SMD|SCORAD)\b|\d\s*[x×]\s*\d|[=<>≤≥±]")
MAX_PASSIVE_SHARE = 0.2


@dataclass(frozen=True)
class Wording:
    """How a language reads for the items judged from words."""

    passive: re.Pattern  # a sentence in the passive voice
    to_the_reader: re.Pattern  # words that address the reader directly
    section_words: int  # a "short section" holds at most this many words


WORDING = {
    "en": Wording(
        re.compile(r"\b(?:am|is|are|was|were|be|been|being|get|gets|got)\s+(?:\w+ly\s+)?"
                   r"(?:\w+ed|known|shown|given|taken|seen|done|made|found|written|told|grown|born|eaten|"
                   r"drawn|chosen|kept|left|put|set|cut|bought|brought|held|meant|sold|thought)\b", re.I),
        re.compile(r"\byou(?:r)?\b", re.I), 180),
    # French and Spanish say the same in about a fifth more words, so a short section may too
    "fr": Wording(
        re.compile(r"\b(?:est|sont|était|étaient|été|sera|seront|soit|soient|être)\s+(?:\w+ment\s+)?"
                   r"\w+(?:é|ée|és|ées|is|ise|ises|it|ite|its|ites|us|ue|ues|uit|uite|ert|erte|ts|tes)\b", re.I),
        re.compile(r"\b(?:vous|votre|vos)\b", re.I), 216),
    "es": Wording(
        re.compile(r"\b(?:es|son|fue|fueron|era|eran|será|serán|sido|ser|sea|sean)\s+(?:\w+mente\s+)?"
                   r"\w+(?:ado|ada|ados|adas|ido|ida|idos|idas|cho|cha|chos|chas|to|ta|tos|tas)\b", re.I),
        re.compile(r"\b(?:usted|ustedes|su|sus)\b", re.I), 216),
}


@dataclass(frozen=True)
class Item:
    id: str
    scale: str  # understandability or actionability
    text: str
    result: str
    why: str = ""


def _has_bold(blocks) -> bool:
    return any(bold for site in text_sites(blocks) if site.role == "paragraph"
               for _, bold in runs(site.inlines))


def _sections(blocks: tuple[Block, ...]) -> list[list[Block]]:
    sections: list[list[Block]] = [[]]
    for block in blocks:
        if is_furniture(block):
            continue
        if isinstance(block, Heading) and block.level <= 2:
            sections.append([])
        sections[-1].append(block)
    return [s for s in sections if s]


def assess(document: Document, patient: bool) -> list[Item]:
    blocks = document.blocks
    flat = list(walk(blocks))
    callouts = [b for b in flat if isinstance(b, Callout)]
    kinds = {c.kind for c in callouts}
    # section headings and box titles (a box's title is its heading, on paper and on the web)
    headings = [b.inlines for b in flat if isinstance(b, Heading) and b.level >= 2] + \
        [c.title for c in callouts if c.title and not is_furniture(c)]
    tables = [b for b in flat if isinstance(b, Table)]
    lists = [b for b in flat if isinstance(b, ListBlock)]
    reading = tuple(b for b in blocks if not is_furniture(b))
    text = " ".join(text_units(reading))
    said = sentences(text_units(reading))
    wording = WORDING.get(document.info.language, WORDING["en"])
    passive = sum(1 for s in said if wording.passive.search(s))
    top = next((b for b in reading if not isinstance(b, Heading)), None)

    def item(id_, scale, wording, ok, why="") -> Item:
        return Item(id_, scale, wording, ok if isinstance(ok, str) else (MET if ok else NOT_MET), why)

    long_sections = [s for s in _sections(blocks)
                     if len(" ".join(text_units(tuple(s))).split()) > wording.section_words]
    generic = [plain_text(h) for h in headings if plain_text(h).strip(" ?").lower() in GENERIC_HEADINGS]
    ordered = [b for b in lists if b.kind is ListKind.ORDERED]
    return [
        item("U1", "understandability", "The material makes its purpose completely evident",
             isinstance(top, Callout) and top.kind == "main", "main message box first"),
        item("U2", "understandability", "The material does not include distracting information", REVIEWER),
        item("U3", "understandability", "The material uses common, everyday language", REVIEWER),
        item("U5", "understandability", "The material uses the active voice",
             not said or passive / len(said) <= MAX_PASSIVE_SHARE,
             f"{passive} of {len(said)} sentences look passive"),
        item("U6", "understandability", "Numbers are clear and easy to understand",
             not HARD_NUMBERS.search(text) if patient else NA,
             "no decimals, ratios or statistics in patient text"),
        item("U7", "understandability", "The material does not expect the user to do calculations",
             not HARD_NUMBERS.search(text) if patient else NA),
        item("U8", "understandability", "The material breaks information into short sections",
             not long_sections, f"{len(long_sections)} sections over {wording.section_words} words"),
        item("U9", "understandability", "The sections have informative headers",
             len(headings) >= 2 and not generic, ", ".join(generic)),
        item("U10", "understandability", "The material presents information in a logical sequence", REVIEWER),
        item("U11", "understandability", "The material provides a summary",
             "main" in kinds, "the main message box sums up the handout"),
        item("U12", "understandability", "The material uses visual cues to draw attention to key points",
             bool(callouts) and (bool(lists) or _has_bold(blocks))),
        item("U15", "understandability", "Visual aids are clear and uncluttered", REVIEWER),
        item("U18", "understandability", "Tables are short and clear with row and column headings",
             all(t.header and len(t.rows) <= 20 for t in tables) if tables else NA),
        item("A20", "actionability", "The material clearly identifies at least one action the user can take",
             bool(ordered) or bool(lists)),
        item("A21", "actionability", "The material addresses the user directly when describing actions",
             bool(wording.to_the_reader.search(text))),
        item("A22", "actionability", "The material breaks down any action into manageable, explicit steps",
             any(len(b.items) >= 2 for b in ordered)),
        item("A23", "actionability", "The material provides a tangible tool (checklist, plan, diary)",
             any(b.kind is ListKind.CHECK for b in lists) or bool(tables)),
        item("A24", "actionability", "The material provides simple instructions for any calculation", NA),
        item("A25", "actionability", "The material explains how to use the charts, graphs, tables or diagrams",
             REVIEWER if tables else NA),
        item("A26", "actionability", "The material uses visual aids to make it easier to act", REVIEWER),
    ]


def scores(items: list[Item]) -> dict[str, float | None]:
    out: dict[str, float | None] = {}
    for scale in ("understandability", "actionability"):
        judged = [i for i in items if i.scale == scale and i.result in (MET, NOT_MET)]
        out[scale] = round(100 * sum(i.result == MET for i in judged) / len(judged)) if judged else None
    return out
