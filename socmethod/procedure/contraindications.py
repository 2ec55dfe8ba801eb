"""Contraindications to residential care: the eleven disease groups of order Минздрав 216н with ICD-10 ranges.

The table lives in data/contraindications.csv (seed 003, lines 674-684; the child-form copy at lines
733-743 is word-for-word the same list). One row per range; a single code is a range with equal ends.

Code format (checked by `normalize_icd`): a Latin letter, two digits, then optionally a subcode of one
or two digits, with or without the dot: A17, A17.1, A17.12 (a171, a1712). WHO ICD-10 has one subcode
digit; two are allowed because the Russian МКБ-10 and other national variants add a fifth character
(e.g. F10.21, S72.00). Only the format is checked; there is no ICD catalogue, so A17.8 passes as A17.8.
Cyrillic letters are refused rather than mapped to their Latin look-alikes: on a Russian keyboard the
F key types «А», so reading «А20» as A20 (plague) instead of F20 would silently give the wrong group.

Range semantics: a code lies in a range when, cut to the precision of each end, it is between the ends
(inclusive). So A17 - A19 holds A17, A17.1 and A19.9 but not A20; Z93.2 - Z93.6 holds Z93.2 and its
national refinement Z93.25, not Z93.1 or Z93.7; a bare Z93 is NOT in Z93.2 - Z93.6 because Z93 also
covers Z93.1 (gastrostomy), which the order does not list: ask for the subcode instead of guessing.
"""
from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from socmethod.core.errors import KitError
from socmethod.core.resources import data_path

FILE = "contraindications.csv"
COLUMNS = ("group", "group_title", "code_from", "code_to", "seed_line", "raw", "note")
GROUP_NUMBERS = range(1, 12)
_ALLOWED_FORMS = "A17, A17.1, a171"

# [A-Z]/[0-9] rather than \w/\d: Unicode digits and Cyrillic letters must not pass as ICD codes.
_ICD = re.compile(r"([A-Z])([0-9]{2})(?:\.?([0-9]{1,2}))?")


@dataclass(frozen=True)
class Range:
    code_from: str  # canonical form, e.g. "A17" or "Z93.2"
    code_to: str
    raw: str
    seed_line: str
    note: str

    def __contains__(self, code: str) -> bool:
        return _in_range(_key(normalize_icd(code)), _key(self.code_from), _key(self.code_to))


@dataclass(frozen=True)
class Group:
    number: int
    title: str
    ranges: tuple[Range, ...]


def normalize_icd(code, field: str = "code", where: str = "") -> str:
    """Return the canonical ICD-10 form (`A17.1`, `F20`) or raise KitError("bad_icd_code")."""
    match = _ICD.fullmatch(code.strip().upper()) if isinstance(code, str) else None
    if match is None:
        raise KitError("bad_icd_code", field=field, value=code, allowed=_ALLOWED_FORMS, where=where)
    letter, category, sub = match.groups()
    return f"{letter}{category}.{sub}" if sub else f"{letter}{category}"


def groups_for(code: str) -> list[int]:
    """Sorted numbers of the groups whose ranges contain `code` (empty when none)."""
    return _groups_in(_key(normalize_icd(code)), load_groups())


def check_codes(codes: list[str]) -> list[dict]:
    """One result per code, in order; a malformed code yields an "error" entry instead of raising."""
    if isinstance(codes, (str, bytes)) or not isinstance(codes, Iterable):
        # A bare string would be checked letter by letter, which is never what the caller meant.
        raise KitError("bad_argument", field="codes", value=codes,
                       allowed="Передайте список кодов МКБ-10, например [\"A17.1\", \"F20\"].")
    titles = {group.number: group.title for group in load_groups()}
    results = []
    for position, original in enumerate(codes, start=1):
        try:
            code = normalize_icd(original, field="codes", where=f"код № {position}")
        except KitError as error:
            results.append({"input": original, "error": error.to_dict()})
            continue
        numbers = _groups_in(_key(code), load_groups())
        results.append({"input": original, "code": code, "groups": numbers,
                        "titles": [titles[n] for n in numbers]})
    return results


@lru_cache(maxsize=1)
def load_groups() -> tuple[Group, ...]:
    """The eleven groups from data/contraindications.csv, validated, ordered by number."""
    # utf-8-sig: a methodologist saving the table from Excel adds a BOM, which must not rename "group".
    with open(data_path(FILE), encoding="utf-8-sig", newline="") as fh:
        return parse_table(fh, FILE)


def parse_table(lines: Iterable[str], name: str = FILE) -> tuple[Group, ...]:
    """Parse and validate the table's text; separate from load_groups so tests can feed bad rows."""
    reader = csv.DictReader(lines)
    header = reader.fieldnames or []
    for column in COLUMNS:
        if column not in header:
            raise KitError("rule_missing_column", field=column, where=name, allowed=COLUMNS)
    for column in header:
        if column not in COLUMNS:
            raise KitError("rule_unknown_column", field=column, where=name, allowed=COLUMNS)

    titles: dict[int, str] = {}
    ranges: dict[int, list[Range]] = {}
    for row in reader:
        where = f"{name}, строка {reader.line_num}"
        if None in row:  # an unquoted comma in a title shifts every later cell; refuse rather than guess
            raise KitError("rule_bad_value", field="note", value=", ".join(row[None]), where=where,
                           allowed="ровно 7 ячеек; текст с запятыми заключайте в кавычки")

        def bad(column: str, allowed: str) -> KitError:
            return KitError("rule_bad_value", field=column, value=row[column], where=where, allowed=allowed)

        group_text = (row["group"] or "").strip()
        if not group_text.isascii() or not group_text.isdigit() or int(group_text) not in GROUP_NUMBERS:
            raise bad("group", "целое число от 1 до 11")
        number = int(group_text)
        title = (row["group_title"] or "").strip()
        if not title or titles.setdefault(number, title) != title:
            raise bad("group_title", f"одно и то же непустое название у всех строк группы {number}")
        ends = []
        for column in ("code_from", "code_to"):
            value = row[column] or ""
            try:
                canonical = normalize_icd(value)
            except KitError:
                raise bad(column, _ALLOWED_FORMS) from None
            if canonical != value:  # the table is the reference: keep it in one spelling
                raise bad(column, f"код в каноническом написании, например {canonical}")
            ends.append(canonical)
        low, high = (_key(end) for end in ends)
        if len(low) != len(high) or low > high:
            # Same precision at both ends keeps "from <= to" a plain comparison with one meaning.
            raise bad("code_to", f"код той же точности, что {ends[0]}, и не меньше его")
        ranges.setdefault(number, []).append(
            Range(ends[0], ends[1], row["raw"] or "", row["seed_line"] or "", row["note"] or ""))
    return tuple(Group(n, titles[n], tuple(ranges[n])) for n in sorted(ranges))


def _groups_in(key: str, groups: Iterable[Group]) -> list[int]:
    return sorted(g.number for g in groups
                  if any(_in_range(key, _key(r.code_from), _key(r.code_to)) for r in g.ranges))


def _key(code: str) -> str:
    # Dropping the dot gives fixed-width keys (letter, 2 digits, subcode digits) that compare as strings.
    return code.replace(".", "")


def _in_range(key: str, low: str, high: str) -> bool:
    # Cut the code to each end's precision: A19.9 -> A19 against "A19"; a bare Z93 stays shorter than
    # "Z932" and so sorts before it, which keeps an unspecified category out of a subcode range.
    return key[: len(low)] >= low and key[: len(high)] <= high
