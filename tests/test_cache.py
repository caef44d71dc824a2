"""The build cache: what each change re-renders, bad entries, parallel failures, locks and bad disks."""

from __future__ import annotations

import errno
import os
import pickle
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from handoutkit import cache as cache_module
from handoutkit.builder import SHEET, UnknownHandout, build
from handoutkit.cache import FORMAT, MAGIC, Entry, Store
from handoutkit.cli import main
from handoutkit.errors import BrandError, ContentError, HandoutError, LayoutError, OutputError, RenderError
from handoutkit.lock import build_lock

REPO = Path(__file__).resolve().parents[1]
SEED = "ketamine-depression"
SLEEP = """---
title: Sleeping Well
version: "1.0"
reviewed: 2026-01-15
summary:
  - Keep a regular bedtime.
  - Put screens away an hour before sleep.
---
Good sleep helps mood and energy.

## Habits

Go to bed and get up at the same time each day, even at weekends.
"""
EVIL_SVG = """<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
     width="40" height="40" viewBox="0 0 40 40">
  <image x="0" y="0" width="40" height="40" xlink:href="file:///etc/passwd"/>
</svg>
"""
EVIL = """---
title: A Chart
---
See the chart.

![chart](images/chart.svg)
"""
ALL = {f"handouts/{SEED}.pdf", f"cards/{SEED}.pdf", "handouts/sleep.pdf", "cards/sleep.pdf", SHEET}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "clinic"
    for folder in ("layouts", "styles"):
        shutil.copytree(REPO / folder, root / folder)
    (root / "handouts").mkdir()
    shutil.copy(REPO / "handouts" / f"{SEED}.md", root / "handouts")
    (root / "handouts" / "sleep.md").write_text(SLEEP, encoding="utf-8")
    return root


def run(project: Path, out: str = "dist", **options):
    return build(project, project / out, **{"jobs": 1, **options})


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def outputs(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
            and not p.name.startswith(".")}


def test_nothing_changed_renders_nothing(project):
    first = run(project)
    assert first.ok and set(first.rendered) == ALL
    again = run(project)
    assert again.ok and again.unchanged and again.rendered == []
    assert again.handouts == [SEED, "sleep"] and again.cards == [SEED, "sleep"]
    # Another output folder takes the full path, and every output is served from the cache.
    other = run(project, "other")
    assert other.ok and not other.unchanged and other.rendered == []
    assert set(other.from_cache) == ALL
    assert outputs(project / "other") == outputs(project / "dist")  # the manifest too (pages, sha256)


def test_editing_the_text_rerenders_only_that_handout(project):
    run(project)
    edit(project / "handouts" / "sleep.md", "even at weekends", "even at weekends and on holidays")
    result = run(project)
    # The card shows only the title and key points, so it (and the sheet) are unchanged.
    assert result.ok and result.rendered == ["handouts/sleep.pdf"]
    assert set(result.from_cache) == ALL - {"handouts/sleep.pdf"}


def test_editing_the_key_points_rerenders_the_handout_its_card_and_the_sheet(project):
    run(project)
    edit(project / "handouts" / "sleep.md", "Keep a regular bedtime.", "Keep a regular bedtime, wake time.")
    result = run(project)
    assert result.ok and set(result.rendered) == {"handouts/sleep.pdf", "cards/sleep.pdf", SHEET}
    assert PdfReader(project / "dist" / "cards" / "sleep.pdf").pages[0].extract_text().count("wake time") == 1


def test_editing_front_matter_rerenders_that_handout(project):
    run(project)
    edit(project / "handouts" / "sleep.md", 'version: "1.0"', 'version: "1.1"')
    result = run(project)
    assert result.ok and result.rendered == ["handouts/sleep.pdf"]
    manifest = (project / "dist" / "manifest.json").read_text()
    assert '"version": "1.1"' in manifest


def test_editing_a_layout_rerenders_what_uses_it(project):
    run(project)
    edit(project / "layouts" / "handout.html", "<main>", '<main>\n  <p class="notice">Printed copy</p>')
    result = run(project)
    assert result.ok and set(result.rendered) == {f"handouts/{SEED}.pdf", "handouts/sleep.pdf"}
    edit(project / "styles" / "card.css", "}", "}\nh1 { letter-spacing: 0.01em; }")
    result = run(project)
    assert result.ok and set(result.rendered) == {f"cards/{SEED}.pdf", "cards/sleep.pdf", SHEET}


def test_editing_the_brand_rerenders_everything(project):
    run(project)
    edit(project / "styles" / "brand.yml", "(555) 010-4477", "(555) 010-9999")
    result = run(project)
    assert result.ok and set(result.rendered) == ALL


def test_a_new_engine_version_rerenders_everything(project, monkeypatch):
    run(project)
    bumped = {**cache_module.engine_versions(), "weasyprint": "999.0"}
    monkeypatch.setattr(cache_module, "engine_versions", lambda: bumped)
    result = run(project)
    assert result.ok and set(result.rendered) == ALL
    assert run(project, "other").rendered == []  # and the new entries are served after that


def test_force_ignores_the_cache(project):
    run(project)
    result = run(project, force=True)
    assert result.ok and set(result.rendered) == ALL


def corrupt(entry: Path, how: str) -> None:
    data = entry.read_bytes()
    if how == "truncated":
        entry.write_bytes(data[: len(data) // 2])
    elif how == "garbled":
        entry.write_bytes(data[:-100] + bytes([data[-100] ^ 0xFF]) + data[-99:])
    elif how == "other version":
        entry.write_bytes(data.replace(MAGIC + b" %d\n" % FORMAT, MAGIC + b" %d\n" % (FORMAT + 1), 1))
    else:
        entry.write_bytes(b"")


@pytest.mark.parametrize("how", ["truncated", "garbled", "other version", "empty"])
def test_a_bad_entry_is_a_miss(tmp_path, how):
    store = Store(tmp_path)
    store.put("ab" * 32, Entry(b"%PDF-1.7 " + bytes(range(256)) * 4, 2))
    assert store.get("ab" * 32) == Entry(b"%PDF-1.7 " + bytes(range(256)) * 4, 2)
    corrupt(store.path("ab" * 32), how)
    assert store.get("ab" * 32) is None


def test_corrupt_entries_are_rebuilt_with_identical_output(project):
    run(project)
    entries = Store(project / ".cache").entries()
    assert len(entries) >= len(ALL)
    for i, entry in enumerate(entries):
        corrupt(entry, ["truncated", "garbled", "other version", "empty"][i % 4])
    result = run(project, "other")
    assert result.ok and set(result.rendered) == ALL
    assert outputs(project / "other") == outputs(project / "dist")
    assert run(project, "third").rendered == []  # the rebuilt entries are good


def test_a_failing_handout_in_a_parallel_build_is_reported_and_the_others_land(project):
    (project / "handouts" / "images").mkdir()
    (project / "handouts" / "images" / "chart.svg").write_text(EVIL_SVG, encoding="utf-8")
    (project / "handouts" / "chart.md").write_text(EVIL, encoding="utf-8")
    result = run(project, jobs=2)
    assert result.workers == 2
    assert [str(e) for e in result.errors] == [
        f"{project / 'handouts' / 'chart.md'}: refused to load 'file:///etc/passwd': "
        "only files inside the project may be used"
    ]
    assert result.handouts == [SEED, "sleep"]
    assert set(result.rendered) == ALL
    for name in ALL:
        assert PdfReader(project / "dist" / name).pages
    assert not (project / "dist" / "handouts" / "chart.pdf").exists()
    # Rendered in workers or here, the bytes are the same.
    serial = run(project, "serial", force=True)
    assert outputs(project / "serial") == outputs(project / "dist")
    assert len(serial.errors) == 1


@pytest.mark.parametrize("cls", [HandoutError, ContentError, BrandError, LayoutError, RenderError,
                                 OutputError, UnknownHandout])
def test_errors_survive_the_trip_from_a_worker(cls):
    error = cls("something is wrong", Path("/clinic/handouts/x.md"), 7)
    back = pickle.loads(pickle.dumps(error))
    assert type(back) is cls
    assert (back.message, back.path, back.line, str(back)) == (error.message, error.path, 7, str(error))


NO_WEASYPRINT = "import sys; from handoutkit.cli import main; rc = main(sys.argv[1:]); " \
                "print('weasyprint' in sys.modules, rc)"


@pytest.mark.parametrize("out", ["dist", "other"])
def test_a_build_with_nothing_to_render_does_not_import_weasyprint(project, out):
    run(project)
    cmd = [sys.executable, "-c", NO_WEASYPRINT, "--project", str(project), "build", "--quiet",
           "--out", str(project / out)]
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=project, check=False)
    assert done.stdout.split() == ["False", "0"], done.stderr
    assert outputs(project / out) == outputs(project / "dist")


def test_summary_says_how_many_came_from_the_cache(project, capsys):
    run(project)
    edit(project / "handouts" / "sleep.md", "Good sleep", "Sound sleep")
    assert main(["--project", str(project), "build", "--jobs", "1"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "built sleep (1 page)"
    summary = [line for line in lines if line.startswith("built ")][-1]
    assert summary.startswith("built 2 handouts and 2 cards in ")
    assert summary.endswith(" s (1 from cache)")
    assert main(["--project", str(project), "build", "--quiet"]) == 0
    assert capsys.readouterr().out == ""


def test_a_second_build_waits_for_the_first(project):
    out = project / "dist"
    cmd = [sys.executable, "-c", NO_WEASYPRINT, "--project", str(project), "build", "--jobs", "1"]
    with build_lock(out, print):
        second = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=project)
        assert second.stderr.readline() == f"waiting for another build of {out} to finish\n"
        assert not (out / "manifest.json").exists()
    stdout, _ = second.communicate(timeout=300)
    assert second.returncode == 0
    assert stdout.splitlines()[-1] == "True 0"
    assert set(outputs(out)) == ALL | {"manifest.json", "report.html"}


def test_a_killed_build_leaves_the_good_pdfs_and_the_next_one_finishes(project):
    run(project)
    before = outputs(project / "dist")
    for name in ("sleep.md", f"{SEED}.md"):
        edit(project / "handouts" / name, "summary:\n  - ", "summary:\n  - Note that ")
    cmd = [sys.executable, "-c", NO_WEASYPRINT, "--project", str(project), "build", "--jobs", "1"]
    child = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, cwd=project)
    assert re.fullmatch(r"built [a-z-]+ \(\d+ pages\)\n", child.stdout.readline())  # one done, one under way
    child.send_signal(signal.SIGKILL)
    child.wait()
    (project / "dist" / "handouts" / f".{SEED}.pdf.x1y2.tmp").write_bytes(b"%PDF half")  # as if cut short
    now = outputs(project / "dist")
    assert set(now) == set(before)
    for name, data in now.items():
        assert data == before[name] or PdfReader(project / "dist" / name).pages  # old or new, never half
    result = run(project)
    assert result.ok and set(result.rendered) | set(result.from_cache) == ALL
    assert set(outputs(project / "dist")) == ALL | {"manifest.json"}
    assert not list((project / "dist").rglob("*.tmp"))
    assert PdfReader(project / "dist" / "cards" / "sleep.pdf").pages[0].extract_text().count("Note that") == 1


def test_an_output_folder_that_cannot_be_made_is_one_clear_error(project, capsys):
    (project / "blocked").write_text("a file where a folder should be")
    assert main(["--project", str(project), "build", "--out", str(project / "blocked" / "dist")]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err == [f"error: blocked/dist: cannot write: {project / 'blocked'} is a file, not a folder"]


def test_a_full_disk_is_one_clear_error_and_keeps_the_previous_pdfs(project, capsys, monkeypatch):
    run(project)
    before = outputs(project / "dist")
    edit(project / "handouts" / "sleep.md", "Good sleep", "Sound sleep")

    def full(src, dst):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "replace", full)
    assert main(["--project", str(project), "build", "--jobs", "1", "--quiet"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and err[0].startswith("error: ")
    assert err[0].endswith("cannot write to the cache: No space left on device "
                           "(choose another folder with --cache)")
    monkeypatch.undo()
    assert outputs(project / "dist") == before
    assert not list(project.rglob("*.tmp"))


def test_progress_can_still_be_a_function(project):
    lines: list[str] = []
    assert run(project, progress=lines.append).ok
    assert sorted(lines) == [f"built {SEED} (2 pages)", "built sleep (1 page)"]
