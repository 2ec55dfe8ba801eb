"""The workbench page in a real browser, as a methodologist uses it: a change made in the form editor, a
Windows-1251 register with ids, districts and two bad rows chosen with the browser's file picker,
«Сравнить», and the report and the changed cases downloaded. Voila serves notebooks/workbench.ipynb;
Debian's Chromium drives it (skipped with a message locally without /usr/bin/chromium, never under CI)."""
from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from tests.support.page_driver import launch, require_chromium, start_voila_page
from tests.support.processes import stop_session
from tests.support.workbench import cp1251_register

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "artifacts"

require_chromium("workbench browser tests")

playwright_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def server():
    try:
        proc, url = start_voila_page("workbench", timeout=90)
    except RuntimeError as err:
        pytest.fail(str(err))
    yield url
    stop_session(proc)


def test_change_upload_compare_download(server, tmp_path):
    register = tmp_path / "реестр.csv"
    register.write_bytes(cp1251_register())
    with playwright_api.sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page(viewport={"width": 1200, "height": 1000}, accept_downloads=True)
        page.set_default_timeout(60_000)
        page.goto(server)
        page.wait_for_selector("text=Изменение методики")
        # The form: row 3.1-N1 (seed line 1133), mobility degree 3 ticked as well.
        row = page.locator("select", has=page.locator("option", has_text="3.1-N1 — на дому, стр. 1133"))
        row.select_option(label="3.1-N1 — на дому, стр. 1133")
        page.wait_for_selector("text=Строка в источнике (стр. 1133)")
        page.get_by_role("checkbox", name="степень 3").nth(1).check()
        page.get_by_role("button", name="Записать в изменение").click()
        page.wait_for_selector("text=Изменение применено")
        assert "степень 1, 2, 3" in page.inner_text(".sm-wb")
        # The register, with the browser's own file picker.
        page.get_by_role("tab", name="Сравнение").click()
        with page.expect_file_chooser() as chooser:
            page.locator(".widget-upload").click()
        chooser.value.set_files(str(register))
        page.wait_for_selector("text=Ваши столбцы переносятся в результаты без изменений: id, district.")
        page.get_by_role("button", name="Сравнить").click()
        page.wait_for_selector("text=Сравнение готово.", timeout=180_000)
        body = page.inner_text(".sm-wb")
        assert "Отклонено строк реестра: 2" in body and "R-0043" in body and "R-0153" in body
        files = {}
        for kind in ("changed", "report"):
            with page.expect_download() as download:
                page.locator(f"a[data-sm-download={kind}]").click()
            files[kind] = (download.value.suggested_filename, Path(download.value.path()).read_bytes())
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "workbench_compare.png"), full_page=True)
        assert "Traceback" not in page.content()
        browser.close()
    name, data = files["changed"]
    assert name.startswith("изменившиеся-случаи-") and name.endswith(".csv")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))   # for Russian Excel
    assert [(r["id"], r["district"]) for r in rows] == [("R-0020", "Фрунзенский"), ("R-0182", "Адмиралтейский")]
    name, data = files["report"]
    report = data.decode("utf-8")
    assert name.startswith("последствия-") and name.endswith(".html")
    assert "Таблица 3.1, строка 3.1-N1 (стр. 1133 источника): изменена" in report
    assert "Было: 405-р" in report and "<svg" in report and "R-0020" in report and "Фрунзенский" in report
