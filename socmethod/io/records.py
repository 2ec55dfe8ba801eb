"""Writing assessed registers: one record per input row, in input order, as CSV or JSON Lines.

Text is made here and only here. Every CSV cell the kit writes is neutralised against spreadsheet formula
injection (OWASP): a cell that begins with =, +, -, @, a tab or a carriage return gets a leading
apostrophe, so Excel shows it as text instead of running it. Kept columns are otherwise copied verbatim.
"""
from __future__ import annotations

import csv
import io
import json

import numpy as np

from socmethod.core.engine import Decision, decision_of

CSV_COLUMNS = ("index", "status", "error_code", "error_field", "self_care_points", "self_care_degree",
               "mobility_points", "mobility_degree", "forms", "ripso", "rules", "depends_on", "early_help")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutral(text: str) -> str:
    """A cell a spreadsheet will show as text, never evaluate."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _join(values) -> str:
    return "|".join(str(v) for v in values)


def csv_record(index: int, result: dict) -> list[str]:
    """One output CSV row for a result (or an error record)."""
    if "error" in result:
        err = result["error"]
        return [str(index), "error", err["code"], neutral(err.get("field") or "")] + [""] * (len(CSV_COLUMNS) - 4)
    sc, mob = result.get("self_care"), result.get("mobility")
    early = result.get("early_help", {}).get("verdict", "")
    return [str(index), "ok", "", "",
            str(sc["points"]) if sc else "", str(sc["degree"]) if sc else "",
            str(mob["points"]) if mob else "", str(mob["degree"]) if mob else "",
            *decision_cells(decision_of(result)), early]


def decision_cells(decision: Decision) -> list[str]:
    """forms, ripso, rules, depends_on cells of a Decision."""
    return [_join(decision.forms), _join(decision.ripso), _join(decision.rules), _join(decision.depends)]


class _Line:
    """CSV text for one record, quoted as csv.writer would (the fast path needs no quoting: its cells are
    codes and numbers)."""

    def __init__(self):
        self.buf = io.StringIO()
        self.writer = csv.writer(self.buf, lineterminator="")

    def __call__(self, cells: list[str]) -> str:
        self.buf.seek(0)
        self.buf.truncate()
        self.writer.writerow(cells)
        return self.buf.getvalue()


class CsvWriter:
    """Records of assessed chunks as CSV: `index`, the carried columns (identifier, kept), then CSV_COLUMNS.

    Rows decided by the vectorised path share their text: each distinct (decision, points) is formatted
    once, and the lines are assembled column-wise."""

    def __init__(self, fh, carried: list[str]):
        self.fh = fh
        self.carried = carried
        self.line = _Line()
        self._decisions: dict = {}
        self._tails: dict = {}
        self._keep: list = []
        fh.write(self.line(list(CSV_COLUMNS[:1]) + [neutral(c) for c in carried] + list(CSV_COLUMNS[1:])) + "\n")

    def write(self, assessment) -> None:
        chunk = assessment.chunk
        n = len(chunk)
        if n == 0:
            return
        prefixes = self._prefixes(chunk)
        lines: list[str | None] = [None] * n
        fast = np.flatnonzero(assessment.decision_index >= 0)
        if fast.size:
            sc = assessment.points["self_care"][fast].astype(np.int64)
            mo = assessment.points["mobility"][fast].astype(np.int64)
            key = (assessment.decision_index[fast] * 1024 + (sc + 1)) * 1024 + (mo + 1)
            uniq, first, inverse = np.unique(key, return_index=True, return_inverse=True)
            tails = [self._tail_of(assessment, int(fast[k])) for k in first.tolist()]
            for position, t in zip(fast.tolist(), inverse.ravel().tolist()):
                lines[position] = prefixes[position] + "," + tails[t]
        for i, result in assessment.results.items():
            cells = csv_record(chunk.index(i), result)
            lines[i] = prefixes[i] + "," + self.line(cells[1:])
        self.fh.write("\n".join(lines) + "\n")

    def _tail_of(self, assessment, i: int) -> str:
        """The tail of row i, made once per run for a recurring (decision, points): decisions recur as the
        same objects across chunks (assess_chunk's memo), so their identity is the key."""
        decision = assessment.decisions[int(assessment.decision_index[i])]
        key = (id(decision), int(assessment.points["self_care"][i]), int(assessment.points["mobility"][i]))
        tail = self._tails.get(key)
        if tail is None:
            tail = self._tails[key] = self._tail(assessment, i)
            self._keep.append(decision)           # keeps the id from being reused by another object
        return tail

    def _tail(self, assessment, i: int) -> str:
        """The record after `index` of a vectorised row: its cells are codes, digits and | (no quoting)."""
        decision = assessment.decisions[int(assessment.decision_index[i])]
        text = self._decisions.get(decision)
        if text is None:
            text = self._decisions[decision] = ",".join(decision_cells(decision))
        show = lambda v: "" if v < 0 else str(v)  # noqa: E731
        return (f"ok,,,{show(int(assessment.points['self_care'][i]))},{show(int(assessment.degrees['self_care'][i]))},"
                f"{show(int(assessment.points['mobility'][i]))},{show(int(assessment.degrees['mobility'][i]))},{text},")

    def _prefixes(self, chunk) -> list[str]:
        """`index[,carried...]` of every row."""
        indexes = range(chunk.start, chunk.start + len(chunk))
        if not self.carried:
            return [str(i) for i in indexes]
        return [self.line([str(index), *(neutral(v) for v in chunk.carried(i))]) for i, index in enumerate(indexes)]


class JsonlWriter:
    """Records as JSON Lines: exactly what `socmethod assess` prints for the case, one per line; with
    carried columns, a `register` key holds the row's line and those columns."""

    def __init__(self, fh, carried: list[str]):
        self.fh = fh
        self.carried = carried

    def write(self, assessment) -> None:
        chunk = assessment.chunk
        out = []
        for i in range(len(chunk)):
            record = assessment.results[i]
            if self.carried:
                record = {"register": {"line": int(chunk.lines[i]), "columns": dict(zip(self.carried, chunk.carried(i)))},
                          **record}
            out.append(json.dumps(record, ensure_ascii=False))
        if out:
            self.fh.write("\n".join(out) + "\n")
