"""What a renderer returns, and the registry of renderers.

Each renderer takes a composed `Document`, the theme data and `RenderOptions`,
and returns `Rendered`: the file's bytes and, for print, the facts of what was
drawn, which the quality gate reads instead of parsing the file back. A new
format (tagged PDF, a static site) is one module and one line in `RENDERERS`.
Renderers are imported only when used, so `--help` and the web page never load
ReportLab.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from typing import TYPE_CHECKING

from .model import Document, RenderOptions

if TYPE_CHECKING:
    from .theme_schema import ThemeSource

# styles whose text may be smaller than body text: references, fine print, page furniture
SMALL_PRINT_STYLES = frozenset({"reference", "fine.print", "small.title", "header", "footer", "online.address"})


@dataclass(frozen=True, slots=True)
class PageFacts:
    """Facts recorded while drawing a PDF."""

    pages: int
    page_size: tuple[float, float]
    fonts: frozenset[tuple[str, bool]]  # (font name, embedded?)
    text_sizes: tuple[tuple[str, float], ...]  # (style name, size in points) of every style drawn

    @property
    def smallest_text(self) -> float:
        return min((size for _, size in self.text_sizes), default=0.0)

    @property
    def smallest_body_text(self) -> float:
        return min((size for name, size in self.text_sizes
                    if name.split("+", 1)[0] not in SMALL_PRINT_STYLES), default=0.0)


@dataclass(frozen=True, slots=True)
class Rendered:
    data: bytes
    facts: PageFacts | None = None  # None for formats without pages


Render = Callable[[Document, "ThemeSource", RenderOptions], Rendered]

RENDERERS: dict[str, tuple[str, str]] = {  # format -> (module, function)
    "pdf": ("handouts.render", "render"),
    "html": ("handouts.html", "render_html_file"),
}
SUFFIXES = {"pdf": ".pdf", "html": ".html"}


PRINTER_EDGE = 17.0  # points (6 mm) at the paper's edge that office printers leave blank


def creation_time() -> int:
    """When a file counts as made, in seconds since 1970: SOURCE_DATE_EPOCH when set (the
    reproducible-builds convention), else the start of today (UTC), so that a PDF shows
    the day it was built and two builds on one day are identical byte for byte."""
    import os  # noqa: PLC0415
    import time  # noqa: PLC0415

    given = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if given.isdigit():
        return int(given)
    now = int(time.time())
    return now - now % 86400


def build_date() -> dt.date:
    """The day a build counts as made (see `creation_time`)."""
    return dt.datetime.fromtimestamp(creation_time(), dt.UTC).date()


def renderer(name: str) -> Render:
    module, function = RENDERERS[name]
    return getattr(import_module(module), function)
