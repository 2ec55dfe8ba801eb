"""The change editor's model: it writes the same change file a methodologist would write by hand, writes
only what differs, keeps hand-written files valid, warns about unknown programme numbers, and its errors
name the change and the column; rule_changes reads a change back from two rule sets."""
from __future__ import annotations

import tomllib

import pytest

from socmethod import KitError, bundled_ruleset
from socmethod.analysis.changes import apply_change_file
from socmethod.analysis.editor import ChangeEditor, ChangeFile, rule_changes
from socmethod.core.resources import data_path

HAND_WRITTEN = """
name = "Проект: N 1 и при передвижении 3; новая N 50; без 1160 по прочтению group_lost"
effective_date = "2027-01-01"

[[change]]
action = "edit"
table = "3.1"
row = "3.1-N1"
set = { mobility = "1, 2, 3" }

[[change]]
action = "add"
table = "3.1"
row = { id = "3.1-N50", seed_line = "1133", disability_group = "none, III", self_care = "1", mobility = "3", lives_alone = "V", form = "home", ripso = "50" }

[[change]]
action = "remove"
table = "3.2"
row = "3.2-multiple-residential_permanent"
applies_when = "row_1160=group_lost"
"""


@pytest.fixture(scope="module")
def base():
    return bundled_ruleset()


def _editor_like_the_hand(base) -> ChangeEditor:
    """What a methodologist does in the form: tick mobility 3 on N 1, fill a new row, remove a row."""
    editor = ChangeEditor(base, "Проект: N 1 и при передвижении 3; новая N 50; без 1160 по прочтению group_lost", "2027-01-01")
    editor.set_cells("3.1", "3.1-N1", {"mobility": "1, 2, 3", "self_care": "1, 2", "lives_alone": "V", "form": "home"})
    editor.add_row("3.1", {"id": "3.1-N50", "seed_line": "1133", "disability_group": "none, III", "self_care": "1",
                           "mobility": "3", "medical_indications": "", "lives_alone": "V", "form": "home", "ripso": "50",
                           "note": ""})
    editor.remove_row("3.2", "3.2-multiple-residential_permanent", "row_1160=group_lost")
    return editor


def test_the_editor_writes_the_same_change_file_as_a_hand_written_one(base, tmp_path):
    editor = _editor_like_the_hand(base)
    written = editor.file.text(base)
    assert tomllib.loads(written) == tomllib.loads(HAND_WRITTEN)
    hand = tmp_path / "hand.toml"
    hand.write_text(HAND_WRITTEN, encoding="utf-8")
    from_hand = apply_change_file(hand, base)
    from_editor = editor.file.apply(base)
    assert from_editor.hash == from_hand.hash != base.hash
    # The file says, for a reviewer, which row each change touches and what the cell was.
    assert "# Изменение 1. Таблица 3.1, строка 3.1-N1 (стр. 1133 источника; на дому)." in written
    assert '# Было: mobility = "1, 2"' in written


def test_a_hand_written_file_loads_into_the_editor_and_comes_back_the_same(base):
    text = data_path("changes", "example-widen-n1-mobility.toml").read_text(encoding="utf-8")
    parsed = ChangeFile.parse(text)
    assert tomllib.loads(parsed.text(base)) == tomllib.loads(text)
    assert ChangeFile.parse(parsed.text(base)) == parsed


def test_only_what_differs_is_written_and_a_reverted_edit_disappears(base):
    editor = ChangeEditor(base, "x")
    # The same values in another order and spacing are no change.
    editor.set_cells("3.1", "3.1-N2", {"disability_group": "I,II, III , none", "mobility": "1, 0"})
    assert editor.file.changes == []
    editor.set_cells("3.1", "3.1-N2", {"mobility": "0, 1, 2", "ripso": "2"})
    assert [(c.action, c.row, c.cells) for c in editor.file.changes] == [("edit", "3.1-N2", {"mobility": "0, 1, 2"})]
    editor.set_cells("3.1", "3.1-N2", {"family_conflict": "V"})
    assert editor.file.changes[0].cells == {"mobility": "0, 1, 2", "family_conflict": "V"}
    editor.set_cells("3.1", "3.1-N2", {"mobility": "0, 1", "family_conflict": ""})
    assert editor.file.changes == []
    # Removing a row forgets its edit; removing a row the file adds just drops the addition.
    editor.set_cells("3.1", "3.1-N2", {"mobility": "0"})
    editor.remove_row("3.1", "3.1-N2")
    assert [(c.action, c.row) for c in editor.file.changes] == [("remove", "3.1-N2")]
    editor.add_row("3.1", {"id": "3.1-N60", "form": "home", "ripso": "1", "self_care": "3"})
    editor.remove_row("3.1", "3.1-N60")
    assert [(c.action, c.row) for c in editor.file.changes] == [("remove", "3.1-N2")]


def test_an_add_may_omit_columns_and_an_unknown_programme_is_only_warned_about(base):
    editor = ChangeEditor(base, "Новая программа")
    # Only criteria, form and number: no seed line, note, raw text, caveat or reading variant.
    editor.add_row("3.1", {"id": "3.1-N77", "self_care": "3", "mobility": "3", "form": "home", "ripso": "77"})
    editor.add_row("3.1", {"id": "3.1-N78", "self_care": "3", "mobility": "2", "form": "home", "ripso": "4"})
    proposal = editor.file.apply(base)
    assert any(r.id == "3.1-N77" for r in proposal.tables["3.1"].rows)
    warnings = editor.file.warnings(base)
    assert len(warnings) == 1
    assert warnings[0].startswith("Изменение 1, столбец «РИПСО: гражданин пожилого возраста»: программы N 77 нет")
    editor.add_row("3.1", {"id": "3.1-N80", "self_care": "3", "form": "home"})
    assert editor.file.warnings(base)[1].startswith("Изменение 3: у новой строки 3.1-N80 нет номера РИПСО")
    editor.file.apply(base)


@pytest.mark.parametrize("cells,column", [({"mobility": "1, 7"}, "mobility"), ({"lives_alone": "X"}, "lives_alone"),
                                          ({"form": "somewhere"}, "form"), ({"ripso": "N1"}, "ripso")])
def test_errors_name_the_change_and_the_column(base, cells, column):
    editor = ChangeEditor(base, "Ошибка")
    editor.remove_row("3.1", "3.1-N7")
    editor.set_cells("3.1", "3.1-N1", cells)
    with pytest.raises(KitError) as err:
        editor.file.apply(base)
    assert err.value.field == column
    assert "(изменения.toml, изменение 2" in err.value.message


def test_text_survives_quotes_backslashes_and_line_breaks(base):
    editor = ChangeEditor(base, 'Проект "Б" \\ черновик\nвторой строкой', "2027-01-01")
    editor.add_row("3.1", {"id": "3.1-N79", "self_care": "3", "form": "home", "ripso": "1", "note": 'Комиссия: "да"'})
    back = ChangeFile.parse(editor.file.text(base))
    assert back.name == editor.file.name
    assert back.changes[0].cells["note"] == 'Комиссия: "да"'


def test_rule_changes_say_row_column_before_and_after_with_seed_lines(base):
    proposal = _editor_like_the_hand(base).file.apply(base)
    changes = {(c["table"], c["row"], c["action"]): c for c in rule_changes(base, proposal)}
    assert set(changes) == {("3.1", "3.1-N1", "edit"), ("3.1", "3.1-N50", "add"),
                            ("3.2", "3.2-multiple-residential_permanent", "remove")}
    edit = changes[("3.1", "3.1-N1", "edit")]
    assert edit["seed_line"] == "1133" and edit["form"] == "на дому"
    assert [(c["label"], c["before_words"], c["after_words"]) for c in edit["cells"]] == [
        ("Оценка способности к передвижению", "степень 1, 2", "степень 1, 2, 3")]
    added = {c["column"]: c["after_words"] for c in changes[("3.1", "3.1-N50", "add")]["cells"]}
    assert added["disability_group"] == "нет группы, III группа" and added["ripso"] == "N 50"
    removed = changes[("3.2", "3.2-multiple-residential_permanent", "remove")]
    assert removed["seed_line"] == "1160" and "потеряна ячейка группы" in removed["applies_when"]
    assert rule_changes(base, base) == []


def test_the_row_picker_lists_reading_variants_and_the_rows_a_file_adds(base):
    editor = ChangeEditor(base)
    rows = dict((value, label) for label, value in editor.rows("3.2"))
    assert ("3.2-multiple-residential_permanent", "row_1160=mobility_lost") in rows
    assert ("3.2-multiple-residential_permanent", "row_1160=group_lost") in rows
    assert ("3.2-multiple-home", None) in rows
    assert "прочтение: потеряна ячейка передвижения" in rows[("3.2-multiple-residential_permanent", "row_1160=mobility_lost")]
    editor.add_row("3.2", {"id": "3.2-new", "impairment": "sensory", "form": "home", "ripso_adult": "14"})
    assert ("3.2-new", None) in dict((v, k) for k, v in editor.rows("3.2"))
    assert editor.cells("3.2", "3.2-new")["ripso_adult"] == "14"
