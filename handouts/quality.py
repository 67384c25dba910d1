"""The quality gate behind `handouts check`.

For every topic x audience x language it measures what a reader will get:
reading level, the PEMAT-P items a program can judge, evidence and review
status, the printed PDF (text size, fonts, paper, pages, contrast), parity
between languages, and phrases that must never be given as advice. Targets
come from shared/standards.md; hard limits fail, aims are reported.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import drawn, pdfua
from .build import BuildRequest, compose_all, plan
from .colours import WHITE, contrast
from .compose import compose
from .errors import Collector, Diagnostic, HandoutsError, Severity, SourceSpan
from .library import SOURCE_LANGUAGE, is_shipped, yaml_entries
from .model import Audience, Block, Citation, Clinic, Heading, Job, Library, PageSize, TopicSource, plain_text
from .pemat import Item, assess
from .pemat import scores as pemat_scores
from .readability import Scores, score, sentences, text_units
from .rendered import renderer
from .tree import runs, select, split_parts, text_sites, walk, walk_inlines
from .validate import topic_variant

if TYPE_CHECKING:
    from .theme_schema import ThemeSource

# measure -> (hard limit, aim, True if higher is better); clinician summaries are exempt
READING_LIMITS: dict[str, dict[str, tuple[float, float, bool]]] = {
    "en": {"flesch_kincaid": (8, 6, False), "smog": (10, 8, False), "reading_ease": (60, 70, True)},
    "fr": {"kandel_moles": (60, 70, True)},
    "es": {"fernandez_huerta": (60, 70, True), "inflesz": (55, 65, True)},
}
MEASURE_NAMES = {"flesch_kincaid": "FK grade", "smog": "SMOG", "reading_ease": "Flesch",
                 "kandel_moles": "Kandel-Moles (indicative)", "fernandez_huerta": "Fernández-Huerta",
                 "inflesz": "INFLESZ"}
PEMAT_LIMITS = {"understandability": (70, 90), "actionability": (70, 80)}
MAX_PAGES = {"topic": 2, "tool": 1, "diary": 3}  # a diary: a page of instructions, then a page a week
# Large print (18 pt body, nothing under 16 pt, boxes kept whole) holds about a third of a page at 14 pt
LARGE_PRINT_MAX_PAGES = {kind: 3 * pages for kind, pages in MAX_PAGES.items()}
MIN_BODY_SIZE = 12.0
MIN_LARGE_PRINT_SIZE = 16.0
MIN_CONTRAST = 4.5
REVIEW_WARNING_DAYS = 60


@dataclass
class VariantReport:
    topic: str
    audience: str
    language: str
    path: str
    kind: str
    words: int = 0
    readability: Scores | None = None
    readability_without_glossary: Scores | None = None
    pemat: list[Item] = field(default_factory=list)
    pemat_scores: dict[str, float | None] = field(default_factory=dict)
    pages: dict[str, int] = field(default_factory=dict)
    review: dict[str, str] = field(default_factory=dict)
    smallest_large_print: float = 0.0  # the smallest text, in points, of the large-print copy
    status: str = "pass"  # pass, aim (within limits, short of an aim) or fail
    notes: list[str] = field(default_factory=list)
    # PDFs to validate against PDF/UA-1 in the main process: (where to report, what, the bytes)
    printed: list[tuple[SourceSpan, str, bytes]] = field(default_factory=list, repr=False)

    def fail(self) -> None:
        self.status = "fail"

    def miss_aim(self, note: str) -> None:
        self.notes.append(note)
        if self.status == "pass":
            self.status = "aim"


def reading_summary(variant: VariantReport) -> str:
    """The language's reading-level measures of a variant, e.g. 'FK grade 4.6 · SMOG 8.1 · Flesch 77.2'."""
    scores = variant.readability
    if scores is None:
        return "-"
    measures = READING_LIMITS.get(variant.language, {"reading_ease": (0, 0, True)})
    return " · ".join(f"{MEASURE_NAMES[name]} {getattr(scores, name)}" for name in measures)


@dataclass
class Report:
    variants: list[VariantReport]
    diagnostics: list[Diagnostic]

    @property
    def failed(self) -> bool:
        return any(d.severity is Severity.ERROR for d in self.diagnostics)

    def as_json(self) -> dict[str, Any]:
        def variant(v: VariantReport) -> dict[str, Any]:
            data = asdict(v)
            del data["printed"]
            data["pemat"] = [asdict(i) for i in v.pemat]
            return data
        return {
            "passed": not self.failed,
            "variants": [variant(v) for v in self.variants],
            "diagnostics": [{"location": str(d.span) if d.span else None, "severity": d.severity.value,
                             "code": d.code, "message": d.message} for d in self.diagnostics],
        }


# --- rule files in content/ -----------------------------------------------------


@dataclass(frozen=True)
class Term:
    name: str
    forms: tuple[str, ...]
    means: str

    @property
    def pattern(self) -> re.Pattern:
        words = sorted({self.name, *self.forms}, key=len, reverse=True)
        return re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + r")\b", re.I)


@dataclass(frozen=True)
class Forbidden:
    name: str
    pattern: re.Pattern
    reason: str
    span: SourceSpan


@dataclass(frozen=True)
class ForbiddenList:
    """One language's forbidden advice, and the words that turn a sentence into a warning against it."""

    rules: tuple[Forbidden, ...]
    negation: re.Pattern | None

    def broken_by(self, sentence: str) -> list[Forbidden]:
        """The rules one sentence breaks: none when it warns against the advice."""
        if self.negation and self.negation.search(sentence):
            return []
        return [rule for rule in self.rules if rule.pattern.search(sentence)]


def _rule_file(library: Library, name: str, collector: Collector) -> list[tuple[dict, SourceSpan]]:
    entries = []
    for folder in library.content_dirs:
        path = Path(folder) / name
        if path.is_file():
            for key, value, span in yaml_entries(path, collector):
                if isinstance(value, dict):
                    entries.append(({"key": key, **value}, span))
                else:
                    collector.error(span, "rules.entry", f"'{key}' needs its fields indented below it")
    return entries


def read_glossary(library: Library, language: str, collector: Collector) -> list[Term]:
    terms = []
    for entry, span in _rule_file(library, f"glossary.{language}.yaml", collector):
        if not entry.get("means"):
            collector.error(span, "glossary.entry", f"glossary term '{entry['key']}' needs 'means:'")
            continue
        terms.append(Term(str(entry["key"]), tuple(map(str, entry.get("forms", []))), str(entry["means"])))
    return terms


def read_forbidden(library: Library, language: str, collector: Collector) -> ForbiddenList:
    """forbidden.<language>.yaml: rules, and a `negation` entry for the language's words of warning."""
    name = f"forbidden.{language}.yaml"
    rules, negation = [], None
    entries = _rule_file(library, name, collector)
    if not entries:
        collector.error(SourceSpan(name), "forbidden.language",
                        f"no {name}; copy forbidden.en.yaml and write its rules for language '{language}'")
    for entry, span in entries:
        try:
            pattern = re.compile(str(entry["pattern"]), re.I)
        except (KeyError, re.error) as error:
            collector.error(span, "forbidden.pattern", f"rule '{entry['key']}' needs a valid 'pattern' ({error})")
            continue
        if entry["key"] == "negation":
            negation = pattern
        else:
            rules.append(Forbidden(str(entry["key"]), pattern, str(entry.get("reason", "")), span))
    return ForbiddenList(tuple(rules), negation)


# --- per-variant rules ----------------------------------------------------------------


def _reading(variant: VariantReport, collector: Collector, span: SourceSpan) -> None:
    if variant.language not in READING_LIMITS:
        variant.fail()
        collector.error(span, "readability.language",
                        f"no reading-level measure for language '{variant.language}' (known: "
                        f"{', '.join(sorted(READING_LIMITS))}); add its measure and limits to the check "
                        "before publishing patient handouts in it")
        return
    for measure, (limit, aim, higher_is_better) in READING_LIMITS[variant.language].items():
        value = getattr(variant.readability, measure)
        label = measure.replace("_", " ")
        if (value < limit) if higher_is_better else (value > limit):
            variant.fail()
            collector.error(span, f"readability.{measure}",
                            f"{variant.audience}: {label} is {value}, past the limit of {limit}; "
                            "use shorter sentences and everyday words")
        elif (value < aim) if higher_is_better else (value > aim):
            variant.miss_aim(f"{label} {value} (aim {aim})")


BODY_ROLES = ("paragraph", "cell", "header-cell")


def _body_runs(blocks: tuple[Block, ...]):
    """Text runs a reader meets in the body, with their line; headings and box titles are skipped."""
    for site in text_sites(blocks):
        if site.role in BODY_ROLES:
            for text, bold in runs(site.inlines):
                yield text, bold, site.span


def _glossary(variant: VariantReport, body: tuple[Block, ...], terms: list[Term],
              collector: Collector) -> None:
    """A glossary term's first use in the body must be its (bold) definition."""
    for term in terms:
        for text, bold, span in _body_runs(body):
            if term.pattern.search(text):
                if not bold:
                    variant.fail()
                    collector.error(span, "glossary.undefined",
                                    f"{variant.audience}: '{term.name}' is used before it is defined; "
                                    f"make its first use bold and say what it means ({term.means})")
                break


def _forbidden(variant: VariantReport, blocks: tuple[Block, ...], forbidden: ForbiddenList,
               collector: Collector) -> None:
    """Every sentence a reader meets: headings, paragraphs, list items, table cells, box titles."""
    for site in text_sites(blocks):
        for sentence in sentences([plain_text(site.inlines)]):
            for rule in forbidden.broken_by(sentence):
                variant.fail()
                collector.error(site.span, "forbidden.advice",
                                f"{variant.audience}: reads as forbidden advice ('{sentence.strip()[:80]}'): "
                                f"{rule.reason}; remove it or say plainly that it is not advised")


def _pemat(variant: VariantReport, document, collector: Collector, span: SourceSpan) -> None:
    variant.pemat = assess(document, patient=True)
    variant.pemat_scores = pemat_scores(variant.pemat)
    for scale, (limit, aim) in PEMAT_LIMITS.items():
        value = variant.pemat_scores[scale]
        if value is None:
            continue
        if value < limit:
            variant.fail()
            missed = "; ".join(i.text for i in variant.pemat if i.scale == scale and i.result == "not met")
            collector.error(span, f"pemat.{scale}",
                            f"{variant.audience}: PEMAT {scale} is {value}%, under {limit}% (not met: {missed})")
        elif value < aim:
            variant.miss_aim(f"PEMAT {scale} {value}% (aim {aim}%)")


def _review(variant: VariantReport, topic: TopicSource, today: dt.date, collector: Collector) -> None:
    meta = topic.meta
    days = (meta.next_review_due - today).days
    state = "past due" if days < 0 else "due soon" if days <= REVIEW_WARNING_DAYS else "current"
    variant.review = {"version": meta.version, "last_reviewed": meta.last_reviewed.isoformat(),
                      "next_review_due": meta.next_review_due.isoformat(), "evidence_checked_by": meta.evidence_checked_by,
                      "status": state}
    if days < 0:
        variant.fail()
        collector.error(meta.field_span("next_review_due"), "review.past-due",
                        f"the review was due on {meta.next_review_due.isoformat()}; have a clinician "
                        "review the topic, then update last_reviewed and next_review_due")
    elif state == "due soon":
        collector.warning(meta.field_span("next_review_due"), "review.due-soon",
                          f"the review is due on {meta.next_review_due.isoformat()}")


def worst_case_clinic() -> Clinic:
    """A clinic profile with every setting as long as a profile may make it, a logo and a QR
    code: page limits measured with it hold for every clinic's profile."""
    import io  # noqa: PLC0415

    from PIL import Image  # noqa: PLC0415 - ReportLab's own image library

    from .clinic import worst_case  # noqa: PLC0415

    logo = io.BytesIO()
    Image.new("RGB", (300, 100), "#1c4a73").save(logo, "PNG")
    return worst_case(logo.getvalue())


# each variant is drawn on both paper sizes, and in large print on A4
PRINTS = ((PageSize.A4, False), (PageSize.LETTER, False), (PageSize.A4, True))


def _print(variant: VariantReport, library: Library, topic: TopicSource, audience: Audience,
           clinic: Clinic, collector: Collector) -> None:
    """Pages, text sizes, fonts, margins and paper, from what was drawn: the handout on each
    paper size, and its large-print copy on A4."""
    for size, large_print in PRINTS:
        job = Job((topic.meta.id,), audience, variant.language, size, large_print=large_print)
        try:
            rendered = renderer("pdf")(compose(library, job, clinic), library.theme,
                                       job.render_options(clinic.accent))
        except HandoutsError as error:
            variant.fail()
            collector.extend(error.diagnostics)
            return
        copy = f"{size.value}{' large print' if large_print else ''}"
        variant.printed.append((topic.meta.span, f"{audience.value}: the PDF on {copy}", rendered.data))
        for problem in _print_problems(variant, topic, rendered, library, size, large_print):
            variant.fail()
            collector.error(topic.meta.span, problem[0], f"{audience.value}: {problem[1]}")


def _print_problems(variant: VariantReport, topic: TopicSource, rendered, library: Library, size: PageSize,
                    large_print: bool) -> list[tuple[str, str]]:
    from .render.theme import build_theme  # noqa: PLC0415

    facts = rendered.facts
    copy = f"{size.value}{' large print' if large_print else ''}"
    problems = []
    if large_print:
        variant.smallest_large_print = facts.smallest_text
        variant.pages[f"{size.value}-large-print"] = facts.pages
        if facts.smallest_text < MIN_LARGE_PRINT_SIZE:
            problems.append(("print.text-size", f"large print has text at {facts.smallest_text:g} pt; every "
                             f"character must be at least {MIN_LARGE_PRINT_SIZE:g} pt"))
    else:
        variant.pages[size.value] = facts.pages
        if facts.smallest_body_text < MIN_BODY_SIZE:
            problems.append(("print.text-size", f"text at {facts.smallest_body_text:g} pt on {size.value}; "
                             f"body text must be at least {MIN_BODY_SIZE:g} pt"))
    unembedded = sorted(name for name, embedded in facts.fonts if not embedded)
    if unembedded:
        problems.append(("print.font", f"fonts not embedded on {copy}: {', '.join(unembedded)}"))
    limit = (LARGE_PRINT_MAX_PAGES if large_print else MAX_PAGES).get(topic.meta.kind, 2)
    if facts.pages > limit:
        fix = ("this is a fault in the shipped handouts, not in your profile: please report it"
               if is_shipped(topic.meta.span.path) else "shorten the text")
        problems.append(("print.pages", f"{facts.pages} pages on {copy}, more than the {limit} allowed for "
                         f"a {topic.meta.kind}; {fix}"))
    margin = build_theme(library.theme, large_print=large_print).margin
    problems.extend(("print.layout", f"on {copy}, page {problem.page}: {problem.message}")
                    for problem in drawn.problems(rendered.data, margin))
    return problems


def _check_printed(variant: VariantReport, collector: Collector) -> None:
    """Every print of a variant against PDF/UA-1 (about 10 ms each). In the main process: the
    validator's threads do not survive a fork, so worker processes never start it."""
    for span, what, data in variant.printed:
        for failure in pdfua.failures(data):
            variant.fail()
            collector.error(span, "print.pdfua", f"{what} fails PDF/UA-1 rule {failure.rule}: {failure.message}")
    variant.printed.clear()


def _check_packets(library: Library, jobs: list[Job], documents: list, collector: Collector) -> None:
    """The preset packets, rendered once each (A4; their topics are checked on every print above),
    against PDF/UA-1."""
    render = renderer("pdf")
    for job, document in zip(jobs, documents):
        packet = library.packets.get(job.packet or "")
        try:
            data = render(document, library.theme, job.render_options()).data
        except HandoutsError as error:
            collector.extend(error.diagnostics)
            continue
        for failure in pdfua.failures(data):
            collector.error(packet.span if packet else None, "print.pdfua",
                            f"packet '{job.packet}' ({job.audience.value}, {job.language}) fails PDF/UA-1 rule "
                            f"{failure.rule}: {failure.message}")


def check_contrast(theme_data: ThemeSource, collector: Collector) -> None:
    """Text colours against the page and the boxes they are printed on (WCAG 1.4.3)."""
    from .render.theme import build_theme  # noqa: PLC0415

    theme = build_theme(theme_data)
    pairs = [(name, style.textColor, WHITE) for name, style in theme.styles.items()]
    for kind, box in theme.boxes.items():
        if box.background is not None:
            for part in (box.title, box.body):
                pairs.append((f"{part.name} in box '{kind}'", part.textColor, box.background.rgb()))
    for name, text_color, background in pairs:
        ratio = contrast(text_color.rgb(), background)
        if ratio < MIN_CONTRAST:
            collector.error(SourceSpan("theme.yaml"), "print.contrast",
                            f"text style '{name}' has contrast {ratio:.1f}:1, under {MIN_CONTRAST}:1; darken it")


# --- across languages ------------------------------------------------------------------


def _shape(topic: TopicSource) -> dict[str, Any]:
    parts = split_parts(select(topic.blocks, topic.meta.audiences[0]))
    sections = sum(1 for block in walk(parts["body"]) if isinstance(block, Heading) and block.level == 2)
    return {"audiences": set(topic.meta.audiences), "references": set(topic.meta.references),
            "parts": {name for name, blocks in parts.items() if name != "body" and blocks},
            "sections": sections}


def check_translations_current(library: Library, collector: Collector) -> None:
    """A translation of an older version of its English source is out of date."""
    for (topic_id, _), topic in sorted(library.topics.items()):
        translation, source = topic.meta.translation, library.topics.get((topic_id, SOURCE_LANGUAGE))
        if translation is None or source is None or translation.source_version == source.meta.version:
            continue
        collector.error(topic.meta.field_span("translated_from"), "translation.stale",
                        f"translated from version {translation.source_version} of {source.meta.span.path}, "
                        f"which is now version {source.meta.version}; bring the translation up to date, "
                        f"then set translated_from: \"{source.meta.version}\"")


def check_parity(library: Library, collector: Collector) -> None:
    by_topic: dict[str, list[TopicSource]] = {}
    for (topic_id, _), topic in sorted(library.topics.items()):
        by_topic.setdefault(topic_id, []).append(topic)
    for versions in by_topic.values():
        if len(versions) < 2:
            continue
        reference = next((t for t in versions if t.meta.language == SOURCE_LANGUAGE), versions[0])
        want = _shape(reference)
        for other in versions:
            if other is reference:
                continue
            got = _shape(other)
            where, base = other.meta.span, reference.meta.span.path
            if got["audiences"] != want["audiences"]:
                collector.error(other.meta.field_span("audiences"), "parity.audiences",
                                f"serves {sorted(a.value for a in got['audiences'])} but {base} serves "
                                f"{sorted(a.value for a in want['audiences'])}; make them the same")
            if got["references"] != want["references"]:
                collector.error(other.meta.field_span("references"), "parity.references",
                                f"references differ from {base}: missing {sorted(want['references'] - got['references'])}, "
                                f"extra {sorted(got['references'] - want['references'])}")
            missing_parts = want["parts"] - got["parts"]
            if missing_parts or got["sections"] != want["sections"]:
                collector.error(where, "parity.sections",
                                f"has {got['sections']} sections (## headings) and parts {sorted(got['parts'])}; "
                                f"{base} has {want['sections']} and {sorted(want['parts'])}; translate every section")


# --- the whole check ---------------------------------------------------------------------


def check_variant(library: Library, topic: TopicSource, audience: Audience, today: dt.date,
                  glossary: list[Term], forbidden: ForbiddenList, clinic: Clinic,
                  collector: Collector) -> VariantReport:
    meta = topic.meta
    variant = VariantReport(meta.id, audience.value, meta.language, str(meta.span), meta.kind)
    blocks = topic_variant(topic, audience)
    units = text_units(blocks)
    variant.readability = score(units, meta.language)
    variant.words = variant.readability.words
    skip = frozenset(word.lower() for t in glossary for form in (t.name, *t.forms) for word in form.split())
    variant.readability_without_glossary = score(units, meta.language, skip_words=skip)
    _review(variant, topic, today, collector)
    _forbidden(variant, blocks, forbidden, collector)
    if audience.is_patient:
        _reading(variant, collector, meta.span)
        body = blocks[2:]  # after the title and main message
        _glossary(variant, body, glossary, collector)
        if not any(isinstance(i, Citation) for i, _ in walk_inlines(blocks)):
            variant.fail()
            collector.error(meta.span, "reference.none",
                            f"{audience.value}: cites no reference; cite the evidence with [@key]")
        try:
            _pemat(variant, compose(library, Job((meta.id,), audience, meta.language)), collector, meta.span)
        except HandoutsError as error:
            collector.extend(error.diagnostics)
    else:
        variant.notes.append("clinician summary: exempt from reading-level and PEMAT limits")
    _print(variant, library, topic, audience, clinic, collector)
    return variant


@dataclass(frozen=True)
class _CheckContext:
    """What every variant's check needs; handed to worker processes once, when they start."""

    library: Library
    today: dt.date
    glossaries: dict[str, list[Term]]
    forbidden: dict[str, ForbiddenList]
    clinic: Clinic


_CONTEXT: list[_CheckContext] = []  # set in each worker by _start_worker, never before forking


def _start_worker(context: _CheckContext) -> None:
    _CONTEXT.append(context)


def _check_one(key: tuple[str, str], audience: Audience,
               context: _CheckContext | None = None) -> tuple[VariantReport, list[Diagnostic]]:
    context = context or _CONTEXT[0]
    collector = Collector()
    topic = context.library.topics[key]
    variant = check_variant(context.library, topic, audience, context.today, context.glossaries[key[1]],
                            context.forbidden[key[1]], context.clinic, collector)
    return variant, collector.diagnostics


def _check_variants(context: _CheckContext, work: list[tuple[tuple[str, str], Audience]],
                    workers: int) -> list[tuple[VariantReport, list[Diagnostic]]]:
    """Each variant on its own, spread over `workers` processes (one is quickest for a few)."""
    if workers <= 1 or len(work) < 4:
        return [_check_one(key, audience, context) for key, audience in work]
    import multiprocessing  # noqa: PLC0415
    from concurrent.futures import ProcessPoolExecutor  # noqa: PLC0415

    from .readability import warm_up as warm_up_reading  # noqa: PLC0415
    from .render.theme import build_theme  # noqa: PLC0415

    warm_up_reading()  # load the syllable dictionary and fonts once; forked workers inherit them
    build_theme(context.library.theme)

    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork"),
                             initializer=_start_worker, initargs=(context,)) as pool:
        futures = [pool.submit(_check_one, key, audience) for key, audience in work]
        return [future.result() for future in futures]


def check_library(library: Library, today: dt.date | None = None, clinic: Clinic | None = None,
                  workers: int | None = None, topics: Collection[str] | None = None) -> Report:
    """Every measure for every variant (of `topics`, else all); print checks use `clinic`,
    else `worst_case_clinic()`. Variants are checked in `workers` processes (default: one per core)."""
    import os  # noqa: PLC0415

    pdfua.require()
    collector = Collector()
    collector.extend(list(library.warnings))
    context = _CheckContext(
        library, today or dt.date.today(),
        {lang: read_glossary(library, lang, collector) for lang in library.languages()},
        {lang: read_forbidden(library, lang, collector) for lang in library.languages()},
        clinic or worst_case_clinic())
    work = [(key, audience) for key, topic in sorted(library.topics.items()) for audience in topic.meta.audiences
            if topics is None or key[0] in topics]
    variants = []
    for variant, diagnostics in _check_variants(context, work, workers or os.cpu_count() or 1):
        variants.append(variant)
        collector.extend(diagnostics)
        _check_printed(variant, collector)
    check_parity(library, collector)
    check_translations_current(library, collector)
    check_contrast(library.theme, collector)
    try:
        request = BuildRequest(languages=tuple(library.languages()), include_preset_packets=True)
        packet_jobs = [job for job in plan(library, request) if job.packet]
        packets = compose_all(library, packet_jobs)
    except HandoutsError as error:
        collector.extend(error.diagnostics)
    else:
        _check_packets(library, packet_jobs, packets, collector)
    return Report(variants, collector.diagnostics)
