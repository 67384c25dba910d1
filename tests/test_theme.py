"""The theme as a validated input: errors name theme.yaml:line, overlays are data."""

from pathlib import Path

import pypdf
import pytest

from handouts.errors import Collector
from handouts.html import stylesheet
from handouts.library import load_library, read_theme, shipped_dir

from .conftest import files_under


def theme_folder(tmp_path: Path, text: str, name: str = "theme.yaml") -> Path:
    templates = tmp_path / "templates"
    templates.mkdir(exist_ok=True)
    (templates / name).write_text(text)
    return templates


def build(cli, content, tmp_path, templates, *args):
    out = tmp_path / "out"
    result = cli("build", "--content", content, "--templates", templates, "-t", "mini", "-o", out, *args)
    return result, out


@pytest.mark.parametrize("theme, line, expected", [
    ("styles:\n  body: {size: 0}\n", 2,
     "style 'body' size is 0; it must be more than 0 [theme.value]"),
    ("page:\n  margin: 200\n", 2, "page.margin is 200; it must be at most 40 [theme.value]"),
    ("tables:\n  padding: 900\n", 2, "tables.padding is 900; it must be at most 20 [theme.value]"),
    ("styles:\n  body: {size: big}\n", 2, "style 'body' size should be a number, not 'big' [theme.value]"),
    ("page:\n  margin: 16\n  heder_height: 8\n", 3,
     "unknown key 'heder_height' in page; did you mean 'header_height'? [theme.unknown-key]"),
    ("styles:\n  body: {sise: 15}\n", 2,
     "unknown key 'sise' in style 'body'; did you mean 'size'? [theme.unknown-key]"),
    ("pagee:\n  margin: 16\n", 1, "unknown key 'pagee' in the theme; did you mean 'page'? [theme.unknown-key]"),
    ("styles:\n  heading.3: {parent: bodyy}\n", 2,
     "style 'heading.3' parent names the style 'bodyy', which does not exist; did you mean 'body'? "
     "[theme.reference]"),
    ("\nstyles:\n  body: {parent: small}\n", 3,
     "style 'body' inherits from itself: body -> small -> body; remove one of these parents [theme.cycle]"),
    ('colors:\n  ink: "#12345"\n', 2,
     "colour 'ink' is '#12345'; a colour is written \"#rrggbb\", e.g. \"#1a1a1a\" [theme.colour]"),
    ("colors:\n  ink: #1a1a1a\n", 2, "colour 'ink' is empty; write the colour in quotes"),
    ("styles:\n  body: {color: inc}\n", 2,
     "style 'body' color names the colour 'inc', which is not in colors: and not \"#rrggbb\"; "
     "did you mean 'ink'? [theme.reference]"),
    ("boxes:\n  know: {title: box.titel}\n", 2,
     "box 'know' title names the style 'box.titel', which does not exist; did you mean 'box.title'? "
     "[theme.reference]"),
    ("boxes:\n  know: {background: know.backgrond}\n", 2,
     "did you mean 'know.background'? [theme.reference]"),
    ("styles:\n  small: {font: boldd}\n", 2,
     "style 'small' font is 'boldd'; use regular or bold or italic or bold_italic [theme.value]"),
    ("fonts:\n  bold: Verra.ttf\n", 2,
     "fonts.bold 'Verra.ttf' is not a font shipped with ReportLab; did you mean 'Vera.ttf'? [theme.value]"),
    ("large_print:\n  scale: 2\n", 1, "large print is now the overlay theme.large-print.yaml"),
    ("styles:\n  body: {size: 15}\n  body: {size: 16}\n", 3,
     "'body' is given twice (first on line 2); keep one [yaml.duplicate-key]"),
    ("styles:\n  body: {size: 15\n", 3, "this is not valid YAML"),
])
def test_bad_theme_value_exits_1_naming_theme_yaml_line(cli, content, tmp_path, theme, line, expected):
    templates = theme_folder(tmp_path, theme)
    result, out = build(cli, content, tmp_path, templates)
    assert result.exit_code == 1, result.output
    assert f"templates/theme.yaml:{line}: error: " in result.output and expected in result.output, result.output
    assert str(shipped_dir("templates")) not in result.output  # the clinic's layer is named, not the shipped one
    assert "Traceback" not in result.output and "internal error" not in result.output
    assert files_under(out) == []


def test_every_theme_error_is_reported_at_once(cli, content, tmp_path):
    templates = theme_folder(tmp_path, "styles:\n  body: {size: -1}\n  small: {colr: ink}\n"
                                       "boxes:\n  note: {bar_width: wide}\n")
    result, _ = build(cli, content, tmp_path, templates)
    lines = [line for line in result.output.splitlines() if ": error: " in line]
    assert result.exit_code == 1
    assert [line.split(": error:")[0].rsplit(":", 1)[1] for line in lines] == ["2", "3", "5"], lines


def test_a_full_copy_of_the_theme_names_the_line_of_the_bad_value(cli, content, tmp_path):
    shipped = (shipped_dir("templates") / "theme.yaml").read_text()
    bad = shipped.replace("  heading.2:     {parent: body,", "  heading.2:     {parent: heading.2,")
    line = next(n for n, text in enumerate(bad.splitlines(), start=1) if text.startswith("  heading.2:"))
    result, _ = build(cli, content, tmp_path, theme_folder(tmp_path, bad))
    assert result.exit_code == 1
    assert f"theme.yaml:{line}: error: style 'heading.2' inherits from itself" in result.output, result.output


def test_an_error_names_the_layer_that_holds_the_bad_value(cli, content, tmp_path):
    """Two clinic folders laid over the shipped theme: the error names the one that holds it."""
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir(), second.mkdir()
    (first / "theme.yaml").write_text("# house colours\ncolors:\n  ink: \"#0000zz\"\n")
    (second / "theme.yaml").write_text("styles:\n  body: {size: 15}\n")
    out = tmp_path / "out"
    result = cli("build", "--content", content, "--templates", first, "--templates", second,
                 "-t", "mini", "-o", out)
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if ": error: " in line]
    assert len(errors) == 1 and errors[0].startswith(f"{first}/theme.yaml:3: error: colour 'ink'"), errors
    (first / "theme.yaml").write_text('colors:\n  ink: "#000000"\n')
    (second / "theme.yaml").write_text('colors:\n  ink: "black"\n')  # the later layer's value wins
    result = cli("build", "--content", content, "--templates", first, "--templates", second,
                 "-t", "mini", "-o", out)
    assert f"{second}/theme.yaml:2: error: colour 'ink' is 'black'" in result.output, result.output


def test_large_print_overlay_errors_name_the_overlay_file(cli, content, tmp_path):
    templates = theme_folder(tmp_path, "styles:\n  footer: {size: 12, sise: 3}\n", "theme.large-print.yaml")
    result, _ = build(cli, content, tmp_path, templates, "--large-print")
    assert result.exit_code == 1
    assert ("templates/theme.large-print.yaml:2: error: unknown key 'sise' in style 'footer'; "
            "did you mean 'size'?") in result.output, result.output
    assert ("templates/theme.large-print.yaml:2: error: style 'footer' prints at 12 pt in large print; "
            "large print needs every text at 16 pt or more") in result.output


def test_a_new_style_needs_a_large_print_size(cli, content, tmp_path):
    """A clinic's small style would slip under 16 pt in large print: refused where it is written."""
    templates = theme_folder(tmp_path, "styles:\n  tiny: {parent: body, size: 11}\n")
    result, _ = build(cli, content, tmp_path, templates)
    assert result.exit_code == 1
    assert ("templates/theme.yaml:2: error: style 'tiny' prints at 11 pt in large print"
            in result.output), result.output


def test_a_clinic_theme_changes_only_what_it_names(content, tmp_path):
    templates = theme_folder(tmp_path, 'colors:\n  ink: "#000000"\nstyles:\n  body: {size: 15}\n')
    theme = load_library([content], [templates], shipped_content=False).theme.resolve()
    assert theme.colors["ink"] == "#000000" and theme.styles["body"].color == "#000000"
    assert theme.styles["body"].size == 15 and theme.styles["body"].leading == 21  # leading kept
    assert theme.styles["box.body"].size == 15  # inherits from body
    assert theme.colors["accent"] == "#1c4a73" and theme.styles["heading.1"].size == 24


def test_overlays_are_stacked_as_data():
    collector = Collector()
    source = read_theme([shipped_dir("templates")], collector)
    assert source is not None and not collector.errors
    base, large = source.resolve(), source.resolve(large_print=True)
    accent = source.resolve(large_print=True, accent="#5a2d82")
    assert (base.styles["body"].size, large.styles["body"].size) == (14, 18)
    assert min(style.size for style in large.styles.values()) >= 16
    assert base.styles["heading.1"].color == large.styles["heading.1"].color == "#1c4a73"
    assert accent.styles["heading.1"].color == accent.boxes["main"].bar == "#5a2d82"
    assert accent.styles["heading.1"].size == large.styles["heading.1"].size
    assert source.resolve() is base  # resolved once


def character_sizes(path: Path) -> list[tuple[float, str]]:
    """(printed size, text) of every run of text on every page, as pypdf reads it."""
    runs = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            scale = (tm[0] ** 2 + tm[1] ** 2) ** 0.5 * (cm[0] ** 2 + cm[1] ** 2) ** 0.5
            runs.append((round(size * scale, 2), text.strip()))

    for page in pypdf.PdfReader(path).pages:
        page.extract_text(visitor_text=visit)
    return runs


def test_large_print_has_no_text_under_16_pt(cli, content, tmp_path):
    out = tmp_path / "out"
    result = cli("build", "--content", content, "-t", "mini", "-a", "parents", "--large-print", "-o", out)
    assert result.exit_code == 0, result.output
    runs = character_sizes(out / "en" / "parents" / "mini-large-print.pdf")
    small = [(size, text) for size, text in runs if size < 16]
    assert small == []
    text = " ".join(text for _, text in runs)
    for furniture in ("Large print", "Page 1 of", "References"):  # footer, page label, reference list
        assert furniture in text, furniture
    sizes = {size for size, _ in runs}
    assert 18 in sizes and 16 in sizes  # body at 18 pt; footer, header, references at 16 pt
    reference_sizes = {size for size, text in runs if text.startswith("1.") or "Cochrane" in text}
    assert reference_sizes and min(reference_sizes) >= 16


def test_the_web_stylesheet_reads_the_resolved_theme(content, tmp_path):
    templates = theme_folder(tmp_path, 'colors:\n  muted: "#333333"\nstyles:\n  heading.2: {size: 19}\n')
    source = load_library([content], [templates], shipped_content=False).theme
    assert source.where("colors", "muted") == source.where("colors", "muted", "x")
    assert str(source.where("styles", "heading.2", "size")).endswith("templates/theme.yaml:4")
    plain, large = stylesheet(source.resolve()), stylesheet(source.resolve(large_print=True))
    accent = stylesheet(source.resolve(accent="#5a2d82"))
    assert "h2 { font-size: 19pt;" in plain and ".citation { color: #333333; }" in plain
    assert "body { font-family" in large and "font-size: 18pt; line-height: 1.50;" in large
    assert "footer p { font-size: 16pt;" in large and ".references { font-size: 16pt;" in large
    assert ".box-fine-print { background: transparent; padding: 0; border-left: 0pt solid transparent; " \
        "margin-top: 6pt; font-size: 16pt;" in large
    assert "h1 { font-size: 24pt; line-height: 1.21; font-weight: bold; color: #5a2d82;" in accent
