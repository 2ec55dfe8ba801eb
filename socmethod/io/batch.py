"""Batch assessment: a register of cases (JSON Lines or CSV) in, one result per case out, in order.

Two paths give the same answers: the vectorised one (socmethod.vector, numpy) for CSV registers, and
case-by-case `assess` for everything else and for every row the vectorised checks do not accept.
"""
from __future__ import annotations

import csv
import json
from pathlib import Path

from socmethod.core.engine import assess_or_error, ruleset_of
from socmethod.core.errors import KitError
from socmethod.core.ruleset import RuleSet
from socmethod.io.casefiles import iter_cases
from socmethod.io.records import CSV_COLUMNS, csv_record
from socmethod.io.register import IrregularFile, read_frame, register_records


def assess_all(cases, readings=None, rules=None) -> list[dict]:
    """Case by case: the reference the vectorised path is checked against."""
    ruleset = ruleset_of(rules)
    out = []
    for case in cases:
        out.append({"error": case.to_dict()} if isinstance(case, KitError) else assess_or_error(case, readings, ruleset))
    return out


def run_batch(in_path: str, out_path: str, readings=None, rules=None, vectorised: bool = True) -> dict:
    """Assess every case of `in_path`, write `out_path` (.jsonl or .csv). Returns counts."""
    ruleset = ruleset_of(rules)
    readings = ruleset.resolve_readings(readings)
    out_suffix = Path(out_path).suffix.lower()
    if out_suffix not in (".jsonl", ".csv"):
        raise KitError("bad_argument", "OUT", value=out_path, allowed="Файл результатов должен иметь расширение .jsonl или .csv.")
    if not Path(in_path).is_file():
        raise KitError("file_not_found", value=in_path)
    if vectorised and out_suffix == ".csv" and Path(in_path).suffix.lower() == ".csv":
        try:
            return _batch_csv_to_csv(in_path, out_path, ruleset, readings)
        except IrregularFile:
            pass    # ragged or otherwise irregular: the exact path reads it row by row and reports each
    total = errors = 0
    with open(out_path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh) if out_suffix == ".csv" else None
        if writer:
            writer.writerow(CSV_COLUMNS)
        for index, case in iter_cases(in_path, ruleset):
            result = {"error": case.to_dict()} if isinstance(case, KitError) else assess_or_error(case, readings, ruleset)
            total += 1
            errors += "error" in result
            if writer:
                writer.writerow(csv_record(index, result))
            else:
                fh.write(json.dumps(result, ensure_ascii=False) + "\n")
    return {"cases": total, "errors": errors}


def _batch_csv_to_csv(in_path: str, out_path: str, ruleset: RuleSet, readings: dict) -> dict:
    frame, raw_rows = read_frame(in_path, ruleset)
    text, errors = register_records(frame, raw_rows, ruleset, readings)
    with open(out_path, "w", encoding="utf-8", newline="") as fh:
        fh.write(",".join(CSV_COLUMNS) + "\n")
        fh.write("\n".join(f"{i},{t}" for i, t in enumerate(text.tolist())))
        if len(text):
            fh.write("\n")
    return {"cases": len(text), "errors": errors}
