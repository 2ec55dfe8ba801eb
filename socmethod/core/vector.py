"""The vectorised batch path: numpy over whole registers, the same criteria objects as the engine.

Each compiled criterion (engine.Criterion) is evaluated over arrays in three-valued logic coded as
0 = false, 1 = depends on an unknown answer, 2 = true (AND = min, OR = max). A row's status and its
conditional numbers give a small signature per case; each distinct signature is formatted once.

Only rows whose every cell passes simple vectorised checks take this path; any other row (a typo, an
out-of-range score, an age given for a disabled child, early help...) is assessed case by case by
`engine.assess`, so an error record is word for word the one `socmethod assess` prints.
"""
from __future__ import annotations

import numpy as np

from socmethod.core.engine import CompiledRow, Criterion, compiled_tables
from socmethod.core.ruleset import RuleSet

FALSE, UNKNOWN, TRUE = 0, 1, 2


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


def evaluate_arrays(category: str, arrays: dict, n: int, ruleset: RuleSet, readings: dict):
    """Statuses of every decision row of `category` for n cases.
    Returns (rows, status matrix [rows x n], conditional truth per row: list of [numbers x n])."""
    rows, statuses, conds = [], [], []
    for ctable in compiled_tables(ruleset, readings, category):
        for crow in ctable.rows:
            rows.append(crow)
            statuses.append(row_status_vec(crow, arrays, ruleset, n))
            conds.append([_truth_of(arrays, num.condition) for num in crow.ripso if num.condition])
    matrix = np.vstack(statuses) if statuses else np.zeros((0, n), dtype=np.int8)
    return rows, matrix, conds


# --- signatures and their text -------------------------------------------------------------------------

def signatures(rows, matrix, conds, n: int) -> tuple[np.ndarray, list]:
    """Pack per-case outcomes into uint64 bit fields: firm rows, depending rows, firm conditional numbers,
    depending conditional numbers. Returns (signature per case, slot layout)."""
    slots = [(r, i) for r, crow in enumerate(rows) for i, num in enumerate(crow.ripso) if num.condition]
    if len(rows) > 24 or len(slots) > 8:
        raise OverflowError("too many rows for the packed signature")
    sig = np.zeros(n, dtype=np.uint64)
    for r in range(len(rows)):
        sig |= (matrix[r] == TRUE).astype(np.uint64) << np.uint64(r)
        sig |= (matrix[r] == UNKNOWN).astype(np.uint64) << np.uint64(24 + r)
    for s, (r, i) in enumerate(slots):
        cond = conds[r][sum(1 for j in range(i) if rows[r].ripso[j].condition)]
        firm = (matrix[r] == TRUE) & (cond == TRUE)
        pending = ((matrix[r] == TRUE) & (cond == UNKNOWN)) | ((matrix[r] == UNKNOWN) & (cond != FALSE))
        sig |= firm.astype(np.uint64) << np.uint64(48 + s)
        sig |= pending.astype(np.uint64) << np.uint64(56 + s)
    return sig, slots


def describe_signature(sig: int, rows, slots) -> tuple[str, str, str, str]:
    """(forms, ripso, rules, depends_on) text for the CSV output, in the engine's order."""
    forms, ripso, rules, depends = [], [], [], []
    slot_of = {(r, i): s for s, (r, i) in enumerate(slots)}
    for r, crow in enumerate(rows):
        if sig >> r & 1:
            forms.append(crow.row.form)
            rules.append(crow.row.id)
            for i, num in enumerate(crow.ripso):
                if num.condition is None or sig >> (48 + slot_of[(r, i)]) & 1:
                    ripso.append(str(num.number))
        row_depends = bool(sig >> (24 + r) & 1) or any(sig >> (56 + slot_of[(r, i)]) & 1
                                                       for i, num in enumerate(crow.ripso) if num.condition)
        if row_depends:
            depends.append(crow.row.id)
    return "|".join(forms), "|".join(ripso), "|".join(rules), "|".join(depends)
