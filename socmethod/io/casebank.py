"""The training case bank (data/cases/NNN-slug.yaml): loading, checking and choosing cases for a session.

Each file is one fictional case: a Russian story, the item scores a careful specialist would give (inside
`case`), optional `item_notes` justifying them, optional `readings` and the `expected` outcome (checked
against the engine by tests/test_case_bank.py). Every defect is refused with a KitError that names the
file, because a trainer who edits a case must learn which file to fix, not read a traceback.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from socmethod.core.cases import validate_case
from socmethod.core.errors import KitError, syntax_problem
from socmethod.core.resources import data_path
from socmethod.core.schema import Integer, ListOf, MapOf, Nullable, OneOf, Table, Text, check

FILE_NAME = re.compile(r"^(\d{3})-[a-z0-9]+(?:-[a-z0-9]+)*\.yaml$")
DIFFICULTIES = ("easy", "medium", "hard")
DIFFICULTY_LABELS = {"easy": "простой", "medium": "средний", "hard": "сложный"}
TAG_LABELS = {
    "band_boundary": "на границе степени",
    "several_forms": "несколько форм",
    "gap": "нет подходящей строки",
    "unknown_answer": "неизвестный ответ",
    "child_scale": "детская шкала",
    "early_help": "ранняя помощь",
    "reading_sensitive": "зависит от прочтения",
    "no_table": "категория без таблицы",
}
FORMAT_HINT = "YAML-объект случая: id, title, story, difficulty, tags, case, expected (см. data/cases)"


@dataclass(frozen=True)
class BankCase:
    """One case of the bank as written in its file."""
    id: str
    file: str
    title: str
    story: str
    difficulty: str
    tags: tuple[str, ...]
    case: dict
    expected: dict
    item_notes: dict = field(default_factory=dict)
    readings: dict = field(default_factory=dict)

    @property
    def category(self) -> str:
        return self.case["category"]

    @property
    def rules(self) -> tuple[str, ...]:
        """Rows the case is meant to teach: its firm rows, then those that hold for some unknown answer."""
        return tuple(dict.fromkeys(list(self.expected.get("rules", [])) +
                                   list(self.expected.get("depends_on_rules", []))))


def _refuse(name: str, what: str) -> KitError:
    return KitError("malformed_file", where=name, value=what, allowed=FORMAT_HINT)


DEGREE = Nullable(Integer(0, 3))
ENTRY = Table(required={"id": Text(), "title": Text(), "story": Text(), "difficulty": OneOf(DIFFICULTIES),
                        "tags": ListOf(OneOf(tuple(TAG_LABELS)), unique=True), "case": Table(extra=True),
                        "expected": Table(required={"rules": ListOf(Text()), "ripso": ListOf(Integer(1, 99))},
                                          optional={"self_care_degree": DEGREE, "mobility_degree": DEGREE,
                                                    "depends_on_rules": ListOf(Text()), "early_help": Table(extra=True),
                                                    "note_contains": Text()})},
              optional={"item_notes": Nullable(MapOf(Text())), "readings": Nullable(MapOf(Text()))})


def _check_entry(data, name: str, ruleset) -> BankCase:
    if not isinstance(data, dict):
        raise _refuse(name, f"ожидался YAML-объект, получено {type(data).__name__}")
    data = check(data, ENTRY, f"data/cases/{name}", code="malformed_file")
    number = FILE_NAME.match(name).group(1)
    if data["id"] != f"case-{number}":
        raise _refuse(name, f"id «{data['id']}» не совпадает с номером файла (нужно case-{number})")
    tags, expected = data["tags"], data["expected"]
    # The case object must be one the engine accepts: a practice page built on a case the engine
    # refuses would fail in front of the group.
    try:
        validate_case(data["case"], ruleset)
        ruleset.resolve_readings(data.get("readings"))
    except KitError as err:
        raise _refuse(name, f"{err.message} {err.fix}".strip()) from None
    return BankCase(id=data["id"], file=name, title=data["title"].strip(), story=" ".join(data["story"].split()),
                    difficulty=data["difficulty"], tags=tuple(tags), case=data["case"], expected=expected,
                    item_notes=dict(data.get("item_notes") or {}), readings=dict(data.get("readings") or {}))


def load_case_bank(directory: str | Path | None = None, ruleset=None) -> list[BankCase]:
    """Every `NNN-slug.yaml` of `directory` (default: the bundled data/cases), sorted by file name.
    Raises KitError("malformed_file") naming the file when one is badly named, not YAML or not a case."""
    import yaml  # PyYAML: a dependency of the kit; imported here so the single-case path stays light

    from socmethod.core.ruleset import bundled_ruleset
    ruleset = ruleset or bundled_ruleset()
    directory = Path(directory) if directory else data_path("cases")
    if not directory.is_dir():
        raise KitError("file_not_found", value=str(directory))
    bank, ids = [], {}
    for path in sorted(directory.iterdir()):
        if path.name.startswith(".") or path.is_dir():
            continue
        if not FILE_NAME.match(path.name):
            raise _refuse(path.name, "имя файла должно быть вида NNN-slug.yaml (латиница, цифры, дефисы)")
        try:
            # safe_load: a case file is data; a YAML tag must never construct Python objects.
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            raise _refuse(path.name, f"не читается как YAML в UTF-8: {syntax_problem(exc)}") from None
        entry = _check_entry(data, path.name, ruleset)
        if entry.id in ids:
            raise _refuse(path.name, f"id «{entry.id}» уже есть в файле {ids[entry.id]}")
        ids[entry.id] = path.name
        bank.append(entry)
    if not bank:
        raise KitError("empty_file", where=str(directory), allowed="файлы NNN-slug.yaml")
    return bank


@lru_cache(maxsize=1)
def bundled_case_bank() -> tuple[BankCase, ...]:
    return tuple(load_case_bank())


def select_cases(bank, *, categories=None, difficulties=None, tags=None, rules=None, ids=None) -> list[BankCase]:
    """The cases of `bank` that pass every filter given (None or empty = no filter). Within a filter the
    values are alternatives: categories=["elderly", "disabled_adult"] keeps both. `rules` keeps cases whose
    firm or conditional rows include one of the row ids (e.g. "3.1-N2")."""
    def keep(entry: BankCase) -> bool:
        if categories and entry.category not in categories:
            return False
        if difficulties and entry.difficulty not in difficulties:
            return False
        if tags and not set(tags) & set(entry.tags):
            return False
        if rules and not set(rules) & set(entry.rules):
            return False
        if ids and entry.id not in ids:
            return False
        return True
    return [e for e in bank if keep(e)]


def case_by_id(bank, case_id: str) -> BankCase:
    for entry in bank:
        if entry.id == case_id:
            return entry
    raise KitError("bad_value", "case", value=case_id, allowed=", ".join(e.id for e in bank))


def rules_in_bank(bank) -> list[str]:
    """Row ids the bank teaches, in table order (3.1 before 3.2, rows as in the tables)."""
    from socmethod.core.ruleset import bundled_ruleset
    taught = {r for e in bank for r in e.rules}
    ordered = [row.id for t in bundled_ruleset().tables.values() if t.kind == "decision" for row in t.rows]
    return [r for r in dict.fromkeys(ordered) if r in taught]
