"""The library page: every handout as a tile with its thumbnail; each handout's PDF, card and the card sheet."""

from __future__ import annotations

import hashlib

from flask import Blueprint, Response, render_template, request

from ..desk import grades_available, normalise
from . import desk

bp = Blueprint("library", __name__)


@bp.route("/")
def index():
    """The library; ?q= filters on the server too, for browsers without JavaScript."""
    query = request.args.get("q", "")[:200]
    tiles = desk().library()
    words = normalise(query).split()
    shown = [t for t in tiles if all(w in t.search for w in words)]
    return render_template("library.html", tiles=tiles, shown={t.slug for t in shown}, query=query,
                           grades=grades_available())


def revalidated(data: bytes, mimetype: str, headers: dict[str, str] | None = None) -> Response:
    """Unpersonalised bytes the browser may keep but must revalidate, so an edit shows at once."""
    response = Response(data, mimetype=mimetype, headers={"Cache-Control": "no-cache", **(headers or {})})
    response.set_etag(hashlib.sha256(data).hexdigest())
    return response.make_conditional(request)


def pdf_response(data: bytes, filename: str) -> Response:
    """An unpersonalised PDF, shown in the browser's viewer."""
    return revalidated(data, "application/pdf", {"Content-Disposition": f'inline; filename="{filename}"'})


@bp.route("/handouts/<slug>.pdf")
def handout(slug: str):
    return pdf_response(desk().handout_pdf(slug), f"{slug}.pdf")


@bp.route("/handouts/<slug>.png")
def thumbnail(slug: str):
    return revalidated(desk().thumbnail(slug), "image/png")


@bp.route("/cards/<slug>.pdf")
def card(slug: str):
    return pdf_response(desk().card_pdf(slug), f"{slug}-card.pdf")


@bp.route("/cards.pdf")
def cards_sheet():
    return pdf_response(desk().cards_sheet(), "cards-sheet.pdf")
