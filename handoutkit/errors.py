"""The builder's exceptions: each one is a single line a clinician can act on."""

from __future__ import annotations

from pathlib import Path


class HandoutError(Exception):
    """Something the user can fix; str() names the file and, where known, the line."""

    def __init__(self, message: str, path: Path | str | None = None, line: int | None = None):
        self.message = message
        self.path = Path(path) if path is not None else None
        self.line = line
        super().__init__(str(self))

    def __reduce__(self):
        # Rebuilt from its parts, so an error raised in a worker process keeps its file and line.
        return (self.__class__, (self.message, self.path, self.line))

    def where(self, root: Path | None = None) -> str:
        """'handouts/x.md:4', relative to root (default: the current folder) when the file is inside it."""
        if self.path is None:
            return ""
        shown, base = self.path, root or Path.cwd()
        if shown.is_absolute() and shown.is_relative_to(base):
            shown = shown.relative_to(base)
        return f"{shown}:{self.line}" if self.line else str(shown)

    def describe(self, root: Path | None = None) -> str:
        """The one-line message, with the file named relative to root."""
        where = self.where(root)
        return f"{where}: {self.message}" if where else self.message

    def __str__(self) -> str:
        return self.describe()


class ContentError(HandoutError):
    """A handout's text or front matter is wrong."""


class BrandError(HandoutError):
    """The brand file or the site settings are wrong."""


class CheckError(HandoutError):
    """The check could not run: a broken word list, or a report layout that failed to fill."""


class LayoutError(HandoutError):
    """A layout is missing or failed to fill."""


class RenderError(HandoutError):
    """WeasyPrint could not turn a handout into a PDF, or it asked for a forbidden resource."""


class OutputError(HandoutError):
    """A PDF or the manifest could not be written."""


class PacketError(HandoutError):
    """A packet definition, or what was typed to personalise one, is wrong."""
