"""`socmethod readings`: the readings of the seed's unclear places, with their seed lines, options and
defaults; with --impact, what each option changes against the defaults (input space, derived keys, cases)."""
from __future__ import annotations

from socmethod.analysis.readings import describe, impact
from socmethod.cli.parser import KitArgumentParser, print_json
from socmethod.core.engine import ruleset_of


def run(argv: list[str]) -> int:
    parser = KitArgumentParser(prog="socmethod readings", usage_ru="См. socmethod readings --help.",
                               description="Варианты прочтения неясных мест методики.")
    parser.add_argument("--rules", help="каталог набора правил (по умолчанию встроенный 405-р)")
    parser.add_argument("--impact", action="store_true",
                        help="что меняет каждый вариант против прочтения по умолчанию: точки пространства "
                             "входов, выводимые поля, учебные случаи")
    parser.add_argument("--name", action="append", metavar="ИМЯ", help="только это прочтение (можно несколько)")
    args = parser.parse_strict(argv)
    if args is None:
        return 0
    ruleset = ruleset_of(args.rules)
    out = {"rule_set": ruleset.info(), "readings": describe(ruleset)}
    if args.name:
        unknown = [n for n in args.name if n not in ruleset.readings]
        if unknown:
            impact(ruleset, unknown)           # refuses the unknown name with the kit's message
        out["readings"] = {k: v for k, v in out["readings"].items() if k in args.name}
    if args.impact:
        out["impact"] = impact(ruleset, args.name)
    print_json(out)
    return 0
