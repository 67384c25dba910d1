"""Pages the desk and the static site share: the online copy of a handout (the web edition
with links to its PDFs and its other languages), a language's index, and a problem page.

The web edition itself is `handouts.html`; this module only adds the links around it.
Fixed words come from the `web:` section of strings.<lang>.yaml where a translation
has one, else from the English below.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from ..choices import Audience
from ..model import Library

TEMPLATES = Path(__file__).parent / "templates"
WORDS = {  # English; a language's strings file may give its own under `web:`
    "pdf": "Print this handout (PDF)",
    "large_print_pdf": "Large print (PDF)",
    "other_languages": "This handout in other languages",
    "copies": "Other versions",
    "index_title": "Patient handouts",
    "index_intro": "Every handout, by who it is for. Each has a web page, a PDF to print and a large-print PDF.",
    "all_handouts": "All handouts in this language",
    "languages": "Languages",
    "parents": "For parents",
    "adults": "For adults",
    "clinicians": "For clinicians",
    "packets": "Packets",
    "language_name": "English",
}


def words(library: Library, language: str) -> dict[str, str]:
    own = library.strings.get(language, {}).get("web") or {}
    return {**WORDS, **{k: str(v) for k, v in own.items() if isinstance(v, (str, int))}}


@cache
def environment():
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape  # noqa: PLC0415

    return Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True),
                       undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def render(template: str, **context: Any) -> str:
    return environment().get_template(template).render(**context)


def asset(name: str) -> str:
    """A stylesheet or script, as written (not a template)."""
    return (TEMPLATES / name).read_text(encoding="utf-8")


@dataclass(frozen=True)
class Link:
    label: str
    href: str
    lang: str = ""


def online_page(web_edition: bytes, copies: Sequence[Link], languages: Sequence[Link], library: Library,
                language: str, extra_head: str = "") -> bytes:
    """The web edition with a short list of links (its PDFs, other languages) before the handout."""
    text = web_edition.decode("utf-8")
    said = words(library, language)
    nav = render("copies.html", copies=copies, languages=languages, words=said)
    marker = "\n<main>"
    if marker not in text:  # the web edition changed shape: fail loudly rather than drop the links
        raise RuntimeError("the web edition has no <main> element to put the links before")
    text = text.replace(marker, f"\n{nav}{marker}", 1)
    style = asset("copies.css")
    text = text.replace("</head>", f"<style>\n{style}</style>\n{extra_head}</head>", 1)
    return text.encode("utf-8")


def topic_languages(library: Library, topic: str, audience: Audience) -> list[str]:
    """Every language this topic is written in for this reader."""
    return sorted(lang for (t, lang), source in library.topics.items()
                  if t == topic and audience in source.meta.audiences)


def language_name(library: Library, language: str) -> str:
    return words(library, language)["language_name"] if language in library.strings else language


def index_sections(library: Library, language: str) -> list[dict[str, Any]]:
    """For a language's index: each reader with its handouts, by title."""
    sections = []
    for audience in Audience:
        items = sorted(((source.meta.title, topic) for (topic, lang), source in library.topics.items()
                        if lang == language and audience in source.meta.audiences))
        packets = [{"title": p.title, "id": name} for name, p in sorted(library.packets.items())
                   if audience in p.audiences and all((t, language) in library.topics for t in p.topics)]
        if items:
            sections.append({"audience": audience.value, "items": [{"title": t, "id": i} for t, i in items],
                             "packets": packets})
    return sections
