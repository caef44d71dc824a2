"""Summary cards placed several to a sheet, with crop marks to cut along."""

from __future__ import annotations

import hashlib
import io
import re

import pikepdf

from .brand import Site
from .layouts import Layouts

PT = {"in": 72.0, "mm": 72.0 / 25.4, "pt": 1.0}
EDGE = 0.5 * 72  # room for crop marks, well inside the printer's unprintable 0.25 in edge
GAP = 0.25 * 72  # space between cards, so each has its own cut lines
_SHEETS: dict[str, bytes] = {}  # finished sheets by a hash of everything in them: packets reuse them


def points(length: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(in|mm|pt)", length).groups()
    return float(number) * PT[unit]


def grid(sheet: tuple[float, float], card: tuple[float, float]) -> list[tuple[float, float, float, float]]:
    """Slots (x, y from the top-left, width, height) for as many cards as fit, centred on the sheet."""
    (sw, sh), (cw, ch) = sheet, card
    cols = max(1, int((sw - 2 * EDGE + GAP) // (cw + GAP)))
    rows = max(1, int((sh - 2 * EDGE + GAP) // (ch + GAP)))
    x0 = (sw - (cols * cw + (cols - 1) * GAP)) / 2
    y0 = (sh - (rows * ch + (rows - 1) * GAP)) / 2
    return [(x0 + c * (cw + GAP), y0 + r * (ch + GAP), cw, ch) for r in range(rows) for c in range(cols)]


def card_sheet(cards: list[bytes], site: Site, layouts: Layouts, renderer) -> bytes:
    """One PDF: the cards in order, as many to a page as fit, over pages with crop marks."""
    sheet = tuple(points(x) for x in site.page_size)
    card = tuple(points(x) for x in site.card_size)
    slots = grid(sheet, card)
    pages = -(-len(cards) // len(slots))
    filled = layouts.sheet_marks(slots, sheet, site.settings.language, pages)
    key = hashlib.sha256("\0".join([filled.html, *filled.css]).encode())
    for data in cards:
        key.update(hashlib.sha256(data).digest())
    if key.hexdigest() in _SHEETS:
        return _SHEETS[key.hexdigest()]
    folder = site.root / "layouts"
    marks, _ = renderer.pdf(filled.html, filled.css, folder, folder / "card-sheet.html", "cards-sheet")
    pdf = pikepdf.Pdf.open(io.BytesIO(marks))
    for i, data in enumerate(cards):
        x, y, w, h = slots[i % len(slots)]
        card_pdf = pikepdf.Pdf.open(io.BytesIO(data))
        xobject = pdf.copy_foreign(card_pdf.pages[0].as_form_xobject())
        bottom = sheet[1] - y - h
        pdf.pages[i // len(slots)].add_overlay(xobject, pikepdf.Rectangle(x, bottom, x + w, bottom + h))
    pdf.docinfo["/Title"] = f"{site.name}: summary cards"
    pdf.docinfo["/Author"] = site.name
    buffer = io.BytesIO()
    pdf.save(buffer, deterministic_id=True)
    if len(_SHEETS) > 64:
        _SHEETS.clear()
    _SHEETS[key.hexdigest()] = buffer.getvalue()
    return buffer.getvalue()
