"""The `socmethod` command: one module per subcommand, each with `run(argv) -> exit status`.

Every command prints JSON (Russian text unescaped). A refused input gives {"error": {code, field,
message}} and a non-zero exit status; never a traceback. Nothing outside this package imports it.
"""
from __future__ import annotations

import importlib
import sys

from socmethod.cli.parser import KitArgumentParser, print_json
from socmethod.core.errors import KitError

# command -> (module under socmethod.cli, one-line help in Russian)
COMMANDS = {
    "assess": ("assess", "оценить один случай (JSON, YAML, CSV из одной строки; - для stdin)"),
    "batch": ("batch", "оценить реестр случаев (JSON Lines или CSV) в файл .jsonl или .csv"),
    "readings": ("readings", "варианты прочтения неясных мест методики"),
    "deadlines": ("deadlines", "сроки процедуры в рабочих днях"),
    "gaps": ("gaps", "пробелы, перекрытия, недостижимые и поглощённые строки таблиц"),
    "diff": ("diff", "кого затронет изменение правил или прочтения"),
    "print": ("print_forms", "печатные формы: заключение, заявление, заключение поставщика (HTML/PDF)"),
    "urgent": ("urgent", "срочные социальные услуги: направление в день обращения"),
    "contraindications": ("contraindications", "проверить коды МКБ-10 по перечню противопоказаний 216н"),
}


def build_parser() -> KitArgumentParser:
    """The top-level parser: `socmethod --help` and an unknown command; each command parses its own."""
    parser = KitArgumentParser(prog="socmethod", description="Методика 405-р: оценка нуждаемости и РИПСО.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=KitArgumentParser)
    for name, (_, help_text) in COMMANDS.items():
        sub.add_parser(name, help=help_text, add_help=False)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        return _dispatch(argv)
    except KitError as err:
        print_json({"error": err.to_dict()})
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # a bug of ours: say so plainly, keep the traceback out of the user's way
        print_json({"error": KitError("internal", value=type(exc).__name__).to_dict()})
        return 3


def _dispatch(argv: list[str]) -> int:
    if not argv or argv[0] not in COMMANDS:
        build_parser().parse_args(argv)     # prints --help, or refuses the unknown command (KitError)
        return 0
    module = importlib.import_module(f"socmethod.cli.{COMMANDS[argv[0]][0]}")
    return module.run(argv[1:])


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
