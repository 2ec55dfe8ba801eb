"""The readings of the seed's unclear places, and what each option changes against the default.

For a reading's option, compared with the rule set's defaults: how many points of each category's input
space change outcome (the tables' keys, every combination; `analysis.impact.space_impact`; for table 3.3
every age in months and set of criteria held), how many
combinations of the answers a key is derived from change the derived value (for readings of [derive]),
and which training cases change outcome (`analysis.impact.case_bank_impact`; a case keeps the readings
its file names, except the one compared).
"""
from __future__ import annotations

import itertools

from socmethod.analysis.impact import case_bank_impact, space_impact
from socmethod.core.derivations import derive_profile
from socmethod.core.engine import criteria_list_upper_age, evaluate_criteria_list
from socmethod.core.errors import KitError
from socmethod.core.ruleset import RuleSet, excluded


def describe(ruleset: RuleSet) -> dict:
    """Every reading with its title, seed line, default, reasons and options, as `socmethod readings` lists them."""
    return {name: {"title": r["title"], "default": r["default"], "seed_line": r.get("seed_line"), "why": r.get("why", ""),
                   "used_by": used_by(ruleset, name),
                   "options": {k: v["text"] for k, v in r["options"].items()}}
            for name, r in ruleset.readings.items()}


def used_by(ruleset: RuleSet, name: str) -> list[str]:
    """Where a reading is read: "tables" (a cell, a marker, a column, a row's applies_when, a criteria
    list's age, the empty cell) and/or "derive" (a derivation of [derive])."""
    where = []
    ref = "@" + name
    in_rows = any(getattr(r, "applies_when", None) and r.applies_when[0] == name
                  or ref in (getattr(r, "age_from", None), getattr(r, "age_to", None))
                  for table in ruleset.tables.values() for r in table.rows)
    if in_rows or ruleset.spec.get("flag_empty_cell") == ref \
            or any(_mentions(table.spec, ref) for table in ruleset.tables.values()):
        where.append("tables")
    if any(_derivation_reads(ruleset, target, name) for target in ruleset.derivations):
        where.append("derive")
    return where


def _derivation_reads(ruleset: RuleSet, target: str, name: str) -> bool:
    spec = ruleset.derivations[target]
    return _mentions(spec, "@" + name) \
        or any(str(d.get("when", "")).partition("=")[0] == name for d in spec.get("definitions", [])) \
        or any(o.get("reading") == name for o in spec.get("overlaps", []))


def _mentions(value, ref: str) -> bool:
    if isinstance(value, str):
        return value == ref
    if isinstance(value, dict):
        return any(_mentions(v, ref) for v in value.values())
    if isinstance(value, list):
        return any(_mentions(v, ref) for v in value)
    return False


def derivation_impact(ruleset: RuleSet, baseline: dict, proposal: dict, targets: list[str] | None = None) -> dict:
    """For each derivation (or those of `targets`) and category whose case format has its answers: how many
    combinations of the answers (every known answer) give another derived value under `proposal` than
    under `baseline`."""
    b_read, p_read = ruleset.resolve_readings(baseline), ruleset.resolve_readings(proposal)
    result = {}
    for target, spec in ruleset.derivations.items():
        if targets is not None and target not in targets:
            continue
        inputs = spec["from"] if isinstance(spec["from"], list) else [spec["from"]]
        for category, cat in ruleset.categories.items():
            if not all(f in cat.get("required", []) + cat.get("optional", []) for f in inputs):
                continue
            combos = list(_answers(ruleset, inputs))
            changed = []
            for answers in combos:
                profile = {"category": category, **answers}
                before = derive_profile(profile, ruleset, b_read)[1][target]["value"]
                after = derive_profile(profile, ruleset, p_read)[1][target]["value"]
                if before != after:
                    changed.append({"answers": answers, "before": before, "after": after})
            result.setdefault(target, {})[category] = {"combinations": len(combos), "changed": len(changed),
                                                       "examples": changed[:10]}
    return result


def criteria_list_impact(ruleset: RuleSet, baseline: dict, proposal: dict) -> dict:
    """For each criteria list (3.3), by its own name: every age in months up to a year past the oldest
    bound under either reading, times every set of criteria held; how many get another verdict or
    other criteria counted."""
    b_read, p_read = ruleset.resolve_readings(baseline), ruleset.resolve_readings(proposal)
    result = {}
    for table in ruleset.tables.values():
        if table.kind != "criteria_list":
            continue
        top = max(criteria_list_upper_age(table, ruleset, r) for r in (b_read, p_read)) + 12
        numbers = [r.criterion for r in table.rows]
        held_sets = [list(c) for n in range(len(numbers) + 1) for c in itertools.combinations(numbers, n)]
        points = changed = 0
        for age in range(top):
            for held in held_sets:
                profile = {table.spec["age_field"]: age, table.spec["field"]: held}
                before = evaluate_criteria_list(table, profile, ruleset, b_read)
                after = evaluate_criteria_list(table, profile, ruleset, p_read)
                points += 1
                changed += (before["verdict"], before["criteria"]) != (after["verdict"], after["criteria"])
        result[f"table {table.id}"] = {"points": points, "changed": changed}
    return result


def _answers(ruleset: RuleSet, inputs: list[str]):
    """Every combination of known answers to `inputs`: lists as every subset, bools as true/false."""
    domains = []
    for f in inputs:
        spec = ruleset.fields[f]
        if spec["kind"] == "enum_set":
            values = spec["values"]
            domains.append([list(c) for n in range(len(values) + 1) for c in itertools.combinations(values, n)])
        else:
            domains.append([True, False])
    for combo in itertools.product(*domains):
        answers = dict(zip(inputs, combo))
        if not excluded(answers, ruleset.fields):
            yield answers


def impact(ruleset: RuleSet, names: list[str] | None = None) -> dict:
    """For each reading (or those named) and each option other than the default: what changes against the
    defaults on the input space, in derived keys and in the case bank."""
    for name in names or []:
        if name not in ruleset.readings:
            raise KitError("unknown_reading", name, allowed=sorted(ruleset.readings))
    defaults = ruleset.default_readings()
    out = {}
    for name, spec in ruleset.readings.items():
        if names and name not in names:
            continue
        where = used_by(ruleset, name)
        options = {}
        for option in spec["options"]:
            if option == spec["default"]:
                continue
            chosen = {**defaults, name: option}
            entry = {}
            if "tables" in where:
                space = space_impact(ruleset, ruleset, defaults, chosen)
                entry["space"] = {c: {"points": s["points"], "changed": s["changed"]} for c, s in space.items()}
                entry["space"].update(criteria_list_impact(ruleset, defaults, chosen))
            if "derive" in where:
                targets = [t for t in ruleset.derivations if _derivation_reads(ruleset, t, name)]
                entry["derived"] = {t: {c: {k: v for k, v in s.items() if k != "examples"} for c, s in cats.items()}
                                    for t, cats in derivation_impact(ruleset, defaults, chosen, targets).items()}
            bank = case_bank_impact(ruleset, ruleset, defaults, chosen)
            entry["case_bank"] = {"cases": bank["cases"], "changed": bank["changed"],
                                  "changed_cases": [c["id"] for c in bank["changed_cases"]]}
            options[option] = entry
        out[name] = {"seed_line": spec.get("seed_line"), "default": spec["default"], "used_by": where,
                     "options": options}
    return out
