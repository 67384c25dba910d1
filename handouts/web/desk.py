"""The warm engine behind the front desk: the library read once, handouts composed and drawn
once per variant, and what was given recorded in the distribution log.

Everything is keyed by a content hash: a SHA-256 over every file the library, the
clinic profile and its approvals are read from. A composed document or a drawn PDF
is kept until that hash changes; so a warm desk answers from memory, and with
`watch` a saved content or template file is seen on the next request (a stat of
each file, well under a millisecond for the shipped library) and re-read once.

Requests name handouts by topic id, reader, language and format; every name is
checked against the library before anything is made, and nothing a request says
is ever used as a file path.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import os
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..approvals import APPROVED, STALE, Hashes, Status, approvals_path, read_approvals, status_of
from ..choices import Audience, PageSize
from ..errors import ContentError, Diagnostic, HandoutsError, SourceSpan, UsageError
from ..library import TOPIC_ID, load_yaml_mapping
from ..model import Clinic, Document, Heading, Job, Library, plain_text
from ..review import review_state

CUSTOM_PACKET = "your-handouts"  # the name a packet of ticked handouts is made and logged under
SYNONYMS = Path("web") / "synonyms.yaml"  # in any templates folder: everyday words for each topic
CACHE_SIZE = 512  # composed documents and drawn files kept warm (a PDF is about 60 KB)
MAX_COUNT = 100
WATCH_INTERVAL = 0.1  # seconds: with --watch, how often files are looked at (the page asks every 0.3 s)


def _usage(message: str, code: str = "desk.request") -> UsageError:
    return UsageError(Diagnostic(None, code, message))


# --- what a request asks for ---------------------------------------------------


@dataclass(frozen=True)
class Choice:
    """One handout or a packet, for one reader, in one language and format."""

    topics: tuple[str, ...]
    audience: Audience
    language: str
    page_size: PageSize
    large_print: bool = False
    count: int = 1

    def query(self) -> str:
        """The query string that asks for this again (for /preview and /pdf links)."""
        parts = [f"topic={t}" for t in self.topics]
        parts += [f"audience={self.audience.value}", f"lang={self.language}", f"page_size={self.page_size.value}"]
        if self.large_print:
            parts.append("large_print=1")
        return "&".join(parts)


def _truthy(value: Any) -> bool:
    return value is True or str(value).lower() in ("1", "true", "on", "yes")


def parse_choice(library: Library, values: Mapping[str, Any], topics: Sequence[str],
                 default_page_size: PageSize = PageSize.A4) -> Choice:
    """Check a request's words against the library; a UsageError naming the first bad one."""
    if not topics:
        raise _usage("choose a handout first")
    for topic in topics:
        if not isinstance(topic, str) or not TOPIC_ID.match(topic) or topic not in library.topic_ids():
            raise _usage(f"there is no handout '{str(topic)[:40]}'")
    audience_name = str(values.get("audience", ""))
    audience = next((a for a in Audience if audience_name in (a.value, a.value.removesuffix("s"))), None)
    if audience is None:
        raise _usage("choose who it is for: parents, adults or clinicians")
    language = str(values.get("lang", "en"))
    if language not in library.languages():
        raise _usage(f"there is no content in language '{language[:8]}'")
    size_name = str(values.get("page_size") or default_page_size.value).lower()
    if size_name not in {p.value for p in PageSize}:
        raise _usage("paper size must be a4 or letter")
    try:
        count = int(values.get("count", 1))
    except (TypeError, ValueError):
        raise _usage("the number of copies must be a whole number") from None
    if not 1 <= count <= MAX_COUNT:
        raise _usage(f"the number of copies must be from 1 to {MAX_COUNT}")
    return Choice(tuple(dict.fromkeys(topics)), audience, language, PageSize(size_name),
                  _truthy(values.get("large_print", False)), count)


def job_for(library: Library, choice: Choice) -> Job:
    """A single handout, or a packet of the ticked topics that serve this reader."""
    served = [t for t in choice.topics if (t, choice.language) in library.topics
              and choice.audience in library.topics[(t, choice.language)].meta.audiences]
    if len(choice.topics) == 1:
        if not served:
            topic = choice.topics[0]
            source = library.topics.get((topic, choice.language))
            if source is None:
                raise _usage(f"'{topic}' has no {choice.language} version")
            raise _usage(f"'{topic}' has no version for {choice.audience.value}; it serves "
                         f"{', '.join(a.value for a in source.meta.audiences)}")
        return Job(tuple(served), choice.audience, choice.language, choice.page_size,
                   large_print=choice.large_print)
    if not served:
        raise _usage(f"none of these handouts has a {choice.language} version for {choice.audience.value}")
    for name, preset in sorted(library.packets.items()):
        if tuple(served) == preset.topics and choice.audience in preset.audiences:
            return Job(preset.topics, choice.audience, choice.language, choice.page_size, packet=name,
                       packet_title=preset.title_in(choice.language), large_print=choice.large_print)
    return Job(tuple(served), choice.audience, choice.language, choice.page_size, packet=CUSTOM_PACKET,
               packet_title=CUSTOM_PACKET.replace("-", " ").capitalize(), large_print=choice.large_print)


# --- the library as read, with its content hash ----------------------------------


def _files(folders: Sequence[str | Path]) -> list[Path]:
    found: list[Path] = []
    for folder in folders:
        for root, dirs, names in os.walk(folder):
            dirs[:] = sorted(d for d in dirs if not d.startswith((".", "__")))
            found.extend(Path(root) / n for n in sorted(names) if not n.startswith("."))
    return found


def _stamp(paths: Sequence[Path]) -> tuple:
    stamps: list[tuple] = []
    for path in paths:
        try:
            info = path.stat()
        except OSError:
            stamps.append((str(path), None))
            continue
        stamps.append((str(path), info.st_mtime_ns, info.st_size))
    return tuple(stamps)


def _digest(paths: Sequence[Path]) -> str:
    sha = hashlib.sha256()
    for path in paths:
        sha.update(str(path).encode())
        try:
            sha.update(hashlib.sha256(path.read_bytes()).digest())
        except OSError:
            sha.update(b"-")
    return sha.hexdigest()


@dataclass(frozen=True)
class Entry:
    """One topic in one language, as the desk lists it."""

    id: str
    language: str
    title: str
    kind: str
    version: str
    audiences: tuple[str, ...]
    review: str  # current, due-soon or overdue
    next_review_due: str
    approval: dict[str, str]  # audience -> approved, stale, not approved (or 'sample' without a profile)
    words: str  # what search looks in: title, id, main message, headings, everyday words


@dataclass
class Snapshot:
    """The library, clinic and approvals as read for one content hash; or why they could not be."""

    digest: str
    library: Library | None = None
    clinic: Clinic | None = None
    problems: tuple[Diagnostic, ...] = ()
    entries: tuple[Entry, ...] = ()
    statuses: dict[tuple[str, str, str], Status] = field(default_factory=dict)  # (topic, audience, lang)


class Desk:
    """The warm state of one front desk; safe to share between request threads."""

    def __init__(self, content: Sequence[Path] = (), templates: Sequence[Path] = (),
                 clinic_path: Path | None = None, log_path: Path | None = None, watch: bool = False,
                 watch_interval: float = WATCH_INTERVAL):
        self.content, self.templates = tuple(content), tuple(templates)
        self.clinic_path, self.watch, self.watch_interval = clinic_path, watch, watch_interval
        self._log_path = log_path
        self._lock = threading.RLock()  # one composer and renderer at a time: ReportLab keeps global state
        self._cache: OrderedDict[tuple, Any] = OrderedDict()
        self._files: list[Path] = []
        self._stamp: tuple = ()
        self._looked = 0.0
        self.snapshot = Snapshot("")
        self.refresh(force=True)

    # -- reading ------------------------------------------------------------------

    def _profile_files(self, clinic: Clinic | None) -> list[Path]:
        files = [self.clinic_path] if self.clinic_path else []
        if clinic is not None:
            files.append(approvals_path(clinic))
        return files

    def refresh(self, force: bool = False) -> Snapshot:
        """Re-read what changed since the last look: with `watch` any content, template or profile
        file (looked at most every WATCH_INTERVAL seconds); otherwise only the profile and its
        approvals, so that an approval recorded at another desk shows at once."""
        with self._lock:
            now = time.monotonic()
            if not force and self.watch and now - self._looked < self.watch_interval:
                return self.snapshot
            self._looked = now
            if force or self.watch:
                from ..library import shipped_dir  # noqa: PLC0415

                folders = [shipped_dir("content"), *self.content, shipped_dir("templates"), *self.templates]
                self._files = [*_files(folders), *self._profile_files(self.snapshot.clinic)]
            looked_at = self._files if self.watch or force else self._profile_files(self.snapshot.clinic)
            stamp = _stamp(looked_at)
            if not force and stamp == self._stamp:
                return self.snapshot
            self._stamp = stamp
            digest = _digest(self._files)
            if digest != self.snapshot.digest:
                self.snapshot = self._read(digest)
                # the profile may name another approvals file now: look at that one too
                extra = [p for p in self._profile_files(self.snapshot.clinic) if p not in self._files]
                if extra:
                    self._files = [*self._files, *extra]
                    self._digest_files_changed()
            return self.snapshot

    def _digest_files_changed(self) -> None:
        """The set of files changed: take the stamp and digest again, keeping the snapshot read."""
        looked_at = self._files if self.watch else self._profile_files(self.snapshot.clinic)
        self._stamp = _stamp(looked_at)
        self.snapshot.digest = _digest(self._files)

    def _read(self, digest: str) -> Snapshot:
        from ..clinic import read_clinic  # noqa: PLC0415
        from ..library import load_library  # noqa: PLC0415

        try:
            clinic = read_clinic(self.clinic_path) if self.clinic_path else None
            library = load_library(self.content, self.templates)
            approvals = read_approvals(approvals_path(clinic)) if clinic else []
            synonyms = read_synonyms(library)
        except HandoutsError as error:
            return Snapshot(digest, problems=tuple(error.diagnostics))
        snapshot = Snapshot(digest, library, clinic)
        hashes = Hashes(library)
        today = _today()
        entries = []
        for (topic_id, language), source in sorted(library.topics.items()):
            meta = source.meta
            approval = {}
            for audience in meta.audiences:
                if clinic is None:
                    approval[audience.value] = "sample"
                    continue
                status = status_of(approvals, hashes, topic_id, audience, language, meta.version)
                snapshot.statuses[(topic_id, audience.value, language)] = status
                approval[audience.value] = status.state
            headings = " ".join(plain_text(b.inlines) for b in _walk(source.blocks) if isinstance(b, Heading))
            words = " ".join([meta.title, topic_id.replace("-", " "), meta.main_message, headings,
                              *synonyms.get(topic_id, ())])
            entries.append(Entry(topic_id, language, meta.title, meta.kind, meta.version,
                                 tuple(a.value for a in meta.audiences), review_state(meta, today),
                                 meta.next_review_due.isoformat(), approval, " ".join(words.lower().split())))
        snapshot.entries = tuple(entries)
        return snapshot

    def library(self) -> tuple[Library, Clinic | None]:
        """The library and clinic now; a ContentError with every problem if the content is broken."""
        snapshot = self.refresh()
        if snapshot.library is None:
            raise ContentError(list(snapshot.problems))
        return snapshot.library, snapshot.clinic

    @property
    def log_path(self) -> Path:
        from ..distribution import DEFAULT_LOG  # noqa: PLC0415

        clinic = self.snapshot.clinic
        if self._log_path:
            return self._log_path
        return Path(clinic.log_path) if clinic and clinic.log_path else Path(DEFAULT_LOG)

    # -- making -----------------------------------------------------------------

    def _cached(self, key: tuple, make):
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
            value = make()
            self._cache[key] = value
            while len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
            return value

    def governed(self, job: Job, strict: bool) -> tuple[str, dict[str, str]]:
        """The status line for a job and its topics' content hashes.

        `strict` is what a handout given out or published must pass (review date, and
        approval when the profile requires it): a ContentError names each refusal.
        Otherwise (the desk's own preview) it is drawn anyway, and its status line says why not.
        """
        from ..governance import govern  # noqa: PLC0415

        library, clinic = self.library()
        today = _today()

        def run():
            preview_clinic = clinic
            if not strict and clinic is not None and clinic.require_approval:
                preview_clinic = dataclasses.replace(clinic, require_approval=False)
            result = govern(library, [job], preview_clinic, today, allow_overdue=not strict)
            return result.status_lines[0], result.content_hashes.get(job, {})

        return self._cached(("govern", self.snapshot.digest, job, strict, today), run)

    def document(self, job: Job, strict: bool = False) -> Document:
        from ..build import compose_all  # noqa: PLC0415

        library, clinic = self.library()
        line, _ = self.governed(job, strict)
        return self._cached(("document", self.snapshot.digest, job, line),
                            lambda: compose_all(library, [job], clinic, [line])[0])

    def render(self, job: Job, fmt: str, strict: bool = False) -> bytes:
        """The PDF or web edition of a job, drawn once per content hash and kept warm."""
        from ..rendered import renderer  # noqa: PLC0415

        library, clinic = self.library()
        line, _ = self.governed(job, strict)
        document = self.document(job, strict)
        options = job.render_options(clinic.accent if clinic else None)
        return self._cached(("render", self.snapshot.digest, job, line, fmt),
                            lambda: renderer(fmt)(document, library.theme, options).data)

    def prewarm(self, stop: threading.Event | None = None) -> int:
        """Compose and draw every handout's preview and PDF (in the profile's language and paper size)
        before anyone asks, one at a time, so that the first click is as fast as the next.
        Returns how many handouts it made; a handout that may not be given is still previewed."""
        snapshot = self.snapshot
        if snapshot.library is None:
            return 0
        library, clinic = snapshot.library, snapshot.clinic
        language = clinic.default_language if clinic else "en"
        size = clinic.default_page_size if clinic else PageSize.A4
        made = 0
        for (topic, lang), source in sorted(library.topics.items()):
            for audience in source.meta.audiences if lang == language else ():
                if (stop is not None and stop.is_set()) or self.snapshot is not snapshot:
                    return made
                job = Job((topic,), audience, lang, size)
                try:
                    self.render(job, "html")
                    self.render(job, "pdf", strict=True)
                except HandoutsError:
                    pass  # refused for giving (review date, approval): the desk says why when asked
                made += 1
        return made

    # -- giving -------------------------------------------------------------------

    def give(self, choice: Choice) -> tuple[Job, list[str]]:
        """Make the PDF as it will be handed out (review date and approvals enforced), then
        record it in the distribution log: one row per topic, or one for a packet."""
        from .. import distribution  # noqa: PLC0415

        library, _ = self.library()
        job = job_for(library, choice)
        _, hashes = self.governed(job, strict=True)
        self.render(job, "pdf", strict=True)
        if not hashes:  # no profile: the hashes are still logged, composed once per content hash
            hashes = {t: self._cached(("hash", self.snapshot.digest, t, job.audience, job.language),
                                      lambda t=t: Hashes(library)(t, job.audience, job.language))
                      for t in job.topics}
        versions = {t: library.topics[(t, job.language)].meta.version for t in job.topics}
        if job.packet:
            digest = hashlib.sha256(" ".join(f"{t}:{hashes[t]}" for t in job.topics).encode()).hexdigest()
            rows = [(job.packet, distribution.packet_version(versions),
                     distribution.Given(job.large_print, job.page_size.value, job.packet, digest))]
        else:
            rows = [(t, versions[t], distribution.Given(job.large_print, job.page_size.value, None, hashes[t]))
                    for t in job.topics]
        today = dt.date.today()
        said = []
        for name, version, given in rows:
            distribution.record(self.log_path, today, name, version, job.language, job.audience.value,
                                choice.count, given)
            fmt = ", ".join(x for x in ("large print" if given.large_print else "", given.page_size or "") if x)
            said.append(f"Recorded {choice.count} × {name} (version {version}, {job.language}, "
                        f"{job.audience.value}, {fmt}) on {today.isoformat()}.")
        return job, said


def _today() -> dt.date:
    from .. import review  # noqa: PLC0415  (looked up each time, so tests can fix the clock)

    return review.today()


def _walk(blocks):
    for block in blocks:
        yield block
        for name in ("blocks",):
            inner = getattr(block, name, None)
            if isinstance(inner, tuple):
                yield from _walk(inner)


def read_synonyms(library: Library) -> dict[str, tuple[str, ...]]:
    """Everyday words for each topic, from web/synonyms.yaml in every templates folder (later folders add)."""
    from ..errors import Collector  # noqa: PLC0415

    collector = Collector()
    words: dict[str, list[str]] = {}
    for folder in library.template_dirs:
        path = Path(folder) / SYNONYMS
        if not path.is_file():
            continue
        shown = str(path)
        read = load_yaml_mapping(path.read_text(encoding="utf-8"), shown, collector)
        if read is None:
            continue
        data, lines = read
        for topic, phrases in data.items():
            span = SourceSpan(shown, lines.get(topic, 1))
            if topic not in library.topic_ids():
                collector.error(span, "synonyms.topic", f"there is no topic '{topic}'; the topics are: "
                                f"{', '.join(library.topic_ids())}")
            elif not isinstance(phrases, list) or not all(isinstance(p, str) for p in phrases):
                collector.error(span, "synonyms.type", "list everyday words as [words, more words]")
            else:
                words.setdefault(topic, []).extend(phrases)
    collector.raise_if_errors(ContentError)
    return {topic: tuple(phrases) for topic, phrases in words.items()}


def approval_words(state: str) -> str:
    return {APPROVED: "approved", STALE: "changed since approved", "sample": "sample (no clinic profile)"}.get(
        state, "not approved")


def safe_name(text: str) -> str:
    """A file name for a download: letters, digits and dashes only."""
    return re.sub(r"[^a-z0-9-]+", "-", text.lower()).strip("-") or "handout"
