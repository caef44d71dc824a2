"""A synthetic library: N handouts with the seed handout's structure and length, varied, plus a project."""

from __future__ import annotations

import random
import re
import shutil
from pathlib import Path

SEED = "handouts/ketamine-depression.md"


def _seed_parts(text: str) -> tuple[list[str], list[str], list[str]]:
    """The seed's summary points, section titles and sentences, to recombine."""
    front, body = text.split("\n---\n", 1)
    points = [line.strip()[2:] for line in front.splitlines() if line.strip().startswith("- ")]
    titles = re.findall(r"^## (.+)$", body, re.M)
    prose = re.sub(r"^## .+$", "", body, flags=re.M)
    sentences = [s.strip() for s in re.split(r"(?<=[.!?])\s+", prose) if len(s.strip()) > 20]
    return points, titles, sentences


def handout(i: int, seed_text: str) -> str:
    """Handout number i: the seed's shape (front matter, intro, five-ish sections), text shuffled."""
    rng = random.Random(i)
    points, titles, sentences = _seed_parts(seed_text)

    def paragraph(n: int) -> str:
        return " ".join(rng.choice(sentences) for _ in range(n))

    sections = []
    for k in range(rng.randint(4, 6)):
        title = f"{rng.choice(titles)} {k + 1}"
        parts = [paragraph(rng.randint(1, 4))]
        if rng.random() < 0.3:
            parts.append("\n".join(f"- {rng.choice(points)}" for _ in range(rng.randint(2, 4))))
        if rng.random() < 0.2:
            parts.append("| Question | Answer |\n| --- | --- |\n" + "\n".join(
                f"| {rng.choice(titles)}? | {rng.choice(points)} |" for _ in range(3)))
        sections.append(f"## {title}\n\n" + "\n\n".join(parts))
    summary = "\n".join(f"  - {p}" for p in rng.sample(points, rng.randint(3, len(points))))
    return (
        "---\n"
        f'title: "Synthetic Handout {i}: {rng.choice(titles)}"\n'
        "subtitle: What the Research Shows\n"
        f'version: "1.{i % 10}"\n'
        f"reviewed: 2026-{1 + i % 12:02d}-{1 + i % 27:02d}\n"
        f"url: https://example-wellness.org/handouts/synthetic-{i}\n"
        f"summary:\n{summary}\n"
        "---\n\n"
        f"{paragraph(rng.randint(2, 4))}\n\n" + "\n\n".join(sections) + f"\n\n{paragraph(2)}\n"
    )


def make_project(repo: Path, folder: Path, count: int) -> list[str]:
    """Copy layouts/ and styles/ from repo into folder and write count handouts; return their slugs."""
    for name in ("layouts", "styles"):
        shutil.copytree(repo / name, folder / name, dirs_exist_ok=True)
    (folder / "handouts").mkdir(parents=True, exist_ok=True)
    seed_text = (repo / SEED).read_text(encoding="utf-8")
    slugs = []
    for i in range(1, count + 1):
        slug = f"synthetic-{i:03d}"
        (folder / "handouts" / f"{slug}.md").write_text(handout(i, seed_text), encoding="utf-8")
        slugs.append(slug)
    return slugs
