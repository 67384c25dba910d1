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
from urllib.parse import quote

from .choices import PageSize
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
from .tree import walk


def render_html_file(document: Document, theme: ThemeSource,
                     options: RenderOptions = RenderOptions()) -> Rendered:
    return Rendered(render_html(document, theme, options).encode("utf-8"))


def render_html(document: Document, theme: ThemeSource, options: RenderOptions = RenderOptions()) -> str:
    """The whole page as text; styles come from the same theme as the PDF."""
    page = _Page(document)
    info = document.info
    body = "\n".join(page.block(block) for block in document.blocks)
    status = f'<p class="status"><strong>{escape(info.status_line)}</strong></p>' if info.status_line else ""
    return f"""<!DOCTYPE html>
<html lang="{escape(info.language)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(_BLANK.sub(info.blank_label or " ", info.title))}</title>
<meta name="description" content="{escape(info.subject)}">
<meta name="author" content="{escape(info.author)}">
<meta name="generator" content="handouts">
<style>
{stylesheet(theme.resolve(options.large_print, options.accent), options.page_size, info.kind)}
</style>
</head>
<body>
<header><p class="publisher">{escape(info.header_text)}</p>{status}</header>
<main>
{body}
</main>
<footer><p>{escape(info.footer_text)}</p></footer>
</body>
</html>
"""


# --- styles -------------------------------------------------------------------

PAGE_SIZES = {PageSize.A4: "A4", PageSize.LETTER: "letter"}
NARROW = "(max-width: 40em)"  # below this, tables stack their cells, each labelled by its column
KEEP_BOX_CHARACTERS = 300  # about a quarter of a page of body text, a third in large print
BLANK_WIDTHS = ((4, "short", 2.5), (14, "medium", 6), (10**9, "long", 12))  # up to n underscores, class, em


def stylesheet(theme: ResolvedTheme, page_size: PageSize = PageSize.A4, kind: str = "topic") -> str:
    """CSS from the resolved theme: the colours, sizes, spacing and boxes the PDF uses, the
    paper and margins it is printed on, and how it reflows on a narrow screen."""
    return "\n".join([*_text_rules(theme), *_box_rules(theme), *_table_rules(theme, kind),
                      *_reflow_rules(), *_print_rules(theme, page_size)])


def _color(theme: ResolvedTheme, value: str | None) -> str:
    return theme.colors.get(value, value) if value else "transparent"


def _font(theme: ResolvedTheme, name: str) -> str:
    """A named text style as CSS: size, line height, weight, colour and the space around it."""
    spec = theme.styles[name]
    weight = "bold" if "bold" in spec.font else "normal"
    return (f"font-size: {spec.size:g}pt; line-height: {spec.leading / spec.size:.2f}; font-weight: {weight}; "
            f"color: {_color(theme, spec.color)}; margin: {spec.space_before:g}pt 0 {spec.space_after:g}pt;")


def _text_rules(theme: ResolvedTheme) -> list[str]:
    body, reference = theme.styles["body"], theme.styles["reference"]
    return [
        f"body {{ font-family: 'Bitstream Vera Sans', 'DejaVu Sans', Verdana, sans-serif; {_font(theme, 'body')} "
        "max-width: 42em; margin: 0 auto; padding: 1em; overflow-wrap: break-word; }",
        f"h1 {{ {_font(theme, 'heading.1')} }}",
        f"h2 {{ {_font(theme, 'heading.2')} }}",
        f"h3, h4, h5, h6 {{ {_font(theme, 'heading.3')} }}",
        f"p {{ margin: 0 0 {body.space_after:g}pt; }} ul, ol {{ margin: 0 0 4pt; "  # items tight, as in the PDF
        f"padding-left: {theme.lists.indent:g}mm; }} li {{ margin: 0; }}",
        f"header p {{ {_font(theme, 'header')} margin: 0; }} header {{ border-bottom: 1px solid "
        f"{_color(theme, 'rule')}; padding-bottom: 2pt; margin-bottom: 6pt; }}",
        f"footer {{ border-top: 1px solid {_color(theme, 'rule')}; margin-top: 6pt; }} "
        f"footer p {{ {_font(theme, 'footer')} }}",
        f".audience {{ {_font(theme, 'audience')} }}",
        f".references {{ {_font(theme, 'reference')} padding-left: {reference.hanging_indent:g}pt; "
        "overflow-wrap: anywhere; }",
        f".references li {{ margin: 0 0 {reference.space_after:g}pt; }}",
        f"a {{ color: {_color(theme, 'accent')}; }} .citation {{ color: {_color(theme, theme.styles['citation'].color)}; }}",
        f"img {{ max-width: 100%; height: auto; }} .logo {{ max-height: {theme.masthead.logo_height:g}mm; "
        f"max-width: min({theme.masthead.logo_width:g}mm, 100%); }}",
        ".visually-hidden { position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0; border: 0; "
        "overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }",
        f".blank {{ display: inline-block; height: 1em; max-width: 100%; vertical-align: baseline; "
        f"border-bottom: 1px solid {_color(theme, 'ink')}; }}",
        *(f".blank-{name} {{ width: {width:g}em; }}" for _, name, width in BLANK_WIDTHS),
        f"ul.checklist {{ list-style: none; padding-left: 0; }} ul.checklist input {{ width: {theme.lists.checkbox:g}mm; "
        f"height: {theme.lists.checkbox:g}mm; margin: 0 0.5em 0 0; vertical-align: -0.1em; }}",
        ".page-break { border: 0; margin: 0; }",
        f"body > p, .box-fill-in p {{ margin-bottom: {body.space_after:g}pt; }} .box {{ line-height: inherit; }}",
        f"nav ol {{ {_font(theme, 'contents.1')} }}",
    ]


def _box_rules(theme: ResolvedTheme) -> list[str]:
    rules = [".box { margin: 0 0 10pt; }", ".box > :last-child, .box li:last-child { margin-bottom: 0; }"]
    for kind, box in theme.boxes.items():
        pad = "8pt" if box.background or box.bar else "0"
        rules.append(f".box-{kind} {{ background: {_color(theme, box.background)}; padding: {pad}; "
                     f"border-left: {box.bar_width:g}pt solid {_color(theme, box.bar)}; "
                     f"margin-top: {box.space_before:g}pt; {_font(theme, box.body).split(' margin:')[0]} }}")
        rules.append(f".box-{kind} > .box-title {{ {_font(theme, box.title)} margin-top: 0; }}")
    return rules


def _table_rules(theme: ResolvedTheme, kind: str) -> list[str]:
    tables, grid = theme.tables, _color(theme, theme.tables.grid)
    blank = f"{theme.tables.writing_row_height:g}mm" if kind == "diary" else f"{tables.blank_row_height:g}pt"
    return [
        f".table {{ overflow-x: auto; margin: 0 0 {theme.styles['body'].space_after:g}pt; }}",
        f"table {{ border-collapse: collapse; width: 100%; {_font(theme, 'table.cell')} margin: 0; }}",
        f"th, td {{ border: 1px solid {grid}; padding: {tables.padding:g}pt; text-align: left; vertical-align: top; }}",
        f"th {{ background: {_color(theme, 'table.header')}; {_font(theme, 'table.header').split(' margin:')[0]} }}",
        f"td.blank-cell {{ height: {blank}; }}",
    ]


def _reflow_rules() -> list[str]:
    """On a narrow screen a table becomes a list of rows, each cell under its column's name."""
    return [
        f"@media screen and {NARROW} {{",
        "  body { padding: 0.5em; }",
        "  .table table, .table thead, .table tbody, .table tr, .table th, .table td { display: block; width: auto; }",
        "  .table thead tr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }",
        "  .table tr { margin: 0 0 0.6em; border-top: 2px solid currentColor; }",
        "  .table td { border-width: 0 1px 1px; }",
        "  .table td::before { content: attr(data-label); display: inline-block; min-width: 5em; "
        "margin-right: 0.5em; font-weight: bold; }",
        "  .table td.blank-cell { height: auto; min-height: 2.2em; }",
        "}",
    ]


def _print_rules(theme: ResolvedTheme, page_size: PageSize) -> list[str]:
    """Paper and margins as the PDF's; headings and box titles stay with what follows them."""
    return [
        f"@page {{ size: {PAGE_SIZES[page_size]}; margin: {theme.page.margin:g}mm; }}",
        "h1, h2, h3, h4, h5, h6, .box-title, .audience { break-after: avoid; }",
        ".box.keep, tr, li, img { break-inside: avoid; }",
        "@media print {",
        "  body { max-width: none; margin: 0; padding: 0; }",
        "  .page-break { break-after: page; }",
        "  .table { overflow: visible; }",
        "  a { text-decoration: none; }",
        "}",
    ]


class _Page:
    def __init__(self, document: Document):
        self.document = document
        self.numbers = document.reference_numbers()
        self.titles = [b for b in document.blocks if isinstance(b, Heading) and b.level == 1]
        self.anchors = {id(h): _anchor(h, n) for n, h in enumerate(self.titles, start=1)}
        self.shift = 1 if document.info.kind == "packet" else 0  # a packet's cover title is its one h1
        self.last_level = 0
        self.in_link = False

    def level(self, wanted: int) -> int:
        """Heading levels in order: never more than one deeper than the heading before."""
        self.last_level = max(1, min(wanted, self.last_level + 1, 6))
        return self.last_level

    def block(self, block: Block) -> str:
        return _BLOCKS[type(block)](self, block)

    def heading(self, block: Heading) -> str:
        level = self.level(block.level + self.shift)
        anchor = f' id="{self.anchors[id(block)]}"' if id(block) in self.anchors else ""
        return f"<h{level}{anchor}>{self.inlines(block.inlines)}</h{level}>"

    def paragraph(self, block: Paragraph) -> str:
        return f"<p>{self.inlines(block.inlines)}</p>"

    def references(self, block: ReferenceList) -> str:
        items = "\n".join(f'<li id="ref-{n}">{self.text(format_reference(ref, block.short))}</li>'
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
        title = ""
        if block.title:
            level = self.level(1 if block.kind == "cover" else 2 + self.shift)
            title = f'<h{level} class="box-title">{self.inlines(block.title)}</h{level}>\n'
        keep = " keep" if _fits(block) else ""
        return f'<section class="box box-{escape(block.kind)}{keep}">\n{title}{self.blocks(block.blocks)}\n</section>'

    def table(self, block: Table) -> str:
        """A table in a box that scrolls rather than widen the page; on a narrow screen its cells
        stack, each labelled with its column's name (data-label)."""
        header = "".join(f'<th scope="col">{self.inlines(cell)}</th>' for cell in block.header)
        labels = [escape(plain_text(cell)) for cell in block.header]
        rows = []
        for row in block.rows:
            cells = list(row) + [()] * (len(block.header) - len(row))
            rows.append("<tr>" + "".join(f'<td data-label="{label}">{self.inlines(cell)}</td>' if cell
                                         else f'<td class="blank-cell" data-label="{label}"></td>'
                                         for label, cell in zip(labels, cells)) + "</tr>")
        body = "\n".join(rows)
        return (f'<div class="table">\n<table>\n<thead><tr>{header}</tr></thead>\n<tbody>\n{body}\n</tbody>\n'
                "</table>\n</div>")

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

    def text(self, text: str) -> str:
        """Plain words as HTML: blanks drawn as lines that a screen reader names, and phone
        numbers, emails, DOIs and web addresses as links."""
        out = []
        for kind, words, target in pieces(text):
            if kind == "blank":
                label = escape(self.document.info.blank_label)
                hidden = f'<span class="visually-hidden">{label}</span>' if label else ""
                out.append(f'<span class="blank blank-{_blank_width(len(words))}">{hidden}</span>')
            elif target:
                out.append(f'<a href="{escape(target)}">{escape(words, quote=False)}</a>')
            else:
                out.append(escape(words, quote=False))
        return "".join(out)

    def inline(self, inline: Inline) -> str:
        if isinstance(inline, Text):
            return escape(inline.text, quote=False) if self.in_link else self.text(inline.text)
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
            self.in_link = True
            try:
                return f'<a href="{escape(inline.target)}">{self.inlines(inline.children)}</a>'
            finally:
                self.in_link = False
        if isinstance(inline, Swap):
            raise TypeError("audience swaps are resolved before drawing")
        raise TypeError(f"unknown inline {inline!r}")


_BLOCKS: dict[type, Callable[[_Page, Any], str]] = {
    Heading: _Page.heading, Paragraph: _Page.paragraph, ListBlock: _Page.list, Callout: _Page.callout,
    Table: _Page.table, ReferenceList: _Page.references, Contents: _Page.contents,
    Masthead: _Page.masthead, PageBreak: _Page.page_break, Only: _Page.unresolved,
}


# --- blanks and links in plain text ------------------------------------------------

_BLANK = re.compile(r"_{3,}")
_FOUND = re.compile(
    r"(?P<blank>_{3,})"
    r"|(?P<url>\bhttps?://[^\s<>\"]*[^\s<>\".,;:!?'])"
    r"|\bdoi:\s?(?P<doi>10\.\d{4,9}/\S*[^\s.,;:])"
    r"|\bPMID:?\s(?P<pmid>\d{1,9})\b"
    r"|(?P<email>\b[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}\b)"
    r"|(?P<phone>(?<![\w/.,:-])\+?\(?\d[\d \u00a0\u202f().-]{6,}\d(?![\w/]))")
_PHONE_DIGITS = range(9, 16)  # a full national or international number (E.164: at most 15 digits)


def pieces(text: str) -> list[tuple[str, str, str]]:
    """`text` split into (kind, words, link target): kind is "text", "blank" (a run of three or more
    underscores), "url", "doi", "pmid", "email" or "phone"; the target is empty for text and blanks."""
    out: list[tuple[str, str, str]] = []
    position = 0
    for match in _FOUND.finditer(text):
        kind = match.lastgroup or "text"
        target = _target(kind, match.group(kind))
        if kind != "blank" and not target:
            continue  # digits that are not a phone number stay text
        if match.start() > position:
            out.append(("text", text[position:match.start()], ""))
        out.append((kind, match.group(0), target))
        position = match.end()
    if position < len(text):
        out.append(("text", text[position:], ""))
    return out


def _target(kind: str, found: str) -> str:
    if kind == "url":
        return found
    if kind == "doi":
        return "https://doi.org/" + quote(found, safe="/()<>;:-._~")
    if kind == "pmid":
        return f"https://pubmed.ncbi.nlm.nih.gov/{found}/"
    if kind == "email":
        return "mailto:" + found
    if kind == "phone":
        digits = re.sub(r"[^\d+]", "", found.replace("(0)", "") if found.startswith("+") else found)
        return "tel:" + digits if len(digits.lstrip("+")) in _PHONE_DIGITS and "+" not in digits[1:] else ""
    return ""


def _fits(box: Callout) -> bool:
    """A box short enough to print whole on the next page when it does not fit on this one (a longer
    box breaks between its paragraphs and items, as in the PDF, rather than leave half a page empty)."""
    words = sum(len(plain_text(b.inlines)) for b in walk(box.blocks) if isinstance(b, Paragraph))
    return words <= KEEP_BOX_CHARACTERS


def _blank_width(underscores: int) -> str:
    return next(name for most, name, _ in BLANK_WIDTHS if underscores <= most)


def _anchor(heading: Heading, number: int) -> str:
    """A stable id for a title, so that contents entries can link to it."""
    slug = re.sub(r"[^a-z0-9]+", "-", plain_text(heading.inlines).lower()).strip("-")
    return f"{slug or 'section'}-{number}"
