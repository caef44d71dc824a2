"""The command line: `python build.py [build|new] ...`; errors become one line each and an exit code."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path

from .builder import UnknownHandout, build
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

    b = commands.add_parser(
        "build", help="build handouts, cards, the card sheet and the manifest into dist/",
        description="Build handouts, summary cards, the card sheet and dist/manifest.json.")
    b.add_argument("slugs", nargs="*", metavar="SLUG", help="only these handouts (default: all)")
    b.add_argument("--out", type=Path, metavar="DIR", help="output folder (default: PROJECT/dist)")
    b.add_argument("--jobs", "-j", type=_positive, default=_cores(), metavar="N",
                   help="render with up to N worker processes (default: the number of cores, %(default)s)")
    b.add_argument("--force", action="store_true", help="render everything again, ignoring the cache")
    b.add_argument("--quiet", "-q", action="store_true", help="print only errors")
    b.add_argument("--cache", type=Path, metavar="DIR", help="cache folder (default: PROJECT/.cache)")

    n = commands.add_parser("new", help="start a new handout from a valid template",
                            description="Write handouts/SLUG.md with front matter and example sections.")
    n.add_argument("slug", metavar="SLUG", help="file name: lower-case letters, digits and hyphens")
    n.add_argument("--title", required=True, help="the handout's title")
    return top


def _cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got '{text}'")
    return int(text)


def main(argv: list[str] | None = None, project: Path | None = None) -> int:
    args = parser(project or Path.cwd()).parse_args(argv)
    root = args.project.resolve()
    if args.command == "new":
        return new(root, args.slug, args.title)
    if args.command is None:  # plain `python build.py` builds everything
        return run_build(root, [], root / "dist", jobs=_cores())
    return run_build(root, args.slugs, args.out or root / "dist", jobs=args.jobs, force=args.force,
                     quiet=args.quiet, cache=args.cache)


def run_build(root: Path, slugs: list[str], out: Path, jobs: int = 1, force: bool = False,
              quiet: bool = False, cache: Path | None = None) -> int:
    from .progress import reporter

    if not (root / "handouts").is_dir():
        print(f"error: no handouts/ folder in {root}", file=sys.stderr)
        return EXIT_USAGE
    try:
        result = build(root, out, slugs, reporter(quiet), jobs=jobs, force=force, cache=cache)
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
    if result.unchanged:
        summary += " (nothing changed)"
    elif result.cached_handouts:
        summary += f" ({result.cached_handouts} from cache)"
    if result.errors:
        summary += f"; {len(result.errors)} failed"
    if not quiet:
        print(summary)
    return EXIT_OK if result.ok else EXIT_FAILED


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
    from .content import SLUG

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
