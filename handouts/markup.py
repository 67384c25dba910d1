"""The Markdown dialect of topics and templates, parsed into model blocks.

One markdown-it parser serves everything. Two inline rules extend CommonMark:
audience swaps `{parents: your child | adults: you}` and citations
`[@key; @key]`. Boxes are `::: name` containers. Every block keeps the source
line it came from through a per-line source map, so text spliced from a topic
into a template still reports the topic file's own line.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache

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
    ListBlock,
    Masthead,
    ListItem,
    ListKind,
    PageBreak,
    Paragraph,
    ReferenceList,
    SourceLine,
    Strong,
    Table,
    Text,
)

CALLOUTS = ("main", "know", "unknown", "help-now", "get-help", "note", "safety", "questions",
            "teach-back", "fine-print", "fill-in", "cover", "audience",
            "zone-green", "zone-yellow", "zone-red")
PARTS = ("questions", "safety", "get-help", "teach-back")
MARKERS = {"references": ReferenceList, "contents": Contents, "page-break": PageBreak,
           "masthead": Masthead}
ONLY = "only"
CONTAINER_NAMES = frozenset(CALLOUTS) | frozenset(MARKERS) | {ONLY}

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


# --- audience variants and parts, on raw lines -----------------------------


@dataclass(frozen=True, slots=True)
class Box:
    """A `::: name` container found in a list of lines (0-based, end exclusive)."""

    name: str
    params: str
    start: int
    end: int
    closed: bool
    depth: int
    colons: int


def find_boxes(lines: Sequence[SourceLine]) -> tuple[Box, ...]:
    return _boxes_in("\n".join(line.text for line in lines))


@lru_cache(maxsize=256)  # the same topic text is scanned for each audience and part
def _boxes_in(text: str) -> tuple[Box, ...]:
    texts = text.split("\n")
    boxes, depth = [], 0
    for token in parser().parse(text):
        if token.type == "container_box_open":
            name, params = container_name(token)
            start, close = token.map  # markdown-it maps a container to its closing line
            fence = texts[close].strip() if close < len(texts) else ""
            closed = bool(fence) and set(fence) == {":"}
            boxes.append(Box(name, params, start, close + 1 if closed else close, closed, depth,
                             len(token.markup)))
            depth += 1
        elif token.type == "container_box_close":
            depth -= 1
    return tuple(boxes)


def box_problems(lines: Sequence[SourceLine], collector: Collector) -> None:
    """Report boxes left open, naming the box the editor forgot to close."""
    boxes = find_boxes(lines)
    for outer in boxes:
        inner = next((box for box in boxes if box.depth == outer.depth + 1
                      and outer.start < box.start < outer.end and box.colons >= outer.colons), None)
        if inner is not None:
            collector.error(lines[outer.start].span, "box.unclosed",
                            f"the box '::: {outer.name}' is not closed before the box on line "
                            f"{lines[inner.start].span.line} opens; add a line ':::' to close it "
                            "(a box that holds another box needs one more colon)")
        elif not outer.closed:
            collector.error(lines[outer.start].span, "box.unclosed",
                            f"the box '::: {outer.name}' is never closed; add a line ':::' after it")


def only_audiences(box: Box, collector: Collector, lines: Sequence[SourceLine]) -> set[str]:
    names = set(box.params.replace(",", " ").split())
    unknown = names - {a.value for a in Audience}
    if unknown or not names:
        collector.error(
            lines[box.start].span, "only.audience",
            f"'::: only' needs audience names (parents, adults, clinicians); got '{box.params}'")
    return names


def select_audience(lines: Sequence[SourceLine], audience: Audience,
                    collector: Collector) -> list[SourceLine]:
    """Drop `::: only` passages meant for other audiences, and the fences of the rest."""
    drop: set[int] = set()
    for box in find_boxes(lines):
        if box.name != ONLY:
            continue
        if audience.value in only_audiences(box, collector, lines):
            drop.update({box.start, box.end - 1} if box.closed else {box.start})
        else:
            drop.update(range(box.start, box.end))
    return [line for index, line in enumerate(lines) if index not in drop]


def split_parts(lines: Sequence[SourceLine]) -> dict[str, list[SourceLine]]:
    """Take the top-level `::: questions` / `::: safety` / ... boxes out of the body."""
    parts: dict[str, list[SourceLine]] = {name: [] for name in ("body", *PARTS)}
    taken: set[int] = set()
    for box in find_boxes(lines):
        if box.depth == 0 and box.name in PARTS:
            inner_end = box.end - 1 if box.closed else box.end
            parts.setdefault(box.name, []).extend(lines[box.start + 1 : inner_end])
            taken.update(range(box.start, box.end))
    parts["body"] = [line for index, line in enumerate(lines) if index not in taken]
    return parts


# --- tokens -> blocks --------------------------------------------------------


class Converter:
    """Turns markdown-it tokens into model blocks for one audience."""

    def __init__(self, lines: Sequence[SourceLine], audience: Audience, collector: Collector,
                 box_titles: dict[str, str] | None = None):
        self.lines = lines
        self.audience = audience
        self.collector = collector
        self.box_titles = box_titles or {}
        self.tokens: list[Token] = []
        self.pos = 0

    def convert(self) -> tuple[Block, ...]:
        self.tokens = parser().parse("\n".join(line.text for line in self.lines))
        self.pos = 0
        return tuple(self._blocks(until=None))

    # helpers

    def _span(self, token: Token) -> SourceSpan:
        if token.map and token.map[0] < len(self.lines):
            return self.lines[token.map[0]].span
        return self.lines[0].span if self.lines else SourceSpan("<empty>")

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
            audiences = set(params.replace(",", " ").split())
            return children if self.audience.value in audiences else []
        if name == "references":
            return [ReferenceList(span, short=params.strip() == "short")]
        if name in MARKERS:
            return [MARKERS[name](span)]
        if name not in CALLOUTS:
            known = ", ".join(sorted(CONTAINER_NAMES))
            self.collector.error(span, "box.unknown", f"unknown box '::: {name}'; use one of: {known}")
            return children
        title_text = params or self.box_titles.get(name, "")
        title = self.inlines_from_text(title_text, span) if title_text else ()
        return [Callout(name, title, tuple(children), span)]

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

    def _skip(self, token: Token) -> list[Block]:
        return []

    BLOCK_HANDLERS = {
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
        for child in children:
            kind = child.type
            if kind in ("text", "code_inline", "text_special"):
                stack[-1].append(Text(child.content))
            elif kind == "softbreak":
                stack[-1].append(Text(" "))
            elif kind == "hardbreak":
                stack[-1].append(LineBreak())
            elif kind in ("strong_open", "em_open", "link_open"):
                stack.append([])
            elif kind == "strong_close":
                inner = tuple(stack.pop())
                stack[-1].append(Strong(inner))
            elif kind == "em_close":
                inner = tuple(stack.pop())
                stack[-1].append(Emphasis(inner))
            elif kind == "link_close":
                inner = stack.pop()
                stack[-1].extend(inner)
            elif kind == "audience_swap":
                stack[-1].append(Text(self._swap(child.content, span)))
            elif kind == "citation":
                stack[-1].append(self._citation(child.content, span))
            elif kind == "image":
                self.collector.error(span, "markup.image", "images are not supported in topic text")
            else:
                stack[-1].append(Text(child.content))
        return _merge_text(tuple(stack[0]))

    def _swap(self, body: str, span: SourceSpan) -> str:
        choices: dict[str, str] = {}
        for option in body.split("|"):
            names, colon, words = option.partition(":")
            if not colon:
                self.collector.error(span, "swap.syntax",
                                     f"each choice in '{{{body}}}' needs 'audience: words'")
                continue
            for name in names.replace(",", " ").split():
                if name not in {a.value for a in Audience}:
                    self.collector.error(span, "swap.audience",
                                         f"unknown audience '{name}' in '{{{body}}}'; "
                                         "use parents, adults or clinicians")
                choices[name] = words.strip()
        if self.audience.value not in choices:
            self.collector.error(span, "swap.missing",
                                 f"'{{{body}}}' has no words for {self.audience.value}; add "
                                 f"'| {self.audience.value}: ...'")
            return ""
        return choices[self.audience.value]

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


def _merge_text(inlines: Inlines) -> Inlines:
    merged: list[Inline] = []
    for inline in inlines:
        if isinstance(inline, Text) and not inline.text:
            continue
        if isinstance(inline, Text) and merged and isinstance(merged[-1], Text):
            merged[-1] = Text(merged[-1].text + inline.text)
        else:
            merged.append(inline)
    return tuple(merged)


def parse_blocks(lines: Sequence[SourceLine], audience: Audience, collector: Collector,
                 box_titles: dict[str, str] | None = None) -> tuple[Block, ...]:
    """Parse Markdown lines for one audience; boxes without a title get `box_titles[name]`."""
    return Converter(lines, audience, collector, box_titles).convert()


def escape(text: str) -> str:
    """Make any text print literally when placed in Markdown (names typed by a clinic)."""
    return re.sub(r"([\\`*_{}\[\]<>()#+\-.!|:&~])", r"\\\1", text)
