"""Packets: the defined packets, a packet made by ticking handouts, personalised and printed as a PDF.

What is typed for a patient arrives only in a POST body, goes into the PDF returned and nowhere else:
it is not logged, cached or written, and the PDF is sent with Cache-Control: no-store.
"""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, Response, render_template, request

from ..errors import PacketError
from ..packets import LIMITS, Personal, check_personal
from . import desk

bp = Blueprint("packets", __name__)
# Which field an error message is about, by how the message starts.
FIELD_OF = {"the patient's name": "name", "the clinician's name": "clinician", "the note": "note",
            "the date": "date", "tick at least one": "handouts", "the packet's title": "title"}


@bp.route("/packets")
def index():
    packets = desk().packets()
    handouts = desk().current().library.handouts
    cards = desk().current().cards
    titles = {slug: h.title for slug, h in handouts.items()}
    return render_template("packets.html", packets=packets.packets, broken=packets.errors, titles=titles,
                           cards=sorted(cards, key=lambda s: titles.get(s, s)))


def _form(today: dt.date, sides: str) -> dict:
    """What the form shows: on GET the defaults, after a refusal what was typed (the page the user is on)."""
    if request.method == "GET":
        return {"name": "", "date": today.isoformat(), "clinician": "", "note": "", "sides": sides,
                "allow_overdue": False}
    form = request.form
    return {"name": form.get("name", ""), "date": form.get("date", ""), "clinician": form.get("clinician", ""),
            "note": form.get("note", ""), "sides": form.get("sides", sides),
            "allow_overdue": form.get("allow_overdue") == "yes"}


def _personal(values: dict) -> Personal:
    """Check what was typed (packets.check_personal); messages never repeat it."""
    date = None
    if values["date"].strip():
        try:
            date = dt.date.fromisoformat(values["date"].strip())
        except ValueError:
            raise PacketError("the date must look like 2026-11-27 (year-month-day)") from None
    return check_personal(desk().current().library.site, values["name"], date, values["clinician"],
                          values["note"])


def _duplex(values: dict) -> bool:
    return values["sides"] != "simplex"


def _print(pdf: bytes) -> Response:
    """A personalised PDF, inline for the browser's viewer to print; never stored by the browser."""
    return Response(pdf, mimetype="application/pdf", headers={
        "Cache-Control": "no-store",
        "Content-Disposition": 'inline; filename="packet.pdf"',
    })


def _refused(template: str, error: PacketError, **context):
    message = error.message if error.message.endswith(".") else error.message + "."
    field = next((f for start, f in FIELD_OF.items() if message.startswith(start)), None)
    return render_template(template, error=message[:1].upper() + message[1:], error_field=field, **context), 400


@bp.route("/packets/<name>", methods=["GET", "POST"])
def prepare(name: str):
    """One defined packet: its contents, and the form to personalise and print it."""
    service = desk()
    packet = service.find_packet(name)
    snapshot = service.current()
    titles = [snapshot.library.handouts[s].title for s in packet.handouts if s in snapshot.library.handouts]
    values = _form(service.today(), packet.sides)
    context = {"name": name, "packet": packet, "titles": titles, "values": values, "limits": LIMITS}
    if request.method == "POST":
        try:
            pdf = service.packet(name, _personal(values), _duplex(values), values["allow_overdue"])
        except PacketError as exc:
            return _refused("packet.html", exc, **context)
        return _print(pdf)
    return render_template("packet.html", error=None, error_field=None, **context)


@bp.route("/make-packet", methods=["GET", "POST"])
def make():
    """A packet made at the desk: tick handouts, put them in order, personalise, print."""
    service = desk()
    everything = service.library()
    tiles = [t for t in everything if t.error is None]  # a handout that fails is shown on the library page
    values = _form(service.today(), "duplex")
    if request.method == "GET":
        chosen, order = [], {t.slug: n for n, t in enumerate(tiles, 1)}
        values |= {"title": "Your handouts", "cards": False}
    else:
        chosen = request.form.getlist("handout")  # the desk refuses unknown or failing ones by name
        order = {t.slug: _position(request.form.get(f"position-{t.slug}"), n) for n, t in enumerate(everything, 1)}
        values |= {"title": request.form.get("title", ""), "cards": request.form.get("cards") == "yes"}
    rows = sorted(tiles, key=lambda t: (order[t.slug], t.title))
    context = {"rows": rows, "chosen": set(chosen), "values": values, "limits": LIMITS}
    if request.method == "POST":
        slugs = sorted(dict.fromkeys(chosen), key=lambda s: order.get(s, 0))
        try:
            pdf = service.packet(slugs, _personal(values), _duplex(values), values["allow_overdue"],
                                 title=values["title"], cards=values["cards"])
        except PacketError as exc:
            return _refused("make.html", exc, **context)
        return _print(pdf)
    return render_template("make.html", error=None, error_field=None, **context)


def _position(text: str | None, default: int) -> int:
    try:
        return max(0, min(int(text or default), 999))
    except ValueError:
        return default
