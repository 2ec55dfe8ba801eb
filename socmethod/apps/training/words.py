"""How the training pages word a case: labels from the rule data, and the pages' own few words from
data/training.toml (checked when loaded, so a typo there names the file and the key instead of
breaking a page in front of a group)."""
from __future__ import annotations

import re
import tomllib
from functools import lru_cache

from socmethod.core.errors import KitError, syntax_problem
from socmethod.core.resources import data_path
from socmethod.core.ruleset import bundled_ruleset
from socmethod.core.scales import SCALE_NAMES

WORDS_FILE = "training.toml"
ROW_STATUSES = ("match", "depends", "near", "no", "other", "na")


def _refuse(key: str, what: str) -> KitError:
    return KitError("malformed_file", where=f"data/{WORDS_FILE}, {key}", value=what,
                    allowed=f"Исправьте data/{WORDS_FILE} по описанию в его начале.")


@lru_cache(maxsize=1)
def texts() -> dict:
    """data/training.toml, with every section and key the pages use present and of the right type."""
    path = data_path(WORDS_FILE)
    try:
        with open(path, "rb") as fh:
            spec = tomllib.load(fh)
    except FileNotFoundError:
        raise KitError("file_not_found", value=str(path)) from None
    except tomllib.TOMLDecodeError as exc:
        raise KitError("malformed_file", where=f"data/{WORDS_FILE}", value=syntax_problem(exc)) from None
    wanted = {"scale_short": SCALE_NAMES, "value_formats": ("early_help_criterion", "age_months"),
              "row_status": ROW_STATUSES}
    for section, keys in wanted.items():
        table = spec.get(section)
        if not isinstance(table, dict):
            raise _refuse(f"[{section}]", "нет раздела")
        for key in keys:
            if not isinstance(table.get(key), str) or not table[key].strip():
                raise _refuse(f"[{section}].{key}", "нет текста")
    for key in ("early_help_criterion", "age_months"):
        if "{}" not in spec["value_formats"][key]:
            raise _refuse(f"[value_formats].{key}", "в тексте нет места для значения «{}»")
    days = spec.get("weekdays", {}).get("short")
    if not (isinstance(days, list) and len(days) == 7 and all(isinstance(d, str) and d for d in days)):
        raise _refuse("[weekdays].short", "нужен список из 7 сокращений, с понедельника")
    return spec


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
