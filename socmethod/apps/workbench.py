"""The workbench notebook's widgets: write a change, compare, look at heat maps, export a report.

Logic lives in socmethod.analysis; this module only arranges widgets around it.
"""
from __future__ import annotations

import html
import tempfile
from pathlib import Path

from socmethod.analysis.changes import apply_change_file
from socmethod.analysis.impact import changed_cases_csv, diff
from socmethod.analysis.space import analyse, heatmap, space_fields
from socmethod.core.errors import KitError
from socmethod.core.ruleset import bundled_ruleset
from socmethod.render.report import report_html

EXAMPLE_CHANGE = """# Пример: расширить строку 3.1-N1 (на дому, одиночество; стр. 1133) на степень передвижения 3.
name = "Проект: N 1 и при полной утрате способности к передвижению"
effective_date = "2027-01-01"

[[change]]
action = "edit"          # edit | add | remove
table = "3.1"
row = "3.1-N1"
set = { mobility = "1, 2, 3" }
"""

FORM_COLOURS = {"home": "#d9f0d3", "day_care_up_to_4h": "#fee8c8", "day_care_over_4h": "#fdd49e",
                "residential_temporary": "#c6dbef", "residential_permanent": "#9ecae1"}


def _e(text) -> str:
    return html.escape(str(text))


def heatmap_html(grid: list[list[str]], title: str) -> str:
    """Self-care degree (rows) × mobility degree (columns); each cell names its forms and numbers."""
    cells = []
    for sc, row in enumerate(grid):
        tds = []
        for label in row:
            first = label.split(" ", 1)[0] if label else ""
            colour = FORM_COLOURS.get(first, "#f4f4f4")
            text = "<br>".join(_e(part) for part in label.split("; ")) if label else "—"
            tds.append(f'<td style="background:{colour};padding:4px;border:1px solid #aaa;font-size:12px">{text}</td>')
        cells.append(f"<tr><th>самообсл. {sc}</th>{''.join(tds)}</tr>")
    head = "".join(f"<th>передв. {m}</th>" for m in range(4))
    return (f"<h4>{_e(title)}</h4><table style='border-collapse:collapse'><tr><th></th>{head}</tr>"
            f"{''.join(cells)}</table>")


def gaps_html(report: dict, limit: int = 10) -> str:
    parts = [f"<p>Правила: {_e(report['rule_set']['name'])}, {_e(report['rule_set']['effective_date'])}, "
             f"хэш {_e(report['rule_set']['hash'][:12])}…</p>"]
    for category, c in report["categories"].items():
        parts.append(f"<h4>{_e(category)}: сочетаний {c['points']}, без рекомендации {c['gaps']['points']}, "
                     f"два номера РИПСО одной формы {c['same_form_two_programmes']['points']}</h4>")
        if c["gaps"]["text"]:
            parts.append("<p>Крупнейшие пробелы:</p><ul>" + "".join(f"<li>{_e(t)}</li>" for t in c["gaps"]["text"][:limit]) + "</ul>")
        if c["covered_rows"]:
            parts.append("<p>Строки, целиком покрытые другой строкой той же формы:</p><ul>" + "".join(
                f"<li>{_e(r['row'])} ⊂ {_e(r['covered_by'])}{' (совпадают)' if r['equal'] else ''}</li>"
                for r in c["covered_rows"]) + "</ul>")
        if c["dead_rows"]:
            parts.append("<p>Недостижимые строки: " + _e(", ".join(c["dead_rows"])) + "</p>")
    return "\n".join(parts)


class Workbench:
    """A change editor, a compare button, a heat map explorer and an export button."""

    def __init__(self, export_dir: str | Path | None = None):
        import ipywidgets as w
        self.w = w
        self.export_dir = Path(export_dir) if export_dir else Path(tempfile.gettempdir()) / "socmethod-reports"
        self.baseline = bundled_ruleset()
        self.proposal = None
        self.report = None
        self.change = w.Textarea(value=EXAMPLE_CHANGE, layout=w.Layout(width="100%", height="14em"))
        self.register = w.Text(placeholder="путь к реестру CSV (необязательно)", layout=w.Layout(width="100%"))
        self.compare_button = w.Button(description="Сравнить", button_style="primary")
        self.export_button = w.Button(description="Сохранить отчёт", disabled=True)
        self.status = w.HTML()
        self.result = w.HTML()
        self.compare_button.on_click(lambda _: self.compare())
        self.export_button.on_click(lambda _: self.export())
        self.page = w.VBox([w.HTML("<b>Файл изменений (TOML)</b>"), self.change, self.register,
                            w.HBox([self.compare_button, self.export_button]), self.status, self.result])

    def compare(self) -> None:
        self.status.value, self.result.value = "", ""
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "change.toml"
            path.write_text(self.change.value, encoding="utf-8")
            try:
                self.proposal = apply_change_file(path, self.baseline)
                self.report = diff(self.baseline, self.proposal, self.register.value.strip() or None)
            except KitError as err:
                self.status.value = f'<span style="color:#a00000">{_e(err.message)} {_e(err.fix)}</span>'
                self.export_button.disabled = True
                return
        self.result.value = report_html(self.report)
        self.export_button.disabled = False
        self.status.value = "Сравнение готово."

    def export(self) -> list[Path]:
        if self.report is None:
            return []
        self.export_dir.mkdir(parents=True, exist_ok=True)
        html_path = self.export_dir / "report.html"
        csv_path = self.export_dir / "changed_cases.csv"
        html_path.write_text(report_html(self.report), encoding="utf-8")
        csv_path.write_text(changed_cases_csv(self.report), encoding="utf-8")
        self.status.value = f"Сохранено: {_e(html_path)}, {_e(csv_path)}"
        return [html_path, csv_path]


class HeatmapExplorer:
    """Pick a category and the other answers; see forms over self-care × mobility degrees."""

    def __init__(self, ruleset=None):
        import ipywidgets as w
        self.ruleset = ruleset or bundled_ruleset()
        self.category = w.Dropdown(options=["elderly", "disabled_adult", "disabled_child"], value="elderly",
                                   description="Категория", style={"description_width": "initial"})
        self.controls = w.VBox()
        self.output = w.HTML()
        self.category.observe(lambda _: self._rebuild(), names="value")
        self.page = w.VBox([self.category, self.controls, self.output])
        self._rebuild()

    def _rebuild(self) -> None:
        import ipywidgets as w
        fields = [f for f in space_fields([self.ruleset], [self.ruleset.default_readings()], self.category.value)
                  if f not in ("self_care", "mobility")]
        self.widgets = {}
        for f in fields:
            domain = self.ruleset.field_domain(f)
            options = [("да" if v is True else "нет" if v is False else str(v), v) for v in domain]
            dd = w.Dropdown(options=options, value=domain[0], description=self.ruleset.fields[f].get("label", f),
                            style={"description_width": "initial"}, layout=w.Layout(width="auto"))
            dd.observe(lambda _: self.draw(), names="value")
            self.widgets[f] = dd
        self.controls.children = list(self.widgets.values())
        self.draw()

    def draw(self) -> None:
        fixed = {f: dd.value for f, dd in self.widgets.items()}
        grid = heatmap(self.ruleset, {}, self.category.value, fixed)
        self.output.value = heatmap_html(grid, f"{self.category.value}: формы обслуживания")


def gaps_page():
    import ipywidgets as w
    return w.HTML(gaps_html(analyse()))
