"""Making one packet on request: bring its handouts up to date, then assemble and write it."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pikepdf

from .builder import Library, UnknownHandout, build, known_slugs, load_library
from .errors import PacketError
from .layouts import Layouts
from .output import write_atomic
from .packets import Packet, Personal, load_packets, overdue_since, suggest


class PacketRun:
    """One packet of a project, ready to be assembled (for the command line or the front desk)."""

    def __init__(self, root: Path, name: str):
        self.root = root
        self.library = load_library(root)
        packets = load_packets(root, known_slugs(self.library))
        if name not in packets.packets:
            if error := packets.error_for(name):
                raise error
            raise UnknownHandout(f"unknown packet '{name}'{suggest(name, packets.packets)}")
        self.name = name
        self.packet: Packet = packets.packets[name]

    def pdf(self, personal: Personal, duplex: bool | None, allow_overdue: bool, today: dt.date) -> bytes:
        """The packet's bytes; handouts come from dist/ after a build of just these handouts."""
        out = self.root / "dist"
        result = build(self.root, out, list(self.packet.handouts))
        if result.errors:
            first = result.errors[0]
            slug = first.path.stem if first.path else "?"
            raise PacketError(f"packet '{self.name}': handout '{slug}' did not build: {first.message}", first.path,
                              first.line)
        from .render import Renderer

        pdfs = {s: (out / "handouts" / f"{s}.pdf").read_bytes() for s in self.packet.handouts}
        cards = {s: (out / "cards" / f"{s}.pdf").read_bytes() for s in self.packet.handouts
                 if self.library.handouts[s].meta.summary}
        site = self.library.site
        sides = self.packet.sides == "duplex" if duplex is None else duplex
        return packet_pdf(self.library, self.name, self.packet, pdfs, cards, Layouts(site), Renderer(site),
                          personal, sides, allow_overdue, today)

    def write(self, output: Path, personal: Personal, duplex: bool | None, allow_overdue: bool,
              today: dt.date) -> int:
        """Write the packet to output; returns its page count."""
        data = self.pdf(personal, duplex, allow_overdue, today)
        write_atomic(output, data)
        return len(pikepdf.Pdf.open(io.BytesIO(data)).pages)


def packet_pdf(library: Library, name: str, packet: Packet, pdfs: dict[str, bytes], cards: dict[str, bytes],
               layouts: Layouts, renderer, personal: Personal, duplex: bool, allow_overdue: bool,
               today: dt.date) -> bytes:
    """Assemble a packet from rendered handout PDFs; overdue or failed handouts are refused by name."""
    from .assemble import Part, assemble
    from .cards import card_sheet

    parts = []
    for slug in packet.handouts:
        handout = library.handouts.get(slug)
        if handout is None or slug not in pdfs:
            raise PacketError(f"packet '{name}': handout '{slug}' did not build; fix it first")
        overdue = overdue_since(library.site, handout.meta.reviewed, today)
        if overdue and not allow_overdue:
            raise PacketError(f"packet '{name}': handout '{slug}' was due for review on {overdue.isoformat()}; "
                              "review it, or use --allow-overdue to print it marked 'Review overdue'")
        parts.append(Part(handout, pdfs[slug], overdue))
    own_cards = [cards[s] for s in packet.handouts if s in cards] if packet.cards else []
    sheet = card_sheet(own_cards, library.site, layouts, renderer) if own_cards else None
    return assemble(packet, parts, sheet, library.site, layouts, renderer, personal, duplex)
