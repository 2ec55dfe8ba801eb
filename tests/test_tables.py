"""Decision tables 3.1, 3.2 and 3.3 of order 405-р checked against the seed text.

Every expectation below is written by hand from seeds/003_3a3aa5f907c0671e.txt (lines cited in the
comments); nothing is read back from data/rules/405-r/*.csv, so a CSV row that drifts from the seed fails
here. Readings (ruleset.toml) name the places where the seed is unclear; each is exercised both ways.

Profile shorthand used in the tables: g = disability group, sc / mob = self-care / mobility DEGREE
(0-3, the result of the scales, lines 982-986, 1011-1015, 1041-1045, 1069-1073), and the criteria flags
med (medical indications), alone (loneliness), carer (temporary absence of carers), conflict (family
conflict), ipra (ИПРА social-rehabilitation recommendations), psych (psychiatrist's conclusion),
flat (social-housing flat, N 30), labour (needs social-labour rehabilitation, N 29).
"""
from __future__ import annotations

import re

import pytest

import socmethod
from socmethod import KitError, assess, bundled_ruleset, evaluate_profile, load_ruleset
from socmethod.core.resources import data_dir
from tests.support.seeds import seed_lines

SHORT = {"g": "disability_group", "sc": "self_care", "mob": "mobility", "med": "medical_indications",
         "alone": "lives_alone", "carer": "carer_absent", "conflict": "family_conflict",
         "ipra": "ipra_social_rehabilitation", "psych": "psychiatrist_recommends",
         "flat": "social_housing_flat", "labour": "needs_social_labour_rehab",
         "age": "age_months", "early": "early_help_criteria"}


def _expand(kw: dict) -> dict:
    return {SHORT.get(k, k): v for k, v in kw.items()}


def elderly(g, sc, mob, **flags) -> dict:
    """An elderly citizen's profile: every flag absent (False) unless given; no psychiatrist conclusion."""
    p = {"category": "elderly", "disability_group": g, "self_care": sc, "mobility": mob,
         "medical_indications": False, "lives_alone": False, "carer_absent": False,
         "family_conflict": False, "psychiatrist_recommends": "none"}
    p.update(_expand(flags))
    return p


def disabled(impairment, g, sc, mob, **flags) -> dict:
    """A working-age disabled adult's profile (table 3.2)."""
    p = {"category": "disabled_adult", "impairment": impairment, "disability_group": g,
         "self_care": sc, "mobility": mob, "ipra_social_rehabilitation": False,
         "medical_indications": False, "lives_alone": False, "carer_absent": False,
         "family_conflict": False, "psychiatrist_recommends": "none",
         "social_housing_flat": False, "needs_social_labour_rehab": False}
    p.update(_expand(flags))
    return p


def child_of(adult: dict, **flags) -> dict:
    """The same situation for a disabled child over 3: no group column (3.2 header, line 1154: the group
    is «для инвалидов трудоспособного возраста»), no N 30 / N 29 conditions."""
    p = {k: v for k, v in adult.items()
         if k not in ("disability_group", "social_housing_flat", "needs_social_labour_rehab")}
    p["category"] = "disabled_child"
    p.update(_expand(flags))
    return p


# --- scale items chosen by hand so each degree comes out right ---------------------------------------
# Adult self-care, 8 items, bands 0 / 1-8 / 9-16 / 17-24 (lines 983-986).
ADULT_SELF_CARE = {
    0: dict(hygiene=0, toilet=0, dressing=0, medication=0, cooking=0, eating=0, housekeeping=0, paperwork=0),
    1: dict(hygiene=1, toilet=1, dressing=1, medication=1, cooking=1, eating=1, housekeeping=1, paperwork=1),  # 8
    2: dict(hygiene=3, toilet=2, dressing=2, medication=2, cooking=0, eating=0, housekeeping=0, paperwork=0),  # 9
    3: dict(hygiene=3, toilet=3, dressing=3, medication=3, cooking=3, eating=2, housekeeping=0, paperwork=0),  # 17
}
# Child self-care, 4 items, bands 0 / 1-4 / 5-8 / 9-12 (lines 1012-1015).
CHILD_SELF_CARE = {
    0: dict(hygiene=0, toilet=0, dressing=0, eating=0),
    1: dict(hygiene=1, toilet=1, dressing=1, eating=1),   # 4
    2: dict(hygiene=2, toilet=1, dressing=1, eating=1),   # 5
    3: dict(hygiene=3, toilet=3, dressing=3, eating=0),   # 9
}
# Adult mobility, 5 items, bands 0 / 1-5 / 6-10 / 11-15 (lines 1042-1045).
ADULT_MOBILITY = {
    0: dict(shopping=0, transport=0, outdoor_walk=0, indoors=0, bed=0),
    1: dict(shopping=1, transport=1, outdoor_walk=1, indoors=1, bed=1),   # 5
    2: dict(shopping=2, transport=1, outdoor_walk=1, indoors=1, bed=1),   # 6
    3: dict(shopping=3, transport=3, outdoor_walk=3, indoors=2, bed=0),   # 11
}
# Child mobility, 4 items, bands 0 / 1-4 / 5-8 / 9-12 (lines 1070-1073).
CHILD_MOBILITY = {
    0: dict(distance=0, outdoor_walk=0, indoors=0, bed=0),
    1: dict(distance=1, outdoor_walk=1, indoors=1, bed=1),   # 4
    2: dict(distance=2, outdoor_walk=1, indoors=1, bed=1),   # 5
    3: dict(distance=3, outdoor_walk=3, indoors=3, bed=0),   # 9
}


def case_of(profile: dict) -> dict:
    """The full case (case format) of a profile: degrees replaced by the item scores above."""
    case = dict(profile)
    child = profile["category"] == "disabled_child"
    case["self_care"] = dict((CHILD_SELF_CARE if child else ADULT_SELF_CARE)[profile["self_care"]])
    case["mobility"] = dict((CHILD_MOBILITY if child else ADULT_MOBILITY)[profile["mobility"]])
    return case


def rules_of(result: dict, key: str = "recommendations") -> list[str]:
    return [r["rule"] for r in result[key]]


def rec(result: dict, rule: str, key: str = "recommendations") -> dict:
    found = [r for r in result[key] if r["rule"] == rule]
    assert len(found) == 1, f"{rule} expected once in {key}, got {rules_of(result, key)}"
    return found[0]


def miss_columns(entry: dict) -> list[str]:
    return entry["column"].split("|")


ALL_READINGS = {
    "empty_cell": ["not_required", "must_be_absent"],
    "star_footnote": ["any_of_group", "literal"],
    "psychiatrist_note": ["any_type", "pni_only"],
    "early_help_upper_age": ["under_8", "under_7"],
    "row_1160": ["mobility_lost", "group_lost", "self_care_lost"],
    "row_1165": ["as_written", "lonely_shifted"],
}

# =====================================================================================================
# Table 3.1, elderly (lines 1128-1144). (rule, seed line, matching profile, form, RIPSO)
# Each profile ticks exactly the V cells of its row, so it also matches under empty_cell=must_be_absent,
# and ticks the V<*> column itself, so it matches under star_footnote=literal too.
# =====================================================================================================
T31_MATCH = [
    # 1129: нет, III, II, I | 1 | 0, 1 |  | V |  |  | полустационарная до 4 часов (N 2)
    ("3.1-N2", 1129, elderly("none", 1, 0, alone=True), "day_care_up_to_4h", [2]),
    # 1130: нет, III, II, I | 1 | 0, 1 |  |  |  | V | полустационарная до 4 часов (N 7)
    ("3.1-N7", 1130, elderly("III", 1, 1, conflict=True), "day_care_up_to_4h", [7]),
    # 1131: III, II, I | 1, 2 | 0, 1 | V | V |  |  | полустационарная свыше 4 часов (N 3)
    ("3.1-N3", 1131, elderly("III", 2, 0, med=True, alone=True), "day_care_over_4h", [3]),
    # 1132: III, II, I | 1, 2 | 0, 1 | V |  |  | V | полустационарная свыше 4 часов (N 8)
    ("3.1-N8", 1132, elderly("I", 1, 1, med=True, conflict=True), "day_care_over_4h", [8]),
    # 1133: II, I | 1, 2 | 1, 2 |  | V |  |  | на дому (N 1)
    ("3.1-N1", 1133, elderly("II", 2, 2, alone=True), "home", [1]),
    # 1134: II, I | 1, 2 | 1, 2 |  |  | V <*> |  | на дому (N 6)
    ("3.1-N6", 1134, elderly("I", 1, 2, carer=True), "home", [6]),
    # 1135: II, I | 1, 2, 3 | 1, 2, 3 | V | V <*> |  |  | на дому (N 13)
    ("3.1-N13", 1135, elderly("II", 3, 3, med=True, alone=True), "home", [13]),
    # 1136: II, I | 2, 3 | 2, 3 | V | V <*> |  |  | на дому (N 12)
    ("3.1-N12", 1136, elderly("I", 2, 3, med=True, alone=True), "home", [12]),
    # 1137: II, I | 1, 2 | 0, 1, 2 |  | V |  |  | стационарная при в/п (N 4)
    ("3.1-N4", 1137, elderly("II", 1, 0, alone=True), "residential_temporary", [4]),
    # 1138: II, I | 1, 2 | 0, 1, 2 |  |  | V <*> |  | стационарная при в/п (N 9)
    ("3.1-N9", 1138, elderly("I", 2, 2, carer=True), "residential_temporary", [9]),
    # 1139: I, II | 2, 3 | 0, 1, 2, 3 | V |  |  |  | стационарная форма при п/п (N 5)
    ("3.1-N5", 1139, elderly("I", 3, 0, med=True), "residential_permanent", [5]),
    # 1140: I, II | 2, 3 | 0, 1, 2, 3 | V <***> |  |  |  | стационарная форма при п/п (N 11)
    # 1144: <***> the psychiatrist's conclusion names a psychoneurological home (ПНИ).
    ("3.1-N11", 1140, elderly("II", 2, 3, med=True, psych="psychoneurological"), "residential_permanent", [11]),
]

# A profile missing the row by exactly one criterion: (rule, seed line, profile, column, what the cell needs)
T31_MISS = [
    ("3.1-N2", 1129, elderly("none", 2, 0, alone=True), "self_care", [1]),
    ("3.1-N2", 1129, elderly("III", 1, 0), "lives_alone", [True]),
    ("3.1-N7", 1130, elderly("III", 1, 2, conflict=True), "mobility", [0, 1]),
    ("3.1-N3", 1131, elderly("none", 2, 0, med=True, alone=True), "disability_group", ["III", "II", "I"]),
    ("3.1-N8", 1132, elderly("I", 1, 1, conflict=True), "medical_indications", [True]),
    ("3.1-N1", 1133, elderly("III", 2, 2, alone=True), "disability_group", ["II", "I"]),
    ("3.1-N6", 1134, elderly("I", 1, 2), "carer_absent", [True]),
    ("3.1-N13", 1135, elderly("II", 3, 0, med=True, alone=True), "mobility", [1, 2, 3]),
    ("3.1-N12", 1136, elderly("I", 1, 3, med=True, alone=True), "self_care", [2, 3]),
    ("3.1-N4", 1137, elderly("II", 3, 0, alone=True), "self_care", [1, 2]),
    ("3.1-N9", 1138, elderly("II", 2, 3, carer=True), "mobility", [0, 1, 2]),
    ("3.1-N5", 1139, elderly("I", 3, 0), "medical_indications", [True]),
    ("3.1-N11", 1140, elderly("II", 2, 3, med=True, psych="general"), "psychiatrist_recommends", ["psychoneurological"]),
    ("3.1-N11", 1140, elderly("I", 3, 1, med=True, psych="none"), "psychiatrist_recommends", ["psychoneurological"]),
]

# =====================================================================================================
# Table 3.2, working-age disabled and disabled children over 3 (lines 1154-1179).
# (rule, seed line, adult profile, form, adult RIPSO, child RIPSO or None when the seed gives none)
# Columns: group | self-care | mobility | ИПРА | medical | loneliness or no care | family conflict.
# =====================================================================================================
T32_MATCH = [
    # 1155: с множественными | I, II | 2, 3 | 1, 2, 3 | V |  | V |  | на дому N 14/N 35
    ("3.2-multiple-home", 1155, disabled("multiple", "I", 2, 1, ipra=True, alone=True), "home", [14], [35]),
    # 1156-1158 (one row broken over three lines): I, II | 1, 2, 3 | 1, 2 | V | ... | полустационарная свыше 4 часов N 15/N 36
    ("3.2-multiple-day_care_over_4h", 1156, disabled("multiple", "II", 1, 2, ipra=True), "day_care_over_4h", [15], [36]),
    # 1159: I, II | 2, 3 | 1, 2, 3 | V |  |  | V <*> | стационарная при в/п N 16/N 37
    ("3.2-multiple-residential_temporary", 1159, disabled("multiple", "I", 3, 3, ipra=True, conflict=True),
     "residential_temporary", [16], [37]),
    # 1160 (damaged): II, III | 2, 3 | V | V <***> | ... | стационарная форма при п/п (N 17, 18, 38, 39).
    # Default reading row_1160=mobility_lost: group II, III; self-care 2, 3; ИПРА V; medical V <***>.
    # Mobility 2 is chosen so that the profile also matches under group_lost (self-care 2, 3; mobility 2, 3).
    ("3.2-multiple-residential_permanent", 1160,
     disabled("multiple", "II", 2, 2, ipra=True, med=True, psych="psychoneurological"),
     "residential_permanent", [17, 18], [38, 39]),
    # 1161: с ... физического развития | II, III | 1, 2 | 1, 2 | V |  |  |  | полустационарная до 4 часов N 19/N 40
    ("3.2-physical-day_care_up_to_4h", 1161, disabled("physical", "III", 1, 1, ipra=True), "day_care_up_to_4h", [19], [40]),
    # 1162: I, II | 1, 2, 3 | 1, 2 | V |  |  |  | полустационарная свыше 4 часов N 20/N 41
    ("3.2-physical-day_care_over_4h", 1162, disabled("physical", "I", 3, 2, ipra=True), "day_care_over_4h", [20], [41]),
    # 1163: I, II | 2, 3 | 1, 2, 3 | V |  |  | V <*> | стационарная при в/п N 21/-   (no children's number)
    ("3.2-physical-residential_temporary", 1163, disabled("physical", "II", 2, 3, ipra=True, conflict=True),
     "residential_temporary", [21], None),
    # 1164: I, II | 1, 2, 3 | 2, 3 | V | V |  |  | стационарная форма при п/п (N 22)   (no children's number)
    ("3.2-physical-residential_permanent", 1164, disabled("physical", "I", 1, 2, ipra=True, med=True),
     "residential_permanent", [22], None),
    # 1165: с ... умственного развития | I, II | 2, 3 | 1, 2, 3 | V |  |  | V | на дому N 23, N 30 (при проживании
    # в квартире социального назначения)/N 42. Default reading row_1165=as_written: V under family conflict.
    ("3.2-intellectual-home", 1165, disabled("intellectual", "I", 2, 1, ipra=True, conflict=True), "home", [23], [42]),
    # 1166: II | 1, 2 | 1, 2 | V |  |  |  | полустационарная до 4 часов N 24/N 43
    ("3.2-intellectual-day_care_up_to_4h", 1166, disabled("intellectual", "II", 1, 2, ipra=True),
     "day_care_up_to_4h", [24], [43]),
    # 1168: I, II | 1, 2, 3 | 1, 2 | V |  |  |  | полустационарная свыше 4 часов N 25, N 29 (при нуждаемости в
    # социально-трудовой реабилитации)/N 44
    ("3.2-intellectual-day_care_over_4h", 1168, disabled("intellectual", "I", 3, 1, ipra=True),
     "day_care_over_4h", [25], [44]),
    # 1169: I, II | 2, 3 | 1, 2, 3 | V |  | V <*> |  | стационарная при в/п N 26/N 45
    ("3.2-intellectual-residential_temporary", 1169, disabled("intellectual", "II", 2, 3, ipra=True, carer=True),
     "residential_temporary", [26], [45]),
    # 1170: I, II | 1, 2, 3 | 0, 1, 2, 3 | V | V <***> |  |  | стационарная форма при п/п (N 27, 28, 46, 47)
    ("3.2-intellectual-residential_permanent", 1170,
     disabled("intellectual", "I", 1, 0, ipra=True, med=True, psych="psychoneurological"),
     "residential_permanent", [27, 28], [46, 47]),
    # 1171: с сенсорными ... | I, II | 1, 2, 3 | 1, 2 | V |  |  |  | полустационарная свыше 4 часов N 32/48
    ("3.2-sensory-day_care_over_4h", 1171, disabled("sensory", "II", 2, 1, ipra=True), "day_care_over_4h", [32], [48]),
    # 1172: I, II | 2, 3 | 1, 2, 3 | V |  | V <*> |  | стационарная при в/п N 33/N 49
    ("3.2-sensory-residential_temporary", 1172, disabled("sensory", "I", 3, 2, ipra=True, alone=True),
     "residential_temporary", [33], [49]),
    # 1173: с ... психического развития | I, II | 1, 2, 3 | 0, 1, 2, 3 | V | V <***> |  |  | стационарная форма при п/п
    # (N 27, 28, 46, 47)
    ("3.2-mental-residential_permanent", 1173, disabled("mental", "II", 3, 3, ipra=True, med=True, psych="psychoneurological"),
     "residential_permanent", [27, 28], [46, 47]),
]

# (rule, seed line, adult profile, column, what the cell needs); impairment is never the missed column,
# because near misses are sought among the rows of the case's own impairment.
T32_MISS = [
    ("3.2-multiple-home", 1155, disabled("multiple", "I", 2, 1, alone=True), "ipra_social_rehabilitation", [True]),
    ("3.2-multiple-home", 1155, disabled("multiple", "II", 2, 1, ipra=True), "lonely_or_no_care", [True]),
    ("3.2-multiple-day_care_over_4h", 1156, disabled("multiple", "II", 1, 3, ipra=True), "mobility", [1, 2]),
    ("3.2-multiple-residential_temporary", 1159, disabled("multiple", "I", 1, 3, ipra=True, conflict=True),
     "self_care", [2, 3]),
    ("3.2-multiple-residential_permanent", 1160,
     disabled("multiple", "I", 2, 2, ipra=True, med=True, psych="psychoneurological"), "disability_group", ["II", "III"]),
    ("3.2-physical-day_care_up_to_4h", 1161, disabled("physical", "I", 1, 1, ipra=True), "disability_group", ["II", "III"]),
    ("3.2-physical-day_care_over_4h", 1162, disabled("physical", "I", 3, 0, ipra=True), "mobility", [1, 2]),
    ("3.2-physical-residential_temporary", 1163, disabled("physical", "II", 1, 3, ipra=True, conflict=True),
     "self_care", [2, 3]),
    ("3.2-physical-residential_permanent", 1164, disabled("physical", "I", 1, 2, ipra=True), "medical_indications", [True]),
    ("3.2-intellectual-home", 1165, disabled("intellectual", "I", 2, 1, ipra=True), "family_conflict", [True]),
    ("3.2-intellectual-day_care_up_to_4h", 1166, disabled("intellectual", "I", 1, 2, ipra=True), "disability_group", ["II"]),
    ("3.2-intellectual-day_care_over_4h", 1168, disabled("intellectual", "I", 3, 1), "ipra_social_rehabilitation", [True]),
    ("3.2-intellectual-residential_temporary", 1169, disabled("intellectual", "II", 1, 3, ipra=True, carer=True),
     "self_care", [2, 3]),
    ("3.2-intellectual-residential_permanent", 1170, disabled("intellectual", "I", 1, 0, ipra=True, med=True),
     "psychiatrist_recommends", ["psychoneurological", "general"]),
    ("3.2-sensory-day_care_over_4h", 1171, disabled("sensory", "II", 2, 3, ipra=True), "mobility", [1, 2]),
    ("3.2-sensory-residential_temporary", 1172, disabled("sensory", "I", 3, 0, ipra=True, alone=True), "mobility", [1, 2, 3]),
    ("3.2-mental-residential_permanent", 1173, disabled("mental", "II", 3, 3, ipra=True, psych="general"),
     "medical_indications", [True]),
]

ALL_RULE_IDS = {r[0] for r in T31_MATCH} | {r[0] for r in T32_MATCH}


def test_every_row_of_the_seed_has_a_case_and_nothing_more():
    """12 rows in 3.1 (N 1-9, 11-13: line 1118-1140), 16 in 3.2 (lines 1155-1173); and every row the
    engine knows is one of them (no rule the seed does not have)."""
    assert sorted(n for *_, ripso in T31_MATCH for n in ripso) == [1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13]
    assert len(T32_MATCH) == 16
    ruleset = socmethod.bundled_ruleset()
    engine_ids = {r.id for t in ("3.1", "3.2") for r in ruleset.tables[t].rows}
    assert engine_ids == ALL_RULE_IDS
    assert {m[0] for m in T31_MISS} | {m[0] for m in T32_MISS} == ALL_RULE_IDS


# --- matches -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("empty_cell", ALL_READINGS["empty_cell"])
@pytest.mark.parametrize("rule,line,profile,form,ripso", T31_MATCH, ids=[r[0] for r in T31_MATCH])
def test_31_row_matches(rule, line, profile, form, ripso, empty_cell):
    result = evaluate_profile(profile, readings={"empty_cell": empty_cell})
    r = rec(result, rule)
    assert (r["form"], r["ripso"], r["table"], r["seed_line"]) == (form, ripso, "3.1", line)
    assert rule not in rules_of(result, "near_misses")


@pytest.mark.parametrize("rule,line,profile,form,ripso", T31_MATCH, ids=[r[0] for r in T31_MATCH])
def test_31_row_matches_full_case(rule, line, profile, form, ripso):
    result = assess(case_of(profile))
    assert result["self_care"]["degree"] == profile["self_care"]
    assert result["mobility"]["degree"] == profile["mobility"]
    r = rec(result, rule)
    assert (r["form"], r["ripso"]) == (form, ripso)


@pytest.mark.parametrize("empty_cell", ALL_READINGS["empty_cell"])
@pytest.mark.parametrize("rule,line,profile,form,adult,child", T32_MATCH, ids=[r[0] for r in T32_MATCH])
def test_32_row_matches_adult(rule, line, profile, form, adult, child, empty_cell):
    result = evaluate_profile(profile, readings={"empty_cell": empty_cell})
    r = rec(result, rule)
    assert (r["form"], r["ripso"], r["table"], r["seed_line"]) == (form, adult, "3.2", line)


@pytest.mark.parametrize("rule,line,profile,form,adult,child", T32_MATCH, ids=[r[0] for r in T32_MATCH])
def test_32_row_matches_adult_full_case(rule, line, profile, form, adult, child):
    result = assess(case_of(profile))
    assert (result["self_care"]["degree"], result["mobility"]["degree"]) == (profile["self_care"], profile["mobility"])
    r = rec(result, rule)
    assert (r["form"], r["ripso"]) == (form, adult)


CHILD_ROWS = [r for r in T32_MATCH if r[5] is not None]
NO_CHILD_ROWS = [r for r in T32_MATCH if r[5] is None]


@pytest.mark.parametrize("full_case", [False, True], ids=["profile", "case"])
@pytest.mark.parametrize("rule,line,profile,form,adult,child", CHILD_ROWS, ids=[r[0] for r in CHILD_ROWS])
def test_32_row_matches_child(rule, line, profile, form, adult, child, full_case):
    kid = child_of(profile)
    result = assess(case_of(kid)) if full_case else evaluate_profile(kid)
    r = rec(result, rule)
    assert (r["form"], r["ripso"]) == (form, child)


def test_no_children_number_rows_are_exactly_n21_and_n22():
    # 1163: «N 21/-»; 1164: «(N 22)» without a children's number.
    assert [(r[0], r[4]) for r in NO_CHILD_ROWS] == [("3.2-physical-residential_temporary", [21]),
                                                    ("3.2-physical-residential_permanent", [22])]


@pytest.mark.parametrize("full_case", [False, True], ids=["profile", "case"])
@pytest.mark.parametrize("rule,line,profile,form,adult,child", NO_CHILD_ROWS, ids=[r[0] for r in NO_CHILD_ROWS])
def test_rows_without_childrens_number_are_not_recommended_to_children(rule, line, profile, form, adult, child,
                                                                        full_case):
    kid = child_of(profile)
    result = assess(case_of(kid)) if full_case else evaluate_profile(kid)
    for key in ("recommendations", "depends_on", "near_misses"):
        assert rule not in rules_of(result, key)
    for r in result["recommendations"]:
        assert not set(r["ripso"]) & {21, 22}
    # ... while the adult in the same situation gets it.
    assert rule in rules_of(evaluate_profile(profile))


# --- every cell of every row, swept value by value -------------------------------------------------------
# The seed's criterion cells, copied from the seed lines (tabs shown as « | »). For 3.1 the columns are
# group | self-care | mobility | medical | loneliness | absence of carers | conflict (line 1128); for 3.2,
# after the impairment cell: group | self-care | mobility | ИПРА | medical | loneliness or no care |
# conflict (line 1154). Starting from the row's matching profile, each set column is tried with every value
# of its domain (match iff the value is in the cell), each ticked flag is switched off (no match) and each
# empty flag switched on (match under empty_cell=not_required, no match under must_be_absent).
SEED_CELLS_31 = {
    "3.1-N2": (1129, "нет, III, II, I | 1 | 0, 1 |  | V |  | "),
    "3.1-N7": (1130, "нет, III, II, I | 1 | 0, 1 |  |  |  | V"),
    "3.1-N3": (1131, "III, II, I | 1, 2 | 0, 1 | V | V |  | "),
    "3.1-N8": (1132, "III, II, I | 1, 2 | 0, 1 | V |  |  | V"),
    "3.1-N1": (1133, "II, I | 1, 2 | 1, 2 |  | V |  | "),
    "3.1-N6": (1134, "II, I | 1, 2 | 1, 2 |  |  | V <*> | "),
    "3.1-N13": (1135, "II, I | 1, 2, 3 | 1, 2, 3 | V | V <*> |  | "),
    "3.1-N12": (1136, "II, I | 2, 3 | 2, 3 | V | V <*> |  | "),
    "3.1-N4": (1137, "II, I | 1, 2 | 0, 1, 2 |  | V |  | "),
    "3.1-N9": (1138, "II, I | 1, 2 | 0, 1, 2 |  |  | V <*> | "),
    "3.1-N5": (1139, "I, II | 2, 3 | 0, 1, 2, 3 | V |  |  | "),
    "3.1-N11": (1140, "I, II | 2, 3 | 0, 1, 2, 3 | V <***> |  |  | "),
}
SEED_CELLS_32 = {
    "3.2-multiple-home": (1155, "I, II | 2, 3 | 1, 2, 3 | V |  | V | "),
    "3.2-multiple-day_care_over_4h": (1156, "I, II | 1, 2, 3 | 1, 2 | V |  |  | "),
    "3.2-multiple-residential_temporary": (1159, "I, II | 2, 3 | 1, 2, 3 | V |  |  | V <*>"),
    "3.2-multiple-residential_permanent": (1160, "II, III | 2, 3 | V | V <***> |  |  | "),   # damaged, see below
    "3.2-physical-day_care_up_to_4h": (1161, "II, III | 1, 2 | 1, 2 | V |  |  | "),
    "3.2-physical-day_care_over_4h": (1162, "I, II | 1, 2, 3 | 1, 2 | V |  |  | "),
    "3.2-physical-residential_temporary": (1163, "I, II | 2, 3 | 1, 2, 3 | V |  |  | V <*>"),
    "3.2-physical-residential_permanent": (1164, "I, II | 1, 2, 3 | 2, 3 | V | V |  | "),
    "3.2-intellectual-home": (1165, "I, II | 2, 3 | 1, 2, 3 | V |  |  | V"),
    "3.2-intellectual-day_care_up_to_4h": (1166, "II | 1, 2 | 1, 2 | V |  |  | "),
    "3.2-intellectual-day_care_over_4h": (1168, "I, II | 1, 2, 3 | 1, 2 | V |  |  | "),
    "3.2-intellectual-residential_temporary": (1169, "I, II | 2, 3 | 1, 2, 3 | V |  | V <*> | "),
    "3.2-intellectual-residential_permanent": (1170, "I, II | 1, 2, 3 | 0, 1, 2, 3 | V | V <***> |  | "),
    "3.2-sensory-day_care_over_4h": (1171, "I, II | 1, 2, 3 | 1, 2 | V |  |  | "),
    "3.2-sensory-residential_temporary": (1172, "I, II | 2, 3 | 1, 2, 3 | V |  | V <*> | "),
    "3.2-mental-residential_permanent": (1173, "I, II | 1, 2, 3 | 0, 1, 2, 3 | V | V <***> |  | "),
}
# The damaged rows as each reading restores them (ruleset.toml [readings.row_1160] / [readings.row_1165]).
READ_CELLS_32 = {
    ("3.2-multiple-residential_permanent", "row_1160", "mobility_lost"): "II, III | 2, 3 |  | V | V <***> |  | ",
    ("3.2-multiple-residential_permanent", "row_1160", "group_lost"): " | 2, 3 | 2, 3 | V | V <***> |  | ",
    ("3.2-multiple-residential_permanent", "row_1160", "self_care_lost"): "II, III |  | 2, 3 | V | V <***> |  | ",
    ("3.2-intellectual-home", "row_1165", "lonely_shifted"): "I, II | 2, 3 | 1, 2, 3 | V |  | V | ",
}
COLS_31 = ["disability_group", "self_care", "mobility", "medical_indications", "lives_alone", "carer_absent",
           "family_conflict"]
COLS_32 = ["disability_group", "self_care", "mobility", "ipra_social_rehabilitation", "medical_indications",
           "lonely_or_no_care", "family_conflict"]
STAR_GROUP = {"3.1": ["lives_alone", "carer_absent"], "3.2": ["lonely_or_no_care", "family_conflict"]}
FLAG_FIELDS = {"lonely_or_no_care": ["lives_alone", "carer_absent"]}
SET_DOMAIN = {"disability_group": ["none", "I", "II", "III"], "self_care": [0, 1, 2, 3], "mobility": [0, 1, 2, 3]}


def _parse_cells(text: str, columns: list[str]) -> dict:
    cells = [c.strip() for c in text.split("|")]
    assert len(cells) == len(columns), text
    out = {}
    for col, cell in zip(columns, cells):
        if col in SET_DOMAIN:
            vals = [v.strip() for v in cell.split(",")] if cell else None
            out[col] = None if vals is None else {"none" if v == "нет" else (int(v) if v.isdigit() else v) for v in vals}
        else:
            out[col] = cell   # "", "V", "V <*>", "V <***>"
    return out


def _sweep_rows():
    rows = []
    for rule, line, profile, form, ripso in T31_MATCH:
        rows.append((rule, "3.1", {}, profile, _parse_cells(SEED_CELLS_31[rule][1], COLS_31)))
    for rule, line, profile, form, adult, child in T32_MATCH:
        if rule == "3.2-multiple-residential_permanent":
            continue
        rows.append((rule, "3.2", {}, profile, _parse_cells(SEED_CELLS_32[rule][1], COLS_32)))
    for (rule, reading, option), text in READ_CELLS_32.items():
        profile = next(r[2] for r in T32_MATCH if r[0] == rule)
        if option == "lonely_shifted":
            profile = dict(profile, family_conflict=False, lives_alone=True)
        rows.append((f"{rule}", "3.2", {reading: option}, profile, _parse_cells(text, COLS_32)))
    return rows


SWEEP = _sweep_rows()
SWEEP_IDS = [r[0] + "".join(f"[{v}]" for v in r[2].values()) for r in SWEEP]


def _set_flag(profile: dict, column: str, value: bool) -> dict:
    return dict(profile, **{f: value for f in FLAG_FIELDS.get(column, [column])})


SWEEP_CHILD = [(r, i) for r, i in zip(SWEEP, SWEEP_IDS)
               if r[1] == "3.2" and r[0] not in {n[0] for n in NO_CHILD_ROWS}]


@pytest.mark.parametrize("rule,table,readings,profile,cells", SWEEP, ids=SWEEP_IDS)
def test_sweep_set_columns(rule, table, readings, profile, cells):
    _sweep_sets(rule, readings, profile, cells, child=False)


@pytest.mark.parametrize("rule,table,readings,profile,cells", [r for r, _ in SWEEP_CHILD], ids=[i for _, i in SWEEP_CHILD])
def test_sweep_set_columns_child(rule, table, readings, profile, cells):
    _sweep_sets(rule, readings, profile, cells, child=True)


def _sweep_sets(rule, readings, profile, cells, child):
    for col, domain in SET_DOMAIN.items():
        for value in domain:
            p = dict(profile, **{col: value})
            if child:
                if col == "disability_group":
                    continue
                p = child_of(p)
            expected = cells[col] is None or value in cells[col]
            got = rule in rules_of(evaluate_profile(p, readings=readings))
            assert got is expected, (rule, col, value)


@pytest.mark.parametrize("rule,table,readings,profile,cells", SWEEP, ids=SWEEP_IDS)
def test_sweep_flag_columns(rule, table, readings, profile, cells):
    star = [c for c in cells if cells[c] == "V <*>"]
    group = STAR_GROUP[table] if star else []
    for col, cell in cells.items():
        if col in SET_DOMAIN:
            continue
        if cell.startswith("V"):
            off = profile
            for c in (group if col in group else [col]):
                off = _set_flag(off, c, False)
            assert rule not in rules_of(evaluate_profile(off, readings=readings)), (rule, col, "off")
        else:
            on = _set_flag(profile, col, True)
            assert rule in rules_of(evaluate_profile(on, readings=readings)), (rule, col, "on")
            strict = evaluate_profile(on, readings={**readings, "empty_cell": "must_be_absent"})
            assert (rule in rules_of(strict)) is (col in group), (rule, col, "must_be_absent")
        if cell == "V <***>":
            for psych in ("none", None):
                res = evaluate_profile(dict(profile, psychiatrist_recommends=psych), readings=readings)
                assert rule not in rules_of(res), (rule, psych)


def test_seed_cell_transcription_matches_the_seed():
    """The hand transcription above is the seed's text (skipped when the seed is not beside the repo)."""
    lines = seed_lines()

    def norm(s):
        return " | ".join(c.strip() for c in s.split("|")).strip(" |")

    for rule, (line, text) in SEED_CELLS_31.items():
        seed = norm(lines[line - 1].replace("\t", "|"))
        assert seed.startswith(norm(text)), (rule, seed)
    for rule, (line, text) in SEED_CELLS_32.items():
        cells = lines[line - 1].split("\t")[1:]          # drop the impairment cell
        assert norm("|".join(cells)).startswith(norm(text)), (rule, lines[line - 1])


# --- misses by exactly one criterion -------------------------------------------------------------------

def _check_miss(result, rule, column, needs):
    assert rule not in rules_of(result)
    assert rule not in rules_of(result, "depends_on")
    nm = rec(result, rule, "near_misses")
    assert column in miss_columns(nm), nm
    assert list(nm["needs"]) == list(needs) or set(nm["needs"]) == set(needs), nm


@pytest.mark.parametrize("rule,line,profile,column,needs", T31_MISS, ids=[f"{m[0]}-{m[3]}" for m in T31_MISS])
def test_31_row_missed_by_one_criterion(rule, line, profile, column, needs):
    _check_miss(evaluate_profile(profile), rule, column, needs)
    _check_miss(assess(case_of(profile)), rule, column, needs)


@pytest.mark.parametrize("rule,line,profile,column,needs", T32_MISS, ids=[f"{m[0]}-{m[3]}" for m in T32_MISS])
def test_32_row_missed_by_one_criterion_adult(rule, line, profile, column, needs):
    _check_miss(evaluate_profile(profile), rule, column, needs)
    _check_miss(assess(case_of(profile)), rule, column, needs)


CHILD_MISSES = [m for m in T32_MISS if m[3] != "disability_group"
                and m[0] not in {r[0] for r in NO_CHILD_ROWS}]


@pytest.mark.parametrize("rule,line,profile,column,needs", CHILD_MISSES, ids=[f"{m[0]}-{m[3]}" for m in CHILD_MISSES])
def test_32_row_missed_by_one_criterion_child(rule, line, profile, column, needs):
    _check_miss(evaluate_profile(child_of(profile)), rule, column, needs)


def test_32_near_misses_stay_within_the_impairment():
    # A physical-impairment case one step from the sensory day-care row is not offered that row as a near miss.
    result = evaluate_profile(disabled("physical", "II", 2, 3, ipra=True))
    assert not [n for n in result["near_misses"] if not n["rule"].startswith("3.2-physical")]


def test_32_group_column_is_not_checked_for_children():
    # Line 1154: the group column is «для инвалидов трудоспособного возраста»; 1166 demands group II of adults.
    kid = child_of(disabled("intellectual", "I", 1, 2, ipra=True))
    assert rec(evaluate_profile(kid), "3.2-intellectual-day_care_up_to_4h")["ripso"] == [43]


def test_32_loneliness_column_is_loneliness_or_no_care():
    # 1150/1154: «Одиночество или временное отсутствие возможности обеспечения ухода за инвалидом».
    for flags in ({"alone": True}, {"carer": True}, {"alone": True, "carer": True}):
        result = evaluate_profile(disabled("multiple", "II", 3, 3, ipra=True, **flags))
        assert rec(result, "3.2-multiple-home")["ripso"] == [14]


# --- footnote <*> ------------------------------------------------------------------------------------
# 3.1, line 1142: «<*> Наличие одного из критериев» (loneliness / temporary absence of carers);
# 3.2, line 1175: «<*> Наличие одного из критериев или двух одновременно» (loneliness-or-no-care / conflict).
# (rule, profile that has the OTHER criterion of the footnote's group instead of the ticked one, ticked column)
STAR_OTHER = [
    ("3.1-N6", elderly("I", 1, 2, alone=True), "carer_absent"),                      # 1134 V <*> under carer
    ("3.1-N9", elderly("II", 2, 1, alone=True), "carer_absent"),                     # 1138
    ("3.1-N13", elderly("II", 2, 2, med=True, carer=True), "lives_alone"),           # 1135 V <*> under loneliness
    ("3.1-N12", elderly("I", 3, 3, med=True, carer=True), "lives_alone"),            # 1136
    ("3.2-multiple-residential_temporary", disabled("multiple", "II", 2, 1, ipra=True, alone=True), "family_conflict"),  # 1159
    ("3.2-physical-residential_temporary", disabled("physical", "I", 3, 3, ipra=True, carer=True), "family_conflict"),   # 1163
    ("3.2-intellectual-residential_temporary", disabled("intellectual", "I", 2, 2, ipra=True, conflict=True),
     "lonely_or_no_care"),                                                            # 1169 V <*> under loneliness
    ("3.2-sensory-residential_temporary", disabled("sensory", "II", 3, 1, ipra=True, conflict=True),
     "lonely_or_no_care"),                                                            # 1172
]


@pytest.mark.parametrize("rule,profile,ticked", STAR_OTHER, ids=[s[0] for s in STAR_OTHER])
def test_star_footnote_any_of_group_accepts_the_other_criterion(rule, profile, ticked):
    result = evaluate_profile(profile, readings={"star_footnote": "any_of_group"})
    assert rule in rules_of(result)


@pytest.mark.parametrize("rule,profile,ticked", STAR_OTHER, ids=[s[0] for s in STAR_OTHER])
def test_star_footnote_literal_needs_the_ticked_criterion(rule, profile, ticked):
    result = evaluate_profile(profile, readings={"star_footnote": "literal"})
    assert rule not in rules_of(result)
    assert miss_columns(rec(result, rule, "near_misses")) == [ticked]


@pytest.mark.parametrize("rule,profile,ticked", STAR_OTHER, ids=[s[0] for s in STAR_OTHER])
def test_star_footnote_group_miss_names_both_columns(rule, profile, ticked):
    # Neither criterion of the group: the near miss names the group, which includes the ticked column.
    bare = dict(profile, lives_alone=False, carer_absent=False, family_conflict=False)
    result = evaluate_profile(bare)
    nm = rec(result, rule, "near_misses")
    assert ticked in miss_columns(nm) and len(miss_columns(nm)) == 2


@pytest.mark.parametrize("star", ALL_READINGS["star_footnote"])
def test_32_star_both_criteria_at_once(star):
    # 1175: «... или двух одновременно»: both at once is fine under either reading.
    p = disabled("multiple", "I", 2, 2, ipra=True, alone=True, conflict=True)
    assert "3.2-multiple-residential_temporary" in rules_of(evaluate_profile(p, readings={"star_footnote": star}))


def test_star_footnote_with_must_be_absent():
    # Under any_of_group the other column of the group is not an "empty cell that must be absent".
    p = elderly("I", 1, 2, alone=True, carer=True)
    res = evaluate_profile(p, readings={"empty_cell": "must_be_absent", "star_footnote": "any_of_group"})
    assert "3.1-N6" in rules_of(res)
    # Literally read and empty cells absent, N 6 needs the carer's absence AND no loneliness.
    res = evaluate_profile(p, readings={"empty_cell": "must_be_absent", "star_footnote": "literal"})
    assert "3.1-N6" not in rules_of(res)
    assert "3.1-N6" in rules_of(evaluate_profile(dict(p, lives_alone=False),
                                                 readings={"empty_cell": "must_be_absent", "star_footnote": "literal"}))


# --- empty cells ---------------------------------------------------------------------------------------

EMPTY_EXTRA = [
    # (rule, profile matching the row plus one criterion whose cell is EMPTY in the seed row, that column)
    ("3.1-N2", elderly("II", 1, 1, alone=True, conflict=True), "family_conflict"),            # 1129
    ("3.1-N7", elderly("none", 1, 0, conflict=True, med=True), "medical_indications"),        # 1130
    ("3.1-N5", elderly("I", 2, 0, med=True, alone=True), "lives_alone"),                      # 1139
    ("3.2-multiple-day_care_over_4h", disabled("multiple", "I", 2, 1, ipra=True, med=True), "medical_indications"),  # 1156
    ("3.2-sensory-day_care_over_4h", disabled("sensory", "I", 2, 1, ipra=True, conflict=True), "family_conflict"),   # 1171
    ("3.2-physical-day_care_up_to_4h", disabled("physical", "II", 1, 2, ipra=True, carer=True), "lonely_or_no_care"),  # 1161
]


@pytest.mark.parametrize("rule,profile,column", EMPTY_EXTRA, ids=[e[0] for e in EMPTY_EXTRA])
def test_empty_cell_not_required(rule, profile, column):
    assert rule in rules_of(evaluate_profile(profile, readings={"empty_cell": "not_required"}))


@pytest.mark.parametrize("rule,profile,column", EMPTY_EXTRA, ids=[e[0] for e in EMPTY_EXTRA])
def test_empty_cell_must_be_absent(rule, profile, column):
    result = evaluate_profile(profile, readings={"empty_cell": "must_be_absent"})
    assert rule not in rules_of(result)
    nm = rec(result, rule, "near_misses")
    assert miss_columns(nm) == [column] and nm["needs"] == [False]


def test_empty_cell_must_be_absent_unknown_flag_is_a_dependency():
    p = elderly("II", 1, 1, alone=True, conflict=None)
    result = evaluate_profile(p, readings={"empty_cell": "must_be_absent"})
    d = rec(result, "3.1-N2", "depends_on")
    assert (d["key"], d["answer"]) == ("family_conflict", False)
    assert "3.1-N2" in rules_of(evaluate_profile(p))   # not_required: the unknown does not matter


# --- the psychiatrist's conclusion (<***>) -------------------------------------------------------------
# 3.1 line 1144: N 11 needs a conclusion naming ПНИ. 3.2 lines 1177 (ПНИ or general home) / 1179 (ПНИ).
PSY_32_ROWS = [
    ("3.2-multiple-residential_permanent", disabled("multiple", "III", 3, 2, ipra=True, med=True)),
    ("3.2-intellectual-residential_permanent", disabled("intellectual", "II", 2, 3, ipra=True, med=True)),
    ("3.2-mental-residential_permanent", disabled("mental", "I", 1, 1, ipra=True, med=True)),
]
PSY_EXPECT = {  # reading -> conclusion -> recommended?
    "any_type": {"psychoneurological": True, "general": True, "none": False},
    "pni_only": {"psychoneurological": True, "general": False, "none": False},
}


@pytest.mark.parametrize("reading", ALL_READINGS["psychiatrist_note"])
@pytest.mark.parametrize("psych", ["psychoneurological", "general", "none"])
@pytest.mark.parametrize("rule,profile", PSY_32_ROWS, ids=[p[0] for p in PSY_32_ROWS])
def test_32_psychiatrist_note(rule, profile, psych, reading):
    for p in (dict(profile, psychiatrist_recommends=psych), child_of(dict(profile, psychiatrist_recommends=psych))):
        result = evaluate_profile(p, readings={"psychiatrist_note": reading})
        if PSY_EXPECT[reading][psych]:
            assert rule in rules_of(result)
        else:
            assert rule not in rules_of(result)
            assert miss_columns(rec(result, rule, "near_misses")) == ["psychiatrist_recommends"]


@pytest.mark.parametrize("reading", ALL_READINGS["psychiatrist_note"])
def test_31_n11_needs_a_pni_conclusion_under_every_reading(reading):
    base = elderly("I", 2, 2, med=True)
    for psych, expected in (("psychoneurological", True), ("general", False), ("none", False)):
        result = evaluate_profile(dict(base, psychiatrist_recommends=psych), readings={"psychiatrist_note": reading})
        assert ("3.1-N11" in rules_of(result)) is expected, psych
        # N 5 (1139) is the same row without <***>: it does not depend on the conclusion.
        assert "3.1-N5" in rules_of(result)


def test_31_n11_unknown_conclusion_depends_on_pni():
    result = evaluate_profile(elderly("I", 2, 2, med=True, psych=None))
    assert "3.1-N11" not in rules_of(result)
    deps = [d for d in result["depends_on"] if d["rule"] == "3.1-N11"]
    assert [(d["key"], d["answer"], d["ripso"]) for d in deps] == [("psychiatrist_recommends", "psychoneurological", [11])]


@pytest.mark.parametrize("reading,answers", [("any_type", {"psychoneurological", "general"}),
                                             ("pni_only", {"psychoneurological"})])
def test_32_unknown_conclusion_depends_on_the_reading(reading, answers):
    p = disabled("mental", "I", 1, 1, ipra=True, med=True, psych=None)
    result = evaluate_profile(p, readings={"psychiatrist_note": reading})
    deps = [d for d in result["depends_on"] if d["rule"] == "3.2-mental-residential_permanent"]
    assert {d["answer"] for d in deps} == answers
    assert all(d["key"] == "psychiatrist_recommends" and d["ripso"] == [27, 28] for d in deps)


# --- damaged rows: readings row_1160 and row_1165 -------------------------------------------------------

def test_row_1160_mobility_lost_checks_group_not_mobility():
    # mobility_lost: group II, III; self-care 2, 3; mobility unchecked.
    p = disabled("multiple", "III", 3, 0, ipra=True, med=True, psych="general")
    assert rec(evaluate_profile(p, readings={"row_1160": "mobility_lost"}),
               "3.2-multiple-residential_permanent")["ripso"] == [17, 18]
    res = evaluate_profile(p, readings={"row_1160": "group_lost"})
    assert "3.2-multiple-residential_permanent" not in rules_of(res)
    assert miss_columns(rec(res, "3.2-multiple-residential_permanent", "near_misses")) == ["mobility"]


def test_row_1160_group_lost_checks_mobility_not_group():
    # group_lost: «II, III» is self-care 2, 3, «2, 3» mobility 2, 3; group unchecked.
    p = disabled("multiple", "I", 2, 3, ipra=True, med=True, psych="psychoneurological")
    assert rec(evaluate_profile(p, readings={"row_1160": "group_lost"}),
               "3.2-multiple-residential_permanent")["ripso"] == [17, 18]
    res = evaluate_profile(p, readings={"row_1160": "mobility_lost"})
    assert "3.2-multiple-residential_permanent" not in rules_of(res)
    assert miss_columns(rec(res, "3.2-multiple-residential_permanent", "near_misses")) == ["disability_group"]
    # The children's numbers (38, 39) follow the same row.
    kid = child_of(p)
    assert rec(evaluate_profile(kid, readings={"row_1160": "group_lost"}),
               "3.2-multiple-residential_permanent")["ripso"] == [38, 39]
    kid0 = child_of(p, mob=0)
    assert "3.2-multiple-residential_permanent" not in rules_of(evaluate_profile(kid0, readings={"row_1160": "group_lost"}))
    assert "3.2-multiple-residential_permanent" in rules_of(evaluate_profile(kid0, readings={"row_1160": "mobility_lost"}))


def test_row_1160_self_care_lost_checks_group_and_mobility_not_self_care():
    # self_care_lost: group II, III as written; «2, 3» is mobility 2, 3; self-care unchecked.
    p = disabled("multiple", "II", 0, 3, ipra=True, med=True, psych="psychoneurological")
    assert rec(evaluate_profile(p, readings={"row_1160": "self_care_lost"}),
               "3.2-multiple-residential_permanent")["ripso"] == [17, 18]
    for other, column in (("mobility_lost", "self_care"), ("group_lost", "self_care")):
        res = evaluate_profile(p, readings={"row_1160": other})
        assert "3.2-multiple-residential_permanent" not in rules_of(res)
        assert miss_columns(rec(res, "3.2-multiple-residential_permanent", "near_misses")) == [column]
    # Group I fails it (the group cell is read as written) and so does mobility 1.
    for q, column in ((dict(p, disability_group="I"), "disability_group"), (dict(p, mobility=1), "mobility")):
        res = evaluate_profile(q, readings={"row_1160": "self_care_lost"})
        assert miss_columns(rec(res, "3.2-multiple-residential_permanent", "near_misses")) == [column]
    # A child: the group column is not checked, mobility is.
    assert rec(evaluate_profile(child_of(p), readings={"row_1160": "self_care_lost"}),
               "3.2-multiple-residential_permanent")["ripso"] == [38, 39]


@pytest.mark.parametrize("reading", ALL_READINGS["row_1160"])
def test_row_1160_exactly_one_variant_active(reading):
    p = disabled("multiple", "II", 2, 2, ipra=True, med=True, psych="psychoneurological")
    result = evaluate_profile(p, readings={"row_1160": reading})
    assert rules_of(result).count("3.2-multiple-residential_permanent") == 1


def test_row_1165_as_written_needs_family_conflict():
    lonely = disabled("intellectual", "II", 3, 2, ipra=True, alone=True)
    res = evaluate_profile(lonely, readings={"row_1165": "as_written"})
    assert "3.2-intellectual-home" not in rules_of(res)
    assert miss_columns(rec(res, "3.2-intellectual-home", "near_misses")) == ["family_conflict"]


def test_row_1165_lonely_shifted_needs_loneliness_or_no_care():
    for flags in ({"alone": True}, {"carer": True}):
        p = disabled("intellectual", "II", 3, 2, ipra=True, **flags)
        r = rec(evaluate_profile(p, readings={"row_1165": "lonely_shifted"}), "3.2-intellectual-home")
        assert (r["form"], r["ripso"]) == ("home", [23])
        assert rec(evaluate_profile(child_of(p), readings={"row_1165": "lonely_shifted"}),
                   "3.2-intellectual-home")["ripso"] == [42]
    conflict = disabled("intellectual", "II", 3, 2, ipra=True, conflict=True)
    res = evaluate_profile(conflict, readings={"row_1165": "lonely_shifted"})
    assert "3.2-intellectual-home" not in rules_of(res)
    assert miss_columns(rec(res, "3.2-intellectual-home", "near_misses")) == ["lonely_or_no_care"]


# --- conditional numbers N 30 and N 29 ----------------------------------------------------------------

COND = [
    # 1165: «N 23, N 30 (при проживании в квартире социального назначения)/N 42»
    ("3.2-intellectual-home", disabled("intellectual", "II", 2, 2, ipra=True, conflict=True),
     "social_housing_flat", [23], 30, [42]),
    # 1168: «N 25, N 29 (при нуждаемости в социально-трудовой реабилитации)/N 44»
    ("3.2-intellectual-day_care_over_4h", disabled("intellectual", "II", 2, 2, ipra=True),
     "needs_social_labour_rehab", [25], 29, [44]),
]


@pytest.mark.parametrize("rule,profile,key,base,extra,child", COND, ids=[c[2] for c in COND])
def test_conditional_number_true(rule, profile, key, base, extra, child):
    result = evaluate_profile(dict(profile, **{key: True}))
    assert rec(result, rule)["ripso"] == base + [extra]
    assert rule not in rules_of(result, "depends_on")


@pytest.mark.parametrize("rule,profile,key,base,extra,child", COND, ids=[c[2] for c in COND])
def test_conditional_number_false(rule, profile, key, base, extra, child):
    result = evaluate_profile(dict(profile, **{key: False}))
    assert rec(result, rule)["ripso"] == base
    assert rule not in rules_of(result, "depends_on")


@pytest.mark.parametrize("rule,profile,key,base,extra,child", COND, ids=[c[2] for c in COND])
def test_conditional_number_unknown(rule, profile, key, base, extra, child):
    for result in (evaluate_profile(dict(profile, **{key: None})),
                   assess({k: v for k, v in case_of(profile).items() if k != key})):   # optional key absent
        assert rec(result, rule)["ripso"] == base
        d = rec(result, rule, "depends_on")
        assert (d["ripso"], d["key"], d["answer"]) == ([extra], key, True)


@pytest.mark.parametrize("rule,profile,key,base,extra,child", COND, ids=[c[2] for c in COND])
def test_conditional_number_full_case_and_child(rule, profile, key, base, extra, child):
    assert rec(assess(case_of(dict(profile, **{key: True}))), rule)["ripso"] == base + [extra]
    kid = child_of(profile)
    result = assess(case_of(kid))
    assert rec(result, rule)["ripso"] == child
    assert rule not in rules_of(result, "depends_on")


def test_conditional_number_when_the_row_itself_is_unknown():
    p = disabled("intellectual", "II", 2, 2, ipra=None, conflict=True, flat=None)
    result = evaluate_profile(p)
    deps = {tuple(d["ripso"]): d["when"] for d in result["depends_on"] if d["rule"] == "3.2-intellectual-home"}
    assert deps == {(23,): {"ipra_social_rehabilitation": True},
                    (30,): {"ipra_social_rehabilitation": True, "social_housing_flat": True}}


# Reading conditional_number=replacing (line 1165): the number «при условии» replaces the cell's other one.
REPLACING = {"conditional_number": "replacing"}


@pytest.mark.parametrize("rule,profile,key,base,extra,child", COND, ids=[c[2] for c in COND])
def test_conditional_number_replacing(rule, profile, key, base, extra, child):
    assert rec(evaluate_profile(dict(profile, **{key: True}), readings=REPLACING), rule)["ripso"] == [extra]
    assert rec(evaluate_profile(dict(profile, **{key: False}), readings=REPLACING), rule)["ripso"] == base
    # Unknown condition: neither number is firm, each depends on its own answer.
    result = evaluate_profile(dict(profile, **{key: None}), readings=REPLACING)
    assert rec(result, rule)["ripso"] == []
    deps = sorted((d["ripso"], d["when"]) for d in result["depends_on"] if d["rule"] == rule)
    assert deps == sorted([(base, {key: False}), ([extra], {key: True})])
    # Children's cells have no conditional number: nothing changes for them.
    assert rec(assess(case_of(child_of(profile)), readings=REPLACING), rule)["ripso"] == child


def test_conditional_number_replacing_when_the_row_itself_is_unknown():
    p = disabled("intellectual", "II", 2, 2, ipra=None, conflict=True, flat=None)
    result = evaluate_profile(p, readings=REPLACING)
    deps = {tuple(d["ripso"]): d["when"] for d in result["depends_on"] if d["rule"] == "3.2-intellectual-home"}
    assert deps == {(23,): {"ipra_social_rehabilitation": True, "social_housing_flat": False},
                    (30,): {"ipra_social_rehabilitation": True, "social_housing_flat": True}}


# --- the ИПРА column «(при наличии)» (lines 1150, 1154): reading ipra_column ----------------------------

NO_RECOMMENDATIONS = disabled("physical", "II", 1, 1, ipra=False)     # 1161: N 19 but for the ИПРА cell


def test_ipra_column_required_by_default():
    result = evaluate_profile(NO_RECOMMENDATIONS)
    assert "3.2-physical-day_care_up_to_4h" not in rules_of(result)
    assert miss_columns(rec(result, "3.2-physical-day_care_up_to_4h", "near_misses")) == ["ipra_social_rehabilitation"]


def test_ipra_column_if_ipra_exists():
    readings = {"ipra_column": "if_ipra_exists"}
    # Without an ИПРА at all the column holds; with an ИПРА lacking the recommendations it does not.
    assert rec(evaluate_profile(dict(NO_RECOMMENDATIONS, no_ipra=True), readings=readings),
               "3.2-physical-day_care_up_to_4h")["ripso"] == [19]
    assert "3.2-physical-day_care_up_to_4h" not in rules_of(
        evaluate_profile(dict(NO_RECOMMENDATIONS, no_ipra=False), readings=readings))
    # Whether there is an ИПРА not known: the row depends on it.
    result = evaluate_profile(dict(NO_RECOMMENDATIONS, no_ipra=None), readings=readings)
    d = rec(result, "3.2-physical-day_care_up_to_4h", "depends_on")
    assert d["when"] == {"no_ipra": True}
    # The default reading does not read no_ipra at all.
    assert "3.2-physical-day_care_up_to_4h" not in rules_of(evaluate_profile(dict(NO_RECOMMENDATIONS, no_ipra=True)))


def test_ipra_column_not_required():
    readings = {"ipra_column": "not_required"}
    for ipra in (False, None, True):
        result = evaluate_profile(dict(NO_RECOMMENDATIONS, ipra_social_rehabilitation=ipra), readings=readings)
        assert rec(result, "3.2-physical-day_care_up_to_4h")["ripso"] == [19]
        assert all(c["column"] != "ipra_social_rehabilitation" for c in rec(result, "3.2-physical-day_care_up_to_4h")["criteria"])


def test_no_ipra_and_recommendations_in_it_contradict():
    case = case_of(dict(NO_RECOMMENDATIONS, ipra_social_rehabilitation=True, no_ipra=True))
    with pytest.raises(socmethod.KitError) as err:
        assess(case)
    assert err.value.code == "conflicting_answers" and err.value.field == "no_ipra"
    assert "ИПРА" in err.value.message + err.value.fix


# --- unknown answers ------------------------------------------------------------------------------------

UNKNOWN = [
    # (rule, profile with one unknown ticked criterion, key, answer, RIPSO)
    ("3.1-N2", elderly("none", 1, 1, alone=None), "lives_alone", True, [2]),
    ("3.1-N7", elderly("III", 1, 0, conflict=None), "family_conflict", True, [7]),
    ("3.1-N5", elderly("II", 2, 3, med=None), "medical_indications", True, [5]),
    ("3.2-physical-residential_permanent", disabled("physical", "I", 2, 3, ipra=True, med=None), "medical_indications",
     True, [22]),
    ("3.2-sensory-day_care_over_4h", disabled("sensory", "I", 1, 1, ipra=None), "ipra_social_rehabilitation", True, [32]),
]


@pytest.mark.parametrize("rule,profile,key,answer,ripso", UNKNOWN, ids=[u[0] for u in UNKNOWN])
def test_unknown_boolean_gives_a_dependency_not_a_recommendation(rule, profile, key, answer, ripso):
    for result in (evaluate_profile(profile), assess(case_of(profile))):
        assert rule not in rules_of(result)
        assert rule not in rules_of(result, "near_misses")
        d = rec(result, rule, "depends_on")
        assert (d["key"], d["answer"], d["ripso"], d["when"]) == (key, answer, ripso, {key: answer})
        # ... and the row is recommended once the answer is given.
    assert rule in rules_of(evaluate_profile(dict(profile, **{key: answer})))


def test_unknown_star_group_gives_one_dependency_per_criterion():
    # 1135 N 13: loneliness V <*> (1142: one of the criteria): either answer would do.
    result = evaluate_profile(elderly("II", 2, 2, med=True, alone=None, carer=None))
    deps = [d for d in result["depends_on"] if d["rule"] == "3.1-N13"]
    assert sorted((d["key"], d["answer"]) for d in deps) == [("carer_absent", True), ("lives_alone", True)]
    literal = evaluate_profile(elderly("II", 2, 2, med=True, alone=None, carer=None), readings={"star_footnote": "literal"})
    assert [(d["key"], d["answer"]) for d in literal["depends_on"] if d["rule"] == "3.1-N13"] == [("lives_alone", True)]


def test_unknown_that_does_not_matter_still_recommends():
    # A row without V in the conflict column (1133, N 1) holds whatever the unknown conflict answer is.
    result = evaluate_profile(elderly("II", 1, 1, alone=True, conflict=None))
    assert "3.1-N1" in rules_of(result)
    assert "3.1-N1" not in rules_of(result, "depends_on")


# --- several rows for one person ---------------------------------------------------------------------

def test_several_rows_match_one_person():
    # 3.1 lines 1133, 1137: group II, self-care 1, mobility 1, lonely -> N 1 (home) and N 4 (temporary stay),
    # line 1129: N 2 (day care up to 4 h); line 1131 N 3 needs medical indications.
    result = evaluate_profile(elderly("II", 1, 1, alone=True))
    assert {(r["rule"], tuple(r["ripso"])) for r in result["recommendations"]} >= {
        ("3.1-N1", (1,)), ("3.1-N2", (2,)), ("3.1-N4", (4,))}
    assert "3.1-N3" in rules_of(result, "near_misses")


def test_elderly_does_not_get_table_32_and_vice_versa():
    r31 = evaluate_profile(elderly("II", 2, 2, alone=True, med=True))
    assert all(r["table"] == "3.1" for r in r31["recommendations"])
    r32 = evaluate_profile(disabled("multiple", "II", 2, 2, ipra=True, alone=True))
    assert r32["recommendations"] and all(r["table"] == "3.2" for r in r32["recommendations"])


# =====================================================================================================
# Table 3.3: early help (lines 1181-1188). Criteria 1-3 «для детей в возрасте до 3 лет» (< 36 months);
# 4 «после 3, но не старше 7-8 лет» and 5 «после 3 до 7-8 лет» (from 36 months to the readings
# early_help_upper_age (criterion 4, line 1187) and early_help_upper_age_5 (criterion 5, line 1188):
# under_8 = below 96 months, under_7 = below 84 months). EARLY sets both readings alike.
# =====================================================================================================
EARLY = [
    # (age months, criteria held, reading, verdict, criteria that count)
    (0, [1], "under_8", "needed", [1]),
    (35, [2], "under_8", "needed", [2]),
    (35, [1, 2, 3], "under_8", "needed", [1, 2, 3]),
    (35, [4, 5], "under_8", "not_needed", []),
    (36, [1, 2, 3], "under_8", "not_needed", []),
    (36, [4], "under_8", "needed", [4]),
    (36, [5], "under_7", "needed", [5]),
    (83, [5], "under_7", "needed", [5]),
    (84, [4, 5], "under_7", "not_applicable", []),
    (84, [4, 5], "under_8", "needed", [4, 5]),
    (95, [5], "under_8", "needed", [5]),
    (96, [4, 5], "under_8", "not_applicable", []),
    (50, [], "under_8", "not_needed", []),
]


@pytest.mark.parametrize("age,held,reading,verdict,counted", EARLY)
def test_33_early_help(age, held, reading, verdict, counted):
    readings = {"early_help_upper_age": reading, "early_help_upper_age_5": reading}
    for result in (evaluate_profile({"category": "early_childhood", "age_months": age, "early_help_criteria": held},
                                    readings=readings),
                   assess({"category": "early_childhood", "age_months": age, "early_help_criteria": held},
                          readings=readings)):
        eh = result["early_help"]
        assert eh["verdict"] == verdict
        assert [c["criterion"] for c in eh["criteria"]] == counted
        assert result["recommendations"] == []


@pytest.mark.parametrize("age,applicable,reading", [(0, [1, 2, 3], "under_8"), (35, [1, 2, 3], "under_8"),
                                                    (36, [4, 5], "under_8"), (95, [4, 5], "under_8"),
                                                    (83, [4, 5], "under_7"), (96, [], "under_8"), (84, [], "under_7")])
def test_33_applicable_criteria_by_age(age, applicable, reading):
    eh = evaluate_profile({"category": "early_childhood", "age_months": age, "early_help_criteria": [1]},
                          readings={"early_help_upper_age": reading, "early_help_upper_age_5": reading})["early_help"]
    assert eh["applicable"] == applicable


@pytest.mark.parametrize("upper_4,upper_5,counted", [("under_7", "under_8", [5]), ("under_8", "under_7", [4]),
                                                      ("under_7", "under_7", [])])
def test_33_criteria_4_and_5_have_their_own_readings(upper_4, upper_5, counted):
    """Line 1187 («не старше 7-8 лет») and line 1188 («до 7-8 лет») are read apart: a child of 7 years
    (84 months) meets criterion 4 only under its own under_8, criterion 5 only under its own."""
    eh = assess({"category": "early_childhood", "age_months": 84, "early_help_criteria": [4, 5]},
                readings={"early_help_upper_age": upper_4, "early_help_upper_age_5": upper_5})["early_help"]
    assert [c["criterion"] for c in eh["criteria"]] == counted
    assert eh["verdict"] == ("needed" if counted else "not_applicable")
    if not counted:
        assert "младше 7 лет" in eh["reason"]


def test_33_criteria_carry_seed_lines():
    eh = evaluate_profile({"category": "early_childhood", "age_months": 10, "early_help_criteria": [1, 2, 3]})["early_help"]
    assert [(c["criterion"], c["seed_line"]) for c in eh["criteria"]] == [(1, 1184), (2, 1185), (3, 1186)]
    assert "ребенок-инвалид" in eh["criteria"][0]["text"]


def test_33_unknown_criteria_or_age():
    eh = assess({"category": "early_childhood", "age_months": 20})["early_help"]
    assert eh["verdict"] == "unknown"
    eh = assess({"category": "early_childhood", "early_help_criteria": [1, 4]})["early_help"]
    assert eh["verdict"] == "unknown"
    assert sorted(d["criterion"] for d in eh["depends_on_age"]) == [1, 4]


def test_disabled_child_under_8_gets_32_and_early_help():
    # A disabled child of 5 (60 months): table 3.2 (over 3, line 1146) and 3.3 criteria 4-5 (line 1187-1188).
    kid = child_of(disabled("multiple", "I", 2, 1, ipra=True, alone=True), age=60, early=[4])
    for result in (evaluate_profile(kid), assess(case_of(kid))):
        assert rec(result, "3.2-multiple-home")["ripso"] == [35]
        assert result["early_help"]["verdict"] == "needed"
        assert [c["criterion"] for c in result["early_help"]["criteria"]] == [4]


def test_disabled_child_under_3_gets_early_help_only():
    kid = child_of(disabled("multiple", "I", 2, 1, ipra=True, alone=True), age=30, early=[1])
    result = assess(case_of(kid))
    assert result["recommendations"] == []
    assert result["early_help"]["verdict"] == "needed"
    assert result["note"]


def test_disabled_child_without_age_gets_no_early_help_verdict():
    result = assess(case_of(child_of(disabled("multiple", "I", 2, 1, ipra=True, alone=True))))
    assert "early_help" not in result
    assert rec(result, "3.2-multiple-home")["ripso"] == [35]


# --- categories without a table ----------------------------------------------------------------------

@pytest.mark.parametrize("category", ["homeless", "minor", "family"])
def test_categories_without_a_table_get_a_note(category):
    for result in (assess({"category": category}), evaluate_profile({"category": category})):
        assert result["recommendations"] == [] and result["depends_on"] == [] and result["near_misses"] == []
        assert re.search("[а-яА-Я]", result["note"])
        assert "early_help" not in result


# --- readings and rule set echoed -------------------------------------------------------------------

def test_readings_and_rule_set_are_echoed():
    case = case_of(elderly("II", 1, 1, alone=True))
    result = assess(case)
    # The defaults keep the kit's earlier answers (issue 13: ИПРА required, N 30 / N 29 added,
    # mobility_lost, under_8); the readings of derived keys default as ruleset.toml explains.
    assert result["readings"] == {"empty_cell": "not_required", "star_footnote": "any_of_group",
                                  "psychiatrist_note": "any_type", "early_help_upper_age": "under_8",
                                  "early_help_upper_age_5": "under_8",
                                  "row_1160": "mobility_lost", "row_1165": "as_written",
                                  "ipra_column": "required", "conditional_number": "added",
                                  "impairments_motor_sensory": "both", "impairments_intellectual_general_disease": "both",
                                  "impairments_mental_with_other": "both", "impairments_child_general_disease": "not_placed",
                                  "loneliness_couple": "lonely", "loneliness_helping_relatives": "lonely",
                                  "medical_indications_31": "any_kind", "medical_indications_32": "any_kind"}
    rs = result["rule_set"]
    assert rs["name"] == "405-р"                     # seed line 8: «от 01.07.2019 N 405-р»
    assert rs["effective_date"] == "2019-07-01"      # seed line 80: «вступает в силу с 01.07.2019»
    assert re.fullmatch("[0-9a-f]{64}", rs["hash"])
    chosen = {"empty_cell": "must_be_absent", "star_footnote": "literal", "psychiatrist_note": "pni_only",
              "early_help_upper_age": "under_7", "row_1160": "group_lost", "row_1165": "lonely_shifted"}
    assert chosen.items() <= assess(case, readings=chosen)["readings"].items()
    assert evaluate_profile(elderly("II", 1, 1), readings={"row_1165": "lonely_shifted"})["readings"]["row_1165"] == \
        "lonely_shifted"
    assert assess(case, readings=chosen)["rule_set"] == rs


def test_bad_reading_is_refused():
    with pytest.raises(socmethod.KitError) as err:
        assess(case_of(elderly("II", 1, 1)), readings={"empty_cell": "maybe"})
    assert err.value.code == "bad_reading_value" and err.value.field == "empty_cell"
    with pytest.raises(socmethod.KitError) as err:
        assess(case_of(elderly("II", 1, 1)), readings={"colour": "x"})
    assert err.value.code == "unknown_reading"


def test_values_read_in_the_seeds_words():
    """Labels come from the rule data, so every page, report and form says the same thing."""
    ruleset = bundled_ruleset()
    assert ruleset.value_label("impairment", "sensory") == "сенсорные нарушения развития"     # line 1171
    assert ruleset.value_label("disability_group", "none") == "нет группы"
    assert ruleset.value_label("psychiatrist_recommends", "psychoneurological") == "психоневрологический интернат (ПНИ)"
    assert ruleset.value_label("category", "disabled_child") == "ребенок-инвалид старше 3 лет"
    assert [ruleset.value_label("lives_alone", v) for v in (True, False, None)] == ["да", "нет", "неизвестно"]
    assert ruleset.value_label("mobility", 3) == "степень 3"
    for name, spec in ruleset.fields.items():
        if spec["kind"] == "enum" and name != "category":
            assert set(spec["labels"]) == set(spec["values"]), name


def test_labels_must_cover_the_values(tmp_path):
    import shutil
    shutil.copytree(data_dir() / "rules" / "405-r", tmp_path / "r")
    toml = tmp_path / "r" / "ruleset.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('sensory = "сенсорные нарушения развития", ', ""), encoding="utf-8")
    with pytest.raises(KitError) as err:
        load_ruleset(tmp_path / "r")
    assert err.value.field == "impairment" and "подписи" in err.value.message
