"""The desk's own files: its stylesheet and script, the brand's colours and fonts, the clinic's logo."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, send_file

from . import desk

bp = Blueprint("assets", __name__)


def _root():
    return current_app.config["DESK_ROOT"]


@bp.route("/web.css")
def web_css():
    return send_file(_root() / "styles" / "web.css", mimetype="text/css", max_age=0)


@bp.route("/desk.js")
def desk_js():
    return send_file(_root() / "layouts" / "web" / "desk.js", mimetype="text/javascript", max_age=0)


@bp.route("/brand.css")
def brand_css():
    """The brand's colours as custom properties, and the brand's font files for the screen."""
    site = desk().current().library.site
    colors = "\n".join(f"  --brand-{name}: {value};" for name, value in site.colors.items())
    faces = "\n".join(
        f'@font-face {{ font-family: "{face.family}"; font-weight: {face.weight}; font-style: {face.style}; '
        f'src: url("fonts/{n}.ttf"); font-display: swap; }}'
        for n, face in enumerate(site.fonts) if face.family == _family(site))
    body = f'{faces}\n:root {{\n{colors}\n  --brand-font: "{_family(site)}";\n}}\n'
    return Response(body, mimetype="text/css", headers={"Cache-Control": "no-cache"})


def _family(site) -> str:
    return site.fonts[0].family if site.fonts else "sans-serif"


@bp.route("/fonts/<int:number>.ttf")
def font(number: int):
    fonts = desk().current().library.site.fonts
    if number >= len(fonts):
        abort(404)
    return send_file(fonts[number].path, mimetype="font/ttf", max_age=3600)


@bp.route("/logo.svg")
def logo():
    site = desk().current().library.site
    response = send_file(site.logo, max_age=0)
    # The logo is shown as an image; opened on its own, nothing in it may run.
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response
