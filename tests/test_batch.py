"""Batch: the vectorised path equals case-by-case assess; bad rows get error records in place."""
from __future__ import annotations

import csv
import json
import random

import pytest

from socmethod import assess_or_error
from socmethod.cli import main
from socmethod.io.batch import run_batch
from socmethod.io.records import CSV_COLUMNS
from tests.support import synthetic

ALL_CATEGORIES = synthetic.DECISION_CATEGORIES + ("homeless", "minor", "family", "early_childhood")
BREAKAGES = ["4", "x", "TRUE", " true", "007", "-1", "2.0", "I", "none", "", "нет"]


def _register(path, n, seed, broken_rate=0.0, delimiter=",", encoding="utf-8"):
    rng = random.Random(seed)
    header = synthetic.csv_header()
    rows = []
    for cells in synthetic.random_rows(rng, n, header, categories=ALL_CATEGORIES):
        if rng.random() < broken_rate:
            cells[rng.randrange(len(cells))] = rng.choice(BREAKAGES)
        rows.append(cells)
    synthetic.write_register(path, header, rows, delimiter=delimiter, encoding=encoding)


def _rows(path):
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh))


@pytest.mark.parametrize("readings", [None, {"empty_cell": "must_be_absent", "star_footnote": "literal"},
                                      {"psychiatrist_note": "pni_only", "row_1160": "group_lost", "row_1165": "lonely_shifted"}])
def test_vectorised_equals_case_by_case(tmp_path, readings):
    src = tmp_path / "register.csv"
    _register(src, 3000, seed=11, broken_rate=0.05)
    counts = run_batch(str(src), str(tmp_path / "fast.csv"), readings, vectorised=True)
    assert run_batch(str(src), str(tmp_path / "slow.csv"), readings, vectorised=False) == counts
    fast, slow = _rows(tmp_path / "fast.csv"), _rows(tmp_path / "slow.csv")
    assert fast[0] == list(CSV_COLUMNS)
    # A breakage that empties the one cell of a row with nothing else (a homeless case whose category is
    # broken to "") leaves only separators: a blank line, counted, not a row (docs/decisions/0006).
    assert counts["blank_lines"] >= 1 and len(fast) == 1 + 3000 - counts["blank_lines"] == 1 + counts["cases"]
    assert fast == slow
    statuses = {r[1] for r in fast[1:]}
    assert statuses == {"ok", "error"}
    # the register really exercises recommendations and unknown answers
    assert any(r[8] for r in fast[1:]) and any(r[11] for r in fast[1:])


def test_jsonl_batch_equals_assess(tmp_path):
    rng = random.Random(3)
    cases = [synthetic.random_case(rng, categories=ALL_CATEGORIES) for _ in range(300)]
    cases[5] = {"category": "elderly", "self_care": {"hygiene": 7}}
    src = tmp_path / "cases.jsonl"
    src.write_text("\n".join(json.dumps(c, ensure_ascii=False) for c in cases) + "\nnot json\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    counts = run_batch(str(src), str(out))
    lines = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert (counts["cases"], counts["errors"], counts["assessed"]) == (301, 2, 299)
    assert [(r["line"], r["code"]) for r in counts["refused_rows"]] == [(6, "missing_key"), (301, "malformed_file")]
    assert len(lines) == 301
    for case, line in zip(cases, lines):
        assert line == json.loads(json.dumps(assess_or_error(case), ensure_ascii=False))
    assert lines[5]["error"]["code"] == "missing_key"
    assert lines[300]["error"]["code"] == "malformed_file"


def test_windows_1251_semicolon_register_is_read(tmp_path):
    src_utf, src_1251 = tmp_path / "utf.csv", tmp_path / "win.csv"
    _register(src_utf, 200, seed=5)
    _register(src_1251, 200, seed=5, delimiter=";", encoding="cp1251")
    run_batch(str(src_utf), str(tmp_path / "a.csv"))
    run_batch(str(src_1251), str(tmp_path / "b.csv"))
    assert _rows(tmp_path / "a.csv") == _rows(tmp_path / "b.csv")


def test_ragged_rows_get_error_records_and_the_batch_goes_on(tmp_path):
    src = tmp_path / "ragged.csv"
    _register(src, 50, seed=9)
    lines = src.read_text(encoding="utf-8").splitlines()
    lines[10] = lines[10].rsplit(",", 3)[0]            # a row with three cells missing
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    assert main(["batch", str(src), str(out)]) == 1
    rows = _rows(out)
    assert len(rows) == 51
    assert rows[10][1:4] == ["error", "malformed_file", ""]
    assert sum(r[1] == "ok" for r in rows[1:]) == 49


def test_cli_batch_exit_status_is_zero_when_all_cases_pass(tmp_path):
    src = tmp_path / "ok.csv"
    _register(src, 30, seed=1)
    assert main(["batch", str(src), str(tmp_path / "o.csv")]) == 0
    assert main(["batch", str(src), str(tmp_path / "o.txt")]) == 2
