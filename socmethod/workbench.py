"""The methodologist's workbench: rule changes as files, the whole input space, gaps, overlaps, dead and
covered rows, and the impact of a change (or of a reading switch) on cases, on the space and on a register.

The input space is what the tables speak of: for each category with a decision table, every combination
of the fields its rows test (impairment, group, both degrees, each criterion flag, the psychiatrist's
conclusion, the conditional numbers' flags), all answers known. It is small (tens of thousands of
points per category), so it is enumerated exactly and evaluated by the same vectorised criteria as a
register.
"""
from __future__ import annotations

import csv
import io
import itertools
import shutil
import tempfile
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .engine import compiled_tables
from .errors import KitError
from .rules import RuleSet, bundled_ruleset, load_ruleset
from .vector import TRUE, evaluate_arrays

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
    raise KitError("file_not_found", value=str(spec))


def apply_change_file(change_path: str | Path, base: RuleSet) -> RuleSet:
    """Apply a change file to a copy of `base`'s directory and load (and so check) the result.

    A change file (TOML) has `name`, optional `effective_date`, and [[change]] entries:
      action = "edit",   table = "3.1", row = "3.1-N1", set = { mobility = "1, 2, 3" }
      action = "add",    table = "3.1", row = { id = "3.1-N50", ... every column ... }
      action = "remove", table = "3.1", row = "3.1-N7"
    A row id shared by reading variants (applies_when) is changed in every variant unless
    `applies_when = "reading=option"` narrows it.
    """
    change_path = Path(change_path)
    where = change_path.name
    try:
        spec = tomllib.loads(change_path.read_bytes().decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise KitError("malformed_file", where=where, value=str(exc), allowed="TOML, UTF-8") from None
    changes = spec.get("change", [])
    if not isinstance(changes, list) or not changes:
        raise KitError("rule_set_invalid", "change", where=where, value="нет ни одного раздела [[change]]",
                       allowed="Опишите изменения разделами [[change]] (action, table, row).")
    tmp = Path(tempfile.mkdtemp(prefix="socmethod-rules-"))
    shutil.copytree(base.directory, tmp, dirs_exist_ok=True)
    tables: dict[str, tuple[list[str], list[dict]]] = {}
    for n, change in enumerate(changes, start=1):
        _apply_one(change, n, where, base, tmp, tables)
    for table_id, (header, rows) in tables.items():
        with open(tmp / base.tables[table_id].file, "w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=header)
            writer.writeheader()
            writer.writerows(rows)
    _retitle(tmp / "ruleset.toml", spec, where)
    return load_ruleset(tmp)


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
        rows.append({h: str(row.get(h, "")) for h in header})
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
            r[column] = str(value)


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


# --- the input space -----------------------------------------------------------------------------------

@dataclass
class Space:
    category: str
    dims: list[str]                       # fields enumerated
    domains: dict[str, list]              # field -> values
    codes: dict[str, np.ndarray]          # field -> code per point (index into the domain)
    n: int

    def point(self, i: int) -> dict:
        return {d: self.domains[d][int(self.codes[d][i])] for d in self.dims}


def space_fields(rulesets: list[RuleSet], readings_list: list[dict], category: str) -> list[str]:
    """Fields tested by any row (or conditional number) of the category, in any rule set and reading."""
    fields: dict[str, None] = {}
    for ruleset in rulesets:
        for readings in readings_list:
            for ctable in compiled_tables(ruleset, readings, category):
                for crow in ctable.rows:
                    for c in crow.criteria:
                        fields.update(dict.fromkeys(c.fields))
                    fields.update(dict.fromkeys(n.condition for n in crow.ripso if n.condition))
    order = list(rulesets[0].fields)
    return sorted(fields, key=order.index)


def enumerate_space(ruleset: RuleSet, category: str, fields: list[str]) -> Space:
    domains = {f: ruleset.field_domain(f) for f in fields}
    grids = np.meshgrid(*[np.arange(len(domains[f])) for f in fields], indexing="ij")
    codes = {f: g.ravel().astype(np.int8) for f, g in zip(fields, grids)}
    n = int(grids[0].size) if grids else 1
    return Space(category, fields, domains, codes, n)


def _arrays(space: Space, ruleset: RuleSet) -> dict:
    """Codes in the vector path's convention: enums and scales as domain index, bools as 1/0."""
    arrays = {}
    for f in space.dims:
        if ruleset.fields[f]["kind"] == "bool":
            # field_domain(bool) is [True, False]: code 0 is true
            arrays[f] = (space.codes[f] == 0).astype(np.int8)
        else:
            arrays[f] = space.codes[f]
    for f, spec in ruleset.fields.items():
        if f not in arrays:
            arrays[f] = np.full(space.n, -1, dtype=np.int8)
    return arrays


@dataclass
class Outcome:
    """Which rows match each point of a space under one rule set and readings."""
    ruleset: RuleSet
    readings: dict
    space: Space
    rows: list                             # CompiledRow
    matched: np.ndarray                    # bool [rows x points]
    numbers: list = field(default_factory=list)   # per point: tuple of (form, numbers, rule)

    def labels(self) -> np.ndarray:
        """A text per point: the matched rows' form and numbers, e.g. "home N 1; residential_temporary N 4"."""
        if not self.rows:
            return np.full(self.space.n, "", dtype=object)
        keys = np.packbits(self.matched.T, axis=1, bitorder="little")
        uniq, inverse = np.unique(keys, axis=0, return_inverse=True)
        texts = []
        for key in uniq:
            bits = np.unpackbits(key, bitorder="little")[: len(self.rows)]
            texts.append("; ".join(_row_label(self.rows[r], self.space, None) for r in np.flatnonzero(bits)))
        return np.array(texts, dtype=object)[inverse.ravel()]


def _row_label(crow, space, point) -> str:
    numbers = [str(n.number) + (f"?{n.condition}" if n.condition else "") for n in crow.ripso]
    return f"{crow.row.form} N {', '.join(numbers)}"


def evaluate_space(ruleset: RuleSet, readings: dict, space: Space) -> Outcome:
    readings = ruleset.resolve_readings(readings)
    rows, matrix, _ = evaluate_arrays(space.category, _arrays(space, ruleset), space.n, ruleset, readings)
    return Outcome(ruleset, readings, space, rows, matrix == TRUE)


def decision_categories(ruleset: RuleSet) -> list[str]:
    return [c for c, spec in ruleset.categories.items()
            if any(ruleset.tables[t].kind == "decision" for t in spec.get("tables", []))]


# --- regions: readable descriptions of sets of points --------------------------------------------------

def regions(space: Space, mask: np.ndarray) -> list[dict]:
    """Cover the points where `mask` holds with boxes (a set of values per field), merging along each
    field while the other fields agree; a field covering its whole domain reads "any".

    Boxes are rows of per-field bit masks (bit v = value v), merged with numpy: group the boxes that
    agree on every other field and OR their masks on this one, until nothing merges."""
    idx = np.flatnonzero(mask)
    if idx.size == 0:
        return []
    dims = space.dims
    boxes = np.stack([np.left_shift(1, space.codes[d][idx].astype(np.int64)) for d in dims], axis=1)
    boxes = np.unique(boxes, axis=0)
    while True:
        before = len(boxes)
        for k in range(len(dims)):
            rest = np.delete(boxes, k, axis=1)
            _, inverse = np.unique(rest, axis=0, return_inverse=True)
            inverse = inverse.ravel()
            merged = np.zeros(inverse.max() + 1, dtype=np.int64)
            np.bitwise_or.at(merged, inverse, boxes[:, k])
            boxes = np.unique(np.insert(rest[np.unique(inverse, return_index=True)[1]], k,
                                        merged[np.unique(inverse)], axis=1), axis=0)
        if len(boxes) == before:
            break
    # Largest regions first: they are what a methodologist reads.
    sizes = np.prod([np.array([bin(b).count("1") for b in boxes[:, k].tolist()]) for k in range(len(dims))], axis=0)
    boxes = boxes[np.argsort(-sizes, kind="stable")]
    result = []
    for box in boxes.tolist():
        desc = {}
        for d, bits in zip(dims, box):
            domain = space.domains[d]
            values = [v for i, v in enumerate(domain) if bits >> i & 1]
            desc[d] = "any" if len(values) == len(domain) else values
        result.append(desc)
    return result


def describe_region(region: dict, ruleset: RuleSet) -> str:
    parts = []
    for d, values in region.items():
        if values == "any":
            continue
        label = ruleset.fields[d].get("label", d)
        if ruleset.fields[d]["kind"] == "bool" and len(values) == 1:
            parts.append(f"{label}: {'да' if values[0] else 'нет'}")
        else:
            parts.append(f"{label}: {', '.join(str(v) for v in values)}")
    return "; ".join(parts) or "любые значения"


# --- analysis of one rule set --------------------------------------------------------------------------

def analyse(ruleset: RuleSet | None = None, readings: dict | None = None, max_regions: int = 200) -> dict:
    """Gaps, overlaps, dead and covered rows of every decision table, under `readings`."""
    ruleset = ruleset or bundled_ruleset()
    readings = ruleset.resolve_readings(readings)
    report = {"rule_set": ruleset.info(), "readings": readings, "categories": {}}
    for category in decision_categories(ruleset):
        fields = space_fields([ruleset], [readings], category)
        space = enumerate_space(ruleset, category, fields)
        out = evaluate_space(ruleset, readings, space)
        m = out.matched
        any_match = m.any(axis=0)
        forms = [crow.row.form for crow in out.rows]
        n_forms = np.zeros(space.n, dtype=np.int16)
        same_form_twice = np.zeros(space.n, dtype=bool)
        for form in dict.fromkeys(forms):
            rows_f = [i for i, f in enumerate(forms) if f == form]
            count = m[rows_f].sum(axis=0)
            n_forms += count > 0
            same_form_twice |= count > 1
        dead = [out.rows[i].row.id for i in range(len(out.rows)) if not m[i].any()]
        covered = []
        for i, j in itertools.permutations(range(len(out.rows)), 2):
            if m[i].any() and forms[i] == forms[j] and not (m[i] & ~m[j]).any() and out.rows[i].row.id != out.rows[j].row.id:
                if (m[i] == m[j]).all() and i > j:
                    continue   # equal sets: report the pair once
                covered.append({"row": out.rows[i].row.id, "covered_by": out.rows[j].row.id, "form": forms[i],
                                "equal": bool((m[i] == m[j]).all())})
        gap_regions = regions(space, ~any_match)
        twice_regions = regions(space, same_form_twice)
        report["categories"][category] = {
            "fields": fields, "points": space.n,
            "gaps": {"points": int((~any_match).sum()), "regions": gap_regions[:max_regions],
                     "regions_total": len(gap_regions),
                     "text": [describe_region(r, ruleset) for r in gap_regions[:max_regions]]},
            "several_forms": {"points": int((n_forms > 1).sum())},
            "same_form_two_programmes": {"points": int(same_form_twice.sum()), "regions": twice_regions[:max_regions],
                                         "regions_total": len(twice_regions),
                                         "text": [describe_region(r, ruleset) for r in twice_regions[:max_regions]]},
            "dead_rows": dead,
            "covered_rows": covered,
        }
    return report


def heatmap(ruleset: RuleSet, readings: dict, category: str, fixed: dict) -> list[list[str]]:
    """Forms and numbers for each (self-care degree, mobility degree) cell, the other fields fixed."""
    readings = ruleset.resolve_readings(readings)
    fields = space_fields([ruleset], [readings], category)
    grid = []
    for sc in range(4):
        row = []
        for mob in range(4):
            point = {**fixed, "self_care": sc, "mobility": mob}
            missing = [f for f in fields if f not in point]
            if missing:
                raise KitError("missing_key", missing[0], allowed=", ".join(fields))
            space = Space(category, fields, {f: ruleset.field_domain(f) for f in fields},
                          {f: np.array([ruleset.field_domain(f).index(point[f])], dtype=np.int8) for f in fields}, 1)
            row.append(evaluate_space(ruleset, readings, space).labels()[0])
        grid.append(row)
    return grid


# --- impact of a change ----------------------------------------------------------------------------------

def space_impact(baseline: RuleSet, proposal: RuleSet, baseline_readings: dict | None = None,
                 proposal_readings: dict | None = None) -> dict:
    """How the outcome of every point of the input space moves between two rule sets (or readings)."""
    b_read = baseline.resolve_readings(baseline_readings)
    p_read = proposal.resolve_readings(proposal_readings)
    result = {}
    for category in dict.fromkeys(decision_categories(baseline) + decision_categories(proposal)):
        fields = space_fields([baseline, proposal], [b_read, p_read], category)
        space = enumerate_space(baseline, category, fields)
        before = evaluate_space(baseline, b_read, space).labels()
        after = evaluate_space(proposal, p_read, space).labels()
        changed = before != after
        transitions = _transitions(before[changed], after[changed])
        result[category] = {"points": space.n, "changed": int(changed.sum()), "transitions": transitions,
                            "regions": [describe_region(r, baseline) for r in regions(space, changed)[:200]]}
    return result


def _transitions(before, after) -> list[dict]:
    counts: dict[tuple, int] = {}
    for b, a in zip(before.tolist(), after.tolist()):
        counts[(b, a)] = counts.get((b, a), 0) + 1
    return [{"from": b or "нет рекомендации", "to": a or "нет рекомендации", "count": c}
            for (b, a), c in sorted(counts.items(), key=lambda kv: -kv[1])]


def register_impact(path: str, baseline: RuleSet, proposal: RuleSet, baseline_readings: dict | None = None,
                    proposal_readings: dict | None = None) -> dict:
    """The cases of a register (CSV or JSON Lines in the case format) whose outcome changes.
    A CSV register is read once and evaluated twice by the vectorised path."""
    from .batch import CSV_COLUMNS, csv_record
    from .casefiles import iter_cases
    from .engine import assess_or_error
    from .vector import IrregularFile, read_frame, register_records
    b_read = baseline.resolve_readings(baseline_readings)
    p_read = proposal.resolve_readings(proposal_readings)
    before = after = None
    if Path(path).suffix.lower() == ".csv":
        try:
            frame, raw_rows = read_frame(path, baseline)
            before = register_records(frame, raw_rows, baseline, b_read)[0]
            after = register_records(frame, raw_rows, proposal, p_read)[0]
        except IrregularFile:
            before = None
    if before is None:
        cases = [c for _, c in iter_cases(path, baseline)]

        def records(ruleset, readings):
            return np.array([",".join(csv_record(0, {"error": c.to_dict()} if isinstance(c, KitError)
                                                 else assess_or_error(c, readings, ruleset))[1:]) for c in cases],
                            dtype=object)
        before, after = records(baseline, b_read), records(proposal, p_read)
    # Compare the outcome columns only (forms, ripso, rules); points and degrees do not depend on rules.
    first = CSV_COLUMNS.index("forms") - 1
    cut = lambda texts: np.array([",".join(t.split(",")[first:first + 3]) for t in texts.tolist()], dtype=object)  # noqa: E731
    b_out, a_out = cut(before), cut(after)
    changed_idx = np.flatnonzero(b_out != a_out)
    changed = []
    for i in changed_idx.tolist():
        bf, br, bru = b_out[i].split(",")
        af, ar, aru = a_out[i].split(",")
        changed.append({"index": i, "before_forms": bf, "before_ripso": br, "before_rules": bru,
                        "after_forms": af, "after_ripso": ar, "after_rules": aru,
                        "rules_responsible": "|".join(sorted((set(bru.split("|")) ^ set(aru.split("|"))) - {""}))})
    label = lambda f, r: f"{f} ({r})" if f else ""  # noqa: E731
    return {"cases": len(before), "changed": len(changed), "changed_cases": changed,
            "transitions": _transitions(np.array([label(c["before_forms"], c["before_ripso"]) for c in changed], dtype=object),
                                        np.array([label(c["after_forms"], c["after_ripso"]) for c in changed], dtype=object))}


def case_bank_impact(baseline: RuleSet, proposal: RuleSet, baseline_readings: dict | None = None,
                     proposal_readings: dict | None = None) -> dict:
    """The training case bank's cases (data/cases) whose outcome changes, by case id."""
    from .engine import assess_or_error
    from .resources import data_path
    import yaml
    b_read = baseline.resolve_readings(baseline_readings)
    p_read = proposal.resolve_readings(proposal_readings)
    changed = []
    files = sorted(data_path("cases").glob("*.yaml"))
    for f in files:
        entry = yaml.safe_load(f.read_text(encoding="utf-8"))
        b = assess_or_error(entry["case"], {**b_read, **entry.get("readings", {})}, baseline)
        a = assess_or_error(entry["case"], {**p_read, **entry.get("readings", {})}, proposal)
        rules_b = [r["rule"] for r in b.get("recommendations", [])]
        rules_a = [r["rule"] for r in a.get("recommendations", [])]
        ripso_b = [n for r in b.get("recommendations", []) for n in r["ripso"]]
        ripso_a = [n for r in a.get("recommendations", []) for n in r["ripso"]]
        if (rules_b, ripso_b) != (rules_a, ripso_a):
            changed.append({"id": entry.get("id", f.stem), "title": entry.get("title", ""), "before": rules_b,
                            "after": rules_a, "before_ripso": ripso_b, "after_ripso": ripso_a})
    return {"cases": len(files), "changed": len(changed), "changed_cases": changed}


def diff(baseline: RuleSet, proposal: RuleSet, cases: str | None = None, baseline_readings: dict | None = None,
         proposal_readings: dict | None = None) -> dict:
    """Everything a change does: on the input space, the case bank and, if given, a register."""
    report = {"baseline": {**baseline.info(), "readings": baseline.resolve_readings(baseline_readings)},
              "proposal": {**proposal.info(), "readings": proposal.resolve_readings(proposal_readings)},
              "space": space_impact(baseline, proposal, baseline_readings, proposal_readings),
              "case_bank": case_bank_impact(baseline, proposal, baseline_readings, proposal_readings)}
    if cases:
        report["register"] = register_impact(cases, baseline, proposal, baseline_readings, proposal_readings)
    return report


def changed_cases_csv(report: dict) -> str:
    rows = report.get("register", {}).get("changed_cases", [])
    buf = io.StringIO()
    columns = ["index", "before_forms", "before_ripso", "before_rules", "after_forms", "after_ripso", "after_rules",
               "rules_responsible"]
    writer = csv.DictWriter(buf, fieldnames=columns)
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


# --- reports ---------------------------------------------------------------------------------------------

def _e(text) -> str:
    import html
    return html.escape(str(text))


def report_html(report: dict) -> str:
    """A self-contained HTML report of a diff, to attach to a draft order."""
    b, p = report["baseline"], report["proposal"]
    parts = ["<!doctype html><html lang='ru'><meta charset='utf-8'><title>Последствия изменения методики</title>",
             "<style>body{font-family:sans-serif;max-width:60em;margin:2em auto}table{border-collapse:collapse}"
             "td,th{border:1px solid #999;padding:3px 6px;text-align:left}</style>",
             "<h1>Последствия изменения методики</h1>",
             "<table><tr><th></th><th>Набор правил</th><th>Дата</th><th>Хэш содержимого</th><th>Прочтения</th></tr>"]
    for label, rs in (("Действующие", b), ("Проект", p)):
        readings = ", ".join(f"{k}={v}" for k, v in rs["readings"].items())
        parts.append(f"<tr><td>{label}</td><td>{_e(rs['name'])}</td><td>{_e(rs['effective_date'])}</td>"
                     f"<td><code>{_e(rs['hash'][:16])}…</code></td><td>{_e(readings)}</td></tr>")
    parts.append("</table>")
    parts.append("<h2>Все возможные сочетания ответов</h2>")
    for category, s in report["space"].items():
        parts.append(f"<h3>{_e(category)}: изменилось {s['changed']} из {s['points']}</h3>")
        parts.append(_transitions_table(s["transitions"]))
        if s["regions"]:
            parts.append("<p>Где:</p><ul>" + "".join(f"<li>{_e(r)}</li>" for r in s["regions"][:50]) + "</ul>")
    cb = report["case_bank"]
    parts.append(f"<h2>Учебные случаи: изменилось {cb['changed']} из {cb['cases']}</h2>")
    if cb["changed_cases"]:
        parts.append("<table><tr><th>Случай</th><th>Было</th><th>Стало</th></tr>" + "".join(
            f"<tr><td>{_e(c['id'])} {_e(c['title'])}</td><td>{_e(', '.join(c['before']))}</td>"
            f"<td>{_e(', '.join(c['after']))}</td></tr>" for c in cb["changed_cases"]) + "</table>")
    if "register" in report:
        reg = report["register"]
        parts.append(f"<h2>Реестр: изменилось {reg['changed']} из {reg['cases']}</h2>")
        parts.append(_transitions_table(reg["transitions"]))
    parts.append("</html>")
    return "\n".join(parts)


def _transitions_table(transitions: list[dict]) -> str:
    """The transition table with a bar per row (a chart that needs no plotting library and prints)."""
    if not transitions:
        return "<p>Изменений нет.</p>"
    top = max(t["count"] for t in transitions)
    bar = lambda c: (f"<div style='background:#4a7ab5;height:10px;width:{max(2, round(200 * c / top))}px' "  # noqa: E731
                     f"title='{c}'></div>")
    return ("<table><tr><th>Было</th><th>Стало</th><th>Сколько</th><th></th></tr>" + "".join(
        f"<tr><td>{_e(t['from'])}</td><td>{_e(t['to'])}</td><td>{t['count']}</td><td>{bar(t['count'])}</td></tr>"
        for t in transitions[:100]) + "</table>")


def gaps_cli(argv: list[str]) -> int:
    import json
    import sys
    from .cli import KitArgumentParser, _readings
    parser = KitArgumentParser(prog="socmethod gaps", usage_ru="См. socmethod gaps --help.",
                               description="Пробелы, перекрытия и лишние строки таблиц.")
    parser.add_argument("--rules", help="каталог правил или файл изменений (.toml)")
    parser.add_argument("--reading", action="append", metavar="NAME=VALUE")
    args = parser.parse_strict(argv)
    if args is None:
        return 0
    ruleset = load_rules(args.rules)
    sys.stdout.write(json.dumps(analyse(ruleset, _readings(args.reading)), ensure_ascii=False, indent=2) + "\n")
    return 0


def diff_cli(argv: list[str]) -> int:
    import json
    import sys
    from .cli import KitArgumentParser, _readings
    parser = KitArgumentParser(prog="socmethod diff", usage_ru="См. socmethod diff --help.",
                               description="Кого затронет изменение методики.")
    parser.add_argument("--baseline", help="действующие правила: каталог или файл изменений (по умолчанию встроенные)")
    parser.add_argument("--proposal", help="проект: каталог правил или файл изменений (.toml) к встроенным правилам")
    parser.add_argument("--cases", help="реестр случаев (CSV или JSON Lines)")
    parser.add_argument("--baseline-reading", action="append", metavar="NAME=VALUE")
    parser.add_argument("--proposal-reading", action="append", metavar="NAME=VALUE")
    parser.add_argument("--report", help="записать отчёт HTML")
    parser.add_argument("--changed", help="записать CSV изменившихся случаев реестра")
    args = parser.parse_strict(argv)
    if args is None:
        return 0
    baseline = load_rules(args.baseline)
    proposal = load_rules(args.proposal, baseline if args.proposal is None else None)
    report = diff(baseline, proposal, args.cases, _readings(args.baseline_reading), _readings(args.proposal_reading))
    if args.report:
        Path(args.report).write_text(report_html(report), encoding="utf-8")
    if args.changed:
        Path(args.changed).write_text(changed_cases_csv(report), encoding="utf-8")
    summary = {"baseline": report["baseline"], "proposal": report["proposal"],
               "space": {c: {k: v[k] for k in ("points", "changed", "transitions")} for c, v in report["space"].items()},
               "case_bank": report["case_bank"],
               "register": {k: v for k, v in report.get("register", {}).items() if k != "changed_cases"} or None}
    sys.stdout.write(json.dumps(summary, ensure_ascii=False, indent=2) + "\n")
    return 0
