"""The Voila calculator: ipywidgets around the public calculator's model (socmethod.apps.public.model).

Thin on purpose: the questions come from the model (which reads them from the data), the result is the
model's view laid out by the same templates as the light page and the printed summary. Nothing is stored
or logged: the answers live in the widgets of one page and vanish with it.
"""
from __future__ import annotations

from datetime import date

from socmethod.apps.public.model import (
    answers_list,
    build_view,
    free_category_options,
    opening_questions,
    questions,
    urgent_options,
    warm_up,
)
from socmethod.apps.public.summary import summary_document, summary_href
from socmethod.apps.public.wording import texts
from socmethod.render import render

__all__ = ["Calculator", "texts"]


def keep_errors_off_the_page() -> None:
    """In a Voila kernel, send no error text to the browser for a failing widget message; write a short,
    value-free line to the server log instead.

    ipywidgets reports a failing widget message (an out-of-range index sent by a hand-made client, or a
    bug in an observer) through IPython's showtraceback, which publishes the whole traceback on iopub,
    i.e. to the browser; the comm layer logs its errors with tracebacks to the kernel's stderr, which
    ipykernel forwards to the browser too. Both go to the kernel app's log instead (ipykernel points it
    at the real stderr: the Voila server log), with the exception type and place only, never its
    message: a message could quote what a visitor typed. Errors of executed cells are left alone.
    Outside a kernel (tests, scripts) this does nothing.
    """
    import logging
    import sys
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    kernel = getattr(shell, "kernel", None)
    if kernel is None or getattr(shell, "_socmethod_quiet", False):
        return
    server_log = kernel.log
    original = shell.showtraceback

    def showtraceback(*args, **kwargs):
        parent = kernel.get_parent() or {}
        if not str(parent.get("header", {}).get("msg_type", "")).startswith("comm_"):
            return original(*args, **kwargs)
        etype, _value, tb = sys.exc_info()
        where = "?"
        while tb is not None:
            where = f"{tb.tb_frame.f_code.co_filename}:{tb.tb_lineno}"
            tb = tb.tb_next
        server_log.error("socmethod: %s in a widget message at %s (details withheld)",
                         getattr(etype, "__name__", etype), where)

    class _NoDetails(logging.Filter):
        def filter(self, record):
            record.exc_info, record.exc_text = None, None
            return True

    shell.showtraceback = showtraceback
    for name in ("Comm", "ipykernel.comm"):
        logger = logging.getLogger(name)
        logger.handlers = list(server_log.handlers)
        logger.propagate = False
        logger.addFilter(_NoDetails())
    shell._socmethod_quiet = True


def _close_tree(widget) -> None:
    """Close a widget and the widgets it contains (not its layout and style: those are shared)."""
    for child in getattr(widget, "children", ()):
        _close_tree(child)
    widget.close()


class Calculator:
    """The widget page. `set_answer(key, value)` is what a click does, for tests and notebooks."""

    def __init__(self):
        import ipywidgets as w
        keep_errors_off_the_page()
        self.w = w
        # Every widget brings its own layout and style models unless given one; the page has ~100 widgets
        # (~300 after a category is chosen) and each model's state goes to the browser before the page
        # can be used. One shared layout and style per kind of widget halves what is sent.
        self._auto = w.Layout(width="auto")
        self._plain = w.Layout()
        from ipywidgets.widgets.widget_bool import CheckboxStyle
        from ipywidgets.widgets.widget_description import DescriptionStyle
        from ipywidgets.widgets.widget_string import HTMLStyle
        self._html_style = HTMLStyle()
        self._radio_style = DescriptionStyle()
        self._check_style = CheckboxStyle()
        t = texts()
        self.answers: dict = {}
        self.view: dict | None = None
        self.result = w.HTML(layout=w.Layout(width="100%"))
        # The printable summary is built on request: carrying it on every change would triple what each
        # answer sends to the browser.
        self.print_button = w.Button(description="Итог для печати", disabled=True,
                                     tooltip="Итог на листе A4: ответы и результат, без персональных данных")
        self.print_button.on_click(lambda _: self.prepare_summary())
        self.summary = self._html()
        self.controls: dict[str, object] = {}
        # The boxes of the questions an earlier answer may leave out (shown and hidden as answers change).
        self.conditional: dict[str, object] = {}
        self._unticking = False
        self.urgent_box = self._urgent_controls()
        # Who asks changes no rule; a relative learns the page is for them too, and what else to bring.
        who, category = opening_questions()
        self.who = self._radio(who)
        self.category = self._radio(category)
        self.questions = self._vbox([])
        self.cost_box = self._cost_controls()
        self.page = w.VBox([self._html(render("public/voila/intro.html.j2", t=t)),
                            self.urgent_box, self.who, self.category, self.questions, self.cost_box,
                            self._html(render("public/voila/rule.html.j2")),
                            self.result, self.print_button, self.summary],
                           layout=w.Layout(max_width="760px", width="100%"))
        self._rebuild()
        self.update()
        warm_up()

    def _html(self, value: str = ""):
        return self.w.HTML(value, layout=self._plain, style=self._html_style)

    def _vbox(self, children):
        return self.w.VBox(children, layout=self._plain)

    def _question(self, text: str, *controls, hint: str = "", own_layout: bool = False):
        """A question and its answer controls in one box (the class is what a11y.js looks for).
        `own_layout`: the box is shown and hidden by itself, so it cannot share the common layout."""
        children = [self._html(render("public/voila/question.html.j2", text=text, hint=hint)), *controls]
        box = self.w.VBox(children, layout=self.w.Layout()) if own_layout else self._vbox(children)
        box.add_class("sm-question")
        return box

    def _radio(self, question):
        radio = self.w.RadioButtons(options=[(text, value) for value, text in question.options], value=None,
                                    layout=self._auto, style=self._radio_style)
        radio.question = question.text
        radio.observe(lambda change, key=question.key: self.set_answer(key, change["new"]), names="value")
        self.controls[question.key] = radio
        box = self._question(question.text, radio, hint=question.hint, own_layout=bool(question.unless))
        if question.unless:
            self.conditional[question.key] = (question, box)
        return box

    def _checkboxes(self, question):
        """A question whose answers are ticked, several at once (a set in the case format); an answer that
        stands alone («Не знаю», «Ничего из этого») unticks the others, and another unticks it."""
        boxes = []
        for value, text in question.options:
            box = self.w.Checkbox(value=False, description=text, indent=False, layout=self._auto, style=self._check_style)
            box.answer = value
            box.alone = value in question.exclusive
            box.observe(lambda change, key=question.key, box=box: self._tick(key, box, change["new"]), names="value")
            boxes.append(box)
        group = self._question(question.text, *boxes, hint=question.hint, own_layout=bool(question.unless))
        group.ticks = boxes
        self.controls[question.key] = group
        if question.unless:
            self.conditional[question.key] = (question, group)
        return group

    def _tick(self, key: str, box, ticked: bool) -> None:
        if self._unticking:
            return
        if ticked:
            self._unticking = True          # the unticked boxes' own changes make one answer, not several
            try:
                for other in self.controls[key].ticks:
                    if other is not box and other.value and (box.alone or other.alone):
                        other.value = False
            finally:
                self._unticking = False
        self.set_answer(key, self._ticked(key))

    def _ticked(self, key: str) -> list:
        return [box.answer for box in self.controls[key].ticks if box.value]

    def _urgent_controls(self):
        """Situations that call for urgent services today; any of them puts the urgent help first."""
        w = self.w
        self.urgent_checks = {}
        for code, label in urgent_options():
            box = w.Checkbox(value=False, description=label, indent=False, layout=self._auto, style=self._check_style)
            box.observe(lambda change: self.update(), names="value")
            self.urgent_checks[code] = box
        # The urgent answer appears right under these questions, before anything else is asked.
        self.urgent_now = self._html()
        return self._vbox([self._question(texts()["urgent"]["question"], *self.urgent_checks.values()), self.urgent_now])

    def _cost_controls(self):
        """Income, family size and a free category: checked where they are typed, the error beside them."""
        w = self.w
        c = texts()["cost"]
        self.income = w.Text(placeholder="например, 32000", layout=w.Layout(width="14em"))
        self.members = w.Text(value="1", layout=w.Layout(width="6em"))
        categories = [(c["no_category"], None)] + [(label, code) for code, label in free_category_options()]
        self.free_category = w.Dropdown(options=categories, value=None, layout=w.Layout(width="auto", max_width="100%"))
        self.income_error = self._html()
        self.members_error = self._html()
        for error in (self.income_error, self.members_error):
            error.add_class("sm-qerror")
        for control in (self.income, self.members, self.free_category):
            control.observe(lambda change: self.update(), names="value")
        return self._vbox([self._html(render("public/voila/heading.html.j2", text=c["heading"])),
                           self._question(c["family_income"], self.income, self.income_error, hint=c["family_income_hint"]),
                           self._question(c["members"], self.members, self.members_error),
                           self._question(c["free_category"], self.free_category)])

    def set_answer(self, key: str, value) -> None:
        if key == "category" and value != self.answers.get("category"):
            self.answers = {"category": value}
            self._rebuild()
        elif key != "who":          # who asks is read from its control: it changes no rule, only wording
            self.answers[key] = value
        self.update()

    def _rebuild(self) -> None:
        old = self.questions.children
        # The previous category's questions go: their widgets are closed, or every change of category
        # would leave ~150 dead models in the kernel and the browser for the rest of the visit.
        self.controls = {k: c for k, c in self.controls.items() if k in ("who", "category")}
        own_layouts = [box.layout for _, box in self.conditional.values()]     # not shared: they go too
        self.conditional = {}
        boxes, section = [], ""
        for question in questions(self.answers.get("category")):
            if question.section and question.section != section:
                boxes.append(self._html(render("public/voila/heading.html.j2", text=question.section)))
            section = question.section
            boxes.append(self._checkboxes(question) if question.many else self._radio(question))
        self.questions.children = boxes
        for box in old:
            _close_tree(box)
        for layout in own_layouts:
            layout.close()

    def model_answers(self) -> dict:
        """The page's answers as the model takes them (model.build_view)."""
        return {**self.answers, "who": self.controls["who"].value,
                "urgent": [code for code, box in self.urgent_checks.items() if box.value],
                "income": self.income.value, "members": self.members.value, "free_category": self.free_category.value}

    def answers_list(self) -> list[tuple[str, str, str]]:
        """The answers as the visitor saw them, (section, question, answer), as the summary prints them."""
        return answers_list(self.model_answers())

    def prepare_summary(self, today: date | None = None) -> str:
        """Put the download link of the one-page summary under the result; returns the document."""
        if self.view is None or self.view["status"] != "complete":
            return ""
        view = self.view if today is None else build_view(self.model_answers(), today)
        document = summary_document(view)
        self.summary.value = render("public/voila/summary_link.html.j2", href=summary_href(document))
        return document

    def update(self) -> None:
        answers = self.model_answers()
        view = build_view(answers)
        self.view = view
        for question, box in self.conditional.values():
            display = "" if question.asked(answers) else "none"
            if box.layout.display != display:
                box.layout.display = display
        self.urgent_now.value = render("public/urgent.html.j2", view=view)   # right under its question
        self.summary.value = ""         # an old summary would not match the new answers
        error = view["cost_error"] or {}
        self.income_error.value = (render("public/voila/field_error.html.j2", message=error["message"])
                                   if error.get("field") == "income" else "")
        self.members_error.value = (render("public/voila/field_error.html.j2", message=error["message"])
                                    if error.get("field") == "members" else "")
        self.result.value = render("public/result.html.j2", view=view)
        # Each widget change is a message to the browser: set the button once, to its final state.
        self.print_button.disabled = view["status"] != "complete"
