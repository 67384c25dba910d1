"""Compose documents: Jinja templates arrange topic text and fixed strings.

A template renders Markdown in the topic dialect. Nothing from outside the
template text is ever parsed as markup: every value a template prints (topic
text, a clinic name, a fixed string, a date) enters the rendered text as a
marker, and after the one parse each marker is replaced by what it stands for:
a topic's blocks or words (already parsed, with their own source lines) or a
plain text node that prints exactly as typed.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from . import review
from .errors import Collector, ContentError, SourceSpan, TemplateError, display_path
from .markup import parse_markdown
from .model import (
    Audience,
    Block,
    Callout,
    Clinic,
    Document,
    DocumentInfo,
    Emphasis,
    Heading,
    Inline,
    Inlines,
    Job,
    Library,
    Link,
    ListBlock,
    Only,
    PageBreak,
    Paragraph,
    Reference,
    Strong,
    Table,
    Text,
    TopicSource,
    Translation,
    Verbatim,
    plain_text,
)
from .rendered import build_date
from .template_files import TemplateLoader
from .tree import citations, merge_text, select, select_inlines, split_parts
from .typography import typeset, typeset_text

_OPEN, _CLOSE = "\ue000", "\ue001"  # private-use characters: no font draws them, no text holds them
_MARKER = re.compile(_OPEN + r"(\d+)" + _CLOSE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ue000-\uf8ff]")
_SPACE_RUN = re.compile(r"\s*[\n\r\t\v\f\u2028\u2029]\s*")


@dataclass(frozen=True)
class Blocks:
    """Topic blocks handed to a template; prints as a marker on a line of its own."""

    blocks: tuple[Block, ...]

    def __bool__(self) -> bool:
        return bool(self.blocks)


@dataclass(frozen=True)
class Words:
    """Topic words (a title, a main message) handed to a template."""

    inlines: Inlines

    def __bool__(self) -> bool:
        return bool(self.inlines)


@dataclass
class _Values:
    items: list[Blocks | Words | str] = field(default_factory=list)

    def marker(self, value: Blocks | Words | str) -> str:
        self.items.append(value)
        return f"{_OPEN}{len(self.items) - 1}{_CLOSE}"


def literal(value: object) -> str:
    """Text from outside the content as it will print: control characters dropped,
    line breaks and tabs as single spaces (a name typed on two lines prints on one)."""
    return _CONTROL.sub("", _SPACE_RUN.sub(" ", str(value)))


@jinja2.pass_context
def _finalize(context: jinja2.runtime.Context, value: Any) -> str:
    if isinstance(value, (Blocks, Words)):
        return context["_values"].marker(value)
    if isinstance(value, AsWritten):
        return context["_values"].marker(AsWritten(literal(value)))
    return context["_values"].marker(literal(value))


class AsWritten(str):
    """Words that print as typed, in no language's typography (see `Verbatim`): a clinic's
    own settings, or a title in another language than the document's."""


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


def render_template(library: Library, name: str, context: dict[str, Any], audience: Audience,
                    collector: Collector, box_titles: dict[str, str]) -> tuple[Block, ...]:
    """Render a template, parse its Markdown once, and put every value in its place."""
    values = _Values()
    try:
        template = environment(library.template_dirs).get_template(name)
        text = template.render(**context, _values=values)
    except jinja2.TemplateNotFound as error:
        raise TemplateError(None, "template.missing",
                            f"no template '{error.name}' in {', '.join(library.template_dirs)}") from None
    except jinja2.TemplateError as error:
        raise _template_error(error, name) from None
    except RecursionError as error:
        error.message = "this template includes itself, directly or through another; remove the loop"  # type: ignore[attr-defined]
        raise _template_error(error, name) from None
    except (LookupError, TypeError, ValueError, AttributeError, ArithmeticError) as error:
        raise _template_error(error, name) from None  # raised by an expression in the template
    origin = SourceSpan(display_path(Path(template.filename or name)))

    def plain(params: str) -> str:  # a value used as a box's parameter, such as "short"
        return _MARKER.sub(lambda m: _plain_value(values.items[int(m.group(1))]), params)

    blocks = parse_markdown(text, lambda _: origin, collector, plain=plain)
    placed = _Placer(values.items, collector, origin).blocks(blocks)
    return _titled(select(placed, audience), box_titles)


def _titled(blocks: tuple[Block, ...], titles: dict[str, str]) -> tuple[Block, ...]:
    """Boxes written without a title get their kind's title from the strings file."""
    out: list[Block] = []
    for block in blocks:
        if isinstance(block, Callout):
            title = block.title or ((Text(literal(titles[block.kind])),) if titles.get(block.kind) else ())
            block = replace(block, title=title, blocks=_titled(block.blocks, titles))
        elif isinstance(block, ListBlock):
            block = replace(block, items=tuple(replace(item, blocks=_titled(item.blocks, titles))
                                               for item in block.items))
        out.append(block)
    return tuple(out)


def _plain_value(value: Blocks | Words | str) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, Words):
        return plain_text(value.inlines)
    return ""


@dataclass
class _Placer:
    """Replaces markers in the parsed template by the values they stand for."""

    values: list[Blocks | Words | str]
    collector: Collector
    origin: SourceSpan

    def blocks(self, blocks: tuple[Block, ...]) -> tuple[Block, ...]:
        out: list[Block] = []
        for block in blocks:
            snippet = self._alone(block)
            if isinstance(snippet, Blocks):
                out.extend(snippet.blocks)
            else:
                out.append(self.block(block))
        return tuple(out)

    def _alone(self, block: Block) -> Blocks | Words | str | None:
        """The value of a paragraph that is nothing but one marker."""
        if isinstance(block, Paragraph) and len(block.inlines) == 1 and isinstance(block.inlines[0], Text):
            match = _MARKER.fullmatch(block.inlines[0].text.strip())
            if match:
                return self.values[int(match.group(1))]
        return None

    def block(self, block: Block) -> Block:
        if isinstance(block, (Heading, Paragraph)):
            return replace(block, inlines=self.inlines(block.inlines, block.span))
        if isinstance(block, Callout):
            return replace(block, title=self.inlines(block.title, block.span), blocks=self.blocks(block.blocks))
        if isinstance(block, Only):
            return replace(block, blocks=self.blocks(block.blocks))
        if isinstance(block, ListBlock):
            return replace(block, items=tuple(replace(item, blocks=self.blocks(item.blocks))
                                              for item in block.items))
        if isinstance(block, Table):
            return replace(block, header=tuple(self.inlines(c, block.span) for c in block.header),
                           rows=tuple(tuple(self.inlines(c, block.span) for c in row) for row in block.rows))
        return block

    def inlines(self, inlines: Inlines, span: SourceSpan) -> Inlines:
        out: list[Inline] = []
        for inline in inlines:
            if isinstance(inline, Text):
                out.extend(self._text(inline.text, span))
            elif isinstance(inline, (Strong, Emphasis, Link)):
                out.append(replace(inline, children=self.inlines(inline.children, span)))
            else:
                out.append(inline)
        return merge_text(tuple(out))

    def _text(self, text: str, span: SourceSpan) -> list[Inline]:
        out: list[Inline] = []
        position = 0
        for match in _MARKER.finditer(text):
            out.append(Text(text[position:match.start()]))
            value = self.values[int(match.group(1))]
            if isinstance(value, str):
                out.append(Verbatim(value) if isinstance(value, AsWritten) else Text(value))
            elif isinstance(value, Words):
                out.extend(value.inlines)
            else:
                self.collector.error(self.origin, "template.placement",
                                     "topic text (a part such as body or questions) must stand on a line "
                                     "of its own in the template")
            position = match.end()
        out.append(Text(text[position:]))
        return out


# --- what templates see -------------------------------------------------------


def format_date(date: dt.date, strings: dict[str, Any], short: bool = False) -> str:
    """A date in the language's words; `short`: in figures where the language has a short form
    (`date_format_short`, for the footer), else in words."""
    if short and strings.get("date_format_short"):
        return strings["date_format_short"].format(day=f"{date.day:02d}", month=f"{date.month:02d}",
                                                   year=date.year)
    month = strings["months"][date.month - 1]
    return strings["date_format"].format(day=date.day, month=month, year=date.year)


def topic_view(topic: TopicSource, audience: Audience, strings: dict[str, Any]) -> dict[str, Any]:
    meta = topic.meta
    parts = split_parts(select(topic.blocks, audience))
    return {
        "id": meta.id,
        "kind": meta.kind,
        "title": Words(select_inlines(topic.title, audience)),
        "main_message": Words(select_inlines(topic.main_message, audience)),
        "version": meta.version,
        "last_reviewed": format_date(meta.last_reviewed, strings),
        "next_review_due": format_date(meta.next_review_due, strings),
        "evidence_checked_by": meta.evidence_checked_by,
        "audiences": [a.value for a in meta.audiences],
        "fill_in": list(meta.fill_in),
        "translation": _translation_view(meta.translation, strings),
        "parts": {name: Blocks(blocks) for name, blocks in parts.items()},
        "pages": [Blocks(page) for page in _pages(parts["body"])],
        "empty": Blocks(()),
    }


def _pages(blocks: tuple[Block, ...]) -> list[tuple[Block, ...]]:
    """The body divided at its `::: page-break` lines."""
    pages: list[list[Block]] = [[]]
    for block in blocks:
        if isinstance(block, PageBreak):
            pages.append([])
        else:
            pages[-1].append(block)
    return [tuple(page) for page in pages]


def _translation_view(translation: Translation | None, strings: dict[str, Any]) -> dict[str, Any] | None:
    if translation is None:
        return None
    return {"source_version": translation.source_version, "translator": translation.translator,
            "translated_on": format_date(translation.translated_on, strings),
            "reviewer": translation.reviewer, "reviewed": translation.reviewed,
            "reviewed_on": format_date(translation.reviewed_on, strings) if translation.reviewed_on else ""}


def template_for(topic: TopicSource) -> str:
    return {"topic": "handout.md.j2", "diary": "diary.md.j2"}.get(topic.meta.kind, "tool.md.j2")


def clinic_view(clinic: Clinic, strings: dict[str, Any]) -> dict[str, Any]:
    return {
        "contact": AsWritten(" · ".join(clinic.contact_lines)),
        "name": clinic.name, "department": clinic.department, "address": clinic.address,
        "phone": clinic.phone, "email": clinic.email, "website": clinic.website,
        "contact_lines": clinic.contact_lines,
        "emergency": (strings["emergency"].format(number=clinic.emergency_number)
                      if clinic.emergency_number else strings["emergency_no_profile"]),
        "feedback": AsWritten(clinic.feedback) if clinic.feedback else strings["feedback"],
        "alternative_formats": (AsWritten(clinic.alternative_formats) if clinic.alternative_formats
                                else strings["alternative_formats"]),
    }


def compose(library: Library, job: Job, clinic: Clinic | None = None) -> Document:
    """Turn one job into a Document; raise ContentError/TemplateError on bad input."""
    collector = Collector()
    strings = library.strings[job.language]
    publisher = (clinic or Clinic(strings["publisher"])).for_language(job.language)
    topics = [library.topics[(topic_id, job.language)] for topic_id in job.topics]
    views = [topic_view(topic, job.audience, strings) for topic in topics]
    context: dict[str, Any] = {"audience": job.audience.value, "lang": job.language, "strings": strings,
               "clinic": clinic_view(publisher, strings), "page_size": job.page_size.value,
               "large_print": job.large_print}
    if job.packet:
        context.update(packet={"name": job.packet, "title": job.packet_title}, topics=views,
                       printed_on=format_date(build_date(), strings))
        name = "packet.md.j2"
    else:
        context.update(topic=views[0])
        name = template_for(topics[0])
    blocks = typeset(render_template(library, name, context, job.audience, collector, strings["boxes"]),
                     job.language)
    collector.raise_if_errors()
    references = _cited_references(blocks, library, collector)
    collector.raise_if_errors(ContentError)
    return Document(
        info=_info(job, topics, strings, publisher), blocks=blocks, references=references,
        logo=publisher.logo,
        online_url=f"{publisher.base_url}/{job.web_path}" if publisher.base_url else "")


def _cited_references(blocks: tuple[Block, ...], library: Library,
                      collector: Collector) -> tuple[Reference, ...]:
    order: dict[str, Reference] = {}
    for citation, span in citations(blocks):
        for key in citation.keys:
            if key not in library.bibliography:
                collector.error(span, "reference.unknown",
                                f"unknown reference key '{key}'; add it to references.yaml")
            elif key not in order:
                order[key] = library.bibliography[key]
    return tuple(order.values())


def words_for(inlines: Inlines, audience: Audience) -> str:
    """The plain words of a title or main message, as one audience reads them."""
    return plain_text(select_inlines(inlines, audience)).strip()


def _header(publisher: Clinic) -> str:
    return literal(" · ".join(x for x in (publisher.name, publisher.department) if x))


def _info(job: Job, topics: Sequence[TopicSource], strings: dict[str, Any],
          publisher: Clinic) -> DocumentInfo:
    if job.packet:
        title = job.packet_title
        subject = ", ".join(words_for(t.title, job.audience) for t in topics)
        footer = strings["packet_footer"].format(name=job.packet_title)
    else:
        meta = topics[0].meta
        title = words_for(topics[0].title, job.audience)
        subject = words_for(topics[0].main_message, job.audience)
        footer = strings["footer"].format(
            id=meta.id, version=meta.version,
            last_reviewed=format_date(meta.last_reviewed, strings, short=True),
            next_review_due=format_date(meta.next_review_due, strings, short=True))
    if job.large_print:
        footer = f"{footer} · {strings['large_print']}"
    return DocumentInfo(
        title=typeset_text(literal(title), job.language), subject=typeset_text(literal(subject), job.language),
        author=literal(publisher.name), language=job.language, header_text=_header(publisher),
        footer_text=typeset_text(literal(footer), job.language),
        kind="packet" if job.packet else topics[0].meta.kind,
        page_label=strings["page_of"], keywords=("eczema", "atopic dermatitis", job.audience.value),
        online_label=strings["online_copy"], blank_label=strings.get("web", {}).get("blank", ""))


def compose_catalogue(library: Library, language: str, clinic: Clinic | None = None) -> Document:
    """A document listing every handout in every language, in `language`'s words."""
    collector = Collector()
    strings = library.strings[language]
    publisher = (clinic or Clinic(strings["publisher"])).for_language(language)
    languages, count = [], 0
    for lang in library.languages():
        rows = []
        for (_, topic_lang), topic in sorted(library.topics.items()):
            if topic_lang != lang:
                continue
            meta = topic.meta
            for audience in meta.audiences:
                title = words_for(topic.title, audience)
                rows.append({"title": title if lang == language else AsWritten(title),
                             "audience": strings["audience_names"][audience.value], "id": meta.id,
                             "version": meta.version,
                             "reviewed": format_date(meta.last_reviewed, strings, short=True),
                             "review": strings["review_states"][review.review_state(meta, review.today())]})
        count += len(rows)
        name = library.strings.get(lang, strings).get("language_name", lang)
        languages.append({"name": name, "rows": rows})
    context = {"audience": Audience.ADULTS.value, "lang": language, "strings": strings,
               "clinic": clinic_view(publisher, strings), "languages": languages}
    blocks = typeset(render_template(library, "catalogue.md.j2", context, Audience.ADULTS, collector,
                                     strings["boxes"]), language)
    collector.raise_if_errors()
    catalogue = strings["catalogue"]
    info = DocumentInfo(
        title=catalogue["title"], subject=catalogue["intro"], author=literal(publisher.name),
        language=language, header_text=_header(publisher),
        footer_text=literal(catalogue["footer"].format(count=count)), page_label=strings["page_of"],
        online_label=strings["online_copy"], kind="catalogue")
    return Document(info=info, blocks=blocks, references=(), logo=publisher.logo)
