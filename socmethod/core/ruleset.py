"""Loading and checking a rule set: ruleset.toml (columns, readings, categories) and one CSV per table.

Nothing here knows a particular table: columns, markers, readings and categories all come from the data.
A rule set is checked in full when loaded; any defect is a KitError naming the file, row and column.
"""
from __future__ import annotations

import csv
import hashlib
import io
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from socmethod.core.errors import KitError, syntax_problem
from socmethod.core.resources import data_path

ROW_META = ("id", "seed_line", "form", "raw", "note", "caveat", "applies_when")
CRITERIA_LIST_COLUMNS = ("id", "seed_line", "criterion", "age_from_months", "age_to_months", "text", "note")
FLAG_CELLS = ("", "V")


@dataclass(frozen=True)
class Cell:
    """One criterion cell as written: for a set column the allowed values; for a flag column V or empty,
    with the footnote marker that follows the V, if any."""
    column: str
    values: tuple = ()
    ticked: bool = False
    marker: str = ""
    raw: str = ""


@dataclass(frozen=True)
class RipsoNumber:
    number: int
    condition: str | None = None   # a case field that must be true for this number (e.g. social_housing_flat)


@dataclass
class Row:
    id: str
    table: str
    seed_line: int
    cells: dict[str, Cell]
    form: str
    ripso: dict[str, tuple[RipsoNumber, ...]]   # category -> numbers; a category with none is not served
    raw: str
    note: str
    caveat: str
    applies_when: tuple[str, str] | None       # (reading, option) under which this row exists

    def active(self, readings: dict[str, str]) -> bool:
        return self.applies_when is None or readings[self.applies_when[0]] == self.applies_when[1]


@dataclass
class CriterionRow:
    id: str
    seed_line: int
    criterion: int
    age_from: int | str
    age_to: int | str
    text: str
    note: str


@dataclass
class Table:
    id: str
    title: str
    file: str
    seed_line: int
    kind: str                                  # "decision" or "criteria_list"
    columns: dict[str, dict] = field(default_factory=dict)
    markers: dict[str, dict] = field(default_factory=dict)
    ripso_columns: dict[str, str] = field(default_factory=dict)
    rows: list = field(default_factory=list)
    spec: dict = field(default_factory=dict)


@dataclass
class RuleSet:
    name: str
    title: str
    effective_date: str
    source: str
    hash: str
    directory: str
    forms: dict[str, str]
    fields: dict[str, dict]
    categories: dict[str, dict]
    readings: dict[str, dict]
    tables: dict[str, Table]
    spec: dict = field(default_factory=dict, repr=False)
    workdir: object = field(default=None, repr=False, compare=False)   # a proposal's temporary copy, kept alive with it

    def default_readings(self) -> dict[str, str]:
        return {name: spec["default"] for name, spec in self.readings.items()}

    def resolve_readings(self, chosen: dict[str, str] | None = None) -> dict[str, str]:
        """The readings in force: defaults overridden by `chosen`, each checked against its options."""
        result = self.default_readings()
        for name, option in (chosen or {}).items():
            if name not in self.readings:
                raise KitError("unknown_reading", name, allowed=sorted(self.readings))
            options = self.readings[name]["options"]
            if option not in options:
                raise KitError("bad_reading_value", name, value=option, allowed=sorted(options))
            result[name] = option
        return result

    def reading_value(self, ref, readings: dict[str, str]):
        """A literal, or "@name": the value of reading `name`'s option in force."""
        if isinstance(ref, str) and ref.startswith("@"):
            name = ref[1:]
            return self.readings[name]["options"][readings[name]]["value"]
        return ref

    def info(self) -> dict:
        return {"name": self.name, "effective_date": self.effective_date, "hash": self.hash}

    def value_label(self, field: str, value) -> str:
        """A case value in Russian, from the rule data: «да»/«нет»/«неизвестно» for answers, the seed's name
        of a category, group, kind of impairment or psychiatrist's conclusion, «степень 2» for a degree.
        Lists read as their labels joined by commas."""
        words = self.spec["answer_words"]
        if value is None:
            return words["unknown"]
        if isinstance(value, bool):
            return words["true" if value else "false"]
        if isinstance(value, (list, tuple)):
            return ", ".join(self.value_label(field, v) for v in value)
        if field == "category" and value in self.categories:
            return self.categories[value]["label"]
        spec = self.fields.get(field, {})
        if spec.get("kind") == "scale":
            return f"степень {value}"
        return spec.get("labels", {}).get(value, str(value))

    def field_domain(self, name: str) -> list:
        spec = self.fields[name]
        if spec["kind"] == "bool":
            return [True, False]
        if spec["kind"] == "scale":       # the tables speak of a scale's degree
            return [0, 1, 2, 3]
        return list(spec.get("values", []))


def _where(file: str, row: int | None = None, column: str | None = None) -> str:
    parts = [file]
    if row is not None:
        parts.append(f"строка {row}")
    if column is not None:
        parts.append(f"столбец «{column}»")
    return ", ".join(parts)


def _read_csv(path: Path) -> tuple[list[dict[str, str]], list[str]]:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise KitError("encoding", where=path.name, allowed="UTF-8") from None
    if not text.strip():
        raise KitError("empty_file", where=path.name, allowed="CSV с заголовком")
    reader = csv.DictReader(io.StringIO(text))
    rows = []
    for n, row in enumerate(reader, start=2):   # row 1 is the header
        if None in row or any(v is None for v in row.values()):
            raise KitError("malformed_file", where=_where(path.name, n),
                           value="число ячеек не совпадает с заголовком", allowed="CSV")
        rows.append({k.strip(): (v or "").strip() for k, v in row.items()})
    return rows, [h.strip() for h in (reader.fieldnames or [])]


def _parse_set_cell(text: str, domain: list, where: str, column: str) -> tuple:
    if not text:
        return ()
    values = []
    for part in text.split(","):
        part = part.strip()
        value = _coerce(part, domain)
        if value is None:
            raise KitError("rule_bad_value", column, value=part, where=where, allowed=domain)
        if value in values:
            raise KitError("rule_bad_value", column, value=text, where=where, allowed="каждое значение один раз")
        values.append(value)
    return tuple(values)


def _coerce(text: str, domain: list):
    for value in domain:
        if str(value) == text:
            return value
    return None


def _parse_flag_cell(text: str, markers: dict, where: str, column: str) -> Cell:
    if text in FLAG_CELLS:
        return Cell(column, ticked=text == "V", raw=text)
    head, _, marker = text.partition(" ")
    if head == "V" and marker.strip() in markers:
        return Cell(column, ticked=True, marker=marker.strip(), raw=text)
    allowed = ["V", "пусто"] + [f"V {m}" for m in markers]
    raise KitError("rule_bad_value", column, value=text, where=where, allowed=allowed)


def _parse_ripso(text: str, fields: dict, where: str, column: str) -> tuple[RipsoNumber, ...]:
    """"14", "17, 18", "23, 30 if social_housing_flat"; "-" or empty: no number for this category."""
    if text in ("", "-"):
        return ()
    numbers = []
    for part in text.split(","):
        number, _, condition = part.strip().partition(" if ")
        if not number.isdigit() or not 1 <= int(number) <= 99:
            raise KitError("rule_bad_value", column, value=part.strip(), where=where, allowed="номер РИПСО 1–99")
        condition = condition.strip() or None
        if condition is not None and fields.get(condition, {}).get("kind") != "bool":
            bools = [k for k, v in fields.items() if v["kind"] == "bool"]
            raise KitError("rule_bad_value", column, value=part.strip(), where=where,
                           allowed=f"«N if поле», где поле одно из: {', '.join(bools)}")
        numbers.append(RipsoNumber(int(number), condition))
    return tuple(numbers)


def _load_decision_rows(table: Table, path: Path, ruleset_spec: dict) -> list[Row]:
    rows, header = _read_csv(path)
    fields = ruleset_spec["fields"]
    forms = ruleset_spec["forms"]
    ripso_cols = set(table.ripso_columns.values())
    known = set(ROW_META) | set(table.columns) | ripso_cols
    for column in header:
        if column not in known:
            raise KitError("rule_unknown_column", column, where=path.name, allowed=sorted(known))
    for column in set(table.columns) | {"id", "form"} | ripso_cols:
        if column not in header:
            raise KitError("rule_missing_column", column, where=path.name, allowed=sorted(known))
    readings = ruleset_spec["readings"]
    result, seen = [], {}
    for n, raw_row in enumerate(rows, start=2):
        where = _where(path.name, n)
        row_id = raw_row["id"]
        if not row_id:
            raise KitError("rule_bad_value", "id", value="", where=where, allowed="непустой уникальный идентификатор")
        cells = {}
        for column, spec in table.columns.items():
            cell_where = _where(path.name, n, column)
            text = raw_row[column]
            if spec["kind"] == "set":
                domain = _column_domain(spec, fields)
                cells[column] = Cell(column, values=_parse_set_cell(text, domain, cell_where, column), raw=text)
            else:
                cells[column] = _parse_flag_cell(text, table.markers, cell_where, column)
        form = raw_row["form"]
        if form not in forms:
            raise KitError("rule_bad_value", "form", value=form, where=where, allowed=list(forms))
        ripso = {cat: _parse_ripso(raw_row[col], fields, _where(path.name, n, col), col)
                 for cat, col in table.ripso_columns.items()}
        applies_when = None
        if raw_row.get("applies_when"):
            name, _, option = raw_row["applies_when"].partition("=")
            if name not in readings or option not in readings[name]["options"]:
                raise KitError("rule_bad_value", "applies_when", value=raw_row["applies_when"], where=where,
                               allowed="имя_прочтения=вариант из ruleset.toml")
            applies_when = (name, option)
        seed_line = raw_row.get("seed_line", "")
        if seed_line and not seed_line.isdigit():
            raise KitError("rule_bad_value", "seed_line", value=seed_line, where=where, allowed="номер строки")
        # A row is a duplicate when it repeats an id under the same reading, or repeats another row's
        # criteria and result: either way one of the two is a copying mistake.
        signature = (tuple(sorted((c, v.values, v.ticked, v.marker) for c, v in cells.items())), form,
                     tuple(sorted(ripso.items())), applies_when)
        for key in ((row_id, applies_when), signature):
            if key in seen:
                raise KitError("rule_duplicate", "id", value=row_id, where=where, allowed=f"повторяет строку {seen[key]}")
            seen[key] = n
        result.append(Row(row_id, table.id, int(seed_line or 0), cells, form, ripso, raw_row.get("raw", ""),
                          raw_row.get("note", ""), raw_row.get("caveat", ""), applies_when))
    return result


def _column_domain(spec: dict, fields: dict) -> list:
    kind = fields[spec["field"]]["kind"]
    return [0, 1, 2, 3] if kind == "scale" else list(fields[spec["field"]]["values"])


def _load_criteria_rows(table: Table, path: Path, ruleset_spec: dict) -> list[CriterionRow]:
    rows, header = _read_csv(path)
    for column in header:
        if column not in CRITERIA_LIST_COLUMNS:
            raise KitError("rule_unknown_column", column, where=path.name, allowed=list(CRITERIA_LIST_COLUMNS))
    for column in ("id", "criterion", "age_from_months", "age_to_months"):
        if column not in header:
            raise KitError("rule_missing_column", column, where=path.name, allowed=list(CRITERIA_LIST_COLUMNS))
    criteria_domain = ruleset_spec["fields"][table.spec["field"]]["values"]
    result, seen = [], set()
    for n, raw in enumerate(rows, start=2):
        def age(col):
            text = raw[col]
            if text.startswith("@") and text[1:] in ruleset_spec["readings"]:
                return text
            if text.isdigit():
                return int(text)
            raise KitError("rule_bad_value", col, value=text, where=_where(path.name, n, col),
                           allowed="число месяцев или @имя_прочтения")
        if not raw["criterion"].isdigit() or int(raw["criterion"]) not in criteria_domain:
            raise KitError("rule_bad_value", "criterion", value=raw["criterion"],
                           where=_where(path.name, n, "criterion"), allowed=criteria_domain)
        if raw["id"] in seen or int(raw["criterion"]) in seen:
            raise KitError("rule_duplicate", "id", value=raw["id"], where=_where(path.name, n), allowed="id и номер критерия")
        seen.update({raw["id"], int(raw["criterion"])})
        result.append(CriterionRow(raw["id"], int(raw.get("seed_line") or 0), int(raw["criterion"]),
                                   age("age_from_months"), age("age_to_months"), raw.get("text", ""), raw.get("note", "")))
    return result


def _content_hash(directory: Path, files: list[str]) -> str:
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode())
        digest.update(b"\0")
        digest.update((directory / name).read_bytes())
    return digest.hexdigest()


def load_ruleset(directory: str | Path | None = None) -> RuleSet:
    """Load and check the rule set in `directory` (default: the bundled 405-р rules)."""
    directory = Path(directory) if directory else data_path("rules", "405-r")
    spec_path = directory / "ruleset.toml"
    if not spec_path.is_file():
        raise KitError("file_not_found", value=str(spec_path))
    try:
        spec = tomllib.loads(spec_path.read_bytes().decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise KitError("malformed_file", where="ruleset.toml", value=syntax_problem(exc), allowed="TOML, UTF-8") from None
    for key in ("name", "effective_date", "forms", "answer_words", "fields", "categories", "readings", "tables"):
        if key not in spec:
            raise KitError("rule_set_invalid", key, where="ruleset.toml", value=f"нет раздела «{key}»",
                           allowed="Сверьте файл с образцом data/rules/405-r/ruleset.toml.")
    for name, fspec in spec["fields"].items():
        labels = fspec.get("labels")
        if labels is not None and set(labels) != set(fspec.get("values", [])):
            raise KitError("rule_set_invalid", name, where="ruleset.toml", value=f"подписи значений поля «{name}» не совпадают с его значениями",
                           allowed="Дайте подпись каждому значению из values, и только им.")
    for name, reading in spec["readings"].items():
        if reading.get("default") not in reading.get("options", {}):
            raise KitError("rule_set_invalid", name, where="ruleset.toml", value=f"вариант по умолчанию прочтения «{name}» не из его вариантов",
                           allowed="Укажите default одним из options.")
    tables, files = {}, ["ruleset.toml"]
    for table_id, tspec in spec["tables"].items():
        table = Table(table_id, tspec.get("title", table_id), tspec["file"], tspec.get("seed_line", 0),
                      tspec.get("kind", "decision"), tspec.get("columns", {}), tspec.get("markers", {}),
                      tspec.get("ripso", {}), spec=tspec)
        path = directory / table.file
        if not path.is_file():
            raise KitError("file_not_found", value=str(path))
        files.append(table.file)
        for column, cspec in table.columns.items():
            for fld in cspec.get("fields", [cspec.get("field")]):
                if fld not in spec["fields"]:
                    raise KitError("rule_set_invalid", column, where=f"ruleset.toml, таблица {table_id}",
                                   value=f"столбец ссылается на неизвестное поле «{fld}»", allowed="Поля описаны в разделе [fields].")
        loader = _load_criteria_rows if table.kind == "criteria_list" else _load_decision_rows
        table.rows = loader(table, path, spec)
        tables[table_id] = table
    for cat, cspec in spec["categories"].items():
        for table_id in cspec.get("tables", []) + cspec.get("optional_tables", []):
            if table_id not in tables:
                raise KitError("rule_set_invalid", cat, where="ruleset.toml", value=f"категория ссылается на неизвестную таблицу «{table_id}»",
                               allowed="Таблицы описаны в разделе [tables].")
    return RuleSet(spec["name"], spec.get("title", spec["name"]), str(spec["effective_date"]), spec.get("source", ""),
                   _content_hash(directory, files), str(directory), spec["forms"], spec["fields"],
                   spec["categories"], spec["readings"], tables, spec)


@lru_cache(maxsize=8)
def bundled_ruleset() -> RuleSet:
    return load_ruleset()
