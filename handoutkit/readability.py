"""Reading level with textstat: Flesch-Kincaid and SMOG for English, Fernández-Huerta and Szigriszt-Pazos
for Spanish, and an honest "no formula" for other languages."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from .output import write_atomic

MIN_WORDS = 20  # below this a formula's number says nothing about the text

# The formulas the check runs for a language (its primary subtag), as (name, textstat function).
FORMULAS = {
    "en": (("Flesch-Kincaid", "flesch_kincaid_grade"), ("SMOG", "smog_index")),
    "es": (("Fernández-Huerta", "fernandez_huerta"), ("Szigriszt-Pazos", "szigriszt_pazos")),
}
# textstat's language for each: it picks the hyphenation dictionary and syllable rules.
TEXTSTAT_LANG = {"en": "en_US", "es": "es"}
# Flesch's reading-ease bands, which Fernández-Huerta and Szigriszt-Pazos share: (lowest score, grade).
# A grade target of 8 becomes a minimum score of 60 ("standard", grades 8-9).
EASE_BANDS = ((90, 5), (80, 6), (70, 7), (60, 9), (50, 12), (30, 16), (0, 99))


@dataclass
class Readability:
    """What the formulas say about one text: a grade (English) or a reading-ease score (Spanish)."""

    language: str
    words: int
    sentences: int
    scores: dict[str, float] = field(default_factory=dict)  # formula name -> textstat's number
    grade: float | None = None  # Flesch-Kincaid grade: the number held to the target
    ease: float | None = None  # Fernández-Huerta score (0-100, higher is easier)
    formula: str | None = None  # the formula behind grade or ease
    note: str | None = None  # why there is no number


def min_ease(grade: float) -> int:
    """The lowest reading-ease score whose Flesch band is at or below the given grade."""
    for lowest, band_grade in EASE_BANDS:
        if band_grade >= grade:
            return lowest
    return 0


class Memo:
    """textstat's numbers by text, kept in .cache/ so a repeated check skips loading its dictionary."""

    def __init__(self, path: Path | None):
        self.path = path
        self.changed = False
        self.entries: dict[str, dict[str, float]] = {}
        if path and path.is_file():
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
                self.entries = data if isinstance(data, dict) else {}
            except (OSError, ValueError):
                self.entries = {}

    def get(self, key: str) -> dict[str, float] | None:
        return self.entries.get(key) if self.path else None

    def put(self, key: str, scores: dict[str, float]) -> None:
        if self.path:
            self.entries[key] = scores
            self.changed = True

    def save(self) -> None:
        if self.path and self.changed:
            entries = dict(list(self.entries.items())[-500:])  # the newest 500 texts
            write_atomic(self.path, json.dumps(entries, sort_keys=True).encode("utf-8"))
            self.changed = False


def primary(language: str) -> str:
    return language.split("-")[0].split("_")[0].lower()


def _scores(text: str, lang: str, memo: Memo) -> dict[str, float]:
    import textstat  # imported here: the build prints a verdict without needing it

    version = ".".join(map(str, getattr(textstat, "__version__", ("?",))))
    key = hashlib.sha256(f"{version}\n{lang}\n{text}".encode()).hexdigest()
    cached = memo.get(key)
    if cached is not None:
        return cached
    textstat.set_lang(TEXTSTAT_LANG[lang])
    try:  # textstat keeps its language globally: always put English back
        scores = {name: float(getattr(textstat, func)(text)) for name, func in FORMULAS[lang]}
    finally:
        textstat.set_lang("en_US")
    memo.put(key, scores)
    return scores


def measure(text: str, language: str, n_words: int, n_sentences: int, memo: Memo | None = None,
            has_sentences: bool = True) -> Readability:
    """Run the language's formulas over text (one sentence or list item a line)."""
    lang = primary(language)
    result = Readability(language=language, words=n_words, sentences=n_sentences)
    if lang not in FORMULAS:
        result.note = f"no readability formula for language '{language}'; no grade is given"
    elif not has_sentences:
        result.note = "no sentences (only lists, tables or headings); no grade is given"
    elif n_words < MIN_WORDS:
        result.note = (f"too little text for a reading grade ({n_words} word{'s' * (n_words != 1)}; "
                       f"the formulas need at least {MIN_WORDS})")
    if result.note:
        return result
    result.scores = _scores(text, lang, memo or Memo(None))
    first = FORMULAS[lang][0][0]
    result.formula = first
    if lang == "en":
        result.grade = result.scores[first]
    else:
        result.ease = result.scores[first]
    return result
