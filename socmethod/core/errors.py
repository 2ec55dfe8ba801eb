"""The kit's own error: a code from the catalogue (data/errors.toml), the field it concerns and a Russian message.

Every entry point turns bad input into a KitError; nothing else should ever reach a user.
"""
from __future__ import annotations

import re
import reprlib
import tomllib
from functools import lru_cache

from socmethod.core.resources import data_path


@lru_cache(maxsize=1)
def catalogue() -> dict[str, dict[str, str]]:
    with open(data_path("errors.toml"), "rb") as fh:
        return tomllib.load(fh)


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return ""


class KitError(Exception):
    """A refusal the user can act on: `code` (catalogue key), `field` (key/column/argument), `message`."""

    def __init__(self, code: str, field: str | None = None, *, value=None, allowed=None, where: str = ""):
        entry = catalogue()[code]  # an unknown code is a programming error and should fail loudly in tests
        if isinstance(allowed, (list, tuple, set, frozenset)):
            allowed = ", ".join(str(a) for a in allowed)
        params = _Blank(field=field or "", value="" if value is None else _short(value),
                        allowed="" if allowed is None else allowed, where=f" ({where})" if where else "")
        self.code = code
        self.field = field
        self.where = where
        self.params = {"value": value, "allowed": allowed}
        self.message = entry["message"].format_map(params)
        self.fix = entry.get("fix", "").format_map(params)
        super().__init__(self.message)

    def relocated(self, where: str, field: str | None = None) -> "KitError":
        """The same refusal said of another place (e.g. a change file's entry instead of the table row
        it produced)."""
        return KitError(self.code, self.field if field is None else field, where=where, **self.params)

    def refusal(self) -> dict:
        """What a list of refused rows keeps of this refusal besides its code and field: what would be
        accepted (`allowed`) and, when the value is the kit's own description, that (`detail`); a case's
        own value is not kept."""
        allowed = self.params["allowed"]
        out = {"allowed": "" if allowed is None else str(allowed)}
        if catalogue()[self.code].get("kit_value") and self.params["value"] is not None:
            out["detail"] = _short(self.params["value"])
        return out

    def to_dict(self) -> dict:
        return {"code": self.code, "field": self.field, "message": f"{self.message} {self.fix}".strip()}


def _short(value, limit: int = 80) -> str:
    """A value quoted in a message, cut to `limit` characters. Built from a bounded repr, so a huge or deeply
    nested value (a YAML alias bomb, a megabyte of text) costs nothing to quote."""
    if isinstance(value, str):
        text = value[: limit * 4]
    else:
        text = _BOUNDED.repr(value)
    text = text.encode("utf-8", "backslashreplace").decode("utf-8")      # a lone surrogate must still print
    return text if len(text) <= limit else text[: limit - 1] + "…"


_BOUNDED = reprlib.Repr()
_BOUNDED.maxlevel, _BOUNDED.maxdict, _BOUNDED.maxlist, _BOUNDED.maxtuple, _BOUNDED.maxset = 3, 6, 6, 6, 6
_BOUNDED.maxstring, _BOUNDED.maxother, _BOUNDED.maxlong = 60, 60, 40


_TOML_PLACE = re.compile(r"\(at line (\d+), column (\d+)\)")


def syntax_problem(exc: Exception) -> str:
    """What a parser (JSON, YAML, TOML, a decoder) complains of, in Russian with the place, for a message:
    the parsers speak English, and a user reads Russian. Our own hooks' messages are Russian already."""
    text = str(exc)
    if any("а" <= ch.lower() <= "я" for ch in text):
        return text
    line = column = None
    if hasattr(exc, "lineno") and hasattr(exc, "colno"):                    # json.JSONDecodeError
        line, column = exc.lineno, exc.colno
    elif getattr(exc, "problem_mark", None) is not None:                    # yaml.MarkedYAMLError
        line, column = exc.problem_mark.line + 1, exc.problem_mark.column + 1
    elif (m := _TOML_PLACE.search(text)) is not None:                       # tomllib.TOMLDecodeError
        line, column = int(m.group(1)), int(m.group(2))
    if isinstance(exc, UnicodeDecodeError):
        return f"недопустимая последовательность байтов в позиции {exc.start}"
    if isinstance(exc, RecursionError):
        return "слишком глубокая вложенность"
    if line is not None:
        return f"ошибка разметки в строке {line}, столбце {column}"
    return "ошибка разметки"
