"""Russian words for what the analyses return, from the rule data's own labels: outcomes, table cells,
regions of the input space, readings, refusals. Pages, reports and charts show these; machine-readable
outputs (CSV, JSON, DataFrames) keep the codes.

The outcomes of `socmethod diff` are text in two shapes that its JSON keeps for compatibility: the input
space's «home N 1; residential_temporary N 4» (a form and its numbers per row, `?field` after a
conditional number) and a register's «home|residential_temporary (1|4)». Both are read here, in one place.
"""
from __future__ import annotations

import re

from socmethod.core.errors import KitError, catalogue
from socmethod.core.ruleset import RuleSet
from socmethod.core.scales import SCALE_NAMES, scale

NO_RECOMMENDATION = "нет рекомендации"
ANY_VALUE = "любое"
_REGISTER_OUTCOME = re.compile(r"^(?P<forms>[\w|]+) \((?P<numbers>[\d|]*)\)$")
_SPACE_ROW = re.compile(r"^(?P<form>\w+) N (?P<numbers>.+)$")


def form_words(ruleset: RuleSet, form: str) -> str:
    return ruleset.forms.get(form, form)


def number_words(ruleset: RuleSet, number: str) -> str:
    """«N 30» or, for a conditional number written «30?social_housing_flat», «N 30 (если: проживание …)»."""
    number, _, condition = number.partition("?")
    if not condition:
        return f"N {number}"
    label = ruleset.fields.get(condition, {}).get("label", condition)
    return f"N {number} (если: {label[:1].lower() + label[1:]})"


def pairs_words(pairs, ruleset: RuleSet) -> str:
    """Forms paired with their numbers ((form, (numbers…)), …; `Decision.pairs`) in Russian, each form once:
    «на дому: N 13, N 12; стационарная … : N 5»."""
    by_form: dict[str, list[str]] = {}
    for form, numbers in pairs:
        said = by_form.setdefault(form_words(ruleset, form), [])
        said += [w for w in (f"N {n}" for n in numbers) if w not in said]
    return "; ".join(f"{form}: {', '.join(numbers)}" if numbers else form for form, numbers in by_form.items())


def outcome_words(text: str, ruleset: RuleSet, outcomes: dict | None = None) -> str:
    """An outcome of `socmethod diff` (either shape) in Russian: «на дому: N 1; стационарная … : N 4».
    A register's text lists forms and numbers apart; with its pairs (`outcomes`, from the diff) each form
    gets its own numbers, without them the forms come first and the numbers after."""
    text = (text or "").strip()
    if not text or text == NO_RECOMMENDATION:
        return NO_RECOMMENDATION
    if outcomes and text in outcomes:
        return pairs_words(outcomes[text], ruleset)
    register = _REGISTER_OUTCOME.match(text)
    if register:
        forms = [form_words(ruleset, f) for f in dict.fromkeys(register["forms"].split("|"))]
        numbers = [f"N {n}" for n in register["numbers"].split("|") if n]
        return "; ".join(forms) + (": " + ", ".join(numbers) if numbers else "")
    by_form: dict[str, list[str]] = {}
    for part in text.split("; "):
        row = _SPACE_ROW.match(part)
        if row is None:
            by_form.setdefault(part, [])
            continue
        numbers = by_form.setdefault(form_words(ruleset, row["form"]), [])
        numbers += [n for n in (number_words(ruleset, n.strip()) for n in row["numbers"].split(",")) if n not in numbers]
    return "; ".join(f"{form}: {', '.join(numbers)}" if numbers else form for form, numbers in by_form.items())


def outcome_numbers(text: str) -> str:
    """The programme numbers of an outcome, short, for a chart's cell: «N 1, 4»; «—» for none."""
    text = (text or "").strip()
    register = _REGISTER_OUTCOME.match(text)
    if register:
        numbers = [n for n in register["numbers"].split("|") if n]
    else:
        numbers = [n.strip().partition("?")[0] for part in text.split("; ") if (row := _SPACE_ROW.match(part))
                   for n in row["numbers"].split(",")]
    ordered = sorted(dict.fromkeys(numbers), key=lambda n: int(n) if n.isdigit() else 0)
    return "N " + ", ".join(ordered) if numbers else "—"


def rows_words(rule_ids, ruleset: RuleSet, numbers=()) -> str:
    """A case bank outcome (the rules that hold and their numbers) in Russian."""
    if not rule_ids:
        return NO_RECOMMENDATION
    forms = []
    for rule in rule_ids:
        row = find_row(ruleset, rule)
        forms.append(form_words(ruleset, row.form) if row is not None else rule)
    text = "; ".join(dict.fromkeys(forms))
    return text + (": " + ", ".join(f"N {n}" for n in numbers) if numbers else "")


def find_row(ruleset: RuleSet, rule_id: str):
    for table in ruleset.tables.values():
        for row in table.rows:
            if getattr(row, "id", None) == rule_id:
                return row
    return None


def value_words(ruleset: RuleSet, field: str, value) -> str:
    return ruleset.value_label(field, value)


def values_words(ruleset: RuleSet, field: str, values) -> str:
    """Several values of a field: «степень 1, 2» for a scale, the labels joined otherwise."""
    values = list(values)
    if ruleset.fields.get(field, {}).get("kind") == "scale":
        return "степень " + ", ".join(str(v) for v in values)
    return value_words(ruleset, field, values)


def field_words(ruleset: RuleSet, field: str) -> str:
    """A case field's label; a scale item («self_care.hygiene») as its scale and the item's words."""
    if field == "category":
        return "Категория"
    name, dot, item = field.partition(".")
    if dot and name in SCALE_NAMES:
        for variant in ("adult", "child"):
            texts = {i["key"]: i["text"] for i in scale(name, variant).items}
            if item in texts:
                return f"{field_words(ruleset, name)}: {texts[item][:1].lower() + texts[item][1:]}"
        return field
    return ruleset.fields.get(field, {}).get("label", field)


def region_words(region: dict, ruleset: RuleSet) -> str:
    """A region of the input space (field -> values, or "any") in Russian; «любые ответы» when unbounded."""
    parts = [f"{field_words(ruleset, d)}: {values_words(ruleset, d, values)}" for d, values in region.items()
             if values != "any"]
    return "; ".join(parts) or "любые ответы"


def reading_words(ruleset: RuleSet, readings: dict) -> list[dict]:
    """Each reading in force: its title, the option's text, whether it is the default, its seed line."""
    out = []
    for name, option in readings.items():
        spec = ruleset.readings.get(name)
        if spec is None:
            continue
        title = spec.get("title", name)
        out.append({"title": title, "text": spec["options"][option].get("text", option),
                    "default": option == spec["default"], "seed_line": None if "стр." in title else spec.get("seed_line")})
    return out


def error_words(code: str, field: str | None, ruleset: RuleSet, allowed: str = "", detail: str | None = None,
                *, fix: bool = False) -> str:
    """A refused row's reason in Russian (the catalogue's message), the field named by its label, with the
    kit's own description of the problem (`detail`, e.g. «ячеек 32, а в заголовке 30»); the row's own
    value is not kept, only its place. With `fix`, what to write instead (the catalogue's fix with
    `allowed`): for the person who prepares the file, in the values the file takes (codes such as
    `elderly`), so not for the committee's report or the page."""
    label = field_words(ruleset, field) if field else None
    try:
        error = KitError(code, label, value=detail if detail is not None else "…", allowed=allowed or None)
    except KeyError:
        return code
    says_allowed = "{allowed}" in catalogue()[code].get("fix", "")       # a fix naming nothing would read «()»
    return f"{error.message} {error.fix}".strip() if fix and (allowed or not says_allowed) else error.message


def category_words(ruleset: RuleSet, category: str) -> str:
    return ruleset.categories.get(category, {}).get("label", category)


# --- table cells ---------------------------------------------------------------------------------------

ROW_META_LABELS = {"id": "Идентификатор строки", "seed_line": "Строка источника", "form": "Форма обслуживания",
                   "raw": "Текст строки в источнике", "note": "Примечание", "caveat": "Оговорка",
                   "applies_when": "Действует при прочтении"}


def column_words(ruleset: RuleSet, table_id: str, column: str) -> str:
    table = ruleset.tables[table_id]
    if column in table.columns:
        return table.columns[column].get("label", column)
    for category, ripso_column in table.ripso_columns.items():
        if ripso_column == column:
            return f"РИПСО: {category_words(ruleset, category)}"
    return ROW_META_LABELS.get(column, column)


def cell_words(ruleset: RuleSet, table_id: str, column: str, text: str) -> str:
    """A table cell as written («none, III», «V <*>», «23, 30 if social_housing_flat») in Russian."""
    table = ruleset.tables[table_id]
    text = (text or "").strip()
    if column in table.columns:
        spec = table.columns[column]
        if spec["kind"] == "set":
            if not text:
                return "не проверяется"
            fld = spec["field"]
            values = [_coerce(v.strip(), ruleset.field_domain(fld)) for v in text.split(",")]
            if ruleset.fields[fld]["kind"] == "scale":
                return "степень " + ", ".join(str(v) for v in values)
            return ", ".join(value_words(ruleset, fld, v) for v in values)
        if not text:
            return "пусто"
        head, _, marker = text.partition(" ")
        return "V (требуется)" + (f", сноска {marker.strip()}" if marker.strip() else "") if head == "V" else text
    if column == "form":
        return form_words(ruleset, text) if text else "—"
    if column in table.ripso_columns.values():
        if text in ("", "-"):
            return "номер не указан"
        return ", ".join(number_words(ruleset, part.strip().replace(" if ", "?")) for part in text.split(","))
    if column == "applies_when" and text:
        name, _, option = text.partition("=")
        spec = ruleset.readings.get(name, {})
        return f"{spec.get('title', name)}: {spec.get('options', {}).get(option, {}).get('text', option)}"
    return text or "—"


def _coerce(text: str, domain: list):
    for value in domain:
        if str(value) == text:
            return value
    return text
