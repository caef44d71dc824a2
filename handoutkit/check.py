"""The clinical lead's check: reading level, plain language, PEMAT-P items, governance and print, per handout.

It reports and never rewrites the clinic's text. Each problem is a Finding with a severity: errors
(overdue review, contrast below the minimum, an image without alt text, over the page budget, a handout
that does not load) make `check` exit 1; warnings do so only with --strict; info is for the report.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from . import contrast, jargon, pemat, readability, voice
from .brand import Site, add_months, review_state
from .builder import load_library, select
from .content import Handout
from .errors import HandoutError
from .output import read_manifest
from .prose import SUMMARY, Block, Image, Locator, Sentence, graded_text, read_body, sentences

LONG_SENTENCE = 25  # words; UK readability guidance: none over 25
AVERAGE_SENTENCE = 20  # words; the Oxford Guide to Plain English asks for 15-20 on average
PASSIVE_MAX = 0.10  # share of passive sentences above which the check warns
BODY_MIN_PT = 12.0  # RNIB Clear Print and APH: 12 pt minimum for body text
SEVERITIES = ("error", "warning", "info")
_UNITS = {"pt": 1.0, "px": 0.75, "in": 72.0, "mm": 72 / 25.4, "cm": 72 / 2.54, "pc": 12.0,
          "em": 12.0, "rem": 12.0, "%": 0.12}


@dataclass(frozen=True)
class Finding:
    """One thing the author or the clinical lead should look at."""

    code: str
    severity: str
    message: str
    section: str | None = None
    line: int | None = None


@dataclass
class Governance:
    version: str
    reviewed: dt.date | None
    next_review: dt.date | None
    state: str  # "current", "due", "overdue" or "not reviewed"
    days_left: int | None  # days until the next review (negative once overdue)
    sources: int
    url: str | None


@dataclass
class Printing:
    pages: int | None
    budget: int
    pages_from: str | None  # "manifest" (dist/manifest.json), "render", or None when unknown
    images_without_alt: list[Image]


@dataclass
class HandoutCheck:
    """Everything the check found in one handout."""

    slug: str
    title: str
    path: Path
    language: str
    readability: readability.Readability
    summary_readability: readability.Readability | None
    sentences: int
    average_sentence: float | None
    long_sentences: list[Sentence]
    jargon: list[jargon.JargonHit]
    voice: voice.Voice
    pemat: list[pemat.Item]
    governance: Governance
    printing: Printing
    findings: list[Finding] = field(default_factory=list)

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)


@dataclass
class BrandCheck:
    """The brand-wide part: colour contrast of the pairs the layouts use, and the body text size."""

    file: Path
    body_size: str
    body_size_pt: float | None
    contrast: list[contrast.Contrast]
    findings: list[Finding] = field(default_factory=list)


@dataclass
class CheckRun:
    """One run of the check over the chosen handouts."""

    root: Path
    today: dt.date
    site: Site
    handouts: list[HandoutCheck]
    brand: BrandCheck
    load_errors: list[HandoutError]

    def counts(self) -> dict[str, int]:
        counts = {s: sum(h.count(s) for h in self.handouts) for s in SEVERITIES}
        for f in self.brand.findings:
            counts[f.severity] += 1
        counts["error"] += len(self.load_errors)
        return counts

    def exit_code(self, strict: bool = False) -> int:
        counts = self.counts()
        return 1 if counts["error"] or (strict and counts["warning"]) else 0


def review(handout: Handout, months: int, today: dt.date) -> Governance:
    """The review state on the given day: next review = last review + months."""
    meta = handout.meta
    if meta.reviewed is None:
        return Governance(meta.version, None, None, "not reviewed", None, len(meta.sources), meta.url)
    due = add_months(meta.reviewed, months)
    left = (due - today).days
    return Governance(meta.version, meta.reviewed, due, review_state(due, today), left, len(meta.sources), meta.url)


def points(size: str) -> float | None:
    """A CSS length in points (em and rem taken as 12 pt, the browser default); None if unreadable."""
    match = re.fullmatch(r"\s*([0-9]*\.?[0-9]+)\s*(pt|px|in|mm|cm|pc|em|rem|%)\s*", size)
    return float(match.group(1)) * _UNITS[match.group(2)] if match else None


def check_brand(site: Site) -> BrandCheck:
    """Contrast of every pair of brand colours the layouts use, and the body text size."""
    path = site.root / "styles" / "brand.yml"
    pairs = contrast.brand_pairs(site.colors)
    size = points(site.body_size)
    result = BrandCheck(path, site.body_size, size, pairs)
    for pair in pairs:
        if pair.ratio is None:
            result.findings.append(Finding("contrast", "info", f"{pair.name}: cannot judge the contrast of "
                                           f"'{site.colors[pair.text]}' on '{site.colors[pair.background]}' "
                                           "(only #RRGGBB colours are measured)"))
        elif not pair.passes:
            result.findings.append(Finding(
                "contrast", "error",
                f"{pair.name}: {pair.text} {pair.text_color} on {pair.background} {pair.background_color} "
                f"has a contrast of {pair.ratio:.2f}:1, below the {pair.minimum:g}:1 WCAG asks for"))
    if size is None:
        result.findings.append(Finding("body-size", "info",
                                       f"cannot read the body text size '{site.body_size}'"))
    elif size < BODY_MIN_PT:
        result.findings.append(Finding("body-size", "warning", f"body text is {size:g} pt; print guidance "
                                       f"(RNIB Clear Print, APH) asks for at least {BODY_MIN_PT:g} pt"))
    return result


def _field_line(handout: Handout, key: str) -> int:
    """The line of a front-matter field (or of the front matter's first field)."""
    for n, line in enumerate(handout.source.split("\n")[: handout.body_line], 1):
        if re.match(rf"{key}\s*:", line):
            return n
    return 2


def _summary_blocks(handout: Handout) -> list[Block]:
    return [Block("item", p, SUMMARY, _field_line(handout, "summary")) for p in handout.meta.summary]


def check_handout(handout: Handout, site: Site, words: dict[str, str], today: dt.date,
                  pages: tuple[int | None, str | None] = (None, None),
                  memo: readability.Memo | None = None) -> HandoutCheck:
    """Run every part of the check on one loaded handout."""
    settings = site.settings
    lang = readability.primary(handout.language)
    locate = Locator(handout.source)
    body = read_body(handout)
    prose = body.prose
    found = sentences(prose, locate)
    n_words = sum(s.words for s in found)
    level = readability.measure(graded_text(prose), handout.language, n_words, len(found), memo,
                                has_sentences=body.has_sentences)
    summary_blocks = _summary_blocks(handout)
    summary_level = None
    if summary_blocks:
        in_summary = sentences(summary_blocks)
        summary_level = readability.measure(graded_text(summary_blocks), handout.language,
                                            sum(s.words for s in in_summary), len(in_summary), memo)
    long = [s for s in found if s.words > LONG_SENTENCE]
    hits = jargon.find(prose + summary_blocks, words, locate) if lang == "en" else []
    judged_voice = voice.judge(found, lang)
    items = pemat.judge(handout, body, found, lang)
    governance = review(handout, settings.review_months, today)
    no_alt = [i for i in body.images if not i.alt]
    printing = Printing(pages[0], handout.meta.pages, pages[1], no_alt)
    result = HandoutCheck(
        slug=handout.slug, title=handout.title, path=handout.path, language=handout.language,
        readability=level, summary_readability=summary_level, sentences=len(found),
        average_sentence=(n_words / len(found)) if found else None, long_sentences=long, jargon=hits,
        voice=judged_voice, pemat=items, governance=governance, printing=printing,
    )
    add = result.findings.append
    _reading_findings(result, settings.grade_target, settings.grade_ideal, add)
    for s in long:
        hard = " (over 40 is hard for most readers)" if s.words > 40 else ""
        add(Finding("long-sentence", "warning", f"sentence of {s.words} words{hard}: \"{_clip(s.text)}\"",
                    s.section, s.line))
    if result.average_sentence is not None and result.average_sentence > AVERAGE_SENTENCE and len(found) > 1:
        add(Finding("sentence-length", "warning", f"sentences average {result.average_sentence:.1f} words; "
                    f"aim for about 15 (at most {AVERAGE_SENTENCE})"))
    if lang != "en":
        add(Finding("jargon-skipped", "info",
                    f"no word list for language '{handout.language}'; jargon not checked"))
    for hit in hits:
        uses = f" (used {hit.count} times)" if hit.count > 1 else ""
        if hit.explained:
            add(Finding("jargon-explained", "info", f"'{hit.term}' is explained where it is first used",
                        hit.section, hit.line))
        else:
            add(Finding("jargon", "warning", f"'{hit.term}'{uses}: plainer: {hit.plain}",
                        hit.section, hit.line))
    _voice_findings(result, add)
    for item in items:
        if item.passed is False:
            add(Finding(f"pemat-{item.id}", "info", f"PEMAT-P: {item.name.lower()}: {item.detail}"))
    _governance_findings(result, handout, today, add)
    _print_findings(result, add)
    return result


def _clip(text: str, size: int = 90) -> str:
    return text if len(text) <= size else text[: size - 1].rstrip() + "…"


def _reading_findings(result: HandoutCheck, target: int, ideal: int, add) -> None:
    for level, where, code in ((result.readability, None, "grade"),
                               (result.summary_readability, SUMMARY, "summary-grade")):
        if level is None:
            continue
        other = ", ".join(f"{k} {v:.1f}" for k, v in list(level.scores.items())[1:])
        if level.note:
            add(Finding(code, "info", level.note, where))
        elif level.grade is not None:
            text = f"reading grade {level.grade:.1f} ({level.formula}; {other})"
            if level.grade > target:
                add(Finding(code, "warning",
                            f"{text} is above the target of {target}; the AMA's ideal is {ideal}", where))
            elif level.grade > ideal:
                add(Finding(code, "info", f"{text} meets the target of {target}; the AMA's ideal is {ideal}",
                            where))
        elif level.ease is not None:
            floor, ideal_floor = readability.min_ease(target), readability.min_ease(ideal)
            text = f"reading ease {level.ease:.1f} ({level.formula}, 0-100, higher is easier; {other})"
            if level.ease < floor:
                add(Finding(code, "warning", f"{text} is below {floor}, the band Flesch's scale puts at "
                            f"grade {target} (target); {ideal_floor} or more is grade {ideal}", where))
            elif level.ease < ideal_floor:
                add(Finding(code, "info", f"{text} meets the target band ({floor}+); {ideal_floor} or more "
                            f"is grade {ideal}", where))


def _voice_findings(result: HandoutCheck, add) -> None:
    judged = result.voice
    share = judged.passive_share
    if not judged.judged:
        add(Finding("voice", "info", f"voice not judged for language '{result.language}'"))
        return
    if share is not None and share > PASSIVE_MAX:
        first = judged.passive[0]
        add(Finding("passive", "warning", f"{len(judged.passive)} of {judged.sentences} sentences are "
                    f"passive ({share:.0%}; aim for at most {PASSIVE_MAX:.0%}), first: "
                    f"\"{_clip(first.text, 70)}\"",
                    first.section, first.line))
    if judged.sentences and not judged.you_count:
        add(Finding("you", "warning", "the text never speaks to the reader as \"you\""))


def _governance_findings(result: HandoutCheck, handout: Handout, today: dt.date, add) -> None:
    g = result.governance
    line = _field_line(handout, "reviewed")
    if g.state == "not reviewed":
        add(Finding("review", "warning", "no review date: add 'reviewed: YYYY-MM-DD' to the front matter",
                    None, 2))
    elif g.state == "overdue":
        add(Finding("review", "error", f"review overdue: the next review was due {g.next_review} "
                    f"(reviewed {g.reviewed}, {-g.days_left} days ago)", None, line))
    elif g.state == "due":
        add(Finding("review", "warning", f"review due by {g.next_review} (in {g.days_left} days)",
                    None, line))
    if g.reviewed and g.reviewed > today:
        add(Finding("review-date", "warning", f"the review date {g.reviewed} is in the future", None, line))
    if not g.sources:
        add(Finding("sources", "info", "no sources listed (PIF TICK asks for named evidence)"))
    if not g.url:
        add(Finding("url", "info", "no URL: the handout prints no QR code to an online version"))


def _print_findings(result: HandoutCheck, add) -> None:
    p = result.printing
    if p.pages is None:
        add(Finding("pages", "info", "page count unknown: run 'python build.py build' first"))
    elif p.pages > p.budget:
        add(Finding("pages", "error", f"{p.pages} pages, over the budget of {p.budget} "
                    "(cut the text, or set 'pages:' in the front matter)"))
    for image in p.images_without_alt:
        add(Finding("alt-text", "error", f"image '{image.src}' has no alt text: write what it shows in "
                    "![...](...)", image.section, image.line))


def page_counts(handouts: list[Handout], site: Site, manifest: Path,
                render: bool = True) -> tuple[dict[str, tuple[int | None, str | None]], list[HandoutError]]:
    """Pages per handout: from the last build's manifest when it is newer than the handout, else laid out."""
    entries = read_manifest(manifest)
    try:
        built = manifest.stat().st_mtime
    except OSError:
        built = None
    counts: dict[str, tuple[int | None, str | None]] = {}
    missing = []
    for handout in handouts:
        entry = entries.get(handout.slug) or {}
        fresh = built is not None and handout.path.stat().st_mtime <= built
        if fresh and isinstance(entry.get("pages"), int):
            counts[handout.slug] = (entry["pages"], "manifest")
        else:
            counts[handout.slug] = (None, None)
            missing.append(handout)
    errors: list[HandoutError] = []
    if missing and render:
        from .layouts import Layouts
        from .render import Renderer  # WeasyPrint costs ~1 s: only when a page count is missing

        layouts, renderer = Layouts(site), Renderer(site)
        for handout in missing:
            try:
                counts[handout.slug] = (_lay_out(layouts, renderer, handout), "render")
            except HandoutError as exc:
                errors.append(exc)
    return counts, errors


def _lay_out(layouts, renderer, handout: Handout) -> int:
    """The page count of a handout laid out as `build` lays it out (the project's safe renderer)."""
    filled = layouts.handout(handout)
    return renderer.pdf(filled.html, filled.css, handout.path.parent, handout.path, handout.slug)[1]


def run_check(root: Path, slugs: list[str] | None = None, out: Path | None = None,
              today: dt.date | None = None, render: bool = True) -> CheckRun:
    """Load the library and check the named handouts (all when none are).

    Raises UnknownHandout for an unknown slug and CheckError for a broken word list.
    """
    root = root.resolve()
    today = today or dt.date.today()
    out = out or root / "dist"
    library = load_library(root)
    chosen = select(library, slugs or [])
    asked = set(slugs or [])
    load_errors = [e for e in library.errors if not asked or (e.path and e.path.stem.lower() in asked)]
    words = jargon.load_words(root)
    pages, render_errors = page_counts(chosen, library.site, out / "manifest.json", render)
    memo = readability.Memo(root / ".cache" / "readability.json")
    checks = [check_handout(h, library.site, words, today, pages[h.slug], memo) for h in chosen]
    with contextlib.suppress(HandoutError):  # the memo only saves time; a read-only project is still checked
        memo.save()
    return CheckRun(root, today, library.site, checks, check_brand(library.site), load_errors + render_errors)
