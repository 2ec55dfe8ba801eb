"""Printable documents: the Conclusion (Form 1) with scales 1.2/1.3 and criteria, the application
(Appendix 1) and the provider's conclusion (Appendix 5); their words in data/forms/ (each the seed's text at
its line, a missing or malformed entry refused by name); --rules and --reading reaching the printed words.

HTML tests need nothing but the package. PDF tests need /usr/bin/chromium (through Python Playwright) and
poppler-utils (pdftotext, pdfinfo, pdftoppm): locally they skip with a message when one is missing, under
CI=true they fail instead (.ci/run installs both). Page images go to artifacts/ to look at.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

import socmethod
from socmethod.cli.print_forms import run as print_cli
from socmethod.core.errors import KitError
from socmethod.core.resources import data_path
from socmethod.render.forms import FORMS, check_form, load_form, printed_keys, required_keys
from socmethod.render.pdf import html_to_pdf
from socmethod.render.printing import application_html, conclusion_html, provider_conclusion_html
from tests.support.seeds import seed_lines

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "artifacts"
CHROMIUM = "/usr/bin/chromium"

SELF_CARE = ("hygiene", "toilet", "dressing", "medication", "cooking", "eating", "housekeeping", "paperwork")
MOBILITY = ("shopping", "transport", "outdoor_walk", "indoors", "bed")

# An elderly person, group II, lonely, every self-care and mobility item 2 (16 and 10 points, degree 2):
# table 3.1 gives home N 1 and N 6, residential temporary N 4 and N 9.
ELDERLY = {"category": "elderly", "disability_group": "II",
           "self_care": {k: 2 for k in SELF_CARE}, "mobility": {k: 2 for k in MOBILITY},
           "medical_indications": False, "lives_alone": True, "carer_absent": False, "family_conflict": False,
           "psychiatrist_recommends": "none"}

CHILD = {"category": "disabled_child", "impairment": "multiple",
         "self_care": {"hygiene": 2, "toilet": 2, "dressing": 2, "eating": 1},
         "mobility": {"distance": 2, "outdoor_walk": 2, "indoors": 1, "bed": 1},
         "medical_indications": False, "lives_alone": True, "carer_absent": False, "family_conflict": False,
         "ipra_social_rehabilitation": True, "psychiatrist_recommends": "none"}

ADULT_UNKNOWN = {"category": "disabled_adult", "impairment": "intellectual", "disability_group": "I",
                 "self_care": {k: 3 for k in SELF_CARE}, "mobility": {k: 2 for k in MOBILITY},
                 "medical_indications": True, "lives_alone": None, "carer_absent": False, "family_conflict": True,
                 "ipra_social_rehabilitation": True, "psychiatrist_recommends": "psychoneurological",
                 "social_housing_flat": None}

# Circumstances of Appendix 2 to the Conclusion, Form 1, as the seed writes them (lines 1090, 1092-1094, 1095).
SELF_CARE_LOSS = ("Полная или частичная утрата способности либо возможности осуществлять самообслуживание, самостоятельно "
                  "передвигаться, обеспечивать основные жизненные потребности в силу заболевания, травмы, возраста или "
                  "наличия инвалидности")
NO_CARE = ("Отсутствие возможности обеспечения ухода (в том числе временного) за инвалидом, ребенком, детьми, а также "
           "отсутствие попечения над ними")
FAMILY_CONFLICT = ("Наличие внутрисемейного конфликта, в том числе с лицами с наркотической или алкогольной зависимостью, "
                   "лицами, имеющими пристрастие к азартным играм, лицами, страдающими психическими расстройствами, "
                   "наличие насилия в семье (для граждан пожилого возраста)")


def _text(html: str) -> str:
    """Visible text of an HTML document, whitespace collapsed (enough to check fields)."""
    body = re.sub(r"<(style|title)>.*?</\1>|<!--.*?-->", " ", html, flags=re.S)
    body = re.sub(r"<[^>]+>", " ", body).replace("\u00ad", "")
    import html as _html
    return " ".join(_html.unescape(body).split())


def _pd_blanks(html: str) -> list[str]:
    """Contents of every blank marked as personal data (class "pd")."""
    return re.findall(r'<(div|td|span)\b[^>]*class="[^"]*\bpd\b[^"]*"[^>]*>(.*?)</\1>', html, flags=re.S)


# --- HTML -------------------------------------------------------------------------------------------------

def test_conclusion_fills_scores_degrees_and_ripso():
    html = conclusion_html(ELDERLY)
    text = _text(html)
    assert "Заключение об определении индивидуальной потребности граждан пожилого возраста" in text
    # Form 1: the assessment lines, the recommended forms, category and programme numbers.
    assert "Оценки способности к самообслуживанию 2 — Способность к самообслуживанию утрачена значительно " \
           "(16 баллов из 24) (из пункта 1.2)" in text
    assert "Оценки способности к самостоятельному передвижению 2 — Способность к передвижению утрачена " \
           "значительно (10 баллов из 15) (из пункта 1.3)" in text
    assert "на дому; стационарная форма при временном проживании" in text
    assert "1, 6 (на дому); 4, 9 (стационарная форма при временном проживании)" in text
    assert "☒ граждане пожилого возраста, одиноко проживающие" in text
    assert text.count("☒") == 1
    # Appendix 1: every item scored 2, totals, the degree's band marked.
    assert re.search(r'<tr class="total"><td>ИТОГО \(баллов\)</td><td class="num">16</td>', html)
    assert re.search(r'<tr class="total"><td>ИТОГО \(баллов\)</td><td class="num">10</td>', html)
    assert len(re.findall(r'<td class="num">2</td></tr>', html)) == len(SELF_CARE) + len(MOBILITY)
    hits = re.findall(r'<tr class="hit"><td class="num">([^<]*)</td><td>([^<]*)</td>', html)
    assert hits == [("9-16", "2 Способность к самообслуживанию утрачена значительно"),
                    ("6-10", "2 Способность к передвижению утрачена значительно")]
    # Appendix 3: the matched rows of table 3.1 with their forms and numbers.
    rules = re.findall(r'<tr data-rule="([^"]+)">', html)
    assert rules == ["3.1-N1", "3.1-N6", "3.1-N4", "3.1-N9"]
    for cell in ("на дому (N 1)", "на дому (N 6)", "стационарная форма при временном проживании (N 4)",
                 "стационарная форма при временном проживании (N 9)"):
        assert cell in text
    assert "3.1. Критерии нуждаемости граждан пожилого возраста" in text
    # The kit's footer: rule set, hash and readings.
    result = socmethod.assess(ELDERLY)
    assert result["rule_set"]["hash"] in text
    assert "empty_cell = not_required" in text and "star_footnote = any_of_group" in text
    assert "3.1-N1 (стр. 1133)" in text


def test_conclusion_uses_given_result_and_readings():
    result = socmethod.assess(ELDERLY, readings={"star_footnote": "literal"})
    html = conclusion_html(ELDERLY, result)
    assert "star_footnote = literal (не по умолчанию)" in _text(html)
    assert conclusion_html(ELDERLY, readings={"star_footnote": "literal"}) == html


def test_conclusion_leaves_personal_data_blank():
    html = conclusion_html(ELDERLY)
    blanks = _pd_blanks(html)
    assert len(blanks) >= 10          # name, address, income, organisations, district, signatures
    assert all(content.replace("&nbsp;", "").strip() == "" for _tag, content in blanks)
    assert not re.search(r"\$[a-z_]", html)          # every placeholder filled
    # The case format has no place for names: a case carrying one is refused, not printed.
    with pytest.raises(KitError) as err:
        conclusion_html({**ELDERLY, "name": "Иванов Иван Иванович"})
    assert err.value.code == "unknown_key"


def test_conclusion_escapes_values():
    result = socmethod.assess(ELDERLY)
    result["self_care"]["band"] = '<script>alert("x")</script> & co'
    result["recommendations"][0]["caveat"] = "<b>N 1</b>"
    html = conclusion_html(ELDERLY, result)
    assert "<script>" not in html and "<b>N 1</b>" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; co" in html          # MarkupSafe writes " as &#34;
    assert "&lt;b&gt;N 1&lt;/b&gt;" in html


def test_conclusion_disabled_child_uses_child_scales_and_numbers():
    html = conclusion_html(CHILD)
    text = _text(html)
    assert "Расчет для детей-инвалидов (старше 3 лет):" in text
    assert "☒ дети-инвалиды с множественными нарушениями развития" in text
    assert re.search(r'ИТОГО \(баллов\)</td><td class="num">7</td>', html)       # self-care 7: degree 2
    assert re.search(r'ИТОГО \(баллов\)</td><td class="num">6</td>', html)       # mobility 6: degree 2
    assert "3.2. Критерии нуждаемости инвалидов трудоспособного возраста и детей-инвалидов старше 3 лет" in text
    result = socmethod.assess(CHILD)
    numbers = sorted(n for r in result["recommendations"] for n in r["ripso"])
    assert numbers and all(n >= 35 for n in numbers)                          # children's programmes
    for n in numbers:
        assert f"N {n}" in text


def test_conclusion_shows_what_depends_on_unknown_answers():
    result = socmethod.assess(ADULT_UNKNOWN)
    assert result["depends_on"]
    text = _text(conclusion_html(ADULT_UNKNOWN, result))
    assert "при условии:" in text
    assert "N 30 (при проживании в квартире социального назначения)" in text
    assert "? — в описании случая не указано" in text


def test_conclusion_categories_without_table_and_other_forms():
    text = _text(conclusion_html({"category": "homeless"}))
    assert "☒ граждане без определенного места жительства" in text
    assert "нет таблицы критериев" in text
    early = _text(conclusion_html({"category": "early_childhood", "age_months": 20, "early_help_criteria": [1, 2]}))
    assert "3.3. Критерии нуждаемости для детей раннего возраста" in early
    assert "Нуждаемость в услугах ранней помощи по таблице 3.3: есть (критерии 1, 2)" in early
    for category in ("minor", "family"):
        with pytest.raises(KitError) as err:
            conclusion_html({"category": category})
        assert "форме" in err.value.to_dict()["message"]


def test_conclusion_without_appendices():
    text = _text(conclusion_html(ELDERLY, appendices=False))
    assert "1. ОЦЕНКА УСЛОВИЙ ЖИЗНЕДЕЯТЕЛЬНОСТИ" not in text and "ИТОГО" not in text
    assert "1, 6 (на дому)" in text


def test_application_prefilled():
    html = application_html(["home", "day_care_over_4h"], ["self_care_loss", "no_care"])
    text = _text(html)
    assert "Заявление о предоставлении социальных услуг" in text
    assert ("Прошу предоставить мне социальные услуги в форме социального обслуживания на дому, полустационарная "
            "форма с периодом пребывания свыше 4 часов") in text
    assert SELF_CARE_LOSS + ";" in text
    assert NO_CARE + "." in text
    assert "приказом Министерства труда и социальной защиты Российской Федерации от 28.03.2014 N 159н" in text
    assert all(c.replace("&nbsp;", "").strip() == "" for _t, c in _pd_blanks(html))
    assert not re.search(r"\$[a-z_]", html)


def test_application_escapes_own_words_and_refuses_unknown_codes():
    html = application_html([], ['<img src=x onerror="1"> & "кража документов"'])
    assert "<img" not in html
    assert "&lt;img src=x onerror=&#34;1&#34;&gt; &amp; &#34;кража документов&#34;" in html
    with pytest.raises(KitError) as err:
        application_html(["at_home"], [])
    assert err.value.code == "bad_value" and "home" in err.value.to_dict()["message"]
    with pytest.raises(KitError) as err:
        application_html(["home"], ["self_care"])      # looks like a code, is none
    assert err.value.code == "bad_value"


def test_provider_conclusion_template():
    html = provider_conclusion_html()
    text = _text(html)
    assert "ЗАКЛЮЧЕНИЕ о выполнении индивидуальной программы предоставления социальных услуг" in text
    assert text.count("Оценка результатов реализации индивидуальной программы") == 8
    assert "М.П." in text
    assert all(c.strip() == "" for _t, c in _pd_blanks(html))


def test_html_to_pdf_without_chromium(tmp_path):
    with pytest.raises(KitError) as err:
        html_to_pdf("<p>x</p>", str(tmp_path / "x.pdf"), executable_path=str(tmp_path / "no-chromium"))
    assert "Chromium" in err.value.to_dict()["message"]


def test_print_cli_html(tmp_path, capsys):
    case = tmp_path / "case.json"
    case.write_text(json.dumps(ELDERLY, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "conclusion.html"
    assert print_cli(["conclusion", str(case), "--out", str(out)]) == 0
    assert json.loads(capsys.readouterr().out) == {"written": str(out)}
    assert "1, 6 (на дому)" in _text(out.read_text(encoding="utf-8"))

    out = tmp_path / "application.html"
    assert print_cli(["application", "--form", "home", "--circumstance", "family_conflict", "--out", str(out)]) == 0
    assert json.loads(capsys.readouterr().out) == {"written": str(out)}
    assert FAMILY_CONFLICT in _text(out.read_text(encoding="utf-8"))

    out = tmp_path / "provider.html"
    assert print_cli(["provider-conclusion", "--out", str(out)]) == 0
    assert json.loads(capsys.readouterr().out) == {"written": str(out)}


@pytest.mark.parametrize("argv, code", [
    (["conclusion", "{tmp}/missing.json", "--out", "{tmp}/x.html"], "file_not_found"),
    (["conclusion", "{tmp}/case.json", "--out", "{tmp}/x.docx"], "bad_argument"),
    (["conclusion", "{tmp}/case.json", "--out", "{tmp}/no/such/dir/x.html"], "no_directory"),   # the same code as every other command
    (["conclusion", "{tmp}/case.json", "--reading", "empty_cell", "--out", "{tmp}/x.html"], "bad_argument"),
    (["conclusion", "{tmp}/case.json", "--reading", "nope=1", "--out", "{tmp}/x.html"], "unknown_reading"),
    (["application", "--form", "castle", "--out", "{tmp}/x.html"], "bad_value"),
    (["provider-conclusion"], "bad_argument"),
    (["letter", "--out", "{tmp}/x.html"], "bad_argument"),
])
def test_print_cli_errors(tmp_path, capsys, argv, code):
    (tmp_path / "case.json").write_text(json.dumps(ELDERLY), encoding="utf-8")
    assert print_cli([a.replace("{tmp}", str(tmp_path)) for a in argv]) == 2
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 1
    assert json.loads(lines[0])["error"]["code"] == code


def test_print_cli_honours_rules_and_readings(tmp_path, capsys):
    """--rules and --reading reach the printed words: the rule set's names of forms and tables, its hash,
    the readings in force."""
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "data" / "rules" / "405-r", rules)
    spec = (rules / "ruleset.toml").read_text(encoding="utf-8")
    for old, new in (('home = "на дому"', 'home = "социальное обслуживание на дому"'),
                     ('title = "3.1. Критерии нуждаемости граждан пожилого возраста"',
                      'title = "3.1. Критерии нуждаемости граждан пожилого возраста (проект)"')):
        assert old in spec
        spec = spec.replace(old, new)
    (rules / "ruleset.toml").write_text(spec, encoding="utf-8")
    case = tmp_path / "case.json"
    case.write_text(json.dumps(ELDERLY), encoding="utf-8")
    out = tmp_path / "conclusion.html"
    assert print_cli(["conclusion", str(case), "--rules", str(rules), "--reading", "star_footnote=literal",
                      "--appendices", "--out", str(out)]) == 0
    capsys.readouterr()
    text = _text(out.read_text(encoding="utf-8"))
    assert "социальное обслуживание на дому; стационарная форма при временном проживании" in text
    assert "3.1. Критерии нуждаемости граждан пожилого возраста (проект)" in text
    assert "star_footnote = literal (не по умолчанию)" in text
    assert socmethod.load_ruleset(rules).hash in text and socmethod.assess(ELDERLY)["rule_set"]["hash"] not in text

    out = tmp_path / "application.html"
    assert print_cli(["application", "--rules", str(rules), "--form", "home", "--out", str(out)]) == 0
    assert "в форме социального обслуживания социальное обслуживание на дому" in _text(out.read_text(encoding="utf-8"))


def test_application_circumstances_come_from_the_documents_table():
    """Appendix 2 to Form 1 names each circumstance once (data/documents.toml); the application prints it
    without the table's footnote markers, and the code the print command used before is still accepted."""
    seed_1091 = ("Наличие в семье инвалида или инвалидов, в том числе ребенка-инвалида или детей-инвалидов, "
                 "нуждающихся в постоянном постороннем уходе")
    for code in ("disabled_family_member", "disabled_in_family"):
        assert seed_1091 + "." in _text(application_html([], [code]))
    text = _text(application_html([], ["homeless", "rehabilitation"]))
    assert "оставшихся без попечения родителей;" in text                    # line 1096 without «<1>»
    assert "(для инвалидов трудоспособного возраста)." in text               # line 1099 without «<2>»


def test_other_forms_are_refused_in_words():
    with pytest.raises(KitError) as err:
        conclusion_html({"category": "minor"})
    message = err.value.to_dict()["message"]
    assert "несовершеннолетний: заключение по форме 1 не составляется" in message
    assert "«Форма 2» (405-р, приложение 3, стр. 1190)" in message and "minor" not in message


# --- the forms' text in data ---------------------------------------------------------------------------------

def _entries(node, path=""):
    """Every entry of a parsed form file: (key path, entry)."""
    if isinstance(node, dict) and "text" in node and "seed_line" in node:
        yield path, node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _entries(value, f"{path}.{key}" if path else key)
    elif isinstance(node, list):
        for n, value in enumerate(node):
            yield from _entries(value, f"{path}.{n}")


def _raw(name: str) -> dict:
    return tomllib.loads(data_path("forms", f"{name}.toml").read_text(encoding="utf-8"))


def test_every_printed_text_is_in_the_data_and_every_text_is_printed():
    for name in FORMS:
        assert set(load_form(name)["text"]) == required_keys(name), name
    assert {"title", "category_lead", "total_row", "fill_table"} <= printed_keys("form1")     # the walk sees includes
    assert "procedure_appendix" in printed_keys("common") and "forms_column" not in printed_keys("form1")


# Entries that are not the seed's words at their line, and why.
NOT_VERBATIM = {
    ("application", "text.birth_date_caption"): "lines 553-555 interleave two captions: «(дата рождения (СНИЛС гражданина) гражданина)»",
    ("form1", "cell_words.impairment.multiple"): "the cell is split over lines 1155-1158",
    ("form1", "unscored.early_childhood"): "the kit's words for what lines 958, 990 and 1181 imply",
}


def _squeeze(text: str) -> str:
    """Seed text compared without link markup, bold marks, blanks and whitespace (the OCR breaks words)."""
    text = re.sub(r"\[([^\]]*)\]\(#\)", r"\1", text).replace("**", "")
    return re.sub(r"_+\.?|\s+", "", text)


def test_form_text_is_the_seeds_at_its_line():
    """Each entry begins on its seed line and reads as the seed does from there (skipped when the seed is
    not beside the repository)."""
    lines = seed_lines()
    checked = 0
    for name in FORMS:
        for path, entry in _entries(_raw(name)):
            if (name, path) in NOT_VERBATIM:
                continue
            start = entry["seed_line"] - 1
            text, window = _squeeze(entry["text"]), _squeeze(" ".join(lines[start:start + 20]))
            assert 0 <= window.find(text) < len(_squeeze(lines[start])), (name, path, lines[start])
            checked += 1
    assert checked > 150


def _broken(name: str, edit) -> KitError:
    raw = _raw(name)
    edit(raw)
    with pytest.raises(KitError) as err:
        check_form(name, raw)
    return err.value


@pytest.mark.parametrize("name, edit, code, field", [
    ("form1", lambda r: r["text"].pop("title"), "missing_key", "text.title"),
    ("form1", lambda r: r["text"]["title"].pop("seed_line"), "missing_key", "text.title.seed_line"),
    ("form1", lambda r: r["text"]["title"].update(seed_line="773"), "rule_set_invalid", "text.title.seed_line"),
    ("form1", lambda r: r["text"]["title"].update(text="  "), "rule_set_invalid", "text.title.text"),
    ("form1", lambda r: r["text"]["title"].update(line=773), "unknown_key", "text.title.line"),
    ("form1", lambda r: r["text"].update(title="Заключение"), "rule_set_invalid", "text.title"),
    ("form1", lambda r: r["categories"][5]["when"].update(impairment="multple"), "rule_set_invalid", "categories[«disabled_adult.multiple»].when"),
    ("form1", lambda r: r["categories"][0]["when"].update(alone=True), "rule_set_invalid", "categories[«elderly_alone»].when.alone"),
    ("form1", lambda r: r["categories"][1].update(id="elderly_alone"), "rule_set_invalid", "categories[«elderly_alone»].id"),
    ("form1", lambda r: r["scales"]["mobility"].pop("final"), "missing_key", "scales.mobility.final"),
    ("form1", lambda r: r["criteria"]["3.2"]["footnotes"][1].pop("seed_line"), "missing_key", "criteria.3.2.footnotes[2].seed_line"),
    ("form1", lambda r: r.pop("ripso_conditions"), "missing_key", "ripso_conditions"),
    ("form1", lambda r: r.update(ripso_condition=r["ripso_conditions"]), "unknown_key", "ripso_condition"),
    ("form1", lambda r: r["other_forms"].update(pupil={"text": "Форма 4", "seed_line": 1}), "rule_set_invalid", "other_forms.pupil"),
    ("application", lambda r: r["footnotes"][2].pop("text"), "missing_key", "footnotes[3].text"),
    ("provider_conclusion", lambda r: r["evaluations"][0].pop("id"), "missing_key", "evaluations[1].id"),
    ("common", lambda r: r["text"].pop("procedure_appendix"), "missing_key", "text.procedure_appendix"),
])
def test_missing_or_malformed_entry_is_refused_naming_file_and_key(name, edit, code, field):
    err = _broken(name, edit)
    assert (err.code, err.field) == (code, field)
    assert f"data/forms/{name}.toml" in err.to_dict()["message"]


def test_corrupted_form_file_is_refused(tmp_path, monkeypatch):
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    (data / "forms" / "form1.toml").write_text("[text\n", encoding="utf-8")
    monkeypatch.setenv("SOCMETHOD_DATA", str(data))
    load_form.cache_clear()
    try:
        with pytest.raises(KitError) as err:
            conclusion_html(ELDERLY)
        assert err.value.code == "malformed_file" and "data/forms/form1.toml" in err.value.to_dict()["message"]
    finally:
        monkeypatch.delenv("SOCMETHOD_DATA")
        load_form.cache_clear()
    assert "Форма 1" in conclusion_html(ELDERLY)


# --- PDF --------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def pdf_tools():
    missing = [n for n in ("pdftotext", "pdfinfo", "pdftoppm") if shutil.which(n) is None]
    if not Path(CHROMIUM).exists():
        missing.append(CHROMIUM)
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("playwright (Python)")
    if missing:
        message = "PDF tests need " + ", ".join(missing) + " (apt-get install chromium poppler-utils)"
        if os.environ.get("CI") == "true":
            pytest.fail(message + ": missing under CI=true, .ci/run must install them")
        pytest.skip(message)
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


def _pdf(html: str, name: str, artifacts: Path) -> tuple[str, int]:
    """Print to artifacts/NAME.pdf, render its pages to artifacts/NAME-N.png; return (layout text, pages)."""
    pdf = artifacts / f"{name}.pdf"
    for old in artifacts.glob(f"{name}-*.png"):
        old.unlink()
    html_to_pdf(html, str(pdf))
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    assert re.search(r"^Page size:\s+59[45]\.\d+ x 841\.\d+ pts \(A4\)", info, re.M), info
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(artifacts / name)], check=True)
    assert len(list(artifacts.glob(f"{name}-*.png"))) == pages
    return text, pages


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.browser
def test_pdf_conclusion(pdf_tools):
    text, pages = _pdf(conclusion_html(ELDERLY), "print_conclusion", pdf_tools)
    flat = _flat(text)
    for heading in ("Форма 1", "Заключение об определении индивидуальной потребности граждан",
                    "1. ОЦЕНКА УСЛОВИЙ ЖИЗНЕДЕЯТЕЛЬНОСТИ ГРАЖДАНИНА", "1.2. Оценка способности к самообслуживанию",
                    "1.3. Оценка способности к самостоятельному передвижению",
                    "3. КРИТЕРИИ НУЖДАЕМОСТИ ГРАЖДАНИНА В ПРЕДОСТАВЛЕНИИ СОЦИАЛЬНЫХ УСЛУГ",
                    "Начальник бюро", "С заключением ознакомлен(а):"):
        assert heading in flat, heading
    assert "Оценки способности к самообслуживанию 2 — Способность к самообслуживанию утрачена значительно" in flat
    assert "(16 баллов из 24)" in flat and "(10 баллов из 15)" in flat
    assert [int(n) for n in re.findall(r"ИТОГО \(баллов\)\s+(\d+)", text)] == [16, 10]
    assert re.search(r"9-16\s+2 Способность к самообслуживанию утрачена значительно", text)
    assert re.search(r"6-10\s+2 Способность к передвижению утрачена значительно", text)
    assert "1, 6 (на дому); 4, 9 (стационарная форма при временном проживании)" in flat
    for cell in ("на дому (N 1)", "на дому (N 6)"):
        assert cell in flat
    assert re.search(r"временном\s+проживании \(N 4\)", flat) and re.search(r"временном\s+проживании \(N 9\)", flat)
    assert socmethod.assess(ELDERLY)["rule_set"]["hash"] in flat
    # The whole document (Form 1 and its appendices 1 and 3) fits three pages for this case.
    assert pages <= 3, pages


@pytest.mark.browser
def test_pdf_conclusion_form_alone_has_one_or_two_pages(pdf_tools):
    text, pages = _pdf(conclusion_html(ELDERLY, appendices=False), "print_conclusion_form", pdf_tools)
    assert 1 <= pages <= 2, pages
    flat = _flat(text)
    assert "по категории граждане пожилого возраста, одиноко проживающие" in flat
    assert "Информация о перечне социальных услуг" in flat


@pytest.mark.browser
def test_pdf_conclusion_disabled_adult(pdf_tools):
    text, pages = _pdf(conclusion_html(ADULT_UNKNOWN), "print_conclusion_disabled_adult", pdf_tools)
    flat = _flat(text)
    assert "3.2. Критерии нуждаемости инвалидов трудоспособного возраста" in flat
    assert [int(n) for n in re.findall(r"ИТОГО \(баллов\)\s+(\d+)", text)] == [24, 10]
    assert "при условии:" in flat
    assert pages <= 4, pages


@pytest.mark.browser
def test_pdf_application(pdf_tools):
    text, pages = _pdf(application_html(["home"], ["self_care_loss", "no_care"]), "print_application", pdf_tools)
    flat = _flat(text)
    assert "Заявление о предоставлении социальных услуг" in flat
    assert "Прошу предоставить мне социальные услуги в форме социального обслуживания" in flat
    assert "на дому" in flat
    assert "Полная или частичная утрата способности либо возможности осуществлять самообслуживание" in flat
    assert "(согласен/не согласен)" in flat
    assert pages == 1, pages


@pytest.mark.browser
def test_pdf_provider_conclusion(pdf_tools):
    text, pages = _pdf(provider_conclusion_html(), "print_provider_conclusion", pdf_tools)
    flat = _flat(text)
    assert "ЗАКЛЮЧЕНИЕ" in flat and "о выполнении индивидуальной программы предоставления социальных услуг" in flat
    assert "Приложение N 5" in flat and "М.П." in flat
    assert pages == 1, pages


@pytest.mark.browser
def test_print_cli_pdf(pdf_tools, tmp_path, capsys):
    case = tmp_path / "case.json"
    case.write_text(json.dumps(ELDERLY), encoding="utf-8")
    out = tmp_path / "conclusion.pdf"
    assert print_cli(["conclusion", str(case), "--out", str(out)]) == 0
    assert json.loads(capsys.readouterr().out) == {"written": str(out)}
    assert out.read_bytes().startswith(b"%PDF")


def test_form1_ticks_what_the_engine_derived_from_the_answers():
    """A case that gives the survey act's answers (kinds of impairment, who the person lives with) prints
    the category box and the table's cells as the case that gives the category itself."""
    answers = {k: v for k, v in CHILD.items() if k != "impairment"}
    answers.update(impairments=["intellectual", "motor"])
    derived, direct = _text(conclusion_html(answers)), _text(conclusion_html(CHILD))
    assert "☒ дети-инвалиды с множественными нарушениями развития" in derived
    assert derived.count("☒") == direct.count("☒") == 1
    fill = re.compile(r"Таблица для заполнения Комиссией.*?(?=Методика определения)", re.S)
    assert fill.search(derived).group(0) == fill.search(direct).group(0)
    alone = {k: v for k, v in ELDERLY.items() if k != "lives_alone"}
    alone["lives_by_self"] = True
    assert "☒ граждане пожилого возраста, одиноко проживающие" in _text(conclusion_html(alone))
