"""What every `socmethod` command shares: one argument parser whose mistakes are the kit's Russian
errors, `--reading NAME=VALUE` parsing and JSON output with Russian text unescaped."""
from __future__ import annotations

import argparse
import json
import re
import sys

from socmethod.core.errors import KitError
from socmethod.io.casefiles import columns_typed


def print_json(obj) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, indent=2) + "\n")


def parse_readings(pairs: list[str] | None) -> dict[str, str]:
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


def add_rules_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--reading", action="append", metavar="NAME=VALUE", help="вариант прочтения")
    parser.add_argument("--rules", help="каталог набора правил (по умолчанию встроенный 405-р)")


def rules_and_readings(args):
    """The rule set named by --rules (default: the bundled one) and the readings in force; a bad
    --reading is a usage error."""
    from socmethod.core.engine import ruleset_of
    ruleset = ruleset_of(args.rules)
    return ruleset, ruleset.resolve_readings(parse_readings(args.reading))


def add_register_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--id", metavar="СТОЛБЕЦ",
                        help="столбец идентификатора случая (по умолчанию id, если он есть); переносится в результаты")
    # One value per --keep (repeatable, or comma-separated): with nargs="+" `--keep district in.csv out.csv`
    # swallowed the file names.
    parser.add_argument("--keep", action="extend", type=columns_typed, default=[], metavar="СТОЛБЕЦ[,СТОЛБЕЦ...]",
                        help="ваши столбцы (район, отделение...), которые перенести в результаты без изменений; "
                             "через запятую или --keep несколько раз")


def unnamed_note(unnamed: list[str]) -> str:
    """The line that says which columns without a name were left unread (none: nothing)."""
    return f"Не прочитаны (без имени в заголовке, полей случая в них нет): {', '.join(unnamed)}.\n" if unnamed else ""


def refused_summary(refused_rows: list[dict], total: int, ruleset, shown: int = 20, *, compared: bool = False) -> str:
    """Lines for stderr naming the refused rows (line, identifier, the reason in words, the code and
    field); `compared`: for `diff`, which writes no record per row but leaves refused rows out of the
    comparison."""
    from socmethod.analysis.labels import error_words
    if not total:
        return ""
    lines = ["Отклонённые строки (не сравнивались; их коды ошибок — в JSON, register.refused_rows):" if compared
             else "Отклонённые строки (у каждой своя запись с кодом ошибки в файле результатов):"]
    for r in refused_rows[:shown]:
        ident = f", id {r['id']}" if r.get("id") else ""
        code = r["code"] + (f" ({r['field']})" if r["field"] else "")
        said = f"{error_words(r['code'], r['field'], ruleset, r.get('allowed', ''), r.get('detail'), fix=True)} [{code}]"
        lines.append(f"  строка {r['line']}{ident}: {said}")
    if total > shown:
        lines.append(f"  … и ещё {total - shown}")
    return "\n".join(lines) + "\n"
