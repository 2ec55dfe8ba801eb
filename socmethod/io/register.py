"""Registers as they are: a CSV (UTF-8, UTF-8 with BOM, or the Windows-1251 `;` files Russian Excel writes)
or JSON Lines file of cases, read as a stream of chunks so memory stays flat for any size.

The rules a register is read by, so that every row in gives exactly one record out:
- One case per line. Blank lines (nothing, or only separators and spaces: what spreadsheets write for
  empty rows) are not rows; they are counted. Any other line is a row, and a row that cannot be read (a
  quote left open, too many or too few cells, a line longer than MAX_LINE) gets its own error record.
  A quoted cell may hold separators and doubled quotes, but no line break: so a stray quote can only ever
  spoil its own line, never swallow the rows after it.
- The header is checked before any row: a case field, a scale item (`self_care.hygiene`), the identifier
  column (`id`, or the one named by `--id`) and the columns named by `--keep` are accepted; a column that
  looks like a misspelt case field is refused with the right spelling; any other column is refused with
  a message suggesting `--keep`. A refused header means nothing is written.
- The whole file is checked to decode in one encoding before a row is read, so a run never writes half a
  result and then finds the file unreadable.
"""
from __future__ import annotations

import codecs
import csv
import difflib
import io
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import numpy as np
import pandas as pd

from socmethod.core.cases import case_from_csv_row
from socmethod.core.errors import KitError
from socmethod.core.ruleset import RuleSet
from socmethod.core.scales import SCALE_NAMES, scale
from socmethod.io.casefiles import csv_format, parse_json, refuse_mixed_encoding, sniff_delimiter
from socmethod.io.files import check_input, os_reason

MAX_LINE = 65_536            # characters in one register line: a case takes a few hundred
CHUNK_ROWS = 50_000          # JSON Lines rows read, evaluated and written at a time: memory stays flat
BLOCK_BYTES = 1 << 22        # CSV bytes read, evaluated and written at a time (about 40,000 rows)
SCAN_BYTES = 1 << 22         # the encoding check reads the file in pieces of this size
REGISTER_SUFFIXES = (".csv", ".jsonl")


@dataclass
class Header:
    """A register's columns as read and accepted."""
    columns: list[str]                  # as written, spaces around names removed
    delimiter: str = ","
    encoding: str = "utf-8-sig"
    id_column: str | None = None
    keep: list[str] = field(default_factory=list)
    unnamed: list[str] = field(default_factory=list)   # trailing columns without a name (Excel's «;» at line end)

    @property
    def carried(self) -> list[str]:
        """The columns copied into every output, in order: the identifier, then the kept ones."""
        return ([self.id_column] if self.id_column else []) + [c for c in self.keep if c != self.id_column]

    @property
    def widths(self) -> tuple[int, ...]:
        """The cell counts a row may have: all the columns, or all but the unnamed ones at the end."""
        return (len(self.columns), len(self.columns) - len(self.unnamed)) if self.unnamed else (len(self.columns),)

    @property
    def case_columns(self) -> list[str]:
        return [c for c in self.columns if c not in self.carried and c not in self.unnamed]


@dataclass
class Chunk:
    """Consecutive rows of a register, column-wise: what the evaluators and writers need of them.

    `lines[i]` is row i's line in the file and `start + i` its index among the register's rows. A row
    refused while reading has `errors[i]`. CSV: the rows that split cleanly are parsed by pandas into
    `frame` (case columns as categoricals, carried columns as text) at positions `clean`; every row keeps
    its raw line for the engine. JSON Lines: `cases[i]` is the parsed object."""
    start: int
    lines: np.ndarray
    errors: dict = field(default_factory=dict)
    blank_lines: int = 0
    raw: list = field(default_factory=list)            # CSV: bytes of each row's line (None: too long)
    quoted: dict = field(default_factory=dict)         # CSV: position -> cells of a row parsed with quotes
    clean: np.ndarray | None = None
    frame: pd.DataFrame | None = None
    cases: list = field(default_factory=list)          # JSON Lines: position -> case (or None)
    carried_values: list = field(default_factory=list)  # JSON Lines: position -> carried values
    header: Header | None = None

    def __len__(self) -> int:
        return len(self.lines)

    def index(self, i: int) -> int:
        return self.start + i

    def cells(self, i: int) -> list[str]:
        if i in self.quoted:
            return self.quoted[i]
        text = self.raw[i].decode(self.header.encoding)
        cells = (text[:-1] if text.endswith("\r") else text).split(self.header.delimiter)
        return cells + [""] * (len(self.header.columns) - len(cells))        # a row without the unnamed cells

    def carried(self, i: int) -> list[str]:
        """The identifier and kept values of row i ("" for a row whose cells could not be split)."""
        names = self.header.carried
        if not names:
            return []
        if self.cases:
            return self.carried_values[i]
        if i in self.errors and self.raw[i] is None:
            return [""] * len(names)
        cells = self.cells(i)
        if len(cells) != len(self.header.columns):
            return [""] * len(names)
        return [cells[self.header.columns.index(c)] for c in names]

    def case(self, i: int, ruleset: RuleSet) -> object:
        """Row i as a case (the JSON shape) for the engine."""
        if self.cases:
            return self.cases[i]
        cells = self.cells(i)
        read = set(self.header.case_columns)
        return case_from_csv_row({c: cells[k] for k, c in enumerate(self.header.columns) if c in read}, ruleset)


# --- columns -----------------------------------------------------------------------------------------------

def case_column_names(ruleset: RuleSet) -> set[str]:
    """Every column a case may have in a CSV: the fields (scales excepted) and `scale.item` for each item
    of either variant."""
    names = {f for f, spec in ruleset.fields.items() if spec["kind"] != "scale"}
    for name in SCALE_NAMES:
        for variant in ("adult", "child"):
            names |= {f"{name}.{item}" for item in scale(name, variant).keys}
    return names


UNNAMED = "столбец {} без имени"


def check_header(columns: list[str], ruleset: RuleSet, *, id_column: str | None = None, keep=(),
                 where: str = "", keep_hint: str = "--keep {}") -> Header:
    """The accepted header, or a KitError naming the first column refused (see the module's rules);
    `keep_hint` says how this caller keeps a column of one's own (the CLI's --keep, the API's ?keep=).
    Columns without a name at the end (Excel writes one when every line ends with the separator) hold no
    case field: they are named by their number, not read and not carried, and the run says so."""
    columns = list(columns)
    unnamed = []
    while columns and not columns[-1] and len(columns) > 1:
        columns.pop()
        unnamed.insert(0, UNNAMED.format(len(columns) + 1))
    columns += unnamed
    if len(set(columns)) != len(columns):
        dup = next(c for c in columns if columns.count(c) > 1)
        raise KitError("malformed_file", where=f"{where}, строка 1", value=f"столбец «{dup}» повторяется", allowed="CSV")
    for name in ([id_column] if id_column else []) + list(keep):
        if name not in columns:
            raise KitError("bad_argument", "--id" if name == id_column else "--keep", value=f"в реестре нет столбца «{name}»",
                           allowed="Столбцы реестра: " + ", ".join(columns) + ".")
    if id_column is None and "id" in columns:
        id_column = "id"
    header = Header(list(columns), id_column=id_column, keep=list(keep), unnamed=unnamed)
    known = case_column_names(ruleset)
    for name in header.carried:
        if name in known:
            raise KitError("bad_argument", "--id" if name == id_column else "--keep", value=f"«{name}» — поле случая",
                           allowed="--id и --keep называют ваши собственные столбцы; поля случая оцениваются, а не переносятся.")
    for column in header.case_columns:
        if column in known:
            continue
        near = difflib.get_close_matches(column, sorted(known), n=1, cutoff=0.8)
        scale_name, dot, _ = column.partition(".")
        if not near and dot and scale_name in SCALE_NAMES:
            items = sorted(k for k in known if k.startswith(scale_name + "."))
            near = difflib.get_close_matches(column, items, n=1, cutoff=0.5) or items[:1]
        if near:
            raise KitError("misspelt_column", column, value=near[0], where=f"{where}, строка 1" if where else "")
        raise KitError("unknown_column", column, where=f"{where}, строка 1" if where else "",
                       allowed=", ".join(sorted(known)), value=keep_hint.format(column))
    return header


# --- opening -----------------------------------------------------------------------------------------------

# What a file that is not CSV text starts with, when Excel saved it so: a workbook (.xlsx is a zip, .xls an
# OLE2 file) or «Текст Юникод» (UTF-16 with its byte-order mark).
SAVED_AS = ((b"PK\x03\x04", "книга Excel (.xlsx)"), (b"\xd0\xcf\x11\xe0", "книга Excel старого формата (.xls)"),
            (b"\xff\xfe", "текст в кодировке UTF-16 («Текст Юникод» Excel)"),
            (b"\xfe\xff", "текст в кодировке UTF-16"))


def detect_encoding(path: Path, where: str) -> tuple[str, bytes]:
    """(encoding, line terminator): UTF-8 (with or without BOM) when the whole file decodes as UTF-8, else
    Windows-1251 when it has no control characters, else refused; lines end with \\n (a \\r before it is
    dropped), or with a lone \\r in a file that has no \\n (old Mac files). Reads the file once, in pieces."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    empty, newline, cr, encoding = True, False, False, "utf-8-sig"
    lines_before, non_ascii = 0, False       # whole lines and non-ASCII text read as valid UTF-8 so far
    try:
        with open(path, "rb") as fh:
            start = fh.read(8)
            for magic, what in SAVED_AS:
                if start.startswith(magic):
                    raise KitError("not_csv_text", where=where, value=what)
            fh.seek(0)
            while piece := fh.read(SCAN_BYTES):
                empty = empty and not piece.strip()
                newline = newline or b"\n" in piece
                cr = cr or b"\r" in piece
                if encoding == "utf-8-sig":
                    try:
                        decoder.decode(piece)
                    except UnicodeDecodeError as exc:
                        good = piece[:max(exc.start, 0)]
                        refuse_mixed_encoding(non_ascii or not good.isascii(), lines_before + good.count(b"\n") + 1, where)
                        encoding = _check_cp1251(fh, where)
                    else:
                        lines_before += piece.count(b"\n")
                        non_ascii = non_ascii or not piece.isascii()
            if encoding == "utf-8-sig":
                try:
                    decoder.decode(b"", final=True)
                except UnicodeDecodeError:
                    refuse_mixed_encoding(non_ascii, lines_before + 1, where)
                    encoding = _check_cp1251(fh, where)
    except OSError as exc:
        raise KitError("not_a_file", value=str(path), allowed=os_reason(exc)) from None
    if empty:
        raise KitError("empty_file", where=where, allowed="CSV с заголовком или JSON Lines")
    return encoding, b"\r" if cr and not newline else b"\n"


def _check_cp1251(fh, where: str) -> str:
    # cp1251 decodes almost any byte; control characters betray a binary or mis-encoded file.
    position = fh.tell()
    fh.seek(0)
    while piece := fh.read(SCAN_BYTES):
        text = piece.decode("cp1251", errors="replace")
        if any(ord(ch) < 32 and ch not in "\r\n\t" for ch in text) or "\ufffd" in text:
            raise KitError("encoding", where=where, allowed="UTF-8 или Windows-1251")
    fh.seek(position)
    return "cp1251"


def _lines(fh, first_line: int = 1) -> Iterator[tuple[int, str | None]]:
    """(line number, text without its line end) for each line of a text file; text None for a line over
    MAX_LINE, whose rest is skipped in bounded pieces."""
    number = first_line - 1
    while True:
        text = fh.readline(MAX_LINE + 1)
        if not text:
            return
        number += 1
        if text.endswith("\n"):
            yield number, text[:-1]
            continue
        if len(text) <= MAX_LINE:
            yield number, text            # the last line, without a line end
            continue
        while (rest := fh.readline(MAX_LINE)) and not rest.endswith("\n"):
            pass
        yield number, None


class CsvRegister:
    """A CSV register opened and its header checked; `chunks()` streams its rows.

    The file is read in blocks of whole lines. Each block is classified line by line with numpy (length,
    separators, quotes, blank), so a block of ordinary rows goes to pandas' C parser at once, and only the
    unusual rows (quoted cells, wrong cell counts, over-long lines) are looked at one by one."""

    def __init__(self, path: str | Path, ruleset: RuleSet, *, id_column: str | None = None, keep=(),
                 block_bytes: int = BLOCK_BYTES):
        self.path = check_input(path)
        self.where = self.path.name
        self.ruleset = ruleset
        self.block_bytes = block_bytes
        encoding, self.terminator = detect_encoding(self.path, self.where)
        try:
            self.fh = open(self.path, "rb")
        except OSError as exc:
            raise KitError("not_a_file", value=str(self.path), allowed=os_reason(exc)) from None
        try:
            header_text, self._next_line = self._header_line(encoding)
            # The header's bytes, to know it again further down (two exports pasted one after the other).
            self._header_bytes = header_text.encode("utf-8" if encoding.startswith("utf-8") else encoding)
            delimiter = sniff_delimiter(header_text)
            try:
                columns = [c.strip() for c in next(csv.reader([header_text], delimiter=delimiter, strict=True))]
            except csv.Error:
                raise KitError("malformed_file", where=f"{self.where}, строка {self._next_line - 1}",
                               value="кавычка в заголовке не закрыта", allowed="CSV") from None
            self.header = check_header(columns, ruleset, id_column=id_column, keep=keep, where=self.where)
            self.header.delimiter, self.header.encoding = delimiter, encoding
        except BaseException:
            self.fh.close()
            raise

    def _header_line(self, encoding: str) -> tuple[str, int]:
        """The first non-blank line, decoded, and the number of the line after it."""
        number = 0
        while True:
            raw = self.fh.readline(MAX_LINE + 1) if self.terminator == b"\n" else self._read_cr_line()
            if not raw:
                raise KitError("empty_file", where=f"{self.where}", allowed="CSV с заголовком")
            number += 1
            if len(raw) > MAX_LINE and not raw.endswith(self.terminator):
                raise KitError("row_too_long", where=f"{self.where}, строка {number}",
                               value=f"больше {MAX_LINE} символов", allowed="заголовок CSV")
            text = raw.decode(encoding).rstrip("\r\n")
            if number == 1 and text.startswith("\ufeff"):
                text = text[1:]
            if text.strip():
                return text, number + 1

    def _read_cr_line(self) -> bytes:
        out = bytearray()
        while len(out) <= MAX_LINE and (b := self.fh.read(1)) and b != b"\r":
            out += b
        return bytes(out) + (b"\r" if out or b else b"")

    def close(self) -> None:
        self.fh.close()

    def _blocks(self) -> Iterator[bytes]:
        """Blocks of whole lines, each ending with the line terminator (the last one perhaps not). A line
        longer than MAX_LINE is never held: its bytes are skipped up to its end, and it stands in its block
        as a stand-in of MAX_LINE + 1 bytes, so it is counted as one line and refused as too long."""
        term = self.terminator
        carry = b""
        while True:
            piece = self.fh.read(self.block_bytes)
            if not piece:
                if carry:
                    yield carry
                return
            block = carry + piece
            cut = block.rfind(term)
            if cut >= 0:
                yield block[:cut + 1]
                carry = block[cut + 1:]
                continue
            if len(block) <= MAX_LINE:
                carry = block              # a line still growing: keep reading
                continue
            while (piece := self.fh.read(self.block_bytes)) and term not in piece:
                pass                       # the rest of an over-long line, read and dropped
            stand_in = b"x" * (MAX_LINE + 1)
            if not piece:
                yield stand_in
                return
            end = piece.index(term)
            yield stand_in + term
            carry = piece[end + 1:]

    def chunks(self, size: int | None = None) -> Iterator[Chunk]:
        index, line = 0, self._next_line
        for block in self._blocks():
            chunk, n_lines = self._chunk(block, index, line)
            index += len(chunk)
            line += n_lines
            if len(chunk) or chunk.blank_lines:
                yield chunk

    def _chunk(self, block: bytes, index: int, first_line: int) -> tuple[Chunk, int]:
        header = self.header
        term = self.terminator[0]
        width, delimiter = len(header.columns), header.delimiter
        data = np.frombuffer(block, dtype=np.uint8)
        ends = np.flatnonzero(data == term)
        if len(block) and block[-1] != term:
            ends = np.append(ends, len(block))           # the last line without a line end
        starts = np.concatenate(([0], ends[:-1] + 1)).astype(np.int64)
        n_lines = len(ends)
        lengths = ends - starts
        dbyte = ord(delimiter)          # "," or ";": one byte in UTF-8 and in Windows-1251

        def per_line(mask: np.ndarray) -> np.ndarray:
            # Sum of `mask` over each line; an empty line sums to 0 (reduceat would repeat its neighbour).
            if n_lines == 0 or not len(block):
                return np.zeros(n_lines, dtype=np.int64)
            sums = np.add.reduceat(mask.view(np.uint8), np.minimum(starts, len(block) - 1), dtype=np.int32)
            return np.where(lengths > 0, sums, 0)
        def sparse(mask: np.ndarray) -> np.ndarray:
            # The same for bytes most lines have none of (quotes, a stray \r): counted where they are.
            where = np.flatnonzero(mask)
            counts = np.zeros(n_lines, dtype=np.int64)
            if where.size:
                np.add.at(counts, np.searchsorted(ends, where), 1)
            return counts
        delimiters = per_line(data == dbyte)
        quotes = sparse(data == ord('"'))
        filler = per_line((data == dbyte) | (data == 32) | (data == 9) | (data == 13))
        # The other line-end character inside a line (a \r in a \n file, not the \r of \r\n; a \n in a \r
        # file) would end a row for pandas: such a line is split here, and its odd cell refused in its row.
        other = 13 if term == 10 else 10
        inner = sparse(data == other)
        if term == 10 and n_lines:
            last = np.where(lengths > 0, ends - 1, 0)
            inner = inner - ((lengths > 0) & (data[np.minimum(last, max(len(block) - 1, 0))] == 13))
        blank = filler == lengths
        rows_at = np.flatnonzero(~blank)
        too_long = (lengths > MAX_LINE)[rows_at]
        quoted = ((quotes > 0) | (inner > 0))[rows_at] & ~too_long
        lines = block.split(self.terminator)
        head = self._header_bytes
        repeated = np.zeros(len(rows_at), dtype=bool)
        for i in np.flatnonzero(np.isin(lengths[rows_at], (len(head), len(head) + 1))).tolist():
            repeated[i] = lines[int(rows_at[i])].rstrip(b"\r") == head
        quoted &= ~repeated
        ragged = ~np.isin(delimiters, [w - 1 for w in header.widths])[rows_at] & ~too_long & ~quoted & ~repeated
        chunk = Chunk(index, first_line + rows_at, blank_lines=int(blank.sum()), header=header)
        chunk.raw = lines if not len(rows_at) or len(rows_at) == n_lines else [lines[k] for k in rows_at.tolist()]
        for i in np.flatnonzero(too_long | quoted | ragged | repeated).tolist():
            k = int(rows_at[i])
            where = f"{self.where}, строка {first_line + k}"
            if repeated[i]:
                chunk.errors[i] = KitError("malformed_file", where=where, value="строка повторяет заголовок",
                                           allowed=csv_format(delimiter))
            elif too_long[i]:
                chunk.raw[i] = None
                chunk.errors[i] = KitError("row_too_long", where=where, value=f"больше {MAX_LINE} символов",
                                           allowed=csv_format(delimiter))
            elif quoted[i]:
                cells, error = _split_quoted(lines[k].decode(header.encoding).rstrip("\r"), delimiter, header.widths, where)
                if error is not None:
                    chunk.errors[i] = error
                else:
                    chunk.quoted[i] = cells
            else:
                chunk.errors[i] = KitError("malformed_file", where=where,
                                           value=f"ячеек {delimiters[k] + 1}, а в заголовке {width}",
                                           allowed=csv_format(delimiter))
        clean = np.flatnonzero(~(too_long | quoted | ragged | repeated))
        chunk.clean = clean
        if len(clean) == n_lines and block.endswith(self.terminator):
            chunk.frame = frame_of(block, header, self.ruleset)          # the whole block at once
        else:
            chunk.frame = frame_of(b"\n".join([chunk.raw[i] for i in clean.tolist()]), header, self.ruleset)
        return chunk, n_lines


# A register is read one line per case (docs/decisions/0006): a cell that carries a line break (Alt+Enter in
# Excel) leaves its quote open at the end of the line. Within the 80 characters a message quotes.
OPEN_QUOTE = "кавычка не закрыта или не на месте; перенос строки внутри ячейки не принимается"


def _split_quoted(text: str, delimiter: str, widths: tuple[int, ...], where: str) -> tuple[list[str] | None, KitError | None]:
    """The cells of a line with quotes (or a stray line-end character), padded to the header's width, or
    the error that refuses it."""
    try:
        cells = next(csv.reader([text], delimiter=delimiter, strict=True)) if '"' in text else text.split(delimiter)
    except csv.Error:
        return None, KitError("malformed_file", where=f"{where}",
                              value=OPEN_QUOTE, allowed=csv_format(delimiter))
    if len(cells) not in widths:
        return None, KitError("malformed_file", where=f"{where}", value=f"ячеек {len(cells)}, а в заголовке {widths[0]}",
                              allowed=csv_format(delimiter))
    return cells + [""] * (widths[0] - len(cells)), None


class JsonlRegister:
    """A JSON Lines register: one case object per line (an identifier and kept keys are taken from the
    object and removed from the case)."""

    def __init__(self, path: str | Path, ruleset: RuleSet, *, id_column: str | None = None, keep=()):
        self.path = check_input(path)
        self.where = self.path.name
        encoding, _ = detect_encoding(self.path, self.where)
        self.fh = open(self.path, encoding=encoding, newline=None)
        self.header = Header([], encoding=encoding, id_column=id_column, keep=list(keep))

    def close(self) -> None:
        self.fh.close()

    def chunks(self, size: int = CHUNK_ROWS) -> Iterator[Chunk]:
        carried = self.header.carried
        lines, cases, values, errors, blank, index = [], [], [], {}, 0, 0
        for number, text in _lines(self.fh):
            if text is not None and not text.strip():
                blank += 1
                continue
            i = len(lines)
            lines.append(number)
            where = f"{self.where}, строка {number}"
            case, carried_values = None, [""] * len(carried)
            if text is None:
                errors[i] = KitError("row_too_long", where=f"{where}", value=f"больше {MAX_LINE} символов",
                                     allowed="одна строка JSON на случай")
            else:
                try:
                    case = parse_json(text, where)
                    if isinstance(case, dict) and carried:
                        carried_values = ["" if case.get(c) is None else str(case.get(c)) for c in carried]
                        case = {k: v for k, v in case.items() if k not in carried}
                except KitError as err:
                    errors[i] = err
            cases.append(case)
            values.append(carried_values)
            if len(lines) >= size:
                yield self._chunk(index, lines, errors, blank, cases, values)
                index += len(lines)
                lines, cases, values, errors, blank = [], [], [], {}, 0
        if lines or blank:
            yield self._chunk(index, lines, errors, blank, cases, values)

    def _chunk(self, index, lines, errors, blank, cases, values) -> Chunk:
        return Chunk(index, np.array(lines, dtype=np.int64), errors, blank, cases=cases, carried_values=values,
                     header=self.header)


def open_register(path: str | Path, ruleset: RuleSet, *, id_column: str | None = None, keep=()):
    """A CSV or JSON Lines register, by its suffix; anything else is refused (a YAML file is one case:
    `socmethod assess`)."""
    suffix = Path(path).suffix.lower()
    if suffix not in REGISTER_SUFFIXES:
        raise KitError("bad_argument", "INPUT", value=f"«{Path(path).name}» — не реестр",
                       allowed="Реестр — файл .csv или .jsonl (по одному случаю в строке); один случай в JSON или "
                               "YAML оценивает socmethod assess.")
    cls = CsvRegister if suffix == ".csv" else JsonlRegister
    return cls(path, ruleset, id_column=id_column, keep=keep)


# --- a chunk of CSV rows as coded arrays --------------------------------------------------------------------

def frame_of(text: bytes, header: Header, ruleset: RuleSet) -> pd.DataFrame:
    """Lines that split cleanly (no quotes, the header's cell count), parsed by pandas' C parser: the case
    columns as categoricals whose categories are the field's own values (anything else becomes missing,
    code -1, and sends that row to the exact path), the carried columns as text."""
    columns = header.columns
    carried = set(header.carried)
    dtypes = {c: (str if c in carried else pd.CategoricalDtype(_column_values(ruleset, c))) for c in columns}
    if not text:
        return pd.DataFrame({c: pd.Series([], dtype=object if c in carried else dtypes[c]) for c in columns})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")   # values outside the categories become missing: intended
        return pd.read_csv(io.BytesIO(text), sep=header.delimiter, header=None, names=columns, dtype=dtypes,
                           encoding=header.encoding, quoting=csv.QUOTE_NONE, keep_default_na=False,
                           na_filter=False, engine="c", skip_blank_lines=False, lineterminator=None)


def _column_values(ruleset: RuleSet, column: str) -> list[str]:
    name, dot, _ = column.partition(".")
    if dot and name in SCALE_NAMES:
        return ["", "0", "1", "2", "3"]
    spec = ruleset.fields.get(column)
    if spec is None or spec["kind"] in ("int", "int_set", "scale"):
        return [""]                              # any value goes the exact way
    if spec["kind"] == "bool":
        return ["", "false", "true"]
    return [""] + [str(v) for v in spec["values"]]


def _codes(series: pd.Series, categories: list[str]) -> np.ndarray:
    """Index of each value in `categories`, -1 for any other value (or a missing one)."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        position = {v: i for i, v in enumerate(categories)}
        lut = np.array([position.get(str(v), -1) for v in series.cat.categories] + [-1], dtype=np.int16)
        return lut[series.cat.codes.to_numpy()]      # code -1 (missing) picks the trailing -1
    return pd.Categorical(series, categories=categories).codes


def _filled(series: pd.Series) -> np.ndarray:
    """True where the cell is not empty (a value outside the column's categories counts as filled)."""
    return _codes(series, [""]) != 0


