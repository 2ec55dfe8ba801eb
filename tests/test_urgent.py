"""Urgent social services: the list of 11 (seed 002), the interview act (seed 003, Appendix 4), the
same-day referral of section 6 (seed 003, lines 457-465).

Every expectation is written by hand from the seeds (lines cited), not from data/urgent.toml.
"""
from __future__ import annotations

import json
import re
from datetime import date, datetime
from pathlib import Path

import pytest

from socmethod.cli.urgent import run as urgent_cli
from socmethod.core.errors import KitError
from socmethod.procedure.urgent import (
    act_services,
    circumstances,
    load_urgent,
    referral,
    services,
    services_for_triggers,
    triggers,
    validate,
)
from socmethod.render.referral import referral_html
from tests.support.seeds import seed_lines

REPO = Path(__file__).resolve().parents[1]

# Seed 002, lines 123-144: (number, first line, last line, title as written, line breaks joined).
SERVICES_002 = [
    (1, 123, 123, "содействие в получении временного жилого помещения"),
    (2, 124, 125, "проведение опроса и первичной социальной диагностики граждан для оценки их реального положения"),
    (3, 126, 127, "содействие в госпитализации получателей социальных услуг, нуждающихся в лечении, в медицинские "
                  "организации"),
    (4, 128, 129, "содействие в восстановлении документов, удостоверяющих личность, включая фотографирование на "
                  "документы"),
    (5, 130, 131, "содействие в поиске родственников и восстановлении утраченных связей с ними"),
    (6, 132, 133, "оказание помощи в подготовке документов, направляемых в различные инстанции по конкретным "
                  "проблемам получателей социальных услуг"),
    (7, 134, 136, "консультирование по вопросам, связанным с правом граждан на социальное обслуживание в "
                  "государственной и негосударственной системах социальных служб и защиту своих интересов"),
    (8, 137, 137, "обеспечение бесплатным горячим питанием или наборами продуктов"),
    (9, 138, 138, "обеспечение одеждой, обувью и другими предметами первой необходимости"),
    (10, 139, 140, "содействие в получении юридической помощи в целях защиты прав и законных интересов получателей "
                   "социальных услуг"),
    (11, 141, 144, "содействие в получении экстренной психологической помощи с привлечением к этой работе психологов "
                   "и священнослужителей, в том числе оказание психологической помощи анонимно с использованием "
                   "телефона доверия"),
]

# Seed 003, Appendix 4, lines 1614-1624: (line, wording, number of the list service it matches).
ACT_8 = [
    (1614, "Консультирование по вопросам социального обслуживания", 7),
    (1614, "Обеспечение бесплатным горячим питанием", 8),
    (1616, "Обеспечение набором продуктов", 8),
    (1617, "Обеспечение одеждой, обувью и другими предметами первой необходимости", 9),
    (1621, "Содействие в получении юридической помощи в целях защиты прав и законных интересов получателей "
           "социальных услуг", 10),
    (1622, "Содействие в получении временного жилого помещения", 1),
    (1623, "Содействие в получении экстренной психологической помощи с привлечением к этой работе психологов и "
           "священнослужителей", 11),
    (1624, "Оказание консультационной психологической помощи, в том числе анонимно с использованием телефона "
           "доверия", 11),
]

# The public situations and the list numbers each calls for (readings recorded in data/urgent.toml).
TRIGGERS = {
    "no_housing": [1],
    "no_food": [8],
    "no_clothes": [9],
    "documents_lost": [4],
    "needs_treatment": [3],
    "lost_relatives": [5],
    "paperwork": [6],
    "rights_unclear": [7],
    "legal_problem": [10],
    "psychological_crisis": [11],
    "violence": [10, 11],
    "disaster_or_theft": [],
}


def numbers(items) -> list[int]:
    return [s["number"] for s in items]


def ids_of(*nums: int) -> list[str]:
    by_number = {s["number"]: s["id"] for s in services()}
    return [by_number[n] for n in nums]


# ------------------------------------------------------------------------------------------ the list

def test_the_eleven_services_are_those_of_seed_002():
    got = services()
    assert len(got) == 11
    assert [(s["number"], s["line"], s["line_end"], s["title"]) for s in got] == [
        (n, a, b, t[0].upper() + t[1:]) for n, a, b, t in SERVICES_002]
    assert {s["seed"] for s in got} == {"002_e06ce3b13dd67f0d.txt"}
    assert len({s["id"] for s in got}) == 11
    assert all(s["public"] and s["public"] != s["title"] for s in got)


def test_the_data_titles_are_the_seed_text():
    lines = seed_lines("002_e06ce3b13dd67f0d.txt")
    for svc in load_urgent()["service"]:
        text = " ".join(lines[svc["line"] - 1: svc["line_end"]])
        text = re.sub(r"\s+", " ", text).strip()
        assert text == f"{svc['number']}. {svc['title']}" + (";" if svc["number"] < 11 else "."), svc["id"]


# ------------------------------------------------------------------------------------------ the act

def test_the_eight_act_services():
    got = act_services()
    assert [(b["line"], b["title"]) for b in got] == [(line, title) for line, title, _ in ACT_8]
    by_id = {s["id"]: s["number"] for s in services()}
    assert [by_id[b["service"]] for b in got] == [n for _, _, n in ACT_8]
    assert all(b["reading"] for b in got)


def test_act_wording_is_in_the_seed():
    lines = seed_lines()
    assert "Акт собеседования для оказания срочных социальных услуг" in lines[1601]
    for line, title, _ in ACT_8:
        assert title in lines[line - 1], (line, title)


def test_services_not_on_the_act():
    off = [s["number"] for s in services() if not s["act_boxes"]]
    assert off == [2, 3, 4, 5, 6]
    assert sorted(load_urgent()["act_findings"]["not_on_act"]) == sorted(ids_of(2, 3, 4, 5, 6))


def test_act_circumstances():
    got = {c["id"]: c for c in circumstances()}
    # line 1607, 1609, 1610, 1612
    assert {k for k in got if k.startswith("disability.")} == {"disability.yes", "disability.disabled_child",
                                                               "disability.no"}
    assert len([k for k in got if k.startswith("social_status.")]) == 9
    assert got["social_status.homeless"]["footnote"] == 1
    assert got["social_status.unemployed"]["footnote"] == 2
    assert [got[k]["label"] for k in got if k.startswith("family_status.")] == [
        "одинокий", "одиноко проживающий", "одиноко проживающая супружеская пара", "проживает в семье"]
    assert got["material_hardship"]["line"] == 1612 and got["material_hardship"]["footnote"] == 3
    # personal fields of the act exist in the data but never become circumstances
    fields = load_urgent()["fields_by_id"]
    assert fields["full_name"]["personal"] and fields["birth_date"]["personal"]
    assert not any(c["field"] in ("full_name", "birth_date") for c in got.values())


def test_procedure_facts_cite_section_6():
    proc = load_urgent()["procedure_by_id"]
    assert (proc["decision_on_application"]["paragraph"], proc["decision_on_application"]["line"]) == ("6.1", 459)
    assert (proc["referral_prepared_same_day"]["paragraph"], proc["referral_prepared_same_day"]["line"]) == ("6.2", 463)
    assert (proc["referral_issued_same_day"]["paragraph"], proc["referral_issued_same_day"]["line"]) == ("6.3", 465)
    assert (proc["no_programme"]["paragraph"], proc["no_programme"]["line"]) == ("1.4", 139)
    assert (proc["no_five_day_term"]["paragraph"], proc["no_five_day_term"]["line"]) == ("5.4", 447)


# ------------------------------------------------------------------------------------------ triggers

def test_the_trigger_list():
    assert [t["id"] for t in triggers()] == list(TRIGGERS)
    assert all(t["basis"] for t in triggers())


@pytest.mark.parametrize("trigger, expected", list(TRIGGERS.items()))
def test_each_trigger_gives_its_services(trigger, expected):
    got = services_for_triggers([trigger])
    assert numbers(got) == expected
    assert all(s["because"] == [trigger] for s in got)


def test_triggers_combine_in_list_order_without_repeats():
    got = services_for_triggers(["violence", "no_food", "psychological_crisis", "no_housing", "no_food"])
    assert numbers(got) == [1, 8, 10, 11]
    assert {s["number"]: s["because"] for s in got}[11] == ["violence", "psychological_crisis"]
    assert services_for_triggers([]) == []


@pytest.mark.parametrize("bad", ["nope", "", "s01_temporary_housing", None])
def test_unknown_trigger_refused(bad):
    with pytest.raises(KitError) as exc:
        services_for_triggers(["no_food", bad])
    assert exc.value.code == "bad_value" and exc.value.field == "triggers"


# ------------------------------------------------------------------------------------------ referral

def test_referral_is_dated_the_day_of_the_request():
    day = date(2026, 3, 10)
    r = referral(["family_status.lives_alone", "material_hardship"], ids_of(8, 1), day)
    assert r["date"] == "2026-03-10" and r["date_ru"] == "10 марта 2026 г."
    assert r["deadline"]["prepared"] == r["deadline"]["issued"] == "2026-03-10"
    assert r["same_day"] is True
    assert numbers(r["services"]) == [1, 8]        # in the list's order, whatever the order given
    assert [c["id"] for c in r["circumstances"]] == ["family_status.lives_alone", "material_hardship"]
    assert r["programme"]["drawn_up"] is False and "ИППСУ" in r["programme"]["text"]
    assert {b["paragraph"] for b in r["basis"]} >= {"6.1", "6.2", "6.3", "1.4"}
    assert "ЦОСО" in r["where"]["office"] and "район" in r["where"]["office"].lower()
    assert r["where"]["call_centre"] == "(812) 576-05-76"
    json.dumps(r, ensure_ascii=False)               # JSON-ready


def test_referral_defaults_to_today_and_takes_a_datetime():
    assert referral([], ids_of(7))["date"] == date.today().isoformat()
    assert referral([], ids_of(7), datetime(2026, 1, 13, 23, 59))["date"] == "2026-01-13"


def test_referral_on_a_weekend_keeps_the_day_and_says_bureaus_are_closed():
    r = referral([], ids_of(8), date(2026, 3, 7))   # a Saturday
    assert r["date"] == "2026-03-07"
    assert any("суббот" in n for n in r["notes"])


def test_referral_notes_services_without_an_act_box():
    r = referral([], ids_of(4, 8), date(2026, 3, 10))
    assert any("N 4" in n for n in r["notes"])
    assert not any("N 4" in n for n in referral([], ids_of(8), date(2026, 3, 10))["notes"])


def test_unknown_service_refused():
    with pytest.raises(KitError) as exc:
        referral([], ["s12_nothing"], date(2026, 3, 10))
    assert exc.value.code == "unknown_service" and exc.value.field == "services"


def test_unknown_circumstance_refused():
    with pytest.raises(KitError) as exc:
        referral(["full_name"], ids_of(1), date(2026, 3, 10))     # a personal field is no circumstance
    assert exc.value.code == "bad_value" and exc.value.field == "circumstances"


def test_two_options_of_a_single_choice_refused():
    with pytest.raises(KitError) as exc:
        referral(["disability.yes", "disability.no"], ids_of(1), date(2026, 3, 10))
    assert exc.value.code == "bad_value"
    referral(["social_status.elderly", "social_status.homeless"], ids_of(1), date(2026, 3, 10))  # multi is fine


def test_referral_needs_a_service():
    with pytest.raises(KitError) as exc:
        referral(["material_hardship"], [], date(2026, 3, 10))
    assert exc.value.field == "services"


def test_bad_date_refused():
    with pytest.raises(KitError) as exc:
        referral([], ids_of(1), "2026-03-10")
    assert exc.value.code == "bad_date"


# ------------------------------------------------------------------------------------------ HTML

def test_html_escapes_and_has_no_personal_values():
    r = referral(["family_status.single"], ids_of(1, 11), date(2026, 3, 10))
    page = referral_html(r)
    assert "10 марта 2026 г." in page
    assert "Содействие в получении временного жилого помещения" in page
    assert "(812) 576-05-76" in page and "ИППСУ" in page
    assert "Ф.И.О.): ____" in page and "(подпись)" in page           # blanks, filled at the bureau

    hostile = dict(r, full_name="Иванов Иван Иванович", birth_date="01.01.1950", name="Петров",
                   services=[{"title": "<script>alert('x')</script> & «кавычки»"}],
                   circumstances=[{"field_label": "Семейный статус", "label": "<b>одинокий</b>"}])
    page = referral_html(hostile)
    assert "<script>" not in page and "&lt;script&gt;" in page and "&amp;" in page
    assert "<b>одинокий</b>" not in page and "&lt;b&gt;одинокий&lt;/b&gt;" in page
    for value in ("Иванов", "01.01.1950", "Петров"):
        assert value not in page


# ------------------------------------------------------------------------------------------ CLI

def run(capsys, *argv):
    code = urgent_cli(list(argv))
    return code, json.loads(capsys.readouterr().out)


def test_cli_referral(capsys):
    code, out = run(capsys, "--trigger", "no_housing", "disaster_or_theft", "--service", ids_of(4)[0],
                    "--date", "2026-03-10")
    assert code == 0
    assert out["date"] == "2026-03-10"
    assert numbers(out["services"]) == [1, 4]
    assert [c["id"] for c in out["circumstances"]] == ["material_hardship"]
    assert [s["id"] for s in out["situations"]] == ["no_housing", "disaster_or_theft"]


@pytest.mark.parametrize("argv, code_name", [
    (["--trigger", "nope"], "bad_value"),
    (["--service", "s99"], "unknown_service"),
    (["--trigger", "no_food", "--date", "2026-02-30"], "bad_date"),
    (["--trigger", "no_food", "--circumstance", "x"], "bad_value"),
    (["--trigger", "disaster_or_theft"], "bad_argument"),   # no service at all
    ([], "bad_argument"),
    (["--bogus"], "bad_argument"),
])
def test_cli_errors(capsys, argv, code_name):
    code, out = run(capsys, *argv)
    assert code == 2
    assert out["error"]["code"] == code_name and out["error"]["message"]


# ------------------------------------------------------------------------------------------ data checks

def test_validate_refuses_broken_data():
    import copy
    import tomllib

    from socmethod.core.resources import data_path
    raw = tomllib.loads(data_path("urgent.toml").read_text(encoding="utf-8"))
    validate(copy.deepcopy(raw))
    broken = copy.deepcopy(raw)
    broken["service"].pop()
    with pytest.raises(KitError, match="11"):
        validate(broken)
    broken = copy.deepcopy(raw)
    broken["trigger"][0]["services"] = ["s99"]
    with pytest.raises(KitError):
        validate(broken)
    broken = copy.deepcopy(raw)
    broken["act_service"][0]["service"] = "s99"
    with pytest.raises(KitError):
        validate(broken)


def test_every_word_from_outside_the_seeds_names_its_source():
    """The 112 advice is not in the seeds: the data says where it comes from and that it is not verified."""
    for trigger in load_urgent()["trigger"]:
        if "outside_seed" in trigger:
            assert trigger["outside_seed_source"] and trigger["outside_seed_verified"] is False, trigger["id"]
    situation = referral([], ["s11_emergency_psychological_help"], triggers=["violence"])["situations"][0]
    assert "958" in situation["outside_seed_source"] and situation["outside_seed_verified"] is False
