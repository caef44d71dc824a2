"""Drawing one PDF page on another as a form XObject, under a name we choose (so output is reproducible)."""

from __future__ import annotations

import pikepdf


def draw(pdf: pikepdf.Pdf, page: pikepdf.Page, xobject: pikepdf.Object, name: str,
         rect: pikepdf.Rectangle | None = None) -> None:
    """Draw xobject (already in pdf) over page, fitted into rect (default: the whole page)."""
    key = pikepdf.Name("/" + name)
    page.add_resource(xobject, pikepdf.Name.XObject, key, replace_existing=True)
    box = rect or pikepdf.Rectangle(page.mediabox)
    placement = page.calc_form_xobject_placement(xobject, key, box, allow_shrink=True, allow_expand=True)
    # Wrap the page's own content so a transformation it leaves behind cannot move the overlay.
    page.contents_add(pikepdf.Stream(pdf, b"q\n"), prepend=True)
    page.contents_add(pikepdf.Stream(pdf, b"\nQ\nq\n" + placement + b"\nQ\n"))
