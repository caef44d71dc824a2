"""The cache of rendered PDFs: a content-hash key for each output, and an on-disk store of checked entries."""

from __future__ import annotations

import hashlib
import html as htmllib
import json
import re
import time
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .errors import OutputError
from .options import PDF_OPTIONS, source_date_epoch
from .output import write_atomic

FORMAT = 1  # bump when the entry layout or the key's recipe changes
MAGIC = b"handoutkit-cache"
# Distributions whose code turns the inputs into bytes (looked up, never imported).
ENGINE = ("handoutkit", "weasyprint", "pydyf", "fonttools", "tinycss2", "cssselect2", "pillow",
          "pikepdf", "jinja2", "markdown", "pymdown-extensions", "nh3", "segno", "brand-yml", "fontpkg")
# The modules between filled HTML and PDF bytes: editing one (without a version bump) changes the key.
RENDER_CODE = ("render.py", "options.py", "cards.py", "overlay.py", "workers.py", "cache.py")

_URL_ATTR = re.compile(r"""\b(src|srcset|href|xlink:href|data|poster|background)\s*=\s*(["'])(.*?)\2""",
                       re.I | re.S)
_CSS_URL = re.compile(r"""url\(\s*(["']?)([^"')]+)\1\s*\)|@import\s+(["'])([^"']+)\3""", re.I)


@cache
def engine_versions() -> dict[str, str]:
    """Installed versions of the engine's distributions ('missing' for one that is not installed)."""
    from importlib import metadata

    versions = {}
    for name in ENGINE:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "missing"
    return versions


@cache
def code_digest(names: tuple[str, ...] = RENDER_CODE) -> str:
    """A hash of this package's own source files (all of them when names is empty)."""
    folder = Path(__file__).parent
    paths = sorted(folder.glob("*.py")) if not names else [folder / n for n in names]
    h = hashlib.sha256()
    for path in paths:
        h.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def render_settings() -> dict:
    """Everything outside the inputs that changes a PDF's bytes."""
    return {
        "format": FORMAT,
        "engine": engine_versions(),
        "code": code_digest(),
        "options": PDF_OPTIONS,
        "source_date_epoch": source_date_epoch(),
    }


def _urls(text: str, css: bool) -> list[str]:
    found = [m.group(2) or m.group(4) for m in _CSS_URL.finditer(text)]
    if not css:
        for match in _URL_ATTR.finditer(text):
            name, value = match.group(1).lower(), htmllib.unescape(match.group(3))
            if name == "srcset":
                found += [part.strip().split(" ")[0] for part in value.split(",")]
            else:
                found.append(value.strip())
    return [u for u in found if u]


def _local(url: str, base: Path) -> Path | None:
    """The file a URL names, if it is a local one (data:, http:, #fragments and the like are not)."""
    parts = urlsplit(url)
    if parts.scheme == "file":
        return Path(unquote(parts.path))
    if parts.scheme or parts.netloc or not parts.path:
        return None
    return base / unquote(parts.path)


class Files:
    """Content hashes of the files a render may load, each file read once per build."""

    def __init__(self) -> None:
        self._digests: dict[Path, str] = {}
        self._refs: dict[Path, list[Path]] = {}

    def digest(self, path: Path) -> str:
        path = path.resolve()
        if path not in self._digests:
            try:
                data = path.read_bytes()
            except OSError:
                self._digests[path] = "missing"
                self._refs[path] = []
            else:
                self._digests[path] = hashlib.sha256(data).hexdigest()
                # An SVG can load further files; follow them so that editing those changes the key too.
                is_svg = path.suffix.lower() == ".svg"
                text = data.decode("utf-8", "replace") if is_svg else ""
                self._refs[path] = [p for u in _urls(text, css=False) if (p := _local(u, path.parent))]
        return self._digests[path]

    def closure(self, paths: list[Path]) -> dict[str, str]:
        """Every file reachable from paths (through SVG references), with its hash."""
        seen: dict[str, str] = {}
        todo = [p.resolve() for p in paths]
        while todo:
            path = todo.pop()
            if str(path) in seen:
                continue
            seen[str(path)] = self.digest(path)
            todo += [p.resolve() for p in self._refs.get(path, [])]
        return dict(sorted(seen.items()))


def dependencies(html: str, css: list[str], base: Path, styles: Path) -> list[Path]:
    """Local files that the HTML (relative to base) and the stylesheets (relative to styles) refer to."""
    paths = [p for u in _urls(html, css=False) if (p := _local(u, base))]
    for sheet in css:
        paths += [p for u in _urls(sheet, css=True) if (p := _local(u, styles))]
    return paths


def render_key(identifier: str, html: str, css: list[str], base: Path, styles: Path, files: Files) -> str:
    """The key of one render: the filled HTML and CSS, the files they load, the engine and the options."""
    recipe = {
        "kind": "render",
        "identifier": identifier,
        "html": html,
        "css": css,
        "base": str(base),
        "files": files.closure(dependencies(html, css, base, styles)),
        **render_settings(),
    }
    return hashlib.sha256(json.dumps(recipe, sort_keys=True).encode("utf-8")).hexdigest()


def derived_key(kind: str, *parts: str) -> str:
    """The key of an output made from other outputs (the card sheet: its crop marks and its cards)."""
    recipe = {"kind": kind, "parts": list(parts), **render_settings()}
    return hashlib.sha256(json.dumps(recipe, sort_keys=True).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Entry:
    """A cached PDF and what the manifest needs to know about it."""

    data: bytes
    pages: int


class Store:
    """Entries on disk, one file each: a header line, a JSON line (size, sha256, pages), then the PDF.

    An entry is served only if its header names this format and its payload matches the recorded
    size and hash; anything else (truncated, garbled, another version) is a miss and gets rebuilt.
    """

    def __init__(self, folder: Path):
        self.folder = folder

    def path(self, key: str) -> Path:
        return self.folder / "pdf" / key[:2] / f"{key[2:]}.entry"

    def get(self, key: str) -> Entry | None:
        try:
            with open(self.path(key), "rb") as handle:
                header = handle.readline()
                meta_line = handle.readline()
                data = handle.read()
        except OSError:
            return None
        if header != MAGIC + b" %d\n" % FORMAT:
            return None
        try:
            meta = json.loads(meta_line)
            size, digest, pages = int(meta["size"]), str(meta["sha256"]), int(meta["pages"])
        except (ValueError, KeyError, TypeError):
            return None
        if len(data) != size or hashlib.sha256(data).hexdigest() != digest:
            return None
        return Entry(data, pages)

    def put(self, key: str, entry: Entry) -> None:
        """Store an entry atomically; a full or read-only disk raises OutputError naming the cache file."""
        digest = hashlib.sha256(entry.data).hexdigest()
        meta = {"size": len(entry.data), "sha256": digest, "pages": entry.pages}
        body = MAGIC + b" %d\n" % FORMAT + json.dumps(meta).encode() + b"\n" + entry.data
        try:
            write_atomic(self.path(key), body)
        except OutputError as exc:
            raise OutputError(f"cannot write to the cache: {exc.message.removeprefix('cannot write: ')}"
                              " (choose another folder with --cache)", exc.path) from None

    def entries(self) -> list[Path]:
        return sorted((self.folder / "pdf").glob("*/*.entry"))


def remove_stale_temp(folders: list[Path], older_than: float | None = None) -> None:
    """Delete temporary files that a killed build left behind (write_atomic's '.NAME.XXXX.tmp')."""
    now = time.time()
    for tmp in (t for folder in folders for t in folder.glob(".*.tmp")):
        try:
            if older_than is None or now - tmp.stat().st_mtime > older_than:
                tmp.unlink()
        except OSError:
            pass

