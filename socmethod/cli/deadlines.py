"""`socmethod deadlines --applied DATE`: the procedure's deadlines in working days."""
from __future__ import annotations

import json

from socmethod.cli.parser import KitArgumentParser
from socmethod.core.errors import KitError
from socmethod.procedure.deadlines import parse_date, procedure_deadlines

_USAGE_RU = ("Использование: socmethod deadlines --applied ГГГГ-ММ-ДД "
             "[--decided ГГГГ-ММ-ДД] [--programme-end ГГГГ-ММ-ДД]")


def run(argv: list[str]) -> int:
    parser = KitArgumentParser(prog="socmethod deadlines", allow_abbrev=False, usage_ru=_USAGE_RU,
                               missing_value="не указана дата",
                               description="Сроки процедуры признания нуждающимся в социальном обслуживании "
                                           "(распоряжение КСП СПб N 405-р) по производственному календарю РФ.")
    parser.add_argument("--applied", metavar="ГГГГ-ММ-ДД", help="дата подачи заявления и документов")
    parser.add_argument("--decided", metavar="ГГГГ-ММ-ДД", help="дата решения о признании нуждающимся")
    parser.add_argument("--programme-end", metavar="ГГГГ-ММ-ДД",
                        help="дата окончания срока действия индивидуальной программы")
    try:
        ns = parser.parse_strict(argv)
        if ns is None:
            return 0
        if ns.applied is None:
            raise KitError("bad_argument", field="--applied", value="не указана дата подачи заявления",
                           allowed=_USAGE_RU)
        applied = parse_date(ns.applied, "applied")
        decided = parse_date(ns.decided, "decided") if ns.decided is not None else None
        end = parse_date(ns.programme_end, "programme_end") if ns.programme_end is not None else None
        result = procedure_deadlines(applied, decided, end)
    except KitError as err:
        print(json.dumps({"error": err.to_dict()}, ensure_ascii=False, indent=2))
        return 2
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0
