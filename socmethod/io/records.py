"""The output record of one assessed case in a batch CSV: the columns every CSV the kit writes shares."""
from __future__ import annotations

import csv
import io

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


def csv_text(rows) -> str:
    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    return buf.getvalue()
