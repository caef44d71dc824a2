"""`make bench`: build a synthetic library in a temporary folder and measure the builder side by side.

    python -m bench [--handouts N] [--repeat R] [--results PATH]

Prints a Markdown table (pasted into the README's Performance section) and writes the numbers to
bench/results.json. Every ratio compares two things measured in this one run on this machine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.synthetic import make_project  # noqa: E402

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--no-pdf-header-footer"]


def machine() -> dict:
    model = "unknown"
    try:
        found = re.search(r"^model name\s*:\s*(.+)$", Path("/proc/cpuinfo").read_text(), re.M)
        model = found.group(1).strip() if found else model
    except OSError:
        pass
    from importlib import metadata

    return {"cores": os.cpu_count(), "cpu": model, "python": platform.python_version(),
            "system": platform.platform(terse=True), "weasyprint": metadata.version("weasyprint")}


def _spin(n: int) -> float:
    started, total = time.perf_counter(), 0
    for i in range(n):
        total += i * i
    return time.perf_counter() - started


def parallel_ceiling(n: int = 10_000_000) -> float:
    """The speed-up this machine gives two busy processes over one: pure Python arithmetic, no I/O."""
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(2) as pool:
        list(pool.map(_spin, [1000, 1000]))
        one = _spin(n)
        started = time.perf_counter()
        list(pool.map(_spin, [n, n]))
        return 2 * one / (time.perf_counter() - started)


def load() -> float:
    """The one-minute load average: other work on the machine skews every timing."""
    return os.getloadavg()[0]


class TreeRSS(threading.Thread):
    """Samples the summed resident memory of a process and all its descendants; keeps the peak."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak, self.running = pid, 0, True

    def sample(self) -> int:
        total, todo = 0, [self.pid]
        while todo:
            pid = todo.pop()
            try:
                status = Path(f"/proc/{pid}/status").read_text()
                total += int(re.search(r"^VmRSS:\s+(\d+)", status, re.M).group(1)) * 1024
                for task in os.listdir(f"/proc/{pid}/task"):
                    todo += [int(c) for c in Path(f"/proc/{pid}/task/{task}/children").read_text().split()]
            except (OSError, AttributeError):
                continue
        return total

    def run(self) -> None:
        while self.running:
            self.peak = max(self.peak, self.sample())
            time.sleep(0.02)


def cli_build(project: Path, out: Path, cache: Path, jobs: int | None = None,
              memory: bool = False) -> tuple[float, str, int]:
    """Run `build.py build` as a fresh process: (seconds, its summary line, peak RSS of its tree)."""
    cmd = [sys.executable, str(REPO / "build.py"), "--project", str(project), "build",
           "--out", str(out), "--cache", str(cache), "--no-check"]
    if jobs:
        cmd += ["--jobs", str(jobs)]
    started = time.perf_counter()
    child = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    sampler = TreeRSS(child.pid)
    if memory:
        sampler.start()
    stdout, stderr = child.communicate()
    seconds = time.perf_counter() - started
    sampler.running = False
    if child.returncode != 0:
        raise SystemExit(f"bench: the build failed:\n{stderr}")
    return seconds, stdout.strip().splitlines()[-1], sampler.peak


def per_handout(project: Path, slugs: list[str]) -> dict:
    """a. Per handout, in this process: the builder (fill, key, render, PDF) vs raw WeasyPrint on its HTML."""
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    from handoutkit import qr
    from handoutkit.builder import load_library
    from handoutkit.cache import Files, render_key
    from handoutkit.layouts import Layouts
    from handoutkit.options import PDF_OPTIONS
    from handoutkit.render import Renderer
    from handoutkit.workers import Job, render_one

    library = load_library(project)
    site = library.site
    layouts, renderer, styles = Layouts(site), Renderer(site), project / "styles"

    def builder(handout) -> float:
        started = time.perf_counter()
        filled = layouts.handout(handout)
        base = handout.path.parent
        render_key(handout.slug, filled.html, filled.css, base, styles, Files())
        outcome = render_one(renderer, Job(handout.slug, filled.html, tuple(filled.css), base, handout.path))
        assert not isinstance(outcome, Exception), outcome
        return time.perf_counter() - started

    def raw(handout) -> float:
        filled = layouts.handout(handout)  # not timed: the same final HTML the builder renders
        started = time.perf_counter()
        fonts = FontConfiguration()
        styles_url = styles.as_uri() + "/"
        sheets = [weasyprint.CSS(string=c, font_config=fonts, base_url=styles_url) for c in filled.css]
        weasyprint.HTML(string=filled.html, base_url=handout.path.parent.as_uri() + "/").write_pdf(
            stylesheets=sheets, font_config=fonts, **PDF_OPTIONS)
        return time.perf_counter() - started

    handouts = [library.handouts[s] for s in slugs]
    builder(handouts[0]), raw(handouts[0])  # warm both: imports, font files, the QR encoder
    ours, theirs = [], []
    for handout in handouts:  # interleaved, so that a slow moment hits both
        qr.qr_data_uri.cache_clear()
        ours.append(builder(handout))
        theirs.append(raw(handout))
    return {"builder_s": statistics.median(ours), "raw_s": statistics.median(theirs),
            "ratio": statistics.median(ours) / statistics.median(theirs), "count": len(handouts)}


def chromium_peer(project: Path, slugs: list[str], limit: int) -> dict | None:
    """f. Debian's chromium printing the same final HTML to PDF, one process per handout."""
    binary = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
    if not binary:
        return None
    from handoutkit.builder import load_library
    from handoutkit.layouts import Layouts

    library = load_library(project)
    layouts = Layouts(library.site)
    times = []
    with tempfile.TemporaryDirectory(prefix="chromium-") as profile:
        for slug in slugs[:limit]:
            handout = library.handouts[slug]
            filled = layouts.handout(handout)
            style = "<style>\n" + "\n".join(filled.css) + "\n</style>\n</head>"
            page = handout.path.with_name(f".{slug}.chromium.html")
            page.write_text(filled.html.replace("</head>", style, 1), encoding="utf-8")
            pdf = Path(profile) / f"{slug}.pdf"
            started = time.perf_counter()
            subprocess.run([binary, *CHROMIUM_FLAGS, f"--user-data-dir={profile}/data",
                            f"--print-to-pdf={pdf}", page.as_uri()], capture_output=True, check=False)
            times.append(time.perf_counter() - started)
            page.unlink()
            if not pdf.exists():
                return {"error": "chromium wrote no PDF"}
    return {"per_handout_s": statistics.median(times), "count": len(times)}


def edit_summary(project: Path, slug: str, n: int) -> None:
    path = project / "handouts" / f"{slug}.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("summary:\n  - ", f"summary:\n  - Edited ({n}) ", 1), encoding="utf-8")


def run(count: int, repeat: int, chromium_limit: int) -> tuple[dict, list[tuple]]:
    results: dict = {"machine": machine(), "handouts": count, "repeat": repeat}
    print(f"bench: {count} synthetic handouts; machine {results['machine']}", file=sys.stderr)
    with tempfile.TemporaryDirectory(prefix="handouts-bench-") as tmp:
        project = Path(tmp) / "clinic"
        slugs = make_project(REPO, project, count)
        results["load_before"] = load()

        print("bench: cold builds (--jobs 1, --jobs 2)", file=sys.stderr)
        cold: dict[int, list[float]] = {1: [], 2: []}
        ceiling = []
        peak, summary = 0, ""
        for r in range(repeat):
            ceiling.append(parallel_ceiling())  # beside each pair, since neighbours come and go
            for jobs in (1, 2):
                tag = f"j{jobs}r{r}"
                seconds, summary, rss = cli_build(project, project / f"dist-{tag}", project / f"cache-{tag}",
                                                  jobs, memory=jobs == 2)
                assert summary.startswith(f"built {count} handouts and {count} cards"), summary
                cold[jobs].append(seconds)
                peak = max(peak, rss)
        results["cold_jobs1_s"], results["cold_jobs2_s"] = min(cold[1]), min(cold[2])
        results["speedup"] = results["cold_jobs1_s"] / results["cold_jobs2_s"]
        results["parallel_ceiling"] = max(ceiling)
        results["peak_rss_mb"] = peak / 2**20
        default_cold = results["cold_jobs2_s"]

        print("bench: no-op and one-changed rebuilds", file=sys.stderr)
        out, cache = project / "dist-j2r0", project / "cache-j2r0"
        noop = []
        for _ in range(5):
            seconds, summary, _ = cli_build(project, out, cache)
            assert summary.endswith("(nothing changed)"), summary
            noop.append(seconds)
        results["noop_s"] = statistics.median(noop)
        results["noop_ratio"] = results["noop_s"] / default_cold
        seconds, summary, _ = cli_build(project, project / "dist-from-cache", cache)
        assert summary.endswith(f"({count} from cache)"), summary
        results["from_cache_s"] = seconds
        one = []
        for n, slug in enumerate(slugs[:3]):
            edit_summary(project, slug, n)
            seconds, summary, _ = cli_build(project, out, cache)
            assert summary.endswith(f"({count - 1} from cache)"), summary
            one.append(seconds)
        results["one_changed_s"] = statistics.median(one)
        results["one_changed_ratio"] = results["one_changed_s"] / default_cold

        print("bench: per-handout render, builder vs raw WeasyPrint", file=sys.stderr)
        results["render"] = per_handout(project, slugs)
        print("bench: chromium", file=sys.stderr)
        results["chromium"] = chromium_peer(project, slugs, chromium_limit)
    results["load_after"] = load()
    return results, table(results)


def table(r: dict) -> list[tuple]:
    n, render, chromium = r["handouts"], r["render"], r["chromium"]
    rows = [
        ("a. render per handout, builder ÷ raw WeasyPrint", f"{render['ratio']:.2f}", "≤ 1.15",
         render["ratio"] <= 1.15,
         f"{render['builder_s']:.3f} s vs {render['raw_s']:.3f} s (median of {render['count']})"),
        ("b. cold build, --jobs 1 ÷ --jobs 2", f"{r['speedup']:.2f}×", "≥ 1.6", r["speedup"] >= 1.6,
         f"{r['cold_jobs1_s']:.1f} s vs {r['cold_jobs2_s']:.1f} s (best of {r['repeat']}); the machine's "
         f"own 2-process speed-up: {r['parallel_ceiling']:.2f}×"),
        ("c. no-op rebuild ÷ cold build", f"{r['noop_ratio']:.3f}", "≤ 0.05", r["noop_ratio"] <= 0.05,
         f"{r['noop_s']:.2f} s (into a new folder, all from the cache: {r['from_cache_s']:.2f} s)"),
        ("d. one handout changed ÷ cold build", f"{r['one_changed_ratio']:.3f}", f"≤ {2 / n:.3f} (2/N)",
         r["one_changed_ratio"] <= 2 / n, f"{r['one_changed_s']:.2f} s (handout, card and sheet)"),
        ("e. peak memory of a full build", f"{r['peak_rss_mb']:.0f} MB", "< 500 MB", r["peak_rss_mb"] < 500,
         "resident, summed over the build and its workers (--jobs 2)"),
    ]
    if chromium and "per_handout_s" in chromium:
        rows.append(("f. chromium --print-to-pdf, per handout", f"{chromium['per_handout_s']:.2f} s", "peer",
                     None, f"vs the builder's {render['builder_s']:.2f} s (median of {chromium['count']}, "
                     "one browser start each)"))
    else:
        rows.append(("f. chromium --print-to-pdf, per handout", "not installed", "peer", None, ""))
    return rows


def markdown(rows: list[tuple]) -> str:
    lines = ["| measure | result | target | | detail |", "| --- | --- | --- | --- | --- |"]
    for what, value, target, ok, detail in rows:
        mark = "" if ok is None else ("met" if ok else "missed")
        lines.append(f"| {what} | {value} | {target} | {mark} | {detail} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--handouts", type=int, default=40, metavar="N", help="synthetic handouts (40)")
    parser.add_argument("--repeat", type=int, default=3, metavar="R",
                        help="cold builds of each kind; the best is kept (3)")
    parser.add_argument("--chromium", type=int, default=10, metavar="K",
                        help="handouts printed by chromium (10)")
    parser.add_argument("--results", type=Path, default=REPO / "bench" / "results.json", metavar="PATH")
    args = parser.parse_args(argv)
    results, rows = run(args.handouts, args.repeat, args.chromium)
    text = markdown(rows)
    m = results["machine"]
    print(f"\nMachine: {m['cores']} cores, {m['cpu']}, Python {m['python']}, WeasyPrint {m['weasyprint']}, "
          f"{m['system']}; {results['handouts']} handouts; load average {results['load_before']:.1f} "
          f"before, {results['load_after']:.1f} after.\n")
    print(text)
    results["table"] = text
    args.results.parent.mkdir(parents=True, exist_ok=True)
    args.results.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"\nwrote {args.results}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
