"""Draw a composed `Document` to PDF bytes with ReportLab Platypus.

This package is the only one that imports ReportLab. It never reads content
or writes files: it takes a Document and theme data, and returns bytes.
"""

from __future__ import annotations

import io
from typing import Any

from reportlab.lib.pagesizes import A4, LETTER
from reportlab.pdfgen.canvas import Canvas
from xml.sax.saxutils import escape as xml_escape

from reportlab.platypus import BaseDocTemplate, Frame, PageBreak, PageTemplate, Paragraph, Spacer
from reportlab.platypus.doctemplate import LayoutError

from .. import __version__
from ..errors import Diagnostic, RenderError, SourceSpan
from ..model import Contents, Document, PageSize
from .blocks import HeadingParagraph, Renderer, trim_trailing_space
from .theme import Theme, build_theme

PAGE_SIZES = {PageSize.A4: A4, PageSize.LETTER: LETTER}


PAGE_COUNT_FORM = "handoutsPageCount"


def _page_count_canvas(theme: Theme) -> type[Canvas]:
    """A canvas that writes the page count, once known, into a form every footer uses.

    The footer of each page refers to the form before it exists (PDF allows
    that), so "Page X of Y" needs a single layout pass.
    """
    footer = theme.style("footer")

    class PageCountCanvas(Canvas):
        def save(self):
            self.beginForm(PAGE_COUNT_FORM)
            self.setFont(footer.fontName, footer.fontSize)
            self.setFillColor(footer.textColor)
            self.drawString(0, 0, str(self.getPageNumber() - 1))
            self.endForm()
            super().save()

    return PageCountCanvas


def _draw_furniture(canvas: Canvas, document: Document, theme: Theme) -> None:
    """Header (publisher) and footer (id, version, review date, page X of Y) on every page."""
    info = document.info
    width, height = canvas._pagesize
    margin = theme.margin
    header, footer = theme.style("header"), theme.style("footer")
    canvas.saveState()
    canvas.setFillColor(header.textColor)
    canvas.setFont(header.fontName, header.fontSize)
    canvas.drawString(margin, height - margin + 2, info.header_text)
    canvas.setStrokeColor(theme.colors["rule"])
    canvas.setLineWidth(0.6)
    canvas.line(margin, height - margin - 3, width - margin, height - margin - 3)
    canvas.setFillColor(footer.textColor)
    canvas.setFont(footer.fontName, footer.fontSize)
    before, _, after = info.page_label.partition("{pages}")
    widest = canvas.stringWidth(info.page_label.format(page=999, pages=999), footer.fontName, footer.fontSize)
    footer_text = Paragraph(xml_escape(info.footer_text), footer)  # wraps rather than run into the page label
    _, footer_height = footer_text.wrapOn(canvas, width - 2 * margin - widest - footer.fontSize, margin)
    footer_text.drawOn(canvas, margin, margin)
    baseline = margin + footer.leading - footer.fontSize  # the footer's last line
    rule_y = margin + footer_height + 2
    canvas.line(margin, rule_y, width - margin, rule_y)
    x = width - margin - widest
    prefix = before.format(page=canvas.getPageNumber())
    canvas.drawString(x, baseline, prefix)
    x += canvas.stringWidth(prefix, footer.fontName, footer.fontSize)
    canvas.saveState()
    canvas.translate(x, baseline)
    canvas.doForm(PAGE_COUNT_FORM)
    canvas.restoreState()
    if after:
        count_width = canvas.stringWidth("999", footer.fontName, footer.fontSize)
        canvas.drawString(x + count_width, baseline, after)
    if info.status_line:
        _draw_status_line(canvas, info.status_line, theme, width, margin)
    canvas.restoreState()


def _draw_status_line(canvas: Canvas, text: str, theme: Theme, width: float, margin: float) -> None:
    """Approval or review status, bold, under the footer in the bottom margin, on every page.

    It wraps to the text width, and shrinks (down to 7 pt) rather than take more
    than two lines, so it never runs off the page or into the body.
    """
    from reportlab.lib.styles import ParagraphStyle  # noqa: PLC0415

    footer = theme.style("footer")
    size = footer.fontSize
    while True:
        style = ParagraphStyle("status", parent=footer, fontName=theme.font_names["bold"], fontSize=size,
                               leading=size * 1.2, textColor=theme.colors["ink"])
        status = Paragraph(xml_escape(text), style)
        _, height = status.wrapOn(canvas, width - 2 * margin, margin)
        if height <= 2 * style.leading + 0.1 or size <= 7:
            break
        size -= 0.5
    status.drawOn(canvas, margin, margin - 3 - height)


class HandoutDocTemplate(BaseDocTemplate):
    """Adds bookmarks and contents entries for headings; remembers what it is laying out."""

    current_span: SourceSpan | None = None
    last_outline_level = -1

    def beforeDocument(self):
        self.last_outline_level = -1  # multiBuild lays the document out more than once

    def handle_flowable(self, flowables):
        if flowables:
            self.current_span = getattr(flowables[0], "source_span", self.current_span)
        super().handle_flowable(flowables)

    def afterFlowable(self, flowable):
        if isinstance(flowable, HeadingParagraph) and flowable.outline_level <= 1:
            key = f"h{self.page}-{self.last_outline_level}-{flowable.plain_text}"
            # PDF outlines cannot skip a level: a section before any title sits at the top
            level = min(flowable.outline_level, self.last_outline_level + 1)
            self.last_outline_level = level
            self.canv.bookmarkPage(key)
            self.canv.addOutlineEntry(flowable.plain_text, key, level=level, closed=False)
            if flowable.outline_level == 0:
                self.notify("TOCEntry", (0, flowable.plain_text, self.page, key))


def render(document: Document, theme_data: dict[str, Any]) -> bytes:
    """Lay the document out and return the PDF; raise RenderError naming the source line."""
    theme = build_theme(theme_data, document.large_print, document.accent)
    data, pages = _layout(document, theme, blank_pages=0)
    if document.pad_to_even_pages and pages % 2:
        data, pages = _layout(document, theme, blank_pages=1)
    return data


def _layout(document: Document, theme: Theme, blank_pages: int) -> tuple[bytes, int]:
    page_width, page_height = PAGE_SIZES[document.page_size]
    margin = theme.margin
    frame_width = page_width - 2 * margin
    frame = Frame(margin, margin + theme.footer_height, frame_width,
                  page_height - 2 * margin - theme.header_height - theme.footer_height,
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id="body")
    renderer = Renderer(document, theme, frame_width)
    story = renderer.flowables(document.blocks, frame_width)
    trim_trailing_space(story)  # space after the last block would start an empty page
    if renderer.problems:
        raise RenderError(renderer.problems)
    for _ in range(blank_pages):  # a page left blank so that the next handout starts on a new sheet
        story.extend([PageBreak(), Spacer(1, 1)])

    buffer = io.BytesIO()
    info = document.info
    furniture = PageTemplate("page", [frame], onPage=lambda canvas, _: _draw_furniture(canvas, document, theme))
    template = HandoutDocTemplate(
        buffer, pagesize=(page_width, page_height), pageTemplates=[furniture],
        title=info.title, author=info.author, subject=info.subject, keywords=list(info.keywords),
        creator=f"handouts {__version__}", producer=f"handouts {__version__}", lang=info.language,
        invariant=1, initialFontName=theme.font_names["regular"], displayDocTitle=1,
        leftMargin=margin, rightMargin=margin, topMargin=margin, bottomMargin=margin,
    )
    canvasmaker = _page_count_canvas(theme)
    try:
        if any(isinstance(block, Contents) for block in document.blocks):
            template.multiBuild(story, canvasmaker=canvasmaker)
        else:
            template.build(story, canvasmaker=canvasmaker)
    except LayoutError as error:
        reason = str(error).split("\n")[0][:160]
        raise RenderError(Diagnostic(template.current_span, "layout.overflow",
                                     f"this part does not fit on a page ({reason}); "
                                     "split it into shorter paragraphs, rows or boxes")) from None
    return buffer.getvalue(), template.page
