"""Draw a composed `Document` to PDF bytes with ReportLab Platypus.

This package is the only one that imports ReportLab. It never reads content
or writes files: it takes a Document, theme data and print options, and
returns the bytes with the facts of what it drew (pages, fonts, text sizes).
"""

from __future__ import annotations

import io
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.utils import TimeStamp
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Frame, KeepTogether, PageTemplate, Paragraph
from reportlab.platypus.doctemplate import LayoutError

from .. import __version__
from ..errors import Diagnostic, RenderError, SourceSpan
from ..model import Document, PageSize, RenderOptions
from ..rendered import PRINTER_EDGE, PageFacts, Rendered, creation_time
from .blocks import PAGE_COUNT_FORM, HeadingParagraph, Renderer, trim_trailing_space, xml_escape
from .tagging import TaggingCanvas, artifact, recorder_of, write_structure
from .theme import Theme, build_theme

if TYPE_CHECKING:
    from ..theme_schema import ThemeSource

PAGE_SIZES = {PageSize.A4: A4, PageSize.LETTER: LETTER}
FURNITURE_STYLES = ("header", "footer")
FOOTER_GAP = 6  # points between the text and the footer's rule
STATUS_GAP = 3  # points between the footer and the status line
MOST_PAGES = 99  # "Page 99 of 99" is the widest page label the footer leaves room for


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


@dataclass(frozen=True)
class Furniture:
    """What is drawn on every page around the text, measured once per document: the clinic's
    name (top), the footer, and the status line (approval, review). The header's first line
    sits in the top margin and more lines come downwards; the status line goes under the
    footer in the bottom margin when it fits there above the edge printers cannot print,
    else inside the footer band. Nothing shrinks: large print stays large."""

    header_lines: tuple[str, ...]
    footer: Paragraph
    footer_height: float
    label_width: float  # of the widest "Page X of Y"
    status: Paragraph | None
    status_height: float
    status_below: bool  # in the bottom margin (else above the footer's base line)

    def band_above_text(self, theme: Theme) -> float:
        return theme.header_height + (len(self.header_lines) - 1) * _header_leading(theme)

    def band_below_text(self, theme: Theme) -> float:
        inside = 0 if self.status is None or self.status_below else self.status_height + STATUS_GAP
        return max(theme.footer_height, self.footer_height + FOOTER_GAP + inside)


def measure_furniture(document: Document, theme: Theme, page_width: float) -> Furniture:
    from reportlab.lib.styles import ParagraphStyle  # noqa: PLC0415
    from reportlab.lib.utils import simpleSplit  # noqa: PLC0415

    info, margin, width = document.info, theme.margin, page_width - 2 * theme.margin
    header, footer = theme.style("header"), theme.style("footer")
    lines = simpleSplit(info.header_text, header.fontName, header.fontSize, width) or [""]
    label_width = pdfmetrics.stringWidth(info.page_label.format(page=MOST_PAGES, pages=MOST_PAGES), footer.fontName,
                                         footer.fontSize)
    footer_text = Paragraph(xml_escape(info.footer_text), footer)  # wraps rather than run into the page label
    _, footer_height = footer_text.wrap(width - label_width - footer.fontSize, margin)
    status, status_height = None, 0.0
    if info.status_line:
        style = ParagraphStyle("status", parent=footer, fontName=theme.font_names["bold"],
                               textColor=theme.colors["ink"])
        status = Paragraph(xml_escape(info.status_line), style)
        _, status_height = status.wrap(width, margin)
    below = status_height <= margin - STATUS_GAP - PRINTER_EDGE
    return Furniture(tuple(lines), footer_text, footer_height, label_width, status, status_height, below)


def _header_leading(theme: Theme) -> float:
    return theme.style("header").fontSize * 1.2


def _draw_furniture(canvas: Canvas, document: Document, theme: Theme, furniture: Furniture,
                    status: int | None = None) -> None:
    """Header (publisher) and footer (id, version, review date, page X of Y) on every page.

    For a screen reader they are artifacts, except the status line on the first page: it is
    the `status` structure element, read first (as on the web page)."""
    with artifact(canvas, pagination=True):
        _draw_page_furniture(canvas, document, theme, furniture)
    if furniture.status is not None:
        tags = recorder_of(canvas)
        with (tags.marked(canvas, status) if tags is not None and status is not None and canvas.getPageNumber() == 1
              else artifact(canvas, pagination=True)):
            margin = theme.margin
            y = margin - STATUS_GAP - furniture.status_height if furniture.status_below else margin
            furniture.status.drawOn(canvas, margin, y)


def _draw_page_furniture(canvas: Canvas, document: Document, theme: Theme, furniture: Furniture) -> None:
    info = document.info
    width, height = canvas._pagesize
    margin = theme.margin
    header, footer = theme.style("header"), theme.style("footer")
    canvas.saveState()
    canvas.setFillColor(header.textColor)
    canvas.setFont(header.fontName, header.fontSize)
    leading = _header_leading(theme)
    for number, line in enumerate(furniture.header_lines):
        canvas.drawString(margin, height - margin + 2 - number * leading, line)
    rule_y = height - margin - 3 - (len(furniture.header_lines) - 1) * leading
    canvas.setStrokeColor(theme.colors["rule"])
    canvas.setLineWidth(0.6)
    canvas.line(margin, rule_y, width - margin, rule_y)
    canvas.setFillColor(footer.textColor)
    canvas.setFont(footer.fontName, footer.fontSize)
    base = margin if furniture.status is None or furniture.status_below \
        else margin + furniture.status_height + STATUS_GAP
    furniture.footer.drawOn(canvas, margin, base)
    baseline = base + footer.leading - footer.fontSize  # the footer's last line
    rule_y = base + furniture.footer_height + 2
    canvas.line(margin, rule_y, width - margin, rule_y)
    before, _, after = info.page_label.partition("{pages}")
    x = width - margin - furniture.label_width
    prefix = before.format(page=canvas.getPageNumber())
    canvas.drawString(x, baseline, prefix)
    x += canvas.stringWidth(prefix, footer.fontName, footer.fontSize)
    canvas.saveState()
    canvas.translate(x, baseline)
    canvas.doForm(PAGE_COUNT_FORM)
    canvas.restoreState()
    if after:
        count_width = canvas.stringWidth(str(MOST_PAGES), footer.fontName, footer.fontSize)
        canvas.drawString(x + count_width, baseline, after)
    canvas.restoreState()


class KeepWithNext(KeepTogether):
    """A heading kept with what follows it. ReportLab's own KeepTogether moves the whole group
    to the next page when it does not fit here, which left half a page empty above a long
    table; this one stays when what follows can start on this page under the heading."""

    def split(self, available_width, available_height):
        *lead, last = self._content
        room = available_height - sum(f.wrapOn(self.canv, available_width, available_height)[1]
                                      + f.getSpaceAfter() for f in lead)
        if room > 0 and len(last.split(available_width, room)) > 1:
            return self._content[:]
        return super().split(available_width, available_height)


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
    # header, footer and status take the lines they need, and the text the rest of the page
    furniture = measure_furniture(document, theme, page_width)
    below, above = furniture.band_below_text(theme), furniture.band_above_text(theme)
    frame = Frame(margin, margin + below, frame_width, page_height - 2 * margin - above - below,
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
        _draw_furniture(canvas, document, theme, furniture, status)

    template = HandoutDocTemplate(
        buffer, pagesize=(page_width, page_height), pageTemplates=[PageTemplate("page", [frame], onPage=on_page)],
        title=info.title, author=info.author, subject=info.subject, keywords=list(info.keywords),
        creator=f"handouts {__version__}", producer=f"handouts {__version__}", lang=info.language,
        invariant=1, initialFontName=theme.font_names["regular"], displayDocTitle=1, keepTogetherClass=KeepWithNext,
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
