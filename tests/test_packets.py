"""Packets: definitions, page order for duplex and simplex, the cover, personalisation and privacy."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.conftest import GOOD, REPO

SAMPLES = ["first-visit", "ketamine-depression", "questions-to-ask", "mood-log"]
NAMES = ["José Núñez", "Nguyễn Văn An", "محمد عبد الله"]
PACKETS = """
trio:
  title: Three handouts
  description: For the tests.
  handouts: [ketamine-depression, questions-to-ask, mood-log]
"""


@pytest.fixture
def clinic(project) -> Path:
    """A project with the sample handouts and the sample packet, plus a three-handout packet."""
    root = project({f"{slug}.md": (REPO / "handouts" / f"{slug}.md").read_text() for slug in SAMPLES})
    shutil.copy(REPO / "handouts" / "packets.yml", root / "handouts" / "packets.yml")
    with (root / "handouts" / "packets.yml").open("a") as handle:
        handle.write(PACKETS)
    return root


def texts(path: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(path).pages]


def starts(path: Path) -> dict[str, int]:
    """Bookmark title -> 1-based page it points at."""
    reader = PdfReader(path)
    return {item.title: reader.get_destination_page_number(item) + 1 for item in reader.outline}


def test_sample_packet_duplex_starts_every_handout_on_a_front_page(clinic, cli):
    run = cli(clinic, "packet", "new-patient")
    assert run.code == 0, run.err
    out = clinic / "dist" / "packets" / "new-patient.pdf"
    assert run.out == f"wrote {out} (12 pages)\n"
    pages = texts(out)
    marks = starts(out)
    assert list(marks) == ["Your First Visit: What to Bring and What to Expect",
                           "Ketamine-Assisted Therapy for Depression", "Questions to Ask Your Care Team",
                           "Weekly Mood Log", "Summary cards"]
    assert list(marks.values()) == [3, 5, 7, 9, 11]
    blank = [n for n, text in enumerate(pages, 1) if "This page is intentionally blank." in text]
    assert blank == [2, 8, 10, 12]
    assert all(n % 2 == 1 for n in marks.values())
    # handouts keep their own page numbers
    assert "Page 1 of 2" in pages[4] and "Page 2 of 2" in pages[5]


def test_cover_lists_the_page_each_handout_starts_on(clinic, cli):
    cli(clinic, "packet", "new-patient")
    out = clinic / "dist" / "packets" / "new-patient.pdf"
    cover = texts(out)[0]
    listed = dict(re.findall(r"\d\.\s*(.+?)\s*page (\d+)", cover))
    assert {title: int(page) for title, page in listed.items()} == starts(out)
    assert "Prepared for:" in cover and "Notes" in cover


def test_simplex_has_no_blank_pages(clinic, cli):
    out = clinic / "simplex.pdf"
    assert cli(clinic, "packet", "trio", "--simplex", "-o", str(out)).code == 0
    pages = texts(out)
    assert len(pages) == 1 + 2 + 1 + 1
    assert not any("intentionally blank" in text for text in pages)
    assert list(starts(out).values()) == [2, 4, 5]


def test_build_writes_every_packet_unpersonalised(clinic, cli):
    run = cli(clinic, "build")
    assert run.code == 0, run.err
    for name in ("new-patient", "trio"):
        pages = texts(clinic / "dist" / "packets" / f"{name}.pdf")
        assert not any("Prepared for " in text.replace("Prepared for:", "") for text in pages)


@pytest.mark.parametrize("name", NAMES)
def test_personal_line_on_every_page_and_the_name_as_typed(clinic, cli, name):
    out = clinic / "for-patient.pdf"
    run = cli(clinic, "packet", "trio", "--for", name, "--date", "2026-11-27", "--clinician", "Dr. Rivera",
              "--note", "Bring the log next time.", "-o", str(out))
    assert run.code == 0, run.err
    assert name not in run.out + run.err
    pages = texts(out)
    for number, text in enumerate(pages, 1):
        assert "Prepared for" in text, number
        assert name in text.splitlines() or any(name in line for line in text.splitlines()), number
        assert "27 Nov 2026" in text, number
    assert "Bring the log next time." in pages[0]
    assert "Dr. Rivera" in pages[0]


def test_overdue_handout_is_refused_unless_allowed(clinic, cli):
    path = clinic / "handouts" / "mood-log.md"
    path.write_text(path.read_text().replace("reviewed: 2026-11-26", "reviewed: 2020-01-15"))
    run = cli(clinic, "packet", "trio")
    assert run.code == 1
    assert run.err == ("error: packet 'trio': handout 'mood-log' was due for review on 2022-01-15; review it, "
                       "or use --allow-overdue to print it marked 'Review overdue'\n")
    out = clinic / "overdue.pdf"
    assert cli(clinic, "packet", "trio", "--allow-overdue", "-o", str(out)).code == 0
    pages = texts(out)
    marked = [n for n, text in enumerate(pages, 1) if "Review overdue: next review was due Jan 2022" in text]
    assert marked == [starts(out)["Weekly Mood Log"]]


@pytest.mark.parametrize(
    ("yaml", "message"),
    [
        ("a:\n  title: A\n  handouts:\n    - ketamine-depresion\n",
         "handouts/packets.yml:4: unknown handout 'ketamine-depresion' (did you mean 'ketamine-depression'?)"),
        ("a:\n  title: A\n  handouts: []\n", "handouts/packets.yml:3: a.handouts: a packet needs at least one handout"),
        ("a:\n  title: A\n  handout: [mood-log]\n", "handouts/packets.yml:3: a.handout: unknown field"),
        ("a:\n  title: A\n  handouts: [mood-log, mood-log]\n",
         "handouts/packets.yml:3: handout 'mood-log' is listed twice in packet 'a'"),
        ("a:\n  title: [A\n", "handouts/packets.yml:3: broken YAML"),
    ],
    ids=["typo", "empty", "unknown-key", "twice", "broken-yaml"],
)
def test_bad_packet_definitions(project, cli, yaml, message):
    root = project({"mood-log.md": (REPO / "handouts" / "mood-log.md").read_text(),
                    "ketamine-depression.md": GOOD})
    (root / "handouts" / "packets.yml").write_text(yaml)
    run = cli(root, "packet", "a")
    assert run.code == 1
    assert run.err.startswith(f"error: {message}")
    build = cli(root, "build")
    assert build.code == 1 and message in build.err
    assert (root / "dist" / "handouts" / "mood-log.pdf").is_file()


def test_unknown_packet_is_a_usage_error(clinic, cli):
    run = cli(clinic, "packet", "new-patients")
    assert run.code == 2
    assert run.err == "error: unknown packet 'new-patients' (did you mean 'new-patient'?)\n"


def test_packet_with_a_broken_handout_is_refused_naming_it(clinic, cli):
    (clinic / "handouts" / "mood-log.md").write_text("---\ntitle: Log\nreviewed: someday\n---\nx\n")
    run = cli(clinic, "packet", "trio")
    assert run.code == 1
    assert run.err == ("error: handouts/mood-log.md:3: packet 'trio': handout 'mood-log' did not build: "
                       "reviewed: expected a date like 2026-11-26, got 'someday'\n")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--for", "A" * 500], "error: the patient's name is 500 characters long; at most 100 fit\n"),
        (["--for", "Ana\x07Bell"], "error: the patient's name contains a control character (U+0007); type it again\n"),
        (["--note", "x" * 401], "error: the note is 401 characters long; at most 400 fit\n"),
        (["--for", "王小明"], "error: the patient's name has characters no installed font can print (U+738B "
                             "CJK UNIFIED IDEOGRAPH-738B); add a fontpkg font for that script to fallback_fonts in "
                             "styles/site.yml instead of printing empty boxes\n"),
    ],
    ids=["500-characters", "control-character", "long-note", "uncovered-script"],
)
def test_bad_personal_details_are_refused(clinic, cli, args, message):
    out = clinic / "never.pdf"
    run = cli(clinic, "packet", "trio", *args, "-o", str(out))
    assert run.code == 1
    assert run.err == message
    assert not out.exists()


def test_bad_date_is_a_usage_error(clinic, cli):
    with pytest.raises(SystemExit) as caught:
        cli(clinic, "packet", "trio", "--date", "27/11/2026")
    assert caught.value.code == 2


def snapshot(folder: Path) -> dict[Path, tuple[int, int]]:
    return {p: (p.stat().st_mtime_ns, p.stat().st_size) for p in folder.rglob("*") if p.is_file()}


def test_personal_details_reach_only_the_pdf_asked_for(clinic, tmp_path):
    """Run as a user would; then search every file the command wrote, its output and its temp folder."""
    secret = {"name": "Zyxwv Qutsrp", "clinician": "Dr. Onmlkj", "note": "Hgfedc note"}
    env = {**os.environ, "TMPDIR": str(tmp_path / "tmp"), "HOME": str(tmp_path / "home")}
    (tmp_path / "tmp").mkdir()
    (tmp_path / "home").mkdir()
    build = subprocess.run([sys.executable, str(REPO / "build.py"), "--project", str(clinic), "build"], env=env,
                           capture_output=True, text=True)
    assert build.returncode == 0, build.stderr
    before = snapshot(tmp_path)
    temporary = set((tmp_path / "tmp").iterdir())
    out = tmp_path / "asked-for.pdf"
    run = subprocess.run(
        [sys.executable, str(REPO / "build.py"), "--project", str(clinic), "packet", "new-patient",
         "--for", secret["name"], "--clinician", secret["clinician"], "--note", secret["note"], "-o", str(out)],
        env=env, capture_output=True, text=True, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    after = snapshot(tmp_path)
    written = [p for p in after if before.get(p) != after[p]]
    assert out in written
    assert set((tmp_path / "tmp").iterdir()) == temporary  # the packet command leaves nothing behind
    for value in secret.values():
        assert value not in run.stdout + run.stderr
        assert value in "\n".join(texts(out))
        for path in written:
            if path != out:
                data = path.read_bytes()
                for encoding in ("utf-8", "utf-16-be", "utf-16-le"):
                    assert value.encode(encoding) not in data, path
