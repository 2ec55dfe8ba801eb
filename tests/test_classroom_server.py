"""The classroom as a trainer and trainees meet it: `python -m socmethod.serving.classroom` started for real,
its start page (and QR code read back from a screenshot), a trainee's reload in Chromium, the method
table at 1024 px, the projector, the export and the printed cards from the trainer's server."""
from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from socmethod.apps import training
from tests.support.page_driver import free_port, launch, require_chromium
from tests.support.processes import stop_session
from tests.test_training import reference_answer

pytestmark = [pytest.mark.server, pytest.mark.browser]
require_chromium("the classroom's browser tests")

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "test-token-42"


def _get(url: str, deadline: float = 60.0, opener=None):
    """(status, headers, body) with a hard deadline (Voila keeps connections alive); redirects not followed."""
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None
    opener = opener or urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(url, timeout=deadline) as resp:
            return resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers, err.read()


@pytest.fixture(scope="module")
def classroom(tmp_path_factory):
    results = tmp_path_factory.mktemp("results")
    port, trainer_port = free_port(), free_port()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)}
    proc = subprocess.Popen([sys.executable, "-m", "socmethod.serving.classroom", "--port", str(port),
                             "--trainer-port", str(trainer_port), "--token", TOKEN, "--results", str(results)],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    try:
        deadline = time.monotonic() + 90
        while True:
            if proc.poll() is not None:
                pytest.fail(f"the classroom stopped: {proc.stderr.read().decode(errors='replace')[-2000:]}")
            try:
                if _get(f"http://127.0.0.1:{port}/login", 5)[0] == 200 and \
                        _get(f"http://127.0.0.1:{trainer_port}/projector", 5)[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("the classroom did not answer within 90 s")
            time.sleep(0.5)
        yield {"base": f"http://127.0.0.1:{port}/", "trainer": f"http://127.0.0.1:{trainer_port}/", "results": results}
    finally:
        stop_session(proc)
        proc.stderr.close()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = launch(p)
        yield b
        b.close()


def test_the_start_page_is_behind_the_token_and_its_qr_code_reads_back_as_the_address(classroom, browser):
    import zxingcpp
    from PIL import Image
    status, headers, _ = _get(classroom["base"])
    assert status == 302 and "/login" in headers["Location"]        # no token: Voila's login form, no page
    status, headers, body = _get(classroom["base"] + f"?token={TOKEN}")
    page_html = body.decode("utf-8")
    assert status == 200 and '<html lang="ru">' in page_html and "Что сделать сначала" in page_html
    assert "Select items to open" not in page_html                   # not Voila's English file list
    assert any(c.startswith("socmethod_trainee=") for c in headers.get_all("Set-Cookie"))
    page = browser.new_page(viewport={"width": 1024, "height": 900})
    try:
        page.goto(classroom["base"] + f"?token={TOKEN}")
        for name in ("Практика", "Методика", "Маршрут и сроки"):
            assert page.get_by_role("link", name=name).is_visible()
        shot = page.locator("svg.qr").screenshot()
        decoded = [r.text for r in zxingcpp.read_barcodes(Image.open(io.BytesIO(shot)))]
        assert decoded == [classroom["base"] + f"?token={TOKEN}"]
        href = page.get_by_role("link", name="Практика").get_attribute("href")
        page.reload()                                                # the same browser keeps its trainee key
        assert page.get_by_role("link", name="Практика").get_attribute("href") == href
    finally:
        page.close()
    # The bare address, typed from the projector: a Russian page asks for the token (not Jupyter's English
    # login form), refuses a wrong one in Russian and lets the right one in.
    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto(classroom["base"])
        assert page.locator("html").get_attribute("lang") == "ru" and page.locator("h1").inner_text() == "Учебные страницы"
        page.get_by_label("Токен доступа").fill("wrong-token")
        page.get_by_role("button", name="Войти").click()
        assert "Токен не подошёл" in page.inner_text("body")
        page.get_by_label("Токен доступа").fill(TOKEN)
        page.get_by_role("button", name="Войти").click()
        page.wait_for_selector("text=Что сделать сначала")
    finally:
        context.close()


def test_a_trainee_reloads_the_practice_page_and_keeps_label_and_answers(classroom, browser):
    training.save_plan(training.SessionPlan("brauzer", ["case-005", "case-001"], True, "Проверка"), classroom["results"])
    page = browser.new_page(viewport={"width": 1024, "height": 900})
    try:
        page.goto(classroom["base"] + f"?token={TOKEN}")
        page.get_by_role("link", name="Практика").click()
        page.get_by_role("button", name="Начать").click(timeout=60000)
        page.wait_for_selector("text=Вы — Слушатель 1", timeout=30000)
        page.locator(".widget-toggle-buttons").first.get_by_role("button", name="2").click()
        page.get_by_role("checkbox", name="на дому").check()
        page.locator("input[placeholder='например: 1, 4']").fill("1, 4")
        page.locator("input[placeholder='например: 1, 4']").press("Tab")
        time.sleep(1.0)                                              # the kernel writes the draft
        page.reload()
        page.wait_for_selector("text=Вы — Слушатель 1", timeout=60000)
        assert page.locator(".widget-toggle-buttons").first.locator("button.mod-active").all_inner_texts() == ["2"]
        assert page.get_by_role("checkbox", name="на дому").is_checked()
        assert page.locator("input[placeholder='например: 1, 4']").input_value() == "1, 4"
        assert not page.get_by_role("button", name="Начать").is_visible()
    finally:
        page.close()


def test_the_method_table_fits_a_1024_px_projector_with_every_column(classroom, browser):
    page = browser.new_page(viewport={"width": 1024, "height": 768})
    try:
        page.goto(classroom["base"] + f"voila/render/training_method.ipynb?token={TOKEN}")
        page.wait_for_selector("table.tr-decision", timeout=60000)
        for category in ("гражданин пожилого возраста", "инвалид трудоспособного возраста"):
            page.get_by_role("combobox").first.select_option(label=category)
            page.wait_for_timeout(1500)
            sizes = page.evaluate("""() => [...document.querySelectorAll('table.tr-decision')].map(t => ({
                right: t.getBoundingClientRect().right, scroll: t.scrollWidth, client: t.clientWidth,
                columns: t.rows[0].cells.length,
                lastRight: t.rows[0].cells[t.rows[0].cells.length - 1].getBoundingClientRect().right,
                page: document.documentElement.scrollWidth}))""")
            assert sizes, category
            for s in sizes:
                assert s["lastRight"] <= 1024 and s["right"] <= 1024 and s["page"] <= 1024, (category, s)
                assert s["scroll"] <= s["client"] + 1, (category, s)
            assert sizes[0]["columns"] == (11 if category.startswith("гражданин") else 12)
    finally:
        page.close()


def test_the_trainers_server_serves_the_projector_the_export_and_the_cards(classroom, browser):
    import subprocess as sp
    results = classroom["results"]
    plan = training.SessionPlan("proektor", ["case-001", "case-016"], True, "Проектор")
    training.save_plan(plan, results)
    view = training.PracticeView(plan=plan, directory=results)
    view.start_button.click()
    view.fill(reference_answer("case-001"))
    view.submit_button.click()
    training.sessions.set_timer("proektor", 5, results)
    page = browser.new_page(viewport={"width": 1024, "height": 768})
    try:
        page.goto(classroom["trainer"] + "projector")
        page.wait_for_selector("text=Слушатель 1")
        assert page.locator("h1").inner_text() == "Проектор"
        assert page.locator("table.tr-grid td.tr-right").count() == 1 and page.locator("svg").count() >= 2
        first = page.locator("#timer").inner_text()
        assert first.startswith(("5:00", "4:5"))
        second = training.PracticeView(plan=plan, directory=results)      # another trainee joins
        second.start_button.click()
        page.wait_for_selector("text=Слушатель 2", timeout=15000)        # the board refreshed by itself
        assert page.locator("#timer").inner_text() != first
    finally:
        page.close()
    status, headers, body = _get(classroom["trainer"] + "export/proektor.csv")
    assert status == 200 and "attachment" in headers["Content-Disposition"] and body.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    assert [(r["Слушатель"], r["Случай"], r["Итог"]) for r in rows] == [("Слушатель 1", "case-001", "верно")]
    for document, fragment in (("cards", "Учебный случай 1"), ("key", "Ответ к случаю 1")):
        status, headers, pdf = _get(classroom["trainer"] + f"print/{document}.pdf?cases=case-001,case-016", 120)
        assert status == 200 and pdf.startswith(b"%PDF") and headers["Content-Type"] == "application/pdf"
        text = sp.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
        assert fragment in text
    assert _get(classroom["trainer"] + "print/cards.pdf?cases=case-999")[0] == 400
    assert _get(classroom["trainer"] + "export/nope.csv")[0] == 404
