"""Draw a composed `Document` to PDF bytes with ReportLab Platypus.

This package is the only one that imports ReportLab. It never reads content
or writes files: it takes a Document and theme data, and returns bytes.
"""

from __future__ import annotations

import io
from typing import Any

from reportlab.lib.pagesizes import A4, LETTER
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate
from reportlab.platypus.doctemplate import LayoutError

from .. import __version__
from ..errors import Diagnostic, RenderError, SourceSpan
from ..model import Contents, Document, PageSize
from .blocks import HeadingParagraph, Renderer
from .theme import Theme, build_theme

PAGE_SIZES = {PageSize.A4: A4, PageSize.LETTER: LETTER}


def _numbered_canvas(document: Document, theme: Theme) -> type[Canvas]:
    """A canvas that draws the header and "Page X of Y" once the page count is known."""
    info = document.info

    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self):
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self._draw_furniture(total)
                super().showPage()
            super().save()

        def _draw_furniture(self, total: int) -> None:
            width, height = self._pagesize
            margin = theme.margin
            header, footer = theme.style("header"), theme.style("footer")
            self.saveState()
            self.setFillColor(header.textColor)
            self.setFont(header.fontName, header.fontSize)
            self.drawString(margin, height - margin + 2, info.header_text)
            self.setStrokeColor(theme.colors["rule"])
            self.setLineWidth(0.6)
            self.line(margin, height - margin - 3, width - margin, height - margin - 3)
            self.line(margin, margin + footer.fontSize + 4, width - margin, margin + footer.fontSize + 4)
            self.setFillColor(footer.textColor)
            self.setFont(footer.fontName, footer.fontSize)
            self.drawString(margin, margin, info.footer_text)
            label = info.page_label.format(page=self._pageNumber, pages=total)
            self.drawRightString(width - margin, margin, label)
            self.restoreState()

    return NumberedCanvas


class HandoutDocTemplate(BaseDocTemplate):
    """Adds bookmarks and contents entries for headings; remembers what it is laying out."""

    current_span: SourceSpan | None = None

    def handle_flowable(self, flowables):
        if flowables:
            self.current_span = getattr(flowables[0], "source_span", self.current_span)
        super().handle_flowable(flowables)

    def afterFlowable(self, flowable):
        if isinstance(flowable, HeadingParagraph) and flowable.outline_level <= 1:
            key = f"h{id(flowable)}"
            self.canv.bookmarkPage(key)
            self.canv.addOutlineEntry(flowable.plain_text, key, level=flowable.outline_level,
                                      closed=False)
            if flowable.outline_level == 0:
                self.notify("TOCEntry", (0, flowable.plain_text, self.page, key))


def render(document: Document, theme_data: dict[str, Any]) -> bytes:
    theme = build_theme(theme_data)
    page_width, page_height = PAGE_SIZES[document.page_size]
    margin = theme.margin
    frame_width = page_width - 2 * margin
    frame = Frame(margin, margin + theme.footer_height, frame_width,
                  page_height - 2 * margin - theme.header_height - theme.footer_height,
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id="body")
    renderer = Renderer(document, theme, frame_width)
    story = renderer.flowables(document.blocks, frame_width)
    if renderer.problems:
        raise RenderError(renderer.problems)

    buffer = io.BytesIO()
    info = document.info
    template = HandoutDocTemplate(
        buffer, pagesize=(page_width, page_height), pageTemplates=[PageTemplate("page", [frame])],
        title=info.title, author=info.author, subject=info.subject, keywords=list(info.keywords),
        creator=f"handouts {__version__}", producer=f"handouts {__version__}", lang=info.language,
        invariant=1, initialFontName=theme.font_names["regular"], displayDocTitle=1,
        leftMargin=margin, rightMargin=margin, topMargin=margin, bottomMargin=margin,
    )
    canvasmaker = _numbered_canvas(document, theme)
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
    return buffer.getvalue()
