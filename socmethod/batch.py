"""Batch assessment: a register of cases (JSON Lines or CSV) in, one result per case out, in order.

Two paths give the same answers: the vectorised one (socmethod.vector, numpy) for CSV registers, and
case-by-case `assess` for everything else and for every row the vectorised checks do not accept.
"""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from .casefiles import iter_cases
from .engine import assess_or_error, _ruleset_of
from .errors import KitError

CSV_COLUMNS = ("index", "status", "error_code", "error_field", "self_care_points", "self_care_degree",
               "mobility_points", "mobility_degree", "forms", "ripso", "rules", "depends_on", "early_help")


def _join(values) -> str:
    return "|".join(str(v) for v in values)


def csv_record(index: int, result: dict) -> list[str]:
    """One output CSV row for a result (or an error record)."""
    if "error" in result:
        err = result["error"]
        return [str(index), "error", err["code"], err.get("field") or ""] + [""] * (len(CSV_COLUMNS) - 4)
    sc, mob = result.get("self_care"), result.get("mobility")
    recs = result["recommendations"]
    depends = list(dict.fromkeys(d["rule"] for d in result["depends_on"]))
    early = result.get("early_help", {}).get("verdict", "")
    return [str(index), "ok", "", "",
            str(sc["points"]) if sc else "", str(sc["degree"]) if sc else "",
            str(mob["points"]) if mob else "", str(mob["degree"]) if mob else "",
            _join(r["form"] for r in recs), _join(n for r in recs for n in r["ripso"]),
            _join(r["rule"] for r in recs), _join(depends), early]


def assess_all(cases, readings=None, rules=None) -> list[dict]:
    """Case by case: the reference the vectorised path is checked against."""
    ruleset = _ruleset_of(rules)
    out = []
    for case in cases:
        out.append({"error": case.to_dict()} if isinstance(case, KitError) else assess_or_error(case, readings, ruleset))
    return out


def run_batch(in_path: str, out_path: str, readings=None, rules=None, vectorised: bool = True) -> dict:
    """Assess every case of `in_path`, write `out_path` (.jsonl or .csv). Returns counts."""
    ruleset = _ruleset_of(rules)
    readings = ruleset.resolve_readings(readings)
    out_suffix = Path(out_path).suffix.lower()
    if out_suffix not in (".jsonl", ".csv"):
        raise KitError("bad_argument", "OUT", value=out_path, allowed="Файл результатов должен иметь расширение .jsonl или .csv.")
    if not Path(in_path).is_file():
        raise KitError("file_not_found", value=in_path)
    if vectorised and out_suffix == ".csv" and Path(in_path).suffix.lower() == ".csv":
        from .vector import batch_csv_to_csv
        return batch_csv_to_csv(in_path, out_path, ruleset, readings)
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


def csv_text(rows) -> str:
    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    return buf.getvalue()
