"""The Markdown dialect of topics and templates, parsed into model blocks.

One markdown-it parser serves everything. Two inline rules extend CommonMark:
audience swaps `{parents: your child | adults: you}` and citations
`[@key; @key]`. Boxes are `::: name` containers. Every block keeps the source
line it came from through a per-line source map, so text spliced from a topic
into a template still reports the topic file's own line.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from typing import ClassVar

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from mdit_py_plugins.container import container_plugin

from .errors import Collector, SourceSpan
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
    ListItem,
    ListKind,
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
from .tree import merge_text

CALLOUTS = ("main", "know", "unknown", "help-now", "get-help", "note", "safety", "questions",
            "teach-back", "fine-print", "fill-in", "cover", "audience",
            "zone-green", "zone-yellow", "zone-red")
MARKERS = {"references": ReferenceList, "contents": Contents, "page-break": PageBreak,
           "masthead": Masthead}
ONLY = "only"
CONTAINER_NAMES = frozenset(CALLOUTS) | frozenset(MARKERS) | {ONLY}
AUDIENCE_NAMES = frozenset(a.value for a in Audience)

_CITATION_KEY = re.compile(r"@([A-Za-z0-9][\w.-]*)$")
_TASK = re.compile(r"^\[( |x|X)\]\s+")


# --- the parser -----------------------------------------------------------


def _audience_swap_rule(state: StateInline, silent: bool) -> bool:
    if state.src[state.pos] != "{":
        return False
    end = state.src.find("}", state.pos + 1)
    body = state.src[state.pos + 1 : end] if end > 0 else ""
    if ":" not in body or "\n" in body:
        return False
    if not silent:
        state.push("audience_swap", "", 0).content = body
    state.pos = end + 1
    return True


def _citation_rule(state: StateInline, silent: bool) -> bool:
    if not state.src.startswith("[@", state.pos):
        return False
    end = state.src.find("]", state.pos)
    if end < 0 or "\n" in state.src[state.pos:end]:
        return False
    if not silent:
        state.push("citation", "", 0).content = state.src[state.pos + 1 : end]
    state.pos = end + 1
    return True


@cache
def parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False}).enable("table")
    container_plugin(md, "box", validate=lambda *_: True)
    md.inline.ruler.before("link", "citation", _citation_rule)
    md.inline.ruler.before("link", "audience_swap", _audience_swap_rule)
    return md


def container_name(token: Token) -> tuple[str, str]:
    """`::: know What we know` -> ("know", "What we know")."""
    name, _, rest = token.info.strip().partition(" ")
    return name, rest.strip()


# --- boxes left open ----------------------------------------------------------


def _box_problems(tokens: list[Token], texts: list[str], span_of, collector: Collector) -> None:
    """Report boxes left open, naming the box the editor forgot to close.

    A box that holds another box with as many colons ends at the inner box's
    closing line, so the inner box is what shows the mistake."""
    boxes = []  # (name, start line, closing line, closed, depth, colons)
    depth = 0
    for token in tokens:
        if token.type == "container_box_open":
            start, close = token.map or (0, 0)
            fence = texts[close].strip() if close < len(texts) else ""
            boxes.append((container_name(token)[0], start, close, bool(fence) and set(fence) == {":"},
                          depth, len(token.markup)))
            depth += 1
        elif token.type == "container_box_close":
            depth -= 1
    for name, start, close, closed, level, colons in boxes:
        inner = next((b for b in boxes if b[4] == level + 1 and start < b[1] <= close and b[5] >= colons),
                     None)
        if inner is not None:
            collector.error(span_of(start), "box.unclosed",
                            f"the box '::: {name}' is not closed before the box on line "
                            f"{span_of(inner[1]).line} opens; add a line ':::' to close it "
                            "(a box that holds another box needs one more colon)")
        elif not closed:
            collector.error(span_of(start), "box.unclosed",
                            f"the box '::: {name}' is never closed; add a line ':::' after it")


# --- tokens -> blocks --------------------------------------------------------


SpanOf = Callable[[int], SourceSpan]


class Converter:
    """Turns markdown-it tokens into model blocks, for every audience at once:
    `::: only` passages become `Only` blocks and swaps become `Swap` inlines,
    which `tree.select` resolves."""

    def __init__(self, text: str, span_of: SpanOf, collector: Collector,
                 box_titles: dict[str, str] | None = None, plain: Callable[[str], str] = str):
        self.text = text
        self.span_of = span_of
        self.collector = collector
        self.box_titles = box_titles or {}
        self.plain = plain  # turns container parameters into plain words (compose's values)
        self.tokens: list[Token] = []
        self.pos = 0

    def convert(self) -> tuple[Block, ...]:
        self.tokens = parser().parse(self.text)
        _box_problems(self.tokens, self.text.split("\n"), self.span_of, self.collector)
        self.pos = 0
        return tuple(self._blocks(until=None))

    # helpers

    def _span(self, token: Token) -> SourceSpan:
        return self.span_of(token.map[0] if token.map else 0)

    def _next(self) -> Token:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def _blocks(self, until: str | None) -> list[Block]:
        blocks: list[Block] = []
        while self.pos < len(self.tokens):
            token = self.tokens[self.pos]
            if until and token.type == until:
                self.pos += 1
                return blocks
            handler = self.BLOCK_HANDLERS.get(token.type)
            self.pos += 1
            if handler is None:
                self._unsupported(token)
                continue
            blocks.extend(handler(self, token))
        return blocks

    def _unsupported(self, token: Token) -> None:
        advice = {
            "code_block": "text indented by 4 or more spaces prints as code; remove the indent",
            "fence": "code blocks are not supported in handouts; remove the ``` fence",
            "blockquote_open": "quotes ('>') are not supported; use a '::: note' box",
            "hr": "lines of '---' are not supported; use a heading or '::: page-break'",
        }.get(token.type, f"'{token.type}' is not supported in handouts")
        self.collector.error(self._span(token), "markup.unsupported", advice)
        if token.nesting == 1:  # skip to the matching close token
            depth = 1
            while depth and self.pos < len(self.tokens):
                depth += self._next().nesting

    # block handlers

    def _heading(self, token: Token) -> list[Block]:
        inline = self._next()
        self._next()  # heading_close
        return [Heading(int(token.tag[1]), self.inlines(inline), self._span(token))]

    def _paragraph(self, token: Token) -> list[Block]:
        inline = self._next()
        self._next()  # paragraph_close
        return [Paragraph(self.inlines(inline), self._span(token))]

    def _list(self, token: Token) -> list[Block]:
        ordered = token.type == "ordered_list_open"
        close = "ordered_list_close" if ordered else "bullet_list_close"
        items: list[ListItem] = []
        ticks: list[bool] = []
        while self.tokens[self.pos].type != close:
            item_token = self._next()  # list_item_open
            ticks.append(self._strip_task_box())
            items.append(ListItem(tuple(self._blocks(until="list_item_close")),
                                  self._span(item_token)))
        self.pos += 1
        kind = ListKind.ORDERED if ordered else ListKind.BULLET
        if any(ticks):
            if not all(ticks):
                self.collector.error(
                    self._span(token), "list.mixed-checklist",
                    "start every item of a checklist with '[ ] ', or none of them")
            kind = ListKind.CHECK
        start = int(token.attrGet("start") or 1) if ordered else 1
        return [ListBlock(kind, tuple(items), self._span(token), start)]

    def _strip_task_box(self) -> bool:
        """Remove a leading '[ ] ' from the item's first paragraph; True if there was one."""
        if self.tokens[self.pos].type != "paragraph_open":
            return False
        inline = self.tokens[self.pos + 1]
        first = inline.children[0] if inline.children else None
        if first is None or first.type != "text" or not _TASK.match(first.content):
            return False
        first.content = _TASK.sub("", first.content, count=1)
        return True

    def _container(self, token: Token) -> list[Block]:
        name, params = container_name(token)
        span = self._span(token)
        children = self._blocks(until="container_box_close")
        if name == ONLY:
            return [Only(self._only_audiences(self.plain(params), span), tuple(children), span)]
        if name == "references":
            return [ReferenceList(span, short=self.plain(params).strip() == "short")]
        if name in MARKERS:
            return [MARKERS[name](span)]
        if name not in CALLOUTS:
            known = ", ".join(sorted(CONTAINER_NAMES))
            self.collector.error(span, "box.unknown", f"unknown box '::: {name}'; use one of: {known}")
            return children
        title_text = params or self.box_titles.get(name, "")
        title = self.inlines_from_text(title_text, span) if title_text else ()
        return [Callout(name, title, tuple(children), span)]

    def _only_audiences(self, params: str, span: SourceSpan) -> frozenset[str]:
        names = frozenset(params.replace(",", " ").split())
        if not names or names - AUDIENCE_NAMES:
            self.collector.error(span, "only.audience",
                                 f"'::: only' needs audience names (parents, adults, clinicians); got '{params}'")
        return names & AUDIENCE_NAMES

    def _table(self, token: Token) -> list[Block]:
        rows: list[tuple[Inlines, ...]] = []
        row: list[Inlines] = []
        while (current := self._next()).type != "table_close":
            if current.type == "inline":
                row.append(self.inlines(current))
            elif current.type == "tr_close":
                rows.append(tuple(row))
                row = []
        return [Table(rows[0], tuple(rows[1:]), self._span(token))]

    BLOCK_HANDLERS: ClassVar[dict[str, Callable[..., list[Block]]]] = {
        "heading_open": _heading,
        "paragraph_open": _paragraph,
        "bullet_list_open": _list,
        "ordered_list_open": _list,
        "container_box_open": _container,
        "table_open": _table,
    }

    # inlines

    def inlines_from_text(self, text: str, span: SourceSpan) -> Inlines:
        tokens = parser().parseInline(text)
        return self._inline_children(tokens[0].children or [], span) if tokens else ()

    def inlines(self, token: Token) -> Inlines:
        return self._inline_children(token.children or [], self._span(token))

    def _inline_children(self, children: list[Token], span: SourceSpan) -> Inlines:
        stack: list[list[Inline]] = [[]]
        targets: list[str] = []
        for child in children:
            kind = child.type
            if kind in ("text", "code_inline", "text_special", "html_inline"):
                stack[-1].append(Text(child.content))
            elif kind == "softbreak":
                stack[-1].append(Text(" "))
            elif kind == "hardbreak":
                stack[-1].append(LineBreak())
            elif kind in ("strong_open", "em_open"):
                stack.append([])
            elif kind == "link_open":
                targets.append(self._link_target(str(child.attrGet("href") or ""), span))
                stack.append([])
            elif kind == "strong_close":
                inner = tuple(stack.pop())
                stack[-1].append(Strong(inner))
            elif kind == "em_close":
                inner = tuple(stack.pop())
                stack[-1].append(Emphasis(inner))
            elif kind == "link_close":
                inner = tuple(stack.pop())
                target = targets.pop()
                stack[-1].append(Link(target, inner))
            elif kind == "audience_swap":
                stack[-1].append(self._swap(child.content, span))
            elif kind == "citation":
                stack[-1].append(self._citation(child.content, span))
            elif kind == "image":
                self.collector.error(span, "markup.image", "images are not supported in topic text")
            else:
                stack[-1].append(Text(child.content))
        return merge_text(tuple(stack[0]))

    def _link_target(self, href: str, span: SourceSpan) -> str:
        if not re.match(r"(https?://|mailto:|tel:)\S+$", href):
            self.collector.error(span, "link.target",
                                 f"the link target '{href}' is not a web, mailto: or tel: address; "
                                 "write a full address such as https://www.nhs.uk/")
            return ""
        return href

    def _swap(self, body: str, span: SourceSpan) -> Swap:
        choices: dict[str, str] = {}
        for option in body.split("|"):
            names, colon, words = option.partition(":")
            if not colon:
                self.collector.error(span, "swap.syntax",
                                     f"each choice in '{{{body}}}' needs 'audience: words'")
                continue
            for name in names.replace(",", " ").split():
                if name not in AUDIENCE_NAMES:
                    self.collector.error(span, "swap.audience",
                                         f"unknown audience '{name}' in '{{{body}}}'; "
                                         "use parents, adults or clinicians")
                choices[name] = words.strip()
        return Swap(tuple(choices.items()))

    def _citation(self, body: str, span: SourceSpan) -> Citation:
        keys = []
        for part in body.split(";"):
            match = _CITATION_KEY.match(part.strip())
            if match:
                keys.append(match.group(1))
            else:
                self.collector.error(span, "citation.syntax",
                                     f"citation '[{body}]' should look like [@key] or [@key1; @key2]")
        return Citation(tuple(keys))


def parse_markdown(text: str, span_of: SpanOf, collector: Collector,
                   box_titles: dict[str, str] | None = None,
                   plain: Callable[[str], str] = str) -> tuple[Block, ...]:
    """Parse Markdown once, for every audience; `span_of(line index)` names each block's source."""
    return Converter(text, span_of, collector, box_titles, plain).convert()


def parse_inline(text: str, span: SourceSpan, collector: Collector) -> Inlines:
    """One line of inline Markdown (a title, a main message)."""
    return Converter(text, lambda _: span, collector).inlines_from_text(text, span)
