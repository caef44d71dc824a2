"""Writes are atomic: a failed write leaves the previous good file and no temporary files."""

from __future__ import annotations

import errno
import os

import pytest

from handoutkit.errors import OutputError
from handoutkit.output import write_atomic
from tests.conftest import GOOD


def test_failed_write_keeps_the_previous_file(tmp_path, monkeypatch):
    target = tmp_path / "handouts" / "x.pdf"
    write_atomic(target, b"%PDF good")

    def disk_full(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(OutputError) as caught:
        write_atomic(target, b"%PDF half")
    assert str(caught.value).endswith("x.pdf: cannot write: No space left on device")
    assert target.read_bytes() == b"%PDF good"
    assert [p.name for p in target.parent.iterdir()] == ["x.pdf"]


def test_build_into_an_unwritable_place_says_so(project, cli):
    root = project({"good.md": GOOD})
    (root / "dist").write_text("a file where the output folder should be")
    run = cli(root, "build")
    assert run.code == 1
    expected = f"error: dist: cannot write: {root / 'dist'} is a file, not a folder"
    assert run.err.splitlines()[0] == expected
