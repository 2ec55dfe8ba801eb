"""`socmethod readings`: the readings of the seed's unclear places, with their options and defaults."""
from __future__ import annotations

from socmethod.cli.parser import KitArgumentParser, print_json
from socmethod.core.engine import ruleset_of


def run(argv: list[str]) -> int:
    parser = KitArgumentParser(prog="socmethod readings", description="Варианты прочтения неясных мест методики.")
    parser.add_argument("--rules", help="каталог набора правил (по умолчанию встроенный 405-р)")
    args = parser.parse_args(argv)
    ruleset = ruleset_of(args.rules)
    print_json({"rule_set": ruleset.info(), "readings": {
        name: {"title": r["title"], "default": r["default"], "seed_line": r.get("seed_line"), "why": r.get("why", ""),
               "options": {k: v["text"] for k, v in r["options"].items()}}
        for name, r in ruleset.readings.items()}})
    return 0
