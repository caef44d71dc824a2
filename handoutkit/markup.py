"""Markdown to safe HTML: convert, refuse resources from outside the project, sanitise to an allow-list."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import markdown
import nh3
from markupsafe import Markup

from .errors import ContentError
from .writein import WriteInExtension

TAGS = {
    "p", "br", "hr", "strong", "em", "b", "i", "u", "s", "sup", "sub", "small", "mark", "span",
    "ul", "ol", "li", "dl", "dt", "dd", "blockquote", "h3", "h4", "h5", "h6",
    "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td",
    "a", "img", "figure", "figcaption", "abbr", "code", "pre", "div", "label",
}
ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "th": {"colspan", "rowspan", "align", "scope"},
    "td": {"colspan", "rowspan", "align"},
    "abbr": {"title"},
    "ol": {"start"},
}
# Classes the builder's own Markdown extensions produce (task lists, write-in spaces); no others survive.
CLASSES = {
    "ul": {"task-list"},
    "li": {"task-list-item"},
    "label": {"task-list-control"},
    "span": {"task-list-indicator", "checked", "write-in-rule", "write-in-blank"},
    "div": {"write-in"},
}
_CHECKED = re.compile(r'<input type="checkbox" disabled(?: checked)?/?>')
URL_SCHEMES = {"http", "https", "mailto", "tel", "data"}
# Attributes whose URL the PDF renderer would fetch (links with rel=attachment are embedded).
_FETCHED = {"src", "srcset", "data", "poster", "background", "xlink:href"}
_CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)|@import\s+['\"]([^'\"]+)", re.I)


class _Resources(HTMLParser):
    """Collects every URL in the HTML that a renderer would load."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        for name, value in values.items():
            if name in _FETCHED:
                self.urls.extend(u.strip().split(" ")[0] for u in value.split(",") if u.strip())
            elif name == "style":
                self.urls.extend(a or b for a, b in _CSS_URL.findall(value))
        rel = values.get("rel", "").lower()
        if "href" in values and (tag in ("link", "image", "use") or "attachment" in rel):
            self.urls.append(values["href"])

    def handle_data(self, data: str) -> None:
        pass


def _line_of(needle: str, source: str, fallback: int) -> int:
    at = source.find(needle)
    return source.count("\n", 0, at) + 1 if at >= 0 else fallback


def check_url(url: str, base: Path, assets: tuple[Path, ...]) -> tuple[Path | None, str | None]:
    """Where a resource URL points: (file, None) if allowed, (None, reason) if refused."""
    if url.startswith("data:"):
        return None, None
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or url.startswith(("/", "\\")):
        return None, f"'{url}' is not allowed: images and attachments must be files inside the project"
    target = (base / unquote(parts.path)).resolve()
    if not any(target.is_relative_to(folder) for folder in assets):
        return None, f"'{url}' points outside the project's handouts, styles and layouts folders"
    if not target.is_file():
        return None, f"file not found: '{url}'"
    return target, None


def to_html(text: str, path: Path, source: str, assets: tuple[Path, ...], line: int) -> Markup:
    """One block of a handout's Markdown as sanitised HTML; refused resources raise ContentError."""
    if not text:
        return Markup("")
    md = markdown.Markdown(
        extensions=["tables", "sane_lists", "pymdownx.tasklist", WriteInExtension()],
        extension_configs={
            "tables": {"use_align_attribute": True},
            "pymdownx.tasklist": {"custom_checkbox": True},
        },
        output_format="html",
    )
    raw = md.convert(text)
    # A ticked box keeps its tick as a class once the form control itself is removed.
    raw = raw.replace('<input type="checkbox" disabled checked/><span class="task-list-indicator">',
                      '<span class="task-list-indicator checked">')
    raw = _CHECKED.sub("", raw)
    finder = _Resources()
    finder.feed(raw)
    for url in finder.urls:
        _, reason = check_url(url, path.parent, assets)
        if reason:
            raise ContentError(reason, path, _line_of(url, source, line))
    clean = nh3.clean(
        raw,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=None,
        strip_comments=True,
        allowed_classes=CLASSES,
    )
    return Markup(clean)
