"""The public calculator: plain questions -> a case -> the engine's result in plain Russian.

Two layers: `case_from_answers` and `result_html` are pure functions (tested directly, usable from any
front end); `Calculator` arranges ipywidgets around them for the Voila page. Nothing is stored or logged:
the answers live in the widgets of one page and vanish with it.
"""
from __future__ import annotations

import html
import tomllib
from datetime import date
from functools import lru_cache

from socmethod.core.engine import assess
from socmethod.core.errors import KitError
from socmethod.core.resources import data_path
from socmethod.core.ruleset import bundled_ruleset
from socmethod.core.scales import scale
from socmethod.core.wording import date_ru

UNKNOWN = "unknown"
FLAG_VALUES = {"yes": True, "no": False, UNKNOWN: None}
# Long Russian answers must wrap on a 360 px phone instead of running off the left edge; type is large.
PAGE_STYLE = """<style>
.widget-radio-box label { white-space: normal !important; overflow-wrap: anywhere; line-height: 1.3;
  height: auto !important; margin: 4px 0; font-size: 16px; display: flex !important;
  flex-direction: row-reverse; justify-content: flex-end; align-items: flex-start; gap: 6px; }
.widget-radio-box label input { flex: none; margin-top: 3px; }
.widget-radio-box { height: auto !important; }
.widget-checkbox { height: auto !important; }
.widget-checkbox label.widget-label-basic { white-space: normal !important; height: auto !important;
  font-size: 16px; display: flex !important; align-items: flex-start; gap: 6px; }
.sm-urgent { border-left: 5px solid #b00020; padding: 4px 12px; background: #fff4f4; }
.widget-html-content { white-space: normal; font-size: 16px; line-height: 1.45; }
.sm-error { color: #a00000; font-weight: bold; }
@media print { .widget-radio-box, .widget-html-content h2 ~ p { display: none; } }
</style>"""
SHORT_LABELS = {"self_care": "уход за собой", "mobility": "передвижение"}


@lru_cache(maxsize=1)
def texts() -> dict:
    """The public wording (data/calculator.toml), checked: see `check_texts`."""
    path = data_path("calculator.toml")
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except tomllib.TOMLDecodeError as err:
        raise KitError("malformed_file", where=TEXTS_FILE, value=str(err), allowed="TOML") from None
    except OSError:
        raise KitError("file_not_found", "calculator.toml", value=str(path)) from None
    from socmethod.procedure.urgent import load_urgent
    facts = {k: v for k, v in load_urgent()["where"].items() if isinstance(v, str) and not k.endswith(("_source", "_note"))}
    data = _filled(data, facts, "")
    check_texts(data)
    return data


def _filled(node, facts: dict, key: str):
    """`node` with each "{name}" in its texts replaced by the fact of data/urgent.toml [where]."""
    if isinstance(node, dict):
        return {k: _filled(v, facts, f"{key}.{k}".lstrip(".")) for k, v in node.items()}
    if isinstance(node, list):
        return [_filled(v, facts, key) for v in node]
    if isinstance(node, str) and "{" in node:
        try:
            return node.format_map(facts)
        except (KeyError, ValueError, IndexError) as err:
            raise KitError("rule_set_invalid", where=f"{TEXTS_FILE}, {key}", value=f"неизвестная подстановка {err}",
                           allowed=f"Подстановки берутся из data/urgent.toml [where]: {', '.join(sorted(facts))}.") from None
    return node


TEXTS_FILE = "data/calculator.toml"
# Every text the page and the summary print, by its dotted key: a methodologist who edits the wording and
# drops one learns which at `make app` / in the tests, not from a page that stops answering.
REQUIRED_TEXTS = (
    "title", "disclaimer", "summary_disclaimer", "who.question", "who.relative_note", "category.question",
    "disability_group.question", "impairment.question", "psychiatrist.question", "flags.yes_no_unknown",
    "where.heading", "where.text", "where.hours", "where.sources", "where.summary", "deadlines.heading", "deadlines.note", "deadlines.summary_heading",
    "cost.heading", "cost.family_income", "cost.family_income_hint", "cost.members", "cost.free_category",
    "cost.no_category", "cost.skip", "urgent.question", "urgent.heading", "urgent.text", "urgent.summary_text",
    "form_hints.source", "form_hints.ripso",
)
OPTION_LISTS = ("who.options", "category.options", "disability_group.options", "impairment.options",
                "psychiatrist.options", "flags.yes_no_unknown")


def check_texts(data: dict) -> None:
    """Refuse a wording file the page could not be built from, naming the key (KitError)."""
    from socmethod.core.scales import scale
    from socmethod.procedure.documents import load_documents

    def get(key: str):
        node = data
        for part in key.split("."):
            if not isinstance(node, dict) or part not in node:
                raise KitError("missing_key", key, where=TEXTS_FILE, allowed="текст для страницы калькулятора")
            node = node[part]
        return node

    def fail(key: str, problem: str):
        raise KitError("rule_set_invalid", where=f"{TEXTS_FILE}, {key}", value=problem,
                       allowed="Исправьте формулировки калькулятора.")

    for key in REQUIRED_TEXTS:
        if key not in OPTION_LISTS and not (isinstance(get(key), str) and get(key).strip()):
            fail(key, "ожидается непустой текст")
    for key in OPTION_LISTS:
        options = get(key)
        if not (isinstance(options, list) and options and all(
                isinstance(o, list) and len(o) == 2 and all(isinstance(x, str) and x for x in o) for o in options)):
            fail(key, "ожидается список пар [код, текст]")
    ruleset = bundled_ruleset()
    if {code for code, _ in data["category"]["options"]} != set(ruleset.categories):
        fail("category.options", f"коды категорий должны быть: {', '.join(ruleset.categories)}")
    for form in ruleset.forms:
        if not isinstance(get("form_hints").get(form), str):
            fail(f"form_hints.{form}", "нет пояснения для этой формы обслуживания")
    catalogue = load_documents()["documents"]
    for doc in get("who.relative_documents"):
        if doc not in catalogue:
            fail("who.relative_documents", f"нет документа «{doc}» в data/documents.toml")
    from socmethod.procedure.deadlines import load_rules
    known = {rule["id"] for rule in load_rules()["deadline"]}
    for entry in get("deadlines.shown"):
        if not (isinstance(entry, list) and len(entry) == 3 and all(isinstance(x, str) for x in entry)):
            fail("deadlines.shown", "ожидается список троек [код срока, текст, краткий текст]")
        if entry[0] not in known:
            fail("deadlines.shown", f"нет срока «{entry[0]}» в data/deadlines.toml")
    for name in ("self_care", "mobility"):
        if len(get(f"levels.{name}")) != 4:
            fail(f"levels.{name}", "ожидается четыре ответа (уровни 0–3 шкалы)")
        for variant in {c["scales"] for c in ruleset.categories.values() if c.get("scales")}:
            for item in scale(name, variant).keys:
                if not isinstance(get(f"questions.{name}").get(item), str):
                    fail(f"questions.{name}.{item}", "нет вопроса для этого пункта шкалы")


def relevant_questions(category: str | None) -> list[str]:
    """The keys the calculator asks about for a category (the category's required and the conditional
    numbers' optional keys), in page order."""
    if not category:
        return []
    cat = bundled_ruleset().categories[category]
    keys = list(cat.get("required", [])) + [k for k in cat.get("optional", [])
                                            if k in ("social_housing_flat", "needs_social_labour_rehab")]
    return keys


def case_from_answers(answers: dict) -> dict:
    """Build a case from the page's answers: scales as {item: 0-3}, flags as yes/no/unknown."""
    category = answers.get("category")
    case: dict = {"category": category}
    cat = bundled_ruleset().categories.get(category, {})
    for key in relevant_questions(category):
        kind = bundled_ruleset().fields[key]["kind"]
        if kind == "scale":
            case[key] = {item: answers.get(f"{key}.{item}") for item in scale(key, cat["scales"]).keys}
        elif kind == "bool":
            case[key] = FLAG_VALUES.get(answers.get(key, UNKNOWN))
        elif key == "psychiatrist_recommends":
            value = answers.get(key, UNKNOWN)
            case[key] = None if value == UNKNOWN else value
        else:
            case[key] = answers.get(key)
    return case


def _e(text) -> str:
    return html.escape(str(text))


def _ripso(numbers) -> str:
    return ", ".join(f"N {n}" for n in numbers) if numbers else "номер не указан"


def fee_text(form: dict) -> str:
    """"бесплатно" or "не более 16 875 ₽ в месяц" for one form of a cost estimate."""
    return "бесплатно" if form["free"] else f'не более {form["upper_fee"]:,} ₽ в месяц'.replace(",", " ")


def degree_lines(result: dict) -> list[tuple[str, str]]:
    """("Уход за собой", "степень 2 из 3 — … (16 из 24 баллов).") for each scale assessed."""
    lines = []
    for name, title in (("self_care", "Уход за собой"), ("mobility", "Передвижение")):
        s = result.get(name)
        if s:
            lines.append((title, f'степень {s["degree"]} из 3 — {s["band"].lower()} '
                                 f'({s["points"]} из {s["max_points"]} баллов).'))
    return lines


def result_html(result: dict, extra: str = "") -> str:
    """The result as an HTML fragment in plain Russian (no personal data: answers only). `extra` is
    placed after the programmes (the cost block)."""
    ruleset = bundled_ruleset()
    forms = ruleset.forms
    t = texts()
    parts = []
    if "error" in result:
        return f'<div class="sm-error" role="alert">{_e(result["error"]["message"])}</div>'
    parts.extend(f'<p class="sm-degree"><b>{title}:</b> {_e(text)}</p>' for title, text in degree_lines(result))
    recs = result.get("recommendations", [])
    if recs:
        items = "".join(
            f'<li><b>{_e(forms[r["form"]].capitalize())}</b> — программа {_ripso(r["ripso"])}'
            f'<br><small>Что это: {_e(t["form_hints"][r["form"]])}. Почему: {_e(_why(r))}. '
            f'Основание: 405-р, таблица {r["table"]}, строка {r["rule"]}.</small>'
            + (f'<br><small>{_e(r["caveat"])}</small>' if r.get("caveat") else "") + "</li>"
            for r in recs)
        parts.append(f'<h3>Вам могут предложить</h3><ul class="sm-recs">{items}</ul>'
                     f'<p><small>Если форм несколько, выбираете вы. {_e(t["form_hints"]["ripso"])} '
                     f'Что значат формы — по {_e(t["form_hints"]["source"])}.</small></p>')
    depends = result.get("depends_on", [])
    if depends:
        items = "".join(f'<li>{_e(forms[d["form"]].capitalize())} ({_ripso(d["ripso"])}) — если '
                        f'{_e(_when(d["when"]))}</li>' for d in depends)
        parts.append(f'<h3>Зависит от ответов «не знаю»</h3><ul class="sm-depends">{items}</ul>')
    if not recs and not depends:
        note = result.get("note")
        if note:
            parts.append(f'<div class="sm-none"><p>{_e(note)}</p></div>')
        else:
            parts.append('<div class="sm-none" role="status"><h3>По этим ответам методика не называет формы обслуживания</h3>'
                         '<p>Это не значит, что помощи не будет: обратитесь в бюро ЦОСО своего района — комиссия '
                         'оценит ситуацию при обследовании. Таблицы методики охватывают не все жизненные случаи.</p></div>')
    misses = result.get("near_misses", [])
    if misses:
        items = "".join(f'<li>{_e(forms[m["form"]].capitalize())} ({_ripso(m["ripso"])}): '
                        f'{_e(m["label"].lower())} — {_e(_needs(m))}</li>' for m in misses[:6])
        parts.append(f'<h3>Что изменило бы результат</h3><ul class="sm-misses">{items}</ul>')
    if extra:
        parts.append(extra)
    early = result.get("early_help")
    if early:
        verdict = {"needed": "нужна ранняя помощь", "not_needed": "по указанным критериям ранняя помощь не требуется",
                   "unknown": "зависит от ответов, которых нет", "not_applicable": "критерии ранней помощи к этому возрасту не относятся"}
        parts.append(f'<p class="sm-early"><b>Ранняя помощь (таблица 3.3):</b> {verdict[early["verdict"]]}.</p>')
    parts.append(where_html())
    parts.append(_deadlines_html())
    parts.append(f'<p class="sm-disclaimer"><small>{_e(t["disclaimer"])} Правила: {_e(result["rule_set"]["name"])} '
                 f'от {_e(result["rule_set"]["effective_date"])}.</small></p>')
    return "\n".join(parts)


def document_groups(case: dict, result: dict, representative: bool = False) -> list[dict]:
    """What to bring, for the forms this case may be offered, in the citizen's words (405-р, section 3,
    Appendix 2 to the Conclusion), as groups {"kind", "title", "items"} (+ "form" for a form's own
    documents, "note" for how a circumstance's documents count, "rule": listed / one_of);
    `representative`: a relative applies on the person's behalf, so their own identity and authority
    documents come first."""
    from socmethod.procedure.documents import documents_for, load_documents
    forms = list(dict.fromkeys(r["form"] for r in result.get("recommendations", []) + result.get("depends_on", [])))
    try:
        docs = documents_for(case, forms)
    except KitError:
        return []
    groups = []
    if representative:
        who = texts()["who"]
        catalogue = load_documents()["documents"]
        groups.append({"kind": "representative", "title": who["relative_note"],
                       "items": [{"id": d, **catalogue[d]} for d in who["relative_documents"]]})
    shown = {i.get("id") for g in groups for i in g["items"]}
    groups.append({"kind": "general", "title": "", "items": [d for d in docs["always"] if d["id"] not in shown]})
    for block in docs["for_forms"]:
        groups.append({"kind": "form", "title": f'Для формы «{block["form_title"]}»', "form": block["form_title"],
                       "items": [d for s in block["sections"] for d in s["items"]]})
    for block in docs["for_category"]:
        groups.append({"kind": "category", "title": block.get("title", ""), "items": block.get("items", [])})
    for kind, prefix, circumstances in (("confirm", "Чем подтвердить обстоятельства", docs["to_confirm"]),
                                        ("possible", "Если подтвердится (вы ответили «не знаю»)", docs["possible"])):
        for c in circumstances:
            text = c["public"].rstrip(".")
            groups.append({"kind": kind, "title": f"{prefix}: {text[:1].lower()}{text[1:]}", "rule": c["rule"],
                           "note": c["rule_text"], "items": [_confirming(d, c) for d in c.get("mandatory", [])]
                           + [_confirming(d, c) for d in c["documents"]]})
            also = c.get("also_one_of")
            if also:
                groups.append({"kind": kind, "title": also["text"].rstrip(":"), "rule": "one_of",
                               "items": also["documents"]})
    return [g for g in groups if g["items"]]


def _confirming(doc: dict, circumstance: dict) -> dict:
    """A document confirming a circumstance, its wording completed with what the seed attaches to it: the
    Form 3 mark "обязательно" (and its condition) or a Form 1 footnote's requirement."""
    extra = []
    if doc.get("mandatory"):
        extra.append(circumstance["mandatory_text"] + (f', {doc["condition"]}' if doc.get("condition") else ""))
    if doc.get("requirement"):
        extra.append(doc["requirement"]["text"])
    return {**doc, "public": " — ".join([doc["public"].rstrip("."), *extra])} if extra else doc


def documents_html(groups: list[dict]) -> str:
    if not groups:
        return ""
    item = lambda d: f'<li>{_e(d["public"])} <small>({_e(d["source"])})</small></li>'  # noqa: E731
    parts = ["<h3>Какие документы взять</h3>"]
    for g in groups:
        if g["title"]:
            note = f' — {_e(g["note"])}' if g.get("note") else ""
            parts.append(f'<p class="sm-docs-{g["kind"]}"><b>{_e(g["title"])}</b>{note}:</p>')
        parts.append(f'<ul class="sm-docs sm-docs-{g["kind"]}">' + "".join(item(d) for d in g["items"]) + "</ul>")
    return "\n".join(parts)


def where_html() -> str:
    w = texts()["where"]
    return (f'<div class="sm-where"><p><b>{_e(w["heading"])}:</b> {_e(w["text"])}</p><p>{_e(w["hours"])}</p>'
            f'<p><small>{_e(w["sources"])}</small></p></div>')


def _why(rec: dict) -> str:
    shown = []
    for c in rec["criteria"]:
        value = c["value"]
        if value is True:
            shown.append(c["label"].lower())
        elif c["column"] in SHORT_LABELS:
            shown.append(f'{SHORT_LABELS[c["column"]]}: степень {value}')
        elif c["column"] == "disability_group":
            shown.append("без группы инвалидности" if value == "none" else f"группа инвалидности {value}")
    return "; ".join(shown)


def _when(when: dict) -> str:
    ruleset = bundled_ruleset()
    words = []
    for key, answer in when.items():
        label = ruleset.fields[key]["label"].lower()
        if isinstance(answer, bool):
            words.append(f'{"да" if answer else "нет"}: {label}')
        else:
            words.append(f'{label}: {answer}')
    return "; ".join(words)


def _needs(miss: dict) -> str:
    needs = miss["needs"]
    if needs == [True]:
        return "нужно «да»"
    if needs == [False]:
        return "нужно «нет»"
    return "нужно одно из: " + ", ".join(str(n) for n in needs) + f" (сейчас {miss['value']})"


@lru_cache(maxsize=4)
def deadlines_list(day: date) -> tuple[tuple[str, str, date], ...]:
    """(plain title, short title, latest date) of the steps after an application filed on `day`."""
    try:
        from socmethod.procedure.deadlines import procedure_deadlines
        plan = procedure_deadlines(day)
    except (KitError, ImportError):
        return ()
    by_id = {d["id"]: d for d in plan.get("deadlines", []) if d.get("date")}
    return tuple((label, short, date.fromisoformat(by_id[i]["date"]))
                 for i, label, short in texts()["deadlines"]["shown"] if i in by_id)


def _deadlines_html() -> str:
    rows = deadlines_list(date.today())
    if not rows:
        return ""
    t = texts()["deadlines"]
    return (f'<h3>{_e(t["heading"])}</h3><ul class="sm-deadlines">'
            + "".join(f"<li>{_e(label)}: до {_e(date_ru(when))}</li>" for label, _, when in rows)
            + f'</ul><p><small>{_e(t["note"])}</small></p>')


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


def warm_up() -> None:
    """Load what a visitor's first result would otherwise wait for (~0.3 s: the documents table, the
    holiday calendar of the deadlines, the cost parameters); in Voila this runs when the kernel is
    pre-heated, before anyone is waiting."""
    from socmethod.procedure.cost import parameters
    from socmethod.procedure.documents import load_documents
    parameters()
    load_documents()
    _deadlines_html()


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
        self.result = w.HTML(layout=w.Layout(width="100%"))
        # The printable summary is built on request: carrying it on every change would triple what each
        # answer sends to the browser.
        self.print_button = w.Button(description="Итог для печати", disabled=True,
                                     tooltip="Итог на листе A4: ответы и результат, без персональных данных")
        self.print_button.on_click(lambda _: self.prepare_summary())
        self.summary = self._html()
        self.controls: dict[str, object] = {}
        self.urgent_box = self._urgent_controls()
        # Who asks changes no rule; a relative learns the page is for them too, and what else to bring.
        self.who = self._radio("who", t["who"]["question"], t["who"]["options"])
        self.category = self._radio("category", t["category"]["question"], t["category"]["options"])
        self.questions = self._vbox([])
        self.cost_box = self._cost_controls()
        self.page = w.VBox([self._html(PAGE_STYLE + f"<h2>{_e(t['title'])}</h2><p>{_e(t['disclaimer'])}</p>"),
                            self.urgent_box, self.who, self.category, self.questions, self.cost_box, self._html("<hr>"),
                            self.result, self.print_button, self.summary],
                           layout=w.Layout(max_width="760px", width="100%"))
        self._rebuild()
        self.update()
        warm_up()

    def _html(self, value: str = ""):
        return self.w.HTML(value, layout=self._plain, style=self._html_style)

    def _vbox(self, children):
        return self.w.VBox(children, layout=self._plain)

    def _question(self, question: str, *controls, hint: str = ""):
        """A question and its answer controls in one box. The classes are what the page's accessibility
        script (share/jupyter/voila/templates/socmethod/a11y.js) uses to label the controls with the
        question and describe them with the hint and any error message beside them."""
        label = self._html(f'<b class="sm-qtext">{_e(question)}</b>'
                           + (f'<br><small class="sm-hint">{_e(hint)}</small>' if hint else ""))
        box = self._vbox([label, *controls])
        box.add_class("sm-question")
        return box

    def _radio(self, key: str, question: str, options, hint: str = ""):
        radio = self.w.RadioButtons(options=[(text, value) for value, text in options], value=None,
                                    layout=self._auto, style=self._radio_style)
        radio.question = question
        radio.observe(lambda change, key=key: self.set_answer(key, change["new"]), names="value")
        self.controls[key] = radio
        return self._question(question, radio, hint=hint)

    def _urgent_controls(self):
        """Situations that call for urgent services today; any of them puts the urgent help first."""
        from socmethod.procedure.urgent import triggers
        w = self.w
        self.urgent_checks = {}
        for trigger in triggers():
            box = w.Checkbox(value=False, description=trigger["label"], indent=False,
                             layout=self._auto, style=self._check_style)
            box.observe(lambda change: self.update(), names="value")
            self.urgent_checks[trigger["id"]] = box
        # The urgent answer appears right under these questions, before anything else is asked.
        self.urgent_now = self._html()
        return self._vbox([self._question(texts()["urgent"]["question"], *self.urgent_checks.values()), self.urgent_now])

    def urgent_needs(self) -> dict | None:
        """The urgent services the ticked situations call for, the referral's date and any safety notes."""
        from socmethod.procedure.urgent import referral, services_for_triggers, triggers
        chosen = [k for k, box in self.urgent_checks.items() if box.value]
        if not chosen:
            return None
        services = services_for_triggers(chosen)
        summary = referral([], [s["id"] for s in services], triggers=chosen) if services else None
        notes = [t["public_note"] for t in triggers() if t["id"] in chosen and t.get("public_note")]
        return {"services": services, "date_ru": summary["date_ru"].rstrip(".") if summary else "", "notes": notes}

    def urgent_html(self) -> str:
        needs = self.urgent_needs()
        if needs is None:
            return ""
        u = texts()["urgent"]
        notes = "".join(f"<p><b>{_e(n)}</b></p>" for n in needs["notes"])
        items = "".join(f'<li><b>{_e(s["public"])}</b><br><small>{_e(s["title"])} (срочная услуга N {s["number"]})</small></li>'
                        for s in needs["services"])
        date_text = f' Направление — {needs["date_ru"]}.' if needs["date_ru"] else ""
        return (f'<div class="sm-urgent" role="alert"><h3>{_e(u["heading"])}</h3>{notes}'
                f'<ul>{items}</ul><p>{_e(u["text"])}{_e(date_text)}</p></div>')

    def _cost_controls(self):
        """Income, family size and a free category: checked where they are typed, the error beside them."""
        from socmethod.procedure.cost import parameters
        w = self.w
        c = texts()["cost"]
        self.income = w.Text(placeholder="например, 32000", layout=w.Layout(width="14em"))
        self.members = w.Text(value="1", layout=w.Layout(width="6em"))
        categories = [(c["no_category"], None)] + [(v["label"], k) for k, v in parameters()["free_categories"].items()]
        self.free_category = w.Dropdown(options=categories, value=None, layout=w.Layout(width="auto", max_width="100%"))
        self.income_error = self._html()
        self.members_error = self._html()
        for error in (self.income_error, self.members_error):
            error.add_class("sm-qerror")
        for control in (self.income, self.members, self.free_category):
            control.observe(lambda change: self.update(), names="value")
        return self._vbox([self._html(f"<h3>{_e(c['heading'])}</h3>"),
                       self._question(c["family_income"], self.income, self.income_error, hint=c["family_income_hint"]),
                       self._question(c["members"], self.members, self.members_error),
                       self._question(c["free_category"], self.free_category)])

    def cost_html(self, result: dict) -> str:
        """The cost block for the recommended forms, or the reason it cannot be shown."""
        from socmethod.procedure.cost import estimate, group_for, per_capita_income
        self.income_error.value = self.members_error.value = ""
        self.cost_estimate = None
        forms = list(dict.fromkeys(r["form"] for r in result.get("recommendations", []) + result.get("depends_on", [])))
        if not forms:
            return ""
        c = texts()["cost"]
        if not self.income.value.strip() and self.free_category.value is None:
            return f"<h3>{_e(c['heading'])}</h3><p>{_e(c['skip'])}</p>"
        try:
            income = per_capita_income(self.income.value or "0", self.members.value)
            est = estimate(income, group_for(result["category"]), forms, date.today().year, self.free_category.value)
        except KitError as err:
            target = self.members_error if err.field == "members" else self.income_error
            target.value = f'<span class="sm-error" role="alert">{_e(err.message)} {_e(err.fix)}</span>'
            return ""
        self.cost_estimate = est
        rows = "".join(f'<li>{_e(f["label"].capitalize())}: '
                       + fee_text(f)
                       + f'<br><small>{_e(f["rule"])}</small></li>' for f in est["forms"].values())
        return (f'<h3>{_e(c["heading"])}</h3><p>{_e(est["reason"])}</p><ul class="sm-cost">{rows}</ul>'
                f'<p><small>{_e(est["is_estimate"])}</small></p>')

    def set_answer(self, key: str, value) -> None:
        if key == "who":        # wording only: the rules do not ask who is asking
            self.update()
            return
        if key == "category" and value != self.answers.get("category"):
            self.answers = {"category": value}
            self._rebuild()
        else:
            self.answers[key] = value
        self.update()

    def _rebuild(self) -> None:
        t = texts()
        category = self.answers.get("category")
        old = self.questions.children
        # The previous category's questions go: their widgets are closed, or every change of category
        # would leave ~150 dead models in the kernel and the browser for the rest of the visit.
        self.controls = {k: c for k, c in self.controls.items() if k in ("who", "category")}
        boxes = []
        for key in relevant_questions(category):
            kind = bundled_ruleset().fields[key]["kind"]
            if kind == "scale":
                variant = bundled_ruleset().categories[category]["scales"]
                q = t["questions"][key]
                boxes.append(self._html(f"<h3>{_e(q['heading'])}</h3>"))
                levels = t["levels"][key]
                for item in scale(key, variant).keys:
                    boxes.append(self._radio(f"{key}.{item}", q[item], list(enumerate(levels))))
            elif kind == "bool":
                spec = t["flags"].get(key, {"question": bundled_ruleset().fields[key]["label"], "hint": ""})
                boxes.append(self._radio(key, spec["question"], t["flags"]["yes_no_unknown"], spec.get("hint", "")))
            elif key in ("disability_group", "impairment"):
                spec = t[key]
                boxes.append(self._radio(key, spec["question"], spec["options"], spec.get("hint", "")))
            elif key == "psychiatrist_recommends":
                spec = t["psychiatrist"]
                boxes.append(self._radio(key, spec["question"], spec["options"], spec.get("hint", "")))
        self.questions.children = boxes
        for box in old:
            _close_tree(box)

    def prepare_summary(self) -> str:
        """Put the download link of the one-page summary under the result; returns the document."""
        from socmethod.apps.public.summary import summary_document, summary_link
        if self.shown is None:
            return ""
        document = summary_document(self.answers_list(), self.shown["result"], self.shown["documents"],
                                    cost=self.cost_estimate, urgent=self.urgent_needs())
        self.summary.value = summary_link(document)
        return document

    def answers_list(self) -> list[tuple[str, str, str]]:
        """The answers as the visitor saw them, (section, question, answer), for the printed summary; the
        section is the scale's heading for an activity, else empty."""
        triples = []
        headings = texts()["questions"]
        for key, control in self.controls.items():
            field = key.split(".")[0]
            if control.value is None or field not in ["who", "category"] + relevant_questions(self.answers.get("category")):
                continue
            label = dict((v, t) for t, v in control.options).get(control.value, control.value)
            section = headings[field]["heading"] if "." in key else ""
            triples.append((section, getattr(control, "question", key), label))
        return triples

    def missing(self) -> list[str]:
        """Questions not answered yet (flags default to nothing: "не знаю" must be chosen, not assumed)."""
        return [k for k, c in self.controls.items() if k not in ("who", "category") and c.value is None
                and k.split(".")[0] in relevant_questions(self.answers.get("category"))]

    def update(self) -> None:
        urgent = self.urgent_html()     # urgent help is shown first, whatever else is answered
        self.urgent_now.value = urgent
        self.summary.value = ""         # an old summary would not match the new answers
        self.result.value = urgent + self._result_body()
        # Each widget change is a message to the browser: set the button once, to its final state.
        self.print_button.disabled = self.shown is None

    def _result_body(self) -> str:
        """The result for the current answers; sets `shown`, what the summary would print (only a
        complete result)."""
        self.shown = None
        if not self.answers.get("category"):
            return "<p>Ответьте на вопросы — результат появится здесь.</p>"
        missing = self.missing()
        if missing:
            return (f'<p class="sm-pending">Осталось ответить на вопросов: {len(missing)}. '
                    'Если ответ неизвестен, выберите «Не знаю».</p>')
        case = case_from_answers(self.answers)
        try:
            result = assess(case)
        except KitError as err:
            return result_html({"error": err.to_dict()})
        groups = document_groups(case, result, self.controls["who"].value == "relative")
        body = result_html(result, extra=self.cost_html(result) + documents_html(groups))
        self.shown = {"result": result, "documents": groups}
        return body
