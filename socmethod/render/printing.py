"""Printable documents of order 405-р: the Conclusion (Form 1) filled from a case and its result, with the
scales of its Appendix 1 (1.2, 1.3) and the criteria of its Appendix 3; the application (Appendix 1 to the
procedure) pre-filled with the form of service and the circumstances; the provider's conclusion on a
programme's execution (Appendix 5) as a blank template.

HTML comes from data/templates/*.html through `string.Template` (standard library only, so it runs under
Pyodide); every value is HTML-escaped. Names, addresses, dates, signatures and documents are left blank:
the kit never holds personal data. `html_to_pdf` prints through headless Chromium (Python Playwright and
Debian's /usr/bin/chromium); it is the only part that needs more than the standard library.

Line numbers in comments are those of seeds/003_3a3aa5f907c0671e.txt.
"""
from __future__ import annotations

import html
import re
from pathlib import Path
from string import Template

from socmethod.core.errors import KitError
from socmethod.core.resources import data_path

CHROMIUM = "/usr/bin/chromium"
BOX_ON, BOX_OFF = "☒", "☐"
ON_CLASS, HIT_CLASS = ' class="on"', ' class="hit"'

# --- static text of the seed used by the generated parts --------------------------------------------------

# Form 1, the categories a Conclusion names (lines 784-800), with the case that ticks each.
# key: (category, impairment or a sub-case). Elderly sub-lines are ticked from `lives_alone` only (784 when
# lonely, 785 when not); the other elderly lines need facts the case does not carry.
FORM1_CATEGORIES = (
    ("elderly_alone", 784, "граждане пожилого возраста, одиноко проживающие, одиноко проживающие супружеские пары"),
    ("elderly_family", 785, "граждане пожилого возраста, проживающие в семье"),
    ("elderly_care", 786, "граждане пожилого возраста, нуждающиеся по медицинским показаниям в ежедневном постороннем уходе"),
    ("elderly_alarm", 787, "граждане пожилого возраста, частично утратившие способность к самообслуживанию и нуждающиеся "
                           "по медицинским показаниям в специализированных услугах экстренной помощи \"тревожная кнопка\""),
    ("elderly_mental", 788, "граждане пожилого возраста, частично или полностью утратившие способность к "
                            "самообслуживанию, с психическими нарушениями"),
    ("disabled_adult.multiple", 789, "инвалиды трудоспособного возраста с множественными нарушениями развития"),
    ("disabled_adult.physical", 790, "инвалиды трудоспособного возраста с нарушениями физического развития"),
    ("disabled_adult.intellectual", 792, "инвалиды трудоспособного возраста с нарушениями умственного развития"),
    ("disabled_adult.sensory", 793, "инвалиды трудоспособного возраста с сенсорными нарушениями развития"),
    ("disabled_adult.mental", 794, "инвалиды трудоспособного возраста с психическими нарушениями"),
    ("disabled_child.multiple", 795, "дети-инвалиды с множественными нарушениями развития"),
    ("disabled_child.physical", 796, "дети-инвалиды с двигательными нарушениями развития"),
    ("disabled_child.intellectual", 797, "дети-инвалиды с нарушениями умственного развития"),
    ("disabled_child.sensory", 798, "дети-инвалиды с сенсорными нарушениями развития"),
    ("early_childhood", 799, "дети раннего возраста, имеющие проблемы в развитии"),
    ("homeless", 800, "граждане без определенного места жительства"),
)
# The whole group, for «по категории» when no single line is ticked.
CATEGORY_GROUP = {"elderly": "граждане пожилого возраста", "disabled_adult": "инвалиды трудоспособного возраста",
                  "disabled_child": "дети-инвалиды"}

# Scales 1.2 and 1.3 (lines 956-1075): the headings around data/scales.toml's items, levels and bands.
SCALE_TEXT = {
    "self_care": {"heading": "1.2. Оценка способности к самообслуживанию",                      # 956
                  "bands_heading": "Расчет оценки степени выраженности ограничений способности к "
                                   "самообслуживанию (зависимости от посторонней помощи)",          # 980, 1009
                  "bands_column": "Оценка способности к самообслуживанию",                        # 982, 1011
                  "final": "Итоговая оценка способности гражданина к самообслуживанию"},           # 988, 1017
    "mobility": {"heading": "1.3. Оценка способности к самостоятельному передвижению",            # 1019
                 "bands_heading": "Расчет оценки степени выраженности ограничений способности к "
                                  "передвижению (зависимости от посторонней помощи)",             # 1039 (1066: OCR «с»)
                 "bands_column": "Степень ограничения",                                            # 1041, 1069
                 "final": "Итоговая оценка способности гражданина к передвижению"},               # 1047, 1075
}
VARIANT_TEXT = {"adult": "Расчет для инвалидов трудоспособного возраста и граждан пожилого возраста:",  # 958, 1021
                "child": "Расчет для детей-инвалидов (старше 3 лет):"}                               # 990, 1049
POINTS_WORD = ("0 баллов", "1 балл", "2 балла", "3 балла")                                         # 960-966

# Appendix 3 (lines 1116-1188): headings, the columns of tables 3.1 (1122, 1128) and 3.2 (1150, 1154).
CRITERIA_TEXT = {
    "3.1": {"heading": "3.1. Критерии нуждаемости граждан пожилого возраста",                     # 1118
            "columns": {"disability_group": "Группа инвалидности",
                        "self_care": "Оценка способности к самообслуживанию",
                        "mobility": "Оценка способности к передвижению",
                        "medical_indications": "Наличие медицинских показаний",
                        "lives_alone": "Одиночество",
                        "carer_absent": "Временное отсутствие граждан, осуществляющих уход",
                        "family_conflict": "Наличие внутрисемейного конфликта"},
            "fill_marks": {"carer_absent": " <3>"},                                                 # 1122
            "forms_column": "Перечень рекомендуемых форм социального обслуживания с указанием РИПСО",  # 1128
            "footnotes": ("<*> Наличие одного из критериев.",                                       # 1142
                          "<***> Заключение врача-психиатра содержит указание на нуждаемость в получении "
                          "социальных услуг в условиях психоневрологического интерната.",          # 1144
                          "<3> Имеется в виду отсутствие по объективным причинам граждан, осуществляющих уход "
                          "за получателем социальных услуг (болезнь, убытие в командировку, отпуск и т.д.).")},  # 1124
    "3.2": {"heading": "3.2. Критерии нуждаемости инвалидов трудоспособного возраста и детей-инвалидов старше 3 лет",  # 1146
            "columns": {"impairment": "Категория получателя социальных услуг",                     # 1150
                        "disability_group": "Группа инвалидности (для инвалидов трудоспособного возраста)",  # 1150
                        "self_care": "Оценка способности к самообслуживанию",
                        "mobility": "Оценка способности к передвижению",
                        "ipra_social_rehabilitation": "Рекомендации к социальной реабилитации в ИПРА (при наличии): "
                                                      "социально-средовая, социально-психологическая, "
                                                      "социокультурная, социально-бытовая",
                        "medical_indications": "Наличие медицинских показаний",
                        "lonely_or_no_care": "Одиночество или временное отсутствие возможности обеспечения ухода "
                                             "за инвалидом",
                        "family_conflict": "Наличие внутрисемейного конфликта"},
            "fill_marks": {},
            "forms_column": "Перечень рекомендуемых форм социального обслуживания с указанием РИПСО для инвалидов "
                            "трудоспособного возраста, для детей-инвалидов",                      # 1154
            "footnotes": ("<*> Наличие одного из критериев или двух одновременно.",                # 1175
                          "<***> Заключение врача-психиатра может содержать указание на нуждаемость в получении "
                          "социальных услуг в условиях психоневрологического интерната или дома-интерната "
                          "общего типа.",                                                          # 1177
                          "<***> Заключение врача-психиатра содержит указание на нуждаемость в получении "
                          "социальных услуг в условиях психоневрологического интерната.")},       # 1179
    "3.3": {"heading": "3.3. Критерии нуждаемости для детей раннего возраста, имеющих проблемы в развитии",  # 1181
            "columns": ("№ п/п", "Критерий нуждаемости", "Отметка о нуждаемости")},               # 1183
}
FILL_TABLE = "Таблица для заполнения Комиссией на основании оценки условий жизнедеятельности гражданина:"  # 1120, 1148
METHOD_TABLE = "Методика определения рекомендуемой формы социального обслуживания и РИПСО"          # 1126, 1152
SECTION_3 = "3. КРИТЕРИИ НУЖДАЕМОСТИ ГРАЖДАНИНА В ПРЕДОСТАВЛЕНИИ СОЦИАЛЬНЫХ УСЛУГ"                   # 1116
IMPAIRMENT_TEXT = {"multiple": "с множественными нарушениями развития",                           # 1155-1158
                   "physical": "с нарушениями физического развития",                              # 1161
                   "intellectual": "с нарушениями умственного развития",                          # 1165
                   "sensory": "с сенсорными нарушениями развития",                                # 1171
                   "mental": "с нарушениями психического развития"}                               # 1173
RIPSO_CONDITION_TEXT = {"social_housing_flat": "при проживании в квартире социального назначения",  # 1165
                        "needs_social_labour_rehab": "при нуждаемости в социально-трудовой реабилитации"}  # 1168

# Circumstances of the application: Appendix 2 to the Conclusion, Form 1 (lines 1090-1099), as written
# (footnote markers <1>, <2> left out; lines 1092-1094 are one cell split by the OCR).
CIRCUMSTANCES = {
    "self_care_loss": (1090, "Полная или частичная утрата способности либо возможности осуществлять "
                             "самообслуживание, самостоятельно передвигаться, обеспечивать основные жизненные "
                             "потребности в силу заболевания, травмы, возраста или наличия инвалидности"),
    "disabled_in_family": (1091, "Наличие в семье инвалида или инвалидов, в том числе ребенка-инвалида или "
                                 "детей-инвалидов, нуждающихся в постоянном постороннем уходе"),
    "no_care": (1092, "Отсутствие возможности обеспечения ухода (в том числе временного) за инвалидом, ребенком, "
                      "детьми, а также отсутствие попечения над ними"),
    "family_conflict": (1095, "Наличие внутрисемейного конфликта, в том числе с лицами с наркотической или "
                              "алкогольной зависимостью, лицами, имеющими пристрастие к азартным играм, лицами, "
                              "страдающими психическими расстройствами, наличие насилия в семье (для граждан "
                              "пожилого возраста)"),
    "homeless": (1096, "Отсутствие определенного места жительства, в том числе у лица, не достигшего возраста "
                       "двадцати трех лет и завершившего пребывание в организации для детей-сирот и детей, "
                       "оставшихся без попечения родителей"),
    "early_help": (1098, "Нуждаемость в предоставлении услуг ранней помощи (для детей раннего возраста, имеющих "
                         "проблемы в развитии)"),
    "rehabilitation": (1099, "Нуждаемость в предоставлении реабилитационных услуг (для инвалидов "
                             "трудоспособного возраста)"),
}
_CODE_LIKE = re.compile(r"^[a-z][a-z0-9_]*$")

VALUE_TEXT = {True: "да", False: "нет", None: "не указано", "none": "нет",
              "psychoneurological": "психоневрологический интернат", "general": "дом-интернат общего типа"}


# --- rendering --------------------------------------------------------------------------------------------

def _e(value) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _render(name: str, drop: tuple[str, ...] = (), **values: str) -> str:
    """Fill data/templates/`name` (string.Template; every placeholder must be given) with the print CSS
    inlined. `drop`: blocks between <!-- NAME --> and <!-- /NAME --> to leave out."""
    text = data_path("templates", name).read_text(encoding="utf-8")
    for block in drop:
        text = re.sub(rf"<!-- {block} -->.*?<!-- /{block} -->", "", text, flags=re.S)
    css = data_path("templates", "print.css").read_text(encoding="utf-8")
    return Template(text).substitute(css=css, **values)


_VOWELS = set("аеёиоуыэюяАЕЁИОУЫЭЮЯ")
_WORD = re.compile(r"[А-Яа-яЁё]{12,}")


def _soft_hyphens(text: str) -> str:
    """Break opportunities (U+00AD) in long Russian words, so narrow table headers wrap instead of
    overflowing (Chromium has no Russian hyphenation on Linux). A rough rule: after a vowel followed by a
    consonant and a vowel, at least three letters from either end."""
    def split(m):
        w = m.group(0)
        out = []
        for i, ch in enumerate(w):
            out.append(ch)
            if (3 <= i + 1 <= len(w) - 3 and ch in _VOWELS and w[i + 1] not in _VOWELS
                    and w[i + 1] not in "йьъ" and i + 2 < len(w) and w[i + 2] in _VOWELS):
                out.append("\u00ad")
        return "".join(out)
    return _WORD.sub(split, text)


def _points(n: int) -> str:
    if n % 10 == 1 and n % 100 != 11:
        word = "балл"
    elif n % 10 in (2, 3, 4) and n % 100 not in (12, 13, 14):
        word = "балла"
    else:
        word = "баллов"
    return f"{n} {word}"


def _box(on: bool) -> str:
    return f'<span class="box">{BOX_ON if on else BOX_OFF}</span>'


def _kit_footer(lines: list[str]) -> str:
    body = "".join(f"<p>{line}</p>" for line in lines)
    return f'<div class="kit kit-footer">{body}</div>'


KIT_NOTICE = ("Подготовлено комплектом socmethod по описанию случая без персональных данных: фамилия, адрес, "
              "даты, подписи и документы вписываются от руки. Это проект для комиссии бюро, а не решение.")


# --- the Conclusion (Form 1) --------------------------------------------------------------------------------

def conclusion_html(case: dict, result: dict | None = None, *, readings: dict | None = None, rules=None,
                    appendices: bool = True) -> str:
    """The Conclusion (Form 1 of Appendix 3) filled from `case` and its `result` (`socmethod.assess(case)`
    when not given), with the scales 1.2/1.3 of its Appendix 1 and the matched rows of its Appendix 3
    (`appendices=False`: the Form alone). Raises KitError for a case that is refused, or one whose category
    has another form (minor, family)."""
    from socmethod.core.engine import assess, ruleset_of
    ruleset = ruleset_of(rules)
    if not isinstance(case, dict):
        raise KitError("not_an_object", value=type(case).__name__)
    if result is None:
        result = assess(case, readings, ruleset)
    elif "error" in result:
        raise KitError("bad_argument", "result", value=result["error"].get("message", "результат с ошибкой"),
                       allowed="Передайте результат socmethod.assess для этого случая.")
    category = result.get("category") or case.get("category")
    if category in ("minor", "family"):
        form = "2" if category == "minor" else "3"
        raise KitError("bad_argument", "category", value=f"{category}: заключение по форме 1 не составляется",
                       allowed=f"Форма 1 — для граждан пожилого возраста, инвалидов (детей-инвалидов), детей "
                               f"раннего возраста и граждан без определенного места жительства; для этой категории "
                               f"заключение составляется по форме {form} (405-р, приложение 3).")
    if category not in ruleset.categories:
        raise KitError("bad_value", "category", value=category, allowed=list(ruleset.categories))

    ticked = _ticked_categories(case, category)
    category_list = "\n".join(
        f'<li{ON_CLASS if key in ticked else ""}>{_box(key in ticked)} {_e(text)}</li>'
        for key, _line, text in FORM1_CATEGORIES)
    if len(ticked) == 1:
        category_text = next(text for key, _l, text in FORM1_CATEGORIES if key in ticked)
    else:
        category_text = CATEGORY_GROUP.get(category, ruleset.categories[category].get("label", ""))

    recs = result.get("recommendations", [])
    forms = list(dict.fromkeys(r["form"] for r in recs))
    recommended_forms = "; ".join(ruleset.forms.get(f, f) for f in forms)
    ripso_numbers = "; ".join(
        ", ".join(str(n) for n in _numbers_of(recs, f)) + (f" ({ruleset.forms.get(f, f)})" if len(forms) > 1 else "")
        for f in forms)
    notes = []
    if len(forms) > 1 or len(recs) > 1:
        notes.append("Критериям отвечают несколько строк таблицы (см. приложение N 3): гражданин выбирает форму "
                     "обслуживания из рекомендованных, комиссия оставляет выбранную форму и номер РИПСО.")
    early = result.get("early_help")
    if early and early.get("verdict") in ("needed", "not_needed"):
        held = ", ".join(str(c["criterion"]) for c in early.get("criteria", []))
        verdict = (f"есть (критерии {held}); номеров РИПСО таблица 3.3 не содержит."
                   if early["verdict"] == "needed" else "по указанным критериям не установлена.")
        notes.append("Нуждаемость в услугах ранней помощи по таблице 3.3: " + verdict)
    elif early and early.get("reason"):
        notes.append(early["reason"])
    has_decision_table = any(ruleset.tables[t].kind == "decision"
                             for t in ruleset.categories[category].get("tables", []))
    if not recs and result.get("note"):
        notes.append(result["note"])
    elif not recs and has_decision_table:
        notes.append("Ни одна строка таблицы критериев не совпала с оценкой: форму обслуживания и РИПСО "
                     "определяет комиссия.")
    if result.get("depends_on"):
        notes.append("Часть строк зависит от ответов, не указанных в случае (см. приложение N 3, «при условии»).")
    recommendation_note = "".join(f'<p class="kit kit-note">{_e(n)}</p>' for n in notes)

    values = {
        "category_list": category_list,
        "self_care_assessment": _e(_assessment(result.get("self_care"))),
        "mobility_assessment": _e(_assessment(result.get("mobility"))),
        "recommended_forms": _e(recommended_forms),
        "category_text": _e(category_text),
        "ripso_numbers": _e(ripso_numbers),
        "recommendation_note": recommendation_note,
        "scales": _scales_html(case, result, ruleset, category),
        "criteria": _criteria_html(case, result, ruleset, category),
        "kit_footer": _conclusion_footer(result, ruleset),
    }
    return _render("conclusion_form1.html", drop=() if appendices else ("appendices",), **values)


def _ticked_categories(case: dict, category: str) -> set[str]:
    impairment = case.get("impairment")
    if category == "elderly":
        alone = case.get("lives_alone")
        return {"elderly_alone"} if alone is True else {"elderly_family"} if alone is False else set()
    if category in ("disabled_adult", "disabled_child"):
        return {f"{category}.{impairment}"} & {k for k, _l, _t in FORM1_CATEGORIES}
    if category in ("early_childhood", "homeless"):
        return {category}
    return set()


def _numbers_of(recs: list[dict], form: str) -> list[int]:
    return list(dict.fromkeys(n for r in recs if r["form"] == form for n in r["ripso"]))


def _assessment(sc: dict | None) -> str:
    if not sc:
        return ""
    return f"{sc['degree']} — {sc['band']} ({_points(sc['points'])} из {sc['max_points']})"


def _scales_html(case: dict, result: dict, ruleset, category: str) -> str:
    from socmethod.core.scales import scale
    variant = ruleset.categories[category].get("scales")
    if category == "early_childhood":
        return ('<p class="kit kit-note">Для детей раннего возраста оценка по шкалам пп. 1.2 и 1.3 не проводится: '
                'нуждаемость определяется по критериям таблицы 3.3 (приложение N 3).</p>')
    blank_variant = variant is None          # e.g. homeless: the commission scores on paper
    variant = variant or "adult"
    parts = ['<div class="scales">']
    for name in ("self_care", "mobility"):
        sc = scale(name, variant)
        text = SCALE_TEXT[name]
        scores = case.get(name) if isinstance(case.get(name), dict) and not blank_variant else {}
        res = None if blank_variant else result.get(name)
        levels = "".join(f"<p>{_e(POINTS_WORD[i])} - {_e(level)};</p>" for i, level in enumerate(sc.levels))
        rows = "".join(
            f'<tr><td>{_e(item["text"])}</td><td class="num">{_e(scores.get(item["key"], ""))}</td></tr>'
            for item in sc.items)
        total = _e(res["points"]) if res else ""
        bands = "".join(
            f'<tr{HIT_CLASS if res and res["degree"] == b.degree else ""}>'
            f'<td class="num">{b.low if b.low == b.high else f"{b.low}-{b.high}"}</td>'
            f'<td>{b.degree} {_e(b.text)}</td></tr>' for b in sc.bands)
        final = f"{res['degree']} — {res['band']}" if res else ""
        parts.append(
            f'<div class="scale" data-scale="{name}">'
            f'<h3>{_e(text["heading"])}</h3>'
            f'<p class="variant">{_e(VARIANT_TEXT[variant])}</p>'
            f'<div class="levels">{levels}</div>'
            f'<table class="grid items"><tr><th>Параметры оценки</th><th class="num">Баллы</th></tr>{rows}'
            f'<tr class="total"><td>ИТОГО (баллов)</td><td class="num">{total}</td></tr></table>'
            f'<p class="bands-heading">{_e(text["bands_heading"])}</p>'
            f'<table class="grid bands"><tr><th class="num">Количество баллов</th><th>{_e(text["bands_column"])}</th>'
            f'</tr>{bands}</table>'
            f'<p class="final">{_e(text["final"])} <span class="blank l fill">{_e(final)}</span>.</p>'
            f'</div>')
    parts.append("</div>")
    if blank_variant:
        parts.append('<p class="kit kit-note">Для этой категории в методике нет таблицы критериев; шкалы '
                     'приведены для заполнения комиссией.</p>')
    return "".join(parts)


def _cell_text(cell, column_spec: dict) -> str:
    """A criterion cell as the seed writes it: values (нет for none), or V with its footnote marker."""
    if column_spec["kind"] == "set":
        if column_spec["field"] == "impairment":
            return ", ".join(IMPAIRMENT_TEXT.get(v, str(v)) for v in cell.values)
        return ", ".join(VALUE_TEXT.get(v, str(v)) if v == "none" else str(v) for v in cell.values)
    return cell.raw


def _case_cell(column_spec: dict, case: dict, result: dict, category: str) -> str:
    """The case's own value in a column of the table to be filled by the commission."""
    if column_spec["kind"] == "set":
        field = column_spec["field"]
        if column_spec.get("categories") and category not in column_spec["categories"]:
            return "—"
        if field in ("self_care", "mobility"):
            sc = result.get(field)
            return str(sc["degree"]) if sc else "?"
        value = case.get(field)
        if field == "impairment":
            return IMPAIRMENT_TEXT.get(value, "?")
        return "?" if value is None else VALUE_TEXT.get(value, str(value)) if value == "none" else str(value)
    values = [case.get(f) for f in column_spec["fields"]]
    if True in values:
        return "V"
    return "?" if None in values else ""


def _criteria_html(case: dict, result: dict, ruleset, category: str) -> str:
    cat = ruleset.categories[category]
    table_ids = [t for t in list(cat.get("tables", [])) + list(cat.get("optional_tables", []))
                 if ruleset.tables[t].kind == "decision"]
    parts = []
    readings = result.get("readings") or ruleset.default_readings()
    for tid in table_ids:
        table = ruleset.tables[tid]
        text = CRITERIA_TEXT.get(tid)
        if text is None:   # a rule set with other tables: print its own labels
            text = {"heading": table.title, "columns": {c: s["label"] for c, s in table.columns.items()},
                    "fill_marks": {}, "forms_column": "Перечень рекомендуемых форм социального обслуживания "
                                                      "с указанием РИПСО", "footnotes": ()}
        columns = [(c, s) for c, s in table.columns.items()]
        head = "".join(f"<th>{_e(_soft_hyphens(text['columns'].get(c, s['label'])))}</th>" for c, s in columns)
        fill_head = "".join(
            f"<th>{_e(_soft_hyphens(text['columns'].get(c, s['label']) + text['fill_marks'].get(c, '')))}</th>"
            for c, s in columns)
        fill_row = "".join(f'<td class="c">{_e(_case_cell(s, case, result, category))}</td>' for c, s in columns)
        parts.append(f"<h3>{_e(text['heading'])}</h3>")
        parts.append(f"<p>{_e(FILL_TABLE)}</p>")
        parts.append(f'<table class="grid small fill">{_colgroup(columns, False)}'
                     f"<tr>{fill_head}</tr><tr>{fill_row}</tr></table>")
        if "?" in fill_row:
            parts.append('<p class="kit kit-note">? — в описании случая не указано; отмечает комиссия.</p>')
        parts.append(f"<p>{_e(METHOD_TABLE)}</p>")
        body = []
        entries = [(r, None) for r in result.get("recommendations", []) if r.get("table") == tid]
        entries += [(d, d.get("when")) for d in result.get("depends_on", []) if d.get("table") == tid]
        caveats = []
        for entry, when in entries:
            row = _find_row(table, entry["rule"], readings)
            if row is not None:
                cells = "".join(f'<td class="c">{_e(_cell_text(row.cells[c], s))}</td>' for c, s in columns)
            else:
                cells = "".join('<td class="c"></td>' for _ in columns)
            forms_cell = _e(_form_with_numbers(entry, row, ruleset, category))
            if when:
                cond = ", ".join(f"{ruleset.fields.get(k, {}).get('label', k)} — {VALUE_TEXT.get(v, v)}"
                                 for k, v in when.items())
                forms_cell += f'<div class="kit">при условии: {_e(cond)}</div>'
            if entry.get("caveat") and entry["caveat"] not in caveats:
                caveats.append(entry["caveat"])
            body.append(f'<tr data-rule="{_e(entry["rule"])}">{cells}<td>{forms_cell}</td></tr>')
        if not body:
            body.append(f'<tr><td colspan="{len(columns) + 1}" class="kit">Ни одна строка таблицы не совпала с '
                        f'оценкой.</td></tr>')
        forms_head = f'<th class="forms">{_e(_soft_hyphens(text["forms_column"]))}</th>'
        parts.append(f'<table class="grid small method">{_colgroup(columns, True)}<tr>{head}{forms_head}</tr>'
                     f'{"".join(body)}</table>')
        parts.extend(f'<p class="kit kit-note">{_e(c)}</p>' for c in caveats)
        if text["footnotes"]:
            parts.append('<div class="note">' + "".join(f"<p>{_e(f)}</p>" for f in text["footnotes"]) + "</div>")
    early = result.get("early_help")
    if early is not None:
        parts.append(_early_help_html(early, ruleset))
    if not parts:
        note = result.get("note") or "Для этой категории в методике нет таблицы критериев."
        parts.append(f'<p class="kit kit-note">{_e(note)}</p>')
    elif result.get("note"):
        parts.append(f'<p class="kit kit-note">{_e(result["note"])}</p>')
    return "".join(parts)


COLUMN_WEIGHT = {"impairment": 2.0, "ipra_social_rehabilitation": 1.7, "lonely_or_no_care": 1.4,
                 "carer_absent": 1.4, "family_conflict": 1.3, "medical_indications": 1.2}
FORMS_WEIGHT = 3.4


def _colgroup(columns: list, with_forms: bool) -> str:
    """Relative column widths: the form-and-РИПСО column and the long-worded criteria get more room."""
    weights = [COLUMN_WEIGHT.get(c, 1.1) for c, _s in columns] + ([FORMS_WEIGHT] if with_forms else [])
    total = sum(weights)
    return "<colgroup>" + "".join(f'<col style="width:{100 * w / total:.1f}%">' for w in weights) + "</colgroup>"


def _find_row(table, rule_id: str, readings: dict):
    rows = [r for r in table.rows if r.id == rule_id]
    active = [r for r in rows if r.applies_when is None or readings.get(r.applies_when[0]) == r.applies_when[1]]
    return (active or rows or [None])[0]


def _form_with_numbers(entry: dict, row, ruleset, category: str) -> str:
    numbers = list(entry.get("ripso", []))
    conditional = {}
    if row is not None:
        conditional = {n.number: n.condition for n in row.ripso.get(category, ()) if n.condition}
    shown = []
    for n in numbers:
        cond = conditional.get(n)
        shown.append(f"N {n}" + (f" ({RIPSO_CONDITION_TEXT.get(cond, cond)})" if cond else ""))
    form = ruleset.forms.get(entry["form"], entry["form"])
    if not shown:
        return form
    # The seed writes «на дому (N 1)» (3.1) and «на дому N 23, N 30 (при …)» (3.2).
    return f"{form} {', '.join(shown)}" if any(conditional.get(n) for n in numbers) else f"{form} ({', '.join(shown)})"


def _early_help_html(early: dict, ruleset) -> str:
    table = ruleset.tables.get(early.get("table", "3.3"))
    text = CRITERIA_TEXT["3.3"]
    held = {c["criterion"] for c in early.get("criteria", [])}
    rows = "".join(f'<tr><td class="num">{r.criterion}.</td><td>{_e(r.text)}</td>'
                   f'<td class="c">{"V" if r.criterion in held else ""}</td></tr>' for r in table.rows)
    head = "".join(f"<th>{_e(h)}</th>" for h in text["columns"])
    out = f'<h3>{_e(text["heading"])}</h3><table class="grid small early"><tr>{head}</tr>{rows}</table>'
    if early.get("reason"):
        out += f'<p class="kit kit-note">{_e(early["reason"])}</p>'
    return out


def _conclusion_footer(result: dict, ruleset) -> str:
    rs = result.get("rule_set") or ruleset.info()
    readings = result.get("readings") or {}
    defaults = ruleset.default_readings()
    shown = ", ".join(f"{k} = {v}" + ("" if defaults.get(k) == v else " (не по умолчанию)")
                      for k, v in readings.items())
    rows = [f"{r['rule']} (стр. {r['seed_line']})" for r in result.get("recommendations", [])]
    lines = [_e(KIT_NOTICE),
             _e(f"Набор правил {rs.get('name', '')} (с {rs.get('effective_date', '')}), хэш {rs.get('hash', '')}."),
             _e(f"Прочтения неясных мест методики: {shown or 'по умолчанию'}."),
             _e("Совпавшие строки таблиц: " + (", ".join(rows) if rows else "нет") + ".")]
    return _kit_footer(lines)


# --- the application (Appendix 1) and the provider's conclusion (Appendix 5) --------------------------------

def application_html(forms: list[str], circumstances: list[str]) -> str:
    """The application for social services (Appendix 1, form of order 159н) with the form(s) of service and
    the circumstances filled in; everything personal is left blank. `forms`: codes of the rule set's forms
    (home, day_care_up_to_4h, …); `circumstances`: codes of CIRCUMSTANCES (Appendix 2 to Form 1) or the
    applicant's own words (any text that is not a lower-case code)."""
    from socmethod.core.ruleset import bundled_ruleset
    known_forms = bundled_ruleset().forms
    form_names = []
    for f in forms or []:
        if f not in known_forms:
            raise KitError("bad_value", "form", value=f, allowed=list(known_forms))
        form_names.append(known_forms[f])
    texts = []
    for c in circumstances or []:
        if not isinstance(c, str) or not c.strip():
            raise KitError("bad_value", "circumstance", value=c, allowed=list(CIRCUMSTANCES) + ["или текст обстоятельства"])
        c = c.strip()
        if c in CIRCUMSTANCES:
            texts.append(CIRCUMSTANCES[c][1])
        elif _CODE_LIKE.match(c):
            raise KitError("bad_value", "circumstance", value=c, allowed=list(CIRCUMSTANCES) + ["или текст обстоятельства"])
        else:
            texts.append(c)
    lines = [f'<div class="line">{_e(t)}{";" if i < len(texts) - 1 else "."}</div>' for i, t in enumerate(texts)]
    if not lines:
        lines = ['<div class="line pd"></div>', '<div class="line pd"></div>']
    return _render("application.html", forms_fill=_e(", ".join(form_names)), circumstances_fill="\n".join(lines),
                   kit_footer="")


def provider_conclusion_html() -> str:
    """The provider's conclusion on the execution of an individual programme (Appendix 5), blank."""
    return _render("provider_conclusion.html", kit_footer="")


# --- PDF ----------------------------------------------------------------------------------------------------

def html_to_pdf(html_text: str, pdf_path: str, *, executable_path: str = CHROMIUM) -> None:
    """Print `html_text` to an A4 PDF through headless Chromium (Python Playwright, the system browser;
    Playwright's own browser downloads are never used)."""
    if not Path(executable_path).exists():
        raise KitError("bad_argument", "--out", value=f"PDF не создан: не найден браузер Chromium ({executable_path})",
                       allowed="Установите его (apt-get install chromium) или сохраните документ в HTML "
                               "(--out ФАЙЛ.html) и напечатайте его из браузера.")
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise KitError("bad_argument", "--out", value="PDF не создан: не установлен Python-пакет playwright",
                       allowed="Установите его (pip install playwright; браузер не скачивайте, используется "
                               "системный Chromium) или сохраните документ в HTML (--out ФАЙЛ.html).") from None
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=executable_path,
                                        args=["--headless", "--no-sandbox", "--disable-gpu"])
            try:
                page = browser.new_page()
                page.set_content(html_text, wait_until="load")
                page.pdf(path=str(pdf_path), format="A4", print_background=True, prefer_css_page_size=True)
            finally:
                browser.close()
    except PlaywrightError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise KitError("bad_argument", "--out", value=f"PDF не создан: Chromium сообщил об ошибке ({first})",
                       allowed="Проверьте, что Chromium запускается (chromium --headless --version), или "
                               "сохраните документ в HTML (--out ФАЙЛ.html).") from None


# --- command line -------------------------------------------------------------------------------------------


def write_document(html_text: str, out: str) -> str:
    """Write `html_text` to `out`: .html as is, .pdf through Chromium. Returns the path written."""
    suffix = Path(out).suffix.lower()
    if suffix not in (".html", ".htm", ".pdf"):
        raise KitError("bad_argument", "--out", value=out, allowed="Укажите файл с расширением .html или .pdf.")
    parent = Path(out).parent
    if not parent.is_dir():
        raise KitError("bad_argument", "--out", value=f"нет каталога {parent}", allowed="Укажите существующий каталог.")
    if suffix == ".pdf":
        html_to_pdf(html_text, out)
    else:
        try:
            Path(out).write_text(html_text, encoding="utf-8")
        except OSError as exc:
            raise KitError("bad_argument", "--out", value=exc.strerror or str(exc),
                           allowed="Проверьте путь и права на запись.") from None
    return out
