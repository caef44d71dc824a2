"""The command line: `python build.py [build|check|new] ...`; errors become one line each and an exit code."""

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
    b.add_argument("--no-check", dest="check", action="store_false",
                   help="skip the check's one-line verdicts at the end (and dist/report.html)")
    b.add_argument("--cache", type=Path, metavar="DIR", help="cache folder (default: PROJECT/.cache)")

    k = commands.add_parser(
        "packet", help="assemble a packet of handouts into one PDF, optionally for one patient",
        description="Assemble a packet from handouts/packets.yml: a cover, the handouts in order, the summary "
                    "cards if the packet has them. Personal details go only into the PDF written.")
    k.add_argument("name", metavar="NAME", help="a packet defined in handouts/packets.yml")
    k.add_argument("--for", dest="patient", default="", metavar="NAME", help="the patient's full name")
    k.add_argument("--date", type=_date, metavar="YYYY-MM-DD",
                   help="date on the cover and every page (default: today, when --for is given)")
    k.add_argument("--clinician", default="", metavar="NAME", help="who prepared the packet")
    k.add_argument("--note", default="", help="a short note printed in the cover's note box")
    sides = k.add_mutually_exclusive_group()
    sides.add_argument("--simplex", dest="duplex", action="store_false", default=None,
                       help="one-sided printing: no blank backs")
    sides.add_argument("--duplex", dest="duplex", action="store_true",
                       help="two-sided printing: every handout starts on a front page")
    k.add_argument("--allow-overdue", action="store_true",
                   help="include handouts past their review date, marked 'Review overdue'")
    k.add_argument("-o", "--output", type=Path, metavar="FILE",
                   help="where to write (default: dist/packets/NAME.pdf, or NAME-personal.pdf in the current "
                        "folder when personalised)")

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

    s = commands.add_parser("serve", help="start the front desk: a local web page to print handouts and packets",
                            description="Serve the front desk. It answers only this computer unless an access "
                                        "token is set (--token-file or the HANDOUTS_TOKEN variable).")
    s.add_argument("--host", default="127.0.0.1", help="address to listen on (default: %(default)s)")
    s.add_argument("--port", type=int, default=8000, help="port to listen on (default: %(default)s)")
    s.add_argument("--token-file", type=Path, metavar="FILE", help="a file holding the access token")
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
    if args.command == "serve":
        from .web.serve import run

        return run(root, args.host, args.port, args.token_file)
    if args.command == "packet":
        return packet(root, args)
    if args.command == "check":
        return run_check(root, args.slugs, as_json=args.json, strict=args.strict)
    if args.command is None:  # plain `python build.py` builds everything
        return run_build(root, [], root / "dist", jobs=_cores())
    return run_build(root, args.slugs, args.out or root / "dist", jobs=args.jobs, force=args.force,
                     quiet=args.quiet, cache=args.cache, check=args.check)


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date like 2026-11-27, got '{text}'") from None


def packet(root: Path, args: argparse.Namespace, today: dt.date | None = None) -> int:
    """Assemble one packet; what was typed for the patient is never printed, logged or kept."""
    from .packets import check_personal
    from .packets_run import PacketRun

    today = today or dt.date.today()
    try:
        run = PacketRun(root, args.name)
        personal = check_personal(run.library.site, args.patient, args.date or (today if args.patient else None),
                                  args.clinician, args.note)
        output = args.output or (Path.cwd() / f"{args.name}-personal.pdf" if personal
                                 else root / "dist" / "packets" / f"{args.name}.pdf")
        pages = run.write(output, personal, args.duplex, args.allow_overdue, today)
    except UnknownHandout as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except HandoutError as exc:
        print(f"error: {exc.describe(root)}", file=sys.stderr)
        return EXIT_FAILED
    print(f"wrote {output} ({pages} pages)")
    return EXIT_OK


def _shown(path: Path, root: Path) -> Path:
    return path.relative_to(root) if path.is_relative_to(root) else path


def _count(items: list, noun: str) -> str:
    return f"{len(items)} {noun}{'s' * (len(items) != 1)}"


def run_build(root: Path, slugs: list[str], out: Path, jobs: int = 1, force: bool = False,
              quiet: bool = False, cache: Path | None = None, check: bool = True) -> int:
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
        print(f"error: {exc.describe(root)}", file=sys.stderr)
        return EXIT_FAILED
    for error in result.errors:
        print(f"error: {error.describe(root)}", file=sys.stderr)
    summary = f"built {_count(result.handouts, 'handout')} and {_count(result.cards, 'card')}"
    if result.packets:
        summary = summary.replace(" and ", ", ") + f" and {_count(result.packets, 'packet')}"
    summary += f" in {result.seconds:.1f} s"
    if result.unchanged:
        summary += " (nothing changed)"
    elif result.cached_handouts:
        summary += f" ({result.cached_handouts} from cache)"
    if result.errors:
        summary += f"; {len(result.errors)} failed"
    if not quiet:
        print(summary)
    if quiet or not check:
        pass
    elif result.unchanged:  # the last build's verdicts still hold; checking again costs a second
        print(f"check: nothing changed since the last check; report in {_shown(out / 'report.html', root)}")
    elif result.handouts:
        check_built(root, result.handouts, out)
    return EXIT_OK if result.ok else EXIT_FAILED


def check_built(root: Path, slugs: list[str], out: Path) -> None:
    """After a build: a one-line verdict per handout with findings; never changes the build's exit code."""
    from .check import run_check as check_handouts
    from .report import verdicts, write_html

    try:
        run = check_handouts(root, slugs, out=out, render=False)
        write_html(run, out)
    except HandoutError as exc:
        print(f"check: error: {exc.describe(root)}", file=sys.stderr)
        return
    for line in verdicts(run):
        print(line)


def run_check(root: Path, slugs: list[str], as_json: bool = False, strict: bool = False,
              today: dt.date | None = None) -> int:
    """`check`: print the report (or JSON) and write dist/report.html; exit 1 on errors (strict: warnings)."""
    from .check import run_check as check_handouts
    from .report import json_text, print_report, write_html

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
        print(f"error: {exc.describe(root)}", file=sys.stderr)
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
