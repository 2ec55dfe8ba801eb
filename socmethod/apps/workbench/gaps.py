"""The gaps of the tables in force: a chart per category (self-care × mobility) and a table of the regions of
answers no row serves, filterable by category, by kind (a hole, or no loss of ability at all) and by words."""
from __future__ import annotations

import re

import pandas as pd

from socmethod.analysis.frames import gap_cells, gap_kinds, gaps_frame
from socmethod.analysis.labels import category_words, region_words
from socmethod.analysis.space import analyse, decision_categories
from socmethod.apps.workbench.downloads import Download, csv_bytes, links_html
from socmethod.apps.workbench.session import Session, figures, message, text
from socmethod.render import cap, markup, render
from socmethod.render.charts.workbench import gaps_chart, svg_and_png
from socmethod.render.report import gaps_context, gaps_html

TABLE_ROWS = 100           # regions shown at once; the download has them all


def _computed(ruleset, readings: dict):
    """(analysis, regions frame with words, cells) of one rule set under one set of readings."""
    frame = gaps_frame(ruleset, readings)
    fields = [c for c in frame.columns if c not in ("category", "kind", "points")]
    frame["words"] = [region_words({f: r[f] for f in fields if isinstance(r[f], list) or r[f] == "any"}, ruleset)
                      for _, r in frame.iterrows()]
    return analyse(ruleset, readings), frame, gap_cells(ruleset, readings)


class GapsView:
    def __init__(self, session: Session):
        import ipywidgets as w
        self.w = w
        self.session = session
        self.readings = dict(session.base.default_readings())
        kinds = gap_kinds()
        self.category = w.Dropdown(description="Категория", style={"description_width": "initial"},
                                   options=[("все", "")] + [(category_words(session.base, c), c) for c in
                                                             decision_categories(session.base)])
        self.kind = w.Dropdown(description="Вид", style={"description_width": "initial"},
                               options=[("все", ""), (kinds["hole"]["title"], "hole"), (kinds["no_need"]["title"], "no_need")])
        self.search = w.Text(description="Слова в ответах", placeholder="например: одиночество (одинокий, одиноко проживающий): да",
                             style={"description_width": "initial"}, layout=w.Layout(width="70%"), continuous_update=False)
        for control in (self.category, self.kind, self.search):
            control.observe(lambda _: self.show_table(), names="value")
        controls = session.reading_controls(w, self.readings, self.load)
        self.readings_box = w.Accordion([controls], titles=("Прочтения неясных мест",), selected_index=None)
        self.status = w.HTML()
        self.chart = w.HTML()
        self.downloads = w.HTML()
        self.table = w.HTML()
        self.page = w.VBox([w.HTML(text("Пробелы и перекрытия действующих таблиц",
                                        "Перебраны все сочетания ответов, которые проверяют строки таблиц. Пробел — "
                                        "сочетание, при котором ни одна строка не подходит; отдельно показаны сочетания без "
                                        "утраты способностей (обе степени 0).")),
                            self.readings_box, self.status, self.chart, self.downloads,
                            w.HBox([self.category, self.kind]), self.search, self.table])
        self.loaded = False
        self._cache: dict = {}       # readings -> computed: a few seconds each, so kept while the page is open

    def load(self) -> None:
        self.status.value = message("info", "Перебираю все сочетания ответов…")
        ruleset = self.session.base
        readings = ruleset.resolve_readings(self.readings)
        key = tuple(sorted(readings.items()))
        if key not in self._cache:
            self._cache[key] = _computed(ruleset, readings)
        self.analysis, self.frame, cells = self._cache[key]
        self.context = gaps_context(self.analysis, ruleset, readings, frame=self.frame)
        kinds = gap_kinds()
        chart, picture = svg_and_png(gaps_chart(cells, ruleset, kinds))
        self.chart.value = figures((chart, f"{cap(kinds['hole']['title'])}: {kinds['hole']['text']} "
                                           f"{cap(kinds['no_need']['title'])}: {kinds['no_need']['text']}"))
        report = gaps_html(self.analysis, ruleset, readings, frame=self.frame, chart=chart)
        # For a spreadsheet: the areas in words (the codes and Python lists of the frame are for pandas).
        table = pd.DataFrame({"Категория": self.frame["category"].map(lambda c: category_words(ruleset, c)),
                              "Вид": self.frame["kind"].map(lambda k: kinds[k]["title"]),
                              "Сочетаний ответов": self.frame["points"],
                              "Область": self.frame["words"]}).to_csv(index=False)
        self.downloads.value = links_html([Download("пробелы-таблиц.html", report.encode("utf-8"), "Отчёт о пробелах (HTML, для печати)"),
                                           Download("пробелы-таблиц.csv", csv_bytes(table), "Области пробелов (CSV)"),
                                           Download("пробелы-график.png", picture, "График (PNG)"),
                                           Download("пробелы-график.svg", chart.encode("utf-8"), "График (SVG)")])
        self.status.value = ""
        self.loaded = True
        self.show_table()

    def show_table(self) -> None:
        if not self.loaded:
            return
        ruleset = self.session.base
        kinds = gap_kinds()
        rows = self.frame
        if self.category.value:
            rows = rows[rows["category"] == self.category.value]
        if self.kind.value:
            rows = rows[rows["kind"] == self.kind.value]
        # Every word typed, in any order, as a word of the area's description: «степень 3» finds «степень 1,
        # 2, 3» too. An area where an answer can be anything does not name that answer, so is not found by it.
        words = re.findall(r"\w+", self.search.value.lower())
        if words:
            said = rows["words"].str.lower().map(lambda text: set(re.findall(r"\w+", text)))
            rows = rows[said.map(lambda found: all(w in found for w in words))]
        rows = rows.sort_values("points", ascending=False, kind="stable")
        shown = [{"category": category_words(ruleset, r["category"]), "kind": kinds[r["kind"]]["title"],
                  "points": int(r["points"]), "words": r["words"]} for _, r in rows.head(TABLE_ROWS).iterrows()]
        context = self.context
        extra = [c for c in context["categories"] if not self.category.value or c["category"] == self.category.value]
        self.table.value = markup(render("workbench/page/gaps_table.html.j2", rows=shown, total=len(rows),
                                         points=int(rows["points"].sum()), extra=extra, findings=context["findings"]))
