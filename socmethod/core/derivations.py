"""Keys a case may give in the survey act's own terms, and the table keys the kit derives from them.

A citizen knows which difficulties a person has, not the 405-р category they make; whether they live alone,
with a spouse, whether relatives help, not what the tables call «одиночество»; which box of medical
indications the survey act ticks. The rule set's [derive] section says how each table key follows from such
answers, every step with its seed line, and names a reading wherever the text does not decide. Nothing here
knows a particular key: the three kinds of derivation (`categories`, `rules`, `any_of`) are read from data.

Every derivation explains itself: the value, what it came from, the definitions or rules applied (with
their lines) and the readings that decided, in Russian (`why`). A case that gives a key and also what the
key is derived from must agree, or it is refused (KitError "derived_conflict"), never silently overridden.
"""
from __future__ import annotations

import itertools

from socmethod.core.errors import KitError
from socmethod.core.ruleset import RuleSet, excluded


def derive_profile(profile: dict, ruleset: RuleSet, readings: dict) -> tuple[dict, dict]:
    """(profile with the derived keys filled in, {key: explanation}) for every derivation whose answers the
    profile gives. `readings` are the readings in force (resolved)."""
    out = dict(profile)
    explained = {}
    for target, spec in ruleset.derivations.items():
        inputs = _as_list(spec["from"])
        if all(out.get(f) is None for f in inputs):
            continue
        kind = spec["kind"]
        if kind == "categories":
            value, steps, used = _categories(ruleset.fields[target]["values"], spec, out, ruleset, readings)
        elif kind == "rules":
            value, steps, used = _rules(spec, out, ruleset, readings)
        else:
            value, steps, used = _any_of(target, spec, out, ruleset, readings)
        given = out.get(target)
        if given is not None and value is not None and _normal(given) != _normal(value):
            raise KitError("derived_conflict", target, value=ruleset.value_label(target, given),
                           allowed=_conflict_fix(target, value, inputs, used, ruleset))
        entry = {"value": list(value) if isinstance(value, tuple) else value,
                 "from": {f: _plain(out.get(f)) for f in inputs if out.get(f) is not None},
                 "steps": steps, "readings": used, "seed_line": spec["seed_line"], "title": spec["title"]}
        if value is None:
            entry["kept"] = given is not None
        else:
            out[target] = value
        entry["why"] = _why(target, entry, given, ruleset, spec)
        explained[target] = entry
    return out, explained


def _as_list(value) -> list:
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _plain(value):
    return list(value) if isinstance(value, tuple) else value


def _normal(value):
    if isinstance(value, (list, tuple)):
        return tuple(value) if len(value) != 1 else value[0]
    return value


def _reading(ruleset: RuleSet, name: str, readings: dict) -> dict:
    option = readings[name]
    spec = ruleset.readings[name]
    return {"reading": name, "option": option, "seed_line": spec.get("seed_line"), "title": spec["title"],
            "text": spec["options"][option]["text"], "default": option == spec["default"]}


# --- categories: a set of kinds in, the categories whose definitions it meets out ---------------------------

def _categories(target_values: list, spec: dict, profile: dict, ruleset: RuleSet, readings: dict):
    kinds = set(profile[spec["from"]])
    category = profile.get("category")
    met, steps, used = [], [], []
    for definition in spec.get("definitions", []):
        if "for" in definition and category not in definition["for"]:
            continue
        if not set(definition.get("all", [])) <= kinds:
            continue
        if definition.get("any") and not kinds & set(definition["any"]):
            continue
        if "when" in definition:
            # The kinds fit a definition a reading switches: the reading decides, whichever way it goes.
            name, _, option = definition["when"].partition("=")
            if name not in [u["reading"] for u in used]:
                used.append(_reading(ruleset, name, readings))
            if readings[name] != option:
                continue
        met.append(definition)
        steps.append({"gives": definition["gives"], "seed_line": definition["seed_line"], "text": definition.get("text", "")})
    cats = list(dict.fromkeys(d["gives"] for d in met))
    # A definition made of others (multiple: intellectual with motor and/or sensory) replaces them.
    for d in met:
        cats = [c for c in cats if c == d["gives"] or c not in d.get("subsumes", [])]
    for overlap in spec.get("overlaps", []):
        wanted = overlap.get("all", [])
        if all(c in cats for c in wanted) and (not overlap.get("with_other") or len(cats) > len(wanted)):
            choice = ruleset.reading_value("@" + overlap["reading"], readings)
            cats = list(choice["result"]) if "result" in choice else [c for c in cats if c not in choice["drop"]]
            used.append(_reading(ruleset, overlap["reading"], readings))
    cats = [v for v in target_values if v in cats]
    return (cats[0] if len(cats) == 1 else tuple(cats)), steps, used


# --- rules: bool answers in, a bool out; an answer not given counts as every answer -------------------------

def _rules(spec: dict, profile: dict, ruleset: RuleSet, readings: dict):
    inputs = _as_list(spec["from"])
    answers = {f: profile.get(f) for f in inputs}
    unknown = [f for f in inputs if answers[f] is None]
    outcomes, applied = set(), []
    for combo in itertools.product([True, False], repeat=len(unknown)):
        full = {**answers, **dict(zip(unknown, combo))}
        if excluded(full, ruleset.fields):
            continue
        rule = next(r for r in spec["rules"] if profile.get("category") in r.get("for", [profile.get("category")])
                    and all(full.get(k) == v for k, v in r["when"].items()))
        outcomes.add(all(ruleset.reading_value(ref, readings) for ref in _as_list(rule["gives"])))
        if rule not in applied:
            applied.append(rule)
    value = outcomes.pop() if len(outcomes) == 1 else None
    steps = [{"gives": _gives_text(r), "seed_line": r["seed_line"], "text": r.get("text", "")} for r in applied]
    used = []
    for r in applied:
        for ref in _as_list(r["gives"]):
            if isinstance(ref, str) and ref[1:] not in [u["reading"] for u in used]:
                used.append(_reading(ruleset, ref[1:], readings))
    return value, steps, used


def _gives_text(rule: dict):
    gives = rule["gives"]
    return gives if isinstance(gives, bool) else [g for g in _as_list(gives)]


# --- any_of: a list of kinds in, true when it holds a kind the case's table accepts -------------------------

def _any_of(target: str, spec: dict, profile: dict, ruleset: RuleSet, readings: dict):
    kinds = profile[spec["from"]]
    cat = ruleset.categories[profile["category"]]
    table = next(t for t in cat.get("tables", []) + cat.get("optional_tables", []) if t in spec["accepts"])
    ref = spec["accepts"][table]
    accepted = ruleset.reading_value(ref, readings)
    held = [k for k in kinds if k in accepted]
    used = [_reading(ruleset, ref[1:], readings)] if isinstance(ref, str) and ref.startswith("@") else []
    # The line of the table's column the derived key fills (3.1: 1128, 3.2: 1154), not the table's title.
    column_line = next((c["seed_line"] for c in ruleset.tables[table].spec.get("columns", {}).values()
                        if target in c.get("fields", [c.get("field")]) and "seed_line" in c), None)
    steps = [{"gives": bool(held), "seed_line": column_line or ruleset.tables[table].spec.get("seed_line", spec["seed_line"]),
              "text": f"таблица {table}: " + ruleset.value_label(spec["from"], accepted)}]
    return bool(held), steps, used


# --- wording ------------------------------------------------------------------------------------------------

def _why(target: str, entry: dict, given, ruleset: RuleSet, spec: dict) -> str:
    """One Russian sentence: what was derived from what, by which lines, under which readings (named by
    their titles and options' words, never by code)."""
    label = ruleset.fields[target]["label"]
    sources = "; ".join(f"{ruleset.fields[f]['label'].lower()}: {ruleset.value_label(f, v)}" for f, v in entry["from"].items())
    lines = ", ".join(str(line) for line in dict.fromkeys(s["seed_line"] for s in entry["steps"]))
    value = entry["value"]
    if value is None:
        text = f"{label}: по ответам ({sources}) не определяется — зависит от ответов, которых нет"
        if entry.get("kept"):
            text += f"; принято указанное значение «{ruleset.value_label(target, given)}»"
    else:
        shown = spec["none"] if value == [] else ruleset.value_label(target, tuple(value) if isinstance(value, list) else value)
        text = f"{label}: {shown} — по ответам ({sources})"
        if lines:
            text += f", 405-р, стр. {lines}"
    for reading in entry["readings"]:
        text += f"; прочтение «{reading['title']}» (стр. {reading['seed_line']}): {reading['text']}"
    return text + "."


def _conflict_fix(target: str, value, inputs: list[str], used: list[dict], ruleset: RuleSet) -> str:
    shown = ruleset.value_label(target, value)
    text = f"По полям {', '.join(inputs)} выходит «{shown}»"
    if used:
        text += " (при прочтениях " + ", ".join(f"{u['reading']} = {u['option']}" for u in used) + ")"
    return text + f". Уберите поле «{target}» или исправьте ответы."
