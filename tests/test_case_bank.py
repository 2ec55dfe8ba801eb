"""The training case bank (data/cases/*.yaml): realistic, fully fictional cases for trainers.

Each file is one case: a short Russian story, the item scores a careful specialist would give, the case
object in the kit's case format and the expected outcome, which was derived by hand from the seed's tables
(seeds/003_3a3aa5f907c0671e.txt, lines 1118-1188) and is checked here against the engine. The bank as a
whole must cover every row of tables 3.1 and 3.2 (under every reading that makes a row exist), the five
criteria of table 3.3, both scale variants, and enough cases of each teaching kind (several forms, gaps,
band boundaries, unknown answers, categories without a table).

File format (one YAML mapping per file, named `NNN-slug.yaml`):
    id            case-NNN (NNN = the file's number)
    title, story  Russian; the story 3-6 sentences; first name + initial, no patronymics, no numbers
    difficulty    easy | medium | hard
    tags          subset of TAGS; each tag is checked against the engine's result
    item_notes    optional: {"self_care.dressing" | "mobility.bed" | case field: one-line justification}
    readings      optional: {reading: option}, passed to socmethod.assess
    case          the case object (README, "A case is ...")
    expected      self_care_degree, mobility_degree (null without scales), rules (recommendations' rule ids
                  in engine order), ripso (their numbers, flattened), and optionally depends_on_rules
                  (rules of depends_on, first occurrence order), early_help {verdict, criteria},
                  note_contains (a substring of the result's note)
"""
from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

import socmethod
from socmethod.core.scales import SCALE_NAMES, scale

CASES_DIR = Path(__file__).resolve().parents[1] / "data" / "cases"
FILE_NAME = re.compile(r"^(\d{3})-[a-z0-9]+(?:-[a-z0-9]+)*\.yaml$")

REQUIRED_KEYS = {"id", "title", "story", "difficulty", "tags", "case", "expected"}
OPTIONAL_KEYS = {"item_notes", "readings"}
EXPECTED_REQUIRED = {"self_care_degree", "mobility_degree", "rules", "ripso"}
EXPECTED_OPTIONAL = {"depends_on_rules", "early_help", "note_contains"}
DIFFICULTIES = ("easy", "medium", "hard")
TAGS = {"band_boundary", "several_forms", "gap", "unknown_answer", "child_scale", "early_help",
        "reading_sensitive", "no_table"}
DECISION_TABLES = ("3.1", "3.2")

# What the bank must hold at least (the brief of the case bank).
MIN_CASES = 40
MIN_TAGGED = {"several_forms": 4, "gap": 3, "band_boundary": 5, "unknown_answer": 3}
MIN_PER_DIFFICULTY = 8

PATRONYMIC = re.compile(r"\b[А-ЯЁ][а-яё]+(?:ович|евич|ьич|овна|евна|ична|инична)\b")
SENTENCE_END = re.compile(r"(?<![А-ЯЁA-Z])[.!?…](?=\s|$)")


# --- the loader (to move into the package later) ---------------------------------------------------------

class CaseBankError(ValueError):
    """A case file that cannot be read as a case-bank entry."""


def load_case_bank(directory: Path | str = CASES_DIR) -> list[dict]:
    """Every `NNN-slug.yaml` of `directory`, sorted by name, as the file's mapping plus `file` (its name).
    Raises CaseBankError naming the file when one is not a YAML mapping or is badly named."""
    directory = Path(directory)
    bank = []
    for path in sorted(directory.iterdir()):
        if path.name.startswith(".") or path.is_dir():
            continue
        if not FILE_NAME.match(path.name):
            raise CaseBankError(f"{path.name}: имя файла должно быть вида NNN-slug.yaml")
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            raise CaseBankError(f"{path.name}: не читается как YAML в UTF-8: {exc}") from None
        if not isinstance(data, dict):
            raise CaseBankError(f"{path.name}: ожидался YAML-объект, получено {type(data).__name__}")
        bank.append({**data, "file": path.name})
    return bank


def assess_entry(entry: dict, readings: dict | None = None) -> dict:
    """The engine's result for a bank entry under its own readings (or `readings`, if given)."""
    return socmethod.assess(entry["case"], readings=entry.get("readings") if readings is None else readings)


def outcome(result: dict) -> dict:
    """The result reduced to what `expected` speaks of."""
    early = result.get("early_help")
    return {
        "self_care_degree": result["self_care"]["degree"] if result.get("self_care") else None,
        "mobility_degree": result["mobility"]["degree"] if result.get("mobility") else None,
        "rules": [r["rule"] for r in result["recommendations"]],
        "ripso": [n for r in result["recommendations"] for n in r["ripso"]],
        "depends_on_rules": list(dict.fromkeys(d["rule"] for d in result["depends_on"])),
        "early_help": None if early is None else
        {"verdict": early["verdict"], "criteria": sorted(c["criterion"] for c in early["criteria"])},
        "note": result.get("note", ""),
        "forms": list(dict.fromkeys(r["form"] for r in result["recommendations"])),
    }


BANK = load_case_bank()
IDS = [e["file"] for e in BANK]
RULESET = socmethod.bundled_ruleset()


def _has_decision_table(category: str) -> bool:
    cat = RULESET.categories[category]
    return any(RULESET.tables[t].kind == "decision" for t in cat.get("tables", []))


# --- the bank as a whole -----------------------------------------------------------------------------------

def test_bank_size_and_unique_ids():
    assert len(BANK) >= MIN_CASES, f"в банке {len(BANK)} случаев, нужно не меньше {MIN_CASES}"
    ids = Counter(e.get("id") for e in BANK)
    assert not [i for i, n in ids.items() if n > 1], f"повторяющиеся id: {[i for i, n in ids.items() if n > 1]}"
    numbers = Counter(FILE_NAME.match(e["file"]).group(1) for e in BANK)
    assert not [n for n, k in numbers.items() if k > 1], "номера файлов повторяются"


def test_loader_refuses_bad_files(tmp_path):
    (tmp_path / "001-ok.yaml").write_text("id: case-001\n", encoding="utf-8")
    assert load_case_bank(tmp_path)[0] == {"id": "case-001", "file": "001-ok.yaml"}
    (tmp_path / "002-list.yaml").write_text("- 1\n- 2\n", encoding="utf-8")
    with pytest.raises(CaseBankError, match="002-list.yaml"):
        load_case_bank(tmp_path)
    (tmp_path / "002-list.yaml").unlink()
    (tmp_path / "Bad Name.yaml").write_text("id: x\n", encoding="utf-8")
    with pytest.raises(CaseBankError, match="Bad Name.yaml"):
        load_case_bank(tmp_path)


# --- each case -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("entry", BANK, ids=IDS)
def test_case_file_shape(entry):
    name = entry["file"]
    keys = set(entry) - {"file"}
    assert REQUIRED_KEYS <= keys, f"{name}: нет ключей {sorted(REQUIRED_KEYS - keys)}"
    assert keys <= REQUIRED_KEYS | OPTIONAL_KEYS, f"{name}: лишние ключи {sorted(keys - REQUIRED_KEYS - OPTIONAL_KEYS)}"
    assert entry["id"] == f"case-{FILE_NAME.match(name).group(1)}", f"{name}: id не совпадает с номером файла"
    assert entry["difficulty"] in DIFFICULTIES, f"{name}: difficulty {entry['difficulty']!r}"
    assert isinstance(entry["tags"], list) and set(entry["tags"]) <= TAGS, \
        f"{name}: неизвестные теги {sorted(set(entry['tags']) - TAGS)}"
    assert len(set(entry["tags"])) == len(entry["tags"]), f"{name}: теги повторяются"
    for key in ("title", "story"):
        text = entry[key]
        assert isinstance(text, str) and re.search("[а-яё]", text), f"{name}: {key} должен быть текстом по-русски"
        assert not PATRONYMIC.search(text), f"{name}: {key} содержит отчество — только имя и инициал"
        assert not re.search(r"\d{4,}", text), f"{name}: {key} содержит длинное число (похоже на номер документа)"
    sentences = len(SENTENCE_END.findall(entry["story"].strip()))
    assert 3 <= sentences <= 6, f"{name}: в истории {sentences} предложений, нужно 3–6"
    assert isinstance(entry["case"], dict) and "category" in entry["case"]
    expected = entry["expected"]
    assert isinstance(expected, dict)
    ekeys = set(expected)
    assert EXPECTED_REQUIRED <= ekeys, f"{name}: в expected нет {sorted(EXPECTED_REQUIRED - ekeys)}"
    assert ekeys <= EXPECTED_REQUIRED | EXPECTED_OPTIONAL, f"{name}: лишнее в expected {sorted(ekeys - EXPECTED_REQUIRED - EXPECTED_OPTIONAL)}"
    assert all(isinstance(r, str) for r in expected["rules"]), f"{name}: rules — список строк"
    assert all(isinstance(n, int) and not isinstance(n, bool) for n in expected["ripso"]), f"{name}: ripso — список чисел"
    if "early_help" in expected:
        assert set(expected["early_help"]) == {"verdict", "criteria"}, f"{name}: early_help = {{verdict, criteria}}"
    readings = entry.get("readings")
    if readings is not None:
        assert isinstance(readings, dict) and readings, f"{name}: readings — непустой объект"
        RULESET.resolve_readings(readings)      # raises KitError for an unknown reading or option


@pytest.mark.parametrize("entry", BANK, ids=IDS)
def test_item_notes_name_real_items(entry):
    notes = entry.get("item_notes") or {}
    assert isinstance(notes, dict), f"{entry['file']}: item_notes — объект"
    variant = RULESET.categories[entry["case"]["category"]].get("scales")
    for key, text in notes.items():
        assert isinstance(text, str) and re.search("[а-яё]", text), f"{entry['file']}: {key}: пояснение по-русски"
        name, _, item = key.partition(".")
        if item:
            assert name in SCALE_NAMES and variant, f"{entry['file']}: {key}: у категории нет такой шкалы"
            assert item in scale(name, variant).keys, f"{entry['file']}: {key}: нет такого пункта ({variant})"
        else:
            assert key in RULESET.fields, f"{entry['file']}: {key}: нет такого поля в формате случая"


@pytest.mark.parametrize("entry", BANK, ids=IDS)
def test_expected_outcome_matches_the_engine(entry):
    name = entry["file"]
    got = outcome(assess_entry(entry))
    want = entry["expected"]
    for key in ("self_care_degree", "mobility_degree", "rules", "ripso"):
        assert got[key] == want[key], f"{name}: {key}: ожидалось {want[key]}, движок дал {got[key]}"
    assert got["depends_on_rules"] == want.get("depends_on_rules", []), \
        f"{name}: depends_on: ожидалось {want.get('depends_on_rules', [])}, движок дал {got['depends_on_rules']}"
    assert got["early_help"] == want.get("early_help"), \
        f"{name}: early_help: ожидалось {want.get('early_help')}, движок дал {got['early_help']}"
    if "note_contains" in want:
        assert want["note_contains"] in got["note"], f"{name}: в примечании нет «{want['note_contains']}»: {got['note']!r}"


@pytest.mark.parametrize("entry", BANK, ids=IDS)
def test_tags_tell_the_truth(entry):
    name, tags = entry["file"], set(entry["tags"])
    result = assess_entry(entry)
    got = outcome(result)
    category = entry["case"]["category"]
    decision = _has_decision_table(category)
    assert ("several_forms" in tags) == (len(got["forms"]) >= 2), \
        f"{name}: several_forms ⇔ рекомендовано не меньше двух форм ({got['forms']})"
    assert ("gap" in tags) == (decision and not got["rules"] and not got["depends_on_rules"]), \
        f"{name}: gap ⇔ у категории есть таблица, а рекомендаций нет ни твёрдых, ни условных"
    has_unknown = any(v is None for v in entry["case"].values())
    assert ("unknown_answer" in tags) == has_unknown, f"{name}: unknown_answer ⇔ в случае есть ответ null"
    if got["depends_on_rules"]:
        assert has_unknown, f"{name}: depends_on без неизвестного ответа"
    variant = result["self_care"]["variant"] if result.get("self_care") else None
    assert ("child_scale" in tags) == (variant == "child"), f"{name}: child_scale ⇔ детский вариант шкал"
    assert ("early_help" in tags) == (got["early_help"] is not None), f"{name}: early_help ⇔ есть вывод по 3.3"
    assert ("no_table" in tags) == (not RULESET.categories[category].get("tables")), \
        f"{name}: no_table ⇔ у категории нет таблицы критериев"
    if "band_boundary" in tags:
        near = []
        for sname in SCALE_NAMES:
            res = result.get(sname)
            if not res:
                continue
            sc, p = scale(sname, res["variant"]), res["points"]
            if any(0 <= q <= sc.max_points and sc.band(q).degree != res["degree"] for q in (p - 1, p + 1)):
                near.append(sname)
        assert near, f"{name}: band_boundary, но ни одна сумма баллов не стоит в шаге от границы степени"
    if "reading_sensitive" in tags:
        base = {k: got[k] for k in ("rules", "ripso", "depends_on_rules", "early_help")}
        in_force = RULESET.resolve_readings(entry.get("readings"))
        changed = []
        for reading, spec in RULESET.readings.items():
            for option in spec["options"]:
                if option == in_force[reading]:
                    continue
                other = outcome(assess_entry(entry, {**in_force, reading: option}))
                if {k: other[k] for k in base} != base:
                    changed.append(f"{reading}={option}")
        assert changed, f"{name}: reading_sensitive, но ни одно другое прочтение не меняет результат"


# --- coverage --------------------------------------------------------------------------------------------

def _row_key(row) -> str:
    return row.id + (f" [{row.applies_when[0]}={row.applies_when[1]}]" if row.applies_when else "")


def test_every_row_of_tables_3_1_and_3_2_is_covered():
    """Every row of 3.1 and 3.2, under every reading that makes a row exist (applies_when), is the
    expected result of some case read under that reading."""
    wanted = {_row_key(r) for t in DECISION_TABLES for r in RULESET.tables[t].rows}
    covered = set()
    for entry in BANK:
        readings = RULESET.resolve_readings(entry.get("readings"))
        rules = set(entry["expected"]["rules"])
        for t in DECISION_TABLES:
            for row in RULESET.tables[t].rows:
                if row.id in rules and row.active(readings):
                    covered.add(_row_key(row))
    missing = sorted(wanted - covered)
    assert not missing, f"строки без учебного случая: {missing}"


def test_every_early_help_criterion_is_held_somewhere():
    held = {c for e in BANK for c in (e["expected"].get("early_help") or {}).get("criteria", [])}
    criteria = {r.criterion for r in RULESET.tables["3.3"].rows}
    assert criteria == {1, 2, 3, 4, 5}
    assert not criteria - held, f"критерии 3.3 без учебного случая: {sorted(criteria - held)}"


def test_both_scale_variants_are_used():
    variants = {RULESET.categories[e["case"]["category"]].get("scales") for e in BANK} - {None}
    assert variants == {"adult", "child"}, f"варианты шкал в банке: {sorted(variants)}"


def test_teaching_kinds_are_represented():
    tags = Counter(t for e in BANK for t in e["tags"])
    short = {t: (tags[t], n) for t, n in MIN_TAGGED.items() if tags[t] < n}
    assert not short, f"мало случаев (есть, нужно): {short}"
    categories = Counter(e["case"]["category"] for e in BANK)
    absent = [c for c in RULESET.categories if not categories[c]]
    assert not absent, f"категории без случая: {absent}"
    # Disabled children under 8 for whom early help is decided alongside table 3.2.
    young = [e["file"] for e in BANK if e["case"]["category"] == "disabled_child"
             and (e["case"].get("age_months") or 999) < 96 and (e["expected"].get("early_help") or {}).get("verdict") == "needed"]
    assert len(young) >= 2, f"детей-инвалидов до 8 лет с ранней помощью: {young}"
    assert any(e.get("readings") for e in BANK), "нет ни одного случая с прочтением не по умолчанию"
    difficulty = Counter(e["difficulty"] for e in BANK)
    assert all(difficulty[d] >= MIN_PER_DIFFICULTY for d in DIFFICULTIES), f"разброс сложности: {dict(difficulty)}"
    notes = [e["file"] for e in BANK if e.get("item_notes")]
    assert len(notes) >= len(BANK) // 2, "пояснения к оценкам есть меньше чем у половины случаев"
