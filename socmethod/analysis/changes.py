"""Rule changes as files: a rule directory, or a change file (TOML: edit, add, remove rows) applied to a
copy of a base rule set and loaded, so a change is checked exactly as the bundled rules are."""
from __future__ import annotations

import csv
import re
import shutil
import tempfile
import tomllib
from datetime import date
from pathlib import Path

from socmethod.core.errors import KitError, syntax_problem
from socmethod.core.ruleset import RuleSet, bundled_ruleset, load_ruleset
from socmethod.io.files import os_reason

CHANGE_ACTIONS = ("edit", "add", "remove")

# --- rule sets from directories or change files ---------------------------------------------------------

def load_rules(spec: str | Path | None, base: RuleSet | None = None) -> RuleSet:
    """A rule directory, a change file (.toml) applied to `base` (default: the bundled rules), or None."""
    if spec is None:
        return base or bundled_ruleset()
    path = Path(spec)
    if path.is_dir():
        return load_ruleset(path)
    if path.suffix.lower() == ".toml" and path.is_file():
        return apply_change_file(path, base or bundled_ruleset())
    if path.exists():
        raise KitError("bad_argument", "--rules", value=f"«{spec}» — не каталог правил и не файл изменений",
                       allowed="Укажите каталог набора правил (с ruleset.toml) или файл изменений .toml.")
    raise KitError("file_not_found", value=str(spec))


def apply_change_file(change_path: str | Path, base: RuleSet) -> RuleSet:
    """Apply a change file to a copy of `base`'s directory and load (and so check) the result.

    A change file (TOML) has `name`, optional `effective_date` (ГГГГ-ММ-ДД), and [[change]] entries:
      action = "edit",   table = "3.1", row = "3.1-N1", set = { mobility = "1, 2, 3" }
      action = "add",    table = "3.1", row = { id = "3.1-N50", ... its columns (others left empty) ... }
      action = "remove", table = "3.1", row = "3.1-N7"
    A row id shared by reading variants (applies_when) is changed in every variant unless
    `applies_when = "reading=option"` narrows it. A defect anywhere is reported at the change that made it
    («файл, изменение N, столбец …»), not at the table row it produced.

    The copy lives in a temporary folder owned by the returned rule set: it is removed when the rule set
    is no longer used, or when the program ends."""
    change_path = Path(change_path)
    where = change_path.name
    try:
        spec = tomllib.loads(change_path.read_bytes().decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise KitError("malformed_file", where=where, value=syntax_problem(exc), allowed="TOML, UTF-8") from None
    except OSError as exc:
        raise KitError("not_a_file", value=str(change_path), allowed=os_reason(exc)) from None
    changes = spec.get("change", [])
    if not isinstance(changes, list) or not changes:
        raise KitError("rule_set_invalid", "change", where=where, value="нет ни одного раздела [[change]]",
                       allowed="Опишите изменения разделами [[change]] (action, table, row).")
    _check_header(spec, where)
    workdir = tempfile.TemporaryDirectory(prefix="socmethod-rules-")
    tmp = Path(workdir.name)
    shutil.copytree(base.directory, tmp, dirs_exist_ok=True)
    tables: dict[str, tuple[list[str], list[dict]]] = {}
    for n, change in enumerate(changes, start=1):
        if not isinstance(change, dict):
            raise KitError("rule_set_invalid", "change", where=f"{where}, изменение {n}",
                           value="изменение — не раздел [[change]]", allowed="Каждое изменение — раздел [[change]] с полями action, table, row.")
        _apply_one(change, n, where, base, tmp, tables)
    origins = {}
    for table_id, (header, rows) in tables.items():
        name = base.tables[table_id].file
        with open(tmp / name, "w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=header)
            writer.writeheader()
            writer.writerows({k: v for k, v in r.items() if k != ORIGIN} for r in rows)
        origins[name] = [r.get(ORIGIN) for r in rows]
    _retitle(tmp / "ruleset.toml", spec, where)
    try:
        ruleset = load_ruleset(tmp)
    except KitError as err:
        raise _at_change(err, origins, where) from None
    ruleset.workdir = workdir
    return ruleset


ORIGIN = "\0change"       # a key no CSV column can have: which change produced a row
_ROW_WHERE = re.compile(r"^(?P<file>[^,]+), строка (?P<line>\d+)(?:, столбец «(?P<column>[^»]+)»)?$")


def _at_change(err: KitError, origins: dict, where: str) -> KitError:
    """A loader's refusal of a table row, said of the change that produced the row."""
    m = _ROW_WHERE.match(err.where or "")
    if not m or m.group("file") not in origins:
        return err
    index = int(m.group("line")) - 2
    rows = origins[m.group("file")]
    n = rows[index] if 0 <= index < len(rows) else None
    if n is None:
        return err
    column = f", столбец «{m.group('column')}»" if m.group("column") else ""
    return err.relocated(f"{where}, изменение {n}{column}")


def _check_header(spec: dict, where: str) -> None:
    date_text = spec.get("effective_date")
    if date_text is None:
        return
    try:
        date.fromisoformat(str(date_text))
    except ValueError:
        raise KitError("bad_date", "effective_date", value=date_text, where=where, allowed="") from None


def _apply_one(change: dict, n: int, where: str, base: RuleSet, tmp: Path, tables: dict) -> None:
    at = f"{where}, изменение {n}"
    action = change.get("action")
    if action not in CHANGE_ACTIONS:
        raise KitError("rule_bad_value", "action", value=action, where=at, allowed=CHANGE_ACTIONS)
    table_id = str(change.get("table", ""))
    if table_id not in base.tables or base.tables[table_id].kind != "decision":
        decision = [t for t, v in base.tables.items() if v.kind == "decision"]
        raise KitError("rule_bad_value", "table", value=table_id, where=at, allowed=decision)
    if table_id not in tables:
        with open(tmp / base.tables[table_id].file, newline="", encoding="utf-8-sig") as fh:
            reader = csv.DictReader(fh)
            tables[table_id] = (list(reader.fieldnames or []), list(reader))
    header, rows = tables[table_id]
    if action == "add":
        row = change.get("row")
        if not isinstance(row, dict):
            raise KitError("rule_bad_value", "row", value=row, where=at, allowed="таблица значений новой строки")
        unknown = [k for k in row if k not in header]
        if unknown:
            raise KitError("rule_unknown_column", unknown[0], where=at, allowed=header)
        rows.append({**{h: _cell(row.get(h, "")) for h in header}, ORIGIN: n})
        return
    row_id = change.get("row")
    narrow = change.get("applies_when")
    targets = [r for r in rows if r["id"] == row_id and (narrow is None or r.get("applies_when") == narrow)]
    if not targets:
        raise KitError("rule_bad_value", "row", value=row_id, where=at,
                       allowed="идентификатор существующей строки таблицы " + table_id)
    if action == "remove":
        for r in targets:
            rows.remove(r)
        return
    values = change.get("set")
    if not isinstance(values, dict) or not values:
        raise KitError("rule_bad_value", "set", value=values, where=at, allowed="set = { столбец = \"значение\" }")
    for column, value in values.items():
        if column not in header or column == "id":
            raise KitError("rule_unknown_column", column, where=at, allowed=[h for h in header if h != "id"])
        for r in targets:
            r[column] = _cell(value)
            r[ORIGIN] = n


def _cell(value) -> str:
    """A change's value as the table's cell: lists and numbers as the tables write them («1, 2, 3»)."""
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _retitle(ruleset_toml: Path, spec: dict, where: str) -> None:
    """Give the proposal its own name and date, so reports never confuse it with the baseline."""
    text = ruleset_toml.read_text(encoding="utf-8")
    name = str(spec.get("name") or f"проект ({where})")
    lines = []
    for line in text.splitlines():
        if line.startswith("name = "):
            line = "name = " + _toml_str(name)
        elif line.startswith("effective_date = ") and spec.get("effective_date"):
            line = "effective_date = " + _toml_str(str(spec["effective_date"]))
        lines.append(line)
    ruleset_toml.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _toml_str(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
