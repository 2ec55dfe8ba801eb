"""Cost of services (442-ФЗ ст. 31–32): limits from the brief's figures, the free band, the fee caps."""
from __future__ import annotations

import json
import math

import pytest

from socmethod import KitError
from socmethod.procedure import cost

# The brief's figures (docs/brief.md, «Cost of services»): per capita / working age / pensioners / children.
BRIEF = {
    2024: (16535, 18023, 14220, 16039),
    2025: (19329, 21069, 16623, 18749),
    2026: (20644, 22502, 17754, 20025),
}
LIMITS = {  # 1.5 × each figure, worked out by hand
    2024: (24802.5, 27034.5, 21330.0, 24058.5),
    2025: (28993.5, 31603.5, 24934.5, 28123.5),
    2026: (30966.0, 33753.0, 26631.0, 30037.5),
}
GROUPS = ("per_capita", "working_age", "pensioners", "children")
CASES = [(year, group, BRIEF[year][i], LIMITS[year][i]) for year in BRIEF for i, group in enumerate(GROUPS)]


@pytest.mark.parametrize("year, group, minimum, limit", CASES)
def test_limit_is_one_and_a_half_subsistence_minimum(year, group, minimum, limit):
    got = cost.limit_for(group, year)
    assert got["subsistence_minimum"] == minimum
    assert got["value"] == limit
    assert got["year"] == year and got["approximate"] is False
    assert got["source"] and got["source_note"]


def test_the_brief_example_pensioners_2026():
    assert cost.limit_for("pensioners", 2026)["value"] == 26631


def test_sources_name_the_decrees_and_the_unverified_2025_figures():
    assert "1381" in cost.limit_for("per_capita", 2024)["source"]
    assert "858" in cost.limit_for("per_capita", 2026)["source"]
    y2025 = cost.limit_for("per_capita", 2025)
    assert y2025["verified_decree"] is False and "не найден" in y2025["source_note"]


def test_every_parameter_carries_source_and_note():
    params = cost.parameters()
    for entry in params["subsistence_minimum"]["values"]:
        assert entry["source"] and entry["note"] and set(GROUPS) <= set(entry)
    assert params["limit"]["multiplier"] == 1.5 and "ст. 31 ч. 5" in params["limit"]["basis"]
    assert params["limit"]["note"]
    assert set(params["forms"]) == set(cost.FORMS)
    for spec in params["forms"].values():
        assert spec["source"] and spec["note"] and spec["basis"]
    for entry in params["free_categories"].values():
        assert entry["basis"].startswith("442-ФЗ ст. 31 ч. 1") and entry["level"] in ("federal", "city")


# A child is a minor and is always served free (test_children_group_is_free), so no boundary to test.
@pytest.mark.parametrize("year, group, minimum, limit", [c for c in CASES if c[1] != "children"])
def test_free_at_exactly_the_limit_paid_just_above(year, group, minimum, limit):
    at = cost.estimate(limit, group, ["home"], year)
    assert at["free"] is True and at["forms"]["home"]["upper_fee"] == 0
    above = cost.estimate(limit + 1, group, ["home", "day_care_up_to_4h", "day_care_over_4h"], year)
    assert above["free"] is False
    for form in above["forms"].values():
        assert form["free"] is False and form["upper_fee_exact"] == 0.5


def test_home_fee_is_half_the_excess_over_the_limit():
    result = cost.estimate(30000, "pensioners", ["home"], 2026)
    home = result["forms"]["home"]
    assert home["upper_fee_exact"] == 0.5 * (30000 - 26631) == 1684.5
    assert home["upper_fee"] == 1685  # half up, not to even
    assert "50" in home["rule"] and "32 ч. 1" in home["basis"]


@pytest.mark.parametrize("form", ["day_care_up_to_4h", "day_care_over_4h"])
def test_day_care_has_the_home_cap(form):
    result = cost.estimate(40000, "working_age", [form], 2026)
    assert result["forms"][form]["upper_fee"] == 3124  # 0.5 × (40 000 − 33 753) = 3 123.5, half up
    assert result["forms"][form]["upper_fee_exact"] == 3123.5


@pytest.mark.parametrize("form", ["residential_temporary", "residential_permanent"])
def test_residential_fee_is_three_quarters_of_income(form):
    result = cost.estimate(30000, "pensioners", [form], 2026)
    assert result["forms"][form]["upper_fee"] == 22500 and result["free"] is False
    assert "32 ч. 4" in result["forms"][form]["basis"]


def test_residential_is_paid_even_below_the_limit():
    # ст. 31 ч. 2 names only home and day care; residential care is free only for the ч. 1 categories.
    result = cost.estimate(20000, "pensioners", ["home", "residential_permanent"], 2026)
    assert result["forms"]["home"]["free"] is True
    assert result["forms"]["residential_permanent"] == result["forms"]["residential_permanent"] | {
        "free": False, "upper_fee": 15000}
    assert result["free"] is False
    assert "Бесплатно по доходу" in result["reason"]


@pytest.mark.parametrize("category", ["minor", "emergency_victim", "wwii_invalid", "wwii_participant",
                                      "combat_invalid", "blockade_badge", "sevastopol_badge"])
def test_always_free_categories(category):
    result = cost.estimate(500000, "pensioners", list(cost.FORMS), 2026, free_category=category)
    assert result["free"] is True
    assert result["free_category"]["code"] == category
    assert all(f["free"] and f["upper_fee"] == 0 for f in result["forms"].values())
    assert "ст. 31 ч. 1" in result["reason"]


def test_brief_categories_are_encoded():
    labels = " ".join(e["label"] for e in cost.parameters()["free_categories"].values())
    for words in ("инвалид Великой Отечественной", "участник Великой Отечественной", "инвалид боевых",
                  "Жителю блокадного Ленинграда", "несовершеннолетний", "чрезвычайной ситуации"):
        assert words in labels


def test_children_group_is_free():
    result = cost.estimate(100000, "children", ["home", "residential_temporary"], 2026)
    assert result["free"] is True and result["free_category"]["code"] == "minor"
    assert result["limit"]["value"] == 30037.5


def test_unknown_free_category_is_refused():
    with pytest.raises(KitError) as err:
        cost.estimate(30000, "pensioners", ["home"], 2026, free_category="veteran_of_labour")
    assert err.value.code == "bad_value" and err.value.field == "free_category"


def test_result_is_json_ready_and_always_says_it_is_an_estimate():
    for income in (0, 26631, 30000):
        result = cost.estimate(income, "pensioners", ["home", "residential_permanent"], 2026)
        assert json.loads(json.dumps(result, ensure_ascii=False)) == result
        assert result["is_estimate"].startswith("Это оценка, размер платы определяет поставщик по договору")
        assert result["reason"] and result["limit"]["source"]


def test_year_without_figures_falls_back_and_is_approximate():
    result = cost.estimate(30000, "pensioners", ["home"], 2027)
    assert result["approximate"] is True and result["limit"]["year"] == 2026
    assert result["limit"]["requested_year"] == 2027 and result["limit"]["value"] == 26631
    assert "2027" in result["approximate_note"] and "2026" in result["approximate_note"]
    assert cost.estimate(30000, "pensioners", ["home"], 2026)["approximate"] is False


@pytest.mark.parametrize("year", [2023, 1900, 10000, "2026", 2026.0, True])
def test_year_before_the_figures_or_not_a_year_is_refused(year):
    with pytest.raises(KitError) as err:
        cost.estimate(30000, "pensioners", ["home"], year)
    assert err.value.code == "bad_argument" and err.value.field == "year"


def test_per_capita_income():
    assert cost.per_capita_income(60000, 3) == 20000.0
    assert cost.per_capita_income(50000, 3) == 16666.67
    assert cost.per_capita_income(0, 1) == 0.0
    assert cost.per_capita_income("45 000,50", "2") == 22500.25


BAD = [-1, math.nan, math.inf, -math.inf, "abc", "", None, True, 10**9, "nan", [1]]


@pytest.mark.parametrize("value", BAD)
def test_bad_income_is_refused(value):
    with pytest.raises(KitError) as err:
        cost.estimate(value, "pensioners", ["home"], 2026)
    assert (err.value.code, err.value.field) == ("bad_number", "income")
    assert "income" in err.value.message


@pytest.mark.parametrize("value", BAD)
def test_bad_family_income_is_refused(value):
    with pytest.raises(KitError) as err:
        cost.per_capita_income(value, 2)
    assert (err.value.code, err.value.field) == ("bad_number", "family_income")


@pytest.mark.parametrize("value", BAD + [0, 2.5, 51])
def test_bad_member_count_is_refused(value):
    with pytest.raises(KitError) as err:
        cost.per_capita_income(50000, value)
    assert (err.value.code, err.value.field) == ("bad_number", "members")


@pytest.mark.parametrize("category, group", [
    ("elderly", "pensioners"), ("disabled_adult", "working_age"), ("disabled_child", "children"),
    ("early_childhood", "children"), ("minor", "children"), ("homeless", "per_capita"), ("family", "per_capita"),
])
def test_group_for_categories(category, group):
    assert cost.group_for(category) == group


def test_group_for_uses_age_only_where_the_category_leaves_it_open():
    assert cost.group_for("homeless", 16) == "children"
    assert cost.group_for("homeless", 40) == "per_capita"
    assert cost.group_for("elderly", 70) == "pensioners"


def test_group_for_refuses_unknown_category_and_bad_age():
    with pytest.raises(KitError) as err:
        cost.group_for("pensioner")
    assert (err.value.code, err.value.field) == ("bad_value", "category")
    with pytest.raises(KitError) as err:
        cost.group_for("homeless", -3)
    assert (err.value.code, err.value.field) == ("bad_number", "age_years")


def test_every_category_of_the_rule_set_has_a_group_in_the_data():
    from socmethod import bundled_ruleset
    groups = cost.parameters()["category_groups"]
    assert set(groups) == set(bundled_ruleset().categories)
    assert set(groups.values()) <= set(cost.GROUPS)
    refined = cost.parameters()["age_refined"]
    assert refined["categories"] == ["homeless"] and refined["adult_age"] == 18 and "ГК РФ ст. 21" in refined["basis"]


def test_group_for_checks_the_category_against_the_rule_set_in_force():
    from socmethod import bundled_ruleset
    rules = bundled_ruleset()
    assert cost.group_for("elderly", ruleset=rules) == "pensioners"
    with pytest.raises(KitError) as err:
        cost.group_for("pensioner", ruleset=rules)
    assert err.value.code == "bad_value" and "elderly" in err.value.fix


def test_every_subsistence_minimum_says_its_decree_and_that_it_is_unverified():
    """Issue 13.6: no figure outside the seeds without a source. The decrees' own texts could not be read
    here, so no value claims to be verified and every result says the calculation is an estimate."""
    for entry in cost.parameters()["subsistence_minimum"]["values"]:
        assert entry["decree"] and entry["secondary_sources"] and entry["verified_decree"] is False
    assert str(cost.parameters()["subsistence_minimum"]["values"][0]["decree_date"]) == "2023-12-21"
    for year in (2024, 2025, 2026, 2030):
        limit = cost.limit_for("per_capita", year)
        assert "вторичными источниками" in limit["unverified_note"] and "оценка" in limit["unverified_note"]
        assert limit["secondary_sources"]
    assert "unverified_note" in cost.estimate(30000, "pensioners", ["home"], 2026)


@pytest.mark.parametrize("forms", [[], ["hospital"], None, "home_care"])
def test_unknown_form_is_refused(forms):
    with pytest.raises(KitError) as err:
        cost.estimate(30000, "pensioners", forms, 2026)
    assert (err.value.code, err.value.field) == ("bad_value", "forms")


def test_unknown_group_is_refused():
    with pytest.raises(KitError) as err:
        cost.estimate(30000, "elderly", ["home"], 2026)
    assert (err.value.code, err.value.field) == ("bad_value", "group")


def test_no_third_party_imports():
    import ast
    import sys
    tree = ast.parse(open(cost.__file__, encoding="utf-8").read())
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names = [node.module]
        else:
            continue
        for name in names:
            assert name.split(".")[0] in sys.stdlib_module_names | {"__future__", "socmethod"}, name


@pytest.mark.parametrize("text", ["\ud800", "12\udfff3", "\udc80"])
def test_lone_surrogate_in_income_is_a_clear_refusal_that_can_be_shown(text):
    with pytest.raises(KitError) as err:
        cost.per_capita_income(text, 1)
    assert (err.value.code, err.value.field) == ("bad_number", "family_income")
    (err.value.message + err.value.fix).encode("utf-8")      # the page can send it: no surrogate left
    assert "?" in err.value.message
