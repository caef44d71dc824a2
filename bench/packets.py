"""Packets at the desk: a personalised 3-handout packet assembled from cached PDFs vs. rendering them.

    python -m bench.packets [--repeat 30]

Both sides run in this one process on this machine, with WeasyPrint warm: the packet (cover, overlays,
assembly) is timed `repeat` times; so is rendering the same three handouts from scratch (fill the
layouts, lay out, write). Target from the packets issue: packet ÷ from scratch ≤ 0.2.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

TRIO = ["ketamine-depression", "questions-to-ask", "mood-log"]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.packets", description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30, metavar="R", help="timed runs of each side (30)")
    parser.add_argument("--results", type=Path, default=REPO / "bench" / "results-packets.json", metavar="PATH")
    args = parser.parse_args(argv)

    from handoutkit.builder import build, load_library
    from handoutkit.layouts import Layouts
    from handoutkit.packets import Packet, check_personal
    from handoutkit.packets_run import packet_pdf
    from handoutkit.render import Renderer

    build(REPO, REPO / "dist", TRIO)  # the handouts' PDFs, from the cache when nothing changed
    library = load_library(REPO)
    site = library.site
    layouts, renderer = Layouts(site), Renderer(site)
    pdfs = {s: (REPO / "dist" / "handouts" / f"{s}.pdf").read_bytes() for s in TRIO}
    packet = Packet(title="Your handouts", handouts=TRIO)
    today = dt.date.today()

    def personalised() -> bytes:
        personal = check_personal(site, "José Núñez", today, "Dr. Rivera", "Bring the mood log next time.")
        return packet_pdf(library, "bench", packet, pdfs, {}, layouts, renderer, personal, True, False, today)

    def from_scratch() -> None:
        for slug in TRIO:
            handout = library.handouts[slug]
            filled = layouts.handout(handout)
            renderer.pdf(filled.html, filled.css, handout.path.parent, handout.path, slug)

    personalised(), from_scratch()  # warm both
    sides = {"packet": [], "scratch": []}
    for _ in range(args.repeat):  # interleaved, so a noisy moment hits both sides
        for name, call in (("packet", personalised), ("scratch", from_scratch)):
            started = time.perf_counter()
            call()
            sides[name].append((time.perf_counter() - started) * 1000)
    packet_ms, scratch_ms = (statistics.median(sides[k]) for k in ("packet", "scratch"))
    results = {
        "repeat": args.repeat,
        "packet_p50_ms": packet_ms,
        "packet_p95_ms": percentile(sides["packet"], 0.95),
        "scratch_p50_ms": scratch_ms,
        "ratio": packet_ms / scratch_ms,
    }
    args.results.parent.mkdir(parents=True, exist_ok=True)
    args.results.write_text(json.dumps(results, indent=2) + "\n")
    ok = "met" if results["ratio"] <= 0.2 else "missed"
    print("| measure | result | target | |")
    print("| --- | --- | --- | --- |")
    print(f"| personalised 3-handout packet ÷ rendering the 3 handouts | {results['ratio']:.2f} | ≤ 0.2 | {ok} |")
    print(f"| packet p50 / p95 | {packet_ms:.0f} / {results['packet_p95_ms']:.0f} ms | | |")
    print(f"| the 3 handouts from scratch, p50 | {scratch_ms:.0f} ms | | |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
