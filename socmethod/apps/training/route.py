"""The route of a case: the steps of sections 3-5 of the Порядок (data/route.toml) with the deadlines of
data/deadlines.toml on the production calendar, for an application date a trainee picks."""
from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from functools import lru_cache

from socmethod.apps.training.words import weekday_short
from socmethod.core.schema import ListOf, OneOf, SeedLine, Table, Text, check, load_toml
from socmethod.procedure.deadlines import is_working_day, load_rules, procedure_deadlines
from socmethod.render import render

ROUTE_FILE = "route.toml"
STEP = Table(required={"step": Text(), "short": Text(), "paragraph": Text(), "seed_line": SeedLine(), "document": Text()},
             optional={"deadline": OneOf(lambda: [d["id"] for d in load_rules()["deadline"]],
                                         what="срок «{value}» не найден в data/deadlines.toml")})
ROUTE = Table(required={"step": ListOf(STEP, min=1, name="шаг")})


@lru_cache(maxsize=1)
def route_steps() -> tuple[dict, ...]:
    """The steps of data/route.toml, each with every key present and a deadline that data/deadlines.toml
    knows; a defect is refused naming the step and the key."""
    spec = check(load_toml(ROUTE_FILE), ROUTE, f"data/{ROUTE_FILE}", code="malformed_file")
    return tuple({**step, "deadline": step.get("deadline")} for step in spec["step"])


def route(applied: date, decided: date | None = None, programme_end: date | None = None) -> dict:
    """The route of a case with the deadlines of sections 4-5 (and 8 when the programme's end is given)."""
    plan = procedure_deadlines(applied, decided, programme_end)
    by_id = {d["id"]: d for d in plan["deadlines"]}
    steps = [{**step, "due": by_id.get(step["deadline"]) if step["deadline"] else None} for step in route_steps()]
    later = [by_id[k] for k in ("revision", "provider_conclusion", "provider_request") if k in by_id]
    return {"applied": applied, "decided": decided, "steps": steps, "later": later, "urgent": by_id.get("urgent_referral"),
            "warnings": plan["warnings"], "calendar": plan["calendar"]}


def calendar_days(start: date, end: date, marks: dict[date, list[str]]) -> list[dict]:
    """Calendar days from `start` to `end`, each with whether it is a working day and its steps."""
    days = []
    d = start
    while d <= end:
        days.append({"date": d, "weekday": weekday_short(d.weekday()), "working": is_working_day(d),
                     "marks": marks.get(d, [])})
        d += timedelta(days=1)
    return days


def route_html(applied: date, decided: date | None = None, programme_end: date | None = None) -> str:
    r = route(applied, decided, programme_end)
    marks: dict[date, list[str]] = defaultdict(list)
    steps = []
    for s in r["steps"]:
        due = s["due"]
        origin = None
        if due:
            origin = {**due["counted_from"], "date": date.fromisoformat(due["counted_from"]["date"])}
            marks[date.fromisoformat(due["date"])].append(s["short"])
        else:
            marks[applied].append(s["short"])      # the application starts the count
        steps.append({**s, "origin": origin})
    last = max(marks)
    return render("training/route.html.j2", r=r, steps=steps,
                  days=calendar_days(applied, last + timedelta(days=1), marks))
