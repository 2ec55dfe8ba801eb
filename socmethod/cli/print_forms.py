"""`socmethod print conclusion|application|provider-conclusion|cards ... --out FILE.html|FILE.pdf`."""
from __future__ import annotations

import argparse
import json
import sys
from functools import partial

from socmethod.cli.parser import KitArgumentParser, parse_readings
from socmethod.core.engine import assess
from socmethod.core.errors import KitError
from socmethod.io.casefiles import read_single_case
from socmethod.render.cards import cards_html
from socmethod.render.printing import CIRCUMSTANCES, application_html, conclusion_html, provider_conclusion_html, write_document

_USAGE_RU = ("Примеры: socmethod print conclusion СЛУЧАЙ.json --out заключение.pdf; "
             "socmethod print application --form home --circumstance self_care_loss --out заявление.html; "
             "socmethod print provider-conclusion --out заключение-поставщика.pdf; "
             "socmethod print cards --cases case-001,case-016 [--key] --out карточки.pdf.")


def _parser() -> argparse.ArgumentParser:
    parser = KitArgumentParser(prog="socmethod print", allow_abbrev=False, usage_ru=_USAGE_RU,
                               description="Печатные формы методики 405-р: HTML или PDF (A4).")
    sub = parser.add_subparsers(dest="document", required=True,
                                parser_class=partial(KitArgumentParser, usage_ru=_USAGE_RU))
    p = sub.add_parser("conclusion", help="заключение по форме 1 со шкалами 1.2, 1.3 и критериями по случаю",
                       allow_abbrev=False)
    p.add_argument("case", help="файл случая: JSON, YAML, CSV из одной строки; - для stdin")
    p.add_argument("--reading", action="append", metavar="ИМЯ=ЗНАЧЕНИЕ", help="вариант прочтения")
    p.add_argument("--appendices", action="store_true",
                   help="добавить приложения: шкалы 1.2, 1.3 и критерии (без них — форма 1, до двух страниц)")
    p.add_argument("--out", required=True, metavar="ФАЙЛ.html|ФАЙЛ.pdf")
    p = sub.add_parser("application", help="заявление о предоставлении социальных услуг (приложение 1)",
                       allow_abbrev=False)
    p.add_argument("--form", action="append", default=[], help="форма обслуживания: " + ", ".join(
        ["home", "day_care_up_to_4h", "day_care_over_4h", "residential_temporary", "residential_permanent"]))
    p.add_argument("--circumstance", action="append", default=[],
                   help="обстоятельство: " + ", ".join(CIRCUMSTANCES) + " или свой текст")
    p.add_argument("--out", required=True, metavar="ФАЙЛ.html|ФАЙЛ.pdf")
    p = sub.add_parser("provider-conclusion", help="заключение поставщика о выполнении программы (приложение 5)",
                       allow_abbrev=False)
    p.add_argument("--out", required=True, metavar="ФАЙЛ.html|ФАЙЛ.pdf")
    p = sub.add_parser("cards", help="карточки учебных случаев (история и пустой лист оценки) или, с --key, ответы",
                       allow_abbrev=False)
    p.add_argument("--cases", required=True, metavar="case-001,case-016",
                   help="случаи банка (data/cases) через запятую, в порядке печати")
    p.add_argument("--key", action="store_true", help="ответы для преподавателя вместо карточек")
    p.add_argument("--out", required=True, metavar="ФАЙЛ.html|ФАЙЛ.pdf")
    return parser


def run(argv: list[str]) -> int:
    """`socmethod print conclusion CASE --out F`, `… application [--form F] [--circumstance C] --out F`,
    `… provider-conclusion --out F`, `… cards --cases C1,C2 [--key] --out F`: writes the document and prints {"written": path} (one JSON line)."""
    try:
        try:
            ns = _parser().parse_args(argv)
        except SystemExit as exc:  # --help: argparse has printed it already
            return exc.code if isinstance(exc.code, int) else 0
        if ns.document == "conclusion":
            data = sys.stdin.buffer.read() if ns.case == "-" else None
            case = read_single_case(ns.case, data)
            result = assess(case, parse_readings(ns.reading))
            text = conclusion_html(case, result, appendices=ns.appendices)
        elif ns.document == "application":
            text = application_html(ns.form, ns.circumstance)
        elif ns.document == "cards":
            case_ids = [c.strip() for c in ns.cases.split(",") if c.strip()]
            if not case_ids:
                raise KitError("bad_argument", "--cases", value=ns.cases, allowed="Укажите случаи: case-001,case-016.")
            text = cards_html(case_ids, with_key=ns.key)
        else:
            text = provider_conclusion_html()
        written = write_document(text, ns.out)
    except KitError as err:
        print(json.dumps({"error": err.to_dict()}, ensure_ascii=False))
        return 2
    print(json.dumps({"written": written}, ensure_ascii=False))
    return 0
