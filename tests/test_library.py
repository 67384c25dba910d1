"""Reading content: every mistake an editor can make is reported at its file and line."""

from pathlib import Path

import pytest

from handouts.errors import ContentError
from handouts.library import load_library
from handouts.model import Audience


def load(content: Path):
    return load_library([content], shipped_content=False)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"fixture has no {old!r}"
    path.write_text(text.replace(old, new, 1))


def test_fixture_library_reads_cleanly(content):
    library = load(content)
    mini = library.topics[("mini", "en")]
    assert mini.meta.title == "Bathing and eczema"
    assert mini.meta.audiences == (Audience.PARENTS, Audience.ADULTS, Audience.CLINICIANS)
    assert mini.meta.version == "2.1"
    assert mini.blocks[0].span.line == 20  # line numbers count the front matter
    assert library.bibliography["alpha2020"].confirmed
    assert library.packets["starter"].topics == ("mini", "kit")
    assert not [w for w in library.warnings if w.code != "reference.uncited"]


CASES = [
    # (what is wrong, old text, new text, code, line)
    ("not YAML", "title: Bathing and eczema", "title: [Bathing", "yaml.syntax", 5),
    ("colon in a plain value", "title: Bathing and eczema", "title: Bathing: eczema", "yaml.syntax", 4),
    ("missing field", "evidence_checked_by: the handouts editors\n", "", "front-matter.missing-field", 1),
    ("wrong type", "audiences: [parents, adults, clinicians]", "audiences: parents", "front-matter.type", 7),
    ("unknown key", "evidence_checked_by: the", "colour: blue\nevidence_checked_by: the", "front-matter.unknown-field", 12),
    ("date not a date", "last_reviewed: 2026-10-01", "last_reviewed: 2026-13-01", "front-matter.date", 10),
    ("review cycle too long", "next_review_due: 2027-10-01", "next_review_due: 2031-10-01", "review.cycle", 11),
    ("unknown audience", "[parents, adults, clinicians]", "[parents, grandparents]", "front-matter.audience", 7),
    ("id does not match folder", "id: mini", "id: maxi", "front-matter.id", 2),
    ("unknown reference key in header", "references: [alpha2020, beta2021]",
     "references: [alpha2020, beta2021, gamma2022]", "reference.unknown", 13),
    ("citation not in header list", "Baths are safe [@beta2021]", "Baths are safe [@gamma2022]",
     "citation.not-listed", 31),
    ("duplicate key", "version: \"2.1\"", "version: \"2.1\"\nversion: \"2.2\"", "yaml.duplicate-key", 10),
    ("unclosed box", "::: unknown\n- How often is best.\n:::\n", "::: unknown\n- How often is best.\n",
     "box.unclosed", 34),
    ("changes not ending at the version", 'version: "2.1"', 'version: "2.2"', "front-matter.changes", 14),
    ("change without clinical", "    clinical: true\n", "", "front-matter.changes", 14),
    ("change not saying what", "change: Version in use", "change: \"\"\n    chnage: Version in use", "front-matter.changes", 14),
    ("swap missing an audience", "Pat {parents: your child's | adults, clinicians: your}",
     "Pat {parents: your child's | adults: your}", "swap.missing", 25),
]


@pytest.mark.parametrize("what, old, new, code, line", CASES, ids=[c[0] for c in CASES])
def test_bad_topic_file_is_reported_at_its_line(content, what, old, new, code, line):
    edit(content / "mini" / "en.md", old, new)
    with pytest.raises(ContentError) as raised:
        load(content)
    found = [(d.code, d.span.line) for d in raised.value.diagnostics]
    assert (code, line) in found, found
    assert all(str(d.span).startswith(str(content / "mini" / "en.md")) or d.span.path.endswith("en.md")
               for d in raised.value.diagnostics if d.code == code)


def test_every_problem_is_reported_at_once(content):
    edit(content / "mini" / "en.md", "kind: topic", "kind: leaflet")
    edit(content / "kit" / "en.md", "last_reviewed: 2026-10-01", "last_reviewed: yesterday")
    with pytest.raises(ContentError) as raised:
        load(content)
    codes = {d.code for d in raised.value.diagnostics}
    assert {"front-matter.kind", "front-matter.date"} <= codes


def test_header_that_is_not_a_mapping(content):
    (content / "mini" / "en.md").write_text("---\n- a list\n- not a mapping\n---\nText\n")
    with pytest.raises(ContentError) as raised:
        load(content)
    assert ("yaml.not-mapping", 2) in [(d.code, d.span.line) for d in raised.value.diagnostics]


def test_box_left_open_at_end_of_file(content):
    path = content / "mini" / "en.md"
    path.write_text(path.read_text().rstrip().removesuffix(":::") + "\n")
    with pytest.raises(ContentError) as raised:
        load(content)
    assert ("box.unclosed", 60) in [(d.code, d.span.line) for d in raised.value.diagnostics]


def test_missing_front_matter(content):
    (content / "mini" / "en.md").write_text("# Just a heading\n")
    with pytest.raises(ContentError) as raised:
        load(content)
    assert raised.value.diagnostics[0].code == "front-matter.missing"


def test_empty_content_folder(tmp_path):
    with pytest.raises(ContentError) as raised:
        load_library([tmp_path], shipped_content=False)
    assert [d.code for d in raised.value.diagnostics] == ["folder.empty"]


def test_content_folder_without_topics(content):
    for topic in ("mini", "kit"):
        for path in (content / topic).iterdir():
            path.unlink()
        (content / topic).rmdir()
    with pytest.raises(ContentError) as raised:
        load(content)
    assert "content.empty" in {d.code for d in raised.value.diagnostics}


def test_packet_naming_an_unknown_topic(content):
    edit(content / "packets.yaml", "[mini, kit]", "[mini, kitt]")
    with pytest.raises(ContentError) as raised:
        load(content)
    (problem,) = raised.value.diagnostics
    assert problem.code == "packet.topic" and "kitt" in problem.message


def test_unconfirmed_reference_is_a_warning(content):
    edit(content / "references.yaml", "  confirmed: true\nbeta2021", "  confirmed: false\nbeta2021")
    library = load(content)
    assert "reference.unconfirmed" in {w.code for w in library.warnings}


def test_translated_strings_must_have_every_name(content):
    english = (content / "strings.en.yaml").read_text()
    (content / "strings.fr.yaml").write_text(english.replace('  safety: "Staying safe"\n', ""))
    with pytest.raises(ContentError) as caught:
        load(content)
    [problem] = [d for d in caught.value.diagnostics if d.code == "strings.missing-key"]
    assert str(problem.span).endswith("strings.fr.yaml:1")
    assert "'boxes.safety' is missing" in problem.message
