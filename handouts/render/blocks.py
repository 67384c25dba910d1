"""One handler per block type, turning model blocks into ReportLab flowables."""

from __future__ import annotations

import io
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

from reportlab.lib.colors import Color
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, ImageAndFlowables, KeepTogether, Spacer, TableStyle
from reportlab.platypus import Image as RLImage
from reportlab.platypus import PageBreak as RLPageBreak
from reportlab.platypus import Paragraph as RLParagraph
from reportlab.platypus import Table as RLTable

from ..citation_style import format_reference
from ..errors import Diagnostic, SourceSpan
from ..model import (
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
    Strong,
    Swap,
    Table,
    Text,
    plain_text,
)
from .tagging import ArtifactTable, Marked, StructureRecorder, artifact, recorder_of, tag
from .theme import Theme


def xml_escape(text: str) -> str:
    """Text for ReportLab's paragraph markup (xml.sax.saxutils would import urllib, http, email)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def attribute(text: str) -> str:
    return xml_escape(text).replace('"', "&quot;")


PAGE_COUNT_FORM = "handoutsPageCount"
BOX_GAP = 8  # points after a box or a table
BOX_PADDING = 7  # points inside a box with a background or a bar
QR_GAP = 6  # points between the QR code and the text beside it
NO_PADDING = [(side, (0, 0), (-1, -1), 0)
              for side in ("LEFTPADDING", "RIGHTPADDING", "TOPPADDING", "BOTTOMPADDING")]


class TaggedParagraph(Marked, RLParagraph):
    """A paragraph whose text is marked content of its structure element (see tagging.py)."""


class HeadingParagraph(TaggedParagraph):
    """A heading that becomes a bookmark (and a contents entry when `in_contents`)."""

    def __init__(self, text: str, style, level: int, plain: str, in_contents: bool = False):
        super().__init__(text, style)
        self.outline_level = level
        self.plain_text = plain
        self.in_contents = in_contents


class ListItemParagraph(TaggedParagraph):
    """A list item's first paragraph with its bullet or number drawn in the indent.

    ReportLab's own bulletText keeps 0.6 em after the marker, which takes room from
    the first line of text; the marker column of the theme is what we want."""

    marker: tuple[str, ParagraphStyle, float] | None = None  # text, font and colour of it, x
    label_element: int | None = None  # the marker's Lbl element

    def _drawOn(self, canvas):
        if self.marker:  # first, so that text read out of the PDF has the marker before its item
            tags = recorder_of(canvas)
            if tags is not None:
                # a number is the item's label; a bullet is decoration (the list says what is an item)
                with (tags.marked(canvas, self.label_element) if self.label_element is not None
                      else artifact(canvas)):
                    self._draw_marker(canvas, *self.marker)
            else:
                self._draw_marker(canvas, *self.marker)
        super()._drawOn(canvas)

    def _draw_marker(self, canvas, text, marker_style, x):
        canvas.saveState()
        canvas.setFont(marker_style.fontName, self.style.fontSize)  # the item's own size
        canvas.setFillColor(marker_style.textColor)
        canvas.drawString(x, self.height - self.style.fontSize, text)
        canvas.restoreState()

    def split(self, available_width, available_height):
        parts = super().split(available_width, available_height)
        if parts:
            parts[0].marker = self.marker  # the rest of an item split across pages has no marker
            parts[0].label_element = self.label_element
        return parts


class PageNumber(Marked, Flowable):
    """A page number known only when the layout is done: a form the canvas defines
    at save time, drawn right-aligned."""

    def __init__(self, form: str, style: ParagraphStyle):
        super().__init__()
        self.form, self.height, self.baseline = form, style.leading, style.leading - style.fontSize

    def wrap(self, available_width, available_height):
        self.width = available_width
        return available_width, self.height

    def draw(self):
        self.canv.saveState()
        self.canv.translate(self.width, self.baseline)  # on the first line of the title beside it
        self.canv.doForm(self.form)
        self.canv.restoreState()


class TickBox(Marked, Flowable):
    """An empty square to tick by hand."""

    def __init__(self, size: float, color: Color):
        super().__init__()
        self.size, self.color = size, color

    def wrap(self, available_width, available_height):
        return self.size, self.size

    def draw(self):
        self.canv.setStrokeColor(self.color)
        self.canv.setLineWidth(1.2)
        self.canv.rect(0, 0, self.size, self.size, stroke=1, fill=0)


@dataclass
class Renderer:
    """Draws one document; collects glyph problems instead of printing empty boxes."""

    document: Document
    theme: Theme
    width: float
    problems: list[Diagnostic] = field(default_factory=list)
    sizes: dict[str, float] = field(default_factory=dict)  # style name -> size, for every style drawn
    tags: StructureRecorder = field(default_factory=StructureRecorder)  # the structure, in reading order

    def __post_init__(self):
        self.numbers = self.document.reference_numbers()
        self.contents_headings = _contents_headings(self.document.blocks)
        self.contents_ids = {id(heading) for heading in self.contents_headings}
        self._indented: dict[tuple[str, float, bool], ParagraphStyle] = {}
        self.heading_level = 0  # of the last heading, so a box's title is a heading one level below it
        self.online_copy_box = _last_fine_print(self.document.blocks)  # where the QR code goes
        self.beside_logo = _audience_after_masthead(self.document) if self.document.logo else None

    def style(self, name: str, indent: float = 0, tight: bool = False) -> ParagraphStyle:
        """A theme style, moved right by `indent` points for list items (`tight`: no space
        after, as between the items of a list); its size is recorded."""
        base = self.theme.style(name)
        self.sizes[name] = base.fontSize
        if not indent and not tight:
            return base
        key = (name, indent, tight)
        if key not in self._indented:
            self._indented[key] = ParagraphStyle(
                f"{name}+{indent:g}", parent=base, leftIndent=base.leftIndent + indent,
                spaceAfter=0 if tight else base.spaceAfter)
        return self._indented[key]

    # inline markup

    def markup(self, inlines: tuple[Inline, ...], span: SourceSpan) -> str:
        pieces: list[str] = []
        for inline in inlines:
            if isinstance(inline, Citation) and pieces:
                pieces[-1] = pieces[-1].rstrip()  # the citation brings its own no-break space
            pieces.append(self._inline(inline, span))
        return "".join(pieces)

    def _inline(self, inline: Inline, span: SourceSpan) -> str:
        if isinstance(inline, Text):
            return self.text(inline.text, span)
        if isinstance(inline, Strong):
            return f"<b>{self.markup(inline.children, span)}</b>"
        if isinstance(inline, Emphasis):
            return f"<i>{self.markup(inline.children, span)}</i>"
        if isinstance(inline, Citation):
            numbers = ",\u00a0".join(str(self.numbers[key]) for key in inline.keys if key in self.numbers)
            color = self.theme.style("citation").textColor.hexval()[2:]
            return f'<font color="#{color}">\u00a0[{numbers}]</font>' if numbers else ""
        if isinstance(inline, LineBreak):
            return "<br/>"
        if isinstance(inline, Link):
            color = self.theme.style("citation").textColor.hexval()[2:]
            return (f'<a href="{attribute(inline.target)}" color="#{color}">'
                    f'{self.markup(inline.children, span)}</a>')
        if isinstance(inline, Swap):
            raise TypeError("audience swaps are resolved before drawing")
        raise TypeError(f"unknown inline {inline!r}")

    def text(self, text: str, span: SourceSpan) -> str:
        """Escaped for ReportLab's markup; a character the font lacks is reported, not drawn as a box."""
        missing = self.theme.missing_glyphs(text)
        if missing:
            shown = ", ".join(f"'{c}' (U+{ord(c):04X})" for c in sorted(missing))
            self.problems.append(Diagnostic(
                span, "font.missing-glyph", f"the font cannot draw {shown}; replace it with a plain character"))
        return xml_escape(text)

    def paragraph(self, inlines, span: SourceSpan, style: str, indent: float = 0,
                  element: int | None = None) -> RLParagraph:
        paragraph = TaggedParagraph(self.markup(inlines, span), self.style(style, indent))
        paragraph.tag_element = self.tags.add("P") if element is None else element
        paragraph.source_span = span
        if plain_text(inlines).rstrip().endswith(":"):
            paragraph.keepWithNext = 1  # a lead-in stays with the list it introduces
        return paragraph

    # blocks

    def flowables(self, blocks: tuple[Block, ...], width: float, body_style: str = "body",
                  indent: float = 0) -> list[Flowable]:
        out: list[Flowable] = []
        for block in blocks:
            handler = HANDLERS[type(block)]
            made = handler(self, block, width, body_style, indent)
            for flowable in made:
                flowable.source_span = getattr(flowable, "source_span", block.span)
            out.extend(made)
        return out

    def heading(self, block: Heading, width, body_style, indent):
        style = self.style(f"heading.{min(block.level, 4)}", indent)
        plain = plain_text(block.inlines)
        heading = HeadingParagraph(self.markup(block.inlines, block.span), style,
                                   block.level - 1, plain, in_contents=id(block) in self.contents_ids)
        self.heading_level = min(block.level, 4)
        return [tag(heading, self.tags.add(f"H{self.heading_level}"))]

    def paragraph_block(self, block: Paragraph, width, body_style, indent):
        return [self.paragraph(block.inlines, block.span, body_style, indent)]

    def list_block(self, block: ListBlock, width, body_style, indent):
        """Bulleted paragraphs, so a list (and a box holding it) splits between items;
        a checklist's tick boxes are drawn beside each item."""
        if block.kind is ListKind.CHECK:
            return self._checklist(block, width, body_style)
        theme = self.theme
        inner = indent + theme.list_indent
        items: list[Flowable] = []
        with self.tags.open("L"):
            for number, item in enumerate(block.items, start=block.start):
                marker = f"{number}." if block.kind is ListKind.ORDERED else theme.bullet
                first, rest = (item.blocks[0], item.blocks[1:]) if item.blocks else (Paragraph((), item.span), ())
                with self.tags.open("LI"):
                    label = self.tags.add("Lbl") if block.kind is ListKind.ORDERED else None
                    with self.tags.open("LBody"):
                        if isinstance(first, Paragraph):
                            style = self.style(body_style, inner, tight=not rest)
                            paragraph = ListItemParagraph(self.markup(first.inlines, first.span), style)
                            paragraph.marker = (marker, self.style("list.marker"), style.leftIndent - theme.list_indent)
                            paragraph.label_element = label  # an item of one paragraph is its body
                            paragraph.tag_element = self.tags.add("P") if rest else self.tags.parent
                            paragraph.source_span = first.span
                            items.append(paragraph)
                        else:
                            rest = item.blocks
                        items.extend(self.flowables(rest, width, body_style, inner))
        return [*items, Spacer(1, 4)]

    def _checklist(self, block: ListBlock, width, body_style):
        theme = self.theme
        marker_width = theme.list_indent
        items: list[Flowable] = []
        with self.tags.open("L"):
            for item in block.items:
                with self.tags.open("LI"):
                    box = tag(TickBox(theme.checkbox, theme.colors["ink"]),
                              self.tags.add("Lbl", actual_text="\u2610"))  # a ballot box, to tick
                    with self.tags.open("LBody"):
                        row = [box, self.flowables(item.blocks, width - marker_width, body_style)]
                items.append(self.grid([row], [marker_width, width - marker_width],
                                       [*NO_PADDING, ("TOPPADDING", (0, 0), (0, 0), 3)]))
        return [*items, Spacer(1, 4)]

    def callout(self, block: Callout, width, body_style, indent):
        """A box of one row per block, so a long box splits between blocks and its
        title always travels with the first of them."""
        if block is self.beside_logo:
            return []  # drawn beside the logo
        box = self.theme.box(block.kind)
        padding = BOX_PADDING if box.background or box.bar else 0
        inner = width - 2 * padding - box.bar_width
        content: list[Flowable] = []
        # a box is a section whose title is its heading (as on the web page); an audience line is a paragraph
        with self.tags.open("Sect") if block.kind != "audience" else self.tags.within(self.tags.parent):
            if block.title:
                title = TaggedParagraph(self.markup(block.title, block.span), self.style(box.title.name))
                level = min(self.heading_level + 1, 6)
                content.append(tag(title, self.tags.add(f"H{level}" if block.kind != "audience" else "P")))
            if block is self.online_copy_box and self.document.online_url:
                # the references first, then the QR code with the rest flowing beside it
                split = max((i + 1 for i, b in enumerate(block.blocks) if isinstance(b, ReferenceList)), default=0)
                content.extend(self.flowables(block.blocks[:split], inner, body_style=box.body.name))
                content.extend(self.online_copy(block.blocks[split:], inner, box.body.name))
            else:
                content.extend(self.flowables(block.blocks, inner, body_style=box.body.name))
        trim_trailing_space(content)
        if not content:
            return []
        if not (box.background or box.bar):  # nothing to draw around it: let it flow, and split anywhere
            before = [Spacer(1, box.space_before)] if box.space_before else []
            return [*before, *content, Spacer(1, BOX_GAP)]
        rows = _box_rows(content)
        commands: list[tuple] = [
            ("LEFTPADDING", (0, 0), (-1, -1), padding + box.bar_width),
            ("RIGHTPADDING", (0, 0), (-1, -1), padding),
            ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, 0), padding), ("BOTTOMPADDING", (0, -1), (-1, -1), padding),
        ]
        if box.background:
            commands.append(("BACKGROUND", (0, 0), (-1, -1), box.background))
        if box.bar and box.bar_width:
            commands.append(("LINEBEFORE", (0, 0), (0, -1), box.bar_width, box.bar))
        before = [Spacer(1, box.space_before)] if box.space_before else []
        grid = self.grid(rows, [width], commands, split_in_row=False)
        return [*before, KeepTogether([grid]) if self.theme.keep_boxes_whole else grid, Spacer(1, BOX_GAP)]

    def table(self, block: Table, width, body_style, indent):
        theme = self.theme
        columns = len(block.header)
        widths = _column_widths(block, width, theme.style("table.cell"), theme.style("table.header"),
                                theme.table_padding)
        blank_height = (theme.writing_row_height - 2 * theme.table_padding if self.document.info.kind == "diary"
                        else theme.blank_row_height)
        with self.tags.open("Table"):
            with self.tags.open("TR"):  # a header row repeated on the next page is read once
                header = [self.paragraph(cell, block.span, "table.header",
                                         element=self.tags.add("TH", attributes={"O": "Table", "Scope": "Column"},
                                                               once=True))
                          for cell in block.header]
            rows = [header]
            for row in block.rows:
                cells = list(row) + [()] * (columns - len(row))
                with self.tags.open("TR"):
                    rows.append([self.paragraph(cell, block.span, "table.cell", element=self.tags.add("TD")) if cell
                                 else self._blank_cell(blank_height)
                                 for cell in cells[:columns]])
        pad = theme.table_padding
        table = self.grid(rows, widths, [
            ("GRID", (0, 0), (-1, -1), 0.75, theme.table_grid),
            ("BACKGROUND", (0, 0), (-1, 0), theme.colors["table.header"]),
            ("LEFTPADDING", (0, 0), (-1, -1), pad), ("RIGHTPADDING", (0, 0), (-1, -1), pad),
            ("TOPPADDING", (0, 0), (-1, -1), pad), ("BOTTOMPADDING", (0, 0), (-1, -1), pad),
        ], repeat_rows=1)
        return [table, Spacer(1, BOX_GAP)]

    def _blank_cell(self, height: float) -> Spacer:
        """A cell left blank to write in: an empty TD, so its row stays whole for a listener."""
        self.tags.add("TD")
        return Spacer(1, height)

    def grid(self, rows, widths, commands, repeat_rows: int = 0, split_in_row: bool = True) -> RLTable:
        """A table in the theme's font (ReportLab cells default to unembedded Helvetica)."""
        table = ArtifactTable(rows, colWidths=widths, repeatRows=repeat_rows, splitInRow=int(split_in_row))
        table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), self.theme.font_names["regular"]),
                                   ("VALIGN", (0, 0), (-1, -1), "TOP"), *commands]))
        return table

    def page_break(self, block, width, body_style, indent):
        return [RLPageBreak()]

    def references(self, block: ReferenceList, width, body_style, indent):
        style = self.style("reference")
        out: list[Flowable] = []
        with self.tags.open("L"):  # the number is drawn by the paragraph, so it is read with its body
            for n, ref in enumerate(self.document.references, start=1):
                with self.tags.open("LI"):
                    out.append(tag(TaggedParagraph(
                        f"<bullet>{n}.</bullet>{self.text(format_reference(ref, block.short), ref.span)}", style),
                        self.tags.add("LBody")))
        return out

    def masthead(self, block: Masthead, width, body_style, indent):
        """The clinic's logo, at the top of the first page (the QR code is in the fine print)."""
        document, theme = self.document, self.theme
        if not document.logo:
            return []
        logo = tag(_logo(document.logo, theme.logo_width, theme.logo_height),
                   self.tags.add("Figure", alt=document.info.author))
        if self.beside_logo is None:
            return [logo, Spacer(1, 6)]
        label = self.beside_logo  # the reader it is for, on the same line: the page keeps its room
        style = self.style(self.theme.box("audience").title.name)
        words = tag(TaggedParagraph(self.markup(label.title, label.span), style), self.tags.add("P"))
        return [self.grid([[logo, words]], [theme.logo_width + 6, width - theme.logo_width - 6],
                          [*NO_PADDING, ("VALIGN", (0, 0), (-1, -1), "BOTTOM")]), Spacer(1, 8)]

    def online_copy(self, blocks: tuple[Block, ...], width: float, body_style: str) -> list[Flowable]:
        """The address of the online copy with its QR code beside it, and `blocks` after the
        address, flowing down the side of the code and on below it."""
        document, theme = self.document, self.theme
        style = self.style("online.address")
        qr_code = QrCode(document.online_url, theme.qr_size)
        label = f"{document.info.online_label} "
        lines = _address_lines(label + document.online_url, style.fontName, style.fontSize,
                               width - qr_code.size - QR_GAP, first=len(label))
        address = tag(TaggedParagraph("<br/>".join(map(xml_escape, lines)), style), self.tags.add("P"))
        tag(qr_code, self.tags.add("Figure", alt=f"QR code: online copy at {document.online_url}"))
        content = self.flowables(blocks, width - qr_code.size - QR_GAP, body_style=body_style)
        trim_trailing_space(content)
        return [ImageAndFlowables(qr_code, [address, *content], imageLeftPadding=QR_GAP, imageRightPadding=0,
                                  imageBottomPadding=0)]

    def contents(self, block: Contents, width, body_style, indent):
        """Each title after the contents, with its page number, in one layout pass."""
        style = self.style("contents.1")
        number_width = stringWidth("999", style.fontName, style.fontSize) + 6
        if not self.contents_headings:
            return []
        rows = []
        with self.tags.open("TOC"):
            for index, heading in enumerate(self.contents_headings):
                with self.tags.open("TOCI"):
                    entry = self.tags.add("P")  # the title, then its page number
                rows.append([tag(TaggedParagraph(self.markup(heading.inlines, heading.span), style), entry),
                             tag(PageNumber(f"{PAGE_COUNT_FORM}-toc-{index}", style), entry)])
        return [self.grid(rows, [width - number_width, number_width],
                          [*NO_PADDING, ("BOTTOMPADDING", (0, 0), (-1, -1), style.spaceAfter)]),
                Spacer(1, 8)]


HANDLERS: dict[type, Callable] = {
    Heading: Renderer.heading,
    Paragraph: Renderer.paragraph_block,
    ListBlock: Renderer.list_block,
    Callout: Renderer.callout,
    Table: Renderer.table,
    PageBreak: Renderer.page_break,
    ReferenceList: Renderer.references,
    Contents: Renderer.contents,
    Masthead: Renderer.masthead,
}


def _audience_after_masthead(document: Document) -> Callout | None:
    """The audience line right after the masthead, which fits beside the logo."""
    for before, after in itertools.pairwise(document.blocks):
        if isinstance(before, Masthead) and isinstance(after, Callout) and after.kind == "audience" \
                and not after.blocks:
            return after
    return None


def _last_fine_print(blocks: tuple[Block, ...]) -> Callout | None:
    boxes = [block for block in blocks if isinstance(block, Callout) and block.kind == "fine-print"]
    return boxes[-1] if boxes else None


def _contents_headings(blocks: tuple[Block, ...]) -> list[Heading]:
    """The titles (level 1 headings) after a contents marker."""
    after = False
    found = []
    for block in blocks:
        if isinstance(block, Contents):
            after = True
        elif after and isinstance(block, Heading) and block.level == 1:
            found.append(block)
    return found


def _unresolved(renderer: Renderer, block: Only, *_: object) -> list[Flowable]:
    raise TypeError(f"'::: only' at {block.span} reached the renderer; compose selects an audience first")


HANDLERS[Only] = _unresolved


class TaggedImage(Marked, RLImage):
    pass


def _logo(data: bytes, max_width: float, max_height: float) -> Flowable:
    reader = ImageReader(io.BytesIO(data))
    pixel_width, pixel_height = reader.getSize()
    scale = min(max_width / pixel_width, max_height / pixel_height)
    image = TaggedImage(io.BytesIO(data), width=pixel_width * scale, height=pixel_height * scale)
    image.hAlign = "LEFT"
    return image


def _address_lines(text: str, font: str, size: float, width: float, first: int = 0) -> list[str]:
    """Lines of an address broken after '/', '.', '-', '?', '&' or '=', so a reader can copy it
    by hand; the first `first` characters (a label) stay whole."""
    lines = [""]
    pieces = re.findall(r"[^/.?&=-]*[/.?&=-]+|[^/.?&=-]+$", text[first:])
    for piece in [text[:first], *pieces] if first else pieces:
        if lines[-1] and stringWidth(lines[-1] + piece, font, size) > width:
            lines.append("")
        lines[-1] += piece
    return lines


QUIET_ZONE = 4  # modules of empty space around a QR code, as the QR standard asks


@cache
def _qr_modules(url: str) -> tuple[tuple[bool, ...], ...]:
    """The dark and light modules of a QR code (error correction M), computed once per address."""
    from reportlab.graphics.barcode import qrencoder  # noqa: PLC0415 - only branded handouts

    code = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    code.addData(url)
    code.make()
    return tuple(tuple(bool(module) for module in row) for row in code.modules)


class QrCode(Marked, Flowable):
    """A QR code drawn as one filled path: the code `symbol` wide, and around it the quiet
    zone the QR standard asks for (nothing else is drawn there)."""

    def __init__(self, url: str, symbol: float):
        super().__init__()
        self.modules = _qr_modules(url)
        self.module = symbol / len(self.modules)
        self.size = symbol + 2 * QUIET_ZONE * self.module
        self.hAlign = "RIGHT"

    def wrap(self, available_width, available_height):
        return self.size, self.size

    def _restrictSize(self, available_width, available_height):
        return self.size, self.size  # never shrunk: a smaller code does not scan from paper

    def _unRestrictSize(self):
        pass

    def draw(self):
        module = self.module
        path = self.canv.beginPath()
        for row_index, row in enumerate(self.modules):
            y = self.size - (row_index + QUIET_ZONE + 1) * module
            column = 0
            for dark, run in itertools.groupby(row):
                length = len(list(run))
                if dark:
                    path.rect((column + QUIET_ZONE) * module, y, length * module, module)
                column += length
        self.canv.setFillColorRGB(0, 0, 0)
        self.canv.drawPath(path, stroke=0, fill=1)


def _box_rows(content: list[Flowable]) -> list[list[list[Flowable]]]:
    """One row per block; a title (or a spacer) joins the block after it."""
    rows: list[list[Flowable]] = []
    pending: list[Flowable] = []
    for flowable in content:
        pending.append(flowable)
        if not _joins_next(flowable):
            if flowable.getSpaceAfter():  # a table cell drops its last flowable's space after
                pending.append(Spacer(1, flowable.getSpaceAfter()))
            rows.append(pending)
            pending = []
    if pending:
        rows.append(pending)
    trim_trailing_space(rows[-1])
    return [[row] for row in rows]


def _joins_next(flowable: Flowable) -> bool:
    return isinstance(flowable, Spacer) or bool(flowable.getKeepWithNext())


def trim_trailing_space(flowables: list[Flowable]) -> None:
    while flowables and isinstance(flowables[-1], Spacer):
        flowables.pop()


def _column_widths(block: Table, width: float, cell, header, padding: float) -> list[float]:
    """Each column gets at least its longest word; the rest of the width goes where text is long."""
    rows = [(header, block.header), *((cell, row) for row in block.rows)]
    columns = len(block.header)
    least, wanted = [0.0] * columns, [0.0] * columns
    for style, row in rows:
        for index, content in enumerate(row[:columns]):
            text = plain_text(content)
            least[index] = max(least[index], *(_measure(w, style, padding) for w in text.split()), 2 * padding)
            wanted[index] = max(wanted[index], _measure(text, style, padding))
    spare = width - sum(least)
    if spare <= 0:
        return [width * n / sum(least) for n in least]
    extra = [max(w - n, 0) for w, n in zip(wanted, least)]
    total_extra = sum(extra) or columns
    return [n + spare * ((e or (0 if sum(extra) else 1)) / total_extra) for n, e in zip(least, extra)]


def _measure(words: str, style: ParagraphStyle, padding: float) -> float:
    return stringWidth(words, style.fontName, style.fontSize) + 2 * padding
