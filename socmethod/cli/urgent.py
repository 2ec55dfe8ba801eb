"""`socmethod urgent --trigger ID ...`: urgent social services and the same-day referral."""
from __future__ import annotations

import json

from socmethod.cli.parser import KitArgumentParser
from socmethod.core.errors import KitError
from socmethod.procedure.deadlines import parse_date
from socmethod.procedure.urgent import _check_ids, load_urgent, referral, services_for_triggers

_USAGE_RU = ("Использование: socmethod urgent [--trigger КОД ...] [--service КОД ...] "
             "[--circumstance КОД ...] [--date ГГГГ-ММ-ДД]; нужна хотя бы одна ситуация или услуга.")


def run(argv: list[str]) -> int:
    """`socmethod urgent --trigger ID ... [--service ID ...] [--circumstance ID ...] [--date YYYY-MM-DD]`."""
    try:
        parser = KitArgumentParser(prog="socmethod urgent", allow_abbrev=False, usage_ru=_USAGE_RU,
                                   description="Срочные социальные услуги: направление в день обращения (405-р, раздел 6).")
        parser.add_argument("--trigger", nargs="+", action="extend", default=[], metavar="КОД",
                            help="ситуация: " + ", ".join(t["id"] for t in load_urgent()["trigger"]))
        parser.add_argument("--service", nargs="+", action="extend", default=[], metavar="КОД",
                            help="код услуги из списка 11 срочных услуг")
        parser.add_argument("--circumstance", nargs="+", action="extend", default=[], metavar="КОД",
                            help="обстоятельство из акта собеседования")
        parser.add_argument("--date", metavar="ГГГГ-ММ-ДД", help="день обращения (по умолчанию сегодня)")
        ns = parser.parse_strict(argv)
        if ns is None:
            return 0
        on = parse_date(ns.date, "date") if ns.date is not None else None
        data = load_urgent()
        found = [s["id"] for s in services_for_triggers(ns.trigger)]
        chosen = _check_ids(ns.service, data["services_by_id"], "unknown_service", "services")
        marks = list(ns.circumstance)
        for tid in ns.trigger:
            marks += [c for c in data["triggers_by_id"][tid].get("circumstances", []) if c not in marks]
        wanted = found + [s for s in chosen if s not in found]
        if not wanted:
            raise KitError("bad_argument", field="--trigger", value="не выбрана ни одна услуга", allowed=_USAGE_RU)
        result = referral(marks, wanted, on, triggers=ns.trigger)
    except KitError as err:
        print(json.dumps({"error": err.to_dict()}, ensure_ascii=False, indent=2))
        return 2
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0
