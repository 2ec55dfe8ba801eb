"""Keys derived from the survey act's own answers (ruleset.toml [derive]): the kind of impairment from the
list of what a person has (Form 1, <*>, lines 802-807), loneliness from the family status (lines 784, 898),
medical indications from the boxes of line 894. Every expected value here was written from the seed, not
from running the engine; where the seed does not decide, the reading named in the data does."""
from __future__ import annotations

import csv
import itertools

import pytest

import socmethod
from socmethod import KitError, assess, evaluate_profile
from socmethod.core.cases import case_from_csv_row
from tests.support import synthetic

RULES = socmethod.bundled_ruleset()
KINDS = {"I": "intellectual", "M": "motor", "S": "sensory", "P": "mental", "G": "general_disease"}
CATS = {"mu": "multiple", "ph": "physical", "in": "intellectual", "se": "sensory", "me": "mental"}

# Every combination of I(ntellectual), M(otor = musculoskeletal), S(ensory), P (mental), G(eneral disease),
# and the categories it gives under the default readings. Line 804: I with M and/or S is multiple, which
# takes the place of intellectual, physical and sensory. Line 806: an adult's M or G is physical; line 807:
# a child's M is physical, G gives nothing (impairments_child_general_disease = not_placed). Names of 792-794:
# I intellectual, S sensory, P mental. Several categories left (physical with sensory, intellectual with
# physical, mental with another): the readings' default «both» keeps each.
ADULT = {
    "": "", "I": "in", "M": "ph", "S": "se", "P": "me", "G": "ph",
    "IM": "mu", "IS": "mu", "IP": "in me", "IG": "ph in", "MS": "ph se", "MP": "ph me", "MG": "ph",
    "SP": "se me", "SG": "ph se", "PG": "ph me",
    "IMS": "mu", "IMP": "mu me", "IMG": "mu", "ISP": "mu me", "ISG": "mu", "IPG": "ph in me", "MSP": "ph se me",
    "MSG": "ph se", "MPG": "ph me", "SPG": "ph se me",
    "IMSP": "mu me", "IMSG": "mu", "IMPG": "mu me", "ISPG": "mu me", "MSPG": "ph se me", "IMSPG": "mu me",
}
CHILD = {
    "": "", "I": "in", "M": "ph", "S": "se", "P": "me", "G": "",
    "IM": "mu", "IS": "mu", "IP": "in me", "IG": "in", "MS": "ph se", "MP": "ph me", "MG": "ph",
    "SP": "se me", "SG": "se", "PG": "me",
    "IMS": "mu", "IMP": "mu me", "IMG": "mu", "ISP": "mu me", "ISG": "mu", "IPG": "in me", "MSP": "ph se me",
    "MSG": "ph se", "MPG": "ph me", "SPG": "se me",
    "IMSP": "mu me", "IMSG": "mu", "IMPG": "mu me", "ISPG": "mu me", "MSPG": "ph se me", "IMSPG": "mu me",
}
TABLE_ORDER = ["multiple", "physical", "intellectual", "sensory", "mental"]


def _kinds(letters: str) -> list[str]:
    return [KINDS[c] for c in letters]


def _expected(short: str):
    cats = sorted((CATS[c] for c in short.split()), key=TABLE_ORDER.index)
    return cats[0] if len(cats) == 1 else cats


def _profile(category: str, letters: str, **extra) -> dict:
    """A profile that meets the 3.2 rows of every kind except for the kind itself: self-care and mobility 2,
    group II, ИПРА recommendations, lonely."""
    p = {"category": category, "impairments": _kinds(letters), "self_care": 2, "mobility": 2,
         "ipra_social_rehabilitation": True, "medical_indications": False, "lives_alone": True,
         "carer_absent": False, "family_conflict": False, "psychiatrist_recommends": "none"}
    if category == "disabled_adult":
        p["disability_group"] = "II"
    return {**p, **extra}


def test_the_tables_cover_every_combination():
    letters = "IMSPG"
    combos = {"".join(c) for n in range(6) for c in itertools.combinations(letters, n)}
    assert set(ADULT) == combos and set(CHILD) == combos


@pytest.mark.parametrize("category,table", [("disabled_adult", ADULT), ("disabled_child", CHILD)])
def test_every_impairment_combination_derives_its_category(category, table):
    for letters, short in table.items():
        derived = evaluate_profile(_profile(category, letters))["derived"]["impairment"]
        assert derived["value"] == _expected(short), (category, letters)


@pytest.mark.parametrize("category, kind, line", [
    ("disabled_adult", "intellectual", 792), ("disabled_adult", "sensory", 793),
    ("disabled_child", "intellectual", 797), ("disabled_child", "sensory", 798)])
def test_a_single_kind_cites_its_own_categorys_line_of_form_1(category, kind, line):
    """Lines 792-798 list the adults' and the children's categories apart: a child's sensory difficulty is
    line 798, not the adults' 793."""
    profile = {**_profile(category, ""), "impairments": [kind]}
    derived = evaluate_profile(profile)["derived"]["impairment"]
    assert derived["value"] == kind and [s["seed_line"] for s in derived["steps"]] == [line]


def test_a_child_not_living_alone_lives_in_a_family_an_adult_may_live_as_a_couple():
    """A disabled child is not asked about a spouse: not living alone is «проживает в семье» (not lonely);
    for an adult the same answer leaves loneliness open until the couple question is answered."""
    child = {**_profile("disabled_child", "M"), "lives_by_self": False}
    del child["lives_alone"]
    derived = evaluate_profile(child)["derived"]["lives_alone"]
    assert derived["value"] is False and "ребёнок живёт не один" in derived["steps"][0]["text"]
    adult = {**_profile("disabled_adult", "M"), "lives_by_self": False}
    del adult["lives_alone"]
    assert evaluate_profile(adult)["derived"]["lives_alone"]["value"] is None


def test_a_list_gets_what_its_category_gets():
    """Issue 13: `impairments: [intellectual, motor]` gets exactly what `impairment: multiple` gets."""
    case = {"category": "disabled_adult", "disability_group": "I",
            "self_care": {"hygiene": 2, "toilet": 1, "dressing": 2, "medication": 1, "cooking": 2, "eating": 1,
                          "housekeeping": 2, "paperwork": 1},
            "mobility": {"shopping": 2, "transport": 2, "outdoor_walk": 2, "indoors": 1, "bed": 0},
            "medical_indications": False, "lives_alone": True, "carer_absent": False, "family_conflict": False,
            "ipra_social_rehabilitation": True, "psychiatrist_recommends": "none"}
    by_category = assess({**case, "impairment": "multiple"})
    by_list = assess({**case, "impairments": ["intellectual", "motor"]})
    for key in ("recommendations", "depends_on", "near_misses"):
        assert by_list[key] == by_category[key]
    assert [r["rule"] for r in by_list["recommendations"]] == [
        "3.2-multiple-home", "3.2-multiple-day_care_over_4h", "3.2-multiple-residential_temporary"]
    derived = by_list["derived"]["impairment"]
    assert derived["value"] == "multiple" and derived["readings"] == []
    assert [s["seed_line"] for s in derived["steps"]][0] == 804
    assert "множественные нарушения развития" in derived["why"] and "804" in derived["why"]
    # Both keys given, and agreeing: accepted, the same outcome.
    assert assess({**case, "impairment": "multiple", "impairments": ["intellectual", "motor"]})["recommendations"] == \
        by_category["recommendations"]


def test_motor_with_sensory_gets_its_named_reading():
    result = evaluate_profile(_profile("disabled_adult", "MS"))
    derived = result["derived"]["impairment"]
    assert [(r["reading"], r["option"], r["seed_line"]) for r in derived["readings"]] == \
        [("impairments_motor_sensory", "both", 804)]
    # The explanation names the reading by its title and option, never by its code.
    assert RULES.readings["impairments_motor_sensory"]["title"] in derived["why"]
    assert "impairments_motor_sensory" not in derived["why"] and "motor" not in derived["why"]
    rules = [r["rule"] for r in result["recommendations"]]
    assert "3.2-physical-day_care_over_4h" in rules and "3.2-sensory-day_care_over_4h" in rules
    assert not any(r.startswith("3.2-multiple") for r in rules)
    # The near misses stay within the person's own kinds (never the multiple rows).
    assert all(m["rule"].split("-")[1] in ("physical", "sensory") for m in result["near_misses"])


@pytest.mark.parametrize("reading,option,letters,category,expected", [
    ("impairments_motor_sensory", "physical", "MS", "disabled_adult", "physical"),
    ("impairments_motor_sensory", "sensory", "MS", "disabled_adult", "sensory"),
    ("impairments_motor_sensory", "not_placed", "MS", "disabled_adult", []),
    ("impairments_motor_sensory", "sensory", "SG", "disabled_adult", "sensory"),
    ("impairments_intellectual_general_disease", "intellectual", "IG", "disabled_adult", "intellectual"),
    ("impairments_intellectual_general_disease", "multiple", "IG", "disabled_adult", "multiple"),
    ("impairments_intellectual_general_disease", "not_placed", "IG", "disabled_adult", []),
    ("impairments_mental_with_other", "mental", "IP", "disabled_adult", "mental"),
    ("impairments_mental_with_other", "other", "IP", "disabled_adult", "intellectual"),
    ("impairments_mental_with_other", "other", "IMP", "disabled_adult", "multiple"),
    ("impairments_mental_with_other", "mental", "MSP", "disabled_adult", "mental"),
    ("impairments_mental_with_other", "not_placed", "SP", "disabled_child", []),
    ("impairments_child_general_disease", "physical", "G", "disabled_child", "physical"),
    ("impairments_child_general_disease", "physical", "SG", "disabled_child", ["physical", "sensory"]),
])
def test_each_option_of_the_impairment_readings(reading, option, letters, category, expected):
    derived = evaluate_profile(_profile(category, letters), readings={reading: option})["derived"]["impairment"]
    assert derived["value"] == expected
    assert reading in [r["reading"] for r in derived["readings"]]


def test_not_placed_gives_no_row_of_32_and_says_why():
    result = evaluate_profile(_profile("disabled_adult", "MS"), readings={"impairments_motor_sensory": "not_placed"})
    assert result["recommendations"] == [] and result["depends_on"] == [] and result["near_misses"] == []
    assert "комиссия" in result["derived"]["impairment"]["why"]
    child = evaluate_profile(_profile("disabled_child", "G"))
    assert child["recommendations"] == [] and child["derived"]["impairment"]["value"] == []
    assert child["derived"]["impairment"]["steps"] == []
    # The reading that left the child's general disease without a category is named all the same.
    assert [r["reading"] for r in child["derived"]["impairment"]["readings"]] == ["impairments_child_general_disease"]
    assert "не отнесён" in child["derived"]["impairment"]["why"]


def test_mental_with_another_kind_both_categories_rows():
    # Mental (1173) and intellectual (1170) permanent rows both need a psychiatrist's conclusion; with one,
    # under the default reading both rows come, once each.
    p = _profile("disabled_adult", "IP", medical_indications=True, psychiatrist_recommends="psychoneurological")
    rules = [r["rule"] for r in evaluate_profile(p)["recommendations"]]
    assert "3.2-intellectual-residential_permanent" in rules and "3.2-mental-residential_permanent" in rules
    only_mental = evaluate_profile(p, readings={"impairments_mental_with_other": "mental"})
    assert [r["rule"] for r in only_mental["recommendations"]] == ["3.2-mental-residential_permanent"]


def test_a_list_that_disagrees_with_the_category_is_refused():
    p = _profile("disabled_adult", "MS", impairment="physical")
    with pytest.raises(KitError) as err:
        evaluate_profile(p)
    assert err.value.code == "derived_conflict" and err.value.field == "impairment"
    assert "impairments_motor_sensory" in err.value.fix and "impairments" in err.value.fix
    # Under the reading that places the person in the physical category alone, the two agree.
    ok = evaluate_profile(p, readings={"impairments_motor_sensory": "physical"})
    assert ok["derived"]["impairment"]["value"] == "physical"


@pytest.mark.parametrize("value,code", [(["motor", "motor"], "bad_value"), (["multiple"], "bad_value"),
                                        ("motor", "bad_type"), ([1], "bad_value")])
def test_bad_impairment_lists_are_refused(value, code):
    case = {"category": "disabled_child", "impairments": value,
            "self_care": {"hygiene": 1, "toilet": 1, "dressing": 1, "eating": 1},
            "mobility": {"distance": 1, "outdoor_walk": 1, "indoors": 1, "bed": 1},
            "medical_indications": False, "lives_alone": False, "carer_absent": False, "family_conflict": False,
            "ipra_social_rehabilitation": True, "psychiatrist_recommends": "none"}
    with pytest.raises(KitError) as err:
        assess(case)
    assert (err.value.code, err.value.field) == (code, "impairments")


def test_neither_impairment_nor_a_list_is_still_missing():
    case = {"category": "disabled_adult", "impairments": None}
    with pytest.raises(KitError) as err:
        assess(case)
    assert err.value.code == "missing_key"


def test_impairments_only_where_the_format_asks_them():
    with pytest.raises(KitError) as err:
        assess({"category": "homeless", "impairments": ["motor"]})
    assert err.value.code == "not_applicable"


# --- loneliness: lines 784, 898 -------------------------------------------------------------------------

# (lives alone, couple living alone, relatives help) -> lives_alone under the default readings and under
# loneliness_couple / loneliness_helping_relatives = not_lonely.
LONELINESS = [
    (True, False, False, True, True),
    (True, False, True, True, False),
    (False, True, False, True, False),
    (False, True, True, True, False),
    (False, False, False, False, False),
    (False, False, True, False, False),
    # answers left unknown: known only when every answer gives the same
    (True, None, False, True, True),        # living alone excludes the couple
    (True, None, None, True, None),
    (None, None, False, None, None),
    (False, False, None, False, False),
    (False, None, False, None, False),
    (None, True, None, True, False),
]
NOT_LONELY = {"loneliness_couple": "not_lonely", "loneliness_helping_relatives": "not_lonely"}


def _elderly(**answers) -> dict:
    return {"category": "elderly", "disability_group": "II", "self_care": 1, "mobility": 1,
            "medical_indications": False, "carer_absent": False, "family_conflict": False,
            "psychiatrist_recommends": "none", **answers}


@pytest.mark.parametrize("alone,couple,helped,default,strict", LONELINESS)
def test_loneliness_from_the_family_status(alone, couple, helped, default, strict):
    answers = {k: v for k, v in (("lives_by_self", alone), ("couple_living_alone", couple),
                                 ("relatives_help", helped)) if v is not None}
    result = evaluate_profile(_elderly(**answers))
    assert result["derived"]["lives_alone"]["value"] is default
    assert evaluate_profile(_elderly(**answers), readings=NOT_LONELY)["derived"]["lives_alone"]["value"] is strict
    # 3.1 N 1 (line 1133) needs loneliness: it follows the derived answer.
    rules = [r["rule"] for r in result["recommendations"]]
    depends = [d["rule"] for d in result["depends_on"]]
    assert ("3.1-N1" in rules) is (default is True)
    assert ("3.1-N1" in depends) is (default is None)


def test_loneliness_names_its_reading_and_lines():
    derived = evaluate_profile(_elderly(couple_living_alone=True, relatives_help=False))["derived"]["lives_alone"]
    assert [r["reading"] for r in derived["readings"]] == ["loneliness_couple"]
    assert derived["steps"][0]["seed_line"] == 784 and "супружеская пара" in derived["steps"][0]["text"]
    both = evaluate_profile(_elderly(couple_living_alone=True, relatives_help=True))["derived"]["lives_alone"]
    assert [r["reading"] for r in both["readings"]] == ["loneliness_couple", "loneliness_helping_relatives"]


def test_loneliness_answers_that_contradict():
    with pytest.raises(KitError) as err:
        assess({**_case_elderly(), "lives_by_self": True, "couple_living_alone": True})
    assert (err.value.code, err.value.field) == ("conflicting_answers", "lives_by_self")
    with pytest.raises(KitError) as err:
        assess({**_case_elderly(), "lives_alone": True, "lives_by_self": False, "couple_living_alone": False})
    assert (err.value.code, err.value.field) == ("derived_conflict", "lives_alone")
    # An answer the family status does not decide keeps the one given.
    kept = assess({**_case_elderly(), "lives_alone": True, "relatives_help": True})
    assert kept["derived"]["lives_alone"]["value"] is None and kept["derived"]["lives_alone"]["kept"] is True
    assert "3.1-N2" in [r["rule"] for r in kept["recommendations"]]


def _case_elderly() -> dict:
    return {"category": "elderly", "disability_group": "II",
            "self_care": {"hygiene": 1, "toilet": 1, "dressing": 1, "medication": 1, "cooking": 1, "eating": 0,
                          "housekeeping": 1, "paperwork": 1},
            "mobility": {"shopping": 1, "transport": 1, "outdoor_walk": 0, "indoors": 0, "bed": 0},
            "medical_indications": False, "carer_absent": False, "family_conflict": False,
            "psychiatrist_recommends": "none"}


def test_a_case_without_lives_alone_may_give_the_family_status():
    result = assess({**_case_elderly(), "lives_by_self": True, "relatives_help": False})
    assert {"3.1-N1", "3.1-N2"} <= {r["rule"] for r in result["recommendations"]}
    with pytest.raises(KitError) as err:
        assess(_case_elderly())
    assert (err.value.code, err.value.field) == ("missing_key", "lives_alone")


# --- medical indications by kind: line 894 --------------------------------------------------------------

@pytest.mark.parametrize("category,kinds,readings,expected", [
    ("elderly", [], {}, False),
    ("elderly", ["constant_care"], {}, True),
    ("elderly", ["alarm_button"], {}, True),
    ("elderly", ["alarm_button"], {"medical_indications_31": "without_alarm_button"}, False),
    ("elderly", ["alarm_button", "constant_care"], {"medical_indications_31": "without_alarm_button"}, True),
    ("disabled_adult", ["alarm_button"], {}, True),
    ("disabled_adult", ["alarm_button"], {"medical_indications_32": "care_or_ipra"}, False),
    ("disabled_adult", ["ipra"], {"medical_indications_32": "care_or_ipra"}, True),
    ("disabled_adult", ["alarm_button"], {"medical_indications_31": "without_alarm_button"}, True),
])
def test_medical_indications_by_kind(category, kinds, readings, expected):
    p = _elderly(lives_alone=False) if category == "elderly" else _profile(category, "M")
    p = {k: v for k, v in p.items() if k != "medical_indications"}
    derived = evaluate_profile({**p, "medical_indications_kinds": kinds}, readings=readings)["derived"]
    assert derived["medical_indications"]["value"] is expected
    table_reading = "medical_indications_31" if category == "elderly" else "medical_indications_32"
    assert [r["reading"] for r in derived["medical_indications"]["readings"]] == [table_reading]
    # The line cited is the table's «Наличие медицинских показаний» column (3.1: 1128; 3.2: 1154), not its title.
    assert [s["seed_line"] for s in derived["medical_indications"]["steps"]] == [1128 if category == "elderly" else 1154]


def test_n5_through_the_kind_of_medical_indications():
    # 3.1 N 5 (line 1139): group I or II, self-care 2-3, medical indications.
    p = {**_elderly(lives_alone=False), "self_care": 2, "medical_indications_kinds": ["constant_care"]}
    p.pop("medical_indications")
    assert "3.1-N5" in [r["rule"] for r in evaluate_profile(p)["recommendations"]]
    plain = {**_elderly(lives_alone=False), "self_care": 2, "medical_indications": True}
    assert evaluate_profile(plain)["recommendations"] == evaluate_profile(p)["recommendations"]
    assert "derived" not in evaluate_profile(plain)


# --- CSV rows and registers ------------------------------------------------------------------------------

def test_a_csv_row_lists_impairments_with_a_bar():
    case = case_from_csv_row({"category": "disabled_adult", "impairments": "intellectual|motor",
                              "medical_indications_kinds": "constant_care"}, RULES)
    assert case["impairments"] == ["intellectual", "motor"] and case["medical_indications_kinds"] == ["constant_care"]


def test_a_register_with_derivation_answers_gives_what_assess_gives(tmp_path):
    """Rows giving the answers a key is derived from go the engine's way in a batch, so the vectorised
    path never reads them as «unknown»."""
    header = ["category", "impairments", "disability_group", "lives_alone", "lives_by_self", "relatives_help",
              "carer_absent", "family_conflict", "medical_indications", "ipra_social_rehabilitation",
              "psychiatrist_recommends", "self_care.hygiene", "self_care.toilet", "self_care.dressing",
              "self_care.medication", "self_care.cooking", "self_care.eating", "self_care.housekeeping",
              "self_care.paperwork", "mobility.shopping", "mobility.transport", "mobility.outdoor_walk",
              "mobility.indoors", "mobility.bed"]
    rows = [["disabled_adult", "intellectual|motor", "I", "true", "", "", "false", "false", "false", "true", "none",
             *"21212121", *"22210"],
            ["disabled_adult", "motor|sensory", "II", "", "true", "false", "false", "false", "false", "true", "none",
             *"21212121", *"22210"],
            ["elderly", "", "II", "", "true", "true", "false", "false", "false", "", "none", *"11111011", *"11000"]]
    src = synthetic.write_register(tmp_path / "register.csv", header, rows)
    fast, slow = synthetic.batch_both_ways(src, tmp_path)
    assert fast == slow
    out = list(csv.DictReader(fast.splitlines()))
    assert [r["status"] for r in out] == ["ok", "ok", "ok"]
    assert out[0]["rules"].split("|") == ["3.2-multiple-home", "3.2-multiple-day_care_over_4h",
                                          "3.2-multiple-residential_temporary"]
    assert "3.2-sensory-day_care_over_4h" in out[1]["rules"] and "3.2-physical-day_care_over_4h" in out[1]["rules"]
    assert "3.1-N1" in out[2]["rules"]


# --- the plain questions the calculator asks (ruleset.toml [questions]) -----------------------------------

QUESTIONS = RULES.spec["questions"]
# What each option's words must name, by the seed's definitions: 804 (intellectual), 806 (musculoskeletal;
# a general disease), 793/798 (sensory: sight or hearing), 794 (mental).
MUST_SAY = {"intellectual": ("умственн",), "motor": ("опорно-двигательн",), "sensory": ("зрени", "слух"),
            "mental": ("психическ",), "general_disease": ("общему заболеванию",)}


def test_the_impairment_question_asks_about_difficulties_not_categories():
    q = QUESTIONS["impairments"]
    assert set(q["options"]) == set(RULES.fields["impairments"]["values"])
    for value, words in MUST_SAY.items():
        text = q["options"][value]["text"].lower()
        assert all(w in text for w in words), (value, text)
    everything = " ".join([q["question"], q["hint"]] + [o["text"] for o in q["options"].values()]).lower()
    assert "множествен" not in everything and "категори" not in q["question"].lower()
    assert "все" in q["question"] or "всё" in q["question"]
    assert {o["seed_line"] for o in q["options"].values()} <= {793, 794, 804, 806, 807}


def test_loneliness_is_asked_one_thing_at_a_time():
    alone, couple, helped = (QUESTIONS[k]["question"].lower() for k in ("lives_by_self", "couple_living_alone",
                                                                       "relatives_help"))
    assert "один" in alone and "родствен" not in alone and "муж" not in alone
    assert "муж" in couple and "помога" not in couple
    assert "родствен" in helped and "один" not in helped
    for key in ("lives_by_self", "couple_living_alone", "relatives_help"):
        assert key in RULES.derivations["lives_alone"]["from"]


def test_medical_indications_are_asked_by_kind():
    q = QUESTIONS["medical_indications_kinds"]
    assert set(q["options"]) == set(RULES.fields["medical_indications_kinds"]["values"])
    assert "уход" in q["options"]["constant_care"]["text"] and "тревожная кнопка" in q["options"]["alarm_button"]["text"]
    assert all(o["seed_line"] == 894 for o in q["options"].values())


def test_a_register_row_with_answers_that_exclude_each_other_is_refused_by_both_paths(tmp_path):
    header = ["category", "impairment", "disability_group", "lives_alone", "carer_absent", "family_conflict",
              "medical_indications", "ipra_social_rehabilitation", "no_ipra", "psychiatrist_recommends",
              "self_care.hygiene", "self_care.toilet", "self_care.dressing", "self_care.medication",
              "self_care.cooking", "self_care.eating", "self_care.housekeeping", "self_care.paperwork",
              "mobility.shopping", "mobility.transport", "mobility.outdoor_walk", "mobility.indoors", "mobility.bed"]
    base = ["disabled_adult", "physical", "II", "false", "false", "false", "false"]
    rows = [base + ["true", "true", "none", *"11111011", *"11000"],        # an ИПРА that does not exist: refused
            base + ["true", "false", "none", *"11111011", *"11000"],
            base + ["false", "true", "none", *"11111011", *"11000"]]
    src = synthetic.write_register(tmp_path / "register.csv", header, rows)
    fast, slow = synthetic.batch_both_ways(src, tmp_path)
    assert fast == slow
    out = list(csv.DictReader(fast.splitlines()))
    assert [(r["status"], r["error_code"]) for r in out] == [("error", "conflicting_answers"), ("ok", ""), ("ok", "")]
