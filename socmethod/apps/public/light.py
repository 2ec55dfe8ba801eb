"""The light page: the public calculator as server-rendered HTML forms, for any browser and any phone.

One page with progressive disclosure: the urgent situations, who asks and who the person is; then that
person's questions (data/calculator.toml via the model), the cost, and the result under them. It works
with JavaScript switched off: the form is posted (the answers travel in the form's body, never in a URL),
and the server answers with the same page, the next questions shown, the result once every question is
answered, and on «Показать результат» each missing or refused answer named in an error summary and at
its field. With JavaScript on, the page's one script posts the same form to the API
(`POST /api/v1/calculator`) as answers change and swaps in the fragments rendered here, so both ways show
what the same templates say, and what the Voila calculator says: the model and the partials are shared.

Nothing is kept: each request is answered from its own form and forgotten.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Mapping

from socmethod.apps.public.model import (
    Question,
    answers_from_form,
    build_view,
    free_category_options,
    opening_questions,
    questions,
    urgent_options,
)
from socmethod.apps.public.summary import summary_document
from socmethod.apps.public.wording import texts
from socmethod.render import render

COST_FIELDS = ("income", "members", "free_category")
EMPTY_ANSWERS = {"urgent": [], "who": None, "category": None, "income": None, "members": None, "free_category": None}


def _state(form: Mapping[str, list[str]] | None, action: str | None) -> dict:
    """The answers of a posted form, their view and the errors to show ({answer key: {"id" of the element
    to go to, "message", "question"}} in page order). A refused value or a refused income is shown at once; a missing answer only when the visitor
    asks for the result (action "result"), as GOV.UK's question pages do."""
    if form is None:
        answers, problems = dict(EMPTY_ANSWERS), {}
    else:
        answers, problems = answers_from_form(form)
    view = build_view(answers)
    page = texts()["page"]
    asked = [*opening_questions(), *questions(answers.get("category"))]
    by_key = {q.key: q for q in asked}
    errors: dict[str, dict] = {}
    for key, message in problems.items():
        if key in by_key:
            errors[key] = {"id": f"{by_key[key].dom_id}-1", "message": message, "question": by_key[key].text}
        elif key == "urgent":
            errors[key] = {"id": "q-urgent-1", "message": message, "question": texts()["urgent"]["question"]}
        elif key == "free_category":
            errors[key] = {"id": "f-free_category", "message": message, "question": texts()["cost"]["free_category"]}
    if view["cost_error"]:
        field = view["cost_error"]["field"]
        errors[field] = {"id": f"f-{field}", "message": view["cost_error"]["message"],
                         "question": texts()["cost"]["family_income" if field == "income" else "members"]}
    if action == "result":
        if not answers.get("category"):
            errors.setdefault("category", {"id": f"{by_key['category'].dom_id}-1", "message": page["missing_category"],
                                           "question": by_key["category"].text})
        for key in view["missing"]:
            q = by_key[key]
            unknown = any(value == "unknown" for value, _ in q.options)
            message = page["missing_ticked"] if q.many else page["missing_unknown" if unknown else "missing"]
            errors.setdefault(key, {"id": f"{q.dom_id}-1", "message": message, "question": q.text})
    order = [q.key for q in asked] + list(COST_FIELDS)
    shown = sorted(errors.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else -1)
    # The error summary lists them when the visitor asked for the result; the fields show theirs always.
    return {"answers": answers, "view": view, "errors": dict(shown), "summary_errors": dict(shown) if action == "result" else {},
            "t": texts(), "page": page}


@dataclass(frozen=True, slots=True)
class Field:
    """A question as the page lays it out: ids, what describes it, whether it is shown (a conditional one is
    hidden while an earlier answer leaves it out: `unless`, "key=answer,answer …" for the page's script),
    and each answer as (element id, value, text, ticked, stands alone, the divider before it). Worked out
    here rather than in the template: a page has ~250 answers, and template logic per answer is what a
    page costs (an object's attributes are also quicker for Jinja than a dict's keys)."""
    key: str
    id: str
    text: str
    hint: str
    error: str | None
    section: str
    type: str
    group: str
    describedby: str
    options: tuple
    unless: str = ""
    shown: bool = True


def _field(question, value, error: str | None, shown: bool = True) -> Field:
    if question.many:
        chosen = {str(v) for v in value or []}
    else:
        chosen = set() if value is None else {str(value)}
    described = [f"{question.dom_id}-hint"] if question.hint else []
    if error:
        described.append(f"{question.dom_id}-error")
    first_alone = next((v for v, _ in question.options if v in question.exclusive), None) if question.many else None
    divider = texts()["ticked"]["divider"]
    return Field(question.key, question.dom_id, question.text, question.hint, error, question.section,
                 "checkbox" if question.many else "radio", "sm-checkboxes" if question.many else "sm-radios",
                 " ".join(described),
                 tuple((f"{question.dom_id}-{n}", str(v), label, str(v) in chosen, v in question.exclusive,
                        divider if v == first_alone else "")
                       for n, (v, label) in enumerate(question.options, start=1)),
                 unless=" ".join(f"{key}={','.join(values)}" for key, values in question.unless), shown=shown)


def _context(state: dict, assets: Mapping[str, str], api_url: str) -> dict:
    answers, errors = state["answers"], state["errors"]

    def field(question) -> Field:
        return _field(question, answers.get(question.key), errors.get(question.key, {}).get("message"),
                      question.asked(answers))
    urgent = Question("urgent", "urgent", texts()["urgent"]["question"], "", tuple(urgent_options()), many=True)
    return {**state, "assets": assets, "api_url": api_url, "urgent_field": field(urgent),
            "opening": [field(q) for q in opening_questions()],
            "questions": [field(q) for q in questions(answers.get("category"))],
            "free_categories": free_category_options()}


def page_html(form: Mapping[str, list[str]] | None, action: str | None, assets: Mapping[str, str],
              api_url: str = "/api/v1/calculator") -> str:
    """The whole page for a posted form (None: the first visit). `assets`: file name -> URL."""
    if form is None:
        return _first_page(date.today(), tuple(assets.items()), api_url)
    return render("public/light/page.html.j2", **_context(_state(form, action), assets, api_url))


@lru_cache(maxsize=4)
def _first_page(today: date, assets: tuple, api_url: str) -> str:
    """The first visit's page is the same for everyone on a given day (its deadlines are dated): made once."""
    return render("public/light/page.html.j2", **_context(_state(None, None), dict(assets), api_url))


def fragments(form: Mapping[str, list[str]], shown_category: str | None = None) -> dict:
    """What the page's script swaps in as answers change: the urgent help under its question, the
    questions of the chosen category (with the answers given; null when the page shows that category's
    questions already, `shown_category`), the result, each field's error, and the ids of the conditional
    questions the answers leave out (the script hides them)."""
    state = _state(form, None)
    context = _context(state, {}, "")
    view = state["view"]
    category = state["answers"].get("category")
    return {
        "category": category,
        "status": view["status"],
        "fragments": {"urgent": render("public/light/urgent.html.j2", **context),
                      "questions": None if category == shown_category and category else
                      render("public/light/questions.html.j2", **context),
                      "result": render("public/light/result.html.j2", **context)},
        "errors": {key: e["message"] for key, e in state["errors"].items()},
        "hidden": [q.dom_id for q in questions(category) if not q.asked(state["answers"])],
        "rule_set": view["rule_set"],
    }


def summary_html(form: Mapping[str, list[str]], assets: Mapping[str, str]) -> str | None:
    """The printable summary of a posted form, its style and print button from the site's own files;
    None while the answers do not give a result (the page, with its errors, is shown instead)."""
    answers, problems = answers_from_form(form)
    view = build_view(answers)
    if problems or view["status"] != "complete" or view["cost_error"]:
        return None
    return summary_document(view, standalone=False, assets=assets)
