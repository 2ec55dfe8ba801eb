"""The trainer's page: choose the session's cases (category, difficulty, kind, table row), hide the
reference until an answer is sent, make the session current; then watch results and export CSV."""
from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from urllib.parse import quote

from socmethod.apps.training.controls import checkbox, label, part, style_widget, widgets
from socmethod.apps.training.practice import deciding_rows_html, reference_html, reference_result
from socmethod.apps.training.results import download_link_html, export_csv_text, group_report_html
from socmethod.apps.training.sessions import (
    SessionPlan,
    current_session_id,
    free_session_id,
    list_sessions,
    make_current,
    read_results,
    results_dir,
    save_plan,
    session_status,
    set_timer,
    write_atomic,
)
from socmethod.core.errors import KitError
from socmethod.core.ruleset import bundled_ruleset
from socmethod.io.casebank import (
    DIFFICULTIES,
    DIFFICULTY_LABELS,
    TAG_LABELS,
    bundled_case_bank,
    case_by_id,
    rules_in_bank,
    select_cases,
)
from socmethod.render import markup, render
from socmethod.render.qr import qr_svg

# Set by socmethod.serving.classroom for the trainer's server, which also serves the projector, the
# export and the printed cards at these paths; a trainer page opened elsewhere offers the CSV inline.
SERVED_ENV = "SOCMETHOD_CLASSROOM_TRAINER"
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
        # When a code already has results: continue that session, or start this one under a free code.
        self.continue_button = w.Button(description="Продолжить это занятие", button_style="info",
                                        layout=w.Layout(width="auto"))
        self.continue_button.on_click(lambda _: self.continue_session())
        self.new_code_button = w.Button(description="Начать под новым кодом", button_style="primary",
                                        layout=w.Layout(width="auto"))
        self.new_code_button.on_click(lambda _: self.start_under_new_code())
        self.choice_box = w.HBox([self.continue_button, self.new_code_button], layout=w.Layout(display="none"))
        self._free_code = ""
        self.preview_select = w.Dropdown(options=[], layout=w.Layout(width="auto", max_width="100%"))
        self.preview_select.observe(lambda _: self.show_preview(), names="value")
        self.preview_html = w.HTML()
        self.print_html = w.HTML()
        self.current_html = w.HTML()
        self.qr_html = w.HTML()
        for control in [*self.category_checks.values(), *self.difficulty_checks.values(), self.tag_select, self.rule_select]:
            control.observe(lambda _: self.refilter(), names="value")
        self.served = bool(os.environ.get(SERVED_ENV))
        self.address = os.environ.get("SOCMETHOD_CLASSROOM_URL", "")
        self.timer_minutes = w.BoundedIntText(value=15, min=1, max=240, layout=w.Layout(width="6em"))
        self.timer_button = w.Button(description="Запустить таймер", icon="clock-o", layout=w.Layout(width="auto"))
        self.timer_button.on_click(lambda _: self.start_timer())
        self.timer_stop_button = w.Button(description="Остановить таймер", layout=w.Layout(width="auto"))
        self.timer_stop_button.on_click(lambda _: self.start_timer(stop=True))
        self.timer_status = w.HTML()
        self.status_refresh_button = w.Button(description="Обновить", icon="refresh", layout=w.Layout(width="auto"))
        self.status_refresh_button.on_click(lambda _: self.show_current())
        self.current = w.VBox([
            style_widget(), self.current_html, w.HBox([self.status_refresh_button]),
            label("Таймер на проекторе", "минут; слушатели видят обратный отсчёт на странице проектора"),
            w.HBox([self.timer_minutes, self.timer_button, self.timer_stop_button]), self.timer_status, self.qr_html])
        self.setup = w.VBox([
            w.HTML(part("heading", text="1. Подготовка занятия")),
            label("Категории", "ничего не отмечено — все"), w.HBox(list(self.category_checks.values()),
                                                                  layout=w.Layout(flex_flow="row wrap")),
            label("Сложность", "ничего не отмечено — любая"), w.HBox(list(self.difficulty_checks.values())),
            label("Что тренируем", "Ctrl/Shift — несколько; ничего — всё"), self.tag_select,
            label("Строки таблиц", "случаи, которые решает выбранная строка"), self.rule_select,
            self.count_html, w.HBox([self.all_button, self.none_button]), self.cases_box,
            label("Просмотр случая", "история и эталон (слушатели эталон не видят)"), self.preview_select,
            self.preview_html, self.print_html, self.hide_reference,
            label("Код занятия", "латиница, цифры, дефисы: под ним сохраняются результаты"), self.session_name,
            label("Название занятия (видят слушатели)"), self.session_title, self.save_button, self.plan_status,
            self.choice_box])
        self.session_select = w.Dropdown(options=self._session_options(), layout=w.Layout(width="auto"))
        self.reopen_button = w.Button(description="Сделать текущим", icon="undo", layout=w.Layout(width="auto"))
        self.reopen_button.on_click(lambda _: self.reopen())
        self.sessions_html = w.HTML()
        self.refresh_button = w.Button(description="Обновить", icon="refresh", layout=w.Layout(width="auto"))
        self.refresh_button.on_click(lambda _: self.refresh())
        self.export_button = w.Button(description="Выгрузить CSV", icon="download", layout=w.Layout(width="auto"))
        self.export_button.on_click(lambda _: self.export())
        self.report = w.HTML()
        self.export_html = w.HTML()
        self.session_select.observe(lambda _: self.refresh(), names="value")
        self.results = w.VBox([w.HTML(part("heading", text="2. Результаты группы")), label("Занятие"),
                               w.HBox([self.session_select, self.refresh_button, self.export_button, self.reopen_button],
                                      layout=w.Layout(flex_flow="row wrap")),
                               self.export_html, self.report, self.sessions_html])
        self.page = w.VBox([self.current, self.setup, self.results], layout=w.Layout(max_width="1100px"))
        self.page.add_class("tr-page")
        self.refilter()
        self.show_current()
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
        self.preview_select.options = [(f"{e.id} · {e.title}", e.id) for e in chosen]
        self._count()

    def _check_all(self, value: bool) -> None:
        for box in self.case_checks.values():
            box.value = value

    def chosen_cases(self) -> list[str]:
        return [c for c, box in self.case_checks.items() if box.value]

    def _count(self) -> None:
        chosen = self.chosen_cases()
        self.count_html.value = part("case_count", found=len(self.case_checks), chosen=len(chosen),
                                     minutes=len(chosen) * MINUTES_PER_CASE)
        self.print_html.value = render("training/print_links.html.j2", served=self.served, cases=",".join(chosen))

    def show_preview(self) -> None:
        """The chosen case's story and, for the trainer only, its reference with the deciding rows."""
        case_id = self.preview_select.value
        if not case_id:
            self.preview_html.value = ""
            return
        entry = case_by_id(self.bank, case_id)
        ref = reference_result(entry)
        fb = {"deciding": ref["recommendations"], "depends_on": ref["depends_on"], "near_misses": ref["near_misses"],
              "note": ref.get("note", ""), "early_help": ref.get("early_help")}
        self.preview_html.value = render("training/preview.html.j2", entry=entry,
                                         category=bundled_ruleset().categories[entry.category]["label"],
                                         reference=markup(reference_html(entry)),
                                         deciding=markup(deciding_rows_html(fb)))

    def _session_options(self) -> list[tuple[str, str]]:
        options = []
        for session_id in list_sessions(self.directory):
            st = session_status(session_id, self.directory)
            title = f" — {st['plan'].title}" if st["plan"] and st["plan"].title else ""
            options.append((f"{session_id}{title} (слушателей: {st['joined']})", session_id))
        return options

    def show_current(self) -> None:
        """The current session as the trainer left it: code, title, cases, who joined and finished; the
        trainees' address as a large QR code for the projector."""
        session_id = current_session_id(self.directory)
        status = session_status(session_id, self.directory) if session_id else None
        cases = [case_by_id(self.bank, c) for c in status["plan"].case_ids] if status and status["plan"] else []
        self.current_html.value = render("training/current.html.j2", st=status, cases=cases, served=self.served)
        self.qr_html.value = render("training/trainer_qr.html.j2", address=self.address,
                                    qr=qr_svg(self.address, "Адрес для слушателей") if self.address else "")

    def save(self) -> SessionPlan | None:
        plan = SessionPlan(self.session_name.value, self.chosen_cases(), self.hide_reference.value,
                           self.session_title.value.strip())
        self.choice_box.layout.display = "none"
        try:
            path = save_plan(plan, self.directory)
        except KitError as err:
            self.plan_status.value = part("error", lines=[f"{err.message} {err.fix}".strip()])
            if err.code == "session_has_results":
                # Nothing was written: the trainer chooses between the running session and a new code.
                self._pending = plan
                self._free_code = free_session_id(plan.id, self.directory)
                self.continue_button.description = f"Продолжить занятие «{plan.id}»"
                self.new_code_button.description = f"Начать под кодом «{self._free_code}»"
                self.choice_box.layout.display = None
            return None
        reference = "скрыт до ответа" if plan.hide_reference else "можно открыть до ответа"
        self.plan_status.value = part(
            "ok", text=f"Занятие «{plan.id}» начато: {len(plan.case_ids)} случаев, эталон {reference}. Слушатели "
                       "открывают страницу «Практика» и нажимают «Начать».", small=str(path))
        self.session_select.options = self._session_options()
        self.session_select.value = plan.id
        self.show_current()
        return plan

    def continue_session(self) -> SessionPlan | None:
        """Keep the running session under its code (its plan as it was) and make it current."""
        pending = getattr(self, "_pending", None)
        if pending is None:
            return None
        plan = make_current(pending.id, self.directory)
        self.choice_box.layout.display = "none"
        self.plan_status.value = part("ok", text=f"Продолжается занятие «{plan.id}»: его случаи и результаты не изменены.")
        self.session_name.value = plan.id
        self.session_select.value = plan.id
        self.show_current()
        return plan

    def start_under_new_code(self) -> SessionPlan | None:
        if not self._free_code:
            return None
        self.session_name.value = self._free_code
        return self.save()

    def reopen(self) -> SessionPlan | None:
        """Make the session chosen among the past ones current again: trainees who open «Практика» join it."""
        session_id = self.session_select.value
        if not session_id:
            return None
        try:
            plan = make_current(session_id, self.directory)
        except KitError as err:
            self.export_html.value = part("error", lines=[f"{err.message} {err.fix}".strip()], alert=False)
            return None
        self.export_html.value = part("ok", text=f"Занятие «{plan.id}» снова текущее.")
        self.show_current()
        return plan

    def start_timer(self, stop: bool = False) -> None:
        session_id = current_session_id(self.directory)
        if not session_id:
            self.timer_status.value = part("error", lines=["Сначала начните занятие."], alert=False)
            return
        try:
            set_timer(session_id, None if stop else self.timer_minutes.value, self.directory)
        except (KitError, OSError) as err:
            self.timer_status.value = part("error", lines=[getattr(err, "message", str(err))], alert=False)
            return
        self.timer_status.value = part("note", text="Таймер остановлен." if stop else
                                       f"Таймер: {self.timer_minutes.value} мин, идёт на странице проектора.")

    def refresh(self) -> None:
        options = self._session_options()
        sessions = [value for _, value in options]
        self.sessions_html.value = render("training/sessions.html.j2",
                                          sessions=[session_status(s, self.directory) for s in sessions],
                                          current=current_session_id(self.directory))
        if list(self.session_select.options) != options:
            keep = self.session_select.value
            self.session_select.options = options    # a trainee's first answer may have made a new folder
            value = keep if keep in sessions else (sessions[0] if sessions else None)
            if self.session_select.value != value:
                self.session_select.value = value
                return                               # the value observer refreshes
        session_id = self.session_select.value
        if not session_id:
            self.report.value = part("note", text="Занятий с результатами пока нет.")
            return
        rows, warnings = read_results(self.directory / session_id)
        self.report.value = group_report_html(rows, warnings)
        self.export_html.value = render("training/export_link.html.j2", session=quote(session_id), served=self.served)

    def export(self) -> Path | None:
        """The session's results, one row per trainee and case: saved beside them and offered for download
        (on the classroom's trainer server the link above downloads the same, current, in one click)."""
        session_id = self.session_select.value
        if not session_id:
            self.export_html.value = part("error", lines=["Выберите занятие."], alert=False)
            return None
        rows, _ = read_results(self.directory / session_id)
        text = export_csv_text(rows)
        path = self.directory / session_id / f"itogi-{session_id}.csv"
        write_atomic(path, text, encoding="utf-8-sig")     # the BOM: Russian Excel then reads UTF-8
        self.export_html.value = download_link_html(text, path.name, note=f"Сохранено: {path}")
        return path
