"""Fixtures: a throw-away project with the repository's layouts and styles, and a CLI runner."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from pypdf import PdfReader

from handoutkit.cli import main

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "handouts" / "ketamine-depression.md"

GOOD = """---
title: Staying Hydrated
reviewed: 2026-11-01
---
Drink water through the day.

## Why it matters

Your body needs water to work well.
"""


@dataclass
class Run:
    code: int
    out: str
    err: str


@pytest.fixture
def project(tmp_path: Path) -> Callable[..., Path]:
    """make(files) -> a project folder with the repo's layouts/ and styles/ and the given handouts."""

    def make(files: dict[str, str | bytes] | None = None) -> Path:
        root = tmp_path / "clinic"
        shutil.copytree(REPO / "layouts", root / "layouts")
        shutil.copytree(REPO / "styles", root / "styles")
        (root / "handouts").mkdir()
        for name, content in (files or {}).items():
            path = root / "handouts" / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
        return root

    return make


@pytest.fixture
def cli(capsys) -> Callable[..., Run]:
    """cli(project, 'build', ...) runs the command line in-process and returns exit code and output."""

    def run(root: Path, *args: str) -> Run:
        code = main(["--project", str(root), *args])
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)
