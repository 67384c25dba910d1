"""Read back what a reader gets from a PDF (pages, paper size, fonts, text sizes) with pypdf:
the tests' independent oracle, beside the page facts the renderer records while drawing."""

from __future__ import annotations

import io
from collections import Counter
from dataclasses import dataclass, field


@dataclass
class PdfFacts:
    pages: int
    page_size: tuple[float, float]
    fonts: set[tuple[str, bool]]
    sizes: Counter = field(default_factory=Counter)  # text size -> characters at that size
    smallest_body_size: float = 0.0  # smallest text outside page furniture and references


def page_fonts(page) -> set[tuple[str, bool]]:
    """(font name, embedded?) for each font a pypdf page uses."""
    found = set()
    for font in page["/Resources"].get("/Font", {}).values():
        font = font.get_object()
        descendants = font.get("/DescendantFonts")
        described = descendants[0].get_object() if descendants else font
        descriptor = described.get("/FontDescriptor")
        descriptor = descriptor.get_object() if descriptor else {}
        embedded = any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
        found.add((str(font["/BaseFont"]), embedded))
    return found


def inspect_pdf(data: bytes, furniture_height: float, references_title: str) -> PdfFacts:
    """Facts about a PDF; text within `furniture_height` points of the top or bottom
    edge is page furniture, and text after the `references_title` heading is the
    reference list: both may be smaller than body text."""
    import pypdf

    reader = pypdf.PdfReader(io.BytesIO(data))
    first = reader.pages[0]
    width, height = float(first.mediabox.width), float(first.mediabox.height)
    facts = PdfFacts(len(reader.pages), (width, height), set())
    in_references = False
    smallest = [float("inf")]

    def visit(text, cm, tm, font, size):
        nonlocal in_references
        stripped = text.strip()
        if not stripped:
            return
        scale = (tm[0] ** 2 + tm[1] ** 2) ** 0.5 * (cm[0] ** 2 + cm[1] ** 2) ** 0.5
        actual = round(size * scale, 1)
        y = tm[5] * cm[3] + cm[5]
        facts.sizes[actual] += len(stripped)
        if stripped == references_title:
            in_references = True
        furniture = y < furniture_height or y > height - furniture_height
        if not furniture and not in_references:
            smallest[0] = min(smallest[0], actual)

    for page in reader.pages:
        facts.fonts |= page_fonts(page)
        page.extract_text(visitor_text=visit)
    facts.smallest_body_size = smallest[0] if smallest[0] != float("inf") else 0.0
    return facts
