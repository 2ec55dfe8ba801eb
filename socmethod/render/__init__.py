"""One Jinja2 environment for every HTML page, fragment and printable form the kit writes.

Autoescape is always on (a case's text or a visitor's answer can never become markup), a missing
variable is an error rather than an empty string, and the templates live beside this module in
`templates/`: `base.html.j2` for whole documents, with blocks `title`, `style` and `body`. Filters give
each fact one wording everywhere: `date_ru` («2 декабря 2026 г.»), `ripso` («N 1, N 4»), `rub`
(«16 875 ₽»), `cap` (first letter upper-case).
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import jinja2
from markupsafe import Markup

from socmethod.core.wording import date_ru

TEMPLATES = Path(__file__).resolve().parent / "templates"


def ripso_text(numbers) -> str:
    """«N 1, N 4»; «номер не указан» when a row names none for the category."""
    return ", ".join(f"N {n}" for n in numbers) if numbers else "номер не указан"


def rub(amount) -> str:
    """«16 875 ₽»: whole roubles with a space between thousands (a no-break space would not wrap on a phone)."""
    return f"{round(float(amount)):,} ₽".replace(",", " ")


def cap(text) -> str:
    text = str(text)
    return text[:1].upper() + text[1:]


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    # auto_reload off: a running server keeps the templates it started with, so files updated under it (a
    # deployment in progress) cannot pair new templates with old code.
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                             keep_trailing_newline=True, auto_reload=False)
    env.filters.update(date_ru=date_ru, ripso=ripso_text, rub=rub, cap=cap)
    return env


def render(template: str, **context) -> str:
    """The template `template` (a path under templates/) filled with `context`."""
    return environment().get_template(template).render(**context)


def markup(html: str) -> Markup:
    """Mark an already rendered fragment (the output of `render`) as safe to embed in another template."""
    return Markup(html)
