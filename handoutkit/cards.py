"""Summary cards placed several to a sheet, with crop marks to cut along."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader, PdfWriter, Transformation

from .brand import Site
from .layouts import Layouts

PT = {"in": 72.0, "mm": 72.0 / 25.4, "pt": 1.0}
EDGE = 0.5 * 72  # room for crop marks, well inside the printer's unprintable 0.25 in edge
GAP = 0.25 * 72  # space between cards, so each has its own cut lines


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
    layout = site.root / "layouts"
    marks, _ = renderer.pdf(filled.html, filled.css, layout, layout / "card-sheet.html", "cards-sheet")
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(marks)))
    for i, data in enumerate(cards):
        page = writer.pages[i // len(slots)]
        x, y, w, h = slots[i % len(slots)]
        card_page = PdfReader(io.BytesIO(data)).pages[0]
        page.merge_transformed_page(card_page, Transformation().translate(x, sheet[1] - y - h))
    writer.add_metadata({"/Title": f"{site.name}: summary cards", "/Author": site.name})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
