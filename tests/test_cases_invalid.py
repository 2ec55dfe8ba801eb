"""Refused input: invalid cases (API and CLI) and invalid rule files.

A refused case raises socmethod.KitError with a catalogue code, the field concerned and a Russian message
naming that field; the CLI prints {"error": {code, field, message}} and exits non-zero, never a traceback.
A corrupted rule set is refused on load, naming the file, the row and the column.
"""
from __future__ import annotations

import copy
import csv
import io
import json
import re
import shutil

import pytest

import socmethod
from socmethod import KitError, assess
from socmethod.cli import main
from socmethod.core.resources import data_path

CYRILLIC = re.compile("[А-Яа-яЁё]")

ELDERLY = {
    "category": "elderly",
    "disability_group": "II",
    "self_care": {"hygiene": 1, "toilet": 1, "dressing": 1, "medication": 1, "cooking": 1, "eating": 1,
                  "housekeeping": 1, "paperwork": 1},                       # 8 points -> degree 1 (line 984)
    "mobility": {"shopping": 1, "transport": 0, "outdoor_walk": 0, "indoors": 0, "bed": 0},   # 1 -> degree 1
    "medical_indications": False,
    "lives_alone": True,
    "carer_absent": None,
    "family_conflict": False,
    "psychiatrist_recommends": None,
}
CHILD = {
    "category": "disabled_child",
    "impairment": "multiple",
    "self_care": {"hygiene": 2, "toilet": 1, "dressing": 1, "eating": 1},      # 5 -> degree 2 (line 1014)
    "mobility": {"distance": 1, "outdoor_walk": 0, "indoors": 0, "bed": 0},   # 1 -> degree 1 (line 1071)
    "medical_indications": False,
    "lives_alone": True,
    "carer_absent": False,
    "family_conflict": False,
    "ipra_social_rehabilitation": True,
    "psychiatrist_recommends": "none",
}
ADULT = {
    "category": "disabled_adult",
    "impairment": "intellectual",
    "disability_group": "I",
    "self_care": dict(ELDERLY["self_care"]),
    "mobility": dict(ELDERLY["mobility"]),
    "medical_indications": False,
    "lives_alone": False,
    "carer_absent": False,
    "family_conflict": True,
    "ipra_social_rehabilitation": True,
    "psychiatrist_recommends": "none",
}


def with_(base: dict, path: str, value=None, delete: bool = False) -> dict:
    """A deep copy of `base` with `path` ("key" or "scale.item") set to `value` or deleted."""
    case = copy.deepcopy(base)
    target, _, leaf = path.rpartition(".")
    holder = case[target] if target else case
    if delete:
        del holder[leaf]
    else:
        holder[leaf] = value
    return case


def test_the_bases_are_valid():
    for base in (ELDERLY, CHILD, ADULT):
        assert "recommendations" in assess(base)
    assert "3.1-N2" in [r["rule"] for r in assess(ELDERLY)["recommendations"]]


INVALID = [
    # (id, case, code, field)
    ("score-4", with_(ELDERLY, "self_care.hygiene", 4), "score_out_of_range", "self_care.hygiene"),
    ("score-minus-1", with_(ELDERLY, "mobility.bed", -1), "score_out_of_range", "mobility.bed"),
    ("score-child-4", with_(CHILD, "mobility.distance", 4), "score_out_of_range", "mobility.distance"),
    ("score-string", with_(ELDERLY, "self_care.toilet", "2"), "bad_type", "self_care.toilet"),
    ("score-float", with_(ELDERLY, "self_care.eating", 2.0), "bad_type", "self_care.eating"),
    ("score-true", with_(ELDERLY, "mobility.indoors", True), "bad_type", "mobility.indoors"),
    ("score-null", with_(ELDERLY, "self_care.paperwork", None), "missing_item", "self_care.paperwork"),
    ("missing-item", with_(ELDERLY, "self_care.paperwork", delete=True), "missing_item", "self_care.paperwork"),
    ("missing-child-item", with_(CHILD, "self_care.eating", delete=True), "missing_item", "self_care.eating"),
    ("unknown-item", with_(ELDERLY, "mobility.swimming", 1), "unknown_item", "mobility.swimming"),
    # An adult item in a child's scale (children have 4 self-care items, line 1003-1006: no cooking).
    ("adult-item-for-child", with_(CHILD, "self_care.cooking", 0), "unknown_item", "self_care.cooking"),
    ("scale-not-object", with_(ELDERLY, "self_care", [1, 1, 1]), "bad_type", "self_care"),
    ("scale-null", with_(ELDERLY, "mobility", None), "missing_key", "mobility"),
    ("unknown-key", with_(ELDERLY, "colour", "red"), "unknown_key", "colour"),
    ("missing-required-bool", with_(ELDERLY, "lives_alone", delete=True), "missing_key", "lives_alone"),
    ("missing-required-enum", with_(ADULT, "impairment", delete=True), "missing_key", "impairment"),
    ("missing-group", with_(ELDERLY, "disability_group", delete=True), "missing_key", "disability_group"),
    ("missing-scale", with_(CHILD, "self_care", delete=True), "missing_key", "self_care"),
    ("missing-category", with_(ELDERLY, "category", delete=True), "missing_key", "category"),
    ("bad-category", with_(ELDERLY, "category", "pensioner"), "bad_value", "category"),
    ("bad-group", with_(ELDERLY, "disability_group", "IV"), "bad_value", "disability_group"),
    ("bad-impairment", with_(ADULT, "impairment", "visual"), "bad_value", "impairment"),
    ("bad-psychiatrist", with_(ADULT, "psychiatrist_recommends", "ПНИ"), "bad_value", "psychiatrist_recommends"),
    ("bool-yes", with_(ELDERLY, "lives_alone", "yes"), "bad_type", "lives_alone"),
    ("bool-1", with_(ADULT, "ipra_social_rehabilitation", 1), "bad_type", "ipra_social_rehabilitation"),
    ("bool-da", with_(CHILD, "family_conflict", "да"), "bad_type", "family_conflict"),
    # Keys outside the category (ruleset.toml [categories]) with a value: not_applicable.
    ("group-for-child", with_(CHILD, "disability_group", "I"), "not_applicable", "disability_group"),
    ("flat-for-child", with_(CHILD, "social_housing_flat", True), "not_applicable", "social_housing_flat"),
    ("flat-for-elderly", with_(ELDERLY, "social_housing_flat", False), "not_applicable", "social_housing_flat"),
    ("age-for-elderly", with_(ELDERLY, "age_months", 800), "not_applicable", "age_months"),
    ("impairment-for-homeless", {"category": "homeless", "impairment": "multiple"}, "not_applicable", "impairment"),
    ("scale-for-family", {"category": "family", "self_care": {"hygiene": 0}}, "not_applicable", "self_care"),
    ("psychiatrist-for-early", {"category": "early_childhood", "psychiatrist_recommends": "none"},
     "not_applicable", "psychiatrist_recommends"),
    ("age-string", {"category": "early_childhood", "age_months": "24"}, "bad_type", "age_months"),
    ("age-negative", {"category": "early_childhood", "age_months": -1}, "bad_value", "age_months"),
    ("criterion-6", {"category": "early_childhood", "age_months": 24, "early_help_criteria": [1, 6]},
     "bad_value", "early_help_criteria"),
    ("criteria-not-list", {"category": "early_childhood", "early_help_criteria": 1}, "bad_type", "early_help_criteria"),
]


@pytest.mark.parametrize("case,code,field", [i[1:] for i in INVALID], ids=[i[0] for i in INVALID])
def test_invalid_case_is_refused(case, code, field):
    with pytest.raises(KitError) as err:
        assess(case)
    e = err.value
    assert (e.code, e.field) == (code, field)
    assert CYRILLIC.search(e.message), e.message
    assert field in e.message, e.message
    d = e.to_dict()
    assert set(d) == {"code", "field", "message"} and d["code"] == code and d["field"] == field
    assert field in d["message"]


@pytest.mark.parametrize("value", [[], "elderly", 42, None, [ELDERLY]], ids=["list", "str", "int", "none", "list-of-case"])
def test_non_object_case_is_refused(value):
    with pytest.raises(KitError) as err:
        assess(value)
    assert err.value.code == "not_an_object"
    assert CYRILLIC.search(err.value.message)


def test_null_is_unknown_not_missing():
    # Required booleans may be null ("don't know"); that is not a refusal.
    case = with_(ELDERLY, "family_conflict", None)
    assert assess(case)["category"] == "elderly"
    # A key outside the category given as null is tolerated too.
    assert assess(with_(ELDERLY, "social_housing_flat", None))["category"] == "elderly"


def test_assess_or_error_gives_the_same_error():
    out = socmethod.assess_or_error(with_(ELDERLY, "self_care.hygiene", 4))
    assert out == {"error": {"code": "score_out_of_range", "field": "self_care.hygiene",
                             "message": out["error"]["message"]}}
    assert CYRILLIC.search(out["error"]["message"])


# Found by this suite and fixed in 1b7ecde: the fix used to say «укажите null» for keys where null is refused.
@pytest.mark.parametrize("case,field", [(with_(ELDERLY, "category", delete=True), "category"),
                                        (with_(ELDERLY, "disability_group", None), "disability_group"),
                                        (with_(ELDERLY, "self_care", None), "self_care")],
                         ids=["category", "disability_group", "self_care"])
def test_missing_key_advice_does_not_suggest_a_refused_null(case, field):
    with pytest.raises(KitError) as err:
        assess(case)
    assert err.value.field == field
    message = err.value.to_dict()["message"]
    assert "null" not in message, message


# --- the CLI -------------------------------------------------------------------------------------------

def _run(capsys, argv):
    code = main(argv)
    out, err = capsys.readouterr()
    assert "Traceback" not in out and "Traceback" not in err
    return code, out, err


@pytest.mark.parametrize("case,code,field", [i[1:] for i in INVALID[:8] + INVALID[13:15] + INVALID[19:21]],
                         ids=[i[0] for i in INVALID[:8] + INVALID[13:15] + INVALID[19:21]])
def test_cli_refused_case(tmp_path, capsys, case, code, field):
    path = tmp_path / "case.json"
    path.write_text(json.dumps(case, ensure_ascii=False), encoding="utf-8")
    rc, out, _ = _run(capsys, ["assess", str(path)])
    assert rc != 0
    payload = json.loads(out)
    assert set(payload) == {"error"}
    assert set(payload["error"]) == {"code", "field", "message"}
    assert (payload["error"]["code"], payload["error"]["field"]) == (code, field)
    assert CYRILLIC.search(payload["error"]["message"]) and field in payload["error"]["message"]


def test_cli_non_object_case(tmp_path, capsys):
    path = tmp_path / "case.json"
    path.write_text("[1, 2, 3]", encoding="utf-8")
    rc, out, _ = _run(capsys, ["assess", str(path)])
    assert rc != 0 and json.loads(out)["error"]["code"] == "not_an_object"


@pytest.mark.parametrize("text,name", [("{\"category\": ", "broken.json"), ("", "empty.json"),
                                       ("{\"category\": \"elderly\", \"category\": \"family\"}", "dup.json")])
def test_cli_unreadable_file(tmp_path, capsys, text, name):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    rc, out, _ = _run(capsys, ["assess", str(path)])
    assert rc != 0
    err = json.loads(out)["error"]
    assert err["code"] in ("malformed_file", "empty_file") and CYRILLIC.search(err["message"])


def test_cli_missing_file(tmp_path, capsys):
    rc, out, _ = _run(capsys, ["assess", str(tmp_path / "nope.json")])
    assert rc != 0 and json.loads(out)["error"]["code"] == "file_not_found"


def test_cli_bad_reading(tmp_path, capsys):
    path = tmp_path / "case.json"
    path.write_text(json.dumps(ELDERLY), encoding="utf-8")
    for argv, code in ((["--reading", "empty_cell=maybe"], "bad_reading_value"),
                       (["--reading", "colour=red"], "unknown_reading"),
                       (["--reading", "empty_cell"], "bad_argument")):
        rc, out, _ = _run(capsys, ["assess", str(path)] + argv)
        assert rc != 0 and json.loads(out)["error"]["code"] == code, argv


def test_cli_valid_case(tmp_path, capsys):
    path = tmp_path / "case.json"
    path.write_text(json.dumps(ELDERLY), encoding="utf-8")
    rc, out, _ = _run(capsys, ["assess", str(path), "--reading", "empty_cell=must_be_absent"])
    assert rc == 0
    result = json.loads(out)
    assert result["readings"]["empty_cell"] == "must_be_absent"
    # ELDERLY's carer_absent is null: under must_be_absent N 2 (line 1129, empty carer cell) depends on it.
    assert "3.1-N2" not in [r["rule"] for r in result["recommendations"]]
    dep = next(d for d in result["depends_on"] if d["rule"] == "3.1-N2")
    assert (dep["key"], dep["answer"]) == ("carer_absent", False)
    rc, out, _ = _run(capsys, ["assess", str(path)])
    assert rc == 0 and "3.1-N2" in [r["rule"] for r in json.loads(out)["recommendations"]]


# --- invalid rule files --------------------------------------------------------------------------------

@pytest.fixture
def rules_copy(tmp_path):
    target = tmp_path / "405-r"
    shutil.copytree(data_path("rules", "405-r"), target)
    return target


def _edit_csv(path, edit):
    """Read a rule CSV as a list of rows (header first), apply `edit(rows)`, write it back."""
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    edit(rows)
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")


def _set_cell(row_id: str, column: str, value: str):
    """An edit setting the cell of `column` in the row whose id is `row_id` (first such row)."""
    def edit(rows):
        col = rows[0].index(column)
        row = next(r for r in rows[1:] if r[0] == row_id)
        row[col] = value
    return edit


def _line_of(path, row_id: str) -> int:
    """The CSV line (1 = header) of the first row with this id, as the loader counts it."""
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    return next(i for i, r in enumerate(rows, start=1) if i > 1 and r[0] == row_id)


def test_unmodified_copy_loads_and_hashes_the_same(rules_copy):
    copy_rs = socmethod.load_ruleset(rules_copy)
    assert copy_rs.hash == socmethod.bundled_ruleset().hash
    assert assess(ELDERLY, rules=rules_copy)["recommendations"] == assess(ELDERLY)["recommendations"]


CELL_CORRUPTIONS = [
    # (id, file, row id, column, bad value, code)
    ("self_care-4", "table_3_1.csv", "3.1-N7", "self_care", "1, 4", "rule_bad_value"),
    ("mobility-4", "table_3_1.csv", "3.1-N3", "mobility", "4", "rule_bad_value"),
    ("group-IV", "table_3_2.csv", "3.2-physical-day_care_up_to_4h", "disability_group", "II, IV", "rule_bad_value"),
    ("group-latin-nyet", "table_3_1.csv", "3.1-N2", "disability_group", "нет, III, II, I", "rule_bad_value"),
    ("impairment", "table_3_2.csv", "3.2-sensory-day_care_over_4h", "impairment", "visual", "rule_bad_value"),
    ("repeated-value", "table_3_1.csv", "3.1-N5", "self_care", "2, 2", "rule_bad_value"),
    ("flag-X", "table_3_1.csv", "3.1-N1", "lives_alone", "X", "rule_bad_value"),
    ("flag-unknown-marker", "table_3_1.csv", "3.1-N6", "carer_absent", "V <**>", "rule_bad_value"),
    ("ripso-N", "table_3_1.csv", "3.1-N4", "ripso", "N 4", "rule_bad_value"),
    ("ripso-zero", "table_3_1.csv", "3.1-N4", "ripso", "0", "rule_bad_value"),
    ("ripso-child-word", "table_3_2.csv", "3.2-multiple-home", "ripso_child", "тридцать пять", "rule_bad_value"),
    ("ripso-unknown-condition", "table_3_2.csv", "3.2-intellectual-home", "ripso_adult", "23, 30 if flat",
     "rule_bad_value"),
    ("ripso-condition-not-bool", "table_3_2.csv", "3.2-intellectual-day_care_over_4h", "ripso_adult",
     "25, 29 if impairment", "rule_bad_value"),
    ("early-age", "table_3_3.csv", "3.3-4", "age_to_months", "@no_such_reading", "rule_bad_value"),
    ("early-criterion", "table_3_3.csv", "3.3-5", "criterion", "6", "rule_bad_value"),
]


@pytest.mark.parametrize("file,row_id,column,value,code", [c[1:] for c in CELL_CORRUPTIONS],
                         ids=[c[0] for c in CELL_CORRUPTIONS])
def test_bad_cell_names_file_row_and_column(rules_copy, file, row_id, column, value, code):
    path = rules_copy / file
    line = _line_of(path, row_id)
    _edit_csv(path, _set_cell(row_id, column, value))
    with pytest.raises(KitError) as err:
        socmethod.load_ruleset(rules_copy)
    e = err.value
    assert e.code == code
    assert e.field == column
    assert file in e.message and f"строка {line}" in e.message and column in e.message, e.message
    assert CYRILLIC.search(e.message)


@pytest.mark.parametrize("file,row_id,column,value", [
    ("table_3_1.csv", "3.1-N8", "form", "at_home"),
    ("table_3_2.csv", "3.2-mental-residential_permanent", "form", "стационарная"),
    ("table_3_2.csv", "3.2-intellectual-home", "applies_when", "row_1165=sideways"),
    ("table_3_2.csv", "3.2-intellectual-home", "applies_when", "row_9999=as_written"),
    ("table_3_2.csv", "3.2-multiple-residential_permanent", "applies_when", "row_1160"),
], ids=["form-code", "form-russian", "applies-bad-option", "applies-bad-reading", "applies-no-option"])
def test_bad_row_value_names_file_row_and_column(rules_copy, file, row_id, column, value):
    path = rules_copy / file
    line = _line_of(path, row_id)
    _edit_csv(path, _set_cell(row_id, column, value))
    with pytest.raises(KitError) as err:
        socmethod.load_ruleset(rules_copy)
    e = err.value
    assert (e.code, e.field) == ("rule_bad_value", column)
    assert file in e.message and f"строка {line}" in e.message and column in e.message, e.message


def test_unknown_column(rules_copy):
    def edit(rows):
        rows[0].append("colour")
        for r in rows[1:]:
            r.append("")
    _edit_csv(rules_copy / "table_3_1.csv", edit)
    with pytest.raises(KitError) as err:
        socmethod.load_ruleset(rules_copy)
    assert (err.value.code, err.value.field) == ("rule_unknown_column", "colour")
    assert "table_3_1.csv" in err.value.message and "colour" in err.value.message


def test_missing_column(rules_copy):
    def edit(rows):
        col = rows[0].index("mobility")
        for r in rows:
            del r[col]
    _edit_csv(rules_copy / "table_3_2.csv", edit)
    with pytest.raises(KitError) as err:
        socmethod.load_ruleset(rules_copy)
    assert (err.value.code, err.value.field) == ("rule_missing_column", "mobility")
    assert "table_3_2.csv" in err.value.message and "mobility" in err.value.message


@pytest.mark.parametrize("file,row_id,new_id", [
    ("table_3_1.csv", "3.1-N13", None),                    # the same row twice
    ("table_3_1.csv", "3.1-N13", "3.1-N13-copy"),          # same criteria and result under another id
    ("table_3_2.csv", "3.2-sensory-residential_temporary", None),
], ids=["same-row-3.1", "same-content-other-id", "same-row-3.2"])
def test_duplicated_row(rules_copy, file, row_id, new_id):
    path = rules_copy / file
    rows_before = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    dup_line = len(rows_before) + 1

    def edit(rows):
        row = list(next(r for r in rows[1:] if r[0] == row_id))
        if new_id:
            row[0] = new_id
        rows.append(row)
    _edit_csv(path, edit)
    with pytest.raises(KitError) as err:
        socmethod.load_ruleset(rules_copy)
    e = err.value
    assert e.code == "rule_duplicate"
    assert file in e.message and f"строка {dup_line}" in e.message, e.message
    assert (new_id or row_id) in e.message
    assert f"строку {_line_of(path, row_id)}" in e.to_dict()["message"]


def test_same_id_under_two_readings_is_not_a_duplicate(rules_copy):
    # The bundled variant rows (lines 1160: three readings, 1165: two) share an id under different
    # applies_when: that loads.
    rs = socmethod.load_ruleset(rules_copy)
    ids = [r.id for r in rs.tables["3.2"].rows]
    assert ids.count("3.2-multiple-residential_permanent") == 3 and ids.count("3.2-intellectual-home") == 2
    # ... but the same id twice under the SAME reading is a duplicate.
    _edit_csv(rules_copy / "table_3_2.csv",
              _set_cell("3.2-multiple-residential_permanent", "applies_when", "row_1160=group_lost"))
    with pytest.raises(KitError) as err:
        socmethod.load_ruleset(rules_copy)
    assert err.value.code == "rule_duplicate" and "table_3_2.csv" in err.value.message


def test_ruleset_toml_broken(rules_copy):
    path = rules_copy / "ruleset.toml"
    path.write_text(path.read_text(encoding="utf-8").replace('default = "not_required"', 'default = "sometimes"'),
                    encoding="utf-8")
    with pytest.raises(KitError) as err:
        socmethod.load_ruleset(rules_copy)
    assert err.value.code == "rule_set_invalid" and "ruleset.toml" in err.value.message
    path.write_text("name = [", encoding="utf-8")
    with pytest.raises(KitError) as err:
        socmethod.load_ruleset(rules_copy)
    assert err.value.code == "malformed_file" and "ruleset.toml" in err.value.message


def test_cli_refuses_corrupted_rules(rules_copy, tmp_path, capsys):
    _edit_csv(rules_copy / "table_3_1.csv", _set_cell("3.1-N7", "self_care", "4"))
    path = tmp_path / "case.json"
    path.write_text(json.dumps(ELDERLY), encoding="utf-8")
    rc, out, _ = _run(capsys, ["assess", str(path), "--rules", str(rules_copy)])
    assert rc != 0
    err = json.loads(out)["error"]
    assert err["code"] == "rule_bad_value" and "table_3_1.csv" in err["message"] and "self_care" in err["message"]
