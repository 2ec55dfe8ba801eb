"""Lighthouse 12 (mobile preset) through the light page: performance, accessibility and best practices of
the start page, the question page and the result page, and what the first visit transferred.

    .venv/bin/python benchmarks/web_lighthouse.py [--runs 3]

Lighthouse comes from the npm registry (benchmarks/lighthouse/package.json, exact version 12.2.3: 13.x
wants Node 22), installed on first use with `npm ci`; it drives /usr/bin/chromium (CHROME_PATH). The flow
(benchmarks/lighthouse/flow.mjs) posts the form as a browser without JavaScript would, then changes an
answer with the script on. Scores are Lighthouse's own (simulated phone: 4x CPU, slow 4G); this machine's
load still moves them a little, so the median of --runs flows is printed.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.page_driver import CHROMIUM, start_web  # noqa: E402
from tests.support.processes import stop  # noqa: E402

TOOLS = ROOT / "benchmarks" / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices")


def ensure_lighthouse() -> None:
    if not (TOOLS / "node_modules" / "lighthouse").exists():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--silent"], cwd=TOOLS, check=True)


def run_flow(url: str) -> list[dict]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "flow.json"
        subprocess.run(["node", str(TOOLS / "flow.mjs"), url, str(out)], cwd=TOOLS, check=True,
                       env={**os.environ, "CHROME_PATH": CHROMIUM}, stdout=subprocess.DEVNULL)
        return json.loads(out.read_text())["steps"]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    ensure_lighthouse()
    proc, url = start_web()
    try:
        flows = [run_flow(url) for _ in range(args.runs)]
    finally:
        stop(proc)
    print(f"Lighthouse 12.2.3, mobile preset, median of {args.runs} flows (scores 0-100):")
    print(f"{'step':48} {'perf':>5} {'a11y':>5} {'best':>5} {'LCP s':>6} {'TBT ms':>7} {'CLS':>5} {'KB':>6}")
    for i, step in enumerate(flows[0]):
        lhrs = [flow[i]["lhr"] for flow in flows]

        def score(name):
            if name == "performance" and lhrs[0]["gatherMode"] == "snapshot":
                return "    -"              # a snapshot has no load to score
            values = [lhr["categories"][name]["score"] for lhr in lhrs if name in lhr["categories"]]
            return f"{statistics.median(values) * 100:5.0f}" if values and None not in values else "    -"

        def audit(name, scale=1.0, fmt="{:.2f}"):
            values = [lhr["audits"][name].get("numericValue") for lhr in lhrs if name in lhr["audits"]]
            values = [v for v in values if v is not None]
            return fmt.format(statistics.median(values) * scale) if values else "-"
        print(f"{step['name'][:48]:48} {score('performance')} {score('accessibility')} {score('best-practices')} "
              f"{audit('largest-contentful-paint', 0.001):>6} {audit('total-blocking-time', 1, '{:.0f}'):>7} "
              f"{audit('cumulative-layout-shift', 1, '{:.3f}'):>5} {audit('total-byte-weight', 1 / 1024, '{:.1f}'):>6}")
    failing = sorted({f"{step['name']}: {a['id']}" for flow in flows for step in flow
                      for cat in ("accessibility", "best-practices") if cat in step["lhr"]["categories"]
                      for ref in step["lhr"]["categories"][cat]["auditRefs"]
                      if (a := step["lhr"]["audits"][ref["id"]]).get("score") is not None and a["score"] < 1 and ref["weight"] > 0})
    if failing:
        print("audits not passed:", "; ".join(failing))
    return 0


if __name__ == "__main__":
    sys.exit(main())
