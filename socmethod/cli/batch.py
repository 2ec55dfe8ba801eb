"""`socmethod batch IN OUT [--id COLUMN] [--keep COLUMN[,COLUMN...]]`: a register of cases (CSV or JSON Lines) ->
one record per row (.csv or .jsonl), in input order. Exit 1 when any row was refused (each has its own
error record and is named on stderr)."""
from __future__ import annotations

import sys

from socmethod.cli.parser import (
    KitArgumentParser,
    add_register_options,
    add_rules_options,
    refused_summary,
    rules_and_readings,
    unnamed_note,
)
from socmethod.io.batch import run_batch


def run(argv: list[str]) -> int:
    parser = KitArgumentParser(prog="socmethod batch", description="Оценить реестр случаев.")
    parser.add_argument("input")
    parser.add_argument("output")
    add_rules_options(parser)
    add_register_options(parser)
    parser.add_argument("--no-vector", action="store_true", help="оценивать по одному случаю (для сверки)")
    args = parser.parse_args(argv)
    ruleset, readings = rules_and_readings(args)
    counts = run_batch(args.input, args.output, readings, ruleset, vectorised=not args.no_vector,
                       id_column=args.id, keep=args.keep)
    sys.stderr.write(f"Строк реестра: {counts['cases']}, оценено: {counts['assessed']}, отклонено: {counts['errors']}"
                     + (f", пустых строк пропущено: {counts['blank_lines']}" if counts["blank_lines"] else "")
                     + f". Результаты: {args.output}\n" + unnamed_note(counts["unnamed"]) + refused_summary(counts["refused_rows"], counts["errors"], ruleset=ruleset))
    return 1 if counts["errors"] else 0
