"""Reading a CSV register for the vectorised path: pandas categorical columns coded as the fields'
domains, rows the vectorised checks cannot take sent to the exact path (`engine.assess`), so an error
record is word for word the one `socmethod assess` prints."""
from __future__ import annotations

import csv
import io
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from socmethod.core.cases import case_from_csv_row
from socmethod.core.engine import assess_or_error
from socmethod.core.ruleset import RuleSet
from socmethod.core.scales import SCALE_NAMES, scale
from socmethod.core.vector import describe_signature, evaluate_arrays, signatures
from socmethod.io.casefiles import decode, sniff_delimiter
from socmethod.io.records import csv_record

# --- reading and checking a register -------------------------------------------------------------------

class IrregularFile(Exception):
    """The register is not a plain rectangle of cells: the exact path reads it row by row instead."""


def read_frame(path: str, ruleset: RuleSet):
    """(frame, raw): the register as categorical columns whose categories are the field's own values
    (anything else becomes missing, code -1, and sends that row to the exact path), and a loader of the
    raw rows for those. Raises IrregularFile for ragged or unreadable files."""
    data = Path(path).read_bytes()
    text = decode(data, Path(path).name)          # checks and detects the encoding once
    encoding = "utf-8-sig" if text == _utf8(data) else "cp1251"
    first = text.lstrip("\r\n").split("\n", 1)[0]
    delimiter = sniff_delimiter(first)
    header = next(csv.reader([first], delimiter=delimiter))
    if len(set(header)) != len(header):
        raise IrregularFile("duplicate column")
    dtypes = {h: pd.CategoricalDtype(_column_values(ruleset, h.strip())) for h in header}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")   # values outside the categories become missing: intended
            frame = pd.read_csv(io.BytesIO(data), sep=delimiter, dtype=dtypes, encoding=encoding,
                                keep_default_na=False, na_filter=False, engine="c", skip_blank_lines=True)
    except (pd.errors.ParserError, ValueError, TypeError) as exc:
        raise IrregularFile(str(exc)) from None
    frame.columns = [c.strip() for c in frame.columns]
    # pandas pads a short row with empty cells; the exact path refuses it. Count the separators.
    if b'"' not in data and data.count(delimiter.encode()) != (len(frame) + 1) * (len(header) - 1):
        raise IrregularFile("ragged rows")

    def raw_rows() -> list[list[str]]:
        rows = [cells for cells in csv.reader(io.StringIO(text.lstrip("\r\n")), delimiter=delimiter) if cells][1:]
        if len(rows) != len(frame) or any(len(r) != len(header) for r in rows):
            raise IrregularFile("ragged rows")
        return rows
    return frame, raw_rows


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


def _utf8(data: bytes) -> str | None:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


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


def encode_frame(frame: pd.DataFrame, ruleset: RuleSet):
    """(fast mask, arrays, points): which rows the vectorised path takes, their coded fields, and points."""
    n = len(frame)
    fast = np.ones(n, dtype=bool)
    filled_cache: dict[str, np.ndarray] = {}

    def filled(column: str) -> np.ndarray:
        if column not in filled_cache:
            filled_cache[column] = _filled(frame[column])
        return filled_cache[column]
    col = lambda name: frame[name] if name in frame.columns else pd.Series([""] * n)  # noqa: E731
    categories = list(ruleset.categories)
    cat = _codes(col("category"), categories)
    fast &= cat >= 0
    # Which columns each category may fill; anything else filled sends the row to the exact path.
    scale_items = {(name, v): set(scale(name, v).keys) for name in SCALE_NAMES for v in ("adult", "child")}
    arrays: dict[str, np.ndarray] = {}
    points = {name: np.zeros(n, dtype=np.int16) for name in SCALE_NAMES}
    degrees = {name: np.full(n, -1, dtype=np.int8) for name in SCALE_NAMES}
    known_columns = set()
    vector_categories = [c for c, spec in ruleset.categories.items() if _vector_ready(ruleset, c)]
    for c_index, category in enumerate(categories):
        in_cat = cat == c_index
        if not in_cat.any():
            continue
        if category not in vector_categories:
            fast &= ~in_cat
            continue
        spec = ruleset.categories[category]
        allowed = set(spec.get("required", [])) | set(spec.get("optional", [])) | {"category"}
        variant = spec.get("scales")
        for column in frame.columns:
            name, dot, item = column.partition(".")
            if dot and name in SCALE_NAMES:
                ok_item = variant is not None and item in scale_items[(name, variant)] and name in allowed
                if not ok_item:
                    fast &= ~(in_cat & filled(column))
            elif column not in allowed:
                fast &= ~(in_cat & filled(column))
        for key in spec.get("required", []):
            # A CSV without the column at all is refused by the exact path (missing key), not "unknown".
            if ruleset.fields[key]["kind"] != "scale" and key not in frame.columns:
                fast &= ~in_cat
        for optional_table_field in _optional_table_fields(ruleset, category):
            if optional_table_field in frame.columns:
                fast &= ~(in_cat & filled(optional_table_field))
    for field, fspec in ruleset.fields.items():
        known_columns.add(field)
        kind = fspec["kind"]
        if kind == "scale" or field == "category":
            continue
        values = col(field)
        if kind == "bool":
            codes = _codes(values, ["", "false", "true"])
            arrays[field] = (codes - 1).astype(np.int8)          # "" -> -1, false -> 0, true -> 1
            bad = codes < 0
        elif kind == "enum":
            codes = _codes(values, [""] + list(fspec["values"]))
            arrays[field] = (codes - 1).astype(np.int8)
            bad = codes < 0
            # a required, non-nullable enum must be given
            for c_index, category in enumerate(categories):
                if field in ruleset.categories[category].get("required", []) and not fspec.get("nullable"):
                    bad = bad | ((cat == c_index) & (codes == 0))
        else:
            continue   # ints and sets only serve 3.3, which the exact path handles
        fast &= ~bad
    for name in SCALE_NAMES:
        for variant in ("adult", "child"):
            sc = scale(name, variant)
            rows_v = np.zeros(n, dtype=bool)
            for c_index, category in enumerate(categories):
                if ruleset.categories[category].get("scales") == variant and category in vector_categories:
                    rows_v |= cat == c_index
            if not rows_v.any():
                continue
            total = np.zeros(n, dtype=np.int16)
            for item in sc.keys:
                codes = _codes(col(f"{name}.{item}"), ["0", "1", "2", "3"])
                fast &= ~(rows_v & (codes < 0))
                total += np.where(rows_v, codes, 0).astype(np.int16)
            lut = np.array(sc.degree_table(), dtype=np.int8)
            points[name] = np.where(rows_v, total, points[name])
            degrees[name] = np.where(rows_v, lut[np.clip(total, 0, sc.max_points)], degrees[name])
    for column in frame.columns:
        name, dot, _ = column.partition(".")
        if not (dot and name in SCALE_NAMES) and column not in known_columns:
            fast &= ~filled(column)
    for name in SCALE_NAMES:
        arrays[name] = degrees[name]
    arrays["category"] = cat
    return fast, arrays, points, degrees


def _optional_table_fields(ruleset: RuleSet, category: str) -> list[str]:
    fields = []
    for table_id in ruleset.categories[category].get("optional_tables", []):
        spec = ruleset.tables[table_id].spec
        fields += [spec.get("field"), spec.get("age_field")]
    return [f for f in fields if f]


def _vector_ready(ruleset: RuleSet, category: str) -> bool:
    """Categories whose mandatory tables are all decision tables (3.3's verdict goes the exact way)."""
    return all(ruleset.tables[t].kind == "decision" for t in ruleset.categories[category].get("tables", []))


# --- the batch command ----------------------------------------------------------------------------------

def vector_results(frame: pd.DataFrame, ruleset: RuleSet, readings: dict):
    """(fast mask, per-case text for the fast rows). The text is the CSV record after its index."""
    n = len(frame)
    fast, arrays, points, degrees = encode_frame(frame, ruleset)
    text = np.empty(n, dtype=object)
    categories = list(ruleset.categories)
    for c_index, category in enumerate(categories):
        idx = np.flatnonzero(fast & (arrays["category"] == c_index))
        if idx.size == 0:
            continue
        sub = {k: v[idx] for k, v in arrays.items()}
        rows, matrix, conds = evaluate_arrays(category, sub, idx.size, ruleset, readings)
        sig, slots = signatures(rows, matrix, conds, idx.size)
        # Points and degrees join the signature, so each distinct output line is formatted once.
        if ruleset.categories[category].get("scales") is not None:
            sc_p, mo_p = points["self_care"][idx].astype(np.uint64), points["mobility"][idx].astype(np.uint64)
        else:
            sc_p = mo_p = np.zeros(idx.size, dtype=np.uint64)
        sig_uniq, sig_inv = np.unique(sig, return_inverse=True)
        key = (sig_inv.astype(np.uint64) << np.uint64(16)) | (sc_p << np.uint64(8)) | mo_p
        uniq, inverse = np.unique(key, return_inverse=True)
        tails = {i: ",".join(describe_signature(int(s), rows, slots)) for i, s in enumerate(sig_uniq.tolist())}
        lines = []
        if ruleset.categories[category].get("scales") is not None:
            variant = ruleset.categories[category]["scales"]
            sc_lut, mo_lut = scale("self_care", variant).degree_table(), scale("mobility", variant).degree_table()
        for k in uniq.tolist():
            tail = tails[k >> 16]
            if ruleset.categories[category].get("scales") is None:
                lines.append(f"ok,,,,,,,{tail},")
                continue
            sp, mp = (k >> 8) & 0xFF, k & 0xFF
            sd, md = sc_lut[sp], mo_lut[mp]
            lines.append(f"ok,,,{sp},{sd},{mp},{md},{tail},")
        text[idx] = np.array(lines, dtype=object)[inverse]
    return fast, text


def register_records(frame: pd.DataFrame, raw_rows, ruleset: RuleSet, readings: dict) -> tuple[np.ndarray, int]:
    """The CSV record (after its index) of every non-blank row of a register read by `read_frame`, and
    the number of refused rows. Rows the vectorised checks do not accept are assessed one by one."""
    fast, text = vector_results(frame, ruleset, readings)
    keep = np.ones(len(frame), dtype=bool)
    slow = np.flatnonzero(~fast)
    errors = 0
    if slow.size:
        rows = raw_rows()
        header = list(frame.columns)
        for i in slow.tolist():
            cells = rows[i]
            if not any(c.strip() for c in cells):
                keep[i] = False                 # blank rows are skipped, as the exact path does
                continue
            result = assess_or_error(case_from_csv_row(dict(zip(header, cells)), ruleset), readings, ruleset)
            errors += "error" in result
            buf = io.StringIO()
            csv.writer(buf, lineterminator="").writerow(csv_record(0, result)[1:])
            text[i] = buf.getvalue()
    return text[keep], errors
