"""`socmethod assess CASE`: one case (JSON, YAML, a one-row CSV, or - for stdin) -> its result."""
from __future__ import annotations

from socmethod.cli.parser import KitArgumentParser, add_rules_options, print_json, rules_and_readings
from socmethod.core.engine import assess
from socmethod.core.errors import KitError
from socmethod.io.casefiles import read_single_case


def run(argv: list[str]) -> int:
    parser = KitArgumentParser(prog="socmethod assess", description="Оценить один случай.")
    parser.add_argument("case", help="файл случая (JSON, YAML, CSV из одной строки; - для stdin)")
    add_rules_options(parser)
    args = parser.parse_args(argv)
    ruleset, readings = rules_and_readings(args)
    try:
        result = assess(read_single_case(args.case, ruleset=ruleset), readings, ruleset)
    except KitError as err:
        print_json({"error": err.to_dict()})
        return 1
    print_json(result)
    return 0
