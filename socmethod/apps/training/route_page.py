"""The «Маршрут и сроки» page: pick an application date (and, if known, the decision date): the route
with its deadlines."""
from __future__ import annotations

from datetime import date

from socmethod.apps.training.controls import label, part, style_widget, widgets
from socmethod.apps.training.route import route_html
from socmethod.core.errors import KitError


class RouteView:
    """Pick an application date (and, if known, the decision date): the route with its deadlines."""

    def __init__(self, applied: date | None = None):
        w = widgets()
        self.applied = w.DatePicker(value=applied or date.today())
        self.decided = w.DatePicker(value=None)
        self.programme_end = w.DatePicker(value=None)
        self.output = w.HTML()
        for control in (self.applied, self.decided, self.programme_end):
            control.observe(lambda _: self.update(), names="value")
        self.page = w.VBox([style_widget(), label("Дата подачи заявления и документов"), self.applied,
                            label("Дата решения", "если уже известна; иначе сроки считаются от последнего допустимого дня"),
                            self.decided, label("Окончание срока действия программы", "необязательно: сроки раздела 8"),
                            self.programme_end, self.output], layout=w.Layout(max_width="960px"))
        self.page.add_class("tr-page")
        self.update()

    def update(self) -> None:
        if self.applied.value is None:
            self.output.value = part("note", text="Выберите дату подачи заявления.")
            return
        try:
            self.output.value = route_html(self.applied.value, self.decided.value, self.programme_end.value)
        except KitError as err:
            self.output.value = part("error", lines=[f"{err.message} {err.fix}".strip()])
