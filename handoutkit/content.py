"""Load handouts: read a Markdown file, validate its front matter, split it into sections."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator

from .errors import ContentError
from .markup import to_html
from .yamlfile import check_model, load_mapping

MAX_BYTES = 1_000_000  # a long handout is ~20 kB; anything this size is a mistake
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_SECTION = re.compile(r"^##(?!#)\s+(.+?)\s*#*\s*$")
_TITLE = re.compile(r"^#(?!#)\s+")
_FENCE = re.compile(r"^\s*(```|~~~)")


class FrontMatter(BaseModel):
    """The fields a handout may set between its '---' lines."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    title: str = Field(min_length=1, max_length=150)
    subtitle: str | None = Field(None, max_length=200)
    version: str = Field("1.0", min_length=1, max_length=20)
    reviewed: dt.date | None = None
    language: str | None = Field(None, pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
    url: str | None = Field(None, pattern=r"^https?://[^\s]+$", max_length=500)
    sources: list[str] = []
    summary: list[str] = Field([], max_length=8)
    layout: str = Field("handout", pattern=r"^[a-z0-9][a-z0-9_-]*$")
    pages: int = Field(2, ge=1, le=50)

    @field_validator("reviewed", mode="before")
    @classmethod
    def _no_datetime(cls, value):
        if isinstance(value, dt.datetime):
            return value.date()
        return value

    @field_validator("summary")
    @classmethod
    def _short_points(cls, points: list[str]) -> list[str]:
        for i, point in enumerate(points, 1):
            if not point.strip():
                raise ValueError(f"point {i} is empty")
            if len(point) > 120:
                raise ValueError(f"point {i} has {len(point)} characters; keep key points under 120")
        return [p.strip() for p in points]


@dataclass(frozen=True)
class Section:
    """One '##' part of a handout, as layouts receive it."""

    title: str
    id: str
    html: str
    line: int
    text: str = field(repr=False)


@dataclass(frozen=True)
class Handout:
    """A validated handout, ready to fill into a layout."""

    path: Path
    slug: str
    meta: FrontMatter
    language: str
    intro: str
    sections: tuple[Section, ...]
    body_line: int
    source: str = field(repr=False)

    @property
    def title(self) -> str:
        return self.meta.title


def slug_for(path: Path) -> str:
    """The handout's name in dist/ and on the command line: its file name, lower-case, without .md."""
    return path.stem.lower()


def read_text(path: Path) -> str:
    """A handout file's text, refusing huge files and text that is not UTF-8."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise ContentError(
                f"file is {size / 1e6:.1f} MB; a handout may be at most {MAX_BYTES // 1_000_000} MB of text",
                path,
            )
        data = path.read_bytes()
    except OSError as exc:
        raise ContentError(f"cannot read: {exc.strerror}", path) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ContentError(
            f"not UTF-8 text (byte 0x{data[exc.start]:02x}); save the file as UTF-8", path, line
        ) from None
    return text.removeprefix("\ufeff").replace("\r\n", "\n")


def split_front_matter(text: str, path: Path) -> tuple[str, str, int]:
    """Return (front matter, body, line where the body starts)."""
    if not text.strip():
        raise ContentError("the file is empty; a handout starts with front matter between '---' lines",
                           path, 1)
    lines = text.split("\n")
    if lines[0].strip() != "---":
        raise ContentError(
            "expected front matter at the top: a '---' line, 'title: ...', then another '---' line", path, 1
        )
    for i, line in enumerate(lines[1:], 1):
        if line.strip() in ("---", "..."):
            return "\n".join(lines[1:i]), "\n".join(lines[i + 1 :]), i + 2
    raise ContentError("front matter is not closed: add a '---' line after the last field", path, 1)


def slugify(title: str) -> str:
    """An id for a heading: ascii, lower-case, hyphens."""
    text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "section"


def split_sections(body: str, first_line: int) -> tuple[str, list[tuple[str, str, int]]]:
    """Split Markdown on '##' headings (outside code fences): (introduction, [(title, text, line)])."""
    intro: list[str] = []
    sections: list[tuple[str, list[str], int]] = []
    fenced = False
    for n, line in enumerate(body.split("\n")):
        if _FENCE.match(line):
            fenced = not fenced
        match = None if fenced else _SECTION.match(line)
        if match:
            sections.append((match.group(1), [], first_line + n))
        elif sections:
            sections[-1][1].append(line)
        else:
            intro.append(line)
    return "\n".join(intro).strip(), [(t, "\n".join(ls).strip(), ln) for t, ls, ln in sections]


def _check_headings(body: str, path: Path, first_line: int) -> None:
    fenced = False
    for n, line in enumerate(body.split("\n")):
        if _FENCE.match(line):
            fenced = not fenced
        elif not fenced and _TITLE.match(line):
            raise ContentError(
                "a '#' heading in the text: the title comes from 'title:'; use '##' for sections",
                path,
                first_line + n,
            )


def load_handout(path: Path, assets: tuple[Path, ...], default_language: str) -> Handout:
    """Read, validate and split one handout; raise ContentError naming the file and line."""
    text = read_text(path)
    front, body, body_line = split_front_matter(text, path)
    data, lines = load_mapping(front, path, 2, ContentError)
    if not data:
        raise ContentError("front matter is empty; it needs at least 'title: ...'", path, 2)
    meta: FrontMatter = check_model(FrontMatter, data, lines, path, 2, ContentError)
    _check_headings(body, path, body_line)
    intro_md, parts = split_sections(body, body_line)
    if not intro_md and not parts:
        raise ContentError("the handout has no text after its front matter", path, body_line)
    where = (path, text, assets)
    intro = to_html(intro_md, *where, body_line)
    sections, ids = [], set()
    for title, md, line in parts:
        base = slugify(title)
        sid, k = base, 2
        while sid in ids:
            sid, k = f"{base}-{k}", k + 1
        ids.add(sid)
        sections.append(Section(title=title, id=sid, html=to_html(md, *where, line), line=line, text=md))
    slug = slug_for(path)
    if not SLUG.match(slug):
        raise ContentError(
            f"file name '{path.name}' cannot be a slug: use lower-case letters, digits and hyphens", path
        )
    return Handout(
        path=path,
        slug=slug,
        meta=meta,
        language=meta.language or default_language,
        intro=intro,
        sections=tuple(sections),
        body_line=body_line,
        source=text,
    )
