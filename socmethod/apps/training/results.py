"""The group's results: every trainee's rows of a session aggregated per trainee, case, item and
decision, and the trainer's report of them."""
from __future__ import annotations

import base64
import re
from collections import Counter

from socmethod.render import render


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


def group_report_html(rows: list[dict], warnings: list[str] | None = None) -> str:
    """The trainer's view of a session: who answered what, and charts of where the group went wrong."""
    return render("training/group_report.html.j2", agg=aggregate(rows), warnings=list(warnings or []))


def download_link_html(text: str, filename: str, label: str = "Скачать CSV", note: str = "") -> str:
    # The BOM makes Russian Excel read the file as UTF-8.
    payload = base64.b64encode(("\ufeff" + text).encode("utf-8")).decode("ascii")
    return render("training/download_link.html.j2", filename=filename, mime="text/csv;charset=utf-8",
                  payload=payload, label=label, note=note)
