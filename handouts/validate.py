"""Rules that need the whole library: references, variants, packets, strings."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from pathlib import Path

from .errors import Collector, Diagnostic, SourceSpan, display_path
from .model import Audience, Block, Heading, Library, Paragraph, Swap, TopicSource
from .tree import citations, select, select_inlines, walk_inlines


def topic_variant(topic: TopicSource, audience: Audience) -> tuple[Block, ...]:
    """The topic's whole text as one audience reads it: title, main message, then the
    body and its parts in file order."""
    meta = topic.meta
    return (Heading(1, select_inlines(topic.title, audience), meta.field_span("title")),
            Paragraph(select_inlines(topic.main_message, audience), meta.field_span("main_message")),
            *select(topic.blocks, audience))


def _swaps(topic: TopicSource, audience: Audience) -> list[tuple[Swap, SourceSpan]]:
    """The swaps one audience meets (inside `::: only` passages for it, or outside any)."""
    head = (Heading(1, topic.title, topic.meta.field_span("title")),
            Paragraph(topic.main_message, topic.meta.field_span("main_message")))
    return [(inline, span) for inline, span in walk_inlines((*head, *select(topic.blocks, audience, swaps=False)))
            if isinstance(inline, Swap)]


def check_topic(topic: TopicSource, library: Library, collector: Collector) -> None:
    meta = topic.meta
    for key in meta.references:
        if key not in library.bibliography:
            collector.error(meta.field_span("references"), "reference.unknown",
                            f"unknown reference key '{key}'; add it to references.yaml or fix the spelling")
        elif not library.bibliography[key].confirmed:
            collector.warning(meta.field_span("references"), "reference.unconfirmed",
                              f"reference '{key}' has no confirmed identifier; confirm it before relying on it")
    for audience in meta.audiences:
        for swap, span in _swaps(topic, audience):
            if audience.value not in dict(swap.choices):
                body = " | ".join(f"{name}: {words}" for name, words in swap.choices)
                collector.error(span, "swap.missing",
                                f"'{{{body}}}' has no words for {audience.value}; add "
                                f"'| {audience.value}: ...'")
    cited: set[str] = set()
    for citation, span in citations((*topic.blocks, Paragraph(topic.main_message, meta.span))):
        for key in citation.keys:
            cited.add(key)
            if key not in meta.references:
                collector.error(span, "citation.not-listed",
                                f"[@{key}] is cited but not in this topic's 'references:' list; add it there")
    for key in sorted(set(meta.references) - cited):
        collector.warning(meta.field_span("references"), "reference.uncited",
                          f"'{key}' is listed but never cited; cite it with [@{key}] or remove it")


def check_packets(library: Library, topic_folders: set[str], collector: Collector) -> None:
    for packet in library.packets.values():
        for topic_id in packet.topics:
            if topic_id not in topic_folders:
                collector.error(packet.span, "packet.topic",
                                f"packet '{packet.name}' names unknown topic '{topic_id}'")


def _missing_keys(reference: dict, table: dict, prefix: str = "") -> Iterator[str]:
    for key, value in reference.items():
        if key not in table:
            yield f"{prefix}{key}"
        elif isinstance(value, dict) and isinstance(table[key], dict):
            yield from _missing_keys(value, table[key], f"{prefix}{key}.")


def check_strings(library: Library, collector: Collector, model_language: str = "en") -> None:
    """Every translation of the strings file has every name the English one has."""
    model = library.strings.get(model_language, {})
    for language, table in sorted(library.strings.items()):
        if language == model_language:
            continue
        files = [Path(d) / f"strings.{language}.yaml" for d in library.content_dirs]
        where = display_path(next((f for f in reversed(files) if f.is_file()), files[-1]))
        for key in _missing_keys(model, table):
            collector.error(SourceSpan(where, 1), "strings.missing-key",
                            f"'{key}' is missing; copy it from strings.{model_language}.yaml and translate its value")


def validate_library(library: Library, topic_folders: set[str],
                     only: Collection[str] | None = None) -> list[Diagnostic]:
    """Rules across files; `topic_folders` counts topics whose header failed to read too.
    With `only`, the text of just those topics is checked (a build of a few topics)."""
    collector = Collector()
    for topic in library.topics.values():
        if only is None or topic.meta.id in only:
            check_topic(topic, library, collector)
        strings = library.strings.get(topic.meta.language)
        if strings is None:
            collector.error(topic.meta.span, "strings.missing",
                            f"no strings.{topic.meta.language}.yaml for this language; copy strings.en.yaml and translate it")
            continue
        for blank in topic.meta.fill_in:
            if blank not in strings.get("fill_in", {}):
                collector.error(topic.meta.field_span("fill_in"), "front-matter.fill-in",
                                f"unknown blank '{blank}'; use one of: {', '.join(strings.get('fill_in', {}))}")
    check_packets(library, topic_folders, collector)
    check_strings(library, collector)
    return collector.diagnostics
