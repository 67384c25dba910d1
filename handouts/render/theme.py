"""Turn the theme data (theme.yaml) into ReportLab styles, fonts and colours."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import reportlab
from reportlab.lib.colors import Color, HexColor
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from ..styles import ThemeError, resolve_styles

FONT_DIR = Path(reportlab.__file__).parent / "fonts"
FACES = ("regular", "bold", "italic", "bold_italic")
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
    table_padding: float
    font_names: dict[str, str]
    logo_height: float
    logo_width: float
    qr_size: float

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


def _register_fonts(files: dict[str, str]) -> dict[str, str]:
    names = {}
    for face in FACES:
        name = f"{FAMILY}-{face}-{Path(files[face]).stem}"
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / files[face])))
        names[face] = name
    pdfmetrics.registerFontFamily(names["regular"], normal=names["regular"], bold=names["bold"],
                                  italic=names["italic"], boldItalic=names["bold_italic"])
    return names


def _color(value: str | None, colors: dict[str, Color]) -> Color | None:
    if value in (None, "null"):
        return None
    if value in colors:
        return colors[value]
    if isinstance(value, str) and value.startswith("#"):
        return HexColor(value)
    raise ThemeError(f"unknown colour '{value}'")


def _styles(data: dict[str, dict[str, Any]], fonts: dict[str, str],
            colors: dict[str, Color]) -> dict[str, ParagraphStyle]:
    styles = {}
    for name, spec in resolve_styles(data).items():
        size = float(spec.get("size", 14))
        styles[name] = ParagraphStyle(
            name, fontName=fonts[spec.get("font", "regular")], fontSize=size,
            leading=float(spec.get("leading", size * 1.5)),
            spaceBefore=float(spec.get("space_before", 0)),
            spaceAfter=float(spec.get("space_after", 0)),
            textColor=_color(spec.get("color", "ink"), colors),
            alignment=TA_RIGHT if spec.get("align") == "right" else TA_LEFT,
            keepWithNext=1 if name.startswith(("heading", "box.title")) else 0,
            bulletFontName=fonts[spec.get("font", "regular")], bulletFontSize=size,
            leftIndent=float(spec.get("hanging_indent", 0)),
            splitLongWords=1 if spec.get("split_long_words") else 0, allowWidows=0, allowOrphans=0,
        )
    return styles


def build_theme(data: dict[str, Any], large_print: bool = False, accent: str | None = None) -> Theme:
    """Styles from theme data, with the large-print overlay and the clinic's accent applied."""
    return _build_theme(json.dumps(data, sort_keys=True, default=str), large_print, accent)


def _overlay(data: dict[str, Any], large_print: bool, accent: str | None) -> dict[str, Any]:
    data = json.loads(json.dumps(data))
    if accent:
        data["colors"]["accent"] = accent
    if large_print:
        settings = data["large_print"]
        factor, floor = float(settings["scale"]), float(settings.get("min_size", 0))
        for name, style in data["styles"].items():
            for key in ("size", "leading", "space_before", "space_after", "hanging_indent"):
                if key in (style or {}):
                    style[key] = round(float(style[key]) * factor, 2)
            if name not in settings.get("exempt", []) and "size" in (style or {}) and style["size"] < floor:
                style["leading"] = round(float(style.get("leading", 0)) * floor / style["size"], 2)
                style["size"] = floor
        for key in ("indent", "checkbox"):
            data["lists"][key] = float(data["lists"][key]) * factor
        data["tables"]["blank_row_height"] = float(data["tables"]["blank_row_height"]) * factor
        data["page"]["header_height"] = float(data["page"]["header_height"]) * factor
        data["page"]["footer_height"] = float(data["page"]["footer_height"]) * factor
    return data


@cache
def _build_theme(frozen: str, large_print: bool, accent: str | None) -> Theme:
    data = _overlay(json.loads(frozen), large_print, accent)
    fonts = _register_fonts(data["fonts"])
    colors = {name: HexColor(value) for name, value in data["colors"].items()}
    styles = _styles(data["styles"], fonts, colors)
    boxes = {
        kind: BoxStyle(_color(spec.get("background"), colors), _color(spec.get("bar"), colors),
                       float(spec.get("bar_width", 0)), styles[spec["title"]], styles[spec["body"]],
                       float(spec.get("space_before", 0)))
        for kind, spec in data["boxes"].items()
    }
    page, lists, tables, masthead = data["page"], data["lists"], data["tables"], data["masthead"]
    return Theme(
        styles=styles, colors=colors, boxes=boxes,
        margin=float(page["margin"]) * mm, header_height=float(page["header_height"]) * mm,
        footer_height=float(page["footer_height"]) * mm,
        list_indent=float(lists["indent"]) * mm, checkbox=float(lists["checkbox"]) * mm,
        bullet=str(lists["bullet"]), table_grid=_color(tables["grid"], colors),
        blank_row_height=float(tables["blank_row_height"]), table_padding=float(tables["padding"]),
        font_names=fonts,
        logo_height=float(masthead["logo_height"]) * mm, logo_width=float(masthead["logo_width"]) * mm,
        qr_size=float(masthead["qr_size"]) * mm,
    )
