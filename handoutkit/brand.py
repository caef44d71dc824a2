"""The clinic's brand (styles/brand.yml) and site settings (styles/site.yml), as one validated Site."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import brand_yml
import fontpkg
from pydantic import BaseModel, ConfigDict, Field

from .errors import BrandError
from .yamlfile import check_model, load_mapping

PAPER = {"letter": ("8.5in", "11in"), "a4": ("210mm", "297mm")}
# Cards are landscape: (width, height).
CARD = {"4x6": ("6in", "4in"), "5x7": ("7in", "5in"), "a6": ("148mm", "105mm")}
_FACES = [(400, "normal"), (700, "normal"), (400, "italic"), (700, "italic")]


class Settings(BaseModel):
    """styles/site.yml: choices that apply to every handout."""

    model_config = ConfigDict(extra="forbid")
    paper: Literal["letter", "a4"] = "letter"
    card_size: Literal["4x6", "5x7", "a6"] = "4x6"
    grade_target: int = Field(8, ge=1, le=18)  # the check warns above this reading grade
    grade_ideal: int = Field(6, ge=1, le=18)  # shown beside the grade: the AMA's 6th grade
    language: str = Field("en", pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
    review_months: int = Field(24, ge=1, le=120)
    # Installed (fontpkg) families used for characters the brand's fonts lack, e.g. names in other scripts.
    fallback_fonts: list[str] = ["Noto Sans", "Noto Sans Arabic"]


class Contact(BaseModel):
    """The contact line printed on every page; brand.yml has no place for it, so it lives in defaults."""

    model_config = ConfigDict(extra="forbid")
    phone: str
    website: str
    address: str = ""


@dataclass(frozen=True)
class FontFace:
    family: str
    weight: int
    style: str
    path: Path


@dataclass(frozen=True)
class Site:
    """Everything about the clinic that layouts and the renderer need."""

    root: Path
    name: str
    short_name: str
    logo: Path
    colors: dict[str, str]
    body_font: str  # CSS font-family lists
    heading_font: str
    personal_font: str  # for text typed at the desk: the body font, then the fallbacks
    heading_weight: int
    body_size: str
    line_height: float
    fonts: tuple[FontFace, ...]
    contact: Contact
    settings: Settings

    @property
    def page_size(self) -> tuple[str, str]:
        return PAPER[self.settings.paper]

    @property
    def card_size(self) -> tuple[str, str]:
        return CARD[self.settings.card_size]

    def next_review(self, reviewed: dt.date) -> dt.date:
        return add_months(reviewed, self.settings.review_months)

    def asset_dirs(self) -> tuple[Path, ...]:
        """Folders whose files a handout may load (images, logo, CSS); fonts are added by the renderer."""
        return tuple((self.root / d).resolve() for d in ("handouts", "styles", "layouts"))


DUE_DAYS = 60  # a review is "due" this many days before its date


def review_state(due: dt.date, today: dt.date) -> str:
    """"overdue" once the next-review date has passed, "due" within DUE_DAYS of it, else "current"."""
    left = (due - today).days
    return "overdue" if left < 0 else "due" if left <= DUE_DAYS else "current"


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day of the month, months later (the 31st becomes the month's last day)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def load_settings(root: Path) -> Settings:
    path = root / "styles" / "site.yml"
    if not path.exists():
        return Settings()
    data, lines = load_mapping(_read(path), path, 1, BrandError)
    return check_model(Settings, data, lines, path, 1, BrandError)


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise BrandError(f"cannot read: {exc}", path) from None


def _font_faces(family: str, path: Path) -> list[FontFace]:
    """Regular, bold, italic and bold italic of an installed fontpkg family."""
    try:
        fontpkg.family(family)
    except fontpkg.FontpkgError:
        raise BrandError(
            f"typography: font '{family}' is not installed; add its fontpkg package "
            f"(e.g. fontpkg-{fontpkg.slugify(family)}) to pyproject.toml",
            path,
        ) from None
    faces = []
    for weight, style in _FACES:
        try:
            file = fontpkg.path(family, weight, style, nearest=True)
        except fontpkg.FontpkgError:
            continue
        faces.append(FontFace(family, weight, style, Path(file).resolve()))
    return faces


def _stack(family: str, fallbacks: list[str]) -> str:
    """A CSS font-family list: the brand's family, then the fallbacks."""
    return ", ".join(f'"{f}"' for f in dict.fromkeys([family, *fallbacks]))


def load_site(root: Path) -> Site:
    """Read and check styles/brand.yml and styles/site.yml."""
    root = root.resolve()
    settings = load_settings(root)
    path = root / "styles" / "brand.yml"
    if not path.exists():
        raise BrandError("the brand file is missing (see README: Brand)", path)
    load_mapping(_read(path), path, 1, BrandError)  # broken YAML gets a line number
    try:
        brand = brand_yml.Brand.from_yaml(path)
    except Exception as exc:  # brand_yml raises pydantic and value errors of its own
        first = str(exc).strip().splitlines()
        raise BrandError(f"not a valid brand.yml: {' '.join(first[:3])}", path) from None

    def need(value, what: str):
        if not value:
            raise BrandError(f"{what} is missing", path)
        return value

    meta = need(brand.meta, "meta")
    name = need(meta.name and meta.name.full, "meta.name.full")
    colors = need(brand.color, "color").model_dump(exclude_none=True)
    palette = colors.pop("palette", {}) or {}
    colors = {k: v for k, v in colors.items() if isinstance(v, str)}
    for key in ("foreground", "background", "primary"):
        need(colors.get(key), f"color.{key}")
    typo = need(brand.typography, "typography")
    base, headings = need(typo.base, "typography.base"), need(typo.headings, "typography.headings")
    logo = brand.logo
    resource = getattr(logo, "medium", None) or getattr(logo, "small", None) or getattr(logo, "large", None)
    logo_path = need(resource and getattr(resource, "path", None), "logo.medium")
    logo_file = (path.parent / str(logo_path.root)).resolve()
    if not logo_file.is_file():
        raise BrandError(f"logo file not found: {logo_path.root}", path)
    contact_data = (brand.defaults or {}).get("handouts")
    if not isinstance(contact_data, dict):
        raise BrandError("defaults.handouts (phone, website, address) is missing", path)
    contact = check_model(Contact, contact_data, {}, path, 1, BrandError)
    families = [need(base.family, "typography.base.family"), headings.family or base.family,
                *settings.fallback_fonts]
    families = list(dict.fromkeys(families))
    fonts = tuple(f for fam in families for f in _font_faces(fam, path))
    heading_weight = headings.weight if isinstance(headings.weight, int) else 700
    return Site(
        root=root,
        name=name,
        short_name=meta.name.short or name,
        logo=logo_file,
        colors={**palette, **colors},
        body_font=_stack(base.family, []),
        heading_font=_stack(headings.family or base.family, []),
        personal_font=_stack(base.family, settings.fallback_fonts),
        heading_weight=heading_weight,
        body_size=str(base.size or "12.5pt"),
        line_height=float(base.line_height or 1.45),
        fonts=fonts,
        contact=contact,
        settings=settings,
    )
