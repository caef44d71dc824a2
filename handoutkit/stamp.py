"""The record of an output folder's last full build, so that a build with nothing to do returns at once.

A full build that succeeds records, in the cache folder, a fingerprint of its inputs (the bytes of every
file under handouts/, layouts/ and styles/, the font files, the engine versions, this package's code and
the render options) and the size and modification time of each file it left in the output folder. The
next full build compares both before loading anything (no YAML, Markdown, Jinja2 or WeasyPrint) and
stops if nothing differs. Anything else takes the normal path, where the per-output cache decides.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from .cache import code_digest, render_settings
from .output import write_atomic

INPUT_FOLDERS = ("handouts", "layouts", "styles")


@dataclass
class Record:
    """What a successful full build read and wrote."""

    inputs: str
    fonts: list[str]
    outputs: dict[str, list[int]]
    handouts: list[str]
    cards: list[str]
    packets: list[str]


def record_path(cache_dir: Path, out: Path) -> Path:
    name = hashlib.sha256(str(out).encode()).hexdigest()[:16]
    return cache_dir / "builds" / f"{name}.json"


def _stat(path: Path) -> list[int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns]


class Inputs:
    """The project's input files, read and hashed once; fingerprint() adds the fonts and the engine."""

    def __init__(self, root: Path):
        h = hashlib.sha256()
        for folder in INPUT_FOLDERS:
            for dirpath, dirnames, filenames in os.walk(root / folder):
                dirnames.sort()
                for name in sorted(filenames):
                    if name.startswith(".") and name.endswith(".tmp"):
                        continue  # a write in progress, or left by a killed build
                    path = Path(dirpath, name)
                    h.update(str(path.relative_to(root)).encode() + b"\0")
                    try:
                        h.update(hashlib.sha256(path.read_bytes()).digest())
                    except OSError:
                        h.update(b"unreadable")
        self.files = h.hexdigest()

    def fingerprint(self, fonts: list[str]) -> str:
        recipe = {
            "files": self.files,
            "fonts": {f: _stat(Path(f)) for f in fonts},
            "all_code": code_digest(()),
            # Review dates fall due with time: a packet can become refused without any file changing.
            "today": dt.date.today().isoformat(),
            **render_settings(),
        }
        return hashlib.sha256(json.dumps(recipe, sort_keys=True).encode()).hexdigest()


def load(path: Path) -> Record | None:
    try:
        return Record(**json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None


def unchanged(record: Record, inputs: Inputs, out: Path) -> bool:
    """True when the inputs are byte for byte those of the recorded build and its outputs are untouched."""
    if inputs.fingerprint(record.fonts) != record.inputs:
        return False
    return all(_stat(out / name) == stat for name, stat in record.outputs.items())


def save(path: Path, inputs: Inputs, fonts: list[str], out: Path, outputs: list[str],
         handouts: list[str], cards: list[str], packets: list[str]) -> None:
    stats = {name: _stat(out / name) for name in outputs}
    if any(s is None for s in stats.values()):
        return
    record = Record(inputs.fingerprint(fonts), fonts, stats, handouts, cards, packets)  # type: ignore[arg-type]
    write_atomic(path, json.dumps(asdict(record), indent=1).encode())


def forget(path: Path) -> None:
    """Drop the record before a build changes the output folder (kept only if that build succeeds)."""
    with contextlib.suppress(OSError):
        path.unlink(missing_ok=True)
