"""Summary cards placed several to a sheet, with crop marks to cut along."""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .brand import Site
    from .layouts import Filled, Layouts

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


@dataclass(frozen=True)
class SheetLayout:
    """Where the cards go: the crop-mark pages (filled, to render) and the slot of each card on them."""

    marks: Filled
    slots: list[tuple[float, float, float, float]]
    height: float


def sheet_layout(count: int, site: Site, layouts: Layouts) -> SheetLayout:
    """The crop-mark pages for count cards, as many to a page as fit."""
    sheet = tuple(points(x) for x in site.page_size)
    card = tuple(points(x) for x in site.card_size)
    slots = grid(sheet, card)
    pages = -(-count // len(slots))
    return SheetLayout(layouts.sheet_marks(slots, sheet, site.settings.language, pages), slots, sheet[1])


def place_cards(marks: bytes, cards: list[bytes], layout: SheetLayout, site: Site) -> bytes:
    """One PDF: the rendered crop-mark pages with the cards, in order, each drawn in its slot.

    Each card page becomes a form XObject, so its content is copied as it is, never parsed.
    """
    import pikepdf

    from .overlay import draw

    pdf = pikepdf.Pdf.open(io.BytesIO(marks))
    slots = layout.slots
    for i, data in enumerate(cards):
        x, y, w, h = slots[i % len(slots)]
        card = pikepdf.Pdf.open(io.BytesIO(data))
        xobject = pdf.copy_foreign(card.pages[0].as_form_xobject())
        bottom = layout.height - y - h
        draw(pdf, pdf.pages[i // len(slots)], xobject, f"Card{i + 1}", pikepdf.Rectangle(x, bottom, x + w, bottom + h))
    pdf.docinfo["/Title"] = f"{site.name}: summary cards"
    pdf.docinfo["/Author"] = site.name
    buffer = io.BytesIO()
    pdf.save(buffer, deterministic_id=True)
    return buffer.getvalue()


def card_sheet(cards: list[bytes], site: Site, layouts: Layouts, renderer) -> bytes:
    """A sheet of the given cards, rendered with renderer; kept in memory, since packets ask again."""
    layout = sheet_layout(len(cards), site, layouts)
    key = hashlib.sha256("\0".join([layout.marks.html, *layout.marks.css]).encode())
    for data in cards:
        key.update(hashlib.sha256(data).digest())
    if key.hexdigest() not in _SHEETS:
        folder = site.root / "layouts"
        marks, _ = renderer.pdf(layout.marks.html, layout.marks.css, folder, folder / "card-sheet.html",
                                "cards-sheet")
        if len(_SHEETS) > 64:
            _SHEETS.clear()
        _SHEETS[key.hexdigest()] = place_cards(marks, cards, layout, site)
    return _SHEETS[key.hexdigest()]
