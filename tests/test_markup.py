"""The Markdown dialect: blocks, boxes, swaps, citations and their source lines."""

from handouts.errors import Collector, SourceSpan
from handouts.markup import parse_blocks, select_audience, split_parts
from handouts.model import (Audience, Callout, Citation, Heading, ListBlock, ListKind, Paragraph,
                            SourceLine, Strong, Table, Text)


def lines(text: str, path: str = "topic.md", first: int = 1) -> list[SourceLine]:
    return [SourceLine(t, SourceSpan(path, first + i)) for i, t in enumerate(text.split("\n"))]


def parse(text: str, audience: Audience = Audience.PARENTS):
    collector = Collector()
    return parse_blocks(lines(text), audience, collector), collector


def test_blocks_keep_their_source_line():
    blocks, collector = parse("## Heading\n\nA **bold** word.\n\n1. one\n2. two")
    assert not collector.diagnostics
    heading, paragraph, steps = blocks
    assert isinstance(heading, Heading) and heading.level == 2 and heading.span.line == 1
    assert isinstance(paragraph, Paragraph) and paragraph.span.line == 3
    assert Strong((Text("bold"),)) in paragraph.inlines
    assert isinstance(steps, ListBlock) and steps.kind is ListKind.ORDERED and steps.span.line == 5


def test_checklist_items_lose_their_box_marker():
    (checklist,), _ = parse("- [ ] first\n- [ ] second")
    assert checklist.kind is ListKind.CHECK
    assert checklist.items[0].blocks[0].inlines == (Text("first"),)


def test_mixed_checklist_is_an_error():
    _, collector = parse("- [ ] first\n- second")
    assert [d.code for d in collector.errors] == ["list.mixed-checklist"]


def test_swaps_choose_the_audience_wording():
    text = "Wash {parents: your child's | adults, clinicians: your} skin."
    (para,), _ = parse(text, Audience.PARENTS)
    assert para.inlines == (Text("Wash your child's skin."),)
    (para,), _ = parse(text, Audience.ADULTS)
    assert para.inlines == (Text("Wash your skin."),)


def test_swap_missing_an_audience_names_the_line():
    _, collector = parse("line one\n\nWash {parents: your child} now.", Audience.ADULTS)
    (error,) = collector.errors
    assert error.code == "swap.missing" and error.span.line == 3 and "adults" in error.message


def test_escaped_brace_is_literal_text():
    (para,), collector = parse(r"Literal \{parents: x\} braces.")
    assert not collector.diagnostics
    assert para.inlines == (Text("Literal {parents: x} braces."),)


def test_citations_parse_keys():
    (para,), _ = parse("A fact [@one; @two].")
    assert Citation(("one", "two")) in para.inlines


def test_bad_citation_syntax_is_reported():
    _, collector = parse("A fact [@one, two].")
    assert [d.code for d in collector.errors] == ["citation.syntax"]


def test_callouts_tables_and_unknown_boxes():
    blocks, collector = parse("::: know\nSafe.\n:::\n\n| a | b |\n|---|---|\n| 1 | |\n\n::: warnign\nx\n:::")
    callout, table, _ = blocks
    assert isinstance(callout, Callout) and callout.kind == "know"
    assert isinstance(table, Table) and table.rows == (((Text("1"),), ()),)
    (error,) = collector.errors
    assert error.code == "box.unknown" and error.span.line == 9


def test_select_audience_and_parts():
    text = ("Intro\n\n::: only parents\nFor parents\n:::\n\n::: only adults\nFor adults\n:::\n\n"
            "::: questions\n- Ask this\n:::")
    collector = Collector()
    kept = select_audience(lines(text), Audience.PARENTS, collector)
    assert [line.text for line in kept if line.text] == ["Intro", "For parents", "::: questions",
                                                        "- Ask this", ":::"]
    parts = split_parts(kept)
    assert [line.text for line in parts["questions"]] == ["- Ask this"]
    assert [line.span.line for line in parts["questions"]] == [12]
    assert "::: questions" not in [line.text for line in parts["body"]]


def test_unsupported_markup_gets_advice():
    _, collector = parse("Text\n\n    indented code\n")
    assert collector.errors[0].code == "markup.unsupported"
    assert "indent" in collector.errors[0].message
