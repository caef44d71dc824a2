"""The check: grades equal textstat's own numbers; sentences, jargon, voice, reviews, contrast, output."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import shutil
import textwrap
from pathlib import Path

import pytest
import textstat

from handoutkit import check, contrast, jargon, prose, voice
from handoutkit.builder import load_library
from handoutkit.cli import main
from handoutkit.errors import CheckError

REPO = Path(__file__).resolve().parents[1]
TODAY = dt.date(2026, 6, 1)

CLEAN = """\
You can call us any time. We are here to help you. Take your pills with food.
Drink lots of water each day. Rest when you feel tired. Ask us if you have any questions about your care.
"""


def front(title: str = "A test handout", **fields: str) -> str:
    lines = [f"title: {title}"] + [f"{k}: {v}" for k, v in fields.items()]
    return "---\n" + "\n".join(lines) + "\n---\n"


def make_project(tmp_path: Path, handouts: dict[str, str], word_list: str | None = None,
                 pages: dict[str, int] | None = None) -> Path:
    """A project with the repository's layouts and styles, the given handouts and (optionally) a manifest."""
    root = tmp_path / "clinic"
    shutil.copytree(REPO / "layouts", root / "layouts")
    shutil.copytree(REPO / "styles", root / "styles")
    (root / "handouts").mkdir()
    for slug, text in handouts.items():
        (root / "handouts" / f"{slug}.md").write_text(text, encoding="utf-8")
    if word_list is not None:
        (root / "styles" / "jargon.yml").write_text(word_list, encoding="utf-8")
    if pages is not None:  # written after the handouts, so it counts as fresh
        entries = [{"slug": slug, "pages": n} for slug, n in pages.items()]
        (root / "dist").mkdir()
        (root / "dist" / "manifest.json").write_text(json.dumps({"handouts": entries}), encoding="utf-8")
    return root


def checked(root: Path, slug: str, today: dt.date = TODAY, pages=(1, "manifest")) -> check.HandoutCheck:
    library = load_library(root)
    return check.check_handout(library.handouts[slug], library.site, jargon.load_words(root), today, pages)


def codes(result: check.HandoutCheck, severity: str | None = None) -> list[str]:
    return [f.code for f in result.findings if severity is None or f.severity == severity]


# --- reading level ----------------------------------------------------------------------------------

GRADED = front(reviewed="2026-05-01") + """\
Ketamine is a medicine. It can ease depression within hours. Many people feel better after one or two doses.

## How it is given

A nurse gives the dose in the clinic. You rest in a quiet room for about an hour.
Someone should drive you home afterwards.

- Bring a list of your medicines
- Eat a light meal before you come
"""
GRADED_TEXT = (
    "Ketamine is a medicine. It can ease depression within hours. "
    "Many people feel better after one or two doses.\n"
    "A nurse gives the dose in the clinic. You rest in a quiet room for about an hour. "
    "Someone should drive you home afterwards.\n"
    "Bring a list of your medicines.\n"
    "Eat a light meal before you come."
)


def test_grades_equal_textstats_own_numbers_over_the_body_text_only(tmp_path):
    root = make_project(tmp_path, {"graded": GRADED})
    handout = load_library(root).handouts["graded"]
    body = prose.read_body(handout)
    assert prose.graded_text(body.prose) == GRADED_TEXT  # no front matter, no heading
    result = checked(root, "graded")
    level = result.readability
    assert level.grade == textstat.flesch_kincaid_grade(GRADED_TEXT)
    assert level.scores == {"Flesch-Kincaid": textstat.flesch_kincaid_grade(GRADED_TEXT),
                            "SMOG": textstat.smog_index(GRADED_TEXT)}
    assert level.formula == "Flesch-Kincaid"


def test_summary_points_are_scored_separately(tmp_path):
    points = ["Ketamine can ease depression within hours or days.",
              "Side effects are usually mild and short-lived, such as dizziness.",
              "It should only be given by trained professionals in a controlled setting."]
    text = front(reviewed="2026-05-01", summary="\n" + "\n".join(f"  - {p}" for p in points)) + CLEAN
    root = make_project(tmp_path, {"sum": text})
    result = checked(root, "sum")
    summary_text = "\n".join(points)
    assert result.summary_readability.grade == textstat.flesch_kincaid_grade(summary_text)
    assert result.readability.grade == textstat.flesch_kincaid_grade(
        prose.graded_text(prose.read_body(load_library(root).handouts["sum"]).prose))


def test_a_grade_above_the_target_warns_and_the_target_comes_from_site_settings(tmp_path):
    hard = front(reviewed="2026-05-01") + (
        "Most antidepressants take several weeks to have a noticeable effect on symptoms. "
        "Ketamine works differently from traditional medications. "
        "Research suggests that improvement can appear within hours of a session.\n")
    root = make_project(tmp_path, {"hard": hard})
    result = checked(root, "hard")
    assert 8 < result.readability.grade < 12
    grade = next(f for f in result.findings if f.code == "grade")
    assert grade.severity == "warning"
    assert "above the target of 8; the AMA's ideal is 6" in grade.message
    site_yml = root / "styles" / "site.yml"
    site_yml.write_text(site_yml.read_text().replace("grade_target: 8", "grade_target: 12"))
    assert "grade" not in codes(checked(root, "hard"), "warning")


def test_spanish_uses_spanish_formulas_and_says_which(tmp_path):
    body = ("El médico le explicará cada paso del tratamiento. Usted puede hacer preguntas en cualquier "
            "momento. Tome la medicina con agua. "
            "Descanse en casa después de la visita y llame si se siente mal.\n")
    root = make_project(tmp_path, {"es": front(language="es", reviewed="2026-05-01") + body})
    english = textstat.flesch_kincaid_grade(GRADED_TEXT)
    result = checked(root, "es")
    level = result.readability
    textstat.set_lang("es")
    try:
        expected = {"Fernández-Huerta": textstat.fernandez_huerta(body.strip()),
                    "Szigriszt-Pazos": textstat.szigriszt_pazos(body.strip())}
    finally:
        textstat.set_lang("en_US")
    assert level.scores == expected
    assert level.grade is None and level.ease == expected["Fernández-Huerta"]
    assert level.formula == "Fernández-Huerta"
    assert textstat.flesch_kincaid_grade(GRADED_TEXT) == english  # textstat's language was put back
    assert "jargon-skipped" in codes(result, "info")  # no Spanish word list: said, not silently skipped


def test_a_language_without_a_formula_gets_no_grade_and_says_so(tmp_path, capsys):
    body = "Le médecin vous expliquera chaque étape. Vous pouvez poser des questions à tout moment. " * 3
    root = make_project(tmp_path, {"fr": front(language="fr", reviewed=TODAY.isoformat()) + body},
                        pages={"fr": 1})
    result = checked(root, "fr")
    assert result.readability.grade is None and result.readability.ease is None
    assert result.readability.note == "no readability formula for language 'fr'; no grade is given"
    assert main(["--project", str(root), "check"]) == 0
    assert "no readability formula for language 'fr'" in capsys.readouterr().out


def test_a_handout_of_only_lists_and_tables_has_no_sentences(tmp_path):
    body = "- Water\n- Rest\n- Sleep\n\n| Day | Dose |\n| --- | --- |\n| 1 | 10 mg |\n"
    root = make_project(tmp_path, {"lists": front(reviewed="2026-05-01") + body})
    result = checked(root, "lists")
    assert result.readability.grade is None
    assert result.readability.note.startswith("no sentences (only lists, tables or headings)")


def test_a_one_word_handout_is_too_short_for_a_grade(tmp_path):
    root = make_project(tmp_path, {"one": front(reviewed="2026-05-01") + "Hello\n"})
    result = checked(root, "one")
    assert result.readability.grade is None
    assert result.readability.note.startswith("too little text for a reading grade (1 word;")


# --- sentences, jargon, voice --------------------------------------------------------------------

LONG = front(reviewed="2026-05-01") + """\
You will meet the team first.

## Side effects

Most people feel fine. Some people feel dizzy, sick, tired, restless, sleepy or confused for a short \
while after the dose, and these feelings usually pass within an hour or two of the end of the session.
"""


def test_long_sentences_are_listed_with_their_section_and_line(tmp_path):
    root = make_project(tmp_path, {"long": LONG})
    result = checked(root, "long")
    assert [(s.section, s.line, s.words) for s in result.long_sentences] == [("Side effects", 9, 33)]
    finding = next(f for f in result.findings if f.code == "long-sentence")
    assert finding.severity == "warning" and finding.section == "Side effects" and finding.line == 9
    assert finding.message.startswith('sentence of 33 words: "Some people feel dizzy')
    assert result.average_sentence == pytest.approx((6 + 4 + 33) / 3)


JARGON = front(reviewed="2026-05-01") + """\
You may ask about efficacy at your first visit.

## Effects

Some people feel dissociation (feeling detached from yourself) during the dose.
Ketamine may increase neuroplasticity—the brain's ability to form new connections.
Nausea can happen. Nausea passes.
"""


def test_jargon_is_flagged_with_a_plainer_word_unless_explained(tmp_path):
    root = make_project(tmp_path, {"j": JARGON})
    hits = {h.term: h for h in checked(root, "j").jargon}
    assert hits["efficacy"].plain == "how well it works" and not hits["efficacy"].explained
    assert (hits["efficacy"].section, hits["efficacy"].line) == ("Introduction", 5)
    assert hits["dissociation"].explained and hits["neuroplasticity"].explained
    assert hits["nausea"].count == 2 and not hits["nausea"].explained and hits["nausea"].line == 11
    result = checked(root, "j")
    warned = [f.message for f in result.findings if f.code == "jargon"]
    assert "'efficacy': plainer: how well it works" in warned
    assert "'nausea' (used 2 times): plainer: feeling sick to your stomach" in warned
    assert "jargon-explained" in codes(result, "info")


def test_a_clinics_word_list_adds_replaces_and_removes_terms(tmp_path):
    override = textwrap.dedent("""\
        # the clinic's own terms
        ketamine: a medicine used for depression and pain
        nausea: feeling queasy
        efficacy:
    """)
    root = make_project(tmp_path, {"j": JARGON}, word_list=override)
    hits = {h.term: h for h in checked(root, "j").jargon}
    assert hits["ketamine"].plain == "a medicine used for depression and pain"
    assert hits["nausea"].plain == "feeling queasy"
    assert "efficacy" not in hits


@pytest.mark.parametrize("text, line, message", [
    ("ketamine: a medicine\nnausea: sick: queasy\n", 2, "broken YAML"),
    ("ketamine: a medicine\n\nnausea:\n  - feeling sick\n", 3,
     "'nausea': expected the plainer words as text, got a list"),
])
def test_a_broken_word_list_names_the_file_and_line(tmp_path, capsys, text, line, message):
    root = make_project(tmp_path, {"j": JARGON}, word_list=text, pages={"j": 1})
    with pytest.raises(CheckError) as raised:
        jargon.load_words(root)
    assert (raised.value.path, raised.value.line) == (root / "styles" / "jargon.yml", line)
    assert raised.value.message.startswith(message)
    assert main(["--project", str(root), "check"]) == 1
    assert capsys.readouterr().err.startswith(f"error: styles/jargon.yml:{line}: {message}")


def test_the_shipped_word_list_has_a_few_hundred_terms():
    words = jargon.load_words(None)
    assert len(words) >= 300
    assert words["dissociation"] == "feeling detached from yourself or your surroundings"


@pytest.mark.parametrize("sentence, passive", [
    ("The dose is given by a nurse.", True),
    ("It should only be done with trained professionals.", True),
    ("Side effects are generally mild.", False),
    ("You take the dose in the clinic.", False),
    ("Most people are tired afterwards.", False),
])
def test_passive_voice_heuristic(sentence, passive):
    assert voice.is_passive(sentence, "en") is passive


def test_voice_reports_passive_share_and_whether_the_reader_is_you(tmp_path):
    text = front(reviewed="2026-05-01") + (
        "The dose is given by a nurse. The room is kept quiet. Most people rest for an hour. "
        "Staff check on people often. A friend drives people home.\n")
    root = make_project(tmp_path, {"v": text})
    result = checked(root, "v")
    assert len(result.voice.passive) == 2 and result.voice.passive_share == pytest.approx(0.4)
    assert result.voice.you_count == 0
    assert {"passive", "you"} <= set(codes(result, "warning"))
    assert "you" not in codes(checked(make_project(tmp_path / "b", {"c": front() + CLEAN}), "c"))


def test_pemat_items_and_their_share(tmp_path):
    text = front(reviewed="2026-05-01", summary="\n  - Call us if you feel unwell.") + """\
You can prepare for your visit at home.

## Before your visit

1. Eat a light meal.
2. Bring a list of your medicines.
3. Ask someone to drive you home.
"""
    root = make_project(tmp_path, {"p": text})
    items = {i.id: i.passed for i in checked(root, "p").pemat}
    assert items == {"informative-headers": True, "short-sections": True, "summary": True,
                     "visual-cues": True, "action": True, "action-steps": True}
    checklist = front() + "Before you come:\n\n- [ ] A photo ID\n- [ ] Your insurance card\n"
    items = {i.id: i for i in checked(make_project(tmp_path / "c", {"c": checklist}), "c").pemat}
    assert items["action-steps"].passed and items["action-steps"].detail == "a checklist of 2 items"
    bare = make_project(tmp_path / "b", {"b": front() + "Ketamine is a medicine. " * 40})
    items = {i.id: i.passed for i in checked(bare, "b").pemat}
    assert items["informative-headers"] is False and items["summary"] is False
    assert items["action"] is False and items["action-steps"] is None


# --- governance and print ------------------------------------------------------------------------

@pytest.mark.parametrize("today, state, days", [
    (dt.date(2025, 11, 15), "current", 61),
    (dt.date(2025, 11, 16), "due", 60),
    (dt.date(2026, 1, 15), "due", 0),
    (dt.date(2026, 1, 16), "overdue", -1),
])
def test_review_states_with_an_injected_today(tmp_path, today, state, days):
    root = make_project(tmp_path, {"r": front(reviewed="2024-01-15") + CLEAN})
    result = checked(root, "r", today=today)
    g = result.governance
    assert (g.next_review, g.state, g.days_left) == (dt.date(2026, 1, 15), state, days)
    severity = {"current": None, "due": "warning", "overdue": "error"}[state]
    assert [f.severity for f in result.findings if f.code == "review"] == ([severity] if severity else [])
    if state == "overdue":
        assert next(f for f in result.findings if f.code == "review").line == 3  # the 'reviewed:' line


def test_a_handout_without_a_review_date_sources_or_url_says_so(tmp_path):
    root = make_project(tmp_path, {"g": front() + CLEAN})
    result = checked(root, "g")
    assert result.governance.state == "not reviewed"
    assert "review" in codes(result, "warning")
    assert {"sources", "url"} <= set(codes(result, "info"))


def test_pages_over_the_budget_and_images_without_alt_text_are_errors(tmp_path):
    text = front(reviewed="2026-05-01", pages="1") + CLEAN + "\n![](chart.png)\n"
    root = make_project(tmp_path, {"p": text})
    (root / "handouts" / "chart.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    result = checked(root, "p", pages=(2, "manifest"))
    errors = [f for f in result.findings if f.severity == "error"]
    assert [f.code for f in errors] == ["pages", "alt-text"]
    assert errors[0].message.startswith("2 pages, over the budget of 1")
    assert errors[1].line == 9 and "chart.png" in errors[1].message


def test_pages_come_from_the_manifest_or_from_laying_the_handout_out(tmp_path):
    root = make_project(tmp_path, {"a": front() + CLEAN, "b": front() + CLEAN}, pages={"a": 3})
    library = load_library(root)
    handouts = list(library.handouts.values())
    counts, errors = check.page_counts(handouts, library.site, root / "dist" / "manifest.json")
    assert counts == {"a": (3, "manifest"), "b": (1, "render")} and errors == []
    counts, _ = check.page_counts(handouts, library.site, root / "dist" / "manifest.json", render=False)
    assert counts["b"] == (None, None)


@pytest.mark.parametrize("color, ratio, passes", [("#767676", 4.54, True), ("#777777", 4.48, False)])
def test_contrast_ratios_match_wcags_examples(color, ratio, passes):
    value = contrast.ratio(color, "#FFFFFF")
    assert round(value, 2) == ratio
    assert (value >= contrast.BODY_MINIMUM) is passes
    assert contrast.ratio("#000", "#fff") == pytest.approx(21.0)


def test_every_brand_pair_the_layouts_use_is_measured_and_a_failing_one_is_an_error(tmp_path):
    root = make_project(tmp_path, {"c": front() + CLEAN})
    site = load_library(root).site
    brand = check.check_brand(site)
    assert [p.name for p in brand.contrast] == [name for name, *_ in contrast.PAIRS]
    assert all(p.passes for p in brand.contrast) and brand.findings == []
    pale = check.check_brand(dataclasses.replace(site, colors={**site.colors, "secondary": "#777777"},
                                                 body_size="11pt"))
    assert [(f.code, f.severity) for f in pale.findings] == [("contrast", "error"), ("body-size", "warning")]
    assert "4.48:1, below the 4.5:1" in pale.findings[0].message


# --- command line and output ---------------------------------------------------------------------

def test_exit_codes_with_and_without_strict(tmp_path, capsys):
    reviewed = dt.date.today().isoformat()
    clean = make_project(tmp_path / "clean", {"c": front(reviewed=reviewed) + CLEAN}, pages={"c": 1})
    assert main(["--project", str(clean), "check"]) == 0
    assert main(["--project", str(clean), "check", "--strict"]) == 0
    jargon_text = front(reviewed=reviewed) + CLEAN + "\nAsk about efficacy.\n"
    warned = make_project(tmp_path / "warned", {"w": jargon_text}, pages={"w": 1})
    assert main(["--project", str(warned), "check"]) == 0
    assert main(["--project", str(warned), "check", "--strict"]) == 1
    overdue = make_project(tmp_path / "overdue", {"o": front(reviewed="2000-01-01") + CLEAN}, pages={"o": 1})
    assert main(["--project", str(overdue), "check"]) == 1
    assert main(["--project", str(overdue), "check", "nope"]) == 2
    assert "unknown handout 'nope'" in capsys.readouterr().err


def test_the_terminal_report_has_no_colour_when_not_a_terminal(tmp_path, capsys):
    root = make_project(tmp_path, {"j": JARGON}, pages={"j": 1})
    main(["--project", str(root), "check"])
    out = capsys.readouterr().out
    assert "\x1b[" not in out
    assert "handouts/j.md:5  Introduction: 'efficacy': plainer: how well it works" in out
    assert "checked 1 handout: 0 errors," in out


HANDOUT_KEYS = {"slug", "title", "file", "language", "pdf", "verdict", "counts", "readability",
                "summary_readability", "sentences", "jargon", "voice", "pemat", "governance", "print",
                "findings"}


def test_the_json_schema(tmp_path, capsys):
    root = make_project(tmp_path, {"j": JARGON, "broken": "no front matter\n"}, pages={"j": 1})
    assert main(["--project", str(root), "check", "--json"]) == 1  # the broken handout is an error
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"schema", "today", "strict", "exit_code", "counts", "targets", "brand",
                         "load_errors", "handouts"}
    assert data["schema"] == "handoutkit-check/1" and data["exit_code"] == 1
    assert set(data["counts"]) == {"error", "warning", "info"}
    assert set(data["targets"]) == {"grade", "grade_ideal", "sentence_words", "average_sentence_words",
                                    "passive_share", "review_months", "review_due_days", "body_size_pt"}
    assert set(data["brand"]) == {"file", "body_size", "body_size_pt", "contrast", "findings"}
    assert set(data["brand"]["contrast"][0]) == {"name", "text", "background", "text_color",
                                                 "background_color", "ratio", "minimum", "large", "passes",
                                                 "css"}
    assert data["load_errors"] == [{"file": "handouts/broken.md", "line": 1, "message": data["load_errors"][0]
                                    ["message"]}]
    (h,) = data["handouts"]
    assert set(h) == HANDOUT_KEYS
    assert set(h["readability"]) == {"language", "formula", "grade", "ease", "scores", "words", "sentences",
                                     "note"}
    assert set(h["sentences"]) == {"count", "average_words", "long"}
    assert set(h["jargon"][0]) == {"term", "plain", "section", "line", "count", "explained"}
    assert set(h["voice"]) == {"judged", "sentences", "passive", "passive_share", "you"}
    assert set(h["pemat"]) == {"items", "passed", "applicable", "score"}
    assert set(h["pemat"]["items"][0]) == {"id", "name", "passed", "detail"}
    assert set(h["governance"]) == {"version", "reviewed", "next_review", "state", "days_left", "sources",
                                    "url"}
    assert set(h["print"]) == {"pages", "page_budget", "pages_from", "images_without_alt"}
    assert set(h["findings"][0]) == {"code", "severity", "message", "file", "section", "line"}
    assert h["jargon"][0]["term"] == "efficacy" and h["findings"][0]["file"] == "handouts/j.md"


def test_report_html_has_a_row_per_handout_with_its_grade_and_pdf_link(tmp_path):
    title = "Rest <b>&</b> recovery"
    root = make_project(tmp_path, {"graded": front(title=f'"{title}"', reviewed="2026-05-01")
                                   + GRADED.split("---\n", 2)[2]}, pages={"graded": 1})
    (root / "dist" / "handouts").mkdir()
    (root / "dist" / "handouts" / "graded.pdf").write_bytes(b"%PDF-1.7\n")
    main(["--project", str(root), "check"])
    html = (root / "dist" / "report.html").read_text(encoding="utf-8")
    grade = textstat.flesch_kincaid_grade(GRADED_TEXT)
    assert '<tr id="graded">' in html and f"grade {grade:.1f}" in html
    assert '<a href="handouts/graded.pdf">graded.pdf</a>' in html
    assert "Rest &lt;b&gt;&amp;&lt;/b&gt; recovery" in html and title not in html


def test_build_ends_with_a_verdict_per_handout_with_findings_and_keeps_its_exit_code(tmp_path, capsys):
    reviewed = dt.date.today().isoformat()
    hard = front(reviewed=reviewed) + CLEAN + "\nAsk about efficacy.\n"
    root = make_project(tmp_path, {"clean": front(reviewed=reviewed) + CLEAN, "hard": hard})
    assert main(["--project", str(root), "build"]) == 0
    out = capsys.readouterr().out
    assert "check: hard: 1 jargon term" in out
    assert "check: clean" not in out
    assert (root / "dist" / "report.html").is_file()
    (root / "styles" / "jargon.yml").write_text("efficacy: [how well\n", encoding="utf-8")
    assert main(["--project", str(root), "build", "hard"]) == 0
    assert capsys.readouterr().err.startswith("check: error: styles/jargon.yml:2: broken YAML")
