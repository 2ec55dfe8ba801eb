"""The public calculator in a real browser: Voila serves the notebook, Debian's Chromium answers it.

Locally these tests skip with a message when /usr/bin/chromium is missing; under CI=true they never skip
(.ci/run installs Chromium). Screenshots are saved to artifacts/ to look at.
"""
from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.support.page_driver import (
    ELDERLY_ANSWERS,
    accessibility_problems,
    answer_case,
    answer_elderly,
    answer_question,
    axe_violations,
    launch,
    pdf_pages,
    require_axe,
    require_chromium,
    start_voila_page,
    summary_from_page,
)
from tests.support.processes import stop_session

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "artifacts"

require_chromium("browser tests")

playwright_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def server():
    try:
        proc, url = start_voila_page("calculator", timeout=60)
    except RuntimeError as err:
        pytest.fail(str(err))
    yield url
    stop_session(proc)


@pytest.fixture()
def page(server):
    with playwright_api.sync_playwright() as p:
        browser = launch(p)
        pg = browser.new_page(viewport={"width": 1000, "height": 900})
        pg.set_default_timeout(30_000)
        pg.goto(server)
        pg.wait_for_selector("text=Пожилой человек")
        yield pg
        browser.close()


def test_no_axe_violation_on_the_phone_at_the_start_and_at_the_result(server):
    """axe-core (from npm, injected from the local file) on the Voila page at 360 px: every text field
    named (label-title-only was reported for the income fields), every content in a landmark (region)."""
    require_axe()
    with playwright_api.sync_playwright() as p:
        browser = launch(p)
        try:
            pg = browser.new_page(viewport={"width": 360, "height": 740})
            pg.set_default_timeout(30_000)
            pg.goto(server)
            pg.wait_for_selector("text=Пожилой человек")
            time.sleep(0.5)                         # the labelling script runs on the next animation frame
            assert axe_violations(pg) == []
            answer_elderly(pg)
            time.sleep(0.5)
            assert axe_violations(pg) == []
        finally:
            browser.close()


def test_page_asks_no_host_but_its_own(server):
    with playwright_api.sync_playwright() as p:
        browser = launch(p)
        pg = browser.new_page()
        hosts = set()
        pg.on("request", lambda request: hosts.add(request.url.split("/")[2]))
        pg.goto(server)
        pg.wait_for_selector("text=Пожилой человек")
        browser.close()
    assert hosts == {server.split("/")[2]}


def test_lonely_elderly_person_with_group_ii_sees_home_care_and_temporary_residential(page):
    answer_elderly(page)
    body = page.inner_text("body")
    # Seed lines 1133 and 1137: group II, degrees 2/2, lonely -> home (N 1) and residential temporary (N 4).
    assert "На дому — программа N 1" in body
    assert "Стационарная форма при временном проживании — программа N 4" in body
    assert "(812) 576-05-76" in body
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "calculator_elderly.png"), full_page=True)
    page.set_viewport_size({"width": 360, "height": 800})
    page.wait_for_timeout(300)
    # Nothing runs off a 360 px phone screen: no visible element reaches past its right edge.
    overflow = page.evaluate("""() => [...document.querySelectorAll('#rendered_cells *')]
        .filter(el => el.offsetParent !== null && el.getBoundingClientRect().right > window.innerWidth + 1)
        .map(el => el.tagName + '.' + el.className).slice(0, 5)""")
    assert overflow == []
    # Voila scrolls inside the page, so "full page" is the screen: save the top and the result.
    page.get_by_text("Кому нужна помощь?").scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "calculator_phone.png"))
    page.locator(".sm-recs").scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "calculator_phone_result.png"))


def test_category_without_a_table_says_so(page):
    page.get_by_text("Человек без постоянного жилья").click()
    page.wait_for_selector("text=нет таблицы критериев")
    assert "Traceback" not in page.content()


MOTOR = "Нарушения опорно-двигательного аппарата: трудно ходить, двигать руками или ногами"
IMPAIRMENTS = "Какие нарушения здоровья есть у человека? Отметьте все, что есть."
CHILD_ANSWERS = {IMPAIRMENTS: [MOTOR],
                 "Что написали врачи о медицинских показаниях? Отметьте всё, что есть.": ["Ничего из этого"],
                 "Живёт ли человек один (одна)?": "Нет",
                 "Есть ли родственники, которые помогают или ухаживают?": "Да",
                 "Те, кто обычно ухаживает, временно не могут (болезнь, командировка, отпуск)?": "Нет",
                 "Есть ли конфликт в семье, насилие, зависимость кого-то из живущих вместе?": "Нет",
                 "Есть ли в ИПРА рекомендации по социальной реабилитации?": "Да"}
ADULT_ANSWERS = {**ELDERLY_ANSWERS, "Есть ли в ИПРА рекомендации по социальной реабилитации?": "Да",
                 "Живёт ли человек в квартире социального назначения?": "Нет",
                 "Нуждается ли человек в социально-трудовой реабилитации?": "Нет"}


def test_disabled_child_case_shows_the_childrens_programmes(page):
    # Physical impairment, self-care and mobility degree 1, ИПРА social rehabilitation: seed lines
    # 1161 (day care up to 4 h, children's N 40) and 1162 (over 4 h, children's N 41).
    answer_case(page, "Ребёнок-инвалид старше 3 лет", "Справляется сам, но с трудом, медленно", "Сам, но с трудом",
                CHILD_ANSWERS)
    page.wait_for_selector("text=Вам могут предложить")
    body = page.inner_text("body")
    assert "программа N 40" in body and "программа N 41" in body
    assert "программа N 19" not in body          # the adults' number is not shown for a child


def test_no_recommendation_message(page):
    answer_case(page, "Пожилой человек", "Нужна частичная помощь или приспособления",
                "С помощью других или с ходунками, коляской", {**ELDERLY_ANSWERS, "Группа инвалидности": "Нет инвалидности"})
    page.wait_for_selector("text=По этим ответам методика не называет формы обслуживания")


def test_urgent_path_comes_first(page):
    page.get_by_text("Нечего есть, не на что купить еду").click()
    page.wait_for_selector("text=Срочная помощь — в день обращения")
    first = page.locator(".sm-urgent").first
    assert "горячее питание" in first.inner_text()


def test_bad_income_is_refused_next_to_its_field(page):
    answer_elderly(page)
    income = page.get_by_placeholder("например, 32000")
    income.fill("-5")
    income.press("Enter")
    error = page.locator(".sm-error[role=alert]").first
    error.wait_for()
    # The message sits in the cost box, right below the income field, not in the result.
    box = income.locator("xpath=ancestor::div[contains(@class,'widget-vbox')][1]")
    assert "доход" in box.inner_text().lower() and box.locator(".sm-error").count() == 1
    income.fill("25000")
    income.press("Enter")
    page.wait_for_selector("text=Сколько это может стоить")


def test_controls_work_from_the_keyboard(page):
    first_box = page.locator("input[type=checkbox]").first
    first_box.focus()
    page.keyboard.press("Space")
    page.wait_for_selector("text=Срочная помощь — в день обращения")
    radio = page.locator("label", has_text="Пожилой человек").locator("input[type=radio]")
    radio.focus()
    page.keyboard.press("Space")
    page.wait_for_selector("text=Группа инвалидности")


def test_every_control_is_labelled_by_its_question(page):
    answer_elderly(page)
    page.get_by_placeholder("например, 32000").fill("-5")
    page.get_by_placeholder("например, 32000").press("Enter")
    page.locator(".sm-error[role=alert]").first.wait_for()
    time.sleep(0.3)                         # the labelling script runs on the next animation frame
    assert accessibility_problems(page) == []
    # The question is the group's name; the hint and an error beside a field are its description.
    page.get_by_role("radiogroup", name="Группа инвалидности").get_by_role("radio", name="II группа", exact=True).wait_for()
    income = page.get_by_role("textbox", name="Доход семьи в месяц, ₽ (всех, кто живёт вместе)")
    described = income.get_attribute("aria-describedby").split()
    texts = " ".join(page.locator(f"#{i}").inner_text() for i in described)
    assert "Пенсии, зарплаты" in texts and "доход" in texts.lower()
    assert page.get_by_role("group", name="Нужна ли помощь прямо сегодня?", exact=False).count() == 1


def test_arrow_keys_choose_within_a_question_and_tab_moves_to_the_next(page):
    group = page.get_by_role("radiogroup", name="Кто этот человек?")
    first = group.get_by_role("radio").first
    first.focus()
    page.keyboard.press("Space")
    page.wait_for_selector("text=Группа инвалидности")
    page.keyboard.press("ArrowDown")            # the next answer: working age with a disability
    page.wait_for_selector("text=Какие нарушения здоровья есть у человека?")
    assert group.get_by_role("radio").nth(1).is_checked()
    page.keyboard.press("Tab")                  # leaves the group for the next question's answers
    # The next question's first answer: which difficulties the person has, ticked (a checkbox).
    focused = page.evaluate("""() => { const el = document.activeElement;
        const box = el.closest('.sm-question'); return [el.type, box && box.querySelector('.sm-qtext').textContent]; }""")
    assert focused == ["checkbox", "Какие нарушения здоровья есть у человека? Отметьте все, что есть."]


def test_a_relative_is_told_to_bring_their_own_documents(page):
    page.get_by_role("radiogroup", name="Кому нужна помощь?").get_by_role("radio", name="Родственнику или знакомому").check()
    answer_elderly(page)
    page.wait_for_selector("text=Если заявление за близкого подаёте вы, возьмите и свои документы")
    assert "На дому — программа N 1" in page.inner_text("body")


def test_print_summary_is_one_a4_page_without_personal_data(page):
    answer_elderly(page)
    page.get_by_placeholder("например, 32000").fill("32000")
    page.get_by_placeholder("например, 32000").press("Enter")
    page.wait_for_selector("text=не более")
    document = summary_from_page(page)
    printed = page.context.browser.new_page()
    printed.set_content(document)
    text = printed.inner_text("body")
    pdf = printed.pdf(prefer_css_page_size=True)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "calculator_summary.pdf").write_bytes(pdf)
    assert "На дому — программа N 1" in text and "Стационарная форма при временном проживании — программа N 4" in text
    assert "Группа инвалидности: II группа" in text and "не более" in text and "(812) 576-05-76" in text
    assert pdf_pages(pdf) == 1
    # A changed answer withdraws the summary: it would no longer match the page.
    page.get_by_role("radiogroup", name="Есть ли конфликт в семье, насилие, зависимость кого-то из живущих вместе?") \
        .get_by_role("radio", name="Да").check()
    page.locator(".sm-print").wait_for(state="detached")


def test_difficulties_not_categories_decide_the_working_age_programmes(page):
    # Intellectual with motor difficulties: «множественные нарушения» by line 804, so the rows of
    # impairment «multiple»: home N 14, day care over 4 h N 15, temporary residential N 16.
    answer_case(page, "Человек трудоспособного возраста с инвалидностью", "Нужна частичная помощь или приспособления",
                "С помощью других или с ходунками, коляской",
                {**ADULT_ANSWERS, IMPAIRMENTS: ["Нарушения умственного развития (интеллекта)", MOTOR]})
    page.wait_for_selector("text=На дому — программа N 14")
    body = page.inner_text("body")
    assert "программа N 15" in body and "программа N 16" in body
    assert "Как методика учла ваши ответы" in body and "множественные нарушения развития" in body
    assert "ножествен" not in page.locator(".sm-question").filter(has_text="Какие нарушения здоровья").inner_text()
    # Motor with sensory and nothing intellectual: its named reading (both categories' rows, line 804).
    box = page.locator(".sm-question").filter(has=page.locator(".sm-qtext", has_text=IMPAIRMENTS))
    box.get_by_text("Нарушения умственного развития (интеллекта)", exact=True).click()
    box.get_by_text("Нарушения зрения или слуха", exact=True).click()
    page.wait_for_selector("text=программа N 32")      # the sensory rows: both ticks have arrived
    body = page.inner_text("body")
    assert "программа N 14" not in body and "программа N 19" in body
    assert "вместе с сенсорными" in body and "обе категории" in body
    # «Не знаю» stands alone: it unticks the others, and the page says what to do instead of naming a code.
    box.get_by_text("Не знаю", exact=True).click()
    page.wait_for_selector("text=Без этого ответа методика не называет формы обслуживания")
    assert box.locator("input[type=checkbox]:checked").count() == 1
    assert "impairment" not in page.inner_text("body")


def test_loneliness_is_answered_in_parts(page):
    couple = "Живёт ли человек только вдвоём с мужем (женой), без других родственников?"
    answers = {**ELDERLY_ANSWERS, "Живёт ли человек один (одна)?": "Нет"}
    answer_case(page, "Пожилой человек", "Нужна частичная помощь или приспособления",
                "С помощью других или с ходунками, коляской", answers)
    question = page.locator(".sm-question").filter(has=page.locator(".sm-qtext", has_text=couple))
    question.wait_for()                                 # asked: the person does not live alone
    answer_question(page, couple, "Да")
    # A couple living alone without helping relatives is «одиночество» (reading loneliness_couple, line 784):
    # the lonely 78-year-old's home N 1 and temporary residential N 4.
    page.wait_for_selector("text=На дому — программа N 1")
    assert "Стационарная форма при временном проживании — программа N 4" in page.inner_text("body")
    answer_question(page, "Живёт ли человек один (одна)?", "Да")
    question.wait_for(state="hidden")                   # who lives alone is no couple living alone
    assert "На дому — программа N 1" in page.inner_text("body")
