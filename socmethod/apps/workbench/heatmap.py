"""Heat maps of self-care × mobility degree for a category and any choice of the other answers (each may be
«любое»): the forms and programmes of the rules in force and, once a change applies, of the proposal beside
them, changed cells framed; downloadable as PNG or SVG."""
from __future__ import annotations

from socmethod.analysis.frames import cell_counts, changed_regions, focus_answers, space_frame
from socmethod.analysis.labels import ANY_VALUE, category_words, field_words, value_words
from socmethod.analysis.space import decision_categories, space_fields
from socmethod.apps.workbench.downloads import Download, links_html
from socmethod.apps.workbench.session import Session, figures, text

ANY = "*"          # the dropdowns' «любое»
from socmethod.render.charts.workbench import heatmaps, svg_and_png


class HeatmapExplorer:
    def __init__(self, session: Session):
        import ipywidgets as w
        self.w = w
        self.session = session
        base = session.base
        self.category = w.Dropdown(options=[(category_words(base, c), c) for c in decision_categories(base)],
                                   description="Категория", style={"description_width": "initial"})
        self.category.observe(lambda _: self.rebuild(), names="value")
        self.controls = w.VBox()
        self.chart = w.HTML()
        self.downloads = w.HTML()
        self.page = w.VBox([w.HTML(text("Тепловая карта", "Формы обслуживания и номера программ для каждой пары степеней "
                                        "самообслуживания и передвижения. Выберите категорию и остальные ответы; «любое» — "
                                        "все варианты ответа сразу: тогда клетка показывает, сколько сочетаний ведёт к каждому "
                                        "исходу. Когда изменение применено, рядом показан проект, изменившиеся клетки в рамке.")),
                            self.category, self.controls, self.chart, self.downloads])
        self.widgets: dict = {}
        self._frames: dict = {}
        self._paused = False
        self.loaded = False
        session.on_proposal(self._proposal_changed)

    def _proposal_changed(self) -> None:
        self._frames.clear()
        if self.loaded:
            self.rebuild()

    def rebuild(self) -> None:
        w, s = self.w, self.session
        sets = [s.base, s.compared]
        fields = [f for f in space_fields(sets, [s.base.resolve_readings(s.baseline_readings),
                                                 s.compared.resolve_readings(s.proposal_readings)], self.category.value)
                  if f not in ("self_care", "mobility")]
        chosen = self._focus(fields)
        self.widgets = {}
        for f in fields:
            domain = s.base.field_domain(f)
            # «любое» is a value of its own: a dropdown shows None as nothing chosen at all.
            options = [(ANY_VALUE, ANY)] + [(value_words(s.base, f, v), v) for v in domain]
            value = chosen.get(f) if chosen.get(f) in domain else ANY
            dd = w.Dropdown(options=options, value=value, description=field_words(s.base, f),
                            style={"description_width": "initial"}, layout=w.Layout(width="auto"))
            dd.observe(lambda _: self._paused or self.draw(), names="value")
            self.widgets[f] = dd
        self.controls.children = list(self.widgets.values())
        self.loaded = True
        self.draw()

    def _focus(self, fields: list) -> dict:
        """The answers to start from: where the proposal changes the outcome (the largest region of changed
        points), or «любое» everywhere (every outcome of the category, counted per cell)."""
        s = self.session
        frame = self._frame()
        if "changed" not in frame or not frame["changed"].any():
            return {}
        space, boxes = changed_regions(self.category.value, frame, s.base, [s.base, s.compared],
                                       [s.base.resolve_readings(s.baseline_readings),
                                        s.compared.resolve_readings(s.proposal_readings)])
        return focus_answers(boxes[0], s.base, space)

    def _frame(self):
        s = self.session
        key = self.category.value
        if key not in self._frames:
            compare = s.proposal is not None or s.proposal_readings != s.baseline_readings
            self._frames[key] = space_frame(key, s.base, s.baseline_readings,
                                            proposal=s.compared if compare else None,
                                            proposal_readings=s.proposal_readings if compare else None)
        return self._frames[key]

    def choose(self, **answers) -> None:
        """Set several answers at once (None: «любое») and draw once."""
        self._paused = True
        try:
            for f, value in answers.items():
                self.widgets[f].value = ANY if value is None else value
        finally:
            self._paused = False
        self.draw()

    def fixed(self) -> dict:
        return {f: None if dd.value == ANY else dd.value for f, dd in self.widgets.items()}

    def draw(self) -> None:
        s = self.session
        frame = self._frame()
        fixed = self.fixed()
        panels = [(f"Действующие правила: {s.base.name}", cell_counts(frame, fixed))]
        if "outcome_after" in frame:
            name = s.compared.name          # a proposal's name often says «Проект: …» itself
            panels.append((name if name.startswith("Проект") else f"Проект: {name}", cell_counts(frame, fixed, "outcome_after")))
        caption = "; ".join(f"{field_words(s.base, f)}: {ANY_VALUE if v is None else value_words(s.base, f, v)}"
                            for f, v in fixed.items())
        label = category_words(s.base, self.category.value)
        chart, picture = svg_and_png(heatmaps(panels, s.base, f"{label}. {caption}."))
        self.chart.value = figures((chart, ""))
        self.downloads.value = links_html([Download("тепловая-карта.png", picture, "Тепловая карта (PNG)"),
                                           Download("тепловая-карта.svg", chart.encode("utf-8"), "Тепловая карта (SVG)")])
