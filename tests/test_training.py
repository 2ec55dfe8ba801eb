"""The training kit driven as trainees and a trainer would click: practice feedback (right and wrong),
hiding the reference, CSV results and their aggregation over trainees, case filters, the method explorer,
the route, and the classroom server's access token."""
from __future__ import annotations

import csv
import http.client
import io
import os
import re
import socket
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path

import pytest

from socmethod.apps import training
from socmethod.core.errors import KitError
from socmethod.core.ruleset import bundled_ruleset
from socmethod.core.scales import scale
from socmethod.io.casebank import bundled_case_bank, case_by_id, load_case_bank, select_cases
from socmethod.procedure.deadlines import procedure_deadlines
from socmethod.serving.classroom import classroom_command, is_loopback, resolve_token
from socmethod.serving.classroom import main as classroom_main
from tests.support.processes import stop_session

ROOT = Path(__file__).resolve().parents[1]
BANK = bundled_case_bank()


def reference_answer(case_id: str) -> dict:
    """What a careful specialist answers, taken from the case bank itself (its item scores and its
    `expected` rows and numbers, written from the seed), not from the engine the feedback compares with:
    a row's form is read from the rule table the row id names."""
    entry = case_by_id(BANK, case_id)
    scores = {f"{name}.{item}": v for name in ("self_care", "mobility") if entry.case.get(name)
              for item, v in entry.case[name].items()}
    form_of = {row.id: row.form for table in bundled_ruleset().tables.values() for row in table.rows
               if hasattr(row, "form")}
    forms = list(dict.fromkeys(form_of[rule] for rule in entry.expected["rules"])) or [training.NO_FORM]
    ripso = sorted(set(entry.expected["ripso"]))
    early = sorted(entry.expected.get("early_help", {}).get("criteria", []))
    return {"scores": scores, "forms": forms, "ripso": ", ".join(map(str, ripso)), "early_help": early}


def text_of(html_fragment: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html_fragment)).replace("&lt;", "<").replace("&gt;", ">")


def practice(tmp_path, case_ids, hide=True, session="test-session") -> training.PracticeView:
    plan = training.SessionPlan(session, list(case_ids), hide, "Проверка")
    view = training.PracticeView(plan=plan, directory=tmp_path)
    view.start_button.click()
    return view


# --- the case bank -------------------------------------------------------------------------------------------

def test_case_bank_loads_and_filters():
    assert len(BANK) >= 40
    easy_elderly = select_cases(BANK, categories=["elderly"], difficulties=["easy"])
    assert easy_elderly and all(e.category == "elderly" and e.difficulty == "easy" for e in easy_elderly)
    by_row = select_cases(BANK, rules=["3.1-N11"])
    assert {e.id for e in by_row} >= {"case-009"}
    assert all("3.1-N11" in e.rules for e in by_row)
    gaps = select_cases(BANK, tags=["gap"])
    assert gaps and all("gap" in e.tags for e in gaps)
    both = select_cases(BANK, categories=["elderly", "disabled_child"])
    assert {e.category for e in both} == {"elderly", "disabled_child"}
    assert select_cases(BANK) == list(BANK)


@pytest.mark.parametrize("name, text, fragment, code", [
    ("001-list.yaml", "- 1\n- 2\n", "ожидался YAML-объект", "malformed_file"),
    ("001-broken.yaml", "id: [unclosed\n", "не читается как YAML", "malformed_file"),
    ("Bad Name.yaml", "id: case-001\n", "NNN-slug.yaml", "malformed_file"),
    ("001-short.yaml", "id: case-001\ntitle: x\n", "«story»", "missing_key"),
    ("001-hard.yaml", "id: case-001\ntitle: x\nstory: y\ndifficulty: hardest\ntags: []\ncase: {}\nexpected: {rules: [], ripso: []}\n",
     "hardest", "bad_value"),
])
def test_case_bank_refuses_malformed_files_naming_them(tmp_path, name, text, fragment, code):
    (tmp_path / name).write_text(text, encoding="utf-8")
    with pytest.raises(KitError) as err:
        load_case_bank(tmp_path)
    assert err.value.code == code
    assert name in err.value.message and fragment in err.value.message


def test_case_bank_refuses_a_case_the_engine_would_refuse(tmp_path):
    source = (ROOT / "data" / "cases" / "001-odinokaya-bez-invalidnosti.yaml").read_text(encoding="utf-8")
    (tmp_path / "001-odinokaya-bez-invalidnosti.yaml").write_text(source.replace("hygiene: 0", "hygiene: 7"),
                                                                   encoding="utf-8")
    with pytest.raises(KitError, match="001-odinokaya-bez-invalidnosti.yaml"):
        load_case_bank(tmp_path)


@pytest.mark.parametrize("entry", BANK, ids=[e.id for e in BANK])
def test_every_bank_case_can_be_answered_right(entry):
    fb = training.compare(entry, reference_answer(entry.id))
    assert fb["correct"], entry.id
    assert fb["items_correct"] == fb["items_total"]
    assert "Верно" in training.feedback_html(fb)


# --- practice: a right and a wrong answer -----------------------------------------------------------------------

def test_right_answer_says_correct_and_shows_the_deciding_rows(tmp_path):
    view = practice(tmp_path, ["case-005"])
    assert "Слушатель 1" in view.header.value
    view.fill(reference_answer("case-005"))
    view.submit_button.click()
    page = text_of(view.feedback.value)
    assert "Верно" in page and "Все пункты оценены как в эталоне" in page
    # Seed lines 1133, 1134, 1137, 1138: a lonely elderly woman, group II, degrees 2 and 2.
    for rule, line in (("3.1-N1", 1133), ("3.1-N6", 1134), ("3.1-N4", 1137), ("3.1-N9", 1138)):
        assert f"Строка {rule}" in page and f"стр. {line}" in page
    assert "II, I | 1, 2 | 1, 2 | | V | | | на дому (N 1)" in page      # the row as written in the seed
    assert view.submit_button.disabled and view.next_button.layout.display != "none"


def test_wrong_answer_lists_each_difference_with_the_seed_wording(tmp_path):
    view = practice(tmp_path, ["case-005"])
    answer = reference_answer("case-005")
    answer["scores"]["self_care.hygiene"] = 0
    answer["ripso"] = "1"
    view.fill(answer)
    view.submit_button.click()
    page = text_of(view.feedback.value)
    assert "Есть расхождения" in page and "Верно:" not in page
    levels = scale("self_care", "adult").levels
    assert "Соблюдение личной гигиены" in page
    assert f"вы: 0 — «{levels[0]}»" in page and f"эталон: 2 — «{levels[2]}»" in page
    note = case_by_id(BANK, "case-005").item_notes["self_care.hygiene"]
    assert note in page                                           # why the reference scored so
    assert "Не указано: N 4, N 6, N 9" in page
    assert "Строка 3.1-N1" in page                                # the deciding row is still shown


def test_a_scoring_slip_that_changes_the_decision_is_pointed_out(tmp_path):
    view = practice(tmp_path, ["case-003"])                       # 9 points: the boundary of degree 2
    answer = reference_answer("case-003")
    key = next(k for k, v in answer["scores"].items() if k.startswith("self_care.") and v > 0)
    answer["scores"][key] -= 1
    view.fill(answer)
    view.submit_button.click()
    page = text_of(view.feedback.value)
    assert "С вашими баллами таблица дала бы" in page
    assert "степень 1" in page and "степень 2" in page


def test_incomplete_answer_is_refused_beside_the_button(tmp_path):
    view = practice(tmp_path, ["case-001"])
    view.submit_button.click()
    assert "Оцените все пункты шкал: не оценено 13" in view.error.value
    assert view.feedback.value == "" and not view.session.feedback
    view.fill({**reference_answer("case-001"), "ripso": "два"})
    view.submit_button.click()
    assert "Недопустимое значение «два»" in view.error.value


def test_cases_without_a_row_or_a_table_and_early_help(tmp_path):
    view = practice(tmp_path, ["case-052", "case-047", "case-013"])
    view.fill({"forms": [training.NO_FORM], "ripso": ""})
    view.submit_button.click()
    assert "Верно" in view.feedback.value and "нет таблицы критериев" in view.feedback.value
    view.next_button.click()
    assert set(view.early_checks) == {1, 2, 3, 4, 5}
    view.fill({"forms": [training.NO_FORM], "early_help": [1]})
    view.submit_button.click()
    page = text_of(view.feedback.value)
    assert "Есть расхождения" in page and "критерии — вы: 1; эталон: 1, 2" in page
    view.next_button.click()
    view.fill(reference_answer("case-013"))
    view.submit_button.click()
    assert "Ни одна строка таблицы не подходит" in text_of(view.feedback.value)


# --- hiding the reference --------------------------------------------------------------------------------------

def test_reference_stays_hidden_until_the_answer_is_sent(tmp_path):
    view = practice(tmp_path, ["case-001"], hide=True)
    assert view.reveal_button.layout.display == "none"
    with pytest.raises(KitError):
        view.session.reveal("case-001")
    view.reveal()                                  # a forged click changes nothing
    assert "Эталон" not in view.reference_box.value and "tr-error" in view.reference_box.value
    assert view.feedback.value == ""
    view.fill(reference_answer("case-001"))
    view.submit_button.click()
    assert "Что решает случай" in view.feedback.value


def test_open_reference_is_shown_before_the_answer_and_recorded(tmp_path):
    view = practice(tmp_path, ["case-001"], hide=False)
    assert view.reveal_button.layout.display != "none"
    view.reveal_button.click()
    assert "Эталон" in view.reference_box.value and "N 2" in view.reference_box.value
    view.fill(reference_answer("case-001"))
    view.submit_button.click()
    rows = list(csv.DictReader(io.StringIO(view.session.csv_text()), delimiter=";"))
    assert {r["reference_seen"] for r in rows} == {"1"}


# --- results: CSV, summary, aggregation -----------------------------------------------------------------------

def _read_csv(path: Path) -> list[dict]:
    raw = path.read_bytes()
    assert raw.startswith("\ufeff".encode())                     # Russian Excel needs the BOM
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))


def test_csv_export_has_the_columns_and_a_row_per_item_and_per_case(tmp_path):
    view = practice(tmp_path, ["case-005"])
    view.fill(reference_answer("case-005"))
    view.submit_button.click()
    path = tmp_path / "test-session" / "trainee-01.csv"
    header = path.read_text(encoding="utf-8-sig").splitlines()[0]
    assert header.split(";") == list(training.CSV_COLUMNS)
    rows = _read_csv(path)
    kinds = [r["kind"] for r in rows]
    assert kinds.count("item") == 13 and kinds.count("degree") == 2
    assert kinds.count("forms") == 1 and kinds.count("ripso") == 1 and kinds.count("case") == 1
    assert {r["trainee"] for r in rows} == {"Слушатель 1"} and {r["session"] for r in rows} == {"test-session"}
    ripso = next(r for r in rows if r["kind"] == "ripso")
    assert ripso["given"] == ripso["reference"] == "1|4|6|9" and ripso["correct"] == "1"
    # No name anywhere: only the anonymous label.
    assert not any(re.search(r"[А-ЯЁ][а-яё]+ [А-ЯЁ]\.", r["trainee"]) for r in rows)


def test_summary_at_the_end_of_the_session(tmp_path):
    view = practice(tmp_path, ["case-001", "case-002"])
    view.fill(reference_answer("case-001"))
    view.submit_button.click()
    assert view.next_button.description == "Следующий случай"
    view.next_button.click()
    wrong = reference_answer("case-002")
    wrong["forms"] = ["home"]
    view.fill(wrong)
    view.submit_button.click()
    assert view.next_button.description == "Итоги занятия"
    view.next_button.click()
    page = text_of(view.summary.value)
    assert "Решено верно случаев: 1 из 2" in page
    assert "Скачать мои результаты (CSV)" in view.summary.value
    assert view.case_box.children == ()


def test_a_second_answer_to_the_same_case_does_not_replace_the_first(tmp_path):
    view = practice(tmp_path, ["case-001"])
    first = view.session.submit("case-001", reference_answer("case-001"))
    again = view.session.submit("case-001", {**reference_answer("case-001"), "forms": ["home"], "ripso": "1"})
    assert again is first and first["correct"]


def test_group_results_aggregate_two_trainees(tmp_path):
    plan = training.SessionPlan("gruppa", ["case-005", "case-001"], True)
    one = training.PracticeView(plan=plan, directory=tmp_path)
    two = training.PracticeView(plan=plan, directory=tmp_path)
    assert one.start() == "Слушатель 1" and two.start() == "Слушатель 2"
    one.fill(reference_answer("case-005"))
    one.submit()
    wrong = reference_answer("case-005")
    wrong["scores"]["self_care.hygiene"] = 1
    wrong["ripso"] = "1, 4"
    two.fill(wrong)
    two.submit()
    rows, warnings = training.read_results(tmp_path / "gruppa")
    assert not warnings
    agg = training.aggregate(rows)
    assert [t["trainee"] for t in agg["trainees"]] == ["Слушатель 1", "Слушатель 2"]
    assert [(t["cases"], t["correct"]) for t in agg["trainees"]] == [(1, 1), (1, 0)]
    case = next(c for c in agg["cases"] if c["key"] == "case-005")
    assert (case["wrong"], case["total"]) == (1, 2)
    hygiene = next(i for i in agg["items"] if i["key"] == "self_care.hygiene")
    assert (hygiene["wrong"], hygiene["total"]) == (1, 2) and hygiene["answers"]["1"] == 1
    assert agg["items"][0]["key"] == "self_care.hygiene"          # the worst item comes first
    ripso = next(d for d in agg["decisions"] if d["kind"] == "ripso")
    assert (ripso["wrong"], ripso["total"]) == (1, 2)

    trainer = training.TrainerView(directory=tmp_path)
    trainer.session_select.value = "gruppa"
    trainer.refresh_button.click()
    report = trainer.report.value
    assert "Слушатель 1" in report and "Слушатель 2" in report
    charts = re.findall(r"<svg.*?</svg>", report, flags=re.S)
    assert len(charts) == 3                        # cases, decisions, items: drawn charts, not CSS bars
    assert "Соблюдение личной гигиены" in charts[2] and "1 из 2" in charts[2]
    trainer.export_button.click()
    exported = _read_csv(tmp_path / "gruppa" / "itogi-gruppa.csv")
    assert {r["Слушатель"] for r in exported} == {"Слушатель 1", "Слушатель 2"}
    assert "Скачать CSV" in trainer.export_html.value
    # The export is not mistaken for a trainee's file on the next refresh.
    assert len(training.read_results(tmp_path / "gruppa")[0]) == len(rows)


def test_a_broken_results_file_is_reported_not_fatal(tmp_path):
    session = tmp_path / "s1"
    session.mkdir()
    (session / "trainee-01.csv").write_text("a;b\n1;2\n", encoding="utf-8")
    rows, warnings = training.read_results(session)
    assert rows == [] and "trainee-01.csv" in warnings[0]
    assert "trainee-01.csv" in training.group_report_html(rows, warnings)


# --- trainer mode ---------------------------------------------------------------------------------------------

def test_trainer_picks_cases_and_the_practice_page_uses_them(tmp_path):
    trainer = training.TrainerView(directory=tmp_path)
    assert len(trainer.case_checks) == len(BANK) and not trainer.chosen_cases()      # a long list: the trainer picks
    trainer.set_filters(categories=["elderly"], difficulties=["easy"])
    assert set(trainer.case_checks) == {e.id for e in select_cases(BANK, categories=["elderly"], difficulties=["easy"])}
    assert trainer.chosen_cases() == list(trainer.case_checks)                        # a short one is taken whole
    trainer.set_filters(rules=["3.2-sensory-residential_temporary"])
    assert set(trainer.case_checks) == {"case-031", "case-045", "case-059"}
    trainer.case_checks["case-045"].value = False
    trainer.case_checks["case-059"].value = False
    trainer.hide_reference.value = False
    trainer.session_name.value = "zanyatie-1"
    trainer.save_button.click()
    assert "начато" in trainer.plan_status.value
    plan = training.current_plan(tmp_path)
    assert (plan.id, plan.case_ids, plan.hide_reference) == ("zanyatie-1", ["case-031"], False)
    view = training.PracticeView(directory=tmp_path)
    view.start_button.click()
    assert view.session.plan.id == "zanyatie-1" and view.entry.id == "case-031"
    assert (tmp_path / "zanyatie-1" / "trainee-01.csv").is_file()


def test_trainer_refuses_a_bad_session_code_or_no_cases(tmp_path):
    trainer = training.TrainerView(directory=tmp_path)
    trainer.session_name.value = "Занятие 1"
    trainer.save_button.click()
    assert "tr-error" in trainer.plan_status.value and "латинские буквы" in trainer.plan_status.value
    trainer.session_name.value = "ok-1"
    for box in trainer.case_checks.values():
        box.value = False
    trainer.save_button.click()
    assert "не выбран ни один случай" in trainer.plan_status.value
    assert not (tmp_path / "current.json").exists()


def test_a_plan_naming_a_missing_case_is_reported_on_the_page(tmp_path):
    view = training.PracticeView(plan=training.SessionPlan("s", ["case-999"]), directory=tmp_path)
    view.start_button.click()
    assert "Занятие не открылось" in view.header.value and "case-999" in view.header.value
    assert view.session is None


def test_trainer_sees_a_session_that_appeared_after_the_page_opened(tmp_path):
    trainer = training.TrainerView(directory=tmp_path)
    assert trainer.session_select.options == ()
    view = practice(tmp_path, ["case-001"], session="pozzhe")
    view.fill(reference_answer("case-001"))
    view.submit_button.click()
    trainer.refresh_button.click()
    assert trainer.session_select.value == "pozzhe" and "Слушатель 1" in trainer.report.value


def test_without_a_trainer_the_practice_page_uses_the_self_study_set(tmp_path):
    plan = training.current_plan(tmp_path)
    assert plan.id == training.DEFAULT_PLAN.id and plan.case_ids
    for case_id in plan.case_ids:
        case_by_id(BANK, case_id)


# --- the method and the route ----------------------------------------------------------------------------------

def test_method_explorer_shows_degree_and_lights_up_rows():
    explorer = training.MethodExplorer()
    assert "степень 0" in explorer.scale_html.value
    explorer.set_scores({f"self_care.{k}": 1 for k in scale("self_care", "adult").keys})     # 8 points
    assert "8 из 24 баллов" in explorer.scale_html.value and "степень 1" in explorer.scale_html.value
    explorer.set_scores({"self_care.hygiene": 2})                                               # 9 points
    assert "степень 2" in text_of(explorer.scale_html.value)
    explorer.set_scores({f"mobility.{k}": 2 for k in ("shopping", "transport", "outdoor_walk")})
    explorer.group.value = "II"
    explorer.flags["lives_alone"].value = True
    table = explorer.table_html.value
    assert re.search(r"<tr class=[\"']tr-match[\"']><td[^>]*>3\.1-N1<", table)
    assert re.search(r"<tr class=[\"']tr-near[\"']><td[^>]*>3\.1-N13<", table)           # fails only on medical indications
    explorer.flags["medical_indications"].value = True
    assert re.search(r"<tr class=[\"']tr-match[\"']><td[^>]*>3\.1-N13<", explorer.table_html.value)
    explorer.category.value = "disabled_child"
    assert "дети-инвалиды старше 3 лет" in explorer.items_box.children[0].value
    assert len(explorer.item_controls) == 8


def test_row_statuses_mark_the_failing_cell():
    profile = {"category": "elderly", "disability_group": "III", "self_care": 2, "mobility": 2,
               "medical_indications": False, "lives_alone": True, "carer_absent": False, "family_conflict": False,
               "psychiatrist_recommends": "none"}
    rows = {r["rule"]: r for r in training.row_statuses(profile)}
    assert rows["3.1-N1"]["status"] == "near" and rows["3.1-N1"]["cells"]["disability_group"] is False
    assert rows["3.1-N1"]["cells"]["lives_alone"] is True


def test_route_shows_the_deadlines_of_sections_4_and_5():
    applied = date(2025, 12, 29)
    view = training.RouteView(applied)
    page = text_of(view.output.value)
    plan = {d["id"]: d for d in procedure_deadlines(applied)["deadlines"]}
    for step in ("survey", "conclusion", "decision", "programme", "notification"):
        assert plan[step]["date_text"] in page
    for paragraph in ("п. 4.3", "п. 4.10", "п. 5.4", "п. 5.5", "п. 5.6"):
        assert paragraph in page
    assert "tr-day-off" in view.output.value                       # the New Year holidays are greyed
    view.decided.value = date(2025, 12, 20)
    assert "раньше" in view.output.value and "tr-error" in view.output.value


def _broken_data(tmp_path, monkeypatch, name: str, old: str, new: str) -> None:
    """A copy of data/ with one edit in `name`, made the kit's data for this test."""
    import shutil
    shutil.copytree(ROOT / "data", tmp_path / "data")
    path = tmp_path / "data" / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    monkeypatch.setenv("SOCMETHOD_DATA", str(tmp_path / "data"))


@pytest.mark.parametrize("old, new, fragment, code", [
    ("seed_line = 401", 'seed_line = "401"', "шаг 2.seed_line", "malformed_file"),
    ('deadline = "survey"', 'deadline = "surveyy"', "срок «surveyy» не найден", "malformed_file"),
    ('short = "решение"\n', "", "шаг 4.short", "missing_key"),
])
def test_the_route_is_data_checked_when_loaded(tmp_path, monkeypatch, old, new, fragment, code):
    from socmethod.apps.training.route import route_steps
    assert [s["deadline"] for s in route_steps()][:3] == [None, "survey", "conclusion"]
    _broken_data(tmp_path, monkeypatch, "route.toml", old, new)
    route_steps.cache_clear()
    try:
        with pytest.raises(KitError) as err:
            route_steps()
        assert err.value.code == code
        assert "route.toml" in err.value.message and fragment in err.value.message
    finally:
        route_steps.cache_clear()


def test_the_training_words_are_checked_when_loaded(tmp_path, monkeypatch):
    from socmethod.apps.training.words import texts
    _broken_data(tmp_path, monkeypatch, "training.toml", 'mobility = "Передвижение"\n', "")
    texts.cache_clear()
    try:
        with pytest.raises(KitError) as err:
            texts()
        assert "training.toml" in err.value.message and "scale_short.mobility" in err.value.message
        assert err.value.code == "missing_key"
    finally:
        texts.cache_clear()


def test_labels_come_from_the_rule_data():
    rs = bundled_ruleset()
    assert training.value_text("impairment", "sensory") == rs.fields["impairment"]["labels"]["sensory"]
    assert training.value_text("psychiatrist_recommends", "general") == rs.fields["psychiatrist_recommends"]["labels"]["general"]
    assert training.value_text("lives_alone", None) == rs.spec["answer_words"]["unknown"]
    assert training.value_text("early_help_criteria", [1, 3]) == "критерий 1, критерий 3"
    explorer = training.MethodExplorer(category="disabled_adult")
    assert [label for label, _ in explorer.impairment.options] == list(rs.fields["impairment"]["labels"].values())
    # The explorer asks only what the category's table asks: no disability group for a child.
    explorer.category.value = "disabled_child"
    assert "disability_group" not in explorer.profile() and "impairment" in explorer.profile()


# --- the classroom server --------------------------------------------------------------------------------------

def test_a_token_is_required_beyond_loopback():
    assert is_loopback("127.0.0.1") and is_loopback("localhost") and not is_loopback("0.0.0.0")
    assert resolve_token("127.0.0.1", None) is None
    generated = resolve_token("0.0.0.0", None)
    assert generated and len(generated) >= 10 and generated != resolve_token("0.0.0.0", None)
    assert resolve_token("192.168.1.5", "klass-2026") == "klass-2026"
    with pytest.raises(KitError):
        resolve_token("0.0.0.0", "")
    with pytest.raises(KitError):
        resolve_token("0.0.0.0", "a b")


def test_classroom_command_binds_where_told_and_carries_the_token(tmp_path):
    cmd = classroom_command(tmp_path, "0.0.0.0", 9000, "abcdefgh")
    assert "--Voila.ip=0.0.0.0" in cmd and "--port=9000" in cmd and "--token=abcdefgh" in cmd
    assert not any(a.startswith("--preheat_kernel") for a in cmd)
    assert not any(a.startswith("--token") for a in classroom_command(tmp_path, "127.0.0.1", 9000, None))


def test_classroom_refuses_bad_options_before_starting_anything(capsys, tmp_path):
    assert classroom_main(["--port", "9000", "--trainer-port", "9000", "--results", str(tmp_path)]) == 2
    assert "разные порты" in capsys.readouterr().err
    assert classroom_main(["--host", "0.0.0.0", "--token", "", "--results", str(tmp_path)]) == 2
    assert "только по токену" in capsys.readouterr().err


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(port: int, path: str, deadline: float = 60.0) -> tuple[int, str]:
    """(status, Location) with a hard deadline: Voila's keep-alives would defeat a socket timeout."""
    result: list = []

    def run():
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=deadline)
            conn.request("GET", path)
            resp = conn.getresponse()
            resp.read()
            result.append((resp.status, resp.getheader("Location") or ""))
            conn.close()
        except OSError as exc:
            result.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(deadline)
    if not result:
        pytest.fail(f"GET {path} got no answer within {deadline} s")
    if isinstance(result[0], Exception):
        raise result[0]
    return result[0]


@pytest.fixture()
def classroom(tmp_path):
    port, trainer_port, token = _free_port(), _free_port(), "test-token-42"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)}
    proc = subprocess.Popen([sys.executable, "-m", "socmethod.serving.classroom", "--host", "127.0.0.1", "--port", str(port),
                             "--trainer-port", str(trainer_port), "--token", token, "--results", str(tmp_path)],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                pytest.fail(f"the classroom server stopped: {proc.stderr.read().decode(errors='replace')[-2000:]}")
            try:
                _get(port, "/login", deadline=5)
                _get(trainer_port, "/voila/static/voila.js", deadline=5)
                break
            except (OSError, pytest.fail.Exception):
                time.sleep(0.5)
        else:
            pytest.fail("the classroom server did not answer within 90 s")
        yield port, trainer_port, token
    finally:
        # The server and its two Voila children share the session started above.
        stop_session(proc)
        proc.stderr.close()


@pytest.mark.server
def test_classroom_server_refuses_requests_without_the_token(classroom):
    port, trainer_port, token = classroom
    for path in ("/", "/voila/render/training_practice.ipynb", f"/?token=wrong-{token}"):
        status, location = _get(port, path)
        assert status == 302 and "/login" in location, path           # sent to the token form, nothing served
    status, _ = _get(port, "/voila/api/contents/")
    assert status == 403
    assert _get(port, f"/?token={token}")[0] == 200
    assert _get(port, f"/voila/render/training_practice.ipynb?token={token}")[0] == 200
    # The trainer's page is on loopback only and needs no token there.
    assert _get(trainer_port, "/")[0] == 200


def test_a_trainees_ripso_field_refuses_odd_digits_with_a_message():
    assert training.parse_ripso("N 1; №4 17") == [1, 4, 17]
    for text in ("²", "1, ٣", "4a"):
        with pytest.raises(KitError) as err:
            training.parse_ripso(text)
        assert err.value.code == "bad_value" and err.value.field == "РИПСО"
