"""The clinic profile (TOML): who publishes the handouts and how they look.

Read once, validated field by field, with the logo loaded into memory so that
the renderer never opens a file.
"""

from __future__ import annotations

import io
import re
import tomllib
from pathlib import Path
from typing import Any

from . import inputs
from .colours import WHITE, contrast, hex_to_rgb
from .errors import Collector, ContentError, SourceSpan, display_path
from .model import Clinic, PageSize

PROFILE_NAME = "handouts.toml"
TEXT_FIELDS = ("name", "department", "address", "phone", "email", "website", "feedback",
               "alternative_formats", "base_url", "emergency_number")
FIELDS = (*TEXT_FIELDS, "logo", "accent_colour", "default_language", "default_page_size", "log",
          "require_approval", "approvals", "token")
# Settings that say who the clinic is: a profile still holding init's example values is refused.
IDENTITY_FIELDS = ("name", "department", "address", "phone", "email", "website", "base_url")
MIN_ACCENT_CONTRAST = 4.5
# The most characters each setting may hold. Every shipped handout is checked within its page
# limits under a profile that fills them all (`worst_case`), so no valid profile can push a
# handout past its pages. Real NHS names fit: "Great North Children's Hospital, Newcastle upon
# Tyne Hospitals NHS Foundation Trust" is 84 characters.
MAX_LENGTH = {"name": 90, "department": 60, "address": 120, "phone": 40, "email": 80, "website": 100,
              "feedback": 100, "alternative_formats": 100, "base_url": 100, "emergency_number": 20}
LANGUAGE_TABLE = re.compile(r"[a-z]{2}")  # [fr]: the clinic's wording for handouts in French
LANGUAGE_FIELDS = ("name", "department", "address", "feedback", "alternative_formats")
MAX_BASE_URL = MAX_LENGTH["base_url"]  # leaves room for /<lang>/<audience>/<topic> in a QR code
WORST_CASE_WORDS = {  # realistic words, repeated to each setting's limit
    "name": "Great North Children's Hospital, Newcastle upon Tyne Hospitals NHS Foundation Trust",
    "department": "Paediatric Dermatology, Allergy and Clinical Immunology",
    "address": "Great North Children's Hospital, Royal Victoria Infirmary, Queen Victoria Road, "
               "Newcastle upon Tyne, Tyne and Wear NE1 4LP, United Kingdom",
    "phone": "+44 (0)191 233 6161 extension 25012",
    "email": "nuth.paediatric.dermatology.secretaries@newcastle-hospitals.nhs.uk",
    "website": "https://www.newcastle-hospitals.nhs.uk/services/childrens-services/paediatric-dermatology",
    "feedback": "Tell us what you think of this leaflet: ask the team for a feedback card, or contact PALS.",
    "alternative_formats": "This leaflet is available in large print, Braille, audio and other languages "
                           "on request.",
    "base_url": "https://www.newcastle-hospitals.nhs.uk/services/childrens-services/dermatology/leaflets",
    "emergency_number": "999",
}
MIN_TOKEN_LENGTH = 16  # the front desk's access token (`handouts serve --host` beyond this computer)

EXAMPLE = '''\
# handouts clinic profile. Every handout you build with this file carries these
# details. Save it as handouts.toml in the folder you build from, or pass it
# with --clinic FILE. Text prints exactly as you type it.

# Your clinic's name, printed at the top of every page.
name = "Riverside Children's Skin Clinic"
# Optional: the team or department.
department = "Paediatric dermatology"
address = "Riverside Hospital, 1 River Road, Leeds LS1 4AB"
phone = "0113 496 0000"
email = "skin.clinic@riverside.example"
website = "https://riverside.example/skin"
# The number to call in an emergency, printed in every "When to get help" box.
emergency_number = "999"

# A PNG or JPEG file, relative to this profile; it is scaled to fit.
# logo = "logo.png"

# The colour of headings and box edges. It must be dark enough to read on white
# (contrast at least 4.5:1); handouts refuses a colour that is too light.
accent_colour = "#1c4a73"

default_language = "en"
default_page_size = "a4"   # or "letter"

# How readers can comment, and how they can ask for another format.
feedback = "Tell us what you think of this handout: ask at reception or email us."
alternative_formats = "Ask us for this handout in large print or in another language."

# Where the online copies live. Each handout gets a QR code that links to
# <base_url>/<language>/<audience>/<topic>. Leave it out for no QR code.
# base_url = "https://riverside.example/handouts"

# Where `handouts log` and `handouts give` record what was handed out (no personal data).
log = "handouts-log.sqlite"

# Build only handouts a clinician at your clinic has approved, as they read now
# (see `handouts approve`). Approvals are kept in a plain text file beside this
# profile; keep it under version control with the profile.
require_approval = true
approvals = "approvals.toml"

# The front desk (`handouts serve`) answers only this computer unless started with
# --host; on any other address it asks for this token (16 characters or more).
# Without one, `handouts serve --host ... --new-token` makes one for that run.
# token = "..."

# Handouts in French or Spanish can carry your own wording in that language:
# a table per language, holding any of name, department, address, feedback
# and alternative_formats (the rest stays as above). Keep these tables last.
# [fr]
# feedback = "Donnez-nous votre avis : demandez à l'accueil."
# [es]
# feedback = "Denos su opinión en recepción."
'''


def _key_lines(text: str) -> dict[str, int]:
    lines: dict[str, int] = {}
    for number, line in enumerate(text.split("\n"), start=1):
        match = re.match(r"\s*([A-Za-z_][\w-]*)\s*=", line)
        if match:
            lines.setdefault(match.group(1), number)
    return lines


def _decode_error_line(error: tomllib.TOMLDecodeError) -> tuple[int, str]:
    match = re.search(r"\(at line (\d+), column \d+\)", str(error))
    reason = re.sub(r"\s*\(at line.*\)", "", str(error))
    return (int(match.group(1)) if match else 1), reason


def relative_luminance_contrast(hex_colour: str) -> float:
    return contrast(hex_to_rgb(hex_colour), WHITE)


def _logo(path: Path, span: SourceSpan, collector: Collector) -> bytes | None:
    try:
        data = inputs.read_bytes(path, "logo")
    except inputs.InputProblem as problem:
        collector.error(span, "clinic.logo", f"the logo {path}: {problem.message}; "
                        "the path is relative to the profile")
        return None
    from PIL import Image, UnidentifiedImageError  # noqa: PLC0415 - Pillow comes with ReportLab

    limit, Image.MAX_IMAGE_PIXELS = Image.MAX_IMAGE_PIXELS, None  # we decide, from the header, below
    try:
        with Image.open(io.BytesIO(data)) as image:  # reads the header only
            image_format = image.format
            width, height = image.size
            if width * height > inputs.MAX_LOGO_PIXELS:
                collector.error(span, "clinic.logo",
                                f"the logo {path.name} is {width} x {height} pixels, over the limit of "
                                f"{inputs.MAX_LOGO_PIXELS // 1_000_000} million; save it smaller "
                                "(1000 pixels across is plenty for print)")
                return None
            image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        collector.error(span, "clinic.logo", f"the logo {path.name} is not a readable PNG or JPEG image; "
                        "export it again as PNG or JPEG")
        return None
    finally:
        Image.MAX_IMAGE_PIXELS = limit
    if image_format not in ("PNG", "JPEG"):
        collector.error(span, "clinic.logo", f"the logo is a {image_format} image; use PNG or JPEG")
        return None
    return data


def read_clinic(path: Path) -> Clinic:
    """Read and check a clinic profile; raise ContentError naming every problem."""
    collector = Collector()
    shown = display_path(path)
    try:
        text = inputs.read_text(path, "profile")
    except inputs.InputProblem as problem:
        raise ContentError([_diag(shown, problem.line, problem.code,
                                  f"cannot read the clinic profile: {problem.message}")]) from None
    try:
        data: dict[str, Any] = tomllib.loads(text)
    except RecursionError:
        raise ContentError([_diag(shown, 1, "clinic.toml", "this is not a clinic profile: its values "
                                  "are nested far too deep")]) from None
    except tomllib.TOMLDecodeError as error:
        line, reason = _decode_error_line(error)
        raise ContentError([_diag(shown, line, "clinic.toml",
                                  f"this is not valid TOML ({reason}); text values need \"quotes\"")]) from None
    lines = _key_lines(text)

    def span(key: str) -> SourceSpan:
        return SourceSpan(shown, lines.get(key, 1))

    for key in data.keys() - set(FIELDS):
        if not (LANGUAGE_TABLE.fullmatch(key) and isinstance(data[key], dict)):
            collector.error(span(key), "clinic.unknown-field",
                            f"unknown setting '{key}'; the settings are: {', '.join(FIELDS)}, and tables "
                            f"such as [fr] holding {', '.join(LANGUAGE_FIELDS)} in that language")
    for key in (*TEXT_FIELDS, "logo", "accent_colour", "default_language", "default_page_size", "log",
                "approvals", "token"):
        if key in data and not isinstance(data[key], str):
            collector.error(span(key), "clinic.type", f"'{key}' should be text in \"quotes\"")
    if not isinstance(data.get("require_approval", False), bool):
        collector.error(span("require_approval"), "clinic.type", "'require_approval' should be true or false")
    example = tomllib.loads(EXAMPLE.replace("# base_url", "base_url"))
    for key in IDENTITY_FIELDS:
        if key in data and data[key] == example.get(key):
            collector.error(span(key), "clinic.example-value",
                            f"'{key}' still holds the example value from 'handouts init' ({example[key]}); "
                            "change it to your clinic's, or delete the line")
    if not str(data.get("name", "")).strip():
        collector.error(span("name"), "clinic.name", "the profile needs name = \"Your clinic's name\"")
    accent = data.get("accent_colour")
    if isinstance(accent, str):
        if not re.fullmatch(r"#[0-9a-fA-F]{6}", accent):
            collector.error(span("accent_colour"), "clinic.accent",
                            f"accent_colour '{accent}' should look like \"#1c4a73\"")
        elif (ratio := relative_luminance_contrast(accent)) < MIN_ACCENT_CONTRAST:
            collector.error(span("accent_colour"), "clinic.accent",
                            f"accent_colour {accent} has contrast {ratio:.1f}:1 on white, under "
                            f"{MIN_ACCENT_CONTRAST}:1, so text in it would be hard to read; choose a darker colour")
    language = data.get("default_language")
    if isinstance(language, str) and not re.fullmatch(r"[a-z]{2}", language):
        collector.error(span("default_language"), "clinic.language",
                        f"default_language {language!r} should be a two-letter code such as \"en\"")
    page_size = data.get("default_page_size", "a4")
    if page_size not in {p.value for p in PageSize}:
        collector.error(span("default_page_size"), "clinic.page-size", "default_page_size must be \"a4\" or \"letter\"")
    for key in TEXT_FIELDS:
        _check_text(key, data.get(key), span(key), collector)
    in_languages = _language_tables(data, text, shown, collector)
    raw_url = data.get("base_url", "")
    base_url = raw_url.rstrip("/") if isinstance(raw_url, str) else ""
    if base_url and not re.fullmatch(r"https?://[^\s/]+(/\S*)?", base_url):
        collector.error(span("base_url"), "clinic.base-url",
                        "base_url must start with https:// or http:// and hold no spaces or line breaks")
    elif len(base_url) > MAX_BASE_URL:
        collector.error(span("base_url"), "clinic.base-url",
                        f"base_url is {len(base_url)} characters; a QR code that prints well holds a link of "
                        f"at most {MAX_BASE_URL}, so use a shorter address")
    token = data.get("token", "")
    if isinstance(token, str) and token and (len(token) < MIN_TOKEN_LENGTH or not token.isprintable() or " " in token):
        collector.error(span("token"), "clinic.token",
                        f"token must be at least {MIN_TOKEN_LENGTH} characters with no spaces; make one with: "
                        "python3 -c \"import secrets; print(secrets.token_urlsafe(24))\"")
    logo = None
    if isinstance(data.get("logo"), str):
        logo = _logo(path.parent / data["logo"], span("logo"), collector)
    collector.raise_if_errors()
    return Clinic(
        **{key: str(data.get(key, "")).strip() for key in TEXT_FIELDS if key != "base_url"},
        base_url=base_url, logo=logo, accent=accent,
        default_language=str(data.get("default_language", "en")),
        default_page_size=PageSize(page_size),
        log_path=str(path.parent / data["log"]) if isinstance(data.get("log"), str) else None,
        source=shown, field_lines=dict(lines),
        require_approval=data.get("require_approval") is True,
        approvals_path=str(path.parent / data.get("approvals", "approvals.toml")),
        token=token if isinstance(token, str) else "",
        in_languages=in_languages,
    )


def _check_text(key: str, value: Any, span: SourceSpan, collector: Collector, shown_key: str = "") -> None:
    """A text setting prints: no control characters, and no longer than the page has room for."""
    shown_key = shown_key or key
    # a line break or tab (an address typed on two lines) prints as a space; other control
    # characters cannot print at all, and the base URL must be one line to make a QR code
    control = r"[\x00-\x1f\x7f-\x9f\u2028\u2029]" if key == "base_url" else r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]"
    if isinstance(value, str) and (bad := re.search(control, value)):
        collector.error(span, "clinic.control-character",
                        f"'{shown_key}' holds a control character (U+{ord(bad.group()):04X}), which cannot be "
                        "printed; remove it")
    elif isinstance(value, str) and key != "base_url" and len(value.strip()) > MAX_LENGTH[key]:
        collector.error(span, "clinic.too-long",
                        f"'{shown_key}' is {len(value.strip())} characters; handouts print at most "
                        f"{MAX_LENGTH[key]} here, so shorten it")


def _language_tables(data: dict[str, Any], text: str, shown: str,
                     collector: Collector) -> tuple[tuple[str, tuple[tuple[str, str], ...]], ...]:
    """`[fr]`-style tables: the clinic's own wording for handouts in that language."""
    found = []
    for language, table in sorted(data.items()):
        if not (LANGUAGE_TABLE.fullmatch(language) and isinstance(table, dict)):
            continue
        header = re.search(rf"^[ \t]*\[[ \t]*{language}[ \t]*\]", text, re.M)
        span = SourceSpan(shown, text.count("\n", 0, header.start()) + 1 if header else 1)
        for key in table.keys() - set(LANGUAGE_FIELDS):
            collector.error(span, "clinic.language-field",
                            f"'[{language}] {key}': only {', '.join(LANGUAGE_FIELDS)} can differ by language")
        for key, value in table.items():
            if key in LANGUAGE_FIELDS and not isinstance(value, str):
                collector.error(span, "clinic.type", f"'[{language}] {key}' should be text in \"quotes\"")
            elif key in LANGUAGE_FIELDS:
                _check_text(key, value, span, collector, f"[{language}] {key}")
        found.append((language, tuple((key, " ".join(str(value).split())) for key, value in sorted(table.items())
                                      if key in LANGUAGE_FIELDS and isinstance(value, str) and value.strip())))
    return tuple(found)


def worst_case(logo: bytes) -> Clinic:
    """A profile with every setting as long as a profile may make it, and `logo`."""
    def filled(key: str) -> str:
        words = WORST_CASE_WORDS[key]
        if key not in ("name", "department", "address", "feedback", "alternative_formats"):
            return words[:MAX_LENGTH[key]]  # a number or an address is as long as a real one, not longer
        text = " ".join([words] * (MAX_LENGTH[key] // len(words) + 1))[:MAX_LENGTH[key] + 1]
        return text.rsplit(" ", 1)[0] if len(text) > MAX_LENGTH[key] else text

    fields: dict[str, Any] = {key: filled(key) for key in TEXT_FIELDS if key != "base_url"}
    return Clinic(**fields, base_url=WORST_CASE_WORDS["base_url"][:MAX_LENGTH["base_url"]], logo=logo)


def glyph_problems(clinic: Clinic | None, missing_glyphs) -> list:
    """Characters of the clinic's settings that the handout font cannot draw, on the profile's lines."""
    problems: list = []
    if clinic is None:
        return problems
    texts = [(key, getattr(clinic, key, "") or "") for key in TEXT_FIELDS]
    texts += [(f"[{language}] {key}", value) for language, own in clinic.in_languages for key, value in own]
    for key, value in texts:
        missing = missing_glyphs(value)
        if missing:
            shown = ", ".join(f"'{c}' (U+{ord(c):04X})" for c in sorted(missing))
            problems.append(_diag(clinic.source, clinic.field_lines.get(key, 0), "clinic.missing-glyph",
                                  f"the font cannot draw {shown} in '{key}'; replace it with a plain character"))
    return problems


def _diag(path: str, line: int, code: str, message: str):
    from .errors import Diagnostic  # noqa: PLC0415

    return Diagnostic(SourceSpan(path, line), code, message)


def find_profile(explicit: Path | None, folder: Path | None = None) -> Path | None:
    """The profile named with --clinic, else handouts.toml in the working folder."""
    if explicit is not None:
        return explicit
    candidate = (folder or Path.cwd()) / PROFILE_NAME
    return candidate if candidate.is_file() else None
