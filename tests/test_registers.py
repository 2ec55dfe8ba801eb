"""Registers as they come: an identifier and the methodologist's own columns carried into every output,
refused rows counted and named, every row in giving exactly one record out, and no run ever destroying a
file (issues 14 and 16)."""
from __future__ import annotations

import csv
import json
import os
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from socmethod.cli import main
from socmethod.io.batch import run_batch
from socmethod.io.records import CSV_COLUMNS
from tests.support import synthetic

HEADER = synthetic.csv_header()
CHANGE = """name = "Проект: без строки N 1"
[[change]]
action = "remove"
table = "3.1"
row = "3.1-N1"
"""


def _cases(n, seed=1):
    rng = random.Random(seed)
    return [synthetic.random_case(rng) for _ in range(n)]


def _write(path, rows, header, delimiter=",", encoding="utf-8", newline="\n"):
    with open(path, "w", newline="", encoding=encoding) as fh:
        writer = csv.writer(fh, delimiter=delimiter, lineterminator=newline)
        writer.writerow(header)
        writer.writerows(rows)


def _register_with_ids(path, n=40, seed=1, bad=(), **kwargs):
    """A register with `id` and `district` columns; rows at `bad` get a score of 7 in hygiene."""
    header = ["id", "district", *HEADER]
    rows = []
    for k, case in enumerate(_cases(n, seed)):
        cells = synthetic.csv_cells(case, HEADER)
        if k in bad:
            cells[HEADER.index("self_care.hygiene")] = "7"
        rows.append([f"A-{k:03d}", ["Приморский", "Невский", "Кировский"][k % 3], *cells])
    _write(path, rows, header, **kwargs)
    return rows


def _read(path, delimiter=","):
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh, delimiter=delimiter))


# --- identifiers and kept columns ------------------------------------------------------------------------

def test_a_refused_rows_reason_keeps_what_would_be_accepted_and_the_kits_own_words(tmp_path, capsys):
    """The list of refused rows leaves out a row's own value, not the rest of the reason: what would be
    accepted («Ожидается: true, false …») and what the kit itself measured («ячеек 31, а в заголовке 29»,
    Excel's «;» at the end of every row)."""
    src = tmp_path / "reg.csv"
    _register_with_ids(src, bad=())
    lines = src.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    flag = header.index("medical_indications")
    yes_no = lines[1].split(",")
    yes_no[flag] = "да"
    lines[1] = ",".join(yes_no)
    lines[2] += ",,"
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["batch", str(src), str(tmp_path / "out.csv"), "--keep", "district"]) == 1
    err = capsys.readouterr().err
    assert "строка 2, id A-000: Поле «Наличие медицинских показаний» имеет неверный тип: «…». Ожидается: true, false" in err
    assert "«да»" not in err                                       # the row's own value stays out
    assert f"строка 3: Файл не удалось прочитать: ячеек {len(header) + 2}, а в заголовке {len(header)}." in err


def test_ids_and_kept_columns_travel_into_batch_csv_and_jsonl(tmp_path, capsys):
    src = tmp_path / "reg.csv"
    rows = _register_with_ids(src, bad=(3, 17))
    out = tmp_path / "out.csv"
    assert main(["batch", str(src), str(out), "--keep", "district"]) == 1        # rows were refused
    # --keep before the files takes one value (comma-separated for several), not the file names too.
    before = tmp_path / "before.csv"
    assert main(["batch", "--keep", "district", str(src), str(before)]) == 1
    assert before.read_bytes() == out.read_bytes()
    assert main(["batch", "--keep", "district,id", str(src), str(tmp_path / "both.csv")]) == 1
    assert (tmp_path / "both.csv").read_bytes() == out.read_bytes()
    records = _read(out)
    assert records[0][:3] == ["index", "id", "district"] and records[0][3:] == list(CSV_COLUMNS[1:])
    assert len(records) == 41
    assert [r[1] for r in records[1:]] == [r[0] for r in rows]
    assert [r[2] for r in records[1:]] == [r[1] for r in rows]
    assert [r[0] for r in records[1:] if r[3] == "error"] == ["3", "17"]
    err = capsys.readouterr().err
    assert "отклонено: 2" in err and "строка 5, id A-003: Оценка «…» в поле «Способность к самообслуживанию" in err
    assert "[score_out_of_range (self_care.hygiene)]" in err and "строка 19, id A-017" in err

    jsonl = tmp_path / "out.jsonl"
    assert main(["batch", str(src), str(jsonl), "--keep", "district"]) == 1
    lines = [json.loads(x) for x in jsonl.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == 40
    assert lines[3]["register"] == {"line": 5, "columns": {"id": "A-003", "district": "Приморский"}}
    assert lines[3]["error"]["code"] == "score_out_of_range"
    assert lines[0]["register"]["columns"]["district"] == "Приморский" and "recommendations" in lines[0]


def test_diff_with_a_register_names_changed_cases_by_id_and_reports_refusals(tmp_path, capsys):
    src = tmp_path / "reg.csv"
    _register_with_ids(src, n=300, seed=7, bad=(10, 200))
    change = tmp_path / "change.toml"
    change.write_text(CHANGE, encoding="utf-8")
    changed = tmp_path / "changed.csv"
    assert main(["diff", "--proposal", str(change), "--cases", str(src), "--keep", "district",
                 "--changed", str(changed)]) == 1
    printed = capsys.readouterr()
    out = json.loads(printed.out)
    reg = out["register"]
    assert (reg["rows"], reg["cases"], reg["refused"]) == (300, 298, 2)
    assert "не сравнивались" in printed.err and "в файле результатов" not in printed.err     # diff writes no record per row
    assert "outcomes" not in reg                                     # the report's pairs stay out of the JSON
    assert [(r["id"], r["line"], r["code"], r["field"]) for r in reg["refused_rows"]] == [
        ("A-010", 12, "score_out_of_range", "self_care.hygiene"), ("A-200", 202, "score_out_of_range", "self_care.hygiene")]
    rows = _read(changed)
    assert rows[0][:4] == ["index", "line", "id", "district"]
    assert len(rows) - 1 == reg["changed"] > 0
    assert all(r[2].startswith("A-") and r[3] for r in rows[1:])
    assert all(r[-1] == "3.1-N1" for r in rows[1:])


def test_unknown_column_is_refused_at_the_header_suggesting_keep(tmp_path, capsys):
    src = tmp_path / "reg.csv"
    _write(src, [["1", "x", *synthetic.csv_cells(_cases(1)[0], HEADER)]], ["id", "отделение", *HEADER])
    out = tmp_path / "out.csv"
    out.write_text("previous results\n", encoding="utf-8")
    assert main(["batch", str(src), str(out)]) == 2
    error = json.loads(capsys.readouterr().out)["error"]
    assert error["code"] == "unknown_column" and error["field"] == "отделение" and "--keep отделение" in error["message"]
    assert out.read_text(encoding="utf-8") == "previous results\n"          # a refused header writes nothing


def test_misspelt_case_column_is_refused_with_its_spelling(tmp_path, capsys):
    src = tmp_path / "reg.csv"
    header = [h.replace("self_care.hygiene", "self_care.hygene") for h in HEADER]
    _write(src, [synthetic.csv_cells(_cases(1)[0], HEADER)], header)
    assert main(["batch", str(src), str(tmp_path / "o.csv")]) == 2
    error = json.loads(capsys.readouterr().out)["error"]
    assert error["code"] == "misspelt_column" and "self_care.hygiene" in error["message"]


def test_keep_and_id_must_name_own_columns(tmp_path, capsys):
    src = tmp_path / "reg.csv"
    _register_with_ids(src, n=3)
    assert main(["batch", str(src), str(tmp_path / "o.csv"), "--keep", "category"]) == 2
    assert json.loads(capsys.readouterr().out)["error"]["field"] == "--keep"
    assert main(["batch", str(src), str(tmp_path / "o.csv"), "--id", "номер"]) == 2
    assert json.loads(capsys.readouterr().out)["error"]["field"] == "--id"


def test_windows_1251_semicolon_register_with_ids(tmp_path):
    src = tmp_path / "win.csv"
    _register_with_ids(src, n=30, bad=(2,), delimiter=";", encoding="cp1251", newline="\r\n")
    out = tmp_path / "o.csv"
    counts = run_batch(str(src), str(out), keep=["district"])
    records = _read(out)
    assert (counts["cases"], counts["errors"]) == (30, 1)
    assert records[1][1:3] == ["A-000", "Приморский"] and records[3][3] == "error"


@pytest.mark.parametrize("where", [5, 29])
def test_a_utf8_register_with_one_damaged_byte_is_refused_not_read_as_windows_1251(tmp_path, capsys, where):
    """Russian text valid in UTF-8, then one byte UTF-8 cannot read (line 1 + `where`): read as Windows-1251
    every district would come out garbled with every row "ok"; the file is refused at that line instead,
    and an existing output is left as it was. A Windows-1251 file is still read as such (test above)."""
    src = tmp_path / "reg.csv"
    _register_with_ids(src, n=30)
    lines = src.read_bytes().split(b"\n")
    lines[where] += b"\xff"
    src.write_bytes(b"\n".join(lines))
    out = tmp_path / "o.csv"
    out.write_text("прежние результаты", encoding="utf-8")
    assert main(["batch", str(src), str(out), "--keep", "district"]) == 2
    error = json.loads(capsys.readouterr().out)["error"]
    assert error["code"] == "mixed_encoding" and f"строка {where + 1}" in error["message"]
    assert out.read_text(encoding="utf-8") == "прежние результаты"
    # One case file: the same refusal.
    case = tmp_path / "case.json"
    case.write_bytes(json.dumps({"category": "пожилой"}, ensure_ascii=False).encode() + b"\xff")
    assert main(["assess", str(case)]) == 1              # assess: 1 for a refused case or file
    assert json.loads(capsys.readouterr().out)["error"]["code"] == "mixed_encoding"


# --- one record per row ------------------------------------------------------------------------------------

def test_stray_quotes_long_cells_and_odd_digits_spoil_only_their_own_row(tmp_path):
    cells = [synthetic.csv_cells(c, HEADER) for c in _cases(6, seed=3)]
    lines = [",".join(HEADER)] + [",".join(c) for c in cells]
    k = HEADER.index("self_care.hygiene")
    stray = list(cells[1])
    stray[0] = '"elderly'                                  # a quote opened and never closed
    lines[2] = ",".join(stray)
    longer = list(cells[2])
    longer[k] = "1" * 140_000                              # a cell over 131,072 characters
    lines[3] = ",".join(longer)
    odd = list(cells[3])
    odd[k] = "²"                                           # a digit for str.isdigit, not for int()
    lines[4] = ",".join(odd)
    src = tmp_path / "bad.csv"
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    for vectorised in (True, False):
        out = tmp_path / f"o{vectorised}.csv"
        counts = run_batch(str(src), str(out), vectorised=vectorised)
        records = _read(out)
        assert counts["cases"] == 6 == len(records) - 1
        assert [r[1] for r in records[1:]] == ["ok", "error", "error", "error", "ok", "ok"]
        assert [r[2] for r in records[2:5]] == ["malformed_file", "row_too_long", "bad_type"]
        assert records[4][3] == "self_care.hygiene"


def test_cr_only_line_ends_are_read_on_both_paths(tmp_path):
    src = tmp_path / "mac.csv"
    _write(src, [synthetic.csv_cells(c, HEADER) for c in _cases(50, seed=5)], HEADER, newline="\r")
    unix = tmp_path / "unix.csv"
    _write(unix, [synthetic.csv_cells(c, HEADER) for c in _cases(50, seed=5)], HEADER)
    run_batch(str(src), str(tmp_path / "a.csv"), vectorised=True)
    run_batch(str(src), str(tmp_path / "b.csv"), vectorised=False)
    run_batch(str(unix), str(tmp_path / "c.csv"))
    a, b, c = (_read(tmp_path / f"{x}.csv") for x in "abc")
    assert a == b == c and len(a) == 51 and all(r[1] == "ok" for r in a[1:])


def test_blank_lines_are_not_rows_but_are_counted(tmp_path):
    cells = [synthetic.csv_cells(c, HEADER) for c in _cases(3)]
    src = tmp_path / "r.csv"
    src.write_text("\n".join([",".join(HEADER), ",".join(cells[0]), "", ",," * 5, ",".join(cells[1]),
                              "   ", ",".join(cells[2])]) + "\n", encoding="utf-8")
    counts = run_batch(str(src), str(tmp_path / "o.csv"))
    assert (counts["cases"], counts["blank_lines"]) == (3, 3)
    assert [r[0] for r in _read(tmp_path / "o.csv")[1:]] == ["0", "1", "2"]


LINE_JUNK = st.sampled_from(['"', '""', ",", ";", " ", "\t", "=1+1", "²", "7", "true", "x" * 70_000, "\r", "é",
                             "elderly", "", "-1", "@a"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(st.builds(lambda case, k, junk: (case, k, junk), st.integers(0, 10**6),
                                    st.integers(0, len(HEADER) - 1), LINE_JUNK),
                          st.lists(LINE_JUNK, max_size=6).map(lambda parts: "".join(parts))),
                max_size=25))
def test_every_row_gives_exactly_one_record(tmp_path, rows):
    """Whatever the lines hold (quotes, separators, junk, over-long cells), a register whose header is
    accepted gives one record per row, in order; blank lines are the only lines that are not rows."""
    lines = [",".join(HEADER)]
    for row in rows:
        if isinstance(row, tuple):
            seed, k, junk = row
            cells = synthetic.csv_cells(synthetic.random_case(random.Random(seed)), HEADER)
            cells[k] = junk
            lines.append(",".join(cells))
        else:
            lines.append(row.replace("\n", " "))
    src = tmp_path / "r.csv"
    src.write_text("\n".join(lines) + "\n", encoding="utf-8", newline="")
    # A lone \r inside a \n file stays in its line (it spoils that row only): rows are the \n lines.
    expected = sum(1 for line in lines[1:] if line.replace(",", "").strip(" \t\r"))
    for vectorised in (True, False):
        out = tmp_path / f"o{vectorised}.csv"
        counts = run_batch(str(src), str(out), vectorised=vectorised)
        records = _read(out)
        assert counts["cases"] == expected == len(records) - 1
        assert [int(r[0]) for r in records[1:]] == list(range(expected))


# --- no file destroyed ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("suffix", [".csv", ".jsonl"])
def test_an_output_that_is_the_input_is_refused_before_writing(tmp_path, capsys, suffix):
    src = tmp_path / f"reg{suffix}"
    if suffix == ".csv":
        _register_with_ids(src, n=5)
    else:
        src.write_text("\n".join(json.dumps(c) for c in _cases(5)) + "\n", encoding="utf-8")
    before = src.read_bytes()
    link = tmp_path / f"link{suffix}"
    link.symlink_to(src)
    hard = tmp_path / f"hard{suffix}"
    os.link(src, hard)
    for out in (src, link, hard):
        assert main(["batch", str(src), str(out)]) == 2
        assert json.loads(capsys.readouterr().out)["error"]["code"] == "same_file"
    assert src.read_bytes() == before


@pytest.mark.parametrize("name,data", [("bad.jsonl", b'{"category": "elderly"}\n\xff\xfe\x00\x01garbage\n'),
                                       ("empty.csv", b""), ("blank.csv", b"\n\n  \n")])
def test_a_failed_input_leaves_an_existing_output_untouched(tmp_path, capsys, name, data):
    src = tmp_path / name
    src.write_bytes(data)
    out = tmp_path / "out.csv"
    out.write_text("index,status\n0,ok\n", encoding="utf-8")
    assert main(["batch", str(src), str(out)]) == 2
    assert json.loads(capsys.readouterr().out)["error"]["code"] in ("encoding", "empty_file")
    assert out.read_text(encoding="utf-8") == "index,status\n0,ok\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([name, "out.csv"])      # no temporary file left


def test_reports_never_overwrite_an_input(tmp_path, capsys):
    change = tmp_path / "p.toml"
    change.write_text(CHANGE, encoding="utf-8")
    before = change.read_bytes()
    for option in ("--report", "--changed"):
        assert main(["diff", "--proposal", str(change), option, str(change)]) == 2
        assert json.loads(capsys.readouterr().out)["error"]["code"] == "same_file"
    assert change.read_bytes() == before


@pytest.mark.parametrize("argv_tail,code", [(["--report", "{tmp}/missing/r.html"], "no_directory"),
                                            (["--report", "{tmp}"], "not_a_file"),
                                            (["--cases", "{tmp}/none.csv"], "file_not_found"),
                                            (["--cases", "{tmp}"], "not_a_file")])
def test_diff_refuses_bad_paths_before_any_work(tmp_path, capsys, argv_tail, code):
    argv = ["diff"] + [a.replace("{tmp}", str(tmp_path)) for a in argv_tail]
    assert main(argv) == 2
    assert json.loads(capsys.readouterr().out)["error"]["code"] == code


@pytest.mark.parametrize("out,code", [("missing/o.csv", "no_directory"), ("folder.csv", "not_a_file")])
def test_batch_refuses_an_output_in_a_missing_folder_or_a_folder(tmp_path, capsys, out, code):
    src = tmp_path / "r.csv"
    _register_with_ids(src, n=2)
    (tmp_path / "folder.csv").mkdir()
    assert main(["batch", str(src), str(tmp_path / out)]) == 2
    assert json.loads(capsys.readouterr().out)["error"]["code"] == code


def test_a_yaml_file_given_to_batch_is_refused_not_read_as_json_lines(tmp_path, capsys):
    src = tmp_path / "case.yaml"
    src.write_text("category: homeless\n", encoding="utf-8")
    assert main(["batch", str(src), str(tmp_path / "o.csv")]) == 2
    error = json.loads(capsys.readouterr().out)["error"]
    assert error["code"] == "bad_argument" and "socmethod assess" in error["message"]


# --- spreadsheet formulas -------------------------------------------------------------------------------------

def test_cells_that_start_a_formula_are_neutralised(tmp_path):
    header = ["id", "note", *HEADER]
    case = synthetic.csv_cells(_cases(1)[0], HEADER)
    bad = list(case)
    bad[HEADER.index("category")] = "=HYPERLINK(\"http://x\")"
    src = tmp_path / "r.csv"
    _write(src, [["=1+2", "+7 (812)", *case], ["@SUM(A1)", "-5", *bad]], header)
    out = tmp_path / "o.csv"
    run_batch(str(src), str(out), keep=["note"])
    records = _read(out)
    assert [r[1:3] for r in records[1:]] == [["'=1+2", "'+7 (812)"], ["'@SUM(A1)", "'-5"]]
    assert records[2][3] == "error" and records[2][4] == "bad_value" and records[2][5] == "category"
    jsonl = tmp_path / "e.jsonl"
    jsonl.write_text(json.dumps({"category": "elderly", "=cmd|' /C calc'!A0": 1}) + "\n", encoding="utf-8")
    run_batch(str(jsonl), str(out))
    assert _read(out)[1][3].startswith("'=")


def test_a_line_of_megabytes_is_one_refused_row_and_never_held(tmp_path):
    cells = [synthetic.csv_cells(c, HEADER) for c in _cases(2)]
    src = tmp_path / "r.csv"
    with open(src, "w", encoding="utf-8") as fh:
        fh.write(",".join(HEADER) + "\n" + ",".join(cells[0]) + "\n" + "y" * 9_000_000 + "\n" + ",".join(cells[1]) + "\n"
                 + "z" * 5_000_000)
    counts = run_batch(str(src), str(tmp_path / "o.csv"))
    assert (counts["cases"], counts["errors"]) == (4, 2)
    assert [(r["line"], r["code"]) for r in counts["refused_rows"]] == [(3, "row_too_long"), (5, "row_too_long")]


def test_blocks_of_any_size_read_the_same_rows(tmp_path):
    """Where the reader cuts the file into blocks never changes a row, its line or its verdict."""
    from socmethod import bundled_ruleset
    from socmethod.io.register import MAX_LINE, CsvRegister
    cells = [synthetic.csv_cells(c, HEADER) for c in _cases(30, seed=9)]
    lines = [",".join(HEADER)] + [",".join(c) for c in cells]
    lines[4] = '"' + lines[4]
    lines[9] = ""
    lines[12] = "x" * (MAX_LINE + 5)
    lines[20] = ";;;"
    src = tmp_path / "r.csv"
    src.write_bytes("\r\n".join(lines).encode("utf-8") + b"\r\n")

    def rows(block_bytes):
        register = CsvRegister(src, bundled_ruleset(), block_bytes=block_bytes)
        try:
            return [(chunk.index(i), int(chunk.lines[i]), chunk.errors[i].code if i in chunk.errors else chunk.cells(i))
                    for chunk in register.chunks() for i in range(len(chunk))]
        finally:
            register.close()
    reference = rows(1 << 22)
    assert len(reference) == 29 and reference[3][2] == "malformed_file" and reference[10][2] == "row_too_long"
    assert reference[18][2] == "malformed_file"          # «;;;» is a row of the wrong width in a «,» file
    for size in (97, 1000, 65_537):
        assert rows(size) == reference, size


@pytest.mark.parametrize("where", ["every line", "header only"])
def test_excels_separator_at_the_end_of_each_line_is_a_column_without_a_name_left_unread(tmp_path, capsys, where):
    """Excel ends every line with «;» when the sheet had an empty column after the data: the header then has
    a column without a name. It used to refuse the whole register («Неизвестный столбец «»», with a --keep
    hint no one could follow). It holds no case field: the kit reads the rest, names it, and the results are
    those of the same register without it, by both evaluators."""
    plain = tmp_path / "plain.csv"
    rows = _register_with_ids(plain, n=30, bad=(4,), delimiter=";")
    lines = plain.read_text(encoding="utf-8").splitlines()
    trailing = tmp_path / "trailing.csv"
    ends = [";"] * len(lines) if where == "every line" else [";"] + [""] * (len(lines) - 1)
    trailing.write_text("".join(line + end + "\n" for line, end in zip(lines, ends)), encoding="utf-8")
    outputs = {}
    for name, src, extra in (("plain", plain, []), ("trailing", trailing, []), ("exact", trailing, ["--no-vector"])):
        out = tmp_path / f"{name}.out.csv"
        assert main(["batch", str(src), str(out), "--keep", "district", *extra]) == 1        # row 4 is refused
        outputs[name] = out.read_bytes()
        err = capsys.readouterr().err
        said = f"Не прочитаны (без имени в заголовке, полей случая в них нет): столбец {len(HEADER) + 3} без имени."
        assert (said in err) == (src == trailing) and "строка 6, id A-004" in err
    assert outputs["trailing"] == outputs["plain"] == outputs["exact"]
    assert len(_read(tmp_path / "trailing.out.csv")) == len(rows) + 1


@pytest.mark.parametrize("start, said", [(b"PK\x03\x04\x14\x00\x06\x00", "книга Excel (.xlsx)"),
                                         (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "книга Excel старого формата (.xls)"),
                                         ("id\tdistrict\n".encode("utf-16"), "UTF-16 («Текст Юникод» Excel)")])
def test_a_workbook_or_unicode_text_saved_as_csv_is_named_for_what_it_is(tmp_path, capsys, start, said):
    """An .xlsx renamed .csv, or Excel's «Текст Юникод», was refused as «Не удалось определить кодировку»."""
    src = tmp_path / "реестр.csv"
    src.write_bytes(start + b"\x00" * 64)
    assert main(["batch", str(src), str(tmp_path / "out.csv")]) == 2
    error = json.loads(capsys.readouterr().out)["error"]
    assert error["code"] == "not_csv_text" and said in error["message"] and "сохраните как «CSV" in error["message"]
    assert not (tmp_path / "out.csv").exists()


def test_excels_tab_separated_text_is_read_as_the_same_register(tmp_path, capsys):
    """Excel's «Текст (разделитель — табуляция)»: the header was one unknown column «id\\tdistrict\\t…»."""
    semi, tabs = tmp_path / "semi.csv", tmp_path / "tabs.txt.csv"
    rows = _register_with_ids(semi, n=25, bad=(3,), delimiter=";")
    _register_with_ids(tabs, n=25, bad=(3,), delimiter="\t")
    outputs = []
    for src in (semi, tabs):
        out = tmp_path / f"{src.stem}.out.csv"
        assert main(["batch", str(src), str(out), "--keep", "district"]) == 1
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1] and len(_read(tmp_path / "tabs.txt.out.csv")) == len(rows) + 1
    assert "строка 5, id A-003" in capsys.readouterr().err


def test_a_header_repeated_inside_the_register_is_named_as_such(tmp_path, capsys):
    """Two exports pasted one under the other: the second header was refused as «Недопустимое значение
    «Категория»»; it is one refused row that says it repeats the header, and every case is assessed."""
    src = tmp_path / "two.csv"
    rows = _register_with_ids(src, n=10)
    lines = src.read_text(encoding="utf-8").splitlines()
    src.write_text("\n".join(lines[:6] + [lines[0]] + lines[6:]) + "\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    assert main(["batch", str(src), str(out), "--keep", "district"]) == 1
    err = capsys.readouterr().err
    assert "отклонено: 1" in err and "строка 7, id id: Файл не удалось прочитать: строка повторяет заголовок." in err
    records = _read(out)
    assert len(records) == len(rows) + 2 and [r[3] for r in records[1:]].count("ok") == len(rows)
