"""The case format: checking a case (a dict from JSON, YAML or a CSV row) and reducing it to a profile.

A profile is what the tables speak of: category, impairment, group, the two degrees, the criteria flags.
Every defect is a KitError naming the key and the values allowed; nothing is guessed.
"""
from __future__ import annotations

from socmethod.core.errors import KitError
from socmethod.core.ruleset import RuleSet
from socmethod.core.scales import MAX_ITEM_SCORE, SCALE_NAMES, scale

TRUE_WORDS, FALSE_WORDS = ("true",), ("false",)


def _label(ruleset: RuleSet, key: str) -> str:
    return ruleset.fields.get(key, {}).get("label", key)


def validate_case(case, ruleset: RuleSet) -> dict:
    """Check `case` against the ruleset's case format; return a clean copy with only the keys of its
    category (missing optional keys as None). Raises KitError on the first defect."""
    if not isinstance(case, dict):
        raise KitError("not_an_object", value=type(case).__name__)
    fields = ruleset.fields
    for key in case:
        if key not in fields:
            raise KitError("unknown_key", str(key), allowed=list(fields))
    if "category" not in case or case["category"] is None:
        raise KitError("missing_key", "category", allowed="одно из значений " + ", ".join(fields["category"]["values"]))
    category = case["category"]
    if not isinstance(category, str) or category not in ruleset.categories:
        raise KitError("bad_value", "category", value=category, allowed=list(ruleset.categories))
    cat = ruleset.categories[category]
    required, optional = cat.get("required", []), cat.get("optional", [])
    clean = {"category": category}
    for key, value in case.items():
        if key != "category" and key not in required and key not in optional and value is not None:
            raise KitError("not_applicable", key, value=category)
    for key in list(required) + list(optional):
        spec = fields[key]
        # A required key the case leaves out may be derived from its answers (impairment from impairments):
        # [derive] in the rule set; the engine derives it under the readings in force.
        derivable = ruleset.derivable(key, case)
        if key not in case or (case[key] is None and derivable):
            if key in required and not derivable:
                raise KitError("missing_key", key, allowed=_allowed(ruleset, key, cat))
            clean[key] = None
            continue
        clean[key] = _check_value(ruleset, key, spec, case[key], cat, required=key in required)
    for key, value in clean.items():
        for other in fields.get(key, {}).get("excludes", []):
            if value is True and clean.get(other) is True:
                raise KitError("conflicting_answers", key, value=other,
                               allowed=f"«{fields[key]['label']}» и «{fields[other]['label']}» не могут быть верны вместе: "
                                       "исправьте один из ответов.")
    return clean


def _allowed(ruleset: RuleSet, key: str, cat: dict) -> str:
    spec = ruleset.fields[key]
    kind = spec["kind"]
    if kind == "scale":
        items = scale(key, cat["scales"]).keys
        return "объект с оценками 0–3 пунктов: " + ", ".join(items)
    if kind == "bool":
        return "true, false или null, если ответ неизвестен (в CSV — пустая ячейка)"
    if kind == "enum":
        return ", ".join(spec["values"]) + (" или null (неизвестно)" if spec.get("nullable") else "")
    if kind == "int":
        return f"целое число от {spec['min']} до {spec['max']}"
    if kind == "enum_set":
        return "список из значений " + ", ".join(spec["values"]) + " (каждое не больше одного раза; [] — ни одного)"
    return "список из чисел " + ", ".join(str(v) for v in spec["values"])


def _check_value(ruleset: RuleSet, key: str, spec: dict, value, cat: dict, required: bool):
    kind = spec["kind"]
    allowed = _allowed(ruleset, key, cat)
    if kind == "scale":
        if value is None:
            raise KitError("missing_key", key, allowed=allowed)
        return _check_scale(key, value, cat["scales"])
    if value is None:
        if kind == "enum" and required and not spec.get("nullable"):
            raise KitError("missing_key", key, allowed=allowed)
        return None
    if kind == "bool":
        if not isinstance(value, bool):
            raise KitError("bad_type", key, value=value, allowed=allowed)
        return value
    if kind == "enum":
        if not isinstance(value, str) or value not in spec["values"]:
            raise KitError("bad_value", key, value=value, allowed=allowed)
        return value
    if kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            raise KitError("bad_type", key, value=value, allowed=allowed)
        if not spec["min"] <= value <= spec["max"]:
            raise KitError("bad_value", key, value=value, allowed=allowed)
        return value
    if kind == "int_set":
        if not isinstance(value, (list, tuple)):
            raise KitError("bad_type", key, value=value, allowed=allowed)
        for v in value:
            if isinstance(v, bool) or not isinstance(v, int) or v not in spec["values"]:
                raise KitError("bad_value", key, value=v, allowed=allowed)
        if len(set(value)) != len(value):
            raise KitError("bad_value", key, value=value, allowed=allowed + ", без повторов")
        return tuple(sorted(value))
    if kind == "enum_set":
        if not isinstance(value, (list, tuple)):
            raise KitError("bad_type", key, value=value, allowed=allowed)
        for v in value:
            if not isinstance(v, str) or v not in spec["values"]:
                raise KitError("bad_value", key, value=v, allowed=allowed)
        if len(set(value)) != len(value):
            raise KitError("bad_value", key, value=value, allowed=allowed)
        return tuple(v for v in spec["values"] if v in value)
    raise AssertionError(f"unknown field kind {kind}")


def _check_scale(name: str, scores, variant: str) -> dict:
    sc = scale(name, variant)
    items = sc.keys
    if not isinstance(scores, dict):
        raise KitError("bad_type", name, value=scores, allowed="объект с оценками 0–3 пунктов: " + ", ".join(items))
    for item in scores:
        if item not in items:
            raise KitError("unknown_item", f"{name}.{item}", allowed=items)
    clean = {}
    for item in items:
        field = f"{name}.{item}"
        if item not in scores or scores[item] is None:
            raise KitError("missing_item", field, allowed=", ".join(items) + " (оценка 0–3 у каждого)")
        value = scores[item]
        if isinstance(value, bool) or not isinstance(value, int):
            raise KitError("bad_type", field, value=value, allowed="целое число баллов 0, 1, 2 или 3")
        if not 0 <= value <= MAX_ITEM_SCORE:
            raise KitError("score_out_of_range", field, value=value, allowed="0, 1, 2, 3")
        clean[item] = value
    return clean


def score(clean: dict, ruleset: RuleSet) -> dict:
    """Points and degree of each scale the case's category uses: {name: {points, degree, band, ...}}."""
    variant = ruleset.categories[clean["category"]].get("scales")
    result = {}
    for name in SCALE_NAMES:
        if not variant or clean.get(name) is None:
            result[name] = None
            continue
        sc = scale(name, variant)
        points = sum(clean[name].values())
        band = sc.band(points)
        result[name] = {"points": points, "degree": band.degree, "band": band.text, "variant": variant,
                        "max_points": sc.max_points}
    return result


def profile_of(clean: dict, scores: dict) -> dict:
    """The case as the tables see it: scales replaced by their degrees."""
    profile = dict(clean)
    for name in SCALE_NAMES:
        profile[name] = scores[name]["degree"] if scores.get(name) else None
    return profile


# --- CSV rows -----------------------------------------------------------------------------------------

def case_from_csv_row(row: dict[str, str], ruleset: RuleSet) -> dict:
    """Turn a CSV row (strings; `self_care.hygiene` style columns; empty = unknown/absent) into a case
    dict in the JSON shape. Values that do not parse are kept as text so validation names them."""
    case: dict = {}
    for column, text in row.items():
        text = (text or "").strip()
        if "." in column:
            name, _, item = column.partition(".")
            if text == "":
                continue
            case.setdefault(name, {})[item] = _int_or_text(text)
            continue
        if text == "":
            continue
        spec = ruleset.fields.get(column)
        kind = spec["kind"] if spec else None
        if kind == "bool":
            low = text.lower()
            case[column] = True if low in TRUE_WORDS else False if low in FALSE_WORDS else text
        elif kind == "int":
            case[column] = _int_or_text(text)
        elif kind == "int_set":
            parts = [p.strip() for p in text.split("|")]
            case[column] = [_int_or_text(p) for p in parts]
        elif kind == "enum_set":
            case[column] = [p.strip() for p in text.split("|")]
        else:
            case[column] = text
    # A CSV row carries every column; a required bool left empty means "unknown", not "missing".
    category = case.get("category")
    if isinstance(category, str) and category in ruleset.categories:
        for key in ruleset.categories[category].get("required", []):
            if key in row and key not in case and ruleset.fields[key]["kind"] in ("bool", "enum") \
                    and ruleset.fields[key].get("nullable", ruleset.fields[key]["kind"] == "bool"):
                case[key] = None
    return case


def _int_or_text(text: str):
    # ASCII digits only: str.isdigit also accepts «²» or «٣», which are no score a register means.
    return int(text) if text.isascii() and text.isdigit() else text
