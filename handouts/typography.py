"""Language-specific typography, applied to composed text.

French sets a no-break space before `; ? !` and before a `:` that ends a word,
and inside guillemets; straight or curly double quotes become guillemets. Editors
type French as they would anywhere ("Pourquoi ?" or "Pourquoi?") and get the
same line breaks. The no-break space is U+00A0, not the narrower U+202F, which
the shipped fonts lack. Link words are left alone: they may be an address; so is
text from a clinic's profile (`Verbatim`), which prints as typed.
"""

from __future__ import annotations

import re
from dataclasses import replace

from .model import Block, Emphasis, Inline, Inlines, Link, Strong, Text, Verbatim
from .tree import map_words

NBSP = "\u00a0"
_BEFORE_MARK = re.compile(r"[ \u00a0\u202f]?([;?!]+)(?=\s|$|[»)\]])")
_BEFORE_COLON = re.compile(r"(?<=[^\s\d/])[ \u00a0\u202f]?:(?=\s|$)")
_QUOTED = re.compile(r"[\"“”«]\s*([^\"“”«»]+?)\s*[\"“”»]")
_OPEN_GUILLEMET = re.compile(r"«\s*")
_CLOSE_GUILLEMET = re.compile(r"\s*»")


def french(text: str, after_text: bool = False) -> str:
    """`text` with French spacing; `after_text`: it continues a run that ends in a word."""
    text = _QUOTED.sub(lambda m: f"«{NBSP}{m.group(1)}{NBSP}»", text)
    text = _OPEN_GUILLEMET.sub(f"«{NBSP}", text)
    text = _CLOSE_GUILLEMET.sub(f"{NBSP}»", text)
    text = _BEFORE_MARK.sub(lambda m: _spaced(text, m, after_text), text)
    return _BEFORE_COLON.sub(f"{NBSP}:", text)


def _spaced(text: str, match: re.Match, after_text: bool) -> str:
    marks = match.group(1)
    start = match.start()
    if start == 0 and not after_text:
        return match.group(0)
    if start > 0 and text[start - 1] in "\n«(":
        return match.group(0)
    return NBSP + marks


RULES = {"fr": french}


def typeset(blocks: tuple[Block, ...], language: str) -> tuple[Block, ...]:
    """Every piece of running text set in its language's typography."""
    rule = RULES.get(language)
    if rule is None:
        return blocks
    return tuple(map_words(block, lambda inlines: _inlines(inlines, rule)) for block in blocks)


def typeset_text(text: str, language: str) -> str:
    rule = RULES.get(language)
    return rule(text) if rule else text


def _inlines(inlines: Inlines, rule, after_text: bool = False) -> Inlines:
    out: list[Inline] = []
    for inline in inlines:
        if isinstance(inline, Verbatim):
            out.append(inline)
            after_text = bool(inline.text) and not inline.text[-1].isspace()
        elif isinstance(inline, Text):
            out.append(Text(rule(inline.text, after_text)))
            after_text = bool(inline.text) and not inline.text[-1].isspace()
        elif isinstance(inline, (Strong, Emphasis)):
            out.append(replace(inline, children=_inlines(inline.children, rule, after_text)))
            after_text = True
        else:
            out.append(inline)
            after_text = isinstance(inline, Link) or after_text
    return tuple(out)
