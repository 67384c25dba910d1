"""The fair floor: plain ReportLab drawing the same handouts, written by hand.

This script knows nothing of handouts' code. It reads the handouts' text from
a JSON file (written once by `run.py` from the composed documents, before any
timing) and lays it out the way a ReportLab user would by hand: Platypus with
`BaseDocTemplate` and one `Frame`, `Paragraph` for text, `Paragraph` with
`bulletText` for list items, a `Table` of coloured cells for a box and for a
table, the same TrueType fonts (Vera, embedded as subsets), the same A4 page,
margins and sizes as `templates/theme.yaml`, and the same page furniture: a
header line and a footer with "Page X of Y" (the count drawn in a form filled
at save time, so each handout is laid out once), `invariant=1`.

    python benchmarks/floor.py CONTENT.json OUT_DIR [-j WORKERS] [--only NAME]

As a process it also imports Jinja2 and Typer, which any Typer CLI that fills
Jinja templates must load, so that `python floor.py` is the whole-process floor
of `handouts build`. JSON blocks (see `run.py`):
["h", level, markup], ["p", markup], ["list", kind, [[markup, [blocks]]...]],
["box", kind, title markup, [blocks]], ["table", [cells], [[cells]...]],
["refs", [text...]], ["contents", [markup...]], ["break"].
"""

from __future__ import annotations

import io
import json
import os
import sys
from pathlib import Path

import reportlab
from reportlab.lib.colors import HexColor
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Frame, PageBreak, PageTemplate, Paragraph, Spacer, Table, TableStyle

FONTS = {"R": "Vera.ttf", "B": "VeraBd.ttf", "I": "VeraIt.ttf", "BI": "VeraBI.ttf"}
MARGIN, HEADER, FOOTER = 16 * mm, 8 * mm, 9 * mm
INDENT = 7 * mm
INK, MUTED, ACCENT, RULE = (HexColor(c) for c in ("#1a1a1a", "#4a4a4a", "#1c4a73", "#7d8fa3"))
# box kind -> (background, bar colour, bar width); anything else is drawn as "note"
BOXES = {
    "main": ("#e4edf6", "#1c4a73", 4), "know": ("#e9f3e9", "#2f6b36", 3), "unknown": ("#f5f0e1", "#7a5c00", 3),
    "help-now": ("#fbe9e9", "#9b1c1c", 5), "get-help": ("#fbe9e9", "#9b1c1c", 5),
    "safety": ("#fdf3e7", "#8a4b08", 4), "questions": ("#f2f2f2", "#1c4a73", 3),
    "teach-back": ("#f2f2f2", "#1c4a73", 3), "note": (None, "#7d8fa3", 2), "cover": (None, "#1c4a73", 6),
    "audience": (None, None, 0), "fine-print": (None, None, 0), "fill-in": (None, None, 0),
    "zone-green": ("#e9f3e9", "#2f6b36", 6), "zone-yellow": ("#f5f0e1", "#7a5c00", 6),
    "zone-red": ("#fbe9e9", "#9b1c1c", 6),
}

for face, file in FONTS.items():
    pdfmetrics.registerFont(TTFont(f"Floor-{face}", str(Path(reportlab.__file__).parent / "fonts" / file)))
pdfmetrics.registerFontFamily("Floor-R", normal="Floor-R", bold="Floor-B", italic="Floor-I", boldItalic="Floor-BI")


def style(name, size=14, leading=21, font="R", after=7, before=0, color=INK, bullet="B", **more):
    return ParagraphStyle(name, fontName=f"Floor-{font}", fontSize=size, leading=leading, spaceAfter=after,
                          spaceBefore=before, textColor=color, alignment=TA_LEFT, bulletFontName=f"Floor-{bullet}",
                          bulletFontSize=size, allowWidows=0, allowOrphans=0, **more)


BODY = style("body")
S = {
    "body": BODY,
    "h1": style("h1", 24, 29, "B", 10, 2, ACCENT, keepWithNext=1),
    "h2": style("h2", 17, 22, "B", 5, 10, ACCENT, keepWithNext=1),
    "h3": style("h3", 15, 20, "B", 4, 6, keepWithNext=1),
    "box.title": style("box.title", font="B", after=3, keepWithNext=1),
    "main": style("main", 15, 22, "B", 0),
    "audience": style("audience", 12, 15, "B", 0, color=MUTED),
    "cover.title": style("cover.title", 30, 37, "B", 16, 2, ACCENT),
    "small.title": style("small.title", 12, 18, "B", 1),
    "fine.print": style("fine.print", 10, 13, after=0, color=MUTED),
    "cell": style("cell", 12, 18, after=0),
    "cell.header": style("cell.header", 12, 18, "B", 0),
    "reference": style("reference", 10, 13, after=3, leftIndent=20, bullet="R"),
    "contents": style("contents", after=4),
    "header": style("header", 10, 12, "B", color=ACCENT),
    "footer": style("footer", 9, 11, after=0, color=MUTED),
}
BOX_TEXT = {"main": ("box.title", "main"), "cover": ("cover.title", "body"), "audience": ("audience", "body"),
            "fine-print": ("small.title", "fine.print")}
TIGHT: dict[tuple[str, float, bool], ParagraphStyle] = {}


def item_style(body: str, indent: float, last: bool) -> ParagraphStyle:
    key = (body, indent, last)
    if key not in TIGHT:
        TIGHT[key] = ParagraphStyle(f"{body}-{indent}", parent=S[body], leftIndent=indent + INDENT,
                                    bulletIndent=indent, spaceAfter=S[body].spaceAfter if last else 0)
    return TIGHT[key]


def story(blocks, width: float, body: str = "body", indent: float = 0) -> list:
    out: list = []
    for block in blocks:
        kind = block[0]
        if kind == "h":
            out.append(Paragraph(block[2], S[f"h{min(block[1], 3)}"]))
        elif kind == "p":
            out.append(Paragraph(block[1], S[body] if not indent else item_style(body, indent - INDENT, True)))
        elif kind == "list":
            for number, (text, rest) in enumerate(block[2], start=1):
                bullet = {"ordered": f"{number}.", "check": "\u2013"}.get(block[1], "\u2022")
                out.append(Paragraph(text, item_style(body, indent, bool(rest)), bulletText=bullet))
                out.extend(story(rest, width, body, indent + INDENT))
            out.append(Spacer(1, 4))
        elif kind == "box":
            out.extend(box(block[1], block[2], block[3], width))
        elif kind == "table":
            out.extend(table(block[1], block[2], width))
        elif kind == "refs":
            out.extend(Paragraph(text, S["reference"], bulletText=f"{n}.") for n, text in enumerate(block[1], 1))
        elif kind == "contents":
            out.extend(Paragraph(text, S["contents"]) for text in block[1])
        elif kind == "break":
            out.append(PageBreak())
    return out


def box(kind: str, title: str, blocks, width: float) -> list:
    background, bar, bar_width = BOXES.get(kind, BOXES["note"])
    title_style, body = BOX_TEXT.get(kind, ("box.title", "body"))
    pad = 8 if background or bar else 0
    inner = story(blocks, width - 2 * pad - bar_width, body)
    if inner and isinstance(inner[-1], Spacer):
        inner.pop()  # space after a box's last list would be an empty strip in the box
    rows = [[flowable] for flowable in inner]
    if title:  # the title travels with the first block
        rows[:1] = [[[Paragraph(title, S[title_style]), *(rows[0] if rows else [])]]]
    if not rows:
        return []
    commands = [("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), pad + bar_width),
                ("RIGHTPADDING", (0, 0), (-1, -1), pad), ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0), ("TOPPADDING", (0, 0), (-1, 0), pad),
                ("BOTTOMPADDING", (0, -1), (-1, -1), pad)]
    if background:
        commands.append(("BACKGROUND", (0, 0), (-1, -1), HexColor(background)))
    if bar:
        commands.append(("LINEBEFORE", (0, 0), (0, -1), bar_width, HexColor(bar)))
    return [Table(rows, colWidths=[width], style=TableStyle(commands)), Spacer(1, 10)]


def table(header, rows, width: float) -> list:
    columns = len(header)
    cells = [[Paragraph(text, S["cell.header"]) for text in header]]
    cells += [[Paragraph(text, S["cell"]) if text else Spacer(1, 19) for text in (row + [""] * columns)[:columns]]
              for row in rows]
    grid = Table(cells, colWidths=[width / columns] * columns, repeatRows=1, style=TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.75, RULE), ("BACKGROUND", (0, 0), (-1, 0), HexColor("#dfe6ee")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4), ("TOPPADDING", (0, 0), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4)]))
    return [grid, Spacer(1, 10)]


class CountingCanvas(Canvas):
    """Fills the "of Y" form once the page count is known."""

    def save(self):
        self.beginForm("pages", lowerx=-200, lowery=-50, upperx=200, uppery=50)
        self.setFont("Floor-R", 9)
        self.setFillColor(MUTED)
        self.drawString(0, 0, str(self.getPageNumber() - 1))
        self.endForm()
        super().save()


def draw(handout: dict) -> bytes:
    """One handout as PDF bytes."""
    width, height = A4
    frame_width = width - 2 * MARGIN
    header, footer = S["header"], S["footer"]

    def furniture(canvas, _doc):
        canvas.saveState()
        canvas.setFillColor(ACCENT)
        canvas.setFont(header.fontName, header.fontSize)
        canvas.drawString(MARGIN, height - MARGIN + 2, handout["header"])
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.6)
        canvas.line(MARGIN, height - MARGIN - 3, width - MARGIN, height - MARGIN - 3)
        label = f"Page {canvas.getPageNumber()} of "
        label_width = canvas.stringWidth("Page 999 of 999", footer.fontName, footer.fontSize)
        text = Paragraph(handout["footer"], footer)
        _, text_height = text.wrapOn(canvas, frame_width - label_width - 9, MARGIN)
        text.drawOn(canvas, MARGIN, MARGIN)
        canvas.line(MARGIN, MARGIN + text_height + 2, width - MARGIN, MARGIN + text_height + 2)
        canvas.setFillColor(MUTED)
        canvas.setFont(footer.fontName, footer.fontSize)
        x, y = width - MARGIN - label_width, MARGIN + footer.leading - footer.fontSize
        canvas.drawString(x, y, label)
        canvas.translate(x + canvas.stringWidth(label, footer.fontName, footer.fontSize), y)
        canvas.doForm("pages")
        canvas.restoreState()

    frame = Frame(MARGIN, MARGIN + FOOTER, frame_width, height - 2 * MARGIN - HEADER - FOOTER,
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    buffer = io.BytesIO()
    document = BaseDocTemplate(buffer, pagesize=A4, invariant=1, initialFontName="Floor-R",
                               title=handout["title"], pageTemplates=[PageTemplate("page", [frame], onPage=furniture)])
    document.build(story(handout["blocks"], frame_width), canvasmaker=CountingCanvas)
    return buffer.getvalue()


def write(handouts: list[dict], out: Path) -> None:
    for handout in handouts:
        path = out / f"{handout['name']}.pdf"
        temporary = path.with_suffix(".tmp")
        temporary.write_bytes(draw(handout))
        temporary.replace(path)


def main(argv: list[str]) -> None:
    import jinja2  # noqa: F401 - what any Typer CLI filling Jinja templates loads
    import typer  # noqa: F401

    workers = int(argv[argv.index("-j") + 1]) if "-j" in argv else 1
    only = argv[argv.index("--only") + 1] if "--only" in argv else None
    handouts = json.loads(Path(argv[1]).read_text())
    if only:
        handouts = [h for h in handouts if h["name"] == only]
        if not handouts:
            sys.exit(f"floor.py: no handout named {only!r} in {argv[1]}")
    out = Path(argv[2])
    out.mkdir(parents=True, exist_ok=True)
    shares = [handouts[i::workers] for i in range(workers)]
    children = []
    for share in shares[1:]:  # forked after reading, as the build forks its workers
        pid = os.fork()
        if pid == 0:
            write(share, out)
            os._exit(0)
        children.append(pid)
    write(shares[0], out)
    for pid in children:
        if os.waitpid(pid, 0)[1]:
            sys.exit(1)


if __name__ == "__main__":
    main(sys.argv)
