"""Driving the calculator page in Debian's Chromium, shared by the browser tests and the benchmarks.

Playwright drives /usr/bin/chromium directly (never `playwright install`, which cannot download here).
"""
from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]

# The reference visitor: a lonely elderly person with group II who needs partial help with everything (lives
# alone, no relatives who help: «одиночество», survey act line 898). Seed lines 1133 and 1137: home care N 1
# and residential temporary N 4 (among others). {question: answer, or the answers ticked}, beside the
# self-care and mobility levels and the psychiatrist's question.
ELDERLY_ANSWERS = {
    "Группа инвалидности": "II группа",
    "Что написали врачи о медицинских показаниях? Отметьте всё, что есть.": ["Ничего из этого"],
    "Живёт ли человек один (одна)?": "Да",
    "Есть ли родственники, которые помогают или ухаживают?": "Нет",
    "Те, кто обычно ухаживает, временно не могут (болезнь, командировка, отпуск)?": "Нет",
    "Есть ли конфликт в семье, насилие, зависимость кого-то из живущих вместе?": "Нет",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def launch(playwright, extra_args: list[str] | None = None):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS + (extra_args or []))


def answer_question(page, question: str, answer) -> None:
    """Answer one question of the Voila page, found by its text: click the answer, or each answer of a list
    (a ticked question)."""
    box = page.locator(".sm-question").filter(has=page.locator(".sm-qtext", has_text=question))
    for label in answer if isinstance(answer, list) else [answer]:
        box.get_by_text(label, exact=True).click()


def answer_case(page, category: str, self_care: str, mobility: str, answers: dict) -> None:
    """Pick the category, one level for every activity, the `answers` ({question: answer or the answers
    ticked}) and "no psychiatrist's conclusion"."""
    page.get_by_text(category).click()
    # The category's questions come as widgets, rendered one by one: wait for the psychiatrist's, which
    # follows the activities, before collecting the activities' answers.
    page.get_by_text("Такого заключения нет").wait_for()
    for el in page.get_by_text(self_care, exact=True).all():
        el.click()
    for el in page.get_by_text(mobility, exact=True).all():
        el.click()
    for question, answer in answers.items():
        answer_question(page, question, answer)
    page.get_by_text("Такого заключения нет").click()


def answer_elderly(page) -> None:
    answer_case(page, "Пожилой человек", "Нужна частичная помощь или приспособления",
                "С помощью других или с ходунками, коляской", ELDERLY_ANSWERS)
    page.wait_for_selector("text=Вам могут предложить")


def accessibility_problems(page) -> list[str]:
    """Controls a screen reader would reach without knowing what they are: every radio, checkbox, text
    field, list and button needs a name, and every radio a named radio group (its question). Read from
    Chromium's own accessibility tree (DevTools protocol), i.e. what assistive technology gets."""
    cdp = page.context.new_cdp_session(page)
    nodes = cdp.send("Accessibility.getFullAXTree")["nodes"]
    by_id = {n["nodeId"]: n for n in nodes}

    def role(n):
        return n.get("role", {}).get("value")

    def name(n):
        return (n.get("name", {}).get("value") or "").strip()

    problems = []
    for n in nodes:
        if n.get("ignored") or role(n) not in ("radio", "checkbox", "textbox", "combobox", "button", "radiogroup"):
            continue
        if not name(n):
            problems.append(f"{role(n)} without a name")
        if role(n) == "radio":
            parent = by_id.get(n.get("parentId"))
            while parent is not None and role(parent) != "radiogroup":
                parent = by_id.get(parent.get("parentId"))
            if parent is None or not name(parent):
                problems.append(f"radio «{name(n)}» outside a named radio group")
    return problems


def summary_from_page(page) -> str:
    """Press «Итог для печати» and return the summary document its link carries."""
    import base64
    page.get_by_role("button", name="Итог для печати").click()
    link = page.locator(".sm-print a")
    link.wait_for()
    href = link.get_attribute("href")
    prefix = "data:text/html;charset=utf-8;base64,"
    assert href.startswith(prefix), href[:60]
    return base64.b64decode(href[len(prefix):]).decode("utf-8")


def pdf_pages(pdf: bytes) -> int:
    """Pages in a PDF Chromium printed (its page objects are written uncompressed)."""
    import re
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))


def serve_static(site, timeout: float = 30.0):
    """Serve a built static site on a free loopback port with Python's http.server; returns (process, url).
    Raises RuntimeError if it does not answer within `timeout` seconds."""
    import subprocess
    import sys
    import time
    import urllib.request
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1",
                             "--directory", str(site)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5):
                return proc, url
        except OSError:
            if time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError(f"the static server did not answer within {timeout:.0f} s") from None
            time.sleep(0.2)


def require_chromium(what: str) -> None:
    """Call at module level in a browser test module."""
    if Path(CHROMIUM).exists():
        return
    if os.environ.get("CI") == "true":
        raise RuntimeError(f"{CHROMIUM} is missing under CI=true: .ci/run must install chromium")
    pytest.skip(f"{what} skipped: {CHROMIUM} not found (apt-get install chromium)", allow_module_level=True)


def start_web(workers: int = 1, env: dict | None = None, timeout: float = 60.0, port: int | None = None):
    """Start the light page and the web API (`python -m socmethod.serving.web`) on a free loopback port;
    returns (process, base URL without the final slash) once /healthz answers. The server's stderr (its
    access log) goes to the process's `stderr` pipe when `env` asks for it with SOCMETHOD_TEST_LOG=1,
    else nowhere. Raises RuntimeError if it does not answer within `timeout` seconds."""
    import subprocess
    import sys

    from tests.support.processes import wait_until_served
    port = port or free_port()
    full_env = {**os.environ, **(env or {})}
    keep_log = full_env.get("SOCMETHOD_TEST_LOG") == "1"
    proc = subprocess.Popen([sys.executable, "-m", "socmethod.serving.web", "--port", str(port), "--workers", str(workers)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE if keep_log else subprocess.DEVNULL,
                            env=full_env, text=True)
    url = f"http://127.0.0.1:{port}"
    if not wait_until_served(url + "/healthz", proc, timeout, step=0.2):
        proc.kill()
        raise RuntimeError(f"the web server did not answer within {timeout:.0f} s")
    return proc, url


def start_voila_page(notebook: str = "calculator", timeout: float = 60.0):
    """Start the kit's Voila server (`make app`'s command, pool 1) on `notebooks/<notebook>.ipynb` in a
    session of its own; returns (process, URL) once the page answers 200. Stop it with
    `processes.stop_session`. Raises RuntimeError if it does not answer within `timeout` seconds."""
    import subprocess

    from socmethod.serving.voila import voila_command, voila_env
    from tests.support.processes import stop_session, wait_until_served
    root = Path(__file__).resolve().parents[2]
    port = free_port()
    proc = subprocess.Popen(voila_command(port=port, pool=1, notebook=root / "notebooks" / f"{notebook}.ipynb"),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=root, env=voila_env(),
                            start_new_session=True)
    url = f"http://127.0.0.1:{port}/"
    if not wait_until_served(url, proc, timeout):
        stop_session(proc)
        raise RuntimeError(f"Voila did not serve {notebook}.ipynb within {timeout:.0f} s")
    return proc, url


# ------------------------------------------------------------------------------------------ the light page

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


def require_axe() -> Path:
    """axe-core from npm (`make test` runs `npm ci` from the committed lock); skips locally when it is
    missing, never under CI=true."""
    if AXE.exists():
        return AXE
    if os.environ.get("CI") == "true":
        raise RuntimeError(f"{AXE} is missing under CI=true: `make test` installs it with npm ci")
    pytest.skip(f"axe-core not installed ({AXE}): run `npm ci`")


def axe_violations(page, tags=("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice")) -> list[str]:
    """Run axe-core in the page (injected from the local file: nothing is fetched) and return its
    violations as "rule-id: target …" lines."""
    page.add_script_tag(content=require_axe().read_text(encoding="utf-8"))
    result = page.evaluate("""async (tags) => {
        const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
        return r.violations.map(v => v.id + ' (' + v.impact + '): ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '));
    }""", list(tags))
    return result


def light_choose(page, question: str, answer: str) -> None:
    """Tick the answer of a question of the light page (radios or checkboxes, named by their legend)."""
    page.get_by_role("group", name=question, exact=True).get_by_label(answer, exact=True).check()


def light_answer_case(page, category: str, self_care: str, mobility: str, answers: dict, js: bool = True,
                      psychiatrist: str = "Такого заключения нет") -> None:
    """Answer the light page as a visitor would: the category (then, without JavaScript, «Показать
    вопросы»), one level for every activity, the `answers` ({question: answer, or the answers ticked}) and
    the psychiatrist's question."""
    page.get_by_role("group", name="Кто этот человек?").get_by_label(category).check()
    if not js:
        page.get_by_role("button", name="Показать вопросы").click()
    page.locator("#sm-questions .sm-field").first.wait_for()
    for level in (self_care, mobility):
        for field in page.locator("#sm-questions .sm-field").filter(has=page.get_by_label(level, exact=True)).all():
            field.get_by_label(level, exact=True).check()
    for question, answer in answers.items():
        for label in answer if isinstance(answer, list) else [answer]:
            light_choose(page, question, label)
    if psychiatrist:
        page.get_by_label(psychiatrist, exact=True).check()


def light_show_result(page, js: bool = True) -> None:
    """Without JavaScript press «Показать результат»; with it the result is already there: wait for it."""
    if not js:
        page.get_by_role("button", name="Показать результат").click()
    else:           # the script's last answer has come back: no question is left (a locator, not a script:
        # the page's CSP refuses the string evaluation wait_for_function would poll with)
        page.locator("#sm-result-body .sm-pending, #sm-result-body .sm-start").wait_for(state="detached")
    page.locator("#sm-result-body .sm-disclaimer").wait_for()
