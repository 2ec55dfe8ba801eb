"""The classroom for a real training day, driven as the trainer and trainees click (issue 15): a session
that survives reloads and cannot be overwritten, a trainee's answers kept across a reload, the projector's
board, the export a trainer opens in Excel, and the printed cards and key (their HTML here; their PDF in
test_cards.py)."""
from __future__ import annotations

import csv
import io
import re

import pytest

from socmethod.apps import training
from socmethod.apps.training.classroom import board, start_page_html
from socmethod.core.errors import KitError
from socmethod.core.ruleset import bundled_ruleset
from socmethod.io.casebank import bundled_case_bank, case_by_id
from socmethod.render.cards import cards_html
from tests.test_training import reference_answer, text_of

BANK = bundled_case_bank()
KEY = "k" * 20                       # a browser key as the start page makes them (any 16-64 url-safe letters)


def _trainee(tmp_path, plan, key=None, answers=()):
    view = training.PracticeView(plan=plan, directory=tmp_path, key=key)
    if view.session is None:
        view.start_button.click()
    for answer in answers:
        view.fill(answer)
        view.submit_button.click()
        view.next_button.click()
    return view


# --- a session that survives -------------------------------------------------------------------------------

def test_a_code_with_results_is_refused_with_a_choice_and_nothing_is_overwritten(tmp_path):
    plan = training.SessionPlan("zanyatie-1", ["case-001", "case-005", "case-002"], True, "Пожилые")
    training.save_plan(plan, tmp_path)
    _trainee(tmp_path, plan, answers=[reference_answer("case-001")])
    with pytest.raises(KitError) as err:
        training.save_plan(training.SessionPlan("zanyatie-1", ["case-013"], True, ""), tmp_path)
    assert err.value.code == "session_has_results" and "zanyatie-1" in err.value.message
    assert "zanyatie-2" in err.value.fix                          # a free code is offered
    assert training.load_plan("zanyatie-1", tmp_path).case_ids == ["case-001", "case-005", "case-002"]

    trainer = training.TrainerView(directory=tmp_path)
    trainer.set_filters(rules=["3.1-N11"])
    trainer.session_name.value = "zanyatie-1"
    trainer.save_button.click()
    assert "уже есть результаты" in trainer.plan_status.value
    assert trainer.choice_box.layout.display != "none"
    assert training.load_plan("zanyatie-1", tmp_path).title == "Пожилые"        # the plan is untouched
    trainer.continue_button.click()
    assert training.current_plan(tmp_path).case_ids == ["case-001", "case-005", "case-002"]
    assert trainer.choice_box.layout.display == "none"
    # The other choice: the same cases under the free code, the running session kept as it is.
    trainer.session_name.value = "zanyatie-1"
    trainer.save_button.click()
    trainer.new_code_button.click()
    assert training.current_plan(tmp_path).id == "zanyatie-2"
    assert training.current_plan(tmp_path).case_ids == trainer.chosen_cases()
    assert len(training.read_results(tmp_path / "zanyatie-1")[0]) > 1


def test_the_trainer_page_shows_the_running_session_after_a_reload(tmp_path):
    plan = training.SessionPlan("utro", ["case-001", "case-005"], True, "Утренняя группа")
    training.save_plan(plan, tmp_path)
    _trainee(tmp_path, plan, answers=[reference_answer("case-001"), reference_answer("case-005")])
    _trainee(tmp_path, plan, answers=[reference_answer("case-001")])
    _trainee(tmp_path, plan)
    reloaded = training.TrainerView(directory=tmp_path)            # a new page: nothing kept in the kernel
    page = text_of(reloaded.current_html.value)
    assert "Идёт занятие «Утренняя группа» (код utro)" in page
    assert case_by_id(BANK, "case-005").title in page
    assert "Слушателей: 3 , закончили все случаи: 1 , ответов: 3" in page       # text_of spaces the <b>


def test_a_trainee_still_on_the_first_case_is_said_so_not_shown_as_0_of_0(tmp_path):
    plan = training.SessionPlan("nachalo", ["case-001"], True, "Начало")
    training.save_plan(plan, tmp_path)
    _trainee(tmp_path, plan, answers=[reference_answer("case-001")])
    _trainee(tmp_path, plan)                                    # joined, nothing answered yet
    trainer = training.TrainerView(directory=tmp_path)
    trainer.session_select.value = "nachalo"
    trainer.refresh()
    page = text_of(trainer.report.value)
    assert "Слушатель 2 решает первый случай, ответов ещё нет" in page and "0 из 0" not in page
    assert "Слушатель 1 1 1" in page


def test_past_sessions_are_listed_with_their_counts_and_can_be_reopened(tmp_path):
    first = training.SessionPlan("vchera", ["case-001"], True, "Вчера")
    training.save_plan(first, tmp_path)
    _trainee(tmp_path, first, answers=[reference_answer("case-001")])
    training.save_plan(training.SessionPlan("segodnya", ["case-005"], True, "Сегодня"), tmp_path)
    trainer = training.TrainerView(directory=tmp_path)
    listed = text_of(trainer.sessions_html.value)
    assert "vchera Вчера" in listed and "segodnya Сегодня" in listed and "текущее" in listed
    assert dict((v, k) for k, v in trainer.session_select.options)["vchera"].endswith("(слушателей: 1)")
    trainer.session_select.value = "vchera"
    trainer.reopen_button.click()
    assert training.current_plan(tmp_path).id == "vchera"
    assert "Идёт занятие «Вчера»" in text_of(trainer.current_html.value)


# --- a trainee's page survives a reload --------------------------------------------------------------------

def test_a_reload_keeps_the_trainees_label_answers_and_place(tmp_path):
    plan = training.SessionPlan("s", ["case-005", "case-001"], True, "")
    training.save_plan(plan, tmp_path)
    other = _trainee(tmp_path, plan, key="o" * 20)
    view = _trainee(tmp_path, plan, key=KEY)
    assert other.session.trainee == "Слушатель 1" and view.session.trainee == "Слушатель 2"
    answer = reference_answer("case-005")
    view.fill(answer)
    view.submit_button.click()
    view.next_button.click()
    partial = {"self_care.hygiene": 1, "mobility.bed": 3}
    view.fill({"scores": partial, "forms": ["home"], "ripso": "2"})

    reloaded = training.PracticeView(plan=plan, directory=tmp_path, key=KEY)     # the same browser, a new kernel
    assert reloaded.session.trainee == "Слушатель 2" and "Вы — Слушатель 2" in reloaded.header.value
    assert reloaded.entry.id == "case-001" and reloaded.start_button.layout.display == "none"
    assert {k: reloaded.item_controls[k].value for k in partial} == partial
    assert reloaded.form_checks["home"].value and reloaded.ripso_text.value == "2"
    assert reloaded.item_controls["self_care.toilet"].value is None              # not ticked stays not ticked
    reloaded.show_case(0)                                            # the answered case shows its feedback
    assert "Верно" in reloaded.feedback.value and reloaded.submit_button.disabled

    # A first visit from another browser is a new trainee; no key (an old link) is one too.
    assert training.PracticeView(plan=plan, directory=tmp_path, key="n" * 20).session is None
    assert training.PracticeView(plan=plan, directory=tmp_path).session is None
    # The key itself is not written down, only its hash.
    assert KEY not in (tmp_path / "s" / "trainee-02.json").read_text(encoding="utf-8")


def test_a_finished_trainee_comes_back_to_their_summary(tmp_path):
    plan = training.SessionPlan("s", ["case-001"], True, "")
    view = _trainee(tmp_path, plan, key=KEY, answers=[reference_answer("case-001")])
    assert "Решено верно случаев: 1 из 1" in text_of(view.summary.value)
    again = training.PracticeView(plan=plan, directory=tmp_path, key=KEY)
    assert "Решено верно случаев: 1 из 1" in text_of(again.summary.value) and again.case_box.children == ()


def test_the_browser_key_comes_from_the_page_address_only_when_well_formed():
    assert training.browser_key(f"trainee={KEY}") == KEY
    assert training.browser_key(f"token=x&trainee={KEY}") == KEY
    assert training.browser_key("trainee=short") is None
    assert training.browser_key("trainee=" + "a" * 15 + "%3Cscript%3E") is None
    assert training.browser_key("") is None


# --- the export ---------------------------------------------------------------------------------------------

def test_the_export_is_one_row_per_trainee_and_case_in_russian(tmp_path):
    plan = training.SessionPlan("gruppa", ["case-005", "case-001"], True, "")
    training.save_plan(plan, tmp_path)
    _trainee(tmp_path, plan, answers=[reference_answer("case-005"), reference_answer("case-001")])
    wrong = reference_answer("case-005")
    wrong["scores"]["self_care.hygiene"] = 1
    wrong["forms"], wrong["ripso"] = ["home", "day_care_up_to_4h"], "1, 4"
    _trainee(tmp_path, plan, answers=[wrong])
    trainer = training.TrainerView(directory=tmp_path)
    trainer.session_select.value = "gruppa"
    path = trainer.export()
    raw = path.read_bytes()
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert list(rows[0]) == list(training.results.EXPORT_COLUMNS)
    assert all(re.search("[А-Яа-я]", h) for h in rows[0])                       # Russian headers only
    assert [(r["Слушатель"], r["Случай"]) for r in rows] == [
        ("Слушатель 1", "case-001"), ("Слушатель 1", "case-005"), ("Слушатель 2", "case-005")]
    forms = bundled_ruleset().forms
    right, mistaken = rows[1], rows[2]
    assert right["Пункты шкал верно"] == "13 из 13" and right["РИПСО — ответ"] == "N 1, N 4, N 6, N 9"
    assert right["Итог"] == "верно" and right["Формы верно"] == "да"
    assert mistaken["Пункты шкал верно"] == "12 из 13" and mistaken["Итог"] == "есть расхождения"
    assert mistaken["Формы — ответ"] == f"{forms['home']}; {forms['day_care_up_to_4h']}"
    assert mistaken["РИПСО верно"] == "нет"
    # Nothing Excel would read as a date, a number or a code.
    for r in rows:
        assert not re.fullmatch(r"\d+/\d+|[\d.,]+", r["Пункты шкал верно"])
        assert not any(code in value for value in r.values() for code in forms if "_" in code)


# --- the projector and the start page -------------------------------------------------------------------------

def test_the_projector_board_shows_who_finished_which_case_and_the_timer(tmp_path):
    plan = training.SessionPlan("proektor", ["case-001", "case-005"], True, "Проектор")
    training.save_plan(plan, tmp_path)
    _trainee(tmp_path, plan, answers=[reference_answer("case-001"), reference_answer("case-005")])
    wrong = reference_answer("case-001")
    wrong["ripso"] = "1"
    wrong["scores"]["self_care.cooking"] = 3
    working = _trainee(tmp_path, plan, answers=[wrong])
    working.fill({"scores": {"self_care.hygiene": 2}})
    _trainee(tmp_path, plan)
    assert board("proektor", tmp_path)["timer"] is None
    training.sessions.set_timer("proektor", 10, tmp_path)
    b = board("proektor", tmp_path)
    assert 590 <= b["timer"] <= 600 and b["finished"] == 1
    assert [(g["trainee"], g["cells"]) for g in b["grid"]] == [
        ("Слушатель 1", ["right", "right"]), ("Слушатель 2", ["wrong", "working"]), ("Слушатель 3", ["working", "none"])]
    html = training.classroom.board_html("proektor", tmp_path)
    assert len(re.findall(r"<svg", html)) == 3 and 'data-timer="' in html
    with pytest.raises(KitError):
        training.sessions.set_timer("proektor", 1000, tmp_path)


def test_the_projector_and_the_case_preview_show_markup_as_markup_not_as_text(tmp_path):
    """Fragments rendered by one template and set into another (the board into the projector page, the
    reference and the deciding rows into the preview) are markup: escaped, they showed as a wall of
    «<div …» text (the projector until its first refresh, the preview always)."""
    plan = training.SessionPlan("proektor", ["case-001"], True, "Проектор")
    training.save_plan(plan, tmp_path)
    _trainee(tmp_path, plan, answers=[reference_answer("case-001")])
    page = training.classroom.projector_html("proektor", tmp_path, address="http://127.0.0.1:8866/")
    escaped_tag = re.compile(r"&lt;/?[a-z][a-z0-9]*[ &]")     # «&lt;*&gt;», the footnote marker, is text
    assert not escaped_tag.search(page) and '<main id="board" aria-live="polite"><div id="board-content"' in page
    trainer = training.TrainerView(directory=tmp_path)
    trainer.preview_select.value = "case-016"
    preview = trainer.preview_html.value
    assert not escaped_tag.search(preview) and "<h4>Эталон</h4>" in preview and "3.1-N" in text_of(preview)


def test_the_start_page_is_russian_links_the_three_pages_and_carries_the_address_as_a_qr_code():
    page = start_page_html("http://192.168.1.5:8866/?token=abcdefghjk", KEY, "Пожилые граждане")
    assert '<html lang="ru">' in page and "Что сделать сначала" in page and "Пожилые граждане" in page
    links = re.findall(r'href="([^"]+)"', page)
    assert links == [f"voila/render/training_practice.ipynb?trainee={KEY}", "voila/render/training_method.ipynb",
                     "voila/render/training_route.ipynb"]
    assert re.search(r"<svg[^>]*class=\"qr\"", page) and "http://192.168.1.5:8866/?token=abcdefghjk" in page
    assert "<script" not in page                                     # plain HTML: nothing runs


# --- printed material ------------------------------------------------------------------------------------------

def test_cards_carry_the_story_and_a_blank_sheet_and_the_key_the_answers():
    cases = ["case-001", "case-016"]
    cards = text_of(cards_html(cases))
    key = text_of(cards_html(cases, with_key=True))
    for case_id in cases:
        entry = case_by_id(BANK, case_id)
        assert entry.story[:60] in cards and entry.title in key
        for rule in entry.expected["rules"]:
            assert rule in key and rule not in cards
        assert training.results.ripso_text(sorted(set(entry.expected["ripso"]))) in key
    assert "Соблюдение личной гигиены" in cards and cards.count("☐") > 40
    assert not re.search(r"\b3\.[12]-", cards)                            # no row id on a card
    assert "РИПСО: N" not in cards and "степень 1" not in cards and "степень 2" not in cards
    assert "Способность к самообслуживанию утрачена" not in cards        # no band wording either
    assert "степень" in key and "В тексте методики" in key
