"""The readings of the unclear places (`socmethod readings`, with --impact), the findings reported beside the
gaps (`socmethod gaps`), the tables' headers as the seed prints them, and both evaluators agreeing under
the readings issue 13 added. Seed lines and texts quoted here are copied from seeds/003_3a3aa5f907c0671e.txt."""
from __future__ import annotations

import csv
import json
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from socmethod import bundled_ruleset, evaluate_profile
from socmethod.analysis.changes import apply_change_file
from socmethod.analysis.readings import derivation_impact, impact
from socmethod.analysis.space import findings
from socmethod.cli import main
from tests.support import synthetic
from tests.test_changes import change_files, evaluators_agree

RULES = bundled_ruleset()

# reading -> (its seed line, the words of that line it is about)
READING_LINES = {
    "empty_cell": (1120, "Таблица для заполнения Комиссией"),
    "star_footnote": (1142, "<*> Наличие одного из критериев."),
    "psychiatrist_note": (1177, "может содержать указание"),
    "early_help_upper_age": (1187, "после 3, но не старше 7-8 лет"),
    "early_help_upper_age_5": (1188, "после 3 до 7-8 лет"),
    "row_1160": (1160, "II, III 2, 3 V V <***>"),
    "row_1165": (1165, "N 23, N 30 (при проживании в квартире социального назначения)"),
    "ipra_column": (1150, "Рекомендации к социальной реабилитации в ИПРА (при наличии)"),
    "conditional_number": (1165, "N 23, N 30 (при проживании в квартире социального назначения)"),
    "impairments_motor_sensory": (804, "нарушения умственного развития и двигательные и/или сенсорные нарушения"),
    "impairments_intellectual_general_disease": (804, "нарушения умственного развития и двигательные и/или сенсорные нарушения"),
    "impairments_mental_with_other": (794, "инвалиды трудоспособного возраста с психическими нарушениями"),
    "impairments_child_general_disease": (807, "дети-инвалиды старше 3 лет с нарушениями опорно-двигательного аппарата"),
    "loneliness_couple": (784, "одиноко проживающие супружеские пары"),
    "loneliness_helping_relatives": (898, "одинокий"),
    "medical_indications_31": (1128, "Наличие медицинских показаний"),
    "medical_indications_32": (1154, "Наличие медицинских показаний"),
}
# The defaults that keep the kit's earlier answers (issue 13, item 3).
EARLIER = {"ipra_column": "required", "conditional_number": "added", "row_1160": "mobility_lost",
           "early_help_upper_age": "under_8", "early_help_upper_age_5": "under_8"}


def _json(capsys, argv) -> dict:
    assert main(argv) == 0
    return json.loads(capsys.readouterr().out)


def test_readings_are_listed_with_their_lines(capsys):
    out = _json(capsys, ["readings"])["readings"]
    assert set(out) == set(READING_LINES)
    for name, (line, _words) in READING_LINES.items():
        entry = out[name]
        assert entry["seed_line"] == line, name
        assert entry["default"] in entry["options"] and entry["why"] and entry["title"]
        assert entry["used_by"]
    for name, option in EARLIER.items():
        assert out[name]["default"] == option
    assert set(out["row_1160"]["options"]) == {"mobility_lost", "group_lost", "self_care_lost"}
    assert set(out["ipra_column"]["options"]) == {"required", "if_ipra_exists", "not_required"}
    assert set(out["conditional_number"]["options"]) == {"added", "replacing"}
    assert out["impairments_motor_sensory"]["used_by"] == ["derive"] and out["row_1160"]["used_by"] == ["tables"]


def test_readings_name_filter_and_an_unknown_name(capsys):
    out = _json(capsys, ["readings", "--name", "row_1160"])
    assert list(out["readings"]) == ["row_1160"] and "impact" not in out
    assert main(["readings", "--name", "row_9999"]) == 2
    error = json.loads(capsys.readouterr().out)["error"]
    assert error["code"] == "unknown_reading" and error["field"] == "row_9999"


def test_impact_of_a_table_reading():
    """row_1160 = group_lost against mobility_lost. Counted by hand: the row holds in one reading and not the
    other where group ∈ {II, III} differs from mobility ∈ {2, 3} (8 of the 16 pairs), with multiple,
    self-care 2-3 (2), ИПРА, medical indications, a conclusion naming either type (2) and any of the 5 other
    flags (32): 8·2·2·32 = 1024 adult points; a child has no group column: mobility 0-1 with self-care 2-3
    (2·2), psychiatrist (2), loneliness, carers, conflict (8): 64."""
    entry = impact(RULES, ["row_1160"])["row_1160"]
    assert entry["used_by"] == ["tables"] and entry["seed_line"] == 1160
    group_lost = entry["options"]["group_lost"]["space"]
    assert group_lost["elderly"]["changed"] == 0
    assert group_lost["disabled_adult"]["changed"] == 1024
    assert group_lost["disabled_child"]["changed"] == 64
    assert group_lost["table 3.3"]["changed"] == 0
    # self_care_lost: self-care 2-3 XOR mobility 2-3 (8 pairs), group II/III (2), psychiatrist (2), 32 flags.
    self_care_lost = entry["options"]["self_care_lost"]["space"]
    assert self_care_lost["disabled_adult"]["changed"] == 8 * 2 * 2 * 32
    assert self_care_lost["disabled_child"]["changed"] == 8 * 2 * 8
    assert "mobility_lost" not in entry["options"]


def test_impact_of_a_derivation_reading_and_the_case_bank():
    entry = impact(RULES, ["impairments_motor_sensory"])["impairments_motor_sensory"]
    assert entry["used_by"] == ["derive"]
    for option in ("physical", "sensory", "not_placed"):
        got = entry["options"][option]
        assert "space" not in got
        # The combinations with physical and sensory left (tests/test_derivations.py's tables): adults
        # MS, SG, MSP, MSG, SPG, MSPG; children MS, MSP, MSG, MSPG (a child's G gives nothing).
        assert got["derived"]["impairment"]["disabled_adult"] == {"combinations": 32, "changed": 6}
        assert got["derived"]["impairment"]["disabled_child"] == {"combinations": 32, "changed": 4}
        assert set(got["derived"]) == {"impairment"}
        assert got["case_bank"]["changed_cases"] == ["case-059"]


def test_a_case_written_for_an_option_shows_what_that_option_changes():
    """Cases 055 and 056 name the option they were written for in their own `readings`; compared with the
    defaults, that option is what changes them (the compared reading wins over the case's own)."""
    got = impact(RULES, ["row_1160", "ipra_column"])
    assert "case-055" in got["row_1160"]["options"]["self_care_lost"]["case_bank"]["changed_cases"]
    assert "case-056" in got["ipra_column"]["options"]["if_ipra_exists"]["case_bank"]["changed_cases"]


def test_impact_of_criterion_5s_own_bound():
    """Criterion 5 under 7 years instead of 8: ages 84-95 months (12) with criterion 5 among those held
    (16 of the 32 sets) change; nothing else."""
    got = impact(RULES, ["early_help_upper_age_5"])["early_help_upper_age_5"]["options"]["under_7"]["space"]
    assert got["table 3.3"]["changed"] == 12 * 16
    assert got["disabled_adult"]["changed"] == 0


def test_derivation_impact_examples_name_the_answers():
    got = derivation_impact(RULES, {}, {"loneliness_couple": "not_lonely"}, ["lives_alone"])["lives_alone"]["elderly"]
    assert got["changed"] == 2
    assert all(e["answers"]["couple_living_alone"] is True and e["before"] is True and e["after"] is False
               for e in got["examples"])


def test_impact_cli(capsys):
    out = _json(capsys, ["readings", "--impact", "--name", "loneliness_couple"])
    got = out["impact"]["loneliness_couple"]["options"]["not_lonely"]
    assert got["case_bank"]["changed_cases"] == ["case-060"]
    assert got["derived"]["lives_alone"]["elderly"]["changed"] == 2


# --- findings beside the gaps ------------------------------------------------------------------------------

def test_gaps_report_the_findings(capsys):
    out = _json(capsys, ["gaps"])
    by_id = {f["id"]: f for f in out["findings"]}
    assert by_id["unused_ripso"]["check"] == {"numbers": [10, 31, 34], "holds": True}
    expected_lines = {"unused_ripso": 1129, "form1_categories_without_row": 786, "children_mental_not_in_form1": 1173,
                      "minors_no_appendix_2": 1225, "early_help_no_number": 1183}
    for fid, line in expected_lines.items():
        assert by_id[fid]["seed_line"] == line and by_id[fid]["text"] and by_id[fid]["title"]
    assert "тревожная кнопка" in by_id["form1_categories_without_row"]["text"]
    assert "795–798" in by_id["children_mental_not_in_form1"]["text"]


def test_a_change_that_uses_a_number_settles_its_finding(tmp_path):
    change = tmp_path / "n10.toml"
    change.write_text('[[change]]\naction = "add"\ntable = "3.1"\n'
                      'row = { id = "3.1-N10", disability_group = "I", self_care = "3", mobility = "3", '
                      'form = "home", ripso = "10" }\n', encoding="utf-8")
    proposal = apply_change_file(change, RULES)
    unused = next(f for f in findings(proposal) if f["id"] == "unused_ripso")
    assert unused["check"]["numbers"] == [31, 34]


# --- the tables' headers as printed -----------------------------------------------------------------------

SEED_HEADERS = {
    ("3.1", "carer_absent"): ("Временное отсутствие граждан, осуществляющих уход <3>", 1122),
    ("3.2", "ipra_social_rehabilitation"): ("Рекомендации к социальной реабилитации в ИПРА (при наличии): "
                                             "социально-средовая, социально-психологическая, социокультурная, "
                                             "социально-бытовая", 1154),
    ("3.2", "lonely_or_no_care"): ("Одиночество или временное отсутствие возможности обеспечения ухода за инвалидом", 1154),
    ("3.2", "impairment"): ("Категория получателя социальных услуг", 1150),
}


def test_every_column_carries_its_printed_header():
    for table_id in ("3.1", "3.2"):
        for column, spec in RULES.tables[table_id].columns.items():
            assert spec["seed_label"] and isinstance(spec["seed_line"], int), (table_id, column)
    for (table_id, column), (label, line) in SEED_HEADERS.items():
        spec = RULES.tables[table_id].columns[column]
        assert (spec["seed_label"], spec["seed_line"]) == (label, line)
    note = RULES.tables["3.1"].columns["carer_absent"]["footnote"]
    assert note["marker"] == "<3>" and note["seed_line"] == 1124
    assert note["text"] == ("Имеется в виду отсутствие по объективным причинам граждан, осуществляющих уход за "
                            "получателем социальных услуг (болезнь, убытие в командировку, отпуск и т.д.).")


# --- both evaluators under the new readings ---------------------------------------------------------------

@pytest.mark.parametrize("readings", [
    {"ipra_column": "if_ipra_exists", "conditional_number": "replacing", "row_1160": "self_care_lost"},
    {"ipra_column": "not_required", "early_help_upper_age_5": "under_7"},
])
def test_both_evaluators_agree_under_the_new_readings(tmp_path, readings):
    header = synthetic.csv_header()
    src = synthetic.write_register(tmp_path / "register.csv", header,
                                   synthetic.random_rows(random.Random(13), 600, header, unknown_rate=0.2))
    fast, slow = synthetic.batch_both_ways(src, tmp_path, readings)
    assert fast == slow
    rows = list(csv.DictReader(fast.splitlines()))
    assert any(r["depends_on"] for r in rows) and any(r["ripso"] for r in rows)
    if readings.get("conditional_number") == "replacing":
        # N 30 without N 23 happens, and the engine agrees with it case by case.
        assert any("30" in r["ripso"].split("|") and "23" not in r["ripso"].split("|") for r in rows)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(change_files(), st.integers(0, 2**32 - 1))
def test_both_evaluators_agree_on_generated_rule_sets_when_numbers_replace(tmp_path_factory, text, seed):
    """As tests/test_changes.py, under conditional_number = replacing: Hypothesis writes cells with any
    number of conditional numbers on any fields, so an unconditional number may wait on several of them."""
    evaluators_agree(tmp_path_factory.mktemp("gen"), text, seed, {"conditional_number": "replacing"})


# --- every option of every reading changes some outcome ----------------------------------------------------

def _elderly(**kw) -> dict:
    return {"category": "elderly", "disability_group": "II", "self_care": 1, "mobility": 1, "medical_indications": False,
            "lives_alone": False, "carer_absent": False, "family_conflict": False, "psychiatrist_recommends": "none", **kw}


def _disabled(impairment=None, **kw) -> dict:
    p = {"category": "disabled_adult", "disability_group": "II", "self_care": 2, "mobility": 2,
         "ipra_social_rehabilitation": True, "medical_indications": False, "lives_alone": False, "carer_absent": False,
         "family_conflict": False, "psychiatrist_recommends": "none", "social_housing_flat": False,
         "needs_social_labour_rehab": False}
    if impairment:
        p["impairment"] = impairment
    return {**p, **kw}


def _child(**kw) -> dict:
    p = {k: v for k, v in _disabled(**kw).items()
         if k not in ("disability_group", "social_housing_flat", "needs_social_labour_rehab")}
    return {**p, "category": "disabled_child"}


# (reading, option) -> a profile whose outcome (rows, numbers, dependencies, early-help verdict) differs from
# the default readings' outcome. Each profile is read from the seed: the row or definition it turns on.
CHANGED_BY = {
    ("empty_cell", "must_be_absent"): _elderly(disability_group="none", mobility=0, lives_alone=True, family_conflict=True),
    ("star_footnote", "literal"): _elderly(lives_alone=True),                                   # 1134 N 6
    ("psychiatrist_note", "pni_only"): _disabled("intellectual", medical_indications=True,
                                                 psychiatrist_recommends="general"),            # 1170
    ("early_help_upper_age", "under_7"): {"category": "early_childhood", "age_months": 90, "early_help_criteria": [4]},
    ("early_help_upper_age_5", "under_7"): {"category": "early_childhood", "age_months": 90, "early_help_criteria": [5]},
    ("row_1160", "group_lost"): _disabled("multiple", disability_group="I", mobility=3, medical_indications=True,
                                          psychiatrist_recommends="general"),
    ("row_1160", "self_care_lost"): _disabled("multiple", self_care=0, mobility=3, medical_indications=True,
                                              psychiatrist_recommends="general"),
    ("row_1165", "lonely_shifted"): _disabled("intellectual", family_conflict=True),            # 1165
    ("ipra_column", "if_ipra_exists"): _disabled("physical", ipra_social_rehabilitation=False, no_ipra=True),
    ("ipra_column", "not_required"): _disabled("physical", ipra_social_rehabilitation=False),
    ("conditional_number", "replacing"): _disabled("intellectual", family_conflict=True, social_housing_flat=True),
    ("impairments_motor_sensory", "physical"): _disabled(impairments=["motor", "sensory"]),
    ("impairments_motor_sensory", "sensory"): _disabled(impairments=["motor", "sensory"]),
    ("impairments_motor_sensory", "not_placed"): _disabled(impairments=["motor", "sensory"]),
    ("impairments_intellectual_general_disease", "intellectual"): _disabled(impairments=["intellectual", "general_disease"]),
    ("impairments_intellectual_general_disease", "multiple"): _disabled(impairments=["intellectual", "general_disease"]),
    ("impairments_intellectual_general_disease", "not_placed"): _disabled(impairments=["intellectual", "general_disease"]),
    ("impairments_mental_with_other", "mental"): _disabled(impairments=["intellectual", "mental"]),
    ("impairments_mental_with_other", "other"): _disabled(impairments=["mental", "sensory"], medical_indications=True,
                                                          psychiatrist_recommends="psychoneurological"),
    ("impairments_mental_with_other", "not_placed"): _disabled(impairments=["intellectual", "mental"]),
    ("impairments_child_general_disease", "physical"): _child(impairments=["general_disease"]),
    ("loneliness_couple", "not_lonely"): _elderly(lives_alone=None, couple_living_alone=True, relatives_help=False),
    ("loneliness_helping_relatives", "not_lonely"): _elderly(lives_alone=None, lives_by_self=True, relatives_help=True),
    ("medical_indications_31", "without_alarm_button"): _elderly(self_care=2, mobility=2, lives_alone=True,
                                                                 medical_indications=None,
                                                                 medical_indications_kinds=["alarm_button"]),
    ("medical_indications_32", "care_or_ipra"): _disabled("physical", disability_group="I", medical_indications=None,
                                                          medical_indications_kinds=["alarm_button"]),
}


def _outcome(result: dict) -> tuple:
    early = result.get("early_help") or {}
    return (tuple(r["rule"] for r in result["recommendations"]), tuple(n for r in result["recommendations"] for n in r["ripso"]),
            tuple(d["rule"] for d in result["depends_on"]), early.get("verdict"),
            tuple(c["criterion"] for c in early.get("criteria", [])))


def test_every_option_of_every_reading_has_a_case_it_changes():
    options = {(name, option) for name, spec in RULES.readings.items() for option in spec["options"]
               if option != spec["default"]}
    assert set(CHANGED_BY) == options, "a reading's option without a case it changes"
    for (name, option), profile in CHANGED_BY.items():
        # None marks a key left out: the kit derives it from the survey act's answers.
        profile = {k: v for k, v in profile.items() if v is not None}
        default = evaluate_profile(profile)
        switched = evaluate_profile(profile, readings={name: option})
        assert _outcome(default) != _outcome(switched), (name, option)


def test_a_row_that_holds_by_a_reading_names_it_wherever_the_row_is_shown():
    """An elderly person living alone whose carers are not absent: row 3.1-N6 holds only because footnote
    <*> (line 1142) is read as «any criterion of the group»; the result says so beside the row (the JSON
    and the trainer's key with the reading and its line, the public page in a citizen's words), and a row
    the seed decides alone names no reading."""
    from socmethod.apps.public.model import result_view
    from socmethod.core.engine import assess
    from socmethod.render import render
    from socmethod.render.cards import cards_html
    from tests.test_printing import ELDERLY

    by_rule = {r["rule"]: r for r in assess(ELDERLY)["recommendations"]}
    assert by_rule["3.1-N6"]["readings"] == [{"reading": "star_footnote", "option": "any_of_group", "seed_line": 1142}]
    assert "readings" not in by_rule["3.1-N1"]
    assert "3.1-N6" not in {r["rule"] for r in assess(ELDERLY, {"star_footnote": "literal"})["recommendations"]}
    offers = {o["rule"]: o for o in result_view(assess(ELDERLY))["offers"]}
    assert offers["3.1-N6"]["by_reading"] and not offers["3.1-N1"]["by_reading"]
    page = render("public/result.html.j2", view=result_view(assess(ELDERLY)))
    note = "строка таблицы выполнена при одном из прочтений неясного места методики"
    assert page.count(note) == 2                                     # N 6 and N 9, not N 1 or N 4
    assert "3.1-N" not in page and "стр. 1142" not in page           # the row's id and lines: for the bureau
    key = cards_html(["case-005"], with_key=True)
    assert "При прочтении: достаточно любого из критериев группы сноски (стр. 1142)." in key


def test_the_variant_of_a_damaged_row_and_a_conditional_number_are_named_as_readings():
    child = {"category": "disabled_child", "impairment": "intellectual",
             "self_care": {"hygiene": 2, "toilet": 2, "dressing": 2, "eating": 2},
             "mobility": {"distance": 2, "outdoor_walk": 2, "indoors": 2, "bed": 2},
             "medical_indications": False, "lives_alone": True, "carer_absent": False, "family_conflict": True,
             "ipra_social_rehabilitation": True, "psychiatrist_recommends": "none"}
    from socmethod.core.engine import assess
    used = {(u["reading"], u["option"], u["seed_line"]) for r in assess(child, {"row_1165": "lonely_shifted"})["recommendations"]
            for u in r.get("readings", [])}
    assert ("row_1165", "lonely_shifted", 1165) in used
    adult = {**synthetic.ELDERLY_EXAMPLE, "category": "disabled_adult", "impairment": "intellectual",
             "disability_group": "I", "ipra_social_rehabilitation": True, "social_housing_flat": True,
             "needs_social_labour_rehab": False, "family_conflict": True}
    recs = assess(adult)["recommendations"]
    with_30 = [r for r in recs if 30 in r["ripso"]]
    assert with_30 and {"reading": "conditional_number", "option": "added",
                        "seed_line": RULES.readings["conditional_number"]["seed_line"]} in with_30[0]["readings"]
