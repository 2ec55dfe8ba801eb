"""The engine: a profile (or a case) and a rule set in, every matching recommendation out, explained.

Pure Python and table-agnostic: each row's cells are compiled, under the readings in force, into
criteria; a criterion is three-valued (True, False, None = depends on an unknown answer), so a case with
"don't know" answers gets what holds whatever the answer and, separately, what depends on which answer.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from socmethod.core.cases import profile_of, score, validate_case
from socmethod.core.derivations import derive_profile
from socmethod.core.errors import KitError
from socmethod.core.logic import both, code, negate, number_state
from socmethod.core.ruleset import RipsoNumber, Row, RuleSet, Table, bundled_ruleset, load_ruleset

# --- criteria ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Criterion:
    """One test a row makes. kind: "in" (fields[0] is one of `values`), "any_true" (one of the fields is
    true) or "all_false" (none of the fields is true). `column` names it in near misses."""
    column: str
    label: str
    kind: str
    fields: tuple[str, ...]
    values: tuple = ()

    def value(self, profile: dict):
        """The case's value for this column: the field's value, or for flags the OR of the fields."""
        if self.kind == "in":
            return profile.get(self.fields[0])
        vals = [profile.get(f) for f in self.fields]
        if True in vals:
            return True
        return None if None in vals else False

    def holds(self, profile: dict):
        v = self.value(profile)
        if v is None:
            return None
        if self.kind == "in":
            # A derived key may hold several values (a person whom the definitions place in two categories):
            # the cell holds when one of them is among its values; none (not placed) never holds.
            if isinstance(v, tuple):
                return any(x in self.values for x in v)
            return v in self.values
        return v if self.kind == "any_true" else not v

    @property
    def needs(self) -> list:
        if self.kind == "in":
            return list(self.values)
        return [self.kind == "any_true"]

    def describe(self, profile: dict) -> dict:
        return {"column": self.column, "label": self.label, "value": self.value(profile), "needs": self.needs}


@dataclass(frozen=True)
class CompiledRow:
    row: Row
    criteria: tuple[Criterion, ...]
    ripso: tuple                    # RipsoNumber for the category
    partition: tuple | None         # (field, values) rows are grouped by for near misses
    readings: tuple = ()            # ((name, option), ...): the readings that shaped this row in particular


def ticked_fields(spec: dict, ruleset: RuleSet, readings: dict) -> tuple[str, ...]:
    """The fields a V in a flag column requires (one of them true): the column's `fields`, or what the
    reading named by `ticked_fields` says (an empty tuple: the V checks nothing)."""
    if "ticked_fields" in spec:
        return tuple(ruleset.reading_value(spec["ticked_fields"], readings)["fields"])
    return tuple(spec["fields"])


def compile_row(row: Row, table: Table, ruleset: RuleSet, readings: dict, category: str) -> CompiledRow:
    empty_mode = ruleset.reading_value(ruleset.spec.get("flag_empty_cell", "any"), readings)
    criteria: list[Criterion] = []
    absorbed: set[str] = set()
    # The readings this row's meaning rests on, so a result can say «по прочтению …» beside the row: its
    # footnote markers, a column whose V a reading defines, its conditional numbers, the variant of a
    # damaged row. (The empty-cell reading reads every row alike; the result names it with the others.)
    shaped: dict[str, str] = {}
    if row.applies_when is not None:
        shaped[row.applies_when[0]] = row.applies_when[1]

    def rests_on(ref) -> None:
        if isinstance(ref, str) and ref.startswith("@"):
            shaped[ref[1:]] = readings[ref[1:]]
    # A footnote that widens a V to "one of the criteria" turns its columns into one criterion.
    for cell in row.cells.values():
        marker = table.markers.get(cell.marker) if cell.ticked else None
        if marker and marker["kind"] == "any_of":
            rests_on(marker["mode"])
        if marker and marker["kind"] == "any_of" and ruleset.reading_value(marker["mode"], readings) == "group":
            cols = [c for c in marker["columns"] if _applies(table.columns[c], category)]
            if cell.column not in cols:
                cols.insert(0, cell.column)
            absorbed.update(cols)
            for c in cols:
                rests_on(table.columns[c].get("ticked_fields"))
            fields = tuple(dict.fromkeys(f for c in cols for f in ticked_fields(table.columns[c], ruleset, readings)))
            label = " или ".join(table.columns[c]["label"] for c in cols)
            if fields:
                criteria.append(Criterion("|".join(cols), label, "any_true", fields))
    for column, spec in table.columns.items():
        if column in absorbed or not _applies(spec, category):
            continue
        cell = row.cells[column]
        if spec["kind"] == "set":
            if cell.values:
                criteria.append(Criterion(column, spec["label"], "in", (spec["field"],), cell.values))
        elif cell.ticked:
            rests_on(spec.get("ticked_fields"))
            fields = ticked_fields(spec, ruleset, readings)
            if fields:
                criteria.append(Criterion(column, spec["label"], "any_true", fields))
        elif empty_mode == "false":
            criteria.append(Criterion(column, spec["label"], "all_false", tuple(spec["fields"])))
        marker = table.markers.get(cell.marker) if cell.ticked else None
        if marker and marker["kind"] == "requires":
            rests_on(marker["values"])
            values = tuple(ruleset.reading_value(marker["values"], readings))
            criteria.append(Criterion(marker["field"], marker.get("label", marker["field"]), "in",
                                      (marker["field"],), values))
    # Criteria in table order, so explanations read like the seed's row.
    order = {c: i for i, c in enumerate(table.columns)}
    criteria.sort(key=lambda c: order.get(c.column.split("|")[0], len(order)))
    part_col = table.spec.get("near_miss_within")
    partition = (table.columns[part_col]["field"], row.cells[part_col].values) if part_col else None
    ripso = row.ripso.get(category, ())
    if any(n.conditional for n in ripso):
        rests_on(table.spec.get("conditional_numbers"))
    if ruleset.reading_value(table.spec.get("conditional_numbers", "added"), readings) == "replacing":
        ripso = replacing(ripso)
    return CompiledRow(row, tuple(criteria), ripso, partition, tuple(shaped.items()))


def replacing(numbers: tuple[RipsoNumber, ...]) -> tuple[RipsoNumber, ...]:
    """A cell's numbers when a number «при условии» replaces the others (reading conditional_number =
    replacing): each unconditional number is given only while every condition of the cell is false."""
    conditions = tuple(dict.fromkeys(n.condition for n in numbers if n.condition))
    if not conditions:
        return numbers
    return tuple(RipsoNumber(n.number, unless=conditions) if not n.conditional else n for n in numbers)


def number_code(number: RipsoNumber, answer) -> int:
    """Three-valued truth of what a conditional number needs, from `answer(field)` (the code of a field, or
    an array of codes: both evaluators call it): its condition true and each `unless` false."""
    codes = [answer(field) if needed else negate(answer(field)) for field, needed in number.requirements().items()]
    result = codes[0]
    for c in codes[1:]:
        result = both(result, c)
    return result


def _applies(column_spec: dict, category: str) -> bool:
    return category in column_spec.get("categories", [category])


@dataclass
class CompiledTable:
    table: Table
    rows: tuple[CompiledRow, ...]


@lru_cache(maxsize=256)
def _compiled(ruleset_key: int, readings_key: tuple, category: str) -> tuple[CompiledTable, ...]:
    ruleset = _RULESETS[ruleset_key]
    readings = dict(readings_key)
    result = []
    for table_id in _tables_for(ruleset, category, decision_only=True):
        table = ruleset.tables[table_id]
        rows = tuple(compile_row(r, table, ruleset, readings, category) for r in table.rows
                     if r.active(readings) and r.ripso.get(category))
        result.append(CompiledTable(table, rows))
    return tuple(result)


_RULESETS: dict[int, RuleSet] = {}


def compiled_tables(ruleset: RuleSet, readings: dict, category: str) -> tuple[CompiledTable, ...]:
    """The decision tables of `category` compiled under `readings` (cached per rule set and readings)."""
    _RULESETS[id(ruleset)] = ruleset
    return _compiled(id(ruleset), tuple(sorted(readings.items())), category)


def _tables_for(ruleset: RuleSet, category: str, decision_only: bool = False) -> list[str]:
    cat = ruleset.categories[category]
    ids = list(cat.get("tables", [])) + list(cat.get("optional_tables", []))
    if decision_only:
        ids = [t for t in ids if ruleset.tables[t].kind == "decision"]
    return ids


# --- evaluation ----------------------------------------------------------------------------------------

def _row_status(criteria, profile):
    """(status, failed criteria): status True when all hold, False when any fails, else None."""
    failed, unknown = [], False
    for c in criteria:
        h = c.holds(profile)
        if h is False:
            failed.append(c)
        elif h is None:
            unknown = True
    if failed:
        return False, failed
    return (None if unknown else True), failed


def _implicants(ruleset: RuleSet, test, profile: dict, unknown: list[str]) -> list[dict]:
    """The minimal sets of answers to the unknown fields under which `test` holds (prime implicants,
    found by enumerating the few unknown answers and dropping every answer that does not matter)."""
    domains = [ruleset.field_domain(f) for f in unknown]
    satisfying = []
    for combo in itertools.product(*domains):
        assignment = dict(zip(unknown, combo))
        if test({**profile, **assignment}):
            satisfying.append(assignment)

    def covers(partial: dict) -> bool:
        rest = [f for f in unknown if f not in partial]
        for combo in itertools.product(*[ruleset.field_domain(f) for f in rest]):
            if not test({**profile, **partial, **dict(zip(rest, combo))}):
                return False
        return True

    result: list[dict] = []
    for assignment in satisfying:
        partial = dict(assignment)
        for f in unknown:
            trial = {k: v for k, v in partial.items() if k != f}
            if covers(trial):
                partial = trial
        if partial not in result:
            result.append(partial)
    # Keep only implicants not implied by a smaller one.
    return [p for p in result if not any(q != p and q.items() <= p.items() for q in result)]


def evaluate_profile(profile: dict, ruleset: RuleSet | None = None, readings: dict | None = None) -> dict:
    """Evaluate at the level the tables speak: category, impairment, group, degrees, criteria flags (or the
    answers [derive] derives them from). Returns recommendations, depends_on, near_misses, early_help, note,
    derived (what was derived from what, and why) (no scale points)."""
    ruleset = ruleset or bundled_ruleset()
    readings = ruleset.resolve_readings(readings)
    profile, derived = derive_profile(profile, ruleset, readings)
    category = profile["category"]
    cat = ruleset.categories[category]
    out = {"recommendations": [], "depends_on": [], "near_misses": []}
    notes = []
    if cat.get("note"):
        notes.append(cat["note"])
    age = profile.get("age_months")
    for ctable in compiled_tables(ruleset, readings, category):
        min_age = cat.get("table_age_from_months", {}).get(ctable.table.id)
        if min_age is not None and age is not None and age < min_age:
            notes.append(cat["table_age_note"].format(table=ctable.table.id, age=age))
            continue
        for crow in ctable.rows:
            _evaluate_row(crow, profile, ruleset, out)
    for table_id in _tables_for(ruleset, category):
        table = ruleset.tables[table_id]
        if table.kind == "criteria_list" and (table_id in cat.get("tables", []) or
                                              profile.get(table.spec["age_field"]) is not None or
                                              profile.get(table.spec["field"]) is not None):
            out["early_help"] = evaluate_criteria_list(table, profile, ruleset, readings)
    if not _tables_for(ruleset, category):
        out["note"] = " ".join(notes)
    elif notes:
        out["note"] = " ".join(notes)
    if derived:
        out["derived"] = derived
    out["readings"] = readings
    out["rule_set"] = ruleset.info()
    return out


def _recommendation(crow: CompiledRow, profile: dict, ripso: list[int], ruleset: RuleSet) -> dict:
    row = crow.row
    rec = {"form": row.form, "ripso": ripso, "rule": row.id, "table": row.table, "seed_line": row.seed_line,
           "criteria": [c.describe(profile) for c in crow.criteria]}
    if row.caveat:
        rec["caveat"] = row.caveat
    if crow.readings:
        rec["readings"] = [{"reading": name, "option": option, "seed_line": ruleset.readings[name]["seed_line"]}
                           for name, option in crow.readings]
    return rec


def _evaluate_row(crow: CompiledRow, profile: dict, ruleset: RuleSet, out: dict) -> None:
    status, failed = _row_status(crow.criteria, profile)
    base = [n.number for n in crow.ripso if not n.conditional]
    answer = lambda field: code(profile.get(field))  # noqa: E731
    conditional = [(n, *number_state(code(status), number_code(n, answer))) for n in crow.ripso if n.conditional]
    if status is True:
        # Numbers in the cell's order, a conditional one where the cell writes it («N 23, N 30 (при …)»).
        given = {n.number for n, g, _ in conditional if g}
        firm = [n.number for n in crow.ripso if not n.conditional or n.number in given]
        out["recommendations"].append(_recommendation(crow, profile, firm, ruleset))
        for n, _, pending in conditional:
            if pending:
                _add_depends(out, crow, profile, [n.number], [_still_needed(n, profile)], ruleset)
    elif status is None:
        unknown = sorted({f for c in crow.criteria if c.holds(profile) is None for f in c.fields
                          if profile.get(f) is None})
        test = lambda p: _row_status(crow.criteria, p)[0] is True  # noqa: E731
        implicants = _implicants(ruleset, test, profile, unknown)
        # A row whose numbers are all conditional is named by its numbers' entries when any can be given.
        if base or not any(pending for _, _, pending in conditional):
            _add_depends(out, crow, profile, base, implicants, ruleset)
        for n, _, pending in conditional:
            extra = [] if not pending else [{**i, **_still_needed(n, profile)} for i in implicants]
            _add_depends(out, crow, profile, [n.number], extra, ruleset)
    elif len(failed) == 1 and _same_partition(crow, profile):
        c = failed[0]
        out["near_misses"].append({"rule": crow.row.id, "form": crow.row.form, "ripso": base,
                                   "column": c.column, "label": c.label, "value": c.value(profile),
                                   "needs": c.needs})


def _still_needed(number: RipsoNumber, profile: dict) -> dict:
    """The answers a conditional number still needs: those of its requirements the case leaves unknown."""
    return {f: v for f, v in number.requirements().items() if profile.get(f) is None}


def _same_partition(crow: CompiledRow, profile: dict) -> bool:
    if crow.partition is None:
        return True
    field, values = crow.partition
    value = profile.get(field)
    if isinstance(value, tuple):
        return not values or any(v in values for v in value)
    return not values or value in values


def _add_depends(out: dict, crow: CompiledRow, profile: dict, ripso: list[int], implicants: list[dict],
                 ruleset: RuleSet) -> None:
    for when in implicants:
        entry = _recommendation(crow, profile, ripso, ruleset)
        first = next(iter(when.items()))
        entry.update({"key": first[0], "answer": first[1], "when": when})
        out["depends_on"].append(entry)


def criteria_list_upper_age(table: Table, ruleset: RuleSet, readings: dict) -> int:
    """The age in months below which some criterion of a criteria list (3.3) still applies, under `readings`."""
    return max(ruleset.reading_value(r.age_to, readings) for r in table.rows)


def age_words(months: int) -> str:
    """An age bound in Russian words: «8 лет», «7 лет», «3 года», «18 мес.»."""
    if months % 12:
        return f"{months} мес."
    years = months // 12
    if years % 10 == 1 and years % 100 != 11:
        return f"{years} года"          # «младше 1 года», «младше 21 года»
    return f"{years} лет"


def evaluate_criteria_list(table: Table, profile: dict, ruleset: RuleSet, readings: dict) -> dict:
    """Table 3.3: early help is needed when a criterion that applies at the child's age holds."""
    age = profile.get(table.spec["age_field"])
    held = profile.get(table.spec["field"])
    spans = []
    for r in table.rows:
        lo = ruleset.reading_value(r.age_from, readings)
        hi = ruleset.reading_value(r.age_to, readings)
        spans.append((r, lo, hi))
    applicable = [r for r, lo, hi in spans if age is not None and lo <= age < hi]
    result = {"table": table.id, "age_months": age,
              "applicable": [r.criterion for r in applicable] if age is not None else None}
    texts = table.spec["texts"]
    if age is not None and not applicable:
        limit = age_words(max(hi for _, _, hi in spans))
        result.update(verdict="not_applicable", criteria=[],
                      reason=texts["not_applicable"].format(table=table.id, limit=limit, age=age))
        return result
    if held is None:
        result.update(verdict="unknown", criteria=[], reason=texts["criteria_unknown"].format(table=table.id))
        return result
    if age is None:
        candidates = [(r, lo, hi) for r, lo, hi in spans if r.criterion in held]
        result.update(verdict="unknown" if candidates else "not_needed", criteria=[],
                      depends_on_age=[{"criterion": r.criterion, "rule": r.id, "age_from_months": lo,
                                       "age_to_months": hi} for r, lo, hi in candidates])
        if candidates:
            result["reason"] = texts["depends_on_age"].format(table=table.id)
        return result
    holding = [r for r in applicable if r.criterion in held]
    result.update(verdict="needed" if holding else "not_needed",
                  criteria=[{"criterion": r.criterion, "rule": r.id, "seed_line": r.seed_line, "text": r.text}
                            for r in holding])
    return result


# --- the case-level API ----------------------------------------------------------------------------------

class Decision(NamedTuple):
    """What a result decides, as the tables speak: the forms, РИПСО numbers and rules of the rows that hold
    (in the tables' order), and the rules that depend on an unknown answer. Both evaluators give it.
    `counts` says how many of `ripso` each row gave, so a form can be paired with its own numbers."""
    forms: tuple
    ripso: tuple
    rules: tuple
    depends: tuple
    counts: tuple = ()

    def pairs(self) -> tuple:
        """((form, (numbers…)), …), one per row that holds."""
        out, start = [], 0
        for form, count in zip(self.forms, self.counts):
            out.append((form, tuple(self.ripso[start:start + count])))
            start += count
        return tuple(out)


def decision_of(result: dict) -> Decision:
    """The Decision of an engine result (not of an error)."""
    recs = result.get("recommendations", [])
    return Decision(tuple(r["form"] for r in recs), tuple(n for r in recs for n in r["ripso"]),
                    tuple(r["rule"] for r in recs), tuple(dict.fromkeys(d["rule"] for d in result.get("depends_on", []))),
                    tuple(len(r["ripso"]) for r in recs))


def ruleset_of(rules) -> RuleSet:
    if rules is None:
        return bundled_ruleset()
    if isinstance(rules, RuleSet):
        return rules
    return load_ruleset(rules)


def assess(case: dict, readings: dict | None = None, rules=None) -> dict:
    """Assess one case (a dict in the case format). Raises KitError for a case that is refused."""
    ruleset = ruleset_of(rules)
    readings = ruleset.resolve_readings(readings)
    clean = validate_case(case, ruleset)
    scores = score(clean, ruleset)
    result = {"category": clean["category"],
              "self_care": scores["self_care"], "mobility": scores["mobility"]}
    result.update(evaluate_profile(profile_of(clean, scores), ruleset, readings))
    return result


def assess_or_error(case, readings: dict | None = None, rules=None) -> dict:
    """Like assess, but a refused case gives {"error": {code, field, message}} instead of raising."""
    try:
        return assess(case, readings, rules)
    except KitError as err:
        return {"error": err.to_dict()}
