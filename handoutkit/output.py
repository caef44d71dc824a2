"""Writing results: atomic file writes (temporary file, then rename) and the manifest."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

from .errors import OutputError


def make_folder(folder: Path, for_file: Path | None = None) -> None:
    """Create folder (and its parents); an error names the file that was to be written there."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        blocker = next(p for p in [folder, *folder.parents] if p.exists() and not p.is_dir())
        raise OutputError(f"cannot write: {blocker} is a file, not a folder", for_file or folder) from None
    except OSError as exc:
        raise OutputError(f"cannot write: {exc.strerror}", for_file or folder) from None


def write_atomic(path: Path, data: bytes) -> None:
    """Write data to path so that readers see the old file or the new one, never half of one."""
    make_folder(path.parent, path)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise OutputError(f"cannot write: {exc.strerror}", path) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise OutputError(f"cannot write: {exc.strerror}", path) from None


def write_if_changed(path: Path, data: bytes) -> bool:
    """write_atomic, unless path already holds exactly data (so an unchanged file keeps its time)."""
    try:
        if path.stat().st_size == len(data) and path.read_bytes() == data:
            return False
    except OSError:
        pass
    write_atomic(path, data)
    return True


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_manifest(path: Path) -> dict[str, dict]:
    """The handouts of an earlier build, by slug (empty when there is none or it is unreadable)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return {entry["slug"]: entry for entry in data["handouts"]}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def write_manifest(path: Path, entries: dict[str, dict]) -> None:
    """dist/manifest.json: one entry per handout, sorted by slug, stable from build to build."""
    body = {"handouts": [entries[slug] for slug in sorted(entries)]}
    write_if_changed(path, (json.dumps(body, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
