"""The command line: `python build.py [build|check|new] ...`; errors become one line each and an exit code."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from .builder import UnknownHandout, build
from .content import SLUG
from .errors import HandoutError
from .output import write_atomic

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def parser(project: Path) -> argparse.ArgumentParser:
    top = _Parser(
        prog="handouts",
        description="Build the clinic's printable handouts and summary cards from handouts/*.md.",
        epilog="With no command, 'build' runs.",
    )
    top.add_argument("--project", type=Path, default=project, metavar="DIR",
                     help="the project folder (default: %(default)s)")
    commands = top.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    b = commands.add_parser("build", help="build handouts, cards, the card sheet and the manifest into dist/",
                            description="Build handouts, summary cards, the card sheet and dist/manifest.json.")
    b.add_argument("slugs", nargs="*", metavar="SLUG", help="only these handouts (default: all)")
    b.add_argument("--out", type=Path, metavar="DIR", help="output folder (default: PROJECT/dist)")

    c = commands.add_parser(
        "check", help="check reading level, plain language, reviews and print limits; write dist/report.html",
        description="Check each handout's reading level, sentences, jargon, voice, PEMAT-P items, review "
                    "dates, page budget and the brand's colour contrast. Exit 1 on errors (and, with "
                    "--strict, on warnings); write dist/report.html.",
    )
    c.add_argument("slugs", nargs="*", metavar="SLUG", help="only these handouts (default: all)")
    c.add_argument("--json", action="store_true", help="print the results as JSON (schema in README: Check)")
    c.add_argument("--strict", action="store_true", help="exit 1 on warnings too")

    n = commands.add_parser("new", help="start a new handout from a valid template",
                            description="Write handouts/SLUG.md with front matter and example sections.")
    n.add_argument("slug", metavar="SLUG", help="file name: lower-case letters, digits and hyphens")
    n.add_argument("--title", required=True, help="the handout's title")
    return top


def main(argv: list[str] | None = None, project: Path | None = None) -> int:
    args = parser(project or Path.cwd()).parse_args(argv)
    root = args.project.resolve()
    if args.command == "new":
        return new(root, args.slug, args.title)
    if args.command == "check":
        return run_check(root, args.slugs, as_json=args.json, strict=args.strict)
    if args.command is None:  # plain `python build.py` builds everything
        return run_build(root, [], root / "dist")
    return run_build(root, args.slugs, args.out or root / "dist")


def run_build(root: Path, slugs: list[str], out: Path) -> int:
    if not (root / "handouts").is_dir():
        print(f"error: no handouts/ folder in {root}", file=sys.stderr)
        return EXIT_USAGE
    try:
        result = build(root, out, slugs, progress=print)
    except UnknownHandout as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except HandoutError as exc:  # the brand, site settings or a layout: nothing could be built
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    for error in result.errors:
        print(f"error: {error}", file=sys.stderr)
    handouts, cards = len(result.handouts), len(result.cards)
    summary = (f"built {handouts} handout{'s' * (handouts != 1)} and {cards} card{'s' * (cards != 1)} "
               f"in {result.seconds:.1f} s")
    if result.errors:
        summary += f"; {len(result.errors)} failed"
    print(summary)
    if result.handouts:
        check_built(root, result.handouts, out)
    return EXIT_OK if result.ok else EXIT_FAILED


def check_built(root: Path, slugs: list[str], out: Path) -> None:
    """After a build: a one-line verdict per handout with findings; never changes the build's exit code."""
    from .check import run_check as check_handouts
    from .report import describe, verdicts, write_html

    try:
        run = check_handouts(root, slugs, out=out, render=False)
        write_html(run, out)
    except HandoutError as exc:
        print(f"check: error: {describe(exc, root)}", file=sys.stderr)
        return
    for line in verdicts(run):
        print(line)


def run_check(root: Path, slugs: list[str], as_json: bool = False, strict: bool = False,
              today: dt.date | None = None) -> int:
    """`check`: print the report (or JSON) and write dist/report.html; exit 1 on errors (strict: warnings)."""
    from .check import run_check as check_handouts
    from .report import describe, json_text, print_report, write_html

    if not (root / "handouts").is_dir():
        print(f"error: no handouts/ folder in {root}", file=sys.stderr)
        return EXIT_USAGE
    out = root / "dist"
    try:
        run = check_handouts(root, slugs, out=out, today=today)
        report = write_html(run, out, strict)
    except UnknownHandout as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except HandoutError as exc:  # the brand, site settings, a layout or the word list
        print(f"error: {describe(exc, root)}", file=sys.stderr)
        return EXIT_FAILED
    if as_json:
        sys.stdout.write(json_text(run, strict, out))
    else:
        print_report(run, strict, report)
    return run.exit_code(strict)


TEMPLATE = """---
title: {title}
subtitle: One line that says who this is for
version: "0.1"
reviewed: {today}
# url: https://example.org/this-handout     (printed as a QR code)
# sources:
#   - Author, Title, Year
summary:
  - The first thing a patient should remember.
  - The second thing.
---
Start with why this matters to the reader, in two or three short sentences.

## What to expect

Write each part under a '##' heading. Keep sentences short and speak to the reader as "you".

## What you can do

- One step a patient can take.
- Another step.
"""


def new(root: Path, slug: str, title: str) -> int:
    """Scaffold handouts/SLUG.md; never overwrite an existing file."""
    if not SLUG.match(slug):
        print(f"error: '{slug}' is not a valid slug: use lower-case letters, digits and hyphens",
              file=sys.stderr)
        return EXIT_USAGE
    if not title.strip() or "\n" in title:
        print("error: --title must be one line of text", file=sys.stderr)
        return EXIT_USAGE
    path = root / "handouts" / f"{slug}.md"
    if path.exists():
        print(f"error: handouts/{slug}.md already exists; nothing was changed", file=sys.stderr)
        return EXIT_FAILED
    quoted = '"' + title.strip().replace("\\", "\\\\").replace('"', '\\"') + '"'
    text = TEMPLATE.format(title=quoted, today=dt.date.today().isoformat())
    write_atomic(path, text.encode("utf-8"))
    print(f"wrote handouts/{slug}.md; edit it, then run: python build.py build {slug}")
    return EXIT_OK
