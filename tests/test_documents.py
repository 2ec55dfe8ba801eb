"""Documents to bring (405-р section 3; Appendix 2 to Forms 1 and 3): the data against the seed, the
structure check and the grouped answer for cases.

The expectations are written by hand from seeds/003_3a3aa5f907c0671e.txt (lines cited), not read from
data/documents.toml.
"""
import copy
import re

import pytest

from socmethod.core.errors import KitError
from socmethod.procedure.documents import (
    check_documents,
    circumstance_status,
    circumstances_for_case,
    documents_for,
    load_documents,
)
from tests.support.seeds import seed_lines, seed_text

RESIDENTIAL = ("residential_temporary", "residential_permanent")
ALL_FORMS = ("home", "day_care_up_to_4h", "day_care_over_4h") + RESIDENTIAL

# Form 1, Appendix 2, header row (line 1087): how each of the eight document columns starts.
COLUMNS = {
    1: "Справка, подтверждающая факт установления инвалидности",
    2: "Индивидуальная программа реабилитации инвалида (ребенка-инвалида)",
    3: "Медицинские документы, характеризующие состояние здоровья гражданина, нуждаемость в постороннем уходе",
    4: "Заключение врача-психиатра (ПМПК)",
    5: "Сведения органов опеки и попечительства о ребенке, инвалиде",
    6: "Сведения государственных учреждений Санкт-Петербурга, не входящих в систему социального обслуживания",
    7: "Документы (сведения), подтверждающие факт отсутствия возможности обеспечения ухода",
    8: "Медицинские документы, подтверждающие, что лицо, совместно проживающее с гражданином пожилого возраста",
}
# Rows (lines 1090-1099): circumstance -> (seed line, columns marked V, footnote markers in the row).
MATRIX = {
    "self_care_loss": (1090, {1, 2, 3, 4}, set()),
    "disabled_family_member": (1091, {1, 2, 3}, set()),
    "no_care": (1092, {1, 2, 5, 6, 7}, set()),          # the row's name ends on line 1094, cells on 1092
    "family_conflict": (1095, {6, 8}, set()),
    "homeless": (1096, {6}, {"<1>"}),
    "early_help": (1098, {1, 2, 3, 4}, set()),
    "rehabilitation": (1099, {2}, {"<2>"}),
}

# Form 3, Appendix 2 (lines 1507-1570): circumstance -> (number, how many documents, numbers marked <*>).
FORM3 = {
    "child_adaptation": (1, 24, {15, 16, 20, 24}),      # lines 1515, 1517, 1525, 1533
    "no_care": (2, 18, {1, 3}),                          # line 1534 (3: «<*> для инвалидов II и III групп …»)
    "family_conflict": (3, 20, {19}),                    # line 1564
    "homeless": (4, 11, {2, 10}),                        # lines 1567 («(при наличии) <*>»), 1567
    "no_work_income": (5, 10, {5}),                      # line 1570
}

ELDERLY_HOME = {
    "category": "elderly", "disability_group": "none",
    "self_care": {"hygiene": 1, "toilet": 0, "dressing": 1, "medication": 0, "cooking": 2, "eating": 0,
                  "housekeeping": 2, "paperwork": 1},
    "mobility": {"shopping": 2, "transport": 2, "outdoor_walk": 1, "indoors": 0, "bed": 0},
    "medical_indications": True, "lives_alone": True, "carer_absent": False, "family_conflict": False,
    "psychiatrist_recommends": "none",
}
DISABLED_CHILD = {
    "category": "disabled_child", "impairment": "multiple",
    "self_care": {"hygiene": 3, "toilet": 3, "dressing": 3, "eating": 2},
    "mobility": {"distance": 3, "outdoor_walk": 2, "indoors": 1, "bed": 0},
    "medical_indications": True, "lives_alone": False, "carer_absent": True, "family_conflict": False,
    "ipra_social_rehabilitation": True, "psychiatrist_recommends": None, "age_months": 130,
}


def ids(items):
    return [item["id"] for item in items]


def form_items(result, form):
    return [item for group in result["for_forms"] if group["form"] == form
            for section in group["sections"] for item in section["items"]]


def all_ids(result):
    out = set(ids(result["always"]))
    for group in result["for_forms"] + result["for_category"]:
        for section in group.get("sections", [group]):
            out |= set(ids(section["items"]))
    return out


def confirm(result, key="to_confirm"):
    return {entry["id"]: entry for entry in result[key]}


# --------------------------------------------------------------------------- the data against the seed

def test_every_form1_circumstance_has_exactly_the_documents_marked_v():
    data = load_documents()
    f1 = data["form1"]
    rows = {c["id"]: c for c in f1["circumstances"]}
    assert set(rows) == set(MATRIX)
    title_of = {col["doc"]: col.get("title") or data["documents"][col["doc"]]["title"] for col in f1["columns"]}
    for circ, (line, marked, _) in MATRIX.items():
        row = rows[circ]
        assert row["seed_line"] == line, circ
        titles = [title_of[doc] for doc in row["documents"]]
        got = {n for n, start in COLUMNS.items() for title in titles if title.startswith(start)}
        assert got == marked and len(titles) == len(marked), (circ, titles)


def test_form1_answer_lists_the_marked_documents_for_each_circumstance():
    """The same sets through the public answer: a case showing each circumstance gets them in to_confirm."""
    cases = {
        "self_care_loss": ELDERLY_HOME,
        "disabled_family_member": DISABLED_CHILD,
        "no_care": DISABLED_CHILD,
        "family_conflict": dict(ELDERLY_HOME, family_conflict=True),
        "homeless": {"category": "homeless"},
        "early_help": {"category": "early_childhood"},
        "rehabilitation": {"category": "disabled_adult", "ipra_social_rehabilitation": True},
    }
    for circ, case in cases.items():
        entry = confirm(documents_for(case, ["home"]))[circ]
        got = {n for n, start in COLUMNS.items() for item in entry["documents"] if item["title"].startswith(start)}
        assert got == MATRIX[circ][1], circ
        assert entry["seed_line"] == MATRIX[circ][0]
        for item in entry["documents"]:
            assert item["public"] and item["source"].startswith("405-р") and item["seed_line"] == MATRIX[circ][0]


def test_form1_footnotes():
    f1 = load_documents()["form1"]
    rows = {c["id"]: c for c in f1["circumstances"]}
    for circ, (_, _, markers) in MATRIX.items():
        assert {f1["footnotes"][key]["marker"] for key in rows[circ].get("footnotes", [])} == markers, circ
    # <1> (lines 1101-1105): the passport without registration or the homeless-centre certificate, one of.
    homeless = confirm(documents_for({"category": "homeless"}, ["home"]))["homeless"]
    alt = homeless["also_one_of"]
    assert alt["seed_line"] == 1101
    assert [item["seed_line"] for item in alt["documents"]] == [1103, 1105]
    assert alt["documents"][0]["title"].startswith("Паспорт гражданина РФ с последней отметкой")
    assert "Центр учета и социального обслуживания граждан Российской Федерации без определенного места" \
        in alt["documents"][1]["title"]
    # <2> (line 1107): the ИПРА must hold rehabilitation recommendations.
    rehab = confirm(documents_for({"category": "disabled_adult", "ipra_social_rehabilitation": True}, []))
    ipra = rehab["rehabilitation"]["documents"][0]
    assert ipra["requirement"]["seed_line"] == 1107
    assert "социальной" in ipra["requirement"]["text"] and "профессиональной" in ipra["requirement"]["text"]


def test_form1_matrix_transcription_matches_the_seed():
    """The hand transcription above is the seed's cells (skipped when the seed is not beside the repo)."""
    lines = seed_lines()
    header = lines[1087 - 1].split("\t")[1:]
    for n, start in COLUMNS.items():
        assert header[n - 1].strip().startswith(start), n
    for circ, (line, marked, markers) in MATRIX.items():
        cells = lines[line - 1].split("\t")
        assert len(cells) == 9, circ
        assert {n for n in range(1, 9) if cells[n].strip() == "V"} == marked, circ
        assert {m for m in ("<1>", "<2>") if m in cells[0]} == markers, circ


def test_form3_lists_mandatory_marks_and_notes():
    f3 = load_documents()["form3"]
    rows = {c["id"]: c for c in f3["circumstances"]}
    assert set(rows) == set(FORM3)
    for circ, (number, count, mandatory) in FORM3.items():
        row = rows[circ]
        assert row["number"] == number
        assert [item["number"] for item in row["items"]] == list(range(1, count + 1)), circ
        assert {item["number"] for item in row["items"] if item.get("mandatory")} == mandatory, circ
    assert f3["marks"]["mandatory"]["seed_line"] == 1573
    assert f3["notes"]["one_suffices"]["seed_line"] == 1589
    assert "достаточно представления одного документа" in f3["notes"]["one_suffices"]["text"]
    assert f3["notes"]["residential_216n"]["seed_line"] == 1591
    assert f3["notes"]["residential_216n"]["doc"] == "medical_conclusion_216n"


def test_form3_mandatory_marks_match_the_seed():
    """Read the <*> marks straight from the seed: each belongs to the item numbered last before it."""
    lines = seed_lines()
    spans = {"child_adaptation": (1507, 1533), "no_care": (1534, 1536), "family_conflict": (1537, 1564),
             "homeless": (1565, 1567), "no_work_income": (1568, 1570)}
    for circ, (first, last) in spans.items():
        text = re.sub(r"</?p>|<[ou]l[^>]*>|\[|\]\(#\)|\t", " ", " ".join(lines[first - 1:last]))
        current, starred = 0, set()
        # Item numbers run 1, 2, 3 ... in order; any other "N. " in the text is not an item start.
        for match in re.finditer(r"(?<![\d.])(\d+)\. |<\*>", text):
            if match.group(1) is None:
                starred.add(current)
            elif int(match.group(1)) == current + 1:
                current += 1
        assert current == FORM3[circ][1], circ
        assert starred == FORM3[circ][2], circ


def test_form3_answer_says_one_suffices_and_marks_mandatory():
    result = documents_for({"category": "family"}, ["home"])
    possible = confirm(result, "possible")
    assert set(possible) == set(FORM3)
    for circ, (_, _, mandatory) in FORM3.items():
        entry = possible[circ]
        assert entry["rule"] == "one_of" and entry["rule_text"] == "достаточно одного из документов"
        assert entry["rule_seed_line"] == 1589
        assert {n for item in entry["mandatory"] for n in item["numbers"]} == mandatory, circ
        assert all(item["mandatory"] for item in entry["mandatory"])
        assert not any(item.get("mandatory") for item in entry["documents"])
    care = {item["numbers"][0]: item for item in possible["no_care"]["mandatory"]}
    assert care[3]["condition"] == "для инвалидов II и III групп, граждан, не достигших возраста 80 лет"
    # Repeated documents are shown once with every number they have (items 4 and 15 of circumstance 2).
    assert [4, 15] in [item["numbers"] for item in possible["no_care"]["documents"]]


def test_titles_are_the_seeds_words():
    """Every legal title is the seed's text (markup and line breaks aside), unless marked raw."""

    def norm(s):
        s = re.sub(r"\[([^\]]*)\]\(#\)", r"\1", s).replace("**", "")
        s = re.sub(r"</?p>|<[ou]l[^>]*>|[\t|]", " ", s)
        return re.sub(r"\s+", " ", s).strip().lower().rstrip(".")

    seed = norm(seed_text())
    data = load_documents()
    entries = [(f"documents.{k}", v) for k, v in data["documents"].items()]
    entries += [(f"lists.{lst['id']}", lst) for lst in data["lists"]]
    entries += [(f"lists.{lst['id']}.{i['doc']}", i) for lst in data["lists"] for i in lst["items"]]
    entries += [("form1." + c["id"], c) for c in data["form1"]["circumstances"]]
    entries += [(f"form1.column{c['column']}", c) for c in data["form1"]["columns"]]
    entries += [(f"form3.{c['id']}", c) for c in data["form3"]["circumstances"]]
    entries += [(f"form3.{c['id']}.{i['number']}", i) for c in data["form3"]["circumstances"] for i in c["items"]]
    checked = 0
    for where, entry in entries:
        if "title" not in entry:
            continue
        checked += 1
        if norm(entry["title"]) in seed:
            continue
        # Not verbatim (joined across a page break, a typo mended, a list re-punctuated): the entry, or the
        # catalogue document whose title it is, must keep the printed text or say how it was read.
        doc = data["documents"].get(entry.get("doc"), {}) if entry.get("title") == data["documents"].get(
            entry.get("doc"), {}).get("title") else {}
        assert {"raw", "note"} & (set(entry) | set(doc)), where
    assert checked > 100


def test_every_entry_has_source_and_seed_line():
    data = load_documents()
    for doc_id, doc in data["documents"].items():
        assert doc["source"].startswith("405-р") and doc["seed_line"] > 0 and doc["public"], doc_id
    refs = list(data["general"]) + [i for lst in data["lists"] for i in lst["items"]]
    refs += [i for c in data["form3"]["circumstances"] for i in c["items"]]
    for ref in refs:
        assert ref["source"].startswith("405-р") and ref["seed_line"] > 0, ref


# --------------------------------------------------------------------------- general and form lists

def test_general_list_of_3_1():
    result = documents_for(ELDERLY_HOME, ["home"])
    always = {item["id"]: item for item in result["always"]}
    # 3.1, lines 195-217, and the consent of 3.5 (line 383).
    assert list(always) == ["application", "identity_document", "representative_authority", "residence_document",
                            "residence_permit", "circumstance_documents", "personal_data_consent"]
    assert [always[k]["seed_line"] for k in always] == [195, 197, 207, 209, 211, 213, 383]
    assert len(always["identity_document"]["accepted"]) == 3          # footnote <1>, lines 201-205
    assert always["identity_document"]["accepted"][0] == "паспорт гражданина Российской Федерации"
    assert "when" in always["representative_authority"] and "when" in always["residence_permit"]
    assert {r["seed_line"] for r in result["rules"]} >= {385, 387, 389}


def test_family_composition_only_for_home_care():
    for form in ALL_FORMS:
        result = documents_for(ELDERLY_HOME, [form])
        has = "family_composition" in all_ids(result)
        assert has == (form == "home"), form
        if has:
            item = next(i for i in form_items(result, "home") if i["id"] == "family_composition")
            assert item["seed_line"] == 215 and item["source"] == "405-р, п. 3.1"


def test_216n_conclusion_for_residential_forms_only():
    for case in (ELDERLY_HOME, DISABLED_CHILD, {"category": "homeless"}, {"category": "family"}):
        for form in ALL_FORMS:
            result = documents_for(case, [form])
            items = [i for i in form_items(result, form) if i["id"] == "medical_conclusion_216n"]
            if form in RESIDENTIAL:
                assert len(items) == 1 and items[0]["seed_line"] == 1591, (case["category"], form)
                assert "216н" in items[0]["title"]
            else:
                assert "medical_conclusion_216n" not in all_ids(result), (case["category"], form)


def test_3_2_list_for_permanent_residence_except_disabled_children():
    result = documents_for(ELDERLY_HOME, ["residential_permanent"])
    got = [(i["id"], i["source"]) for i in form_items(result, "residential_permanent")]
    assert got == [
        ("medical_conclusion_216n", "405-р, прил. 2 к Заключению (форма 3), примечание 2"),
        ("snils", "405-р, п. 3.2.1"),
        # 3.2.2-3.2.3 («для инвалидов») are dropped: disability_group is "none".
        ("health_information", "405-р, п. 3.2.4, 3.2.5"),
        ("vk_conclusion", "405-р, п. 3.2.6"),
        ("incapacity_court_decision", "405-р, п. 3.2.7"),
        ("prison_release_certificate", "405-р, п. 3.2.8"),
    ]
    unknown_group = documents_for(dict(ELDERLY_HOME, disability_group=None), ["residential_permanent"])
    cert = next(i for i in form_items(unknown_group, "residential_permanent") if i["id"] == "disability_certificate")
    assert cert["when"] == "если установлена инвалидность"
    with_group = documents_for(dict(ELDERLY_HOME, disability_group="I"), ["residential_permanent"])
    cert = next(i for i in form_items(with_group, "residential_permanent") if i["id"] == "disability_certificate")
    assert "when" not in cert and cert["seed_line"] == 223
    # Temporary residence has only the 216н conclusion beyond 3.1.
    temp = documents_for(ELDERLY_HOME, ["residential_temporary"])
    assert ids(form_items(temp, "residential_temporary")) == ["medical_conclusion_216n"]


# --------------------------------------------------------------------------- cases

def test_home_care_elderly_case():
    result = documents_for(ELDERLY_HOME, ["home"])
    assert circumstances_for_case(ELDERLY_HOME) == ["self_care_loss"]
    assert [g["form"] for g in result["for_forms"]] == ["home"]
    assert ids(form_items(result, "home")) == ["family_composition"]
    assert result["for_category"] == []
    assert list(confirm(result)) == ["self_care_loss"]
    assert result["possible"] == []
    assert result["to_confirm"][0]["rule"] == "listed"
    for item in result["always"] + form_items(result, "home"):
        assert set(item) >= {"id", "public", "title", "source", "seed_line"}


def test_disabled_child_case():
    result = documents_for(DISABLED_CHILD, ["residential_permanent", "day_care_over_4h"])
    assert set(circumstances_for_case(DISABLED_CHILD)) == {"self_care_loss", "disabled_family_member", "no_care"}
    # Not 3.2 («за исключением детей-инвалидов», line 219) but 3.3 (line 277), under the category.
    assert ids(form_items(result, "residential_permanent")) == ["medical_conclusion_216n"]
    assert [g["form"] for g in result["for_forms"]] == ["residential_permanent"]   # day care adds nothing
    (group,) = result["for_category"]
    assert group["id"] == "permanent_disabled_child_3_3" and group["seed_line"] == 277
    got = {i["id"]: i["source"] for i in group["items"]}
    assert got["birth_certificate"] == "405-р, п. 3.3.2"
    assert got["pmpk_central"] == "405-р, п. 3.3.13"
    assert got["child_health_information"] == "405-р, п. 3.3.16, 3.3.17"
    assert got["child_vk_conclusion"] == "405-р, п. 3.3.18"
    assert got["disability_certificate"] == "405-р, п. 3.3.11"
    # What 3.1 already asks for is not repeated (application 3.3.1, representative's identity 3.3.4 …).
    assert not set(got) & set(ids(result["always"]))
    assert "snils" in got and "when" in next(i for i in group["items"] if i["id"] == "orphan_status_documents")
    # The rehabilitation row is for disabled adults of working age (line 1099), not children.
    assert "rehabilitation" not in confirm(result)
    # Age 130 months: past early help (table 3.3, under 8 by default), so not even possible.
    assert "early_help" not in confirm(result, "possible")
    # Without 3.3's form (home care) there is no category list.
    assert documents_for(DISABLED_CHILD, ["home"])["for_category"] == []


def test_unknown_answers_go_to_possible():
    case = dict(ELDERLY_HOME, carer_absent=None, family_conflict=None,
                self_care=None, mobility={"shopping": None, "transport": 0, "outdoor_walk": 0, "indoors": 0, "bed": 0})
    status = circumstance_status(case)
    assert status["shown"] == []
    possible = {p["id"]: p for p in status["possible"]}
    assert set(possible) == {"self_care_loss", "no_care", "family_conflict"}
    assert possible["self_care_loss"]["depends_on"] == ["self_care", "mobility"]
    assert possible["no_care"]["depends_on"] == ["carer_absent"]
    result = documents_for(case, ["home"])
    assert result["to_confirm"] == []
    entries = confirm(result, "possible")
    assert set(entries) == set(possible)
    assert {n for n, s in COLUMNS.items() for i in entries["no_care"]["documents"] if i["title"].startswith(s)} \
        == MATRIX["no_care"][1]
    # A known difficulty on one scale is enough, whatever the other says; a scale with items left out
    # and no difficulty is unknown, not "no loss".
    assert circumstances_for_case(dict(case, mobility={"shopping": 1})) == ["self_care_loss"]
    partial = circumstance_status(dict(ELDERLY_HOME, self_care={"hygiene": 0}))
    assert partial["shown"] == [{"id": "self_care_loss", "why": partial["shown"][0]["why"]}]  # mobility has 2s
    partial = circumstance_status(dict(ELDERLY_HOME, self_care={"hygiene": 0}, mobility={k: 0 for k in
                                                                                        ELDERLY_HOME["mobility"]}))
    assert [p["depends_on"] for p in partial["possible"]] == [["self_care"]]
    # Disabled adult with unknown ИПРА answer; child with unknown early-help criteria and young age.
    adult = circumstance_status({"category": "disabled_adult", "ipra_social_rehabilitation": None})
    assert "rehabilitation" in {p["id"] for p in adult["possible"]}
    child = circumstance_status(dict(DISABLED_CHILD, age_months=50))
    assert {"id": "early_help", "why": child["possible"][-1]["why"], "depends_on": ["early_help_criteria"]} \
        in child["possible"]
    assert "early_help" in circumstances_for_case(dict(DISABLED_CHILD, age_months=50, early_help_criteria=[4]))


def test_false_answers_show_nothing():
    case = dict(ELDERLY_HOME, self_care={k: 0 for k in ELDERLY_HOME["self_care"]},
                mobility={k: 0 for k in ELDERLY_HOME["mobility"]})
    assert circumstance_status(case) == {"form": "form1", "shown": [], "possible": []}


def test_categories_without_questions():
    homeless = documents_for({"category": "homeless"}, ["residential_temporary"])
    assert list(confirm(homeless)) == ["homeless"] and homeless["possible"] == []
    early = documents_for({"category": "early_childhood"}, ["day_care_up_to_4h"])
    assert list(confirm(early)) == ["early_help"]
    minor = documents_for({"category": "minor"}, ["residential_permanent"])
    assert minor["to_confirm"] == [] and minor["possible"] == []
    assert minor["notes"][0]["seed_line"] == 1225            # no Appendix 2 to Form 2 in the text
    orphan = next(g for g in minor["for_category"] if g["id"] == "permanent_orphan_3_4")
    assert orphan["when"] and orphan["seed_line"] == 359
    assert {"parental_care_loss_documents", "child_medical_documents"} <= set(ids(orphan["items"]))
    family = documents_for({"category": "family"}, ["home"])
    status = {g["id"] for g in family["for_category"]}
    assert status == {"status_orphans", "status_foster_families", "status_hiv", "status_substance_dependent"}
    orphans = next(g for g in family["for_category"] if g["id"] == "status_orphans")
    assert len(orphans["items"]) == 17                        # lines 1578-1580


# --------------------------------------------------------------------------- the rule set and readings in force

UNDER_7 = {"early_help_upper_age": "under_7", "early_help_upper_age_5": "under_7"}


def test_early_help_follows_the_readings():
    """Table 3.3's criteria 4 and 5 end at 7 or 8 years by their readings (lines 1187, 1188): the bound the
    documents speak of is the one in force, never a fixed «8 лет»."""
    child = dict(DISABLED_CHILD, age_months=None)
    default = next(p for p in circumstance_status(child)["possible"] if p["id"] == "early_help")
    assert "младше 8 лет" in default["why"]
    under_7 = next(p for p in circumstance_status(child, readings=UNDER_7)["possible"] if p["id"] == "early_help")
    assert "младше 7 лет" in under_7["why"] and "8 лет" not in under_7["why"]
    assert under_7["depends_on"] == ["early_help_criteria", "age_months"]
    # The bound is the later of the two criteria's: one still at 8 years keeps «8 лет».
    mixed = circumstance_status(child, readings={"early_help_upper_age": "under_7"})
    assert "младше 8 лет" in next(p for p in mixed["possible"] if p["id"] == "early_help")["why"]
    # A child of 7 years and a half (90 months): early help is possible by default, not when both end at 7.
    older = dict(DISABLED_CHILD, age_months=90)
    assert "early_help" in {p["id"] for p in circumstance_status(older)["possible"]}
    assert "early_help" not in {p["id"] for p in circumstance_status(older, readings=UNDER_7)["possible"]}
    answer = documents_for(older, ["home"], readings=UNDER_7)
    assert "early_help" not in {e["id"] for e in answer["possible"]}
    assert "early_help" in {e["id"] for e in documents_for(older, ["home"])["possible"]}


def test_a_bad_reading_is_refused():
    with pytest.raises(KitError) as err:
        documents_for(ELDERLY_HOME, ["home"], readings={"early_help_upper_age": "under_9"})
    assert err.value.code == "bad_reading_value" and err.value.field == "early_help_upper_age"


def test_the_rule_set_in_force_names_the_forms_and_categories(tmp_path):
    import shutil

    from socmethod.core.resources import data_path
    from socmethod.core.ruleset import load_ruleset
    rules = tmp_path / "405-r"
    shutil.copytree(data_path("rules", "405-r"), rules)
    spec = rules / "ruleset.toml"
    spec.write_text(spec.read_text(encoding="utf-8").replace('home = "на дому"', 'home = "на дому (проект)"', 1),
                    encoding="utf-8")
    ruleset = load_ruleset(rules)
    answer = documents_for(ELDERLY_HOME, ["home"], ruleset=ruleset)
    assert answer["forms"] == [{"form": "home", "title": "на дому (проект)"}]
    assert answer["for_forms"][0]["form_title"] == "на дому (проект)"
    assert documents_for(ELDERLY_HOME, ["home"])["forms"][0]["title"] == "на дому"


def test_circumstance_conditions_are_data():
    data = load_documents()
    conditions = {c["id"]: c["shown_when"] for c in data["form1"]["circumstances"]}
    assert conditions["disabled_family_member"] == [{**conditions["disabled_family_member"][0], "categories": ["disabled_child"]}]
    assert conditions["rehabilitation"][0]["answer"] == "ipra_social_rehabilitation"
    assert conditions["rehabilitation"][0]["categories"] == ["disabled_adult"]
    assert {c["id"]: c.get("answered_by") for c in data["form3"]["circumstances"]} == {
        "child_adaptation": None, "no_care": "carer_absent", "family_conflict": "family_conflict",
        "homeless": None, "no_work_income": None}
    broken = copy.deepcopy(data)
    broken["form1"]["circumstances"][2]["shown_when"][0]["answer"] = "carers_absent"
    with pytest.raises(KitError) as err:
        check_documents(broken)
    assert err.value.field == "form1.circumstances[«no_care»].shown_when[1].answer" and "carers_absent" in err.value.message
    broken = copy.deepcopy(data)
    broken["form1"]["circumstances"][0]["shown_when"][0]["answer"] = "carer_absent"
    with pytest.raises(KitError) as err:
        check_documents(broken)
    assert "scales, answer" in err.value.message + err.value.fix


# --------------------------------------------------------------------------- refusals

def test_refuses_unknown_document_in_a_circumstance():
    data = copy.deepcopy(load_documents())
    data["form1"]["circumstances"][0]["documents"][0] = "passport_of_the_moon"
    with pytest.raises(KitError) as err:
        check_documents(data, "documents.toml")
    assert err.value.code == "bad_value"
    assert "passport_of_the_moon" in err.value.message
    assert "documents.toml" in err.value.message and "self_care_loss" in err.value.message

    data = copy.deepcopy(load_documents())
    data["form3"]["circumstances"][1]["items"][0]["doc"] = "nope"
    with pytest.raises(KitError, match="no_care") as err:
        check_documents(data, "documents.toml")
    assert err.value.code == "bad_value"


def test_refuses_cells_that_disagree_with_the_ids():
    data = copy.deepcopy(load_documents())
    data["form1"]["circumstances"][3]["cells"][0] = "V"        # family_conflict: column 1 not listed
    with pytest.raises(KitError, match="family_conflict"):
        check_documents(data, "documents.toml")


def test_refuses_typos_and_missing_citations():
    data = copy.deepcopy(load_documents())
    data["documents"]["snils"]["tittle"] = data["documents"]["snils"].pop("title")
    with pytest.raises(KitError) as err:
        check_documents(data, "documents.toml")
    assert err.value.code == "unknown_key" and "documents.snils" in err.value.message
    data = copy.deepcopy(load_documents())
    del data["lists"][0]["items"][0]["seed_line"]
    with pytest.raises(KitError) as err:
        check_documents(data, "documents.toml")
    assert err.value.code == "missing_key" and "residential_216n" in err.value.message


def test_refuses_malformed_file(tmp_path):
    path = tmp_path / "documents.toml"
    path.write_text("[documents\n", encoding="utf-8")
    with pytest.raises(KitError) as err:
        load_documents(path)
    assert err.value.code == "malformed_file"


def test_refuses_bad_case_and_forms():
    with pytest.raises(KitError) as err:
        documents_for(ELDERLY_HOME, ["at_the_seaside"])
    assert err.value.code == "bad_value" and err.value.field == "forms"
    with pytest.raises(KitError) as err:
        documents_for(ELDERLY_HOME, "home")
    assert err.value.code == "bad_type"
    with pytest.raises(KitError) as err:
        documents_for({"category": "martian"}, ["home"])
    assert err.value.code == "bad_value" and err.value.field == "category"
    with pytest.raises(KitError) as err:
        documents_for([], ["home"])
    assert err.value.code == "not_an_object"
    with pytest.raises(KitError) as err:
        circumstances_for_case(dict(ELDERLY_HOME, carer_absent="yes"))
    assert err.value.code == "bad_type" and err.value.field == "carer_absent"


def test_answer_is_json_ready():
    import json
    for case in (ELDERLY_HOME, DISABLED_CHILD, {"category": "family"}, {"category": "minor"}):
        json.dumps(documents_for(case, list(ALL_FORMS)), ensure_ascii=False)
