"""The `socmethod` command: assess, batch, readings, deadlines, urgent, contraindications.

Every command prints JSON (Russian text unescaped). A refused input gives {"error": {code, field,
message}} and a non-zero exit status; never a traceback.
"""
from __future__ import annotations

import argparse
import json
import re
import sys

from .errors import KitError


def _print(obj) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, indent=2) + "\n")


def _readings(pairs: list[str] | None) -> dict[str, str]:
    result = {}
    for pair in pairs or []:
        name, sep, value = pair.partition("=")
        if not sep or not name or not value:
            raise KitError("bad_argument", "--reading", value=pair, allowed="Пишите --reading ИМЯ=ЗНАЧЕНИЕ, например --reading empty_cell=must_be_absent.")
        result[name.strip()] = value.strip()
    return result


_MISSING_VALUE = re.compile(r"argument (\S+?)(?:/\S+)?: expected one argument")
_REQUIRED = re.compile(r"the following arguments are required: (.+)")


class KitArgumentParser(argparse.ArgumentParser):
    """argparse for every `socmethod` command: a usage mistake is the kit's error (JSON, a Russian message
    and the fix `usage_ru`), never argparse's English text and exit. `missing_value`: what to say when an
    option comes without its value (otherwise argparse's own words are quoted)."""

    def __init__(self, *args, usage_ru: str = "См. socmethod --help.", missing_value: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.usage_ru = usage_ru
        self.missing_value = missing_value

    def error(self, message):  # noqa: D401 - argparse API
        missing = _MISSING_VALUE.search(message) if self.missing_value else None
        if missing:
            raise KitError("bad_argument", field=missing.group(1), value=self.missing_value, allowed=self.usage_ru)
        required = _REQUIRED.match(message)
        if required:
            message = f"не указаны обязательные аргументы: {required.group(1)}"
        raise KitError("bad_argument", self.prog, value=message, allowed=self.usage_ru)

    def parse_strict(self, argv: list[str]):
        """The parsed arguments, an unknown one refused by name; None after --help (argparse printed it)."""
        try:
            ns, unknown = self.parse_known_args(argv)
        except SystemExit:          # only --help gets here: error() raises
            return None
        if unknown:
            raise KitError("bad_argument", field=unknown[0], value="неизвестный аргумент", allowed=self.usage_ru)
        return ns


def build_parser() -> argparse.ArgumentParser:
    parser = KitArgumentParser(prog="socmethod", description="Методика 405-р: оценка нуждаемости и РИПСО.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=KitArgumentParser)
    rules_help = "каталог набора правил (по умолчанию встроенный 405-р)"
    p = sub.add_parser("assess", help="оценить один случай (JSON, YAML, CSV из одной строки; - для stdin)")
    p.add_argument("case")
    p.add_argument("--reading", action="append", metavar="NAME=VALUE", help="вариант прочтения")
    p.add_argument("--rules", help=rules_help)
    p = sub.add_parser("batch", help="оценить реестр случаев (JSON Lines или CSV) в файл .jsonl или .csv")
    p.add_argument("input")
    p.add_argument("output")
    p.add_argument("--reading", action="append", metavar="NAME=VALUE")
    p.add_argument("--rules", help=rules_help)
    p.add_argument("--no-vector", action="store_true", help="оценивать по одному случаю (для сверки)")
    p = sub.add_parser("readings", help="варианты прочтения неясных мест методики")
    p.add_argument("--rules", help=rules_help)
    sub.add_parser("deadlines", help="сроки процедуры в рабочих днях", add_help=False)
    sub.add_parser("gaps", help="пробелы, перекрытия, недостижимые и поглощённые строки таблиц", add_help=False)
    sub.add_parser("diff", help="кого затронет изменение правил или прочтения", add_help=False)
    sub.add_parser("print", help="печатные формы: заключение, заявление, заключение поставщика (HTML/PDF)", add_help=False)
    sub.add_parser("urgent", help="срочные социальные услуги: направление в день обращения", add_help=False)
    sub.add_parser("contraindications", help="проверить коды МКБ-10 по перечню противопоказаний 216н", add_help=False)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        return _dispatch(argv)
    except KitError as err:
        _print({"error": err.to_dict()})
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # a bug of ours: say so plainly, keep the traceback out of the user's way
        _print({"error": KitError("internal", value=type(exc).__name__).to_dict()})
        return 3


def _dispatch(argv: list[str]) -> int:
    if argv and argv[0] == "deadlines":
        from .deadlines import deadlines_cli
        return deadlines_cli(argv[1:])
    if argv and argv[0] in ("gaps", "diff"):
        from . import workbench
        return (workbench.gaps_cli if argv[0] == "gaps" else workbench.diff_cli)(argv[1:])
    if argv and argv[0] == "print":
        from .printing import print_cli
        return print_cli(argv[1:])
    if argv and argv[0] == "urgent":
        from .urgent import urgent_cli
        return urgent_cli(argv[1:])
    if argv and argv[0] == "contraindications":
        from .contraindications import contraindications_cli
        return contraindications_cli(argv[1:])
    args = build_parser().parse_args(argv)
    from .engine import _ruleset_of
    if args.command == "readings":
        ruleset = _ruleset_of(args.rules)
        _print({"rule_set": ruleset.info(), "readings": {
            name: {"title": r["title"], "default": r["default"], "seed_line": r.get("seed_line"), "why": r.get("why", ""),
                   "options": {k: v["text"] for k, v in r["options"].items()}}
            for name, r in ruleset.readings.items()}})
        return 0
    ruleset = _ruleset_of(args.rules)
    readings = ruleset.resolve_readings(_readings(args.reading))   # a bad --reading is a usage error
    if args.command == "assess":
        from .casefiles import read_single_case
        from .engine import assess
        from .casefiles import MAX_CASE_BYTES
        data = sys.stdin.buffer.read(MAX_CASE_BYTES + 1) if args.case == "-" else None
        try:
            result = assess(read_single_case(args.case, data, ruleset), readings, ruleset)
        except KitError as err:
            _print({"error": err.to_dict()})
            return 1
        _print(result)
        return 0
    if args.command == "batch":
        from .batch import run_batch
        counts = run_batch(args.input, args.output, readings, ruleset, vectorised=not args.no_vector)
        sys.stderr.write(f"Оценено случаев: {counts['cases']}, отклонено: {counts['errors']}. Результаты: {args.output}\n")
        return 1 if counts["errors"] else 0
    raise AssertionError(args.command)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
