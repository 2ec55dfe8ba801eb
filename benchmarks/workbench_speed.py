"""Workbench speed: the whole-space analysis of all tables, and the impact of a planted change on a
1,000,000-case register (read once, evaluated under both rule sets); the DataFrame API (assess_frame) and
the workbench page's «Сравнить» on a register as large as its upload allows (the report, the changed cases
and the register assessed under both rule sets, as the page makes them). Prints figures only.

    .venv/bin/python benchmarks/workbench_speed.py [--rows 1000000] [--frame-rows 200000] [--page-rows 90000]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from datetime import datetime, timezone  # noqa: E402

from batch_speed import synthetic_register  # noqa: E402

from socmethod import bundled_ruleset  # noqa: E402
from socmethod.analysis import assess_frame  # noqa: E402
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
    parser.add_argument("--frame-rows", type=int, default=200_000)
    parser.add_argument("--page-rows", type=int, default=90_000)
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
        frame = synthetic_register(args.frame_rows).assign(id=lambda f: [f"R-{i}" for i in range(len(f))], district="Невский")
        t0 = time.perf_counter()
        assessed = assess_frame(frame)
        took = time.perf_counter() - t0
        print(f"assess_frame, {args.frame_rows:,} rows: {took:.2f} s ({args.frame_rows / took:,.0f} rows/s); "
              f"ok: {(assessed['status'] == 'ok').sum():,}")
        page_register(args.page_rows, Path(tmp), proposal)


def page_register(rows: int, tmp: Path, proposal) -> None:
    """The page's «Сравнить» with a change and an uploaded register of `rows` rows."""
    from socmethod.apps.workbench import Workbench
    path = tmp / "page.csv"
    synthetic_register(rows).assign(id=lambda f: [f"R-{i}" for i in range(len(f))], district="Невский").to_csv(path, index=False)
    data = path.read_bytes()
    page = Workbench()
    page.session.set_proposal(proposal)
    page.compare.upload.value = ({"name": "реестр.csv", "type": "text/csv", "size": len(data), "content": memoryview(data),
                                  "last_modified": datetime.now(timezone.utc)},)
    t0 = time.perf_counter()
    page.compare.compare()
    took = time.perf_counter() - t0
    sent = len(page.compare.downloads.value) + len(page.compare.result.value) + len(page.compare.charts.value)
    print(f"workbench page «Сравнить», {rows:,}-row register ({len(data) / 2**20:.1f} MB): {took:.2f} s; "
          f"sent to the browser: {sent / 2**20:.1f} MB")


if __name__ == "__main__":
    main()
