"""The theme as a validated input: theme.yaml and its overlays -> one resolved, typed theme.

Each templates folder may hold `theme.yaml` and overlays such as
`theme.large-print.yaml`. They are stacked as rst2pdf stacks style sheets:
the shipped theme, each clinic folder's theme laid over it key by key, then
the large-print overlays, then the clinic's accent colour. One small generic
`merge` does every step, and every value remembers the file and line it came
from, so an error names the layer that holds the bad value.

Validation checks every key, type, range and reference (a style's parent, a
box's styles and colours) and reports every problem at once; `resolve`
returns frozen dataclasses with style inheritance already applied. The PDF
renderer, the web stylesheet and the contrast check all read that result.
Plain code on purpose: this runs on every start-up.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from .errors import Collector, ContentError, SourceSpan

LARGE_PRINT = "large-print"  # the overlay theme.large-print.yaml
MIN_LARGE_PRINT_SIZE = 16.0  # points; standards.md: every text >= 16 pt in large print
HEX = re.compile(r"#[0-9a-fA-F]{6}")
FACES = ("regular", "bold", "italic", "bold_italic")

Path_ = tuple[str, ...]


# --- located data and the one merge ------------------------------------------


@dataclass(frozen=True)
class Layer:
    """Theme data (plain YAML values) and where each key was written."""

    data: dict[str, Any]
    spans: dict[Path_, SourceSpan]

    def where(self, *path: str) -> SourceSpan | None:
        """The span of the deepest written key on `path`."""
        for end in range(len(path), 0, -1):
            if path[:end] in self.spans:
                return self.spans[path[:end]]
        return None


EMPTY = Layer({}, {})


def merge(base: Layer, over: Layer) -> Layer:
    """`over` laid on `base`: mappings merge key by key, any other value replaces."""

    def merged(a: Any, b: Any) -> Any:
        if isinstance(a, dict) and isinstance(b, dict):
            return {**a, **{key: merged(a[key], value) if key in a else value for key, value in b.items()}}
        return b

    if not base.data:
        return over
    data = merged(base.data, over.data)
    replaced = {p for p in over.spans if not isinstance(_get(over.data, p), dict)}
    spans = {p: s for p, s in base.spans.items()
             if not any(p[:end] in replaced for end in range(1, len(p)))}  # keys under a replaced value
    spans.update(over.spans)
    return Layer(data, spans)


def _get(data: Any, path: Path_) -> Any:
    for key in path:
        data = data.get(key) if isinstance(data, dict) else None
    return data


SCALARS: dict[str, Callable[[str], Any]] = {  # the common plain scalars, converted quickly
    "tag:yaml.org,2002:str": str, "tag:yaml.org,2002:int": int, "tag:yaml.org,2002:float": float,
}


def layer_from_node(node: Any, path: str, collector: Collector, first_line: int = 1) -> Layer:
    """Theme data and the line of every key, nested keys included, from a composed YAML mapping."""
    from yaml.constructor import SafeConstructor  # noqa: PLC0415

    constructor = SafeConstructor()
    spans: dict[Path_, SourceSpan] = {}

    def value(node: Any, prefix: Path_) -> Any:
        kind = type(node).__name__
        if kind == "MappingNode":
            data: dict[str, Any] = {}
            for key_node, value_node in node.value:
                key = str(key_node.value)
                span = SourceSpan(path, first_line + key_node.start_mark.line)
                if key in data:
                    collector.error(span, "yaml.duplicate-key", f"'{key}' is given twice "
                                    f"(first on line {spans[(*prefix, key)].line}); keep one")
                spans[(*prefix, key)] = span
                data[key] = value(value_node, (*prefix, key))
            return data
        if kind == "SequenceNode":
            return [value(item, prefix) for item in node.value]
        return scalar(node)

    def scalar(node: Any) -> Any:
        plain = SCALARS.get(node.tag)
        if plain is not None:
            try:
                return plain(node.value)
            except ValueError:
                pass
        return constructor.construct_object(node)  # 0x1f, 1_000, .inf, yes/no and the like

    return Layer(value(node, ()), spans)


# --- the schema ---------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    margin: float  # mm
    header_height: float  # mm
    footer_height: float  # mm
    keep_boxes_whole: bool = False  # a box that fits on a page is never split (large print)


@dataclass(frozen=True)
class Fonts:
    regular: str  # TrueType file names shipped with ReportLab
    bold: str
    italic: str
    bold_italic: str


@dataclass(frozen=True)
class TextStyle:
    """A named style with everything it inherits filled in; colours as #rrggbb."""

    name: str
    font: str = "regular"
    size: float = 14.0
    leading: float = 0.0  # 0: 1.5 x size
    space_before: float = 0.0
    space_after: float = 0.0
    color: str = "ink"
    align: str = "left"
    hanging_indent: float = 0.0
    split_long_words: bool = False


@dataclass(frozen=True)
class Box:
    background: str | None  # #rrggbb or None
    bar: str | None
    bar_width: float
    title: str  # style names
    body: str
    space_before: float = 0.0


@dataclass(frozen=True)
class Lists:
    indent: float  # mm
    checkbox: float  # mm
    bullet: str


@dataclass(frozen=True)
class Tables:
    grid: str  # #rrggbb
    blank_row_height: float  # points
    padding: float  # points
    writing_row_height: float = 22.0  # mm: an empty row of a diary, tall enough to write a day in


@dataclass(frozen=True)
class Masthead:
    logo_height: float  # mm
    logo_width: float  # mm
    qr_size: float  # mm, the code itself; its quiet zone is added around it


@dataclass(frozen=True, eq=False)
class ResolvedTheme:
    """The theme as the renderers read it: overlays applied, inheritance resolved."""

    page: Page
    fonts: Fonts
    colors: Mapping[str, str]
    styles: Mapping[str, TextStyle]
    boxes: Mapping[str, Box]
    lists: Lists
    tables: Tables
    masthead: Masthead


# A field check returns (the value, None), or (None, what is wrong with it).
Check = Callable[[Any], "tuple[Any, str | None]"]


def _number(minimum: float, strict: bool, maximum: float = float("inf")) -> Check:
    def check(value: Any) -> tuple[Any, str | None]:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
            return None, f"should be a number, not {_shown(value)}"
        if value < minimum or (strict and value == minimum):
            return None, f"is {value:g}; it must be {'more than' if strict else 'at least'} {minimum:g}"
        if value > maximum:
            return None, f"is {value:g}; it must be at most {maximum:g}"
        return float(value), None
    return check


# Lengths in mm on the page: beyond these the text frame of an A4 or Letter page has no room left.
MARGIN, BAND, LENGTH = _number(0, True, 40), _number(0, False, 40), _number(0, True, 60)
# Points: a letter-sized line fits, and a table cell or box keeps room for its text.
SIZE, SPACE, PADDING = _number(0, True, 72), _number(0, False, 72), _number(0, False, 20)
QR_SIZE = _number(20, False, 60)  # mm, the code without its quiet zone: under 20 mm phones misread it


def _text(value: Any) -> tuple[Any, str | None]:
    if not isinstance(value, str) or not value:
        return None, f"should be text, not {_shown(value)}"
    return value, None


def _flag(value: Any) -> tuple[Any, str | None]:
    if not isinstance(value, bool):
        return None, f"should be true or false, not {_shown(value)}"
    return value, None


def _choice(*choices: str) -> Check:
    def check(value: Any) -> tuple[Any, str | None]:
        if value not in choices:
            return None, f"is {_shown(value)}; use {' or '.join(choices)}"
        return value, None
    return check


def _hex(value: Any) -> tuple[Any, str | None]:
    if value is None:
        return None, 'is empty; write the colour in quotes, e.g. "#1a1a1a" (an unquoted # starts a comment)'
    if not isinstance(value, str) or not HEX.fullmatch(value):
        return None, f'is {_shown(value)}; a colour is written "#rrggbb", e.g. "#1a1a1a"'
    return value, None


def _font_file(value: Any) -> tuple[Any, str | None]:
    if not isinstance(value, str) or not value.endswith(".ttf"):
        return None, f"is {_shown(value)}; name a TrueType file such as Vera.ttf"
    if not (font_dir() / value).is_file():
        shipped = sorted(p.name for p in font_dir().glob("*.ttf"))
        return None, f"'{value}' is not a font shipped with ReportLab{_suggest(value, shipped)}"
    return value, None


COLOR_REF, NULLABLE_COLOR, STYLE_REF = "colour", "colour or null", "style"  # checked once all is read

SECTIONS: dict[str, dict[str, Check | str]] = {
    "page": {"margin": MARGIN, "header_height": BAND, "footer_height": BAND, "keep_boxes_whole": _flag},
    "fonts": {face: _font_file for face in FACES},
    "lists": {"indent": LENGTH, "checkbox": LENGTH, "bullet": _text},
    "tables": {"grid": COLOR_REF, "blank_row_height": SIZE, "padding": PADDING, "writing_row_height": LENGTH},
    "masthead": {"logo_height": LENGTH, "logo_width": LENGTH, "qr_size": QR_SIZE},
}
STYLE_FIELDS: dict[str, Check | str] = {
    "parent": STYLE_REF, "font": _choice(*FACES), "size": SIZE, "leading": _number(0, True, 100),
    "space_before": SPACE, "space_after": SPACE, "color": COLOR_REF,
    "align": _choice("left", "right"), "hanging_indent": SPACE, "split_long_words": _flag,
}
BOX_FIELDS: dict[str, Check | str] = {
    "background": NULLABLE_COLOR, "bar": NULLABLE_COLOR, "bar_width": PADDING,
    "title": STYLE_REF, "body": STYLE_REF, "space_before": SPACE,
}
BOX_REQUIRED = ("title", "body")
NAMED = ("colors", "styles", "boxes")
TOP_LEVEL = (*SECTIONS, *NAMED)
# What the renderers ask for by name; a theme without them cannot draw a handout.
REQUIRED_COLORS = ("ink", "muted", "accent", "rule", "table.header")
REQUIRED_STYLES = ("body", "heading.1", "heading.2", "heading.3", "heading.4", "list.marker",
                   "table.cell", "table.header", "reference", "contents.1", "header", "footer",
                   "citation", "online.address")
REQUIRED_BOXES = ("note",)
HINTS = {"large_print": "large print is now the overlay theme.large-print.yaml beside theme.yaml"}


@cache
def font_dir() -> Path:
    """ReportLab's font folder, found without importing ReportLab."""
    import importlib.util  # noqa: PLC0415

    spec = importlib.util.find_spec("reportlab")
    return Path(spec.origin).parent / "fonts" if spec and spec.origin else Path("fonts")


def _shown(value: Any) -> str:
    if value is None:
        return "empty"
    return f"'{value}'" if isinstance(value, str) else f"{type(value).__name__} {value!r}"


def _suggest(name: str, names: Iterable[str]) -> str:
    import difflib  # noqa: PLC0415 - only when something is misspelled

    close = difflib.get_close_matches(name, list(names), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


# --- validation -----------------------------------------------------------------


class _Validator:
    def __init__(self, layer: Layer, collector: Collector, min_size: float = 0):
        self.layer, self.collector, self.min_size = layer, collector, min_size
        self.refs: list[tuple[Path_, str, Any]] = []  # (path, kind, value) checked at the end

    def error(self, path: Path_, code: str, message: str) -> None:
        self.collector.error(self.layer.where(*path), code, message)

    def mapping(self, path: Path_, value: Any, what: str) -> dict[str, Any]:
        if isinstance(value, dict):
            return value
        self.error(path, "theme.type", f"'{'.'.join(path)}' should be {what}, not {_shown(value)}")
        return {}

    def fields(self, path: Path_, data: dict[str, Any], schema: Mapping[str, Check | str],
               required: Iterable[str] = ()) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for key, value in data.items():
            where = (*path, key)
            if key not in schema:
                self.unknown(where, key, schema)
                continue
            check = schema[key]
            if isinstance(check, str):
                if value is None and check == NULLABLE_COLOR:
                    values[key] = None
                else:
                    self.refs.append((where, check, value))
                    values[key] = value
                continue
            checked, problem = check(value)
            if problem:
                self.error(where, "theme.value", f"{self.name(where)} {problem}")
            else:
                values[key] = checked
        for key in required:
            if key not in data:
                self.error(path, "theme.missing", f"{self.name(path)} needs '{key}'")
        return values

    def unknown(self, path: Path_, key: str, valid: Iterable[str]) -> None:
        hint = HINTS.get(key)
        advice = f"; {hint}" if hint else (_suggest(key, valid) or f"; use {', '.join(sorted(valid))}")
        self.error(path, "theme.unknown-key", f"unknown key '{key}' in {self.name(path[:-1]) or 'the theme'}{advice}")

    @staticmethod
    def name(path: Path_) -> str:
        if not path:
            return ""
        if path[0] in NAMED and len(path) >= 2:
            kind = {"colors": "colour", "styles": "style", "boxes": "box"}[path[0]]
            rest = f" {path[2]}" if len(path) > 2 else ""
            return f"{kind} '{path[1]}'{rest}"
        return ".".join(path)

    def run(self) -> ResolvedTheme | None:
        data = self.layer.data
        for key in data:
            if key not in TOP_LEVEL:
                self.unknown((key,), key, TOP_LEVEL)
        for key in TOP_LEVEL:
            if key not in data:
                first = self.layer.where(next(iter(data), ""))
                self.collector.error(SourceSpan(first.path) if first else None,
                                     "theme.missing", f"the theme has no '{key}:' section")
        sections = {name: self.fields((name,), self.mapping((name,), data.get(name, {}), "a mapping"),
                                      schema, required=schema)
                    for name, schema in SECTIONS.items() if name in data}
        colors = dict(self.mapping(("colors",), data.get("colors", {}), "a mapping"))
        for name, value in colors.items():  # a bad value is reported once, not at every use
            _, problem = _hex(value)
            if problem:
                self.error(("colors", name), "theme.colour", f"colour '{name}' {problem}")
        own_styles = {name: self.fields(("styles", name), self.mapping(("styles", name), spec or {}, "a mapping"),
                                        STYLE_FIELDS)
                      for name, spec in self.mapping(("styles",), data.get("styles", {}), "a mapping").items()}
        boxes = {name: self.fields(("boxes", name), self.mapping(("boxes", name), spec, "a mapping"),
                                   BOX_FIELDS, BOX_REQUIRED)
                 for name, spec in self.mapping(("boxes",), data.get("boxes", {}), "a mapping").items()}
        self.names_exist(("colors",), "colour", colors, REQUIRED_COLORS, "colors" in data)
        self.names_exist(("styles",), "style", own_styles, REQUIRED_STYLES, "styles" in data)
        self.names_exist(("boxes",), "box", boxes, REQUIRED_BOXES, "boxes" in data)
        for path, kind, value in self.refs:
            self.reference(path, kind, value, colors, own_styles)
        styles = self.inherit(own_styles)
        if self.min_size:
            self.check_min_size(styles)
        if self.collector.errors:
            return None
        return self.build(sections, colors, styles, boxes)

    def names_exist(self, path: Path_, kind: str, names: Mapping[str, Any], required: Iterable[str],
                    present: bool) -> None:
        for name in required:
            if present and name not in names:
                self.error(path, "theme.missing", f"the theme needs a {kind} named '{name}'")

    def reference(self, path: Path_, kind: str, value: Any, colors: Mapping[str, str],
                  styles: Mapping[str, Any]) -> None:
        if kind == STYLE_REF:
            if value not in styles:
                self.error(path, "theme.reference", f"{self.name(path)} names the style {_shown(value)}, "
                           f"which does not exist{_suggest(str(value), styles)}")
            return
        if isinstance(value, str) and (value in colors or HEX.fullmatch(value)):
            return
        if value is None or (isinstance(value, str) and value.startswith("#")):
            _, problem = _hex(value)
            self.error(path, "theme.colour", f"{self.name(path)} {problem}")
        else:
            self.error(path, "theme.reference", f"{self.name(path)} names the colour {_shown(value)}, which is "
                       f"not in colors: and not \"#rrggbb\"{_suggest(str(value), colors)}")

    def inherit(self, own: Mapping[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
        resolved: dict[str, dict[str, Any]] = {}
        reported: set[frozenset[str]] = set()

        def resolve(name: str, chain: tuple[str, ...]) -> dict[str, Any]:
            if name in resolved:
                return resolved[name]
            if name in chain:
                cycle = chain[chain.index(name):]
                if frozenset(cycle) not in reported:
                    reported.add(frozenset(cycle))
                    self.error(("styles", cycle[0], "parent"), "theme.cycle",
                               f"style '{cycle[0]}' inherits from itself: {' -> '.join((*cycle, name))}; "
                               "remove one of these parents")
                return {}
            spec = dict(own.get(name, {}))
            parent = spec.pop("parent", None)
            inherited = resolve(parent, (*chain, name)) if parent in own else {}
            resolved[name] = {**inherited, **spec}
            return resolved[name]

        for name in own:
            resolve(name, ())
        return resolved

    def check_min_size(self, styles: Mapping[str, dict[str, Any]]) -> None:
        """Every style at `min_size` or more (large print), reported where its size is written."""
        data = self.layer.data.get("styles", {})
        for name, spec in styles.items():
            size = spec.get("size", TextStyle.size)
            if size >= self.min_size:
                continue
            origin, seen = name, set()
            while origin not in seen and "size" not in (data.get(origin) or {}):
                seen.add(origin)
                origin = (data.get(origin) or {}).get("parent") or origin
            self.error(("styles", origin, "size"), "theme.large-print",
                       f"style '{name}' prints at {size:g} pt in large print; large print needs every text "
                       f"at {self.min_size:g} pt or more: set its size in theme.{LARGE_PRINT}.yaml")

    def build(self, sections: dict[str, dict[str, Any]], colors: dict[str, str],
              styles: dict[str, dict[str, Any]], boxes: dict[str, dict[str, Any]]) -> ResolvedTheme:
        def color(value: str | None) -> str | None:
            return None if value is None else colors.get(value, value)

        text_styles = {}
        for name, spec in styles.items():
            values = dict(spec)
            values["color"] = color(values.get("color", "ink"))
            size = values.get("size", TextStyle.size)
            values.setdefault("leading", size * 1.5)
            text_styles[name] = TextStyle(name=name, **values)
        return ResolvedTheme(
            page=Page(**sections["page"]), fonts=Fonts(**sections["fonts"]), colors=colors,
            styles=text_styles,
            boxes={name: Box(**{**spec, "background": color(spec.get("background")), "bar": color(spec.get("bar")),
                                "bar_width": spec.get("bar_width", 0.0)})
                   for name, spec in boxes.items()},
            lists=Lists(**sections["lists"]),
            tables=Tables(**{**sections["tables"], "grid": color(sections["tables"]["grid"])}),
            masthead=Masthead(**sections["masthead"]),
        )


def validate(layer: Layer, collector: Collector, min_size: float = 0) -> ResolvedTheme | None:
    """Check every key, value and reference; None (with errors collected) if anything is wrong."""
    own = Collector()
    result = _Validator(layer, own, min_size).run()
    collector.extend(own.diagnostics)
    return result


# --- the theme a library holds ------------------------------------------------------


@dataclass(frozen=True, eq=False)
class ThemeSource:
    """The read theme: the merged base layer and overlays by name, validated; resolves on demand."""

    base: Layer
    overlays: Mapping[str, Layer]
    _resolved: dict[tuple[bool, str | None], ResolvedTheme] = field(default_factory=dict, repr=False)

    def where(self, *path: str) -> SourceSpan | None:
        """The file and line that set a value of the base theme, e.g. where("styles", "body", "color")."""
        return self.base.where(*path)

    def resolve(self, large_print: bool = False, accent: str | None = None) -> ResolvedTheme:
        """The theme with the large-print overlay and the clinic's accent laid on, as asked."""
        key = (large_print, accent)
        if key not in self._resolved:
            layer = self.base
            if large_print:
                layer = merge(layer, self.overlays.get(LARGE_PRINT, EMPTY))
            if accent:
                layer = merge(layer, Layer({"colors": {"accent": accent}},
                                           {("colors", "accent"): SourceSpan("accent_colour")}))
            collector = Collector()
            theme = validate(layer, collector)
            collector.raise_if_errors()
            if theme is None:  # pragma: no cover - validate reports why
                raise ContentError([])
            self._resolved[key] = theme
        return self._resolved[key]


def read_layers(layers: Iterable[tuple[str, Layer]], collector: Collector) -> ThemeSource | None:
    """Stack (overlay name or '', layer) in folder order and validate the base and every overlay."""
    base, overlays = EMPTY, dict[str, Any]()
    for name, layer in layers:
        if name:
            overlays[name] = merge(overlays.get(name, EMPTY), layer)
        else:
            base = merge(base, layer)
    if not base.data:
        collector.error(None, "theme.missing", "no theme.yaml in any templates folder")
        return None
    before = len(collector.errors)
    validate(base, collector)
    for name, overlay in overlays.items():
        if name != LARGE_PRINT:
            for path in overlay.spans:
                collector.error(overlay.spans[path], "theme.unknown-overlay",
                                f"unknown theme overlay 'theme.{name}.yaml'; the overlay is theme.{LARGE_PRINT}.yaml")
                break
    layered = merge(base, overlays.get(LARGE_PRINT, EMPTY))
    validate(layered, collector, MIN_LARGE_PRINT_SIZE)  # the base's own problems are reported once
    if len(collector.errors) > before:
        return None
    source = ThemeSource(base, overlays)
    return source
