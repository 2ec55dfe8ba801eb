"""The reports a committee files: the impact of a change (the change row by row with seed lines, both rule
sets and readings in words, transitions with charts, before/after heat maps, the case bank, the register's
changed cases with ids and kept columns, the refused rows; A4) and `socmethod gaps --format text|html|json`."""
from __future__ import annotations

import json
import re
from datetime import datetime

import pytest

from socmethod import bundled_ruleset
from socmethod.analysis.changes import apply_change_file
from socmethod.analysis.impact import diff
from socmethod.cli import main
from socmethod.core.resources import data_path
from socmethod.render.report import report_filename, report_html
from tests.support.documents import parse_errors
from tests.support.workbench import CODES, EXAMPLE, visible


@pytest.fixture(scope="module")
def rules():
    base = bundled_ruleset()
    return base, apply_change_file(data_path("changes", "example-widen-n1-mobility.toml"), base)


@pytest.fixture(scope="module")
def report(rules):
    base, proposal = rules
    return diff(base, proposal, str(EXAMPLE), id_column="id", keep=["district"])


@pytest.fixture(scope="module")
def html(report, rules):
    return report_html(report, *rules, generated=datetime(2026, 11, 5, 14, 30))


def test_the_report_parses_as_html5_without_an_error(html):
    assert parse_errors(html) == []


def test_the_report_names_the_change_row_column_before_after_and_seed_line(html):
    text = visible(html)
    assert "Таблица 3.1, строка 3.1-N1 (стр. 1133 источника): изменена" in text
    assert "Оценка способности к передвижению степень 1, 2 (1, 2) степень 1, 2, 3 (1, 2, 3)" in text


def test_the_report_names_both_rule_sets_and_their_readings_in_words(html, report):
    text = visible(html)
    assert report["baseline"]["hash"] in text and report["proposal"]["hash"] in text
    assert "405-р 1 июля 2019 г." in text
    assert "Проект: N 1 и при полной утрате способности к передвижению 1 января 2027 г." in text
    assert "Пустая ячейка критерия (да/нет) в таблицах 3.1 и 3.2 (стр. 1120): не требуется: критерий не проверяется" in text
    assert "Отчёт составлен 5 ноября 2026 г., 14:30" in text


def test_the_report_shows_transitions_with_charts_and_before_after_heat_maps(html):
    text = visible(html)
    assert "Гражданин пожилого возраста: изменилось 96 из 3072" in text
    assert "нет рекомендации на дому: N 1 48" in text                 # the transition table, in words
    figures = re.findall(r"<figure><svg.*?</svg>", html, flags=re.S)
    assert len(figures) >= 3                                          # space transitions, heat maps, register
    heatmap = next(f for f in figures if "Было: 405-р" in f)
    assert "Стало: Проект: N 1" in heatmap and "клетка изменилась" in heatmap and "на дому: N 1" in heatmap
    assert "Другие ответы: Группа инвалидности: I группа" in text


def test_the_report_lists_the_registers_changed_cases_and_refused_rows_with_ids(html):
    text = visible(html)
    assert "Строк в реестре: 240; оценено: 238; отклонено: 2." in text
    assert re.search(r"21 R-0020 Фрунзенский нет рекомендации на дому: N 1 3\.1-N1", text)
    assert re.search(r"183 R-0182 Адмиралтейский .* 3\.1-N1", text)
    # Each form with its own numbers (the diff's register texts list them apart: «home|home|… (13|12|5)»).
    assert re.search(r"183 R-0182 Адмиралтейский на дому: N 13, N 12; стационарная форма при постоянном "
                     r"проживании: N 5 на дому: N 1, N 13, N 12; стационарная форма при постоянном проживании: N 5 ", text)
    # Refused rows carry the kept columns too (the district), and say why their values are not shown.
    assert re.search(r"44 R-0043 Адмиралтейский Оценка «…» в поле «Способность к самообслуживанию: соблюдение "
                     r"личной гигиены", text)
    assert "154 R-0153 Кировский Недопустимое значение «…» в поле «Категория»" in text
    assert "Значения ячеек случаев в отчёт не переносятся" in text


def test_the_report_speaks_russian_and_prints_on_a4(html):
    text = visible(html)
    assert [code for code in CODES if code in text] == []
    assert "@page { size: A4;" in html
    assert not re.search(r"<script|<link|<img|src=|url\((?!#)|@import|href=\"http", html)            # nothing to fetch


def test_the_case_banks_moves_are_charted_and_listed_by_case(rules):
    from socmethod.analysis.editor import ChangeEditor
    base = rules[0]
    editor = ChangeEditor(base, "Без N 2")
    editor.remove_row("3.1", "3.1-N2")
    proposal = editor.file.apply(base)
    html = report_html(diff(base, proposal), base, proposal)
    text = visible(html)
    assert "Таблица 3.1, строка 3.1-N2 (стр. 1129 источника): удалена" in text
    from socmethod.io.casebank import bundled_case_bank
    moved = re.search(rf"Учебные случаи: изменилось (\d+) из {len(bundled_case_bank())}", text)
    assert moved and int(moved.group(1)) > 0
    assert "case-001 Валентина С., 78 лет" in text
    assert "полустационарная форма с периодом пребывания до 4 часов: N 2 нет рекомендации" in text
    assert re.search(r"<figure><svg.*?Учебные случаи: переходы.*?</svg>", html, flags=re.S)


def test_a_removed_and_an_added_row_are_told_in_words_without_codes(rules, tmp_path):
    """The change table shows a cell as written only when it says something of its own («1, 2»), never
    a cell of codes (`day_care_up_to_4h`, `none, III, II, I`)."""
    base = rules[0]
    change = tmp_path / "rows.toml"
    change.write_text('name = "Строки"\n[[change]]\naction = "remove"\ntable = "3.1"\nrow = "3.1-N7"\n'
                      '[[change]]\naction = "add"\ntable = "3.1"\nrow = { id = "3.1-N50", disability_group = "II", '
                      'self_care = "2", mobility = "3", lives_alone = "V", form = "home", ripso = "1" }\n', encoding="utf-8")
    proposal = apply_change_file(change, base)
    report = {**diff(base, base), "proposal": {**proposal.info(), "readings": base.default_readings()}}
    text = visible(report_html(report, base, proposal))
    assert "Таблица 3.1, строка 3.1-N7 (стр. 1130 источника): удалена" in text
    assert "полустационарная форма с периодом пребывания до 4 часов" in text and "на дому" in text
    assert [code for code in (*CODES, "home", "(none", "none,") if code in text] == []
    # No effective_date in the change file: the report does not date the project as the rules in force.
    assert "Проект Строки не указана в файле изменений" in text


def test_a_new_programme_number_is_warned_about_in_the_report(rules, tmp_path):
    base = rules[0]
    change = tmp_path / "new.toml"
    change.write_text('name = "N 50"\n[[change]]\naction = "edit"\ntable = "3.1"\nrow = "3.1-N2"\nset = { ripso = "50" }\n',
                      encoding="utf-8")
    proposal = apply_change_file(change, base)
    report = {**diff(base, base), "proposal": {**proposal.info(), "readings": base.default_readings()}}
    text = visible(report_html(report, base, proposal))
    assert "Программы N 50 нет ни в одной строке действующих таблиц" in text


def test_a_report_without_the_rule_sets_still_says_what_it_can(report):
    text = visible(report_html(report))
    assert "Строки изменения не показаны" in text and "изменилось 96 из 3072" in text


def test_the_report_file_name_says_what_and_when(report):
    name = report_filename(report, datetime(2026, 11, 5, 14, 30))
    assert name == "последствия-проект-n-1-и-при-полной-утрате-способности-к-передвижению-2026-11-05-1430.html"


def test_gaps_as_text_and_html(capsys, tmp_path):
    assert main(["gaps", "--format", "text"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("Пробелы и перекрытия таблиц: 405-р (1 июля 2019 г.)")
    assert "Гражданин пожилого возраста: сочетаний ответов 3 072" in text
    assert "пробел: 1 932; нет утраты способностей: 192" in text
    assert "Строки, целиком покрытые другой строкой той же формы: 3.1-N1 ⊂ 3.1-N6" in text
    assert [code for code in CODES if code in text] == []
    from socmethod import bundled_ruleset
    assert [name for name in bundled_ruleset().readings if name in text] == []      # readings by their titles
    assert max(len(line) for line in text.splitlines() if line.startswith("    ")) <= 110
    out = tmp_path / "gaps.html"
    assert main(["gaps", "--format", "html", "--out", str(out), "--reading", "empty_cell=must_be_absent"]) == 0
    captured = capsys.readouterr()
    assert captured.out == "" and str(out) in captured.err
    page = out.read_text(encoding="utf-8")
    assert "<svg" in page and "критерий должен отсутствовать — не по умолчанию" in visible(page)
    assert parse_errors(page) == []


def test_gaps_refuses_an_unknown_format_and_an_output_over_its_input(capsys, tmp_path):
    assert main(["gaps", "--format", "xml"]) == 2
    assert json.loads(capsys.readouterr().out)["error"]["field"] == "--format"
    change = tmp_path / "c.toml"
    change.write_text(data_path("changes", "example-widen-n1-mobility.toml").read_text(encoding="utf-8"), encoding="utf-8")
    before = change.read_bytes()
    assert main(["gaps", "--rules", str(change), "--format", "text", "--out", str(change)]) == 2
    assert json.loads(capsys.readouterr().out)["error"]["code"] == "same_file"
    assert change.read_bytes() == before
