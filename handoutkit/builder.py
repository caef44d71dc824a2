"""The build: load and validate every handout, then render handouts, cards and the card sheet into dist/.

Each output is looked up in the cache by a hash of everything that shapes its bytes; only the misses
are rendered (by worker processes when there are several), and WeasyPrint is imported only for them.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from . import stamp
from .cache import Entry, Files, Store, code_digest, derived_key, remove_stale_temp, render_key
from .errors import ContentError, HandoutError
from .lock import build_lock
from .output import read_manifest, sha256, write_if_changed, write_manifest
from .progress import Callback, Silent
from .workers import Job, Renderers

if TYPE_CHECKING:
    from .brand import Site
    from .content import Handout
    from .layouts import Filled, Layouts

SHEET = "cards-sheet.pdf"
# The files and code a packet's cover and assembly depend on (the handouts' PDFs are hashed as well).
PACKET_INPUTS = ("layouts/base.html", "layouts/packet-cover.html", "layouts/labels.yml", "styles/cover.css")
PACKET_CODE = ("assemble.py", "packets.py", "packets_run.py", "layouts.py")


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
    """What a build did, for the summary line, the exit code and the tests."""

    handouts: list[str] = field(default_factory=list)
    cards: list[str] = field(default_factory=list)
    packets: list[str] = field(default_factory=list)
    errors: list[HandoutError] = field(default_factory=list)
    seconds: float = 0.0
    rendered: list[str] = field(default_factory=list)  # outputs rendered now, as 'handouts/x.pdf'
    from_cache: list[str] = field(default_factory=list)  # outputs served from the cache
    unchanged: bool = False  # nothing changed since the last full build: stopped before loading anything
    workers: int = 0  # worker processes started (0: rendered in this process, or nothing to render)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def cached_handouts(self) -> int:
        if self.unchanged:
            return len(self.handouts)
        return sum(f"handouts/{slug}.pdf" in self.from_cache for slug in self.handouts)


def handout_files(root: Path) -> list[Path]:
    """handouts/**/*.md, top folder first, then by path (folders let a clinic keep languages apart)."""
    folder = root / "handouts"
    files = [p for p in folder.rglob("*.md") if p.is_file() and not p.name.startswith(".")]
    return sorted(files, key=lambda p: (len(p.relative_to(folder).parts), p))


def load_library(root: Path, site: Site | None = None) -> Library:
    """Load and validate every handout before anything is rendered; layouts are checked here too."""
    from .brand import load_site
    from .content import load_handout, slug_for
    from .layouts import Layouts

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


def known_slugs(library: Library) -> set[str]:
    """Every handout's slug, including those that failed to load."""
    from .content import slug_for

    return set(library.handouts) | {slug_for(e.path) for e in library.errors if e.path}


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
          progress: Silent | Callable[[str], object] | None = None, *,
          jobs: int = 1, force: bool = False, cache: Path | None = None) -> Result:
    """Build the named handouts (or all) into out; one handout's failure does not stop the others.

    Outputs come from the cache (cache, default ROOT/.cache) unless force; misses are rendered with up
    to `jobs` worker processes. Raises OutputError when out or the cache cannot be written.
    """
    started = time.perf_counter()
    if not isinstance(progress, Silent):
        progress = Callback(progress) if progress else Silent()
    root = root.resolve()
    out = Path(os.path.abspath(out))
    cache_dir = Path(os.path.abspath(cache or root / ".cache"))
    with build_lock(out, progress.note):
        # Left by a killed build. We hold the lock, so no build is writing into out; a cache may be
        # shared with builds into other folders, so there only old ones go.
        remove_stale_temp([out, out / "handouts", out / "cards"])
        remove_stale_temp([cache_dir / "builds", *cache_dir.glob("pdf/*")], older_than=3600)
        record_file = stamp.record_path(cache_dir, out)
        inputs = None if slugs else stamp.Inputs(root)
        if inputs and not force:
            record = stamp.load(record_file)
            if record and stamp.unchanged(record, inputs, out):
                return Result(handouts=record.handouts, cards=record.cards, packets=record.packets,
                              unchanged=True, seconds=time.perf_counter() - started)
        stamp.forget(record_file)
        try:
            result, site = _Build(root, out, slugs or [], progress, jobs, force, Store(cache_dir)).run()
        finally:
            progress.finish()
        if inputs and result.ok:
            outputs = [f"handouts/{s}.pdf" for s in result.handouts]
            outputs += [f"cards/{s}.pdf" for s in result.cards] + [SHEET] * bool(result.cards)
            outputs += [f"packets/{name}.pdf" for name in result.packets]
            outputs.append("manifest.json")
            stamp.save(record_file, inputs, [str(f.path) for f in site.fonts], out, outputs,
                       result.handouts, result.cards, result.packets)
    result.seconds = time.perf_counter() - started
    return result


@dataclass
class Output:
    """One PDF the build makes: where it goes in out, the job that renders it, and its cache key."""

    path: str
    job: Job
    key: str
    entry: Entry | None = None
    error: HandoutError | None = None


@dataclass
class Plan:
    """A handout's outputs: its PDF and, when it has a summary, its card."""

    handout: Handout
    outputs: list[Output]

    @property
    def settled(self) -> bool:
        return all(o.entry or o.error for o in self.outputs)


class _Build:
    """One run of the build over a loaded library."""

    def __init__(self, root: Path, out: Path, slugs: list[str], progress: Silent, jobs: int, force: bool,
                 store: Store):
        self.root, self.out, self.slugs, self.progress = root, out, slugs, progress
        self.jobs, self.force, self.store = jobs, force, store
        self.files = Files()
        self.result = Result()
        self.fresh_cards: dict[str, bytes] = {}
        self.pdfs: dict[str, bytes] = {}  # this build's handout PDFs, for packets

    def run(self) -> tuple[Result, Site]:
        from . import qr

        qr.keep_in(self.store)
        try:
            return self._run()
        finally:
            qr.keep_in(None)

    def _run(self) -> tuple[Result, Site]:
        from .content import slug_for
        from .layouts import Layouts

        library = load_library(self.root)
        chosen = select(library, self.slugs)
        asked = set(self.slugs)
        result = self.result
        result.errors = [e for e in library.errors if not asked or slug_for(e.path) in asked]
        site = library.site
        layouts = Layouts(site)
        self.manifest = read_manifest(self.out / "manifest.json")

        self.progress.start(len(chosen))
        with Renderers(site, self.jobs) as renderers:
            # Misses go to the renderers as they are found, so workers start while the rest is filled.
            for handout in chosen:
                try:
                    plan = self._plan(handout, layouts)
                except HandoutError as exc:
                    result.errors.append(exc)
                    self.progress.step(f"failed {handout.slug}")
                    continue
                for output in plan.outputs:
                    output.entry = None if self.force else self.store.get(output.key)
                    if output.entry is None:
                        renderers.submit(output.job, (plan, output))
                if plan.settled:
                    self._finish(plan)
            for (plan, output), outcome in renderers.finished():
                if isinstance(outcome, HandoutError):
                    output.error = outcome
                else:
                    output.entry = Entry(outcome.pdf, outcome.pages)
                    self.store.put(output.key, output.entry)
                    result.rendered.append(output.path)
                if plan.settled:
                    self._finish(plan)
            self._sheet(library, layouts, renderers)
            result.workers = renderers.workers
        if not self.slugs:
            self._packets(library, layouts)
        if not self.slugs:
            gone = set(self.manifest) - set(library.handouts) - {slug_for(e.path) for e in library.errors}
            for slug in gone:
                del self.manifest[slug]
        try:
            write_manifest(self.out / "manifest.json", self.manifest)
        except HandoutError as exc:
            result.errors.append(exc)
        result.handouts.sort()
        result.cards.sort()
        return result, site

    def _output(self, path: str, identifier: str, filled: Filled, base: Path, source: Path) -> Output:
        job = Job(identifier, filled.html, tuple(filled.css), base, source)
        styles = self.root / "styles"
        return Output(path, job, render_key(identifier, filled.html, filled.css, base, styles, self.files))

    def _plan(self, handout: Handout, layouts: Layouts) -> Plan:
        slug, base = handout.slug, handout.path.parent
        outputs = [self._output(f"handouts/{slug}.pdf", slug, layouts.handout(handout), base, handout.path)]
        if handout.meta.summary:
            card = layouts.card(handout)
            outputs.append(self._output(f"cards/{slug}.pdf", f"{slug}-card", card, base, handout.path))
        return Plan(handout, outputs)

    def _finish(self, plan: Plan) -> None:
        """Write a handout whose outputs are all ready; a failed one is reported and nothing is written."""
        result, handout = self.result, plan.handout
        failed = next((o.error for o in plan.outputs if o.error), None)
        if failed:
            result.errors.append(failed)
            self.progress.step(f"failed {handout.slug}")
            return
        for output in plan.outputs:
            write_if_changed(self.out / output.path, output.entry.data)
            if output.path not in result.rendered:
                result.from_cache.append(output.path)
        main = plan.outputs[0].entry
        self.pdfs[handout.slug] = main.data
        if len(plan.outputs) > 1:
            self.fresh_cards[handout.slug] = plan.outputs[1].entry.data
            result.cards.append(handout.slug)
        self.manifest[handout.slug] = {
            "slug": handout.slug,
            "title": handout.title,
            "version": handout.meta.version,
            "reviewed": handout.meta.reviewed.isoformat() if handout.meta.reviewed else None,
            "language": handout.language,
            "pages": main.pages,
            "sha256": sha256(main.data),
        }
        result.handouts.append(handout.slug)
        rendered = plan.outputs[0].path in result.rendered
        pages = f"{main.pages} page{'s' * (main.pages != 1)}"
        self.progress.step(f"built {handout.slug} ({pages})" if rendered else None)

    def _packets(self, library: Library, layouts: Layouts) -> None:
        """Every packet in handouts/packets.yml, unpersonalised, into out/packets/ (from the cache when unchanged)."""
        from .packets import Personal, load_packets, overdue_since
        from .packets_run import packet_pdf

        site, today = library.site, dt.date.today()
        packets = load_packets(site.root, known_slugs(library))
        self.result.errors.extend(packets.errors.values())
        if not packets.packets:
            return
        renderer = _LazyRenderer(site)
        files = hashlib.sha256()
        for name in PACKET_INPUTS:
            path = site.root / name
            files.update(name.encode() + b"\0" + (path.read_bytes() if path.is_file() else b"") + b"\0")
        for name, packet in packets.packets.items():
            parts = [sha256(self.pdfs.get(slug, b"")) for slug in packet.handouts]
            parts += [sha256(self.fresh_cards.get(slug, b"")) for slug in packet.handouts]
            overdue = [slug for slug in packet.handouts if slug in library.handouts
                       and overdue_since(site, library.handouts[slug].meta.reviewed, today)]
            key = derived_key("packet", name, packet.model_dump_json(), files.hexdigest(), layouts.brand_css,
                              code_digest(PACKET_CODE), ",".join(overdue), *parts)
            entry = None if self.force else self.store.get(key)
            try:
                if entry is None:
                    data = packet_pdf(library, name, packet, self.pdfs, self.fresh_cards, layouts, renderer,
                                      Personal(), packet.sides == "duplex", False, today)
                    entry = Entry(data, 0)
                    self.store.put(key, entry)
                write_if_changed(self.out / "packets" / f"{name}.pdf", entry.data)
                self.result.packets.append(name)
            except HandoutError as exc:
                self.result.errors.append(exc)

    def _sheet(self, library: Library, layouts: Layouts, renderers: Renderers) -> None:
        """The card sheet, from the cache when its crop marks and every card on it are unchanged."""
        from .cards import place_cards, sheet_layout

        cards = _all_cards(self.out, library, self.fresh_cards)
        if not cards or (self.slugs and not self.fresh_cards):
            return
        site = library.site
        layout = sheet_layout(len(cards), site, layouts)
        folder = site.root / "layouts"
        marks = self._output("cards-sheet marks", "cards-sheet", layout.marks, folder,
                             folder / "card-sheet.html")
        key = derived_key("card-sheet", marks.key, site.name, *(sha256(c) for c in cards))
        entry = None if self.force else self.store.get(key)
        if entry:
            self.result.from_cache.append(SHEET)
        else:
            marks.entry = None if self.force else self.store.get(marks.key)
            if marks.entry is None:
                [(_, outcome)] = list(renderers.run([marks.job]))
                if isinstance(outcome, HandoutError):
                    self.result.errors.append(outcome)
                    return
                marks.entry = Entry(outcome.pdf, outcome.pages)
                self.store.put(marks.key, marks.entry)
            entry = Entry(place_cards(marks.entry.data, cards, layout, site), marks.entry.pages)
            self.store.put(key, entry)
            self.result.rendered.append(SHEET)
        write_if_changed(self.out / SHEET, entry.data)


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


class _LazyRenderer:
    """A renderer made on first use, so a build whose packets all come from the cache never loads WeasyPrint."""

    def __init__(self, site: Site):
        self.site, self._renderer = site, None

    def pdf(self, *args, **kwargs):
        if self._renderer is None:
            from .render import Renderer

            self._renderer = Renderer(self.site)
        return self._renderer.pdf(*args, **kwargs)

