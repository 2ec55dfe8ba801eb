"""`socmethod print cards`: A4 case cards and the answer key as PDF, read back with pdftotext."""
from __future__ import annotations

import json
import re
import subprocess

import pytest

from socmethod.cli.print_forms import run
from socmethod.io.casebank import bundled_case_bank, case_by_id
from socmethod.render import ripso_text
from tests.support.page_driver import require_chromium

pytestmark = pytest.mark.browser
require_chromium("the printed cards")

CASES = ["case-001", "case-016"]


def _pdf_text(path) -> str:
    return re.sub(r"\s+", " ", subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True).stdout.decode())


def test_cards_and_key_print_to_pdf_and_only_the_key_has_the_answers(tmp_path, capsys):
    assert run(["cards", "--cases", ",".join(CASES), "--out", str(tmp_path / "cards.pdf")]) == 0
    assert json.loads(capsys.readouterr().out)["written"].endswith("cards.pdf")
    assert run(["cards", "--cases", ",".join(CASES), "--key", "--out", str(tmp_path / "key.pdf")]) == 0
    cards, key = _pdf_text(tmp_path / "cards.pdf"), _pdf_text(tmp_path / "key.pdf")
    bank = bundled_case_bank()
    for n, case_id in enumerate(CASES, start=1):
        entry = case_by_id(bank, case_id)
        assert f"Учебный случай {n}" in cards and " ".join(entry.story.split()[:8]) in cards
        assert f"Ответ к случаю {n}" in key
        for rule in entry.expected["rules"]:
            assert rule in key
        assert ripso_text(sorted(set(entry.expected["ripso"]))) in key
    assert "Соблюдение личной гигиены" in cards and "Номера РИПСО" in cards
    assert not re.search(r"\b3\.[12]-", cards) and not re.search(r"РИПСО: N \d", cards)
    assert "Сумма баллов: из" in cards.replace("  ", " ")                   # left blank for the trainee
    assert "степень 1" not in cards and "степень 2" not in cards and "утрачена значительно" not in cards


def test_an_unknown_case_is_refused_naming_it(tmp_path, capsys):
    assert run(["cards", "--cases", "case-001,case-999", "--out", str(tmp_path / "x.pdf")]) == 2
    error = json.loads(capsys.readouterr().out)["error"]
    assert "case-999" in error["message"] and not (tmp_path / "x.pdf").exists()
