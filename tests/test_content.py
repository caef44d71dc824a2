"""Loading handouts: the section split and front-matter validation."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from handoutkit.content import load_handout, split_sections
from handoutkit.errors import ContentError


def load(tmp_path: Path, text: str | bytes, name: str = "x.md"):
    path = tmp_path / "handouts" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return load_handout(path, (tmp_path / "handouts",), "en")


def error_of(tmp_path: Path, text: str | bytes) -> str:
    with pytest.raises(ContentError) as caught:
        load(tmp_path, text)
    message = str(caught.value)
    return message[message.index("x.md"):]


def test_split_keeps_intro_and_sections_in_order():
    body = "Intro one.\n\nIntro two.\n\n## First\n\nA.\n\n### Sub\n\nB.\n\n## Second ##\n\nC.\n"
    intro, sections = split_sections(body, 10)
    assert intro == "Intro one.\n\nIntro two."
    assert [(t, text, line) for t, text, line in sections] == [
        ("First", "A.\n\n### Sub\n\nB.", 14),
        ("Second", "C.", 22),
    ]


def test_headings_inside_code_fences_do_not_split():
    intro, sections = split_sections("```\n## not a heading\n```\n\n## Real\n\nText", 1)
    assert "## not a heading" in intro
    assert [t for t, _, _ in sections] == ["Real"]


def test_sections_reach_layouts_as_title_id_and_html(tmp_path):
    handout = load(tmp_path, "---\ntitle: T\n---\nHello.\n\n## Why it matters\n\n- one\n- two\n\n"
                             "## Why it matters\n\n| a | b |\n|---|---|\n| 1 | 2 |\n")
    assert [(s.title, s.id) for s in handout.sections] == [
        ("Why it matters", "why-it-matters"), ("Why it matters", "why-it-matters-2")]
    assert handout.sections[0].html == "<ul>\n<li>one</li>\n<li>two</li>\n</ul>"
    assert "<table>" in handout.sections[1].html
    assert handout.intro == "<p>Hello.</p>"


def test_nested_lists_and_block_quotes(tmp_path):
    handout = load(tmp_path, "---\ntitle: T\n---\n- a\n    - b\n\n> quoted\n")
    assert "<li>a<ul>\n<li>b</li>" in handout.intro
    assert "<blockquote>" in handout.intro


def test_front_matter_fields_and_defaults(tmp_path):
    handout = load(tmp_path, "---\ntitle: T\nreviewed: 2026-11-26\nsources: [A, B]\n---\nText.\n")
    assert handout.meta.reviewed == dt.date(2026, 11, 26)
    assert handout.meta.version == "1.0"
    assert handout.language == "en"
    assert handout.meta.layout == "handout"
    assert handout.meta.sources == ["A", "B"]
    assert handout.slug == "x"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "x.md:1: the file is empty; a handout starts with front matter between '---' lines"),
        ("Just text.\n", "x.md:1: expected front matter at the top: a '---' line, 'title: ...', "
                         "then another '---' line"),
        ("---\ntitle: T\nText\n", "x.md:1: front matter is not closed: add a '---' line after the last field"),
        ("---\ntitle: [unclosed\n---\nText\n", "x.md:2: broken YAML: expected ',' or ']', but got '<stream end>'"),
        ("---\nsubtitle: S\n---\nText\n", "x.md:2: title: required field is missing"),
        ("---\ntitle: T\nauthr: me\n---\nText\n",
         "x.md:3: authr: unknown field (known fields: title, subtitle, version, reviewed, language, url, "
         "sources, summary, layout, pages)"),
        ("---\ntitle: T\nversion: 1\nreviewed: last week\n---\nText\n",
         "x.md:3: version: expected text, got 1"),
        ("---\ntitle: T\nreviewed: last week\n---\nText\n",
         "x.md:3: reviewed: expected a date like 2026-11-26, got 'last week'"),
        ("---\ntitle: T\nreviewed: 2026-02-30\n---\nText\n",
         "x.md:3: reviewed: expected a date like 2026-11-26, got '2026-02-30'"),
        ("---\ntitle: T\nsummary: one point\n---\nText\n",
         "x.md:3: summary: expected a list ('- item' lines), got 'one point'"),
        ("---\ntitle: T\nsummary:\n  - ok\n  - 7\n---\nText\n", "x.md:5: summary.1: expected text, got 7"),
        ("---\ntitle: T\ntitle: U\n---\nText\n", "x.md:3: broken YAML: 'title' is given twice"),
        ("---\ntitle: T\n---\n", "x.md:4: the handout has no text after its front matter"),
        ("---\ntitle: T\n---\n# Big\n", "x.md:4: a '#' heading in the text: the title comes from 'title:'; "
                                         "use '##' for sections"),
        (b"---\ntitle: T\n---\nCaf\xe9\n", "x.md:4: not UTF-8 text (byte 0xe9); save the file as UTF-8"),
    ],
    ids=["empty", "no-front-matter", "unclosed", "broken-yaml", "missing-title", "unknown-key",
         "version-number", "bad-date", "impossible-date", "summary-not-list", "summary-item", "duplicate-key",
         "no-body", "h1", "not-utf8"],
)
def test_bad_front_matter_is_one_line_naming_file_line_and_field(tmp_path, text, message):
    assert error_of(tmp_path, text) == message


def test_huge_file_is_refused_before_reading(tmp_path):
    path = tmp_path / "handouts" / "x.md"
    path.parent.mkdir()
    with path.open("wb") as handle:
        handle.truncate(20_000_000)
    with pytest.raises(ContentError) as caught:
        load_handout(path, (tmp_path,), "en")
    assert str(caught.value).endswith("x.md: file is 20.0 MB; a handout may be at most 1 MB of text")


def test_missing_image_names_the_line(tmp_path):
    message = error_of(tmp_path, "---\ntitle: T\n---\nText.\n\n![A chart](images/chart.png)\n")
    assert message == "x.md:6: file not found: 'images/chart.png'"


def test_image_inside_the_project_is_kept(tmp_path):
    (tmp_path / "handouts" / "images").mkdir(parents=True)
    (tmp_path / "handouts" / "images" / "dot.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    handout = load(tmp_path, "---\ntitle: T\n---\n![A dot](images/dot.svg)\n")
    assert '<img alt="A dot" src="images/dot.svg">' in handout.intro
