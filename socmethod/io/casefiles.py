"""Reading case files: JSON, YAML, JSON Lines and CSV (UTF-8, UTF-8 with BOM, or the Windows-1251,
`;`-separated files Russian Excel writes). Standard library only, except YAML (pure-Python PyYAML loader,
imported only when a YAML file is read)."""
from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path
from typing import Iterator

from socmethod.core.errors import KitError, syntax_problem
from socmethod.io.files import read_bounded

ENCODINGS = ("utf-8-sig", "cp1251")
MAX_CASE_BYTES = 1 << 20   # one case is a few kilobytes; more is a mistake (or an attack) worth naming


def decode(data: bytes, where: str) -> str:
    """UTF-8 (with or without BOM) first; Windows-1251 when that fails. Refuses what is neither."""
    if not data.strip():
        raise KitError("empty_file", where=where, allowed="JSON, YAML или CSV")
    for enc in ENCODINGS:
        try:
            text = data.decode(enc)
        except UnicodeDecodeError as exc:
            if enc == "utf-8-sig":
                good = data[:exc.start]
                refuse_mixed_encoding(not good.isascii(), good.count(b"\n") + 1, where)
            continue
        # cp1251 decodes almost any bytes; control characters betray a binary or mis-encoded file.
        if enc != "utf-8-sig" and any(ord(ch) < 32 and ch not in "\r\n\t" for ch in text):
            break
        return text
    raise KitError("encoding", where=where, allowed="UTF-8 или Windows-1251")


def refuse_mixed_encoding(utf8_text_seen: bool, line: int, where: str) -> None:
    """A file whose Russian text so far was valid UTF-8 and then has a byte UTF-8 cannot read is a UTF-8
    file with a damaged line (or two files pasted together), not a Windows-1251 one: a Windows-1251 file
    fails at its first Russian letter. Read as Windows-1251 it would come out garbled, every row "ok"."""
    if utf8_text_seen:
        raise KitError("mixed_encoding", where=f"{where}, строка {line}" if where else f"строка {line}")


def columns_typed(text: str) -> list[str]:
    """Column names as typed for --keep or ?keep=: comma-separated, spaces around each dropped."""
    return [c.strip() for c in text.split(",") if c.strip()]


def _reject_constant(name: str):
    raise ValueError(f"{name} не допускается")


def parse_json(text: str, where: str):
    try:
        return json.loads(text, parse_constant=_reject_constant, object_pairs_hook=_no_duplicate_pairs)
    except (ValueError, RecursionError) as exc:
        raise KitError("malformed_file", where=where, value=syntax_problem(exc), allowed="JSON") from None


def _no_duplicate_pairs(pairs):
    result = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"ключ «{key}» повторяется")
        result[key] = value
    return result


MAX_DEPTH = 20      # a case nests three levels; more is a mistake or an attack


def parse_yaml(text: str, where: str):
    """One YAML document with the pure-Python safe loader; duplicate keys, aliases (`*name`: a few hundred
    bytes of them expand to gigabytes) and nesting deeper than MAX_DEPTH are refused."""
    try:
        import yaml
    except ImportError:  # pragma: no cover - PyYAML is a dependency; Pyodide builds may lack it
        raise KitError("malformed_file", where=where, value="чтение YAML недоступно", allowed="JSON") from None

    class StrictLoader(yaml.SafeLoader):  # the pure-Python loader
        depth = 0

        def compose_node(self, parent, index):
            if self.check_event(yaml.AliasEvent):
                raise _Refused("ссылки YAML (*имя) не допускаются: запишите значения полностью")
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise _Refused(f"вложенность глубже {MAX_DEPTH} уровней")
            try:
                return super().compose_node(parent, index)
            finally:
                self.depth -= 1

    def construct_mapping(loader, node, deep=False):
        keys = set()
        for key_node, _ in node.value:
            key = loader.construct_object(key_node, deep=deep)
            if key in keys:
                raise _Refused(f"ключ «{key}» повторяется (строка {key_node.start_mark.line + 1})")
            keys.add(key)
        return yaml.SafeLoader.construct_mapping(loader, node, deep)

    StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, construct_mapping)
    try:
        value = yaml.load(text, Loader=StrictLoader)  # noqa: S506 - StrictLoader derives from SafeLoader
    except _Refused as exc:
        raise KitError("malformed_file", where=where, value=str(exc), allowed="YAML") from None
    except (yaml.YAMLError, RecursionError, TypeError, ValueError) as exc:
        raise KitError("malformed_file", where=where, value=syntax_problem(exc), allowed="YAML") from None
    if isinstance(value, float) and math.isnan(value):
        raise KitError("not_an_object", value="NaN")
    return value


class _Refused(Exception):
    """A YAML construct the kit refuses, with the Russian reason."""


DELIMITERS = {",": "«,»", ";": "«;»", "\t": "табуляция"}     # what Excel saves CSV and «Текст» with


def sniff_delimiter(header: str) -> str:
    """The separator the header uses most: «,», «;» (Russian Excel's CSV) or a tab (Excel's «Текст»)."""
    return max(DELIMITERS, key=lambda d: (header.count(d), d == ","))


def csv_format(delimiter: str) -> str:
    """«CSV с разделителем «;»», said for a refusal's fix."""
    return f"CSV с разделителем {DELIMITERS.get(delimiter, delimiter)}"


def csv_rows(text: str, where: str) -> Iterator[tuple[int, dict | KitError]]:
    """(line number, row dict) per data row; a ragged row gives a KitError in its place."""
    lines = text.splitlines()
    while lines and not lines[0].strip():
        lines.pop(0)
    if not lines:
        raise KitError("empty_file", where=where, allowed="CSV с заголовком")
    delimiter = sniff_delimiter(lines[0])
    reader = csv.reader(io.StringIO(text.lstrip("\r\n")), delimiter=delimiter)
    try:
        header = [h.strip() for h in next(reader)]
    except csv.Error:
        raise KitError("malformed_file", where=where, value="кавычка не закрыта или стоит не на месте", allowed="CSV") from None
    if len(set(header)) != len(header):
        dup = next(h for h in header if header.count(h) > 1)
        raise KitError("malformed_file", where=f"{where}, строка 1", value=f"столбец «{dup}» повторяется", allowed="CSV")
    try:
        for cells in reader:
            line = reader.line_num
            if not any(c.strip() for c in cells):
                continue
            if len(cells) != len(header):
                yield line, KitError("malformed_file", where=f"{where}, строка {line}",
                                     value=f"ячеек {len(cells)}, а в заголовке {len(header)}",
                                     allowed=csv_format(delimiter))
                continue
            yield line, dict(zip(header, cells))
    except csv.Error:
        yield reader.line_num, KitError("malformed_file", where=f"{where}, строка {reader.line_num}",
                                        value="кавычка не закрыта или стоит не на месте", allowed="CSV")


def read_single_case(path: str, data: bytes | None = None, ruleset=None, where: str | None = None):
    """The one case in a JSON, YAML or one-row CSV file (`-` reads stdin bytes passed as `data`; `path`'s
    suffix names the format of `data`, `where` how messages name its source)."""
    from socmethod.core.cases import case_from_csv_row
    from socmethod.core.ruleset import bundled_ruleset
    ruleset = ruleset or bundled_ruleset()

    where = where or ("stdin" if path == "-" else Path(path).name)
    if data is None:
        data = read_bounded(path, MAX_CASE_BYTES, where=where)
    elif len(data) > MAX_CASE_BYTES:
        raise KitError("file_too_large", where=where, value=f"больше {MAX_CASE_BYTES // 1024} КиБ", allowed="предел 1 МиБ")
    text = decode(data, where)
    suffix = Path(path).suffix.lower()
    if suffix == ".csv":
        rows = list(csv_rows(text, where))
        if len(rows) != 1:
            raise KitError("malformed_file", where=where, value=f"строк со случаями: {len(rows)}",
                           allowed="одна строка случая; для многих используйте socmethod batch")
        line, row = rows[0]
        if isinstance(row, KitError):
            raise row
        return case_from_csv_row(row, ruleset)
    if suffix in (".yaml", ".yml"):
        return parse_yaml(text, where)
    stripped = text.lstrip()
    if suffix == ".json" or stripped.startswith(("{", "[")):
        return parse_json(text, where)
    return parse_yaml(text, where)
