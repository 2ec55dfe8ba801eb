"""Workbench speed: the whole-space analysis of all tables, and the impact of a planted change on a
1,000,000-case register (read once, evaluated under both rule sets). Prints figures only.

    .venv/bin/python benchmarks/workbench_speed.py [--rows 1000000]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from batch_speed import synthetic_register  # noqa: E402

from socmethod import bundled_ruleset  # noqa: E402
from socmethod.analysis.changes import apply_change_file  # noqa: E402
from socmethod.analysis.impact import register_impact, space_impact  # noqa: E402
from socmethod.analysis.space import analyse  # noqa: E402

CHANGE = """name = "benchmark: widen 3.1-N1"
[[change]]
action = "edit"
table = "3.1"
row = "3.1-N1"
set = { mobility = "1, 2, 3" }
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    base = bundled_ruleset()
    t0 = time.perf_counter()
    report = analyse(base)
    points = sum(c["points"] for c in report["categories"].values())
    print(f"whole-space analysis, all decision tables: {time.perf_counter() - t0:.2f} s ({points:,} input points)")
    t0 = time.perf_counter()
    for option_set in ({}, {"empty_cell": "must_be_absent"}, {"star_footnote": "literal"}):
        analyse(base, option_set)
    print(f"  three reading sets: {time.perf_counter() - t0:.2f} s")
    with tempfile.TemporaryDirectory() as tmp:
        change = Path(tmp) / "change.toml"
        change.write_text(CHANGE, encoding="utf-8")
        proposal = apply_change_file(change, base)
        t0 = time.perf_counter()
        space = space_impact(base, proposal)
        print(f"impact on the input space: {time.perf_counter() - t0:.2f} s; "
              f"changed points: {sum(v['changed'] for v in space.values()):,}")
        src = Path(tmp) / "register.csv"
        synthetic_register(args.rows).to_csv(src, index=False)
        t0 = time.perf_counter()
        impact = register_impact(str(src), base, proposal)
        print(f"diff over a {args.rows:,}-case register: {time.perf_counter() - t0:.2f} s; "
              f"changed cases: {impact['changed']:,}")


if __name__ == "__main__":
    main()
