"""The check's output: a terminal report (rich), JSON with a stable schema, dist/report.html, and the
one-line verdicts `build` prints."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import jinja2

from .brand import DUE_DAYS
from .check import (
    AVERAGE_SENTENCE,
    BODY_MIN_PT,
    LONG_SENTENCE,
    PASSIVE_MAX,
    SEVERITIES,
    CheckRun,
    Finding,
    HandoutCheck,
)
from .errors import CheckError
from .output import write_atomic
from .pemat import score
from .readability import Readability, min_ease

SCHEMA = "handoutkit-check/1"
_STYLE = {"error": "bold red", "warning": "yellow", "info": "dim"}


def shown(path: Path, root: Path) -> str:
    """A path as the user reads it: relative to the project when inside it."""
    return str(path.relative_to(root)) if path.is_relative_to(root) else str(path)


def where(run: CheckRun, check: HandoutCheck, finding: Finding) -> str:
    """'handouts/x.md:12' for a finding with a line, else the file."""
    file = shown(check.path, run.root)
    return f"{file}:{finding.line}" if finding.line else file


def level_text(level: Readability | None) -> str:
    """'grade 10.2' / 'ease 55.0 (Fernández-Huerta)' / the reason there is no number."""
    if level is None:
        return "none"
    if level.grade is not None:
        return f"grade {level.grade:.1f}"
    if level.ease is not None:
        return f"ease {level.ease:.1f} ({level.formula})"
    return "no grade"


# --- one line per handout, for `build` -------------------------------------------------------------

def verdict(check: HandoutCheck, target: int) -> str | None:
    """'check: slug: grade 10.2 (target 8), 3 long sentences, ...', or None when nothing needs doing."""
    if not check.count("error") and not check.count("warning"):
        return None
    parts = []
    codes = [f.code for f in check.findings if f.severity in ("error", "warning")]
    level = check.readability
    if "grade" in codes:
        goal = f"target {target}" if level.grade is not None else f"target {min_ease(target)} or more"
        parts.append(f"{level_text(level)} ({goal})")
    if "summary-grade" in codes:
        parts.append(f"key points {level_text(check.summary_readability)}")
    for code, one, many in (("long-sentence", "long sentence", "long sentences"),
                            ("jargon", "jargon term", "jargon terms")):
        n = codes.count(code)
        if n:
            parts.append(f"{n} {one if n == 1 else many}")
    if "passive" in codes and check.voice.passive_share is not None:
        parts.append(f"{check.voice.passive_share:.0%} passive")
    if "you" in codes:
        parts.append('no "you"')
    if "sentence-length" in codes:
        parts.append(f"sentences average {check.average_sentence:.0f} words")
    g = check.governance
    if "review" in codes:
        parts.append({"overdue": f"review overdue since {g.next_review}",
                      "due": f"review due {g.next_review}", "not reviewed": "no review date"}[g.state])
    if "review-date" in codes:
        parts.append("review date in the future")
    if "pages" in codes:
        parts.append(f"{check.printing.pages} pages (budget {check.printing.budget})")
    if "alt-text" in codes:
        parts.append(f"{codes.count('alt-text')} image(s) without alt text")
    return f"check: {check.slug}: {', '.join(parts)}"


def verdicts(run: CheckRun) -> list[str]:
    """The build's closing lines: one per handout with findings, and one for the brand if it has any."""
    lines = [v for h in run.handouts if (v := verdict(h, run.site.settings.grade_target))]
    brand = [f for f in run.brand.findings if f.severity in ("error", "warning")]
    if brand:
        lines.append(f"check: brand: {'; '.join(f.message for f in brand)}")
    if lines:
        lines.append("check: details with 'python build.py check'; report in dist/report.html")
    return lines


# --- JSON ----------------------------------------------------------------------------------------

def _num(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(value, digits)


def _level(level: Readability | None) -> dict[str, Any] | None:
    if level is None:
        return None
    return {"language": level.language, "formula": level.formula, "grade": _num(level.grade),
            "ease": _num(level.ease), "scores": {k: _num(v) for k, v in level.scores.items()},
            "words": level.words, "sentences": level.sentences, "note": level.note}


def _finding(run: CheckRun, finding: Finding, check: HandoutCheck | None = None) -> dict[str, Any]:
    file = shown(check.path, run.root) if check else None
    return {"code": finding.code, "severity": finding.severity, "message": finding.message,
            "file": file, "section": finding.section, "line": finding.line}


def _handout(run: CheckRun, out: Path, c: HandoutCheck) -> dict[str, Any]:
    pdf = out / "handouts" / f"{c.slug}.pdf"
    passed, applicable, share = _pemat(c)
    g, p, v = c.governance, c.printing, c.voice
    return {
        "slug": c.slug, "title": c.title, "file": shown(c.path, run.root), "language": c.language,
        "pdf": shown(pdf, out) if pdf.is_file() else None,
        "verdict": "error" if c.count("error") else "warning" if c.count("warning") else "ok",
        "counts": {s: c.count(s) for s in SEVERITIES},
        "readability": _level(c.readability),
        "summary_readability": _level(c.summary_readability),
        "sentences": {"count": c.sentences, "average_words": _num(c.average_sentence, 1),
                      "long": [{"section": s.section, "line": s.line, "words": s.words, "text": s.text}
                               for s in c.long_sentences]},
        "jargon": [{"term": h.term, "plain": h.plain, "section": h.section, "line": h.line, "count": h.count,
                    "explained": h.explained} for h in c.jargon],
        "voice": {"judged": v.judged, "sentences": v.sentences, "passive": len(v.passive),
                  "passive_share": _num(v.passive_share, 3), "you": v.you_count},
        "pemat": {"items": [{"id": i.id, "name": i.name, "passed": i.passed, "detail": i.detail}
                            for i in c.pemat],
                  "passed": passed, "applicable": applicable, "score": _num(share, 3)},
        "governance": {"version": g.version, "reviewed": _date(g.reviewed),
                       "next_review": _date(g.next_review), "state": g.state, "days_left": g.days_left,
                       "sources": g.sources, "url": g.url},
        "print": {"pages": p.pages, "page_budget": p.budget, "pages_from": p.pages_from,
                  "images_without_alt": [{"src": i.src, "section": i.section, "line": i.line}
                                         for i in p.images_without_alt]},
        "findings": [_finding(run, f, c) for f in c.findings],
    }


def _date(day) -> str | None:
    return day.isoformat() if day else None


def _pemat(c: HandoutCheck) -> tuple[int, int, float | None]:
    return score(c.pemat)


def to_json(run: CheckRun, strict: bool = False, out: Path | None = None) -> dict[str, Any]:
    """The whole run as plain data; README's "Check" section documents every field."""
    out = out or run.root / "dist"
    s = run.site.settings
    brand = run.brand
    return {
        "schema": SCHEMA,
        "today": run.today.isoformat(),
        "strict": strict,
        "exit_code": run.exit_code(strict),
        "counts": run.counts(),
        "targets": {"grade": s.grade_target, "grade_ideal": s.grade_ideal,
                    "sentence_words": LONG_SENTENCE, "average_sentence_words": AVERAGE_SENTENCE,
                    "passive_share": PASSIVE_MAX, "review_months": s.review_months,
                    "review_due_days": DUE_DAYS, "body_size_pt": BODY_MIN_PT},
        "brand": {
            "file": shown(brand.file, run.root), "body_size": brand.body_size,
            "body_size_pt": _num(brand.body_size_pt),
            "contrast": [{"name": c.name, "text": c.text, "background": c.background,
                          "text_color": c.text_color, "background_color": c.background_color,
                          "ratio": _num(c.ratio),
                          "minimum": c.minimum, "large": c.large, "passes": c.passes, "css": c.where}
                         for c in brand.contrast],
            "findings": [_finding(run, f) for f in brand.findings],
        },
        "load_errors": [{"file": shown(e.path, run.root) if e.path else None, "line": e.line,
                         "message": e.message} for e in run.load_errors],
        "handouts": [_handout(run, out, c) for c in run.handouts],
    }


def json_text(run: CheckRun, strict: bool = False, out: Path | None = None) -> str:
    return json.dumps(to_json(run, strict, out), indent=2, ensure_ascii=False) + "\n"


# --- dist/report.html ----------------------------------------------------------------------------

def write_html(run: CheckRun, out: Path, strict: bool = False) -> Path:
    """Fill layouts/report.html with the run and write it to out/report.html (atomically)."""
    folder = run.root / "layouts"
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(folder), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    try:
        template = env.get_template("report.html")
        html = template.render(data=to_json(run, strict, out), site=run.site.name)
    except jinja2.TemplateNotFound:
        raise CheckError(f"layout 'report.html' not found in {folder}") from None
    except jinja2.TemplateSyntaxError as exc:
        raise CheckError(f"layout error: {exc.message}", exc.filename, exc.lineno) from None
    except jinja2.UndefinedError as exc:
        raise CheckError(f"layout 'report': {exc.message}", folder / "report.html") from None
    path = out / "report.html"
    write_atomic(path, html.encode("utf-8"))
    return path


# --- the terminal report -------------------------------------------------------------------------

def print_report(run: CheckRun, strict: bool = False, report: Path | None = None, file=None) -> None:
    """A readable report with rich; colour only when writing to a terminal."""
    from rich.console import Console
    from rich.markup import escape

    console = Console(file=file or sys.stdout, highlight=False, soft_wrap=True)
    s = run.site.settings
    for c in run.handouts:
        file = shown(c.path, run.root)
        console.print(f"[bold]{escape(c.slug)}[/]  {escape(c.title)}  [dim]{escape(file)}[/]")
        for label, text in _summary_lines(c, s.grade_target, s.grade_ideal):
            console.print(f"  [cyan]{label:<13}[/] {escape(text)}")
        for f in sorted(c.findings, key=lambda f: SEVERITIES.index(f.severity)):
            section = f"{f.section}: " if f.section else ""
            place = f"[dim]{escape(where(run, c, f))}[/]  " if f.line else ""
            console.print(f"  [{_STYLE[f.severity]}]{f.severity:<7}[/] {place}{escape(section + f.message)}")
        console.print()
    brand = run.brand
    console.print(f"[bold]brand[/]  [dim]{escape(shown(brand.file, run.root))}[/]")
    for pair in brand.contrast:
        mark = "[green]ok[/]" if pair.passes else "[bold red]fails[/]" if pair.passes is False else "?"
        value = f"{pair.ratio:.2f}:1" if pair.ratio is not None else "unknown"
        console.print(f"  contrast  {escape(pair.name)}: {pair.text_color} on {pair.background_color} "
                      f"{value} (needs {pair.minimum:g}:1) {mark}")
    console.print(f"  body text {escape(brand.body_size)}")
    for f in brand.findings:
        console.print(f"  [{_STYLE[f.severity]}]{f.severity:<7}[/] {escape(f.message)}")
    if run.load_errors:
        console.print("\n[bold]handouts that did not load[/]")
    for error in run.load_errors:
        console.print(f"  [bold red]error[/]   {escape(error.describe(run.root))}")
    counts = run.counts()
    n = len(run.handouts)
    tail = f"; report: {shown(report, run.root)}" if report else ""
    errors, warnings = counts["error"], counts["warning"]
    console.print(f"\nchecked {n} handout{'s' * (n != 1)}: {errors} error{'s' * (errors != 1)}, "
                  f"{warnings} warning{'s' * (warnings != 1)}"
                  f"{' (--strict: warnings fail)' if strict else ''}{escape(tail)}")


def _summary_lines(c: HandoutCheck, target: int, ideal: int) -> list[tuple[str, str]]:
    level = c.readability
    lines = []
    if level.scores:
        scores = ", ".join(f"{k} {v:.1f}" for k, v in level.scores.items())
        goal = (f"target {target}, ideal {ideal}" if level.grade is not None
                else f"target {min_ease(target)} or more, Flesch's band for grade {target}")
        lines.append(("reading", f"{scores} ({goal}); {level.words} words, {level.sentences} sentences"))
    else:
        lines.append(("reading", level.note or "no grade"))
    if c.summary_readability:
        sl = c.summary_readability
        scores = ", ".join(f"{k} {v:.1f}" for k, v in sl.scores.items()) or (sl.note or "")
        lines.append(("key points", scores))
    avg = f"average {c.average_sentence:.1f} words" if c.average_sentence is not None else "none"
    lines.append(("sentences", f"{c.sentences}, {avg}; {len(c.long_sentences)} over {LONG_SENTENCE} words"))
    unexplained = [h.term for h in c.jargon if not h.explained]
    explained = [h.term for h in c.jargon if h.explained]
    lines.append(("jargon", f"{len(unexplained)} to replace, {len(explained)} explained"))
    v = c.voice
    if v.judged:
        share = f"{v.passive_share:.0%}" if v.passive_share is not None else "n/a"
        lines.append(("voice", f"{share} passive ({len(v.passive)} of {v.sentences}); "
                               f"\"you\" {v.you_count} time{'s' * (v.you_count != 1)}"))
    passed, applicable, share = _pemat(c)
    if applicable:
        lines.append(("PEMAT-P", f"{passed} of {applicable} items pass ({share:.0%}; 70% is the bar)"))
    g = c.governance
    review = (f"reviewed {g.reviewed}, next {g.next_review} ({g.state})" if g.reviewed else "not reviewed")
    lines.append(("governance", f"version {g.version}; {review}; {g.sources} sources; "
                                f"URL {'yes' if g.url else 'no'}"))
    p = c.printing
    pages = f"{p.pages} of {p.budget} pages" if p.pages is not None else f"pages unknown (budget {p.budget})"
    source = {"manifest": " (from dist/manifest.json)", "render": " (laid out now)"}.get(p.pages_from, "")
    lines.append(("print", f"{pages}{source}; {len(p.images_without_alt)} images without alt text"))
    return lines
