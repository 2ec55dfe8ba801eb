"""The vectorised evaluator: numpy over many cases at once, the same compiled criteria as the engine.

Each compiled criterion (engine.Criterion) is evaluated over arrays of codes in the three-valued logic of
`core.logic` (AND = min, OR = max). The result is arrays, never text: a row status per decision row and
case, and a state per conditional number and case (`Evaluation`). Nothing limits the number of rows or of
conditional numbers. Cases with the same outcome share one `Decision`, found once per distinct outcome;
formatting happens only where an output is written (io.records).

The engine and this module are kept equal by property tests over generated rule sets
(tests/test_properties.py) and by the batch tests comparing both paths record for record.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from socmethod.core.engine import CompiledRow, Criterion, Decision, compiled_tables, number_code
from socmethod.core.logic import FALSE, TRUE, UNKNOWN, number_state
from socmethod.core.ruleset import RuleSet

__all__ = ["FALSE", "UNKNOWN", "TRUE", "Evaluation", "evaluate_arrays", "criterion_vec"]


# --- criteria over arrays ----------------------------------------------------------------------------

def criterion_vec(c: Criterion, arrays: dict, ruleset: RuleSet) -> np.ndarray:
    """Three-valued truth of one criterion for every case. `arrays`: enum/scale fields as codes
    (index in the field's domain, -1 = unknown), bool fields as int8 (1 true, 0 false, -1 unknown)."""
    if c.kind == "in":
        field = c.fields[0]
        domain = ruleset.field_domain(field)
        lut = np.array([UNKNOWN] + [TRUE if v in c.values else FALSE for v in domain], dtype=np.int8)
        return lut[arrays[field].astype(np.int16) + 1]
    truths = [_truth_of(arrays, f) for f in c.fields]
    if c.kind == "any_true":
        return np.maximum.reduce(truths) if len(truths) > 1 else truths[0]
    nots = [TRUE - t for t in truths]
    return np.minimum.reduce(nots) if len(nots) > 1 else nots[0]


def _truth_of(arrays: dict, field: str) -> np.ndarray:
    """Three-valued truth of a bool field, computed once per batch (many criteria read the same field)."""
    key = ("truth", field)
    if key not in arrays:
        arrays[key] = _truth(arrays[field])
    return arrays[key]


def _truth(bool_codes: np.ndarray) -> np.ndarray:
    lut = np.array([UNKNOWN, FALSE, TRUE], dtype=np.int8)    # index = code + 1
    return lut[bool_codes.astype(np.int16) + 1]


def row_status_vec(crow: CompiledRow, arrays: dict, ruleset: RuleSet, n: int) -> np.ndarray:
    status = np.full(n, TRUE, dtype=np.int8)
    for c in crow.criteria:
        np.minimum(status, criterion_vec(c, arrays, ruleset), out=status)
    return status


@dataclass
class Evaluation:
    """Every decision row of one category over n cases.

    `status[r, i]`: row r for case i (FALSE, UNKNOWN, TRUE). `numbers[j]`: (row index, index in the row's
    РИПСО numbers) of the j-th conditional number; `given[j, i]` / `pending[j, i]`: whether it is given to
    case i, or depends on an unknown answer."""
    rows: tuple[CompiledRow, ...]
    status: np.ndarray
    numbers: tuple[tuple[int, int], ...]
    given: np.ndarray
    pending: np.ndarray

    @property
    def n(self) -> int:
        return self.status.shape[1]

    def matched(self) -> np.ndarray:
        """bool [rows x n]: the rows that hold for sure."""
        return self.status == TRUE

    def distinct(self, memo: dict | None = None) -> tuple[np.ndarray, list[Decision]]:
        """(index of its decision per case, the distinct decisions): each outcome is described once, and
        with `memo` (a dict kept for one run over the same rows) once per run, not once per chunk."""
        n = self.n
        states = np.concatenate([self.status, self.given.astype(np.int8) * 2 + self.pending.astype(np.int8)],
                                axis=0).T if len(self.rows) else np.zeros((n, 0), dtype=np.int8)
        if n == 0:
            return np.zeros(0, dtype=np.intp), []
        if states.shape[1] == 0:
            return np.zeros(n, dtype=np.intp), [Decision((), (), (), ())]
        # One opaque byte string per case, so np.unique compares whole outcomes in one pass.
        keys = np.ascontiguousarray(states, dtype=np.int8).view(np.dtype((np.void, states.shape[1]))).ravel()
        uniq, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
        if memo is None:
            return inverse.ravel(), [self.decision(i) for i in first.tolist()]
        decisions = []
        for key, i in zip(uniq.tolist(), first.tolist()):
            decision = memo.get(key)
            if decision is None:
                decision = memo[key] = self.decision(i)
            decisions.append(decision)
        return inverse.ravel(), decisions

    def decision(self, i: int) -> Decision:
        """Case i's outcome in the engine's order: forms, numbers, rules of the rows that hold, and the
        rules whose row or conditional number depends on an unknown answer."""
        given = {self.numbers[j]: bool(self.given[j, i]) for j in range(len(self.numbers))}
        pending = {self.numbers[j] for j in range(len(self.numbers)) if self.pending[j, i]}
        forms, ripso, rules, depends, counts = [], [], [], [], []
        for r, crow in enumerate(self.rows):
            status = int(self.status[r, i])
            if status == TRUE:
                forms.append(crow.row.form)
                rules.append(crow.row.id)
                numbers = [num.number for k, num in enumerate(crow.ripso) if not num.conditional or given[(r, k)]]
                ripso += numbers
                counts.append(len(numbers))
            if status == UNKNOWN or any((r, k) in pending for k in range(len(crow.ripso))):
                depends.append(crow.row.id)
        return Decision(tuple(forms), tuple(ripso), tuple(rules), tuple(depends), tuple(counts))


def evaluate_arrays(category: str, arrays: dict, n: int, ruleset: RuleSet, readings: dict) -> Evaluation:
    """Every decision row of `category` (under `readings`) over n cases given as coded arrays."""
    rows, statuses, numbers, given, pending = [], [], [], [], []
    for ctable in compiled_tables(ruleset, readings, category):
        for crow in ctable.rows:
            status = row_status_vec(crow, arrays, ruleset, n)
            for k, num in enumerate(crow.ripso):
                if num.conditional:
                    g, p = number_state(status, number_code(num, lambda field: _truth_of(arrays, field)))
                    numbers.append((len(rows), k))
                    given.append(g)
                    pending.append(p)
            rows.append(crow)
            statuses.append(status)
    stack = lambda parts, dtype: np.vstack(parts) if parts else np.zeros((0, n), dtype=dtype)  # noqa: E731
    return Evaluation(tuple(rows), stack(statuses, np.int8), tuple(numbers), stack(given, bool), stack(pending, bool))
