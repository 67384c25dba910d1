"""The quality gate behind `handouts check`: measures every topic variant.

Content validation (schema, references, markup) already happened when the
library was read; this module composes every document (so template problems
show up) and measures what a reader will read against the hard limits and
aims of shared/standards.md.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from .build import BuildRequest, compose_all, plan
from .errors import Collector, Diagnostic, HandoutsError, SourceSpan
from .model import Audience, Library
from .readability import Scores, score, text_units
from .validate import topic_variant

# measure -> (hard limit, aim, True if higher is better)
LIMITS: dict[str, dict[str, tuple[float, float, bool]]] = {
    "en": {"flesch_kincaid": (8, 6, False), "smog": (10, 8, False), "reading_ease": (60, 70, True)},
    "fr": {"kandel_moles": (60, 70, True)},
    "es": {"fernandez_huerta": (60, 70, True)},
}


@dataclass
class VariantReport:
    topic: str
    audience: str
    language: str
    path: str
    scores: Scores | None
    status: str = "pass"  # pass, aim (meets limits, misses an aim) or fail
    notes: list[str] = field(default_factory=list)


@dataclass
class Report:
    variants: list[VariantReport]
    diagnostics: list[Diagnostic]

    @property
    def failed(self) -> bool:
        return any(d.severity.value == "error" for d in self.diagnostics)

    def as_json(self) -> dict[str, Any]:
        return {
            "passed": not self.failed,
            "variants": [{**asdict(v), "scores": asdict(v.scores) if v.scores else None}
                         for v in self.variants],
            "diagnostics": [{"location": str(d.span) if d.span else None, "severity": d.severity.value,
                             "code": d.code, "message": d.message} for d in self.diagnostics],
        }


def _judge(variant: VariantReport, collector: Collector, span: SourceSpan) -> None:
    limits = LIMITS.get(variant.language, {})
    for measure, (limit, aim, higher_is_better) in limits.items():
        value = getattr(variant.scores, measure)
        fails = value < limit if higher_is_better else value > limit
        misses_aim = value < aim if higher_is_better else value > aim
        label = measure.replace("_", " ")
        if fails:
            variant.status = "fail"
            collector.error(span, f"readability.{measure}",
                            f"{variant.audience}: {label} is {value}, past the limit of {limit}; "
                            "use shorter sentences and everyday words")
        elif misses_aim and variant.status == "pass":
            variant.status = "aim"
            variant.notes.append(f"{label} {value} (aim {aim})")


def check_library(library: Library) -> Report:
    collector = Collector()
    collector.extend(list(library.warnings))
    variants: list[VariantReport] = []
    for (topic_id, language), topic in sorted(library.topics.items()):
        for audience in topic.meta.audiences:
            blocks = topic_variant(topic, audience, collector)
            scores = score(text_units(blocks), language)
            variant = VariantReport(topic_id, audience.value, language, str(topic.meta.span), scores)
            if audience is Audience.CLINICIANS:
                variant.notes.append("clinician summary: exempt from reading-level limits")
            else:
                _judge(variant, collector, topic.meta.span)
            variants.append(variant)
    request = BuildRequest(languages=tuple(library.languages()), include_preset_packets=True)
    try:
        compose_all(library, plan(library, request))
    except HandoutsError as error:
        collector.extend(error.diagnostics)
    return Report(variants, collector.diagnostics)
