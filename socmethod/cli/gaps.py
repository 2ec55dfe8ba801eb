"""`socmethod gaps`: gaps, overlaps, dead and covered rows of the decision tables."""
from __future__ import annotations

import json
import sys

from socmethod.analysis.changes import load_rules
from socmethod.analysis.space import analyse
from socmethod.cli.parser import KitArgumentParser, parse_readings


def run(argv: list[str]) -> int:
    parser = KitArgumentParser(prog="socmethod gaps", usage_ru="См. socmethod gaps --help.",
                               description="Пробелы, перекрытия и лишние строки таблиц.")
    parser.add_argument("--rules", help="каталог правил или файл изменений (.toml)")
    parser.add_argument("--reading", action="append", metavar="NAME=VALUE")
    args = parser.parse_strict(argv)
    if args is None:
        return 0
    ruleset = load_rules(args.rules)
    sys.stdout.write(json.dumps(analyse(ruleset, parse_readings(args.reading)), ensure_ascii=False, indent=2) + "\n")
    return 0


