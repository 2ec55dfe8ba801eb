"""Printed material for a paper exercise: A4 case cards (the story and a blank scoring sheet of every
item, no answer and no row id on them) and the trainer's answer key (scores, degrees, the deciding rows
by id, forms, РИПСО, in the methodology's wording). `socmethod print cards` and the classroom's trainer
page print them through render.pdf.html_to_pdf."""
from __future__ import annotations

import json
from functools import lru_cache

from socmethod.core.engine import assess
from socmethod.core.ruleset import bundled_ruleset
from socmethod.core.scales import SCALE_NAMES, scale
from socmethod.io.casebank import BankCase, bundled_case_bank, case_by_id
from socmethod.render import render


@lru_cache(maxsize=128)
def _reference(case_json: str, readings_json: str) -> dict:
    return assess(json.loads(case_json), readings=json.loads(readings_json) or None)


def _reference_of(entry: BankCase) -> dict:
    return _reference(json.dumps(entry.case, sort_keys=True), json.dumps(entry.readings, sort_keys=True))


def _scales(entry: BankCase) -> list:
    variant = bundled_ruleset().categories[entry.category].get("scales")
    return [scale(name, variant) for name in SCALE_NAMES if variant and entry.case.get(name) is not None]


def card(entry: BankCase) -> dict:
    """What a blank card shows: the story, every item to score, the forms to tick; never the answer."""
    rs = bundled_ruleset()
    early = _reference_of(entry).get("early_help") is not None
    return {"id": entry.id, "title": entry.title, "story": entry.story,
            "category": rs.categories[entry.category]["label"], "scales": _scales(entry),
            "early_help": list(rs.tables["3.3"].rows) if early else [], "forms": list(rs.forms.values())}


def key(entry: BankCase) -> dict:
    """The reference answer of a case: item scores with the level's wording, points and degree with the
    band's wording, the deciding rows (id, table, seed line, text as written), forms and РИПСО."""
    rs = bundled_ruleset()
    ref = _reference_of(entry)
    rows = {r.id: r for t in rs.tables.values() if t.kind == "decision" for r in t.rows}
    scales = []
    for sc in _scales(entry):
        scores = entry.case[sc.name]
        points = sum(scores.values())
        band = sc.band(points)
        scales.append({"title": sc.title, "items": [{"text": i["text"], "score": scores[i["key"]],
                                                     "level": sc.levels[scores[i["key"]]]} for i in sc.items],
                       "points": points, "max_points": sc.max_points, "degree": band.degree, "band": band.text,
                       "seed_line": band.seed_line})
    deciding = [{"rule": r["rule"], "table": r["table"], "seed_line": r["seed_line"], "form": rs.forms[r["form"]],
                 "ripso": r["ripso"], "raw": rows[r["rule"]].raw if r["rule"] in rows else "",
                 "readings": rs.used_readings_words(r.get("readings", []))}
                for r in ref["recommendations"]]
    forms = list(dict.fromkeys(rs.forms[r["form"]] for r in ref["recommendations"]))
    ripso = sorted({n for r in ref["recommendations"] for n in r["ripso"]})
    early = ref.get("early_help")
    return {"id": entry.id, "title": entry.title, "scales": scales, "deciding": deciding, "forms": forms,
            "ripso": ripso, "note": ref.get("note", ""),
            "early_help": sorted(c["criterion"] for c in early.get("criteria", [])) if early else None,
            "depends": [{"rule": d["rule"], "form": rs.forms[d["form"]], "ripso": d["ripso"]} for d in ref["depends_on"]],
            "readings": [rs.readings[k]["options"][v]["text"] for k, v in entry.readings.items()]}


def cards_html(case_ids: list[str], with_key: bool = False, bank=None) -> str:
    """A4 cards of the cases, in the order given; with `with_key`, the answer key instead."""
    bank = bank if bank is not None else bundled_case_bank()
    entries = [case_by_id(bank, c) for c in case_ids]
    if with_key:
        return render("cards/key.html.j2", keys=[key(e) for e in entries])
    return render("cards/cards.html.j2", cards=[card(e) for e in entries])
