"""`python build.py serve`: the front desk behind waitress, on 127.0.0.1 unless an access token is set."""

from __future__ import annotations

import ipaddress
import logging
import os
import signal
import sys
from pathlib import Path

TOKEN_ENV = "HANDOUTS_TOKEN"
MIN_TOKEN = 16  # characters: the code stands between the LAN and patients' names
THREADS = 4
# Waitress keeps request and response bodies in memory up to these sizes, then spools them to a
# temporary file. Packets with patients' names must never reach the disk, so both are set above anything
# the desk sends or accepts (requests over FORM_LIMIT are refused before they are read).
BUFFERS = {"inbuf_overflow": 1 << 20, "outbuf_overflow": 1 << 30, "max_request_body_size": 1 << 16}


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def read_token(token_file: Path | None) -> str | None:
    """The access token from --token-file, else from the HANDOUTS_TOKEN variable; None when neither is set."""
    if token_file is not None:
        return token_file.read_text(encoding="utf-8").strip() or None
    return os.environ.get(TOKEN_ENV, "").strip() or None


def setup_logging(stream=None) -> None:
    """Request lines (method, path, status) and errors to stderr; nothing else, and never form data."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%H:%M:%S"))
    for name in ("handoutkit.web", "waitress"):
        logger = logging.getLogger(name)
        logger.handlers[:] = [handler]
        logger.setLevel(logging.INFO if name == "handoutkit.web" else logging.WARNING)
        logger.propagate = False


def make_server(app, host: str, port: int):
    """A waitress server for the app (not started); port 0 picks a free one."""
    from waitress import create_server

    return create_server(app, host=host, port=port, threads=THREADS, ident="front-desk",
                         expose_tracebacks=False, **BUFFERS)


def stop(server) -> None:
    """Stop a server that runs in another thread (tests, the bench): every socket is closed in its own loop."""
    from waitress import wasyncore

    server.task_dispatcher.shutdown()
    server.trigger.pull_trigger(lambda: wasyncore.close_all(server._map))


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def _stop_on_signals() -> None:
    """Ctrl-C (even when started in the background, where SIGINT starts out ignored) and SIGTERM stop the desk."""
    signal.signal(signal.SIGINT, signal.default_int_handler)
    if hasattr(signal, "SIGTERM"):
        signal.signal(signal.SIGTERM, _interrupt)


def address(server, host: str) -> str:
    port = server.effective_port if hasattr(server, "effective_port") else server.effective_listen[0][1]
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


def run(root: Path, host: str, port: int, token_file: Path | None) -> int:
    """Start the desk and serve until Ctrl-C; exit codes follow the command line's (2: usage error)."""
    from ..desk import Desk
    from ..errors import HandoutError
    from . import create_app

    try:
        token = read_token(token_file)
    except OSError as exc:
        print(f"error: cannot read the token file {token_file}: {exc.strerror}", file=sys.stderr)
        return 2
    if not is_loopback(host) and not token:
        print(f"error: --host {host} would let other computers reach the front desk; set an access token "
              f"first (--token-file FILE, or the {TOKEN_ENV} variable), or keep the default 127.0.0.1",
              file=sys.stderr)
        return 2
    if token and len(token) < MIN_TOKEN:
        print(f"error: the access token is {len(token)} characters long; use at least {MIN_TOKEN}",
              file=sys.stderr)
        return 2
    setup_logging()
    desk = Desk(root, processes=os.cpu_count() or 1)  # covers are laid out side by side
    app = create_app(root, token=token, desk=desk)
    try:
        server = make_server(app, host, port)
    except OSError as exc:
        print(f"error: cannot listen on {host}:{port}: {exc.strerror}", file=sys.stderr)
        return 1
    print("Preparing the handouts...", flush=True)
    try:
        app.extensions["desk"].warm()
    except HandoutError as exc:  # the desk still starts, and shows the problem on every page
        print(f"error: {exc.describe(root)}", file=sys.stderr)
    print(f"Front desk: {address(server, host)} (Ctrl-C to stop)", flush=True)
    _stop_on_signals()
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
        desk.close()
    print("Front desk stopped.")
    return 0
