"""Jinja2 layouts: fill a handout, its summary card or the card sheet into HTML, with the brand's CSS."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import jinja2
import yaml

from .brand import Site
from .content import Handout
from .errors import LayoutError
from .qr import qr_data_uri


@dataclass(frozen=True)
class Filled:
    """A layout filled for one output: the HTML and the stylesheets (as text) it is rendered with."""

    html: str
    css: list[str]


def _css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


class Layouts:
    """The layouts folder, read through one loader; missing layouts name where they were looked for."""

    def __init__(self, site: Site):
        self.site = site
        self.folder = site.root / "layouts"
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(self.folder),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.filters["month"] = self.month

    @cached_property
    def labels(self) -> dict[str, dict[str, str]]:
        path = self.folder / "labels.yml"
        try:
            return yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            raise LayoutError(f"cannot read the layout labels: {exc}", path) from None

    def labels_for(self, language: str) -> dict:
        base = self.labels["en"]
        own = self.labels.get(language) or self.labels.get(language.split("-")[0]) or {}
        return {**base, **own}

    def month(self, day: dt.date, language: str = "en") -> str:
        """'Nov 2026' in the handout's language."""
        months = self.labels_for(language)["months"]
        return f"{months[day.month - 1]} {day.year}"

    @cached_property
    def brand_css(self) -> str:
        """Brand values as CSS custom properties, and @font-face rules for the embedded fonts."""
        s = self.site
        props = {f"--brand-{k}": v for k, v in s.colors.items()}
        props |= {
            "--brand-body-font": s.body_font,
            "--brand-heading-font": s.heading_font,
            "--brand-personal-font": s.personal_font,
            "--brand-heading-weight": str(s.heading_weight),
            "--brand-body-size": s.body_size,
            "--brand-line-height": str(s.line_height),
        }
        faces = "\n".join(
            f'@font-face {{ font-family: "{f.family}"; font-weight: {f.weight}; '
            f'font-style: {f.style}; src: url("{f.path.as_uri()}"); }}'
            for f in s.fonts
        )
        root = "\n".join(f"  {k}: {v};" for k, v in props.items())
        return f"{faces}\n:root {{\n{root}\n}}\n"

    def stylesheet(self, name: str) -> str:
        path = self.site.root / "styles" / name
        try:
            return path.read_text(encoding="utf-8")
        except OSError:
            raise LayoutError("stylesheet not found", path) from None

    def template(self, name: str, source: Path | None = None) -> jinja2.Template:
        try:
            return self.env.get_template(f"{name}.html")
        except jinja2.TemplateNotFound:
            raise LayoutError(f"unknown layout '{name}' (looked for {name}.html in {self.folder})",
                              source) from None
        except jinja2.TemplateSyntaxError as exc:
            raise LayoutError(f"layout error: {exc.message}", exc.filename, exc.lineno) from None

    def _fill(self, name: str, css: str, source: Path | None, page: tuple[str, str], **context) -> Filled:
        template = self.template(name, source)
        site = self.site
        page_css = f"@page {{ size: {page[0]} {page[1]}; }}"
        try:
            html = template.render(site=site, contact=site.contact, logo=site.logo.as_uri(), **context)
        except jinja2.UndefinedError as exc:
            raise LayoutError(f"layout '{name}': {exc.message}", self.folder / f"{name}.html") from None
        return Filled(html, [self.brand_css, page_css, self.stylesheet(css)])

    def _handout_context(self, handout: Handout) -> dict:
        meta = handout.meta
        language = handout.language
        return {
            "handout": handout,
            "meta": meta,
            "lang": language,
            "t": self.labels_for(language),
            "qr": qr_data_uri(meta.url, self.site.colors["foreground"]) if meta.url else None,
            "reviewed": self.month(meta.reviewed, language) if meta.reviewed else None,
            "next_review": (self.month(self.site.next_review(meta.reviewed), language)
                            if meta.reviewed else None),
            "footer_contact": " · ".join(
                x for x in (self.site.name, self.site.contact.phone, self.site.contact.website,
                            self.site.contact.address) if x
            ),
        }

    def handout(self, handout: Handout) -> Filled:
        """The handout's layout (front matter `layout:`, default 'handout')."""
        context = self._handout_context(handout)
        filled = self._fill(handout.meta.layout, "handout.css", handout.path, self.site.page_size, **context)
        t = context["t"]
        numbers = (f"@page {{ @bottom-right {{ content: {_css_string(t['page'])} \" \" counter(page) "
                   f"\" \" {_css_string(t['of'])} \" \" counter(pages); }} }}")
        return Filled(filled.html, [*filled.css, numbers])

    def card(self, handout: Handout) -> Filled:
        """The summary card of a handout that has a summary."""
        return self._fill("card", "card.css", handout.path, self.site.card_size,
                          **self._handout_context(handout))

    def packet_cover(self, packet, placed, personal, overdue) -> Filled:
        """The packet's cover, then the overlay pages: a blank back, the personal line, overdue marks."""
        language = self.site.settings.language
        t = self.labels_for(language)
        filled = self._fill("packet-cover", "cover.css", None, self.site.page_size, packet=packet, placed=placed,
                            personal=personal, overdue=overdue, lang=language, t=t,
                            day=self.day(personal.date, language) if personal.date else "",
                            month=lambda d: self.month(d, language))
        contact = self.site.contact
        line = " · ".join(x for x in (self.site.name, contact.phone, contact.website, contact.address) if x)
        # A string in the margin box, not a running element: WeasyPrint lays the cover out once.
        return Filled(filled.html, [*filled.css, f"@page {{ @bottom-center {{ content: {_css_string(line)}; }} }}"])

    def day(self, date: dt.date, language: str = "en") -> str:
        """'27 Nov 2026' in the site's language: unambiguous wherever it is read."""
        return f"{date.day} {self.month(date, language)}"

    def sheet_marks(self, slots: list[tuple[float, float, float, float]], sheet: tuple[float, float],
                    language: str, pages: int) -> Filled:
        """Pages with crop marks around each card slot (in points); cards are placed on them afterwards."""
        size = (f"{sheet[0]:.2f}pt", f"{sheet[1]:.2f}pt")
        return self._fill("card-sheet", "sheet.css", None, size, slots=slots, sheet=sheet, pages=pages,
                          lang=language, t=self.labels_for(language))
