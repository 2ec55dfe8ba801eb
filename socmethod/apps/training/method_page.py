"""The «Методика» page: try scores and circumstances, see each scale's points, degree and band (the
seed's wording) and the category's table with its rows lit up (matched, near miss, not)."""
from __future__ import annotations

from socmethod.apps.training.controls import checkbox, label, part, score_toggle, style_widget, widgets
from socmethod.apps.training.method import bands_strip_html, decision_table_html, flag_fields, table_categories
from socmethod.core.ruleset import bundled_ruleset
from socmethod.core.scales import SCALE_NAMES, scale


def _options(field: str) -> list[tuple[str, str]]:
    """A field's values as (label, value) pairs in the rule data's order and words."""
    rs = bundled_ruleset()
    return [(rs.value_label(field, v), v) for v in rs.fields[field]["values"]]


class MethodExplorer:
    """Try scores: each scale's points, degree and band (seed wording), and the category's table with its
    rows lit up for the profile (matched, near miss, not)."""

    def __init__(self, category: str = "elderly"):
        w = widgets()
        rs = bundled_ruleset()
        categories = table_categories()
        self.category = w.Dropdown(options=[(rs.categories[c]["label"], c) for c in categories], value=category,
                                   layout=w.Layout(width="auto"))
        self.impairment = w.Dropdown(options=_options("impairment"), value="multiple", layout=w.Layout(width="auto"))
        self.group = w.Dropdown(options=_options("disability_group"), value="II", layout=w.Layout(width="auto"))
        self.psychiatrist = w.Dropdown(options=_options("psychiatrist_recommends"), value="none",
                                       layout=w.Layout(width="auto"))
        all_flags = list(dict.fromkeys(f for c in categories for f in flag_fields(c)))
        self.flags = {k: checkbox(rs.fields[k]["label"]) for k in all_flags}
        self.item_controls: dict[str, object] = {}
        self.items_box = w.VBox()
        self.scale_html = w.HTML()
        self.table_html = w.HTML()
        self.only_impairment = checkbox("Показывать только строки выбранного вида нарушений", True)
        self.profile_box = w.VBox()
        for control in [self.category, self.impairment, self.group, self.psychiatrist, self.only_impairment,
                        *self.flags.values()]:
            control.observe(self._changed, names="value")
        # The page takes the projector's width (1024 px) rather than a fixed one: the tables need it all.
        self.page = w.VBox([style_widget(), label("Категория получателя"), self.category, self.items_box,
                            self.scale_html, self.profile_box,
                            w.HTML(part("heading", text="Таблица методики для этих ответов")), self.table_html],
                           layout=w.Layout(width="100%", max_width="1280px"))
        self.page.add_class("tr-page")
        self._variant = None
        self._rebuild()

    def _changed(self, change) -> None:
        if change["owner"] is self.category:
            self._rebuild()
        else:
            self.update()

    @property
    def variant(self) -> str:
        return bundled_ruleset().categories[self.category.value]["scales"]

    def _rebuild(self) -> None:
        w = widgets()
        rs = bundled_ruleset()
        category = self.category.value
        if self.variant != self._variant:
            self._variant = self.variant
            self.item_controls = {}
            boxes = []
            for name in SCALE_NAMES:
                sc = scale(name, self.variant)
                boxes.append(w.HTML(part("scale_head", title=sc.title, levels=list(sc.levels))))
                for item in sc.items:
                    toggle = score_toggle(list(sc.levels), 0)
                    toggle.observe(self._changed, names="value")
                    self.item_controls[f"{name}.{item['key']}"] = toggle
                    boxes.append(w.HBox([toggle, w.HTML(part("plain", text=item["text"]), layout=w.Layout(width="auto"))]))
            self.items_box.children = boxes
        required = rs.categories[category]["required"]
        rows = []
        if "impairment" in required:
            rows += [label(rs.fields["impairment"]["label"]), self.impairment, self.only_impairment]
        if "disability_group" in required:
            rows += [label(rs.fields["disability_group"]["label"]), self.group]
        rows += [label("Обстоятельства")] + [self.flags[k] for k in flag_fields(category)]
        rows += [label(rs.fields["psychiatrist_recommends"]["label"]), self.psychiatrist]
        self.profile_box.children = [w.HTML(part("heading", text="Остальные критерии таблицы"))] + rows
        self.update()

    def set_scores(self, scores: dict) -> None:
        """Scores as {"self_care.hygiene": 2, ...} (what clicking the buttons does)."""
        for key, value in scores.items():
            self.item_controls[key].value = value

    def points(self) -> dict:
        return {name: sum(c.value or 0 for k, c in self.item_controls.items() if k.startswith(name + "."))
                for name in SCALE_NAMES}

    def profile(self) -> dict:
        rs = bundled_ruleset()
        required = rs.categories[self.category.value]["required"]
        points = self.points()
        profile = {"category": self.category.value, "psychiatrist_recommends": self.psychiatrist.value}
        for name in SCALE_NAMES:
            profile[name] = scale(name, self.variant).band(points[name]).degree
        if "disability_group" in required:
            profile["disability_group"] = self.group.value
        if "impairment" in required:
            profile["impairment"] = self.impairment.value
        for k in flag_fields(self.category.value):
            profile[k] = self.flags[k].value
        return profile

    def update(self) -> None:
        points = self.points()
        self.scale_html.value = "".join(bands_strip_html(name, self.variant, points[name]) for name in SCALE_NAMES)
        self.table_html.value = decision_table_html(self.profile(), only_impairment=self.only_impairment.value)
