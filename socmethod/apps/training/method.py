"""The method: the scales with their bands, the decision tables and, for a profile a trainer tries out,
every row of its table with its status and the cells that hold or fail."""
from __future__ import annotations

from socmethod.apps.training.words import row_status_label, scale_short, value_text
from socmethod.core.engine import compiled_tables, evaluate_profile
from socmethod.core.ruleset import bundled_ruleset
from socmethod.core.scales import scale, scales
from socmethod.render import render


def band_of(name: str, variant: str, points: int) -> dict:
    sc = scale(name, variant)
    b = sc.band(points)
    return {"points": points, "max_points": sc.max_points, "degree": b.degree, "text": b.text,
            "seed_line": b.seed_line, "low": b.low, "high": b.high}


def table_categories() -> list[str]:
    """The categories a decision table (3.1, 3.2) speaks of, in the rule data's order."""
    rs = bundled_ruleset()
    return [c for c, spec in rs.categories.items()
            if any(rs.tables[t].kind == "decision" for t in spec.get("tables", []))]


def flag_fields(category: str) -> list[str]:
    """The yes/no circumstances the category's table asks about: its required flags, then those a
    РИПСО number of its rows is conditional on (social-housing flat, social-labour rehabilitation)."""
    rs = bundled_ruleset()
    spec = rs.categories[category]
    flags = [f for f in spec["required"] if rs.fields[f]["kind"] == "bool"]
    for table_id in spec.get("tables", []):
        table = rs.tables[table_id]
        if table.kind != "decision":
            continue
        for row in table.rows:
            for number in row.ripso.get(category) or ():
                if number.condition and number.condition not in flags:
                    flags.append(number.condition)
    return flags


def scales_overview_html() -> str:
    """Every scale of the survey act: what it measures, its items, the four answer levels and the bands."""
    return render("training/scales_overview.html.j2", scales=list(scales().values()))


def bands_strip_html(name: str, variant: str, points: int) -> str:
    """The scale's points and degree, and its bands with the band of `points` highlighted."""
    return render("training/bands_strip.html.j2", label=scale_short(name), band=band_of(name, variant, points),
                  bands=scale(name, variant).bands, points=points)


def tables_overview_html() -> str:
    """What the decision tables are, with their columns, forms and the readings of the unclear places."""
    rs = bundled_ruleset()
    return render("training/tables_overview.html.j2",
                  tables=[t for t in rs.tables.values() if t.kind == "decision"],
                  forms=list(rs.forms.values()), readings=list(rs.readings.values()))


def row_statuses(profile: dict, readings: dict | None = None) -> list[dict]:
    """Every row of the decision table(s) of the profile's category under `readings`, with its status:
    match (all criteria hold), depends (holds for some answer to an unknown), near (fails by one column,
    as the engine's near misses), no, other (another kind of impairment) or na (no РИПСО number for the
    category). `cells` maps each table column to True/False/None (criterion holds / fails / not checked
    or unknown)."""
    rs = bundled_ruleset()
    readings = rs.resolve_readings(readings)
    category = profile["category"]
    result = evaluate_profile(profile, rs, readings)
    matched = {r["rule"] for r in result["recommendations"]}
    depends = {d["rule"] for d in result["depends_on"]}
    near = {m["rule"]: m for m in result["near_misses"]}
    compiled = {crow.row.id: crow for ct in compiled_tables(rs, readings, category) for crow in ct.rows}
    out = []
    for table_id in rs.categories[category].get("tables", []):
        table = rs.tables[table_id]
        if table.kind != "decision":
            continue
        for row in table.rows:
            if not row.active(readings):
                continue
            crow = compiled.get(row.id)
            cells: dict[str, bool | None] = {}
            failed = []
            if crow is not None:
                for c in crow.criteria:
                    holds = c.holds(profile)
                    # A footnote criterion (<***>) belongs to the cell that carries the footnote.
                    columns = [col for col in c.column.split("|") if col in table.columns] or \
                        [col for col, cell in row.cells.items() if cell.marker and
                         table.markers.get(cell.marker, {}).get("field") == c.column]
                    for col in columns:
                        prev = cells.get(col, True)
                        cells[col] = False if (holds is False or prev is False) else (None if holds is None else prev)
                    if holds is False:
                        failed.append(c.describe(profile))
            impairment_cell = row.cells.get("impairment")
            if crow is None:
                status = "na"
            elif row.id in matched:
                status = "match"
            elif row.id in depends:
                status = "depends"
            elif row.id in near:
                status = "near"
            elif impairment_cell is not None and impairment_cell.values and \
                    profile.get("impairment") not in impairment_cell.values:
                status = "other"
            else:
                status = "no"
            numbers = [n.number for n in (row.ripso.get(category) or ())]
            out.append({"rule": row.id, "table": table_id, "seed_line": row.seed_line, "form": row.form,
                        "ripso": numbers, "status": status, "cells": cells, "failed": failed, "row": row})
    return out


def _cell_text(row, column: str, spec: dict, category: str) -> str:
    cell = row.cells[column]
    if spec.get("categories") and category not in spec["categories"]:
        return "—"
    if spec["kind"] == "set":
        # Groups and kinds of impairment read as the seed names them; degrees stay the table's digits.
        named = spec["field"] in ("impairment", "disability_group")
        return ", ".join(value_text(spec["field"], v) if named else str(v) for v in cell.values)
    return cell.raw


def decision_table_html(profile: dict, readings: dict | None = None, only_impairment: bool = False) -> str:
    """The category's table(s) as rows lit up for `profile`: green matches, yellow near misses (the
    failing cell underlined), blue rows that depend on an unknown answer."""
    rs = bundled_ruleset()
    category = profile["category"]
    statuses = row_statuses(profile, readings)
    if not statuses:
        return render("training/decision_table.html.j2", note=rs.categories[category].get("note", ""), tables=[])
    tables = []
    for table_id in dict.fromkeys(s["table"] for s in statuses):
        table = rs.tables[table_id]
        rows = []
        for s in (x for x in statuses if x["table"] == table_id):
            if only_impairment and s["status"] == "other":
                continue
            cells = []
            for column, spec in table.columns.items():
                state = s["cells"].get(column)
                cells.append({"text": _cell_text(s["row"], column, spec, category),
                              "css": "tr-cell-fail" if state is False else ("tr-cell-ok" if state is True else "")})
            rows.append({"rule": s["rule"], "seed_line": s["seed_line"], "cells": cells, "form": rs.forms[s["form"]],
                         "ripso": s["ripso"], "status": s["status"], "status_label": row_status_label(s["status"])})
        tables.append({"title": table.title, "headers": [spec["label"] for spec in table.columns.values()],
                       "rows": rows})
    return render("training/decision_table.html.j2", note="", tables=tables)
