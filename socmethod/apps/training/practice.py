"""Practice: the items a trainee scores for a case, the reference answer, the comparison of an answer
with it item by item (the seed's wording of both levels, the bank's note on why), and the feedback."""
from __future__ import annotations

import json
import re
from functools import lru_cache

from socmethod.apps.training.method import band_of
from socmethod.apps.training.words import field_label, item_short, needs_text, scale_short, value_text
from socmethod.core.engine import assess
from socmethod.core.errors import KitError
from socmethod.core.ruleset import bundled_ruleset
from socmethod.core.scales import SCALE_NAMES, scale
from socmethod.io.casebank import BankCase
from socmethod.render import render

NO_FORM = "none"      # the trainee's answer «Таблицы не называют форму»


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
                          "text": item["text"], "label": f"{scale_short(name)}: {item_short(item['text'])}",
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


def forms_and_ripso(result: dict) -> tuple[list[str], list[int]]:
    recs = result.get("recommendations", [])
    forms = list(dict.fromkeys(r["form"] for r in recs))
    ripso = sorted({n for r in recs for n in r["ripso"]})
    return forms, ripso


def early_reference(result: dict) -> list[int] | None:
    early = result.get("early_help")
    if early is None:
        return None
    return sorted(c["criterion"] for c in early.get("criteria", []))


def asks_early_help(entry: BankCase) -> bool:
    return early_reference(reference_result(entry)) is not None


def parse_ripso(text) -> list[int]:
    """РИПСО numbers as a trainee types them: "1, 4", "N 1; N 4", "№17 18". Empty means none."""
    if isinstance(text, (list, tuple, set)):
        numbers = list(text)
    else:
        tokens = [t for t in re.split(r"[,;\s]+", str(text or "").replace("№", " ").replace("N", " ")
                                      .replace("n", " ")) if t]
        numbers = []
        for t in tokens:
            if not (t.isascii() and t.isdigit()):      # «²» passes isdigit, not int()
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
    rs = bundled_ruleset()
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
    variant = rs.categories[entry.category].get("scales")
    for name in SCALE_NAMES:
        if not ref.get(name):
            continue
        given_points = sum(i["given"] for i in items if i["scale"] == name)
        mine, theirs = band_of(name, variant, given_points), band_of(name, variant, ref[name]["points"])
        degrees.append({"scale": name, "label": scale_short(name), "given": mine, "reference": theirs,
                        "correct": mine["degree"] == theirs["degree"]})
    ref_forms, ref_ripso = forms_and_ripso(ref)
    given_forms = [] if NO_FORM in answer["forms"] else [f for f in rs.forms if f in answer["forms"]]
    given_ripso = parse_ripso(answer.get("ripso", ""))
    forms = {"given": given_forms, "reference": ref_forms, "missing": [f for f in ref_forms if f not in given_forms],
             "extra": [f for f in given_forms if f not in ref_forms]}
    forms["correct"] = not forms["missing"] and not forms["extra"]
    ripso = {"given": given_ripso, "reference": ref_ripso, "missing": [n for n in ref_ripso if n not in given_ripso],
             "extra": [n for n in given_ripso if n not in ref_ripso]}
    ripso["correct"] = not ripso["missing"] and not ripso["extra"]
    early = None
    ref_early = early_reference(ref)
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
        f, r = forms_and_ripso(yours_result)
        yours = {"forms": f, "ripso": r, "rules": [x["rule"] for x in yours_result["recommendations"]]}
    facts = [{"key": k, "label": field_label(k), "value": value_text(k, entry.case.get(k)), "note": note}
             for k, note in entry.item_notes.items() if "." not in k and k != "early_help_criteria"]
    correct = forms["correct"] and ripso["correct"] and (early is None or early["correct"])
    return {"case": entry.id, "title": entry.title, "items": items, "degrees": degrees, "forms": forms,
            "ripso": ripso, "early_help": early, "deciding": ref["recommendations"], "depends_on": ref["depends_on"],
            "near_misses": ref["near_misses"], "note": ref.get("note", ""), "yours": yours, "facts": facts,
            "readings": entry.readings, "correct": correct, "reference_seen": reference_seen,
            "items_correct": sum(i["correct"] for i in items), "items_total": len(items)}


def _form_labels(codes) -> list[str]:
    forms = bundled_ruleset().forms
    return [forms[c] for c in codes]


def deciding_rows(fb: dict) -> dict:
    """The row(s) that decide the case as a template reads them: each with its seed line and text as
    written and every criterion in words; rows that depend on an unknown; the nearest rows when none
    decides."""
    rs = bundled_ruleset()
    rows_by_id = {r.id: r for t in rs.tables.values() if t.kind == "decision" for r in t.rows}
    deciding = []
    for rec in fb["deciding"]:
        row = rows_by_id.get(rec["rule"])
        deciding.append({"rule": rec["rule"], "table": rec["table"], "seed_line": rec["seed_line"],
                         "form": rs.forms[rec["form"]], "ripso": rec["ripso"], "raw": row.raw if row else "",
                         "caveat": rec.get("caveat") or "", "note": row.note if row else "",
                         "readings": rs.used_readings_words(rec.get("readings", [])),
                         "criteria": [{"label": c["label"], "value": value_text(c["column"], c["value"]),
                                       "needs": needs_text(c["column"], c["needs"])} for c in rec["criteria"]]})
    depends = [{"rule": d["rule"], "form": rs.forms[d["form"]], "ripso": d["ripso"],
                "when": "; ".join(f"{field_label(k).lower()}: {value_text(k, v)}" for k, v in d["when"].items())}
               for d in fb["depends_on"]]
    # A grouped column ("lives_alone|carer_absent") holds a flag: value_text reads it as да/нет.
    near = [{"rule": m["rule"], "form": rs.forms[m["form"]], "ripso": m["ripso"], "label": m["label"],
             "value": value_text(m["column"], m["value"]), "needs": needs_text(m["column"], m["needs"])}
            for m in fb["near_misses"][:6]]
    gap = not fb["deciding"] and not fb["note"] and (fb["early_help"] is None or bool(fb["near_misses"]))
    return {"deciding": deciding, "depends": depends, "near": near if not fb["deciding"] else [],
            "note": fb["note"] if not fb["deciding"] else "", "gap": gap}


def deciding_rows_html(fb: dict) -> str:
    """The row(s) that decide the case, each with its seed line as written, or why no row does."""
    return render("training/deciding_rows.html.j2", **deciding_rows(fb))


def feedback_html(fb: dict) -> str:
    """The comparison in Russian: verdict, each differing item with the seed's wording of both levels and
    the reference's reasoning, degrees, forms, РИПСО, early help and the deciding row(s)."""
    rs = bundled_ruleset()
    f, y = fb["forms"], fb["yours"]
    forms = {"given": _form_labels(f["given"]), "reference": _form_labels(f["reference"]),
             "missing": _form_labels(f["missing"]), "extra": _form_labels(f["extra"]), "correct": f["correct"]}
    yours = None
    if y is not None and (y["forms"], y["ripso"]) != (f["reference"], fb["ripso"]["reference"]):
        yours = {"forms": _form_labels(y["forms"]), "ripso": y["ripso"]}
    readings = [{"title": rs.readings[k]["title"], "text": rs.readings[k]["options"][v]["text"]}
                for k, v in fb["readings"].items()]
    return render("training/feedback.html.j2", fb=fb, forms=forms, yours=yours, readings=readings,
                  wrong=[i for i in fb["items"] if not i["correct"]],
                  noted=[i for i in fb["items"] if i["correct"] and i["note"]], **deciding_rows(fb))


def reference_html(entry: BankCase) -> str:
    """The reference answer alone (what a trainer may show before a trainee submits)."""
    ref = reference_result(entry)
    forms, ripso = forms_and_ripso(ref)
    items = [{"label": i["label"], "score": entry.case[i["scale"]][i["item"]]} for i in practice_items(entry)]
    return render("training/reference.html.j2", items=items, forms=_form_labels(forms), ripso=ripso,
                  early=early_reference(ref))
