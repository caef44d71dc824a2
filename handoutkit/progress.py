"""Telling the user how a build is going: a bar on a terminal, plain lines otherwise, or nothing."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable


class Silent:
    """Reports nothing (library use and tests)."""

    def start(self, total: int) -> None:
        """A build with `total` handouts to go through has begun."""

    def step(self, line: str | None = None) -> None:
        """One handout is done; line says what was done, when it was real work."""

    def note(self, message: str) -> None:
        """Something the user must know now (such as waiting for another build)."""

    def finish(self) -> None:
        """The build is over: remove any bar."""


class Callback(Silent):
    """A function that takes each line: what build() accepted before there was a progress bar."""

    def __init__(self, function: Callable[[str], object]):
        self.function = function

    def step(self, line: str | None = None) -> None:
        if line:
            self.function(line)

    def note(self, message: str) -> None:
        self.function(message)


class Quiet(Silent):
    """--quiet: only notes, on stderr."""

    def note(self, message: str) -> None:
        print(message, file=sys.stderr, flush=True)


class Lines(Quiet):
    """Output that is not a terminal: one plain line per handout rendered."""

    def step(self, line: str | None = None) -> None:
        if line:
            print(line, flush=True)


class Bar(Quiet):
    """A terminal: a progress bar, shown only once a build has taken longer than a second."""

    DELAY = 1.0

    def __init__(self) -> None:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self._bar = Progress(TextColumn("building"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                             TextColumn("{task.description}"), transient=True)
        self._task = self._bar.add_task("", total=None)
        self._lock = threading.Lock()
        self._timer: threading.Timer | None = None
        self._state = "waiting"

    def start(self, total: int) -> None:
        self._bar.update(self._task, total=total)
        self._timer = threading.Timer(self.DELAY, self._show)
        self._timer.daemon = True
        self._timer.start()

    def _show(self) -> None:
        with self._lock:
            if self._state == "waiting":
                self._bar.start()
                self._state = "shown"

    def step(self, line: str | None = None) -> None:
        self._bar.update(self._task, advance=1, description=line or "")

    def finish(self) -> None:
        with self._lock:
            if self._timer:
                self._timer.cancel()
            if self._state == "shown":
                self._bar.stop()
            self._state = "done"


def reporter(quiet: bool = False, stream=None) -> Silent:
    """The right reporter for where output goes."""
    stream = stream or sys.stdout
    if quiet:
        return Quiet()
    return Bar() if stream.isatty() else Lines()
