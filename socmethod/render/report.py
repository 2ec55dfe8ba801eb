"""The workbench's reports, for a committee to file: the impact of a change (`report_html`) and the gaps of
the tables (`gaps_html`, `gaps_text`). HTML from the templates in templates/workbench/, charts inline as
SVG, printable on A4; every category, form, value and reading in Russian from the rule data.
"""
from __future__ import annotations

import re
import textwrap
from datetime import datetime

import numpy as np

from socmethod.analysis.editor import new_numbers, rule_changes
from socmethod.analysis.frames import cell_counts, changed_regions, focus_answers, gap_cells, gap_kinds, gaps_frame, space_frame
from socmethod.analysis.labels import (
    category_words,
    error_words,
    field_words,
    outcome_words,
    reading_words,
    region_words,
    rows_words,
    value_words,
)
from socmethod.core.ruleset import RuleSet, bundled_ruleset
from socmethod.core.wording import date_ru
from socmethod.render import cap, render
from socmethod.render.charts import svg
from socmethod.render.charts.workbench import gaps_chart, heatmaps, transitions_chart

REPORT_CASES = 200        # changed register cases listed in the report; all are in the changed-cases CSV
REPORT_REGIONS = 30       # regions of the space listed per category


# --- the impact of a change ----------------------------------------------------------------------------------

def report_html(report: dict, baseline: RuleSet | None = None, proposal: RuleSet | None = None, *,
                warnings=None, generated: datetime | None = None) -> str:
    """A self-contained HTML report of a `diff`: the change row by row (with the rule sets it needs, the
    change is read from them), both rule sets and their readings, the transitions with charts, before/after
    heat maps, the case bank's and the register's changed cases with their ids, the refused rows."""
    return report_document(report_context(report, baseline, proposal, warnings=warnings, generated=generated))


def report_document(context: dict) -> str:
    """The report's HTML from its context (`report_context`): the page reuses one context for its summary."""
    return render("workbench/report.html.j2", **context)


def report_context(report: dict, baseline: RuleSet | None, proposal: RuleSet | None, *, warnings=None,
                   generated: datetime | None = None) -> dict:
    """Everything the report shows. `warnings`: the editor's, if the change was made in it; otherwise the
    programme numbers new to the tables are read from the two rule sets."""
    words = baseline or bundled_ruleset()
    generated = generated or datetime.now()
    both = baseline is not None and proposal is not None
    context = {
        "title": "Последствия изменения методики",
        "proposal_name": report["proposal"]["name"],
        "generated": f"{date_ru(generated.date())}, {generated:%H:%M}",
        "rule_sets": [_rule_set("Действующие правила", report["baseline"], baseline or words),
                      _rule_set("Проект", report["proposal"], proposal or words, undated=_undated(report))],
        "same_readings": report["baseline"]["readings"] == report["proposal"]["readings"],
        "changes": rule_changes(baseline, proposal) if both else None,
        "warnings": list(warnings) if warnings is not None else new_numbers(baseline, proposal) if both else [],
        "space": [],
        "case_bank": _case_bank(report["case_bank"], baseline or words, proposal or words),
        "register": _register(report["register"], words) if report.get("register") else None,
    }
    for category, s in report["space"].items():
        entry = {"label": category_words(words, category), "points": s["points"], "changed": s["changed"],
                 "transitions": _transitions(s["transitions"], words), "chart": None, "heatmap": None, "regions": []}
        if s["changed"]:
            entry["chart"] = svg(transitions_chart(s["transitions"], words, f"{entry['label']}: все сочетания ответов"))
            if both:
                entry.update(_space_pictures(category, baseline, proposal, report))
        context["space"].append(entry)
    return context


def report_filename(report: dict, when: datetime | None = None) -> str:
    """«последствия-<проект>-<дата>-<время>.html»: what the file is and when it was made."""
    when = when or datetime.now()
    return f"последствия-{slug(report['proposal']['name'])}-{when:%Y-%m-%d-%H%M}.html"


def slug(text: str, limit: int = 60) -> str:
    """A file-name piece of a Russian title: letters and digits, hyphens between words, whole words up to
    `limit` characters."""
    out = ""
    for word in re.sub(r"[^\w]+", " ", text.lower()).split():
        if out and len(out) + 1 + len(word) > limit:
            break
        out = f"{out}-{word}" if out else word[:limit]
    return out or "проект"


def _rule_set(role: str, info: dict, ruleset: RuleSet, undated: bool = False) -> dict:
    date_words = "не указана в файле изменений" if undated else _date(info["effective_date"])
    return {"role": role, "name": info["name"], "effective_date": date_words, "hash": info["hash"],
            "readings": reading_words(ruleset, info["readings"])}


def _undated(report: dict) -> bool:
    """A change file without `effective_date` leaves its proposal the date of the rules it changes: a
    committee must not read that the project took effect then."""
    b, p = report["baseline"], report["proposal"]
    return p["hash"] != b["hash"] and p["effective_date"] == b["effective_date"]


def _date(text: str) -> str:
    try:
        return date_ru(datetime.strptime(str(text), "%Y-%m-%d").date())
    except ValueError:
        return str(text)


def _transitions(transitions: list[dict], ruleset: RuleSet, outcomes: dict | None = None) -> list[dict]:
    return [{"before": outcome_words(t["from"], ruleset, outcomes), "after": outcome_words(t["to"], ruleset, outcomes),
             "count": t["count"]} for t in transitions]


def _space_pictures(category: str, baseline: RuleSet, proposal: RuleSet, report: dict) -> dict:
    """Before/after heat maps where the change acts most (the other answers fixed to the largest region of
    changed points) and where, in words."""
    b_read, p_read = report["baseline"]["readings"], report["proposal"]["readings"]
    frame = space_frame(category, baseline, b_read, proposal=proposal, proposal_readings=p_read)
    space, boxes = changed_regions(category, frame, baseline, [baseline, proposal], [b_read, p_read])
    fixed = focus_answers(boxes[0], baseline, space)
    caption = "Другие ответы: " + "; ".join(f"{field_words(baseline, f)}: {value_words(baseline, f, v)}"
                                            for f, v in fixed.items()) + "."
    figure = heatmaps([(f"Было: {report['baseline']['name']}", cell_counts(frame, fixed)),
                       (f"Стало: {report['proposal']['name']}", cell_counts(frame, fixed, "outcome_after"))],
                      baseline, caption)
    described = [{"words": region_words(r, baseline),
                  "points": int(np.prod([len(space.domains[d]) if v == "any" else len(v) for d, v in r.items()]))}
                 for r in boxes[:REPORT_REGIONS]]
    return {"heatmap": svg(figure), "heatmap_caption": caption, "regions": described, "regions_total": len(boxes)}


def _case_bank(case_bank: dict, baseline: RuleSet, proposal: RuleSet) -> dict:
    rows = [{"id": c["id"], "title": c["title"], "before": rows_words(c["before"], baseline, c["before_ripso"]),
             "after": rows_words(c["after"], proposal, c["after_ripso"])} for c in case_bank["changed_cases"]]
    counts: dict = {}
    for r in rows:
        counts[(r["before"], r["after"])] = counts.get((r["before"], r["after"]), 0) + 1
    transitions = [{"before": b, "after": a, "count": n} for (b, a), n in sorted(counts.items(), key=lambda kv: -kv[1])]
    chart = svg(transitions_chart(transitions, baseline, "Учебные случаи: переходы")) if rows else None
    return {"cases": case_bank["cases"], "changed": case_bank["changed"], "rows": rows, "chart": chart}


def _register(register: dict, ruleset: RuleSet) -> dict:
    carried = register.get("carried", [])
    outcomes = register.get("outcomes", {})
    cases = []
    for e in register["changed_cases"][:REPORT_CASES]:
        before = f"{e['before_forms']} ({e['before_ripso']})" if e["before_forms"] else ""
        after = f"{e['after_forms']} ({e['after_ripso']})" if e["after_forms"] else ""
        cases.append({"line": e["line"], "columns": [e.get("columns", {}).get(c, "") for c in carried],
                      "before": outcome_words(before, ruleset, outcomes), "after": outcome_words(after, ruleset, outcomes),
                      "rules": e["rules_responsible"].replace("|", ", ")})
    refused = [{"line": r["line"], "columns": [r.get("columns", {}).get(c, "") for c in carried],
                "reason": error_words(r["code"], r.get("field"), ruleset, detail=r.get("detail"))} for r in register["refused_rows"]]
    transitions = _transitions(register["transitions"], ruleset, outcomes)
    chart = svg(transitions_chart(transitions, ruleset, "Реестр: переходы")) if register["changed"] else None
    return {"rows": register["rows"], "cases": register["cases"], "refused": register["refused"],
            "changed": register["changed"], "carried": carried, "transitions": transitions,
            "chart": chart, "changed_cases": cases, "more": max(0, register["changed"] - len(cases)),
            "refused_rows": refused, "refused_more": max(0, register["refused"] - len(refused))}


# --- the gaps of the tables ----------------------------------------------------------------------------------

def gaps_context(analysis: dict, ruleset: RuleSet, readings: dict, *, regions_per_kind: int = 30, frame=None) -> dict:
    """What the gaps report shows: per category the points, holes and points without need (told apart by
    data/workbench.toml), the largest regions of each in words, pairs of programmes of one form, covered
    and dead rows, and the findings the analysis carries."""
    kinds = gap_kinds()
    frame = gaps_frame(ruleset, readings) if frame is None else frame
    cats = []
    for category, c in analysis["categories"].items():
        part = frame[frame["category"] == category] if len(frame) else frame
        fields = c["fields"]
        by_kind = {}
        for kind in ("hole", "no_need"):
            rows = part[part["kind"] == kind].sort_values("points", ascending=False, kind="stable")
            by_kind[kind] = {"points": int(rows["points"].sum()), "total": len(rows),
                             "regions": [{"points": int(r["points"]),
                                          "words": region_words({f: r[f] for f in fields if f in r}, ruleset)}
                                         for _, r in rows.head(regions_per_kind).iterrows()]}
        cats.append({"category": category, "label": category_words(ruleset, category), "points": c["points"],
                     "hole": by_kind["hole"], "no_need": by_kind["no_need"],
                     "two_programmes": c["same_form_two_programmes"]["points"],
                     "covered": [{"row": r["row"], "by": r["covered_by"], "equal": r["equal"]} for r in c["covered_rows"]],
                     "dead": c["dead_rows"]})
    return {"title": "Пробелы и перекрытия таблиц", "rule_set": _rule_set("Правила", {**analysis["rule_set"], "readings": readings}, ruleset),
            "kinds": kinds, "categories": cats, "findings": [_finding(f) for f in analysis.get("findings", [])]}


def _finding(finding) -> str:
    if isinstance(finding, dict):
        return str(finding.get("text") or finding.get("message") or finding.get("title") or finding)
    return str(finding)


def gaps_html(analysis: dict, ruleset: RuleSet, readings: dict, *, generated: datetime | None = None, frame=None,
              chart=None) -> str:
    """The gaps report (A4); `frame` (gaps_frame) and `chart` (its SVG) when the caller has them already."""
    generated = generated or datetime.now()
    context = gaps_context(analysis, ruleset, readings, frame=frame)
    context["chart"] = chart if chart is not None else svg(gaps_chart(gap_cells(ruleset, readings), ruleset, context["kinds"]))
    context["generated"] = f"{date_ru(generated.date())}, {generated:%H:%M}"
    return render("workbench/gaps.html.j2", **context)


def gaps_text(analysis: dict, ruleset: RuleSet, readings: dict, *, regions_per_kind: int = 10) -> str:
    """The gaps report for a terminal: plain text, lines under 110 characters where the words allow."""
    c = gaps_context(analysis, ruleset, readings, regions_per_kind=regions_per_kind)
    rs = c["rule_set"]
    n = lambda v: f"{v:,}".replace(",", " ")  # noqa: E731
    lines = [f"{c['title']}: {rs['name']} ({rs['effective_date']}), хэш {rs['hash'][:16]}…", "Прочтения:"]
    lines += [f"  {r['title']}: {r['text']}{'' if r['default'] else ' (не по умолчанию)'}" for r in rs["readings"]]
    for cat in c["categories"]:
        lines += ["", f"{cap(cat['label'])}: сочетаний ответов {n(cat['points'])}",
                  f"  {c['kinds']['hole']['title']}: {n(cat['hole']['points'])}; "
                  f"{c['kinds']['no_need']['title']}: {n(cat['no_need']['points'])}; "
                  f"две программы одной формы: {n(cat['two_programmes'])}"]
        for kind in ("hole", "no_need"):
            block = cat[kind]
            if block["regions"]:
                shown = len(block["regions"])
                lines.append(f"  {cap(c['kinds'][kind]['title'])}, крупнейшие области "
                             f"({shown} из {block['total']}):")
                lines += [textwrap.fill(f"- {n(r['points'])} сочет.: {r['words']}", 110, initial_indent="    ",
                                        subsequent_indent="      ") for r in block["regions"]]
        if cat["covered"]:
            lines.append("  Строки, целиком покрытые другой строкой той же формы: " + ", ".join(
                f"{r['row']} ⊂ {r['by']}{' (совпадают)' if r['equal'] else ''}" for r in cat["covered"]))
        lines.append("  Недостижимые строки: " + (", ".join(cat["dead"]) if cat["dead"] else "нет"))
    if c["findings"]:
        lines += ["", "Находки:"] + [f"  - {f}" for f in c["findings"]]
    lines += ["", f"{cap(c['kinds']['hole']['title'])}: {c['kinds']['hole']['text']}",
              f"{cap(c['kinds']['no_need']['title'])}: {c['kinds']['no_need']['text']}"]
    return "\n".join(lines) + "\n"
