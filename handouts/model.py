"""The document model: small frozen dataclasses that remember where they came from.

Readers build `TopicSource`s and the `Library`; `compose` turns them into a
`Document` of blocks; renderers draw a `Document` and never read files.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field
from typing import Any, Union

from .errors import Diagnostic, SourceSpan


class Audience(str, enum.Enum):
    PARENTS = "parents"
    ADULTS = "adults"
    CLINICIANS = "clinicians"

    @property
    def is_patient(self) -> bool:
        return self is not Audience.CLINICIANS


class PageSize(str, enum.Enum):
    A4 = "a4"
    LETTER = "letter"


# --- inline content -------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Text:
    text: str


@dataclass(frozen=True, slots=True)
class Strong:
    children: tuple[Inline, ...]


@dataclass(frozen=True, slots=True)
class Emphasis:
    children: tuple[Inline, ...]


@dataclass(frozen=True, slots=True)
class Citation:
    keys: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class LineBreak:
    pass


Inline = Union[Text, Strong, Emphasis, Citation, LineBreak]
Inlines = tuple[Inline, ...]


def plain_text(inlines: Inlines) -> str:
    """The words of some inline content, without markup, citations or breaks."""
    out = []
    for inline in inlines:
        if isinstance(inline, Text):
            out.append(inline.text)
        elif isinstance(inline, (Strong, Emphasis)):
            out.append(plain_text(inline.children))
    return "".join(out)


# --- blocks ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Heading:
    level: int
    inlines: Inlines
    span: SourceSpan


@dataclass(frozen=True, slots=True)
class Paragraph:
    inlines: Inlines
    span: SourceSpan


@dataclass(frozen=True, slots=True)
class ListItem:
    blocks: tuple[Block, ...]
    span: SourceSpan


class ListKind(str, enum.Enum):
    BULLET = "bullet"
    ORDERED = "ordered"
    CHECK = "check"


@dataclass(frozen=True, slots=True)
class ListBlock:
    kind: ListKind
    items: tuple[ListItem, ...]
    span: SourceSpan
    start: int = 1


@dataclass(frozen=True, slots=True)
class Callout:
    kind: str
    title: Inlines
    blocks: tuple[Block, ...]
    span: SourceSpan


@dataclass(frozen=True, slots=True)
class Table:
    header: tuple[Inlines, ...]
    rows: tuple[tuple[Inlines, ...], ...]
    span: SourceSpan


@dataclass(frozen=True, slots=True)
class PageBreak:
    span: SourceSpan


@dataclass(frozen=True, slots=True)
class ReferenceList:
    """Where the numbered references of the whole document are printed."""

    span: SourceSpan
    short: bool = False  # leave out titles of references a PMID or DOI finds


@dataclass(frozen=True, slots=True)
class Contents:
    """Where a packet's table of contents is printed."""

    span: SourceSpan


@dataclass(frozen=True, slots=True)
class Masthead:
    """Where the clinic's logo and the QR code to the online copy are drawn."""

    span: SourceSpan


Block = Union[Heading, Paragraph, ListBlock, Callout, Table, PageBreak, ReferenceList, Contents,
              Masthead]


# --- library --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Reference:
    key: str
    span: SourceSpan
    authors: str = ""
    year: int | None = None
    title: str = ""
    journal: str = ""
    details: str = ""
    doi: str = ""
    pmid: str = ""
    url: str = ""
    confirmed: bool = False
    grade: str = ""
    note: str = ""


@dataclass(frozen=True, slots=True)
class TopicMeta:
    id: str
    kind: str
    title: str
    main_message: str
    audiences: tuple[Audience, ...]
    language: str
    version: str
    last_reviewed: dt.date
    next_review_due: dt.date
    reviewer: str
    references: tuple[str, ...]
    span: SourceSpan
    fill_in: tuple[str, ...] = ()
    field_lines: dict[str, int] = field(default_factory=dict, compare=False, hash=False)

    def field_span(self, name: str) -> SourceSpan:
        return SourceSpan(self.span.path, self.field_lines.get(name, self.span.line))


@dataclass(frozen=True, slots=True)
class SourceLine:
    """One line of Markdown with the place it came from."""

    text: str
    span: SourceSpan


@dataclass(frozen=True, slots=True)
class TopicSource:
    """A topic file as read: its metadata and its Markdown body, line by line."""

    meta: TopicMeta
    body: tuple[SourceLine, ...]

    @property
    def key(self) -> tuple[str, str]:
        return (self.meta.id, self.meta.language)


@dataclass(frozen=True, slots=True)
class Packet:
    name: str
    title: str
    topics: tuple[str, ...]
    audiences: tuple[Audience, ...]
    span: SourceSpan


@dataclass(frozen=True, slots=True)
class Library:
    """Everything read from the content and template folders, validated."""

    topics: dict[tuple[str, str], TopicSource]
    bibliography: dict[str, Reference]
    strings: dict[str, dict[str, Any]]
    packets: dict[str, Packet]
    theme: dict[str, Any]
    template_dirs: tuple[str, ...]
    content_dirs: tuple[str, ...]
    warnings: tuple[Diagnostic, ...] = ()

    def topic_ids(self) -> list[str]:
        return sorted({topic_id for topic_id, _ in self.topics})

    def languages(self) -> list[str]:
        return sorted({lang for _, lang in self.topics})


# --- clinic -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Clinic:
    """Who publishes the handouts: from the clinic profile, never from content."""

    name: str
    department: str = ""
    address: str = ""
    phone: str = ""
    email: str = ""
    website: str = ""
    feedback: str = ""
    alternative_formats: str = ""
    base_url: str = ""
    emergency_number: str = ""
    logo: bytes | None = field(default=None, repr=False)
    accent: str | None = None
    default_language: str = "en"
    default_page_size: PageSize = PageSize.A4
    log_path: str | None = None
    source: str = ""
    field_lines: dict[str, int] = field(default_factory=dict, compare=False, repr=False)  # setting -> line

    @property
    def contact_lines(self) -> list[str]:
        return [line for line in (self.department, self.address, self.phone, self.email, self.website) if line]


# --- composed document ----------------------------------------------------


@dataclass(frozen=True, slots=True)
class DocumentInfo:
    """What the page furniture and the PDF metadata show."""

    title: str
    subject: str
    author: str
    language: str
    header_text: str
    footer_text: str
    page_label: str  # e.g. "Page {page} of {pages}"
    keywords: tuple[str, ...] = ()
    online_label: str = ""  # e.g. "Read this online:"


@dataclass(frozen=True, slots=True)
class Document:
    info: DocumentInfo
    blocks: tuple[Block, ...]
    references: tuple[Reference, ...]
    page_size: PageSize = PageSize.A4
    large_print: bool = False
    pad_to_even_pages: bool = False  # for duplex printing of packets
    accent: str | None = None
    logo: bytes | None = field(default=None, repr=False)
    online_url: str = ""  # printed beside a QR code when set

    def reference_numbers(self) -> dict[str, int]:
        return {ref.key: number for number, ref in enumerate(self.references, start=1)}
