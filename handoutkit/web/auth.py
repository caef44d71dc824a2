"""Who may use the desk: loopback only without a token, a sign-in cookie with one; CSRF on every POST."""

from __future__ import annotations

import hmac
import secrets
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, redirect, render_template, request, session, url_for

bp = Blueprint("auth", __name__)
LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "[::1]", "::1"}
# Form fields that carry what was typed for a patient: accepted in POST bodies only.
PERSONAL_FIELDS = {"name", "patient", "date", "clinician", "note"}
OPEN_ENDPOINTS = {"auth.sign_in"}


def csrf_token() -> str:
    """This browser session's form token (made on first use)."""
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return session["csrf"]


@bp.app_context_processor
def _template_helpers() -> dict:
    return {"csrf_token": csrf_token, "signed_in": bool(session.get("signed_in")),
            "token_required": bool(current_app.config["DESK_TOKEN"])}


@bp.before_app_request
def _guard():
    """Host, query string, sign-in and CSRF checks, in that order, before any page runs."""
    token = current_app.config["DESK_TOKEN"]
    if not token and _hostname(request.host).lower() not in LOOPBACK_HOSTS:
        # Without a token only this computer may use the desk (this also stops DNS rebinding).
        abort(403, "The front desk answers only on this computer's own address (127.0.0.1 or localhost).")
    if PERSONAL_FIELDS & set(request.args):
        abort(400, "Patient details are never sent in a page address. Go back and use the form.")
    public = request.endpoint in OPEN_ENDPOINTS or (request.endpoint or "").startswith("assets.")
    if token and not public and not session.get("signed_in"):
        if request.method == "GET":
            return redirect(url_for("auth.sign_in", next=request.full_path.rstrip("?")))
        abort(401)
    if request.method == "POST":
        sent, kept = request.form.get("csrf", ""), session.get("csrf", "")
        if not sent or not kept or not hmac.compare_digest(sent.encode(), kept.encode()):
            abort(400, "This form has expired or did not come from the front desk. "
                       "Go back, reload the page and try again.")
    return None


def _hostname(host: str) -> str:
    """'localhost:8000' -> 'localhost'; '[::1]:8000' -> '[::1]'."""
    if host.startswith("["):
        return host[: host.find("]") + 1]
    return host.rsplit(":", 1)[0]


def _safe_next(target: str | None) -> str:
    """Only a path on this site, so sign-in cannot send anyone elsewhere."""
    parts = urlsplit(target or "")
    if not target or parts.scheme or parts.netloc or not target.startswith("/") or target[1:2] in ("/", "\\"):
        return url_for("library.index")
    return target


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    token = current_app.config["DESK_TOKEN"]
    target = _safe_next(request.values.get("next"))
    if not token:
        return redirect(target)
    if request.method == "POST":
        given = request.form.get("token", "")
        if hmac.compare_digest(given.encode(), token.encode()):
            session.clear()
            session["signed_in"] = True
            session["csrf"] = secrets.token_urlsafe(32)
            return redirect(target)
        return render_template("sign-in.html", next=target,
                               error="That access code is not right. Check it and try again."), 403
    return render_template("sign-in.html", next=target, error=None)


@bp.route("/sign-out", methods=["POST"])
def sign_out():
    session.clear()
    return redirect(url_for("auth.sign_in"))
