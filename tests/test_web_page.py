"""The light page's server side (the page as a browser without JavaScript gets it), and the one model: the
same answers through the Voila calculator's widgets and through the light page show the same result."""
from __future__ import annotations

import re
from html import unescape

import pytest
from starlette.testclient import TestClient

from socmethod.apps.public.calculator import Calculator
from socmethod.serving import web

LEVELS_SELF_CARE = ("hygiene", "toilet", "dressing", "medication", "cooking", "eating", "housekeeping", "paperwork")
LEVELS_MOBILITY = ("shopping", "transport", "outdoor_walk", "indoors", "bed")
ELDERLY = {"category": "elderly", "disability_group": "II",
           **{f"self_care.{k}": 2 for k in LEVELS_SELF_CARE}, **{f"mobility.{k}": 2 for k in LEVELS_MOBILITY},
           "medical_indications": "no", "lives_alone": "yes", "carer_absent": "no", "family_conflict": "no",
           "psychiatrist_recommends": "none"}
CHILD = {"category": "disabled_child", "impairment": "physical",
         **{f"self_care.{k}": 1 for k in ("hygiene", "toilet", "dressing", "eating")},
         **{f"mobility.{k}": 1 for k in ("distance", "outdoor_walk", "indoors", "bed")},
         "medical_indications": "no", "lives_alone": "no", "carer_absent": "no", "family_conflict": "no",
         "ipra_social_rehabilitation": "yes", "psychiatrist_recommends": "none"}


@pytest.fixture(scope="module")
def client():
    with TestClient(web.app) as c:
        yield c


def text(html: str) -> str:
    """What a reader gets of an HTML fragment: the text, whitespace collapsed."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def result_section(page: str) -> str:
    return page[page.index('<div id="sm-result-body">'):page.index('<p id="sm-status"')]


def test_first_visit_asks_the_first_questions_and_names_no_other_host(client):
    page = client.get("/")
    assert page.status_code == 200 and '<html lang="ru">' in page.text
    assert "Кто этот человек?" in page.text and "Нужна ли помощь прямо сегодня?" in page.text
    # Only the page's own files: no other host in any src or href.
    assert not re.findall(r'(?:src|href|action)="(?:https?:)?//', page.text)
    assert '<form id="sm-form" method="post" action="/"' in page.text
    assert "<script>" not in page.text and "style=" not in page.text       # the CSP allows neither inline


def test_without_javascript_the_posted_form_brings_the_questions_then_the_result(client):
    page = client.post("/", data={"category": "elderly", "action": "next"}).text
    assert "Группа инвалидности" in page and "Уход за собой" in page and "Какие нарушения главные?" not in page
    assert "Осталось ответить на вопросов: 19" in text(page)   # group, 8 + 5 activities, 4 flags, psychiatrist
    assert "<div class=\"sm-error-summary\"" not in page   # nothing asked for yet: no errors shown
    page = client.post("/", data={**ELDERLY, "action": "result"}).text
    result = text(result_section(page))
    # Seed lines 1133 and 1137: group II, degrees 2/2, lonely -> home N 1 and residential temporary N 4.
    assert "На дому — программа N 1" in result and "Стационарная форма при временном проживании — программа N 4" in result
    assert "Какие документы взять" in result and "Сроки, если подать заявление сегодня" in result
    # The answers come back checked (carried in the form, not in any URL).
    assert 'name="lives_alone" value="yes" checked' in page and 'name="self_care.hygiene" value="2" checked' in page
    assert "Ваши ответы" in result and 'href="#q-lives_alone-1"' in page


def test_asking_for_the_result_too_early_lists_each_missing_answer(client):
    page = client.post("/", data={"category": "elderly", "disability_group": "II", "action": "result"}).text
    assert page.count("<li><a href=\"#q-") == 18 and "Есть проблема" in page
    assert "<title>Ошибка: " in page
    # At the field too, tied to it for screen readers.
    assert 'id="q-lives_alone-error"' in page and 'aria-describedby="q-lives_alone-hint q-lives_alone-error"' in page
    assert "Если ответ неизвестен, выберите «Не знаю»" in page
    empty = client.post("/", data={"action": "result"}).text
    assert "Выберите, кто этот человек." in empty


def test_a_refused_income_is_shown_at_its_field(client):
    page = client.post("/", data={**ELDERLY, "income": "-5", "action": "result"}).text
    start = page.rindex("<div", 0, page.index('id="f-income-field"'))
    field = page[start:page.index('id="f-members-field"')]
    assert "sm-field--error" in field and 'aria-invalid="true"' in field and "доход" in text(field).lower()
    assert 'href="#f-income"' in page                        # and in the error summary
    assert "Сколько это может стоить" not in result_section(page)
    fixed = client.post("/", data={**ELDERLY, "income": "32000", "action": "result"}).text
    assert "не более 2 685 ₽ в месяц" in text(result_section(fixed))


def test_a_tampered_answer_is_refused_at_its_question_not_guessed(client):
    page = client.post("/", data={**ELDERLY, "lives_alone": "perhaps", "action": "result"}).text
    error = page[page.index('id="q-lives_alone-error"'):]
    assert "Выберите один из предложенных ответов." in error[:error.index("</p>")]
    assert "На дому — программа N 1" not in text(result_section(page))


def test_the_printable_summary_comes_from_the_posted_answers(client):
    summary = client.post("/summary", data={**ELDERLY, "income": "32000", "action": "print"})
    assert summary.status_code == 200
    assert "На дому — программа N 1" in text(summary.text) and "@page" not in summary.text   # its style is a file
    assert web.assets()["summary.css"] in summary.text and "onclick" not in summary.text
    css = "".join(chunk.decode() for chunk in [web.asset_bytes("summary.css")])
    assert "size:A4" in css and "@media print" in css
    early = client.post("/summary", data={"category": "elderly", "action": "print"})
    assert early.status_code == 422 and "Есть проблема" in early.text


def test_the_script_gets_the_same_fragments_the_page_shows(client):
    answer = client.post("/api/v1/calculator", data=ELDERLY).json()
    assert answer["status"] == "complete" and answer["category"] == "elderly"
    page = client.post("/", data=ELDERLY).text
    assert answer["fragments"]["result"].strip() == result_section(page)[len('<div id="sm-result-body">'):].rsplit("</div>", 1)[0].strip()
    assert 'name="self_care.hygiene"' in answer["fragments"]["questions"]
    # The questions the page shows already are not sent again; another category's are.
    assert client.post("/api/v1/calculator", data={**ELDERLY, "shown": "elderly"}).json()["fragments"]["questions"] is None
    assert "Какие нарушения главные?" in client.post("/api/v1/calculator", data={
        "category": "disabled_adult", "shown": "elderly"}).json()["fragments"]["questions"]
    bad = client.post("/api/v1/calculator", data={**ELDERLY, "income": "abc"}).json()
    assert "доход" in bad["errors"]["income"].lower()


def _voila(answers: dict, urgent=(), who=None, income="") -> str:
    calc = Calculator()
    for code in urgent:
        calc.urgent_checks[code].value = True
    if who:
        calc.controls["who"].value = who
    calc.controls["category"].value = answers["category"]
    for key, value in answers.items():
        if key != "category":
            calc.controls[key].value = int(value) if key.startswith(("self_care.", "mobility.")) else value
    calc.income.value = income
    return calc.result.value


@pytest.mark.parametrize("answers, urgent, who, income", [
    (ELDERLY, (), None, ""),
    (ELDERLY, (), "relative", "32000"),
    ({**ELDERLY, "lives_alone": "unknown"}, (), None, "20000"),
    ({**ELDERLY, "disability_group": "none", "lives_alone": "no"}, (), None, ""),
    (CHILD, (), None, "15000"),
    ({"category": "homeless"}, ("no_food", "violence"), None, ""),
    ({"category": "family"}, (), "self", ""),
    (ELDERLY, ("no_housing",), None, "-5"),
])
def test_the_same_answers_show_the_same_result_on_both_editions(client, answers, urgent, who, income):
    voila = text(_voila(answers, urgent, who, income))
    form = {**answers, "urgent": list(urgent), "income": income}
    if who:
        form["who"] = who
    light = text(result_section(client.post("/", data=form).text))
    assert voila and light.startswith(voila), (voila[:300], light[:300])
