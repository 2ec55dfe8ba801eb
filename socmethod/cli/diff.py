"""`socmethod diff`: whom a rule change (or a reading switch) moves."""
from __future__ import annotations

import json
import sys
from pathlib import Path

from socmethod.analysis.changes import load_rules
from socmethod.analysis.impact import changed_cases_csv, diff
from socmethod.cli.parser import KitArgumentParser, parse_readings
from socmethod.render.report import report_html


def run(argv: list[str]) -> int:
    parser = KitArgumentParser(prog="socmethod diff", usage_ru="См. socmethod diff --help.",
                               description="Кого затронет изменение методики.")
    parser.add_argument("--baseline", help="действующие правила: каталог или файл изменений (по умолчанию встроенные)")
    parser.add_argument("--proposal", help="проект: каталог правил или файл изменений (.toml) к встроенным правилам")
    parser.add_argument("--cases", help="реестр случаев (CSV или JSON Lines)")
    parser.add_argument("--baseline-reading", action="append", metavar="NAME=VALUE")
    parser.add_argument("--proposal-reading", action="append", metavar="NAME=VALUE")
    parser.add_argument("--report", help="записать отчёт HTML")
    parser.add_argument("--changed", help="записать CSV изменившихся случаев реестра")
    args = parser.parse_strict(argv)
    if args is None:
        return 0
    baseline = load_rules(args.baseline)
    proposal = load_rules(args.proposal, baseline if args.proposal is None else None)
    report = diff(baseline, proposal, args.cases, parse_readings(args.baseline_reading), parse_readings(args.proposal_reading))
    if args.report:
        Path(args.report).write_text(report_html(report), encoding="utf-8")
    if args.changed:
        Path(args.changed).write_text(changed_cases_csv(report), encoding="utf-8")
    summary = {"baseline": report["baseline"], "proposal": report["proposal"],
               "space": {c: {k: v[k] for k in ("points", "changed", "transitions")} for c, v in report["space"].items()},
               "case_bank": report["case_bank"],
               "register": {k: v for k, v in report.get("register", {}).items() if k != "changed_cases"} or None}
    sys.stdout.write(json.dumps(summary, ensure_ascii=False, indent=2) + "\n")
    return 0
