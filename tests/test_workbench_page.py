"""The workbench page in-process, as a click drives it: a change made in the form editor, a Windows-1251 `;`
register with ids, districts and two bad rows uploaded, «Сравнить», and the downloads (report, changed
cases, the register assessed under both rule sets) carrying the ids and districts; nothing of the upload
left on disk; the heat maps and the gaps tab; Russian words only on the page."""
from __future__ import annotations

import csv
import io
import tempfile
from datetime import datetime, timezone
from pathlib import Path

import pytest

from socmethod.core.resources import data_path
from tests.support.workbench import CODES, EXAMPLE, cp1251_register, downloads, visible


def upload(panel, name: str, data: bytes) -> None:
    panel.upload.value = ({"name": name, "type": "text/csv", "size": len(data), "content": memoryview(data),
                           "last_modified": datetime(2026, 11, 5, tzinfo=timezone.utc)},)


@pytest.fixture(scope="module")
def compared(tmp_path_factory):
    """A change made in the form (3.1-N1 also for mobility degree 3), a CP1251 register uploaded, compared."""
    from socmethod.apps.workbench import Workbench
    temp = tmp_path_factory.mktemp("tmp")
    old, tempfile.tempdir = tempfile.tempdir, str(temp)
    try:
        wb = Workbench()
        form = wb.change
        form.name.value = "Проект: N 1 и при передвижении 3"
        form.date.value = "2027-01-01"
        form.table.value = "3.1"
        form.row.value = ("3.1-N1", None)
        boxes, domain = form.inputs["mobility"]
        boxes[domain.index(3)].value = True
        form.write()
        upload(wb.compare, "реестр январь.csv", cp1251_register())
        info = wb.compare.file_info.value
        wb.compare.compare()
        # Left behind: only the proposal's own copy of the rules (kept while the proposal is in use).
        left = sorted(str(p.relative_to(temp)) for p in Path(temp).rglob("*") if p.is_file() and
                      (b"R-0043" in p.read_bytes() or not p.relative_to(temp).parts[0].startswith("socmethod-rules-")))
    finally:
        tempfile.tempdir = old
    return wb, info, left


def test_the_form_makes_the_change_and_the_page_applies_it(compared):
    wb = compared[0]
    assert wb.session.proposal is not None and wb.session.proposal.name == "Проект: N 1 и при передвижении 3"
    assert 'set = { mobility = "1, 2, 3" }' in wb.change.toml.value
    assert "Изменение применено" in wb.change.status.value
    summary = visible(wb.change.summary.value)
    assert "Таблица 3.1, строка 3.1-N1 (стр. 1133 источника): изменена" in summary
    assert "степень 1, 2, 3" in summary


def test_the_upload_is_read_as_windows_1251_and_its_own_columns_travel(compared):
    wb, info, _ = compared
    assert "Реестр «реестр январь.csv»" in info and "id, district" in info
    assert wb.compare.id_column.value == "id"
    assert wb.compare.upload.value == ()                 # the widget's copy of the file is dropped at once


def test_nothing_uploaded_is_left_on_disk(compared):
    assert compared[2] == []


def test_the_downloads_carry_ids_districts_and_both_refusals(compared):
    wb = compared[0]
    files = downloads(wb.compare.downloads.value)
    assert set(files) == {"report", "changed", "results-действующие", "results-проект", "png", "svg"}
    name, changed = files["changed"]
    assert name.startswith("изменившиеся-случаи-проект-n-1-и-при-передвижении-3-") and name.endswith(".csv")
    rows = list(csv.DictReader(io.StringIO(changed.decode("utf-8-sig")), delimiter=";"))   # «;» for Russian Excel
    assert [(r["id"], r["district"], r["rules_responsible"]) for r in rows] == [("R-0020", "Фрунзенский", "3.1-N1"),
                                                                               ("R-0182", "Адмиралтейский", "3.1-N1")]
    for kind in ("results-действующие", "results-проект"):
        records = list(csv.DictReader(io.StringIO(files[kind][1].decode("utf-8-sig")), delimiter=";"))
        assert len(records) == 240 and records[42]["id"] == "R-0043" and records[42]["district"]
        assert [(r["id"], r["error_code"]) for r in records if r["status"] == "error"] == [
            ("R-0043", "score_out_of_range"), ("R-0153", "bad_value")]
    report_name, report = files["report"]
    assert report_name.startswith("последствия-проект-n-1-и-при-передвижении-3-") and report_name.endswith(".html")
    text = visible(report.decode("utf-8"))
    assert "Таблица 3.1, строка 3.1-N1 (стр. 1133 источника): изменена" in text
    assert "R-0020 Фрунзенский" in text and "R-0043" in text and "R-0153" in text


def test_the_page_says_what_changed_and_which_rows_were_refused_in_words(compared):
    wb = compared[0]
    status = visible(wb.compare.status.value)
    assert "Сравнение готово." in status and "Отклонено строк реестра: 2" in status
    result = visible(wb.compare.result.value)
    assert "Реестр: строк 240, оценено 238, отклонено 2, изменилось 2" in result
    assert "нет рекомендации на дому: N 1 1" in result
    assert "R-0043 Адмиралтейский Оценка «…» в поле «Способность к самообслуживанию" in result     # kept columns too
    assert "<svg" in wb.compare.charts.value and "Стало: Проект: N 1 и при передвижении 3" in wb.compare.charts.value
    for fragment in (wb.compare.result.value, wb.compare.status.value, wb.change.summary.value, wb.compare.file_info.value):
        assert [code for code in CODES if code in visible(fragment)] == []


def test_a_misspelt_column_in_the_upload_is_refused_and_nothing_kept():
    from socmethod.apps.workbench import Workbench
    wb = Workbench()
    data = EXAMPLE.read_bytes().replace(b"self_care.hygiene", b"self_care.hygene", 1)
    upload(wb.compare, "реестр.csv", data)
    assert "похож на поле случая «self_care.hygiene»" in wb.compare.file_info.value
    assert wb.compare.register is None and wb.compare.forget_button.disabled
    upload(wb.compare, "реестр.xlsx", b"PK")
    assert "не реестр" in wb.compare.file_info.value


@pytest.mark.parametrize("name", ["результаты-проект.csv", "результаты-действующие.csv"])
def test_an_upload_named_like_a_result_is_compared_as_any_other(name):
    """The page writes its results beside the upload; an upload named like one of them was refused as
    «это входной файл», with the server's temporary path in the message."""
    from socmethod.apps.workbench import Workbench
    wb = Workbench()
    upload(wb.compare, name, EXAMPLE.read_bytes())
    wb.compare.id_column.value = "id"
    wb.compare.compare()
    assert "входной файл" not in wb.compare.status.value and "socmethod-upload" not in wb.compare.status.value
    assert wb.compare.report is not None and wb.compare.report["register"]["cases"] == 238


def test_the_form_adds_and_removes_rows_and_its_errors_name_the_change():
    from socmethod.apps.workbench import Workbench
    wb = Workbench()
    form = wb.change
    form.action.value = "add"
    form.table.value = "3.1"
    assert "id" in form.inputs and "seed_line" in form.inputs
    form.inputs["id"].value = "3.1-N90"
    boxes, domain = form.inputs["self_care"]
    boxes[domain.index(3)].value = True
    form.inputs["ripso"].value = "90"
    form.write()
    assert "программы N 90 нет ни в одной строке" in form.status.value and "Изменение применено" in form.status.value
    form.action.value = "edit"
    form.row.value = ("3.1-N90", None)
    form.inputs["ripso"].value = "N90"
    form.write()
    assert "изменения.toml, изменение 1, столбец «ripso»" in form.status.value
    assert wb.session.proposal is None
    form.drop()
    assert form.session.editor.file.changes == [] and form.toml.value.count("[[change]]") == 0
    form.action.value = "remove"
    form.table.value = "3.1"
    form.row.value = ("3.1-N7", None)
    form.write()
    assert 'action = "remove"' in form.toml.value and wb.session.proposal is not None
    assert all(r.id != "3.1-N7" for r in wb.session.proposal.tables["3.1"].rows)


def test_the_hand_edited_text_goes_back_into_the_form():
    from socmethod.apps.workbench import Workbench
    wb = Workbench()
    wb.change.toml.value = data_path("changes", "example-widen-n1-mobility.toml").read_text(encoding="utf-8")
    wb.change.apply_text()
    assert wb.change.name.value == "Проект: N 1 и при полной утрате способности к передвижению"
    assert wb.session.proposal is not None and len(wb.change.pending.options) == 1
    # The methodologist's own text stays as typed, comments and all, and is what the download gives.
    typed = "# согласовано с отделом 12.11\n" + data_path("changes", "example-widen-n1-mobility.toml").read_text(encoding="utf-8")
    wb.change.toml.value = typed
    wb.change.apply_text()
    assert wb.change.toml.value == typed and wb.session.proposal is not None
    assert "согласовано с отделом 12.11" in downloads(wb.change.downloads.value)["change"][1].decode("utf-8")
    wb.change.toml.value = "[[change]]\naction = 'move'\n"
    wb.change.apply_text()
    assert "изменение 1" in wb.change.status.value and "action" in wb.change.status.value


def test_heat_maps_for_any_choice_of_the_other_answers(compared):
    wb = compared[0]
    wb.open_tab(2)
    explorer = wb.heatmap
    explorer.choose(disability_group="II", lives_alone=True, medical_indications=False, carer_absent=False,
                    family_conflict=False)
    chart = explorer.chart.value
    assert "Действующие правила: 405-р" in chart and "Проект: N 1 и при передвижении 3" in chart
    assert "Проект: Проект:" not in chart
    assert "клетка изменилась" in chart and "на дому: N 1" in chart
    explorer.choose(psychiatrist_recommends=None)                     # «любое»: counts per outcome
    assert "любое" in explorer.chart.value
    # «любое» is shown as chosen in its dropdown (None showed as nothing chosen).
    assert explorer.widgets["psychiatrist_recommends"].label == "любое"
    assert explorer.fixed()["psychiatrist_recommends"] is None
    assert set(downloads(explorer.downloads.value)) == {"png", "svg"}


def test_the_gaps_tab_filters_holes_from_no_need():
    from socmethod.apps.workbench import Workbench
    wb = Workbench()
    wb.open_tab(3)
    gaps = wb.gaps
    assert "<svg" in gaps.chart.value
    gaps.category.value = "elderly"
    gaps.kind.value = "no_need"
    text = visible(gaps.table.value)
    assert "Показано 1 из 1 областей (192 сочетаний ответов)" in text
    gaps.kind.value = "hole"
    gaps.search.value = "группа инвалидности: нет группы"
    assert "нет утраты способностей" not in visible(gaps.table.value).split("Ответы", 1)[1]
    # Words, not a substring: «степень 3» finds the areas whose degrees are «1, 2, 3» too.
    gaps.search.value = "передвижению степень 3"
    found = visible(gaps.table.value)
    assert "Способность к передвижению: степень 1, 2, 3" in found or "Способность к передвижению: степень 2, 3" in found
    gaps.search.value = ""
    assert set(downloads(gaps.downloads.value)) == {"html", "csv", "png", "svg"}
    rows = list(csv.DictReader(io.StringIO(downloads(gaps.downloads.value)["csv"][1].decode("utf-8-sig")), delimiter=";"))
    assert list(rows[0]) == ["Категория", "Вид", "Сочетаний ответов", "Область"]
    assert not any("[" in v or "False" in v or "elderly" in v for r in rows for v in r.values())
