"""The kit for pandas: registers, assessments, a change's impact and the input space as DataFrames.

    import pandas as pd
    from socmethod.analysis import assess_frame
    register = read_register("register.csv")          # UTF-8 or Windows-1251, «,» or «;», as text
    result = assess_frame(register)                   # one row per input row, same index

Every column that is not a case field travels through unchanged (an identifier, a district...); a column
that looks like a misspelt case field (`self_care.hygene`) is refused as `socmethod batch` refuses it. A
frame is assessed by the same register reader and evaluators as `socmethod batch` (through a private
temporary file removed at once), so a row gets exactly the record batch would write, its refusal included.
The frames keep the kit's codes (`home`, `elderly`): they are data to compute with; `with_labels` gives the
Russian words for showing them.
"""
from __future__ import annotations

import json
import tempfile
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from socmethod.analysis.labels import NO_RECOMMENDATION, category_words, form_words, outcome_words
from socmethod.analysis.space import decision_categories, enumerate_space, evaluate_space, regions, space_fields
from socmethod.core.cases import case_from_csv_row
from socmethod.core.engine import assess_or_error, decision_of, ruleset_of
from socmethod.core.errors import KitError
from socmethod.core.ruleset import RuleSet
from socmethod.core.scales import SCALE_NAMES
from socmethod.core.schema import AnyOf, Integer, ListOf, MapOf, SeedLine, Table, Text, check, load_toml
from socmethod.io.batch import assess_register
from socmethod.io.casefiles import sniff_delimiter
from socmethod.io.register import case_column_names, check_header, detect_encoding

RESULT_COLUMNS = ("status", "error_code", "error_field", "error", "self_care_points", "self_care_degree",
                  "mobility_points", "mobility_degree", "forms", "ripso", "rules", "depends_on", "early_help")
FRAME = "таблица pandas"      # where a frame's problems are said to be


# --- registers -----------------------------------------------------------------------------------------------

def read_register(path: str | Path) -> pd.DataFrame:
    """A register file as the kit reads it: CSV (UTF-8, UTF-8 with BOM or Windows-1251; «,» or «;») with
    every cell as text, empty cells as "", or JSON Lines (one case per line; `self_care.hygiene` columns)."""
    path = Path(path)
    encoding, _ = detect_encoding(path, path.name)
    if path.suffix.lower() == ".jsonl":
        with open(path, encoding=encoding) as fh:
            records = [json.loads(line) for line in fh if line.strip()]
        return pd.json_normalize(records)
    with open(path, encoding=encoding, newline="") as fh:
        header = next((line for line in fh if line.strip()), "")
    return pd.read_csv(path, sep=sniff_delimiter(header), dtype=str, keep_default_na=False, na_filter=False,
                       encoding=encoding, skip_blank_lines=True)


def header_columns(path: str | Path) -> list[str]:
    """A register's columns (a CSV's header; the keys of a JSON Lines file's first object, scales flattened)."""
    path = Path(path)
    encoding, _ = detect_encoding(path, path.name)
    with open(path, encoding=encoding, newline="") as fh:
        first = next((line for line in fh if line.strip()), "")
    if path.suffix.lower() == ".jsonl":
        try:
            return list(pd.json_normalize([json.loads(first)]).columns)
        except (json.JSONDecodeError, TypeError, AttributeError):
            raise KitError("malformed_file", where=f"{path.name}, первая строка", value="не объект JSON",
                           allowed="JSON Lines: один объект на строку") from None
    import csv
    return [c.strip() for c in next(csv.reader([first.rstrip("\r\n").lstrip("\ufeff")], delimiter=sniff_delimiter(first)))]


def split_columns(columns, ruleset: RuleSet | None = None, *, where: str = FRAME) -> tuple[list[str], list[str]]:
    """(case columns, carried columns) of a register's or a frame's header. A column that looks like a
    misspelt case field is refused exactly as `socmethod batch` refuses it (io.register.check_header);
    any other column is carried."""
    ruleset = ruleset_of(ruleset)
    known = case_column_names(ruleset)
    columns = [str(c) for c in columns]
    if len(set(columns)) != len(columns):
        dup = next(c for c in columns if columns.count(c) > 1)
        raise KitError("malformed_file", where=where, value=f"столбец «{dup}» повторяется", allowed="столбцы с разными именами")
    case, carried = [], []
    for column in columns:
        if column in known:
            case.append(column)
            continue
        try:
            check_header([column], ruleset)
        except KitError as err:
            if err.code == "misspelt_column":
                raise err.relocated(where) from None
        carried.append(column)
    return case, carried


# --- assessing a frame ---------------------------------------------------------------------------------------

def assess_frame(df: pd.DataFrame, readings: dict | None = None, rules=None) -> pd.DataFrame:
    """Every row of `df` assessed: the carried columns, `category`, then RESULT_COLUMNS (as `socmethod batch`
    writes them: `status` ok/error, the refusal's code, field and Russian message, points and degrees,
    forms, РИПСО numbers and rules joined by «|»). One row per input row, the input's index kept."""
    ruleset = ruleset_of(rules)
    readings = ruleset.resolve_readings(readings)
    case_cols, carried = split_columns(df.columns, ruleset)
    if "category" not in case_cols:
        raise KitError("missing_key", "category", where=FRAME, allowed="столбец category с категорией получателя")
    names = list(map(str, df.columns))
    text = pd.DataFrame({c: _column_text(df.iloc[:, names.index(c)]) for c in case_cols}, dtype=object)
    n = len(df)
    columns = _empty_result(n)
    blank = _blank_rows(text)
    rows = np.flatnonzero(~blank)
    for i in np.flatnonzero(blank).tolist():
        # A row with no case cell filled is no line at all in a CSV: say what the engine says of it.
        _fill_result(columns, i, assess_or_error(case_from_csv_row(dict.fromkeys(case_cols, ""), ruleset), readings, ruleset))
    if len(rows):
        with tempfile.TemporaryDirectory(prefix="socmethod-frame-") as tmp:
            path = Path(tmp) / "frame.csv"
            text.iloc[rows].to_csv(path, index=False, encoding="utf-8")
            _, assessments = assess_register(path, ruleset, readings)
            seen = 0
            for assessment in assessments:
                positions = rows[assessment.chunk.start + np.arange(len(assessment.chunk))]
                _fill_chunk(columns, positions, assessment)
                seen += len(assessment.chunk)
        if seen != len(rows):       # a cell the reader split differently: never give misaligned results
            raise KitError("internal", value=f"прочитано {seen} строк из {len(rows)}")
    out = pd.DataFrame({c: df[c] for c in df.columns if str(c) in carried}, index=df.index)
    out["category"] = text["category"].to_numpy() if n else []
    for name in RESULT_COLUMNS:
        values = columns[name]
        out[name] = pd.array(values, dtype="Int64") if name.endswith(("_points", "_degree")) else values
    return out


def _column_text(series: pd.Series) -> np.ndarray:
    """A frame's column as the register's text (see `_text`), column-wise where the type allows."""
    kind = pd.api.types.infer_dtype(series, skipna=True)
    values = series.to_numpy(dtype=object)
    missing = pd.isna(series).to_numpy()
    if kind in ("string", "empty"):
        out = np.where(missing, "", values)
        joined = "".join(out)               # one scan of the whole column for a line break
        if "\n" in joined or "\r" in joined:
            out = np.array([v.replace("\r", " ").replace("\n", " ") for v in out], dtype=object)
        return out
    if kind == "integer":
        return np.where(missing, "", series.astype(str).to_numpy(dtype=object))
    if kind == "boolean":
        return np.where(missing, "", np.where(values == True, "true", "false")).astype(object)  # noqa: E712
    return np.array([_text(v) for v in values], dtype=object)


def _blank_rows(text: pd.DataFrame) -> np.ndarray:
    """Rows whose case cells are all empty or spaces and tabs (what a register's reader takes for a blank
    line): only the rows still blank are looked at, column after column."""
    blank = np.ones(len(text), dtype=bool)
    for column in text.columns:
        idx = np.flatnonzero(blank)
        if not idx.size:
            break
        blank[idx] = [v.strip(" \t") == "" for v in text[column].to_numpy()[idx]]
    return blank


def _text(value) -> str:
    """A frame's cell as the register's text: booleans true/false, whole floats as integers (pandas turns
    an integer column with a gap into floats), lists as «1|3», missing as empty; line breaks become spaces
    (a register line holds one case)."""
    if value is None or (not isinstance(value, (list, tuple, np.ndarray)) and pd.isna(value)):
        return ""
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    if isinstance(value, (list, tuple, np.ndarray)):
        return "|".join(_text(v) for v in value)
    return str(value).replace("\r", " ").replace("\n", " ")


def _empty_result(n: int) -> dict:
    out = {c: np.full(n, "", dtype=object) for c in RESULT_COLUMNS}
    for c in RESULT_COLUMNS:
        if c.endswith(("_points", "_degree")):
            out[c] = np.full(n, None, dtype=object)
    return out


def _fill_result(columns: dict, i: int, result: dict) -> None:
    if "error" in result:
        err = result["error"]
        columns["status"][i] = "error"
        columns["error_code"][i], columns["error_field"][i] = err["code"], err.get("field") or ""
        columns["error"][i] = err["message"]
        return
    columns["status"][i] = "ok"
    for name in SCALE_NAMES:
        if result.get(name):
            columns[f"{name}_points"][i] = result[name]["points"]
            columns[f"{name}_degree"][i] = result[name]["degree"]
    _fill_decision(columns, i, decision_of(result))
    columns["early_help"][i] = result.get("early_help", {}).get("verdict", "")


def _fill_decision(columns: dict, i, decision) -> None:
    columns["forms"][i] = "|".join(decision.forms)
    columns["ripso"][i] = "|".join(map(str, decision.ripso))
    columns["rules"][i] = "|".join(decision.rules)
    columns["depends_on"][i] = "|".join(decision.depends)


def _fill_chunk(columns: dict, positions: np.ndarray, assessment) -> None:
    fast = np.flatnonzero(assessment.decision_index >= 0)
    if fast.size:
        where = positions[fast]
        index = assessment.decision_index[fast]
        for name, values in (("forms", [d.forms for d in assessment.decisions]),
                             ("ripso", [tuple(map(str, d.ripso)) for d in assessment.decisions]),
                             ("rules", [d.rules for d in assessment.decisions]),
                             ("depends_on", [d.depends for d in assessment.decisions])):
            texts = np.array(["|".join(v) for v in values] + [""], dtype=object)
            columns[name][where] = texts[index]
        columns["status"][where] = "ok"
        for name in SCALE_NAMES:
            points, degrees = assessment.points[name][fast], assessment.degrees[name][fast]
            columns[f"{name}_points"][where] = np.where(points >= 0, points.astype(object), None)
            columns[f"{name}_degree"][where] = np.where(degrees >= 0, degrees.astype(object), None)
    for i, result in assessment.results.items():
        _fill_result(columns, int(positions[i]), result)


def compare_frame(df: pd.DataFrame, baseline=None, proposal=None, baseline_readings: dict | None = None,
                  proposal_readings: dict | None = None) -> pd.DataFrame:
    """Every row of `df` under two rule sets (or two sets of readings): the carried columns, `category`,
    `status`, the forms, РИПСО numbers and rules before and after, and `changed` (a refused row never
    changes)."""
    before = assess_frame(df, baseline_readings, baseline)
    after = assess_frame(df, proposal_readings, proposal if proposal is not None else baseline)
    out = before.drop(columns=[c for c in RESULT_COLUMNS if c not in ("status", "error_code")])
    for name in ("forms", "ripso", "rules"):
        out[f"before_{name}"] = before[name]
        out[f"after_{name}"] = after[name]
    out["changed"] = (before["status"] == "ok") & ((before["forms"] != after["forms"]) | (before["ripso"] != after["ripso"])
                                                   | (before["rules"] != after["rules"]))
    return out


# --- a diff's report as frames -------------------------------------------------------------------------------

def transitions_frame(report: dict) -> pd.DataFrame:
    """The transitions of a `diff` report, one row per (where, category, from, to): where is `space` (every
    answer combination, per category), `case_bank` or `register`; from/to as the diff's JSON writes them."""
    rows = []
    for category, s in report.get("space", {}).items():
        rows += [{"where": "space", "category": category, "from": t["from"], "to": t["to"], "count": t["count"]}
                 for t in s["transitions"]]
    counts: dict = {}
    for c in report.get("case_bank", {}).get("changed_cases", []):
        key = (_rules_outcome(c["before"], c["before_ripso"]), _rules_outcome(c["after"], c["after_ripso"]))
        counts[key] = counts.get(key, 0) + 1
    rows += [{"where": "case_bank", "category": "", "from": b, "to": a, "count": n}
             for (b, a), n in sorted(counts.items(), key=lambda kv: -kv[1])]
    register = report.get("register")
    if register:
        rows += [{"where": "register", "category": "", "from": t["from"], "to": t["to"], "count": t["count"]}
                 for t in register["transitions"]]
    return pd.DataFrame(rows, columns=["where", "category", "from", "to", "count"])


def _rules_outcome(rules: list, numbers: list) -> str:
    """A case bank outcome in the register's shape: «forms (numbers)» is not known from rules alone, so
    the rows themselves: «3.1-N1|3.1-N4 (1|4)»."""
    if not rules:
        return NO_RECOMMENDATION
    return f"{'|'.join(rules)} ({'|'.join(map(str, numbers))})"


def changed_cases_frame(report: dict) -> pd.DataFrame:
    """The register's changed cases kept in a `diff` report (the first 10,000): index, line, the carried
    columns, then the forms, numbers and rules before and after."""
    from socmethod.analysis.impact import CHANGED_COLUMNS
    register = report.get("register") or {}
    carried = register.get("carried", [])
    rows = [{"index": e["index"], "line": e["line"], **{c: e.get("columns", {}).get(c, "") for c in carried},
             **{k: e[k] for k in CHANGED_COLUMNS}} for e in register.get("changed_cases", [])]
    return pd.DataFrame(rows, columns=["index", "line", *carried, *CHANGED_COLUMNS])


def refused_frame(report: dict) -> pd.DataFrame:
    """The register's refused rows named in a `diff` report: index, line, the carried columns (the
    identifier first), the error's code and field."""
    register = report.get("register") or {}
    carried = register.get("carried", [])
    rows = [{"index": r["index"], "line": r["line"], **{c: r.get("columns", {}).get(c, "") for c in carried},
             "code": r["code"], "field": r["field"]} for r in register.get("refused_rows", [])]
    return pd.DataFrame(rows, columns=["index", "line", *carried, "code", "field"])


# --- the input space -----------------------------------------------------------------------------------------

def space_frame(category: str, ruleset: RuleSet | None = None, readings: dict | None = None, *,
                proposal: RuleSet | None = None, proposal_readings: dict | None = None) -> pd.DataFrame:
    """Every combination of the answers the category's table rows test, one row per point: the fields,
    `outcome` (the rows that hold: «home N 1; residential_temporary N 4», "" for none) and, with a
    proposal (or other readings), `outcome_after` and `changed`."""
    ruleset = ruleset_of(ruleset)
    b_read = ruleset.resolve_readings(readings)
    compare = proposal is not None or proposal_readings is not None
    proposal = proposal if proposal is not None else ruleset
    p_read = proposal.resolve_readings(proposal_readings)
    sets = [ruleset, proposal] if compare else [ruleset]
    fields = space_fields(sets, [b_read, p_read] if compare else [b_read], category)
    space = enumerate_space(ruleset, category, fields)
    out = pd.DataFrame({f: np.array(space.domains[f], dtype=object)[space.codes[f]] for f in fields})
    out["outcome"] = evaluate_space(ruleset, b_read, space).labels()
    if compare:
        out["outcome_after"] = evaluate_space(proposal, p_read, space).labels()
        out["changed"] = out["outcome"] != out["outcome_after"]
    return out


def changed_regions(category: str, frame: pd.DataFrame, ruleset: RuleSet, sets: list, readings: list) -> tuple:
    """(space, regions) of the points of `frame` (space_frame with a proposal) whose outcome changed, the
    largest region first."""
    space = enumerate_space(ruleset, category, space_fields(sets, readings, category))
    return space, regions(space, frame["changed"].to_numpy())


def focus_answers(region: dict, ruleset: RuleSet, space) -> dict:
    """The other answers of a heat map that shows `region`: each field fixed to its first value in the
    region, and a field the region leaves open to "no" (a criterion absent) or its first value."""
    return {f: (values[0] if values != "any" else False if ruleset.fields[f]["kind"] == "bool" else space.domains[f][0])
            for f, values in region.items() if f not in ("self_care", "mobility")}


def cell_counts(space: pd.DataFrame, fixed: dict | None = None, column: str = "outcome") -> pd.DataFrame:
    """Points per (self-care degree, mobility degree, outcome) among the points that have the `fixed`
    answers (a field absent or None: any answer)."""
    mask = np.ones(len(space), dtype=bool)
    for f, value in (fixed or {}).items():
        if value is not None and f in space.columns:
            mask &= (space[f] == value).to_numpy()
    picked = space[mask]
    return (picked.groupby(["self_care", "mobility", column], sort=False).size().rename("count").reset_index()
            .rename(columns={column: "outcome"}))


# --- gaps: points no row matches, told apart ------------------------------------------------------------------

GAP_KIND = Table(required={"title": Text(), "text": Text(), "seed_line": SeedLine()})
GAPS_FILE = Table(required={"gaps": Table(required={
    "no_need": Table(required={**GAP_KIND.required, "when": MapOf(ListOf(AnyOf((Integer(), Text())), min=1), min=1)}),
    "hole": GAP_KIND})})


@lru_cache(maxsize=1)
def gap_kinds() -> dict:
    """The gap classes of data/workbench.toml, checked: each has a title, a text and its seed line; `when`
    names the values (scale degrees or field values) of the points that show no need."""
    return check(load_toml("workbench.toml"), GAPS_FILE, "data/workbench.toml")["gaps"]


def _no_need(space, ruleset: RuleSet) -> np.ndarray:
    mask = np.ones(space.n, dtype=bool)
    for f, values in gap_kinds()["no_need"]["when"].items():
        if f not in space.dims:
            if f not in ruleset.fields:
                raise KitError("rule_set_invalid", f, where="data/workbench.toml, gaps, no_need, when",
                               value=f"неизвестное поле «{f}»", allowed="Поля описаны в ruleset.toml.")
            continue
        codes = [space.domains[f].index(v) for v in values if v in space.domains[f]]
        mask &= np.isin(space.codes[f], codes)
    return mask


def _gaps(ruleset, readings, categories):
    """(category, its input space, where no row holds, where nothing is lost) for each decision category."""
    ruleset = ruleset_of(ruleset)
    readings = ruleset.resolve_readings(readings)
    for category in categories or decision_categories(ruleset):
        space = enumerate_space(ruleset, category, space_fields([ruleset], [readings], category))
        gaps = ~evaluate_space(ruleset, readings, space).matched.any(axis=0)
        yield category, space, gaps, _no_need(space, ruleset)


def gaps_frame(ruleset: RuleSet | None = None, readings: dict | None = None, categories=None) -> pd.DataFrame:
    """The gaps of the decision tables (of `categories`, default all) as regions (boxes of answers), one row
    per region: category, kind (`hole` or `no_need`, data/workbench.toml), points, then each field's values
    (a list, or "any")."""
    rows = []
    for category, space, gaps, no_need in _gaps(ruleset, readings, categories):
        for kind, mask in (("hole", gaps & ~no_need), ("no_need", gaps & no_need)):
            for region in regions(space, mask):
                size = int(np.prod([len(space.domains[d]) if v == "any" else len(v) for d, v in region.items()]))
                rows.append({"category": category, "kind": kind, "points": size, **region})
    return pd.DataFrame(rows)


def gap_cells(ruleset: RuleSet | None = None, readings: dict | None = None, categories=None) -> pd.DataFrame:
    """Points per (category, self-care degree, mobility degree): all, with a recommendation, holes and no
    need: what the gaps chart draws."""
    parts = []
    for category, space, gaps, no_need in _gaps(ruleset, readings, categories):
        frame = pd.DataFrame({"self_care": space.codes["self_care"], "mobility": space.codes["mobility"],
                              "covered": ~gaps, "hole": gaps & ~no_need, "no_need": gaps & no_need})
        counts = frame.groupby(["self_care", "mobility"]).agg(points=("covered", "size"), covered=("covered", "sum"),
                                                             hole=("hole", "sum"), no_need=("no_need", "sum")).reset_index()
        counts.insert(0, "category", category)
        parts.append(counts)
    return pd.concat(parts, ignore_index=True)


# --- words for showing a frame -------------------------------------------------------------------------------

def with_labels(frame: pd.DataFrame, ruleset: RuleSet | None = None) -> pd.DataFrame:
    """A copy of a frame of this module for showing: categories, forms and outcomes in Russian."""
    ruleset = ruleset_of(ruleset)
    out = frame.copy()
    if "category" in out:
        out["category"] = out["category"].map(lambda c: category_words(ruleset, c) if c else c)
    for name in [c for c in out.columns if c == "forms" or c.endswith("_forms")]:
        # A case two rows of one form recommend has that form once.
        out[name] = out[name].map(lambda t: "; ".join(dict.fromkeys(form_words(ruleset, f) for f in t.split("|"))) if t else "")
    for name in [c for c in out.columns if c in ("outcome", "outcome_after", "from", "to")]:
        out[name] = out[name].map(lambda t: outcome_words(t, ruleset))
    return out
