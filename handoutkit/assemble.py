"""Packet PDFs: a cover, then the handouts' own PDFs in order, blank backs for duplex, and small overlays."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject, TextStringObject

from .brand import Site
from .content import Handout
from .layouts import Layouts
from .packets import Packet, Personal


@dataclass(frozen=True)
class Part:
    """One handout of a packet, already rendered (from the cache or this build)."""

    handout: Handout
    pdf: bytes
    overdue_since: dt.date | None = None


@dataclass(frozen=True)
class Placed:
    title: str
    start: int  # 1-based page of the packet
    reader: PdfReader
    overdue_since: dt.date | None


def _place(parts: list[Part], cards: bytes | None, cards_title: str, duplex: bool) -> tuple[list[Placed], int]:
    """Where each part starts: the cover is page 1; in duplex every part starts on an odd page."""
    placed, page = [], 1 + (1 if duplex else 0)  # after the cover (and its blank back)
    items = [(p.handout.title, p.pdf, p.overdue_since) for p in parts]
    if cards:
        items.append((cards_title, cards, None))
    for title, data, overdue in items:
        reader = PdfReader(io.BytesIO(data))
        placed.append(Placed(title, page + 1, reader, overdue))
        page += len(reader.pages)
        if duplex and page % 2:
            page += 1
    return placed, page


def assemble(packet: Packet, parts: list[Part], cards: bytes | None, site: Site, layouts: Layouts, renderer,
             personal: Personal, duplex: bool) -> bytes:
    """The packet as one PDF; personal details go on the cover and in a small line on every page."""
    t = layouts.labels_for(site.settings.language)
    placed, total = _place(parts, cards, t["summary_cards"], duplex)
    overdue = [p for p in placed if p.overdue_since]
    filled = layouts.packet_cover(packet, placed, personal, overdue)
    data, _ = renderer.pdf(filled.html, filled.css, site.root / "layouts", site.root / "layouts" / "packet-cover.html",
                           "packet")
    extras = PdfReader(io.BytesIO(data)).pages
    cover, blank, stamp = extras[0], extras[1], extras[2] if personal else None
    marks = {id(p): extras[3 + i] for i, p in enumerate(overdue)}

    writer = PdfWriter()

    def add(page, *overlays):
        added = writer.add_page(page)
        for overlay in overlays:
            if overlay is not None:
                added.merge_page(overlay)
        return added

    def add_blank():
        box = cover.mediabox
        added = writer.add_blank_page(box.width, box.height)
        for overlay in (blank, stamp):
            if overlay is not None:
                added.merge_page(overlay)

    add(cover, stamp)
    if duplex:
        add_blank()
    for part in placed:
        first = len(writer.pages)
        for page in part.reader.pages:
            add(page, stamp, marks.get(id(part)))
        writer.add_outline_item(part.title, first)
        if duplex and len(writer.pages) % 2:
            add_blank()
    assert len(writer.pages) == total
    writer.add_metadata({"/Title": packet.title, "/Author": site.name, "/Subject": packet.description or packet.title})
    writer._root_object[NameObject("/Lang")] = TextStringObject(site.settings.language)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
