"""Procedure deadlines of order 405-р in working days of the Russian production calendar.

The deadlines themselves are data (data/deadlines.toml); this module supplies the calendar and the
counting rules:

* A working day is a Monday–Friday that is not a non-working holiday or a transferred day off, or a
  Saturday/Sunday that a Government decree made a working day (2025-11-01, for example).
* Counting forward (ГК РФ ст. 191): a term starts on the day after its event, so working day 1 is the
  first working day after the event and the deadline is working day n. An event on a day off (an
  application received on 31 December) therefore counts from the first working day after it.
* Counting backward ("не позднее чем за 10 рабочих дней до"): the latest working day that leaves n whole
  working days strictly between it and the event; see `working_days_before`.
* A chained step counts from the latest allowed date of the step before it, unless the user gives the
  actual date (the decision date).

The calendar comes from the `holidays` package, which carries the Government's transfer decrees year by
year. For a year it has no decree for (the production calendar is published in the autumn before) the
calendar is rebuilt from weekends, the non-working holidays of ТК РФ ст. 112 and that article's automatic
transfer of a holiday falling on a weekend; every deadline that touched such a year is marked
`approximate` with a Russian explanation.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

import holidays

from socmethod.core.errors import KitError
from socmethod.core.schema import Integer, ListOf, MapOf, OneOf, Ref, SeedLine, Table, Text, Where, check, load_toml
from socmethod.core.wording import date_ru

# The holidays package models Russia from 1991; earlier calendars (a six-day week until 1967, Soviet
# holidays) are out of reach, so refusing is more honest than guessing.
MIN_YEAR = getattr(holidays.country_holidays("RU"), "start_year", 1991)
# Far-future approximations carry no information and years near 9999 would overflow date arithmetic.
MAX_YEAR = 2100

# Used only if a future `holidays` release reorganises its Russian data: the last year with decrees in
# version 0.109. Erring low only over-flags results as approximate; it never hides an approximation.
_FALLBACK_OFFICIAL_THROUGH = 2027

# New Year holidays and Christmas (ТК РФ ст. 112 ч. 1 абз. 2–3): when they fall on a weekend the day off
# is not moved automatically; the Government moves it by decree, which is what we cannot know in advance.
_NO_AUTO_TRANSFER = {(1, d) for d in range(1, 9)}

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


# ------------------------------------------------------------------------------------------ calendar

@lru_cache(maxsize=1)
def official_through() -> int:
    """The last year whose production calendar (transfer decrees) the installed `holidays` carries."""
    try:
        from holidays.countries.russia import RussiaStaticHolidays

        years = set(RussiaStaticHolidays.special_public_holidays)
        years |= set(getattr(RussiaStaticHolidays, "special_public_holidays_observed", {}))
        return max(years)
    except (ImportError, AttributeError, ValueError):
        return _FALLBACK_OFFICIAL_THROUGH


def calendar_is_official(year: int) -> bool:
    """True when the year's production calendar is published (known transfers), False if approximated."""
    return year <= official_through()


@dataclass(frozen=True)
class _YearCalendar:
    days_off: frozenset[date]  # holidays and transferred days off, whatever weekday they fall on
    weekend_workdays: frozenset[date]  # Saturdays/Sundays made working days by decree
    official: bool


@lru_cache(maxsize=None)
def _year_calendar(year: int) -> _YearCalendar:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise KitError("calendar_unavailable", value=year,
                       allowed=f"Сроки рассчитываются для дат с {MIN_YEAR} по {MAX_YEAR} год.")
    cal = holidays.country_holidays("RU", years=year)
    days_off = {d for d in cal if d.year == year}
    workdays = {d for d in cal.weekend_workdays if d.year == year}
    official = calendar_is_official(year)
    if not official:
        # Without a decree only the law applies: a holiday on a weekend gives the next working day off
        # (ТК РФ ст. 112 ч. 2), except the New Year holidays and Christmas, which the decree moves.
        for holiday in sorted(days_off):
            if holiday.weekday() < 5 or (holiday.month, holiday.day) in _NO_AUTO_TRANSFER:
                continue
            moved = holiday + timedelta(days=1)
            while moved.weekday() >= 5 or moved in days_off:
                moved += timedelta(days=1)
            days_off.add(moved)
    return _YearCalendar(frozenset(days_off), frozenset(workdays), official)


def _as_date(d) -> date:
    # datetime is a date subclass but never equal to one, so set lookups would silently miss.
    if isinstance(d, datetime):
        return d.date()
    if isinstance(d, date):
        return d
    raise TypeError(f"expected a date, got {type(d).__name__}")


@lru_cache(maxsize=1)
def _production_calendar():
    """The `holidays` production calendar of Russia (holidays, transfers, working weekend days)."""
    return holidays.country_holidays("RU")


def is_working_day(d: date) -> bool:
    """Working day on the Russian production calendar: the `holidays` package's own answer for years with
    published decrees, the approximation of `_year_calendar` for the others."""
    d = _as_date(d)
    cal = _year_calendar(d.year)          # also refuses years outside MIN_YEAR..MAX_YEAR
    if cal.official:
        return _production_calendar().is_working_day(d)
    if d.weekday() >= 5:
        return d in cal.weekend_workdays
    return d not in cal.days_off


def _step(d: date, direction: int) -> date:
    """The nearest working day strictly after (direction=1) or before (direction=-1) `d`."""
    d += timedelta(days=direction)
    while not is_working_day(d):
        d += timedelta(days=direction)
    return d


def working_days_after(start: date, n: int) -> date:
    """The n-th working day after `start` (ГК РФ ст. 191: the event day is not counted).

    n = 0 means "the same day" and returns `start` itself, working day or not.
    """
    d = _as_date(start)
    if n < 0:
        raise ValueError("n must not be negative")
    for _ in range(n):
        d = _step(d, 1)
    return d


def working_days_before(end: date, n: int) -> date:
    """The latest working day that leaves n whole working days strictly between it and `end`.

    "Не позднее чем за 10 рабочих дней до окончания срока": the day the act is done is not one of the
    10 days (it is spent on the act), and neither is `end`. This is the strictest reading: a date that
    satisfies it satisfies every looser one (counting the act day, or counting `end`). n = 0 gives the
    last working day before `end`.
    """
    d = _as_date(end)
    if n < 0:
        raise ValueError("n must not be negative")
    for _ in range(n + 1):
        d = _step(d, -1)
    return d


def _add_years(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February: the term ends on the last day of February (ГК РФ ст. 192 п. 3)
        return d.replace(year=d.year + years, day=28)


def _unofficial_years(a: date, b: date) -> set[int]:
    lo, hi = min(a, b), max(a, b)
    return {y for y in range(lo.year, hi.year + 1) if not calendar_is_official(y)}


def _approximate_reason(years: set[int]) -> str:
    text = load_rules()["text"]
    return text["approximate"].format(years=", ".join(str(y) for y in sorted(years)),
                                      years_noun=text["year_one" if len(years) == 1 else "year_many"],
                                      official_through=official_through())


# ------------------------------------------------------------------------------------------ input

def parse_date(text: str, field: str) -> date:
    """A calendar date written YYYY-MM-DD; anything else is refused with `bad_date`."""
    if not isinstance(text, str):
        raise KitError("bad_date", field=field, value=text)
    stripped = text.strip()
    # fromisoformat alone would also take 20251229 or 2025-W01-1, which a form user never means.
    if not _ISO_DATE.fullmatch(stripped):
        raise KitError("bad_date", field=field, value=text)
    try:
        return date.fromisoformat(stripped)
    except ValueError:
        raise KitError("bad_date", field=field, value=text) from None




# ------------------------------------------------------------------------------------------ rules

EVENT = Table(required={"title": Text()}, optional={"input": OneOf(("applied", "decided", "programme_end")),
                                                  "fallback": Ref("deadline")})
DEADLINE = Table(required={"id": Text(), "track": Text(), "title": Text(), "from": Ref("event"),
                           "unit": OneOf(("working_days", "same_day", "years", "previous_month")),
                           "count": Integer(0, 100), "direction": OneOf(("after", "before")), "basis": Text(),
                           "seed_line": SeedLine(), "quote": Text()},
                 optional={"cap_from": Ref("event"), "cap_count": Integer(0, 100), "reading": Text(), "note": Text()},
                 id="id", collection="deadline")
def _slots(*names: str) -> Where:
    """A text with exactly these {placeholders} (a missing or misspelt one would print wrong or fail)."""
    def test(text: str) -> str | None:
        found = set(re.findall(r"{(\w+)}", text))
        return None if found == set(names) else f"подстановки {sorted(found)}, а нужны {sorted(names)}"
    return Where(Text(), test)


WORDING = Table(required={"approximate": _slots("years", "years_noun", "official_through"), "year_one": Text(),
                          "year_many": Text(), "same_day": Text(), "years_after": _slots("n"), "previous_month": Text(),
                          "working_days_before": _slots("n", "days"), "working_days_after": _slots("n", "days"),
                          "day_one": Text(), "day_few": Text(), "day_many": Text(), "given": Text(),
                          "fallback": _slots("deadline"), "calendar_source": _slots("version"), "counting": Text(),
                          "late_decision": _slots("decided", "due"), "cap_passed": _slots("cap"),
                          "long_programme": _slots("programme_end", "revision"),
                          "provider_too_early": _slots("send_by", "made_by")})
DEADLINES = Table(required={"meta": Table(extra=True), "events": MapOf(EVENT, collection="event", min=1),
                            "deadline": ListOf(DEADLINE, min=1), "text": WORDING})


@lru_cache(maxsize=1)
def load_rules() -> dict:
    """data/deadlines.toml, checked: every deadline with its basis, seed line and quote, counting from an
    event the file defines; a methodologist's typo fails naming the deadline and the key."""
    return check(load_toml("deadlines.toml"), DEADLINES, "data/deadlines.toml")


def _rule_text(rule: dict) -> str:
    text = load_rules()["text"]
    n, unit = rule["count"], rule["unit"]
    if unit in ("same_day", "previous_month"):
        return text[unit]
    if unit == "years":
        return text["years_after"].format(n=n)
    days = text["day_one" if n == 1 else ("day_few" if 2 <= n <= 4 else "day_many")]
    return text["working_days_before" if rule["direction"] == "before" else "working_days_after"].format(n=n, days=days)


# ------------------------------------------------------------------------------------------ chain

def _check_year(d: date, field: str) -> None:
    if not MIN_YEAR <= d.year <= MAX_YEAR:
        raise KitError("calendar_unavailable", field=field, value=d.year,
                       allowed=f"Сроки рассчитываются для дат с {MIN_YEAR} по {MAX_YEAR} год.")


def procedure_deadlines(applied: date, decided: date | None = None,
                        programme_end: date | None = None) -> dict:
    """Every deadline of the procedure that the given dates determine, as JSON-ready data.

    Without `decided` the programme and the notification count from the latest lawful decision date;
    with it, from the actual decision (the programme still caps at 10 working days after the
    application). `programme_end` adds the provider's conclusion (8.2) and request (8.3).
    """
    inputs: dict[str, date | None] = {}
    for field, value in (("applied", applied), ("decided", decided), ("programme_end", programme_end)):
        if value is None:
            inputs[field] = None
            continue
        if not isinstance(value, date):
            raise KitError("bad_date", field=field, value=value)
        inputs[field] = _as_date(value)
        _check_year(inputs[field], field)
    if inputs["applied"] is None:
        raise KitError("bad_date", field="applied", value="")
    applied = inputs["applied"]
    decided = inputs["decided"]
    programme_end = inputs["programme_end"]
    if decided is not None and decided < applied:
        raise KitError("date_order", field="decided", value=decided.isoformat(),
                       allowed=f"Решение не может быть принято раньше подачи заявления ({applied.isoformat()}).")
    latest_start = decided or applied
    if programme_end is not None and programme_end <= latest_start:
        raise KitError("date_order", field="programme_end", value=programme_end.isoformat(),
                       allowed=("Окончание срока действия программы должно быть позже подачи заявления"
                                " и решения." ))

    rules = load_rules()
    events_def = rules["events"]
    # event -> (date, how it was obtained, unofficial calendar years it depends on)
    events: dict[str, tuple[date, str, set[int]]] = {}
    for name, event in events_def.items():
        given = inputs.get(event.get("input", ""))
        if given is not None:
            events[name] = (given, rules["text"]["given"], set())

    computed: dict[str, dict] = {}
    internal: dict[str, tuple[date, set[int]]] = {}
    pending = list(rules["deadline"])
    # Deadlines depend on events that other deadlines supply: evaluate until nothing more resolves.
    progress = True
    while pending and progress:
        progress = False
        for rule in list(pending):
            needed = [rule["from"]] + ([rule["cap_from"]] if "cap_from" in rule else [])
            for name in needed:
                if name not in events:
                    fallback = events_def[name].get("fallback")
                    if fallback in internal:
                        d, years = internal[fallback]
                        events[name] = (d, rules["text"]["fallback"].format(deadline=fallback), set(years))
            if any(name not in events for name in needed):
                continue
            try:
                entry, result_date, years = _evaluate(rule, events, events_def)
            except KitError as err:
                if err.code != "calendar_unavailable":
                    raise
                # The dates given are in range, but a step they lead to is not: say so of the dates given.
                raise KitError("dates_out_of_range", field="applied", value=applied.isoformat(),
                               allowed=f"Срок «{rule['title']}» приходится на {err.params['value']} год, а сроки "
                                       f"рассчитываются по {MAX_YEAR} год включительно: укажите более раннюю дату.") from None
            computed[rule["id"]] = entry
            internal[rule["id"]] = (result_date, years)
            pending.remove(rule)
            progress = True
    # Whatever is still pending counts from an event nobody supplied (programme_end not given, social
    # support registration): it is left out rather than guessed.

    deadlines = [computed[r["id"]] for r in rules["deadline"] if r["id"] in computed]
    warnings = _warnings(computed, internal, decided, programme_end)
    return {
        "applied": applied.isoformat(),
        "decided": decided.isoformat() if decided else None,
        "programme_end": programme_end.isoformat() if programme_end else None,
        "calendar": {
            "source": rules["text"]["calendar_source"].format(version=holidays.__version__),
            "official_through": official_through(),
            "counting": rules["text"]["counting"],
            "before_reading": " ".join(rules["meta"]["before_reading"].split()),
        },
        "deadlines": deadlines,
        "warnings": warnings,
    }


def _evaluate(rule: dict, events: dict, events_def: dict) -> tuple[dict, date, set[int]]:
    base, source, base_years = events[rule["from"]]
    unit, n = rule["unit"], rule["count"]
    years = set(base_years)
    extra: dict = {}
    if unit == "same_day":
        result = base
    elif unit == "working_days" and rule["direction"] == "after":
        result = working_days_after(base, n)
        years |= _unofficial_years(base, result)
        if "cap_from" in rule:
            cap_base, _, cap_base_years = events[rule["cap_from"]]
            cap = working_days_after(cap_base, rule["cap_count"])
            cap_years = set(cap_base_years) | _unofficial_years(cap_base, cap)
            extra["cap"] = {"date": cap.isoformat(), "counted_from": rule["cap_from"],
                            "working_days": rule["cap_count"]}
            extra["capped"] = cap < result
            # Whether the cap binds depends on both counts, so both calendars matter.
            years |= cap_years
            result = min(result, cap)
    elif unit == "working_days":
        result = working_days_before(base, n)
        years |= _unofficial_years(result, base)
    elif unit == "years":
        nominal = _add_years(base, n)
        result = nominal
        if not is_working_day(result):
            result = _step(result, 1)  # ГК РФ ст. 193
            extra["nominal_date"] = nominal.isoformat()
        years |= _unofficial_years(nominal, result)
    elif unit == "previous_month":
        first_of_month = base.replace(day=1)
        last_prev = first_of_month - timedelta(days=1)
        first_prev = last_prev.replace(day=1)
        result = last_prev if is_working_day(last_prev) else _step(last_prev, -1)
        window = first_prev if is_working_day(first_prev) else _step(first_prev, 1)
        extra["window_from"] = window.isoformat()
        years |= _unofficial_years(first_prev, last_prev)
    else:  # pragma: no cover - load_rules() refuses other units
        raise AssertionError(unit)

    entry = {
        "id": rule["id"],
        "track": rule["track"],
        "title": rule["title"],
        "date": result.isoformat(),
        "date_text": date_ru(result),
        "rule": _rule_text(rule),
        "basis": {"paragraph": rule["basis"], "seed_line": rule["seed_line"], "quote": rule["quote"]},
        "counted_from": {"event": rule["from"], "title": events_def[rule["from"]]["title"],
                         "date": base.isoformat(), "source": source},
        "approximate": bool(years),
    }
    if years:
        entry["approximate_reason"] = _approximate_reason(years)
    entry.update(extra)
    for key in ("reading", "note"):
        if key in rule:
            entry[key] = " ".join(rule[key].split())
    return entry, result, years


def _warnings(computed: dict, internal: dict, decided: date | None, programme_end: date | None) -> list[str]:
    text = load_rules()["text"]
    out = []
    if decided is not None and "decision" in internal:
        due = internal["decision"][0]
        if decided > due:
            out.append(text["late_decision"].format(decided=date_ru(decided), due=date_ru(due)))
    programme = computed.get("programme")
    if programme and programme.get("capped") and decided is not None:
        cap = date.fromisoformat(programme["cap"]["date"])
        if cap < decided:
            out.append(text["cap_passed"].format(cap=date_ru(cap)))
    if programme_end is not None and "revision" in internal:
        revision = internal["revision"][0]
        if programme_end > revision:
            out.append(text["long_programme"].format(programme_end=date_ru(programme_end), revision=date_ru(revision)))
    if "provider_conclusion" in internal and "programme" in internal:
        send_by, made_by = internal["provider_conclusion"][0], internal["programme"][0]
        if send_by < made_by:
            out.append(text["provider_too_early"].format(send_by=date_ru(send_by), made_by=date_ru(made_by)))
    return out
