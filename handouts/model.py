"""The document model: small frozen dataclasses that remember where they came from.

Readers build `TopicSource`s and the `Library`; `compose` turns them into a
`Document` of blocks; renderers draw a `Document` and never read files.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Union

from .choices import Audience, PageSize
from .errors import Diagnostic, SourceSpan

if TYPE_CHECKING:
    from .theme_schema import ThemeSource


# --- inline content -------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Text:
    text: str


@dataclass(frozen=True, slots=True)
class Verbatim(Text):
    """Text from a clinic's profile: printed exactly as typed, in no language's typography."""


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


@dataclass(frozen=True, slots=True)
class Link:
    """A link: `[words](https://...)`, `<mailto:...>`; the words print, the target links."""

    target: str
    children: tuple[Inline, ...]


@dataclass(frozen=True, slots=True)
class Swap:
    """`{parents: your child | adults: you}`: words that differ by audience.
    Only in topics as read; `select` replaces it by the audience's words."""

    choices: tuple[tuple[str, str], ...]  # (audience, words)


Inline = Union[Text, Strong, Emphasis, Citation, LineBreak, Link, Swap]
Inlines = tuple[Inline, ...]


def plain_text(inlines: Inlines) -> str:
    """The words of some inline content, without markup, citations or breaks."""
    out = []
    for inline in inlines:
        if isinstance(inline, Text):
            out.append(inline.text)
        elif isinstance(inline, (Strong, Emphasis, Link)):
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


@dataclass(frozen=True, slots=True)
class Only:
    """`::: only parents adults`: blocks for some audiences. Only in topics as read;
    `select` keeps or drops it."""

    audiences: frozenset[str]
    blocks: tuple[Block, ...]
    span: SourceSpan


Block = Union[Heading, Paragraph, ListBlock, Callout, Table, PageBreak, ReferenceList, Contents,
              Masthead, Only]


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
class Change:
    """One entry of a topic's `changes:` history: what changed in which version."""

    version: str
    date: dt.date
    change: str
    clinical: bool  # True when the change matters to care: copies of earlier versions are out of date


@dataclass(frozen=True, slots=True)
class Translation:
    """Where a translated topic comes from and who has checked it (its `translated_from`
    and `translation:` header fields)."""

    source_version: str  # the version of the English file it was translated from
    method: str
    translator: str  # a role, printed on the page
    translated_on: dt.date
    reviewer: str = ""  # a qualified medical translator's role; empty until one has checked it
    reviewed_on: dt.date | None = None

    @property
    def reviewed(self) -> bool:
        return bool(self.reviewer) and self.reviewed_on is not None


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
    evidence_checked_by: str  # who (a role) last checked the evidence against its sources
    references: tuple[str, ...]
    span: SourceSpan
    fill_in: tuple[str, ...] = ()
    changes: tuple[Change, ...] = ()  # oldest first
    translation: Translation | None = None  # None for the English source
    field_lines: dict[str, int] = field(default_factory=dict, compare=False, hash=False)

    def field_span(self, name: str) -> SourceSpan:
        return SourceSpan(self.span.path, self.field_lines.get(name, self.span.line))


@dataclass(frozen=True, slots=True)
class TopicSource:
    """A topic file as read and parsed once, for every audience: `Only` blocks and
    `Swap` words are still in place (see `tree.select`)."""

    meta: TopicMeta
    title: Inlines
    main_message: Inlines
    blocks: tuple[Block, ...]

    @property
    def key(self) -> tuple[str, str]:
        return (self.meta.id, self.meta.language)


@dataclass(frozen=True, slots=True)
class Packet:
    name: str
    title: str  # in English
    topics: tuple[str, ...]
    audiences: tuple[Audience, ...]
    span: SourceSpan
    titles: tuple[tuple[str, str], ...] = ()  # (language, title) for other languages

    def title_in(self, language: str) -> str:
        return dict(self.titles).get(language, self.title)


@dataclass(frozen=True, slots=True)
class Library:
    """Everything read from the content and template folders, validated."""

    topics: dict[tuple[str, str], TopicSource]
    bibliography: dict[str, Reference]
    strings: dict[str, dict[str, Any]]
    packets: dict[str, Packet]
    theme: ThemeSource
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
    require_approval: bool = False  # build only handouts with a current approval
    approvals_path: str | None = None  # the approvals file; default approvals.toml beside the profile
    field_lines: dict[str, int] = field(default_factory=dict, compare=False, repr=False)  # setting -> line
    token: str = field(default="", repr=False)  # the front desk's access token beyond this computer
    # wording for handouts in another language: (language, ((setting, text), ...)), from [fr] tables
    in_languages: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()

    def for_language(self, language: str) -> Clinic:
        """The profile as a handout in `language` prints it: its `[language]` wording, if any."""
        changes: dict[str, Any] = dict(dict(self.in_languages).get(language, ()))
        return replace(self, **changes) if changes else self

    @property
    def contact_lines(self) -> list[str]:
        """How to reach the clinic (its name and department head every page already)."""
        return [line for line in (self.address, self.phone, self.email, self.website) if line]


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
    status_line: str = ""  # approval or review status, printed on every page
    kind: str = "topic"  # topic, tool, diary (a tool of one page per week), packet or catalogue
    blank_label: str = ""  # what the web edition says for a write-in blank, e.g. "space to write"


@dataclass(frozen=True, slots=True)
class Document:
    """What a reader gets, composed once; how it is printed is `RenderOptions`."""

    info: DocumentInfo
    blocks: tuple[Block, ...]
    references: tuple[Reference, ...]
    logo: bytes | None = field(default=None, repr=False)
    online_url: str = ""  # printed beside a QR code when set

    def reference_numbers(self) -> dict[str, int]:
        return {ref.key: number for number, ref in enumerate(self.references, start=1)}


@dataclass(frozen=True, slots=True)
class RenderOptions:
    """How a document is printed; never part of the document itself."""

    page_size: PageSize = PageSize.A4
    large_print: bool = False
    pad_to_even_pages: bool = False  # for duplex printing of packets
    accent: str | None = None  # the clinic's colour, laid over the theme


@dataclass(frozen=True, slots=True)
class Job:
    """One handout to make: a topic or a packet, for one audience and language."""

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

    def render_options(self, accent: str | None = None) -> RenderOptions:
        return RenderOptions(self.page_size, self.large_print,
                             pad_to_even_pages=self.duplex and bool(self.packet), accent=accent)
