"""The public calculator's wording: data/calculator.toml, loaded once and checked against the rules it names.

Every question, hint, answer and heading a citizen reads on either edition (the Voila calculator, the light
page) or on the printed summary comes from this file or from the rule data; the phone number and the
hours are filled in from data/urgent.toml [where], where each keeps its seed line.
"""
from __future__ import annotations

import tomllib
from functools import lru_cache

from socmethod.core.errors import KitError
from socmethod.core.resources import data_path
from socmethod.core.ruleset import bundled_ruleset

TEXTS_FILE = "data/calculator.toml"
# Every text the pages and the summary print, by its dotted key: a methodologist who edits the wording and
# drops one learns which at `make app` / `make web` / in the tests, not from a page that stops answering.
REQUIRED_TEXTS = (
    "title", "disclaimer", "summary_disclaimer", "who.question", "who.relative_note", "category.question",
    "flags.yes_no_unknown", "where.heading", "where.text", "where.hours", "where.sources", "where.summary",
    "deadlines.heading", "deadlines.note", "deadlines.summary_heading",
    "cost.heading", "cost.family_income", "cost.family_income_hint", "cost.members", "cost.free_category",
    "cost.no_category", "cost.skip", "urgent.question", "urgent.heading", "urgent.text", "urgent.summary_text",
    "form_hints.source", "form_hints.ripso", "result.start", "result.pending", "result.pending_hint", "result.none_heading",
    "result.none_text", "result.choose",
    "page.lead", "page.show_questions", "page.show_result", "page.result_heading", "page.answers_heading",
    "page.change", "page.print", "page.print_note", "page.error_summary", "page.error_prefix", "page.missing",
    "page.missing_unknown", "page.missing_category", "page.no_script_note", "page.updated", "page.invalid_one",
    "page.invalid_many",
)
OPTION_LISTS = ("who.options", "category.options", "flags.yes_no_unknown")
# Kinds of case keys the calculator can ask about (data/rules/405-r/ruleset.toml [fields]): a scale is one
# question per activity, a flag yes / no / «не знаю», an enum one answer of its list, a set several.
ASKABLE_KINDS = ("scale", "bool", "enum", "int_set", "set")


@lru_cache(maxsize=1)
def texts() -> dict:
    """The public wording (data/calculator.toml), checked: see `check_texts`."""
    path = data_path("calculator.toml")
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except tomllib.TOMLDecodeError as err:
        raise KitError("malformed_file", where=TEXTS_FILE, value=str(err), allowed="TOML") from None
    except OSError:
        raise KitError("file_not_found", "calculator.toml", value=str(path)) from None
    from socmethod.procedure.urgent import load_urgent
    facts = {k: v for k, v in load_urgent()["where"].items() if isinstance(v, str) and not k.endswith(("_source", "_note"))}
    data = _filled(data, facts, "")
    check_texts(data)
    return data


def _filled(node, facts: dict, key: str):
    """`node` with each "{name}" in its texts replaced by the fact of data/urgent.toml [where]."""
    if isinstance(node, dict):
        return {k: _filled(v, facts, f"{key}.{k}".lstrip(".")) for k, v in node.items()}
    if isinstance(node, list):
        return [_filled(v, facts, key) for v in node]
    if isinstance(node, str) and "{" in node:
        try:
            return node.format_map(facts)
        except (KeyError, ValueError, IndexError) as err:
            raise KitError("rule_set_invalid", where=f"{TEXTS_FILE}, {key}", value=f"неизвестная подстановка {err}",
                           allowed=f"Подстановки берутся из data/urgent.toml [where]: {', '.join(sorted(facts))}.") from None
    return node


def asked_keys(category: str | None, data: dict | None = None) -> list[str]:
    """The case keys the calculator asks about for a category, in page order: the category's required keys
    (data/rules/405-r/ruleset.toml) and the optional ones calculator.toml [asked] names, less those it says
    are not asked."""
    if not category:
        return []
    data = data if data is not None else texts()
    asked = data.get("asked", {})
    cat = bundled_ruleset().categories[category]
    keys = list(cat.get("required", [])) + [k for k in cat.get("optional", []) if k in asked.get("optional", [])]
    return [k for k in keys if k not in asked.get("not_asked", [])]


def question_spec(key: str, data: dict | None = None) -> dict:
    """The wording of the question about case key `key`: {"question", "hint", "options"?} (a scale's
    activities are under questions.<key>). A flag without its own wording is asked by the rule set's label."""
    data = data if data is not None else texts()
    kind = bundled_ruleset().fields[key]["kind"]
    if kind == "scale":
        return data["questions"][key]
    if kind == "bool":
        return data["flags"].get(key, {"question": bundled_ruleset().fields[key]["label"], "hint": ""})
    return data[key]


def check_texts(data: dict) -> None:
    """Refuse a wording file the pages could not be built from, naming the key (KitError)."""
    from socmethod.core.scales import scale
    from socmethod.procedure.deadlines import load_rules
    from socmethod.procedure.documents import load_documents

    def get(key: str, node=data):
        for part in key.split("."):
            if not isinstance(node, dict) or part not in node:
                raise KitError("missing_key", key, where=TEXTS_FILE, allowed="текст для страницы калькулятора")
            node = node[part]
        return node

    def fail(key: str, problem: str):
        raise KitError("rule_set_invalid", where=f"{TEXTS_FILE}, {key}", value=problem,
                       allowed="Исправьте формулировки калькулятора.")

    def check_options(key: str, options) -> None:
        if not (isinstance(options, list) and options and all(
                isinstance(o, list) and len(o) == 2 and all(isinstance(x, str) and x for x in o) for o in options)):
            fail(key, "ожидается список пар [код, текст]")

    for key in REQUIRED_TEXTS:
        if key not in OPTION_LISTS and not (isinstance(get(key), str) and get(key).strip()):
            fail(key, "ожидается непустой текст")
    for key in OPTION_LISTS:
        check_options(key, get(key))
    ruleset = bundled_ruleset()
    if {code for code, _ in data["category"]["options"]} != set(ruleset.categories):
        fail("category.options", f"коды категорий должны быть: {', '.join(ruleset.categories)}")
    for form in ruleset.forms:
        if not isinstance(get("form_hints").get(form), str):
            fail(f"form_hints.{form}", "нет пояснения для этой формы обслуживания")
    catalogue = load_documents()["documents"]
    for doc in get("who.relative_documents"):
        if doc not in catalogue:
            fail("who.relative_documents", f"нет документа «{doc}» в data/documents.toml")
    known = {rule["id"] for rule in load_rules()["deadline"]}
    for entry in get("deadlines.shown"):
        if not (isinstance(entry, list) and len(entry) == 3 and all(isinstance(x, str) for x in entry)):
            fail("deadlines.shown", "ожидается список троек [код срока, текст, краткий текст]")
        if entry[0] not in known:
            fail("deadlines.shown", f"нет срока «{entry[0]}» в data/deadlines.toml")
    for name in ("self_care", "mobility"):
        if len(get(f"levels.{name}")) != 4:
            fail(f"levels.{name}", "ожидается четыре ответа (уровни 0–3 шкалы)")
    # Every key any category is asked about has its question, in the shape its kind needs.
    for extra in data.get("asked", {}).get("optional", []):
        if extra not in ruleset.fields:
            fail("asked.optional", f"нет поля «{extra}» в наборе правил")
    for category, cat in ruleset.categories.items():
        for key in asked_keys(category, data):
            kind = ruleset.fields[key]["kind"]
            if kind not in ASKABLE_KINDS:
                fail(f"asked.{key}", f"о поле вида «{kind}» калькулятор спросить не может")
            if kind == "scale":
                for item in scale(key, cat["scales"]).keys:
                    if not isinstance(get(f"questions.{key}").get(item), str):
                        fail(f"questions.{key}.{item}", "нет вопроса для этого пункта шкалы")
                continue
            if kind == "bool":
                continue            # asked by its flags.<key> wording or, without one, by the rule set's label
            question = get(f"{key}.question")
            if not (isinstance(question, str) and question.strip()):
                fail(f"{key}.question", "ожидается непустой текст")
            check_options(f"{key}.options", get(f"{key}.options"))
            values = {str(v) for v in ruleset.fields[key].get("values", [])} | {"unknown"}
            stray = [code for code, _ in get(f"{key}.options") if code not in values]
            if stray:
                fail(f"{key}.options", f"нет значения «{stray[0]}» у поля «{key}» в наборе правил")
