"""The Markdown dialect: blocks, boxes, swaps, citations and their source lines."""

from handouts.errors import Collector, SourceSpan
from handouts.markup import parse_markdown
from handouts.model import (
    Audience,
    Callout,
    Citation,
    Heading,
    Link,
    ListBlock,
    ListKind,
    Only,
    Paragraph,
    Strong,
    Table,
    Text,
)
from handouts.tree import select, split_parts


def parse_all(text: str, path: str = "topic.md", first: int = 1):
    """Parse once, for every audience, as a topic file is read."""
    collector = Collector()
    return parse_markdown(text, lambda index: SourceSpan(path, first + index), collector), collector


def parse(text: str, audience: Audience = Audience.PARENTS):
    blocks, collector = parse_all(text)
    return select(blocks, audience), collector


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


def test_links_keep_their_target():
    (para,), collector = parse("See [the NHS page](https://www.nhs.uk/conditions/) or <mailto:a@b.example>.")
    assert not collector.diagnostics
    link = next(i for i in para.inlines if isinstance(i, Link))
    assert link.target == "https://www.nhs.uk/conditions/" and link.children == (Text("the NHS page"),)


def test_a_link_without_a_usable_target_is_an_error():
    _, collector = parse("See [the page](page.html).")
    assert [d.code for d in collector.errors] == ["link.target"]


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


def test_only_passages_are_parsed_once_and_selected_per_audience():
    text = ("Intro\n\n::: only parents\nFor parents\n:::\n\n::: only adults\nFor adults\n:::\n\n"
            "::: questions\n- Ask this\n:::")
    blocks, collector = parse_all(text)
    assert not collector.diagnostics
    assert [type(b) for b in blocks] == [Paragraph, Only, Only, Callout]
    kept = select(blocks, Audience.PARENTS)
    assert [b.inlines for b in kept if isinstance(b, Paragraph)] == [(Text("Intro"),), (Text("For parents"),)]
    parts = split_parts(kept)
    (questions,) = parts["questions"]
    assert isinstance(questions, ListBlock) and questions.span.line == 12
    assert not any(isinstance(b, Callout) for b in parts["body"])


def test_unclosed_box_is_named():
    _, collector = parse_all("::: know\nSafe.\n")
    (error,) = collector.errors
    assert error.code == "box.unclosed" and error.span.line == 1


def test_unsupported_markup_gets_advice():
    _, collector = parse("Text\n\n    indented code\n")
    assert collector.errors[0].code == "markup.unsupported"
    assert "indent" in collector.errors[0].message
