"""Write-in spaces for worksheets: `[lines: 3]` alone on a line prints three ruled lines; `[____]` a blank."""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

from markdown import Extension
from markdown.blockprocessors import BlockProcessor
from markdown.inlinepatterns import InlineProcessor

MAX_LINES = 30


class _Lines(BlockProcessor):
    RE = re.compile(r"^\[lines:\s*(\d+)\]\s*$")

    def test(self, parent, block) -> bool:
        return bool(self.RE.match(block.strip()))

    def run(self, parent, blocks) -> None:
        count = min(int(self.RE.match(blocks.pop(0).strip()).group(1)), MAX_LINES)
        box = etree.SubElement(parent, "div", {"class": "write-in"})
        for _ in range(count):
            etree.SubElement(box, "span", {"class": "write-in-rule"}).text = ""


class _Blank(InlineProcessor):
    def handleMatch(self, m, data):  # noqa: N802 (Markdown's API)
        span = etree.Element("span", {"class": "write-in-blank"})
        span.text = ""
        return span, m.start(0), m.end(0)


class WriteInExtension(Extension):
    """Adds the write-in syntax to Python-Markdown."""

    def extendMarkdown(self, md) -> None:  # noqa: N802 (Markdown's API)
        md.parser.blockprocessors.register(_Lines(md.parser), "write_in_lines", 75)
        md.inlinePatterns.register(_Blank(r"\[_{3,}\]", md), "write_in_blank", 175)
