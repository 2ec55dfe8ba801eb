"""The workbench page: the change editor, the comparison, the heat maps and the gaps as four tabs sharing one
session. The heavier tabs (heat maps, gaps) are computed when first opened, so the page itself is quick."""
from __future__ import annotations

from socmethod.apps.workbench.change_form import ChangeForm
from socmethod.apps.workbench.compare import ComparePanel
from socmethod.apps.workbench.gaps import GapsView
from socmethod.apps.workbench.heatmap import HeatmapExplorer
from socmethod.apps.workbench.session import Session
from socmethod.core.ruleset import RuleSet
from socmethod.render import markup, render

TABS = ("Изменение", "Сравнение", "Тепловая карта", "Пробелы")


class Workbench:
    def __init__(self, base: RuleSet | None = None):
        import ipywidgets as w
        self.session = Session(base)
        self.change = ChangeForm(self.session)
        self.compare = ComparePanel(self.session)
        self.heatmap = HeatmapExplorer(self.session)
        self.gaps = GapsView(self.session)
        self.tabs = w.Tab([self.change.page, self.compare.page, self.heatmap.page, self.gaps.page], titles=TABS)
        self.tabs.observe(lambda change: self.open_tab(change["new"]), names="selected_index")
        self.page = w.VBox([w.HTML(markup(render("workbench/page/style.html.j2"))), self.tabs])
        self.page.add_class("sm-wb")

    def open_tab(self, index: int | None) -> None:
        """Compute a tab's contents the first time it is opened."""
        if index == 2 and not self.heatmap.loaded:
            self.heatmap.rebuild()
        elif index == 3 and not self.gaps.loaded:
            self.gaps.load()
