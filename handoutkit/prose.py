"""A handout's text as the check reads it: plain-text blocks with their section and line, sentences, words."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from .content import Handout

INTRO = "Introduction"  # the name the check gives the text before the first '##' heading
SUMMARY = "Key points"  # the name it gives the summary points

# Block kinds: paragraph and item are prose; the others are read for structure only.
_KINDS = {"p": "paragraph", "li": "item", "td": "cell", "th": "cell", "dt": "item", "dd": "item",
          "h3": "heading", "h4": "heading", "h5": "heading", "h6": "heading", "pre": "code",
          "figcaption": "caption", "caption": "caption"}
_ABBREVIATIONS = {"e.g.", "i.e.", "dr.", "mr.", "mrs.", "ms.", "vs.", "etc.", "approx.", "no.", "st.",
                  "fig.", "p.", "pp.", "sr.", "sra.", "dra.", "ud.", "uds.", "p.ej."}
_SENTENCE_END = re.compile(r"[.!?…]+[\"”’)\]]*(?=\s|$)")
_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")
_ENDS_SENTENCE = re.compile(r"[.!?…:;][\"”’)\]*]*$")


@dataclass(frozen=True)
class Block:
    """One paragraph, list item, table cell or sub-heading of plain text."""

    kind: str
    text: str
    section: str
    line: int
    ordered: bool = False  # an item of a numbered list


@dataclass(frozen=True)
class Image:
    src: str
    alt: str
    section: str
    line: int


@dataclass(frozen=True)
class Sentence:
    text: str
    words: int
    section: str
    line: int


@dataclass
class Body:
    """The handout's intro and sections as blocks, with the structure PEMAT items look at."""

    blocks: list[Block] = field(default_factory=list)
    images: list[Image] = field(default_factory=list)
    lists: int = 0
    ordered_lists: int = 0
    bold: int = 0
    checkboxes: int = 0  # check boxes in the text: a checklist the reader ticks
    chunks: list[tuple[str, int]] = field(default_factory=list)  # (section, words) for intro and sections

    @property
    def prose(self) -> list[Block]:
        """Paragraphs and list items: the text that is graded."""
        return [b for b in self.blocks if b.kind in ("paragraph", "item")]

    @property
    def has_sentences(self) -> bool:
        """False when the text is only lists, tables or headings."""
        return any(b.kind == "paragraph" and words(b.text) for b in self.blocks)


class _Reader(HTMLParser):
    """Collects a fragment of sanitised handout HTML as blocks of plain text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[tuple[str, str, bool]] = []  # (kind, text, ordered)
        self.stack: list[list] = []  # open blocks: [kind, parts, ordered]
        self.lists: list[bool] = []  # open lists: ordered?
        self.images: list[tuple[str, str]] = []
        self.list_count = self.ordered_count = self.bold = self.checkboxes = 0

    def _flush(self) -> None:
        if self.stack:
            kind, parts, ordered = self.stack[-1]
            text = " ".join("".join(parts).split())
            if text:
                self.out.append((kind, text, ordered))
            parts.clear()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("ul", "ol"):
            self.lists.append(tag == "ol")
            self.list_count += 1
            self.ordered_count += tag == "ol"
        elif tag in ("strong", "b"):
            self.bold += 1
        elif tag == "br" and self.stack:
            self.stack[-1][1].append(" ")
        elif tag == "img":
            values = dict(attrs)
            self.images.append((values.get("src") or "", (values.get("alt") or "").strip()))
        elif tag == "li" and "task-list-item" in (dict(attrs).get("class") or "").split():
            self.checkboxes += 1  # a task-list item ("- [ ] ...") drawn as a box by the stylesheet
        if tag in _KINDS:
            self._flush()
            kind = _KINDS[tag]
            if kind == "paragraph" and any(k == "item" for k, _, _ in self.stack):
                kind = "item"  # a paragraph inside a list item is part of the item
            ordered = bool(self.lists and self.lists[-1]) if kind == "item" else False
            self.stack.append([kind, [], ordered])

    def handle_endtag(self, tag: str) -> None:
        if tag in ("ul", "ol") and self.lists:
            self.lists.pop()
        if tag in _KINDS and self.stack:
            self._flush()
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if self.stack:
            self.stack[-1][1].append(data)
        elif data.strip():
            self.out.append(("paragraph", " ".join(data.split()), False))


class Locator:
    """Finds the source line where a piece of plain text starts, so messages can name it."""

    def __init__(self, source: str):
        self.source = source
        self.starts = [0] + [m.end() for m in re.finditer("\n", source)]

    def line(self, text: str, from_line: int) -> int:
        """The first line at or after from_line where text's first words appear; from_line if not found."""
        first = _WORD.findall(text)
        if not first:
            return from_line
        offset = self.starts[min(max(from_line, 1), len(self.starts)) - 1]
        for size in (4, 2):  # two words when a link or other markup splits the first four in the source
            pattern = r"[\W_]+".join(re.escape(w) for w in first[:size])
            match = re.compile(pattern, re.I).search(self.source, offset)
            if match:
                return self.source.count("\n", 0, match.start()) + 1
        return from_line


def read_body(handout: Handout) -> Body:
    """The intro and every section of a handout as plain-text blocks with their lines."""
    body = Body()
    locate = Locator(handout.source)
    parts = [(INTRO, str(handout.intro), handout.body_line)]
    parts += [(s.title, str(s.html), s.line) for s in handout.sections]
    for section, html, start in parts:
        reader = _Reader()
        reader.feed(html)
        reader.close()
        line = start
        chunk_words = 0
        for kind, text, ordered in reader.out:
            line = locate.line(text, line)
            body.blocks.append(Block(kind, text, section, line, ordered))
            chunk_words += words(text)
        for src, alt in reader.images:
            at = handout.source.find(src) if src else -1
            img_line = handout.source.count("\n", 0, at) + 1 if at >= 0 else start
            body.images.append(Image(src, alt, section, img_line))
        body.lists += reader.list_count
        body.ordered_lists += reader.ordered_count
        body.bold += reader.bold
        body.checkboxes += reader.checkboxes
        if html.strip():
            body.chunks.append((section, chunk_words))
    return body


def words(text: str) -> int:
    """Words in text: runs of letters or digits, with inner apostrophes and hyphens."""
    return len(_WORD.findall(text))


def word_list(text: str) -> list[str]:
    return _WORD.findall(text)


def split_sentences(text: str) -> list[str]:
    """Sentences of a block: split after . ! ? or … unless it ends a common abbreviation."""
    pieces: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        end = match.end()
        last = text[start:end].split()[-1].lower() if text[start:end].split() else ""
        following = text[end:].lstrip()[:1]
        if last in _ABBREVIATIONS or (following and following.islower()):
            continue
        piece = text[start:end].strip()
        if piece:
            pieces.append(piece)
        start = end
    rest = text[start:].strip()
    if rest:
        pieces.append(rest)
    return pieces


def sentences(blocks: list[Block], locate: Locator | None = None) -> list[Sentence]:
    """Every sentence of the given blocks, with its section and (when locate is given) its own line."""
    found = []
    for block in blocks:
        line = block.line
        for text in split_sentences(block.text):
            if locate:
                line = locate.line(text, line)
            found.append(Sentence(text, words(text), block.section, line))
    return found


def graded_text(blocks: list[Block]) -> str:
    """The text the readability formulas read: one block a line, each ending as a sentence."""
    lines = []
    for block in blocks:
        text = block.text.strip()
        if text and not _ENDS_SENTENCE.search(text):
            text += "."
        if text:
            lines.append(text)
    return "\n".join(lines)
