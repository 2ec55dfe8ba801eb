"""Whether social services are free and an upper estimate of the monthly fee (442-ФЗ ст. 31–32).

The parameters (subsistence minimum by year and group with their sources, the limit multiplier, the fee
caps, the categories always served free, which group each case category takes) are data in
data/cost.toml; this module applies them:

* limit = multiplier × subsistence minimum of the recipient's group for the year (ст. 31 ч. 5);
* home and day care are free when the per-capita income is at or below the limit (ст. 31 ч. 2 says
  «ниже … или равен»), otherwise the fee is at most 50 % of (income − limit) (ст. 32 ч. 1);
* residential care is not covered by the income test of ст. 31 ч. 2: its fee is at most 75 % of income
  (ст. 32 ч. 4) whatever the income;
* the categories of ст. 31 ч. 1 are free in every form. A recipient of the children's group is a minor
  (ст. 31 ч. 1 п. 1), so that group is free without naming the category.

Money is computed in Decimal: 1.5 × 16 535 must be 24 802.5 exactly, and a comparison at the limit must
not flip on a binary rounding error. Stdlib only, so the browser (Pyodide) edition can import it.
"""
from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from socmethod.core.errors import KitError
from socmethod.core.ruleset import RuleSet
from socmethod.core.schema import Boolean, Integer, IsoDate, ListOf, MapOf, Number, OneOf, Table, Text, Where, check, load_toml

FILE = "cost.toml"

# Beyond these a number is a typing error, not a household: 100 million rubles a month, 50 members.
MAX_INCOME = 100_000_000
MAX_MEMBERS = 50
MAX_AGE = 130
MIN_YEAR, MAX_YEAR = 1991, 2100

_NUMBER_HINT = {
    "income": f"Укажите среднедушевой доход в рублях в месяц: число от 0 до {MAX_INCOME:,}.".replace(",", "\u00a0"),
    "family_income": f"Укажите доход семьи в рублях в месяц: число от 0 до {MAX_INCOME:,}.".replace(",", "\u00a0"),
    "members": f"Укажите число членов семьи: целое число от 1 до {MAX_MEMBERS}.",
    "age_years": f"Укажите возраст в полных годах: целое число от 0 до {MAX_AGE}.",
}


def _with(*slots: str):
    def test(text: str) -> str | None:
        missing = [s for s in slots if "{" + s + "}" not in text]
        return f"в тексте нет подстановки {{{missing[0]}}}" if missing else None
    return Where(Text(), test)


def _schema(groups: list[str]) -> Table:
    """The shape of data/cost.toml; the subsistence-minimum groups it names are the columns of its values."""
    value = Table(required={"year": Integer(2000, 2100), "effective_from": IsoDate(), "decree": Text(), "source": Text(),
                            "verified_decree": Boolean(), **{g: Number(low=1) for g in groups}},
                  optional={"decree_date": IsoDate(), "note": Text(), "secondary_sources": ListOf(Text())})
    return Table(required={
        "meta": Table(extra=True),
        "subsistence_minimum": Table(required={"title": Text(), "unit": Text(), "groups": ListOf(Text(), min=1, unique=True),
                                               "group_labels": Table(required={g: Text() for g in groups}),
                                               "values": ListOf(value, min=1)}),
        "limit": Table(required={"title": Text(), "multiplier": Number(low=1), "basis": Text(), "source": Text()},
                       optional={"note": Text()}),
        "forms": MapOf(Table(required={"label": Text(), "free_by_income": Boolean(), "share": Number(low=0),
                                       "base": OneOf(("income_minus_limit", "income")), "basis": Text(), "source": Text()},
                             optional={"note": Text()}), min=1),
        "free_categories": MapOf(Table(required={"label": Text(), "basis": Text(), "level": OneOf(("federal", "regional")),
                                                 "note": Text(empty=True)},
                                       optional={"for_group": OneOf(groups, what="неизвестная группа «{value}»")})),
        "category_groups": MapOf(OneOf(groups, what="неизвестная группа «{value}»"), min=1),
        "age_refined": Table(required={"categories": ListOf(Text()), "adult_age": Integer(1, 30), "basis": Text()},
                             optional={"note": Text()}),
        "text": Table(required={"is_estimate": Text(), "approximate": _with("year", "used"), "unverified": _with("year"),
                                "free_category_form": _with("label", "basis"), "free_by_income_form": _with("income", "limit"),
                                "fee_income_minus_limit": _with("percent", "income", "limit", "difference", "fee", "basis"),
                                "fee_income": _with("percent", "income", "fee", "basis"),
                                "all_free_category": _with("label", "basis"), "all_free_income": _with("income", "limit"),
                                "paid": _with("forms", "why"), "paid_why_income": _with("income", "limit"),
                                "paid_why_residential": Text(), "also_free_by_income": _with("forms")}),
    })


@lru_cache(maxsize=1)
def parameters() -> dict:
    """data/cost.toml, checked: every subsistence minimum with its year, decree, source and whether the decree
    was verified; every form's share and basis; the category -> group map naming groups the file defines."""
    raw = load_toml(FILE)
    groups = raw.get("subsistence_minimum", {}).get("groups", [])
    groups = [g for g in groups if isinstance(g, str)] if isinstance(groups, list) else []
    return check(raw, _schema(groups), f"data/{FILE}")


def groups() -> tuple[str, ...]:
    """The subsistence-minimum groups (cost.toml [subsistence_minimum].groups)."""
    return tuple(parameters()["subsistence_minimum"]["groups"])


def forms() -> tuple[str, ...]:
    """The forms of service a fee is estimated for (cost.toml [forms])."""
    return tuple(parameters()["forms"])


def category_groups() -> dict[str, str]:
    """The kit's case categories -> subsistence-minimum group (cost.toml [category_groups], reasons there)."""
    return dict(parameters()["category_groups"])


# The groups, forms and category -> group map as cost.toml gives them.
GROUPS = groups()
FORMS = forms()
CATEGORY_GROUPS = category_groups()


# ------------------------------------------------------------------------------------------ inputs

def _number(value, field: str, *, integer: bool = False, low=0, high=MAX_INCOME) -> Decimal:
    """A finite number within [low, high] or KitError("bad_number") naming the field."""
    parsed: Decimal | None = None
    # bool is an int subclass; True as an income is a bug upstream, not 1 ruble.
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if isinstance(value, float) and not math.isfinite(value):
            parsed = None
        else:
            parsed = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    elif isinstance(value, str):
        # A lone surrogate ("\ud800" from a hand-made client) is no digit, and an error quoting it could
        # not be encoded to be shown: it becomes "?".
        value = value.encode("utf-8", "replace").decode("utf-8")
        # Russian input writes thousands with spaces and decimals with a comma: «25 000,50».
        text = value.strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
        try:
            parsed = Decimal(text)
        except ArithmeticError:
            parsed = None
        if parsed is not None and not parsed.is_finite():
            parsed = None
    if parsed is None or not low <= parsed <= high or (integer and parsed != parsed.to_integral_value()):
        raise KitError("bad_number", field, value=value, allowed=_NUMBER_HINT.get(field, ""))
    return parsed


def per_capita_income(family_income, members) -> float:
    """Average monthly income per family member, in rubles (kopecks kept)."""
    total = _number(family_income, "family_income")
    count = _number(members, "members", integer=True, low=1, high=MAX_MEMBERS)
    return float((total / count).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def group_for(category: str, age_years: int | None = None, ruleset: RuleSet | None = None) -> str:
    """The subsistence-minimum group for a kit category (cost.toml [category_groups], with why).

    `age_years` refines only a single person of no fixed age group (cost.toml [age_refined], `homeless`):
    under 18 is a child. For the other categories it is checked but does not change the group, because the
    category already states the age group (an `elderly` case is a pensioner whatever age was typed).
    With `ruleset`, the category must be one of its categories (and cost.toml must give it a group).
    """
    table = category_groups()
    if not isinstance(category, str):     # a list or object from a JSON body cannot be a dict key
        raise KitError("bad_value", "category", value=category, allowed=list(table))
    if ruleset is not None and category not in ruleset.categories:
        raise KitError("bad_value", "category", value=category, allowed=list(ruleset.categories))
    if category not in table:
        if ruleset is not None:
            raise KitError("bad_value", "category", value=category, where=FILE,
                           allowed="категории из [category_groups] файла cost.toml: " + ", ".join(table))
        raise KitError("bad_value", "category", value=category, allowed=list(table))
    age = None if age_years is None else _number(age_years, "age_years", integer=True, high=MAX_AGE)
    refined = parameters()["age_refined"]
    if category in refined["categories"] and age is not None and age < refined["adult_age"]:
        return "children"
    return table[category]


# ------------------------------------------------------------------------------------------ figures

def _figures_for(year: int) -> tuple[dict, bool]:
    """The subsistence-minimum entry for `year`, or the latest earlier one (then approximate=True)."""
    if isinstance(year, bool) or not isinstance(year, int) or not MIN_YEAR <= year <= MAX_YEAR:
        raise KitError("bad_argument", "year", value=year,
                       allowed=f"Укажите год целым числом от {MIN_YEAR} до {MAX_YEAR}.")
    entries = sorted(parameters()["subsistence_minimum"]["values"], key=lambda e: e["year"])
    earlier = [e for e in entries if e["year"] <= year]
    if not earlier:
        raise KitError("bad_argument", "year", value=year,
                       allowed=f"Величины прожиточного минимума в комплекте есть с {entries[0]['year']} года.")
    entry = earlier[-1]
    return entry, entry["year"] != year


def limit_for(group: str, year: int) -> dict:
    """The limit for free service (multiplier × subsistence minimum) with its year, source and notes."""
    if not isinstance(group, str) or group not in groups():
        raise KitError("bad_value", "group", value=group, allowed=groups())
    params = parameters()
    entry, approximate = _figures_for(year)
    minimum = Decimal(entry[group])
    multiplier = Decimal(str(params["limit"]["multiplier"]))
    value = minimum * multiplier
    result = {
        "value": _money(value),
        "multiplier": float(multiplier),
        "subsistence_minimum": int(minimum),
        "group": group,
        "group_label": params["subsistence_minimum"]["group_labels"][group],
        "year": entry["year"],
        "requested_year": year,
        "approximate": approximate,
        "source": entry["source"],
        "source_note": entry["note"],
        "decree": entry["decree"],
        "verified_decree": entry["verified_decree"],
        "secondary_sources": list(entry.get("secondary_sources", [])),
        "multiplier_basis": params["limit"]["basis"],
        "multiplier_note": params["limit"]["note"],
    }
    if approximate:
        result["approximate_note"] = params["text"]["approximate"].format(year=year, used=entry["year"])
    if not entry["verified_decree"]:
        result["unverified_note"] = params["text"]["unverified"].format(year=entry["year"])
    return result


# ------------------------------------------------------------------------------------------ estimate

def estimate(income, group: str, forms: list[str], year: int, free_category: str | None = None) -> dict:
    """Free or not, and per form the legal upper bound of the monthly fee, explained in Russian.

    `income` is the recipient's average per-capita monthly income (see per_capita_income for a family).
    """
    params = parameters()
    amount = _number(income, "income")
    limit = limit_for(group, year)
    codes = _forms(forms)
    category = _free_category(free_category, group)
    limit_value = Decimal(str(limit["value"]))

    per_form = {}
    for code in codes:
        spec = params["forms"][code]
        per_form[code] = _form_result(code, spec, amount, limit_value, category)

    free = all(f["free"] for f in per_form.values())
    result = {
        "free": free,
        "reason": _overall_reason(per_form, category, free, amount, limit_value),
        "income": _money(amount),
        "group": group,
        "year": year,
        "approximate": limit["approximate"],
        "limit": limit,
        "free_category": category,
        "forms": per_form,
        "is_estimate": params["text"]["is_estimate"],
    }
    if limit["approximate"]:
        result["approximate_note"] = limit["approximate_note"]
    if "unverified_note" in limit:
        result["unverified_note"] = limit["unverified_note"]
    return result


def _forms(forms) -> list[str]:
    if isinstance(forms, str):  # a lone code is a common slip; a str would iterate by letters
        forms = [forms]
    known = tuple(parameters()["forms"])
    if not isinstance(forms, (list, tuple)) or not forms:
        raise KitError("bad_value", "forms", value=forms, allowed=known)
    codes: list[str] = []
    for code in forms:
        if not isinstance(code, str) or code not in known:
            raise KitError("bad_value", "forms", value=code, allowed=known)
        if code not in codes:
            codes.append(code)
    return codes


def _free_category(code, group: str) -> dict | None:
    """The ст. 31 ч. 1 category that makes every form free, if any."""
    categories = parameters()["free_categories"]
    if code is None:
        code = next((c for c, entry in categories.items() if entry.get("for_group") == group), None)
    if code is None:
        return None
    if not isinstance(code, str) or code not in categories:
        raise KitError("bad_value", "free_category", value=code, allowed=list(categories))
    entry = categories[code]
    return {"code": code, "label": entry["label"], "basis": entry["basis"], "level": entry["level"],
            "note": entry["note"]}


def _form_result(code: str, spec: dict, income: Decimal, limit: Decimal, category: dict | None) -> dict:
    base = {"form": code, "label": spec["label"], "source": spec["source"]}
    words = parameters()["text"]
    if category is not None:
        return base | {"free": True, "upper_fee": 0, "upper_fee_exact": 0.0, "basis": category["basis"],
                       "rule": words["free_category_form"].format(label=category["label"], basis=category["basis"])}
    share = Decimal(str(spec["share"]))
    if spec["free_by_income"] and income <= limit:
        return base | {"free": True, "upper_fee": 0, "upper_fee_exact": 0.0, "basis": "442-ФЗ ст. 31 ч. 2",
                       "rule": words["free_by_income_form"].format(income=_rub(income), limit=_rub(limit))}
    # What the share is taken of (the schema allows these two bases, and each has its text).
    fee = share * (income - limit if spec["base"] == "income_minus_limit" else income)
    rule = words[f"fee_{spec['base']}"].format(percent=_percent(share), income=_rub(income), limit=_rub(limit),
                                               difference=_rub(income - limit), fee=_rub(fee), basis=spec["basis"])
    return base | {"free": False, "upper_fee": int(fee.quantize(Decimal(1), rounding=ROUND_HALF_UP)),
                   "upper_fee_exact": _money(fee), "basis": spec["basis"], "rule": rule}


def _overall_reason(per_form: dict, category: dict | None, free: bool, income: Decimal, limit: Decimal) -> str:
    words = parameters()["text"]
    if category is not None:
        return words["all_free_category"].format(label=category["label"], basis=category["basis"])
    if free:
        return words["all_free_income"].format(income=_rub(income), limit=_rub(limit))
    paid = [f["label"] for f in per_form.values() if not f["free"]]
    free_forms = [f["label"] for f in per_form.values() if f["free"]]
    why = (words["paid_why_income"].format(income=_rub(income), limit=_rub(limit)) if income > limit
           else words["paid_why_residential"])
    text = words["paid"].format(forms="; ".join(paid), why=why)
    if free_forms:
        text += " " + words["also_free_by_income"].format(forms="; ".join(free_forms))
    return text


# ------------------------------------------------------------------------------------------ formatting

def _money(value: Decimal) -> float:
    return float(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def _rub(value: Decimal) -> str:
    """Russian money format: «26 631 ₽», «1 684,50 ₽» (non-breaking spaces so it never wraps apart)."""
    cents = value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    whole, frac = f"{cents:,.2f}".split(".")
    whole = whole.replace(",", "\u00a0")
    return f"{whole}\u00a0₽" if frac == "00" else f"{whole},{frac}\u00a0₽"


def _percent(share: Decimal) -> str:
    return f"{(share * 100).normalize():f}".replace(".", ",")
