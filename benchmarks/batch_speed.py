"""Batch speed: prints cases/second of the vectorised evaluation (file reading excluded), the end-to-end
time of `socmethod batch` from a 1,000,000-row CSV to a CSV, and the speed-up over calling `assess`
case by case. Figures only; nothing here asserts a time.

    .venv/bin/python benchmarks/batch_speed.py [--rows 1000000] [--sample 20000]
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))   # the test tooling (tests/support) is not part of the package

from socmethod import bundled_ruleset  # noqa: E402
from socmethod.core.cases import case_from_csv_row  # noqa: E402
from socmethod.core.vector import evaluate_arrays, signatures  # noqa: E402
from socmethod.io.batch import assess_all  # noqa: E402
from socmethod.io.register import encode_frame, read_frame, vector_results  # noqa: E402
from tests.support.synthetic import DECISION_CATEGORIES, csv_header  # noqa: E402


def synthetic_register(rows: int, seed: int = 7) -> pd.DataFrame:
    """A register of valid cases of the three categories with decision tables, drawn column-wise
    (10 % of the yes/no answers unknown), so building a million rows takes seconds."""
    ruleset = bundled_ruleset()
    rng = np.random.default_rng(seed)
    header = csv_header(ruleset)
    cat = rng.choice(DECISION_CATEGORIES, size=rows)
    frame = {h: np.full(rows, "", dtype=object) for h in header}
    frame["category"] = cat
    scores = np.array(["0", "1", "2", "3"], dtype=object)
    for category in DECISION_CATEGORIES:
        spec = ruleset.categories[category]
        mask = cat == category
        k = int(mask.sum())
        for key in spec["required"] + spec.get("optional", []):
            fspec = ruleset.fields[key]
            if fspec["kind"] == "scale":
                from socmethod.core.scales import scale
                for item in scale(key, spec["scales"]).keys:
                    frame[f"{key}.{item}"][mask] = rng.choice(scores, size=k, p=[0.25, 0.3, 0.3, 0.15])
            elif fspec["kind"] == "bool":
                frame[key][mask] = rng.choice(np.array(["true", "false", ""], dtype=object), size=k, p=[0.45, 0.45, 0.1])
            elif fspec["kind"] == "enum":
                values = list(fspec["values"]) + ([""] if fspec.get("nullable") else [])
                frame[key][mask] = rng.choice(np.array(values, dtype=object), size=k)
    return pd.DataFrame(frame, columns=header)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=20_000, help="cases assessed one by one for the speed-up")
    args = parser.parse_args()
    ruleset = bundled_ruleset()
    readings = ruleset.default_readings()
    with tempfile.TemporaryDirectory() as tmp:
        src, out = Path(tmp) / "register.csv", Path(tmp) / "results.csv"
        t0 = time.perf_counter()
        synthetic_register(args.rows).to_csv(src, index=False)
        print(f"register: {args.rows:,} rows, {src.stat().st_size / 2**20:.0f} MiB, written in {time.perf_counter() - t0:.1f} s")

        t0 = time.perf_counter()
        frame, raw_rows = read_frame(str(src), ruleset)
        t_read = time.perf_counter() - t0
        # Evaluation: checking and coding every cell, scoring, every row's status and each case's outcome.
        t0 = time.perf_counter()
        fast, arrays, points, degrees = encode_frame(frame, ruleset)
        for c_index, category in enumerate(ruleset.categories):
            idx = np.flatnonzero(fast & (arrays["category"] == c_index))
            if idx.size:
                sub = {k: v[idx] for k, v in arrays.items()}
                rows, matrix, conds = evaluate_arrays(category, sub, idx.size, ruleset, readings)
                signatures(rows, matrix, conds, idx.size)
        t_core = time.perf_counter() - t0
        t0 = time.perf_counter()
        fast, text = vector_results(frame, ruleset, readings)
        t_eval = time.perf_counter() - t0
        print(f"read CSV: {t_read:.2f} s")
        print(f"vectorised evaluation (checks, scoring, rows, outcomes): {t_core:.2f} s = {args.rows / t_core:,.0f} cases/s")
        print(f"  the same plus formatting every output line: {t_eval:.2f} s = {args.rows / t_eval:,.0f} cases/s; "
              f"rows on the vectorised path: {fast.mean():.1%}")

        header = list(frame.columns)
        cases = [case_from_csv_row(dict(zip(header, r)), ruleset) for r in raw_rows()[: args.sample]]
        t0 = time.perf_counter()
        assess_all(cases, readings, ruleset)
        t_one = (time.perf_counter() - t0) / len(cases)
        print(f"assess case by case: {1 / t_one:,.0f} cases/s; speed-up of the vectorised path: {t_one * args.rows / t_eval:.0f}x")

        exe = Path(sys.executable).parent / "socmethod"
        cmd = [str(exe) if exe.exists() else sys.executable, *([] if exe.exists() else ["-m", "socmethod.cli"]),
               "batch", str(src), str(out)]
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ})
        t_cli = time.perf_counter() - t0
        lines = sum(1 for _ in open(out, encoding="utf-8")) - 1
        print(f"socmethod batch {args.rows:,}-row CSV -> CSV end to end: {t_cli:.1f} s (exit {proc.returncode}, {lines:,} result rows)")


if __name__ == "__main__":
    main()
