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


@dataclass(frozen=True)
class Rendered:
    pdf: bytes
    pages: int


def render_one(renderer, job: Job) -> Rendered | HandoutError:
    """Render a job; failures come back as a HandoutError naming the source, never as a raise."""
    try:
        document = renderer.render(job.html, list(job.css), job.base, job.source)
        return Rendered(renderer.pdf_bytes(document, job.identifier, job.source), len(document.pages))
    except HandoutError as exc:
        return exc
    except Exception as exc:  # anything else from the engine still belongs to this one file
        return RenderError(f"could not write the PDF: {type(exc).__name__}: {exc}", job.source)


# In a worker process: its one Renderer, made by _start when the process starts.
_renderer = None
_start_failure = ""


def _start(site: Site) -> None:
    global _renderer, _start_failure
    try:
        from .render import Renderer

        _renderer = Renderer(site)
    except Exception as exc:  # reported with each job, rather than as a pool that keeps dying
        _start_failure = f"{type(exc).__name__}: {exc}"


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
    """Renders jobs with up to `jobs` worker processes; a single job or --jobs 1 renders in this process."""

    def __init__(self, site: Site, jobs: int = 1):
        self.site = site
        self.jobs = max(1, jobs)
        self.workers = 0  # how many worker processes this build started
        self._pool = None
        self._local = None

    def __enter__(self) -> Renderers:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def run(self, jobs: Sequence[Job]) -> Iterator[tuple[int, Rendered | HandoutError]]:
        """(index in jobs, outcome) for every job, in the order they finish."""
        if not jobs:
            return
        if self._pool is None and (self.jobs == 1 or len(jobs) < MIN_POOL_JOBS):
            yield from self._run_here(jobs)
        else:
            yield from self._run_pool(jobs)

    def _run_here(self, jobs: Sequence[Job]) -> Iterator[tuple[int, Rendered | HandoutError]]:
        if self._local is None:
            from .render import Renderer  # WeasyPrint is imported only now that something needs rendering

            self._local = Renderer(self.site)
        for i, job in enumerate(jobs):
            yield i, render_one(self._local, job)

    def _start_pool(self, count: int):
        from concurrent.futures import ProcessPoolExecutor

        if self._pool is None:
            size = min(self.jobs, count)
            self._pool = ProcessPoolExecutor(size, mp_context=_context(), initializer=_start,
                                             initargs=(self.site,))
            self.workers += size
        return self._pool

    def _run_pool(self, jobs: Sequence[Job]) -> Iterator[tuple[int, Rendered | HandoutError]]:
        from concurrent.futures import as_completed
        from concurrent.futures.process import BrokenProcessPool

        pending = dict(enumerate(jobs))
        for _attempt in range(2):  # a worker that died (crashed, out of memory) gets one fresh pool
            futures = {self._start_pool(len(pending)).submit(_work, job): i for i, job in pending.items()}
            broken = False
            for future in as_completed(futures):
                try:
                    outcome = future.result()
                except BrokenProcessPool:
                    broken = True
                    continue
                index = futures[future]
                del pending[index]
                yield index, outcome
            if not broken:
                return
            self.close()
        for index, job in pending.items():
            yield index, RenderError("the renderer stopped unexpectedly while laying out this file",
                                     job.source)
