"""`socmethod batch IN OUT`: a register of cases (JSON Lines or CSV) -> one result per case (.jsonl/.csv)."""
from __future__ import annotations

import sys

from socmethod.cli.parser import KitArgumentParser, add_rules_options, rules_and_readings
from socmethod.io.batch import run_batch


def run(argv: list[str]) -> int:
    parser = KitArgumentParser(prog="socmethod batch", description="Оценить реестр случаев.")
    parser.add_argument("input")
    parser.add_argument("output")
    add_rules_options(parser)
    parser.add_argument("--no-vector", action="store_true", help="оценивать по одному случаю (для сверки)")
    args = parser.parse_args(argv)
    ruleset, readings = rules_and_readings(args)
    counts = run_batch(args.input, args.output, readings, ruleset, vectorised=not args.no_vector)
    sys.stderr.write(f"Оценено случаев: {counts['cases']}, отклонено: {counts['errors']}. Результаты: {args.output}\n")
    return 1 if counts["errors"] else 0
