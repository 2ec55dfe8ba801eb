"""The impact of a rule change (or of a reading switch): on every point of the input space, on the
training case bank and on a register of cases."""
from __future__ import annotations

import csv

import numpy as np

from socmethod.analysis.labels import NO_RECOMMENDATION
from socmethod.analysis.space import decision_categories, describe_region, enumerate_space, evaluate_space, regions, space_fields
from socmethod.core.ruleset import RuleSet
from socmethod.io.assessment import assess_chunk
from socmethod.io.batch import Tally
from socmethod.io.records import neutral
from socmethod.io.register import open_register

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
    return [{"from": b or NO_RECOMMENDATION, "to": a or NO_RECOMMENDATION, "count": c}
            for (b, a), c in sorted(counts.items(), key=lambda kv: -kv[1])]


CHANGED_LISTED = 10_000     # changed cases kept for the report; all are counted and written to --changed


def _outcome_text(decision) -> tuple[str, str, str]:
    """(forms, ripso, rules) as the changed-cases CSV and the transitions write them ("" for a refused row)."""
    if decision is None:
        return "", "", ""
    return "|".join(decision.forms), "|".join(map(str, decision.ripso)), "|".join(decision.rules)


def register_impact(path: str, baseline: RuleSet, proposal: RuleSet, baseline_readings: dict | None = None,
                    proposal_readings: dict | None = None, *, id_column: str | None = None, keep=(),
                    on_changed=None) -> dict:
    """The rows of a register (CSV or JSON Lines) whose outcome changes between two rule sets (or readings).

    The register is streamed: each chunk is read once and assessed under both (vectorised where it can be),
    so memory stays flat. Every changed case goes to `on_changed(entry)` if given; the first CHANGED_LISTED
    are kept in the result. Refused rows are counted and named (`refused`, `refused_rows`), never compared.
    The outcomes' texts («home|residential_temporary (13|12|5)», diff's JSON shape) cannot say which number
    is which form's; `outcomes` maps each text to its (form, numbers) pairs for the words of reports."""
    b_read = baseline.resolve_readings(baseline_readings)
    p_read = proposal.resolve_readings(proposal_readings)
    register = open_register(path, baseline, id_column=id_column, keep=keep)
    header = register.header
    tally = Tally(carried=header.carried)
    changed, counts, n_changed = [], {}, 0
    outcomes: dict[str, tuple] = {}      # each outcome's text -> its forms paired with their numbers
    try:
        for chunk in register.chunks():
            before = assess_chunk(chunk, baseline, b_read)
            after = assess_chunk(chunk, proposal, p_read)
            tally.add(before)
            for i in _changed_rows(before, after):
                (bf, br, bru), (af, ar, aru) = _outcome_text(before.decision(i)), _outcome_text(after.decision(i))
                entry = {"index": chunk.index(i), "line": int(chunk.lines[i]),
                         **({"columns": dict(zip(header.carried, chunk.carried(i)))} if header.carried else {}),
                         "before_forms": bf, "before_ripso": br, "before_rules": bru,
                         "after_forms": af, "after_ripso": ar, "after_rules": aru,
                         "rules_responsible": "|".join(sorted((set(bru.split("|")) ^ set(aru.split("|"))) - {""}))}
                n_changed += 1
                key = (f"{bf} ({br})" if bf else "", f"{af} ({ar})" if af else "")
                counts[key] = counts.get(key, 0) + 1
                for text, decision in zip(key, (before.decision(i), after.decision(i))):
                    if text and text not in outcomes:
                        outcomes[text] = decision.pairs()
                if on_changed is not None:
                    on_changed(entry)
                if len(changed) < CHANGED_LISTED:
                    changed.append(entry)
    finally:
        register.close()
    transitions = [{"from": b or NO_RECOMMENDATION, "to": a or NO_RECOMMENDATION, "count": c}
                   for (b, a), c in sorted(counts.items(), key=lambda kv: -kv[1])]
    return {"rows": tally.rows, "cases": tally.rows - tally.refused, "refused": tally.refused,
            "refused_rows": tally.refused_rows, "blank_lines": tally.blank_lines, "carried": header.carried,
            "unnamed": header.unnamed,
            "changed": n_changed, "changed_cases": changed, "transitions": transitions, "outcomes": outcomes}


def _changed_rows(before, after) -> list[int]:
    """Positions of the chunk's rows whose forms, numbers or rules differ (refused rows never do)."""
    bd, ad = before.decision_index, after.decision_index
    both = (bd >= 0) & (ad >= 0)
    out = set()
    if both.any():
        # Each pair of distinct decisions is compared once.
        width = len(after.decisions) + 1
        pairs = bd[both] * width + ad[both]
        uniq, inverse = np.unique(pairs, return_inverse=True)
        differs = np.array([before.decisions[p // width][:3] != after.decisions[p % width][:3] for p in uniq.tolist()],
                           dtype=bool)
        out.update(np.flatnonzero(both)[differs[inverse.ravel()]].tolist())
    for i in np.flatnonzero(~both).tolist():
        b, a = before.decision(i), after.decision(i)
        if (b is None) != (a is None) or (b is not None and b[:3] != a[:3]):
            out.add(i)
    return sorted(out)


def case_bank_impact(baseline: RuleSet, proposal: RuleSet, baseline_readings: dict | None = None,
                     proposal_readings: dict | None = None) -> dict:
    """The training case bank's cases (data/cases) whose outcome changes, by case id.

    A case file may name readings of its own (a case written for a reading's option). They hold on both
    sides, except a reading the two sides compare (one whose value differs between them): there the
    compared values win, so the case written for `row_1160=self_care_lost` shows what that option changes
    instead of never changing."""
    import yaml

    from socmethod.core.engine import assess_or_error
    from socmethod.core.resources import data_path
    b_read = baseline.resolve_readings(baseline_readings)
    p_read = proposal.resolve_readings(proposal_readings)
    compared = {k for k in set(b_read) | set(p_read) if b_read.get(k) != p_read.get(k)}
    changed = []
    files = sorted(data_path("cases").glob("*.yaml"))
    for f in files:
        entry = yaml.safe_load(f.read_text(encoding="utf-8"))
        own = {k: v for k, v in entry.get("readings", {}).items() if k not in compared}
        b = assess_or_error(entry["case"], {**b_read, **own}, baseline)
        a = assess_or_error(entry["case"], {**p_read, **own}, proposal)
        rules_b = [r["rule"] for r in b.get("recommendations", [])]
        rules_a = [r["rule"] for r in a.get("recommendations", [])]
        ripso_b = [n for r in b.get("recommendations", []) for n in r["ripso"]]
        ripso_a = [n for r in a.get("recommendations", []) for n in r["ripso"]]
        if (rules_b, ripso_b) != (rules_a, ripso_a):
            changed.append({"id": entry.get("id", f.stem), "title": entry.get("title", ""), "before": rules_b,
                            "after": rules_a, "before_ripso": ripso_b, "after_ripso": ripso_a})
    return {"cases": len(files), "changed": len(changed), "changed_cases": changed}


def diff(baseline: RuleSet, proposal: RuleSet, cases: str | None = None, baseline_readings: dict | None = None,
         proposal_readings: dict | None = None, *, id_column: str | None = None, keep=(), on_changed=None) -> dict:
    """Everything a change does: on the input space, the case bank and, if given, a register."""
    report = {"baseline": {**baseline.info(), "readings": baseline.resolve_readings(baseline_readings)},
              "proposal": {**proposal.info(), "readings": proposal.resolve_readings(proposal_readings)},
              "space": space_impact(baseline, proposal, baseline_readings, proposal_readings),
              "case_bank": case_bank_impact(baseline, proposal, baseline_readings, proposal_readings)}
    if cases:
        report["register"] = register_impact(cases, baseline, proposal, baseline_readings, proposal_readings,
                                             id_column=id_column, keep=keep, on_changed=on_changed)
    return report


CHANGED_COLUMNS = ("before_forms", "before_ripso", "before_rules", "after_forms", "after_ripso", "after_rules",
                   "rules_responsible")


class ChangedCasesWriter:
    """The changed cases of a register as CSV: index, line, the carried columns (identifier, kept), then
    before and after; cells neutralised as every CSV the kit writes."""

    def __init__(self, fh, carried: list[str]):
        self.writer = csv.writer(fh, lineterminator="\n")
        self.carried = carried
        self.writer.writerow(["index", "line", *(neutral(c) for c in carried), *CHANGED_COLUMNS])

    def __call__(self, entry: dict) -> None:
        columns = entry.get("columns", {})
        self.writer.writerow([entry["index"], entry["line"], *(neutral(columns.get(c, "")) for c in self.carried),
                              *(neutral(entry[k]) for k in CHANGED_COLUMNS)])
