"""The change editor's model: a change file built row by row (edit cells, add a row, remove a row) and
written as the TOML a methodologist would write by hand, so the file stays the durable, reviewable
artefact; and what a change does to the tables, row by row, read from two rule sets.

The editor writes only what differs from the rules it started from, and an `add` only the cells it fills
(a column added to a table later is simply empty in an older file). The file is applied by
`analysis.changes.apply_change_file`, the same code that reads hand-written files, so a defect is
reported there, at the change and the column. A programme number (РИПСО) that no row of the current
tables names is accepted and warned about: a new programme is a legitimate change, a typo is not.
"""
from __future__ import annotations

import csv
import json
import re
import tempfile
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from socmethod.analysis.changes import CHANGE_ACTIONS, apply_change_file
from socmethod.analysis.labels import cell_words, column_words, form_words
from socmethod.core.errors import KitError
from socmethod.core.ruleset import ROW_META, RuleSet

CHANGE_FILE_NAME = "изменения.toml"        # how the page names the file it applies and offers for download
ADD_META = ("id", "seed_line", "form", "note")   # row columns the add form fills besides criteria and numbers


@dataclass
class Change:
    """One [[change]] entry: `row` names an existing row (edit, remove); `cells` are the columns an edit
    sets or the new row's filled cells (add)."""
    action: str
    table: str
    row: str = ""
    cells: dict[str, str] = field(default_factory=dict)
    applies_when: str | None = None

    def key(self) -> tuple:
        return self.table, self.row, self.applies_when


@dataclass
class ChangeFile:
    name: str = ""
    effective_date: str = ""
    changes: list[Change] = field(default_factory=list)

    @classmethod
    def parse(cls, text: str, where: str = CHANGE_FILE_NAME) -> "ChangeFile":
        """A change file's text (hand-written or written here) as the editor's model; a defect of shape is
        refused naming the change, the rest is left to apply_change_file."""
        try:
            spec = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise KitError("malformed_file", where=where, value=str(exc), allowed="TOML") from None
        entries = spec.get("change", [])
        if not isinstance(entries, list):
            raise KitError("rule_set_invalid", "change", where=where, value="«change» — не список разделов [[change]]",
                           allowed="Опишите изменения разделами [[change]] (action, table, row).")
        out = cls(str(spec.get("name", "")), str(spec.get("effective_date", "")))
        for n, entry in enumerate(entries, start=1):
            at = f"{where}, изменение {n}"
            if not isinstance(entry, dict):
                raise KitError("rule_set_invalid", "change", where=at, value="изменение — не раздел [[change]]",
                               allowed="Каждое изменение — раздел [[change]] с полями action, table, row.")
            action = entry.get("action")
            if action not in CHANGE_ACTIONS:
                raise KitError("rule_bad_value", "action", value=action, where=at, allowed=CHANGE_ACTIONS)
            row = entry.get("row", "")
            if action == "add":
                if not isinstance(row, dict):
                    raise KitError("rule_bad_value", "row", value=row, where=at, allowed="таблица значений новой строки")
                change = Change("add", str(entry.get("table", "")), str(row.get("id", "")), {k: _cell(v) for k, v in row.items()})
            else:
                values = entry.get("set", {})
                if not isinstance(values, dict):
                    raise KitError("rule_bad_value", "set", value=values, where=at, allowed="set = { столбец = \"значение\" }")
                change = Change(action, str(entry.get("table", "")), str(row), {k: _cell(v) for k, v in values.items()},
                                entry.get("applies_when"))
            out.changes.append(change)
        return out

    def text(self, base: RuleSet | None = None) -> str:
        """The change file as TOML, each change under a comment that names its row (and, with `base`, the
        row's seed line and the cells' values before)."""
        lines = ["# Изменение методики для socmethod diff --proposal ЭТОТ_ФАЙЛ и рабочего места методиста.",
                 f"name = {_string(self.name or 'Проект изменения')}"]
        if self.effective_date:
            lines.append(f"effective_date = {_string(self.effective_date)}")
        for n, change in enumerate(self.changes, start=1):
            lines += ["", *(f"# {c}" for c in _comments(n, change, base)), "[[change]]",
                      f"action = {_string(change.action)}", f"table = {_string(change.table)}"]
            if change.action == "add":
                lines += ["", "[change.row]"] + [f"{_key(k)} = {_string(v)}" for k, v in change.cells.items()]
                continue
            lines.append(f"row = {_string(change.row)}")
            if change.applies_when:
                lines.append(f"applies_when = {_string(change.applies_when)}")
            if change.action == "edit":
                inline = "set = { " + ", ".join(f"{_key(k)} = {_string(v)}" for k, v in change.cells.items()) + " }"
                if len(inline) <= 100:
                    lines.append(inline)
                else:
                    lines += ["", "[change.set]"] + [f"{_key(k)} = {_string(v)}" for k, v in change.cells.items()]
        return "\n".join(lines) + "\n"

    def apply(self, base: RuleSet, where: str = CHANGE_FILE_NAME) -> RuleSet:
        """The proposal: this file applied to `base` by the same code as a hand-written file (its errors
        name the change and the column); the file is written to a private folder removed at once."""
        with tempfile.TemporaryDirectory(prefix="socmethod-change-") as tmp:
            path = Path(tmp) / where
            path.write_text(self.text(base), encoding="utf-8")
            return apply_change_file(path, base)

    def warnings(self, base: RuleSet) -> list[str]:
        """What is accepted but deserves a second look: programme numbers no row of `base` names, and a new
        row with no number for any category (the tables never recommend it)."""
        known = {n.number for t in base.tables.values() if t.kind == "decision" for r in t.rows
                 for numbers in r.ripso.values() for n in numbers}
        out = []
        for n, change in enumerate(self.changes, start=1):
            table = base.tables.get(change.table)
            if table is None or change.action == "remove":
                continue
            if change.action == "add" and not any(ripso_numbers(change.cells.get(c, "")) for c in table.ripso_columns.values()):
                out.append(f"Изменение {n}: у новой строки {change.row} нет номера РИПСО ни для одной категории — "
                           "такую строку таблица никому не рекомендует.")
            for column in table.ripso_columns.values():
                for number in ripso_numbers(change.cells.get(column, "")):
                    if number not in known:
                        out.append(f"Изменение {n}, столбец «{column_words(base, change.table, column)}»: программы "
                                   f"N {number} нет ни в одной строке действующих таблиц. Изменение принято; проверьте "
                                   "номер, если это не новая программа.")
        return out


def ripso_numbers(text: str) -> list[int]:
    """The numbers of a РИПСО cell («23, 30 if social_housing_flat» -> [23, 30]); anything else is left to
    the loader to refuse."""
    out = []
    for part in (text or "").split(","):
        number = part.strip().partition(" if ")[0].strip()
        if number.isdigit():
            out.append(int(number))
    return out


def _cell(value) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _string(text: str) -> str:
    """A TOML basic string: JSON's escapes are TOML's."""
    return json.dumps(str(text), ensure_ascii=False)


def _key(name: str) -> str:
    return name if re.fullmatch(r"[A-Za-z0-9_-]+", name) else _string(name)


def _comments(n: int, change: Change, base: RuleSet | None) -> list[str]:
    head = f"Изменение {n}. Таблица {change.table}"
    if change.action == "add":
        return [f"{head}: новая строка {change.row}."]
    row = _base_row(base, change) if base is not None else None
    where = f", строка {change.row}"
    if row is not None:
        where += f" (стр. {row.get('seed_line') or '?'} источника; {form_words(base, row.get('form', ''))})"
    if change.action == "remove":
        return [f"{head}{where}: строка удаляется."]
    out = [f"{head}{where}."]
    if row is not None:
        out += [f"Было: {k} = {_string(row.get(k, ''))}" for k in change.cells]
    return out


def _base_row(base: RuleSet, change: Change) -> dict | None:
    if change.table not in base.tables:
        return None
    _, rows = table_rows(base, change.table)
    for r in rows:
        if r["id"] == change.row and (change.applies_when is None or r.get("applies_when") == change.applies_when):
            return r
    return None


def table_rows(ruleset: RuleSet, table_id: str) -> tuple[list[str], list[dict]]:
    """A decision table's columns and rows as written in its CSV file (the cells' text)."""
    table = ruleset.tables[table_id]
    with open(Path(ruleset.directory) / table.file, newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        return [h.strip() for h in reader.fieldnames or []], [{k.strip(): (v or "").strip() for k, v in r.items()}
                                                              for r in reader]


def same_cell(ruleset: RuleSet, table_id: str, column: str, a: str, b: str) -> bool:
    """Whether two cell texts say the same: a set column's values in any order, a РИПСО cell's «-» and
    empty alike, spaces aside."""
    table = ruleset.tables[table_id]
    norm = lambda t: [p.strip() for p in (t or "").split(",") if p.strip()]  # noqa: E731
    if column in table.columns and table.columns[column]["kind"] == "set":
        return sorted(norm(a)) == sorted(norm(b))
    if column in table.ripso_columns.values():
        return norm(a.replace("-", "")) == norm(b.replace("-", ""))
    return " ".join((a or "").split()) == " ".join((b or "").split())


# --- the editor ------------------------------------------------------------------------------------------

class ChangeEditor:
    """A change file built from the tables of `base`: what the form editor calls."""

    def __init__(self, base: RuleSet, name: str = "", effective_date: str = ""):
        self.base = base
        self.file = ChangeFile(name, effective_date)

    # What the form offers --------------------------------------------------------------------------------
    def tables(self) -> list[tuple[str, str]]:
        """(title, id) of the decision tables."""
        return [(t.title, t.id) for t in self.base.tables.values() if t.kind == "decision"]

    def rows(self, table_id: str) -> list[tuple[str, tuple[str, str | None]]]:
        """(label, (row id, reading variant)) of every row of the table, the rows this file adds included
        and those it removes left out. A row that exists once per reading option is listed per option."""
        _, rows = table_rows(self.base, table_id)
        ids = [r["id"] for r in rows]
        out = []
        for r in rows:
            variant = r.get("applies_when") or None if ids.count(r["id"]) > 1 else None
            if self._removed(table_id, r["id"], variant):
                continue
            label = f"{r['id']} — {form_words(self.base, r.get('form', ''))}, стр. {r.get('seed_line') or '?'}"
            if variant:
                name, _, option = variant.partition("=")
                label += f" (прочтение: {self.base.readings[name]['options'][option]['text']})"
            out.append((label, (r["id"], variant)))
        for c in self.file.changes:
            if c.action == "add" and c.table == table_id:
                out.append((f"{c.row} — {form_words(self.base, c.cells.get('form', ''))}, новая строка", (c.row, None)))
        return out

    def cells(self, table_id: str, row_id: str, applies_when: str | None = None) -> dict[str, str]:
        """The row's cells as they stand with this file's changes."""
        added = self._find("add", table_id, row_id)
        if added is not None:
            header, _ = table_rows(self.base, table_id)
            return {h: added.cells.get(h, "") for h in header}
        row = _base_row(self.base, Change("edit", table_id, row_id, applies_when=applies_when))
        if row is None:
            raise KitError("rule_bad_value", "row", value=row_id, allowed="идентификатор существующей строки таблицы " + table_id)
        edit = self._find("edit", table_id, row_id, applies_when)
        return {**row, **(edit.cells if edit else {})}

    # What the form does ----------------------------------------------------------------------------------
    def set_cells(self, table_id: str, row_id: str, cells: dict[str, str], applies_when: str | None = None) -> None:
        """Give the row these cells: only those that differ from the rules started from are written."""
        added = self._find("add", table_id, row_id)
        if added is not None:
            added.cells.update({k: v for k, v in cells.items()})
            added.cells = {k: v for k, v in added.cells.items() if v != "" or k == "id"}
            return
        row = _base_row(self.base, Change("edit", table_id, row_id, applies_when=applies_when))
        if row is None:
            raise KitError("rule_bad_value", "row", value=row_id, allowed="идентификатор существующей строки таблицы " + table_id)
        edit = self._find("edit", table_id, row_id, applies_when)
        wanted = {**(edit.cells if edit else {}), **cells}
        differs = {k: v for k, v in wanted.items() if not same_cell(self.base, table_id, k, row.get(k, ""), v)}
        if edit is not None:
            if differs:
                edit.cells = differs
            else:
                self.file.changes.remove(edit)
        elif differs:
            self.file.changes.append(Change("edit", table_id, row_id, differs, applies_when))

    def add_row(self, table_id: str, cells: dict[str, str]) -> None:
        """A new row with the cells given; empty cells are not written."""
        row_id = (cells.get("id") or "").strip()
        if not row_id:
            raise KitError("rule_bad_value", "id", value="", allowed="непустой уникальный идентификатор новой строки")
        ordered = {"id": row_id, **{k: v for k, v in cells.items() if k != "id" and str(v).strip() != ""}}
        self.file.changes.append(Change("add", table_id, row_id, ordered))

    def remove_row(self, table_id: str, row_id: str, applies_when: str | None = None) -> None:
        """Remove a row: a row this file added is simply dropped, an edit of it forgotten."""
        added = self._find("add", table_id, row_id)
        if added is not None:
            self.file.changes.remove(added)
            return
        edit = self._find("edit", table_id, row_id, applies_when)
        if edit is not None:
            self.file.changes.remove(edit)
        self.file.changes.append(Change("remove", table_id, row_id, applies_when=applies_when))

    def drop(self, index: int) -> None:
        """Forget the change at `index` (0-based)."""
        del self.file.changes[index]

    def _find(self, action: str, table_id: str, row_id: str, applies_when: str | None = None) -> Change | None:
        for c in self.file.changes:
            if c.action == action and c.table == table_id and c.row == row_id and \
                    (action == "add" or c.applies_when == applies_when):
                return c
        return None

    def _removed(self, table_id: str, row_id: str, variant: str | None) -> bool:
        return self._find("remove", table_id, row_id, variant) is not None or \
            (variant is not None and self._find("remove", table_id, row_id, None) is not None)


# --- what a change does to the tables --------------------------------------------------------------------

def rule_changes(baseline: RuleSet, proposal: RuleSet) -> list[dict]:
    """The rows that differ between two rule sets, table by table: each removed, added or edited row with
    its seed line and, per column, the cell before and after (as written and in words)."""
    out = []
    for table_id, table in baseline.tables.items():
        if table.kind != "decision" or table_id not in proposal.tables:
            continue
        header_b, rows_b = table_rows(baseline, table_id)
        header_p, rows_p = table_rows(proposal, table_id)
        key = lambda r: (r["id"], r.get("applies_when") or "")  # noqa: E731
        before = {key(r): r for r in rows_b}
        after = {key(r): r for r in rows_p}
        columns = [c for c in dict.fromkeys(header_b + header_p) if c not in ("id", "raw", "seed_line", "applies_when")]
        for k in list(before) + [k for k in after if k not in before]:
            b, a = before.get(k), after.get(k)
            kind = "remove" if a is None else "add" if b is None else "edit"
            cells = []
            for column in columns:
                was, now = (b or {}).get(column, ""), (a or {}).get(column, "")
                if kind == "edit" and same_cell(baseline, table_id, column, was, now):
                    continue
                if kind != "edit" and not (was or now):
                    continue
                cells.append({"column": column, "label": column_words(baseline, table_id, column), "before": was,
                              "after": now, "before_raw": _as_written(was), "after_raw": _as_written(now),
                              "before_words": cell_words(baseline, table_id, column, was) if b is not None else "—",
                              "after_words": cell_words(proposal, table_id, column, now) if a is not None else "—"})
            if kind == "edit" and not cells:
                continue
            row = b or a
            out.append({"table": table_id, "table_title": table.title, "row": k[0],
                        "applies_when": cell_words(baseline, table_id, "applies_when", k[1]) if k[1] else "",
                        "action": kind, "seed_line": row.get("seed_line", ""),
                        "form": form_words(baseline, row.get("form", "")), "cells": cells})
    other = {k for k in set(baseline.spec) | set(proposal.spec)
             if k not in ("name", "title", "effective_date", "tables") and baseline.spec.get(k) != proposal.spec.get(k)}
    if other:
        out.append({"table": "", "table_title": "Описание набора правил (ruleset.toml)", "row": "", "applies_when": "",
                    "action": "spec", "seed_line": "", "form": "",
                    "cells": [{"column": k, "label": f"раздел «{k}»", "before": "", "after": "", "before_words": "изменён",
                               "after_words": "см. файл правил"} for k in sorted(other)]})
    return out


def new_numbers(baseline: RuleSet, proposal: RuleSet) -> list[str]:
    """Warnings for the programme numbers the proposal's tables name and the baseline's do not (what an
    editor would have warned about, read from the two rule sets: for a proposal made by hand)."""
    def numbers(ruleset):
        return {n.number for t in ruleset.tables.values() if t.kind == "decision" for r in t.rows
                for ns in r.ripso.values() for n in ns}
    return [f"Программы N {n} нет ни в одной строке действующих таблиц: проверьте номер, если это не новая программа."
            for n in sorted(numbers(proposal) - numbers(baseline))]


def row_columns(ruleset: RuleSet, table_id: str) -> dict[str, list[str]]:
    """The columns a row form shows, by kind: criteria (set and flag), the programme numbers and the row's
    own (id, seed line, form, note)."""
    table = ruleset.tables[table_id]
    return {"set": [c for c, s in table.columns.items() if s["kind"] == "set"],
            "flag": [c for c, s in table.columns.items() if s["kind"] == "flag"],
            "ripso": list(table.ripso_columns.values()),
            "meta": [c for c in ADD_META if c in ROW_META]}


_CODE = re.compile(r"[A-Za-z_]{2,}")


def _as_written(cell: str) -> str:
    """A cell's text as the table file writes it, for showing beside its words when it says something of
    its own («1, 2», «V <*>»); "" when it holds codes (`day_care_up_to_4h`, `none`), which pages never show."""
    return "" if _CODE.search(cell or "") else (cell or "")
