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
from socmethod.core.errors import KitError
from socmethod.core.resources import data_path
from socmethod.core.ruleset import RuleSet, bundled_ruleset
from socmethod.core.scales import scale

FILE = "documents.toml"

# Allowed keys of each kind of entry: required first, then optional. A typo in the data file is refused
# rather than silently ignored.
_DOC = ({"title", "public", "source", "seed_line"},
        {"note", "raw", "accepted", "accepted_seed_lines", "footnote_seed_line"})
_REF = ({"doc", "source", "seed_line"}, {"title", "forms", "when", "for_disabled", "raw", "note", "requirements"})
_REQ = ({"text", "source", "seed_line"}, set())
_LIST = ({"id", "title", "public", "source", "seed_line", "forms", "items"},
         {"categories", "except_categories", "when", "note"})
_F1 = ({"title", "source", "seed_line", "applies_to", "columns", "circumstances", "footnotes"}, {"rule_text", "note"})
_F1_COL = ({"column", "doc", "source", "seed_line"}, {"title"})
_F1_CIRC = ({"id", "title", "public", "source", "seed_line", "cells", "documents"},
            {"footnotes", "raw", "note", "shown_when"})
_F1_WHEN = ({"why", "seed_line"}, {"scales", "categories", "answer", "criteria", "why_possible", "note"})
_F1_NOTE = ({"marker", "text", "public", "source", "seed_line"},
            {"one_of", "one_of_seed_lines", "applies_to_doc", "note"})
_F3 = ({"title", "source", "seed_line", "applies_to", "marks", "notes", "circumstances", "status", "shown_why",
        "possible_why"}, {"note"})
_F3_MARK = ({"marker", "text", "source", "seed_line"}, {"public", "rule_text", "note"})
_F3_NOTE = ({"text", "source", "seed_line"}, {"public", "doc", "note"})
_F3_CIRC = ({"id", "number", "title", "public", "source", "seed_line", "items"}, {"raw", "note", "answered_by"})
_F3_ITEM = ({"number", "doc", "source", "seed_line"}, {"title", "mandatory", "condition", "raw", "note"})
_F3_STATUS = ({"id", "category", "public", "source", "seed_line", "documents"}, {"note"})
_RULE = ({"id", "text", "public", "source", "seed_line"}, {"note"})
_TOP = ({"meta", "case", "general_section", "documents", "general", "lists", "form1", "form2", "form3", "rules"}, set())
_CASE = ({"disabled_categories", "disability_groups", "disability_unknown_when", "status_categories", "source",
          "seed_line"}, {"note"})
_SECTION = ({"title", "source", "seed_line"}, set())
_F2 = ({"applies_to", "text", "source", "seed_line"}, {"note"})


# ------------------------------------------------------------------------------------------ loading

def form_names(ruleset: RuleSet | None = None) -> dict[str, str]:
    """Form code -> Russian name, from the rule set's [forms]."""
    return dict((ruleset or bundled_ruleset()).forms)


@lru_cache(maxsize=None)
def load_documents(path: str | Path | None = None) -> dict:
    """Read and check data/documents.toml (or `path`); the result is cached, treat it as read-only."""
    file = Path(path) if path is not None else data_path(FILE)
    try:
        with open(file, "rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        raise KitError("file_not_found", value=str(file)) from None
    except tomllib.TOMLDecodeError as exc:
        raise KitError("malformed_file", value=str(exc), allowed="TOML", where=file.name) from None
    return check_documents(data, file.name)


def check_documents(data: dict, name: str = FILE) -> dict:
    """Check the structure of a parsed documents file; return it unchanged or raise KitError naming the
    file and the entry. Every document id a list, the matrix or a footnote refers to must be catalogued."""
    _keys(data, _TOP, name, "верхний уровень")
    rules = bundled_ruleset()
    forms = set(rules.forms)
    categories = set(rules.categories)
    docs = data["documents"]
    if not isinstance(docs, dict) or not docs:
        raise KitError("bad_value", "documents", value=docs, allowed="таблица [documents.<id>]", where=name)
    for doc_id, doc in docs.items():
        where = f"{name}, documents.{doc_id}"
        _keys(doc, _DOC, name, f"documents.{doc_id}")
        _check_cited(doc, where)

    def ref(item: dict, entry: str, spec=_REF):
        _keys(item, spec, name, entry)
        _check_cited(item, f"{name}, {entry}")
        _known_doc(item["doc"], docs, name, entry)
        for form in item.get("forms", []):
            if form not in forms:
                raise KitError("bad_value", "forms", value=form, allowed=sorted(forms), where=f"{name}, {entry}")
        for number, req in enumerate(item.get("requirements", []), start=1):
            _keys(req, _REQ, name, f"{entry}, requirements[{number}]")
            _check_cited(req, f"{name}, {entry}, requirements[{number}]")

    for number, item in enumerate(data["general"], start=1):
        ref(item, f"general[{number}] ({item.get('doc')})")

    seen_lists = set()
    for lst in data["lists"]:
        entry = f"lists.{lst.get('id')}"
        _keys(lst, _LIST, name, entry)
        _check_cited(lst, f"{name}, {entry}")
        _unique(lst["id"], seen_lists, name, entry)
        for form in lst["forms"]:
            if form not in forms:
                raise KitError("bad_value", "forms", value=form, allowed=sorted(forms), where=f"{name}, {entry}")
        for key in ("categories", "except_categories"):
            for cat in lst.get(key, []):
                if cat not in categories:
                    raise KitError("bad_value", key, value=cat, allowed=sorted(categories), where=f"{name}, {entry}")
        for number, item in enumerate(lst["items"], start=1):
            ref(item, f"{entry}.items[{number}] ({item.get('doc')})")

    _keys(data["case"], _CASE, name, "case")
    _check_cited(data["case"], f"{name}, case")
    for key in ("disabled_categories", "status_categories"):
        _known_categories(data["case"][key], categories, name, "case")
    _keys(data["general_section"], _SECTION, name, "general_section")
    _check_cited(data["general_section"], f"{name}, general_section")
    _keys(data["form2"], _F2, name, "form2")
    _check_cited(data["form2"], f"{name}, form2")
    _known_categories(data["form2"]["applies_to"], categories, name, "form2")
    _check_form1(data["form1"], docs, name, categories, rules)
    _check_form3(data["form3"], docs, name, categories, rules)
    for rule in data["rules"]:
        _keys(rule, _RULE, name, f"rules.{rule.get('id')}")
        _check_cited(rule, f"{name}, rules.{rule.get('id')}")
    return data


def _check_form1(f1: dict, docs: dict, name: str, categories: set, rules: RuleSet) -> None:
    _keys(f1, _F1, name, "form1")
    _check_cited(f1, f"{name}, form1")
    _known_categories(f1["applies_to"], categories, name, "form1")
    columns = f1["columns"]
    for number, col in enumerate(columns, start=1):
        entry = f"form1.columns[{number}]"
        _keys(col, _F1_COL, name, entry)
        _check_cited(col, f"{name}, {entry}")
        _known_doc(col["doc"], docs, name, entry)
        if col["column"] != number:
            raise KitError("bad_value", "column", value=col["column"], allowed=str(number), where=f"{name}, {entry}")
    column_docs = [col["doc"] for col in columns]
    footnotes = f1["footnotes"]
    for key, note in footnotes.items():
        entry = f"form1.footnotes.{key}"
        _keys(note, _F1_NOTE, name, entry)
        _check_cited(note, f"{name}, {entry}")
        for doc_id in note.get("one_of", []):
            _known_doc(doc_id, docs, name, entry)
        if "applies_to_doc" in note:
            _known_doc(note["applies_to_doc"], docs, name, entry)
    seen = set()
    for circ in f1["circumstances"]:
        entry = f"form1.circumstances.{circ.get('id')}"
        _keys(circ, _F1_CIRC, name, entry)
        _check_cited(circ, f"{name}, {entry}")
        _unique(circ["id"], seen, name, entry)
        for doc_id in circ["documents"]:
            _known_doc(doc_id, docs, name, entry)
            if doc_id not in column_docs:
                raise KitError("bad_value", "documents", value=doc_id, allowed=column_docs, where=f"{name}, {entry}")
        cells = circ["cells"]
        if len(cells) != len(columns) or any(cell not in ("V", "") for cell in cells):
            raise KitError("bad_value", "cells", value=cells,
                           allowed=f"{len(columns)} ячеек, каждая «V» или пустая", where=f"{name}, {entry}")
        # The ids are the reading of the printed cells: the two must agree, column by column.
        marked = [column_docs[i] for i, cell in enumerate(cells) if cell == "V"]
        if marked != list(circ["documents"]):
            raise KitError("bad_value", "documents", value=circ["documents"], allowed=marked, where=f"{name}, {entry}")
        for key in circ.get("footnotes", []):
            if key not in footnotes:
                raise KitError("bad_value", "footnotes", value=key, allowed=sorted(footnotes), where=f"{name}, {entry}")
        for number, alt in enumerate(circ.get("shown_when", []), start=1):
            _check_when(alt, rules, categories, name, f"{entry}.shown_when[{number}]")


def _check_when(alt: dict, rules: RuleSet, categories: set, name: str, entry: str) -> None:
    """One way a case shows a circumstance: `categories` alone, or with one of `scales`, `answer` (a bool
    question), `criteria` (a criteria list's field); all named in the rule set."""
    _keys(alt, _F1_WHEN, name, entry)
    _check_cited(alt, f"{name}, {entry}")
    kinds = [k for k in ("scales", "answer", "criteria") if k in alt]
    if len(kinds) > 1 or (not kinds and "categories" not in alt):
        raise KitError("bad_value", entry, value=", ".join(kinds) or "—", where=name,
                       allowed="одно из scales, answer, criteria (или только categories)")
    _known_categories(alt.get("categories", []), categories, name, entry)
    fields = rules.fields
    named = {"scales": [(f, "scale") for f in alt.get("scales", [])], "answer": [(alt.get("answer"), "bool")],
             "criteria": [(alt.get("criteria"), "int_set")]}
    for kind in kinds:
        for field, wanted in named[kind]:
            if fields.get(field, {}).get("kind") != wanted:
                raise KitError("bad_value", kind, value=field, where=f"{name}, {entry}",
                               allowed=f"поле вида {wanted} из ruleset.toml [fields]")
    if kinds and kinds[0] != "scales" and "why_possible" not in alt:
        raise KitError("missing_key", "why_possible", where=f"{name}, {entry}",
                       allowed="что сказать, если ответ неизвестен")


def _check_form3(f3: dict, docs: dict, name: str, categories: set, rules: RuleSet) -> None:
    _keys(f3, _F3, name, "form3")
    _check_cited(f3, f"{name}, form3")
    _known_categories(f3["applies_to"], categories, name, "form3")
    for key, mark in f3["marks"].items():
        _keys(mark, _F3_MARK, name, f"form3.marks.{key}")
        _check_cited(mark, f"{name}, form3.marks.{key}")
    for key in ("mandatory",):
        if key not in f3["marks"]:
            raise KitError("missing_key", key, allowed="знак <*> (стр. 1573)", where=f"{name}, form3.marks")
    for key, note in f3["notes"].items():
        _keys(note, _F3_NOTE, name, f"form3.notes.{key}")
        _check_cited(note, f"{name}, form3.notes.{key}")
        if "doc" in note:
            _known_doc(note["doc"], docs, name, f"form3.notes.{key}")
    for key in ("one_suffices", "residential_216n"):
        if key not in f3["notes"]:
            raise KitError("missing_key", key, allowed="примечания 1 и 2 (стр. 1589, 1591)", where=f"{name}, form3.notes")
    seen = set()
    for position, circ in enumerate(f3["circumstances"], start=1):
        entry = f"form3.circumstances.{circ.get('id')}"
        _keys(circ, _F3_CIRC, name, entry)
        _check_cited(circ, f"{name}, {entry}")
        _unique(circ["id"], seen, name, entry)
        if circ["number"] != position:
            raise KitError("bad_value", "number", value=circ["number"], allowed=str(position), where=f"{name}, {entry}")
        if "answered_by" in circ and rules.fields.get(circ["answered_by"], {}).get("kind") != "bool":
            raise KitError("bad_value", "answered_by", value=circ["answered_by"], where=f"{name}, {entry}",
                           allowed="вопрос да/нет из ruleset.toml [fields]")
        for number, item in enumerate(circ["items"], start=1):
            item_entry = f"{entry}.items[{number}]"
            _keys(item, _F3_ITEM, name, item_entry)
            _check_cited(item, f"{name}, {item_entry}")
            _known_doc(item["doc"], docs, name, item_entry)
            # The seed numbers each list 1..n; a gap or repeat means a document was lost or doubled.
            if item["number"] != number:
                raise KitError("bad_value", "number", value=item["number"], allowed=str(number),
                               where=f"{name}, {item_entry}")
            if not isinstance(item.get("mandatory", False), bool):
                raise KitError("bad_value", "mandatory", value=item["mandatory"], allowed="true, false",
                               where=f"{name}, {item_entry}")
    seen = set()
    for status in f3["status"]:
        entry = f"form3.status.{status.get('id')}"
        _keys(status, _F3_STATUS, name, entry)
        _check_cited(status, f"{name}, {entry}")
        _unique(status["id"], seen, name, entry)


def _keys(entry, spec, name: str, where: str) -> None:
    required, optional = spec
    if not isinstance(entry, dict):
        raise KitError("bad_value", where, value=entry, allowed="таблица TOML", where=name)
    for key in entry:
        if key not in required and key not in optional:
            raise KitError("unknown_key", str(key), allowed=", ".join(sorted(required | optional)),
                           where=f"{name}, {where}")
    for key in sorted(required):
        if key not in entry:
            raise KitError("missing_key", key, allowed="обязательные поля: " + ", ".join(sorted(required)),
                           where=f"{name}, {where}")


def _check_cited(entry: dict, where: str) -> None:
    # Every entry must say where in the seed it comes from: a positive line number and a 405-р citation.
    line = entry.get("seed_line")
    if line is not None and (not isinstance(line, int) or isinstance(line, bool) or line < 1):
        raise KitError("bad_value", "seed_line", value=line, allowed="номер строки семени (целое > 0)", where=where)
    source = entry.get("source")
    if source is not None and (not isinstance(source, str) or not source.startswith("405-р")):
        raise KitError("bad_value", "source", value=source, allowed="ссылка вида «405-р, п. 3.2.3»", where=where)


def _known_doc(doc_id, docs: dict, name: str, entry: str) -> None:
    if doc_id not in docs:
        raise KitError("bad_value", "doc", value=doc_id, allowed="идентификаторы таблицы [documents]",
                       where=f"{name}, {entry}")


def _known_categories(values, categories: set, name: str, entry: str) -> None:
    for cat in values:
        if cat not in categories:
            raise KitError("bad_value", "applies_to", value=cat, allowed=sorted(categories), where=f"{name}, {entry}")


def _unique(value, seen: set, name: str, entry: str) -> None:
    if value in seen:
        raise KitError("bad_value", "id", value=value, allowed="уникальный идентификатор", where=f"{name}, {entry}")
    seen.add(value)


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
