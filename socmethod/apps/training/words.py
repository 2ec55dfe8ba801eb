"""How the training pages word a case: labels from the rule data, and the pages' own few words from
data/training.toml (checked when loaded, so a typo there names the file and the key instead of
breaking a page in front of a group)."""
from __future__ import annotations

import re
from functools import lru_cache

from socmethod.core.ruleset import bundled_ruleset
from socmethod.core.scales import SCALE_NAMES
from socmethod.core.schema import ListOf, Table, Text, Where, check, load_toml

WORDS_FILE = "training.toml"
ROW_STATUSES = ("match", "depends", "near", "no", "other", "na")


def _with_slot(text: str) -> str | None:
    return None if "{}" in text else "в тексте нет места для значения «{}»"


WORDS = Table(required={
    "scale_short": Table(required={name: Text() for name in SCALE_NAMES}),
    "value_formats": Table(required={key: Where(Text(), _with_slot) for key in ("early_help_criterion", "age_months")}),
    "row_status": Table(required={status: Text() for status in ROW_STATUSES}),
    "weekdays": Table(required={"short": ListOf(Text(), exactly=7)}),
})


@lru_cache(maxsize=1)
def texts() -> dict:
    """data/training.toml, with every section and key the pages use present and of the right type."""
    return check(load_toml(WORDS_FILE), WORDS, f"data/{WORDS_FILE}", code="malformed_file")


def scale_short(name: str) -> str:
    return texts()["scale_short"][name]


def row_status_label(status: str) -> str:
    return texts()["row_status"][status]


def weekday_short(weekday: int) -> str:
    return texts()["weekdays"]["short"][weekday]


def value_text(field_name: str, value) -> str:
    """A case value in the seed's words: да/нет, group, kind of impairment, category, degree (the rule
    data's labels), early-help criteria and age (this file's formats)."""
    rs = bundled_ruleset()
    formats = texts()["value_formats"]
    if field_name == "early_help_criteria" and isinstance(value, (list, tuple)):
        return ", ".join(formats["early_help_criterion"].format(n) for n in value) or rs.value_label(field_name, False)
    if field_name == "age_months" and isinstance(value, int) and not isinstance(value, bool):
        return formats["age_months"].format(value)
    return rs.value_label(field_name, value)


def needs_text(field_name: str, needs: list) -> str:
    return " или ".join(value_text(field_name, v) for v in needs)


def item_short(text: str) -> str:
    """An item's name up to its first comma or bracket: the seed's items are long sentences."""
    return re.split(r" \(|, ", text, maxsplit=1)[0]


def field_label(name: str) -> str:
    fields = bundled_ruleset().fields
    return fields[name]["label"] if name in fields else name
