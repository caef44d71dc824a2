"""The front desk in a real browser (Debian's chromium, headless) against the real server (waitress).

Open the library, search, make a packet, type a patient's name, press Print, and read the PDF that comes
back; then show that the server's log and every file the server wrote hold no trace of the name.
"""

from __future__ import annotations

import io
import logging
import tempfile
import threading
from pathlib import Path

import pytest
from pypdf import PdfReader

from handoutkit.web import create_app
from handoutkit.web.serve import make_server, setup_logging, stop
from tests.test_web import make_clinic

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
NAME = "José Núñez"


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages) + str(reader.metadata)


def files(*folders: Path) -> dict[Path, tuple[int, int]]:
    return {p: (p.stat().st_mtime_ns, p.stat().st_size) for folder in folders for p in folder.rglob("*")
            if p.is_file()}


def holds(path: Path, value: str) -> bool:
    """Whether a file holds value as text in a common encoding, or (for a PDF) in its extracted text."""
    data = path.read_bytes()
    if any(value.encode(encoding) in data for encoding in ("utf-8", "utf-16-be", "utf-16-le", "latin-1")):
        return True
    if data.startswith(b"%PDF"):
        return value in pdf_text(data)
    return False


@pytest.fixture
def server(tmp_path, monkeypatch):
    """The real server on a free loopback port, with its own temporary folder and a captured log.

    The server runs in this process, so Python's temporary folder is the server's; the browser and its
    driver keep theirs in the system's.
    """
    root = make_clinic(tmp_path / "clinic")
    server_tmp = tmp_path / "server-tmp"
    server_tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(server_tmp))
    log = io.StringIO()
    setup_logging(log)
    app = create_app(root)
    app.extensions["desk"].warm()
    httpd = make_server(app, "127.0.0.1", 0)
    thread = threading.Thread(target=httpd.run, daemon=True)
    thread.start()
    yield {"url": f"http://127.0.0.1:{httpd.effective_port}", "root": root, "tmp": server_tmp, "log": log}
    stop(httpd)
    thread.join(timeout=5)
    for name in ("handoutkit.web", "waitress"):
        logging.getLogger(name).handlers.clear()
        logging.getLogger(name).propagate = True
        logging.getLogger(name).setLevel(logging.NOTSET)


def test_make_and_print_a_packet_in_a_browser(server):
    assert CHROMIUM.exists(), "the browser tests need Debian's chromium: apt-get install chromium"
    from playwright.sync_api import expect, sync_playwright

    before = files(server["root"], server["tmp"])
    base = server["url"]
    caught: dict = {}

    def keep(route):
        """Headless chromium has no PDF viewer (it would save a download): keep what the server sends."""
        if route.request.method != "POST":
            return route.continue_()
        caught["posted"] = route.request.post_data or ""
        response = route.fetch()
        caught.update(status=response.status, headers=response.headers, body=response.body())
        return route.fulfill(response=response)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page(accept_downloads=False)

        page.goto(base + "/")
        tiles = page.locator("#tiles > li:visible")
        expect(tiles).to_have_count(4)
        search = page.get_by_label("Search handouts by title or text")
        search.press_sequentially("mood")
        expect(tiles).to_have_count(1)
        expect(tiles.first).to_contain_text("Weekly Mood Log")
        expect(page.locator("#count")).to_have_text("1 of 4 handouts match")
        search.fill("")
        expect(tiles).to_have_count(4)

        page.get_by_role("link", name="Packets").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Packets")
        page.get_by_role("link", name="Make a packet").click()
        for title in ("Ketamine-Assisted Therapy", "Questions to Ask Your Care Team", "Weekly Mood Log"):
            page.get_by_role("checkbox", name=title).check()
        # with the keyboard only: move the mood log to the top
        page.get_by_role("button", name="Move up: Weekly Mood Log").focus()
        page.keyboard.press("Enter")
        page.keyboard.press("Enter")
        expect(page.locator("[data-order] > li").first).to_contain_text("Weekly Mood Log")
        page.get_by_label("Patient's full name").press_sequentially(NAME)
        page.get_by_label("Prepared by (clinician)").fill("Dr. Rivera")

        page.route("**/make-packet", keep)
        page.get_by_role("button", name="Print").click()
        for _ in range(200):
            if "body" in caught:
                break
            page.wait_for_timeout(50)
        browser.close()

    assert caught["status"] == 200
    assert caught["headers"]["content-type"] == "application/pdf"
    assert caught["headers"]["cache-control"] == "no-store"
    assert "name=Jos%C3%A9+N%C3%BA%C3%B1ez" in caught["posted"]  # typed into the form, sent in the body
    reader = PdfReader(io.BytesIO(caught["body"]))
    assert [item.title for item in reader.outline] == [
        "Weekly Mood Log", "Ketamine-Assisted Therapy for Depression", "Questions to Ask Your Care Team"]
    assert NAME in reader.pages[0].extract_text()
    assert all(f"Prepared for {NAME}" in page.extract_text() for page in reader.pages)

    log = server["log"].getvalue()
    assert "POST /make-packet 200" in log
    assert NAME not in log and "Núñez" not in log
    after = files(server["root"], server["tmp"])
    written = [p for p in after if before.get(p) != after[p]]
    assert not [p for p in written if holds(p, NAME) or holds(p, "Núñez")]
    # The one temporary folder is WeasyPrint's copy of the brand's @font-face fonts (checked above too).
    left = [p for p in files(server["tmp"]) if not p.relative_to(server["tmp"]).parts[0].startswith("weasyprint-")]
    assert not left, "the server wrote temporary files"
