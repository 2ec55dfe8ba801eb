"""The printed forms' own words: data/forms/*.toml, every entry the seed's text with the line it comes from.

One file per form (`form1`, `application`, `provider_conclusion`) and `common` for the words they share.
A file's [text] holds the running text its template prints as `t.KEY` (`common.KEY` for common.toml);
its other sections hold what the code reads (Form 1's category lines, the words around its scales and
tables, the application's footnotes, ...). What the rule data already says (table headings, column
labels, forms of service, value labels) is taken from the rule set, not repeated here.

A file is checked in full when it is loaded: every key its templates print must be there (the keys are
read from the templates themselves), every entry needs a non-empty `text` and its `seed_line`, and a
missing or malformed entry is a KitError naming the file and the key, never a blank on paper.
The checked form is given back with each entry reduced to its text (`seed_line` and `note` are for the
people who maintain the file), except where the code cites the line.
"""
from __future__ import annotations

import tomllib
from functools import lru_cache

from jinja2 import nodes

from socmethod.core.errors import KitError, syntax_problem
from socmethod.core.resources import data_path
from socmethod.core.ruleset import bundled_ruleset
from socmethod.core.scales import SCALE_NAMES
from socmethod.render import environment

# The template that prints each form; `common` is printed by all of them.
TEMPLATES = {"form1": "forms/conclusion_form1.html.j2", "application": "forms/application.html.j2",
             "provider_conclusion": "forms/provider_conclusion.html.j2"}
FORMS = ("common", *TEMPLATES)
# The sections each file may have (a misspelt one would otherwise be ignored in silence).
SECTIONS = {"common": {"text"},
            "form1": {"text", "categories", "category_groups", "other_forms", "unscored", "scales", "variants",
                      "criteria", "cell_words", "ripso_conditions"},
            "application": {"text", "footnotes", "circumstance_aliases"},
            "provider_conclusion": {"text", "fields", "evaluations"}}
# [text] keys the code reads itself (the template prints them after the code has prepared them).
READ_BY_CODE = {"form1": frozenset({"forms_column"})}
ENTRY_HINT = 'Запись формы: { text = "текст семени", seed_line = номер строки } (необязательно note = "пояснение").'
_ENTRY_KEYS = {"text", "seed_line", "note"}


def file_name(name: str) -> str:
    return f"data/forms/{name}.toml"


@lru_cache(maxsize=None)
def load_form(name: str) -> dict:
    """data/forms/NAME.toml, checked (see `check_form`). Cached: treat the result as read-only."""
    if name not in FORMS:
        raise ValueError(f"no printed form {name!r}; known: {FORMS}")
    path = data_path("forms", f"{name}.toml")
    try:
        raw = tomllib.loads(path.read_bytes().decode("utf-8"))
    except FileNotFoundError:
        raise KitError("file_not_found", value=str(path)) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise KitError("malformed_file", where=file_name(name), value=syntax_problem(exc), allowed="TOML, UTF-8") from None
    return check_form(name, raw)


def check_form(name: str, raw: dict) -> dict:
    """Check a parsed form file; return it with entries reduced to their text, or raise KitError naming
    the file and the key."""
    file = file_name(name)
    unknown = sorted(set(raw) - SECTIONS[name])
    if unknown:
        raise KitError("rule_set_invalid", unknown[0], where=file, value=f"неизвестный раздел «{unknown[0]}»",
                       allowed=sorted(SECTIONS[name]))
    text = _entries(_section(raw, "text", file), "text", file)
    missing = sorted(required_keys(name) - set(text))
    if missing:
        raise KitError("missing_key", f"text.{missing[0]}", where=file, allowed=ENTRY_HINT)
    form = {"text": text}
    if name == "form1":
        form.update(_check_form1(raw, file))
    elif name == "application":
        form["footnotes"] = [e["text"] for e in _entry_list(raw, "footnotes", file)]
        aliases = raw.get("circumstance_aliases", {})
        if not isinstance(aliases, dict) or not all(isinstance(v, str) for v in aliases.values()):
            raise KitError("rule_set_invalid", "circumstance_aliases", where=file, value="не таблица «код = код»",
                           allowed='Пишите старый_код = "код из data/documents.toml".')
        form["circumstance_aliases"] = dict(aliases)
    elif name == "provider_conclusion":
        form["fields"] = _entry_list(raw, "fields", file, ids=True)
        form["evaluations"] = _entry_list(raw, "evaluations", file, ids=True)
    return form


def required_keys(name: str) -> frozenset[str]:
    """The keys NAME's [text] must have: those its template prints and those the code reads."""
    return printed_keys(name) | READ_BY_CODE.get(name, frozenset())


@lru_cache(maxsize=None)
def printed_keys(name: str) -> frozenset[str]:
    """The keys of NAME's [text] its template prints (`t.KEY`, or `common.KEY` in any form's template),
    following the templates it extends, includes and imports."""
    templates, variable = ((TEMPLATES.values(), "common") if name == "common" else ((TEMPLATES[name],), "t"))
    env = environment()
    keys, seen, todo = set(), set(), list(templates)
    while todo:
        template = todo.pop()
        if template in seen:
            continue
        seen.add(template)
        tree = env.parse(env.loader.get_source(env, template)[0])
        keys |= {n.attr for n in tree.find_all(nodes.Getattr)
                 if isinstance(n.node, nodes.Name) and n.node.name == variable}
        todo += [n.template.value for n in tree.find_all((nodes.Extends, nodes.Include, nodes.Import, nodes.FromImport))
                 if isinstance(n.template, nodes.Const)]
    return frozenset(keys)


# --- Form 1 --------------------------------------------------------------------------------------------------

def _check_form1(raw: dict, file: str) -> dict:
    rules = bundled_ruleset()
    categories = _entry_list(raw, "categories", file, ids=True, extra=("when",))
    for n, line in enumerate(categories):
        when = line.get("when", {})
        where = f"categories.{n}.when"
        if not isinstance(when, dict):
            raise KitError("rule_set_invalid", where, where=file, value="условие — не таблица «поле = значение»",
                           allowed='Например when = { category = "elderly", lives_alone = true }.')
        for field, value in when.items():
            if field not in rules.fields:
                raise KitError("rule_set_invalid", f"{where}.{field}", where=file, value=f"неизвестное поле случая «{field}»",
                               allowed=list(rules.fields))
            domain = list(rules.categories) if field == "category" else rules.field_domain(field)
            if value not in domain or isinstance(value, bool) != (rules.fields[field]["kind"] == "bool"):
                raise KitError("bad_value", f"{where}.{field}", where=file, value=value, allowed=domain)
        line["when"] = dict(when)
    groups = _entries(_section(raw, "category_groups", file), "category_groups", file)
    other_forms = _entries(_section(raw, "other_forms", file), "other_forms", file, keep_lines=True)
    unscored = _entries(_section(raw, "unscored", file), "unscored", file)
    for key in list(groups) + list(other_forms) + list(unscored):
        if key not in rules.categories:
            raise KitError("rule_set_invalid", key, where=file, value=f"неизвестная категория «{key}»",
                           allowed=list(rules.categories))
    scales_raw = _section(raw, "scales", file)
    scales = {}
    for scale in SCALE_NAMES:
        scales[scale] = _entries(_section(scales_raw, scale, file, f"scales.{scale}"), f"scales.{scale}", file)
        for key in ("heading", "bands_heading", "bands_column", "final"):
            if key not in scales[scale]:
                raise KitError("missing_key", f"scales.{scale}.{key}", where=file, allowed=ENTRY_HINT)
    criteria = {}
    for table, spec in _section(raw, "criteria", file).items():
        where = f"criteria.{table}"
        if not isinstance(spec, dict) or set(spec) - {"marks", "headers", "forms_column", "footnotes"}:
            raise KitError("rule_set_invalid", where, where=file, value="ожидаются только marks, headers, forms_column, footnotes",
                           allowed=ENTRY_HINT)
        footnotes = []
        for n, note in enumerate(spec.get("footnotes", [])):
            if isinstance(note, dict) and set(note) == {"marker"} and isinstance(note["marker"], str):
                footnotes.append({"marker": note["marker"]})
            else:
                footnotes.append({"text": _entry(note, f"{where}.footnotes.{n}", file)["text"]})
        criteria[table] = {
            "marks": _entries(spec.get("marks", {}), f"{where}.marks", file),
            "headers": _entries(spec.get("headers", {}), f"{where}.headers", file),
            "forms_column": _entry(spec["forms_column"], f"{where}.forms_column", file)["text"] if "forms_column" in spec else None,
            "footnotes": footnotes}
    cell_words = {field: _entries(words, f"cell_words.{field}", file)
                  for field, words in _section(raw, "cell_words", file).items()}
    return {"categories": categories, "category_groups": groups, "other_forms": other_forms, "scales": scales,
            "unscored": unscored,
            "variants": _entries(_section(raw, "variants", file), "variants", file),
            "criteria": criteria, "cell_words": cell_words,
            "ripso_conditions": _entries(_section(raw, "ripso_conditions", file), "ripso_conditions", file)}


# --- entries -------------------------------------------------------------------------------------------------

def _section(raw: dict, key: str, file: str, path: str | None = None) -> dict:
    path = path or key
    if key not in raw:
        raise KitError("missing_key", path, where=file, allowed=f"раздел [{path}]")
    if not isinstance(raw[key], dict):
        raise KitError("rule_set_invalid", path, where=file, value=f"«{path}» — не раздел", allowed=f"Пишите [{path}].")
    return raw[key]


def _entry(value, path: str, file: str, extra: tuple[str, ...] = ()) -> dict:
    """One entry: a table with a non-empty `text` and a positive `seed_line`, optionally `note` and `extra`."""
    if not isinstance(value, dict):
        raise KitError("rule_set_invalid", path, where=file, value=f"«{path}» — не запись с текстом и строкой семени",
                       allowed=ENTRY_HINT)
    for key in ("text", "seed_line"):
        if key not in value:
            raise KitError("missing_key", f"{path}.{key}", where=file, allowed=ENTRY_HINT)
    if not isinstance(value["text"], str) or not value["text"].strip():
        raise KitError("rule_set_invalid", f"{path}.text", where=file, value="текст пуст или не строка", allowed=ENTRY_HINT)
    if type(value["seed_line"]) is not int or value["seed_line"] < 1:
        raise KitError("rule_set_invalid", f"{path}.seed_line", where=file, value=f"строка семени {value['seed_line']!r} — не номер строки",
                       allowed=ENTRY_HINT)
    unknown = sorted(set(value) - _ENTRY_KEYS - set(extra))
    if unknown:
        raise KitError("rule_set_invalid", f"{path}.{unknown[0]}", where=file, value=f"лишнее поле «{unknown[0]}»", allowed=ENTRY_HINT)
    return value


def _entries(raw: dict, path: str, file: str, keep_lines: bool = False) -> dict:
    """A table of entries: key -> its text (or {text, seed_line} with `keep_lines`)."""
    if not isinstance(raw, dict):
        raise KitError("rule_set_invalid", path, where=file, value=f"«{path}» — не таблица записей", allowed=ENTRY_HINT)
    result = {}
    for key, value in raw.items():
        entry = _entry(value, f"{path}.{key}", file)
        result[key] = {"text": entry["text"], "seed_line": entry["seed_line"]} if keep_lines else entry["text"]
    return result


def _entry_list(raw: dict, key: str, file: str, *, ids: bool = False, extra: tuple[str, ...] = ()) -> list[dict]:
    """An array of entries ([[key]]), each reduced to its text (and `id`, `extra`); ids unique when asked."""
    if key not in raw:
        raise KitError("missing_key", key, where=file, allowed=f"список [[{key}]]")
    if not isinstance(raw[key], list) or not raw[key]:
        raise KitError("rule_set_invalid", key, where=file, value=f"«{key}» — не непустой список записей", allowed=f"Пишите [[{key}]].")
    result, seen = [], set()
    for n, value in enumerate(raw[key]):
        entry = _entry(value, f"{key}.{n}", file, extra=(("id",) if ids else ()) + extra)
        item = {"text": entry["text"], **{k: entry[k] for k in extra if k in entry}}
        if ids:
            if not isinstance(entry.get("id"), str) or not entry["id"]:
                raise KitError("missing_key", f"{key}.{n}.id", where=file, allowed="код строки (id)")
            if entry["id"] in seen:
                raise KitError("rule_set_invalid", f"{key}.{n}.id", where=file, value=f"повторяется код «{entry['id']}»",
                               allowed="У каждой строки свой код.")
            seen.add(entry["id"])
            item["id"] = entry["id"]
        result.append(item)
    return result
