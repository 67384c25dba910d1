"""Draw a composed `Document` as one accessible HTML page, next to its PDF.

The web copy is the online version the QR code points to, and it reflows for
any screen: real headings, lists, table headers, a language, and numbered
references that citations link to (the PDF is tagged too, see render/tagging.py).
Like the PDF renderer it never reads files: it takes a Document and the theme
and returns text.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from html import escape
from typing import Any

from .citation_style import format_reference
from .model import (
    Block,
    Callout,
    Citation,
    Contents,
    Document,
    Emphasis,
    Heading,
    Inline,
    LineBreak,
    Link,
    ListBlock,
    ListKind,
    Masthead,
    Only,
    PageBreak,
    Paragraph,
    ReferenceList,
    RenderOptions,
    Strong,
    Swap,
    Table,
    Text,
    plain_text,
)
from .rendered import Rendered
from .theme_schema import ResolvedTheme, ThemeSource


def render_html_file(document: Document, theme: ThemeSource,
                     options: RenderOptions = RenderOptions()) -> Rendered:
    return Rendered(render_html(document, theme, options).encode("utf-8"))


def render_html(document: Document, theme: ThemeSource, options: RenderOptions = RenderOptions()) -> str:
    """The whole page as text; styles come from the same theme as the PDF."""
    page = _Page(document)
    info = document.info
    body = "\n".join(page.block(block) for block in document.blocks)
    return f"""<!DOCTYPE html>
<html lang="{escape(info.language)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(info.title)}</title>
<meta name="description" content="{escape(info.subject)}">
<meta name="author" content="{escape(info.author)}">
<meta name="generator" content="handouts">
<style>
{stylesheet(theme.resolve(options.large_print, options.accent))}
</style>
</head>
<body>
<header><p class="publisher">{escape(info.header_text)}</p>{f'<p class="status"><strong>{escape(info.status_line)}</strong></p>' if info.status_line else ''}</header>
<main>
{body}
</main>
<footer><p>{escape(info.footer_text)}</p></footer>
</body>
</html>
"""


def stylesheet(theme: ResolvedTheme) -> str:
    """CSS from the resolved theme: the colours, sizes and boxes the PDF uses."""
    colors, styles = theme.colors, theme.styles

    def color(value: str | None) -> str:
        return colors.get(value, value) if value else "transparent"

    def size(style: str) -> str:
        spec = styles[style]
        return f"font-size: {spec.size:g}pt; line-height: {spec.leading / spec.size:.2f};"

    rules = [
        f"body {{ font-family: 'Bitstream Vera Sans', 'DejaVu Sans', Verdana, sans-serif; {size('body')} "
        f"color: {color('ink')}; max-width: 42em; margin: 0 auto; padding: 1em; }}",
        f"h1 {{ {size('heading.1')} color: {color('accent')}; margin: 0.3em 0; }}",
        f"h2 {{ {size('heading.2')} color: {color('accent')}; margin: 0.8em 0 0.3em; }}",
        f"h3, h4 {{ {size('heading.3')} margin: 0.6em 0 0.2em; }}",
        f"header, footer, .audience {{ color: {color('muted')}; font-weight: bold; }}",
        f"header {{ border-bottom: 1px solid {color('rule')}; }} footer {{ border-top: 1px solid {color('rule')}; }}",
        f"footer, .references, .box-fine-print {{ font-size: {styles['reference'].size:g}pt; font-weight: normal; }}",
        "p { margin: 0 0 0.4em; } ul, ol { margin: 0 0 0.5em; padding-left: 1.6em; }",
        ".box { padding: 0.5em 0.8em; margin: 0 0 0.7em; }",
        ".box-title { font-size: 1em; margin: 0 0 0.2em; color: inherit; }",
        "ul.checklist { list-style: none; padding-left: 0; } ul.checklist input { width: 1em; height: 1em; margin-right: 0.5em; }",
        f"table {{ border-collapse: collapse; width: 100%; }} th, td {{ border: 1px solid {color(theme.tables.grid)}; "
        f"padding: 0.2em 0.4em; text-align: left; vertical-align: top; }} th {{ background: {color('table.header')}; }}",
        "td.blank { height: 1.6em; }",
        f"a {{ color: {color('accent')}; }} .citation {{ color: {color('muted')}; }}",
        ".logo { max-height: 4em; max-width: 60%; }",
        "@media print { .page-break { break-after: page; } body { max-width: none; } }",
        ".page-break { border: 0; }",
    ]
    for kind, box in theme.boxes.items():
        rules.append(f".box-{kind} {{ background: {color(box.background)}; "
                     f"border-left: {box.bar_width:g}pt solid {color(box.bar)}; }}")
    return "\n".join(rules)


class _Page:
    def __init__(self, document: Document):
        self.document = document
        self.numbers = document.reference_numbers()
        self.titles = [b for b in document.blocks if isinstance(b, Heading) and b.level == 1]
        self.anchors = {id(h): _anchor(h, n) for n, h in enumerate(self.titles, start=1)}

    def block(self, block: Block) -> str:
        return _BLOCKS[type(block)](self, block)

    def heading(self, block: Heading) -> str:
        level = min(block.level, 4)
        anchor = f' id="{self.anchors[id(block)]}"' if id(block) in self.anchors else ""
        return f"<h{level}{anchor}>{self.inlines(block.inlines)}</h{level}>"

    def paragraph(self, block: Paragraph) -> str:
        return f"<p>{self.inlines(block.inlines)}</p>"

    def references(self, block: ReferenceList) -> str:
        items = "\n".join(f'<li id="ref-{n}">{escape(format_reference(ref))}</li>'
                          for n, ref in enumerate(self.document.references, start=1))
        return f'<ol class="references">\n{items}\n</ol>'

    def page_break(self, block: PageBreak) -> str:
        return '<hr class="page-break">'

    def unresolved(self, block: Only) -> str:
        raise TypeError(f"'::: only' at {block.span} reached the renderer; compose selects an audience first")

    def blocks(self, blocks: tuple[Block, ...]) -> str:
        return "\n".join(self.block(b) for b in blocks)

    def list(self, block: ListBlock) -> str:
        if block.kind is ListKind.CHECK:
            items = "".join(f"<li><label><input type=\"checkbox\">{self.item(i.blocks)}</label></li>\n"
                            for i in block.items)
            return f'<ul class="checklist">\n{items}</ul>'
        tag = "ol" if block.kind is ListKind.ORDERED else "ul"
        start = f' start="{block.start}"' if block.kind is ListKind.ORDERED and block.start != 1 else ""
        items = "".join(f"<li>{self.item(i.blocks)}</li>\n" for i in block.items)
        return f"<{tag}{start}>\n{items}</{tag}>"

    def item(self, blocks: tuple[Block, ...]) -> str:
        """A list item of one paragraph is written without its <p>, as browsers expect."""
        if len(blocks) == 1 and isinstance(blocks[0], Paragraph):
            return self.inlines(blocks[0].inlines)
        return self.blocks(blocks)

    def callout(self, block: Callout) -> str:
        if block.kind == "audience":
            return f'<p class="audience">{self.inlines(block.title)}</p>'
        title = f'<h2 class="box-title">{self.inlines(block.title)}</h2>\n' if block.title else ""
        return f'<section class="box box-{escape(block.kind)}">\n{title}{self.blocks(block.blocks)}\n</section>'

    def table(self, block: Table) -> str:
        header = "".join(f'<th scope="col">{self.inlines(cell)}</th>' for cell in block.header)
        rows = []
        for row in block.rows:
            cells = list(row) + [()] * (len(block.header) - len(row))
            rows.append("<tr>" + "".join(f"<td>{self.inlines(cell)}</td>" if cell else '<td class="blank"></td>'
                                         for cell in cells[:len(block.header)]) + "</tr>")
        body = "\n".join(rows)
        return f"<table>\n<thead><tr>{header}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table>"

    def contents(self, block: Contents) -> str:
        items = "".join(f'<li><a href="#{self.anchors[id(h)]}">{self.inlines(h.inlines)}</a></li>\n'
                        for h in self.titles)
        return f"<nav>\n<ol>\n{items}</ol>\n</nav>"

    def masthead(self, block: Masthead) -> str:
        if not self.document.logo:
            return ""
        kind = "jpeg" if self.document.logo[:3] == b"\xff\xd8\xff" else "png"
        data = base64.b64encode(self.document.logo).decode("ascii")
        return f'<p><img class="logo" src="data:image/{kind};base64,{data}" alt="{escape(self.document.info.author)}"></p>'

    def inlines(self, inlines: tuple[Inline, ...]) -> str:
        pieces: list[str] = []
        for inline in inlines:
            if isinstance(inline, Citation) and pieces:
                pieces[-1] = pieces[-1].rstrip()  # the citation brings its own no-break space
            pieces.append(self.inline(inline))
        return "".join(pieces)

    def inline(self, inline: Inline) -> str:
        if isinstance(inline, Text):
            return escape(inline.text, quote=False)
        if isinstance(inline, Strong):
            return f"<strong>{self.inlines(inline.children)}</strong>"
        if isinstance(inline, Emphasis):
            return f"<em>{self.inlines(inline.children)}</em>"
        if isinstance(inline, Citation):
            links = ", ".join(f'<a href="#ref-{self.numbers[k]}">{self.numbers[k]}</a>'
                              for k in inline.keys if k in self.numbers)
            return f'\u00a0<span class="citation">[{links}]</span>' if links else ""
        if isinstance(inline, LineBreak):
            return "<br>"
        if isinstance(inline, Link):
            return f'<a href="{escape(inline.target)}">{self.inlines(inline.children)}</a>'
        if isinstance(inline, Swap):
            raise TypeError("audience swaps are resolved before drawing")
        raise TypeError(f"unknown inline {inline!r}")


_BLOCKS: dict[type, Callable[[_Page, Any], str]] = {
    Heading: _Page.heading, Paragraph: _Page.paragraph, ListBlock: _Page.list, Callout: _Page.callout,
    Table: _Page.table, ReferenceList: _Page.references, Contents: _Page.contents,
    Masthead: _Page.masthead, PageBreak: _Page.page_break, Only: _Page.unresolved,
}


def _anchor(heading: Heading, number: int) -> str:
    """A stable id for a title, so that contents entries can link to it."""
    slug = re.sub(r"[^a-z0-9]+", "-", plain_text(heading.inlines).lower()).strip("-")
    return f"{slug or 'section'}-{number}"
