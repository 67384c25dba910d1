"""Turn the resolved theme (see `handouts.theme_schema`) into ReportLab styles, fonts and colours."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import reportlab
from reportlab.lib.colors import Color, HexColor
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics

from ..theme_schema import FACES, Fonts, ResolvedTheme, ThemeSource
from .tagging import UnicodeTTFont

FONT_DIR = Path(reportlab.__file__).parent / "fonts"
FAMILY = "HandoutsSans"


@dataclass(frozen=True)
class BoxStyle:
    background: Color | None
    bar: Color | None
    bar_width: float
    title: ParagraphStyle
    body: ParagraphStyle
    space_before: float = 0


@dataclass(frozen=True)
class Theme:
    styles: dict[str, ParagraphStyle]
    colors: dict[str, Color]
    boxes: dict[str, BoxStyle]
    margin: float
    header_height: float
    footer_height: float
    list_indent: float
    checkbox: float
    bullet: str
    table_grid: Color
    blank_row_height: float
    writing_row_height: float  # points
    table_padding: float
    font_names: dict[str, str]
    logo_height: float
    logo_width: float
    qr_size: float  # the code itself, without its quiet zone
    keep_boxes_whole: bool = False

    def style(self, name: str) -> ParagraphStyle:
        return self.styles[name]

    def box(self, kind: str) -> BoxStyle:
        return self.boxes.get(kind) or self.boxes["note"]

    def missing_glyphs(self, text: str) -> set[str]:
        cmap = _cmap(self.font_names["regular"])
        return {char for char in set(text) if ord(char) not in cmap and char not in "\n\t\r"}


@cache
def _cmap(font_name: str) -> frozenset[int]:
    return frozenset(pdfmetrics.getFont(font_name).face.charToGlyph)


def _register_fonts(files: Fonts) -> dict[str, str]:
    names = {}
    for face in FACES:
        name = f"{FAMILY}-{face}-{Path(getattr(files, face)).stem}"
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(UnicodeTTFont(name, str(FONT_DIR / getattr(files, face))))
        names[face] = name
    pdfmetrics.registerFontFamily(names["regular"], normal=names["regular"], bold=names["bold"],
                                  italic=names["italic"], boldItalic=names["bold_italic"])
    return names


def _styles(resolved: ResolvedTheme, fonts: dict[str, str]) -> dict[str, ParagraphStyle]:
    styles = {}
    for name, spec in resolved.styles.items():
        styles[name] = ParagraphStyle(
            name, fontName=fonts[spec.font], fontSize=spec.size, leading=spec.leading,
            spaceBefore=spec.space_before, spaceAfter=spec.space_after, textColor=HexColor(spec.color),
            alignment=TA_RIGHT if spec.align == "right" else TA_LEFT,
            keepWithNext=1 if name.startswith(("heading", "box.title")) else 0,
            bulletFontName=fonts[spec.font], bulletFontSize=spec.size, leftIndent=spec.hanging_indent,
            splitLongWords=1 if spec.split_long_words else 0, allowWidows=0, allowOrphans=0,
        )
    return styles


def build_theme(theme: ThemeSource | ResolvedTheme, large_print: bool = False,
                accent: str | None = None) -> Theme:
    """ReportLab styles of the resolved theme, with the large-print overlay and the clinic's accent."""
    if isinstance(theme, ThemeSource):
        theme = theme.resolve(large_print, accent)
    return _build_theme(theme)


def _color(value: str | None) -> Color | None:
    return None if value is None else HexColor(value)


@cache
def _build_theme(resolved: ResolvedTheme) -> Theme:
    fonts = _register_fonts(resolved.fonts)
    styles = _styles(resolved, fonts)
    boxes = {kind: BoxStyle(_color(spec.background), _color(spec.bar), spec.bar_width, styles[spec.title],
                            styles[spec.body], spec.space_before)
             for kind, spec in resolved.boxes.items()}
    page, lists, tables, masthead = resolved.page, resolved.lists, resolved.tables, resolved.masthead
    return Theme(
        styles=styles, colors={name: HexColor(value) for name, value in resolved.colors.items()}, boxes=boxes,
        margin=page.margin * mm, header_height=page.header_height * mm, footer_height=page.footer_height * mm,
        list_indent=lists.indent * mm, checkbox=lists.checkbox * mm, bullet=lists.bullet,
        table_grid=HexColor(tables.grid), blank_row_height=tables.blank_row_height,
        writing_row_height=tables.writing_row_height * mm,
        table_padding=tables.padding, font_names=fonts,
        logo_height=masthead.logo_height * mm, logo_width=masthead.logo_width * mm, qr_size=masthead.qr_size * mm,
        keep_boxes_whole=page.keep_boxes_whole,
    )
