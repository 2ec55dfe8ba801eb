"""The trainer's page: choose the session's cases (category, difficulty, kind, table row), hide the
reference until an answer is sent, make the session current; then watch results and export CSV."""
from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from socmethod.apps.training.controls import checkbox, label, part, style_widget, widgets
from socmethod.apps.training.results import download_link_html, group_report_html
from socmethod.apps.training.sessions import (
    SessionPlan,
    csv_text,
    list_sessions,
    read_results,
    results_dir,
    save_plan,
    write_atomic,
)
from socmethod.core.errors import KitError
from socmethod.core.ruleset import bundled_ruleset
from socmethod.io.casebank import DIFFICULTIES, DIFFICULTY_LABELS, TAG_LABELS, bundled_case_bank, rules_in_bank, select_cases

MINUTES_PER_CASE = 5          # what a case took in trial sessions: reading, scoring 8-13 items, the table
AUTO_SELECT = 6               # a filter that leaves this many cases or fewer selects them all


def rule_label(rule_id: str) -> str:
    rs = bundled_ruleset()
    for t in rs.tables.values():
        for row in t.rows:
            if row.id == rule_id:
                return f"{rule_id} — {rs.forms[row.form]} (стр. {row.seed_line})"
    return rule_id


class TrainerView:
    """The trainer's page: choose the session's cases (category, difficulty, kind, table row), hide the
    reference until an answer is sent, make the session current; then watch results and export CSV."""

    def __init__(self, directory: str | Path | None = None, bank=None):
        w = widgets()
        rs = bundled_ruleset()
        self.directory = Path(directory) if directory else results_dir()
        self.bank = list(bank if bank is not None else bundled_case_bank())
        present = list(dict.fromkeys(e.category for e in self.bank))
        self.category_checks = {c: checkbox(rs.categories[c]["label"]) for c in rs.categories if c in present}
        self.difficulty_checks = {d: checkbox(DIFFICULTY_LABELS[d]) for d in DIFFICULTIES}
        self.tag_select = w.SelectMultiple(options=[(v, k) for k, v in TAG_LABELS.items()], rows=4,
                                           layout=w.Layout(width="28em"))
        self.rule_select = w.SelectMultiple(options=[(rule_label(r), r) for r in rules_in_bank(self.bank)], rows=8,
                                            layout=w.Layout(width="40em"))
        self.case_checks: dict[str, object] = {}
        self.cases_box = w.VBox(layout=w.Layout(max_height="24em", overflow="auto", border="1px solid #ddd"))
        self.count_html = w.HTML()
        self.all_button = w.Button(description="Отметить все", layout=w.Layout(width="auto"))
        self.all_button.on_click(lambda _: self._check_all(True))
        self.none_button = w.Button(description="Снять все", layout=w.Layout(width="auto"))
        self.none_button.on_click(lambda _: self._check_all(False))
        self.hide_reference = checkbox("Скрывать эталон до отправки ответа", True)
        self.session_name = w.Text(value=f"zanyatie-{date.today().isoformat()}", layout=w.Layout(width="20em"))
        self.session_title = w.Text(value="", placeholder="например: Пожилые граждане, таблица 3.1",
                                    layout=w.Layout(width="30em"))
        self.save_button = w.Button(description="Начать занятие с этими случаями", button_style="primary", icon="play",
                                    layout=w.Layout(width="auto"))
        self.save_button.on_click(lambda _: self.save())
        self.plan_status = w.HTML()
        for control in [*self.category_checks.values(), *self.difficulty_checks.values(), self.tag_select, self.rule_select]:
            control.observe(lambda _: self.refilter(), names="value")
        url = os.environ.get("SOCMETHOD_CLASSROOM_URL", "")
        address = [w.HTML(part("label", text="Адрес для слушателей", small=url))] if url else []
        self.setup = w.VBox([
            style_widget(), w.HTML(part("heading", text="1. Подготовка занятия")), *address,
            label("Категории", "ничего не отмечено — все"), w.HBox(list(self.category_checks.values()),
                                                                  layout=w.Layout(flex_flow="row wrap")),
            label("Сложность", "ничего не отмечено — любая"), w.HBox(list(self.difficulty_checks.values())),
            label("Что тренируем", "Ctrl/Shift — несколько; ничего — всё"), self.tag_select,
            label("Строки таблиц", "случаи, которые решает выбранная строка"), self.rule_select,
            self.count_html, w.HBox([self.all_button, self.none_button]), self.cases_box, self.hide_reference,
            label("Код занятия", "латиница, цифры, дефисы: под ним сохраняются результаты"), self.session_name,
            label("Название занятия (видят слушатели)"), self.session_title, self.save_button, self.plan_status])
        self.session_select = w.Dropdown(options=list_sessions(self.directory), layout=w.Layout(width="20em"))
        self.refresh_button = w.Button(description="Обновить", icon="refresh", layout=w.Layout(width="auto"))
        self.refresh_button.on_click(lambda _: self.refresh())
        self.export_button = w.Button(description="Выгрузить CSV", icon="download", layout=w.Layout(width="auto"))
        self.export_button.on_click(lambda _: self.export())
        self.report = w.HTML()
        self.export_html = w.HTML()
        self.session_select.observe(lambda _: self.refresh(), names="value")
        self.results = w.VBox([w.HTML(part("heading", text="2. Результаты группы")), label("Занятие"),
                               w.HBox([self.session_select, self.refresh_button, self.export_button]),
                               self.export_html, self.report])
        self.page = w.VBox([self.setup, self.results], layout=w.Layout(max_width="1100px"))
        self.page.add_class("tr-page")
        self.refilter()
        self.refresh()

    def filters(self) -> dict:
        return {"categories": [c for c, b in self.category_checks.items() if b.value],
                "difficulties": [d for d, b in self.difficulty_checks.items() if b.value],
                "tags": list(self.tag_select.value), "rules": list(self.rule_select.value)}

    def set_filters(self, categories=(), difficulties=(), tags=(), rules=()) -> None:
        for c, box in self.category_checks.items():
            box.value = c in categories
        for d, box in self.difficulty_checks.items():
            box.value = d in difficulties
        self.tag_select.value = tuple(tags)
        self.rule_select.value = tuple(rules)
        self.refilter()

    def refilter(self) -> None:
        chosen = select_cases(self.bank, **self.filters())
        # A short list is the trainer's choice already; from a long one they pick 4-5 themselves.
        preselect = len(chosen) <= AUTO_SELECT
        self.case_checks = {}
        boxes = []
        for e in chosen:
            tags = ", ".join(TAG_LABELS[t] for t in e.tags)
            box = checkbox(f"{e.id} · {DIFFICULTY_LABELS[e.difficulty]} · {e.title}" + (f" · {tags}" if tags else ""),
                           preselect)
            box.observe(lambda _: self._count(), names="value")
            self.case_checks[e.id] = box
            boxes.append(box)
        self.cases_box.children = boxes
        self._count()

    def _check_all(self, value: bool) -> None:
        for box in self.case_checks.values():
            box.value = value

    def chosen_cases(self) -> list[str]:
        return [c for c, box in self.case_checks.items() if box.value]

    def _count(self) -> None:
        n = len(self.chosen_cases())
        self.count_html.value = part("case_count", found=len(self.case_checks), chosen=n, minutes=n * MINUTES_PER_CASE)

    def save(self) -> SessionPlan | None:
        plan = SessionPlan(self.session_name.value, self.chosen_cases(), self.hide_reference.value,
                           self.session_title.value.strip())
        try:
            path = save_plan(plan, self.directory)
        except KitError as err:
            self.plan_status.value = part("error", lines=[f"{err.message} {err.fix}".strip()])
            return None
        reference = "скрыт до ответа" if plan.hide_reference else "можно открыть до ответа"
        self.plan_status.value = part(
            "ok", text=f"Занятие «{plan.id}» начато: {len(plan.case_ids)} случаев, эталон {reference}. Слушатели "
                       "открывают страницу «Практика» и нажимают «Начать».", small=str(path))
        self.session_select.options = list_sessions(self.directory)
        self.session_select.value = plan.id
        return plan

    def refresh(self) -> None:
        sessions = list_sessions(self.directory)
        if list(self.session_select.options) != sessions:
            keep = self.session_select.value
            self.session_select.options = sessions   # a trainee's first answer may have made a new folder
            self.session_select.value = keep if keep in sessions else (sessions[0] if sessions else None)
            return                                   # the value observer refreshes
        session_id = self.session_select.value
        if not session_id:
            self.report.value = part("note", text="Занятий с результатами пока нет.")
            return
        rows, warnings = read_results(self.directory / session_id)
        self.report.value = group_report_html(rows, warnings)

    def export(self) -> Path | None:
        """All trainees' rows of the session as one CSV: saved beside them and offered for download."""
        session_id = self.session_select.value
        if not session_id:
            self.export_html.value = part("error", lines=["Выберите занятие."], alert=False)
            return None
        rows, _ = read_results(self.directory / session_id)
        text = csv_text([r for r in rows if r.get("kind") != "started"])
        path = self.directory / session_id / f"itogi-{session_id}.csv"
        write_atomic(path, text, encoding="utf-8-sig")
        self.export_html.value = download_link_html(text, path.name, note=f"Сохранено: {path}")
        return path
