"""What a printed page really shows, read back from the PDF: text outside the margins, and
text drawn over other text.

The check runs this on every PDF it renders, so a long clinic name, address or link that
escapes the layout is caught whatever part of the renderer drew it. pypdfium2 (PDFium, the
PDF engine of Chromium) gives the box of every character as a viewer places it. It comes
with the check's optional dependencies, like the PDF/UA validator.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from .rendered import PRINTER_EDGE as MIN_EDGE

TOLERANCE = 2.0  # points: the ink of a large bold J or an italic f leans a little past its origin


@dataclass(frozen=True, slots=True)
class Problem:
    page: int  # from 1
    message: str


@dataclass(frozen=True, slots=True)
class _Line:
    left: float
    bottom: float
    right: float
    top: float
    text: str


def problems(data: bytes, side_margin: float) -> list[Problem]:
    """Characters outside the side margins or too near the top and bottom edges, and lines
    of text that overlap other lines, page by page."""
    import pypdfium2 as pdfium  # noqa: PLC0415 - only the check reads PDFs back

    found: list[Problem] = []
    document = pdfium.PdfDocument(data)
    try:
        for number, page in enumerate(document, start=1):
            width, height = page.get_width(), page.get_height()
            lines = _lines(page.get_textpage())
            found.extend(Problem(number, message) for message in _outside(lines, width, height, side_margin))
            found.extend(Problem(number, message) for message in _overlaps(lines))
    finally:
        document.close()
    return found


def _lines(text_page) -> list[_Line]:
    """Runs of characters on one baseline, as PDFium groups them into rectangles."""
    lines = []
    for index in range(text_page.count_rects()):
        left, bottom, right, top = text_page.get_rect(index)
        words = text_page.get_text_bounded(left, bottom, right, top).strip()
        if words:
            lines.append(_Line(left, bottom, right, top, " ".join(words.split())))
    return lines


def _outside(lines: list[_Line], width: float, height: float, side_margin: float) -> list[str]:
    low, high = side_margin - TOLERANCE, width - side_margin + TOLERANCE
    messages = []
    for line in lines:
        if line.left < low or line.right > high:
            edge = "left" if line.left < low else "right"
            past = low - line.left if line.left < low else line.right - high
            messages.append(f"text runs {past:.0f} pt past the {edge} margin: '{_short(line.text)}'")
        elif line.bottom < MIN_EDGE or line.top > height - MIN_EDGE:
            messages.append(f"text too near the {'bottom' if line.bottom < MIN_EDGE else 'top'} edge "
                            f"for a printer: '{_short(line.text)}'")
    return messages


def _overlaps(lines: list[_Line]) -> list[str]:
    messages = []
    for first, second in itertools.combinations(lines, 2):
        across = min(first.right, second.right) - max(first.left, second.left)
        up = min(first.top, second.top) - max(first.bottom, second.bottom)
        # lines of one paragraph touch; text over text shares a third of the shorter line's height
        if across > 1 and up > 0.34 * min(first.top - first.bottom, second.top - second.bottom):
            messages.append(f"text drawn over other text: '{_short(first.text)}' and '{_short(second.text)}'")
    return messages


def _short(text: str, limit: int = 50) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
