"""The build: load and validate every handout, then render handouts, cards and the card sheet into dist/."""

from __future__ import annotations

import datetime as dt
import difflib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .brand import Site, load_site
from .content import Handout, load_handout, slug_for
from .errors import ContentError, HandoutError, PacketError
from .layouts import Layouts
from .output import read_manifest, sha256, write_atomic, write_manifest
from .packets import Packet, Personal, load_packets


class UnknownHandout(HandoutError):
    """A slug asked for on the command line matches no handout."""


@dataclass
class Library:
    """Every handout in handouts/, validated; the ones that failed are kept as errors."""

    site: Site
    handouts: dict[str, Handout]
    errors: list[HandoutError]


@dataclass
class Result:
    """What a build did, for the summary line and the exit code."""

    handouts: list[str] = field(default_factory=list)
    cards: list[str] = field(default_factory=list)
    packets: list[str] = field(default_factory=list)
    errors: list[HandoutError] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.errors


def handout_files(root: Path) -> list[Path]:
    """handouts/**/*.md, top folder first, then by path (folders let a clinic keep languages apart)."""
    folder = root / "handouts"
    files = [p for p in folder.rglob("*.md") if p.is_file() and not p.name.startswith(".")]
    return sorted(files, key=lambda p: (len(p.relative_to(folder).parts), p))


def load_library(root: Path, site: Site | None = None) -> Library:
    """Load and validate every handout before anything is rendered; layouts are checked here too."""
    site = site or load_site(root)
    layouts = Layouts(site)
    assets = site.asset_dirs()
    handouts: dict[str, Handout] = {}
    errors: list[HandoutError] = []
    for path in handout_files(site.root):
        slug = slug_for(path)
        if slug in handouts:
            first = handouts[slug].path.relative_to(site.root)
            errors.append(ContentError(f"slug '{slug}' is already used by {first}; rename one file", path))
            continue
        try:
            handout = load_handout(path, assets, site.settings.language)
            layouts.template(handout.meta.layout, path)
            if handout.meta.summary:
                layouts.template("card", path)
        except HandoutError as exc:
            errors.append(exc)
            continue
        handouts[slug] = handout
    return Library(site, handouts, errors)


def select(library: Library, slugs: list[str]) -> list[Handout]:
    """The handouts named on the command line (all when none are); unknown names are a usage error."""
    if not slugs:
        return list(library.handouts.values())
    known = known_slugs(library)
    for slug in slugs:
        if slug not in known:
            close = difflib.get_close_matches(slug, sorted(known), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise UnknownHandout(f"unknown handout '{slug}'{hint}")
    return [library.handouts[s] for s in slugs if s in library.handouts]


def build(root: Path, out: Path, slugs: list[str] | None = None,
          progress: Callable[[str], None] = lambda line: None) -> Result:
    """Build the named handouts (or all) into out; one handout's failure does not stop the others."""
    started = time.perf_counter()
    library = load_library(root)
    chosen = select(library, slugs or [])
    asked = set(slugs or [])
    result = Result(errors=[e for e in library.errors if not asked or slug_for(e.path) in asked])

    from .cards import card_sheet
    from .render import Renderer  # imported only when something is rendered: WeasyPrint costs ~1 s

    site = library.site
    layouts = Layouts(site)
    renderer = Renderer(site)
    manifest_path = out / "manifest.json"
    manifest = read_manifest(manifest_path)
    cards: dict[str, bytes] = {}
    for handout in chosen:
        try:
            filled = layouts.handout(handout)
            pdf, pages = renderer.pdf(filled.html, filled.css, handout.path.parent, handout.path, handout.slug)
            card = None
            if handout.meta.summary:
                filled = layouts.card(handout)
                card, _ = renderer.pdf(filled.html, filled.css, handout.path.parent, handout.path,
                                       f"{handout.slug}-card")
            write_atomic(out / "handouts" / f"{handout.slug}.pdf", pdf)
            if card:
                write_atomic(out / "cards" / f"{handout.slug}.pdf", card)
                cards[handout.slug] = card
                result.cards.append(handout.slug)
        except HandoutError as exc:
            result.errors.append(exc)
            continue
        manifest[handout.slug] = {
            "slug": handout.slug,
            "title": handout.title,
            "version": handout.meta.version,
            "reviewed": handout.meta.reviewed.isoformat() if handout.meta.reviewed else None,
            "language": handout.language,
            "pages": pages,
            "sha256": sha256(pdf),
        }
        result.handouts.append(handout.slug)
        progress(f"built {handout.slug} ({pages} page{'s' * (pages != 1)})")
    if not slugs:
        for gone in set(manifest) - set(library.handouts) - {slug_for(e.path) for e in library.errors}:
            del manifest[gone]
    all_cards = _all_cards(out, library, cards)
    if all_cards and (not slugs or cards):
        try:
            write_atomic(out / "cards-sheet.pdf", card_sheet(all_cards, site, layouts, renderer))
        except HandoutError as exc:
            result.errors.append(exc)
    if not slugs:
        pdfs = {slug: (out / "handouts" / f"{slug}.pdf") for slug in library.handouts}
        for name, packet, error in _packets(library):
            try:
                if error:
                    raise error
                data = packet_pdf(library, name, packet, _read(pdfs), _read(_card_files(out, library)),
                                  layouts, renderer, Personal(), packet.sides == "duplex", False, dt.date.today())
                write_atomic(out / "packets" / f"{name}.pdf", data)
                result.packets.append(name)
            except HandoutError as exc:
                result.errors.append(exc)
    try:
        write_manifest(manifest_path, manifest)
    except HandoutError as exc:
        result.errors.append(exc)
    result.seconds = time.perf_counter() - started
    return result


def _all_cards(out: Path, library: Library, fresh: dict[str, bytes]) -> list[bytes]:
    """Every handout's card for the sheet, in slug order: fresh ones from this build, others from dist/."""
    cards = []
    for slug, handout in sorted(library.handouts.items()):
        if not handout.meta.summary:
            continue
        if slug in fresh:
            cards.append(fresh[slug])
        elif (out / "cards" / f"{slug}.pdf").is_file():
            cards.append((out / "cards" / f"{slug}.pdf").read_bytes())
    return cards


def _card_files(out: Path, library: Library) -> dict[str, Path]:
    return {slug: out / "cards" / f"{slug}.pdf" for slug, h in library.handouts.items() if h.meta.summary}


def _read(files: dict[str, Path]) -> dict[str, bytes]:
    return {slug: path.read_bytes() for slug, path in files.items() if path.is_file()}


def known_slugs(library: Library) -> set[str]:
    """Every handout's slug, including those that failed to load."""
    return set(library.handouts) | {slug_for(e.path) for e in library.errors if e.path}


def _packets(library: Library):
    """(name, packet, None) for each valid packet and (name, None, error) for each broken one."""
    packets = load_packets(library.site.root, known_slugs(library))
    for name, error in packets.errors.items():
        yield name, None, error
    for name, packet in packets.packets.items():
        yield name, packet, None


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
        due = library.site.next_review(handout.meta.reviewed) if handout.meta.reviewed else None
        overdue = due if due and due < today else None
        if overdue and not allow_overdue:
            raise PacketError(f"packet '{name}': handout '{slug}' was due for review on {due.isoformat()}; "
                              "review it, or use --allow-overdue to print it marked 'Review overdue'")
        parts.append(Part(handout, pdfs[slug], overdue))
    own_cards = [cards[s] for s in packet.handouts if s in cards] if packet.cards else []
    sheet = card_sheet(own_cards, library.site, layouts, renderer) if own_cards else None
    return assemble(packet, parts, sheet, library.site, layouts, renderer, personal, duplex)
