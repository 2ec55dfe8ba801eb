"""The «Практика» page: the trainee presses «Начать» (gets an anonymous label), reads each story, scores
every item, picks forms and РИПСО, sends the answer and reads the comparison; a summary at the end."""
from __future__ import annotations

from pathlib import Path

from socmethod.apps.training.controls import checkbox, label, part, score_toggle, style_widget, widgets
from socmethod.apps.training.practice import NO_FORM, answer_problems, asks_early_help, feedback_html, practice_items
from socmethod.apps.training.results import download_link_html
from socmethod.apps.training.sessions import Session, SessionPlan, current_plan
from socmethod.core.errors import KitError
from socmethod.core.ruleset import bundled_ruleset
from socmethod.core.scales import scale
from socmethod.io.casebank import DIFFICULTY_LABELS, BankCase


class PracticeView:
    """The practice page: the trainee presses «Начать» (gets an anonymous label), reads each story, scores
    every item, picks forms and РИПСО, sends the answer and reads the comparison; a summary at the end.

    `key` is the trainee's browser key (`browser_key()`, from the page's address): with it, every click is
    saved as it happens and a reload of the page comes back to the same label, case and ticks."""

    def __init__(self, plan: SessionPlan | None = None, directory: str | Path | None = None, bank=None,
                 key: str | None = None):
        w = widgets()
        self._plan = plan
        self._directory = directory
        self._bank = bank
        self._key = key
        self._restoring = False
        self.session: Session | None = None
        self.index = 0
        self.header = w.HTML(part("practice_intro"))
        self.start_button = w.Button(description="Начать", button_style="primary", icon="play")
        self.start_button.on_click(lambda _: self.start())
        self.case_box = w.VBox()
        self.summary = w.HTML()
        self.page = w.VBox([style_widget(), self.header, self.start_button, self.case_box, self.summary],
                           layout=w.Layout(max_width="960px"))
        self.page.add_class("tr-page")
        self.item_controls: dict[str, object] = {}
        self.form_checks: dict[str, object] = {}
        self.early_checks: dict[int, object] = {}
        if key:
            self._resume()

    def _resume(self) -> None:
        """A trainee who reloads the page: their session, label and place, without pressing «Начать»."""
        try:
            session = Session(self._plan or current_plan(self._directory), self._directory, self._bank, self._key)
            found = session.find()
        except (KitError, OSError):
            return                      # «Начать» will say what is wrong
        if found:
            self.session = session
            self.start()

    # The plan is read at «Начать», not when the notebook runs: Voila may run the notebook in advance
    # (pre-heated kernels), before the trainer has chosen the cases.
    def start(self) -> str:
        if self.session is None:
            plan = self._plan or current_plan(self._directory)
            try:
                session = Session(plan, self._directory, self._bank, self._key)
                session.start()
            except (KitError, OSError) as err:
                # A click's exception would only reach the server log: say it on the page.
                message = f"{err.message} {err.fix}" if isinstance(err, KitError) else str(err)
                self.header.value = part("practice_not_opened", message=message)
                return ""
            self.session = session
        s = self.session
        self.header.value = part("practice_header", trainee=s.trainee, title=s.plan.title or s.plan.id,
                                 cases=len(s.cases), hidden=s.plan.hide_reference)
        self.start_button.layout.display = "none"
        if s.finished:
            self.finish()
        else:
            self.show_case(s.index)
        return s.trainee

    @property
    def entry(self) -> BankCase:
        return self.session.cases[self.index]

    def show_case(self, index: int) -> None:
        w = widgets()
        rs = bundled_ruleset()
        self.index = index
        entry = self.entry
        self.item_controls, self.form_checks, self.early_checks = {}, {}, {}
        meta = f"{rs.categories[entry.category]['label']}; сложность: {DIFFICULTY_LABELS[entry.difficulty]}"
        boxes = [w.HTML(part("case_head", number=index + 1, total=len(self.session.cases), title=entry.title,
                             meta=meta, story=entry.story))]
        current_scale = None
        for it in practice_items(entry):
            if it["scale"] != current_scale:
                current_scale = it["scale"]
                sc = scale(it["scale"], it["variant"])
                boxes.append(w.HTML(part("scale_head", title=sc.title, levels=list(sc.levels), level=4)))
            toggle = score_toggle(it["levels"])
            chosen = w.HTML(part("chosen_level", score=None, text=""))
            toggle.observe(lambda ch, out=chosen, levels=it["levels"]: setattr(
                out, "value", part("chosen_level", score=ch["new"],
                                   text=levels[ch["new"]] if ch["new"] is not None else "")), names="value")
            self.item_controls[it["key"]] = toggle
            boxes.append(w.VBox([w.HTML(part("strong", text=it["text"])), w.HBox([toggle, chosen])]))
        if asks_early_help(entry):
            boxes.append(w.HTML(part("heading", text="Ранняя помощь (табл. 3.3): какие критерии выполняются?", level=4)))
            for row in rs.tables["3.3"].rows:
                box = checkbox(f"{row.criterion}. {row.text}")
                self.early_checks[row.criterion] = box
                boxes.append(box)
        boxes.append(w.HTML(part("heading", text="Формы обслуживания (все подходящие)", level=4)))
        for form, form_label in rs.forms.items():
            self.form_checks[form] = checkbox(form_label)
            boxes.append(self.form_checks[form])
        self.form_checks[NO_FORM] = checkbox("Таблицы 3.1–3.2 не называют форму (нет строки или нет таблицы)")
        boxes.append(self.form_checks[NO_FORM])
        self.ripso_text = w.Text(placeholder="например: 1, 4", layout=w.Layout(width="16em"))
        boxes += [label("Номера РИПСО", "через запятую; пусто, если форма не названа"), self.ripso_text]
        self.error = w.HTML()
        self.submit_button = w.Button(description="Отправить ответ", button_style="success", icon="check",
                                      layout=w.Layout(width="auto"))
        self.submit_button.on_click(lambda _: self.submit())
        self.reveal_button = w.Button(description="Показать эталон", icon="eye", layout=w.Layout(width="auto"))
        self.reveal_button.on_click(lambda _: self.reveal())
        self.reveal_button.layout.display = "none" if self.session.plan.hide_reference else None
        self.reference_box = w.HTML()
        self.feedback = w.HTML()
        last = index + 1 >= len(self.session.cases)
        # width auto: a fixed-width button cut «Следующий слу…».
        self.next_button = w.Button(description="Итоги занятия" if last else "Следующий случай", icon="arrow-right",
                                    layout=w.Layout(width="auto"))
        self.next_button.on_click(lambda _: self.next())
        self.next_button.layout.display = "none"
        boxes += [w.HBox([self.submit_button, self.reveal_button]), self.error, self.reference_box, self.feedback,
                  self.next_button]
        self.case_box.children = boxes
        sent = self.session.answers.get(entry.id)
        saved = sent or self.session.drafts.get(entry.id)
        if saved:
            self._restoring = True
            try:
                self.fill({**saved, "scores": {k: v for k, v in saved.get("scores", {}).items()
                                               if k in self.item_controls}})
            finally:
                self._restoring = False
        if sent:
            self._show_feedback(self.session.feedback[entry.id])
        for control in [*self.item_controls.values(), *self.form_checks.values(), *self.early_checks.values(),
                        self.ripso_text]:
            control.observe(self._keep_draft, names="value")

    def _keep_draft(self, _change=None) -> None:
        if self._restoring or self.session is None:
            return
        try:
            self.session.save_draft(self.entry.id, self.answer())
        except OSError as err:
            self.error.value = part("error", lines=[f"Ответ не сохранён в файл: {err}"], alert=False)

    def fill(self, answer: dict) -> None:
        """Set the controls as a trainee's clicks would: {"scores": {...}, "forms": [...], "ripso": "1, 4",
        "early_help": [...]}."""
        for key, value in answer.get("scores", {}).items():
            self.item_controls[key].value = value
        for form, box in self.form_checks.items():
            box.value = form in answer.get("forms", [])
        for n, box in self.early_checks.items():
            box.value = n in answer.get("early_help", [])
        ripso = answer.get("ripso", "")
        self.ripso_text.value = ripso if isinstance(ripso, str) else ", ".join(str(n) for n in ripso)

    def answer(self) -> dict:
        return {"scores": {k: c.value for k, c in self.item_controls.items()},
                "forms": [f for f, box in self.form_checks.items() if box.value],
                "ripso": self.ripso_text.value,
                "early_help": [n for n, box in self.early_checks.items() if box.value]}

    def reveal(self) -> None:
        try:
            self.reference_box.value = self.session.reveal(self.entry.id)
        except KitError as err:
            self.reference_box.value = part("error", lines=[err.message], alert=False)

    def submit(self) -> dict | None:
        answer = self.answer()
        problems = answer_problems(self.entry, answer)
        if problems:
            self.error.value = part("error", lines=problems)
            return None
        self.error.value = ""
        try:
            fb = self.session.submit(self.entry.id, answer)
        except OSError as err:     # the results folder is not writable: the answer is still shown
            self.error.value = part("error", lines=[f"Результат не сохранён в файл: {err}"], alert=False)
            fb = self.session.feedback[self.entry.id]
        self._show_feedback(fb)
        return fb

    def _show_feedback(self, fb: dict) -> None:
        self.feedback.value = feedback_html(fb)
        self.reference_box.value = ""
        for control in list(self.item_controls.values()) + list(self.form_checks.values()) + \
                list(self.early_checks.values()) + [self.ripso_text, self.submit_button, self.reveal_button]:
            control.disabled = True
        self.next_button.layout.display = None

    def next(self) -> None:
        if self.index + 1 < len(self.session.cases):
            self.session.move_to(self.index + 1)
            self.show_case(self.index + 1)
        else:
            self.finish()

    def finish(self) -> str:
        self.case_box.children = []
        s = self.session
        s.move_to(s.index, finished=True)
        filename = f"{s.plan.id}-{s.path.stem if s.path else 'results'}.csv"
        self.summary.value = (s.summary_html() + part("finish_note", trainee=s.trainee)
                              + download_link_html(s.csv_text(), filename, "Скачать мои результаты (CSV)"))
        return self.summary.value
