"""Front-desk speed: the real server (waitress) over loopback, with warm caches.

    python -m bench.web [--requests 50] [--clients 4]

Times a personalised 3-handout packet (POST) and the library page, first with sequential requests,
then with several clients at once, and reports them beside the time to render the same three handouts
from scratch with WeasyPrint (the work the desk's caches save). Targets from the issue: packet p50 under
300 ms and p95 under 600 ms; library page under 100 ms.
"""

from __future__ import annotations

import argparse
import http.client
import logging
import os
import re
import statistics
import sys
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TRIO = ["ketamine-depression", "questions-to-ask", "mood-log"]
TARGETS = {"packet": (300, 600), "library": (100, None)}


class Client:
    """One browser-like client: its own connection and session cookie, and the form's CSRF token."""

    def __init__(self, port: int):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookie = ""
        page = self.get("/make-packet")
        self.csrf = re.search(rb'name="csrf" value="([^"]+)"', page).group(1).decode()

    def _send(self, method: str, path: str, body: bytes | None = None) -> bytes:
        headers = {"Cookie": self.cookie} if self.cookie else {}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        data = response.read()
        if cookie := response.getheader("Set-Cookie"):
            self.cookie = cookie.split(";", 1)[0]
        if response.status != 200:
            raise SystemExit(f"{method} {path}: HTTP {response.status}")
        return data

    def get(self, path: str) -> bytes:
        return self._send("GET", path)

    def packet(self, n: int) -> bytes:
        form = [("csrf", self.csrf), ("name", f"Bench Patient {n}"), ("date", "2026-11-27"),
                ("clinician", "Dr. Bench"), ("note", "A note."), ("sides", "duplex"), ("title", "Three handouts")]
        form += [("handout", slug) for slug in TRIO]
        form += [(f"position-{slug}", str(i)) for i, slug in enumerate(TRIO, 1)]
        data = self._send("POST", "/make-packet", urllib.parse.urlencode(form).encode())
        assert data.startswith(b"%PDF"), "expected a PDF"
        return data


def timed(call) -> float:
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


def percentiles(ms: list[float]) -> tuple[float, float]:
    ordered = sorted(ms)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95


def sequential(port: int, requests: int) -> dict[str, list[float]]:
    client = Client(port)
    return {"packet": [timed(lambda i=i: client.packet(i)) for i in range(requests)],
            "library": [timed(lambda: client.get("/")) for _ in range(requests)]}


def concurrent(port: int, requests: int, clients: int) -> dict[str, list[float]]:
    """`clients` threads, each with its own connection, sharing `requests` requests of each kind."""
    result: dict[str, list[float]] = {}
    pool = [Client(port) for _ in range(clients)]
    for kind in ("packet", "library"):
        lock, times = threading.Lock(), []

        def work(index: int, kind=kind, lock=lock, times=times) -> None:
            client = pool[index % clients]
            for n in range(index, requests, clients):
                ms = timed(lambda n=n: client.packet(n) if kind == "packet" else client.get("/"))
                with lock:
                    times.append(ms)

        with ThreadPoolExecutor(clients) as executor:
            list(executor.map(work, range(clients)))
        result[kind] = times
    return result


def from_scratch(root: Path) -> float:
    """Milliseconds to render the three handouts with a fresh Renderer, as a build without a cache would."""
    from handoutkit.builder import load_library
    from handoutkit.layouts import Layouts
    from handoutkit.render import Renderer

    library = load_library(root)
    started = time.perf_counter()
    renderer, layouts = Renderer(library.site), Layouts(library.site)
    for slug in TRIO:
        handout = library.handouts[slug]
        filled = layouts.handout(handout)
        renderer.pdf(filled.html, filled.css, handout.path.parent, handout.path, slug)
    return (time.perf_counter() - started) * 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.web", description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=50, help="requests of each kind (default: 50)")
    parser.add_argument("--clients", type=int, default=4, help="concurrent clients (default: 4)")
    parser.add_argument("--project", type=Path, default=ROOT, help="project folder (default: this one)")
    args = parser.parse_args(argv)

    from handoutkit.desk import Desk
    from handoutkit.web import create_app
    from handoutkit.web.serve import make_server, stop

    logging.getLogger("waitress").setLevel(logging.ERROR)  # queue-depth warnings are expected here
    root = args.project.resolve()
    started = time.perf_counter()
    desk = Desk(root, processes=os.cpu_count() or 1)  # as `serve` runs it
    app = create_app(root, desk=desk)
    app.extensions["desk"].warm()
    warm_s = time.perf_counter() - started
    server = make_server(app, "127.0.0.1", 0)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    port = server.effective_port
    try:
        warmup = Client(port)
        for n in range(3):
            warmup.packet(n)
            warmup.get("/")
        runs = {"sequential": sequential(port, args.requests),
                f"{args.clients} clients": concurrent(port, args.requests, args.clients)}
    finally:
        stop(server)
        desk.close()
        thread.join(timeout=5)
    scratch = from_scratch(root)

    print(f"front desk bench: {args.requests} requests of each kind; server warmed in {warm_s:.1f} s")
    print(f"{'':14}{'what':28}{'p50 ms':>8}{'p95 ms':>8}  target")
    failed = False
    for run, timings in runs.items():
        for kind, ms in timings.items():
            p50, p95 = percentiles(ms)
            goal50, goal95 = TARGETS[kind]
            target = f"p50 < {goal50}" + (f", p95 < {goal95}" if goal95 else "")
            ok = p50 < goal50 and (goal95 is None or p95 < goal95)
            failed |= run == "sequential" and not ok
            label = "personalised 3-handout packet" if kind == "packet" else "library page"
            print(f"{run:14}{label:28}{p50:8.0f}{p95:8.0f}  {target} {'ok' if ok else 'MISSED'}")
    seq_p50 = percentiles(runs["sequential"]["packet"])[0]
    print(f"{'from scratch':14}{'render the 3 handouts':28}{scratch:8.0f}{'':8}  "
          f"(a warm packet is {scratch / seq_p50:.1f}x faster)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
