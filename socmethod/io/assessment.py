"""Assessing a register chunk by chunk: the vectorised evaluator for every row its checks accept, the
engine (`assess`) for every other row, so an error record is word for word what `socmethod assess` says.

Each chunk gives a `ChunkAssessment`: per row, either an index into the chunk's distinct `Decision`s with
the row's points and degrees (vectorised rows), or the engine's result or error dict. Nothing here formats
text: the writers of io.records do, and the workbench compares Decisions directly.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from socmethod.core.engine import Decision, assess, decision_of
from socmethod.core.errors import KitError
from socmethod.core.ruleset import RuleSet
from socmethod.core.scales import SCALE_NAMES, scale
from socmethod.core.vector import evaluate_arrays
from socmethod.io.register import Chunk, _codes, _filled


@dataclass
class ChunkAssessment:
    chunk: Chunk
    decisions: list[Decision] = field(default_factory=list)
    decision_index: np.ndarray | None = None      # per row: index into decisions, -1 for an exact row
    points: dict = field(default_factory=dict)      # scale -> int16 per row (-1: none)
    degrees: dict = field(default_factory=dict)     # scale -> int8 per row (-1: none)
    results: dict = field(default_factory=dict)     # position -> result or {"error": ...} (exact rows)
    refusals: dict = field(default_factory=dict)    # position -> KitError.refusal() of a refused row

    def __len__(self) -> int:
        return len(self.chunk)

    def refused(self) -> list[int]:
        """Positions of the rows refused (their own error record)."""
        return [i for i, r in sorted(self.results.items()) if "error" in r]

    def decision(self, i: int) -> Decision | None:
        """Row i's Decision, or None for a refused row."""
        d = int(self.decision_index[i])
        if d >= 0:
            return self.decisions[d]
        result = self.results[i]
        return None if "error" in result else decision_of(result)


def assess_chunk(chunk: Chunk, ruleset: RuleSet, readings: dict, *, vectorised: bool = True,
                 memo: dict | None = None) -> ChunkAssessment:
    """Every row of `chunk` assessed under `readings` (already resolved). `memo`: a dict kept across the
    chunks of one run under one rule set and readings, so a recurring outcome is one Decision object."""
    n = len(chunk)
    out = ChunkAssessment(chunk, decision_index=np.full(n, -1, dtype=np.int64),
                          points={s: np.full(n, -1, dtype=np.int16) for s in SCALE_NAMES},
                          degrees={s: np.full(n, -1, dtype=np.int8) for s in SCALE_NAMES})
    for i, error in chunk.errors.items():
        out.results[i] = {"error": error.to_dict()}
        out.refusals[i] = error.refusal()
    vector_done = np.zeros(n, dtype=bool)
    if vectorised and chunk.frame is not None and len(chunk.clean):
        vector_done[_vectorised(out, chunk.frame, chunk.clean, ruleset, readings, memo)] = True
    for i in range(n):
        if i not in out.results and not vector_done[i]:
            try:
                out.results[i] = assess(chunk.case(i, ruleset), readings, ruleset)
            except KitError as error:
                out.results[i] = {"error": error.to_dict()}
                out.refusals[i] = error.refusal()
    return out


def _vectorised(out: ChunkAssessment, frame: pd.DataFrame, where: np.ndarray, ruleset: RuleSet,
                readings: dict, memo: dict | None = None) -> np.ndarray:
    """Fill `out` for the rows of `frame` (at positions `where`) the vectorised checks accept; return their
    positions (the others are left to the engine)."""
    frame = frame[[c for c in out.chunk.header.case_columns]]
    fast, arrays, points, degrees = encode_frame(frame, ruleset)
    for c_index, category in enumerate(ruleset.categories):
        idx = np.flatnonzero(fast & (arrays["category"] == c_index))
        if idx.size == 0:
            continue
        evaluation = evaluate_arrays(category, {k: v[idx] for k, v in arrays.items()}, idx.size, ruleset, readings)
        inverse, decisions = evaluation.distinct(None if memo is None else memo.setdefault(category, {}))
        out.decision_index[where[idx]] = inverse + len(out.decisions)
        out.decisions += decisions
        if ruleset.categories[category].get("scales") is not None:
            for name in SCALE_NAMES:
                out.points[name][where[idx]] = points[name][idx]
                out.degrees[name][where[idx]] = degrees[name][idx]
    return where[fast]


def encode_frame(frame: pd.DataFrame, ruleset: RuleSet):
    """(fast mask, arrays, points): which rows the vectorised path takes, their coded fields, and points."""
    n = len(frame)
    fast = np.ones(n, dtype=bool)
    filled_cache: dict[str, np.ndarray] = {}

    def filled(column: str) -> np.ndarray:
        if column not in filled_cache:
            filled_cache[column] = _filled(frame[column])
        return filled_cache[column]
    col = lambda name: frame[name] if name in frame.columns else pd.Series([""] * n)  # noqa: E731
    categories = list(ruleset.categories)
    cat = _codes(col("category"), categories)
    fast &= cat >= 0
    # Which columns each category may fill; anything else filled sends the row to the exact path.
    scale_items = {(name, v): set(scale(name, v).keys) for name in SCALE_NAMES for v in ("adult", "child")}
    arrays: dict[str, np.ndarray] = {}
    points = {name: np.zeros(n, dtype=np.int16) for name in SCALE_NAMES}
    degrees = {name: np.full(n, -1, dtype=np.int8) for name in SCALE_NAMES}
    known_columns = set()
    vector_categories = [c for c, spec in ruleset.categories.items() if _vector_ready(ruleset, c)]
    for c_index, category in enumerate(categories):
        in_cat = cat == c_index
        if not in_cat.any():
            continue
        if category not in vector_categories:
            fast &= ~in_cat
            continue
        spec = ruleset.categories[category]
        allowed = set(spec.get("required", [])) | set(spec.get("optional", [])) | {"category"}
        variant = spec.get("scales")
        for column in frame.columns:
            name, dot, item = column.partition(".")
            if dot and name in SCALE_NAMES:
                ok_item = variant is not None and item in scale_items[(name, variant)] and name in allowed
                if not ok_item:
                    fast &= ~(in_cat & filled(column))
            elif column not in allowed:
                fast &= ~(in_cat & filled(column))
        for key in spec.get("required", []):
            # A CSV without the column at all is refused by the exact path (missing key), not "unknown".
            if ruleset.fields[key]["kind"] != "scale" and key not in frame.columns:
                fast &= ~in_cat
        for optional_table_field in _optional_table_fields(ruleset, category):
            if optional_table_field in frame.columns:
                fast &= ~(in_cat & filled(optional_table_field))
    # Answers a table key is derived from (impairments -> impairment, ...) go the exact way: the engine derives.
    for column in ruleset.derivation_inputs():
        if column in frame.columns:
            fast &= ~filled(column)
    # Two answers that exclude each other (ruleset.toml `excludes`) both «да»: the engine refuses the row.
    for fname, fspec in ruleset.fields.items():
        for other in fspec.get("excludes", []):
            if fname in frame.columns and other in frame.columns:
                fast &= ~((_codes(col(fname), ["true"]) == 0) & (_codes(col(other), ["true"]) == 0))
    for fname, fspec in ruleset.fields.items():
        known_columns.add(fname)
        kind = fspec["kind"]
        if kind == "scale" or fname == "category":
            continue
        values = col(fname)
        if kind == "bool":
            codes = _codes(values, ["", "false", "true"])
            arrays[fname] = (codes - 1).astype(np.int8)          # "" -> -1, false -> 0, true -> 1
            bad = codes < 0
        elif kind == "enum":
            codes = _codes(values, [""] + list(fspec["values"]))
            arrays[fname] = (codes - 1).astype(np.int8)
            bad = codes < 0
            # a required, non-nullable enum must be given
            for c_index, category in enumerate(categories):
                if fname in ruleset.categories[category].get("required", []) and not fspec.get("nullable"):
                    bad = bad | ((cat == c_index) & (codes == 0))
        else:
            continue   # ints and sets only serve 3.3, which the exact path handles
        fast &= ~bad
    for name in SCALE_NAMES:
        for variant in ("adult", "child"):
            sc = scale(name, variant)
            rows_v = np.zeros(n, dtype=bool)
            for c_index, category in enumerate(categories):
                if ruleset.categories[category].get("scales") == variant and category in vector_categories:
                    rows_v |= cat == c_index
            if not rows_v.any():
                continue
            total = np.zeros(n, dtype=np.int16)
            for item in sc.keys:
                codes = _codes(col(f"{name}.{item}"), ["0", "1", "2", "3"])
                fast &= ~(rows_v & (codes < 0))
                total += np.where(rows_v, codes, 0).astype(np.int16)
            lut = np.array(sc.degree_table(), dtype=np.int8)
            points[name] = np.where(rows_v, total, points[name])
            degrees[name] = np.where(rows_v, lut[np.clip(total, 0, sc.max_points)], degrees[name])
    for column in frame.columns:
        name, dot, _ = column.partition(".")
        if not (dot and name in SCALE_NAMES) and column not in known_columns:
            fast &= ~filled(column)
    for name in SCALE_NAMES:
        arrays[name] = degrees[name]
    arrays["category"] = cat
    return fast, arrays, points, degrees


def _optional_table_fields(ruleset: RuleSet, category: str) -> list[str]:
    fields = []
    for table_id in ruleset.categories[category].get("optional_tables", []):
        spec = ruleset.tables[table_id].spec
        fields += [spec.get("field"), spec.get("age_field")]
    return [f for f in fields if f]


def _vector_ready(ruleset: RuleSet, category: str) -> bool:
    """Categories whose mandatory tables are all decision tables (3.3's verdict goes the exact way)."""
    return all(ruleset.tables[t].kind == "decision" for t in ruleset.categories[category].get("tables", []))


