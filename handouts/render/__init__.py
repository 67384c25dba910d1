"""Draw a composed `Document` to PDF bytes with ReportLab Platypus.

This package is the only one that imports ReportLab. It never reads content
or writes files: it takes a Document, theme data and print options, and
returns the bytes with the facts of what it drew (pages, fonts, text sizes).
"""

from __future__ import annotations

import io
import time
from typing import TYPE_CHECKING, ClassVar

from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.utils import TimeStamp
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate, Paragraph
from reportlab.platypus.doctemplate import LayoutError

from .. import __version__
from ..errors import Diagnostic, RenderError, SourceSpan
from ..model import Document, PageSize, RenderOptions
from ..rendered import PageFacts, Rendered, creation_time
from .blocks import PAGE_COUNT_FORM, HeadingParagraph, Renderer, trim_trailing_space, xml_escape
from .tagging import TaggingCanvas, artifact, recorder_of, write_structure
from .theme import Theme, build_theme

if TYPE_CHECKING:
    from ..theme_schema import ThemeSource

PAGE_SIZES = {PageSize.A4: A4, PageSize.LETTER: LETTER}
FURNITURE_STYLES = ("header", "footer")
FOOTER_GAP = 8  # points between the text and the footer's rule


def _canvas_class(theme: Theme, document: Document, options: RenderOptions,
                  on_page) -> type[Canvas]:
    """A canvas that finishes, at save time, what only the whole layout knows: the page
    count in every footer, the page numbers of the contents, and a blank last page for
    two-sided printing. Footers and contents refer to forms defined here (PDF allows
    that), so every document is laid out once."""
    footer = theme.style("footer")
    contents_style = theme.style("contents.1")

    class FinishingCanvas(TaggingCanvas, Canvas):
        heading_pages: ClassVar[list[int]] = []

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._doc._timeStamp = _timestamp(creation_time())  # the build date, not 1 January 2000

        def save(self):
            if options.pad_to_even_pages and (self.getPageNumber() - 1) % 2:
                on_page(self)  # a page left blank so the next handout starts on a new sheet
                self.showPage()
            self._number_form(PAGE_COUNT_FORM, self.getPageNumber() - 1, footer)
            for index, page in enumerate(self.heading_pages):
                self._number_form(f"{PAGE_COUNT_FORM}-toc-{index}", page, contents_style, right=True)
            if self.tags is not None:
                write_structure(self, self.tags, document.info)
            super().save()

        def _number_form(self, name, number, style, right=False):
            self.beginForm(name, lowerx=-200, lowery=-50, upperx=200, uppery=50)  # room either side of 0
            self.setFont(style.fontName, style.fontSize)
            self.setFillColor(style.textColor)
            (self.drawRightString if right else self.drawString)(0, 0, str(number))
            self.endForm()

    return FinishingCanvas


def _timestamp(seconds: int) -> TimeStamp:
    stamp = TimeStamp(invariant=1)
    stamp.t, stamp.lt = seconds, time.gmtime(seconds)
    stamp.YMDhms, stamp.dhh, stamp.dmm, stamp.tzname = tuple(stamp.lt)[:6], 0, 0, "UTC"
    return stamp


def _draw_furniture(canvas: Canvas, document: Document, theme: Theme, status: int | None = None) -> None:
    """Header (publisher) and footer (id, version, review date, page X of Y) on every page.

    For a screen reader they are artifacts, except the status line on the first page: it is
    the `status` structure element, read first (as on the web page)."""
    with artifact(canvas, pagination=True):
        _draw_page_furniture(canvas, document, theme)
    if document.info.status_line:
        width, _ = canvas._pagesize
        tags = recorder_of(canvas)
        with (tags.marked(canvas, status) if tags is not None and status is not None and canvas.getPageNumber() == 1
              else artifact(canvas, pagination=True)):
            _draw_status_line(canvas, document.info.status_line, theme, width, theme.margin)


def _draw_page_furniture(canvas: Canvas, document: Document, theme: Theme) -> None:
    info = document.info
    width, height = canvas._pagesize
    margin = theme.margin
    header, footer = theme.style("header"), theme.style("footer")
    canvas.saveState()
    canvas.setFillColor(header.textColor)
    canvas.setFont(header.fontName, header.fontSize)
    _draw_header_lines(canvas, info.header_text, header, width - 2 * margin, margin, height - margin + 2)
    canvas.setStrokeColor(theme.colors["rule"])
    canvas.setLineWidth(0.6)
    canvas.line(margin, height - margin - 3, width - margin, height - margin - 3)
    canvas.setFillColor(footer.textColor)
    canvas.setFont(footer.fontName, footer.fontSize)
    before, _, after = info.page_label.partition("{pages}")
    footer_text, footer_height, widest = _footer(info, theme, width)
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
    canvas.restoreState()


def _footer(info, theme: Theme, page_width: float) -> tuple[Paragraph, float, float]:
    """The footer's text, wrapped beside the widest "Page X of Y": (paragraph, height, label width)."""
    footer = theme.style("footer")
    widest = pdfmetrics.stringWidth(info.page_label.format(page=999, pages=999), footer.fontName, footer.fontSize)
    text = Paragraph(xml_escape(info.footer_text), footer)  # wraps rather than run into the page label
    _, height = text.wrap(page_width - 2 * theme.margin - widest - footer.fontSize, theme.margin)
    return text, height, widest


def _draw_header_lines(canvas: Canvas, text: str, style, width: float, x: float, baseline: float) -> None:
    """The clinic's name and department, broken into lines that fit the width (a long trust
    name wraps upwards into the top margin rather than running off the page)."""
    from reportlab.lib.utils import simpleSplit  # noqa: PLC0415

    lines = simpleSplit(text, style.fontName, style.fontSize, width) or [""]
    leading = style.fontSize * 1.2
    for number, line in enumerate(reversed(lines)):
        canvas.drawString(x, baseline + number * leading, line)


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
    """Adds bookmarks for headings and notes the page of each title for the contents;
    remembers what it is laying out, so a layout error can name its source line."""

    current_span: SourceSpan | None = None
    last_outline_level = -1

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
            if flowable.outline_level == 0 and flowable.in_contents:
                self.canv.heading_pages.append(self.page)


def render(document: Document, theme_data: ThemeSource, options: RenderOptions = RenderOptions()) -> Rendered:
    """Lay the document out once and return the PDF; raise RenderError naming the source line."""
    theme = build_theme(theme_data, options.large_print, options.accent)
    page_width, page_height = PAGE_SIZES[options.page_size]
    margin = theme.margin
    frame_width = page_width - 2 * margin
    # the footer takes the lines it needs (one, mostly), and the text the rest of the page
    footer_height = max(theme.footer_height, _footer(document.info, theme, page_width)[1] + FOOTER_GAP)
    frame = Frame(margin, margin + footer_height, frame_width,
                  page_height - 2 * margin - theme.header_height - footer_height,
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id="body")
    renderer = Renderer(document, theme, frame_width)
    status = renderer.tags.add("P") if document.info.status_line else None  # read before the content
    story = renderer.flowables(document.blocks, frame_width)
    trim_trailing_space(story)  # space after the last block would start an empty page
    if renderer.problems:
        raise RenderError(renderer.problems)

    buffer = io.BytesIO()
    info = document.info

    def on_page(canvas, _=None):
        _draw_furniture(canvas, document, theme, status)

    template = HandoutDocTemplate(
        buffer, pagesize=(page_width, page_height), pageTemplates=[PageTemplate("page", [frame], onPage=on_page)],
        title=info.title, author=info.author, subject=info.subject, keywords=list(info.keywords),
        creator=f"handouts {__version__}", producer=f"handouts {__version__}", lang=info.language,
        invariant=1, initialFontName=theme.font_names["regular"], displayDocTitle=1,
        leftMargin=margin, rightMargin=margin, topMargin=margin, bottomMargin=margin,
    )
    canvasmaker = _canvas_class(theme, document, options, on_page)
    canvasmaker.heading_pages = []
    canvasmaker.tags = renderer.tags
    try:
        template.build(story, canvasmaker=canvasmaker)
    except LayoutError:
        raise RenderError(Diagnostic(template.current_span, "layout.overflow",
                                     "this part does not fit on a page, even on a page of its own; "
                                     "split it into shorter paragraphs, rows or boxes")) from None
    return Rendered(buffer.getvalue(), _facts(template, renderer, theme, (page_width, page_height)))


def _facts(template: HandoutDocTemplate, renderer: Renderer, theme: Theme,
           page_size: tuple[float, float]) -> PageFacts:
    fonts = frozenset((name, name not in pdfmetrics.standardFonts)
                      for name in template.canv._doc.fontMapping)
    sizes = {**renderer.sizes, **{name: theme.style(name).fontSize for name in FURNITURE_STYLES}}
    return PageFacts(pages=template.canv.getPageNumber() - 1, page_size=page_size, fonts=fonts,
                     text_sizes=tuple(sorted(sizes.items())))
