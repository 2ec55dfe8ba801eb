"""The calculator's logic and widgets, driven as a visitor would click (no browser needed)."""
from __future__ import annotations

import re

import pytest

from socmethod.apps.public.calculator import Calculator
from socmethod.apps.public.model import build_view, case_from_answers, result_view
from socmethod.core.resources import data_dir
from socmethod.render import render

ELDERLY_ANSWERS = {
    "category": "elderly", "disability_group": "II",
    **{f"self_care.{k}": 2 for k in ("hygiene", "toilet", "dressing", "medication", "cooking", "eating",
                                     "housekeeping", "paperwork")},
    **{f"mobility.{k}": 2 for k in ("shopping", "transport", "outdoor_walk", "indoors", "bed")},
    # Lives alone, no relatives who help: «одиноко проживающий» (survey act, line 898) -> «одиночество».
    "medical_indications_kinds": ["none"], "lives_by_self": "yes", "relatives_help": "no", "carer_absent": "no",
    "family_conflict": "no", "psychiatrist_recommends": "none",
}
ADULT_ANSWERS = {**{k: v for k, v in ELDERLY_ANSWERS.items() if k != "category"}, "category": "disabled_adult",
                 "impairments": ["motor"], "ipra_social_rehabilitation": "yes", "social_housing_flat": "no",
                 "needs_social_labour_rehab": "no"}


def test_case_from_answers_maps_plain_answers():
    case = case_from_answers({**ELDERLY_ANSWERS, "family_conflict": "unknown"})
    assert case["lives_by_self"] is True and case["relatives_help"] is False and case["carer_absent"] is False
    assert case["family_conflict"] is None and case["medical_indications_kinds"] == []
    # What the tables read is left to the engine, which derives it from these answers.
    assert case["lives_alone"] is None and case["medical_indications"] is None
    # Who lives alone is not asked whether they live as a couple: that answer is not in the case.
    assert case["couple_living_alone"] is None
    assert case["self_care"]["paperwork"] == 2 and sum(case["mobility"].values()) == 10


def _click_through(calc: Calculator, answers: dict) -> None:
    calc.controls["category"].value = answers["category"]
    for key, value in answers.items():
        if key == "category":
            continue
        if isinstance(value, list):         # a ticked question: tick these answers, untick the others
            for box in calc.controls[key].ticks:
                box.value = box.answer in value
        else:
            calc.controls[key].value = value


def test_lonely_elderly_with_group_ii_gets_home_and_temporary_residential():
    calc = Calculator()
    assert "Ответьте" in calc.result.value
    _click_through(calc, ELDERLY_ANSWERS)
    page = calc.result.value
    # Seed lines 1133/1137: group II, degrees 2 and 2, lonely -> home N 1 and residential temporary N 4.
    assert "На дому" in page and "N 1" in page and "N 4" in page
    assert "стационарная форма при временном проживании".capitalize() in page
    assert "(812) 576-05-76" in page and "не решение" in page


def test_unanswered_questions_are_counted_not_assumed():
    calc = Calculator()
    calc.controls["category"].value = "elderly"
    assert "Осталось ответить" in calc.result.value
    # Only the elderly questions are shown: no impairment, no ИПРА question.
    assert "impairments" not in calc.controls and "ipra_social_rehabilitation" not in calc.controls


def test_unknown_answer_shows_what_the_result_depends_on():
    calc = Calculator()
    _click_through(calc, {**ELDERLY_ANSWERS, "lives_by_self": "unknown", "couple_living_alone": "unknown",
                          "relatives_help": "unknown"})
    assert "Зависит от ответов «не знаю»" in calc.result.value


@pytest.mark.parametrize("category", ["homeless", "minor", "family"])
def test_categories_without_a_table_say_so(category):
    calc = Calculator()
    calc.controls["category"].value = category
    assert "нет таблицы" in calc.result.value


def test_no_recommendation_message():
    html = render("public/result.html.j2", view=result_view({
        "recommendations": [], "depends_on": [], "near_misses": [],
        "rule_set": {"name": "405-р", "effective_date": "2019-07-01", "hash": "x"}, "self_care": None, "mobility": None}))
    assert "методика не называет формы обслуживания" in html


def test_cost_block_free_below_the_limit_and_capped_above():
    calc = Calculator()
    _click_through(calc, ELDERLY_ANSWERS)
    calc.income.value = "20000"
    assert "Сколько это может стоить" in calc.result.value and "бесплатно" in calc.result.value
    calc.income.value = "30000"
    # 2026 pensioners' limit 1.5 x 17 754 = 26 631 (later years fall back to 2026's figures);
    # home: 50 % of (30 000 - 26 631) = 1 684.50 -> 1 685; residential temporary: 75 % of 30 000 = 22 500.
    assert "не более 1 685 ₽ в месяц" in calc.result.value
    assert "не более 22 500 ₽ в месяц" in calc.result.value


@pytest.mark.parametrize("bad", ["-5", "abc", "nan"])
def test_bad_income_is_refused_next_to_its_field(bad):
    calc = Calculator()
    _click_through(calc, ELDERLY_ANSWERS)
    calc.income.value = bad
    assert "sm-error" in calc.income_error.value
    assert "Сколько это может стоить" not in calc.result.value
    calc.income.value = "25000"
    assert calc.income_error.value == ""


def test_free_category_makes_every_form_free():
    calc = Calculator()
    _click_through(calc, ELDERLY_ANSWERS)
    calc.free_category.value = "blockade_badge"
    assert "не более" not in calc.result.value and "бесплатно" in calc.result.value


def test_urgent_situation_puts_same_day_help_first():
    calc = Calculator()
    calc.urgent_checks["no_food"].value = True
    page = calc.result.value
    assert page.startswith('<div class="sm-urgent"')
    assert calc.urgent_now.value.startswith('<div class="sm-urgent"')   # also right under the question
    assert "Срочная помощь — в день обращения" in page and "горячее питание" in page
    _click_through(calc, ELDERLY_ANSWERS)
    assert calc.result.value.index("sm-urgent") < calc.result.value.index("Вам могут предложить")
    calc.urgent_checks["no_food"].value = False
    assert "sm-urgent" not in calc.result.value


def test_documents_to_bring_follow_the_forms():
    calc = Calculator()
    _click_through(calc, ELDERLY_ANSWERS)
    page = calc.result.value
    assert "Какие документы взять" in page
    # Home care needs the family composition (405-р п. 3.1, line 215); residential care the 216н conclusion.
    assert "составе семьи" in page and "216н" in page


def test_print_summary_carries_answers_and_result_and_no_personal_fields():
    import base64
    import re
    calc = Calculator()
    _click_through(calc, ELDERLY_ANSWERS)
    assert "data:text/html" not in calc.result.value and not calc.print_button.disabled
    calc.print_button.click()
    m = re.search(r'href="data:text/html;charset=utf-8;base64,([^"]+)"', calc.summary.value)
    assert m, "the result offers a printable summary"
    doc = base64.b64decode(m.group(1)).decode("utf-8")
    assert "@media print" in doc and "size:A4" in doc
    text = re.sub(r"<[^>]+>", "", doc)
    assert "Вам могут предложить" in text and "На дому — программа N 1" in text
    assert "Группа инвалидности: II группа" in text
    # The bureau's hours (seed 000, lines 94-99) and the deadlines in words go with it.
    assert "13:00–13:48" in text and "обследование — до " in text and " г." in text
    assert not re.search(r"Фамилия|паспорт серии|СНИЛС", doc)
    calc.controls["lives_by_self"].value = "no"
    assert calc.summary.value == ""          # a changed answer withdraws the old summary


def test_who_asks_changes_no_rule_but_a_relative_is_told_what_to_bring_for_themselves():
    calc = Calculator()
    assert "Кому нужна помощь?" in calc.who.children[0].value
    _click_through(calc, ELDERLY_ANSWERS)
    for_self = calc.result.value
    assert "sm-docs-representative" not in for_self          # nobody said a relative applies
    calc.controls["who"].value = "relative"
    page = calc.result.value
    # The same programmes; above the documents, the representative's own (405-р п. 3.1, seed lines 197, 207).
    assert page.count("N 1") == for_self.count("N 1") and page.count("N 4") == for_self.count("N 4")
    note = page[page.index("sm-docs-representative"):page.index("sm-docs-general")]
    assert "полномочия" in note and "Паспорт" in note
    calc.print_button.click()
    assert ("", "Кому нужна помощь?", "Родственнику или знакомому") in calc.answers_list()
    calc.controls["who"].value = "self"
    assert "sm-docs-representative" not in calc.result.value


def test_every_answer_control_sits_in_a_question_box_with_its_text():
    """The page's accessibility script labels each control by the `.sm-qtext` of its `.sm-question` box;
    a control outside such a box would reach a screen reader without its question."""
    import ipywidgets as w
    calc = Calculator()
    _click_through(calc, {**ELDERLY_ANSWERS, "psychiatrist_recommends": "none"})

    def walk(widget, boxes):
        inside = boxes + (["sm-question"] if "sm-question" in getattr(widget, "_dom_classes", ()) else [])
        if isinstance(widget, (w.RadioButtons, w.Text, w.Dropdown, w.Checkbox)):
            yield widget, inside
        for child in getattr(widget, "children", ()):
            yield from walk(child, inside)

    controls = list(walk(calc.page, []))
    assert len(controls) > 25
    assert all(boxes == ["sm-question"] for _, boxes in controls), [c.description for c, b in controls if not b]
    # Each box names its question once, the control's own answers aside.
    for box in (calc.who, calc.category):
        assert box.children[0].value.count('class="sm-qtext"') == 1


def test_print_button_and_summary_are_on_the_page():
    calc = Calculator()
    assert calc.print_button in calc.page.children and calc.summary in calc.page.children
    assert calc.print_button.disabled


def test_violence_tells_to_call_112_on_the_page_and_in_the_summary():
    calc = Calculator()
    calc.urgent_checks["violence"].value = True
    assert "звоните 112" in calc.urgent_now.value and "звоните 112" in calc.result.value
    assert "семени" not in calc.result.value               # the methodologists' note stays in the data
    _click_through(calc, ELDERLY_ANSWERS)
    assert "звоните 112" in calc.prepare_summary()
    calc.urgent_checks["violence"].value = False
    calc.urgent_checks["no_food"].value = True
    # No 112 as a number anywhere (a seed line such as «стр. 1128» is not one).
    assert not re.search(r"(?<!\d)112(?!\d)", calc.result.value + calc.prepare_summary())


def test_summary_deadlines_are_dated_in_words_with_the_year_once():
    from datetime import date

    from socmethod.apps.public.summary import summary_document
    calc = Calculator()
    _click_through(calc, ELDERLY_ANSWERS)
    doc = summary_document(build_view(calc.model_answers(), today=date(2025, 12, 29)))
    # Application on 2025-12-29: survey 2026-01-13 (after the New Year holidays), programme 2026-01-22.
    assert "обследование — до 13 января;" in doc and "до 22 января 2026 г." in doc
    assert doc.count("2026 г.") == 1 and "Расчёт от 29 декабря 2025 г." in doc


def test_every_form_has_a_plain_explanation():
    from socmethod.apps.public.wording import texts
    from socmethod.core.ruleset import bundled_ruleset
    hints = texts()["form_hints"]
    assert set(bundled_ruleset().forms) <= set(hints), set(bundled_ruleset().forms) - set(hints)
    calc = Calculator()
    _click_through(calc, ELDERLY_ANSWERS)
    assert "Что это: социальный работник приходит к человеку домой" in calc.result.value
    assert "РИПСО" in calc.result.value


def test_changing_the_category_closes_the_old_questions():
    from ipywidgets.widgets.widget import _instances  # the live widget models (ipywidgets 8)
    calc = Calculator()
    calc.controls["category"].value = "elderly"
    old_radio = calc.controls["self_care.hygiene"]
    count = len(_instances)
    calc.controls["category"].value = "disabled_adult"
    calc.controls["category"].value = "elderly"
    assert old_radio.comm is None                     # closed: gone from the kernel and the page
    assert calc.controls["self_care.hygiene"] is not old_radio
    assert "impairments" not in calc.controls         # the working-age question went with its category
    assert len(_instances) == count                   # the same questions again, no dead models left


@pytest.mark.parametrize("edit, key", [
    (lambda t: t["where"].pop("summary"), "where.summary"),
    (lambda t: t["form_hints"].pop("home"), "form_hints.home"),
    (lambda t: t["who"]["relative_documents"].append("passport_of_the_moon"), "who.relative_documents"),
    (lambda t: t["deadlines"]["shown"].append(["no_such_step", "x", "y"]), "deadlines.shown"),
    (lambda t: t["category"]["options"].pop(), "category.options"),
    (lambda t: t["levels"]["mobility"].pop(), "levels.mobility"),
    (lambda t: t["questions"]["self_care"].pop("eating"), "questions.self_care.eating"),
    (lambda t: t.__setitem__("title", ""), "title"),
    # The wording of the questions asked one at a time (issue 13).
    (lambda t: t["ticked"]["questions"]["impairments"]["add"].append("perhaps"), "ticked.questions.impairments.add"),
    (lambda t: t["asked"]["when"].__setitem__("lives_by_self", {"unless": {"relatives_help": ["yes"]}}),
     "asked.when.lives_by_self"),
    (lambda t: t["flags"].__setitem__("lives_by_self", {"question": "Один?"}), "flags.lives_by_self"),
    (lambda t: t["page"].__setitem__("exclusive", "Отметьте одно."), "page.exclusive"),
    (lambda t: t["form_hints"].pop("paraphrase"), "form_hints.paraphrase"),
    (lambda t: t["asked"]["optional"].append("no_such_key"), "asked.optional"),
    (lambda t: t.__setitem__("surprise", "x"), "surprise"),
])
def test_a_broken_wording_file_is_refused_naming_the_key(edit, key):
    import copy

    from socmethod.apps.public.wording import check_texts, texts
    from socmethod.core.errors import KitError
    broken = copy.deepcopy(texts())
    edit(broken)
    with pytest.raises(KitError) as err:
        check_texts(broken)
    assert key in str(err.value) and "calculator.toml" in str(err.value)


def test_documents_say_how_they_count_and_keep_every_mark_of_appendix_2():
    import re
    # Form 1 (elderly): each circumstance says its marked documents are needed; the ИПРА carries footnote <2>.
    calc = Calculator()
    _click_through(calc, ELDERLY_ANSWERS)
    page = re.sub(r"<[^>]+>", "", calc.result.value)
    assert "обстоятельство подтверждается документами, отмеченными для него в методике" in page
    # A working-age person with a disability who needs rehabilitation: the ИПРА with footnote <2> (line 1107).
    calc = Calculator()
    _click_through(calc, {**ADULT_ANSWERS, "needs_social_labour_rehab": "yes"})
    page = re.sub(r"<[^>]+>", "", calc.result.value)
    assert "реабилитационные услуги" in page and "В ИПРА должны быть рекомендации по социальной" in page
    # Form 1 footnote <1> (no fixed abode): the alternative documents, one of them (seed lines 1101-1105).
    calc = Calculator()
    calc.controls["category"].value = "homeless"
    page = re.sub(r"<[^>]+>", "", calc.result.value)
    assert "Кроме того, обстоятельство можно подтвердить одним из документов" in page
    # Form 3 (family): "one of" the documents, and the <*> ones are obligatory with their condition.
    calc = Calculator()
    calc.controls["category"].value = "family"
    page = re.sub(r"<[^>]+>", "", calc.result.value)
    assert "достаточно одного из документов" in page
    assert "обязательно (вместе с другими документами), для ребёнка, оставшегося без попечения родителей" in page


def test_phone_and_hours_come_from_the_one_place_that_cites_them(tmp_path, monkeypatch):
    import shutil

    from socmethod.apps.public import calculator
    from socmethod.core.errors import KitError
    from socmethod.procedure import urgent
    facts = urgent.load_urgent()["where"]
    w = calculator.texts()["where"]
    # data/urgent.toml [where] holds the hours with their seed lines (000:94-100, 001:29).
    assert facts["bureau_hours"] in w["hours"] and facts["call_centre_hours"] in w["summary"]
    assert facts["call_centre"] in calculator.texts()["urgent"]["text"] and "{" not in w["text"]
    # An unknown placeholder is refused, naming the key.
    data = tmp_path / "data"
    shutil.copytree(data_dir(), data)
    wording = data / "calculator.toml"
    assert 'hours = "Районные бюро: {bureau_hours}' in wording.read_text(encoding="utf-8")
    wording.write_text(wording.read_text(encoding="utf-8").replace('hours = "Районные бюро: {bureau_hours}', 'hours = "Районные бюро: {bureau_hourz}', 1), encoding="utf-8")
    monkeypatch.setenv("SOCMETHOD_DATA", str(data))
    calculator.texts.cache_clear()
    try:
        with pytest.raises(KitError) as err:
            calculator.texts()
        assert "where.hours" in str(err.value) and "bureau_hourz" in str(err.value)
    finally:
        monkeypatch.delenv("SOCMETHOD_DATA")
        calculator.texts.cache_clear()


# --- issue 13: difficulties, not categories; loneliness one thing at a time; what was derived, and why -----

def _offers(view: dict) -> list[tuple]:
    return [(o["code"], tuple(o["ripso"]), o["rule"]) for o in view["offers"]]


def test_a_disabled_person_is_asked_which_difficulties_they_have_never_a_category():
    from socmethod.apps.public.model import questions
    from socmethod.core.ruleset import bundled_ruleset
    plain = bundled_ruleset().spec["questions"]["impairments"]
    for category in ("disabled_adult", "disabled_child"):
        asked = {q.key: q for q in questions(category)}
        assert "impairment" not in asked
        q = asked["impairments"]
        # The rule set's own question and answers (checked against lines 802-807 in test_derivations), ticked
        # several at once, and «Не знаю» standing alone.
        assert q.many and q.text == plain["question"] == "Какие нарушения здоровья есть у человека? Отметьте все, что есть."
        assert [text for _, text in q.options] == [o["text"] for o in plain["options"].values()] + ["Не знаю"]
        assert q.exclusive == ("unknown",) and q.required
        words = " ".join([q.text, q.hint] + [text for _, text in q.options]).lower()
        assert "множествен" not in words and "трудно ходить, двигать руками или ногами" in words
        assert "зрения или слуха" in words
    # Nowhere in the calculator's wording is a citizen asked to choose «множественные».
    calc = Calculator()
    calc.controls["category"].value = "disabled_adult"
    shown = " ".join(str(getattr(w, "value", "")) + str(getattr(w, "description", ""))
                     for w in _widgets(calc.page))
    assert "ножествен" not in shown


def _widgets(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _widgets(child)


def test_intellectual_with_motor_gets_what_multiple_gets():
    from socmethod.core.engine import assess
    view = build_view({**ADULT_ANSWERS, "impairments": ["intellectual", "motor"]})
    case = case_from_answers({**ADULT_ANSWERS, "impairments": ["intellectual", "motor"]})
    named = assess({**{k: v for k, v in case.items() if k != "impairments"}, "impairment": "multiple"})
    assert view["status"] == "complete"
    assert _offers(view) == [(r["form"], tuple(r["ripso"]), r["rule"]) for r in named["recommendations"]]
    assert [o["rule"] for o in view["offers"]] == ["3.2-multiple-home", "3.2-multiple-day_care_over_4h",
                                                   "3.2-multiple-residential_temporary"]
    # The result says what the kit derived, and from which lines (804: «одновременно нарушения умственного
    # развития и двигательные и/или сенсорные»).
    why = " ".join(view["derived"])
    assert "множественные нарушения развития" in why and "стр. 804" in why
    assert "Как методика учла ваши ответы" in render("public/result.html.j2", view=view)


def test_motor_with_sensory_gets_its_named_reading():
    view = build_view({**ADULT_ANSWERS, "impairments": ["motor", "sensory"]})
    rules = [o["rule"] for o in view["offers"]]
    # Reading impairments_motor_sensory (line 804), default «both»: the rows of the physical and of the sensory
    # impairments, never those of «множественные» (N 14-18).
    assert any(r.startswith("3.2-physical-") for r in rules) and any(r.startswith("3.2-sensory-") for r in rules)
    assert not any(r.startswith("3.2-multiple-") for r in rules)
    why = " ".join(view["derived"])
    assert "Двигательные нарушения (или инвалидность по общему заболеванию) вместе с сенсорными" in why
    assert "обе категории" in why


def test_not_knowing_the_impairments_says_what_to_do_without_a_code():
    calc = Calculator()
    _click_through(calc, {**ADULT_ANSWERS, "impairments": ["unknown"]})
    page = calc.result.value
    assert calc.view["status"] == "undetermined"
    assert "Без этого ответа методика не называет формы обслуживания" in page and "ИПРА, справке МСЭ" in page
    assert "impairment" not in page and "Не заполнено" not in page and "Вам могут предложить" not in page
    assert "Куда обращаться" in page           # where to go is still shown
    # What each category of impairment would give (the commission decides which it is), and the degrees.
    text = re.sub(r"<[^>]+>", "", page)
    assert "Что дали бы таблицы методики при каждой категории нарушений" in text
    assert "Множественные нарушения развития: на дому — программа N 14" in text
    assert "Нарушения психического развития: по этим ответам методика не называет формы обслуживания." in text
    assert "Уход за собой:" in text and "степень" in text


def test_ticking_an_answer_that_stands_alone_unticks_the_others():
    calc = Calculator()
    _click_through(calc, {**ADULT_ANSWERS, "impairments": ["intellectual", "sensory"]})
    boxes = {box.answer: box for box in calc.controls["impairments"].ticks}
    boxes["unknown"].value = True
    assert calc.answers["impairments"] == ["unknown"] and not boxes["intellectual"].value
    boxes["motor"].value = True
    assert calc.answers["impairments"] == ["motor"] and not boxes["unknown"].value
    medical = {box.answer: box for box in calc.controls["medical_indications_kinds"].ticks}
    # Early help is offered for a child only (table 3.3, line 1181).
    assert "early_help" not in medical and set(medical) >= {"constant_care", "alarm_button", "ipra", "none", "unknown"}
    medical["constant_care"].value = True
    assert calc.answers["medical_indications_kinds"] == ["constant_care"]


def test_loneliness_is_asked_one_thing_at_a_time():
    from socmethod.apps.public.model import missing, questions
    calc = Calculator()
    calc.controls["category"].value = "elderly"
    keys = [q.key for q in questions("elderly")]
    assert "lives_alone" not in keys
    assert keys.index("lives_by_self") < keys.index("couple_living_alone") < keys.index("relatives_help")
    couple = calc.conditional["couple_living_alone"][1]
    assert couple.layout.display == ""                 # not answered yet: the question is there
    calc.controls["lives_by_self"].value = "yes"
    assert couple.layout.display == "none"             # who lives alone is no couple living alone
    left = [q.key for q in missing(calc.model_answers())]
    assert "couple_living_alone" not in left and "relatives_help" in left
    calc.controls["lives_by_self"].value = "no"
    assert couple.layout.display == ""
    # A couple living alone without helping relatives is «одиночество» (reading loneliness_couple, line 784):
    # the lonely 78-year-old's programmes, home N 1 and temporary residential N 4.
    _click_through(calc, {**ELDERLY_ANSWERS, "lives_by_self": "no", "couple_living_alone": "yes"})
    offers = [(o["code"], o["ripso"]) for o in calc.view["offers"]]
    assert ("home", [1]) in offers and ("residential_temporary", [4]) in offers
    assert "одиноко проживающая супружеская пара" in " ".join(calc.view["derived"])
    # Living with the family: not lonely, so no N 1.
    _click_through(calc, {**ELDERLY_ANSWERS, "lives_by_self": "no", "couple_living_alone": "no"})
    assert ("home", [1]) not in [(o["code"], o["ripso"]) for o in calc.view["offers"]]
    # A disabled child too, without the spouse question: a child not living alone lives in a family.
    child = [q.key for q in questions("disabled_child")]
    assert "lives_alone" not in child and "couple_living_alone" not in child
    assert child.index("lives_by_self") < child.index("relatives_help")


def test_medical_indications_are_asked_by_kind():
    calc = Calculator()
    _click_through(calc, {**ELDERLY_ANSWERS, "medical_indications_kinds": ["constant_care"]})
    assert calc.view["status"] == "complete"
    assert "Наличие медицинских показаний: да" in " ".join(calc.view["derived"])
    _click_through(calc, {**ELDERLY_ANSWERS, "medical_indications_kinds": ["unknown"]})
    assert calc.view["status"] == "complete"
    assert "Наличие медицинских показаний" not in " ".join(calc.view["derived"])   # nothing to derive from


def test_figures_from_outside_the_seeds_are_gone_or_sourced():
    from socmethod.apps.public.wording import texts
    t = texts()
    words = repr(t)
    # 405-р names no pension age and no МФЦ (issue 13.6): the page says only what the seed supports.
    assert "55 лет" not in words and "60 лет" not in words and "МФЦ" not in words
    assert "законный представитель" in t["where"]["text"] and "по почте" in t["where"]["text"]
    assert "п. 2.1 и 2.3" in t["where"]["sources"]
    # The forms' explanations retell 442-ФЗ ст. 19: marked a paraphrase in the data and where shown.
    assert t["form_hints"]["paraphrase"] is True and t["form_hints"]["verified"] is False
    calc = Calculator()
    _click_through(calc, ELDERLY_ANSWERS)
    assert "пересказ простыми словами ст. 19 Федерального закона от 28.12.2013 N 442-ФЗ, не текст закона" in calc.result.value


@pytest.mark.parametrize("old, new, code, place", [
    ("paraphrase = true", 'paraphrase = "да"', "rule_set_invalid", "form_hints.paraphrase"),
    ('show_result = "', 'show_resultz = "', "unknown_key", "page.show_resultz"),
    ('[ticked.questions.impairments]\nadd = ["unknown"]', '[ticked.questions.impairments]\nadd = ["unknown", "maybe"]',
     "bad_value", "ticked.questions.impairments.add[2]"),
    ('"relatives_help", ', '"relatives_helps", ', "rule_set_invalid", "asked.optional[7]"),
])
def test_the_wording_file_is_checked_by_the_one_checker_when_loaded(tmp_path, monkeypatch, old, new, code, place):
    """data/calculator.toml is refused when it is loaded (make app, make web), as the catalogue says, naming
    the place in the checker's dotted style."""
    import shutil

    from socmethod.apps.public import wording
    from socmethod.core.errors import KitError
    data = tmp_path / "data"
    shutil.copytree(data_dir(), data)
    path = data / "calculator.toml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    monkeypatch.setenv("SOCMETHOD_DATA", str(data))
    wording.texts.cache_clear()
    try:
        with pytest.raises(KitError) as err:
            wording.texts()
        assert (err.value.code, err.value.field) == (code, place)
        assert "calculator.toml" in err.value.message
    finally:
        monkeypatch.delenv("SOCMETHOD_DATA")
        wording.texts.cache_clear()
