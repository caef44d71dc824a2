"""The seed handout's HTML is pinned; `make golden` regenerates it after a deliberate change."""

from tests.golden import GOLDEN, seed_html


def test_seed_html_matches_the_golden_file():
    assert seed_html() == GOLDEN.read_text(encoding="utf-8"), "layout output changed: review, then `make golden`"
