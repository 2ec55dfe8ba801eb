"""`socmethod contraindications CODE...`: ICD-10 codes against the 216н contraindications list."""
from __future__ import annotations

import json
import sys

from socmethod.cli.parser import KitArgumentParser
from socmethod.procedure.contraindications import check_codes


def run(argv: list[str]) -> int:
    """`socmethod contraindications CODE...`: one JSON entry per code given; exit 1 if any is malformed."""
    parser = KitArgumentParser(prog="socmethod contraindications", usage_ru="Пример: socmethod contraindications A15.0 F20",
                               description="Противопоказания к стационарному обслуживанию (приказ 216н) по кодам МКБ-10.")
    parser.add_argument("codes", nargs="+", metavar="CODE")
    args = parser.parse_strict(argv)
    if args is None:
        return 0
    entries = check_codes(args.codes)
    sys.stdout.write(json.dumps(entries, ensure_ascii=False, indent=2) + "\n")
    return 1 if any("error" in e for e in entries) else 0
