"""Rendering jobs: in this process, or in worker processes that each keep one Renderer for all their jobs."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import HandoutError, RenderError

if TYPE_CHECKING:
    from .brand import Site

# Below this many jobs a pool costs more to start (each worker imports WeasyPrint) than it saves.
MIN_POOL_JOBS = 4


@dataclass(frozen=True)
class Job:
    """One PDF to render: the filled layout, where its relative URLs resolve, and the file to blame."""

    identifier: str
    html: str
    css: tuple[str, ...]
    base: Path
    source: Path
    tagged: bool = True  # False for pages that only serve as overlays


@dataclass(frozen=True)
class Rendered:
    pdf: bytes
    pages: int


def render_one(renderer, job: Job) -> Rendered | HandoutError:
    """Render a job; failures come back as a HandoutError naming the source, never as a raise."""
    try:
        return Rendered(*renderer.pdf(job.html, list(job.css), job.base, job.source, job.identifier,
                                      tagged=job.tagged))
    except HandoutError as exc:
        return exc
    except Exception as exc:  # anything else from the engine still belongs to this one file
        return RenderError(f"could not write the PDF: {type(exc).__name__}: {exc}", job.source)


# In a worker process: its one Renderer, made by _start when the process starts.
_renderer = None
_start_failure = ""


def _start(site: Site) -> None:
    global _renderer, _start_failure
    import signal

    # Ctrl-C reaches every process in the terminal's group: the parent alone decides what stops.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        from .render import Renderer

        _renderer = Renderer(site)
        # A worker ends without running garbage collection: drop the renderer on the way out, so
        # WeasyPrint removes the temporary folder it keeps the fonts in.
        from multiprocessing.util import Finalize

        Finalize(None, _stop, exitpriority=10)
    except Exception as exc:  # reported with each job, rather than as a pool that keeps dying
        _start_failure = f"{type(exc).__name__}: {exc}"


def _stop() -> None:
    global _renderer
    if _renderer is not None:
        _renderer.font_config.__del__()
        _renderer = None


def _work(job: Job) -> Rendered | HandoutError:
    if _renderer is None:
        return RenderError(f"the renderer could not start: {_start_failure}", job.source)
    return render_one(_renderer, job)


def _context():
    import multiprocessing

    # Never plain fork: the parent may hold threads and locks that a forked child would inherit.
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    # The fork server imports WeasyPrint once, before any thread or font is set up, and every worker
    # forked from it starts with the import done (instead of each paying for it).
    context.set_forkserver_preload(["handoutkit.render"])
    return context


class Renderers:
    """Renders jobs with up to `jobs` worker processes, or in this process when that is cheaper.

    submit() jobs as they are found and collect them from finished(). A pool starts as soon as
    MIN_POOL_JOBS jobs are waiting (so its start-up overlaps the caller's own work); fewer jobs,
    or jobs=1, are rendered here, with WeasyPrint imported only then.
    """

    def __init__(self, site: Site, jobs: int = 1):
        self.site = site
        self.jobs = max(1, jobs)
        self.workers = 0  # how many worker processes this build started
        self._pool = None
        self._local = None
        self._queue: list[tuple[object, Job]] = []  # waiting for a pool, or to be rendered here
        self._futures: dict = {}  # future -> (tag, job)

    def __enter__(self) -> Renderers:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def submit(self, job: Job, tag: object) -> None:
        """Queue a job; tag comes back with its outcome."""
        self._queue.append((tag, job))
        if self._pool is not None or (self.jobs > 1 and len(self._queue) >= MIN_POOL_JOBS):
            self._flush()

    def finished(self) -> Iterator[tuple[object, Rendered | HandoutError]]:
        """(tag, outcome) for every job submitted, in the order they finish."""
        if self._pool is None:
            queue, self._queue = self._queue, []
            for tag, job in queue:
                yield tag, render_one(self._renderer(), job)
            return
        self._flush()
        yield from self._collect(retry=True)

    def run(self, jobs: Sequence[Job]) -> Iterator[tuple[int, Rendered | HandoutError]]:
        """(index in jobs, outcome) for every job, in the order they finish."""
        for i, job in enumerate(jobs):
            self.submit(job, i)
        yield from self.finished()  # type: ignore[misc]

    def _renderer(self):
        if self._local is None:
            from .render import Renderer  # WeasyPrint is imported only now that something needs rendering

            self._local = Renderer(self.site)
        return self._local

    def _flush(self) -> None:
        if self._pool is None:
            from concurrent.futures import ProcessPoolExecutor

            self._pool = ProcessPoolExecutor(self.jobs, mp_context=_context(), initializer=_start,
                                             initargs=(self.site,))
            self.workers += self.jobs
        for tag, job in self._queue:
            self._futures[self._pool.submit(_work, job)] = (tag, job)
        self._queue = []

    def _collect(self, retry: bool) -> Iterator[tuple[object, Rendered | HandoutError]]:
        from concurrent.futures import as_completed
        from concurrent.futures.process import BrokenProcessPool

        futures, self._futures = self._futures, {}
        broken = []
        for future in as_completed(futures):
            tag, job = futures[future]
            try:
                outcome = future.result()
            except BrokenProcessPool:
                broken.append((tag, job))
                continue
            yield tag, outcome
        if not broken:
            return
        self.close()
        if retry:  # a worker died (crashed, out of memory): the unfinished jobs get one fresh pool
            self._queue = broken
            self._flush()
            yield from self._collect(retry=False)
            return
        for tag, job in broken:
            yield tag, RenderError("the renderer stopped unexpectedly while laying out this file", job.source)


class Pool:
    """Render processes that live as long as a server: documents are laid out side by side, one per
    process, and travel through pipes only (nothing is written to disk). Has the Renderer's pdf()."""

    def __init__(self, site: Site, processes: int):
        from concurrent.futures import ProcessPoolExecutor

        self._pool = ProcessPoolExecutor(processes, mp_context=_context(), initializer=_start, initargs=(site,))

    def pdf(self, html: str, css: list[str], base: Path, source: Path, identifier: str,
            tagged: bool = True) -> tuple[bytes, int]:
        outcome = self._pool.submit(_work, Job(identifier, html, tuple(css), base, source, tagged)).result()
        if isinstance(outcome, HandoutError):
            raise outcome
        return outcome.pdf, outcome.pages

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
