"""The command line: exit codes, one clear line per broken handout, the others still built."""

from __future__ import annotations

import json

import pytest

from handoutkit.content import FrontMatter
from tests.conftest import GOOD, SEED

BROKEN = {
    "empty": ("", "handouts/bad.md:1: the file is empty; a handout starts with front matter between '---' lines"),
    "no front matter": ("Hello\n", "handouts/bad.md:1: expected front matter at the top: a '---' line, "
                                   "'title: ...', then another '---' line"),
    "broken YAML": ("---\ntitle: 'open\n---\nx\n", "handouts/bad.md:2: broken YAML: found unexpected end "
                                                   "of stream"),
    "missing title": ("---\nversion: '2'\n---\nx\n", "handouts/bad.md:2: title: required field is missing"),
    "unknown key": ("---\ntitle: T\ncolour: red\n---\nx\n", "handouts/bad.md:3: colour: unknown field"),
    "bad date": ("---\ntitle: T\nreviewed: last week\n---\nx\n",
                 "handouts/bad.md:3: reviewed: expected a date like 2026-11-26, got 'last week'"),
    "not UTF-8": (b"---\ntitle: T\n---\n\x93quoted\x94\n",
                  "handouts/bad.md:4: not UTF-8 text (byte 0x93); save the file as UTF-8"),
    "missing image": ("---\ntitle: T\n---\nSee:\n\n![Chart](chart.png)\n",
                      "handouts/bad.md:6: file not found: 'chart.png'"),
    "unknown layout": ("---\ntitle: T\nlayout: poster\n---\nx\n",
                       "handouts/bad.md: unknown layout 'poster' (looked for poster.html in "),
}


@pytest.mark.parametrize("case", BROKEN, ids=list(BROKEN))
def test_a_broken_handout_is_one_line_and_the_others_still_build(project, cli, case):
    text, message = BROKEN[case]
    if isinstance(text, str):
        text = text.encode()
    root = project({"good.md": GOOD, "bad.md": text})
    run = cli(root, "build")
    assert run.code == 1
    errors = run.err.strip().splitlines()
    assert len(errors) == 1
    assert errors[0].startswith(f"error: {message}")
    assert "Traceback" not in run.err
    assert (root / "dist" / "handouts" / "good.pdf").is_file()
    assert not (root / "dist" / "handouts" / "bad.pdf").exists()
    summary = [line for line in run.out.splitlines() if line.startswith("built ")][-1]
    assert summary.startswith("built 1 handout and 0 cards in ")
    assert summary.endswith("; 1 failed")


def test_huge_file_is_refused_and_says_so(project, cli):
    root = project({"good.md": GOOD})
    with (root / "handouts" / "huge.md").open("wb") as handle:
        handle.write(b"---\ntitle: Huge\n---\n" + b"word " * 4_000_000)
    run = cli(root, "build")
    assert run.code == 1
    assert run.err == "error: handouts/huge.md: file is 20.0 MB; a handout may be at most 1 MB of text\n"
    assert (root / "dist" / "handouts" / "good.pdf").is_file()


def test_two_handouts_with_the_same_slug(project, cli):
    root = project({"good.md": GOOD, "es/good.md": GOOD.replace("Staying", "Mantenerse")})
    run = cli(root, "build")
    assert run.code == 1
    assert run.err == ("error: handouts/es/good.md: slug 'good' is already used by handouts/good.md; "
                       "rename one file\n")
    assert (root / "dist" / "handouts" / "good.pdf").is_file()


def test_build_all_writes_handouts_cards_sheet_and_manifest(project, cli):
    root = project({"good.md": GOOD, "ketamine-depression.md": SEED.read_text(encoding="utf-8")})
    run = cli(root)  # no command means build
    assert run.code == 0, run.err
    assert run.err == ""
    assert [line for line in run.out.splitlines() if line.startswith("built ")][-1].startswith(
        "built 2 handouts and 1 card in ")
    dist = root / "dist"
    assert sorted(p.name for p in (dist / "handouts").iterdir()) == ["good.pdf", "ketamine-depression.pdf"]
    assert sorted(p.name for p in (dist / "cards").iterdir()) == ["ketamine-depression.pdf"]
    assert (dist / "cards-sheet.pdf").is_file()
    manifest = json.loads((dist / "manifest.json").read_text())
    entry = manifest["handouts"][1]
    assert set(entry) == {"slug", "title", "version", "reviewed", "language", "pages", "sha256"}
    assert entry["slug"] == "ketamine-depression"
    assert entry["reviewed"] == "2026-11-26"
    assert entry["pages"] == 2
    import hashlib
    pdf = (dist / "handouts" / "ketamine-depression.pdf").read_bytes()
    assert entry["sha256"] == hashlib.sha256(pdf).hexdigest()


def test_build_named_slugs_and_out(project, cli, tmp_path):
    root = project({"good.md": GOOD, "other.md": GOOD.replace("Staying", "Keeping")})
    out = tmp_path / "elsewhere"
    run = cli(root, "build", "other", "--out", str(out))
    assert run.code == 0, run.err
    assert [p.name for p in (out / "handouts").iterdir()] == ["other.pdf"]


def test_unknown_slug_is_a_usage_error_with_a_suggestion(project, cli):
    root = project({"good.md": GOOD})
    run = cli(root, "build", "god")
    assert run.code == 2
    assert run.err == "error: unknown handout 'god' (did you mean 'good'?)\n"


def test_bad_option_is_a_usage_error(project, cli):
    root = project({"good.md": GOOD})
    with pytest.raises(SystemExit) as caught:
        cli(root, "build", "--frobnicate")
    assert caught.value.code == 2


def test_help_everywhere(cli, project, capsys):
    root = project()
    for args in ([], ["build"], ["new"]):
        with pytest.raises(SystemExit) as caught:
            cli(root, *args, "--help")
        assert caught.value.code == 0
        assert "usage: handouts" in capsys.readouterr().out


def test_new_scaffolds_a_handout_that_builds(project, cli):
    root = project()
    run = cli(root, "new", "sleep-tips", "--title", 'Sleep "Tips"')
    assert run.code == 0
    assert run.out == "wrote handouts/sleep-tips.md; edit it, then run: python build.py build sleep-tips\n"
    build = cli(root, "build", "sleep-tips")
    assert build.code == 0, build.err
    assert (root / "dist" / "handouts" / "sleep-tips.pdf").is_file()


def test_new_never_overwrites(project, cli):
    root = project({"good.md": GOOD})
    run = cli(root, "new", "good", "--title", "Other")
    assert run.code == 1
    assert run.err == "error: handouts/good.md already exists; nothing was changed\n"
    assert (root / "handouts" / "good.md").read_text() == GOOD


def test_new_refuses_a_bad_slug(project, cli):
    run = cli(project(), "new", "Bad Name", "--title", "T")
    assert run.code == 2
    assert "not a valid slug" in run.err


def test_readme_lists_every_front_matter_field():
    readme = (SEED.parent.parent / "README.md").read_text(encoding="utf-8")
    for name in FrontMatter.model_fields:
        assert f"| `{name}` |" in readme


def test_no_check_ends_with_the_summary(project, cli):
    root = project({"good.md": GOOD})
    run = cli(root, "build", "--no-check")
    assert run.code == 0, run.err
    assert run.out.splitlines()[-1].startswith("built 1 handout and 0 cards in ")
    assert "check:" not in run.out
    assert not (root / "dist" / "report.html").exists()
