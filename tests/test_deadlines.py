"""Procedure deadlines (order 405-р, sections 4–8) on the Russian production calendar.

Expected dates are worked out by hand from the official production calendars, not from the code:

2025 (days off beyond Saturdays/Sundays): 1–8 Jan; 1–2 May (2 May moved from Sat 4 Jan); 8–9 May (8 May
  moved from Sun 23 Feb); 12–13 Jun (13 Jun moved from Sat 8 Mar); 3–4 Nov (Sat 1 Nov is a working day,
  its day off moved to Mon 3 Nov); 31 Dec (moved from Sun 5 Jan). 247 working days.
2026: 1–9 Jan (9 Jan moved from Sat 3 Jan); 23 Feb; 9 Mar (for Sun 8 Mar); 1 May; 11 May (for Sat 9 May);
  12 Jun; 4 Nov; 31 Dec (moved from Sun 4 Jan). No working Saturdays. 247 working days.
2027 (published, used for chains crossing New Year 2026/27): 1–8 Jan; Sat 20 Feb is a working day
  (22 Feb off); 31 Dec off.
"""
from __future__ import annotations

import json
from datetime import date

import pytest

from socmethod.cli.deadlines import run as deadlines_cli
from socmethod.core.errors import KitError
from socmethod.procedure.deadlines import (
    calendar_is_official,
    is_working_day,
    parse_date,
    procedure_deadlines,
    working_days_after,
    working_days_before,
)

D = date


def chain(applied, decided=None, programme_end=None) -> dict[str, str]:
    return {d["id"]: d["date"] for d in procedure_deadlines(applied, decided, programme_end)["deadlines"]}


def by_id(result: dict) -> dict[str, dict]:
    return {d["id"]: d for d in result["deadlines"]}


# ------------------------------------------------------------------------------------------ calendar

@pytest.mark.parametrize("day, working", [
    (D(2025, 11, 1), True),    # Saturday made a working day (its day off moved to 3 Nov)
    (D(2025, 11, 2), False),   # Sunday
    (D(2025, 11, 3), False),   # Monday off by transfer
    (D(2025, 11, 4), False),   # Unity Day
    (D(2025, 11, 5), True),
    (D(2025, 12, 31), False),  # moved from Sun 5 Jan 2025
    (D(2026, 1, 9), False),    # moved from Sat 3 Jan 2026
    (D(2026, 1, 12), True),    # first working day of 2026
    (D(2026, 12, 31), False),  # moved from Sun 4 Jan 2026
    (D(2026, 12, 30), True),
    (D(2027, 2, 20), True),    # working Saturday of 2027
    (D(2027, 2, 22), False),
])
def test_known_days(day, working):
    assert is_working_day(day) is working


def test_may_holidays_2025():
    off = {D(2025, 5, d) for d in (1, 2, 3, 4, 8, 9, 10, 11)}
    for d in range(1, 13):
        day = D(2025, 5, d)
        assert is_working_day(day) is (day not in off), day


def test_may_holidays_2026():
    # 1 May is a Friday; Victory Day falls on Saturday 9 May, so Monday 11 May is off.
    off = {D(2026, 5, d) for d in (1, 2, 3, 9, 10, 11)}
    for d in range(1, 13):
        day = D(2026, 5, d)
        assert is_working_day(day) is (day not in off), day


@pytest.mark.parametrize("year, total", [(2024, 248), (2025, 247), (2026, 247)])
def test_yearly_working_day_totals_match_official_calendar(year, total):
    days = (D(year + 1, 1, 1) - D(year, 1, 1)).days
    count = sum(is_working_day(D.fromordinal(D(year, 1, 1).toordinal() + i)) for i in range(days))
    assert count == total


def test_published_years():
    # holidays 0.109 carries the transfer decrees through 2027; later years are approximated.
    assert calendar_is_official(2027)
    assert not calendar_is_official(2028)


def test_approximate_year_applies_automatic_transfer():
    # ТК РФ ст. 112: Unity Day 2028 is a Saturday, so Monday 6 Nov 2028 is off even without a decree;
    # 8 Mar 2031 is a Saturday, so Monday 10 Mar 2031 is off.
    assert not is_working_day(D(2028, 11, 6))
    assert is_working_day(D(2028, 11, 7))
    assert not is_working_day(D(2031, 3, 10))
    # New Year holidays on a weekend are moved only by decree, which does not exist yet: 10 Jan 2028
    # (the Monday after Sat 8 Jan) stays a working day in the approximation.
    assert is_working_day(D(2028, 1, 10))


# ------------------------------------------------------------------------------------------ counting

def test_working_days_after_skips_the_event_day():
    assert working_days_after(D(2025, 12, 29), 1) == D(2025, 12, 30)
    assert working_days_after(D(2025, 12, 29), 2) == D(2026, 1, 12)
    assert working_days_after(D(2025, 12, 29), 0) == D(2025, 12, 29)
    # An event on a day off counts from the next working day.
    assert working_days_after(D(2026, 1, 3), 1) == D(2026, 1, 12)


def test_working_days_after_uses_the_working_saturday():
    assert working_days_after(D(2025, 10, 31), 1) == D(2025, 11, 1)
    assert working_days_after(D(2025, 10, 31), 2) == D(2025, 11, 5)


def test_working_days_before_leaves_whole_days_between():
    # Strictly between the result and 10 Nov 2025 lie exactly n working days.
    assert working_days_before(D(2025, 11, 10), 0) == D(2025, 11, 7)
    assert working_days_before(D(2025, 11, 10), 1) == D(2025, 11, 6)
    # Across New Year: Jan 19, 16, 15, 14, 13, 12 (6), Dec 30, 29, 26, 25 (10) → Wednesday 24 Dec 2025.
    assert working_days_before(D(2026, 1, 20), 10) == D(2025, 12, 24)


def test_negative_counts_are_programming_errors():
    with pytest.raises(ValueError):
        working_days_after(D(2025, 1, 1), -1)
    with pytest.raises(ValueError):
        working_days_before(D(2025, 1, 1), -1)


# ------------------------------------------------------------------------------------------ chains

def test_full_chain_applied_2025_12_29():
    # Working days after Mon 29 Dec 2025: 30 Dec (1); 31 Dec and 1–11 Jan off; 12 (2), 13 (3), 14 (4),
    # 15 (5), 16 (6), 19 (7), 20 (8), 21 (9), 22 Jan 2026 (10).
    result = procedure_deadlines(D(2025, 12, 29))
    assert chain(D(2025, 12, 29)) == {
        "survey": "2026-01-13",              # 4.3: 3rd working day after the application
        "conclusion": "2026-01-14",          # 4.10: 1 working day after the survey's last day
        "decision": "2026-01-15",            # 5.4: 5th working day after the application
        "programme": "2026-01-22",           # 5.5: 5 after 15 Jan = 22 Jan = the 10-day cap
        "programme_handover": "2026-01-22",  # 5.5 para 2: 10th working day
        "notification": "2026-01-19",        # 5.6: 16 Jan (1), 19 Jan (2)
        "urgent_referral": "2025-12-29",     # 6.2–6.3: same day
        "revision": "2029-01-22",            # 8.1: 3 years after the programme; 22 Jan 2029 is a Monday
    }
    items = by_id(result)
    assert items["conclusion"]["counted_from"] == {
        "event": "survey_act", "title": items["conclusion"]["counted_from"]["title"],
        "date": "2026-01-13", "source": "последний допустимый день срока «survey»"}
    assert items["programme"]["cap"]["date"] == "2026-01-22"
    assert items["programme"]["capped"] is False
    assert items["survey"]["basis"]["paragraph"] == "405-р, п. 4.3"
    assert items["survey"]["basis"]["seed_line"] == 401
    assert all(not items[k]["approximate"] for k in items if k != "revision")
    # 2029 has no published calendar yet.
    assert items["revision"]["approximate"] is True
    assert "2029" in items["revision"]["approximate_reason"]
    assert result["warnings"] == []
    # No programme end given: the provider's conclusion (8.2) and request (8.3) cannot be dated.
    assert "provider_conclusion" not in items and "provider_request" not in items


@pytest.mark.parametrize("applied", [D(2025, 12, 30), D(2025, 12, 31)])
def test_chain_from_the_last_days_of_2025(applied):
    # From 30 Dec and from 31 Dec (a day off) working day 1 is 12 Jan 2026.
    assert chain(applied) == {
        "survey": "2026-01-14",
        "conclusion": "2026-01-15",
        "decision": "2026-01-16",
        "programme": "2026-01-23",
        "programme_handover": "2026-01-23",
        "notification": "2026-01-20",
        "urgent_referral": applied.isoformat(),
        "revision": "2029-01-23",
    }


def test_chain_may_2025():
    # Applied Wed 30 Apr 2025: 5 (1), 6 (2), 7 May (3); 8–11 May off; 12 (4), 13 (5), 14 (6), 15 (7),
    # 16 (8), 19 (9), 20 May (10).
    got = chain(D(2025, 4, 30))
    assert got["survey"] == "2025-05-07"
    assert got["conclusion"] == "2025-05-12"
    assert got["decision"] == "2025-05-13"
    assert got["notification"] == "2025-05-15"
    assert got["programme"] == "2025-05-20"


def test_chain_may_2026():
    # Applied Thu 30 Apr 2026: 1–3 May off; 4 (1), 5 (2), 6 (3), 7 (4), 8 (5); 9–11 May off; 12 (6), 13 (7),
    # 14 (8), 15 (9), 18 May (10).
    got = chain(D(2026, 4, 30))
    assert got["survey"] == "2026-05-06"
    assert got["conclusion"] == "2026-05-07"
    assert got["decision"] == "2026-05-08"
    assert got["notification"] == "2026-05-13"
    assert got["programme"] == "2026-05-18"


def test_chain_counts_the_working_saturday():
    # Applied Thu 30 Oct 2025: 31 Oct (1), Sat 1 Nov (2), 5 Nov (3), 6 (4), 7 (5).
    got = chain(D(2025, 10, 30))
    assert got["survey"] == "2025-11-05"
    assert got["decision"] == "2025-11-07"


@pytest.mark.parametrize("applied", [D(2026, 12, 30), D(2026, 12, 31)])
def test_chain_across_new_year_2027(applied):
    # 31 Dec 2026 and 1–10 Jan 2027 are off; 11 Jan 2027 is working day 1. 2027 is published.
    result = procedure_deadlines(applied)
    items = by_id(result)
    assert items["survey"]["date"] == "2027-01-13"
    assert items["decision"]["date"] == "2027-01-15"
    assert items["programme"]["date"] == "2027-01-22"
    assert not items["programme"]["approximate"]


# ------------------------------------------------------------------------------------------ decision given

def test_early_decision_moves_programme_and_notification():
    # Decided Tue 30 Dec 2025: programme 5 working days later = 16 Jan, notification = 13 Jan.
    got = chain(D(2025, 12, 29), decided=D(2025, 12, 30))
    assert got["programme"] == "2026-01-16"
    assert got["notification"] == "2026-01-13"
    assert got["decision"] == "2026-01-15"  # the 5.4 deadline itself still counts from the application


def test_late_decision_is_capped_and_warned():
    result = procedure_deadlines(D(2025, 12, 29), decided=D(2026, 1, 20))
    items = by_id(result)
    # 5 working days after 20 Jan would be 27 Jan; the cap (10th working day after 29 Dec) is 22 Jan.
    assert items["programme"]["date"] == "2026-01-22"
    assert items["programme"]["capped"] is True
    assert items["notification"]["date"] == "2026-01-22"
    assert items["programme"]["counted_from"]["source"] == "указана"
    assert any("5.4" in w for w in result["warnings"])


def test_decision_after_the_cap_reports_the_missed_programme_deadline():
    result = procedure_deadlines(D(2025, 12, 29), decided=D(2026, 1, 26))
    assert by_id(result)["programme"]["date"] == "2026-01-22"
    assert any("5.5" in w for w in result["warnings"])


def test_decision_before_application_is_refused():
    with pytest.raises(KitError) as exc:
        procedure_deadlines(D(2025, 12, 29), decided=D(2025, 12, 28))
    assert exc.value.code == "date_order"
    assert exc.value.field == "decided"


def test_decision_on_the_application_day_is_accepted():
    assert chain(D(2025, 12, 29), decided=D(2025, 12, 29))["programme"] == "2026-01-15"


# ------------------------------------------------------------------------------------------ programme end

def test_programme_end_adds_provider_deadlines():
    result = procedure_deadlines(D(2025, 12, 29), programme_end=D(2026, 12, 31))
    items = by_id(result)
    # Between 16 Dec and 31 Dec 2026 lie 17, 18, 21–25, 28–30 Dec: exactly 10 working days.
    assert items["provider_conclusion"]["date"] == "2026-12-16"
    assert items["provider_conclusion"]["basis"]["seed_line"] == 517
    # 8.3: the request goes in the month before the end month: November 2026 (Sun 1 Nov, Mon 30 Nov).
    assert items["provider_request"]["date"] == "2026-11-30"
    assert items["provider_request"]["window_from"] == "2026-11-02"
    assert not items["provider_conclusion"]["approximate"]


def test_programme_longer_than_three_years_is_warned():
    result = procedure_deadlines(D(2025, 12, 29), programme_end=D(2029, 6, 30))
    assert any("8.1" in w for w in result["warnings"])
    assert by_id(result)["provider_conclusion"]["approximate"] is True


def test_programme_end_before_application_is_refused():
    with pytest.raises(KitError) as exc:
        procedure_deadlines(D(2025, 12, 29), programme_end=D(2025, 12, 1))
    assert exc.value.code == "date_order"
    assert exc.value.field == "programme_end"


def test_revision_moves_off_a_weekend():
    # Applied Mon 12 Feb 2024: 13–16 (4), 19–22 (8), Fri 23 Feb holiday, 26 (9), 27 Feb (10) → programme
    # Tue 27 Feb 2024; three years later is Sat 27 Feb 2027 → Monday 1 Mar 2027 (ГК РФ ст. 193).
    items = by_id(procedure_deadlines(D(2024, 2, 12)))
    assert items["programme"]["date"] == "2024-02-27"
    assert items["revision"]["date"] == "2027-03-01"
    assert items["revision"]["nominal_date"] == "2027-02-27"
    assert items["revision"]["approximate"] is False


def test_revision_on_a_working_saturday_is_not_moved():
    # Applied Tue 6 Feb 2024 → programme Tue 20 Feb 2024 → Sat 20 Feb 2027, a working Saturday.
    items = by_id(procedure_deadlines(D(2024, 2, 6)))
    assert items["programme"]["date"] == "2024-02-20"
    assert items["revision"]["date"] == "2027-02-20"
    assert "nominal_date" not in items["revision"]


# ------------------------------------------------------------------------------------------ approximation

def test_far_year_is_marked_approximate():
    items = by_id(procedure_deadlines(D(2031, 3, 3)))
    for key in ("survey", "conclusion", "decision", "programme", "notification", "revision"):
        assert items[key]["approximate"] is True, key
        assert "2031" in items[key]["approximate_reason"]
    # The same-day referral does not depend on any calendar.
    assert items["urgent_referral"]["approximate"] is False
    assert "approximate_reason" not in items["urgent_referral"]


def test_approximation_starts_where_the_published_calendar_ends():
    # Applied Mon 27 Dec 2027: survey 28, 29, 30 Dec (31 Dec is off by the 2027 decree) → exact;
    # the decision runs into 2028, which has no decree: 1–8 Jan holidays, Mon 10 Jan (4), 11 Jan (5).
    items = by_id(procedure_deadlines(D(2027, 12, 27)))
    assert items["survey"]["date"] == "2027-12-30"
    assert items["survey"]["approximate"] is False
    assert items["decision"]["date"] == "2028-01-11"
    assert items["decision"]["approximate"] is True
    # The conclusion counts from an exact survey date but lands in 2028.
    assert items["conclusion"]["approximate"] is True


def test_year_without_any_calendar_is_refused():
    with pytest.raises(KitError) as exc:
        procedure_deadlines(D(1985, 3, 1))
    assert exc.value.code == "calendar_unavailable"
    assert exc.value.field == "applied"


# ------------------------------------------------------------------------------------------ input

@pytest.mark.parametrize("text", ["2025-02-30", "2025-13-01", "tomorrow", "", "29.12.2025", "20251229",
                                  "2025-1-5", "2025-W01-1", None])
def test_bad_dates_are_refused(text):
    with pytest.raises(KitError) as exc:
        parse_date(text, "applied")
    assert exc.value.code == "bad_date"
    assert exc.value.field == "applied"


def test_good_date_is_parsed():
    assert parse_date(" 2024-02-29 ", "decided") == D(2024, 2, 29)


# ------------------------------------------------------------------------------------------ CLI

def test_cli_prints_the_chain(capsys):
    assert deadlines_cli(["--applied", "2025-12-29", "--programme-end", "2026-12-31"]) == 0
    out = json.loads(capsys.readouterr().out)
    dates = {d["id"]: d["date"] for d in out["deadlines"]}
    assert dates["programme"] == "2026-01-22"
    assert dates["provider_conclusion"] == "2026-12-16"


def test_cli_keeps_russian_readable(capsys):
    deadlines_cli(["--applied", "2025-12-29"])
    assert "Обследование" in capsys.readouterr().out  # ensure_ascii=False


@pytest.mark.parametrize("argv, code, field", [
    (["--applied", "2025-02-30"], "bad_date", "applied"),
    (["--applied", "2025-12-29", "--decided", "2025-12-01"], "date_order", "decided"),
    (["--applied", "2025-12-29", "--decided", "tomorrow"], "bad_date", "decided"),
    ([], "bad_argument", "--applied"),
    (["--applied"], "bad_argument", "--applied"),
    (["--applied", "2025-12-29", "--frobnicate"], "bad_argument", "--frobnicate"),
])
def test_cli_errors(capsys, argv, code, field):
    assert deadlines_cli(argv) == 2
    err = json.loads(capsys.readouterr().out)["error"]
    assert err["code"] == code
    assert err["field"] == field
    assert err["message"]
