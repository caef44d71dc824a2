"""QR codes for a handout's URL, as SVG data URIs the renderer can embed without fetching anything."""

from __future__ import annotations

from functools import lru_cache

import segno


@lru_cache(maxsize=1024)  # a handout and its card print the same code; choosing its mask is slow
def qr_data_uri(url: str, color: str = "#000000") -> str:
    """A crisp, print-safe QR code (medium error correction, 4-module quiet zone)."""
    code = segno.make(url, error="m", micro=False)
    return code.svg_data_uri(dark=color, light=None, border=4, scale=1, omitsize=True)
