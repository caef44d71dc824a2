"""What a reader of the PDFs sees: the seed's text in order, metadata, fonts, sizes, bookmarks, tags."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

from handoutkit.cli import main
from tests.conftest import REPO, SEED, pdf_text

SEED_TEXT = REPO / "tests" / "fixtures" / "ketamine-depression.txt"  # the article as the clinic gave it
HEADINGS = ["Rapid Relief", "Treatment-Resistant Depression", "Neuroplasticity and “Resetting”",
            "Short-Term vs. Long-Term Outcomes", "Safety and Considerations"]
NAVIGATION = ["Previous", "Next", "Using Ketamine Therapy for Anxiety and Panic Disorders",
              "Is Ketamine Therapy Safe?"]
LETTER, A4 = (612, 792), (595.28, 841.89)


def build(root: Path, out: Path) -> None:
    assert main(["--project", str(root), "build", "--out", str(out)]) == 0


@pytest.fixture(scope="module")
def seed_project(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("seed")
    for folder in ("layouts", "styles", "handouts"):
        shutil.copytree(REPO / folder, root / folder)
    build(root, root / "dist")
    return root


@pytest.fixture(scope="module")
def seed_pdf(seed_project) -> PdfReader:
    return PdfReader(seed_project / "dist" / "handouts" / "ketamine-depression.pdf")


def words(text: str) -> str:
    """Text with hyphenation and line breaks folded, for comparing paragraphs."""
    return re.sub(r"\s+", " ", text.replace("-\n", "-")).strip()


def handout_paragraphs() -> list[str]:
    """The seed handout's body paragraphs and headings, in order, as Markdown gives them."""
    body = SEED.read_text(encoding="utf-8").split("\n---\n", 1)[1]
    return [p.strip().removeprefix("## ") for p in body.split("\n\n") if p.strip()]


def test_the_handout_keeps_the_clinics_article_without_its_navigation():
    seed = [p.strip() for p in SEED_TEXT.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    assert seed[0] == "Ketamine-Assisted Therapy for Depression: What the Research Shows"
    assert seed[13:] == ["Previous\nPrevious", NAVIGATION[2], "Next\nNext", NAVIGATION[3]]
    assert handout_paragraphs() == seed[1:13]
    front = SEED.read_text(encoding="utf-8").split("\n---\n", 1)[0]
    assert "title: Ketamine-Assisted Therapy for Depression\nsubtitle: What the Research Shows" in front


def test_seed_text_holds_every_heading_and_paragraph_in_order(seed_pdf):
    footer = ("Example Wellness Clinic · ", "Version 1.0 · ", "Page ")
    lines = [line for p in seed_pdf.pages for line in p.extract_text().splitlines()
             if not line.startswith(footer) and line.strip() != "•"]  # list markers come last
    text = words("\n".join(lines))
    position = 0
    for paragraph in handout_paragraphs():
        found = text.find(words(paragraph), position)
        assert found >= 0, f"missing or out of order: {paragraph[:60]}"
        position = found + 1
    for heading in HEADINGS:
        assert heading in text


def test_seed_has_title_subtitle_key_points_and_no_blog_navigation(seed_pdf):
    lines = [line.strip() for p in seed_pdf.pages for line in p.extract_text().splitlines()]
    text = words("\n".join(lines))
    assert "Ketamine-Assisted Therapy for Depression" in text
    assert "What the Research Shows" in text
    assert "Key points" in text
    for line in NAVIGATION:
        assert line not in lines
    assert "Anxiety and Panic" not in text and "Is Ketamine Therapy Safe?" not in text
    assert "Prepared for:" in text and "Date:" in text
    assert "Scan for the online version" in text


def test_every_page_has_the_footer(seed_pdf):
    pages = [words(p.extract_text()) for p in seed_pdf.pages]
    assert len(pages) == 2
    for number, text in enumerate(pages, 1):
        assert "(555) 010-4477 · example-wellness.org · 120 Harbor Street, Suite 4, Springfield" in text
        assert "Version 1.0 · Reviewed Nov 2026 · Next review Nov 2028" in text
        assert f"Page {number} of 2" in text


def test_metadata_language_and_bookmarks(seed_pdf):
    info = seed_pdf.metadata
    assert info.title == "Ketamine-Assisted Therapy for Depression"
    assert info.author == "Example Wellness Clinic"
    assert info.subject == "What the Research Shows"
    root = seed_pdf.trailer["/Root"]
    assert root["/Lang"] == "en"
    assert [item.title for item in seed_pdf.outline] == HEADINGS


def test_pdf_is_tagged(seed_pdf):
    root = seed_pdf.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root


def embedded_fonts(reader: PdfReader) -> set[str]:
    names = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            assert "/FontFile2" in descriptor or "/FontFile3" in descriptor, font["/BaseFont"]
            names.add(str(font["/BaseFont"]))
    return names


def test_fonts_are_the_brand_fonts_embedded_and_subset(seed_pdf):
    fonts = embedded_fonts(seed_pdf)
    assert fonts
    for name in fonts:
        assert re.fullmatch(r"/[A-Z]{6}\+Atkinson-Hyperlegible(-Bold)?", name), name


def test_page_size_is_letter(seed_pdf):
    for page in seed_pdf.pages:
        assert (float(page.mediabox.width), float(page.mediabox.height)) == LETTER


def test_card_is_4_by_6_inches_with_key_points_and_phone(seed_project):
    card = PdfReader(seed_project / "dist" / "cards" / "ketamine-depression.pdf")
    assert len(card.pages) == 1
    assert (float(card.pages[0].mediabox.width), float(card.pages[0].mediabox.height)) == (432, 288)
    text = words(card.pages[0].extract_text())
    assert "Ketamine-Assisted Therapy for Depression" in text
    assert "Questions? Call us at (555) 010-4477" in text
    assert "Ketamine can ease depression within hours or days, often after the first or second dose." in text
    assert card.trailer["/Root"]["/Lang"] == "en"
    assert all("Atkinson" in name for name in embedded_fonts(card))


def test_card_sheet_is_letter_with_the_cards_on_it(seed_project):
    sheet = PdfReader(seed_project / "dist" / "cards-sheet.pdf")
    assert len(sheet.pages) == 1
    page = sheet.pages[0]
    assert (float(page.mediabox.width), float(page.mediabox.height)) == LETTER
    text = words(page.extract_text())
    assert "Ketamine-Assisted Therapy for Depression" in text
    assert "Cut along the marks." in text


def test_rebuilds_are_byte_identical(seed_project, tmp_path):
    build(seed_project, tmp_path / "again")
    for name in ("handouts/ketamine-depression.pdf", "cards/ketamine-depression.pdf", "cards-sheet.pdf",
                 "manifest.json"):
        assert (tmp_path / "again" / name).read_bytes() == (seed_project / "dist" / name).read_bytes(), name


def test_a4_and_a6_settings(project, tmp_path):
    root = project({"k.md": SEED.read_text(encoding="utf-8")})
    (root / "styles" / "site.yml").write_text("paper: a4\ncard_size: a6\n")
    build(root, root / "dist")
    handout = PdfReader(root / "dist" / "handouts" / "k.pdf")
    width, height = handout.pages[0].mediabox.width, handout.pages[0].mediabox.height
    assert (round(float(width), 2), round(float(height), 2)) == A4
    card = PdfReader(root / "dist" / "cards" / "k.pdf").pages[0].mediabox
    assert (round(float(card.width), 1), round(float(card.height), 1)) == (419.5, 297.6)
    sheet = PdfReader(root / "dist" / "cards-sheet.pdf").pages[0].mediabox
    assert (round(float(sheet.width), 2), round(float(sheet.height), 2)) == A4


def test_spanish_handout_has_spanish_language_and_labels(project):
    text = ("---\ntitle: Dormir bien\nlanguage: es\nreviewed: 2026-11-26\nsummary:\n  - Acuéstese a la misma "
            "hora.\n---\nEl sueño importa.\n\n## Qué hacer\n\nApague las pantallas.\n")
    root = project({"dormir.md": text})
    build(root, root / "dist")
    reader = PdfReader(root / "dist" / "handouts" / "dormir.pdf")
    assert reader.trailer["/Root"]["/Lang"] == "es"
    content = words(pdf_text(root / "dist" / "handouts" / "dormir.pdf"))
    assert "Puntos clave" in content
    assert "Página 1 de 1" in content
    assert "Versión 1.0 · Revisado nov 2026 · Próxima revisión nov 2028" in content


def test_review_period_is_a_setting(project):
    root = project({"k.md": SEED.read_text(encoding="utf-8")})
    (root / "styles" / "site.yml").write_text("review_months: 36\n")
    build(root, root / "dist")
    assert "Next review Nov 2029" in words(pdf_text(root / "dist" / "handouts" / "k.pdf"))


def test_body_text_is_large_enough_and_lines_short_enough(seed_pdf):
    sizes = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            sizes.append(size * tm[0])

    seed_pdf.pages[1].extract_text(visitor_text=visit)
    body = max(set(sizes), key=sizes.count)  # the most common size is the body text
    assert body >= 12
    lines = [line for p in seed_pdf.pages for line in p.extract_text().splitlines()]
    paragraph_lines = [line for line in lines if len(line) > 40 and "·" not in line]
    assert max(len(line) for line in paragraph_lines) <= 80
    average = sum(map(len, paragraph_lines)) / len(paragraph_lines)
    assert 60 <= average <= 75
