"""Contraindications to residential care (216н): the table against seed 003 and the lookup's behaviour."""
import io

import pytest

from socmethod.core.errors import KitError
from socmethod.procedure.contraindications import _groups_in, check_codes, groups_for, load_groups, normalize_icd, parse_table

# Seed 003, lines 674-684: how each group's title starts, and its code list exactly as printed.
SEED = {
    1: (674, "Туберкулез любых органов и систем", "A15; A17 - A19"),
    2: (675, "Лепра", "A30"),
    3: (676, "Острые инфекционные заболевания", "A00 - A09; A20 - A29; A31 - B99; R50"),
    4: (677, "Злокачественные новообразования", "C00 - C97"),
    5: (678, "Хронические и затяжные психические", "F01; F03 - F09; F10 - F16; F18 - F19; F20 - F33"),
    6: (679, "Эпилепсия с частыми припадками", "G40 - G41"),
    7: (680, "Гангрена и некроз легкого", "J85.0 - J85.2"),
    8: (681, "Трахеостома, каловые, мочевые свищи",
        "Z93.0; Z93.2 - Z93.6; K63.2; N28.8; N32.1 - N32.2; N36.0; N39.4; N82"),
    9: (682, "Тяжелые хронические заболевания кожи", "L10; L12.2; L12.3; L13.0; L88; L98.9"),
    10: (683, "Пороки развития лица и черепа", "Q35 - Q37; Q67.0 - Q67.4"),
    11: (684, "Заболевания, осложненные гангреной конечности",
         "A48.0; E10.5; E11.5; E12.5; E13.5; E14.5; I70.2; I73.1; I74.3; R02"),
}

GROUPS = load_groups()
RANGES = [(g.number, r) for g in GROUPS for r in g.ranges]
HEADER = "group,group_title,code_from,code_to,seed_line,raw,note\n"


def _step(code: str, delta: int) -> str | None:
    """The code `delta` steps away at the same precision (A15 -> A14, Z93.6 -> Z93.7, B99 -> C00)."""
    letter, digits = code[0], code[1:].replace(".", "")
    width = len(digits)
    index = (ord(letter) - ord("A")) * 10 ** width + int(digits) + delta
    letter_index, number = divmod(index, 10 ** width)
    if not 0 <= letter_index < 26:
        return None
    text = f"{chr(ord('A') + letter_index)}{number:0{width}d}"
    return text if width == 2 else f"{text[:3]}.{text[3:]}"


def _in_group_elsewhere(number: int, this, code: str) -> bool:
    return any(code in r for r in next(g for g in GROUPS if g.number == number).ranges if r is not this)


# --- the table against the seed -------------------------------------------------------------------

def test_eleven_groups_numbered_1_to_11():
    assert [g.number for g in GROUPS] == list(range(1, 12))


@pytest.mark.parametrize("number", sorted(SEED))
def test_group_matches_seed(number):
    line, title_start, codes = SEED[number]
    group = next(g for g in GROUPS if g.number == number)
    assert group.title.startswith(title_start)
    assert "(" not in group.title[-3:] and "МКБ" not in group.title  # code list kept out of the title
    assert "; ".join(r.raw for r in group.ranges) == codes
    for r in group.ranges:
        ends = r.raw.split(" - ")
        assert (r.code_from, r.code_to) == (ends[0], ends[-1])
        assert r.seed_line == str(line)


def test_range_count():
    assert len(RANGES) == sum(len(codes.split("; ")) for _, _, codes in SEED.values()) == 41


# --- every range: ends, subcodes, just outside ----------------------------------------------------

@pytest.mark.parametrize("number, rng", RANGES, ids=[f"{n}:{r.raw}" for n, r in RANGES])
def test_range_ends_and_subcodes_inside(number, rng):
    if "." in rng.code_from:  # subcode ends: a national 2-digit refinement stays inside
        inside = [rng.code_from, rng.code_to, rng.code_from + "9", rng.code_to + "0"]
    else:
        inside = [rng.code_from, rng.code_to, rng.code_from + ".0", rng.code_to + ".9", rng.code_to + ".99"]
    for code in inside:
        assert code in rng, code
        assert number in groups_for(code), code


@pytest.mark.parametrize("number, rng", RANGES, ids=[f"{n}:{r.raw}" for n, r in RANGES])
def test_just_outside_each_end(number, rng):
    before, after = _step(rng.code_from, -1), _step(rng.code_to, +1)
    outside = [c for c in (before, after) if c]
    if "." not in rng.code_from:  # the neighbours' subcodes too: A14.9 before A15, A20.0 after A19
        outside += [c + s for c, s in ((before, ".9"), (after, ".0")) if c]
    assert outside
    for code in outside:
        assert code not in rng, code
        # A neighbour may legitimately sit in another range of the same group (F09 | F10 - F16).
        assert (number in groups_for(code)) == _in_group_elsewhere(number, rng, code), code


def test_step_helper():
    assert _step("A15", -1) == "A14" and _step("B99", 1) == "C00" and _step("A00", -1) is None
    assert _step("Z93.0", -1) == "Z92.9" and _step("Z93.6", 1) == "Z93.7"


# --- named cases from the brief and the seed's gaps -----------------------------------------------

@pytest.mark.parametrize("code, expected", [
    ("A17.1", [1]), ("A19.9", [1]), ("A20", [3]), ("A15", [1]),
    ("A16", []), ("A16.2", []),                 # group 1 lists A15 and A17 - A19 only
    ("A14", []), ("A10", []),                   # between A09 and A15: in no group
    ("A30", [2]), ("A31", [3]), ("B99", [3]), ("C00", [4]), ("C97", [4]), ("C98", []),
    ("F00", []), ("F01.1", [5]), ("F02", []), ("F09", [5]), ("F17.1", []), ("F33.9", [5]), ("F34", []),
    ("Z93.0", [8]), ("Z93.1", []), ("Z93.2", [8]), ("Z93.25", [8]), ("Z93.6", [8]), ("Z93.7", []),
    ("Z93", []),                                # unspecified Z93 may be Z93.1, which is not listed
    ("J85", []), ("J85.2", [7]), ("J85.3", []),
    ("N82", [8]), ("N82.4", [8]), ("L12.2", [9]), ("L12.1", []), ("L12", []),
    ("R02", [11]), ("R50.9", [3]), ("E10.5", [11]), ("E10.4", []),
])
def test_groups_for_known_codes(code, expected):
    assert groups_for(code) == expected


def test_seed_overlap_a48_0_in_groups_3_and_11():
    # A48.0 (gas gangrene) is listed in group 11 and also falls inside A31 - B99 of group 3.
    assert groups_for("A48.0") == [3, 11]
    assert groups_for("a480") == [3, 11]
    assert groups_for("A48") == [3] and groups_for("A48.1") == [3]


def test_overlap_logic_on_synthetic_table():
    groups = parse_table(io.StringIO(HEADER + "1,Один,A00,A09,,,\n2,Два,A05.1,A05.1,,,\n3,Три,B00,B00,,,\n"))
    assert _groups_in("A051", groups) == [1, 2]
    assert _groups_in("A052", groups) == [1]
    assert _groups_in("B01", groups) == []


# --- normalisation and malformed codes ------------------------------------------------------------

@pytest.mark.parametrize("raw, canonical", [
    ("A17.1", "A17.1"), ("a171", "A17.1"), ("f20", "F20"), (" Z93.2 ", "Z93.2"), ("Z932", "Z93.2"),
    ("A17", "A17"), ("z93.25", "Z93.25"), ("Z9325", "Z93.25"), ("\tn82\n", "N82"),
])
def test_normalize(raw, canonical):
    assert normalize_icd(raw) == canonical


@pytest.mark.parametrize("raw", [
    "17A", "A1", "AA17", "A17.", "A17.12345", "A17123", "", "   ", None, 17, ["A17"],
    "А17",      # Cyrillic А: refused, not guessed to be Latin A (the F key types «А» on a Russian layout)
    "A17,1", "A 17", "A17..1", ".A17", "A17.1.2", "A١٧",
])
def test_malformed_codes(raw):
    with pytest.raises(KitError) as info:
        normalize_icd(raw)
    assert info.value.code == "bad_icd_code"
    assert "A17, A17.1, a171" in info.value.fix
    with pytest.raises(KitError):
        groups_for(raw)


def test_check_codes_keeps_order_and_reports_bad_codes():
    result = check_codes(["a171", "17A", "A48.0", "K63.2", "J18"])
    assert [r["input"] for r in result] == ["a171", "17A", "A48.0", "K63.2", "J18"]
    assert result[0] == {"input": "a171", "code": "A17.1", "groups": [1], "titles": [GROUPS[0].title]}
    assert result[1]["error"]["code"] == "bad_icd_code"
    assert result[1]["error"]["field"] == "codes"
    assert "17A" in result[1]["error"]["message"] and "код № 2" in result[1]["error"]["message"]
    assert result[2]["groups"] == [3, 11] and result[2]["titles"] == [GROUPS[2].title, GROUPS[10].title]
    assert result[3]["groups"] == [8]
    assert result[4] == {"input": "J18", "code": "J18", "groups": [], "titles": []}
    assert check_codes([]) == []


def test_check_codes_refuses_a_bare_string():
    with pytest.raises(KitError) as info:
        check_codes("A17.1")
    assert info.value.code == "bad_argument"


# --- table validation ------------------------------------------------------------------------------

def test_load_groups_is_cached():
    assert load_groups() is load_groups()


@pytest.mark.parametrize("row, column", [
    ("0,Т,A00,A09,,,", "group"),
    ("12,Т,A00,A09,,,", "group"),
    ("x,Т,A00,A09,,,", "group"),
    ("1,,A00,A09,,,", "group_title"),
    ("1,Т,A0,A09,,,", "code_from"),
    ("1,Т,A00,A09.,,,", "code_to"),
    ("1,Т,a00,A09,,,", "code_from"),            # valid code but not the table's canonical spelling
    ("1,Т,A09,A00,,,", "code_to"),              # from > to
    ("1,Т,Z93.6,Z93.2,,,", "code_to"),
    ("1,Т,A00,A09.9,,,", "code_to"),            # ends at different precision
    ("1,Т,A00,A09,,,,лишняя", "note"),          # an extra cell (unquoted comma)
])
def test_malformed_row(row, column):
    with pytest.raises(KitError) as info:
        parse_table(io.StringIO(HEADER + "1,Т,B00,B00,,,\n" + row + "\n"))
    assert info.value.code == "rule_bad_value"
    assert info.value.field == column
    assert "contraindications.csv, строка 3" in info.value.message


def test_title_must_agree_within_group():
    with pytest.raises(KitError) as info:
        parse_table(io.StringIO(HEADER + "1,Один,A00,A00,,,\n1,Другой,A01,A01,,,\n"))
    assert (info.value.code, info.value.field) == ("rule_bad_value", "group_title")


def test_missing_column():
    with pytest.raises(KitError) as info:
        parse_table(io.StringIO("group,group_title,code_from,code_to,seed_line,raw\n"))
    assert (info.value.code, info.value.field) == ("rule_missing_column", "note")
