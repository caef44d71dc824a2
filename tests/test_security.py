"""Nothing outside the project reaches a PDF: refused resources, sanitised HTML, no template evaluation."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from handoutkit.brand import load_site
from handoutkit.errors import RenderError
from handoutkit.render import Renderer
from tests.conftest import GOOD, pdf_text

SECRET = "SECRET-PATIENT-LIST-0042"


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    """A file outside the project that must never be embedded."""
    path = tmp_path / "outside" / "secret.txt"
    path.parent.mkdir()
    path.write_text(SECRET)
    return path


def handout(body: str) -> str:
    return f"---\ntitle: Test\n---\nIntro.\n\n{body}\n"


REFUSED = {
    "markdown image file://": ("![x]({uri})", "'{uri}' is not allowed: images and attachments must be files "
                                              "inside the project"),
    "img absolute path": ('<img src="{path}" alt="x">', "'{path}' is not allowed"),
    "link attachment": ('<link rel="attachment" href="{uri}">', "'{uri}' is not allowed"),
    "a attachment": ('<a rel="attachment" href="{uri}">file</a>', "'{uri}' is not allowed"),
    "etc passwd": ('<link rel=attachment href="file:///etc/passwd">', "'file:///etc/passwd' is not allowed"),
    "dot-dot path": ("![x](../../outside/secret.txt)", "'../../outside/secret.txt' points outside the "
                                                      "project's handouts, styles and layouts folders"),
    "http image": ("![x](http://example.org/x.png)", "'http://example.org/x.png' is not allowed"),
    "style url()": ('<p style="background: url({uri})">x</p>', "'{uri}' is not allowed"),
    "iframe": ('<iframe src="{uri}"></iframe>', "'{uri}' is not allowed"),
    "object": ('<object data="{uri}"></object>', "'{uri}' is not allowed"),
}


@pytest.mark.parametrize("case", REFUSED, ids=list(REFUSED))
def test_resources_outside_the_project_are_refused(project, cli, secret, case):
    snippet, expected = REFUSED[case]
    values = {"uri": secret.as_uri(), "path": str(secret)}
    root = project({"evil.md": handout(snippet.format(**values)), "good.md": GOOD})
    run = cli(root, "build")
    assert run.code == 1
    assert run.err.startswith("error: handouts/evil.md:6: ")
    assert expected.format(**values) in run.err
    assert not (root / "dist" / "handouts" / "evil.pdf").exists()
    assert (root / "dist" / "handouts" / "good.pdf").is_file()


def svg_with_image(href: str) -> str:
    return ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
            f'width="10" height="10"><image href="{href}" xlink:href="{href}" width="10" height="10"/></svg>')


def test_svg_inside_the_project_cannot_pull_in_outside_files(project, cli, secret):
    root = project({"evil.md": handout("![diagram](diagram.svg)"), "good.md": GOOD})
    (root / "handouts" / "diagram.svg").write_text(svg_with_image(secret.as_uri()))
    run = cli(root, "build")
    assert run.code == 1
    assert run.err == (f"error: handouts/evil.md: refused to load '{secret.as_uri()}': only files inside "
                       "the project may be used\n")
    assert not (root / "dist" / "handouts" / "evil.pdf").exists()


@pytest.mark.parametrize("css", ["@import url('{uri}');", "body {{ background: url('{uri}'); }}",
                                 "@import url('http://example.org/x.css');"])
def test_stylesheets_cannot_load_outside_files(project, secret, css):
    root = project({"good.md": GOOD})
    site = load_site(root)
    renderer = Renderer(site)
    with pytest.raises(RenderError) as caught:
        renderer.pdf("<p>x</p>", [css.format(uri=secret.as_uri())], root / "handouts",
                     root / "handouts" / "good.md", "good")
    assert "refused to load" in str(caught.value)


def test_fetcher_allows_project_files_and_fonts_only(project, secret):
    root = project({"good.md": GOOD})
    site = load_site(root)
    fetcher = Renderer(site).fetcher
    assert fetcher.allows((root / "styles" / "logo.svg").as_uri()) is not None
    assert fetcher.allows(site.fonts[0].path.as_uri()) is not None
    assert fetcher.allows(site.fonts[0].path.parent.joinpath("LICENSE").as_uri()) is None
    assert fetcher.allows(secret.as_uri()) is None
    assert fetcher.allows("file:///etc/passwd") is None
    assert fetcher.allows((root / "styles" / ".." / ".." / "outside" / "secret.txt").as_uri()) is None
    assert fetcher.allows("https://example.org/logo.svg") is None


def test_raw_html_is_sanitised_and_text_is_never_a_template(project, cli):
    body = ('<script>document.write("INJECTED")</script><style>p { color: red }</style>\n\n'
            '<p onclick="steal()" title="t">Clickable {{ 7*7 }} {% if 1 %}IF{% endif %}</p>\n\n'
            '<form action="/x"><input name="q" value="FORMVALUE"></form>\n\n'
            '<a href="javascript:alert(1)">js link</a>')
    root = project({"raw.md": handout(body).replace("title: Test", "title: A <b>bold</b> title")})
    run = cli(root, "build")
    assert run.code == 0, run.err
    pdf = root / "dist" / "handouts" / "raw.pdf"
    text = pdf_text(pdf)
    assert "Clickable {{ 7*7 }} {% if 1 %}IF{% endif %}" in text
    assert "49" not in text
    assert "A <b>bold</b> title" in text
    assert "INJECTED" not in text and "color: red" not in text
    raw = pdf.read_bytes()
    assert b"javascript" not in raw and b"steal" not in raw
    assert "/EmbeddedFiles" not in PdfReader(pdf).trailer["/Root"].get("/Names", {})
