"""Every HTML document the kit renders parses as HTML5 without a single parse error (html5lib, the
WHATWG algorithm browsers follow): a stray end tag or an unclosed element is silently repaired by a
browser, differently by each, and by an assistive technology reading the tree. The documents: the light
page at each step and its printed summary, the API page and the problem page; Form 1, the application and
the provider's conclusion; the urgent referral; the classroom's start page, projector, cards and key; the
login and error pages of the Voila servers. (The committee's report and the gaps report are checked where
they are made: test_workbench_report.)"""
from __future__ import annotations

from datetime import date

import pytest
from starlette.testclient import TestClient

from socmethod.apps import training
from socmethod.apps.training.classroom import start_page_html
from socmethod.procedure.urgent import referral, services
from socmethod.render import render
from socmethod.render.cards import cards_html
from socmethod.render.printing import application_html, conclusion_html, provider_conclusion_html
from socmethod.render.referral import referral_html
from socmethod.serving import web
from tests.support.documents import parse_errors
from tests.test_printing import ADULT_UNKNOWN
from tests.test_printing import CHILD as CHILD_CASE
from tests.test_printing import ELDERLY as ELDERLY_CASE
from tests.test_web_page import ADULT, CHILD, ELDERLY


def _light_pages() -> dict[str, str]:
    pages = {}
    with TestClient(web.app) as c:
        pages["start"] = c.get("/").text
        pages["questions"] = c.post("/", data={"category": "elderly", "action": "next"}).text
        pages["errors"] = c.post("/", data={"category": "elderly", "action": "result"}).text
        for name, case in (("elderly", ELDERLY), ("child", CHILD), ("adult", ADULT)):
            answers = {**case, "income": "32000", "urgent": ["no_food"], "action": "result"}
            pages[f"result {name}"] = c.post("/", data=answers).text
            pages[f"summary {name}"] = c.post("/summary", data=answers).text
        pages["api"] = c.get("/api").text
        pages["problem"] = c.get("/no-such-page").text
    return pages


def _printed() -> dict[str, str]:
    by_number = {s["number"]: s["id"] for s in services()}
    return {
        "form 1 elderly": conclusion_html(ELDERLY_CASE),
        "form 1 child": conclusion_html(CHILD_CASE),
        "form 1 adult, unknowns": conclusion_html(ADULT_UNKNOWN),
        "application": application_html(["home", "day_care_over_4h"], ["self_care_loss", "no_care"]),
        "provider conclusion": provider_conclusion_html(),
        "referral (a fragment)": referral_html(referral(["family_status.single"], [by_number[1], by_number[11]], date(2026, 3, 10))),
        "cards": cards_html(["case-001", "case-016"]),
        "key": cards_html(["case-001", "case-016"], with_key=True),
    }


def _classroom(tmp_path) -> dict[str, str]:
    plan = training.SessionPlan("proektor", ["case-001"], True, "Проектор")
    training.save_plan(plan, tmp_path)
    return {"start page": start_page_html("http://192.168.1.5:8866/?token=abcdefghjk", "a" * 10, "Пожилые граждане"),
            "projector": training.classroom.projector_html("proektor", tmp_path, address="http://127.0.0.1:8866/"),
            "login": render("serving/login.html.j2", next="/", action="/login", xsrf="x", refused=True),
            "error": render("serving/error.html.j2", status=404, home="/")}


@pytest.mark.parametrize("documents", [_light_pages, _printed, _classroom],
                         ids=["light page", "printed", "classroom"])
def test_every_document_parses_without_an_error(documents, tmp_path):
    rendered = documents(tmp_path) if documents is _classroom else documents()
    found = {name: errors for name, html in rendered.items() if (errors := parse_errors(html))}
    assert found == {}
