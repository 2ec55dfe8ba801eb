"""The kit's own error: a code from the catalogue (data/errors.toml), the field it concerns and a Russian message.

Every entry point turns bad input into a KitError; nothing else should ever reach a user.
"""
from __future__ import annotations

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
        self.message = entry["message"].format_map(params)
        self.fix = entry.get("fix", "").format_map(params)
        super().__init__(self.message)

    def to_dict(self) -> dict:
        return {"code": self.code, "field": self.field, "message": f"{self.message} {self.fix}".strip()}


def _short(value, limit: int = 80) -> str:
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
