"""How a reference is written out in a handout's numbered list (Vancouver style, short)."""

from __future__ import annotations

from .model import Reference


def format_reference(ref: Reference, short: bool = False) -> str:
    """Authors. Title. Journal Year;details. doi/PMID. `short` (patient handouts,
    where space is tight) leaves out the title when a DOI or PMID finds the
    paper, and the web address when the title does."""
    show_title = ref.title and not (short and (ref.doi or ref.pmid))
    parts = [ref.authors.rstrip(".") + "." if ref.authors else "",
             ref.title.rstrip(".") + "." if show_title else ""]
    where = " ".join(x for x in (ref.journal, str(ref.year) if ref.year else "") if x)
    if ref.details:
        where = f"{where};{ref.details}" if where else ref.details
    parts.append(where + "." if where else "")
    if ref.doi:
        parts.append(f"doi:{ref.doi}")
    elif ref.pmid:
        parts.append(f"PMID {ref.pmid}")
    elif ref.url and not (short and ref.title):
        parts.append(ref.url)
    return " ".join(p for p in parts if p)
