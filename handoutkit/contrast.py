"""Colour contrast (WCAG 2 1.4.3) of every text/background pair of brand colours the layouts print."""

from __future__ import annotations

import re
from dataclasses import dataclass

BODY_MINIMUM = 4.5  # WCAG 1.4.3, normal text
LARGE_MINIMUM = 3.0  # WCAG 1.4.3, large text: 18 pt, or 14 pt bold

# The pairs the stylesheets use, as (what, text colour, background colour, large text?, where).
# Colours are brand.yml names (--brand-NAME in the CSS). Text under 14 pt bold counts as normal text.
PAIRS = (
    ("body text", "foreground", "background", False,
     "handout.css html, blockquote, .page-footer .contact, .qr .url; card.css html"),
    ("headings, links and table headers", "primary", "background", False,
     "handout.css h1-h4 (h3 is 13.5 pt), a, th, .masthead .clinic; card.css h1, .card-head .clinic"),
    ("subtitle, footer, page numbers, captions and sources", "secondary", "background", False,
     "handout.css .subtitle, .masthead .kind, .page-footer, @bottom-right, .qr figcaption, .sources ol; "
     "card.css h2, .qr figcaption"),
    ("key points text", "foreground", "light", False, "handout.css .key-points (background: light)"),
    ("key points heading", "primary", "light", False, "handout.css .key-points h2 (13 pt bold)"),
    ("card call to action", "background", "primary", False, "card.css .cta (10.5 pt)"),
)
_HEX = re.compile(r"^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")


@dataclass(frozen=True)
class Contrast:
    """One text/background pair, its ratio and the minimum it is held to."""

    name: str
    text: str  # brand colour name
    background: str
    text_color: str | None  # "#RRGGBB", or None when the brand does not define it as a hex colour
    background_color: str | None
    large: bool
    where: str
    ratio: float | None

    @property
    def minimum(self) -> float:
        return LARGE_MINIMUM if self.large else BODY_MINIMUM

    @property
    def passes(self) -> bool | None:
        return None if self.ratio is None else self.ratio >= self.minimum


def parse_hex(color: str) -> tuple[int, int, int] | None:
    """(r, g, b) of '#RGB' or '#RRGGBB'; None for anything else."""
    match = _HEX.match(color.strip())
    if not match:
        return None
    digits = match.group(1)
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)


def luminance(rgb: tuple[int, int, int]) -> float:
    """WCAG relative luminance of an sRGB colour."""
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def ratio(text: str, background: str) -> float | None:
    """WCAG contrast ratio of two hex colours (1 to 21), unrounded; None if either is not hex."""
    a, b = parse_hex(text), parse_hex(background)
    if a is None or b is None:
        return None
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def brand_pairs(colors: dict[str, str]) -> list[Contrast]:
    """Every pair in PAIRS whose two colours the brand defines."""
    pairs = []
    for name, text, background, large, where in PAIRS:
        if text not in colors or background not in colors:
            continue
        fg, bg = colors[text], colors[background]
        hex_fg = fg.upper() if parse_hex(fg) else None
        hex_bg = bg.upper() if parse_hex(bg) else None
        pairs.append(Contrast(name, text, background, hex_fg, hex_bg, large, where, ratio(fg, bg)))
    return pairs
