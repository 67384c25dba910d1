"""Pages the desk and the static site share: the online copy of a handout (the web edition
with links to its PDFs and its other languages), a language's index, and a problem page.

The web edition itself is `handouts.html`; this module only adds the links around it.
Fixed words come from the `web:` section of strings.<lang>.yaml, word by word from
strings.en.yaml where a translation lacks one.
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


def words(library: Library, language: str) -> dict[str, str]:
    english = library.strings.get("en", {}).get("web") or {}
    own = library.strings.get(language, {}).get("web") or {}
    name = library.strings.get(language, {}).get("language_name", language)
    return {**english, **own, "language_name": name}


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


def language_name(library: Library, language: str) -> str:
    return words(library, language)["language_name"] if language in library.strings else language


def index_sections(library: Library, language: str) -> list[dict[str, Any]]:
    """For a language's index: each reader with its handouts, by title."""
    sections = []
    for audience in Audience:
        items = sorted(((source.meta.title, topic) for (topic, lang), source in library.topics.items()
                        if lang == language and audience in source.meta.audiences))
        packets = [{"title": p.title_in(language), "id": name} for name, p in sorted(library.packets.items())
                   if audience in p.audiences and all((t, language) in library.topics for t in p.topics)]
        if items:
            sections.append({"audience": audience.value, "items": [{"title": t, "id": i} for t, i in items],
                             "packets": packets})
    return sections
