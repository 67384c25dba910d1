"""Read the content and template folders into a validated `Library`.

This is the only stage that reads input files. Folders are layered: the
library shipped with the package first, then each folder a clinic passes with
`--content` / `--templates`; a file in a later folder replaces the same file in
an earlier one. Every problem is collected, then reported at once.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import re
from collections.abc import Callable, Collection, Iterator, Sequence
from pathlib import Path
from typing import Any

import yaml

from . import inputs
from .errors import Collector, SourceSpan, display_path
from .model import Audience, Change, Library, Packet, Reference, TopicMeta, TopicSource, Translation
from .theme_schema import ThemeSource, layer_from_node
from .theme_schema import read_layers as read_theme_layers

TOPIC_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
LANGUAGE = re.compile(r"^[a-z]{2}$")
KINDS = ("topic", "tool", "diary")
MAX_REVIEW_CYCLE_DAYS = 3 * 366


def shipped_dir(name: str) -> Path:
    """The content or templates folder that comes with the package."""
    package = Path(__file__).resolve().parent
    installed = package / "_shipped" / name
    return installed if installed.is_dir() else package.parent / name


def is_shipped(path: str) -> bool:
    """Whether a file (as shown in messages) is one of the handouts shipped with the package."""
    shipped = display_path(shipped_dir("content"))
    return path == shipped or path.startswith(shipped.rstrip("/") + "/")


# --- YAML with line numbers ------------------------------------------------


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]  # libyaml: 10x faster
    """SafeLoader that leaves dates as text, so we can report bad ones clearly."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_yaml_mapping(text: str, path: str, collector: Collector,
                      first_line: int = 1) -> tuple[dict[str, Any], dict[str, int]] | None:
    """Parse a YAML mapping; return it with the line of each top-level key."""
    if text.startswith("\ufeff"):  # a byte-order mark some editors write
        text = text[1:]
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is not None and not _shape_ok(node, path, collector, first_line):
            return None
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = first_line + mark.line if mark else first_line
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        advice = ("a value that contains ': ' must be in quotes, or written on the next lines "
                  "after '>-'" if "mapping values" in problem
                  else "check indentation, colons and quotes")
        collector.error(SourceSpan(path, line), "yaml.syntax",
                        f"this is not valid YAML ({problem}); {advice}")
        return None
    finally:
        loader.dispose()
    if not isinstance(node, yaml.MappingNode) or not isinstance(data, dict):
        collector.error(SourceSpan(path, first_line), "yaml.not-mapping",
                        "expected 'name: value' lines here")
        return None
    lines: dict[str, int] = {}
    for key_node, _ in node.value:
        key = str(key_node.value)
        line = first_line + key_node.start_mark.line
        if key in lines:
            collector.error(SourceSpan(path, line), "yaml.duplicate-key",
                            f"'{key}' is given twice (first on line {lines[key]}); keep one")
        lines[key] = line
    return {str(k): v for k, v in data.items()}, lines


_STR_TAG = "tag:yaml.org,2002:str"


def _shape_ok(root: yaml.Node, path: str, collector: Collector, first_line: int) -> bool:
    """Refuse alias bombs, cycles, deep nesting and keys that are not text, before building anything.

    Aliases make the node tree a graph; its size with every alias expanded is
    counted with one visit per node, so a 600-byte "billion laughs" is refused
    at once instead of being expanded by whoever walks the data later.
    """
    sizes: dict[int, int] = {}
    active: set[int] = set()
    stack: list[tuple[yaml.Node, int, bool]] = [(root, 1, False)]
    while stack:
        node, depth, done = stack.pop()
        key = id(node)
        line = first_line + node.start_mark.line
        children = ([item for pair in node.value for item in pair] if isinstance(node, yaml.MappingNode)
                    else node.value if isinstance(node, yaml.SequenceNode) else [])
        if done:
            active.discard(key)
            sizes[key] = 1 + sum(sizes[id(child)] for child in children)
            if sizes[key] > inputs.MAX_YAML_NODES:
                collector.error(SourceSpan(path, line), "yaml.too-large",
                                f"this expands to over {inputs.MAX_YAML_NODES:,} values (through '*' aliases); "
                                "write the values out instead")
                return False
            continue
        if key in sizes:
            continue
        if key in active:
            collector.error(SourceSpan(path, line), "yaml.recursive", "this value contains itself (through an alias)")
            return False
        if depth > inputs.MAX_YAML_DEPTH:
            collector.error(SourceSpan(path, line), "yaml.too-deep",
                            f"values are nested more than {inputs.MAX_YAML_DEPTH} deep here; flatten them")
            return False
        if isinstance(node, yaml.MappingNode):
            seen: dict[str, int] = {}
            for key_node, _ in node.value:
                where = first_line + key_node.start_mark.line
                if node is not root and isinstance(key_node, yaml.ScalarNode) and key_node.value in seen:
                    collector.error(SourceSpan(path, where), "yaml.duplicate-key",
                                    f"'{key_node.value}' is given twice (first on line {seen[key_node.value]}); "
                                    "keep one")
                    return False
                if isinstance(key_node, yaml.ScalarNode):
                    seen.setdefault(key_node.value, where)
                if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != _STR_TAG:
                    shown = key_node.value if isinstance(key_node, yaml.ScalarNode) else "this key"
                    kind = {"bool": "true/false value", "int": "number", "float": "number",
                            "null": "empty value"}.get(key_node.tag.rsplit(":", 1)[-1], "list or mapping")
                    collector.error(SourceSpan(path, first_line + key_node.start_mark.line), "yaml.key",
                                    f"the name '{shown}' is read as a {kind}, not as text; "
                                    f"put it in quotes: \"{shown}\":")
                    return False
        active.add(key)
        stack.append((node, depth, True))
        stack.extend((child, depth + 1, False) for child in children)
    return True


def load_yaml_file(path: Path, collector: Collector) -> tuple[dict[str, Any], dict[str, int]] | None:
    text = read_text(path, collector, "yaml")
    return load_yaml_mapping(text, display_path(path), collector) if text is not None else None


def yaml_entries(path: Path, collector: Collector) -> Iterator[tuple[str, Any, SourceSpan]]:
    """(key, value, where) for each top-level entry of a YAML mapping file."""
    loaded = load_yaml_file(path, collector)
    if loaded is not None:
        entries, lines = loaded
        for key, value in entries.items():
            yield key, value, SourceSpan(display_path(path), lines[key])


def read_text(path: Path, collector: Collector, what: str = "yaml", root: Path | None = None) -> str | None:
    """The file's text, within the limits of `inputs` (by default, inside the file's own folder)."""
    try:
        return inputs.read_text(path, what, root if root is not None else path.parent)
    except inputs.InputProblem as problem:
        collector.error(SourceSpan(display_path(path), problem.line), problem.code, problem.message)
    return None


# --- topics -----------------------------------------------------------------

# name -> (python type, what to write)
FRONT_MATTER: dict[str, tuple[type | tuple[type, ...], str]] = {
    "id": (str, "the topic's folder name, e.g. 'probiotics'"),
    "kind": (str, "'topic' or 'tool'"),
    "title": (str, "the handout's title"),
    "main_message": (str, "the one-sentence main message"),
    "audiences": (list, "a list such as [parents, adults, clinicians]"),
    "language": (str, "a two-letter code matching the file name, e.g. en"),
    "version": ((str, int, float), "a version such as \"1.0\""),
    "last_reviewed": (str, "a date written YYYY-MM-DD"),
    "next_review_due": (str, "a date written YYYY-MM-DD"),
    "evidence_checked_by": (str, "who last checked the evidence against its sources, as a role, "
                            "e.g. 'the handouts editors'"),
    "references": (list, "a list of keys from references.yaml"),
    "changes": (list, "the version history: a list of entries with version, date, change and clinical"),
}
RENAMED_FRONT_MATTER = {
    "reviewer": ("evidence_checked_by", "it says who (a role) last checked the evidence against its "
                 "sources, not that a clinician approved the handout: approvals are recorded with "
                 "'handouts approve'"),
}
CHANGE_FIELDS = ("version", "date", "change", "clinical")
OPTIONAL_FRONT_MATTER: dict[str, tuple[type | tuple[type, ...], str]] = {
    "fill_in": (list, "a list of blanks to print, such as [name, date, next_appointment]"),
    "translated_from": ((str, int, float), "the version of the English file this was translated from, "
                        "such as \"2.0\""),
    "translation": (dict, "the translation's record: method, translator, translated_on, and once a "
                    "qualified medical translator has checked it, reviewer and reviewed_on"),
}
SOURCE_LANGUAGE = "en"  # every other language is translated from it
TRANSLATION_FIELDS = {"method": "how it was translated, e.g. 'drafted by the editors; not yet reviewed "
                                "by a qualified medical translator'",
                      "translator": "who translated it, as a role, e.g. 'the handouts editors'",
                      "translated_on": "the date of the translation, YYYY-MM-DD"}
TRANSLATION_REVIEW_FIELDS = {"reviewer": "who checked it, as a role, e.g. 'a qualified medical translator'",
                             "reviewed_on": "the date of that check, YYYY-MM-DD"}


def split_front_matter(text: str, path: str, collector: Collector) -> tuple[str, list[str], int] | None:
    """Return (front matter text, body lines, line number of the first body line)."""
    lines = text.split("\n")  # editors count "\n" only; splitlines() also breaks at \x1c-\x1e, \u2028...
    if not lines or lines[0].strip() != "---":
        collector.error(SourceSpan(path, 1), "front-matter.missing",
                        "a topic file must start with a '---' line, then its header, then '---'")
        return None
    for index in range(1, len(lines)):
        if lines[index].strip() == "---":
            return "\n".join(lines[1:index]), lines[index + 1 :], index + 2
    collector.error(SourceSpan(path, 1), "front-matter.unclosed",
                    "the header is never closed; add a line '---' after it")
    return None


def _date(value: Any, span: SourceSpan, name: str, collector: Collector) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        collector.error(span, "front-matter.date",
                        f"'{name}: {value}' is not a date; write it as YYYY-MM-DD, e.g. 2027-01-31")
        return None


def read_meta(data: dict[str, Any], lines: dict[str, int], path: str, folder: str,
              language: str, collector: Collector) -> TopicMeta | None:
    start = len(collector.errors)

    def span(name: str) -> SourceSpan:
        return SourceSpan(path, lines.get(name, 1))

    for name, (kind, advice) in FRONT_MATTER.items():
        if name not in data or data[name] in (None, "", []):
            collector.error(SourceSpan(path, 1), "front-matter.missing-field",
                            f"the header has no '{name}'; add '{name}:' with {advice}")
        elif not isinstance(data[name], kind) or isinstance(data[name], bool):
            collector.error(span(name), "front-matter.type", f"'{name}' should be {advice}")
    for name, (kind, advice) in OPTIONAL_FRONT_MATTER.items():
        if name in data and not isinstance(data[name], kind):
            collector.error(span(name), "front-matter.type", f"'{name}' should be {advice}")
    for name in data.keys() & RENAMED_FRONT_MATTER.keys():
        new, why = RENAMED_FRONT_MATTER[name]
        collector.error(span(name), "front-matter.renamed",
                        f"'{name}' is now called '{new}'; rename it ({why})")
    for name in data.keys() - FRONT_MATTER.keys() - OPTIONAL_FRONT_MATTER.keys() - RENAMED_FRONT_MATTER.keys():
        known = ", ".join([*FRONT_MATTER, *OPTIONAL_FRONT_MATTER])
        collector.error(span(name), "front-matter.unknown-field",
                        f"unknown header field '{name}'; the fields are: {known}")
    if len(collector.errors) > start:
        return None

    if data["id"] != folder:
        collector.error(span("id"), "front-matter.id",
                        f"id '{data['id']}' does not match its folder '{folder}'; make them the same")
    if data["language"] != language:
        collector.error(span("language"), "front-matter.language",
                        f"language '{data['language']}' does not match the file name '{language}.md'")
    if data["kind"] not in KINDS:
        collector.error(span("kind"), "front-matter.kind", "kind must be 'topic' (a handout), 'tool' (a one-page form) or 'diary' (a form of one page per week)")
    audiences = []
    for name in data["audiences"]:
        try:
            audiences.append(Audience(name))
        except ValueError:
            collector.error(span("audiences"), "front-matter.audience",
                            f"unknown audience '{name}'; use parents, adults or clinicians")
    references = data["references"]
    if not all(isinstance(key, str) for key in references):
        collector.error(span("references"), "front-matter.type",
                        "'references' should be a list of keys from references.yaml")
    last = _date(data["last_reviewed"], span("last_reviewed"), "last_reviewed", collector)
    due = _date(data["next_review_due"], span("next_review_due"), "next_review_due", collector)
    if last and due and not 0 < (due - last).days <= MAX_REVIEW_CYCLE_DAYS:
        collector.error(span("next_review_due"), "review.cycle",
                        "next_review_due must fall after last_reviewed and within 3 years of it")
    changes = _changes(data["changes"], str(data["version"]), span("changes"), collector)
    translation = _translation(data, language, span, collector)
    if len(collector.errors) > start or last is None or due is None:
        return None
    return TopicMeta(
        id=data["id"], kind=data["kind"], title=data["title"].strip(),
        main_message=" ".join(data["main_message"].split()), audiences=tuple(audiences),
        language=language, version=str(data["version"]), last_reviewed=last,
        next_review_due=due, evidence_checked_by=data["evidence_checked_by"],
        references=tuple(references), fill_in=tuple(map(str, data.get("fill_in", ()))), changes=changes,
        translation=translation, span=SourceSpan(path, 1), field_lines=dict(lines))


def _translation(data: dict[str, Any], language: str, span: Callable[[str], SourceSpan],
                 collector: Collector) -> Translation | None:
    """A translation's record; required in every language but English, refused in English."""
    if language == SOURCE_LANGUAGE:
        for name in ("translated_from", "translation"):
            if name in data:
                collector.error(span(name), "translation.source",
                                f"'{name}' belongs in a translation; {SOURCE_LANGUAGE}.md is the source, "
                                "so remove it")
        return None
    missing = [name for name in ("translated_from", "translation") if name not in data]
    if missing:
        collector.error(span("language"), "translation.missing",
                        f"a translation needs '{missing[0]}:' in its header: "
                        f"{OPTIONAL_FRONT_MATTER[missing[0]][1]}")
        return None
    record = data["translation"]
    allowed = {**TRANSLATION_FIELDS, **TRANSLATION_REVIEW_FIELDS}
    for name in record.keys() - allowed.keys():
        collector.error(span("translation"), "translation.unknown-field",
                        f"unknown field 'translation: {name}'; the fields are {', '.join(allowed)}")
    for name, advice in TRANSLATION_FIELDS.items():
        if not record.get(name):
            collector.error(span("translation"), "translation.missing-field",
                            f"'translation:' has no '{name}'; add '{name}:' with {advice}")
    if bool(record.get("reviewer")) != bool(record.get("reviewed_on")):
        collector.error(span("translation"), "translation.review",
                        "a translation's check needs both 'reviewer' and 'reviewed_on'; give both, or neither "
                        "while no qualified medical translator has checked it")
    translated_on = _date(record.get("translated_on"), span("translation"), "translated_on", collector) \
        if record.get("translated_on") else None
    reviewed_on = _date(record["reviewed_on"], span("translation"), "reviewed_on", collector) \
        if record.get("reviewed_on") else None
    if translated_on is None or any(not isinstance(record.get(n, ""), str) for n in ("method", "translator", "reviewer")):
        return None
    return Translation(source_version=str(data["translated_from"]), method=" ".join(record["method"].split()),
                       translator=record["translator"].strip(), translated_on=translated_on,
                       reviewer=str(record.get("reviewer") or "").strip(), reviewed_on=reviewed_on)


def _changes(entries: list, version: str, span: SourceSpan, collector: Collector) -> tuple[Change, ...]:
    """The `changes:` list: each entry names its version, date, what changed and whether it matters clinically."""
    example = ("e.g. '- {version: \"1.2\", date: 2027-01-31, change: New advice on bleach baths, "
               "clinical: true}'")
    changes: list[Change] = []
    for number, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict) or set(entry) != set(CHANGE_FIELDS):
            collector.error(span, "front-matter.changes",
                            f"entry {number} of 'changes' needs exactly {', '.join(CHANGE_FIELDS)}; {example}")
            continue
        if not isinstance(entry["clinical"], bool):
            collector.error(span, "front-matter.changes",
                            f"entry {number} of 'changes': 'clinical' must be true or false")
            continue
        if not isinstance(entry["change"], str) or not entry["change"].strip():
            collector.error(span, "front-matter.changes",
                            f"entry {number} of 'changes': say in 'change' what changed")
            continue
        date = _date(entry["date"], span, "date", collector)
        if date is not None:
            changes.append(Change(str(entry["version"]), date, " ".join(entry["change"].split()),
                                  entry["clinical"]))
    versions = [c.version for c in changes]
    if len(set(versions)) != len(versions):
        collector.error(span, "front-matter.changes", "a version appears twice in 'changes'; keep one entry per version")
    if changes and changes[-1].version != version:
        collector.error(span, "front-matter.changes",
                        f"the last entry of 'changes' is version {changes[-1].version}, but the topic is "
                        f"version {version}; add an entry for {version} at the end (oldest first)")
    if any(later.date < earlier.date for earlier, later in itertools.pairwise(changes)):
        collector.error(span, "front-matter.changes", "'changes' must run oldest first, with dates in order")
    return tuple(changes)


def read_topic(path: Path, collector: Collector) -> TopicSource | None:
    shown = display_path(path)
    text = read_text(path, collector, "topic", root=path.parent.parent)
    if text is None:
        return None
    split = split_front_matter(text, shown, collector)
    if split is None:
        return None
    header, body, body_start = split
    loaded = load_yaml_mapping(header, shown, collector, first_line=2)
    if loaded is None:
        return None
    meta = read_meta(*loaded, shown, path.parent.name, path.stem, collector)
    if meta is None:
        return None
    from .markup import parse_inline, parse_markdown  # noqa: PLC0415 - markdown-it only when topics are read

    return TopicSource(
        meta,
        title=parse_inline(meta.title, meta.field_span("title"), collector),
        main_message=parse_inline(meta.main_message, meta.field_span("main_message"), collector),
        blocks=parse_markdown("\n".join(body), lambda index: SourceSpan(shown, body_start + index), collector))


def discover_topics(content_dirs: Sequence[Path], collector: Collector) -> dict[tuple[str, str], TopicSource]:
    files: dict[tuple[str, str], Path] = {}
    for content_dir in content_dirs:
        for path in sorted(content_dir.glob("*/*.md")):
            folder, language = path.parent.name, path.stem
            if folder.startswith((".", "_")):
                continue
            if not TOPIC_ID.fullmatch(folder):
                collector.error(SourceSpan(display_path(path.parent)), "topic.folder-name",
                                "topic folder names use lower-case letters, digits and '-' only")
                continue
            if not LANGUAGE.fullmatch(language):
                collector.error(SourceSpan(display_path(path)), "topic.file-name",
                                "name topic files by language code, e.g. en.md or fr.md")
                continue
            files[(folder, language)] = path
    topics = {}
    for key, path in sorted(files.items()):
        topic = read_topic(path, collector)
        if topic is not None:
            topics[key] = topic
    return topics


# --- bibliography, strings, packets, theme ------------------------------------

REFERENCE_FIELDS = {"note", "authors", "year", "title", "journal", "details", "doi", "pmid",
                    "url", "confirmed", "grade"}


def read_bibliography(paths: Sequence[Path], collector: Collector) -> dict[str, Reference]:
    bibliography: dict[str, Reference] = {}
    for path in paths:
        for key, entry, span in yaml_entries(path, collector):
            if not isinstance(entry, dict):
                collector.error(span, "reference.type", f"reference '{key}' needs fields such as authors, year, journal")
                continue
            unknown = entry.keys() - REFERENCE_FIELDS
            if unknown:
                collector.error(span, "reference.unknown-field",
                                f"reference '{key}' has unknown fields {sorted(unknown)}; "
                                f"use {', '.join(sorted(REFERENCE_FIELDS))}")
                continue
            if not (entry.get("journal") or entry.get("title")):
                collector.error(span, "reference.incomplete", f"reference '{key}' needs a journal or a title")
                continue
            confirmed = entry.get("confirmed", False)
            if not isinstance(confirmed, bool):
                collector.error(span, "reference.confirmed",
                                f"reference '{key}': confirmed must be true or false without quotes, "
                                f"not {confirmed!r}")
                continue
            year = entry.get("year")
            if year is not None and (isinstance(year, bool) or not isinstance(year, (int, str))):
                collector.error(span, "reference.year", f"reference '{key}': year should be a year such as 2021")
                continue
            if any(isinstance(value, (dict, list)) for name, value in entry.items() if name != "confirmed"):
                collector.error(span, "reference.type",
                                f"reference '{key}': each field should be text, not a list or a mapping")
                continue
            values = {name: ("" if value is None else value) for name, value in entry.items()}
            values["confirmed"] = confirmed
            values["year"] = year
            values = {name: (str(value) if name not in ("confirmed", "year") else value)
                      for name, value in values.items()}
            bibliography[key] = Reference(key=key, span=span, **values)  # type: ignore[arg-type]
    return bibliography


def read_strings(content_dirs: Sequence[Path], collector: Collector) -> dict[str, dict[str, Any]]:
    strings: dict[str, dict[str, Any]] = {}
    for content_dir in content_dirs:
        for path in sorted(content_dir.glob("strings.*.yaml")):
            if not LANGUAGE.fullmatch(path.name.split(".")[1]):
                collector.error(SourceSpan(display_path(path)), "strings.file-name",
                                "name strings files strings.<language>.yaml, e.g. strings.fr.yaml")
                continue
            language = path.name.split(".")[1]
            loaded = load_yaml_file(path, collector)
            if loaded is not None and _placeholders_ok(path, *loaded, collector) \
                    and _shape_like_shipped(path, *loaded, collector):
                strings.setdefault(language, {}).update(loaded[0])
    return strings


# strings that are filled in with str.format: their name -> the names they may use
PLACEHOLDERS: dict[tuple[str, ...], frozenset[str]] = {
    ("date_format",): frozenset({"day", "month", "year"}),
    ("date_format_short",): frozenset({"day", "month", "year"}),
    ("translation_unreviewed",): frozenset({"version", "date"}),
    ("page_of",): frozenset({"page", "pages"}),
    ("footer",): frozenset({"id", "version", "last_reviewed", "next_review_due"}),
    ("packet_footer",): frozenset({"name"}),
    ("emergency",): frozenset({"number"}),
    ("about",): frozenset({"version", "last_reviewed", "next_review_due", "evidence_checked_by"}),
    ("status", "approved"): frozenset({"clinic", "name", "role", "date"}),
    ("status", "approved_packet"): frozenset({"clinic"}),
    ("status", "not_approved"): frozenset({"clinic"}),
    ("status", "overdue"): frozenset({"date"}),
    ("published_by",): frozenset({"publisher"}),
    ("translation",): frozenset({"version", "translator", "date"}),
    ("translation_reviewed",): frozenset({"reviewer", "date"}),
    ("printed_on",): frozenset({"date"}),
    ("packet_version",): frozenset({"version", "last_reviewed", "next_review_due"}),
    ("catalogue", "footer"): frozenset({"count"}),
}


def _placeholders_ok(path: Path, data: dict[str, Any], lines: dict[str, int], collector: Collector) -> bool:
    """Each fill-in string is text and uses only the {names} handouts fills in."""
    import string  # noqa: PLC0415

    start = len(collector.errors)
    for keys, allowed in PLACEHOLDERS.items():
        value: Any = data
        for key in keys:
            value = value.get(key) if isinstance(value, dict) else None
        if value is None:
            continue
        span = SourceSpan(display_path(path), lines.get(keys[0], 1))
        name = ".".join(keys)
        if not isinstance(value, str):
            collector.error(span, "strings.type", f"'{name}' should be text")
            continue
        try:
            fields = {field for _, field, spec, _ in string.Formatter().parse(value) if field is not None}
            if any(spec for _, field, spec, _ in string.Formatter().parse(value) if field is not None):
                raise ValueError("a format after ':' is not allowed")
        except ValueError as error:
            collector.error(span, "strings.placeholder",
                            f"'{name}' has a broken {{placeholder}} ({error}); write a literal brace as {{{{ or }}}}")
            continue
        unknown = sorted(fields - allowed)
        if unknown:
            collector.error(span, "strings.placeholder",
                            f"'{name}' uses {{{unknown[0]}}}, which handouts does not fill in; "
                            f"it can use {', '.join('{' + a + '}' for a in sorted(allowed))}")
    return len(collector.errors) == start


_SHIPPED_STRINGS: list[dict[str, Any]] = []


def _shipped_strings() -> dict[str, Any]:
    """The shipped English strings: the shape every strings file must keep."""
    if not _SHIPPED_STRINGS:
        loaded = load_yaml_file(shipped_dir("content") / "strings.en.yaml", Collector())
        _SHIPPED_STRINGS.append(loaded[0] if loaded else {})
    return _SHIPPED_STRINGS[0]


def _shape_problem(value: Any, model: Any, name: str) -> str | None:
    if isinstance(model, dict):
        if not isinstance(value, dict):
            return f"'{name}' should hold names with texts below it, as in the shipped strings.en.yaml"
        for key, inner in model.items():
            if key in value and (problem := _shape_problem(value[key], inner, f"{name}.{key}")):
                return problem
    elif isinstance(model, list):
        if not isinstance(value, list) or len(value) != len(model) or not all(isinstance(v, str) for v in value):
            return f"'{name}' should be a list of {len(model)} texts, as in the shipped strings.en.yaml"
    elif isinstance(model, str) and not isinstance(value, str):
        return f"'{name}' should be text"
    return None


def _shape_like_shipped(path: Path, data: dict[str, Any], lines: dict[str, int], collector: Collector) -> bool:
    """Each string keeps the kind (text, list, names) it has in the shipped strings.en.yaml."""
    model, ok = _shipped_strings(), True
    for key, value in data.items():
        if key in model and (problem := _shape_problem(value, model[key], key)):
            collector.error(SourceSpan(display_path(path), lines.get(key, 1)), "strings.type", problem)
            ok = False
    return ok


def read_packets(paths: Sequence[Path], collector: Collector) -> dict[str, Packet]:
    packets: dict[str, Packet] = {}
    for path in paths:
        for name, entry, span in yaml_entries(path, collector):
            if not TOPIC_ID.fullmatch(name):
                collector.error(span, "packet.name", f"packet name '{name}' may use only a-z, 0-9 and '-'")
                continue
            if not isinstance(entry, dict) or not {"title", "topics", "audiences"} <= entry.keys():
                collector.error(span, "packet.fields", f"packet '{name}' needs title, topics and audiences")
                continue
            title, topics, audience_names = entry["title"], entry["topics"], entry["audiences"]
            titles = title if isinstance(title, dict) else {"en": title}
            if not all(isinstance(k, str) and LANGUAGE.fullmatch(k) and isinstance(v, str) and v.strip()
                       for k, v in titles.items()) or "en" not in titles:
                collector.error(span, "packet.title",
                                f"packet '{name}': title should be text, or one text per language "
                                "such as {en: Starter pack, fr: Pochette de départ}")
                continue
            if not isinstance(topics, list) or not topics or not all(isinstance(t, str) for t in topics):
                collector.error(span, "packet.topics",
                                f"packet '{name}': topics should be a list of topic ids, such as [bathing, probiotics]")
                continue
            try:
                if not isinstance(audience_names, list):
                    raise TypeError
                audiences = tuple(Audience(a) for a in audience_names)
            except (ValueError, TypeError):
                collector.error(span, "packet.audience",
                                f"packet '{name}': audiences must be a list of parents, adults, clinicians")
                continue
            packets[name] = Packet(name, titles["en"].strip(), tuple(topics), audiences, span,
                                   tuple((k, v.strip()) for k, v in sorted(titles.items()) if k != "en"))
    return packets


def read_theme(template_dirs: Sequence[Path], collector: Collector) -> ThemeSource | None:
    """theme.yaml and its overlays (theme.<name>.yaml) from every folder, stacked and validated."""
    layers = []
    for template_dir in template_dirs:
        for path in sorted(template_dir.glob("theme*.yaml")):
            overlay = path.name[len("theme."):-len(".yaml")] if path.name != "theme.yaml" else ""
            text = read_text(path, collector)
            if text is None:
                continue
            shown = display_path(path)
            node = _theme_node(text.removeprefix("\ufeff"), shown, collector)
            if isinstance(node, yaml.MappingNode):  # nodes keep the line of every nested key
                layers.append((overlay, layer_from_node(node, shown, collector)))
            elif node is None:
                load_yaml_mapping(text, shown, collector)  # says what is wrong and where
    return read_theme_layers(layers, collector)


def _theme_node(text: str, shown: str, collector: Collector) -> yaml.Node | bool | None:
    """The theme's YAML as nodes, within the same limits as every YAML file (False: refused)."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except yaml.YAMLError:
        return None
    finally:
        loader.dispose()
    if node is not None and not _shape_ok(node, shown, collector, 1):
        return False
    return node


def existing(dirs: Sequence[Path], name: str) -> list[Path]:
    """Each folder's `name`, if anything has that name (a folder or a pipe there is refused on reading)."""
    return [d / name for d in dirs if (d / name).exists() or (d / name).is_symlink()]


def load_library(content: Sequence[Path | str] = (), templates: Sequence[Path | str] = (),
                 shipped_content: bool = True, topics: Collection[str] | None = None) -> Library:
    """Read and validate everything; raise `ContentError` listing every problem.

    `content` and `templates` folders are laid over the shipped ones; with
    `shipped_content=False` only the given content folders are read. With
    `topics`, only those topics' text is validated in depth (every file is
    still read), which keeps a build of one handout quick.
    """
    collector = Collector()
    content_dirs = [*([shipped_dir("content")] if shipped_content else []), *map(Path, content)]
    template_dirs = [shipped_dir("templates"), *map(Path, templates)]
    for folder in [*map(Path, content), *template_dirs[1:]]:
        if folder.exists() and not folder.is_dir():
            collector.error(SourceSpan(str(folder)), "folder.type",
                            "this is not a folder; point to a folder of topics or templates")
        elif not folder.is_dir():
            collector.error(SourceSpan(str(folder)), "folder.missing",
                            "this folder does not exist; check the path")
        elif not any(folder.iterdir()):
            collector.error(SourceSpan(str(folder)), "folder.empty",
                            "this folder is empty; point to a folder of topics or templates")
    collector.raise_if_errors()
    library = Library(
        topics=discover_topics(content_dirs, collector),
        bibliography=read_bibliography(existing(content_dirs, "references.yaml"), collector),
        strings=read_strings(content_dirs, collector),
        packets=read_packets(existing(content_dirs, "packets.yaml"), collector),
        theme=read_theme(template_dirs, collector),  # type: ignore[arg-type]  # None only with errors, raised below
        template_dirs=tuple(map(str, template_dirs)),
        content_dirs=tuple(map(str, content_dirs)),
    )
    if not any(next(d.glob("*/*.md"), None) for d in content_dirs):
        collector.error(SourceSpan(display_path(content_dirs[-1])), "content.empty",
                        "no topics found; each topic is a folder holding files such as en.md")
    from .validate import validate_library  # noqa: PLC0415  (validation needs the parser)

    folders = {path.parent.name for d in content_dirs for path in d.glob("*/*.md")}
    collector.extend(validate_library(library, topic_folders=folders, only=topics))
    collector.raise_if_errors()
    return dataclasses.replace(library, warnings=tuple(collector.warnings))
