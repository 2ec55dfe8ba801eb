"""Documents an applicant brings: section 3 of the Порядок (405-р) and Appendix 2 to Forms 1 and 3.

The data is data/documents.toml (every entry with its seed line). This module checks that file and answers,
for a case in the kit's case format and the forms of service the citizen considers, what to bring:

    always       section 3.1: every application (identity, residence, ... ) and the consent of 3.5
    for_forms    extras of a chosen form: family composition for home care (3.1), the 216н conclusion for
                 any residential form (note 2 of Appendix 2 to Form 3), 3.2's list for permanent residence
    for_category lists bound to a category: 3.3 (disabled child, permanent), 3.4 (orphan, permanent), the
                 <***> status documents of Form 3 (families, minors)
    to_confirm   per circumstance the case shows, the documents that confirm it (Form 1's matrix, or
                 Form 3's lists where one document suffices and <*> ones are mandatory)
    possible     circumstances that hold only for some answer to an unknown (null) question

What decides a circumstance is data too: each circumstance of Form 1 says when a case shows it
(`shown_when`: an answer «да», a category, difficulties on a scale, table 3.3's criteria), Form 3's which
question answers it; which category gets which list is each form's `applies_to`. The functions take the
rule set and the readings in force (default: the bundled 405-р and its default readings), so the early-help
age bound follows early_help_upper_age / early_help_upper_age_5 and `--rules` is honoured.

Stdlib only; every refusal is a KitError with a code from data/errors.toml.
"""
from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path

from socmethod.core.engine import age_words, criteria_list_upper_age
from socmethod.core.errors import KitError, syntax_problem
from socmethod.core.ruleset import RuleSet, bundled_ruleset
from socmethod.core.scales import scale
from socmethod.core.schema import Boolean, Integer, ListOf, MapOf, OneOf, Ref, SeedLine, Table, Text, Where, check, load_toml

FILE = "documents.toml"

# ------------------------------------------------------------------------------------------ loading

def form_names(ruleset: RuleSet | None = None) -> dict[str, str]:
    """Form code -> Russian name, from the rule set's [forms]."""
    return dict((ruleset or bundled_ruleset()).forms)


@lru_cache(maxsize=None)
def load_documents(path: str | Path | None = None) -> dict:
    """Read and check data/documents.toml (or `path`); the result is cached, treat it as read-only."""
    if path is None:
        return check_documents(load_toml(FILE))
    file = Path(path)
    try:
        data = tomllib.loads(file.read_bytes().decode("utf-8"))
    except FileNotFoundError:
        raise KitError("file_not_found", value=str(file)) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise KitError("malformed_file", value=syntax_problem(exc), allowed="TOML", where=file.name) from None
    return check_documents(data, file.name)


# --- the file's shape ----------------------------------------------------------------------------------------
# Every entry says where in the seed it comes from: its line and a 405-р citation.

def _source(text: str) -> str | None:
    return None if text.startswith("405-р") else "ссылка на источник должна начинаться с «405-р» (например «405-р, п. 3.2.3»)"


CITED = {"source": Where(Text(), _source), "seed_line": SeedLine()}


def _schema(rules: RuleSet) -> Table:
    forms = OneOf(lambda: list(rules.forms))
    category = OneOf(lambda: list(rules.categories))
    doc = Ref("document")
    requirement = Table(required={"text": Text(), **CITED})
    reference = Table(required={"doc": doc, **CITED},
                      optional={"title": Text(), "forms": ListOf(forms, unique=True), "when": Text(), "for_disabled": Boolean(),
                                "raw": Text(), "note": Text(), "requirements": ListOf(requirement)})
    document = Table(required={"title": Text(), "public": Text(), **CITED},
                     optional={"note": Text(), "raw": Text(), "accepted": ListOf(Text()), "accepted_seed_lines": ListOf(SeedLine()),
                               "footnote_seed_line": SeedLine()})
    a_list = Table(required={"id": Text(), "title": Text(), "public": Text(), **CITED, "forms": ListOf(forms, unique=True),
                             "items": ListOf(reference, min=1)},
                   optional={"categories": ListOf(category, unique=True), "except_categories": ListOf(category, unique=True),
                             "when": Text(), "note": Text()}, id="id", collection="list")
    case = Table(required={"disabled_categories": ListOf(category), "disability_groups": ListOf(Text()),
                           "disability_unknown_when": Text(), "status_categories": ListOf(category), **CITED},
                 optional={"note": Text()})
    field_of = lambda kind: OneOf(lambda: [f for f, s in rules.fields.items() if s["kind"] == kind],  # noqa: E731
                                  what=f"«{{value}}» — не поле вида {kind} в ruleset.toml [fields]")
    when = Where(Table(required={"why": Text(), "seed_line": SeedLine()},
                       optional={"scales": ListOf(field_of("scale"), min=1), "categories": ListOf(category, unique=True),
                                 "answer": field_of("bool"), "criteria": field_of("int_set"), "why_possible": Text(),
                                 "note": Text()}), _when_problem)
    form1 = Table(required={"title": Text(), **CITED, "applies_to": ListOf(category, unique=True),
                            "columns": ListOf(Table(required={"column": Integer(1, 99), "doc": doc, **CITED},
                                                    optional={"title": Text()}), min=1),
                            "circumstances": ListOf(Table(required={"id": Text(), "title": Text(), "public": Text(), **CITED,
                                                                    "cells": ListOf(OneOf(("V", ""))), "documents": ListOf(doc)},
                                                          optional={"footnotes": ListOf(Ref("form1_footnote")), "raw": Text(),
                                                                    "note": Text(), "shown_when": ListOf(when, min=1)},
                                                          id="id", collection="form1_circumstance"), min=1),
                            "footnotes": MapOf(Table(required={"marker": Text(), "text": Text(), "public": Text(), **CITED},
                                                     optional={"one_of": ListOf(doc), "one_of_seed_lines": ListOf(SeedLine()),
                                                               "applies_to_doc": doc, "note": Text()}),
                                               collection="form1_footnote")},
                  optional={"rule_text": Text(), "note": Text()})
    mark = Table(required={"marker": Text(), "text": Text(), **CITED}, optional={"public": Text(), "rule_text": Text(), "note": Text()})
    form3 = Table(required={"title": Text(), **CITED, "applies_to": ListOf(category, unique=True), "shown_why": Text(),
                            "possible_why": Text(),
                            "marks": Table(required={"mandatory": mark}, rest=mark),
                            "notes": Table(required={key: Table(required={"text": Text(), **CITED},
                                                                optional={"public": Text(), "doc": doc, "note": Text()})
                                                     for key in ("one_suffices", "residential_216n")}),
                            "circumstances": ListOf(Table(required={"id": Text(), "number": Integer(1, 99), "title": Text(),
                                                                    "public": Text(), **CITED,
                                                                    "items": ListOf(Table(required={"number": Integer(1, 99), "doc": doc, **CITED},
                                                                                          optional={"title": Text(), "mandatory": Boolean(),
                                                                                                    "condition": Text(), "raw": Text(),
                                                                                                    "note": Text()}), min=1)},
                                                          optional={"raw": Text(), "note": Text(), "answered_by": field_of("bool")},
                                                          id="id", collection="form3_circumstance"), min=1),
                            "status": ListOf(Table(required={"id": Text(), "category": Text(), "public": Text(), **CITED,
                                                             "documents": ListOf(Text())}, optional={"note": Text()},
                                                   id="id", collection="form3_status"))},
                  optional={"note": Text()})
    return Table(required={"meta": Table(extra=True), "documents": MapOf(document, collection="document", min=1),
                           "general": ListOf(reference, min=1), "lists": ListOf(a_list), "case": case,
                           "general_section": Table(required={"title": Text(), **CITED}),
                           "form2": Table(required={"applies_to": ListOf(category), "text": Text(), **CITED},
                                          optional={"note": Text()}),
                           "form1": form1, "form3": form3,
                           "rules": ListOf(Table(required={"id": Text(), "text": Text(), "public": Text(), **CITED},
                                                 optional={"note": Text()}, id="id", collection="rule"))})


def _when_problem(alt: dict) -> str | None:
    """One way a case shows a circumstance: `categories` alone, or with exactly one of scales, answer,
    criteria; an answer or criteria that may be unknown needs what to say then (`why_possible`)."""
    kinds = [k for k in ("scales", "answer", "criteria") if k in alt]
    if len(kinds) > 1 or (not kinds and "categories" not in alt):
        return f"условие задаёт {', '.join(kinds) or 'ничего'}: нужно одно из scales, answer, criteria (или только categories)"
    if kinds and kinds[0] != "scales" and "why_possible" not in alt:
        return "нет why_possible: что сказать, если ответ неизвестен"
    return None


def check_documents(data: dict, name: str = FILE) -> dict:
    """Check a parsed documents file (the schema above, then what a shape cannot say: each list numbered
    1..n as the seed numbers it, Form 1's cells agreeing with its document ids); return it or raise KitError
    naming the file and the entry."""
    label = f"data/{name}" if name == FILE else name
    data = check(data, _schema(bundled_ruleset()), label)

    def bad(field: str, value, allowed, entry: str) -> KitError:
        return KitError("bad_value", field, value=value, allowed=allowed, where=f"{label}, {entry}")

    columns = data["form1"]["columns"]
    column_docs = [col["doc"] for col in columns]
    for number, col in enumerate(columns, start=1):
        if col["column"] != number:
            raise bad("column", col["column"], str(number), f"form1.columns[{number}]")
    for circ in data["form1"]["circumstances"]:
        entry = f"form1.circumstances[«{circ['id']}»]"
        if len(circ["cells"]) != len(columns):
            raise bad("cells", circ["cells"], f"{len(columns)} ячеек, каждая «V» или пустая", entry)
        # The ids are the reading of the printed cells: the two must agree, column by column.
        marked = [column_docs[i] for i, cell in enumerate(circ["cells"]) if cell == "V"]
        if marked != list(circ["documents"]):
            raise bad("documents", circ["documents"], marked, entry)
    for position, circ in enumerate(data["form3"]["circumstances"], start=1):
        entry = f"form3.circumstances[«{circ['id']}»]"
        if circ["number"] != position:
            raise bad("number", circ["number"], str(position), entry)
        # The seed numbers each list 1..n; a gap or repeat means a document was lost or doubled.
        for number, item in enumerate(circ["items"], start=1):
            if item["number"] != number:
                raise bad("number", item["number"], str(number), f"{entry}.items[{number}]")
    return data


# ------------------------------------------------------------------------------------------ the case

def _category(case, ruleset: RuleSet) -> str:
    if not isinstance(case, dict):
        raise KitError("not_an_object", value=type(case).__name__)
    categories = ruleset.categories
    category = case.get("category")
    if category is None:
        raise KitError("missing_key", "category", allowed="одно из значений " + ", ".join(categories))
    if category not in categories:
        raise KitError("bad_value", "category", value=category, allowed=list(categories))
    return category


def _asks(ruleset: RuleSet, category: str, key: str) -> bool:
    """Whether the case format of `category` has the question `key` (ruleset.toml [categories])."""
    spec = ruleset.categories[category]
    return key in spec.get("required", []) or key in spec.get("optional", [])


def _flag(case: dict, key: str) -> bool | None:
    value = case.get(key)
    if value is not None and not isinstance(value, bool):
        raise KitError("bad_type", key, value=value, allowed="true, false или null (неизвестно)")
    return value


def _scale_state(case: dict, key: str, variant: str) -> str:
    """'difficulty' when any item scores 1-3, 'none' when every item of the category's scale is 0,
    'unknown' when the scale is absent, an item is null or missing."""
    scores = case.get(key)
    if scores is None:
        return "unknown"
    if not isinstance(scores, dict):
        raise KitError("bad_type", key, value=scores, allowed="объект с оценками пунктов 0–3")
    unknown = False
    for item, value in scores.items():
        if value is None:
            unknown = True
        elif isinstance(value, bool) or not isinstance(value, int):
            raise KitError("bad_type", f"{key}.{item}", value=value, allowed="целое число 0–3 или null")
        elif value > 0:
            return "difficulty"
    missing = set(scale(key, variant).keys) - set(scores)
    return "unknown" if unknown or missing else "none"


def _form_of(category: str, data: dict) -> str | None:
    """Which conclusion's circumstance list a category uses: each form's `applies_to` in documents.toml."""
    for form in ("form1", "form3"):
        if category in data[form]["applies_to"]:
            return form
    return None


def _shown_by(alt: dict, case: dict, category: str, ruleset: RuleSet, readings: dict):
    """("shown" | "possible" | None, the questions it depends on, its words) for one way of showing a
    circumstance (documents.toml `shown_when`)."""
    if "categories" in alt and category not in alt["categories"]:
        return None, [], alt["why"]
    if "scales" in alt:
        variant = ruleset.categories[category].get("scales")
        names = [k for k in alt["scales"] if variant and _asks(ruleset, category, k)]
        states = {k: _scale_state(case, k, variant) for k in names}
        if "difficulty" in states.values():
            return "shown", [], alt["why"]
        unknown = [k for k, state in states.items() if state == "unknown"]
        return ("possible" if unknown else None), unknown, alt.get("why_possible", alt["why"])
    if "answer" in alt:
        key = alt["answer"]
        if not _asks(ruleset, category, key):
            return None, [], alt["why"]
        value = _flag(case, key)
        if value is True:
            return "shown", [], alt["why"]
        return ("possible" if value is None else None), [key], alt["why_possible"]
    if "criteria" in alt:
        key = alt["criteria"]
        if not _asks(ruleset, category, key):
            return None, [], alt["why"]
        table = next(t for t in ruleset.tables.values() if t.kind == "criteria_list" and t.spec.get("field") == key)
        upper = criteria_list_upper_age(table, ruleset, readings)
        age_field = table.spec["age_field"]
        held, age = case.get(key), case.get(age_field)
        if held:
            return "shown", [], alt["why"]
        why = alt["why_possible"].format(limit=age_words(upper))
        if held is None and (age is None or (isinstance(age, int) and not isinstance(age, bool) and age < upper)):
            return "possible", [key] + ([age_field] if age is None else []), why
        return None, [], why
    return "shown", [], alt["why"]          # `categories` alone: the category is the circumstance


def circumstance_status(case: dict, ruleset: RuleSet | None = None, readings: dict | None = None) -> dict:
    """The circumstances a case shows and those that depend on unknown answers, under the rule set and the
    readings in force (default: the bundled 405-р and its default readings).

    Returns {"form": "form1" | "form3" | None, "shown": [{"id", "why"}], "possible": [{"id", "why",
    "depends_on"}]}; ids are those of the form's list in data/documents.toml."""
    ruleset = ruleset or bundled_ruleset()
    readings = ruleset.resolve_readings(readings)
    data = load_documents()
    category = _category(case, ruleset)
    form = _form_of(category, data)
    shown: list[dict] = []
    possible: list[dict] = []
    if form == "form1":
        for circ in data["form1"]["circumstances"]:
            maybe = None
            for alt in circ.get("shown_when", []):
                state, depends, why = _shown_by(alt, case, category, ruleset, readings)
                if state == "shown":
                    shown.append({"id": circ["id"], "why": why})
                    break
                if state == "possible" and maybe is None:
                    maybe = {"id": circ["id"], "why": why, "depends_on": depends}
            else:
                if maybe is not None:
                    possible.append(maybe)
    elif form == "form3":
        f3 = data["form3"]
        for circ in f3["circumstances"]:
            key = circ.get("answered_by")
            value = _flag(case, key) if key else None
            if value is True:
                shown.append({"id": circ["id"], "why": f3["shown_why"]})
            elif value is None:
                # depends_on names only questions the category's format can ask (none, for families).
                possible.append({"id": circ["id"], "why": f3["possible_why"],
                                 "depends_on": [key] if key and _asks(ruleset, category, key) else []})
    return {"form": form, "shown": shown, "possible": possible}


def circumstances_for_case(case: dict, ruleset: RuleSet | None = None, readings: dict | None = None) -> list[str]:
    """Ids of the circumstances the case shows (Form 1 ids, or Form 3 ids for a family); see
    circumstance_status for the reasons and for those that depend on unknown answers."""
    return [entry["id"] for entry in circumstance_status(case, ruleset, readings)["shown"]]


# ------------------------------------------------------------------------------------------ the answer

def _item(data: dict, ref: dict, *, title: str | None = None, source: str | None = None,
          seed_line: int | None = None, when: str | None = None) -> dict:
    doc = data["documents"][ref["doc"]]
    item = {"id": ref["doc"], "public": doc["public"], "title": title or ref.get("title") or doc["title"],
            "source": source or ref["source"], "seed_line": seed_line or ref["seed_line"]}
    if when or ref.get("when"):
        item["when"] = when or ref["when"]
    if "accepted" in doc:
        item["accepted"] = list(doc["accepted"])
    if ref.get("requirements"):
        item["requirements"] = [dict(req) for req in ref["requirements"]]
    if ref.get("note"):
        item["note"] = ref["note"]
    return item


def _disability_when(case: dict, category: str, data: dict) -> tuple[bool, str | None]:
    """Whether an item «для инвалидов» applies, and the condition to show when it is not known."""
    spec = data["case"]
    if category in spec["disabled_categories"]:
        return True, None
    group = case.get("disability_group")
    if group in spec["disability_groups"]:
        return True, None
    if group == "none":
        return False, None
    return True, spec["disability_unknown_when"]


def _list_applies(lst: dict, category: str, form: str) -> bool:
    if form not in lst["forms"]:
        return False
    if "categories" in lst and category not in lst["categories"]:
        return False
    return category not in lst.get("except_categories", [])


def _check_forms(forms, names: dict[str, str]) -> list[str]:
    if isinstance(forms, (str, bytes)) or not isinstance(forms, (list, tuple)):
        raise KitError("bad_type", "forms", value=forms, allowed="список кодов форм: " + ", ".join(names))
    chosen: list[str] = []
    for form in forms:
        if form not in names:
            raise KitError("bad_value", "forms", value=form, allowed=list(names))
        if form not in chosen:
            chosen.append(form)
    return chosen


def _confirm_entry(data: dict, form: str, circ_id: str, reason: dict) -> dict:
    if form == "form1":
        f1 = data["form1"]
        circ = next(c for c in f1["circumstances"] if c["id"] == circ_id)
        columns = {col["doc"]: col for col in f1["columns"]}
        entry = {"id": circ_id, "title": circ["title"], "public": circ["public"], "source": circ["source"],
                 "seed_line": circ["seed_line"], "why": reason["why"], "rule": "listed",
                 "rule_text": f1["rule_text"], "documents": []}
        notes = {}
        for key in circ.get("footnotes", []):
            note = f1["footnotes"][key]
            if "applies_to_doc" in note:
                notes[note["applies_to_doc"]] = note
        for doc_id in circ["documents"]:
            col = columns[doc_id]
            item = _item(data, col, source=f"{col['source']}, {circ['source'].rsplit(', ', 1)[-1]}",
                         seed_line=circ["seed_line"])
            if doc_id in notes:
                item["requirement"] = {"text": notes[doc_id]["public"], "source": notes[doc_id]["source"],
                                       "seed_line": notes[doc_id]["seed_line"]}
            entry["documents"].append(item)
        for key in circ.get("footnotes", []):
            note = f1["footnotes"][key]
            if note.get("one_of"):
                entry["also_one_of"] = {
                    "text": note["public"], "source": note["source"], "seed_line": note["seed_line"],
                    "documents": [_item(data, {"doc": d, "source": note["source"], "seed_line": line})
                                  for d, line in zip(note["one_of"], note["one_of_seed_lines"])]}
        return entry
    f3 = data["form3"]
    circ = next(c for c in f3["circumstances"] if c["id"] == circ_id)
    one = f3["notes"]["one_suffices"]
    mark = f3["marks"]["mandatory"]
    entry = {"id": circ_id, "title": circ["title"], "public": circ["public"], "source": circ["source"],
             "seed_line": circ["seed_line"], "why": reason["why"], "rule": "one_of",
             "rule_text": one["public"], "rule_source": one["source"], "rule_seed_line": one["seed_line"],
             "mandatory_text": mark["public"], "mandatory": [], "documents": []}
    # The lists repeat some documents (items 5/12, 6/13 of circumstance 1; 4/15 of 2): show each once
    # and keep every number it has in the seed.
    by_id: dict[str, dict] = {}
    for ref in circ["items"]:
        if ref["doc"] in by_id:
            by_id[ref["doc"]]["numbers"].append(ref["number"])
            continue
        item = _item(data, ref)
        item["numbers"] = [ref["number"]]
        if ref.get("mandatory"):
            item["mandatory"] = True
            if ref.get("condition"):
                item["condition"] = ref["condition"]
            entry["mandatory"].append(item)
        else:
            entry["documents"].append(item)
        by_id[ref["doc"]] = item
    return entry


def documents_for(case: dict, forms: list[str], ruleset: RuleSet | None = None, readings: dict | None = None) -> dict:
    """What the applicant brings for `case` (kit case format) and the chosen `forms` (codes of the rule
    set's [forms]), under the rule set and readings in force (default: the bundled 405-р and its default
    readings); JSON-ready, grouped for the public (see the module docstring)."""
    ruleset = ruleset or bundled_ruleset()
    readings = ruleset.resolve_readings(readings)
    data = load_documents()
    category = _category(case, ruleset)
    names = form_names(ruleset)
    chosen = _check_forms(forms, names)
    status = circumstance_status(case, ruleset, readings)

    always = [_item(data, ref) for ref in data["general"] if "forms" not in ref]
    given = {item["id"] for item in always}

    def filtered(items: list[dict]) -> list[dict]:
        out = []
        for ref in items:
            if ref["doc"] in given:
                continue  # already asked for (3.3/3.4 repeat 3.1's application, identity, residence …)
            when = None
            if ref.get("for_disabled"):
                applies, when = _disability_when(case, category, data)
                if not applies:
                    continue
            out.append(_item(data, ref, when=when))
        return out

    for_forms = []
    for form in chosen:
        sections = []
        general = [ref for ref in data["general"] if form in ref.get("forms", [])]
        if general:
            section = data["general_section"]
            sections.append({"id": "general", "title": section["title"], "source": section["source"],
                             "seed_line": section["seed_line"], "items": filtered(general)})
        for lst in data["lists"]:
            if "categories" not in lst and _list_applies(lst, category, form):
                sections.append({"id": lst["id"], "title": lst["public"], "legal_title": lst["title"],
                                 "source": lst["source"], "seed_line": lst["seed_line"],
                                 "items": filtered(lst["items"])})
        sections = [s for s in sections if s["items"]]
        if sections:
            for_forms.append({"form": form, "form_title": names[form], "sections": sections})

    for_category = []
    for lst in data["lists"]:
        if "categories" in lst and any(_list_applies(lst, category, form) for form in chosen):
            group = {"id": lst["id"], "title": lst["public"], "legal_title": lst["title"],
                     "forms": [form for form in chosen if form in lst["forms"]],
                     "source": lst["source"], "seed_line": lst["seed_line"], "items": filtered(lst["items"])}
            if lst.get("when"):
                group["when"] = lst["when"]
            for_category.append(group)
    if category in data["case"]["status_categories"]:
        status_mark = data["form3"]["marks"]["status"]
        for row in data["form3"]["status"]:
            for_category.append({
                "id": f"status_{row['id']}", "title": status_mark["public"], "when": row["public"],
                "legal_title": row["category"], "source": row["source"], "seed_line": row["seed_line"],
                "rule_text": status_mark["rule_text"],
                "note": status_mark.get("note", ""),
                "items": [{"id": f"status_{row['id']}_{n}", "public": text, "title": text,
                           "source": row["source"], "seed_line": row["seed_line"]}
                          for n, text in enumerate(row["documents"], start=1)]})

    form = status["form"]
    to_confirm = [_confirm_entry(data, form, r["id"], r) for r in status["shown"]]
    possible = []
    for reason in status["possible"]:
        entry = _confirm_entry(data, form, reason["id"], reason)
        entry["depends_on"] = reason["depends_on"]
        possible.append(entry)

    notes = []
    if form == "form1":
        notes.append({"text": data["form1"]["note"], "source": data["form1"]["source"],
                      "seed_line": data["form1"]["seed_line"]})
    elif form == "form3":
        notes.append({"text": data["form3"]["note"], "source": data["form3"]["source"],
                      "seed_line": data["form3"]["seed_line"]})
    elif category in data["form2"]["applies_to"]:
        f2 = data["form2"]
        notes.append({"text": f2["text"], "source": f2["source"], "seed_line": f2["seed_line"]})

    return {
        "category": category,
        "forms": [{"form": f, "title": names[f]} for f in chosen],
        "always": always,
        "for_forms": for_forms,
        "for_category": for_category,
        "to_confirm": to_confirm,
        "possible": possible,
        "rules": [{"id": r["id"], "public": r["public"], "text": r["text"], "source": r["source"],
                   "seed_line": r["seed_line"]} for r in data["rules"]],
        "notes": notes,
        "source": data["meta"]["order"],
    }
