"""`socmethod gaps`: gaps, overlaps, dead and covered rows of the decision tables.

`--format json` (the default) prints the analysis as JSON, as it always has; `text` is a summary to read in
a terminal; `html` a report to file or print (A4). `--out FILE` writes it there instead of stdout (through
a temporary file, never over an input), and stderr says where."""
from __future__ import annotations

import json
import sys

from socmethod.analysis.changes import load_rules
from socmethod.analysis.space import analyse
from socmethod.cli.parser import KitArgumentParser, parse_readings
from socmethod.core.errors import KitError
from socmethod.io.files import check_output, write_text

FORMATS = ("json", "text", "html")


def run(argv: list[str]) -> int:
    parser = KitArgumentParser(prog="socmethod gaps", usage_ru="См. socmethod gaps --help.",
                               description="Пробелы, перекрытия и лишние строки таблиц.")
    parser.add_argument("--rules", help="каталог правил или файл изменений (.toml)")
    parser.add_argument("--reading", action="append", metavar="NAME=VALUE")
    parser.add_argument("--format", default="json", help="json (по умолчанию), text — для чтения в терминале, html — отчёт")
    parser.add_argument("--out", metavar="ФАЙЛ", help="записать в файл, а не в стандартный вывод")
    args = parser.parse_strict(argv)
    if args is None:
        return 0
    if args.format not in FORMATS:
        raise KitError("bad_argument", "--format", value=args.format, allowed="Форматы: " + ", ".join(FORMATS) + ".")
    inputs = [args.rules] if args.rules else []
    if args.out:
        check_output(args.out, inputs, field="--out")
    ruleset = load_rules(args.rules)
    readings = ruleset.resolve_readings(parse_readings(args.reading))
    analysis = analyse(ruleset, readings)
    if args.format == "json":
        text = json.dumps(analysis, ensure_ascii=False, indent=2) + "\n"
    else:
        from socmethod.render.report import gaps_html, gaps_text
        text = (gaps_text if args.format == "text" else gaps_html)(analysis, ruleset, readings)
    if args.out:
        write_text(args.out, text, inputs, field="--out")
        sys.stderr.write(f"Записано — отчёт о пробелах: {args.out}.\n")
    else:
        sys.stdout.write(text)
    return 0
