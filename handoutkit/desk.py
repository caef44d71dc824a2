"""The front desk's service: fresh handouts, packets, cards and thumbnails, from one long-lived renderer.

The web app asks this module for everything about handouts. Rendered handout PDFs come from one
place, `Desk._ensure_built`, which builds what changed into dist/ and reads the PDFs back. Packets are
assembled in memory; what was typed for a patient is never kept here.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import io
import re
import threading
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf

from .brand import review_state
from .builder import Library, UnknownHandout, build, load_library
from .content import Handout, slug_for
from .errors import HandoutError, PacketError
from .layouts import Layouts
from .packets import Packet, Packets, Personal, load_packets, suggest
from .packets_run import packet_pdf

WATCHED = ("handouts", "layouts", "styles")
# The front desk's own pages and stylesheet: editing them changes no handout.
WEB_ONLY = ("layouts/web/", "styles/web.css")
THUMB_WIDTH = 320  # pixels


class HandoutFailed(HandoutError):
    """A handout asked for could not be loaded or built; carries the original error."""

    def __init__(self, slug: str, error: HandoutError):
        self.slug = slug
        self.error = error
        super().__init__(error.message, error.path, error.line)


@dataclass(frozen=True)
class Review:
    """Where a handout stands in its review cycle."""

    state: str  # "current", "due", "overdue" or "none"
    next: dt.date | None

    @property
    def label(self) -> str:
        if self.next is None:
            return "No review date"
        when = f"{self.next:%b %Y}"
        return {"current": f"Up to date (next {when})", "due": f"Due soon ({when})",
                "overdue": f"Overdue since {when}"}[self.state]


@dataclass(frozen=True)
class Tile:
    """One handout as the library page shows it."""

    slug: str
    title: str
    subtitle: str
    pages: int | None
    grade: float | None
    review: Review
    card: bool
    search: str
    error: HandoutError | None = None


@dataclass
class Snapshot:
    """The handouts as they are on disk at one moment, rendered and ready to serve."""

    signature: dict[str, tuple[int, int]]
    library: Library
    packets: Packets
    pdfs: dict[str, bytes] = field(default_factory=dict)
    cards: dict[str, bytes] = field(default_factory=dict)
    pages: dict[str, int] = field(default_factory=dict)
    failures: dict[str, HandoutError] = field(default_factory=dict)
    grades: dict[str, float | None] = field(default_factory=dict)
    search: dict[str, str] = field(default_factory=dict)


def scan(root: Path) -> dict[str, tuple[int, int]]:
    """Modification time and size of every file the handouts are made from (a cheap change check)."""
    found = {}
    for folder in WATCHED:
        base = root / folder
        if not base.is_dir():
            continue
        for path in base.rglob("*"):
            name = path.relative_to(root).as_posix()
            if name.startswith(WEB_ONLY) or path.name.startswith(".") or not path.is_file():
                continue
            try:
                info = path.stat()
            except OSError:
                continue
            found[name] = (info.st_mtime_ns, info.st_size)
    return found


def normalise(text: str) -> str:
    """Lower-case text without accents, for searching ('Núñez' finds 'nunez')."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(ch for ch in decomposed if not unicodedata.combining(ch)).split())


def search_text(handout: Handout) -> str:
    """What the library's search looks through: title, subtitle, key points and the text."""
    parts = [handout.title, handout.meta.subtitle or "", *handout.meta.summary, handout.intro]
    for section in handout.sections:
        parts += [section.title, section.html]
    plain = html.unescape(re.sub(r"<[^>]+>", " ", " ".join(parts)))
    return normalise(plain)


def review(handout: Handout, library: Library, today: dt.date) -> Review:
    reviewed = handout.meta.reviewed
    if reviewed is None:
        return Review("none", None)
    due = library.site.next_review(reviewed)
    return Review(review_state(due, today), due)


def reading_grade(handout: Handout, library: Library) -> float | None:
    """The handout's reading grade from the check, or None where the check is not part of this install.

    The one place that reaches for the check (handoutkit/check.py).
    """
    try:
        from .check import check_handout
    except ImportError:
        return None
    return check_handout(handout, library.site, {}, dt.date.today()).readability.grade


def grades_available() -> bool:
    """Whether the library can show a reading grade column."""
    import importlib.util

    return importlib.util.find_spec(f"{__package__}.check") is not None


class _OneAtATime:
    """The renderer, laying out one document at a time: WeasyPrint is not thread-safe; the rest of a
    packet (reading, stamping and joining PDFs) can run beside another request's layout."""

    def __init__(self, renderer, lock: threading.RLock):
        self.renderer = renderer
        self.lock = lock

    def pdf(self, *args, **kwargs):
        with self.lock:
            return self.renderer.pdf(*args, **kwargs)


class Desk:
    """Everything the front desk needs, for one project folder; safe to share between request threads."""

    def __init__(self, root: Path, today: Callable[[], dt.date] = dt.date.today, processes: int = 0):
        """processes > 0 lays out packet covers in that many render processes, side by side (the server's
        choice); 0 lays them out here, one at a time."""
        self.processes = processes
        self.root = root.resolve()
        self.out = self.root / "dist"
        self.today = today
        self._lock = threading.RLock()  # WeasyPrint is not thread-safe: one layout (or build) at a time
        self._pdfium = threading.Lock()  # nor is PDFium
        self._snapshot: Snapshot | None = None
        self._layouts: Layouts | None = None
        self._renderer = None
        self._thumbs: dict[str, bytes] = {}

    # -- keeping up with the files -------------------------------------------------------------

    def current(self) -> Snapshot:
        """The handouts as they are now: reloaded and rebuilt (only what changed) when files changed."""
        signature = scan(self.root)
        snapshot = self._snapshot
        if snapshot is not None and snapshot.signature == signature:
            return snapshot
        with self._lock:
            signature = scan(self.root)
            if self._snapshot is None or self._snapshot.signature != signature:
                self._snapshot = self._refresh(self._snapshot, signature)
            return self._snapshot

    def _refresh(self, old: Snapshot | None, signature: dict[str, tuple[int, int]]) -> Snapshot:
        library = load_library(self.root)
        changed = {name for name in signature.keys() | (old.signature.keys() if old else set())
                   if old is None or old.signature.get(name) != signature.get(name)}
        everything = old is None or any(not _is_handout_text(name) for name in changed)
        if old is None or any(name.startswith(("styles/", "layouts/")) for name in changed):
            self.close()  # brand, settings or layouts changed: new tools on next use
        edited = {slug_for(Path(name)) for name in changed if name.endswith(".md")}
        stale = [s for s in library.handouts if everything or s in edited or s not in old.pdfs]
        snapshot = Snapshot(signature, library, load_packets(self.root, _known(library)))
        pdfs, cards, errors = self._ensure_built(stale)
        for slug, handout in library.handouts.items():
            if slug in stale:
                if slug in pdfs:
                    snapshot.pdfs[slug] = pdfs[slug]
                    if slug in cards:
                        snapshot.cards[slug] = cards[slug]
            elif old is not None:
                snapshot.pdfs[slug] = old.pdfs[slug]
                if slug in old.cards:
                    snapshot.cards[slug] = old.cards[slug]
            if slug in snapshot.pdfs:
                snapshot.pages[slug] = len(pikepdf.Pdf.open(io.BytesIO(snapshot.pdfs[slug])).pages)
            unchanged = old is not None and slug not in stale and slug in old.grades
            snapshot.grades[slug] = old.grades[slug] if unchanged else reading_grade(handout, library)
            snapshot.search[slug] = search_text(handout)
        for error in [*library.errors, *errors]:
            slug = slug_for(error.path) if error.path else ""
            if error.path and error.path.suffix == ".md":
                snapshot.failures.setdefault(slug, error)
                snapshot.pdfs.pop(slug, None)
                snapshot.cards.pop(slug, None)
        return snapshot

    def _ensure_built(self, slugs: list[str]) -> tuple[dict[str, bytes], dict[str, bytes], list[HandoutError]]:
        """THE way the desk gets rendered handouts: build them into dist/, then read the PDFs back.

        Returns (handout PDFs, card PDFs, errors) for the slugs that built.
        """
        if not slugs:
            return {}, {}, []
        try:
            result = build(self.root, self.out, slugs)
        except HandoutError as exc:  # the brand, settings or a layout: nothing could be built
            return {}, {}, [_for_slug(exc, s, self.root) for s in slugs]
        failed = {slug_for(e.path) for e in result.errors if e.path}
        pdfs, cards = {}, {}
        for slug in slugs:
            if slug in failed:
                continue
            pdf, card = self.out / "handouts" / f"{slug}.pdf", self.out / "cards" / f"{slug}.pdf"
            pdfs[slug] = pdf.read_bytes()
            if slug in result.cards:
                cards[slug] = card.read_bytes()
        return pdfs, cards, result.errors

    def _tools(self, library: Library):
        """The long-lived Layouts and Renderer (created on first use, again after the brand changes)."""
        if self._renderer is None:
            self._layouts = Layouts(library.site)
            if self.processes:
                from .workers import Pool

                self._renderer = Pool(library.site, self.processes)
            else:
                from .render import Renderer  # imported here: WeasyPrint takes about a second to import

                self._renderer = _OneAtATime(Renderer(library.site), self._lock)
        return self._layouts, self._renderer

    def close(self) -> None:
        """Let go of the renderer (and its processes, if any)."""
        renderer, self._layouts, self._renderer = self._renderer, None, None
        if hasattr(renderer, "close"):
            renderer.close()

    def warm(self) -> None:
        """Load and build everything, make the thumbnails and lay out one cover, so first requests are quick."""
        snapshot = self.current()
        for slug in snapshot.pdfs:
            self.thumbnail(slug)
        if snapshot.pdfs:
            from concurrent.futures import ThreadPoolExecutor

            first = next(iter(snapshot.pdfs))
            warmup = Personal("Warm Up", self.today(), "Desk", "Warm up")
            lanes = max(1, self.processes)  # one cover per render process, at the same time
            with ThreadPoolExecutor(lanes) as threads:
                list(threads.map(lambda _: self.packet([first], warmup, duplex=True, allow_overdue=True),
                                 range(lanes)))

    # -- what the pages ask for ------------------------------------------------------------------

    def library(self) -> list[Tile]:
        """Every handout (and every file that failed to load) as a tile, in title order."""
        snapshot = self.current()
        library, today = snapshot.library, self.today()
        tiles = []
        for slug, handout in library.handouts.items():
            tiles.append(Tile(slug, handout.title, handout.meta.subtitle or "", snapshot.pages.get(slug),
                              snapshot.grades.get(slug), review(handout, library, today), slug in snapshot.cards,
                              snapshot.search.get(slug, ""), snapshot.failures.get(slug)))
        for slug, error in snapshot.failures.items():
            if slug not in library.handouts:
                tiles.append(Tile(slug, slug, "", None, None, Review("none", None), False, normalise(slug), error))
        return sorted(tiles, key=lambda t: (normalise(t.title), t.slug))

    def search_text(self, slug: str) -> str:
        return self.current().search.get(slug, "")

    def _pdf(self, snapshot: Snapshot, slug: str) -> bytes:
        if slug in snapshot.failures:
            raise HandoutFailed(slug, snapshot.failures[slug])
        if slug not in snapshot.pdfs:
            raise UnknownHandout(f"unknown handout '{slug}'")
        return snapshot.pdfs[slug]

    def handout_pdf(self, slug: str) -> bytes:
        return self._pdf(self.current(), slug)

    def card_pdf(self, slug: str) -> bytes:
        snapshot = self.current()
        self._pdf(snapshot, slug)
        if slug not in snapshot.cards:
            raise UnknownHandout(f"handout '{slug}' has no summary card")
        return snapshot.cards[slug]

    def cards_sheet(self) -> bytes:
        """Every card, several to a page with crop marks (kept in memory by content)."""
        from .cards import card_sheet

        snapshot = self.current()
        cards = [snapshot.cards[s] for s in sorted(snapshot.cards)]
        if not cards:
            raise UnknownHandout("no handout has a summary card")
        with self._lock:
            layouts, renderer = self._tools(snapshot.library)
        return card_sheet(cards, snapshot.library.site, layouts, renderer)

    def thumbnail(self, slug: str) -> bytes:
        """The first page of a handout as a PNG, cached by the PDF's hash (unpersonalised content only)."""
        pdf = self.handout_pdf(slug)
        key = hashlib.sha256(pdf).hexdigest()
        if key in self._thumbs:
            return self._thumbs[key]
        import pypdfium2

        with self._pdfium:
            document = pypdfium2.PdfDocument(pdf)
            try:
                page = document[0]
                image = page.render(scale=THUMB_WIDTH / page.get_width()).to_pil()
            finally:
                document.close()
        buffer = io.BytesIO()
        image.save(buffer, "PNG", optimize=True)
        if len(self._thumbs) > 256:
            self._thumbs.clear()
        self._thumbs[key] = buffer.getvalue()
        return self._thumbs[key]

    def packets(self) -> Packets:
        return self.current().packets

    def find_packet(self, name: str) -> Packet:
        """A packet from handouts/packets.yml; an unknown name is UnknownHandout, a broken one its error."""
        packets = self.current().packets
        if name in packets.packets:
            return packets.packets[name]
        if error := packets.error_for(name):
            raise error
        raise UnknownHandout(f"unknown packet '{name}'{suggest(name, packets.packets)}")

    def packet(self, spec: str | list[str], personal: Personal, duplex: bool | None = None,
               allow_overdue: bool = False, title: str = "Your handouts", cards: bool = False) -> bytes:
        """A packet's PDF: a packet's name, or handout slugs in order; personal details stay in the bytes."""
        snapshot = self.current()
        if isinstance(spec, str):
            name, packet = spec, self.find_packet(spec)
        else:
            name, packet = "your packet", _custom(spec, title, cards, snapshot)
        today = self.today()
        for slug in packet.handouts:
            self._pdf(snapshot, slug)
            handout = snapshot.library.handouts[slug]
            state = review(handout, snapshot.library, today)
            if state.state == "overdue" and not allow_overdue:
                raise PacketError(f"'{handout.title}' was due for review on {state.next.isoformat()}; review it, or "
                                  "tick 'Print handouts that are overdue for review' to print it marked "
                                  "'Review overdue'")
        sides = packet.sides == "duplex" if duplex is None else duplex
        with self._lock:
            layouts, renderer = self._tools(snapshot.library)
        return packet_pdf(snapshot.library, name, packet, snapshot.pdfs, snapshot.cards, layouts, renderer,
                          personal, sides, allow_overdue, today)


def _custom(slugs: list[str], title: str, cards: bool, snapshot: Snapshot) -> Packet:
    """A packet made at the desk from ticked handouts."""
    if not slugs:
        raise PacketError("tick at least one handout for the packet")
    if len(set(slugs)) != len(slugs):
        raise PacketError("a handout is listed twice")
    for slug in slugs:
        if slug not in snapshot.library.handouts and slug not in snapshot.failures:
            raise UnknownHandout(f"unknown handout '{slug}'")
    title = " ".join(title.split()) or "Your handouts"
    if len(title) > 120:
        raise PacketError(f"the packet's title is {len(title)} characters long; at most 120 fit")
    return Packet(title=title, handouts=slugs, cards=cards)


def _is_handout_text(name: str) -> bool:
    """A handout's own Markdown (editing it rebuilds only that handout) or the packet list (rebuilds none)."""
    return name.startswith("handouts/") and name.endswith((".md", "/packets.yml"))


def _known(library: Library) -> set[str]:
    return set(library.handouts) | {slug_for(e.path) for e in library.errors if e.path}


def _for_slug(error: HandoutError, slug: str, root: Path) -> HandoutError:
    """An error that stopped every handout, reported against one of them."""
    return HandoutError(error.describe(root), root / "handouts" / f"{slug}.md")
