"""Colour contrast (WCAG 2.x), shared by the profile reader and the quality gate."""

from __future__ import annotations

RGB = tuple[float, float, float]
WHITE: RGB = (1.0, 1.0, 1.0)


def hex_to_rgb(hex_colour: str) -> RGB:
    return (int(hex_colour[1:3], 16) / 255, int(hex_colour[3:5], 16) / 255, int(hex_colour[5:7], 16) / 255)


def luminance(rgb: RGB) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = map(channel, rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(first: RGB, second: RGB) -> float:
    high, low = sorted((luminance(first), luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)
