"""The golden HTML of the seed handout. Regenerate after a deliberate change: `make golden`."""

from __future__ import annotations

from tests.conftest import REPO, SEED

GOLDEN = REPO / "tests" / "golden" / "ketamine-depression.html"


def seed_html() -> str:
    """The seed handout's filled layout, with the checkout's location replaced by a placeholder."""
    from handoutkit.brand import load_site
    from handoutkit.content import load_handout
    from handoutkit.layouts import Layouts

    site = load_site(REPO)
    handout = load_handout(SEED, site.asset_dirs(), site.settings.language)
    return Layouts(site).handout(handout).html.replace(site.root.as_uri(), "file://PROJECT")


if __name__ == "__main__":
    GOLDEN.parent.mkdir(exist_ok=True)
    GOLDEN.write_text(seed_html(), encoding="utf-8")
    print(f"wrote {GOLDEN.relative_to(REPO)}")
