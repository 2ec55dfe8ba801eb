"""Property tests: any valid case gets exactly the rows the rule data justifies; degrees are monotone;
the vectorised batch equals case-by-case evaluation; parsers raise nothing but the kit's own errors."""
from __future__ import annotations

import csv
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import socmethod
from socmethod import KitError, bundled_ruleset
from socmethod.core.resources import data_path
from socmethod.core.scales import scale
from socmethod.io.casefiles import read_single_case
from tests.support.synthetic import batch_both_ways, csv_cells, csv_header, write_register

RULES = bundled_ruleset()
TRI = st.sampled_from([True, False, None])


@st.composite
def cases(draw, allow_unknown=True):
    category = draw(st.sampled_from(["elderly", "disabled_adult", "disabled_child"]))
    variant = "child" if category == "disabled_child" else "adult"
    flag = TRI if allow_unknown else st.booleans()
    case = {"category": category,
            "self_care": {k: draw(st.integers(0, 3)) for k in scale("self_care", variant).keys},
            "mobility": {k: draw(st.integers(0, 3)) for k in scale("mobility", variant).keys}}
    for key in ("medical_indications", "lives_alone", "carer_absent", "family_conflict"):
        case[key] = draw(flag)
    case["psychiatrist_recommends"] = draw(st.sampled_from(["none", "psychoneurological", "general"]
                                                           + ([None] if allow_unknown else [])))
    if category != "elderly":
        case["impairment"] = draw(st.sampled_from(["multiple", "physical", "intellectual", "sensory", "mental"]))
        case["ipra_social_rehabilitation"] = draw(flag)
    if category != "disabled_child":
        case["disability_group"] = draw(st.sampled_from(["none", "I", "II", "III"]))
    if category == "disabled_adult":
        case["social_housing_flat"] = draw(flag)
        case["needs_social_labour_rehab"] = draw(flag)
    return case


# --- an independent reading of the CSV rows under the default readings -----------------------------------
# Written from the seed's notation, not from the engine: a set cell lists allowed values; "V" needs the
# column's fact; "V <*>" needs one of the footnote's group; "V <***>" also needs a psychiatrist's conclusion
# (3.1: ПНИ; 3.2 default reading: ПНИ or general home); an empty cell checks nothing.

FACTS = {"medical_indications": ["medical_indications"], "lives_alone": ["lives_alone"],
         "carer_absent": ["carer_absent"], "family_conflict": ["family_conflict"],
         "ipra_social_rehabilitation": ["ipra_social_rehabilitation"],
         "lonely_or_no_care": ["lives_alone", "carer_absent"]}
STAR_GROUP = {"3.1": ["lives_alone", "carer_absent"], "3.2": ["lives_alone", "carer_absent", "family_conflict"]}
PSYCH = {"3.1": {"psychoneurological"}, "3.2": {"psychoneurological", "general"}}
DEFAULT_VARIANT = {"row_1160=mobility_lost", "row_1165=as_written", ""}


def _rows(table):
    with open(data_path("rules", "405-r", f"table_{table.replace('.', '_')}.csv"), encoding="utf-8") as fh:
        return [r for r in csv.DictReader(fh) if r["applies_when"] in DEFAULT_VARIANT]


def _expected_rules(case, degrees):
    table = "3.1" if case["category"] == "elderly" else "3.2"
    profile = {**case, "self_care": degrees[0], "mobility": degrees[1]}
    ripso_col = {"elderly": "ripso", "disabled_adult": "ripso_adult", "disabled_child": "ripso_child"}[case["category"]]
    firm = []
    for row in _rows(table):
        if row[ripso_col] in ("", "-"):
            continue
        verdicts = []
        for col in ("impairment", "disability_group", "self_care", "mobility"):
            if col in row and row[col] and not (col == "disability_group" and case["category"] == "disabled_child"):
                value = profile.get(col)
                verdicts.append(str(value) in [v.strip() for v in row[col].split(",")])
        for col, keys in FACTS.items():
            cell = row.get(col, "")
            if not cell:
                continue
            group = STAR_GROUP[table] if "<*>" in cell else keys
            values = [profile.get(k) for k in group]
            verdicts.append(True if True in values else (None if None in values else False))
            if "<***>" in cell:
                p = profile.get("psychiatrist_recommends")
                verdicts.append(None if p is None else p in PSYCH[table])
        if all(v is True for v in verdicts):
            firm.append(row["id"])
    return firm


@settings(max_examples=400, deadline=None)
@given(cases())
def test_recommendations_are_exactly_the_rows_that_match(case):
    result = socmethod.assess(case)
    degrees = (result["self_care"]["degree"], result["mobility"]["degree"])
    assert [r["rule"] for r in result["recommendations"]] == _expected_rules(case, degrees)
    for rec in result["recommendations"]:
        for c in rec["criteria"]:
            assert c["value"] in c["needs"]
    for miss in result["near_misses"]:
        assert miss["value"] not in miss["needs"]


@settings(max_examples=200, deadline=None)
@given(cases(allow_unknown=False))
def test_known_answers_leave_nothing_depending(case):
    assert socmethod.assess(case)["depends_on"] == []


@settings(max_examples=200, deadline=None)
@given(cases(), st.sampled_from(["self_care", "mobility"]), st.data())
def test_degree_is_monotone_in_points(case, name, data):
    item = data.draw(st.sampled_from(sorted(case[name])))
    before = socmethod.assess(case)[name]
    if case[name][item] < 3:
        case[name][item] += 1
        after = socmethod.assess(case)[name]
        assert after["points"] == before["points"] + 1
        assert after["degree"] >= before["degree"]


def test_bands_are_monotone_over_every_total():
    for (name, variant), sc in __import__("socmethod.core.scales", fromlist=["scales"]).scales().items():
        degrees = sc.degree_table()
        assert degrees == sorted(degrees) and degrees[0] == 0 and degrees[-1] == 3


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(cases(), min_size=1, max_size=40))
def test_vectorised_batch_equals_case_by_case(tmp_path, batch):
    header = csv_header()
    src = write_register(tmp_path / "r.csv", header, [csv_cells(c, header) for c in batch])
    vectorised, case_by_case = batch_both_ways(src, tmp_path)
    assert vectorised == case_by_case


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=400), st.sampled_from([".json", ".yaml", ".csv", ".txt"]))
def test_arbitrary_bytes_give_only_kit_errors(tmp_path, data, suffix):
    path = tmp_path / f"case{suffix}"
    path.write_bytes(data)
    try:
        socmethod.assess(read_single_case(str(path)))
    except KitError:
        pass


JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=8),
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
                    max_leaves=20)
KEYS = st.sampled_from(list(RULES.fields) + ["x", "self_care.hygiene"])


@settings(max_examples=400, deadline=None)
@given(st.one_of(JSON, st.dictionaries(KEYS, JSON, max_size=12)))
def test_arbitrary_json_gives_only_kit_errors(value):
    try:
        socmethod.assess(json.loads(json.dumps(value)) if not _has_nan(value) else value)
    except KitError:
        pass


def _has_nan(value):
    return value != value if isinstance(value, float) else (
        any(_has_nan(v) for v in value) if isinstance(value, list) else
        any(_has_nan(v) for v in value.values()) if isinstance(value, dict) else False)
