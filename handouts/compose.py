"""Compose documents: Jinja templates arrange topic text and fixed strings.

A template renders Markdown in the topic dialect. Topic text enters it as
*snippets*: each `{{ topic.title }}` or `{{ topic.parts.body }}` becomes a
marker that is replaced, after rendering, by the topic's own lines with their
own source locations. Every other value a template prints (a clinic name, a
fixed string) is escaped so that it prints exactly as typed. The result is
parsed once into a `Document`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from .errors import Collector, ContentError, SourceSpan, TemplateError
from .library import display_path
from .markup import escape, parse_blocks, select_audience, split_parts
from .model import (Audience, Citation, Clinic, Document, DocumentInfo, Library, PageSize,
                    Reference, SourceLine, TopicSource)
from .template_files import TemplateLoader
from .validate import walk_inlines

_MARK = "\x1a"
_MARKER = re.compile(_MARK + r"(\d+)" + _MARK)


@dataclass(frozen=True)
class Snippet:
    """Topic text handed to a template; prints as a marker, replaced after rendering."""

    lines: tuple[SourceLine, ...]

    def __bool__(self) -> bool:
        return any(line.text.strip() for line in self.lines)


@dataclass
class _Snippets:
    items: list[Snippet] = field(default_factory=list)

    def marker(self, snippet: Snippet) -> str:
        self.items.append(snippet)
        return f"{_MARK}{len(self.items) - 1}{_MARK}"


@jinja2.pass_context
def _finalize(context: jinja2.runtime.Context, value: Any) -> str:
    if isinstance(value, Snippet):
        return context["_snippets"].marker(value)
    return escape(str(value))


@cache
def environment(template_dirs: tuple[str, ...]) -> SandboxedEnvironment:
    """Templates from later folders win; all run sandboxed with strict variables."""
    return SandboxedEnvironment(
        loader=TemplateLoader(list(reversed(template_dirs))),  # regular files inside the folders only
        undefined=jinja2.StrictUndefined,
        finalize=_finalize,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )


def _template_error(error: Exception, name: str) -> TemplateError:
    line = getattr(error, "lineno", None) or 0
    filename = getattr(error, "filename", None) or name
    tb = error.__traceback__
    while tb is not None:  # Jinja puts the template's own line into the traceback
        if tb.tb_frame.f_code.co_filename.endswith(".j2"):
            filename, line = tb.tb_frame.f_code.co_filename, tb.tb_lineno
        tb = tb.tb_next
    message = getattr(error, "message", None) or str(error)
    return TemplateError(SourceSpan(display_path(Path(filename)), line), "template.error",
                         f"{message}; fix the template")


def render_template(library: Library, name: str, context: dict[str, Any]) -> list[SourceLine]:
    """Render a template and splice the snippets back in, line by line."""
    snippets = _Snippets()
    try:
        template = environment(library.template_dirs).get_template(name)
        text = template.render(**context, _snippets=snippets)
    except jinja2.TemplateNotFound as error:
        raise TemplateError(None, "template.missing",
                            f"no template '{error.name}' in {', '.join(library.template_dirs)}") from None
    except jinja2.TemplateError as error:
        raise _template_error(error, name) from None
    except RecursionError as error:
        error.message = "this template includes itself, directly or through another; remove the loop"
        raise _template_error(error, name) from None
    except (LookupError, TypeError, ValueError, AttributeError, ArithmeticError) as error:
        raise _template_error(error, name) from None  # raised by an expression in the template
    origin = SourceSpan(display_path(Path(template.filename or name)))
    lines: list[SourceLine] = []
    for raw in text.split("\n"):
        markers = _MARKER.findall(raw)
        if len(markers) == 1 and raw.strip() == f"{_MARK}{markers[0]}{_MARK}":
            lines.extend(snippets.items[int(markers[0])].lines)
        elif markers:
            inserted = [snippets.items[int(m)] for m in markers]
            joined = _MARKER.sub(lambda m: " ".join(
                line.text for line in snippets.items[int(m.group(1))].lines), raw)
            lines.append(SourceLine(joined, inserted[0].lines[0].span if inserted[0].lines else origin))
        else:
            lines.append(SourceLine(raw, origin))
    return lines


# --- what templates see -------------------------------------------------------


def format_date(date: dt.date, strings: dict[str, Any]) -> str:
    month = strings["months"][date.month - 1]
    return strings["date_format"].format(day=date.day, month=month, year=date.year)


def topic_view(topic: TopicSource, audience: Audience, strings: dict[str, Any],
               collector: Collector) -> dict[str, Any]:
    meta = topic.meta
    parts = split_parts(select_audience(topic.body, audience, collector))
    return {
        "id": meta.id,
        "kind": meta.kind,
        "title": Snippet((SourceLine(meta.title, meta.field_span("title")),)),
        "main_message": Snippet((SourceLine(meta.main_message, meta.field_span("main_message")),)),
        "version": meta.version,
        "last_reviewed": format_date(meta.last_reviewed, strings),
        "next_review_due": format_date(meta.next_review_due, strings),
        "reviewer": meta.reviewer,
        "audiences": [a.value for a in meta.audiences],
        "fill_in": list(meta.fill_in),
        "parts": {name: Snippet(tuple(lines)) for name, lines in parts.items()},
        "empty": Snippet(()),
    }


@dataclass(frozen=True, slots=True)
class Job:
    """One PDF to make: a topic or a packet, for one audience and language."""

    topics: tuple[str, ...]
    audience: Audience
    language: str
    page_size: PageSize = PageSize.A4
    packet: str | None = None  # packet name, or None for a single handout
    packet_title: str = ""
    large_print: bool = False
    duplex: bool = False  # pad packets to an even number of pages

    @property
    def name(self) -> str:
        return self.packet or self.topics[0]

    @property
    def file_name(self) -> str:
        return f"{self.name}{'-large-print' if self.large_print else ''}.pdf"

    @property
    def web_path(self) -> str:
        """Where the online copy lives under the clinic's base URL."""
        where = f"packets/{self.packet}" if self.packet else self.topics[0]
        return f"{self.language}/{self.audience.value}/{where}"


def template_for(topic: TopicSource) -> str:
    return "tool.md.j2" if topic.meta.kind == "tool" else "handout.md.j2"


def clinic_view(clinic: Clinic, strings: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": clinic.name, "department": clinic.department, "address": clinic.address,
        "phone": clinic.phone, "email": clinic.email, "website": clinic.website,
        "contact_lines": clinic.contact_lines,
        "emergency": (strings["emergency"].format(number=clinic.emergency_number)
                      if clinic.emergency_number else strings["emergency_no_profile"]),
        "feedback": clinic.feedback or strings["feedback"],
        "alternative_formats": clinic.alternative_formats or strings["alternative_formats"],
    }


def compose(library: Library, job: Job, clinic: Clinic | None = None) -> Document:
    """Turn one job into a Document; raise ContentError/TemplateError on bad input."""
    collector = Collector()
    strings = library.strings[job.language]
    publisher = clinic or Clinic(strings["publisher"])
    topics = [library.topics[(topic_id, job.language)] for topic_id in job.topics]
    views = [topic_view(topic, job.audience, strings, collector) for topic in topics]
    context = {"audience": job.audience.value, "lang": job.language, "strings": strings,
               "clinic": clinic_view(publisher, strings), "page_size": job.page_size.value,
               "large_print": job.large_print}
    if job.packet:
        context.update(packet={"name": job.packet, "title": job.packet_title}, topics=views)
        lines = render_template(library, "packet.md.j2", context)
    else:
        context.update(topic=views[0])
        lines = render_template(library, template_for(topics[0]), context)
    blocks = parse_blocks(lines, job.audience, collector, box_titles=strings["boxes"])
    collector.raise_if_errors()
    references = _cited_references(blocks, library, collector)
    collector.raise_if_errors(ContentError)
    return Document(
        info=_info(job, topics, strings, publisher), blocks=blocks, references=references,
        page_size=job.page_size, large_print=job.large_print,
        pad_to_even_pages=job.duplex and bool(job.packet), accent=publisher.accent,
        logo=publisher.logo,
        online_url=f"{publisher.base_url}/{job.web_path}" if publisher.base_url else "")


def _cited_references(blocks, library: Library, collector: Collector) -> tuple[Reference, ...]:
    order: dict[str, Reference] = {}
    for inline, span in walk_inlines(blocks):
        if isinstance(inline, Citation):
            for key in inline.keys:
                if key not in library.bibliography:
                    collector.error(span, "reference.unknown",
                                    f"unknown reference key '{key}'; add it to references.yaml")
                elif key not in order:
                    order[key] = library.bibliography[key]
    return tuple(order.values())


def _info(job: Job, topics: Sequence[TopicSource], strings: dict[str, Any],
          publisher: Clinic) -> DocumentInfo:
    if job.packet:
        title, subject = job.packet_title, ", ".join(strip_markup(t.meta.title) for t in topics)
        footer = strings["packet_footer"].format(name=job.packet)
    else:
        meta = topics[0].meta
        title = strip_markup(meta.title)
        subject = strip_markup(_for_audience(meta.main_message, job.audience))
        footer = strings["footer"].format(
            id=meta.id, version=meta.version,
            last_reviewed=format_date(meta.last_reviewed, strings),
            next_review_due=format_date(meta.next_review_due, strings))
    if job.large_print:
        footer = f"{footer} · {strings['large_print']}"
    return DocumentInfo(
        title=title, subject=subject, author=publisher.name, language=job.language,
        header_text=" · ".join(x for x in (publisher.name, publisher.department) if x),
        footer_text=footer, page_label=strings["page_of"],
        keywords=("eczema", "atopic dermatitis", job.audience.value),
        online_label=strings["online_copy"])


_SWAP = re.compile(r"\{([^{}]*:[^{}]*)\}")


def _for_audience(text: str, audience: Audience) -> str:
    """Resolve swaps in a one-line text (for PDF metadata)."""
    def choose(match: re.Match) -> str:
        for option in match.group(1).split("|"):
            names, _, words = option.partition(":")
            if audience.value in names.replace(",", " ").split():
                return words.strip()
        return ""
    return _SWAP.sub(choose, text)


def strip_markup(text: str) -> str:
    return re.sub(r"\s*\[@[^\]]*\]|[*_]", "", text).strip()


def compose_catalogue(library: Library, language: str, clinic: Clinic | None = None,
                      page_size: PageSize = PageSize.A4) -> Document:
    """A document listing every handout in every language, in `language`'s words."""
    collector = Collector()
    strings = library.strings[language]
    publisher = clinic or Clinic(strings["publisher"])
    languages, count = [], 0
    for lang in library.languages():
        rows = []
        for (topic_id, topic_lang), topic in sorted(library.topics.items()):
            if topic_lang != lang:
                continue
            meta = topic.meta
            for audience in meta.audiences:
                rows.append({"title": strip_markup(_for_audience(meta.title, audience)),
                             "audience": strings["audience_names"][audience.value], "id": meta.id,
                             "version": meta.version,
                             "reviewed": format_date(meta.last_reviewed, strings)})
        count += len(rows)
        name = library.strings.get(lang, strings).get("language_name", lang)
        languages.append({"name": name, "rows": rows})
    context = {"audience": Audience.ADULTS.value, "lang": language, "strings": strings,
               "clinic": clinic_view(publisher, strings), "languages": languages}
    lines = render_template(library, "catalogue.md.j2", context)
    blocks = parse_blocks(lines, Audience.ADULTS, collector, box_titles=strings["boxes"])
    collector.raise_if_errors()
    catalogue = strings["catalogue"]
    info = DocumentInfo(
        title=catalogue["title"], subject=catalogue["intro"], author=publisher.name, language=language,
        header_text=" · ".join(x for x in (publisher.name, publisher.department) if x),
        footer_text=catalogue["footer"].format(count=count), page_label=strings["page_of"],
        online_label=strings["online_copy"])
    return Document(info=info, blocks=blocks, references=(), page_size=page_size,
                    accent=publisher.accent, logo=publisher.logo)
