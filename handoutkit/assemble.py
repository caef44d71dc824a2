"""Packet PDFs: a cover, then the handouts' own PDFs in order, blank backs for duplex, and small overlays."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

import pikepdf

from .brand import Site
from .content import Handout
from .layouts import Layouts
from .overlay import draw
from .packets import Packet, Personal


@dataclass(frozen=True)
class Part:
    """One handout of a packet, already rendered (from the cache or this build)."""

    handout: Handout
    pdf: bytes
    overdue_since: dt.date | None = None


@dataclass(frozen=True)
class Placed:
    """A part with the packet page it starts on, as the cover lists it."""

    title: str
    start: int  # 1-based page of the packet
    pdf: pikepdf.Pdf
    overdue_since: dt.date | None


def _place(parts: list[Part], cards: bytes | None, cards_title: str, duplex: bool) -> tuple[list[Placed], int]:
    """Where each part starts: the cover is page 1; in duplex every part starts on an odd page."""
    placed, page = [], 1 + (1 if duplex else 0)  # after the cover (and its blank back)
    items = [(p.handout.title, p.pdf, p.overdue_since) for p in parts]
    if cards:
        items.append((cards_title, cards, None))
    for title, data, overdue in items:
        pdf = pikepdf.Pdf.open(io.BytesIO(data))
        placed.append(Placed(title, page + 1, pdf, overdue))
        page += len(pdf.pages)
        if duplex and page % 2:
            page += 1
    return placed, page


def assemble(packet: Packet, parts: list[Part], cards: bytes | None, site: Site, layouts: Layouts, renderer,
             personal: Personal, duplex: bool) -> bytes:
    """The packet as one PDF; personal details go on the cover and in a small line on every page.

    Everything happens in memory: nothing about the patient is written anywhere but the returned bytes.
    """
    t = layouts.labels_for(site.settings.language)
    placed, total = _place(parts, cards, t["summary_cards"], duplex)
    overdue = [p for p in placed if p.overdue_since]
    filled = layouts.packet_cover(packet, placed, personal, overdue)
    folder = site.root / "layouts"
    data, _ = renderer.pdf(filled.html, filled.css, folder, folder / "packet-cover.html", "packet", tagged=False)
    extras = pikepdf.Pdf.open(io.BytesIO(data))

    out = pikepdf.Pdf.new()
    out.pages.append(extras.pages[0])
    cover = out.pages[0]
    size = (float(cover.mediabox[2]), float(cover.mediabox[3]))

    def form(index: int, name: str) -> tuple[str, pikepdf.Object]:
        return name, out.copy_foreign(extras.pages[index].as_form_xobject())

    blank = form(1, "Blank")
    stamp = form(2, "Personal") if personal else None
    first_mark = 3 if personal else 2
    marks = {id(p): form(first_mark + i, f"Overdue{i + 1}") for i, p in enumerate(overdue)}

    def overlay(page: pikepdf.Page, *forms) -> None:
        for named in forms:
            if named is not None:
                draw(out, page, named[1], named[0])

    def add_blank() -> None:
        overlay(out.add_blank_page(page_size=size), blank, stamp)

    overlay(cover, stamp)
    if duplex:
        add_blank()
    bookmarks = []
    for part in placed:
        bookmarks.append((part.title, len(out.pages)))
        for page in part.pdf.pages:
            out.pages.append(page)
            overlay(out.pages[-1], stamp, marks.get(id(part)))
        if duplex and len(out.pages) % 2:
            add_blank()
    assert len(out.pages) == total
    with out.open_outline() as outline:
        outline.root.extend(pikepdf.OutlineItem(title, page) for title, page in bookmarks)
    out.docinfo["/Title"] = packet.title
    out.docinfo["/Author"] = site.name
    out.docinfo["/Subject"] = packet.description or packet.title
    out.Root.Lang = pikepdf.String(site.settings.language)
    buffer = io.BytesIO()
    out.save(buffer, deterministic_id=True)
    return buffer.getvalue()
