"""The methodologist's workbench: rule changes as files, the whole input space, gaps, overlaps, dead and
covered rows, and the impact of a change (or of a reading switch) on cases, on the space and on a register.

The input space is what the tables speak of: for each category with a decision table, every combination
of the fields its rows test (impairment, group, both degrees, each criterion flag, the psychiatrist's
conclusion, the conditional numbers' flags), all answers known. It is small (tens of thousands of
points per category), so it is enumerated exactly and evaluated by the same vectorised criteria as a
register.
"""

import itertools
from dataclasses import dataclass

import numpy as np

from socmethod.core.engine import compiled_tables
from socmethod.core.ruleset import RuleSet, bundled_ruleset
from socmethod.core.vector import Evaluation, evaluate_arrays

# --- the input space -----------------------------------------------------------------------------------

@dataclass
class Space:
    category: str
    dims: list[str]                       # fields enumerated
    domains: dict[str, list]              # field -> values
    codes: dict[str, np.ndarray]          # field -> code per point (index into the domain)
    n: int

    def point(self, i: int) -> dict:
        return {d: self.domains[d][int(self.codes[d][i])] for d in self.dims}


def space_fields(rulesets: list[RuleSet], readings_list: list[dict], category: str) -> list[str]:
    """Fields tested by any row (or conditional number) of the category, in any rule set and reading."""
    fields: dict[str, None] = {}
    for ruleset in rulesets:
        for readings in readings_list:
            for ctable in compiled_tables(ruleset, readings, category):
                for crow in ctable.rows:
                    for c in crow.criteria:
                        fields.update(dict.fromkeys(c.fields))
                    fields.update(dict.fromkeys(f for n in crow.ripso for f in n.requirements()))
    order = list(rulesets[0].fields)
    return sorted(fields, key=order.index)


def enumerate_space(ruleset: RuleSet, category: str, fields: list[str]) -> Space:
    domains = {f: ruleset.field_domain(f) for f in fields}
    grids = np.meshgrid(*[np.arange(len(domains[f])) for f in fields], indexing="ij")
    codes = {f: g.ravel().astype(np.int8) for f, g in zip(fields, grids)}
    n = int(grids[0].size) if grids else 1
    return Space(category, fields, domains, codes, n)


def _arrays(space: Space, ruleset: RuleSet) -> dict:
    """Codes in the vector path's convention: enums and scales as domain index, bools as 1/0."""
    arrays = {}
    for f in space.dims:
        if ruleset.fields[f]["kind"] == "bool":
            # field_domain(bool) is [True, False]: code 0 is true
            arrays[f] = (space.codes[f] == 0).astype(np.int8)
        else:
            arrays[f] = space.codes[f]
    for f, spec in ruleset.fields.items():
        if f not in arrays:
            arrays[f] = np.full(space.n, -1, dtype=np.int8)
    return arrays


@dataclass
class Outcome:
    """Which rows match each point of a space under one rule set and readings, and which of their
    conditional numbers (N 30, N 29) each point is given."""
    ruleset: RuleSet
    readings: dict
    space: Space
    rows: list                             # CompiledRow
    matched: np.ndarray                    # bool [rows x points]
    evaluation: Evaluation | None = None

    def labels(self) -> np.ndarray:
        """A text per point: the matched rows' form and the numbers given, e.g. "home N 1; residential_temporary N 4"."""
        if not self.rows:
            return np.full(self.space.n, "", dtype=object)
        given = self.evaluation.given if self.evaluation is not None else np.zeros((0, self.space.n), dtype=bool)
        keys = np.packbits(np.concatenate([self.matched, given], axis=0).T, axis=1, bitorder="little")
        _, first, inverse = np.unique(keys, axis=0, return_index=True, return_inverse=True)
        texts = [self._label(int(i)) for i in first]
        return np.array(texts, dtype=object)[inverse.ravel()]

    def _label(self, i: int) -> str:
        ev = self.evaluation
        given = {ev.numbers[j]: bool(ev.given[j, i]) for j in range(len(ev.numbers))} if ev is not None else {}
        parts = []
        for r, crow in enumerate(self.rows):
            if self.matched[r, i]:
                numbers = [str(n.number) for k, n in enumerate(crow.ripso) if not n.conditional or given.get((r, k))]
                parts.append(f"{crow.row.form} N {', '.join(numbers)}" if numbers else crow.row.form)
        return "; ".join(parts)


def evaluate_space(ruleset: RuleSet, readings: dict, space: Space) -> Outcome:
    readings = ruleset.resolve_readings(readings)
    evaluation = evaluate_arrays(space.category, _arrays(space, ruleset), space.n, ruleset, readings)
    return Outcome(ruleset, readings, space, list(evaluation.rows), evaluation.matched(), evaluation)


def decision_categories(ruleset: RuleSet) -> list[str]:
    return [c for c, spec in ruleset.categories.items()
            if any(ruleset.tables[t].kind == "decision" for t in spec.get("tables", []))]


# --- regions: readable descriptions of sets of points --------------------------------------------------

PACKED_BITS = 62     # the widest set of field masks grouped as one int64 key


def regions(space: Space, mask: np.ndarray) -> list[dict]:
    """Cover the points where `mask` holds with boxes (a set of values per field), merging along each
    field while the other fields agree; a field covering its whole domain reads "any".

    Boxes are rows of per-field bit masks (bit v = value v), merged with numpy: group the boxes that
    agree on every other field and OR their masks on this one, until nothing merges."""
    idx = np.flatnonzero(mask)
    if idx.size == 0:
        return []
    dims = space.dims
    if not dims:                   # a table with no rows tests nothing: the one point is everything
        return [{}]
    boxes = np.stack([np.left_shift(1, space.codes[d][idx].astype(np.int64)) for d in dims], axis=1)
    boxes = np.unique(boxes, axis=0)
    widths = [len(space.domains[d]) for d in dims]
    # Each merge step maps the set of boxes to a set, whatever their order. When every field's mask fits
    # one 64-bit key side by side (all tables today), a box's other fields are one integer and grouping is
    # a 1-D sort; otherwise rows are grouped as rows (numpy's much slower unique along an axis).
    shifts = np.cumsum([0] + widths[:-1]).astype(np.int64) if sum(widths) <= PACKED_BITS else None
    while True:
        before = len(boxes)
        for k in range(len(dims)):
            if shifts is not None:
                rest_key = (boxes << shifts).sum(axis=1) - (boxes[:, k] << shifts[k])
                _, first, inverse = np.unique(rest_key, return_index=True, return_inverse=True)
                merged = np.zeros(len(first), dtype=np.int64)
                np.bitwise_or.at(merged, inverse.ravel(), boxes[:, k])
                boxes = boxes[first].copy()
                boxes[:, k] = merged
                continue
            rest = np.delete(boxes, k, axis=1)
            _, inverse = np.unique(rest, axis=0, return_inverse=True)
            inverse = inverse.ravel()
            merged = np.zeros(inverse.max() + 1, dtype=np.int64)
            np.bitwise_or.at(merged, inverse, boxes[:, k])
            boxes = np.unique(np.insert(rest[np.unique(inverse, return_index=True)[1]], k,
                                        merged[np.unique(inverse)], axis=1), axis=0)
        if len(boxes) == before:
            break
    boxes = np.unique(boxes, axis=0)       # the same order whichever way they were grouped
    # Largest regions first: they are what a methodologist reads.
    sizes = np.prod([np.array([bin(b).count("1") for b in boxes[:, k].tolist()]) for k in range(len(dims))], axis=0)
    boxes = boxes[np.argsort(-sizes, kind="stable")]
    result = []
    for box in boxes.tolist():
        desc = {}
        for d, bits in zip(dims, box):
            domain = space.domains[d]
            values = [v for i, v in enumerate(domain) if bits >> i & 1]
            desc[d] = "any" if len(values) == len(domain) else values
        result.append(desc)
    return result


def describe_region(region: dict, ruleset: RuleSet) -> str:
    parts = []
    for d, values in region.items():
        if values == "any":
            continue
        label = ruleset.fields[d].get("label", d)
        if ruleset.fields[d]["kind"] == "bool" and len(values) == 1:
            parts.append(f"{label}: {'да' if values[0] else 'нет'}")
        else:
            parts.append(f"{label}: {', '.join(str(v) for v in values)}")
    return "; ".join(parts) or "любые значения"


# --- findings: what the text leaves open (ruleset.toml [findings]) ------------------------------------

def findings(ruleset: RuleSet) -> list[dict]:
    """The rule set's findings, each with its line; one with a `check` also says what the rule set in
    force shows (unused_ripso: the numbers from N 1 to the highest used that no row names, under any
    reading), so a change that settles it is seen."""
    out = []
    for fid, spec in ruleset.findings.items():
        entry = {"id": fid, "title": spec["title"], "text": spec["text"], "seed_line": spec["seed_line"]}
        if spec.get("check") == "unused_ripso":
            numbers = unused_ripso(ruleset)
            entry["check"] = {"numbers": numbers, "holds": bool(numbers)}
        out.append(entry)
    return out


def unused_ripso(ruleset: RuleSet) -> list[int]:
    used = {n.number for t in ruleset.tables.values() if t.kind == "decision" for r in t.rows
            for numbers in r.ripso.values() for n in numbers}
    return [n for n in range(1, max(used, default=0) + 1) if n not in used]


# --- analysis of one rule set --------------------------------------------------------------------------

def analyse(ruleset: RuleSet | None = None, readings: dict | None = None, max_regions: int = 200) -> dict:
    """Gaps, overlaps, dead and covered rows of every decision table, under `readings`, and the rule set's
    findings (what the text leaves open, beside the gaps)."""
    ruleset = ruleset or bundled_ruleset()
    readings = ruleset.resolve_readings(readings)
    report = {"rule_set": ruleset.info(), "readings": readings, "categories": {}, "findings": findings(ruleset)}
    for category in decision_categories(ruleset):
        fields = space_fields([ruleset], [readings], category)
        space = enumerate_space(ruleset, category, fields)
        out = evaluate_space(ruleset, readings, space)
        m = out.matched
        any_match = m.any(axis=0)
        forms = [crow.row.form for crow in out.rows]
        n_forms = np.zeros(space.n, dtype=np.int16)
        same_form_twice = np.zeros(space.n, dtype=bool)
        for form in dict.fromkeys(forms):
            rows_f = [i for i, f in enumerate(forms) if f == form]
            count = m[rows_f].sum(axis=0)
            n_forms += count > 0
            same_form_twice |= count > 1
        dead = [out.rows[i].row.id for i in range(len(out.rows)) if not m[i].any()]
        covered = []
        for i, j in itertools.permutations(range(len(out.rows)), 2):
            if m[i].any() and forms[i] == forms[j] and not (m[i] & ~m[j]).any() and out.rows[i].row.id != out.rows[j].row.id:
                if (m[i] == m[j]).all() and i > j:
                    continue   # equal sets: report the pair once
                covered.append({"row": out.rows[i].row.id, "covered_by": out.rows[j].row.id, "form": forms[i],
                                "equal": bool((m[i] == m[j]).all())})
        gap_regions = regions(space, ~any_match)
        twice_regions = regions(space, same_form_twice)
        report["categories"][category] = {
            "fields": fields, "points": space.n,
            "gaps": {"points": int((~any_match).sum()), "regions": gap_regions[:max_regions],
                     "regions_total": len(gap_regions),
                     "text": [describe_region(r, ruleset) for r in gap_regions[:max_regions]]},
            "several_forms": {"points": int((n_forms > 1).sum())},
            "same_form_two_programmes": {"points": int(same_form_twice.sum()), "regions": twice_regions[:max_regions],
                                         "regions_total": len(twice_regions),
                                         "text": [describe_region(r, ruleset) for r in twice_regions[:max_regions]]},
            "dead_rows": dead,
            "covered_rows": covered,
        }
    return report
