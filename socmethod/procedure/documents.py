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

Stdlib only; every refusal is a KitError with a code from data/errors.toml.
"""
from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path

from socmethod.core.errors import KitError
from socmethod.core.resources import data_path

FILE = "documents.toml"
_RULESET = ("rules", "405-r", "ruleset.toml")

# Which circumstance list a category's conclusion uses. Form 1 is the conclusion for the elderly, disabled
# adults and children and the homeless (seed lines 1079-1082); its matrix also has the early-help row.
# Form 3 is for citizens and families (lines 1345-1362). Form 2 (minors) refers to an Appendix 2 that the
# text does not contain (КонсультантПлюс note, line 1225), so minors get no circumstance list.
_FORM_OF_CATEGORY = {"elderly": "form1", "disabled_adult": "form1", "disabled_child": "form1",
                     "early_childhood": "form1", "homeless": "form1", "family": "form3"}
_DISABLED_CATEGORIES = ("disabled_adult", "disabled_child")
_DISABILITY_GROUPS = ("I", "II", "III")
# The <***> status table (lines 1577-1585) names orphans, foster families, HIV and substance dependence:
# Form 3's categories (lines 1357-1362) and, except substance dependence, Form 2's (lines 1208-1213).
_STATUS_CATEGORIES = ("family", "minor")

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
_F1_CIRC = ({"id", "title", "public", "source", "seed_line", "cells", "documents"}, {"footnotes", "raw", "note"})
_F1_NOTE = ({"marker", "text", "public", "source", "seed_line"},
            {"one_of", "one_of_seed_lines", "applies_to_doc", "note"})
_F3 = ({"title", "source", "seed_line", "applies_to", "marks", "notes", "circumstances", "status"}, {"note"})
_F3_MARK = ({"marker", "text", "source", "seed_line"}, {"public", "note"})
_F3_NOTE = ({"text", "source", "seed_line"}, {"public", "doc", "note"})
_F3_CIRC = ({"id", "number", "title", "public", "source", "seed_line", "items"}, {"raw", "note"})
_F3_ITEM = ({"number", "doc", "source", "seed_line"}, {"title", "mandatory", "condition", "raw", "note"})
_F3_STATUS = ({"id", "category", "public", "source", "seed_line", "documents"}, {"note"})
_RULE = ({"id", "text", "public", "source", "seed_line"}, {"note"})
_TOP = ({"meta", "documents", "general", "lists", "form1", "form3", "rules"}, set())


# ------------------------------------------------------------------------------------------ loading

@lru_cache(maxsize=None)
def _ruleset() -> dict:
    with open(data_path(*_RULESET), "rb") as fh:
        return tomllib.load(fh)


def form_names() -> dict[str, str]:
    """Form code -> Russian name, from ruleset.toml [forms]."""
    return dict(_ruleset()["forms"])


def _early_help_upper_months() -> int:
    # Table 3.3 criteria 4-5 speak of children «не старше 7-8 лет» (line 1187); the kit's reading
    # early_help_upper_age fixes the bound, and this module uses its default rather than a second copy.
    reading = _ruleset()["readings"]["early_help_upper_age"]
    return int(reading["options"][reading["default"]]["value"])


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
    forms = set(form_names())
    categories = set(_ruleset()["categories"])
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

    _check_form1(data["form1"], docs, name, categories)
    _check_form3(data["form3"], docs, name, categories)
    for rule in data["rules"]:
        _keys(rule, _RULE, name, f"rules.{rule.get('id')}")
        _check_cited(rule, f"{name}, rules.{rule.get('id')}")
    return data


def _check_form1(f1: dict, docs: dict, name: str, categories: set) -> None:
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


def _check_form3(f3: dict, docs: dict, name: str, categories: set) -> None:
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

def _category(case) -> str:
    if not isinstance(case, dict):
        raise KitError("not_an_object", value=type(case).__name__)
    categories = _ruleset()["categories"]
    category = case.get("category")
    if category is None:
        raise KitError("missing_key", "category", allowed="одно из значений " + ", ".join(categories))
    if category not in categories:
        raise KitError("bad_value", "category", value=category, allowed=list(categories))
    return category


def _asks(category: str, key: str) -> bool:
    """Whether the case format of `category` has the question `key` (ruleset.toml [categories])."""
    spec = _ruleset()["categories"][category]
    return key in spec.get("required", []) or key in spec.get("optional", [])


def _flag(case: dict, key: str) -> bool | None:
    value = case.get(key)
    if value is not None and not isinstance(value, bool):
        raise KitError("bad_type", key, value=value, allowed="true, false или null (неизвестно)")
    return value


@lru_cache(maxsize=None)
def _scale_items(key: str, variant: str) -> tuple[str, ...]:
    with open(data_path("scales.toml"), "rb") as fh:
        return tuple(item["key"] for item in tomllib.load(fh)[key][variant]["items"])


def _scale_state(case: dict, key: str, category: str) -> str:
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
    missing = set(_scale_items(key, _ruleset()["categories"][category]["scales"])) - set(scores)
    return "unknown" if unknown or missing else "none"


def circumstance_status(case: dict) -> dict:
    """The circumstances a case shows and those that depend on unknown answers.

    Returns {"form": "form1" | "form3" | None, "shown": [{"id", "why"}], "possible": [{"id", "why",
    "depends_on"}]}; ids are those of the form's list in data/documents.toml."""
    category = _category(case)
    form = _FORM_OF_CATEGORY.get(category)
    shown: list[dict] = []
    possible: list[dict] = []

    def flag_rule(circ: str, key: str, why_true: str, why_unknown: str, asked: bool) -> None:
        value = _flag(case, key)
        if value is True:
            shown.append({"id": circ, "why": why_true})
        elif value is None and asked:
            possible.append({"id": circ, "why": why_unknown, "depends_on": [key]})

    if form == "form1":
        # self_care_loss (line 1090: «полная или частичная утрата способности … осуществлять самообслуживание,
        # самостоятельно передвигаться»): partial loss counts, so any item scored 1-3 on either scale (degree
        # ≥ 1, «утрачена незначительно» included) shows it. Only categories whose format has the scales.
        scales = [key for key in ("self_care", "mobility") if _asks(category, key)]
        states = {key: _scale_state(case, key, category) for key in scales}
        if "difficulty" in states.values():
            shown.append({"id": "self_care_loss",
                          "why": "по шкалам самообслуживания или передвижения есть затруднения (балл 1–3)"})
        elif "unknown" in states.values():
            possible.append({"id": "self_care_loss",
                             "why": "если есть затруднения в самообслуживании или передвижении",
                             "depends_on": [key for key, state in states.items() if state == "unknown"]})
        # disabled_family_member (line 1091: «наличие в семье … ребенка-инвалида …, нуждающихся в постоянном
        # постороннем уходе»): a disabled child's own application is this circumstance; 3.3.8 (line 301)
        # names it among a disabled child's circumstances. Nothing in the format shows it for other categories.
        if category == "disabled_child":
            shown.append({"id": "disabled_family_member", "why": "в семье ребёнок-инвалид"})
        # no_care (line 1092: «отсутствие возможности обеспечения ухода (в том числе временного)») is the
        # carer_absent question («временное отсутствие граждан, осуществляющих уход»). lives_alone is not
        # mapped: loneliness is a criterion of tables 3.1/3.2, not a row of the matrix.
        flag_rule("no_care", "carer_absent", "некому ухаживать (в том числе временно)",
                  "если некому ухаживать", _asks(category, "carer_absent"))
        # family_conflict (line 1095) is the family_conflict question, word for word.
        flag_rule("family_conflict", "family_conflict", "в семье конфликт",
                  "если в семье конфликт", _asks(category, "family_conflict"))
        # homeless (line 1096) is the category «гражданин без определенного места жительства».
        if category == "homeless":
            shown.append({"id": "homeless", "why": "нет определённого места жительства"})
        # early_help (line 1098, «для детей раннего возраста, имеющих проблемы в развитии») is the category
        # early_childhood itself; a disabled child needs it when table 3.3's criteria are met (line 1184 ff.).
        if category == "early_childhood":
            shown.append({"id": "early_help", "why": "ребёнок раннего возраста с проблемами в развитии"})
        elif _asks(category, "early_help_criteria"):
            criteria = case.get("early_help_criteria")
            age = case.get("age_months")
            if criteria:
                shown.append({"id": "early_help", "why": "выполнены критерии нуждаемости в ранней помощи (табл. 3.3)"})
            elif criteria is None and (age is None or (isinstance(age, int) and age < _early_help_upper_months())):
                possible.append({"id": "early_help",
                                 "why": "если ребёнок младше 8 лет и выполнены критерии ранней помощи (табл. 3.3)",
                                 "depends_on": ["early_help_criteria"] + (["age_months"] if age is None else [])})
        # rehabilitation (line 1099, «для инвалидов трудоспособного возраста»): a disabled adult whose ИПРА
        # recommends social rehabilitation; footnote <2> asks exactly that of the ИПРА. Not for the elderly.
        if category == "disabled_adult":
            flag_rule("rehabilitation", "ipra_social_rehabilitation",
                      "в ИПРА есть рекомендации по социальной реабилитации",
                      "если в ИПРА есть рекомендации по реабилитации", True)
    elif form == "form3":
        # Families have no questions in the case format (ruleset.toml [categories.family]): every
        # circumstance of Form 3 is for the bureau to establish, so all are possible unless answered.
        f3 = load_documents()["form3"]
        answered = {"no_care": "carer_absent", "family_conflict": "family_conflict"}
        for circ in f3["circumstances"]:
            key = answered.get(circ["id"])
            value = _flag(case, key) if key else None
            if value is True:
                shown.append({"id": circ["id"], "why": "отмечено в анкете"})
            elif value is None:
                # depends_on names only questions the category's format can ask (none, for families).
                possible.append({"id": circ["id"], "why": "если это обстоятельство есть: его устанавливает бюро",
                                 "depends_on": [key] if key and _asks(category, key) else []})
    return {"form": form, "shown": shown, "possible": possible}


def circumstances_for_case(case: dict) -> list[str]:
    """Ids of the circumstances the case shows (Form 1 ids, or Form 3 ids for a family); see
    circumstance_status for the reasons and for those that depend on unknown answers."""
    return [entry["id"] for entry in circumstance_status(case)["shown"]]


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


def _disability_when(case: dict, category: str) -> tuple[bool, str | None]:
    """Whether an item «для инвалидов» applies, and the condition to show when it is not known."""
    if category in _DISABLED_CATEGORIES:
        return True, None
    group = case.get("disability_group")
    if group in _DISABILITY_GROUPS:
        return True, None
    if group == "none":
        return False, None
    return True, "если установлена инвалидность"


def _list_applies(lst: dict, category: str, form: str) -> bool:
    if form not in lst["forms"]:
        return False
    if "categories" in lst and category not in lst["categories"]:
        return False
    return category not in lst.get("except_categories", [])


def _check_forms(forms) -> list[str]:
    names = form_names()
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


def documents_for(case: dict, forms: list[str]) -> dict:
    """What the applicant brings for `case` (kit case format) and the chosen `forms` (codes of
    ruleset.toml [forms]); JSON-ready, grouped for the public (see the module docstring)."""
    data = load_documents()
    category = _category(case)
    chosen = _check_forms(forms)
    status = circumstance_status(case)
    names = form_names()

    always = [_item(data, ref) for ref in data["general"] if "forms" not in ref]
    given = {item["id"] for item in always}

    def filtered(items: list[dict]) -> list[dict]:
        out = []
        for ref in items:
            if ref["doc"] in given:
                continue  # already asked for (3.3/3.4 repeat 3.1's application, identity, residence …)
            when = None
            if ref.get("for_disabled"):
                applies, when = _disability_when(case, category)
                if not applies:
                    continue
            out.append(_item(data, ref, when=when))
        return out

    for_forms = []
    for form in chosen:
        sections = []
        general = [ref for ref in data["general"] if form in ref.get("forms", [])]
        if general:
            sections.append({"id": "general", "title": "Общий перечень", "source": "405-р, п. 3.1",
                             "seed_line": 195, "items": filtered(general)})
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
    if category in _STATUS_CATEGORIES:
        status_mark = data["form3"]["marks"].get("status", {})
        for row in data["form3"]["status"]:
            for_category.append({
                "id": f"status_{row['id']}", "title": "Документы, подтверждающие статус", "when": row["public"],
                "legal_title": row["category"], "source": row["source"], "seed_line": row["seed_line"],
                "rule_text": "статус подтверждается документами из списка",
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
    else:
        notes.append({"text": "Для несовершеннолетних перечень документов, подтверждающих обстоятельства "
                              "(приложение 2 к Заключению по форме 2), в тексте методики отсутствует: "
                              "какие документы нужны, скажут в районном бюро.",
                      "source": "405-р, форма 2", "seed_line": 1225})

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
