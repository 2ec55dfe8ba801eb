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

from functools import lru_cache

from jinja2 import nodes

from socmethod.core.ruleset import bundled_ruleset
from socmethod.core.scales import SCALE_NAMES
from socmethod.core.schema import Anything, ListOf, MapOf, OneOf, SeedLine, Switch, Table, Text, Where, check, load_toml
from socmethod.render import environment

# The template that prints each form; `common` is printed by all of them.
TEMPLATES = {"form1": "forms/conclusion_form1.html.j2", "application": "forms/application.html.j2",
             "provider_conclusion": "forms/provider_conclusion.html.j2"}
FORMS = ("common", *TEMPLATES)
# [text] keys the code reads itself (the template prints them after the code has prepared them).
READ_BY_CODE = {"form1": frozenset({"forms_column"})}


def file_name(name: str) -> str:
    return f"data/forms/{name}.toml"


@lru_cache(maxsize=None)
def load_form(name: str) -> dict:
    """data/forms/NAME.toml, checked (see `check_form`). Cached: treat the result as read-only."""
    if name not in FORMS:
        raise ValueError(f"no printed form {name!r}; known: {FORMS}")
    raw = load_toml("forms", f"{name}.toml", label=file_name(name))
    return check_form(name, raw)


def check_form(name: str, raw: dict) -> dict:
    """Check a parsed form file; return it with entries reduced to their text, or raise KitError naming
    the file and the key."""
    data = check(raw, _schema(name), file_name(name))
    form = {"text": _texts(data["text"])}
    if name == "form1":
        form.update(_form1(data))
    elif name == "application":
        form["footnotes"] = [e["text"] for e in data["footnotes"]]
        form["circumstance_aliases"] = dict(data.get("circumstance_aliases", {}))
    elif name == "provider_conclusion":
        form["fields"] = [{"id": e["id"], "text": e["text"]} for e in data["fields"]]
        form["evaluations"] = [{"id": e["id"], "text": e["text"]} for e in data["evaluations"]]
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


# --- shapes ---------------------------------------------------------------------------------------------------

ENTRY = Table(required={"text": Text(), "seed_line": SeedLine()}, optional={"note": Text()})
ENTRIES = MapOf(ENTRY)
LINE = Table(required={"id": Text(), "text": Text(), "seed_line": SeedLine()}, optional={"note": Text()},
             id="id", collection="line")


def _schema(name: str) -> Table:
    text = Table(required={key: ENTRY for key in sorted(required_keys(name))}, rest=ENTRY)
    if name == "common":
        return Table(required={"text": text})
    if name == "application":
        return Table(required={"text": text, "footnotes": ListOf(ENTRY, min=1)},
                     optional={"circumstance_aliases": MapOf(Text())})
    if name == "provider_conclusion":
        return Table(required={"text": text, "fields": ListOf(LINE, min=1), "evaluations": ListOf(LINE, min=1)})
    rules = bundled_ruleset()
    categories = MapOf(ENTRY, keys=OneOf(lambda: list(rules.categories), what="неизвестная категория «{value}»"))
    when = Where(MapOf(Anything(), keys=OneOf(lambda: list(rules.fields), what="неизвестное поле случая «{value}»")),
                 lambda condition: _when_problem(condition, rules))
    line = Table(required={"id": Text(), "text": Text(), "seed_line": SeedLine()}, optional={"note": Text(), "when": when},
                 id="id", collection="line")
    scale = Table(required={key: ENTRY for key in ("heading", "bands_heading", "bands_column", "final")}, rest=ENTRY)
    footnote = Switch(lambda v: isinstance(v, dict) and set(v) == {"marker"}, Table(required={"marker": Text()}), ENTRY)
    criteria = Table(optional={"marks": ENTRIES, "headers": ENTRIES, "forms_column": ENTRY, "footnotes": ListOf(footnote)})
    return Table(required={"text": text, "categories": ListOf(line, min=1),
                           "category_groups": categories, "other_forms": categories, "unscored": categories,
                           "scales": Table(required={s: scale for s in SCALE_NAMES}), "variants": ENTRIES,
                           "criteria": MapOf(criteria), "cell_words": MapOf(ENTRIES), "ripso_conditions": ENTRIES})


def _when_problem(condition: dict, rules) -> str | None:
    """A category line's condition gives its case fields values from their domains."""
    for field, value in condition.items():
        domain = list(rules.categories) if field == "category" else rules.field_domain(field)
        if value not in domain or isinstance(value, bool) != (rules.fields[field]["kind"] == "bool"):
            return f"условие when: «{value}» — не значение поля «{field}» ({', '.join(map(str, domain))})"
    return None


def _texts(entries: dict) -> dict:
    return {key: entry["text"] for key, entry in entries.items()}


def _form1(data: dict) -> dict:
    return {"categories": [{"id": c["id"], "text": c["text"], "when": dict(c.get("when", {}))} for c in data["categories"]],
            "category_groups": _texts(data["category_groups"]),
            "other_forms": {k: {"text": e["text"], "seed_line": e["seed_line"]} for k, e in data["other_forms"].items()},
            "unscored": _texts(data["unscored"]),
            "scales": {s: _texts(data["scales"][s]) for s in SCALE_NAMES},
            "variants": _texts(data["variants"]),
            "criteria": {table: {"marks": _texts(spec.get("marks", {})), "headers": _texts(spec.get("headers", {})),
                                 "forms_column": spec["forms_column"]["text"] if "forms_column" in spec else None,
                                 "footnotes": [{"marker": f["marker"]} if "marker" in f else {"text": f["text"]}
                                               for f in spec.get("footnotes", [])]}
                         for table, spec in data["criteria"].items()},
            "cell_words": {field: _texts(words) for field, words in data["cell_words"].items()},
            "ripso_conditions": _texts(data["ripso_conditions"])}
