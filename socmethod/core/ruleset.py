"""Loading and checking a rule set: ruleset.toml (columns, readings, categories) and one CSV per table.

Nothing here knows a particular table: columns, markers, readings and categories all come from the data.
A rule set is checked in full when loaded; any defect is a KitError naming the file, row and column.
"""
from __future__ import annotations

import csv
import hashlib
import io
import itertools
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from socmethod.core import schema as S
from socmethod.core.errors import KitError, syntax_problem
from socmethod.core.resources import data_path
from socmethod.core.schema import check

ROW_META = ("id", "seed_line", "form", "raw", "note", "caveat", "applies_when")
FIELD_KINDS = ("enum", "bool", "int", "int_set", "enum_set", "scale")
ANSWER_WORDS = ("true", "false", "unknown", "degree", "empty")
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
    unless: tuple[str, ...] = ()   # case fields that must be false (a number another one replaces)

    @property
    def conditional(self) -> bool:
        return self.condition is not None or bool(self.unless)

    def requirements(self) -> dict[str, bool]:
        """The answers this number needs: {field: True} for its condition, {field: False} for each unless."""
        needs = {self.condition: True} if self.condition else {}
        return {**needs, **{f: False for f in self.unless}}


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
    derivations: dict[str, dict] = field(default_factory=dict, repr=False)
    findings: dict[str, dict] = field(default_factory=dict, repr=False)
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

    def used_readings_words(self, used: list[dict]) -> list[str]:
        """The readings a result's row rests on (its `readings`: [{reading, option, seed_line}]) in the rule
        data's words: «достаточно любого из критериев группы сноски (стр. 1142)»."""
        return [f"{self.readings[u['reading']]['options'][u['option']]['text']} (стр. {u['seed_line']})" for u in used]

    def reading_value(self, ref, readings: dict[str, str]):
        """A literal, or "@name": the value of reading `name`'s option in force."""
        if isinstance(ref, str) and ref.startswith("@"):
            name = ref[1:]
            return self.readings[name]["options"][readings[name]]["value"]
        return ref

    def info(self) -> dict:
        return {"name": self.name, "effective_date": self.effective_date, "hash": self.hash}

    def derivation_inputs(self) -> list[str]:
        """The keys a case may answer in the survey act's terms, from which [derive] derives a table's key."""
        inputs: list[str] = []
        for spec in self.derivations.values():
            inputs += [f for f in _as_list(spec["from"]) if f not in inputs]
        return inputs

    def derivable(self, key: str, case: dict) -> bool:
        """Whether `case` gives something `key` is derived from (so a missing `key` is not missing)."""
        spec = self.derivations.get(key)
        return spec is not None and any(case.get(f) is not None for f in _as_list(spec["from"]))

    def value_label(self, field: str, value) -> str:
        """A case value in Russian, from the rule data: «да»/«нет»/«неизвестно» for answers, the seed's name
        of a category, group, kind of impairment or psychiatrist's conclusion, «степень 2» for a degree.
        Lists read as their labels joined by commas, an empty one as «нет»."""
        words = self.spec["answer_words"]
        if value is None:
            return words["unknown"]
        if isinstance(value, bool):
            return words["true" if value else "false"]
        if isinstance(value, (list, tuple)):
            return ", ".join(self.value_label(field, v) for v in value) if value else words["empty"]
        if field == "category" and value in self.categories:
            return self.categories[value]["label"]
        spec = self.fields.get(field, {})
        if spec.get("kind") == "scale":
            return words["degree"].format(value=value)
        return spec.get("labels", {}).get(value, str(value))

    def field_domain(self, name: str) -> list:
        spec = self.fields[name]
        if spec["kind"] == "bool":
            return [True, False]
        if spec["kind"] == "scale":       # the tables speak of a scale's degree
            return [0, 1, 2, 3]
        return list(spec.get("values", []))


def _as_list(value) -> list:
    return list(value) if isinstance(value, (list, tuple)) else [value]


# --- the shape of ruleset.toml (checked by core.schema before anything is read from it) -----------------------
_COLUMN = S.Table(required={"kind": S.OneOf(("set", "flag")), "label": S.Text()},
                  optional={"field": S.Ref("field"), "fields": S.ListOf(S.Ref("field"), min=1), "seed_label": S.Text(),
                            "seed_line": S.SeedLine(), "footnote": S.Table(extra=True),
                            "categories": S.ListOf(S.Ref("category")), "ticked_fields": S.Text()})
_MARKER = S.Table(required={"kind": S.OneOf(("any_of", "requires")), "seed_line": S.SeedLine(), "text": S.Text()},
                  optional={"columns": S.ListOf(S.Text(), min=1), "mode": S.Text(), "field": S.Ref("field"),
                            "values": S.AnyOf((S.Text(), S.ListOf(S.Text())), "значения или @прочтение"), "label": S.Text()})
_TABLE = S.Table(required={"title": S.Text(), "file": S.Text(), "seed_line": S.SeedLine()},
                 optional={"kind": S.OneOf(("decision", "criteria_list")), "ripso": S.MapOf(S.Text(), keys=S.Ref("category")),
                           "columns": S.MapOf(_COLUMN), "markers": S.MapOf(_MARKER), "near_miss_within": S.Text(),
                           "conditional_numbers": S.Text(), "field": S.Ref("field"), "age_field": S.Ref("field"),
                           "texts": S.MapOf(S.Text())})
_FIELD = S.Table(required={"kind": S.OneOf(FIELD_KINDS), "label": S.Text()},
                 optional={"values": S.ListOf(S.Anything(), min=1, unique=True), "labels": S.MapOf(S.Text()),
                           "seed_lines": S.MapOf(S.SeedLine()), "seed_line": S.SeedLine(), "excludes": S.ListOf(S.Ref("field")),
                           "nullable": S.Boolean(), "min": S.Integer(), "max": S.Integer()})
_CATEGORY = S.Table(required={"label": S.Text()},
                    optional={"scales": S.OneOf(("adult", "child")), "tables": S.ListOf(S.Ref("table")),
                              "optional_tables": S.ListOf(S.Ref("table")), "required": S.ListOf(S.Ref("field"), unique=True),
                              "optional": S.ListOf(S.Ref("field"), unique=True), "table_age_from_months": S.MapOf(S.Integer(0, 1200)),
                              "table_age_note": S.Text(), "note": S.Text()})
_READING = S.Table(required={"title": S.Text(), "seed_line": S.SeedLine(), "default": S.Text(), "why": S.Text(),
                             "options": S.MapOf(S.Table(required={"value": S.Anything(), "text": S.Text()}), min=1)})
RULESET = S.Table(required={"name": S.Text(), "effective_date": S.IsoDate(), "forms": S.MapOf(S.Text(), min=1),
                            "answer_words": S.Table(required={w: S.Text() for w in ANSWER_WORDS}),
                            "fields": S.MapOf(_FIELD, collection="field", min=1),
                            "categories": S.MapOf(_CATEGORY, collection="category", min=1),
                            "readings": S.MapOf(_READING), "tables": S.MapOf(_TABLE, collection="table")},
                  optional={"title": S.Text(), "source": S.Text(), "flag_empty_cell": S.Text(),
                            "questions": S.MapOf(S.Table(extra=True), keys=S.Ref("field")), "derive": S.MapOf(S.Table(extra=True)),
                            "findings": S.MapOf(S.Table(required={"title": S.Text(), "seed_line": S.SeedLine(), "text": S.Text()},
                                                        optional={"check": S.OneOf(("unused_ripso",))}))})


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
    spec = check(spec, RULESET, "ruleset.toml")
    for name, fspec in spec["fields"].items():
        labels = fspec.get("labels")
        if labels is not None and set(labels) != set(fspec.get("values", [])):
            raise KitError("rule_set_invalid", name, where="ruleset.toml", value=f"подписи значений поля «{name}» не совпадают с его значениями",
                           allowed="Дайте подпись каждому значению из values, и только им.")
        for other in fspec.get("excludes", []):
            if spec["fields"].get(other, {}).get("kind") != "bool" or fspec["kind"] != "bool":
                raise KitError("rule_set_invalid", name, where="ruleset.toml", value=f"excludes поля «{name}» называет «{other}»",
                               allowed="excludes связывает только поля да/нет.")
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
            named = list(cspec.get("fields", [cspec.get("field")]))
            if "ticked_fields" in cspec:
                for value in _reading_values(spec, cspec["ticked_fields"], f"таблица {table_id}, столбец {column}"):
                    if not isinstance(value, dict) or not isinstance(value.get("fields"), list):
                        raise KitError("rule_set_invalid", column, where=f"ruleset.toml, таблица {table_id}",
                                       value="значение прочтения ticked_fields не вида { fields = [...] }",
                                       allowed="Варианты прочтения называют поля: value = { fields = [\"поле\", ...] }.")
                    named += value["fields"]
            for fld in named:
                if fld not in spec["fields"]:
                    raise KitError("rule_set_invalid", column, where=f"ruleset.toml, таблица {table_id}",
                                   value=f"столбец ссылается на неизвестное поле «{fld}»", allowed="Поля описаны в разделе [fields].")
        if "conditional_numbers" in tspec:
            for value in _reading_values(spec, tspec["conditional_numbers"], f"таблица {table_id}"):
                if value not in ("added", "replacing"):
                    raise KitError("rule_set_invalid", "conditional_numbers", where=f"ruleset.toml, таблица {table_id}",
                                   value=f"вариант «{value}»", allowed="added или replacing.")
        loader = _load_criteria_rows if table.kind == "criteria_list" else _load_decision_rows
        table.rows = loader(table, path, spec)
        tables[table_id] = table
    for cat, cspec in spec["categories"].items():
        for table_id in cspec.get("tables", []) + cspec.get("optional_tables", []):
            if table_id not in tables:
                raise KitError("rule_set_invalid", cat, where="ruleset.toml", value=f"категория ссылается на неизвестную таблицу «{table_id}»",
                               allowed="Таблицы описаны в разделе [tables].")
        for key in cspec.get("required", []) + cspec.get("optional", []):
            if key not in spec["fields"]:
                raise KitError("rule_set_invalid", cat, where="ruleset.toml", value=f"категория называет неизвестное поле «{key}»",
                               allowed="Поля описаны в разделе [fields].")
    derivations = spec.get("derive", {})
    check_derivations(derivations, spec, tables)
    for key, question in spec.get("questions", {}).items():
        field_spec = spec["fields"].get(key)
        options = question.get("options", {})
        if field_spec is None or not question.get("question") or not isinstance(question.get("seed_line"), int) \
                or not set(options) <= {str(v) for v in field_spec.get("values", [])} \
                or any(not isinstance(o, dict) or not o.get("text") or not isinstance(o.get("seed_line"), int)
                       for o in options.values()):
            raise KitError("rule_set_invalid", key, where="ruleset.toml, [questions]", value=f"вопрос «{key}»",
                           allowed="Вопрос к полю из [fields]: question, seed_line; варианты — значения поля с text и seed_line.")
    findings = spec.get("findings", {})
    for name, finding in findings.items():
        line = finding.get("seed_line") if isinstance(finding, dict) else None
        if not isinstance(line, int) or isinstance(line, bool) or line < 1 or not finding.get("title") or not finding.get("text") \
                or finding.get("check", "unused_ripso") != "unused_ripso":
            raise KitError("rule_set_invalid", name, where="ruleset.toml, [findings]", value=f"находка «{name}»",
                           allowed="У находки есть title, text и seed_line (номер строки); check, если есть, — unused_ripso.")
    return RuleSet(spec["name"], spec.get("title", spec["name"]), str(spec["effective_date"]), spec.get("source", ""),
                   _content_hash(directory, files), str(directory), spec["forms"], spec["fields"],
                   spec["categories"], spec["readings"], tables, spec, derivations, findings)


def _reading_values(spec: dict, ref, where: str) -> list:
    """Every option's value of reading `ref` ("@name"), or [ref] for a literal."""
    if not (isinstance(ref, str) and ref.startswith("@")):
        return [ref]
    name = ref[1:]
    if name not in spec["readings"]:
        raise KitError("rule_set_invalid", name, where=f"ruleset.toml, {where}", value=f"неизвестное прочтение «{name}»",
                       allowed="Прочтения описаны в разделе [readings].")
    return [option.get("value") for option in spec["readings"][name]["options"].values()]


def check_derivations(derivations: dict, spec: dict, tables: dict) -> None:
    """[derive]: every key, kind, reading and table a derivation names exists; a `rules` derivation answers
    every combination of its keys (a case must never fall through it)."""
    fields = spec["fields"]

    def refuse(name: str, what: str, allowed: str) -> KitError:
        return KitError("rule_set_invalid", name, where="ruleset.toml, [derive]", value=what, allowed=allowed)

    for target, d in derivations.items():
        kind = d.get("kind")
        inputs = _as_list(d.get("from", []))
        if target not in fields or not inputs or any(f not in fields for f in inputs):
            raise refuse(target, f"вывод поля «{target}» из «{', '.join(map(str, inputs))}»", "Поле и исходные поля описаны в [fields].")
        source_kinds = {fields[f]["kind"] for f in inputs}
        if kind == "categories" and source_kinds == {"enum_set"} and fields[target]["kind"] == "enum":
            if not d.get("none"):
                raise refuse(target, "нет слов none", "none — что сказать, если ни одна категория не подошла.")
            values = set(fields[inputs[0]]["values"])
            for n, definition in enumerate(d.get("definitions", []), start=1):
                named = set(definition.get("all", [])) | set(definition.get("any", []))
                if definition.get("gives") not in fields[target]["values"] or not named or not named <= values \
                        or not set(definition.get("subsumes", [])) <= set(fields[target]["values"]) \
                        or not isinstance(definition.get("seed_line"), int):
                    raise refuse(target, f"определение {n}", "gives — значение поля, all/any — виды из исходного поля, seed_line — номер строки.")
                if "when" in definition:
                    name, _, option = definition["when"].partition("=")
                    if option not in spec["readings"].get(name, {}).get("options", {}):
                        raise refuse(target, f"определение {n}: when = «{definition['when']}»", "when = \"прочтение=вариант\".")
            for n, overlap in enumerate(d.get("overlaps", []), start=1):
                for value in _reading_values(spec, "@" + str(overlap.get("reading")), f"[derive.{target}] overlaps"):
                    if not isinstance(value, dict) or set(value) not in ({"drop"}, {"result"}) \
                            or not set(next(iter(value.values()))) <= set(fields[target]["values"]):
                        raise refuse(target, f"пересечение {n}", "Вариант прочтения: { drop = [...] } или { result = [...] } из значений поля.")
        elif kind == "rules" and source_kinds == {"bool"} and fields[target]["kind"] == "bool":
            for combo in itertools.product([True, False], repeat=len(inputs)):
                answers = dict(zip(inputs, combo))
                if excluded(answers, fields):
                    continue
                # The rules for every category (no `for`) must cover every combination on their own.
                rule = next((r for r in d.get("rules", []) if "for" not in r
                             and all(answers.get(k) == v for k, v in r.get("when", {}).items())), None)
                if rule is None:
                    raise refuse(target, "ответы " + ", ".join(f"{k}={'true' if v else 'false'}" for k, v in answers.items())
                                 + " не покрыты ни одним правилом", "Правила должны покрывать все сочетания ответов.")
            for n, rule in enumerate(d.get("rules", []), start=1):
                if not set(rule.get("for", [])) <= set(spec["categories"]):
                    raise refuse(target, f"правило {n}: for = {rule['for']!r}", "for — категории из [categories].")
                for ref in _as_list(rule["gives"]):
                    if not isinstance(ref, bool) and not all(isinstance(v, bool) for v in _reading_values(spec, ref, f"[derive.{target}]")):
                        raise refuse(target, f"gives = {ref!r}", "gives — true, false, \"@прочтение\" с вариантами true/false или их список.")
        elif kind == "any_of" and source_kinds == {"enum_set"} and fields[target]["kind"] == "bool":
            values = set(fields[inputs[0]]["values"])
            for table_id, ref in d.get("accepts", {}).items():
                if table_id not in tables:
                    raise refuse(target, f"accepts для неизвестной таблицы «{table_id}»", "Таблицы описаны в [tables].")
                for value in _reading_values(spec, ref, f"[derive.{target}] accepts"):
                    if not isinstance(value, list) or not set(value) <= values:
                        raise refuse(target, f"accepts «{ref}»", "Список видов из исходного поля.")
            for cat, cspec in spec["categories"].items():
                if inputs[0] in cspec.get("required", []) + cspec.get("optional", []):
                    refs = {d.get("accepts", {}).get(t) for t in cspec.get("tables", []) + cspec.get("optional_tables", [])
                            if tables[t].kind == "decision"}
                    if len(refs) != 1 or None in refs:
                        raise refuse(target, f"категория «{cat}»", "Каждая таблица категории, где есть исходное поле, называет в accepts одно и то же прочтение.")
        else:
            raise refuse(target, f"вид вывода «{kind}» для полей {', '.join(inputs)}",
                         "categories (enum_set → enum), rules (да/нет → да/нет) или any_of (enum_set → да/нет).")


def excluded(answers: dict, fields: dict) -> bool:
    """Whether `answers` say «да» to two keys one of which `excludes` the other."""
    return any(answers.get(k) is True and answers.get(o) is True
               for k, spec in fields.items() for o in spec.get("excludes", []))


@lru_cache(maxsize=8)
def bundled_ruleset() -> RuleSet:
    return load_ruleset()
