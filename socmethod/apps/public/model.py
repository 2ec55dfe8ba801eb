"""The public calculator's one model, behind the Voila calculator and the light page alike.

    answers (what a visitor chose) -> case (the kit's case format) -> the engine's result -> a view

A view is a plain dict of facts in the citizen's words: urgent help, the degrees, the forms with РИПСО and
why, what depends on «не знаю», what would change the outcome, the message when nothing is recommended,
early help, the cost, the documents, where to apply, the deadlines, the answers as shown. The templates
under socmethod/render/templates/public/ lay a view out, the same partials on every page and on paper, so
the two editions cannot drift apart. The questions themselves come from data: which keys a category is
asked about from the rule set and data/calculator.toml [asked], their wording from data/calculator.toml and
the rule set's [questions]. A citizen is asked what the survey act records (which difficulties the person
has, whether they live alone, which medical indications), never a 405-р category: the engine derives the
table keys from those answers, and the view says what it derived and why.

Answers are a flat dict: "urgent" (situation ids), "who", "category", one entry per question key (a case key,
or "self_care.hygiene" for a scale's activity; a list of the ticked answers for a ticked question), and the
cost inputs "income", "members", "free_category". Nothing here keeps them: a view is computed and forgotten.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Mapping

from socmethod.apps.public.wording import (
    SET_KINDS,
    TICKED_EXTRAS,
    asked_keys,
    asked_unless,
    derived_keys,
    question_spec,
    texts,
)
from socmethod.core.engine import assess
from socmethod.core.errors import KitError
from socmethod.core.ruleset import bundled_ruleset
from socmethod.core.scales import SCALE_NAMES, scale
from socmethod.render import ripso_text

UNKNOWN = "unknown"
FLAG_VALUES = {"yes": True, "no": False, UNKNOWN: None}
NEAR_MISSES_SHOWN = 6
COST_INPUTS = ("income", "members", "free_category")


@dataclass(frozen=True)
class Question:
    """One question as a page asks it. `key` is the answer's key; `field` the case key it fills; `many`: the
    answers are ticked (a set), else one is chosen; `options` (value, text) in page order (a scale's
    levels are the numbers 0-3); `section` is the scale's heading for an activity. A ticked question's
    `exclusive` answers stand alone («не знаю», «ничего из этого»); with them it must be answered
    (`required`). `unless`: the earlier answers that leave the question out ((key, answers), ...);
    `undetermined`: what to do when its «не знаю» leaves the tables unreadable."""
    key: str
    field: str
    text: str
    hint: str
    options: tuple[tuple, ...]
    many: bool = False
    section: str = ""
    exclusive: tuple[str, ...] = ()
    unless: tuple[tuple[str, tuple[str, ...]], ...] = ()
    undetermined: str = ""

    @property
    def required(self) -> bool:
        return not self.many or bool(self.exclusive)

    def asked(self, answers: Mapping) -> bool:
        """Whether the question is asked, given the answers so far (a conditional one may be left out)."""
        return all(answers.get(key) not in values for key, values in self.unless)

    @property
    def dom_id(self) -> str:
        """An id for the page (no dot: a CSS selector would read it as a class)."""
        return "q-" + self.key.replace(".", "-")


def opening_questions() -> tuple[Question, Question]:
    """Who needs help (changes no rule: a relative is told what to bring for themselves) and who they are."""
    t = texts()
    return (Question("who", "who", t["who"]["question"], t["who"].get("hint", ""), tuple(map(tuple, t["who"]["options"]))),
            Question("category", "category", t["category"]["question"], t["category"].get("hint", ""),
                     tuple(map(tuple, t["category"]["options"]))))


@lru_cache(maxsize=16)
def questions(category: str | None) -> tuple[Question, ...]:
    """The questions about the person of `category`, in page order (none before a category is chosen)."""
    if not category or category not in bundled_ruleset().categories:
        return ()
    ruleset = bundled_ruleset()
    t = texts()
    out: list[Question] = []
    for key in asked_keys(category):
        kind = ruleset.fields[key]["kind"]
        spec = question_spec(key, category)
        if kind == "scale":
            levels = tuple(enumerate(t["levels"][key]))
            for item in scale(key, ruleset.categories[category]["scales"]).keys:
                out.append(Question(f"{key}.{item}", key, spec[item], "", levels, section=spec["heading"]))
        else:
            out.append(Question(key, key, spec["question"], spec.get("hint", ""), tuple(map(tuple, spec["options"])),
                                many=kind in SET_KINDS, exclusive=tuple(spec.get("exclusive", ())),
                                unless=asked_unless(key), undetermined=spec.get("undetermined", "")))
    return tuple(out)


def asked_questions(answers: Mapping) -> list[Question]:
    """The questions asked, given the answers so far: a conditional question whose earlier answer leaves
    it out is not (its answer, if any, is not used)."""
    return [q for q in questions(answers.get("category")) if q.asked(answers)]


def urgent_options() -> list[tuple[str, str]]:
    """(id, plain label) of the situations that call for urgent services today."""
    from socmethod.procedure.urgent import triggers
    return [(t["id"], t["label"]) for t in triggers()]


def _answered(question: Question, answers: Mapping) -> bool:
    value = answers.get(question.key)
    return bool(value) if question.many else value is not None and value != ""


def missing(answers: Mapping) -> list[Question]:
    """Questions asked and not answered yet (a flag is never assumed: «не знаю» must be chosen). A ticked
    question may be left with nothing ticked only if it offers no «не знаю» or «ничего из этого»: then an
    empty list is an answer."""
    return [q for q in asked_questions(answers) if q.required and not _answered(q, answers)]


def case_from_answers(answers: Mapping) -> dict:
    """The case the answers describe: scales as {item: 0-3}, flags yes / no / «не знаю» as true / false / null,
    a ticked question as the list of its kinds («не знаю»: null; «ничего из этого»: an empty list). A key the
    engine derives from the answers is left to it (a flag given as null, which the derivation fills in)."""
    category = answers.get("category")
    case: dict = {"category": category}
    if category not in bundled_ruleset().categories:
        return case
    ruleset = bundled_ruleset()
    left_out = {q.field for q in questions(category) if not q.asked(answers)}
    for key in asked_keys(category):
        kind = ruleset.fields[key]["kind"]
        if key in left_out:
            case[key] = None
        elif kind == "scale":
            items = scale(key, ruleset.categories[category]["scales"]).keys
            case[key] = {item: _level(answers.get(f"{key}.{item}")) for item in items}
        elif kind == "bool":
            case[key] = FLAG_VALUES.get(answers.get(key, UNKNOWN))
        elif kind in SET_KINDS:
            values = answers.get(key) or []
            extras = [TICKED_EXTRAS[v] for v in values if v in TICKED_EXTRAS]
            case[key] = extras[0] if extras else [int(v) if kind == "int_set" else v for v in values]
        elif kind == "int":             # a band's first value (calculator.toml): the tables compare bounds only
            value = answers.get(key, UNKNOWN)
            case[key] = None if value in (UNKNOWN, "", None) else int(value)
        else:
            value = answers.get(key, UNKNOWN)
            case[key] = None if value == UNKNOWN else value
    for key in derived_keys(category):
        if ruleset.fields[key]["kind"] == "bool":
            case[key] = None
    return case


def _level(value):
    return int(value) if value is not None and value != "" else None


def answers_from_form(form: Mapping[str, list[str]]) -> tuple[dict, dict[str, str]]:
    """A posted form (name -> values, as urllib's parse_qs gives) as answers, and the problems: {question
    key: message} for a value not among its question's answers (a hand-made request, never a click). Names
    the page does not ask are left aside (the buttons' own, say)."""
    answers: dict = {"urgent": [], "who": None, "category": None}
    problems: dict[str, str] = {}
    known_urgent = {code for code, _ in urgent_options()}
    for code in form.get("urgent", []):
        if code in known_urgent:
            if code not in answers["urgent"]:
                answers["urgent"].append(code)
        else:
            problems["urgent"] = texts()["page"]["invalid_many"]
    for question in opening_questions():
        _take(question, form, answers, problems)
    for question in questions(answers["category"]):
        _take(question, form, answers, problems)
    for question in questions(answers["category"]):
        if not question.asked(answers):           # left out by an earlier answer: what it says is not used
            answers.pop(question.key, None)
            problems.pop(question.key, None)
    for key in COST_INPUTS:
        value = (form.get(key) or [""])[-1].strip()
        answers[key] = value or None
    if answers["free_category"] is not None and answers["free_category"] not in dict(free_category_options()):
        problems["free_category"] = texts()["page"]["invalid_one"]
        answers["free_category"] = None
    return answers, problems


def _take(question: Question, form: Mapping[str, list[str]], answers: dict, problems: dict) -> None:
    given = [v for v in form.get(question.key, []) if v != ""]
    by_text = {str(value): value for value, _ in question.options}
    if question.many:
        chosen = list(dict.fromkeys(by_text[v] for v in given if v in by_text))
        alone = [v for v in chosen if v in question.exclusive]
        if any(v not in by_text for v in given):
            problems[question.key] = texts()["page"]["invalid_many"]
        elif alone and len(chosen) > 1:
            # «Не знаю» with a kind: neither is taken for the other (the page's script unticks one; a page
            # posted without it says which stands alone).
            problems[question.key] = texts()["page"]["exclusive"].format(answer=dict(question.options)[alone[0]])
            chosen = []
        answers[question.key] = chosen
        return
    if not given:
        return
    if len(given) > 1 or given[0] not in by_text:
        problems[question.key] = texts()["page"]["invalid_one"]
        return
    answers[question.key] = by_text[given[0]]


def free_category_options() -> list[tuple[str, str]]:
    """(code, label) of the categories served free whatever the income (442-ФЗ ст. 31 ч. 1)."""
    from socmethod.procedure.cost import parameters
    return [(code, v["label"]) for code, v in parameters()["free_categories"].items()]


def answered(answers: Mapping) -> list[dict]:
    """The answers as the visitor saw them, in page order: {"key", "id" (the first answer's element id, for
    «Изменить»), "section" (the scale's heading for an activity, else empty), "question", "answer"}."""
    out = []
    for question in (*opening_questions(), *asked_questions(answers)):
        if not _answered(question, answers):
            continue
        labels = dict(question.options)
        value = answers[question.key]
        shown = ", ".join(labels[v] for v in value) if question.many else labels.get(value, str(value))
        out.append({"key": question.key, "id": f"{question.dom_id}-1", "section": question.section,
                    "question": question.text, "answer": shown})
    return out


def answers_list(answers: Mapping) -> list[tuple[str, str, str]]:
    """(section, question, answer) of each answer, as the summary prints them."""
    return [(a["section"], a["question"], a["answer"]) for a in answered(answers)]


# ------------------------------------------------------------------------------------------ the view

def build_view(answers: Mapping, today: date | None = None) -> dict:
    """Everything a page or the summary shows for `answers` (see the module docstring)."""
    today = today or date.today()
    category = answers.get("category")
    view = _frame(today)
    left = missing(answers)
    if category and left:
        view.update(status="pending", pending=len(left), missing=[q.key for q in left])
    elif category:
        case = case_from_answers(answers)
        unknown = None
        try:
            result = assess(case)
        except KitError as err:
            result = {"error": err.to_dict()}
            unknown = _undetermined_by(err, answers)
            unknown_key = err.field
        view = result_view(result, today)
        if view["status"] == "refused" and unknown is not None:
            alternatives, degrees = _alternatives(case, unknown_key, today)
            view.update(status="undetermined", error=None, degrees=degrees,
                        undetermined={"question": unknown.text, "text": unknown.undetermined,
                                      "alternatives": alternatives})
        if view["status"] == "complete":
            view["documents"] = document_groups(case, result, answers.get("who") == "relative")
    view["urgent"] = urgent_view(answers.get("urgent") or [], today)
    view["answered"] = answered(answers)
    view["answers"] = answers_list(answers)
    view["cost_inputs"] = {k: answers.get(k) for k in COST_INPUTS}
    view["cost_error"] = _cost_input_error(answers)
    if view["status"] == "complete":
        view["cost"] = cost_view(view["result"], answers, today) if view["cost_error"] is None else {"state": "error"}
        if view["cost"]["state"] == "error" and view["cost_error"] is None:
            view["cost_error"] = {"field": view["cost"]["field"], "message": view["cost"]["message"]}
    return view


def _alternatives(case: dict, key: str, today: date) -> tuple[list[dict], list]:
    """What the tables would give for each value of the key a «не знаю» left open (the 405-р category of
    impairment): [{"answer": its words, "offers": [...], "depends": [...]}] (what would hold only for some
    answer to another «не знаю»), and the degrees (which do not depend on it)."""
    ruleset = bundled_ruleset()
    inputs = derived_keys(case.get("category")).get(key, [])
    out, degrees = [], []
    for value in ruleset.fields[key]["values"]:
        trial = {k: v for k, v in case.items() if k not in inputs}
        trial[key] = value
        try:
            view = result_view(assess(trial), today)
        except KitError:
            continue
        degrees = degrees or view["degrees"]
        # What holds only for some other «не знаю»: each form and its numbers once (the conditions are
        # shown once that answer is known).
        depends = list(dict.fromkeys(f'{d["form"]} ({ripso_text(d["ripso"])})' for d in view["depends"]))
        out.append({"answer": ruleset.value_label(key, value), "offers": view["offers"], "depends": depends})
    return out, degrees


def _undetermined_by(err: KitError, answers: Mapping) -> Question | None:
    """The question whose «не знаю» left a table key the engine cannot do without (the kinds of impairment,
    from which the 405-р category is derived), or None for any other refusal."""
    inputs = derived_keys(answers.get("category")).get(err.field or "", [])
    if err.code != "missing_key" or not inputs:
        return None
    return next((q for q in asked_questions(answers) if q.key in inputs and q.undetermined
                 and any(v in q.exclusive for v in answers.get(q.key) or [])), None)


def _frame(today: date) -> dict:
    """What every view carries whatever the answers: the wording, where to apply, the deadlines."""
    return {"today": today, "t": texts(), "status": "start", "pending": 0, "missing": [], "error": None,
            "urgent": None, "answers": [], "answered": [], "degrees": [], "offers": [], "depends": [], "none": None,
            "derived": [], "derived_short": [], "undetermined": None,
            "near_misses": [], "early_help": None, "cost": {"state": "none"}, "cost_inputs": {},
            "cost_error": None, "documents": [], "deadlines": deadlines_list(today),
            "rule_set": bundled_ruleset().info(), "result": None}


def result_view(result: dict, today: date | None = None) -> dict:
    """The facts of an engine result in plain words (no documents or cost: those need the answers)."""
    view = _frame(today or date.today())
    if "error" in result:
        view.update(status="refused", error=result["error"])
        return view
    forms = bundled_ruleset().forms
    hints = texts()["form_hints"]
    view["status"] = "complete"
    view["result"] = result
    view["rule_set"] = result["rule_set"]
    view["degrees"] = [{"title": title, "degree": s["degree"], "band": s["band"].lower(), "points": s["points"],
                        "max_points": s["max_points"]}
                       for name, title in _scale_titles() if (s := result.get(name))]
    recs = result.get("recommendations", [])
    view["offers"] = [{"form": forms[r["form"]], "code": r["form"], "ripso": list(r["ripso"]), "hint": hints[r["form"]],
                       "why": _why(r), "table": r["table"], "rule": r["rule"], "caveat": r.get("caveat", ""),
                       "by_reading": bool(r.get("readings"))}
                      for r in recs]
    depends = result.get("depends_on", [])
    # One line per form and programme: a row that holds for either of two unknown answers was said twice.
    grouped: dict[tuple, list[str]] = {}
    for d in depends:
        whens = grouped.setdefault((forms[d["form"]], tuple(d["ripso"])), [])
        if (when := _when(d["when"])) not in whens:
            whens.append(when)
    # And one line per form and conditions: programmes that hold on the same answers are named together.
    merged: dict[tuple, list[int]] = {}
    for (form, ripso), whens in grouped.items():
        numbers = merged.setdefault((form, "; или если ".join(whens)), [])
        numbers += [n for n in ripso if n not in numbers]
    view["depends"] = [{"form": form, "ripso": numbers, "when": when} for (form, when), numbers in merged.items()]
    early = result.get("early_help")
    if early:
        # Table 3.3 names no form: its verdict, and the numbers of the criteria met.
        view["early_help"] = {"verdict": early["verdict"], "text": texts()["result"][f"early_help_{early['verdict']}"],
                              "criteria": [c["criterion"] for c in early.get("criteria", [])]}
    # Nothing recommended: the engine's note says why (a child too young for table 3.2), or, unless early
    # help is the answer, the tables name no form.
    if not recs and not depends and (result.get("note") or not (early and early["verdict"] == "needed")):
        view["none"] = {"note": result.get("note", "")}
    view["near_misses"] = [{"form": forms[m["form"]], "ripso": list(m["ripso"]), "label": _lower_first(m["label"]),
                            "needs": _needs(m)} for m in result.get("near_misses", [])[:NEAR_MISSES_SHOWN]]
    # What the engine derived from the answers (the 405-р category, loneliness, medical indications), in
    # the rule set's own words with the lines and readings that decided.
    view["derived"] = [d["why"] for d in result.get("derived", {}).values()]
    view["derived_short"] = [_derived_short(key, d) for key, d in result.get("derived", {}).items()]
    return view


def _derived_short(key: str, entry: dict) -> str:
    """«одиночество (…): да (стр. 898)»: what was derived, for paper, where the whole reasoning would not fit."""
    ruleset = bundled_ruleset()
    value = entry["value"]
    if value is None:
        words = ruleset.value_label(key, None)
    elif value == []:
        words = ruleset.derivations[key]["none"]
    else:
        words = ruleset.value_label(key, tuple(value) if isinstance(value, list) else value)
    lines = ", ".join(str(line) for line in dict.fromkeys(step["seed_line"] for step in entry["steps"]))
    label = ruleset.fields[key]["label"]
    return f"{_lower_first(label)}: {words}" + (f" (стр. {lines})" if lines else "")


def offered_forms(result: dict) -> list[str]:
    """The forms a result recommends or may recommend, once each, in its order."""
    return list(dict.fromkeys(r["form"] for r in result.get("recommendations", []) + result.get("depends_on", [])))


def _scale_titles() -> list[tuple[str, str]]:
    """(scale, its heading on the page: «Уход за собой», «Передвижение»), from calculator.toml."""
    return [(name, texts()["questions"][name]["heading"]) for name in SCALE_NAMES]


def _why(rec: dict) -> str:
    """Why a row holds, in the rule data's words: the flags that are «да», each degree, and each answer
    the row names (the group of disability, the kind of impairment)."""
    ruleset = bundled_ruleset()
    titles = dict(_scale_titles())
    shown = []
    for c in rec["criteria"]:
        value, column = c["value"], c["column"]
        if value is True:
            shown.append(_lower_first(c["label"]))
        elif column in titles:
            shown.append(f"{_lower_first(titles[column])}: степень {value}")
        elif ruleset.fields.get(column, {}).get("kind") == "enum" and value is not None:
            shown.append(f'{_lower_first(ruleset.fields[column]["label"])}: {ruleset.value_label(column, value)}')
    return "; ".join(shown)


def _lower_first(text: str) -> str:
    """A label inside a sentence: its first letter small, the rest as written («ИПРА» stays «ИПРА»)."""
    return text[:1].lower() + text[1:]


def _when(when: dict) -> str:
    """«да: одиночество; заключение врача-психиатра …: психоневрологический интернат (ПНИ)»: values in the
    rule data's words, never as codes."""
    ruleset = bundled_ruleset()
    words = []
    for key, answer in when.items():
        label = _lower_first(ruleset.fields[key]["label"])
        if isinstance(answer, bool):
            words.append(f"{ruleset.value_label(key, answer)}: {label}")
        else:
            words.append(f"{label}: {ruleset.value_label(key, answer)}")
    return "; ".join(words)


def _needs(miss: dict) -> str:
    needs = miss["needs"]
    # `is`, not ==: a degree of 1 (or 0) equals True (False) in Python, and «степень 1» is not «да».
    if len(needs) == 1 and needs[0] is True:
        return "нужно «да»"
    if len(needs) == 1 and needs[0] is False:
        return "нужно «нет»"
    field = miss["column"]          # a set column is named after the case key it tests
    ruleset = bundled_ruleset()
    if field not in ruleset.fields:
        return "нужно одно из: " + ", ".join(str(n) for n in needs) + f" (сейчас {miss['value']})"
    return ("нужно одно из: " + ", ".join(ruleset.value_label(field, n) for n in needs)
            + f" (сейчас {ruleset.value_label(field, miss['value'])})")


# ------------------------------------------------------------------------------------------ urgent help

def urgent_view(trigger_ids: list[str], today: date) -> dict | None:
    """The urgent services the ticked situations call for, the referral's date and any safety notes."""
    from socmethod.procedure.urgent import services_for_triggers, triggers
    if not trigger_ids:
        return None
    services = services_for_triggers(list(trigger_ids))
    notes = [t["public_note"] for t in triggers() if t["id"] in trigger_ids and t.get("public_note")]
    return {"services": [{"public": s["public"], "title": s["title"], "number": s["number"]} for s in services],
            "date": today if services else None, "notes": notes}


# ------------------------------------------------------------------------------------------ cost

def _cost_input_error(answers: Mapping) -> dict | None:
    """The income or family size refused where it was typed: {"field", "message"}, or None."""
    from socmethod.procedure.cost import per_capita_income
    income = answers.get("income")
    if not (income or "").strip():
        return None
    try:
        per_capita_income(income, answers.get("members") or "1")
    except KitError as err:
        return _cost_field_error(err)
    return None


def _cost_field_error(err: KitError) -> dict:
    """{"field", "message"} for a refused income or family size, the message naming the field by the
    words the page asks it with (calculator.toml [cost]), never by its key (`family_income`)."""
    field = "members" if err.field == "members" else "income"
    label = texts()["cost"]["members" if field == "members" else "family_income"]
    said = err.relocated(err.where, field=label)
    return {"field": field, "message": f"{said.message} {said.fix}".strip()}


def cost_view(result: dict, answers: Mapping, today: date) -> dict:
    """The cost of the offered forms: {"state": "none"} (no form), "skip" (no income given), "error" (the
    income or family size refused: "field", "message") or "estimate" with the estimate and a line per form
    (442-ФЗ ст. 31-32, data/cost.toml)."""
    from socmethod.procedure.cost import estimate, group_for, per_capita_income
    forms = offered_forms(result)
    if not forms:
        return {"state": "none"}
    free_category = answers.get("free_category") or None
    if not (answers.get("income") or "").strip() and free_category is None:
        return {"state": "skip"}
    try:
        income = per_capita_income(answers.get("income") or "0", answers.get("members") or "1")
        est = estimate(income, group_for(result["category"]), forms, today.year, free_category)
    except KitError as err:
        return {"state": "error", **_cost_field_error(err)}
    return {"state": "estimate", "reason": est["reason"], "is_estimate": est["is_estimate"],
            "forms": [{"label": f["label"], "free": f["free"], "upper_fee": f["upper_fee"], "rule": f["rule"]}
                      for f in est["forms"].values()],
            "estimate": est}


# ------------------------------------------------------------------------------------------ documents

def document_groups(case: dict, result: dict, representative: bool = False) -> list[dict]:
    """What to bring, for the forms this case may be offered, in the citizen's words (405-р, section 3,
    Appendix 2 to the Conclusion), as groups {"kind", "title", "items"} (+ "form" for a form's own
    documents, "note" for how a circumstance's documents count, "rule": listed / one_of);
    `representative`: a relative applies on the person's behalf, so their own identity and authority
    documents come first."""
    from socmethod.procedure.documents import documents_for, load_documents
    try:
        docs = documents_for(case, offered_forms(result))
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
            about = _lower_first(c["public"].rstrip("."))
            groups.append({"kind": kind, "title": f"{prefix}: {about}", "rule": c["rule"],
                           "note": c["rule_text"], "items": [_confirming(d, c) for d in c.get("mandatory", [])]
                           + [_confirming(d, c) for d in c["documents"]]})
            also = c.get("also_one_of")
            if also:
                groups.append({"kind": kind, "title": also["text"].rstrip(":"), "rule": "one_of",
                               "about": about, "items": also["documents"]})
    # Every group carries every key, so the templates need not ask which ones it has.
    return [{"title": "", "note": "", "rule": "", "form": "", "about": "", **g} for g in groups if g["items"]]


def _confirming(doc: dict, circumstance: dict) -> dict:
    """A document confirming a circumstance, its wording completed with what the seed attaches to it: the
    Form 3 mark "обязательно" (and its condition) or a Form 1 footnote's requirement."""
    extra = []
    if doc.get("mandatory"):
        extra.append(circumstance["mandatory_text"] + (f', {doc["condition"]}' if doc.get("condition") else ""))
    if doc.get("requirement"):
        extra.append(doc["requirement"]["text"])
    return {**doc, "public": " — ".join([doc["public"].rstrip("."), *extra])} if extra else doc


def paper_documents(groups: list[dict]) -> list[dict]:
    """The document groups, shorter for paper: a document several forms ask for (the 216н conclusion) is
    listed once with its forms, and so is a document that confirms several circumstances where each of
    them needs all its documents (Form 1: the МСЭ certificate, ИПРА, medical papers … come back for every
    circumstance). Form 3 circumstances ("достаточно одного из документов") keep their own lists: merged,
    "one of" would no longer say one of which. A document wanted only if an unknown answer turns out "yes"
    is marked so. Groups as {"title", "items"}."""
    out, by_form, confirm, after = [], {}, {}, []
    for g in groups:
        if g["kind"] == "form":
            for d in g["items"]:
                by_form.setdefault(d.get("id") or d["public"], {"doc": d, "forms": []})["forms"].append(g["form"])
        elif g["kind"] in ("confirm", "possible") and g.get("rule") == "listed":
            for d in g["items"]:
                key = d.get("id") or d["public"]
                if key not in confirm:
                    confirm[key] = {"doc": d, "only_if": g["kind"] == "possible"}
                elif g["kind"] == "confirm":
                    confirm[key]["only_if"] = False
        elif g.get("rule") == "one_of" and g.get("about"):
            # «Кроме того, … одним из документов» follows its circumstance, which on paper is merged into
            # «Чем подтвердить обстоятельства» below: it goes after that list and names its circumstance.
            after.append({"title": f'{g["title"]} ({g["about"]})', "items": g["items"]})
        else:
            out.append({"title": g["title"] + (f' — {g["note"]}' if g.get("note") else ""), "items": g["items"]})
    if by_form:
        out.append({"title": "Для выбранной формы обслуживания", "items": [
            {**e["doc"], "public": f'{e["doc"]["public"]} — для формы: {", ".join(e["forms"])}'} for e in by_form.values()]})
    if confirm:
        out.append({"title": "Чем подтвердить обстоятельства", "items": [
            {**e["doc"], "public": e["doc"]["public"] + (" — если подтвердится ответ «не знаю»" if e["only_if"] else "")}
            for e in confirm.values()]})
    return out + after


# ------------------------------------------------------------------------------------------ deadlines

@lru_cache(maxsize=4)
def _deadlines(day: date) -> tuple[tuple[str, str, date], ...]:
    try:
        from socmethod.procedure.deadlines import procedure_deadlines
        plan = procedure_deadlines(day)
    except KitError:
        return ()
    by_id = {d["id"]: d for d in plan.get("deadlines", []) if d.get("date")}
    return tuple((label, short, date.fromisoformat(by_id[i]["date"]))
                 for i, label, short in texts()["deadlines"]["shown"] if i in by_id)


def deadlines_list(day: date) -> list[dict]:
    """The steps after an application filed on `day`, with their latest dates: {"label", "short", "date",
    "year"} where `year` says whether the short form must name the year (the summary names it once, on the
    last step, when every step falls in the same year)."""
    steps = _deadlines(day)
    same_year = len({when.year for _, _, when in steps}) == 1
    return [{"label": label, "short": short, "date": when, "year": not same_year or i == len(steps) - 1}
            for i, (label, short, when) in enumerate(steps)]


def warm_up() -> None:
    """Load what a visitor's first result would otherwise wait for (~0.3 s: the documents table, the
    holiday calendar of the deadlines, the cost parameters, the templates)."""
    from socmethod.procedure.cost import parameters
    from socmethod.procedure.documents import load_documents
    parameters()
    load_documents()
    deadlines_list(date.today())
