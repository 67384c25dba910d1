"""Named styles of the theme data, each merged with the style it names as `parent`.

Plain data, shared by the PDF renderer (which makes ReportLab styles of it)
and the web page (which makes CSS of it).
"""

from __future__ import annotations

from typing import Any


class ThemeError(ValueError):
    """The theme data is inconsistent (an unknown parent, colour or font)."""


def resolve_styles(data: dict[str, dict[str, Any] | None]) -> dict[str, dict[str, Any]]:
    """Every style with what it inherits filled in; raise ThemeError on a bad parent."""
    resolved: dict[str, dict[str, Any]] = {}

    def resolve(name: str, seen: tuple[str, ...] = ()) -> dict[str, Any]:
        if name in resolved:
            return resolved[name]
        if name not in data or name in seen:
            raise ThemeError(f"style '{name}' is unknown or inherits from itself")
        own = dict(data[name] or {})
        parent = own.pop("parent", None)
        merged = {**(resolve(parent, (*seen, name)) if parent else {}), **own}
        resolved[name] = merged
        return merged

    return {name: resolve(name) for name in data}
