"""The words of composed handouts, as plain JSON data for the floor (`floor.py`).

Run once by `run.py` before any timing: it composes every handout of the
default build through the public API and keeps only what a reader sees (the
words with bold, italics, links and citation numbers as ReportLab markup; the
lists, boxes, tables, references, header and footer), so that the floor draws
the same content without any of the project's code.
"""

from __future__ import annotations

from handouts.citation_style import format_reference
from handouts.model import (
    Callout,
    Citation,
    Contents,
    Document,
    Emphasis,
    Heading,
    LineBreak,
    Link,
    ListBlock,
    Masthead,
    PageBreak,
    Paragraph,
    ReferenceList,
    Strong,
    Table,
    Text,
    plain_text,
)
from handouts.tree import walk


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def markup(inlines, numbers: dict[str, int]) -> str:
    out = []
    for inline in inlines:
        if isinstance(inline, Text):
            out.append(escape(inline.text))
        elif isinstance(inline, Strong):
            out.append(f"<b>{markup(inline.children, numbers)}</b>")
        elif isinstance(inline, Emphasis):
            out.append(f"<i>{markup(inline.children, numbers)}</i>")
        elif isinstance(inline, Link):
            out.append(f'<a href="{escape(inline.target)}" color="#4a4a4a">{markup(inline.children, numbers)}</a>')
        elif isinstance(inline, Citation):
            found = ",\u00a0".join(str(numbers[key]) for key in inline.keys if key in numbers)
            if out:
                out[-1] = out[-1].rstrip()  # the citation brings its own no-break space
            out.append(f'<font color="#4a4a4a">\u00a0[{found}]</font>' if found else "")
        elif isinstance(inline, LineBreak):
            out.append("<br/>")
    return "".join(out)


def blocks(items, document: Document, numbers: dict[str, int]) -> list:
    out: list = []
    for block in items:
        if isinstance(block, Heading):
            out.append(["h", block.level, markup(block.inlines, numbers)])
        elif isinstance(block, Paragraph):
            out.append(["p", markup(block.inlines, numbers)])
        elif isinstance(block, ListBlock):
            entries = []
            for item in block.items:
                first, rest = (item.blocks[0], item.blocks[1:]) if item.blocks else (None, ())
                if isinstance(first, Paragraph):
                    entries.append([markup(first.inlines, numbers), blocks(rest, document, numbers)])
                else:
                    entries.append(["", blocks(item.blocks, document, numbers)])
            out.append(["list", block.kind.value, entries])
        elif isinstance(block, Callout):
            out.append(["box", block.kind, markup(block.title, numbers), blocks(block.blocks, document, numbers)])
        elif isinstance(block, Table):
            out.append(["table", [markup(cell, numbers) for cell in block.header],
                        [[markup(cell, numbers) for cell in row] for row in block.rows]])
        elif isinstance(block, ReferenceList):
            out.append(["refs", [escape(format_reference(ref, block.short)) for ref in document.references]])
        elif isinstance(block, Contents):
            titles = [markup(b.inlines, numbers) for b in walk(document.blocks)
                      if isinstance(b, Heading) and b.level == 1]
            out.append(["contents", titles[1:]])
        elif isinstance(block, PageBreak):
            out.append(["break"])
        elif isinstance(block, Masthead):
            pass  # drawn only with a clinic profile's logo or web address; the default build has neither
        else:
            raise TypeError(f"no floor for {type(block).__name__}")
    return out


def handout(name: str, document: Document) -> dict:
    info = document.info
    return {"name": name, "title": info.title, "header": info.header_text, "footer": escape(info.footer_text),
            "blocks": blocks(document.blocks, document, document.reference_numbers()),
            "words": len(" ".join(plain_text(b.inlines) for b in walk(document.blocks)
                                  if isinstance(b, (Heading, Paragraph))).split())}
