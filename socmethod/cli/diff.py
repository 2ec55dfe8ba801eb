"""`socmethod diff`: whom a rule change (or a reading switch) moves: the whole input space, the training
case bank and, with --cases, a register (its identifier and kept columns carried into every output).

stdout carries only the JSON summary; stderr says where the report and the changed cases were written
and names refused register rows. Exit 1 when any register row was refused."""
from __future__ import annotations

import json
import sys

from socmethod.analysis.changes import load_rules
from socmethod.analysis.editor import new_numbers
from socmethod.analysis.impact import ChangedCasesWriter, diff
from socmethod.cli.parser import KitArgumentParser, add_register_options, parse_readings, refused_summary, unnamed_note
from socmethod.io.files import atomic_output, check_input, check_output, write_text
from socmethod.render.report import report_html


def run(argv: list[str]) -> int:
    parser = KitArgumentParser(prog="socmethod diff", usage_ru="См. socmethod diff --help.",
                               description="Кого затронет изменение методики.")
    parser.add_argument("--baseline", help="действующие правила: каталог или файл изменений (по умолчанию встроенные)")
    parser.add_argument("--proposal", help="проект: каталог правил или файл изменений (.toml) к встроенным правилам")
    parser.add_argument("--cases", help="реестр случаев (CSV или JSON Lines)")
    add_register_options(parser)
    parser.add_argument("--baseline-reading", action="append", metavar="NAME=VALUE")
    parser.add_argument("--proposal-reading", action="append", metavar="NAME=VALUE")
    parser.add_argument("--report", help="записать отчёт HTML")
    parser.add_argument("--changed", help="записать CSV изменившихся случаев реестра")
    args = parser.parse_strict(argv)
    if args is None:
        return 0
    inputs = [p for p in (args.baseline, args.proposal, args.cases) if p]
    # Every output is checked before any work: never an input, never into a missing folder.
    for option, out in (("--report", args.report), ("--changed", args.changed)):
        if out:
            check_output(out, inputs, field=option)
    if args.cases:
        check_input(args.cases, field="--cases")
    baseline = load_rules(args.baseline)
    proposal = load_rules(args.proposal, baseline if args.proposal is None else None)
    readings = parse_readings(args.baseline_reading), parse_readings(args.proposal_reading)
    written = []
    if args.changed:
        with atomic_output(args.changed, inputs, field="--changed") as fh:
            writer = None

            def on_changed(entry):
                nonlocal writer
                writer = writer or ChangedCasesWriter(fh, list(entry.get("columns", {})))
                writer(entry)
            report = diff(baseline, proposal, args.cases, *readings, id_column=args.id, keep=args.keep,
                          on_changed=on_changed)
            if writer is None:         # nothing changed: the file still says which columns it would have
                ChangedCasesWriter(fh, report.get("register", {}).get("carried", []))
        written.append(f"изменившиеся случаи: {args.changed}")
    else:
        report = diff(baseline, proposal, args.cases, *readings, id_column=args.id, keep=args.keep)
    if args.report:
        write_text(args.report, report_html(report, baseline, proposal), inputs, field="--report")
        written.append(f"отчёт: {args.report}")
    register = report.get("register")
    summary = {"baseline": report["baseline"], "proposal": report["proposal"],
               "space": {c: {k: v[k] for k in ("points", "changed", "transitions")} for c, v in report["space"].items()},
               "case_bank": report["case_bank"],
               "register": {k: v for k, v in register.items() if k not in ("changed_cases", "carried", "outcomes")} if register else None}
    sys.stdout.write(json.dumps(summary, ensure_ascii=False, indent=2) + "\n")
    for warning in new_numbers(baseline, proposal):     # warned, not refused: it may be a new programme
        sys.stderr.write(f"Предупреждение: {warning}\n")
    if written:
        sys.stderr.write("Записано — " + "; ".join(written) + ".\n")
    if register:
        sys.stderr.write(unnamed_note(register.get("unnamed", [])))
    if register and register["refused"]:
        sys.stderr.write(refused_summary(register["refused_rows"], register["refused"], compared=True, ruleset=baseline))
        return 1
    return 0
