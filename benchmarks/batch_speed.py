"""Batch speed: prints cases/second of the vectorised evaluation (file reading excluded), the end-to-end
time of `socmethod batch` from a 1,000,000-row CSV to a CSV, and the speed-up over calling `assess`
case by case. Figures only; nothing here asserts a time.

    .venv/bin/python benchmarks/batch_speed.py [--rows 1000000] [--sample 20000]
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))   # the test tooling (tests/support) is not part of the package

from socmethod import bundled_ruleset  # noqa: E402
from socmethod.core.cases import case_from_csv_row  # noqa: E402
from socmethod.core.vector import evaluate_arrays  # noqa: E402
from socmethod.io.assessment import encode_frame  # noqa: E402
from socmethod.io.batch import assess_all  # noqa: E402
from socmethod.io.register import _column_values  # noqa: E402
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
        # The keys the tables read, not the survey-act answers the engine derives them from.
        derived_from = set(ruleset.derivation_inputs())
        for key in [k for k in spec["required"] + spec.get("optional", []) if k not in derived_from]:
            fspec = ruleset.fields[key]
            if fspec["kind"] == "scale":
                from socmethod.core.scales import scale
                for item in scale(key, spec["scales"]).keys:
                    frame[f"{key}.{item}"][mask] = rng.choice(scores, size=k, p=[0.25, 0.3, 0.3, 0.15])
            elif fspec["kind"] == "bool":
                frame[key][mask] = rng.choice(np.array(["true", "false", ""], dtype=object), size=k, p=[0.45, 0.45, 0.1])
                for other in fspec.get("excludes", []):      # two answers that cannot both be «да» never are
                    frame[key][mask & (frame[key] == "true") & (frame[other] == "true")] = "false"
            elif fspec["kind"] == "enum":
                values = list(fspec["values"]) + ([""] if fspec.get("nullable") else [])
                frame[key][mask] = rng.choice(np.array(values, dtype=object), size=k)
    return pd.DataFrame(frame, columns=header)


def run_measured(cmd: list[str]) -> tuple[float, float, int]:
    """(seconds, peak resident MiB of the process, exit status), memory sampled every 20 ms."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = 0
    ps = psutil.Process(proc.pid)
    while proc.poll() is None:
        try:
            peak = max(peak, ps.memory_info().rss)
        except psutil.NoSuchProcess:
            break
        time.sleep(0.02)
    return time.perf_counter() - t0, peak / 2**20, proc.returncode


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=20_000, help="cases assessed one by one for the speed-up")
    parser.add_argument("--no-diff", action="store_true", help="skip socmethod diff --cases")
    args = parser.parse_args()
    ruleset = bundled_ruleset()
    readings = ruleset.default_readings()
    with tempfile.TemporaryDirectory() as tmp:
        src, out = Path(tmp) / "register.csv", Path(tmp) / "results.csv"
        t0 = time.perf_counter()
        synthetic_register(args.rows).to_csv(src, index=False)
        print(f"register: {args.rows:,} rows, {src.stat().st_size / 2**20:.0f} MiB, written in {time.perf_counter() - t0:.1f} s")

        # The vectorised evaluator alone, on the whole register coded at once (checks, scoring, every row's
        # status, each case's Decision), without reading or writing.
        sample = pd.read_csv(src, dtype=str, keep_default_na=False, nrows=min(args.rows, 1_000_000))
        frame = sample.astype({c: pd.CategoricalDtype(_column_values(ruleset, c)) for c in sample.columns})
        t0 = time.perf_counter()
        fast, arrays, points, degrees = encode_frame(frame, ruleset)
        for c_index, category in enumerate(ruleset.categories):
            idx = np.flatnonzero(fast & (arrays["category"] == c_index))
            if idx.size:
                evaluate_arrays(category, {k: v[idx] for k, v in arrays.items()}, idx.size, ruleset, readings).distinct()
        t_core = time.perf_counter() - t0
        print(f"vectorised evaluation (checks, scoring, rows, decisions) of {len(frame):,} cases: {t_core:.2f} s = "
              f"{len(frame) / t_core:,.0f} cases/s; rows on the vectorised path: {fast.mean():.1%}")

        header = list(sample.columns)
        cases = [case_from_csv_row(dict(zip(header, r)), ruleset) for r in sample.head(args.sample).itertuples(index=False)]
        t0 = time.perf_counter()
        assess_all(cases, readings, ruleset)
        t_one = (time.perf_counter() - t0) / len(cases)
        print(f"assess case by case: {1 / t_one:,.0f} cases/s; speed-up of the vectorised evaluator: "
              f"{t_one * len(frame) / t_core:.0f}x")
        del sample, frame, arrays, cases

        exe = Path(sys.executable).parent / "socmethod"
        base = [str(exe)] if exe.exists() else [sys.executable, "-m", "socmethod.cli"]
        seconds, peak, status = run_measured(base + ["batch", str(src), str(out)])
        lines = sum(1 for _ in open(out, encoding="utf-8")) - 1
        print(f"socmethod batch {args.rows:,}-row CSV -> CSV end to end: {seconds:.1f} s = {args.rows / seconds:,.0f} rows/s, "
              f"peak memory {peak:.0f} MiB (exit {status}, {lines:,} records)")
        if not args.no_diff:
            change = ROOT / "data" / "changes" / "example-widen-n1-mobility.toml"
            seconds, peak, status = run_measured(base + ["diff", "--proposal", str(change), "--cases", str(src),
                                                        "--changed", str(Path(tmp) / "changed.csv")])
            print(f"socmethod diff --cases {args.rows:,} rows (whole space, case bank and register): {seconds:.1f} s, "
                  f"peak memory {peak:.0f} MiB (exit {status})")


if __name__ == "__main__":
    main()
