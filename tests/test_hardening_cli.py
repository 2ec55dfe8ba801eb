"""The command line under a clumsy or hostile user (issue 16, items 11-17): bounded work on any input, no
input ever overwritten, every refusal a Russian error with its code, never an internal error."""
from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from socmethod.cli import main

# 792 bytes that a YAML loader following aliases expands to about a billion leaves.
ALIAS_BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + k)}: &{chr(98 + k)} [*{chr(97 + k)}, *{chr(97 + k)}, *{chr(97 + k)}, *{chr(97 + k)}, "
    f"*{chr(97 + k)}, *{chr(97 + k)}, *{chr(97 + k)}, *{chr(97 + k)}, *{chr(97 + k)}]\n" for k in range(8))
ELDERLY = {"category": "homeless"}


def _error(capsys) -> dict:
    return json.loads(capsys.readouterr().out)["error"]


@pytest.mark.parametrize("command", [["assess"], ["print", "conclusion", "--out", "{tmp}/c.html"]])
def test_a_yaml_alias_bomb_is_refused_at_once(tmp_path, capsys, command):
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(ALIAS_BOMB, encoding="utf-8")
    argv = [a.replace("{tmp}", str(tmp_path)) for a in command]
    argv.insert(2 if argv[0] == "print" else 1, str(bomb))
    assert main(argv) in (1, 2)
    error = _error(capsys)
    assert error["code"] == "malformed_file" and "ссылки YAML" in error["message"]


def test_deeply_nested_yaml_and_json_are_refused(tmp_path, capsys):
    deep_yaml = tmp_path / "deep.yaml"
    deep_yaml.write_text("a: " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    deep_json = tmp_path / "deep.json"
    deep_json.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    for path in (deep_yaml, deep_json):
        assert main(["assess", str(path)]) == 1
        error = _error(capsys)
        assert error["code"] == "malformed_file"
        assert "вложенност" in error["message"]


def test_single_case_readers_stop_at_one_mebibyte_for_devices_and_stdin(tmp_path, capsys):
    assert main(["assess", "/dev/zero"]) == 1
    assert _error(capsys)["code"] == "file_too_large"
    proc = subprocess.run([sys.executable, "-m", "socmethod.cli", "print", "conclusion", "-", "--out",
                           str(tmp_path / "c.html")], input=b" " * (3 << 20), capture_output=True, timeout=60)
    assert json.loads(proc.stdout)["error"]["code"] == "file_too_large"
    assert not (tmp_path / "c.html").exists()


def test_print_never_writes_over_its_input(tmp_path, capsys):
    case = tmp_path / "x.html"            # a case file that happens to be named .html
    case.write_text(json.dumps(ELDERLY), encoding="utf-8")
    before = case.read_bytes()
    assert main(["print", "conclusion", str(case), "--out", str(case)]) == 2
    assert _error(capsys)["code"] == "same_file"
    assert case.read_bytes() == before


def test_a_case_path_that_is_not_a_file_is_said_so(tmp_path, capsys):
    assert main(["assess", str(tmp_path)]) == 1
    error = _error(capsys)
    assert error["code"] == "not_a_file" and "каталог" in error["message"]
    assert main(["assess", str(tmp_path / "none.json")]) == 1
    assert _error(capsys)["code"] == "file_not_found"


def test_deadlines_beyond_the_calendar_speak_of_the_date_given(capsys):
    assert main(["deadlines", "--applied", "2099-12-31"]) == 2
    error = _error(capsys)
    assert error["code"] == "dates_out_of_range" and error["field"] == "applied"
    assert error["message"].startswith("Сроки от даты 2099-12-31")


def test_gaps_of_a_table_with_every_row_removed(tmp_path, capsys):
    from socmethod import bundled_ruleset
    ids = [r.id for r in bundled_ruleset().tables["3.1"].rows]
    change = tmp_path / "empty.toml"
    change.write_text('name = "Пустая 3.1"\n' + "".join(
        f'[[change]]\naction = "remove"\ntable = "3.1"\nrow = "{i}"\n' for i in dict.fromkeys(ids)), encoding="utf-8")
    assert main(["gaps", "--rules", str(change)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["categories"]["elderly"]["gaps"]["text"] == ["любые значения"]


LATIN_WORD = re.compile(r"\b(?!JSON\b|YAML\b|TOML\b|CSV\b|UTF\b|Windows\b|socmethod\b)[A-Za-z]{4,}\b")


@pytest.mark.parametrize("name,data", [("bad.json", '{"category": "elderly",}'), ("bad.yaml", "a: [b\n"),
                                       ("bad.json", "{x"), ("tabs.yaml", "a:\n\t- b\n")])
def test_parser_complaints_reach_the_user_in_russian(tmp_path, capsys, name, data):
    path = tmp_path / name
    path.write_text(data, encoding="utf-8")
    assert main(["assess", str(path)]) == 1
    message = _error(capsys)["message"].replace(name, "")
    assert "строке" in message and not LATIN_WORD.search(message), message


def test_a_broken_change_file_is_reported_in_russian(tmp_path, capsys):
    change = tmp_path / "c.toml"
    change.write_text("name = \n[[change]]\n", encoding="utf-8")
    assert main(["gaps", "--rules", str(change)]) == 2
    message = _error(capsys)["message"].replace("c.toml", "")
    assert not LATIN_WORD.search(message), message
