"""`socmethod print DOCUMENT ... --out FILE.html|FILE.pdf`: the printable documents.

Each document is one entry of DOCUMENTS: its help, a function adding its own arguments and a function
making its HTML from the parsed arguments; `--out` is added to every one.
"""
from __future__ import annotations

import argparse
import json
from functools import partial

from socmethod.cli.parser import KitArgumentParser, parse_readings
from socmethod.core.engine import assess, ruleset_of
from socmethod.core.errors import KitError
from socmethod.core.ruleset import bundled_ruleset
from socmethod.io.casefiles import read_single_case
from socmethod.render.cards import cards_html
from socmethod.render.pdf import check_document_path, write_document
from socmethod.render.printing import application_circumstances, application_html, conclusion_html, provider_conclusion_html

_USAGE_RU = ("Примеры: socmethod print conclusion СЛУЧАЙ.json --out заключение.pdf; "
             "socmethod print application --form home --circumstance self_care_loss --out заявление.html; "
             "socmethod print provider-conclusion --out заключение-поставщика.pdf; "
             "socmethod print cards --cases case-001,case-016 [--key] --out карточки.pdf.")
_RULES_HELP = "каталог набора правил (по умолчанию встроенный 405-р)"


def _conclusion_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("case", help="файл случая: JSON, YAML, CSV из одной строки; - для stdin")
    p.add_argument("--rules", help=_RULES_HELP)
    p.add_argument("--reading", action="append", metavar="ИМЯ=ЗНАЧЕНИЕ", help="вариант прочтения")
    p.add_argument("--appendices", action="store_true",
                   help="добавить приложения: шкалы 1.2, 1.3 и критерии (без них — форма 1, до двух страниц)")


def _conclusion(ns) -> str:
    ruleset = ruleset_of(ns.rules)
    case = read_single_case(ns.case, ruleset=ruleset)   # stdin too: at most 1 MiB is read
    result = assess(case, parse_readings(ns.reading), ruleset)
    return conclusion_html(case, result, rules=ruleset, appendices=ns.appendices)


def _application_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--rules", help=_RULES_HELP + ": названия форм обслуживания")
    p.add_argument("--form", action="append", default=[], help="форма обслуживания: " + ", ".join(bundled_ruleset().forms))
    p.add_argument("--circumstance", action="append", default=[],
                   help="обстоятельство: " + ", ".join(application_circumstances()) + " или свой текст")


def _application(ns) -> str:
    return application_html(ns.form, ns.circumstance, rules=ns.rules)


def _cards_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--cases", required=True, metavar="case-001,case-016",
                   help="случаи банка (data/cases) через запятую, в порядке печати")
    p.add_argument("--key", action="store_true", help="ответы для преподавателя вместо карточек")


def _cards(ns) -> str:
    case_ids = [c.strip() for c in ns.cases.split(",") if c.strip()]
    if not case_ids:
        raise KitError("bad_argument", "--cases", value=ns.cases, allowed="Укажите случаи: case-001,case-016.")
    return cards_html(case_ids, with_key=ns.key)


# document -> (help, its arguments, its HTML)
DOCUMENTS = {
    "conclusion": ("заключение по форме 1 со шкалами 1.2, 1.3 и критериями по случаю", _conclusion_arguments, _conclusion),
    "application": ("заявление о предоставлении социальных услуг (приложение 1)", _application_arguments, _application),
    "provider-conclusion": ("заключение поставщика о выполнении программы (приложение 5)", lambda p: None,
                            lambda ns: provider_conclusion_html()),
    "cards": ("карточки учебных случаев (история и пустой лист оценки) или, с --key, ответы", _cards_arguments,
              _cards),
}


def _parser() -> argparse.ArgumentParser:
    parser = KitArgumentParser(prog="socmethod print", allow_abbrev=False, usage_ru=_USAGE_RU,
                               description="Печатные формы методики 405-р: HTML или PDF (A4).")
    sub = parser.add_subparsers(dest="document", required=True,
                                parser_class=partial(KitArgumentParser, usage_ru=_USAGE_RU))
    for name, (help_text, arguments, _html) in DOCUMENTS.items():
        p = sub.add_parser(name, help=help_text, allow_abbrev=False)
        arguments(p)
        p.add_argument("--out", required=True, metavar="ФАЙЛ.html|ФАЙЛ.pdf")
    return parser


def run(argv: list[str]) -> int:
    """`socmethod print conclusion CASE [--rules DIR] [--reading N=V] [--appendices] --out F`,
    `… application [--rules DIR] [--form F] [--circumstance C] --out F`, `… provider-conclusion --out F`,
    `… cards --cases C1,C2 [--key] --out F`:
    writes the document and prints {"written": path} (one JSON line)."""
    try:
        try:
            ns = _parser().parse_args(argv)
        except SystemExit as exc:  # --help: argparse has printed it already
            return exc.code if isinstance(exc.code, int) else 0
        inputs = [ns.case] if getattr(ns, "case", None) else []
        check_document_path(ns.out, inputs)          # before the work: never over the case file, never lost
        written = write_document(DOCUMENTS[ns.document][2](ns), ns.out, inputs)
    except KitError as err:
        print(json.dumps({"error": err.to_dict()}, ensure_ascii=False))
        return 2
    print(json.dumps({"written": written}, ensure_ascii=False))
    return 0
