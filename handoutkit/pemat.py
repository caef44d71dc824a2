"""The AHRQ PEMAT-P items software can judge, as heuristics over a handout's structure and sentences.

PEMAT-P scores each item agree / disagree / not applicable; the score is the share of applicable items
that agree, and 70% or more counts as understandable or actionable.
"""

from __future__ import annotations

from dataclasses import dataclass

from .content import Handout
from .prose import Body, Sentence, words
from .voice import is_action

SECTION_WORDS = 200  # a "short section": at most this many words under one heading
HEADERS_FROM = 100  # a handout shorter than this needs no headings
PASS_SHARE = 0.70
_GENERIC = {"introduction", "overview", "background", "information", "general information",
            "more information", "details", "other", "miscellaneous", "notes", "misc", "section", "part",
            "introducción", "información", "otros", "notas", "detalles"}
_SUMMARY_TITLES = ("summary", "key points", "in short", "what to remember", "remember", "resumen",
                   "puntos clave")


@dataclass(frozen=True)
class Item:
    """One PEMAT-P item: passed is None when it does not apply."""

    id: str
    name: str
    passed: bool | None
    detail: str


def _generic(title: str) -> bool:
    text = title.lower().strip().rstrip(":")
    head = text.rstrip("0123456789 ").strip()
    return text in _GENERIC or head in _GENERIC


def judge(handout: Handout, body: Body, sentences: list[Sentence], lang: str) -> list[Item]:
    """The six items: informative headers, short sections, a summary, visual cues, an action, steps."""
    total = sum(n for _, n in body.chunks)
    titles = [s.title for s in handout.sections]
    generic = [t for t in titles if _generic(t)]
    if total < HEADERS_FROM and not titles:
        headers = Item("informative-headers", "Informative headers", None,
                       f"{total} words: short enough to need no headings")
    elif not titles:
        headers = Item("informative-headers", "Informative headers", False,
                       f"{total} words and no '##' headings")
    else:
        headers = Item("informative-headers", "Informative headers", not generic,
                       f"generic headings: {', '.join(generic)}" if generic
                       else f"{len(titles)} headings, none generic")

    long_chunks = [(s, n) for s, n in body.chunks if n > SECTION_WORDS]
    short = Item("short-sections", "Short sections", not long_chunks,
                 "over " + str(SECTION_WORDS) + " words: " + ", ".join(f"{s} ({n})" for s, n in long_chunks)
                 if long_chunks else f"every section has at most {SECTION_WORDS} words")

    summary_section = next((t for t in titles if t.lower().strip().startswith(_SUMMARY_TITLES)), None)
    has_summary = bool(handout.meta.summary) or summary_section is not None
    summary = Item("summary", "A summary", has_summary,
                   f"{len(handout.meta.summary)} key points" if handout.meta.summary
                   else f"section '{summary_section}'" if summary_section
                   else "no 'summary:' key points and no summary section")

    cues = []
    if handout.meta.summary:
        cues.append("key points box")
    if body.lists:
        cues.append(f"{body.lists} list{'s' * (body.lists != 1)}")
    if body.bold:
        cues.append("bold text")
    visual = Item("visual-cues", "Visual cues (lists, bold)", bool(cues),
                  ", ".join(cues) if cues else "no lists, bold text or key points box")

    if lang not in ("en", "es"):
        action = Item("action", "At least one action", None, f"not judged for language '{lang}'")
        steps = Item("action-steps", "Actions as steps", None, f"not judged for language '{lang}'")
        return [headers, short, summary, visual, action, steps]
    actions = [s for s in sentences if is_action(s.text, lang)]
    action = Item("action", "At least one action", bool(actions),
                  f"{len(actions)} sentence{'s' * (len(actions) != 1)} ask the reader to do something"
                  if actions else "no sentence tells the reader what they can do")
    items = [b for b in body.blocks if b.kind == "item" and words(b.text)]
    action_items = [b for b in items if is_action(b.text, lang)]
    numbered = [b for b in action_items if b.ordered]
    if body.checkboxes >= 2:
        steps = Item("action-steps", "Actions as steps", True, f"a checklist of {body.checkboxes} items")
    elif not actions and not action_items:
        steps = Item("action-steps", "Actions as steps", None, "no actions to break into steps")
    else:
        as_steps = bool(numbered) or len(action_items) >= 2
        steps = Item("action-steps", "Actions as steps", as_steps,
                     f"{len(action_items)} actions in lists ({len(numbered)} numbered)" if as_steps
                     else "actions are not set out as steps (a numbered list, a list of actions or a "
                          "checklist)")
    return [headers, short, summary, visual, action, steps]


def score(items: list[Item]) -> tuple[int, int, float | None]:
    """(passed, applicable, share) over the items that apply."""
    applicable = [i for i in items if i.passed is not None]
    passed = sum(1 for i in applicable if i.passed)
    return passed, len(applicable), (passed / len(applicable) if applicable else None)
