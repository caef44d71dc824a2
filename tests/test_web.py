"""The front desk through Flask's test client: every route, the error pages, tokens, CSRF and privacy."""

from __future__ import annotations

import io
import logging
import re
import shutil
import time
from pathlib import Path

import pytest
from pypdf import PdfReader

from handoutkit.desk import Desk
from handoutkit.web import create_app
from handoutkit.web.serve import run as serve_run
from tests.conftest import GOOD, REPO

SAMPLES = ["first-visit", "ketamine-depression", "questions-to-ask", "mood-log"]
TRIO = ["ketamine-depression", "questions-to-ask", "mood-log"]
NAME = "José Núñez"
TOKEN = "correct-horse-battery-staple"


def make_clinic(root: Path, handouts: dict[str, str] | None = None) -> Path:
    """A project folder with the repository's layouts and styles and the sample handouts (or the given ones)."""
    shutil.copytree(REPO / "layouts", root / "layouts")
    shutil.copytree(REPO / "styles", root / "styles")
    (root / "handouts").mkdir(parents=True)
    if handouts is None:
        handouts = {f"{s}.md": (REPO / "handouts" / f"{s}.md").read_text() for s in SAMPLES}
        handouts["packets.yml"] = (REPO / "handouts" / "packets.yml").read_text()
    for name, text in handouts.items():
        (root / "handouts" / name).write_text(text, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def clinic_desk(tmp_path_factory) -> Desk:
    """One Desk for the module's read-only tests (building the samples takes a few seconds)."""
    root = make_clinic(tmp_path_factory.mktemp("web") / "clinic")
    desk = Desk(root)
    desk.current()
    return desk


@pytest.fixture
def client(clinic_desk):
    return create_app(clinic_desk.root, desk=clinic_desk).test_client()


def csrf(client, path: str = "/make-packet") -> str:
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def packet_form(token: str, **fields) -> dict:
    form = {"csrf": token, "name": NAME, "date": "2026-11-27", "clinician": "Dr. Rivera",
            "note": "Bring the log next time.", "sides": "duplex", "title": "Your handouts"}
    form |= fields
    return form


# -- pages and files ----------------------------------------------------------------------------


def test_library_lists_every_handout_with_its_facts(client):
    response = client.get("/")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    for slug in SAMPLES:
        assert f'src="/handouts/{slug}.png"' in page
        assert f'href="/handouts/{slug}.pdf"' in page
    assert "Ketamine-Assisted Therapy for Depression" in page
    assert re.search(r"<dt>Pages</dt><dd>2</dd>", page)
    assert "Up to date (next Nov 2028)" in page
    assert 'href="/cards/ketamine-depression.pdf"' in page
    assert '<label for="q">' in page and 'class="skip" href="#main"' in page
    assert response.headers["Cache-Control"] == "no-store"
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]


def test_library_search_without_javascript_filters_on_the_server(client):
    page = client.get("/?q=Ketamine").get_data(as_text=True)
    assert "1 of 4 handouts match" in page
    hidden = re.findall(r'<li class="tile" data-search="[^"]*" hidden>', page)
    assert len(hidden) == 3
    # accents and case do not matter; words are searched in the text, not only titles
    assert "1 of 4 handouts match" in client.get("/?q=SLEPT").get_data(as_text=True)


def test_handout_pdf_inline_and_revalidated(client, clinic_desk):
    response = client.get("/handouts/mood-log.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == 'inline; filename="mood-log.pdf"'
    assert response.headers["Cache-Control"] == "no-cache"
    assert "Weekly Mood Log" in pdf_text(response.data)
    again = client.get("/handouts/mood-log.pdf", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


def test_thumbnail_is_a_png_of_the_first_page(client):
    response = client.get("/handouts/ketamine-depression.png")
    assert response.status_code == 200
    assert response.mimetype == "image/png"
    assert response.data.startswith(b"\x89PNG\r\n\x1a\n")
    assert client.get("/handouts/ketamine-depression.png").data == response.data


def test_cards_one_and_the_sheet(client):
    card = client.get("/cards/first-visit.pdf")
    assert card.status_code == 200 and card.mimetype == "application/pdf"
    sheet = client.get("/cards.pdf")
    assert sheet.status_code == 200
    assert "Cut along the marks." in pdf_text(sheet.data)
    missing = client.get("/cards/mood-log.pdf")
    assert missing.status_code == 404
    assert "has no summary card" in missing.get_data(as_text=True)


def test_assets(client):
    assert client.get("/web.css").mimetype == "text/css"
    assert client.get("/desk.js").mimetype == "text/javascript"
    brand = client.get("/brand.css").get_data(as_text=True)
    assert "--brand-primary: #0F5C63;" in brand and 'src: url("fonts/0.ttf")' in brand
    assert client.get("/fonts/0.ttf").mimetype == "font/ttf"
    assert client.get("/fonts/99.ttf").status_code == 404
    logo = client.get("/logo.svg")
    assert logo.status_code == 200 and "default-src 'none'" in logo.headers["Content-Security-Policy"]


@pytest.mark.parametrize("path", ["/nope", "/handouts/nope.pdf", "/handouts/nope.png", "/cards/nope.pdf",
                                  "/packets/nope"])
def test_unknown_things_are_a_404_page(client, path):
    response = client.get(path)
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "<h1>Not found</h1>" in page
    assert "Traceback" not in page


def test_unknown_handout_suggests_a_close_name(client):
    page = client.get("/handouts/mood-logs.pdf").get_data(as_text=True)
    assert "Unknown handout &#39;mood-logs&#39;." in page


def test_packets_page_lists_packets_contents_and_cards(client):
    page = client.get("/packets").get_data(as_text=True)
    assert "Welcome to Example Wellness Clinic" in page
    assert "<li>Weekly Mood Log</li>" in page
    assert 'href="/packets/new-patient"' in page and 'href="/make-packet"' in page
    assert 'href="/cards.pdf"' in page


def test_packet_form_defaults_date_to_today_and_carries_csrf(client, clinic_desk):
    response = client.get("/packets/new-patient")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'name="date" type="date" value="{clinic_desk.today().isoformat()}"' in page
    assert re.search(r'name="csrf" value="[^"]{20,}"', page)
    assert '<form method="post"' in page
    for field in ("name", "date", "clinician", "note"):
        assert f'<label for="{field}">' in page
    assert 'id="duplex" name="sides" type="radio" value="duplex" checked' in page


# -- printing packets ---------------------------------------------------------------------------------


def test_defined_packet_prints_personalised_pdf_inline_and_not_stored(client):
    token = csrf(client, "/packets/new-patient")
    response = client.post("/packets/new-patient", data=packet_form(token))
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Disposition"] == 'inline; filename="packet.pdf"'
    text = pdf_text(response.data)
    assert NAME in text and "27 Nov 2026" in text and "Bring the log next time." in text
    assert len(PdfReader(io.BytesIO(response.data)).pages) == 12


def test_made_packet_follows_ticks_order_and_sides(client):
    token = csrf(client)
    form = packet_form(token, sides="simplex", title="For your first week")
    form |= {"handout": ["mood-log", "ketamine-depression"], "position-mood-log": "1",
             "position-ketamine-depression": "2", "position-first-visit": "3", "position-questions-to-ask": "4"}
    response = client.post("/make-packet", data=form)
    assert response.status_code == 200, response.get_data(as_text=True)
    reader = PdfReader(io.BytesIO(response.data))
    assert [item.title for item in reader.outline] == ["Weekly Mood Log", "Ketamine-Assisted Therapy for Depression"]
    assert len(reader.pages) == 1 + 1 + 2  # simplex: no blank backs
    assert "For your first week" in reader.pages[0].extract_text()


def test_made_packet_needs_a_handout(client):
    response = client.post("/make-packet", data=packet_form(csrf(client)))
    assert response.status_code == 400
    assert "Tick at least one handout for the packet" in response.get_data(as_text=True)


def test_too_long_name_shows_the_form_again_with_the_message(client):
    long = "A" * 150
    response = client.post("/packets/new-patient", data=packet_form(csrf(client), name=long))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "The patient&#39;s name is 150 characters long; at most 100 fit." in page
    assert 'role="alert"' in page and 'id="name"' in page and 'aria-invalid="true"' in page
    assert response.headers["Cache-Control"] == "no-store"
    assert response.mimetype == "text/html"


@pytest.mark.parametrize(("fields", "message"), [
    ({"name": "Ana\x07Bell"}, "contains a control character (U+0007)"),
    ({"note": "x" * 401}, "The note is 401 characters long; at most 400 fit"),
    ({"name": "王小明"}, "has characters no installed font can print"),
    ({"date": "27/11/2026"}, "The date must look like 2026-11-27"),
])
def test_other_bad_details_are_refused_without_repeating_them(client, fields, message):
    response = client.post("/packets/new-patient", data=packet_form(csrf(client), **fields))
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


@pytest.mark.parametrize("token", [None, "wrong"], ids=["missing", "wrong"])
def test_post_without_the_right_csrf_token_is_rejected(client, token):
    csrf(client)  # the session has a token; the form does not carry it
    form = packet_form(token or "")
    if token is None:
        del form["csrf"]
    response = client.post("/packets/new-patient", data=form)
    assert response.status_code == 400
    assert response.mimetype == "text/html"
    assert "did not come from the front desk" in response.get_data(as_text=True)


def test_post_from_a_fresh_browser_without_a_session_is_rejected(clinic_desk):
    fresh = create_app(clinic_desk.root, desk=clinic_desk).test_client()
    assert fresh.post("/packets/new-patient", data=packet_form("guess")).status_code == 400


@pytest.mark.parametrize("method", ["get", "post"])
def test_personal_fields_in_the_address_are_refused(client, method):
    token = csrf(client)
    call = getattr(client, method)
    response = call(f"/packets/new-patient?name={NAME}", data={"csrf": token} if method == "post" else None)
    assert response.status_code == 400
    assert "never sent in a page address" in response.get_data(as_text=True)
    assert NAME not in response.get_data(as_text=True)


def test_get_cannot_print(client):
    response = client.get("/packets/new-patient", query_string={"sides": "simplex"})
    assert response.mimetype == "text/html"


def test_overdue_handout_is_refused_unless_ticked(tmp_path):
    texts = {f"{s}.md": (REPO / "handouts" / f"{s}.md").read_text() for s in ["mood-log"]}
    texts["mood-log.md"] = texts["mood-log.md"].replace("reviewed: 2026-11-26", "reviewed: 2020-01-15")
    root = make_clinic(tmp_path / "clinic", texts)
    client = create_app(root).test_client()
    page = client.get("/").get_data(as_text=True)
    assert "Overdue since Jan 2022" in page
    form = packet_form(csrf(client), handout=["mood-log"])
    refused = client.post("/make-packet", data=form)
    assert refused.status_code == 400
    assert "&#39;Weekly Mood Log&#39; was due for review on 2022-01-15" in refused.get_data(as_text=True)
    allowed = client.post("/make-packet", data=form | {"allow_overdue": "yes"})
    assert allowed.status_code == 200
    assert "Review overdue" in pdf_text(allowed.data)


# -- failures are pages -----------------------------------------------------------------------------


def test_failing_handout_page_names_the_file_and_why(tmp_path):
    root = make_clinic(tmp_path / "clinic", {
        "good.md": GOOD,
        "broken.md": "---\ntitle: Broken\nreviewed: someday\n---\nText.\n",
        "outside.md": GOOD.replace("Drink water", "![x](file:///etc/passwd) Drink water"),
    })
    client = create_app(root).test_client()
    library = client.get("/").get_data(as_text=True)
    assert library.count("Could not be built.") == 2
    response = client.get("/handouts/broken.pdf")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "handouts/broken.md needs fixing" in page
    assert "handouts/broken.md:3: reviewed: expected a date like 2026-11-26, got &#39;someday&#39;" in page
    assert "Traceback" not in page
    outside = client.get("/handouts/outside.pdf").get_data(as_text=True)
    assert "handouts/outside.md" in outside and "file:///etc/passwd" in outside
    form = packet_form(csrf(client), handout=["good", "broken"])
    packet = client.post("/make-packet", data=form)
    assert packet.status_code == 500
    assert "The handout &#39;broken&#39; could not be built" in packet.get_data(as_text=True)


def test_unexpected_errors_are_a_page_and_a_log_line_without_details(client, clinic_desk, monkeypatch, caplog):
    def explode():
        raise RuntimeError(f"while printing for {NAME}")  # tracebacks show code lines, never values

    monkeypatch.setattr(clinic_desk, "library", explode)
    with caplog.at_level(logging.INFO, logger="handoutkit.web"):
        response = client.get("/")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Something went wrong" in page and NAME not in page and "Traceback" not in page
    assert "error on GET /: RuntimeError" in caplog.text
    assert NAME not in caplog.text


# -- fresh content ------------------------------------------------------------------------------------


def test_an_edited_handout_shows_on_the_next_request_and_only_it_is_rebuilt(tmp_path):
    root = make_clinic(tmp_path / "clinic", {"water.md": GOOD, "other.md": GOOD.replace("Hydrated", "Rested")})
    client = create_app(root).test_client()
    assert "Staying Hydrated" in client.get("/").get_data(as_text=True)
    other = root / "dist" / "handouts" / "other.pdf"
    before = other.stat().st_mtime_ns
    path = root / "handouts" / "water.md"
    time.sleep(0.01)
    path.write_text(GOOD.replace("Staying Hydrated", "Drinking Enough Water"), encoding="utf-8")
    assert "Drinking Enough Water" in client.get("/").get_data(as_text=True)
    assert "Drinking Enough Water" in pdf_text(client.get("/handouts/water.pdf").data)
    assert other.stat().st_mtime_ns == before
    (root / "handouts" / "new.md").write_text(GOOD.replace("Staying Hydrated", "A New Handout"))
    assert "A New Handout" in client.get("/").get_data(as_text=True)
    (root / "handouts" / "new.md").unlink()
    assert "A New Handout" not in client.get("/").get_data(as_text=True)
    assert client.get("/handouts/new.pdf").status_code == 404


# -- access token and hosts ---------------------------------------------------------------------------


@pytest.fixture
def guarded(clinic_desk):
    return create_app(clinic_desk.root, token=TOKEN, desk=clinic_desk).test_client()


def test_token_required_for_every_page_but_sign_in_and_assets(guarded):
    response = guarded.get("/packets")
    assert response.status_code == 302
    assert response.headers["Location"] == "/sign-in?next=/packets"
    assert guarded.get("/handouts/mood-log.pdf").status_code == 302
    assert guarded.post("/packets/new-patient", data={"csrf": "x"}).status_code == 401
    assert guarded.get("/web.css").status_code == 200
    sign_in = guarded.get("/sign-in?next=/packets")
    assert sign_in.status_code == 200 and 'type="password"' in sign_in.get_data(as_text=True)


def test_sign_in_sets_an_httponly_strict_cookie(guarded):
    token = csrf(guarded, "/sign-in")
    wrong = guarded.post("/sign-in", data={"csrf": token, "token": "nope", "next": "/packets"})
    assert wrong.status_code == 403
    assert "That access code is not right" in wrong.get_data(as_text=True)
    assert guarded.get("/packets").status_code == 302
    right = guarded.post("/sign-in", data={"csrf": token, "token": TOKEN, "next": "/packets"})
    assert right.status_code == 302 and right.headers["Location"] == "/packets"
    cookie = right.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert guarded.get("/packets").status_code == 200
    printed = guarded.post("/packets/new-patient", data=packet_form(csrf(guarded, "/packets/new-patient")))
    assert printed.status_code == 200 and printed.mimetype == "application/pdf"
    out = guarded.post("/sign-out", data={"csrf": csrf(guarded, "/packets")})
    assert out.status_code == 302
    assert guarded.get("/packets").status_code == 302


def test_sign_in_needs_csrf_and_sends_nowhere_else(guarded):
    assert guarded.post("/sign-in", data={"token": TOKEN}).status_code == 400
    for elsewhere in ("https://evil.example/", "//evil.example/", "/\\evil.example/"):
        token = csrf(guarded, "/sign-in")  # signing in starts a new session, with a new token
        response = guarded.post("/sign-in", data={"csrf": token, "token": TOKEN, "next": elsewhere})
        assert response.headers["Location"] == "/"


def test_without_a_token_only_this_computer_is_served(client):
    assert client.get("/", headers={"Host": "evil.example"}).status_code == 403
    assert client.get("/", headers={"Host": "127.0.0.1:8000"}).status_code == 200
    assert client.get("/", headers={"Host": "[::1]:8000"}).status_code == 200
    assert client.get("/sign-in").status_code == 302


def test_with_a_token_other_host_names_work(guarded):
    assert guarded.get("/sign-in", headers={"Host": "desk.clinic.lan:8000"}).status_code == 200


# -- logging ------------------------------------------------------------------------------------------


def test_log_lines_hold_method_path_and_status_only(client, caplog):
    token = csrf(client, "/packets/new-patient")
    caplog.clear()
    with caplog.at_level(logging.DEBUG):
        client.get("/?q=mood")
        client.post("/packets/new-patient", data=packet_form(token))
        client.post("/packets/new-patient", data=packet_form(token, name=NAME + "x" * 200))
    lines = [r.getMessage() for r in caplog.records if r.name == "handoutkit.web"]
    assert lines == ["GET / 200", "POST /packets/new-patient 200", "POST /packets/new-patient 400"]
    assert "Núñez" not in caplog.text and "mood" not in caplog.text


# -- the serve command --------------------------------------------------------------------------------


def test_serve_refuses_other_hosts_without_a_token(clinic_desk, monkeypatch, capsys):
    monkeypatch.delenv("HANDOUTS_TOKEN", raising=False)
    assert serve_run(clinic_desk.root, "0.0.0.0", 0, None) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: --host 0.0.0.0 would let other computers reach the front desk")
    monkeypatch.setenv("HANDOUTS_TOKEN", "short")
    assert serve_run(clinic_desk.root, "0.0.0.0", 0, None) == 2
    assert "use at least 16" in capsys.readouterr().err


def test_serve_command_line(cli, project):
    with pytest.raises(SystemExit) as caught:
        cli(project(), "serve", "--port", "eighty")
    assert caught.value.code == 2


def test_reading_grade_column_shows_when_the_check_gives_one(tmp_path, monkeypatch):
    import handoutkit.desk
    import handoutkit.web.library

    monkeypatch.setattr(handoutkit.desk, "reading_grade", lambda handout, library: 6.24)
    monkeypatch.setattr(handoutkit.web.library, "grades_available", lambda: True)
    root = make_clinic(tmp_path / "clinic", {"water.md": GOOD})
    page = create_app(root).test_client().get("/").get_data(as_text=True)
    assert "<dt>Reading grade</dt><dd>6.2</dd>" in page


def test_reading_grade_column_only_where_the_check_is_installed(client):
    from handoutkit.desk import grades_available

    assert ("Reading grade" in client.get("/").get_data(as_text=True)) == grades_available()
