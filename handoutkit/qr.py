"""QR codes for a handout's URL, as SVG data URIs the renderer can embed without fetching anything."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from typing import TYPE_CHECKING

import segno

if TYPE_CHECKING:
    from .cache import Store

_store: Store | None = None


def keep_in(store: Store | None) -> None:
    """Keep encoded codes in the build cache: choosing a code's mask is slow, and URLs rarely change."""
    global _store
    _store = store


@lru_cache(maxsize=1024)  # a handout and its card print the same code
def qr_data_uri(url: str, color: str = "#000000") -> str:
    """A crisp, print-safe QR code (medium error correction, 4-module quiet zone)."""
    key = hashlib.sha256(f"qr 1\0{segno.__version__}\0{url}\0{color}".encode()).hexdigest()
    if _store is not None and (entry := _store.get(key)):
        return entry.data.decode("utf-8")
    code = segno.make(url, error="m", micro=False)
    uri = code.svg_data_uri(dark=color, light=None, border=4, scale=1, omitsize=True)
    if _store is not None:
        from .cache import Entry

        _store.put(key, Entry(uri.encode("utf-8"), 0))
    return uri
