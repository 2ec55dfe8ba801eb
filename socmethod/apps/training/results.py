"""The group's results: every trainee's rows of a session aggregated per trainee, case, item and
decision, and the trainer's report of them."""
from __future__ import annotations

import base64
import csv
import io
import re
from collections import Counter

from socmethod.apps.training.words import value_text
from socmethod.core.ruleset import bundled_ruleset
from socmethod.render import render, ripso_text
from socmethod.render.charts.classroom import wrong_share_chart


def trainee_number(label: str) -> int:
    m = re.search(r"\d+", label)
    return int(m.group()) if m else 0


def aggregate(rows: list[dict]) -> dict:
    """The group's results: per trainee, per case, per item and per decision (degree, forms, РИПСО, early
    help), each with how many answers were wrong."""
    trainees = sorted({r["trainee"] for r in rows}, key=trainee_number)
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


def group_charts(agg: dict, font_size: float | None = None, width_cm: float = 17) -> dict:
    """Where the group went wrong, as charts: per case, per decision (degrees, forms, РИПСО, early help)
    and per scale item (only items someone got wrong)."""
    wrong_items = [e for e in agg["items"] if e["wrong"]]
    return {"cases": wrong_share_chart(agg["cases"], "Случаи: доля неверных решений", font_size=font_size,
                                       width_cm=width_cm),
            "decisions": wrong_share_chart(agg["decisions"], "Решения: степени, формы, РИПСО", font_size=font_size,
                                           width_cm=width_cm),
            "items": wrong_share_chart(wrong_items, "Пункты шкал: доля оценок, не совпавших с эталоном",
                                       font_size=font_size, width_cm=width_cm)}


def group_report_html(rows: list[dict], warnings: list[str] | None = None) -> str:
    """The trainer's view of a session: who answered what, and charts of where the group went wrong."""
    agg = aggregate(rows)
    return render("training/group_report.html.j2", agg=agg, warnings=list(warnings or []),
                  charts=group_charts(agg) if agg["rows"] else {})


def download_link_html(text: str, filename: str, label: str = "Скачать CSV", note: str = "") -> str:
    # The BOM makes Russian Excel read the file as UTF-8.
    payload = base64.b64encode(("\ufeff" + text).encode("utf-8")).decode("ascii")
    return render("training/download_link.html.j2", filename=filename, mime="text/csv;charset=utf-8",
                  payload=payload, label=label, note=note)


# The trainer's export: one row per trainee and case, in words a spreadsheet shows as they are. Scores read
# «7 из 8» and numbers «N 1, N 4»: Excel turns «7/8» into a date and «1,4» into a number.
EXPORT_COLUMNS = ("Занятие", "Слушатель", "Случай", "Название случая", "Пункты шкал верно", "Степени верно",
                  "Формы — ответ", "Формы — эталон", "Формы верно", "РИПСО — ответ", "РИПСО — эталон", "РИПСО верно",
                  "Ранняя помощь — ответ", "Ранняя помощь — эталон", "Итог", "Эталон открыт до ответа")
EXPORT_DELIMITER = ";"           # Russian Excel's list separator


def export_rows(rows: list[dict]) -> list[dict]:
    """The trainees' item rows (read_results) folded into one row per trainee and case."""
    rs = bundled_ruleset()
    answer_words = rs.spec["answer_words"]
    yes_no = {True: answer_words["true"], False: answer_words["false"]}
    cases: dict[tuple[str, str], dict] = {}
    for r in rows:
        if r.get("kind") in (None, "started"):
            continue
        cases.setdefault((r["trainee"], r["case"]), {}).setdefault(r["kind"], []).append(r)

    def forms(text: str) -> str:
        return "; ".join(rs.forms.get(code, code) for code in text.split("|") if code) or "—"

    def numbers(text: str) -> str:
        return ripso_text([int(n) for n in text.split("|") if n.isdigit()]) if text else "—"

    def criteria(text: str) -> str:
        return value_text("early_help_criteria", [int(n) for n in text.split("|") if n.isdigit()])

    out = []
    for (trainee, case_id), kinds in sorted(cases.items(), key=lambda kv: (trainee_number(kv[0][0]), kv[0][1])):
        if "case" not in kinds:
            continue
        case = kinds["case"][0]
        given = case["given"].split("/")
        f, n = kinds["forms"][0], kinds["ripso"][0]
        early = (kinds.get("early_help") or [None])[0]
        out.append({
            "Занятие": case["session"], "Слушатель": trainee, "Случай": case_id, "Название случая": case["title"],
            "Пункты шкал верно": f"{given[0]} из {given[1]}" if len(given) == 2 else case["given"],
            "Степени верно": yes_no[all(int(d["correct"]) for d in kinds.get("degree", []))] if kinds.get("degree") else "—",
            "Формы — ответ": forms(f["given"]), "Формы — эталон": forms(f["reference"]),
            "Формы верно": yes_no[bool(int(f["correct"]))],
            "РИПСО — ответ": numbers(n["given"]), "РИПСО — эталон": numbers(n["reference"]),
            "РИПСО верно": yes_no[bool(int(n["correct"]))],
            "Ранняя помощь — ответ": criteria(early["given"]) if early else "—",
            "Ранняя помощь — эталон": criteria(early["reference"]) if early else "—",
            "Итог": "верно" if int(case["correct"]) else "есть расхождения",
            "Эталон открыт до ответа": yes_no[bool(int(case.get("reference_seen") or 0))]})
    return out


def export_csv_text(rows: list[dict]) -> str:
    """The export as CSV text (without the BOM: whoever writes the file adds it)."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=EXPORT_COLUMNS, delimiter=EXPORT_DELIMITER)
    writer.writeheader()
    writer.writerows(export_rows(rows))
    return buf.getvalue()
