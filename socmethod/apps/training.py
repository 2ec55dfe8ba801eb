"""The training kit: the logic and the widget pages behind notebooks/training_*.ipynb.

Three layers, so that tests and notebooks drive the same code a click does:

* pure functions that return data or HTML fragments (scale bands, table rows with their status for a
  profile, the comparison of a trainee's answer with the reference, the route of a case, aggregation);
* `Session`: one trainee's pass through the cases a trainer chose, results kept per item and per case and
  written to an anonymous CSV file ("Слушатель N") after every answer;
* widget pages (`MethodExplorer`, `PracticeView`, `RouteView`, `TrainerView`) that arrange ipywidgets
  around them for Jupyter and Voila.

Where files go: a trainer's session plan and the trainees' CSV files live in one results folder
(`training_results/` at the top of a source checkout, or SOCMETHOD_TRAINING_RESULTS). In a classroom every
trainee's page runs in its own kernel on the trainer's machine, so all of them write into that folder and
the trainer page reads it. Nobody's name is asked for or stored: trainees are numbered.
"""
from __future__ import annotations

import base64
import csv
import html
import io
import json
import os
import re
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path

from socmethod.core.engine import assess, compiled_tables, evaluate_profile
from socmethod.core.errors import KitError
from socmethod.core.ruleset import bundled_ruleset
from socmethod.core.scales import SCALE_NAMES, scale, scales
from socmethod.core.wording import date_ru
from socmethod.io.casebank import (
    DIFFICULTIES,
    DIFFICULTY_LABELS,
    TAG_LABELS,
    BankCase,
    bundled_case_bank,
    case_by_id,
    rules_in_bank,
    select_cases,
)

# --- words -------------------------------------------------------------------------------------------------

SCALE_SHORT = {"self_care": "Самообслуживание", "mobility": "Передвижение"}
VARIANT_LABELS = {"adult": "граждане пожилого возраста и инвалиды трудоспособного возраста",
                  "child": "дети-инвалиды старше 3 лет"}
# The seed's own names of the kinds of impairment (405-р, табл. 3.2, стр. 1155-1173).
IMPAIRMENT_LABELS = {"multiple": "множественные нарушения развития", "physical": "нарушения физического развития",
                     "intellectual": "нарушения умственного развития", "sensory": "сенсорные нарушения развития",
                     "mental": "нарушения психического развития"}
PSYCHIATRIST_LABELS = {"none": "нет заключения", "psychoneurological": "ПНИ (психоневрологический интернат)",
                       "general": "дом-интернат общего типа"}
GROUP_LABELS = {"none": "нет", "I": "I группа", "II": "II группа", "III": "III группа"}
FLAG_FIELDS = ("medical_indications", "lives_alone", "carer_absent", "family_conflict", "ipra_social_rehabilitation")
CONDITION_FIELDS = ("social_housing_flat", "needs_social_labour_rehab")
TABLE_CATEGORIES = ("elderly", "disabled_adult", "disabled_child")
NO_FORM = "none"
MINUTES_PER_CASE = 5          # what a case took in trial sessions: reading, scoring 8-13 items, the table
AUTO_SELECT = 6               # a filter that leaves this many cases or fewer selects them all

STYLE = """<style>
.tr-page .widget-html-content { white-space: normal; line-height: 1.45; font-size: 15px; }
.tr-page .widget-checkbox { height: auto !important; width: auto !important; }
.tr-page .widget-checkbox label.widget-label-basic { white-space: normal !important; height: auto !important;
  display: flex !important; align-items: flex-start; gap: 6px; }
.tr-story { background: #f6f8fa; border-left: 4px solid #5b7fa6; padding: 6px 12px; margin: 6px 0; }
.tr-ok { color: #176b2c; } .tr-bad { color: #a00000; } .tr-muted { color: #666; }
.tr-error { color: #a00000; font-weight: bold; }
.tr-verdict-ok { background: #e7f6ea; border-left: 5px solid #2e8b47; padding: 4px 12px; }
.tr-verdict-bad { background: #fdecec; border-left: 5px solid #b00020; padding: 4px 12px; }
table.tr-table { border-collapse: collapse; font-size: 13px; margin: 6px 0; }
table.tr-table th, table.tr-table td { border: 1px solid #ccc; padding: 3px 6px; vertical-align: top;
  text-align: left !important; }
table.tr-table th { background: #eef1f4; }
tr.tr-match td { background: #d9f2de; } tr.tr-near td { background: #fff1c9; }
tr.tr-depends td { background: #e3edfb; } tr.tr-na td, tr.tr-other td { color: #999; }
td.tr-cell-ok { font-weight: bold; } td.tr-cell-fail { color: #a00000; font-weight: bold; text-decoration: underline; }
tr.tr-current td { background: #d9f2de; font-weight: bold; }
.tr-bars { margin: 6px 0; } .tr-bar-row { display: flex; align-items: center; gap: 8px; margin: 2px 0; font-size: 13px; }
.tr-bar-label { flex: 0 0 22em; text-align: right; }
.tr-bar-track { flex: 1 1 auto; background: #eee; height: 14px; min-width: 8em; max-width: 30em; }
.tr-bar { background: #c0392b; height: 14px; } .tr-bar-n { flex: 0 0 6em; }
.tr-days { display: flex; flex-wrap: wrap; gap: 3px; margin: 6px 0; }
.tr-day { width: 5.2em; border: 1px solid #ccc; padding: 2px; font-size: 12px; text-align: center; }
.tr-day-off { background: #eee; color: #888; } .tr-day-mark { border: 2px solid #2e5c8a; background: #e3edfb; }
.tr-step { border-left: 4px solid #5b7fa6; padding: 2px 10px; margin: 6px 0; }
</style>"""


def _e(text) -> str:
    return html.escape(str(text))


def _ripso_text(numbers) -> str:
    return ", ".join(f"N {n}" for n in numbers) if numbers else "номер не указан"


def value_text(field_name: str, value) -> str:
    """A case value in the seed's words: да/нет, group, kind of impairment, degree."""
    if value is None:
        return "неизвестно"
    if value is True:
        return "да"
    if value is False:
        return "нет"
    if field_name == "disability_group":
        return GROUP_LABELS.get(value, str(value))
    if field_name == "impairment":
        return IMPAIRMENT_LABELS.get(value, str(value))
    if field_name == "psychiatrist_recommends":
        return PSYCHIATRIST_LABELS.get(value, str(value))
    if field_name in SCALE_NAMES:
        return f"степень {value}"
    if field_name == "category":
        return bundled_ruleset().categories[value]["label"]
    if field_name == "early_help_criteria":
        return ", ".join(f"критерий {n}" for n in value) if value else "нет"
    if field_name == "age_months":
        return f"{value} мес."
    return str(value)


def _needs_text(field_name: str, needs: list) -> str:
    return " или ".join(value_text(field_name, v) for v in needs)


def item_short(text: str) -> str:
    """An item's name up to its first comma or bracket: the seed's items are long sentences."""
    return re.split(r" \(|, ", text, maxsplit=1)[0]


# --- 1. the method: scales, bands and tables ----------------------------------------------------------------

def band_of(name: str, variant: str, points: int) -> dict:
    sc = scale(name, variant)
    b = sc.band(points)
    return {"points": points, "max_points": sc.max_points, "degree": b.degree, "text": b.text,
            "seed_line": b.seed_line, "low": b.low, "high": b.high}


def scales_overview_html() -> str:
    """Every scale of the survey act: what it measures, its items, the four answer levels and the bands."""
    parts = []
    for (name, variant), sc in scales().items():
        items = "".join(f"<li>{_e(i['text'])} <small class='tr-muted'>(стр. {i['seed_line']})</small></li>"
                        for i in sc.items)
        levels = "".join(f"<tr><td>{n}</td><td>{_e(text)}</td></tr>" for n, text in enumerate(sc.levels))
        bands = "".join(f"<tr><td>{b.low}–{b.high}</td><td>{b.degree}</td><td>{_e(b.text)}</td>"
                        f"<td>стр. {b.seed_line}</td></tr>" for b in sc.bands)
        parts.append(
            f"<h3>{_e(sc.title)}</h3><p><small>{_e(sc.source)}, стр. {sc.seed_line}</small></p>"
            f"<p>Пункты ({len(sc.items)}):</p><ol>{items}</ol>"
            f"<table class='tr-table'><tr><th>Баллы за пункт</th><th>Что это значит (текст методики)</th></tr>{levels}</table>"
            f"<table class='tr-table'><tr><th>Сумма баллов</th><th>Степень</th><th>Формулировка</th><th>Источник</th></tr>"
            f"{bands}</table>")
    return STYLE + "".join(parts)


def bands_strip_html(name: str, variant: str, points: int) -> str:
    """The bands of one scale with the band of `points` highlighted."""
    sc = scale(name, variant)
    rows = "".join(
        f"<tr class='{'tr-current' if b.low <= points <= b.high else ''}'><td>{b.low}–{b.high}</td>"
        f"<td>степень {b.degree}</td><td>{_e(b.text)}</td><td>стр. {b.seed_line}</td></tr>" for b in sc.bands)
    return f"<table class='tr-table'>{rows}</table>"


def tables_overview_html() -> str:
    """What the decision tables are, with their columns, forms and the readings of the unclear places."""
    rs = bundled_ruleset()
    parts = ["<p>Каждая строка таблицы — набор критериев и <b>форма социального обслуживания</b> с номером "
             "<b>РИПСО</b> (рекомендуемой индивидуальной программы). Подходят все строки, критерии которых "
             "выполнены, поэтому результат — <b>список</b> форм, из которого выбирает гражданин. Пустая ячейка "
             "по умолчанию значит «не проверяется».</p>"]
    for table in rs.tables.values():
        if table.kind != "decision":
            continue
        cols = "".join(f"<li>{_e(c['label'])}</li>" for c in table.columns.values())
        markers = "".join(f"<li><code>{_e(m)}</code> — {_e(spec['text'])} (стр. {spec['seed_line']})</li>"
                          for m, spec in table.markers.items())
        parts.append(f"<h3>{_e(table.title)}</h3><p><small>405-р, прил. 3 к Заключению, стр. {table.seed_line}; "
                     f"строк: {len(table.rows)}</small></p><p>Столбцы критериев:</p><ul>{cols}</ul>"
                     f"<p>Сноски:</p><ul>{markers}</ul>")
    forms = "".join(f"<li>{_e(v)}</li>" for v in rs.forms.values())
    parts.append(f"<h3>Формы социального обслуживания</h3><ul>{forms}</ul>")
    readings = "".join(f"<li><b>{_e(spec['title'])}</b> (стр. {spec['seed_line']}): по умолчанию — "
                       f"{_e(spec['options'][spec['default']]['text'])}.</li>" for spec in rs.readings.values())
    parts.append("<h3>Неясные места текста</h3><p>Текст методики распознан с повреждениями; где ячейку можно "
                 f"прочесть по-разному, комплект выбирает прочтение и называет его:</p><ul>{readings}</ul>")
    return STYLE + "".join(parts)


def row_statuses(profile: dict, readings: dict | None = None) -> list[dict]:
    """Every row of the decision table(s) of the profile's category under `readings`, with its status:
    match (all criteria hold), depends (holds for some answer to an unknown), near (fails by one column,
    as the engine's near misses), no, other (another kind of impairment) or na (no РИПСО number for the
    category). `cells` maps each table column to True/False/None (criterion holds / fails / not checked
    or unknown)."""
    rs = bundled_ruleset()
    readings = rs.resolve_readings(readings)
    category = profile["category"]
    result = evaluate_profile(profile, rs, readings)
    matched = {r["rule"] for r in result["recommendations"]}
    depends = {d["rule"] for d in result["depends_on"]}
    near = {m["rule"]: m for m in result["near_misses"]}
    compiled = {crow.row.id: crow for ct in compiled_tables(rs, readings, category) for crow in ct.rows}
    out = []
    for table_id in rs.categories[category].get("tables", []):
        table = rs.tables[table_id]
        if table.kind != "decision":
            continue
        for row in table.rows:
            if not row.active(readings):
                continue
            crow = compiled.get(row.id)
            cells: dict[str, bool | None] = {}
            failed = []
            if crow is not None:
                for c in crow.criteria:
                    holds = c.holds(profile)
                    # A footnote criterion (<***>) belongs to the cell that carries the footnote.
                    columns = [col for col in c.column.split("|") if col in table.columns] or \
                        [col for col, cell in row.cells.items() if cell.marker and
                         table.markers.get(cell.marker, {}).get("field") == c.column]
                    for col in columns:
                        prev = cells.get(col, True)
                        cells[col] = False if (holds is False or prev is False) else (None if holds is None else prev)
                    if holds is False:
                        failed.append(c.describe(profile))
            impairment_cell = row.cells.get("impairment")
            if crow is None:
                status = "na"
            elif row.id in matched:
                status = "match"
            elif row.id in depends:
                status = "depends"
            elif row.id in near:
                status = "near"
            elif impairment_cell is not None and impairment_cell.values and \
                    profile.get("impairment") not in impairment_cell.values:
                status = "other"
            else:
                status = "no"
            numbers = [n.number for n in (row.ripso.get(category) or ())]
            out.append({"rule": row.id, "table": table_id, "seed_line": row.seed_line, "form": row.form,
                        "ripso": numbers, "status": status, "cells": cells, "failed": failed, "row": row})
    return out


STATUS_LABELS = {"match": "подходит", "depends": "зависит от неизвестного", "near": "почти (не хватает одного)",
                 "no": "не подходит", "other": "другой вид нарушений", "na": "нет номера для категории"}


def _cell_display(row, column: str, spec: dict, category: str) -> str:
    cell = row.cells[column]
    if spec.get("categories") and category not in spec["categories"]:
        return "—"
    if spec["kind"] == "set":
        return ", ".join(value_text(spec["field"], v) if spec["field"] in ("impairment", "disability_group") else str(v)
                         for v in cell.values)
    return cell.raw


def decision_table_html(profile: dict, readings: dict | None = None, only_impairment: bool = False) -> str:
    """The category's table(s) as rows lit up for `profile`: green matches, yellow near misses (the
    failing cell underlined), blue rows that depend on an unknown answer."""
    rs = bundled_ruleset()
    category = profile["category"]
    statuses = row_statuses(profile, readings)
    if not statuses:
        note = rs.categories[category].get("note", "Для этой категории в методике нет таблицы критериев.")
        return f"<p>{_e(note)}</p>"
    parts = []
    for table_id in dict.fromkeys(s["table"] for s in statuses):
        table = rs.tables[table_id]
        head = "".join(f"<th>{_e(spec['label'])}</th>" for spec in table.columns.values())
        body = []
        for s in (x for x in statuses if x["table"] == table_id):
            if only_impairment and s["status"] == "other":
                continue
            row = s["row"]
            cells = []
            for column, spec in table.columns.items():
                state = s["cells"].get(column)
                cls = "tr-cell-fail" if state is False else ("tr-cell-ok" if state is True else "")
                cells.append(f"<td class='{cls}'>{_e(_cell_display(row, column, spec, category))}</td>")
            body.append(f"<tr class='tr-{s['status']}'><td>{_e(row.id)}<br><small>стр. {row.seed_line}</small></td>"
                        + "".join(cells) + f"<td>{_e(rs.forms[row.form])}</td><td>{_e(_ripso_text(s['ripso']))}</td>"
                        f"<td>{_e(STATUS_LABELS[s['status']])}</td></tr>")
        parts.append(f"<h4>{_e(table.title)}</h4><table class='tr-table'><tr><th>Строка</th>{head}<th>Форма</th>"
                     f"<th>РИПСО</th><th>Итог</th></tr>{''.join(body)}</table>")
    legend = ("<p><small>Зелёная строка — все критерии выполнены; жёлтая — не хватает одного критерия "
              "(он подчёркнут красным); голубая — зависит от неизвестного ответа; жирным — выполненный "
              "критерий. Пустая ячейка: критерий не проверяется.</small></p>")
    return "".join(parts) + legend


# --- 2. practice: items, the reference and the comparison ----------------------------------------------------

def practice_items(entry: BankCase) -> list[dict]:
    """The scale items a trainee scores for a case, in the survey act's order."""
    variant = bundled_ruleset().categories[entry.category].get("scales")
    items = []
    if not variant:
        return items
    for name in SCALE_NAMES:
        if entry.case.get(name) is None:
            continue
        sc = scale(name, variant)
        for item in sc.items:
            items.append({"key": f"{name}.{item['key']}", "scale": name, "variant": variant, "item": item["key"],
                          "text": item["text"], "label": f"{SCALE_SHORT[name]}: {item_short(item['text'])}",
                          "seed_line": item["seed_line"], "levels": list(sc.levels)})
    return items


@lru_cache(maxsize=128)
def _reference_cached(case_id: str, case_json: str, readings_json: str) -> dict:
    return assess(json.loads(case_json), readings=json.loads(readings_json) or None)


def reference_result(entry: BankCase) -> dict:
    """The engine's result for the case under its own readings (tests/test_case_bank.py keeps the
    bank's `expected` equal to it)."""
    return _reference_cached(entry.id, json.dumps(entry.case, sort_keys=True),
                             json.dumps(entry.readings, sort_keys=True))


def _forms_and_ripso(result: dict) -> tuple[list[str], list[int]]:
    recs = result.get("recommendations", [])
    forms = list(dict.fromkeys(r["form"] for r in recs))
    ripso = sorted({n for r in recs for n in r["ripso"]})
    return forms, ripso


def _early_reference(result: dict) -> list[int] | None:
    early = result.get("early_help")
    if early is None:
        return None
    return sorted(c["criterion"] for c in early.get("criteria", []))


def asks_early_help(entry: BankCase) -> bool:
    return _early_reference(reference_result(entry)) is not None


def parse_ripso(text) -> list[int]:
    """РИПСО numbers as a trainee types them: "1, 4", "N 1; N 4", "№17 18". Empty means none."""
    if isinstance(text, (list, tuple, set)):
        numbers = list(text)
    else:
        tokens = [t for t in re.split(r"[,;\s]+", str(text or "").replace("№", " ").replace("N", " ")
                                      .replace("n", " ")) if t]
        numbers = []
        for t in tokens:
            if not t.isdigit():
                raise KitError("bad_value", "РИПСО", value=t, allowed="номера РИПСО через запятую, например: 1, 4")
            numbers.append(int(t))
    for n in numbers:
        if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= 99:
            raise KitError("bad_value", "РИПСО", value=n, allowed="номера РИПСО от 1 до 99")
    return sorted(set(numbers))


def answer_problems(entry: BankCase, answer: dict) -> list[str]:
    """What is missing before an answer can be compared (Russian, one line each); empty when complete."""
    problems = []
    scores = answer.get("scores", {})
    missing = [i for i in practice_items(entry) if scores.get(i["key"]) not in (0, 1, 2, 3)]
    if missing:
        problems.append(f"Оцените все пункты шкал: не оценено {len(missing)} (например, «{missing[0]['label']}»).")
    forms = list(answer.get("forms") or [])
    if not forms:
        problems.append("Отметьте форму (формы) обслуживания или «Таблицы не называют форму».")
    elif NO_FORM in forms and len(forms) > 1:
        problems.append("Отмечены и формы, и «Таблицы не называют форму»: оставьте одно.")
    try:
        numbers = parse_ripso(answer.get("ripso", ""))
    except KitError as err:
        problems.append(f"{err.message} {err.fix}")
    else:
        if forms and NO_FORM not in forms and not numbers:
            problems.append("Укажите номера РИПСО к отмеченным формам.")
        if NO_FORM in forms and numbers:
            problems.append("Отмечено «Таблицы не называют форму», но указаны номера РИПСО.")
    return problems


def compare(entry: BankCase, answer: dict, reference_seen: bool = False) -> dict:
    """A trainee's answer against the reference, item by item, with the seed's wording for every level
    and the bank's note on why the reference scored so. `answer`: {"scores": {"self_care.hygiene": 2,
    ...}, "forms": [form codes] or ["none"], "ripso": "1, 4" or [1, 4], "early_help": [criteria]}."""
    problems = answer_problems(entry, answer)
    if problems:
        raise KitError("bad_argument", "answer", value=" ".join(problems), allowed="Дополните ответ.")
    ref = reference_result(entry)
    scores = answer.get("scores", {})
    items = []
    for it in practice_items(entry):
        given = scores[it["key"]]
        reference = entry.case[it["scale"]][it["item"]]
        items.append({**it, "given": given, "reference": reference, "correct": given == reference,
                      "given_text": it["levels"][given], "reference_text": it["levels"][reference],
                      "note": entry.item_notes.get(it["key"], "")})
    degrees = []
    variant = bundled_ruleset().categories[entry.category].get("scales")
    for name in SCALE_NAMES:
        if not ref.get(name):
            continue
        given_points = sum(i["given"] for i in items if i["scale"] == name)
        mine, theirs = band_of(name, variant, given_points), band_of(name, variant, ref[name]["points"])
        degrees.append({"scale": name, "label": SCALE_SHORT[name], "given": mine, "reference": theirs,
                        "correct": mine["degree"] == theirs["degree"]})
    ref_forms, ref_ripso = _forms_and_ripso(ref)
    given_forms = [] if NO_FORM in answer["forms"] else [f for f in bundled_ruleset().forms if f in answer["forms"]]
    given_ripso = parse_ripso(answer.get("ripso", ""))
    forms = {"given": given_forms, "reference": ref_forms, "missing": [f for f in ref_forms if f not in given_forms],
             "extra": [f for f in given_forms if f not in ref_forms]}
    forms["correct"] = not forms["missing"] and not forms["extra"]
    ripso = {"given": given_ripso, "reference": ref_ripso, "missing": [n for n in ref_ripso if n not in given_ripso],
             "extra": [n for n in given_ripso if n not in ref_ripso]}
    ripso["correct"] = not ripso["missing"] and not ripso["extra"]
    early = None
    ref_early = _early_reference(ref)
    if ref_early is not None:
        given_early = sorted(set(answer.get("early_help") or []))
        early = {"given": given_early, "reference": ref_early, "correct": given_early == ref_early,
                 "verdict": ref["early_help"]["verdict"], "note": entry.item_notes.get("early_help_criteria", "")}
    # What the tables give for the trainee's own scores: shows whether a scoring slip changed the decision.
    yours = None
    if items:
        own = dict(entry.case)
        for name in SCALE_NAMES:
            if own.get(name) is not None:
                own[name] = {i["item"]: i["given"] for i in items if i["scale"] == name}
        yours_result = assess(own, readings=entry.readings or None)
        f, r = _forms_and_ripso(yours_result)
        yours = {"forms": f, "ripso": r, "rules": [x["rule"] for x in yours_result["recommendations"]]}
    facts = [{"key": k, "label": bundled_ruleset().fields[k]["label"] if k in bundled_ruleset().fields else k,
              "value": value_text(k, entry.case.get(k)), "note": note}
             for k, note in entry.item_notes.items() if "." not in k and k != "early_help_criteria"]
    correct = forms["correct"] and ripso["correct"] and (early is None or early["correct"])
    return {"case": entry.id, "title": entry.title, "items": items, "degrees": degrees, "forms": forms,
            "ripso": ripso, "early_help": early, "deciding": ref["recommendations"], "depends_on": ref["depends_on"],
            "near_misses": ref["near_misses"], "note": ref.get("note", ""), "yours": yours, "facts": facts,
            "readings": entry.readings, "correct": correct, "reference_seen": reference_seen,
            "items_correct": sum(i["correct"] for i in items), "items_total": len(items)}


def _criteria_html(criteria: list[dict]) -> str:
    lines = []
    for c in criteria:
        value = value_text(c["column"], c["value"])
        needs = _needs_text(c["column"], c["needs"])
        lines.append(f"<li>{_e(c['label'])}: {_e(value)} <small class='tr-muted'>(нужно: {_e(needs)})</small></li>")
    return "<ul>" + "".join(lines) + "</ul>"


def deciding_rows_html(fb: dict) -> str:
    """The row(s) that decide the case, each with its seed line as written, or why no row does."""
    rs = bundled_ruleset()
    parts = []
    rows_by_id = {r.id: r for t in rs.tables.values() if t.kind == "decision" for r in t.rows}
    for rec in fb["deciding"]:
        row = rows_by_id.get(rec["rule"])
        raw = row.raw if row else ""
        parts.append(f"<div class='tr-step'><b>Строка {_e(rec['rule'])}</b> (405-р, прил. 3, табл. {_e(rec['table'])}, "
                     f"стр. {rec['seed_line']}): {_e(rs.forms[rec['form']])} — {_e(_ripso_text(rec['ripso']))}"
                     f"<br><small>В тексте методики: «{_e(raw)}»</small>{_criteria_html(rec['criteria'])}"
                     + (f"<small>{_e(rec['caveat'])}</small>" if rec.get("caveat") else "")
                     + (f"<br><small class='tr-muted'>{_e(row.note)}</small>" if row and row.note else "") + "</div>")
    if fb["depends_on"]:
        items = "".join(f"<li>{_e(rs.forms[d['form']])} ({_e(_ripso_text(d['ripso']))}), строка {_e(d['rule'])} — "
                        f"если {_e(_when_text(d['when']))}</li>" for d in fb["depends_on"])
        parts.append("<p><b>Зависит от неизвестного ответа</b> (в эталон не входит: сначала обстоятельство "
                     f"уточняют):</p><ul>{items}</ul>")
    if not fb["deciding"]:
        if fb["note"]:
            parts.append(f"<p>{_e(fb['note'])}</p>")
        elif fb["early_help"] is None or fb["near_misses"]:
            parts.append("<p><b>Ни одна строка таблицы не подходит</b> — это пробел методики, а не ошибка "
                         "оценки: форму определяет комиссия бюро.</p>")
        if fb["near_misses"]:
            # A grouped column ("lives_alone|carer_absent") holds a flag: value_text reads it as да/нет.
            items = "".join(f"<li>строка {_e(m['rule'])} ({_e(rs.forms[m['form']])}, {_e(_ripso_text(m['ripso']))}): "
                            f"{_e(m['label'])} — {_e(value_text(m['column'], m['value']))}, "
                            f"нужно {_e(_needs_text(m['column'], m['needs']))}</li>" for m in fb["near_misses"][:6])
            parts.append(f"<p>Ближе всего (не хватает одного критерия):</p><ul>{items}</ul>")
    return "".join(parts)


def _when_text(when: dict) -> str:
    rs = bundled_ruleset()
    return "; ".join(f"{rs.fields[k]['label'].lower()}: {value_text(k, v)}" for k, v in when.items())


def feedback_html(fb: dict) -> str:
    """The comparison in Russian: verdict, each differing item with the seed's wording of both levels and
    the reference's reasoning, degrees, forms, РИПСО, early help and the deciding row(s)."""
    rs = bundled_ruleset()
    parts = []
    if fb["correct"]:
        parts.append("<div class='tr-verdict-ok' role='status'><b>Верно:</b> формы обслуживания и номера РИПСО "
                     "совпадают с эталоном.</div>")
    else:
        parts.append("<div class='tr-verdict-bad' role='status'><b>Есть расхождения с эталоном</b> — разбор ниже.</div>")
    items = fb["items"]
    if items:
        wrong = [i for i in items if not i["correct"]]
        parts.append(f"<h4>Пункты шкал: верно {fb['items_correct']} из {fb['items_total']}</h4>")
        if wrong:
            lines = []
            for i in wrong:
                note = f"<br><i>Почему эталон такой:</i> {_e(i['note'])}" if i["note"] else ""
                lines.append(f"<li class='tr-diff'><b>{_e(i['label'])}</b> "
                             f"<small class='tr-muted'>(стр. {i['seed_line']})</small><br>"
                             f"<span class='tr-bad'>вы: {i['given']} — «{_e(i['given_text'])}»</span><br>"
                             f"<span class='tr-ok'>эталон: {i['reference']} — «{_e(i['reference_text'])}»</span>{note}</li>")
            parts.append("<ul>" + "".join(lines) + "</ul>")
        else:
            parts.append("<p class='tr-ok'>Все пункты оценены как в эталоне.</p>")
        noted = [i for i in items if i["correct"] and i["note"]]
        if noted:
            parts.append("<p><small>Пояснения к эталону: " + " ".join(
                f"<b>{_e(i['label'])}</b>: {_e(i['note'])}" for i in noted) + "</small></p>")
    for d in fb["degrees"]:
        g, r = d["given"], d["reference"]
        mark = "tr-ok" if d["correct"] else "tr-bad"
        parts.append(f"<p class='{mark}'><b>{_e(d['label'])}:</b> у вас {g['points']} из {g['max_points']} баллов — "
                     f"степень {g['degree']} («{_e(g['text'])}», стр. {g['seed_line']}); эталон {r['points']} баллов — "
                     f"степень {r['degree']} («{_e(r['text'])}», стр. {r['seed_line']}).</p>")
    f, n = fb["forms"], fb["ripso"]
    parts.append("<h4>Формы обслуживания и РИПСО</h4>")
    given_forms = ", ".join(rs.forms[x] for x in f["given"]) or "форма не названа"
    ref_forms = ", ".join(rs.forms[x] for x in f["reference"]) or "таблицы не называют форму"
    parts.append(f"<p class='{'tr-ok' if f['correct'] else 'tr-bad'}'>Формы — вы: {_e(given_forms)}; эталон: {_e(ref_forms)}."
                 + (f" Не отмечено: {_e(', '.join(rs.forms[x] for x in f['missing']))}." if f["missing"] else "")
                 + (f" Лишнее: {_e(', '.join(rs.forms[x] for x in f['extra']))}." if f["extra"] else "") + "</p>")
    parts.append(f"<p class='{'tr-ok' if n['correct'] else 'tr-bad'}'>РИПСО — вы: {_e(_ripso_text(n['given']))}; "
                 f"эталон: {_e(_ripso_text(n['reference']))}."
                 + (f" Не указано: {_e(_ripso_text(n['missing']))}." if n["missing"] else "")
                 + (f" Лишнее: {_e(_ripso_text(n['extra']))}." if n["extra"] else "") + "</p>")
    if fb["early_help"] is not None:
        e = fb["early_help"]
        crit = lambda xs: ", ".join(str(x) for x in xs) or "ни один"  # noqa: E731
        parts.append(f"<p class='{'tr-ok' if e['correct'] else 'tr-bad'}'><b>Ранняя помощь (табл. 3.3):</b> "
                     f"критерии — вы: {_e(crit(e['given']))}; эталон: {_e(crit(e['reference']))}."
                     + (f" <i>Почему:</i> {_e(e['note'])}" if e["note"] else "") + "</p>")
    if fb["yours"] is not None and (fb["yours"]["forms"], fb["yours"]["ripso"]) != (f["reference"], n["reference"]):
        y = fb["yours"]
        parts.append("<p><b>С вашими баллами</b> таблица дала бы: "
                     f"{_e(', '.join(rs.forms[x] for x in y['forms']) or 'ни одной формы')} "
                     f"({_e(_ripso_text(y['ripso']))}) — расхождение в баллах меняет решение.</p>")
    if fb["facts"]:
        parts.append("<p><b>Обстоятельства случая в эталоне:</b></p><ul>" + "".join(
            f"<li>{_e(x['label'])}: {_e(x['value'])} — {_e(x['note'])}</li>" for x in fb["facts"]) + "</ul>")
    if fb["readings"]:
        rows = "; ".join(f"{rs.readings[k]['title']}: {rs.readings[k]['options'][v]['text']}"
                         for k, v in fb["readings"].items())
        parts.append(f"<p><small>Случай разбирается при прочтении: {_e(rows)}.</small></p>")
    parts.append("<h4>Что решает случай</h4>" + deciding_rows_html(fb))
    return "".join(parts)


def reference_html(entry: BankCase) -> str:
    """The reference answer alone (what a trainer may show before a trainee submits)."""
    ref = reference_result(entry)
    rs = bundled_ruleset()
    parts = ["<h4>Эталон</h4>"]
    items = practice_items(entry)
    if items:
        parts.append("<ul>" + "".join(
            f"<li>{_e(i['label'])}: {entry.case[i['scale']][i['item']]}</li>" for i in items) + "</ul>")
    forms, ripso = _forms_and_ripso(ref)
    parts.append(f"<p>Формы: {_e(', '.join(rs.forms[f] for f in forms) or 'таблицы не называют форму')}; "
                 f"РИПСО: {_e(_ripso_text(ripso))}.</p>")
    early = _early_reference(ref)
    if early is not None:
        parts.append(f"<p>Критерии ранней помощи: {_e(', '.join(map(str, early)) or 'ни один')}.</p>")
    return "".join(parts)


# --- results: files, CSV, aggregation ----------------------------------------------------------------------

CSV_COLUMNS = ("session", "trainee", "case", "title", "kind", "key", "label", "given", "reference", "correct",
               "reference_seen")
# Russian Excel splits CSV on its list separator ";" and needs the BOM to see UTF-8.
CSV_DELIMITER = ";"
TRAINEE_FILE = re.compile(r"^trainee-(\d+)\.csv$")
SESSION_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,59}$")
ROOT = Path(__file__).resolve().parents[2]


def results_dir() -> Path:
    """Where session plans and results live: SOCMETHOD_TRAINING_RESULTS, else training_results/ at the top
    of a source checkout (gitignored), else training_results/ in the working directory."""
    override = os.environ.get("SOCMETHOD_TRAINING_RESULTS")
    if override:
        return Path(override)
    if (ROOT / "pyproject.toml").is_file():
        return ROOT / "training_results"
    return Path.cwd() / "training_results"


def _write_atomic(path: Path, text: str, encoding: str = "utf-8") -> None:
    # Another kernel (the trainer's) may read while a trainee's kernel writes: replace, never truncate.
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding=encoding)
    os.replace(tmp, path)


@dataclass
class SessionPlan:
    """What a trainer chose: the cases, whether the reference stays hidden until an answer is sent."""
    id: str
    case_ids: list[str]
    hide_reference: bool = True
    title: str = ""
    created: str = ""


DEFAULT_PLAN = SessionPlan("samostoyatelno", ["case-001", "case-002", "case-023", "case-005", "case-013"], True,
                           "Самостоятельная практика")


def check_session_id(text: str) -> str:
    value = (text or "").strip().lower()
    if not SESSION_ID.match(value):
        raise KitError("bad_value", "занятие", value=text,
                       allowed="латинские буквы, цифры и дефисы, до 60 знаков (например, zanyatie-1)")
    return value


def save_plan(plan: SessionPlan, directory: str | Path | None = None) -> Path:
    """Write the plan to <results>/<id>/session.json and make it the current session."""
    directory = Path(directory) if directory else results_dir()
    plan.id = check_session_id(plan.id)
    if not plan.case_ids:
        raise KitError("bad_argument", "cases", value="не выбран ни один случай", allowed="Отметьте случаи занятия.")
    bank = bundled_case_bank()
    for case_id in plan.case_ids:
        case_by_id(bank, case_id)
    plan.created = plan.created or datetime.now().isoformat(timespec="seconds")
    path = directory / plan.id / "session.json"
    _write_atomic(path, json.dumps(asdict(plan), ensure_ascii=False, indent=1))
    _write_atomic(directory / "current.json", json.dumps({"session": plan.id}))
    return path


def load_plan(session_id: str, directory: str | Path | None = None) -> SessionPlan:
    directory = Path(directory) if directory else results_dir()
    path = directory / check_session_id(session_id) / "session.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return SessionPlan(str(data["id"]), [str(c) for c in data["case_ids"]], bool(data.get("hide_reference", True)),
                           str(data.get("title", "")), str(data.get("created", "")))
    except FileNotFoundError:
        raise KitError("file_not_found", value=str(path)) from None
    except (ValueError, KeyError, TypeError) as exc:
        raise KitError("malformed_file", where=str(path), value=str(exc), allowed="session.json") from None


def current_plan(directory: str | Path | None = None) -> SessionPlan:
    """The session the trainer made current, or the self-study default when there is none."""
    directory = Path(directory) if directory else results_dir()
    try:
        session_id = json.loads((directory / "current.json").read_text(encoding="utf-8"))["session"]
        return load_plan(session_id, directory)
    except (FileNotFoundError, KeyError, ValueError, KitError):
        return SessionPlan(**asdict(DEFAULT_PLAN))


def list_sessions(directory: str | Path | None = None) -> list[str]:
    directory = Path(directory) if directory else results_dir()
    if not directory.is_dir():
        return []
    found = [p for p in directory.iterdir() if p.is_dir() and SESSION_ID.match(p.name) and
             ((p / "session.json").is_file() or any(TRAINEE_FILE.match(f.name) for f in p.iterdir()))]
    return [p.name for p in sorted(found, key=lambda p: p.stat().st_mtime, reverse=True)]


def _csv_text(rows: list[dict]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=CSV_COLUMNS, delimiter=CSV_DELIMITER, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


def claim_trainee(session_dir: Path) -> tuple[str, Path]:
    """The next free anonymous label («Слушатель N») and its file. O_EXCL makes two kernels that claim at
    the same moment get different numbers."""
    session_dir.mkdir(parents=True, exist_ok=True)
    for n in range(1, 1000):
        path = session_dir / f"trainee-{n:02d}.csv"
        try:
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            continue
        with os.fdopen(fd, "w", encoding="utf-8-sig", newline="") as fh:
            fh.write(_csv_text([]))
        return f"Слушатель {n}", path
    raise KitError("bad_argument", "trainee", value="в занятии больше 999 слушателей", allowed="Начните новое занятие.")


def result_rows(session_id: str, trainee: str, fb: dict) -> list[dict]:
    """One CSV row per item, degree, early help, forms, РИПСО and one for the case."""
    base = {"session": session_id, "trainee": trainee, "case": fb["case"], "title": fb["title"],
            "reference_seen": int(bool(fb.get("reference_seen")))}
    rows = [{**base, "kind": "item", "key": i["key"], "label": i["label"], "given": i["given"],
             "reference": i["reference"], "correct": int(i["correct"])} for i in fb["items"]]
    rows += [{**base, "kind": "degree", "key": d["scale"], "label": f"{d['label']}: степень",
              "given": d["given"]["degree"], "reference": d["reference"]["degree"], "correct": int(d["correct"])}
             for d in fb["degrees"]]
    if fb["early_help"] is not None:
        e = fb["early_help"]
        rows.append({**base, "kind": "early_help", "key": "3.3", "label": "Критерии ранней помощи",
                     "given": "|".join(map(str, e["given"])), "reference": "|".join(map(str, e["reference"])),
                     "correct": int(e["correct"])})
    rows.append({**base, "kind": "forms", "key": "forms", "label": "Формы обслуживания",
                 "given": "|".join(fb["forms"]["given"]), "reference": "|".join(fb["forms"]["reference"]),
                 "correct": int(fb["forms"]["correct"])})
    rows.append({**base, "kind": "ripso", "key": "ripso", "label": "Номера РИПСО",
                 "given": "|".join(map(str, fb["ripso"]["given"])), "reference": "|".join(map(str, fb["ripso"]["reference"])),
                 "correct": int(fb["ripso"]["correct"])})
    rows.append({**base, "kind": "case", "key": "case", "label": fb["title"],
                 "given": f"{fb['items_correct']}/{fb['items_total']}", "reference": "", "correct": int(fb["correct"])})
    return rows


def read_results(session_dir: str | Path) -> tuple[list[dict], list[str]]:
    """Every trainee's rows in a session folder, and a warning (Russian) per file that could not be read;
    one broken file must not hide the rest of the group."""
    session_dir = Path(session_dir)
    rows, warnings = [], []
    if not session_dir.is_dir():
        return rows, warnings
    for path in sorted(session_dir.iterdir()):
        if not TRAINEE_FILE.match(path.name):
            continue
        try:
            text = path.read_text(encoding="utf-8-sig")
            reader = csv.DictReader(io.StringIO(text), delimiter=CSV_DELIMITER)
            if reader.fieldnames is None:
                rows.append({"trainee": _label_of(path), "kind": "started"})
                continue
            if tuple(reader.fieldnames) != CSV_COLUMNS:
                raise ValueError("столбцы не совпадают с " + CSV_DELIMITER.join(CSV_COLUMNS))
            file_rows = list(reader)
            rows.append({"trainee": _label_of(path), "kind": "started"})
            rows.extend(file_rows)
        except (OSError, UnicodeDecodeError, ValueError, csv.Error) as exc:
            warnings.append(f"Файл {path.name} пропущен: {exc}")
    return rows, warnings


def _label_of(path: Path) -> str:
    return f"Слушатель {int(TRAINEE_FILE.match(path.name).group(1))}"


def _trainee_number(label: str) -> int:
    m = re.search(r"\d+", label)
    return int(m.group()) if m else 0


def aggregate(rows: list[dict]) -> dict:
    """The group's results: per trainee, per case, per item and per decision (degree, forms, РИПСО, early
    help), each with how many answers were wrong."""
    trainees = sorted({r["trainee"] for r in rows}, key=_trainee_number)
    answered = [r for r in rows if r.get("kind") != "started"]
    per_trainee = []
    for t in trainees:
        mine = [r for r in answered if r["trainee"] == t]
        cases = [r for r in mine if r["kind"] == "case"]
        items = [r for r in mine if r["kind"] == "item"]
        per_trainee.append({"trainee": t, "cases": len(cases), "correct": sum(int(r["correct"]) for r in cases),
                            "items": len(items), "items_correct": sum(int(r["correct"]) for r in items),
                            "reference_seen": sum(int(r.get("reference_seen") or 0) for r in cases)})

    def tally(kind_filter) -> list[dict]:
        acc: dict = {}
        for r in answered:
            if not kind_filter(r):
                continue
            key = (r["kind"], r["key"]) if r["kind"] != "case" else ("case", r["case"])
            a = acc.setdefault(key, {"kind": r["kind"], "key": key[1], "label": r["label"], "total": 0, "wrong": 0,
                                     "answers": Counter(), "reference": r["reference"]})
            a["total"] += 1
            a["wrong"] += 0 if int(r["correct"]) else 1
            if not int(r["correct"]):
                a["answers"][r["given"]] += 1
        return sorted(acc.values(), key=lambda a: (-a["wrong"] / max(a["total"], 1), -a["wrong"], a["label"]))

    return {"trainees": per_trainee, "cases": tally(lambda r: r["kind"] == "case"),
            "items": tally(lambda r: r["kind"] == "item"),
            "decisions": tally(lambda r: r["kind"] in ("degree", "forms", "ripso", "early_help")),
            "rows": len(answered)}


def bars_html(entries: list[dict], limit: int = 15) -> str:
    """A bar per entry: the share of wrong answers (CSS only: the kit has no plotting dependency)."""
    shown = [e for e in entries if e["total"]][:limit]
    if not shown:
        return "<p class='tr-muted'>Ответов пока нет.</p>"
    rows = []
    for e in shown:
        share = e["wrong"] / e["total"]
        rows.append(f"<div class='tr-bar-row'><span class='tr-bar-label'>{_e(e['label'])}</span>"
                    f"<span class='tr-bar-track'><div class='tr-bar' style='width:{share * 100:.0f}%'></div></span>"
                    f"<span class='tr-bar-n'>{e['wrong']} из {e['total']}</span></div>")
    return "<div class='tr-bars'>" + "".join(rows) + "</div>"


def group_report_html(rows: list[dict], warnings: list[str] | None = None) -> str:
    """The trainer's view of a session: who answered what, and charts of where the group went wrong."""
    agg = aggregate(rows)
    parts = []
    for w_text in warnings or []:
        parts.append(f"<p class='tr-error'>{_e(w_text)}</p>")
    if not agg["trainees"]:
        return "".join(parts) + "<p>Пока никто из слушателей не начал это занятие.</p>"
    body = "".join(f"<tr><td>{_e(t['trainee'])}</td><td>{t['cases']}</td><td>{t['correct']}</td>"
                   f"<td>{t['items_correct']} из {t['items']}</td><td>{t['reference_seen'] or ''}</td></tr>"
                   for t in agg["trainees"])
    parts.append(f"<h4>Слушатели: {len(agg['trainees'])}</h4><table class='tr-table'><tr><th>Слушатель</th>"
                 f"<th>Случаев решено</th><th>Из них верно</th><th>Пункты верно</th><th>Смотрел эталон до ответа</th></tr>"
                 f"{body}</table>")
    parts.append("<h4>Где группа ошиблась: случаи (доля неверных решений)</h4>" + bars_html(agg["cases"]))
    parts.append("<h4>Решения: степени, формы, РИПСО</h4>" + bars_html(agg["decisions"]))
    wrong_items = [e for e in agg["items"] if e["wrong"]]
    parts.append("<h4>Пункты шкал (доля оценок, не совпавших с эталоном)</h4>" +
                 (bars_html(wrong_items) if wrong_items else "<p class='tr-ok'>Все пункты оценены как в эталоне.</p>"))
    common = [e for e in agg["items"] if e["wrong"]][:5]
    if common:
        lines = "".join(f"<li>{_e(e['label'])}: эталон {_e(e['reference'])}, чаще ставили "
                        f"{_e(', '.join(f'{k} ({n})' for k, n in e['answers'].most_common(2)))}</li>" for e in common)
        parts.append(f"<p>Что обсудить:</p><ul>{lines}</ul>")
    return "".join(parts)


def download_link_html(text: str, filename: str, label: str = "Скачать CSV") -> str:
    payload = base64.b64encode(("\ufeff" + text).encode("utf-8")).decode("ascii")
    return (f"<a download='{_e(filename)}' href='data:text/csv;charset=utf-8;base64,{payload}' "
            f"style='font-weight:bold'>{_e(label)}</a>")


# --- the session ------------------------------------------------------------------------------------------

class Session:
    """One trainee's pass through a trainer's cases. `start()` claims an anonymous label and its CSV file;
    `submit()` compares an answer, keeps it (the first answer to a case counts) and rewrites the file."""

    def __init__(self, plan: SessionPlan | None = None, directory: str | Path | None = None, bank=None):
        self.plan = plan or SessionPlan(**asdict(DEFAULT_PLAN))
        self.bank = bank if bank is not None else bundled_case_bank()
        self.cases: list[BankCase] = [case_by_id(self.bank, c) for c in self.plan.case_ids]
        self.directory = Path(directory) if directory else results_dir()
        self.trainee: str | None = None
        self.path: Path | None = None
        self.feedback: dict[str, dict] = {}
        self.seen: set[str] = set()

    @property
    def session_dir(self) -> Path:
        return self.directory / self.plan.id

    def start(self) -> str:
        if self.trainee is None:
            self.trainee, self.path = claim_trainee(self.session_dir)
        return self.trainee

    def reveal(self, case_id: str) -> str:
        """The reference before an answer, if the trainer allows it; remembered in the results."""
        if self.plan.hide_reference:
            raise KitError("bad_argument", "reference", value="эталон скрыт до отправки ответа",
                           allowed="Отправьте ответ, чтобы увидеть разбор.")
        self.seen.add(case_id)
        return reference_html(case_by_id(self.cases, case_id))

    def submit(self, case_id: str, answer: dict) -> dict:
        if case_id in self.feedback:
            return self.feedback[case_id]
        entry = case_by_id(self.cases, case_id)
        fb = compare(entry, answer, reference_seen=case_id in self.seen)
        self.feedback[case_id] = fb
        self.save()
        return fb

    def rows(self) -> list[dict]:
        label = self.trainee or "Слушатель"
        return [r for c in self.cases if c.id in self.feedback for r in result_rows(self.plan.id, label, self.feedback[c.id])]

    def csv_text(self) -> str:
        return _csv_text(self.rows())

    def save(self) -> Path | None:
        if self.path is None:
            return None
        _write_atomic(self.path, self.csv_text(), encoding="utf-8-sig")
        return self.path

    def summary(self) -> dict:
        fbs = [self.feedback[c.id] for c in self.cases if c.id in self.feedback]
        wrong_items = Counter(i["label"] for fb in fbs for i in fb["items"] if not i["correct"])
        return {"answered": len(fbs), "total": len(self.cases), "correct": sum(fb["correct"] for fb in fbs),
                "items_correct": sum(fb["items_correct"] for fb in fbs), "items_total": sum(fb["items_total"] for fb in fbs),
                "cases": fbs, "wrong_items": wrong_items.most_common(5)}

    def summary_html(self) -> str:
        s = self.summary()
        rows = "".join(
            f"<tr><td>{_e(fb['title'])}</td><td>{fb['items_correct']} из {fb['items_total']}</td>"
            f"<td>{'да' if all(d['correct'] for d in fb['degrees']) else 'нет'}</td>"
            f"<td>{'да' if fb['forms']['correct'] else 'нет'}</td><td>{'да' if fb['ripso']['correct'] else 'нет'}</td>"
            f"<td class='{'tr-ok' if fb['correct'] else 'tr-bad'}'>{'верно' if fb['correct'] else 'есть расхождения'}</td></tr>"
            for fb in s["cases"])
        share = f" ({100 * s['items_correct'] // s['items_total']} %)" if s["items_total"] else ""
        parts = [f"<h3>Итоги: {_e(self.trainee or '')}</h3>",
                 f"<p>Решено верно случаев: <b>{s['correct']} из {s['answered']}</b> (всего в занятии {s['total']}); "
                 f"пунктов оценено как в эталоне: {s['items_correct']} из {s['items_total']}{share}.</p>",
                 "<table class='tr-table'><tr><th>Случай</th><th>Пункты</th><th>Степени</th><th>Формы</th><th>РИПСО</th>"
                 f"<th>Итог</th></tr>{rows}</table>"]
        if s["wrong_items"]:
            parts.append("<p>Чаще всего расходились пункты: " + "; ".join(
                f"{_e(label)} ({n})" for label, n in s["wrong_items"]) + ".</p>")
        return "".join(parts)


# --- widget pages -------------------------------------------------------------------------------------------

def _widgets():
    import ipywidgets as w
    return w


def _label(text: str, small: str = ""):
    w = _widgets()
    return w.HTML(f"<b>{_e(text)}</b>" + (f"<br><small>{_e(small)}</small>" if small else ""))


def _score_toggle(levels: list[str], value=None):
    w = _widgets()
    return w.ToggleButtons(options=[(str(n), n) for n in range(len(levels))], value=value, tooltips=list(levels),
                           style={"button_width": "2.6em"})


class MethodExplorer:
    """Try scores: each scale's points, degree and band (seed wording), and the category's table with its
    rows lit up for the profile (matched, near miss, not)."""

    def __init__(self, category: str = "elderly"):
        w = _widgets()
        rs = bundled_ruleset()
        self.category = w.Dropdown(options=[(rs.categories[c]["label"], c) for c in TABLE_CATEGORIES], value=category,
                                   layout=w.Layout(width="auto"))
        self.impairment = w.Dropdown(options=[(v, k) for k, v in IMPAIRMENT_LABELS.items()], value="multiple",
                                     layout=w.Layout(width="auto"))
        self.group = w.Dropdown(options=[(v, k) for k, v in GROUP_LABELS.items()], value="II", layout=w.Layout(width="auto"))
        self.psychiatrist = w.Dropdown(options=[(v, k) for k, v in PSYCHIATRIST_LABELS.items()], value="none",
                                       layout=w.Layout(width="auto"))
        self.flags = {k: w.Checkbox(value=False, description=rs.fields[k]["label"], indent=False,
                                    layout=w.Layout(width="auto")) for k in FLAG_FIELDS + CONDITION_FIELDS}
        self.item_controls: dict[str, object] = {}
        self.items_box = w.VBox()
        self.scale_html = w.HTML()
        self.table_html = w.HTML()
        self.only_impairment = w.Checkbox(value=True, description="Показывать только строки выбранного вида нарушений",
                                          indent=False, layout=w.Layout(width="auto"))
        self.profile_box = w.VBox()
        for control in [self.category, self.impairment, self.group, self.psychiatrist, self.only_impairment,
                        *self.flags.values()]:
            control.observe(self._changed, names="value")
        self.page = w.VBox([w.HTML(STYLE), _label("Категория получателя"), self.category, self.items_box,
                            self.scale_html, self.profile_box, w.HTML("<h3>Таблица методики для этих ответов</h3>"),
                            self.table_html], layout=w.Layout(max_width="1100px"))
        self.page.add_class("tr-page")
        self._variant = None
        self._rebuild()

    def _changed(self, change) -> None:
        if change["owner"] is self.category:
            self._rebuild()
        else:
            self.update()

    @property
    def variant(self) -> str:
        return bundled_ruleset().categories[self.category.value]["scales"]

    def _rebuild(self) -> None:
        w = _widgets()
        if self.variant != self._variant:
            self._variant = self.variant
            self.item_controls = {}
            boxes = []
            for name in SCALE_NAMES:
                sc = scale(name, self.variant)
                boxes.append(w.HTML(f"<h3>{_e(sc.title)}</h3><small>0 — {_e(sc.levels[0])}; 1 — {_e(sc.levels[1])}; "
                                    f"2 — {_e(sc.levels[2])}; 3 — {_e(sc.levels[3])}</small>"))
                for item in sc.items:
                    toggle = _score_toggle(list(sc.levels), 0)
                    toggle.observe(self._changed, names="value")
                    self.item_controls[f"{name}.{item['key']}"] = toggle
                    boxes.append(w.HBox([toggle, w.HTML(_e(item["text"]), layout=w.Layout(width="auto"))]))
            self.items_box.children = boxes
        disabled = self.category.value in ("disabled_adult", "disabled_child")
        rows = [_label("Группа инвалидности"), self.group] if self.category.value != "disabled_child" else []
        if disabled:
            rows = [_label("Вид нарушений развития"), self.impairment, self.only_impairment] + rows
        flags = [k for k in FLAG_FIELDS if disabled or k != "ipra_social_rehabilitation"]
        if self.category.value == "disabled_adult":
            flags += list(CONDITION_FIELDS)
        rows += [_label("Обстоятельства")] + [self.flags[k] for k in flags] + \
                [_label("Заключение врача-психиатра о типе учреждения"), self.psychiatrist]
        self.profile_box.children = [w.HTML("<h3>Остальные критерии таблицы</h3>")] + rows
        self.update()

    def set_scores(self, scores: dict) -> None:
        """Scores as {"self_care.hygiene": 2, ...} (what clicking the buttons does)."""
        for key, value in scores.items():
            self.item_controls[key].value = value

    def points(self) -> dict:
        return {name: sum(c.value or 0 for k, c in self.item_controls.items() if k.startswith(name + "."))
                for name in SCALE_NAMES}

    def profile(self) -> dict:
        points = self.points()
        profile = {"category": self.category.value, "psychiatrist_recommends": self.psychiatrist.value}
        for name in SCALE_NAMES:
            profile[name] = scale(name, self.variant).band(points[name]).degree
        if self.category.value != "disabled_child":
            profile["disability_group"] = self.group.value
        if self.category.value != "elderly":
            profile["impairment"] = self.impairment.value
        for k, box in self.flags.items():
            profile[k] = box.value
        return profile

    def update(self) -> None:
        points = self.points()
        parts = []
        for name in SCALE_NAMES:
            b = band_of(name, self.variant, points[name])
            parts.append(f"<p><b>{SCALE_SHORT[name]}:</b> {b['points']} из {b['max_points']} баллов → "
                         f"<b>степень {b['degree']}</b> — «{_e(b['text'])}» (стр. {b['seed_line']})</p>"
                         + bands_strip_html(name, self.variant, points[name]))
        self.scale_html.value = "".join(parts)
        self.table_html.value = decision_table_html(self.profile(), only_impairment=self.only_impairment.value)


class PracticeView:
    """The practice page: the trainee presses «Начать» (gets an anonymous label), reads each story, scores
    every item, picks forms and РИПСО, sends the answer and reads the comparison; a summary at the end."""

    def __init__(self, plan: SessionPlan | None = None, directory: str | Path | None = None, bank=None):
        w = _widgets()
        self._plan = plan
        self._directory = directory
        self._bank = bank
        self.session: Session | None = None
        self.index = 0
        self.header = w.HTML()
        self.start_button = w.Button(description="Начать", button_style="primary", icon="play")
        self.start_button.on_click(lambda _: self.start())
        self.case_box = w.VBox()
        self.summary = w.HTML()
        self.page = w.VBox([w.HTML(STYLE), self.header, self.start_button, self.case_box, self.summary],
                           layout=w.Layout(max_width="960px"))
        self.page.add_class("tr-page")
        self.header.value = ("<p>Нажмите «Начать»: вы получите номер слушателя (имя не нужно), и появится первый "
                             "случай.</p>")
        self.item_controls: dict[str, object] = {}
        self.form_checks: dict[str, object] = {}
        self.early_checks: dict[int, object] = {}

    # The plan is read at «Начать», not when the notebook runs: Voila may run the notebook in advance
    # (pre-heated kernels), before the trainer has chosen the cases.
    def start(self) -> str:
        if self.session is None:
            plan = self._plan or current_plan(self._directory)
            try:
                session = Session(plan, self._directory, self._bank)
                session.start()
            except (KitError, OSError) as err:
                # A click's exception would only reach the server log: say it on the page.
                message = f"{err.message} {err.fix}" if isinstance(err, KitError) else str(err)
                self.header.value = f"<p class='tr-error' role='alert'>Занятие не открылось: {_e(message)}</p>"
                return ""
            self.session = session
        s = self.session
        hidden = ("эталон откроется после отправки ответа" if s.plan.hide_reference
                  else "эталон можно открыть до ответа (это отметится в результатах)")
        self.header.value = (f"<h3>Вы — {_e(s.trainee)}</h3><p>Занятие: {_e(s.plan.title or s.plan.id)}; случаев: "
                             f"{len(s.cases)}; {hidden}. Случай засчитывается, если совпали формы и номера РИПСО "
                             "(и критерии ранней помощи, где они есть).</p>")
        self.start_button.layout.display = "none"
        self.show_case(0)
        return s.trainee

    @property
    def entry(self) -> BankCase:
        return self.session.cases[self.index]

    def show_case(self, index: int) -> None:
        w = _widgets()
        rs = bundled_ruleset()
        self.index = index
        entry = self.entry
        self.item_controls, self.form_checks, self.early_checks = {}, {}, {}
        meta = (f"{rs.categories[entry.category]['label']}; сложность: {DIFFICULTY_LABELS[entry.difficulty]}")
        boxes = [w.HTML(f"<h3>Случай {index + 1} из {len(self.session.cases)}: {_e(entry.title)}</h3>"
                        f"<p><small>{_e(meta)}</small></p><div class='tr-story'>{_e(entry.story)}</div>")]
        current_scale = None
        for it in practice_items(entry):
            if it["scale"] != current_scale:
                current_scale = it["scale"]
                sc = scale(it["scale"], it["variant"])
                boxes.append(w.HTML(f"<h4>{_e(sc.title)}</h4><small>" + "; ".join(
                    f"{n} — {_e(t)}" for n, t in enumerate(sc.levels)) + "</small>"))
            toggle = _score_toggle(it["levels"])
            chosen = w.HTML("<small class='tr-muted'>не оценено</small>")
            toggle.observe(lambda ch, out=chosen, levels=it["levels"]: setattr(
                out, "value", f"<small>{ch['new']} — {_e(levels[ch['new']])}</small>" if ch["new"] is not None else ""),
                names="value")
            self.item_controls[it["key"]] = toggle
            boxes.append(w.VBox([w.HTML(f"<b>{_e(it['text'])}</b>"), w.HBox([toggle, chosen])]))
        if asks_early_help(entry):
            boxes.append(w.HTML("<h4>Ранняя помощь (табл. 3.3): какие критерии выполняются?</h4>"))
            for row in rs.tables["3.3"].rows:
                box = w.Checkbox(value=False, description=f"{row.criterion}. {row.text}", indent=False,
                                 layout=w.Layout(width="auto"))
                self.early_checks[row.criterion] = box
                boxes.append(box)
        boxes.append(w.HTML("<h4>Формы обслуживания (все подходящие)</h4>"))
        for form, label in rs.forms.items():
            self.form_checks[form] = w.Checkbox(value=False, description=label, indent=False, layout=w.Layout(width="auto"))
            boxes.append(self.form_checks[form])
        self.form_checks[NO_FORM] = w.Checkbox(value=False, indent=False, layout=w.Layout(width="auto"),
                                               description="Таблицы 3.1–3.2 не называют форму (нет строки или нет таблицы)")
        boxes.append(self.form_checks[NO_FORM])
        self.ripso_text = w.Text(placeholder="например: 1, 4", layout=w.Layout(width="16em"))
        boxes += [_label("Номера РИПСО", "через запятую; пусто, если форма не названа"), self.ripso_text]
        self.error = w.HTML()
        self.submit_button = w.Button(description="Отправить ответ", button_style="success", icon="check")
        self.submit_button.on_click(lambda _: self.submit())
        self.reveal_button = w.Button(description="Показать эталон", icon="eye")
        self.reveal_button.on_click(lambda _: self.reveal())
        self.reveal_button.layout.display = "none" if self.session.plan.hide_reference else None
        self.reference_box = w.HTML()
        self.feedback = w.HTML()
        last = index + 1 >= len(self.session.cases)
        self.next_button = w.Button(description="Итоги занятия" if last else "Следующий случай", icon="arrow-right")
        self.next_button.on_click(lambda _: self.next())
        self.next_button.layout.display = "none"
        boxes += [w.HBox([self.submit_button, self.reveal_button]), self.error, self.reference_box, self.feedback,
                  self.next_button]
        self.case_box.children = boxes

    def fill(self, answer: dict) -> None:
        """Set the controls as a trainee's clicks would: {"scores": {...}, "forms": [...], "ripso": "1, 4",
        "early_help": [...]}."""
        for key, value in answer.get("scores", {}).items():
            self.item_controls[key].value = value
        for form, box in self.form_checks.items():
            box.value = form in answer.get("forms", [])
        for n, box in self.early_checks.items():
            box.value = n in answer.get("early_help", [])
        ripso = answer.get("ripso", "")
        self.ripso_text.value = ripso if isinstance(ripso, str) else ", ".join(str(n) for n in ripso)

    def answer(self) -> dict:
        return {"scores": {k: c.value for k, c in self.item_controls.items()},
                "forms": [f for f, box in self.form_checks.items() if box.value],
                "ripso": self.ripso_text.value,
                "early_help": [n for n, box in self.early_checks.items() if box.value]}

    def reveal(self) -> None:
        try:
            self.reference_box.value = self.session.reveal(self.entry.id)
        except KitError as err:
            self.reference_box.value = f"<p class='tr-error'>{_e(err.message)}</p>"

    def submit(self) -> dict | None:
        answer = self.answer()
        problems = answer_problems(self.entry, answer)
        if problems:
            self.error.value = "<div class='tr-error' role='alert'>" + "<br>".join(_e(p) for p in problems) + "</div>"
            return None
        self.error.value = ""
        try:
            fb = self.session.submit(self.entry.id, answer)
        except OSError as err:     # the results folder is not writable: the answer is still shown
            self.error.value = f"<div class='tr-error'>Результат не сохранён в файл: {_e(err)}</div>"
            fb = self.session.feedback[self.entry.id]
        self.feedback.value = feedback_html(fb)
        self.reference_box.value = ""
        for control in list(self.item_controls.values()) + list(self.form_checks.values()) + \
                list(self.early_checks.values()) + [self.ripso_text, self.submit_button, self.reveal_button]:
            control.disabled = True
        self.next_button.layout.display = None
        return fb

    def next(self) -> None:
        if self.index + 1 < len(self.session.cases):
            self.show_case(self.index + 1)
        else:
            self.finish()

    def finish(self) -> str:
        self.case_box.children = []
        s = self.session
        filename = f"{s.plan.id}-{s.path.stem if s.path else 'results'}.csv"
        self.summary.value = (s.summary_html()
                              + f"<p><small>Ваши ответы сохранены анонимно ({_e(s.trainee)}); преподаватель видит "
                              "итоги группы.</small></p>"
                              + download_link_html(s.csv_text(), filename, "Скачать мои результаты (CSV)"))
        return self.summary.value


# --- 3. the route of a case --------------------------------------------------------------------------------

# The steps of sections 3-5 of the Порядок in the order a case goes; `deadline` names data/deadlines.toml.
ROUTE = (
    {"step": "Заявление и документы", "short": "заявление", "deadline": None,
     "paragraph": "п. 3.1", "seed_line": 195,
     "document": "Заявление по форме приложения N 1 к Порядку с документами раздела 3"},
    {"step": "Обследование условий жизнедеятельности", "short": "акт обследования", "deadline": "survey",
     "paragraph": "пп. 4.3, 4.9", "seed_line": 401,
     "document": "Акт обследования (приложение N 1 к Заключению)"},
    {"step": "Заключение об индивидуальной потребности", "short": "заключение", "deadline": "conclusion",
     "paragraph": "п. 4.10", "seed_line": 419,
     "document": "Заключение по форме 1, 2 или 3 (приложение N 3 к Порядку) с оценкой по шкалам и таблицами 3.1–3.3"},
    {"step": "Решение о признании нуждающимся (или об отказе)", "short": "решение", "deadline": "decision",
     "paragraph": "п. 5.4", "seed_line": 447,
     "document": "Распоряжение Учреждения или уведомление об отказе"},
    {"step": "Индивидуальная программа (ИППСУ)", "short": "ИППСУ", "deadline": "programme",
     "paragraph": "п. 5.5", "seed_line": 451,
     "document": "ИППСУ в двух экземплярах; один передаётся гражданину"},
    {"step": "Передача программы гражданину", "short": "ИППСУ гражданину", "deadline": "programme_handover",
     "paragraph": "п. 5.5, абз. 2", "seed_line": 453,
     "document": "Экземпляр ИППСУ гражданину или законному представителю"},
    {"step": "Информирование заявителя о решении", "short": "уведомление", "deadline": "notification",
     "paragraph": "п. 5.6", "seed_line": 455,
     "document": "Письменно или в электронной форме"},
)
WEEKDAYS = ("пн", "вт", "ср", "чт", "пт", "сб", "вс")


def route(applied: date, decided: date | None = None, programme_end: date | None = None) -> dict:
    """The route of a case with the deadlines of sections 4-5 (and 8 when the programme's end is given)."""
    from socmethod.procedure.deadlines import procedure_deadlines
    plan = procedure_deadlines(applied, decided, programme_end)
    by_id = {d["id"]: d for d in plan["deadlines"]}
    steps = []
    for step in ROUTE:
        d = by_id.get(step["deadline"]) if step["deadline"] else None
        steps.append({**step, "due": d})
    later = [by_id[k] for k in ("revision", "provider_conclusion", "provider_request") if k in by_id]
    return {"applied": applied, "decided": decided, "steps": steps, "later": later, "urgent": by_id.get("urgent_referral"),
            "warnings": plan["warnings"], "calendar": plan["calendar"]}


def days_strip_html(start: date, end: date, marks: dict[date, list[str]]) -> str:
    """Calendar days from `start` to `end`: days off greyed, deadline days framed with their steps."""
    from socmethod.procedure.deadlines import is_working_day
    cells = []
    d = start
    while d <= end:
        cls = "tr-day" + ("" if is_working_day(d) else " tr-day-off") + (" tr-day-mark" if d in marks else "")
        label = "<br>".join(_e(m) for m in marks.get(d, []))
        cells.append(f"<div class='{cls}'><b>{d.day:02d}.{d.month:02d}</b> {WEEKDAYS[d.weekday()]}"
                     + (f"<br><small>{label}</small>" if label else "") + "</div>")
        d += timedelta(days=1)
    return "<div class='tr-days'>" + "".join(cells) + "</div>"


def route_html(applied: date, decided: date | None = None, programme_end: date | None = None) -> str:
    r = route(applied, decided, programme_end)
    parts = [f"<p>Заявление подано <b>{_e(date_ru(applied))}</b>"
             + (f", решение принято <b>{_e(date_ru(decided))}</b>" if decided else "") + ".</p>"]
    marks: dict[date, list[str]] = defaultdict(list)
    marks[applied].append("заявление")
    for n, s in enumerate(r["steps"], start=1):
        d = s["due"]
        when = ""
        if d:
            origin = d["counted_from"]
            how = ("дата указана" if origin["source"] == "указана"
                   else "последний допустимый день предыдущего шага, раз фактическая дата не указана")
            when = (f"<br><b>Срок: не позднее {_e(d['date_text'])}</b> — {_e(d['rule'])}; отсчёт от события "
                    f"«{_e(origin['title'].lower())}»: {_e(date_ru(date.fromisoformat(origin['date'])))} ({how})"
                    + ("; ограничено десятым рабочим днём со дня заявления" if d.get("capped") else "")
                    + f"<br><small>«{_e(d['basis']['quote'])}» ({_e(d['basis']['paragraph'])}, стр. {d['basis']['seed_line']})</small>"
                    + (f"<br><small class='tr-muted'>{_e(d['approximate_reason'])}</small>" if d.get("approximate") else ""))
            marks[date.fromisoformat(d["date"])].append(s["short"])
        else:
            when = f"<br><b>{_e(date_ru(applied))}</b>"
        parts.append(f"<div class='tr-step'><b>{n}. {_e(s['step'])}</b> <small>({_e(s['paragraph'])}, стр. {s['seed_line']})</small>"
                     f"<br>Документ: {_e(s['document'])}{when}</div>")
    last = max(marks)
    parts.append("<h4>Рабочие дни</h4>" + days_strip_html(applied, last + timedelta(days=1), marks)
                 + "<p><small>Серым — выходные и нерабочие праздничные дни производственного календаря; рамкой — "
                 "последние дни сроков. " + _e(r["calendar"]["counting"]) + "</small></p>")
    if r["urgent"]:
        u = r["urgent"]
        parts.append(f"<p><b>Срочные социальные услуги</b> ({_e(u['basis']['paragraph'])}): направление — "
                     f"{_e(u['date_text'])}, в день обращения; программа не составляется.</p>")
    for d in r["later"]:
        parts.append(f"<p><b>{_e(d['title'])}</b> ({_e(d['basis']['paragraph'])}): {_e(d['date_text'])} — {_e(d['rule'])}.</p>")
    for text in r["warnings"]:
        parts.append(f"<p class='tr-error'>{_e(text)}</p>")
    return "".join(parts)


class RouteView:
    """Pick an application date (and, if known, the decision date): the route with its deadlines."""

    def __init__(self, applied: date | None = None):
        w = _widgets()
        self.applied = w.DatePicker(value=applied or date.today())
        self.decided = w.DatePicker(value=None)
        self.programme_end = w.DatePicker(value=None)
        self.output = w.HTML()
        for control in (self.applied, self.decided, self.programme_end):
            control.observe(lambda _: self.update(), names="value")
        self.page = w.VBox([w.HTML(STYLE), _label("Дата подачи заявления и документов"), self.applied,
                            _label("Дата решения", "если уже известна; иначе сроки считаются от последнего допустимого дня"),
                            self.decided, _label("Окончание срока действия программы", "необязательно: сроки раздела 8"),
                            self.programme_end, self.output], layout=w.Layout(max_width="960px"))
        self.page.add_class("tr-page")
        self.update()

    def update(self) -> None:
        if self.applied.value is None:
            self.output.value = "<p>Выберите дату подачи заявления.</p>"
            return
        try:
            self.output.value = route_html(self.applied.value, self.decided.value, self.programme_end.value)
        except KitError as err:
            self.output.value = f"<p class='tr-error' role='alert'>{_e(err.message)} {_e(err.fix)}</p>"


# --- trainer mode ------------------------------------------------------------------------------------------

def rule_label(rule_id: str) -> str:
    rs = bundled_ruleset()
    for t in rs.tables.values():
        for row in t.rows:
            if row.id == rule_id:
                return f"{rule_id} — {rs.forms[row.form]} (стр. {row.seed_line})"
    return rule_id


class TrainerView:
    """The trainer's page: choose the session's cases (category, difficulty, kind, table row), hide the
    reference until an answer is sent, make the session current; then watch results and export CSV."""

    def __init__(self, directory: str | Path | None = None, bank=None):
        w = _widgets()
        rs = bundled_ruleset()
        self.directory = Path(directory) if directory else results_dir()
        self.bank = list(bank if bank is not None else bundled_case_bank())
        present = list(dict.fromkeys(e.category for e in self.bank))
        self.category_checks = {c: w.Checkbox(value=False, description=rs.categories[c]["label"], indent=False,
                                              layout=w.Layout(width="auto")) for c in rs.categories if c in present}
        self.difficulty_checks = {d: w.Checkbox(value=False, description=DIFFICULTY_LABELS[d], indent=False,
                                                layout=w.Layout(width="auto")) for d in DIFFICULTIES}
        self.tag_select = w.SelectMultiple(options=[(v, k) for k, v in TAG_LABELS.items()], rows=4,
                                           layout=w.Layout(width="28em"))
        self.rule_select = w.SelectMultiple(options=[(rule_label(r), r) for r in rules_in_bank(self.bank)], rows=8,
                                            layout=w.Layout(width="40em"))
        self.case_checks: dict[str, object] = {}
        self.cases_box = w.VBox(layout=w.Layout(max_height="24em", overflow="auto", border="1px solid #ddd"))
        self.count_html = w.HTML()
        self.all_button = w.Button(description="Отметить все", layout=w.Layout(width="auto"))
        self.all_button.on_click(lambda _: self._check_all(True))
        self.none_button = w.Button(description="Снять все", layout=w.Layout(width="auto"))
        self.none_button.on_click(lambda _: self._check_all(False))
        self.hide_reference = w.Checkbox(value=True, description="Скрывать эталон до отправки ответа", indent=False,
                                         layout=w.Layout(width="auto"))
        self.session_name = w.Text(value=f"zanyatie-{date.today().isoformat()}", layout=w.Layout(width="20em"))
        self.session_title = w.Text(value="", placeholder="например: Пожилые граждане, таблица 3.1",
                                    layout=w.Layout(width="30em"))
        self.save_button = w.Button(description="Начать занятие с этими случаями", button_style="primary", icon="play",
                                    layout=w.Layout(width="auto"))
        self.save_button.on_click(lambda _: self.save())
        self.plan_status = w.HTML()
        for control in [*self.category_checks.values(), *self.difficulty_checks.values(), self.tag_select, self.rule_select]:
            control.observe(lambda _: self.refilter(), names="value")
        url = os.environ.get("SOCMETHOD_CLASSROOM_URL", "")
        address = (f"<p>Адрес для слушателей: <code>{_e(url)}</code></p>" if url else "")
        self.setup = w.VBox([
            w.HTML(STYLE + "<h3>1. Подготовка занятия</h3>" + address),
            _label("Категории", "ничего не отмечено — все"), w.HBox(list(self.category_checks.values()),
                                                                   layout=w.Layout(flex_flow="row wrap")),
            _label("Сложность", "ничего не отмечено — любая"), w.HBox(list(self.difficulty_checks.values())),
            _label("Что тренируем", "Ctrl/Shift — несколько; ничего — всё"), self.tag_select,
            _label("Строки таблиц", "случаи, которые решает выбранная строка"), self.rule_select,
            self.count_html, w.HBox([self.all_button, self.none_button]), self.cases_box, self.hide_reference,
            _label("Код занятия", "латиница, цифры, дефисы: под ним сохраняются результаты"), self.session_name,
            _label("Название занятия (видят слушатели)"), self.session_title, self.save_button, self.plan_status])
        self.session_select = w.Dropdown(options=list_sessions(self.directory), layout=w.Layout(width="20em"))
        self.refresh_button = w.Button(description="Обновить", icon="refresh")
        self.refresh_button.on_click(lambda _: self.refresh())
        self.export_button = w.Button(description="Выгрузить CSV", icon="download")
        self.export_button.on_click(lambda _: self.export())
        self.report = w.HTML()
        self.export_html = w.HTML()
        self.session_select.observe(lambda _: self.refresh(), names="value")
        self.results = w.VBox([w.HTML("<h3>2. Результаты группы</h3>"), _label("Занятие"),
                               w.HBox([self.session_select, self.refresh_button, self.export_button]),
                               self.export_html, self.report])
        self.page = w.VBox([self.setup, self.results], layout=w.Layout(max_width="1100px"))
        self.page.add_class("tr-page")
        self.refilter()
        self.refresh()

    def filters(self) -> dict:
        return {"categories": [c for c, b in self.category_checks.items() if b.value],
                "difficulties": [d for d, b in self.difficulty_checks.items() if b.value],
                "tags": list(self.tag_select.value), "rules": list(self.rule_select.value)}

    def set_filters(self, categories=(), difficulties=(), tags=(), rules=()) -> None:
        for c, box in self.category_checks.items():
            box.value = c in categories
        for d, box in self.difficulty_checks.items():
            box.value = d in difficulties
        self.tag_select.value = tuple(tags)
        self.rule_select.value = tuple(rules)
        self.refilter()

    def refilter(self) -> None:
        w = _widgets()
        chosen = select_cases(self.bank, **self.filters())
        # A short list is the trainer's choice already; from a long one they pick 4-5 themselves.
        preselect = len(chosen) <= AUTO_SELECT
        self.case_checks = {}
        boxes = []
        for e in chosen:
            tags = ", ".join(TAG_LABELS[t] for t in e.tags)
            label = f"{e.id} · {DIFFICULTY_LABELS[e.difficulty]} · {e.title}" + (f" · {tags}" if tags else "")
            box = w.Checkbox(value=preselect, indent=False, layout=w.Layout(width="auto"), description=label)
            box.observe(lambda _: self._count(), names="value")
            self.case_checks[e.id] = box
            boxes.append(box)
        self.cases_box.children = boxes
        self._count()

    def _check_all(self, value: bool) -> None:
        for box in self.case_checks.values():
            box.value = value

    def chosen_cases(self) -> list[str]:
        return [c for c, box in self.case_checks.items() if box.value]

    def _count(self) -> None:
        n = len(self.chosen_cases())
        self.count_html.value = (f"<p>Подходит случаев: {len(self.case_checks)}; отмечено: <b>{n}</b> "
                                 f"(≈ {n * MINUTES_PER_CASE} мин; на 30 минут — 3–4 случая: ещё нужно время на "
                                 "методику и разбор).</p>")

    def save(self) -> SessionPlan | None:
        plan = SessionPlan(self.session_name.value, self.chosen_cases(), self.hide_reference.value,
                           self.session_title.value.strip())
        try:
            path = save_plan(plan, self.directory)
        except KitError as err:
            self.plan_status.value = f"<p class='tr-error' role='alert'>{_e(err.message)} {_e(err.fix)}</p>"
            return None
        self.plan_status.value = (f"<p class='tr-ok'>Занятие «{_e(plan.id)}» начато: {len(plan.case_ids)} случаев, эталон "
                                  f"{'скрыт до ответа' if plan.hide_reference else 'можно открыть до ответа'}. Слушатели "
                                  f"открывают страницу «Практика» и нажимают «Начать».</p><p><small>{_e(path)}</small></p>")
        self.session_select.options = list_sessions(self.directory)
        self.session_select.value = plan.id
        return plan

    def refresh(self) -> None:
        sessions = list_sessions(self.directory)
        if list(self.session_select.options) != sessions:
            keep = self.session_select.value
            self.session_select.options = sessions   # a trainee's first answer may have made a new folder
            self.session_select.value = keep if keep in sessions else (sessions[0] if sessions else None)
            return                                   # the value observer refreshes
        session_id = self.session_select.value
        if not session_id:
            self.report.value = "<p>Занятий с результатами пока нет.</p>"
            return
        rows, warnings = read_results(self.directory / session_id)
        self.report.value = group_report_html(rows, warnings)

    def export(self) -> Path | None:
        """All trainees' rows of the session as one CSV: saved beside them and offered for download."""
        session_id = self.session_select.value
        if not session_id:
            self.export_html.value = "<p class='tr-error'>Выберите занятие.</p>"
            return None
        rows, _ = read_results(self.directory / session_id)
        text = _csv_text([r for r in rows if r.get("kind") != "started"])
        path = self.directory / session_id / f"itogi-{session_id}.csv"
        _write_atomic(path, text, encoding="utf-8-sig")
        self.export_html.value = (download_link_html(text, path.name) +
                                  f" <small>Сохранено: {_e(path)}</small>")
        return path
