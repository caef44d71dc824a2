"""Packets: named, ordered sets of handouts for the front desk (handouts/packets.yml), and who one is for."""

from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

from fontTools.ttLib import TTFont
from pydantic import BaseModel, ConfigDict, Field, field_validator

from .brand import Site
from .errors import PacketError
from .yamlfile import check_model, load_mapping

NAME = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
LIMITS = {"name": 100, "clinician": 100, "note": 400}


class Packet(BaseModel):
    """One entry of handouts/packets.yml."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    title: str = Field(min_length=1, max_length=120)
    description: str = Field("", max_length=400)
    handouts: list[str]
    cards: bool = False
    sides: Literal["duplex", "simplex"] = "duplex"

    @field_validator("handouts")
    @classmethod
    def _not_empty(cls, slugs: list[str]) -> list[str]:
        if not slugs:
            raise ValueError("a packet needs at least one handout")
        return slugs


@dataclass(frozen=True)
class Packets:
    """The valid packets by name, and the broken ones' errors by name (None: the whole file is broken)."""

    packets: dict[str, Packet]
    errors: dict[str | None, PacketError]

    def error_for(self, name: str) -> PacketError | None:
        return self.errors.get(name) or self.errors.get(None)


def load_packets(root: Path, known: set[str]) -> Packets:
    """Read handouts/packets.yml; every packet is checked against the handouts that exist."""
    path = root / "handouts" / "packets.yml"
    if not path.exists():
        return Packets({}, {})
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return Packets({}, {None: PacketError(f"cannot read: {exc}", path)})
    try:
        data, lines = load_mapping(text, path, 1, PacketError)
    except PacketError as exc:
        return Packets({}, {None: exc})
    packets, errors = {}, {}
    for name, entry in data.items():
        own = {key[1:]: line for key, line in lines.items() if key[0] == name}
        try:
            packets[str(name)] = _check(str(name), entry, own, lines.get((name,), 1), path, known)
        except PacketError as exc:
            errors[str(name)] = exc
    return Packets(packets, errors)


def _check(name: str, entry, lines: dict, line: int, path: Path, known: set[str]) -> Packet:
    if not re.match(NAME, name):
        raise PacketError(f"packet name '{name}': use lower-case letters, digits and hyphens", path, line)
    if not isinstance(entry, dict):
        raise PacketError(f"{name}: expected 'title:', 'handouts:' and other fields under it", path, line)
    try:
        packet = check_model(Packet, entry, lines, path, line, PacketError)
    except PacketError as exc:
        raise PacketError(f"{name}.{exc.message}", path, exc.line) from None
    seen = set()
    for i, slug in enumerate(packet.handouts):
        where = lines.get(("handouts", i), line)
        if slug not in known:
            close = difflib.get_close_matches(slug, sorted(known), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise PacketError(f"unknown handout '{slug}'{hint}", path, where)
        if slug in seen:
            raise PacketError(f"handout '{slug}' is listed twice in packet '{name}'", path, where)
        seen.add(slug)
    return packet


def overdue_since(site: Site, reviewed: dt.date | None, today: dt.date) -> dt.date | None:
    """The next-review date a handout has passed, or None while it is current (or never reviewed)."""
    due = site.next_review(reviewed) if reviewed else None
    return due if due and due < today else None


def suggest(name: str, packets: dict[str, Packet]) -> str:
    close = difflib.get_close_matches(name, sorted(packets), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


@dataclass(frozen=True)
class Personal:
    """What the front desk typed for one patient. It goes into the PDF asked for and nowhere else."""

    name: str = ""
    date: dt.date | None = None
    clinician: str = ""
    note: str = ""

    def __bool__(self) -> bool:
        return bool(self.name or self.clinician or self.note or self.date)


def check_personal(site: Site, name: str = "", date: dt.date | None = None, clinician: str = "",
                   note: str = "") -> Personal:
    """Refuse over-long text, control characters and characters no installed font can print.

    Messages describe the problem without repeating what was typed.
    """
    fields = {"name": name.strip(), "clinician": clinician.strip(), "note": note.strip()}
    for field, value in fields.items():
        label = {"name": "the patient's name", "clinician": "the clinician's name", "note": "the note"}[field]
        if len(value) > LIMITS[field]:
            raise PacketError(f"{label} is {len(value)} characters long; at most {LIMITS[field]} fit")
        allowed = "\n" if field == "note" else ""
        for ch in value:
            if unicodedata.category(ch) in ("Cc", "Cs", "Co") and ch not in allowed:
                raise PacketError(f"{label} contains a control character (U+{ord(ch):04X}); type it again")
        missing = [ch for ch in value if not ch.isspace() and unicodedata.category(ch) != "Cf"
                   and not _printable(ch, site.fonts)]
        if missing:
            ch = missing[0]
            raise PacketError(
                f"{label} has characters no installed font can print (U+{ord(ch):04X} "
                f"{unicodedata.name(ch, 'unknown')}); add a fontpkg font for that script to "
                "fallback_fonts in styles/site.yml instead of printing empty boxes"
            )
    return Personal(fields["name"], date, fields["clinician"], fields["note"])


def _printable(ch: str, fonts) -> bool:
    return any(ord(ch) in _codepoints(str(face.path)) for face in fonts)


@cache
def _codepoints(path: str) -> frozenset[int]:
    """Every character a font file maps to a glyph."""
    with TTFont(path, lazy=True) as font:
        return frozenset(font.getBestCmap())
