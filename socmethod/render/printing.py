"""Printable documents of order 405-р: the Conclusion (Form 1) filled from a case and its result, with the
scales of its Appendix 1 (1.2, 1.3) and the criteria of its Appendix 3; the application (Appendix 1 to the
procedure) pre-filled with the form of service and the circumstances; the provider's conclusion on a
programme's execution (Appendix 5) as a blank form.

The skeletons are Jinja2 templates (templates/forms/), the seed's words are data (data/forms/*.toml,
each with its line, loaded by socmethod.render.forms), and what the rule data says (table headings and
columns, forms of service, value labels) comes from the rule set in force, so `rules` and `readings`
reach every printed word that depends on them. Names, addresses, dates, signatures and documents are
left blank: the kit never holds personal data. PDF: socmethod.render.pdf.
"""
from __future__ import annotations

import re

from socmethod.core.engine import assess, ruleset_of
from socmethod.core.errors import KitError
from socmethod.core.scales import SCALE_NAMES, scale
from socmethod.procedure.documents import load_documents
from socmethod.render import render
from socmethod.render.forms import file_name, load_form

_CODE_LIKE = re.compile(r"^[a-z][a-z0-9_]*$")
_VOWELS = set("аеёиоуыэюяАЕЁИОУЫЭЮЯ")
_WORD = re.compile(r"[А-Яа-яЁё]{12,}")

# Relative column widths of the criteria tables: the form-and-РИПСО column and the long-worded criteria
# get more room, so the narrow A4 table stays readable.
COLUMN_WEIGHT = {"impairment": 2.0, "ipra_social_rehabilitation": 1.7, "lonely_or_no_care": 1.4,
                 "carer_absent": 1.4, "family_conflict": 1.3, "medical_indications": 1.2}
DEFAULT_WEIGHT = 1.1
FORMS_WEIGHT = 3.4


# --- the Conclusion (Form 1) --------------------------------------------------------------------------------

def conclusion_html(case: dict, result: dict | None = None, *, readings: dict | None = None, rules=None,
                    appendices: bool = True) -> str:
    """The Conclusion (Form 1 of Appendix 3) filled from `case` and its `result` (`assess(case, readings,
    rules)` when not given), with the scales 1.2/1.3 of its Appendix 1 and the matched rows of its
    Appendix 3 (`appendices=False`: the Form alone). `rules`: a rule set or its directory (default: the
    bundled one); a given `result` must come from the same rules. Raises KitError for a case that is
    refused, or one whose category has another form (minor, family)."""
    ruleset = ruleset_of(rules)
    form = load_form("form1")
    if not isinstance(case, dict):
        raise KitError("not_an_object", value=type(case).__name__)
    if result is None:
        result = assess(case, readings, ruleset)
    elif "error" in result:
        raise KitError("bad_argument", "result", value=result["error"].get("message", "результат с ошибкой"),
                       allowed="Передайте результат socmethod.assess для этого случая.")
    category = result.get("category") or case.get("category")
    if category not in ruleset.categories:
        raise KitError("bad_value", "category", value=category, allowed=list(ruleset.categories))
    other = form["other_forms"].get(category)
    if other:
        raise KitError("bad_argument", "category",
                       value=f"{ruleset.value_label('category', category)}: заключение по форме 1 не составляется",
                       allowed=f"Форма 1 — для граждан пожилого возраста, инвалидов (детей-инвалидов), детей раннего "
                               f"возраста и граждан без определенного места жительства; для этой категории заключение "
                               f"составляется по другой форме — «{other['text']}» (405-р, приложение 3, стр. "
                               f"{other['seed_line']}).")

    subject = as_tables_see_it(case, result, category)
    lines = [{"text": line["text"], "ticked": bool(line.get("when")) and
              all(subject.get(k) == v for k, v in line["when"].items())} for line in form["categories"]]
    ticked = [line["text"] for line in lines if line["ticked"]]
    if len(ticked) == 1:
        category_text = ticked[0]
    else:
        category_text = form["category_groups"].get(category, ruleset.categories[category].get("label", ""))

    recs = result.get("recommendations", [])
    forms = list(dict.fromkeys(r["form"] for r in recs))
    early = result.get("early_help") or {}
    has_decision_table = any(ruleset.tables[t].kind == "decision" for t in ruleset.categories[category].get("tables", []))
    context = {
        "t": form["text"], "common": load_form("common")["text"], "appendices": appendices,
        "categories": lines,
        "self_care_assessment": _assessment(result.get("self_care")),
        "mobility_assessment": _assessment(result.get("mobility")),
        "recommended_forms": "; ".join(ruleset.forms.get(f, f) for f in forms),
        "category_text": category_text,
        "ripso_numbers": "; ".join(
            ", ".join(str(n) for n in _numbers_of(recs, f)) + (f" ({ruleset.forms.get(f, f)})" if len(forms) > 1 else "")
            for f in forms),
        "notes": {"several_rows": len(forms) > 1 or len(recs) > 1,
                  "early": early if early.get("verdict") in ("needed", "not_needed") or early.get("reason") else None,
                  "early_criteria": ", ".join(str(c["criterion"]) for c in early.get("criteria", [])),
                  "result_note": result.get("note") if not recs else None,
                  "no_row_matched": not recs and has_decision_table and not result.get("note"),
                  "depends_on": bool(result.get("depends_on"))},
        "scales": _scales(case, result, ruleset, category, form) if appendices else None,
        "criteria": _criteria(case, result, ruleset, category, form) if appendices else None,
        "footer": _footer(result, ruleset),
    }
    return render("forms/conclusion_form1.html.j2", **context)


def _numbers_of(recs: list[dict], form: str) -> list[int]:
    return list(dict.fromkeys(n for r in recs if r["form"] == form for n in r["ripso"]))


def _points(n: int) -> str:
    """«1 балл», «2 балла», «16 баллов»."""
    if n % 10 == 1 and n % 100 != 11:
        word = "балл"
    elif n % 10 in (2, 3, 4) and n % 100 not in (12, 13, 14):
        word = "балла"
    else:
        word = "баллов"
    return f"{n} {word}"


def _assessment(sc: dict | None) -> str:
    """What Form 1 writes after «Оценки способности …» (lines 820, 822): degree, band, points of the maximum."""
    if not sc:
        return ""
    return f"{sc['degree']} — {sc['band']} ({_points(sc['points'])} из {sc['max_points']})"


def _scales(case: dict, result: dict, ruleset, category: str, form: dict) -> dict:
    """Appendix 1: each scale with the case's scores, total and degree; empty scales for a category the
    methodology scores on paper only; a note for one it does not score on them."""
    spec = ruleset.categories[category]
    if category in form["unscored"]:
        return {"note": form["unscored"][category]}
    blank = spec.get("scales") is None        # e.g. homeless: the commission scores on paper
    variant = spec.get("scales") or "adult"
    if variant not in form["variants"]:
        raise KitError("missing_key", f"variants.{variant}", where=file_name("form1"),
                       allowed="заголовок расчета для этого варианта шкал")
    scales = []
    for name in SCALE_NAMES:
        sc = scale(name, variant)
        scores = case.get(name) if isinstance(case.get(name), dict) and not blank else {}
        res = None if blank else result.get(name)
        scales.append({
            "name": name, "text": form["scales"][name],
            "levels": [{"points": _points(i), "text": level} for i, level in enumerate(sc.levels)],
            "rows": [{"text": item["text"], "score": scores.get(item["key"], "")} for item in sc.items],
            "total": res["points"] if res else "",
            "bands": [{"points": b.low if b.low == b.high else f"{b.low}-{b.high}", "degree": b.degree, "text": b.text,
                       "hit": bool(res) and res["degree"] == b.degree} for b in sc.bands],
            "final": f"{res['degree']} — {res['band']}" if res else ""})
    return {"note": None, "variant": form["variants"][variant], "blank": blank, "list": scales}


def _criteria(case: dict, result: dict, ruleset, category: str, form: dict) -> dict:
    """Appendix 3: for each decision table of the category, the table the commission fills (headed as the
    seed heads it, with the case's values) and the rows that matched or depend on an unknown answer."""
    spec = ruleset.categories[category]
    readings = result.get("readings") or ruleset.default_readings()
    words = form["cell_words"]
    tables = []
    for tid in list(spec.get("tables", [])) + list(spec.get("optional_tables", [])):
        table = ruleset.tables[tid]
        if table.kind != "decision":
            continue
        printed = form["criteria"].get(tid, {"marks": {}, "headers": {}, "forms_column": None, "footnotes": None})
        columns = list(table.columns.items())
        headers = [printed["headers"].get(c, s["label"]) for c, s in columns]
        fill_headers = [h + (f" {printed['marks'][c]}" if c in printed["marks"] else "") for h, (c, _s) in zip(headers, columns)]
        fill_cells = [_case_cell(s, as_tables_see_it(case, result, category), result, category, ruleset, words)
                      for _c, s in columns]
        rows, caveats = [], []
        entries = [(r, None) for r in result.get("recommendations", []) if r.get("table") == tid]
        entries += [(d, d.get("when")) for d in result.get("depends_on", []) if d.get("table") == tid]
        for entry, when in entries:
            row = _find_row(table, entry["rule"], readings)
            rows.append({"rule": entry["rule"],
                         "cells": [_cell_text(row.cells[c], s, words) if row is not None else "" for c, s in columns],
                         "forms": _form_with_numbers(entry, row, ruleset, category, form),
                         "condition": ", ".join(f"{ruleset.fields.get(k, {}).get('label', k)} — {ruleset.value_label(k, v)}"
                                                for k, v in when.items()) if when else ""})
            if entry.get("caveat") and entry["caveat"] not in caveats:
                caveats.append(entry["caveat"])
        if printed["footnotes"] is None:      # a table the form does not know: its markers' own words
            footnotes = [f"{m} {s['text']}" for m, s in table.markers.items() if s.get("text")]
        else:
            footnotes = [f["text"] if "text" in f else f"{f['marker']} {table.markers[f['marker']]['text']}"
                         for f in printed["footnotes"] if "text" in f or f["marker"] in table.markers]
        weights = [COLUMN_WEIGHT.get(c, DEFAULT_WEIGHT) for c, _s in columns]
        tables.append({
            "heading": table.title,
            "fill_headers": [_soft_hyphens(h) for h in fill_headers], "fill_cells": fill_cells,
            "fill_widths": _widths(weights), "unknown": "?" in fill_cells,
            "headers": [_soft_hyphens(h) for h in headers],
            "forms_header": _soft_hyphens(printed["forms_column"] or form["text"]["forms_column"]),
            "widths": _widths(weights + [FORMS_WEIGHT]),
            "rows": rows, "caveats": caveats, "footnotes": footnotes})
    early = None
    if result.get("early_help") is not None:
        found = result["early_help"]
        held = {c["criterion"] for c in found.get("criteria", [])}
        table = ruleset.tables[found.get("table", "3.3")]
        early = {"heading": table.title, "reason": found.get("reason"),
                 "rows": [{"number": r.criterion, "text": r.text, "held": r.criterion in held} for r in table.rows]}
    return {"tables": tables, "early": early, "note": result.get("note")}


def _widths(weights: list[float]) -> list[str]:
    total = sum(weights)
    return [f"{100 * w / total:.1f}" for w in weights]


def _cell_text(cell, column_spec: dict, words: dict) -> str:
    """A criterion cell as the seed writes it: values in the table's words, or V with its footnote marker."""
    if column_spec["kind"] == "set":
        own = words.get(column_spec["field"], {})
        return ", ".join(own.get(str(v), str(v)) for v in cell.values)
    return cell.raw


def as_tables_see_it(case: dict, result: dict, category: str) -> dict:
    """The case with the keys the engine derived from the survey act's answers (a kind of impairment from
    `impairments`, loneliness from who the person lives with): the Form's boxes and cells speak of those."""
    derived = {key: d["value"] for key, d in result.get("derived", {}).items()}
    return {**case, **derived, "category": category}


def _case_cell(column_spec: dict, case: dict, result: dict, category: str, ruleset, words: dict) -> str:
    """The case's own value in a column of the table the commission fills: «?» where the case does not say."""
    if column_spec["kind"] == "set":
        field = column_spec["field"]
        if column_spec.get("categories") and category not in column_spec["categories"]:
            return "—"
        if ruleset.fields[field]["kind"] == "scale":
            sc = result.get(field)
            return str(sc["degree"]) if sc else "?"
        value = case.get(field)
        if value is None:
            return "?"
        values = value if isinstance(value, (list, tuple)) else [value]     # a person the text places twice
        return ", ".join(words.get(field, {}).get(str(v), str(v)) for v in values)
    values = [case.get(f) for f in column_spec["fields"]]
    if True in values:
        return "V"
    return "?" if None in values else ""


def _find_row(table, rule_id: str, readings: dict):
    rows = [r for r in table.rows if r.id == rule_id]
    active = [r for r in rows if r.applies_when is None or readings.get(r.applies_when[0]) == r.applies_when[1]]
    return (active or rows or [None])[0]


def _form_with_numbers(entry: dict, row, ruleset, category: str, form: dict) -> str:
    """A matched row's form of service with its РИПСО numbers, a conditional number with its condition."""
    numbers = list(entry.get("ripso", []))
    conditional = {n.number: n.condition for n in row.ripso.get(category, ()) if n.condition} if row is not None else {}
    shown = []
    for n in numbers:
        cond = conditional.get(n)
        if cond:
            cond = form["ripso_conditions"].get(cond) or ruleset.fields.get(cond, {}).get("label", cond)
        shown.append(f"N {n}" + (f" ({cond})" if cond else ""))
    name = ruleset.forms.get(entry["form"], entry["form"])
    if not shown:
        return name
    # The seed writes «на дому (N 1)» (3.1) and «на дому N 23, N 30 (при …)» (3.2).
    return f"{name} {', '.join(shown)}" if any(conditional.get(n) for n in numbers) else f"{name} ({', '.join(shown)})"


def _footer(result: dict, ruleset) -> dict:
    """What the kit says it did: the rule set, the readings in force (those not by default marked), the rows."""
    defaults = ruleset.default_readings()
    return {"rule_set": result.get("rule_set") or ruleset.info(),
            "readings": [{"name": k, "option": v, "default": defaults.get(k) == v}
                         for k, v in (result.get("readings") or {}).items()],
            "rows": [{"rule": r["rule"], "seed_line": r["seed_line"]} for r in result.get("recommendations", [])]}


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


# --- the application (Appendix 1) and the provider's conclusion (Appendix 5) --------------------------------

def application_circumstances() -> dict[str, dict]:
    """The circumstances an application can name: Appendix 2 to the Conclusion, Form 1 (data/documents.toml,
    lines 1090-1099), code -> {text, seed_line}; the text without its footnote markers (<1>, <2>), which
    belong to the documents table, not to the application."""
    form1 = load_documents()["form1"]
    result = {}
    for c in form1["circumstances"]:
        text = c["title"]
        for note in c.get("footnotes", []):
            text = text.replace(f" {form1['footnotes'][note]['marker']}", "")
        result[c["id"]] = {"text": text, "seed_line": c["seed_line"]}
    return result


def application_html(forms: list[str], circumstances: list[str], *, rules=None) -> str:
    """The application for social services (Appendix 1, form of order 159н) with the form(s) of service and
    the circumstances filled in; everything personal is left blank. `forms`: codes of the rule set's forms
    (home, day_care_up_to_4h, …), named as `rules` (default: the bundled rule set) names them;
    `circumstances`: codes of `application_circumstances()` or the applicant's own words (any text that is
    not a lower-case code)."""
    ruleset = ruleset_of(rules)
    form = load_form("application")
    names = []
    for f in forms or []:
        if f not in ruleset.forms:
            raise KitError("bad_value", "form", value=f, allowed=list(ruleset.forms))
        names.append(ruleset.forms[f])
    known = application_circumstances()
    allowed = list(known) + ["или текст обстоятельства"]
    lines = []
    for c in circumstances or []:
        if not isinstance(c, str) or not c.strip():
            raise KitError("bad_value", "circumstance", value=c, allowed=allowed)
        c = c.strip()
        code = form["circumstance_aliases"].get(c, c)
        if code in known:
            lines.append(known[code]["text"])
        elif _CODE_LIKE.match(c):
            raise KitError("bad_value", "circumstance", value=c, allowed=allowed)
        else:
            lines.append(c)
    return render("forms/application.html.j2", t=form["text"], common=load_form("common")["text"],
                  footnotes=form["footnotes"], forms=", ".join(names), circumstances=lines)


def provider_conclusion_html() -> str:
    """The provider's conclusion on the execution of an individual programme (Appendix 5), blank: nothing
    in it depends on a case, the rule set or the readings."""
    form = load_form("provider_conclusion")
    return render("forms/provider_conclusion.html.j2", t=form["text"], common=load_form("common")["text"],
                  fields=form["fields"], evaluations=form["evaluations"])
