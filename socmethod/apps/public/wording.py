"""The public calculator's wording: data/calculator.toml, loaded once and checked against the rules it names.

Every question, hint, answer and heading a citizen reads on either edition (the Voila calculator, the light
page) or on the printed summary comes from this file or from the rule data; the phone number and the
hours are filled in from data/urgent.toml [where], where each keeps its seed line. The questions about
what a table key is derived from (the kinds of impairment, how the person lives, the kinds of medical
indications) are worded in the rule set itself (ruleset.toml [questions], each answer with its seed line),
and asked in place of the key they derive.

The file's shape is declared once (`schema`, on the kit's one checker, socmethod.core.schema): a missing or
malformed text is refused at `make app` / `make web` / in the tests, naming the key, never a page that stops
answering. What a shape cannot say (every key a category is asked about has its wording) is checked after.
"""
from __future__ import annotations

from functools import lru_cache

from socmethod.core.errors import KitError
from socmethod.core.ruleset import bundled_ruleset
from socmethod.core.schema import Boolean, ListOf, MapOf, OneOf, Table, Text, Where, check, load_toml

TEXTS_FILE = "data/calculator.toml"
# Kinds of case keys the calculator can ask about (data/rules/405-r/ruleset.toml [fields]): a scale is one
# question per activity, a flag yes / no / «не знаю», an enum one answer of its list, a set several ticked.
ASKABLE_KINDS = ("scale", "bool", "enum", "int", "int_set", "enum_set")
SET_KINDS = ("int_set", "enum_set")
# The answers a ticked question may add to its kinds; each stands alone. What the case then says: «не знаю»
# is unknown (null), «ничего из этого» is an empty list.
TICKED_EXTRAS = {"unknown": None, "none": []}
YES_NO_UNKNOWN = ("yes", "no", "unknown")

RESULT_TEXTS = ("start", "pending", "pending_hint", "choose", "by_reading", "early_help_heading", "early_help_needed",
                "early_help_not_needed", "early_help_unknown", "early_help_not_applicable", "early_help_criteria",
                "none_heading", "none_text", "derived_heading",
                "undetermined_heading", "undetermined_alternatives", "undetermined_depends")
PAGE_TEXTS = ("lead", "show_questions", "show_result", "result_heading", "answers_heading", "change", "print",
              "print_note", "error_summary", "error_prefix", "missing", "missing_unknown", "missing_category",
              "invalid_one", "invalid_many", "missing_ticked", "exclusive", "no_script_note", "updated")


def _texts(*keys: str, optional: tuple[str, ...] = ()) -> Table:
    """A table of non-empty texts (and optional ones that may be empty)."""
    return Table(required={k: Text() for k in keys}, optional={k: Text(empty=True) for k in optional})


def _options(codes=None, what: str = "") -> Where | ListOf:
    """A list of [code, text] pairs; with `codes` (a function giving the allowed codes, and whether all of
    them must be there), each code one of them."""
    pairs = ListOf(ListOf(Text(), exactly=2), min=1)
    if codes is None:
        return pairs

    def test(options):
        allowed, complete = codes()
        given = [code for code, _ in options]
        stray = [c for c in given if c not in allowed]
        if stray:
            return f"нет значения «{stray[0]}» {what}"
        if complete and sorted(given) != sorted(allowed):
            return f"коды должны быть: {', '.join(allowed)}"
        return None
    return Where(pairs, test, "список пар [код, текст]")


def _with_slot(name: str):
    def test(text: str):
        return None if "{" + name + "}" in text else f"в тексте нет места для «{{{name}}}»"
    return test


@lru_cache(maxsize=1)
def schema() -> Table:
    """The shape of data/calculator.toml, with the codes it may use read from the rule data."""
    from socmethod.core.scales import scale
    from socmethod.procedure.deadlines import load_rules
    from socmethod.procedure.documents import load_documents
    ruleset = bundled_ruleset()
    fields = list(ruleset.fields)
    deadline_ids = lambda: [rule["id"] for rule in load_rules()["deadline"]]   # noqa: E731

    def deadline(entry):
        return None if entry[0] in deadline_ids() else f"нет срока «{entry[0]}» в data/deadlines.toml"

    def enum_question(key: str) -> Table:
        values = [str(v) for v in ruleset.fields[key].get("values", [])] + ["unknown"]
        return Table(required={"question": Text(), "options": _options(lambda: (values, False), f"у поля «{key}» в наборе правил")},
                     optional={"hint": Text(empty=True)})

    def int_question(key: str) -> Table:
        """A number asked in bands: each option's code is a band's first value, within the field's bounds."""
        spec = ruleset.fields[key]
        values = [str(v) for v in range(spec.get("min", 0), spec.get("max", 0) + 1)] + ["unknown"]
        return Table(required={"question": Text(), "options": _options(lambda: (values, False), f"в границах поля «{key}»")},
                     optional={"hint": Text(empty=True)})

    def scale_items(name: str) -> dict:
        variants = {cat["scales"] for cat in ruleset.categories.values() if cat.get("scales")}
        items = dict.fromkeys(item for variant in sorted(variants) for item in scale(name, variant).keys)
        return {"heading": Text(), **{item: Text() for item in items}}

    def flags_are_bool_keys(flags: dict):
        stray = [k for k in flags if k != "yes_no_unknown" and ruleset.fields.get(k, {}).get("kind") != "bool"]
        return f"«{stray[0]}» — не поле «да/нет» набора правил" if stray else None

    set_fields = [k for k, f in ruleset.fields.items() if f["kind"] in SET_KINDS]
    enums = [k for k, f in ruleset.fields.items() if f["kind"] == "enum" and k != "category"]
    return Table(
        required={
            "title": Text(), "disclaimer": Text(), "summary_disclaimer": Text(),
            "form_hints": Table(required={"source": Text(), "paraphrase": Boolean(), "verified": Boolean(),
                                          "source_text": Text(), "ripso": Text(),
                                          **{form: Text() for form in ruleset.forms}}),
            "result": _texts(*RESULT_TEXTS),
            "asked": Table(required={"optional": ListOf(OneOf(fields, "нет поля «{value}» в наборе правил"), unique=True),
                                     "not_asked": ListOf(OneOf(fields, "нет поля «{value}» в наборе правил"), unique=True)},
                           optional={"only": MapOf(ListOf(OneOf(list(ruleset.categories)), min=1),
                                                   keys=OneOf(fields, "нет поля «{value}» в наборе правил")),
                                     "when": MapOf(Table(required={"unless": MapOf(ListOf(Text(), min=1), keys=OneOf(fields))}),
                                                   keys=OneOf(fields, "нет поля «{value}» в наборе правил"))}),
            "ticked": Table(required={"unknown": Text(), "none": Text(), "divider": Text(),
                                      "questions": MapOf(Table(required={"add": ListOf(OneOf(list(TICKED_EXTRAS)), unique=True)},
                                                               optional={"only": MapOf(ListOf(OneOf(list(ruleset.categories)), min=1)),
                                                                         "undetermined": Text()}),
                                                         keys=OneOf(set_fields, "«{value}» — не поле-список набора правил"))}),
            "who": Table(required={"question": Text(), "options": _options(), "relative_note": Text(),
                                   "relative_documents": ListOf(OneOf(lambda: list(load_documents()["documents"]),
                                                                      "нет документа «{value}» в data/documents.toml"), min=1)},
                         optional={"hint": Text(empty=True)}),
            "category": Table(required={"question": Text(),
                                        "options": _options(lambda: (list(ruleset.categories), True), "среди категорий набора правил")},
                              optional={"hint": Text(empty=True)}),
            "levels": Table(required={name: ListOf(Text(), exactly=4) for name in ("self_care", "mobility")}),
            "questions": Table(required={name: Table(required=scale_items(name)) for name in ("self_care", "mobility")}),
            "flags": Where(Table(required={"yes_no_unknown": _options(lambda: (list(YES_NO_UNKNOWN), True))},
                                 rest=Table(required={"question": Text()}, optional={"hint": Text(empty=True)})),
                           flags_are_bool_keys),
            "where": Table(required={"heading": Text(), "text": Text(), "hours": Text(), "summary": Text(), "sources": Text()}),
            "deadlines": Table(required={"heading": Text(), "note": Text(), "summary_heading": Text(),
                                         "shown": ListOf(Where(ListOf(Text(), exactly=3), deadline,
                                                               "[код срока, текст, краткий текст]"), min=1)}),
            "cost": _texts("heading", "family_income", "family_income_hint", "members", "free_category", "no_category", "skip"),
            "urgent": _texts("question", "heading", "text", "summary_text"),
            "page": Table(required={**{k: Text() for k in PAGE_TEXTS}, "exclusive": Where(Text(), _with_slot("answer"))}),
        },
        optional={**{key: enum_question(key) for key in enums},
                  **{key: int_question(key) for key, f in ruleset.fields.items() if f["kind"] == "int"}})


@lru_cache(maxsize=1)
def texts() -> dict:
    """The public wording (data/calculator.toml), its facts filled in and checked: see `check_texts`."""
    from socmethod.procedure.urgent import load_urgent
    data = load_toml("calculator.toml")
    facts = {k: v for k, v in load_urgent()["where"].items() if isinstance(v, str) and not k.endswith(("_source", "_note"))}
    return check_texts(_filled(data, facts, ""))


def _filled(node, facts: dict, key: str):
    """`node` with each "{name}" in its texts replaced by the fact of data/urgent.toml [where] (a text that
    keeps a slot of its own, `{answer}` of page.exclusive, is filled where it is shown)."""
    if isinstance(node, dict):
        return {k: _filled(v, facts, f"{key}.{k}".lstrip(".")) for k, v in node.items()}
    if isinstance(node, list):
        return [_filled(v, facts, key) for v in node]
    if isinstance(node, str) and "{" in node:
        try:
            return node.format_map({**facts, "answer": "{answer}"})
        except (KeyError, ValueError, IndexError) as err:
            raise KitError("rule_set_invalid", where=f"{TEXTS_FILE}, {key}", value=f"неизвестная подстановка {err}",
                           allowed=f"Подстановки берутся из data/urgent.toml [where]: {', '.join(sorted(facts))}.") from None
    return node


def check_texts(data: dict) -> dict:
    """`data` (a parsed wording file) checked against `schema`, then every key a category is asked about
    for its wording; refuses the first defect as a KitError naming the file and the key."""
    data = check(data, schema(), TEXTS_FILE)
    ruleset = bundled_ruleset()

    def fail(key: str, problem: str, fix: str = "Исправьте формулировки калькулятора."):
        raise KitError("rule_set_invalid", key, where=f"{TEXTS_FILE}, {key}", value=problem, allowed=fix)

    plain = ruleset.spec.get("questions", {})
    for key in data["flags"]:
        if key in plain:
            fail(f"flags.{key}", "этот вопрос уже сформулирован в наборе правил ([questions])",
                 "Уберите его отсюда: вопрос берётся из data/rules/405-r/ruleset.toml.")
    for category, cat in ruleset.categories.items():
        keys = asked_keys(category, data)
        for n, key in enumerate(keys):
            kind = ruleset.fields[key]["kind"]
            if kind not in ASKABLE_KINDS:
                fail(f"asked.{key}", f"о поле вида «{kind}» калькулятор спросить не может")
            if kind in ("enum", "int") and key not in data:
                raise KitError("missing_key", f"{key}.question", where=TEXTS_FILE, allowed="вопрос и ответы [код, текст]")
            if kind in SET_KINDS and key not in plain:
                fail(f"asked.{key}", "нет вопроса в наборе правил ([questions])")
            for earlier in data["asked"].get("when", {}).get(key, {}).get("unless", {}):
                if earlier not in keys[:n]:
                    fail(f"asked.when.{key}", f"«{earlier}» не спрашивается раньше (категория {category})")
    return data


# ------------------------------------------------------------------------------------------ what is asked

def asked_keys(category: str | None, data: dict | None = None) -> list[str]:
    """The case keys the calculator asks about for a category, in page order: the category's required keys
    (data/rules/405-r/ruleset.toml), each replaced by the keys it is derived from when those are asked,
    then the optional ones calculator.toml [asked] names, less those it says are not asked."""
    if not category:
        return []
    data = data if data is not None else texts()
    keys: list[str] = []
    for key in bundled_ruleset().categories[category].get("required", []):
        keys.extend(_asked_instead(category, key, data) or [key])
    keys += [k for k in _optional(category, data) if k not in keys]
    return [k for k in keys if k not in data["asked"]["not_asked"]]


def derived_keys(category: str | None, data: dict | None = None) -> dict[str, list[str]]:
    """{required key: the asked keys it is derived from} for the keys a category is not asked about
    directly (the engine derives them: ruleset.toml [derive])."""
    if not category:
        return {}
    data = data if data is not None else texts()
    out = {}
    for key in bundled_ruleset().categories[category].get("required", []):
        inputs = _asked_instead(category, key, data)
        if inputs:
            out[key] = inputs
    return out


def _optional(category: str, data: dict) -> list[str]:
    only = data["asked"].get("only", {})
    return [k for k in bundled_ruleset().categories[category].get("optional", [])
            if k in data["asked"]["optional"] and category in only.get(k, [category])]


def _asked_instead(category: str, key: str, data: dict) -> list[str]:
    spec = bundled_ruleset().derivations.get(key)
    if not spec:
        return []
    sources = spec["from"] if isinstance(spec["from"], list) else [spec["from"]]
    optional = _optional(category, data)
    return [k for k in sources if k in optional and k not in data["asked"]["not_asked"]]


def asked_unless(key: str, data: dict | None = None) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The earlier answers that leave question `key` out: ((earlier key, its answers), ...)."""
    data = data if data is not None else texts()
    unless = data["asked"].get("when", {}).get(key, {}).get("unless", {})
    return tuple((k, tuple(v)) for k, v in unless.items())


def question_spec(key: str, category: str | None = None, data: dict | None = None) -> dict:
    """The wording of the question about case key `key`: {"question", "hint", "options"?, "exclusive"?}
    (a scale's activities are under questions.<key>). A question the rule set words ([questions]) is asked
    in its words; a flag without wording anywhere, by the rule set's label. A ticked question's options are
    its kinds (those offered to `category`) and then its answers that stand alone (`exclusive`)."""
    data = data if data is not None else texts()
    ruleset = bundled_ruleset()
    kind = ruleset.fields[key]["kind"]
    plain = ruleset.spec.get("questions", {}).get(key)
    if kind == "scale":
        return data["questions"][key]
    if kind == "bool":
        spec = plain or data["flags"].get(key) or {"question": ruleset.fields[key]["label"]}
        return {"question": spec["question"], "hint": spec.get("hint", ""), "options": data["flags"]["yes_no_unknown"]}
    if kind in SET_KINDS:
        ticked = data["ticked"]["questions"].get(key, {})
        only = ticked.get("only", {})
        options = [[value, option["text"]] for value, option in plain["options"].items()
                   if category is None or category in only.get(value, [category])]
        extras = [[extra, data["ticked"][extra]] for extra in ticked.get("add", [])]
        return {"question": plain["question"], "hint": plain.get("hint", ""), "options": options + extras,
                "exclusive": [extra for extra, _ in extras], "undetermined": ticked.get("undetermined", "")}
    return {"hint": "", **data[key]}
