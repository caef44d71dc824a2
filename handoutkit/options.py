"""Render options that change a PDF's bytes, importable without WeasyPrint (cache keys include them)."""

from __future__ import annotations

import os

# Font subsets carry a "modified" time; fontTools reads it from SOURCE_DATE_EPOCH, so identical
# inputs give identical bytes.
DEFAULT_SOURCE_DATE_EPOCH = "1767225600"  # 2026-01-01

PDF_OPTIONS = {"pdf_variant": "pdf/ua-1", "pdf_tags": True, "custom_metadata": False}


def source_date_epoch() -> str:
    """The timestamp the renderer will use: the environment's, or the project's default."""
    return os.environ.get("SOURCE_DATE_EPOCH", DEFAULT_SOURCE_DATE_EPOCH)
