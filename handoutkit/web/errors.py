"""Errors are pages, never tracebacks: unknown things are 404s, a handout that fails names its file and why."""

from __future__ import annotations

from flask import current_app, render_template
from werkzeug.exceptions import HTTPException, InternalServerError

from ..builder import UnknownHandout
from ..desk import HandoutFailed
from ..errors import HandoutError

TITLES = {
    400: "The request could not be used",
    401: "Please sign in",
    403: "Not allowed",
    404: "Not found",
    405: "Not allowed here",
    413: "Too much was sent",
    500: "Something went wrong",
}
MESSAGES = {
    401: "Sign in with the front desk's access code first.",
    404: "There is no page at this address. The handout or packet may have been renamed or removed.",
    413: "The form was too large to accept. Shorten the note and try again.",
    500: "The front desk could not finish this request. Try again; if it keeps happening, tell the "
         "person who looks after the handouts.",
}


def page(status: int, message: str | None = None, detail: str | None = None, title: str | None = None):
    return render_template("error.html", status=status, title=title or TITLES.get(status, "Error"),
                           message=message or MESSAGES.get(status, ""), detail=detail), status


def register(app) -> None:
    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):
        own = error.description != type(error).description  # a message given with abort()
        return page(error.code or 500, error.description if own else MESSAGES.get(error.code, error.description))

    @app.errorhandler(UnknownHandout)
    def _unknown(error: UnknownHandout):
        return page(404, error.message[:1].upper() + error.message[1:] + ".")

    @app.errorhandler(HandoutFailed)
    def _failed(error: HandoutFailed):
        root = current_app.config["DESK_ROOT"]
        where = error.error.where(root)
        return page(500, f"The handout '{error.slug}' could not be built. Fix the file and reload this page.",
                    detail=error.error.describe(root), title=f"{where.split(':')[0] or error.slug} needs fixing")

    @app.errorhandler(HandoutError)
    def _handout_error(error: HandoutError):
        root = current_app.config["DESK_ROOT"]
        return page(500, "The handouts could not be prepared. Fix the file named below and reload this page.",
                    detail=error.describe(root), title="A file needs fixing")

    @app.errorhandler(InternalServerError)
    def _internal(error):
        return page(500)
