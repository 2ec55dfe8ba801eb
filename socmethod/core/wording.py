"""Small pieces of Russian wording shared by the kit's outputs."""
from __future__ import annotations

from datetime import date

MONTHS_GENITIVE = ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа",
                   "сентября", "октября", "ноября", "декабря")


def date_ru(day: date, year: bool = True) -> str:
    """"2 декабря 2026 г." (or "2 декабря" without the year), as dates are written in letters."""
    return f"{day.day} {MONTHS_GENITIVE[day.month - 1]}" + (f" {day.year} г." if year else "")
