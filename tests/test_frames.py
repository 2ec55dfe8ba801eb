"""The kit for pandas (socmethod.analysis.frames): a frame assessed row for row as `socmethod batch` assesses
a register, its own columns carried, misspelt case fields refused; registers read in both encodings; a
change's impact, the input space and the gaps as frames."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from socmethod import KitError, bundled_ruleset
from socmethod.analysis import assess_frame, compare_frame, read_register
from socmethod.analysis.changes import apply_change_file
from socmethod.analysis.frames import (
    changed_cases_frame,
    gap_cells,
    gaps_frame,
    refused_frame,
    space_frame,
    transitions_frame,
    with_labels,
)
from socmethod.analysis.impact import diff
from socmethod.analysis.space import enumerate_space, evaluate_space, space_fields
from socmethod.core.resources import data_path
from socmethod.io.batch import run_batch

EXAMPLE = data_path("examples", "register.csv")
WIDEN_N1 = data_path("changes", "example-widen-n1-mobility.toml")


@pytest.fixture(scope="module")
def register():
    return read_register(EXAMPLE)


@pytest.fixture(scope="module")
def assessed(register):
    return assess_frame(register)


def test_a_frame_is_assessed_row_for_row_as_batch_assesses_the_register(register, assessed, tmp_path):
    assert len(assessed) == len(register) == 240
    assert list(assessed.index) == list(register.index)
    assert list(assessed.columns[:3]) == ["id", "district", "category"]
    assert (assessed["id"] == register["id"]).all() and (assessed["district"] == register["district"]).all()
    out = tmp_path / "batch.csv"
    run_batch(str(EXAMPLE), str(out), id_column="id", keep=["district"])
    batch = pd.read_csv(out, dtype=str, keep_default_na=False)
    for column in ("status", "error_code", "error_field", "forms", "ripso", "rules", "depends_on", "early_help"):
        assert list(assessed[column]) == list(batch[column]), column
    for column in ("self_care_points", "self_care_degree", "mobility_points", "mobility_degree"):
        assert list(assessed[column].astype("string").fillna("")) == list(batch[column]), column
    refused = assessed[assessed["status"] == "error"]
    assert list(refused["id"]) == ["R-0043", "R-0153"]
    assert list(refused["error_code"]) == ["score_out_of_range", "bad_value"]
    assert refused["error"].str.contains("вне шкалы|Недопустимое значение").all()


def test_cp1251_semicolon_registers_read_the_same(register, tmp_path):
    cp = tmp_path / "реестр.csv"
    register.to_csv(cp, sep=";", index=False, encoding="cp1251")
    again = read_register(cp)
    pd.testing.assert_frame_equal(again, register)
    assert list(assess_frame(again)["rules"]) == list(assess_frame(register)["rules"])


def test_a_misspelt_case_column_is_refused_and_other_columns_travel(register):
    with pytest.raises(KitError) as err:
        assess_frame(register.rename(columns={"self_care.hygiene": "self_care.hygene"}))
    assert err.value.code == "misspelt_column" and err.value.field == "self_care.hygene"
    assert "self_care.hygiene" in err.value.message and "строка 1" not in err.value.message
    extra = register.head(3).assign(**{"отделение": ["=1+1", "@A", "-"], "дата": pd.to_datetime(["2026-01-02"] * 3)})
    out = assess_frame(extra)
    assert list(out["отделение"]) == ["=1+1", "@A", "-"]                 # a frame keeps values as they are
    assert out["дата"].dtype == extra["дата"].dtype


def test_python_values_gaps_and_empty_rows_each_get_their_record():
    case = {"category": "elderly", "disability_group": "II", "medical_indications": False, "lives_alone": True,
            "carer_absent": None, "family_conflict": np.False_, "psychiatrist_recommends": "none",
            **{f"self_care.{k}": 2 for k in ("hygiene", "toilet", "dressing", "medication", "cooking", "eating",
                                             "housekeeping", "paperwork")},
            **{f"mobility.{k}": 1.0 for k in ("shopping", "transport", "outdoor_walk", "indoors", "bed")}}
    df = pd.DataFrame([case, {"category": None}, {**case, "lives_alone": "да\nнет"}, case], index=["a", "b", "c", "d"])
    df["note"] = ["x", "строка\nс переносом", "", "y"]
    out = assess_frame(df)
    assert list(out.index) == ["a", "b", "c", "d"]
    assert list(out["status"]) == ["ok", "error", "error", "ok"]
    assert out.loc["a", "rules"] == out.loc["d", "rules"] and "3.1-N1" in out.loc["a", "rules"].split("|")
    assert out.loc["a", "self_care_degree"] == 2 and out.loc["a", "mobility_points"] == 5
    assert out.loc["b", "error_code"] == "missing_key" and out.loc["b", "error_field"] == "category"
    assert out.loc["c", "error_field"] == "lives_alone"
    assert out.loc["b", "note"] == "строка\nс переносом"


def test_compare_and_the_diffs_frames_agree_with_diff(register):
    base = bundled_ruleset()
    proposal = apply_change_file(WIDEN_N1, base)
    compared = compare_frame(register, base, proposal)
    report = diff(base, proposal, str(EXAMPLE), id_column="id", keep=["district"])
    changed = changed_cases_frame(report)
    assert list(compared.loc[compared["changed"], "id"]) == list(changed["id"]) == ["R-0020", "R-0182"]
    assert list(changed.columns[:4]) == ["index", "line", "id", "district"]
    transitions = transitions_frame(report)
    assert set(transitions["where"]) == {"space", "register"}
    assert transitions.loc[transitions["where"] == "register", "count"].sum() == 2
    assert transitions.loc[transitions["category"] == "elderly", "count"].sum() == 96
    assert list(refused_frame(report)["id"]) == ["R-0043", "R-0153"]
    assert list(refused_frame(report)["district"]) == ["Адмиралтейский", "Кировский"]


def test_the_input_space_with_outcomes():
    base = bundled_ruleset()
    space = space_frame("elderly", base, proposal=apply_change_file(WIDEN_N1, base))
    assert len(space) == 3072 and int(space["changed"].sum()) == 96
    moved = space[space["changed"]]
    assert set(moved["mobility"]) == {3} and set(moved["lives_alone"]) == {True}
    assert (moved["outcome_after"].str.contains("home N 1")).all()


def test_gaps_are_told_apart_and_add_up_to_the_points_no_row_serves():
    base = bundled_ruleset()
    categories = ["elderly", "disabled_child"]      # the adults' 122,880 points take seconds: same code
    frame, cells = gaps_frame(base, categories=categories), gap_cells(base, categories=categories)
    for category in categories:
        fields = space_fields([base], [base.default_readings()], category)
        space = enumerate_space(base, category, fields)
        gaps = ~evaluate_space(base, {}, space).matched.any(axis=0)
        part = frame[frame["category"] == category]
        assert part["points"].sum() == gaps.sum()
        assert cells.loc[cells["category"] == category, ["hole", "no_need"]].to_numpy().sum() == gaps.sum()
        no_need = part[part["kind"] == "no_need"]
        assert len(no_need) and all(r["self_care"] == [0] and r["mobility"] == [0] for _, r in no_need.iterrows())
    elderly = cells[cells["category"] == "elderly"]
    assert int(elderly["no_need"].sum()) == 192 and int(elderly["hole"].sum()) == 1932


def test_the_gap_classes_file_is_checked():
    from socmethod.analysis.frames import GAPS_FILE, gap_kinds
    from socmethod.core.schema import check
    assert gap_kinds()["no_need"]["when"] == {"self_care": [0], "mobility": [0]}
    broken = {"gaps": {"no_need": {"title": "нет", "text": "нет", "seed_line": 1090}, "hole": gap_kinds()["hole"]}}
    with pytest.raises(KitError) as err:
        check(broken, GAPS_FILE, "data/workbench.toml")
    assert err.value.code == "missing_key" and "when" in err.value.field


def test_labels_replace_the_codes_for_showing(assessed):
    shown = with_labels(assessed)
    assert "elderly" not in set(shown["category"]) and "гражданин пожилого возраста" in set(shown["category"])
    assert not shown["forms"].str.contains("home|day_care|residential").any()
    assert shown["forms"].str.contains("на дому").any()
