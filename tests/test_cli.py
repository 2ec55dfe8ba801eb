"""The CLI: assess from a file and stdin, readings echoed, errors as JSON, never a traceback."""
from __future__ import annotations

import io
import json
import subprocess
import sys

from socmethod.cli import main
from tests.support import synthetic

ELDERLY = synthetic.ELDERLY_EXAMPLE


def _run(args, capsys):
    code = main(args)
    return code, json.loads(capsys.readouterr().out)


def test_assess_file_prints_the_contract(tmp_path, capsys):
    path = tmp_path / "case.json"
    path.write_text(json.dumps(ELDERLY), encoding="utf-8")
    code, out = _run(["assess", str(path)], capsys)
    assert code == 0
    assert out["self_care"]["points"] == 13 and out["self_care"]["degree"] == 2
    assert out["mobility"]["points"] == 7 and out["mobility"]["degree"] == 2
    # Seed lines 1133, 1134, 1137, 1138: lonely, group II, degrees 2/2 -> home N 1, N 6; temporary N 4, N 9.
    assert [(r["form"], r["ripso"], r["rule"]) for r in out["recommendations"]] == [
        ("home", [1], "3.1-N1"), ("home", [6], "3.1-N6"),
        ("residential_temporary", [4], "3.1-N4"), ("residential_temporary", [9], "3.1-N9")]
    assert out["readings"]["empty_cell"] == "not_required"
    assert out["rule_set"]["name"] == "405-р" and len(out["rule_set"]["hash"]) == 64
    assert {"rule", "column", "value", "needs"} <= set(out["near_misses"][0])


def test_assess_yaml_and_csv_and_stdin_agree(tmp_path, capsys, monkeypatch):
    import yaml

    ypath = tmp_path / "case.yaml"
    ypath.write_text(yaml.safe_dump(ELDERLY, allow_unicode=True), encoding="utf-8")
    cpath = tmp_path / "case.csv"
    header = synthetic.csv_header()
    cpath.write_text(",".join(header) + "\n" + ",".join(synthetic.csv_cells(ELDERLY, header)) + "\n", encoding="utf-8")
    outs = [_run(["assess", str(p)], capsys)[1] for p in (ypath, cpath)]
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(json.dumps(ELDERLY).encode())))
    outs.append(_run(["assess", "-"], capsys)[1])
    assert outs[0] == outs[1] == outs[2]


def test_reading_switch_is_echoed_and_changes_the_result(tmp_path, capsys):
    path = tmp_path / "case.json"
    path.write_text(json.dumps(ELDERLY), encoding="utf-8")
    _, literal = _run(["assess", str(path), "--reading", "star_footnote=literal"], capsys)
    assert literal["readings"]["star_footnote"] == "literal"
    # N 6 needs the absence of carers literally; loneliness alone no longer satisfies it (line 1134, 1142).
    assert "3.1-N6" not in [r["rule"] for r in literal["recommendations"]]


def test_bad_reading_and_bad_case_are_json_errors(tmp_path, capsys):
    path = tmp_path / "case.json"
    path.write_text(json.dumps({**ELDERLY, "self_care": {**ELDERLY["self_care"], "hygiene": 7}}), encoding="utf-8")
    code, out = _run(["assess", str(path)], capsys)
    assert code == 1 and out["error"]["code"] == "score_out_of_range" and out["error"]["field"] == "self_care.hygiene"
    code, out = _run(["assess", str(path), "--reading", "nonsense=1"], capsys)
    assert code == 2 and out["error"]["code"] == "unknown_reading"
    code, out = _run(["assess", str(tmp_path / "missing.json")], capsys)
    assert out["error"]["code"] == "file_not_found"
    code, out = _run(["frobnicate"], capsys)
    assert code == 2 and out["error"]["code"] == "bad_argument"


def test_console_script_runs_without_traceback(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_bytes(b"\xff\xfe\x00garbage")
    proc = subprocess.run([sys.executable, "-m", "socmethod.cli", "assess", str(bad)], capture_output=True, text=True)
    assert proc.returncode != 0
    assert "Traceback" not in proc.stdout + proc.stderr
    assert "error" in json.loads(proc.stdout)


def test_every_command_refuses_bad_arguments_in_russian_json(capsys):
    import re
    cases = [(["gaps", "--bogus"], "--bogus"), (["diff", "--bogus"], "--bogus"),
             (["contraindications"], "socmethod contraindications"), (["urgent", "--bogus"], "--bogus"),
             (["deadlines", "--applied"], "--applied"), (["print", "conclusion"], "socmethod print conclusion"),
             (["assess"], "socmethod assess")]
    for args, field in cases:
        code, out = _run(args, capsys)
        assert code == 2, args
        assert out["error"]["code"] == "bad_argument" and out["error"]["field"] == field, (args, out)
        message = out["error"]["message"]
        assert re.search("[а-я]", message) and "required" not in message and "unrecognized" not in message, message
