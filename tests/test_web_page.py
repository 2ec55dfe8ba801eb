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
           "medical_indications_kinds": ["none"], "lives_by_self": "yes", "relatives_help": "no", "carer_absent": "no",
           "family_conflict": "no", "psychiatrist_recommends": "none"}
CHILD = {"category": "disabled_child", "impairments": ["motor"],
         **{f"self_care.{k}": 1 for k in ("hygiene", "toilet", "dressing", "eating")},
         **{f"mobility.{k}": 1 for k in ("distance", "outdoor_walk", "indoors", "bed")},
         "medical_indications_kinds": ["none"], "lives_by_self": "no", "relatives_help": "yes", "carer_absent": "no",
         "family_conflict": "no", "ipra_social_rehabilitation": "yes", "psychiatrist_recommends": "none"}
ADULT = {**{k: v for k, v in ELDERLY.items() if k != "category"}, "category": "disabled_adult",
         "impairments": ["intellectual", "motor"], "ipra_social_rehabilitation": "yes", "social_housing_flat": "no",
         "needs_social_labour_rehab": "no"}


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
    assert "Группа инвалидности" in page and "Уход за собой" in page and "Какие нарушения здоровья" not in page
    # Group, 8 + 5 activities, the kinds of medical indications, 3 about loneliness, 2 flags, the psychiatrist.
    assert "Осталось ответить на вопросов: 21" in text(page)
    assert "<div class=\"sm-error-summary\"" not in page   # nothing asked for yet: no errors shown
    page = client.post("/", data={**ELDERLY, "action": "result"}).text
    result = text(result_section(page))
    # Seed lines 1133 and 1137: group II, degrees 2/2, lonely -> home N 1 and residential temporary N 4.
    assert "На дому — программа N 1" in result and "Стационарная форма при временном проживании — программа N 4" in result
    assert "Какие документы взять" in result and "Сроки, если подать заявление сегодня" in result
    # The answers come back checked (carried in the form, not in any URL).
    assert 'name="lives_by_self" value="yes" checked' in page and 'name="self_care.hygiene" value="2" checked' in page
    assert 'name="medical_indications_kinds" value="none" checked data-exclusive' in page
    assert "Ваши ответы" in result and 'href="#q-lives_by_self-1"' in page


def test_asking_for_the_result_too_early_lists_each_missing_answer(client):
    page = client.post("/", data={"category": "elderly", "disability_group": "II", "action": "result"}).text
    assert page.count("<li><a href=\"#q-") == 20 and "Есть проблема" in page
    assert "<title>Ошибка: " in page
    # At the field too, tied to it for screen readers.
    assert 'id="q-lives_by_self-error"' in page and 'aria-describedby="q-lives_by_self-hint q-lives_by_self-error"' in page
    assert "Отметьте хотя бы один ответ. Если ответ неизвестен, отметьте «Не знаю»." in page   # the ticked one
    assert "Если ответ неизвестен, выберите «Не знаю»" in page
    empty = client.post("/", data={"action": "result"}).text
    assert "Выберите, кто этот человек." in empty


def test_a_refused_income_is_shown_at_its_field(client):
    page = client.post("/", data={**ELDERLY, "income": "-5", "action": "result"}).text
    start = page.rindex("<div", 0, page.index('id="f-income-field"'))
    field = page[start:page.index('id="f-members-field"')]
    assert "sm-field--error" in field and 'aria-invalid="true"' in field and "доход" in text(field).lower()
    assert 'href="#f-income"' in page                        # and in the error summary
    # Named by the words the page asks it with, never by its key.
    assert "в поле «Доход семьи в месяц, ₽ (всех, кто живёт вместе)»" in text(field)
    bad_members = client.post("/", data={**ELDERLY, "income": "32000", "members": "0", "action": "result"}).text
    assert "в поле «Сколько человек в семье (вместе с ним)»" in text(bad_members)
    for code in ("family_income", "«income»", "«members»"):
        assert code not in text(page) + text(bad_members)
    assert "Сколько это может стоить" not in result_section(page)
    fixed = client.post("/", data={**ELDERLY, "income": "32000", "action": "result"}).text
    assert "не более 2 685 ₽ в месяц" in text(result_section(fixed))


def test_a_tampered_answer_is_refused_at_its_question_not_guessed(client):
    page = client.post("/", data={**ELDERLY, "lives_by_self": "perhaps", "action": "result"}).text
    error = page[page.index('id="q-lives_by_self-error"'):]
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
    assert "Какие нарушения здоровья есть у человека?" in client.post("/api/v1/calculator", data={
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
        if key == "category":
            continue
        if isinstance(value, list):
            for box in calc.controls[key].ticks:
                box.value = box.answer in value
        else:
            calc.controls[key].value = int(value) if key.startswith(("self_care.", "mobility.")) else value
    calc.income.value = income
    return calc.result.value


@pytest.mark.parametrize("answers, urgent, who, income", [
    (ELDERLY, (), None, ""),
    (ELDERLY, (), "relative", "32000"),
    ({**ELDERLY, "lives_by_self": "unknown", "couple_living_alone": "unknown", "relatives_help": "unknown"}, (), None, "20000"),
    ({**ELDERLY, "disability_group": "none", "lives_by_self": "no", "couple_living_alone": "no"}, (), None, ""),
    (CHILD, (), None, "15000"),
    (ADULT, (), None, ""),
    ({**ADULT, "impairments": ["motor", "sensory"], "medical_indications_kinds": ["constant_care"]}, (), None, ""),
    ({**ADULT, "impairments": ["unknown"]}, (), None, ""),
    ({"category": "homeless"}, ("no_food", "violence"), None, ""),
    ({"category": "family"}, (), "self", ""),
    (ELDERLY, ("no_housing",), None, "-5"),
    ({"category": "early_childhood", "age_months": "0", "early_help_criteria": ["2", "3"]}, (), None, ""),
    ({"category": "early_childhood", "age_months": "36", "early_help_criteria": ["unknown"]}, (), None, ""),
])
def test_the_same_answers_show_the_same_result_on_both_editions(client, answers, urgent, who, income):
    voila = text(_voila(answers, urgent, who, income))
    form = {**answers, "urgent": list(urgent), "income": income}
    if who:
        form["who"] = who
    light = text(result_section(client.post("/", data=form).text))
    assert voila and light.startswith(voila), (voila[:300], light[:300])


# --- issue 13 on the light page: difficulties, loneliness in parts, answers that stand alone ---------------

def test_the_couple_question_is_left_out_for_who_lives_alone(client):
    page = client.post("/", data={"category": "elderly", "action": "next"}).text
    assert '<div class="sm-field" id="q-couple_living_alone" data-unless="lives_by_self=yes">' in page      # shown
    page = client.post("/", data={"category": "elderly", "lives_by_self": "yes", "action": "next"}).text
    assert 'id="q-couple_living_alone" data-unless="lives_by_self=yes" hidden>' in page
    assert "Осталось ответить на вопросов: 19" in text(page)        # 21 less the two answered or left out
    answer = client.post("/api/v1/calculator", data={"category": "elderly", "lives_by_self": "yes", "shown": "elderly"}).json()
    assert answer["hidden"] == ["q-couple_living_alone"]
    answer = client.post("/api/v1/calculator", data={"category": "elderly", "lives_by_self": "no", "shown": "elderly"}).json()
    assert answer["hidden"] == []
    # An answer to a question left out is not used: who lives alone and says «couple» is not refused.
    result = text(result_section(client.post("/", data={**ELDERLY, "couple_living_alone": "yes", "action": "result"}).text))
    assert "На дому — программа N 1" in result


def test_a_ticked_answer_that_stands_alone_with_another_is_refused_at_its_field(client):
    page = client.post("/", data={**ADULT, "impairments": ["motor", "unknown"], "action": "result"}).text
    error = page[page.index('id="q-impairments-error"'):]
    assert "Отметьте «Не знаю» без других ответов или снимите эту отметку." in error[:error.index("</p>")]
    assert 'href="#q-impairments-1"' in page and "Вам могут предложить" not in result_section(page)
    # The answers that stand alone follow GOV.UK's «или».
    field = page[page.index('id="q-impairments"'):page.index('id="q-disability_group"')]
    assert '<div class="sm-divider">или</div>' in field and field.count("data-exclusive") == 1


def test_the_result_says_what_was_derived_and_why(client):
    result = text(result_section(client.post("/", data={**ADULT, "action": "result"}).text))
    assert "Как методика учла ваши ответы" in result
    assert "Вид нарушений развития: множественные нарушения развития" in result and "стр. 804" in result
    assert "Одиночество (одинокий, одиноко проживающий): да" in result
    assert "На дому — программа N 14" in result
    unknown = text(result_section(client.post("/", data={**ADULT, "impairments": "unknown", "action": "result"}).text))
    assert "Без этого ответа методика не называет формы обслуживания" in unknown and "impairment" not in unknown


def test_a_near_miss_on_a_degree_asks_for_the_degree_not_for_yes():
    """«Что изменило бы результат»: a row one degree away needs «степень 1», which is not «да» although
    1 == True in Python (it said «нужно «да»» for a degree)."""
    from socmethod.apps.public.model import result_view
    from socmethod.core.engine import assess
    case = {"category": "elderly", "disability_group": "none", "self_care": {k: 0 for k in LEVELS_SELF_CARE},
            "mobility": {k: 0 for k in LEVELS_MOBILITY}, "medical_indications": False, "lives_alone": True,
            "carer_absent": False, "family_conflict": False, "psychiatrist_recommends": "none"}
    result = assess(case)
    assert [m["needs"] for m in result["near_misses"] if m["column"] == "self_care"] == [[1]]
    shown = [m["needs"] for m in result_view(result)["near_misses"]]
    assert "нужно одно из: степень 1 (сейчас степень 0)" in shown and "нужно «да»" not in shown


def test_a_small_child_is_asked_age_and_the_signs_of_table_3_3_and_told_about_early_help(client):
    """«Малыш до 3 лет…» used to get no question at all and «зависит от ответов, которых нет»."""
    page = client.post("/", data={"category": "early_childhood", "action": "next"}).text
    assert "Сколько ребёнку лет?" in page and "Что из этого относится к ребёнку?" in page
    result = text(result_section(client.post("/", data={"category": "early_childhood", "age_months": "0",
                                                         "early_help_criteria": ["2"], "action": "result"}).text))
    assert "Ранняя помощь (таблица 3.3): нужна ранняя помощь (признаки таблицы под номерами: 2)." in result
    assert "не называет формы обслуживания" not in result                # early help is the answer here
    older = text(result_section(client.post("/", data={"category": "early_childhood", "age_months": "96",
                                                        "early_help_criteria": ["5"], "action": "result"}).text))
    assert "признаки ранней помощи к этому возрасту не относятся" in older


def test_only_a_small_child_is_asked_the_age(client):
    """A disabled child's category says «старше 3 лет» (table 3.2, line 1146): the age and table 3.3's signs
    are asked of a small child only (calculator.toml asked.only)."""
    child = client.post("/", data={"category": "disabled_child", "action": "next"}).text
    assert "Сколько ребёнку лет?" not in child and "Ребёнок-инвалид старше 3 лет" in child


def test_the_age_bands_begin_at_every_bound_the_rules_compare_the_age_with():
    """The age is asked in bands (calculator.toml [age_months]), each standing for its first month: that
    holds only while every bound of table 3.3's rows (under each option of their readings) and of
    `table_age_from_months` begins a band."""
    from socmethod.apps.public.wording import texts
    from socmethod.core.ruleset import bundled_ruleset
    rules = bundled_ruleset()
    starts = {int(code) for code, _ in texts()["age_months"]["options"] if code != "unknown"}

    def values(bound):
        if isinstance(bound, str) and bound.startswith("@"):
            return {o["value"] for o in rules.readings[bound[1:]]["options"].values()}
        return {bound}
    bounds = {v for table in rules.tables.values() if table.kind == "criteria_list" for row in table.rows
              for b in (row.age_from, row.age_to) for v in values(b)}
    bounds |= {v for cat in rules.categories.values() for v in cat.get("table_age_from_months", {}).values()}
    assert 0 in starts and bounds <= starts, sorted(bounds - starts)


def test_on_paper_the_one_of_documents_follow_the_circumstances_they_confirm(client):
    """The printed summary merges the circumstances' lists into «Чем подтвердить обстоятельства»; the
    «Кроме того … одним из документов» of a circumstance came before that heading, its circumstance lost."""
    page = text(client.post("/summary", data={"category": "homeless", "action": "print"}).text)
    confirm = page.index("Чем подтвердить обстоятельства")
    also = page.index("Кроме того, обстоятельство можно подтвердить одним из документов (нет определённого места жительства")
    assert confirm < also


def test_not_knowing_the_difficulties_and_more_shows_what_each_category_could_give(client):
    """«Не знаю» to the difficulties and to other questions: each category's line said «методика не называет
    формы», though its rows hold if the other answers turn out «да» (the API's depends_on)."""
    unknown = {"impairments": ["unknown"], "ipra_social_rehabilitation": "unknown", "family_conflict": "unknown",
               "lives_by_self": "unknown", "relatives_help": "unknown", "couple_living_alone": "unknown"}
    result = text(result_section(client.post("/", data={**ADULT, **unknown, "action": "result"}).text))
    assert ("Множественные нарушения развития: если подтвердятся другие ответы «не знаю»: на дому (N 14); "
            "полустационарная форма с периодом пребывания свыше 4 часов (N 15)") in result
    assert "Нарушения психического развития: по этим ответам методика не называет формы обслуживания." in result


def test_what_depends_on_unknown_answers_names_each_form_once():
    """Rows N 12 and N 13 hold if the person is lonely or the carers are away, with medical indications:
    four lines said it, each programme twice. One line per form and conditions, the «или» inside."""
    from socmethod.apps.public.model import result_view
    from socmethod.core.engine import assess
    case = {"category": "elderly", "disability_group": "II", "self_care": {k: 3 for k in LEVELS_SELF_CARE},
            "mobility": {k: 3 for k in LEVELS_MOBILITY}, "medical_indications": None, "lives_alone": None,
            "carer_absent": None, "family_conflict": None, "psychiatrist_recommends": "none"}
    home = [d for d in result_view(assess(case))["depends"] if d["form"] == "на дому"]
    assert len(home) == 1 and home[0]["ripso"] == [13, 12]
    assert home[0]["when"].count("; или если ") == 1 and "временное отсутствие" in home[0]["when"]


def test_why_a_row_holds_is_said_in_the_rule_datas_words_with_its_abbreviations_intact(client):
    """«Почему» lowered whole labels («в ипра») and named the disability group in words of its own."""
    page = text(result_section(client.post("/", data={**ADULT, "action": "result"}).text))
    assert "рекомендации к социальной реабилитации в ИПРА" in page and "в ипра" not in page
    assert "группа инвалидности: II группа" in page and "уход за собой: степень 2" in page
