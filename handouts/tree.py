"""Walking the block tree: the one place audiences are resolved, and the one walker.

`select` turns a topic as read (with `Only` blocks and `Swap` words) into the
text one audience reads. `walk` visits every block; `text_sites` yields every
piece of running text (headings, paragraphs, table cells, box titles) with its
role and source line, so that every rule over text (forbidden advice, glossary,
reading level, PEMAT, citations) sees the same text. A block type that a
consumer does not know is an error, not something skipped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import assert_never

from .errors import SourceSpan
from .model import (
    Audience,
    Block,
    Callout,
    Citation,
    Contents,
    Emphasis,
    Heading,
    Inline,
    Inlines,
    LineBreak,
    Link,
    ListBlock,
    Masthead,
    Only,
    PageBreak,
    Paragraph,
    ReferenceList,
    Strong,
    Swap,
    Table,
    Text,
)

PARTS = ("questions", "safety", "get-help", "teach-back")  # boxes the template places itself
FURNITURE = ("fine-print", "audience", "fill-in")  # boxes the template adds around every handout


# --- selection ---------------------------------------------------------------------


def select(blocks: tuple[Block, ...], audience: Audience, swaps: bool = True) -> tuple[Block, ...]:
    """The blocks one audience reads: `Only` kept or dropped, and swaps resolved (left in
    place with `swaps=False`, for the check that every swap has words for its readers)."""
    out: list[Block] = []
    for block in blocks:
        if isinstance(block, Only):
            if audience.value in block.audiences:
                out.extend(select(block.blocks, audience, swaps))
        else:
            out.append(_select_block(block, audience, swaps))
    return tuple(out)


def _select_block(block: Block, audience: Audience, swaps: bool) -> Block:
    def words(inlines: Inlines) -> Inlines:
        return select_inlines(inlines, audience) if swaps else inlines

    return map_words(block, words, lambda blocks: select(blocks, audience, swaps))


def map_words(block: Block, words: Callable[[Inlines], Inlines],
              blocks: Callable[[tuple[Block, ...]], tuple[Block, ...]] | None = None) -> Block:
    """`block` with `words` applied to each piece of its running text, and `blocks` (by
    default the same mapping) to the blocks inside it."""
    inner = blocks or (lambda found: tuple(map_words(b, words) for b in found))
    match block:
        case Heading() | Paragraph():
            return replace(block, inlines=words(block.inlines))
        case Callout():
            return replace(block, title=words(block.title), blocks=inner(block.blocks))
        case ListBlock():
            return replace(block, items=tuple(replace(item, blocks=inner(item.blocks)) for item in block.items))
        case Table():
            return replace(block, header=tuple(words(c) for c in block.header),
                           rows=tuple(tuple(words(c) for c in row) for row in block.rows))
        case PageBreak() | ReferenceList() | Contents() | Masthead():
            return block
        case Only():
            if blocks is not None:
                raise AssertionError("Only is resolved by select()")
            return replace(block, blocks=inner(block.blocks))
        case _:
            assert_never(block)


def select_inlines(inlines: Inlines, audience: Audience) -> Inlines:
    out: list[Inline] = []
    for inline in inlines:
        if isinstance(inline, Swap):
            words = dict(inline.choices).get(audience.value, "")
            if words:
                out.append(Text(words))
        elif isinstance(inline, (Strong, Emphasis, Link)):
            out.append(replace(inline, children=select_inlines(inline.children, audience)))
        else:
            out.append(inline)
    return merge_text(tuple(out))


def merge_text(inlines: Inlines) -> Inlines:
    merged: list[Inline] = []
    for inline in inlines:
        if isinstance(inline, Text) and not inline.text:
            continue
        if isinstance(inline, Text) and merged and type(merged[-1]) is type(inline):
            merged[-1] = Text(merged[-1].text + inline.text)  # type: ignore[union-attr]
        else:
            merged.append(inline)
    return tuple(merged)


def split_parts(blocks: tuple[Block, ...]) -> dict[str, tuple[Block, ...]]:
    """Take the top-level `::: questions` / `::: safety` / ... boxes out of the body;
    each part is the content of its boxes, for the template to place."""
    parts: dict[str, list[Block]] = {name: [] for name in ("body", *PARTS)}
    for block in blocks:
        if isinstance(block, Callout) and block.kind in PARTS:
            parts[block.kind].extend(block.blocks)
        else:
            parts["body"].append(block)
    return {name: tuple(found) for name, found in parts.items()}


# --- walking -------------------------------------------------------------------------


def walk(blocks: tuple[Block, ...]) -> Iterator[Block]:
    """Every block, depth first, in reading order."""
    for block in blocks:
        yield block
        yield from walk(children(block))


def children(block: Block) -> tuple[Block, ...]:
    match block:
        case Callout() | Only():
            return block.blocks
        case ListBlock():
            return tuple(child for item in block.items for child in item.blocks)
        case Heading() | Paragraph() | Table() | PageBreak() | ReferenceList() | Contents() | Masthead():
            return ()
        case _:
            assert_never(block)


@dataclass(frozen=True, slots=True)
class TextSite:
    """One piece of running text a reader meets, with what it is and where it came from."""

    role: str  # "heading", "paragraph", "cell", "header-cell" or "box-title"
    inlines: Inlines
    span: SourceSpan
    box: str = ""  # the kind of the innermost box around it, if any


def text_sites(blocks: tuple[Block, ...], box: str = "") -> Iterator[TextSite]:
    """Every piece of running text, in reading order."""
    for block in blocks:
        match block:
            case Heading():
                yield TextSite("heading", block.inlines, block.span, box)
            case Paragraph():
                yield TextSite("paragraph", block.inlines, block.span, box)
            case Callout():
                if block.title:
                    yield TextSite("box-title", block.title, block.span, block.kind)
                yield from text_sites(block.blocks, block.kind)
            case Only():
                yield from text_sites(block.blocks, box)
            case ListBlock():
                for item in block.items:
                    yield from text_sites(item.blocks, box)
            case Table():
                for cell in block.header:
                    yield TextSite("header-cell", cell, block.span, box)
                for row in block.rows:
                    for cell in row:
                        yield TextSite("cell", cell, block.span, box)
            case PageBreak() | ReferenceList() | Contents() | Masthead():
                pass
            case _:
                assert_never(block)


def inlines_of(inlines: Inlines) -> Iterator[Inline]:
    """Every inline, nested ones included."""
    for inline in inlines:
        yield inline
        if isinstance(inline, (Strong, Emphasis, Link)):
            yield from inlines_of(inline.children)


def walk_inlines(blocks: tuple[Block, ...]) -> Iterator[tuple[Inline, SourceSpan]]:
    """Every inline of a block tree, with its block's span."""
    for site in text_sites(blocks):
        for inline in inlines_of(site.inlines):
            yield inline, site.span


def citations(blocks: tuple[Block, ...]) -> Iterator[tuple[Citation, SourceSpan]]:
    for inline, span in walk_inlines(blocks):
        if isinstance(inline, Citation):
            yield inline, span


def runs(inlines: Inlines, bold: bool = False) -> Iterator[tuple[str, bool]]:
    """(text, is_bold) runs in reading order."""
    for inline in inlines:
        match inline:
            case Text():
                yield inline.text, bold
            case Strong():
                yield from runs(inline.children, True)
            case Emphasis() | Link():
                yield from runs(inline.children, bold)
            case Swap():
                for _, words in inline.choices:
                    yield words, bold
            case Citation() | LineBreak():
                pass
            case _:
                assert_never(inline)


def is_furniture(block: Block) -> bool:
    return isinstance(block, (Masthead, ReferenceList)) or (
        isinstance(block, Callout) and block.kind in FURNITURE)
