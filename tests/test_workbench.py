"""The workbench: change files, whole-space analysis, impact of a change on space, case bank and register."""
from __future__ import annotations

import csv
import json
import random

import numpy as np
import pytest

from socmethod import KitError, bundled_ruleset
from socmethod.analysis.changes import apply_change_file
from socmethod.analysis.impact import diff, space_impact
from socmethod.analysis.space import analyse, enumerate_space, evaluate_space, regions, space_fields
from socmethod.cli import main
from tests.support import synthetic

WIDEN_N1 = """
name = "Проект: N 1 и при передвижении 3"
effective_date = "2027-01-01"
[[change]]
action = "edit"
table = "3.1"
row = "3.1-N1"
set = { mobility = "1, 2, 3" }
"""


@pytest.fixture(scope="module")
def report():
    return analyse()


def _change(tmp_path, text, name="change.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_planted_change_moves_exactly_the_points_it_should(tmp_path):
    base = bundled_ruleset()
    proposal = apply_change_file(_change(tmp_path, WIDEN_N1), base)
    assert proposal.name.startswith("Проект") and proposal.effective_date == "2027-01-01"
    assert proposal.hash != base.hash
    impact = space_impact(base, proposal)
    assert impact["disabled_adult"]["changed"] == 0 and impact["disabled_child"]["changed"] == 0
    # Exactly the elderly points N 1 newly reaches: group I or II, self-care 1 or 2, mobility 3, lonely;
    # every value of the fields N 1 does not test (medical, carers, conflict, psychiatrist: 2*2*2*3).
    assert impact["elderly"]["changed"] == 2 * 2 * 1 * 1 * (2 * 2 * 2 * 3)
    for t in impact["elderly"]["transitions"]:
        assert "home N 1" in t["to"].split("; ") and "home N 1" not in t["from"].split("; ")
    fields = space_fields([base], [base.default_readings()], "elderly")
    space = enumerate_space(base, "elderly", fields)
    before = evaluate_space(base, {}, space).labels()
    after = evaluate_space(proposal, {}, space).labels()
    for i in np.flatnonzero(before != after):
        p = space.point(int(i))
        assert p["disability_group"] in ("I", "II") and p["self_care"] in (1, 2) and p["mobility"] == 3
        assert p["lives_alone"] is True


def test_planted_change_on_a_register_lists_exactly_the_moved_cases(tmp_path):
    rng = random.Random(4)
    header = synthetic.csv_header()
    cases = [synthetic.random_case(rng, unknown_rate=0.0) for _ in range(1500)]
    src = tmp_path / "register.csv"
    with open(src, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        for c in cases:
            w.writerow(synthetic.csv_cells(c, header))
    base = bundled_ruleset()
    report = diff(base, apply_change_file(_change(tmp_path, WIDEN_N1), base), cases=str(src))
    expected = []
    from socmethod import assess
    for i, c in enumerate(cases):
        r = assess(c)
        if (c["category"] == "elderly" and c["disability_group"] in ("I", "II") and r["self_care"]["degree"] in (1, 2)
                and r["mobility"]["degree"] == 3 and c["lives_alone"] is True):
            expected.append(i)
    assert expected, "the random register should contain cases the change reaches"
    assert [c["index"] for c in report["register"]["changed_cases"]] == expected
    assert all(c["rules_responsible"] == "3.1-N1" for c in report["register"]["changed_cases"])


def test_reading_switch_is_an_impact_too():
    base = bundled_ruleset()
    impact = space_impact(base, base, {}, {"star_footnote": "literal"})
    assert impact["elderly"]["changed"] > 0
    same = space_impact(base, base, {}, {})
    assert all(v["changed"] == 0 for v in same.values())


def test_known_findings_of_the_seed_tables(report):
    elderly = report["categories"]["elderly"]
    covered = {(c["row"], c["covered_by"]) for c in elderly["covered_rows"]}
    # Seed lines 1133/1134, 1135/1136, 1137/1138, 1139/1140: under the default readings
    assert {("3.1-N12", "3.1-N13"), ("3.1-N1", "3.1-N6"), ("3.1-N4", "3.1-N9"), ("3.1-N11", "3.1-N5")} <= covered
    assert elderly["same_form_two_programmes"]["points"] > 0
    assert elderly["dead_rows"] == []
    # An elderly person without a disability group and self-care degree 2 gets nothing (N 2/N 7 need 1).
    space = enumerate_space(bundled_ruleset(), "elderly", elderly["fields"])
    gaps = ~evaluate_space(bundled_ruleset(), {}, space).matched.any(axis=0)
    none_sc2 = (space.codes["disability_group"] == 0) & (space.codes["self_care"] == 2)
    assert gaps[none_sc2].all()
    # Physical impairment, residential rows have no children's number (lines 1163, 1164): a child who
    # would match them gets nothing from those rows.
    child = report["categories"]["disabled_child"]
    assert child["gaps"]["points"] > 0
    assert any("physical" in str(r.get("impairment")) for r in child["gaps"]["regions"])


def test_regions_cover_exactly_the_points():
    base = bundled_ruleset()
    fields = space_fields([base], [base.default_readings()], "elderly")
    space = enumerate_space(base, "elderly", fields)
    gaps = ~evaluate_space(base, {}, space).matched.any(axis=0)
    covered = np.zeros(space.n, dtype=bool)
    for region in regions(space, gaps):
        inside = np.ones(space.n, dtype=bool)
        for d, values in region.items():
            if values != "any":
                allowed = [space.domains[d].index(v) for v in values]
                inside &= np.isin(space.codes[d], allowed)
        assert not (inside & covered).any(), "regions must not overlap"
        covered |= inside
    assert (covered == gaps).all()


def test_regions_are_the_same_whether_boxes_are_grouped_by_one_key_or_by_rows(monkeypatch, category="elderly"):
    """The packed grouping (all field masks in one int64) and the row grouping (any width) give the same
    regions in the same order, for the gaps, each row's points and random masks."""
    from socmethod.analysis import space as space_module
    base = bundled_ruleset()
    space = enumerate_space(base, category, space_fields([base], [base.default_readings()], category))
    matched = evaluate_space(base, {}, space).matched
    rng = np.random.default_rng(3)
    masks = [~matched.any(axis=0), matched[0], rng.random(space.n) < 0.05, rng.random(space.n) < 0.6]
    packed = [regions(space, m) for m in masks]
    monkeypatch.setattr(space_module, "PACKED_BITS", 0)
    assert [regions(space, m) for m in masks] == packed


@pytest.mark.parametrize("text,column", [
    ("[[change]]\naction = 'rename'\ntable = '3.1'\nrow = '3.1-N1'\n", "action"),
    ("[[change]]\naction = 'edit'\ntable = '9.9'\nrow = '3.1-N1'\nset = {mobility = '1'}\n", "table"),
    ("[[change]]\naction = 'edit'\ntable = '3.1'\nrow = '3.1-N99'\nset = {mobility = '1'}\n", "row"),
    ("[[change]]\naction = 'edit'\ntable = '3.1'\nrow = '3.1-N1'\nset = {colour = 'red'}\n", "colour"),
    ("[[change]]\naction = 'edit'\ntable = '3.1'\nrow = '3.1-N1'\nset = {mobility = '7'}\n", "mobility"),
])
def test_invalid_change_files_are_refused_with_where(tmp_path, text, column):
    with pytest.raises(KitError) as err:
        apply_change_file(_change(tmp_path, text), bundled_ruleset())
    assert err.value.field == column
    assert "change.toml" in err.value.message and "изменение" in err.value.message   # the change, not the table row it made


def test_cli_diff_and_gaps(tmp_path, capsys, report):
    change = _change(tmp_path, WIDEN_N1)
    html, changed = tmp_path / "r.html", tmp_path / "c.csv"
    assert main(["diff", "--proposal", str(change), "--report", str(html), "--changed", str(changed)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["space"]["elderly"]["changed"] == 96
    assert out["baseline"]["name"] == "405-р" and out["proposal"]["effective_date"] == "2027-01-01"
    assert "Последствия изменения методики" in html.read_text(encoding="utf-8")
    assert main(["gaps"]) == 0
    gaps = json.loads(capsys.readouterr().out)
    assert set(gaps["categories"]) == {"elderly", "disabled_adult", "disabled_child"}
    assert gaps == json.loads(json.dumps(report, ensure_ascii=False))      # JSON stays the default, unchanged
    assert main(["diff", "--baseline-reading", "empty_cell=must_be_absent"]) == 0
    assert json.loads(capsys.readouterr().out)["space"]["elderly"]["changed"] > 0


def test_cli_diff_warns_of_an_unknown_programme_number_without_a_report(tmp_path, capsys):
    change = tmp_path / "n99.toml"
    change.write_text('name = "N 99"\n[[change]]\naction = "edit"\ntable = "3.1"\nrow = "3.1-N2"\nset = { ripso = "99" }\n',
                      encoding="utf-8")
    assert main(["diff", "--proposal", str(change)]) == 0
    err = capsys.readouterr().err
    assert "Предупреждение: Программы N 99 нет ни в одной строке действующих таблиц" in err
