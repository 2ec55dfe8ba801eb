"""The impact of a rule change (or of a reading switch): on every point of the input space, on the
training case bank and on a register of cases."""
from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np

from socmethod.analysis.space import decision_categories, describe_region, enumerate_space, evaluate_space, regions, space_fields
from socmethod.core.errors import KitError
from socmethod.core.ruleset import RuleSet

# --- impact of a change ----------------------------------------------------------------------------------

def space_impact(baseline: RuleSet, proposal: RuleSet, baseline_readings: dict | None = None,
                 proposal_readings: dict | None = None) -> dict:
    """How the outcome of every point of the input space moves between two rule sets (or readings)."""
    b_read = baseline.resolve_readings(baseline_readings)
    p_read = proposal.resolve_readings(proposal_readings)
    result = {}
    for category in dict.fromkeys(decision_categories(baseline) + decision_categories(proposal)):
        fields = space_fields([baseline, proposal], [b_read, p_read], category)
        space = enumerate_space(baseline, category, fields)
        before = evaluate_space(baseline, b_read, space).labels()
        after = evaluate_space(proposal, p_read, space).labels()
        changed = before != after
        transitions = _transitions(before[changed], after[changed])
        result[category] = {"points": space.n, "changed": int(changed.sum()), "transitions": transitions,
                            "regions": [describe_region(r, baseline) for r in regions(space, changed)[:200]]}
    return result


def _transitions(before, after) -> list[dict]:
    counts: dict[tuple, int] = {}
    for b, a in zip(before.tolist(), after.tolist()):
        counts[(b, a)] = counts.get((b, a), 0) + 1
    return [{"from": b or "нет рекомендации", "to": a or "нет рекомендации", "count": c}
            for (b, a), c in sorted(counts.items(), key=lambda kv: -kv[1])]


def register_impact(path: str, baseline: RuleSet, proposal: RuleSet, baseline_readings: dict | None = None,
                    proposal_readings: dict | None = None) -> dict:
    """The cases of a register (CSV or JSON Lines in the case format) whose outcome changes.
    A CSV register is read once and evaluated twice by the vectorised path."""
    from socmethod.core.engine import assess_or_error
    from socmethod.io.casefiles import iter_cases
    from socmethod.io.records import CSV_COLUMNS, csv_record
    from socmethod.io.register import IrregularFile, read_frame, register_records
    b_read = baseline.resolve_readings(baseline_readings)
    p_read = proposal.resolve_readings(proposal_readings)
    before = after = None
    if Path(path).suffix.lower() == ".csv":
        try:
            frame, raw_rows = read_frame(path, baseline)
            before = register_records(frame, raw_rows, baseline, b_read)[0]
            after = register_records(frame, raw_rows, proposal, p_read)[0]
        except IrregularFile:
            before = None
    if before is None:
        cases = [c for _, c in iter_cases(path, baseline)]

        def records(ruleset, readings):
            return np.array([",".join(csv_record(0, {"error": c.to_dict()} if isinstance(c, KitError)
                                                 else assess_or_error(c, readings, ruleset))[1:]) for c in cases],
                            dtype=object)
        before, after = records(baseline, b_read), records(proposal, p_read)
    # Compare the outcome columns only (forms, ripso, rules); points and degrees do not depend on rules.
    first = CSV_COLUMNS.index("forms") - 1
    cut = lambda texts: np.array([",".join(t.split(",")[first:first + 3]) for t in texts.tolist()], dtype=object)  # noqa: E731
    b_out, a_out = cut(before), cut(after)
    changed_idx = np.flatnonzero(b_out != a_out)
    changed = []
    for i in changed_idx.tolist():
        bf, br, bru = b_out[i].split(",")
        af, ar, aru = a_out[i].split(",")
        changed.append({"index": i, "before_forms": bf, "before_ripso": br, "before_rules": bru,
                        "after_forms": af, "after_ripso": ar, "after_rules": aru,
                        "rules_responsible": "|".join(sorted((set(bru.split("|")) ^ set(aru.split("|"))) - {""}))})
    label = lambda f, r: f"{f} ({r})" if f else ""  # noqa: E731
    return {"cases": len(before), "changed": len(changed), "changed_cases": changed,
            "transitions": _transitions(np.array([label(c["before_forms"], c["before_ripso"]) for c in changed], dtype=object),
                                        np.array([label(c["after_forms"], c["after_ripso"]) for c in changed], dtype=object))}


def case_bank_impact(baseline: RuleSet, proposal: RuleSet, baseline_readings: dict | None = None,
                     proposal_readings: dict | None = None) -> dict:
    """The training case bank's cases (data/cases) whose outcome changes, by case id."""
    import yaml

    from socmethod.core.engine import assess_or_error
    from socmethod.core.resources import data_path
    b_read = baseline.resolve_readings(baseline_readings)
    p_read = proposal.resolve_readings(proposal_readings)
    changed = []
    files = sorted(data_path("cases").glob("*.yaml"))
    for f in files:
        entry = yaml.safe_load(f.read_text(encoding="utf-8"))
        b = assess_or_error(entry["case"], {**b_read, **entry.get("readings", {})}, baseline)
        a = assess_or_error(entry["case"], {**p_read, **entry.get("readings", {})}, proposal)
        rules_b = [r["rule"] for r in b.get("recommendations", [])]
        rules_a = [r["rule"] for r in a.get("recommendations", [])]
        ripso_b = [n for r in b.get("recommendations", []) for n in r["ripso"]]
        ripso_a = [n for r in a.get("recommendations", []) for n in r["ripso"]]
        if (rules_b, ripso_b) != (rules_a, ripso_a):
            changed.append({"id": entry.get("id", f.stem), "title": entry.get("title", ""), "before": rules_b,
                            "after": rules_a, "before_ripso": ripso_b, "after_ripso": ripso_a})
    return {"cases": len(files), "changed": len(changed), "changed_cases": changed}


def diff(baseline: RuleSet, proposal: RuleSet, cases: str | None = None, baseline_readings: dict | None = None,
         proposal_readings: dict | None = None) -> dict:
    """Everything a change does: on the input space, the case bank and, if given, a register."""
    report = {"baseline": {**baseline.info(), "readings": baseline.resolve_readings(baseline_readings)},
              "proposal": {**proposal.info(), "readings": proposal.resolve_readings(proposal_readings)},
              "space": space_impact(baseline, proposal, baseline_readings, proposal_readings),
              "case_bank": case_bank_impact(baseline, proposal, baseline_readings, proposal_readings)}
    if cases:
        report["register"] = register_impact(cases, baseline, proposal, baseline_readings, proposal_readings)
    return report


def changed_cases_csv(report: dict) -> str:
    rows = report.get("register", {}).get("changed_cases", [])
    buf = io.StringIO()
    columns = ["index", "before_forms", "before_ripso", "before_rules", "after_forms", "after_ripso", "after_rules",
               "rules_responsible"]
    writer = csv.DictWriter(buf, fieldnames=columns)
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()
