"""The front desk: a local web app to find, personalise and print handouts and packets.

`create_app(root)` builds the Flask app; `serve.run()` puts it behind waitress. Pages live in
layouts/web/, the stylesheet in styles/web.css; everything about handouts goes through desk.Desk.
"""

from __future__ import annotations

import logging
import secrets
import traceback
from pathlib import Path

from flask import Flask, current_app, request

from ..desk import Desk

log = logging.getLogger("handoutkit.web")
FORM_LIMIT = 64 * 1024  # bytes: a packet form is under 2 kB; nothing bigger is read, kept or spooled


class DeskApp(Flask):
    """Flask, with error logs that name the request and the error's type but never its message or data."""

    def log_exception(self, exc_info) -> None:
        kind, _, tb = exc_info
        frames = "".join(traceback.format_tb(tb)) if tb else ""
        log.error("error on %s %s: %s\n%s", request.method, request.path, kind.__name__ if kind else "?", frames)


def create_app(root: Path, token: str | None = None, desk: Desk | None = None) -> Flask:
    """The front-desk app for one project folder; with a token, every page needs signing in."""
    from . import assets, auth, errors, library, packets

    root = Path(root).resolve()
    app = DeskApp(__name__, template_folder=str(root / "layouts" / "web"), static_folder=None)
    app.config.update(
        SECRET_KEY=secrets.token_bytes(32),  # new at every start: signs the session (CSRF token, signed in)
        SESSION_COOKIE_NAME="desk",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        MAX_CONTENT_LENGTH=FORM_LIMIT,
        MAX_FORM_MEMORY_SIZE=FORM_LIMIT,
        TEMPLATES_AUTO_RELOAD=True,
        DESK_ROOT=root,
        DESK_TOKEN=token or None,
    )
    app.extensions["desk"] = desk or Desk(root)
    for blueprint in (auth.bp, assets.bp, library.bp, packets.bp):
        app.register_blueprint(blueprint)
    errors.register(app)

    @app.after_request
    def _record(response):
        """One log line per request: method, path and status; never the query, the form or a cookie."""
        log.info("%s %s %s", request.method, request.path, response.status_code)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        if response.mimetype == "text/html":
            response.headers["Cache-Control"] = "no-store"
            response.headers.setdefault(
                "Content-Security-Policy",
                "default-src 'self'; img-src 'self' data:; object-src 'none'; frame-src 'self'; "
                "frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
        return response

    return app


def desk() -> Desk:
    """The app's Desk (one per process: it holds the renderer and the caches)."""
    return current_app.extensions["desk"]
