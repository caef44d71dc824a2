"""Summary cards placed several to a sheet, with crop marks to cut along."""

from __future__ import annotations

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
    """One PDF: the rendered crop-mark pages with the cards, in order, placed in their slots.

    Each card page becomes a form XObject drawn at its slot; unlike merging pages, this copies the
    card's content stream as it is instead of parsing it, which keeps a sheet of dozens of cards quick.
    """
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, FloatObject, NameObject

    slots = layout.slots
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(marks)))
    drawn: dict[int, list[bytes]] = {}
    for i, data in enumerate(cards):
        page_no = i // len(slots)
        x, y, w, h = slots[i % len(slots)]
        card = PdfReader(io.BytesIO(data)).pages[0]
        box = card.mediabox
        content = card["/Contents"].get_object()
        if isinstance(content, ArrayObject):  # several streams: join them, decoded
            form = DecodedStreamObject()
            form.set_data(card.get_contents().get_data())
        else:
            form = content.clone(writer)
        form.update({
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): ArrayObject(FloatObject(v) for v in (box.left, box.bottom, box.right,
                                                                      box.top)),
            NameObject("/Resources"): card["/Resources"].get_object().clone(writer),
        })
        name = f"/Card{i + 1}"
        page = writer.pages[page_no]
        resources = page.setdefault(NameObject("/Resources"), DictionaryObject()).get_object()
        xobjects = resources.setdefault(NameObject("/XObject"), DictionaryObject()).get_object()
        xobjects[NameObject(name)] = writer._add_object(form)  # streams must be indirect objects
        tx, ty = x - float(box.left), layout.height - y - h - float(box.bottom)
        drawn.setdefault(page_no, []).append(b"q 1 0 0 1 %.4f %.4f cm %s Do Q" % (tx, ty, name.encode()))
    for page_no, operations in drawn.items():
        page = writer.pages[page_no]
        # Wrap the crop marks in q/Q: their stream leaves its own transformation in place.
        before, after = DecodedStreamObject(), DecodedStreamObject()
        before.set_data(b"q\n")
        after.set_data(b"\nQ\n" + b"\n".join(operations) + b"\n")
        page[NameObject("/Contents")] = ArrayObject([writer._add_object(before), page["/Contents"],
                                                     writer._add_object(after)])
    writer.add_metadata({"/Title": f"{site.name}: summary cards", "/Author": site.name})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
