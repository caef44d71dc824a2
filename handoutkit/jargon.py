"""Jargon: words with a plainer alternative, from the shipped list (jargon.yml beside this file) and the
clinic's own styles/jargon.yml, which adds terms, replaces their alternatives, or removes them (no value)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .errors import CheckError
from .prose import Block, Locator
from .yamlfile import load_mapping

SHIPPED = Path(__file__).with_name("jargon.yml")
# After a term: an opening parenthesis or a dash means the text explains it right there.
_EXPLAINED_AFTER = re.compile(r"[\"”’*_]*\s*(?:\(|—|–|--|\s-\s)")
# Before a term: "feeling detached (dissociation)" names the term after explaining it.
_EXPLAINED_BEFORE = re.compile(r"\(\s*[\"“‘*_]*$")


@dataclass
class JargonHit:
    """A term found in the text: its first use, how often it is used, and whether that use explains it."""

    term: str
    plain: str
    section: str
    line: int
    count: int
    explained: bool


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CheckError(f"cannot read the word list: {exc}", path) from None


def _entries(path: Path) -> dict[str, str | None]:
    """One word list as {term: plainer words, or None to remove the term}; mistakes name file and line."""
    data, lines = load_mapping(_read(path), path, 1, CheckError)
    entries: dict[str, str | None] = {}
    for key, value in data.items():
        line = lines.get((key,), 1)
        if not isinstance(key, str) or not key.strip():
            raise CheckError(f"{key!r}: a term must be a word or phrase", path, line)
        if isinstance(value, list | dict):
            kind = "a list" if isinstance(value, list) else "a set of 'key: value' lines"
            raise CheckError(f"'{key}': expected the plainer words as text, got {kind}", path, line)
        if isinstance(value, bool):
            raise CheckError(f"'{key}': expected the plainer words as text, got yes/no (put it in quotes)",
                             path, line)
        plain = None if value is None else str(value).strip()
        entries[" ".join(key.lower().split())] = plain or None
    return entries


def load_words(root: Path | None) -> dict[str, str]:
    """The shipped list with the clinic's styles/jargon.yml applied on top."""
    words = {k: v for k, v in _entries(SHIPPED).items() if v}
    override = root / "styles" / "jargon.yml" if root else None
    if override and override.is_file():
        for term, plain in _entries(override).items():
            if plain:
                words[term] = plain
            else:
                words.pop(term, None)
    return words


def _pattern(words: dict[str, str]) -> re.Pattern | None:
    if not words:
        return None
    terms = sorted(words, key=len, reverse=True)  # "adverse event" before "adverse"
    alternatives = "|".join(r"\s+".join(re.escape(part) for part in t.split()) for t in terms)
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?:s|es)?(?![\w-])", re.IGNORECASE)


def _term_of(found: str, words: dict[str, str]) -> str:
    key = " ".join(found.lower().split())
    if key in words:
        return key
    for suffix in ("es", "s"):
        if key.endswith(suffix) and key[: -len(suffix)] in words:
            return key[: -len(suffix)]
    return key


def find(blocks: list[Block], words: dict[str, str], locate: Locator | None = None) -> list[JargonHit]:
    """Each term of the list used in the blocks, in order of first use.

    A term counts as explained when its first use is followed by parentheses or a dash, or is itself
    in parentheses after a plain explanation.
    """
    pattern = _pattern(words)
    hits: dict[str, JargonHit] = {}
    if pattern is None:
        return []
    for block in blocks:
        for match in pattern.finditer(block.text):
            term = _term_of(match.group(0), words)
            if term in hits:
                hits[term].count += 1
                continue
            explained = bool(_EXPLAINED_AFTER.match(block.text, match.end())
                             or _EXPLAINED_BEFORE.search(block.text, 0, match.start()))
            line = locate.line(block.text[match.start():], block.line) if locate else block.line
            hits[term] = JargonHit(term, words[term], block.section, line, 1, explained)
    return list(hits.values())
