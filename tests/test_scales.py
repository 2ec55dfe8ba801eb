"""The self-care and mobility scales (405-р, Appendix 1 to Form 1, sections 1.2 and 1.3, seed lines 956-1075).

The item keys, their number and every band boundary are written here by hand from the seed; the engine is
reached through `socmethod.assess`, so a wrong band in data/scales.toml or a wrong sum fails here.
"""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from socmethod import KitError, assess
from tests.support.seeds import seed_lines

REPO = Path(__file__).resolve().parents[1]
SEED_NAME = "003_3a3aa5f907c0671e.txt"

# Item keys per the case format, in the seed's order.
ITEMS = {
    # 1.2 adults, lines 969-977 (8 items)
    ("self_care", "adult"): ["hygiene", "toilet", "dressing", "medication", "cooking", "eating", "housekeeping",
                             "paperwork"],
    # 1.2 disabled children over 3, lines 1003-1006 (4 items)
    ("self_care", "child"): ["hygiene", "toilet", "dressing", "eating"],
    # 1.3 adults, lines 1032-1036 (5 items)
    ("mobility", "adult"): ["shopping", "transport", "outdoor_walk", "indoors", "bed"],
    # 1.3 disabled children over 3, lines 1060-1063 (4 items)
    ("mobility", "child"): ["distance", "outdoor_walk", "indoors", "bed"],
}
COUNTS = {("self_care", "adult"): 8, ("self_care", "child"): 4, ("mobility", "adult"): 5, ("mobility", "child"): 4}

# Bands «Количество баллов | Оценка»: (low, high, degree, seed line).
BANDS = {
    ("self_care", "adult"): [(0, 0, 0, 983), (1, 8, 1, 984), (9, 16, 2, 985), (17, 24, 3, 986)],
    ("self_care", "child"): [(0, 0, 0, 1012), (1, 4, 1, 1013), (5, 8, 2, 1014), (9, 12, 3, 1015)],
    ("mobility", "adult"): [(0, 0, 0, 1042), (1, 5, 1, 1043), (6, 10, 2, 1044), (11, 15, 3, 1045)],
    ("mobility", "child"): [(0, 0, 0, 1070), (1, 4, 1, 1071), (5, 8, 2, 1072), (9, 12, 3, 1073)],
}
# The boundaries the brief asks for, spelled out: (points, degree).
BOUNDARIES = {
    ("self_care", "adult"): [(0, 0), (1, 1), (8, 1), (9, 2), (16, 2), (17, 3), (24, 3)],
    ("self_care", "child"): [(0, 0), (1, 1), (4, 1), (5, 2), (8, 2), (9, 3), (12, 3)],
    ("mobility", "adult"): [(0, 0), (1, 1), (5, 1), (6, 2), (10, 2), (11, 3), (15, 3)],
    ("mobility", "child"): [(0, 0), (1, 1), (4, 1), (5, 2), (8, 2), (9, 3), (12, 3)],
}
# Band texts (second cell of the band lines), as printed in the seed.
BAND_TEXT = {
    "self_care": ["Способность к самообслуживанию сохранена",
                  "Способность к самообслуживанию утрачена незначительно (при более длительном затрачивании времени)",
                  "Способность к самообслуживанию утрачена значительно",
                  "Способность к самообслуживанию полностью утрачена, выражена полная зависимость от других лиц"],
    "mobility": ["Способность к передвижению сохранена",
                 "Способность к передвижению утрачена незначительно (при более длительном затрачивании времени)",
                 "Способность к передвижению утрачена значительно",
                 "Способность к передвижению утрачена, выражена полная зависимость от других лиц"],
}


def spread(points: int, keys: list[str], first_heavy: bool = True) -> dict:
    """Scores 0-3 over `keys` summing to `points` (3s first, or 1s first when first_heavy is False)."""
    assert 0 <= points <= 3 * len(keys)
    scores = dict.fromkeys(keys, 0)
    if first_heavy:
        left = points
        for k in keys:
            scores[k] = min(3, left)
            left -= scores[k]
    else:   # fill level by level: every item 1, then 2, then 3 (from the last item backwards)
        left = points
        for level in (1, 2, 3):
            for k in reversed(keys):
                if left and scores[k] < level:
                    scores[k] += 1
                    left -= 1
    assert sum(scores.values()) == points
    return scores


def case_with(name: str, variant: str, scores: dict) -> dict:
    """An otherwise neutral case whose `name` scale has `scores`."""
    if variant == "adult":
        case = {"category": "elderly", "disability_group": "none", "medical_indications": False,
                "lives_alone": False, "carer_absent": False, "family_conflict": False,
                "psychiatrist_recommends": None,
                "self_care": dict.fromkeys(ITEMS[("self_care", "adult")], 0),
                "mobility": dict.fromkeys(ITEMS[("mobility", "adult")], 0)}
    else:
        case = {"category": "disabled_child", "impairment": "multiple", "medical_indications": False,
                "lives_alone": False, "carer_absent": False, "family_conflict": False,
                "ipra_social_rehabilitation": False, "psychiatrist_recommends": None,
                "self_care": dict.fromkeys(ITEMS[("self_care", "child")], 0),
                "mobility": dict.fromkeys(ITEMS[("mobility", "child")], 0)}
    case[name] = scores
    return case


BOUNDARY_CASES = [(name, variant, points, degree)
                  for (name, variant), pairs in BOUNDARIES.items() for points, degree in pairs]


@pytest.mark.parametrize("first_heavy", [True, False], ids=["threes-first", "ones-first"])
@pytest.mark.parametrize("name,variant,points,degree", BOUNDARY_CASES,
                         ids=[f"{n}-{v}-{p}" for n, v, p, _ in BOUNDARY_CASES])
def test_band_boundary(name, variant, points, degree, first_heavy):
    result = assess(case_with(name, variant, spread(points, ITEMS[(name, variant)], first_heavy)))
    s = result[name]
    assert (s["points"], s["degree"]) == (points, degree)
    assert s["variant"] == variant
    assert s["max_points"] == 3 * COUNTS[(name, variant)]
    assert s["band"] == BAND_TEXT[name][degree]
    other = "mobility" if name == "self_care" else "self_care"
    assert (result[other]["points"], result[other]["degree"]) == (0, 0)


@pytest.mark.parametrize("key", list(BANDS), ids=[f"{n}-{v}" for n, v in BANDS])
def test_every_total_has_the_band_of_the_seed(key):
    name, variant = key
    for low, high, degree, _ in BANDS[key]:
        for points in range(low, high + 1):
            assert assess(case_with(name, variant, spread(points, ITEMS[key])))[name]["degree"] == degree, points


def test_boundaries_are_the_band_edges():
    for key, bands in BANDS.items():
        edges = sorted({(p, d) for lo, hi, d, _ in bands for p in (lo, hi)})
        assert edges == BOUNDARIES[key]


@pytest.mark.parametrize("key", list(ITEMS), ids=[f"{n}-{v}" for n, v in ITEMS])
def test_items_and_count(key):
    name, variant = key
    assert len(ITEMS[key]) == COUNTS[key]
    # The case format accepts exactly these items: all present -> fine ...
    assess(case_with(name, variant, dict.fromkeys(ITEMS[key], 1)))
    # ... one missing -> refused naming it ...
    for item in ITEMS[key]:
        scores = {k: 1 for k in ITEMS[key] if k != item}
        with pytest.raises(KitError) as err:
            assess(case_with(name, variant, scores))
        assert (err.value.code, err.value.field) == ("missing_item", f"{name}.{item}")
    # ... and an item of another variant is unknown.
    foreign = {k for (n, v), keys in ITEMS.items() if n == name for k in keys} - set(ITEMS[key])
    for item in sorted(foreign):
        with pytest.raises(KitError) as err:
            assess(case_with(name, variant, {**dict.fromkeys(ITEMS[key], 0), item: 0}))
        assert (err.value.code, err.value.field) == ("unknown_item", f"{name}.{item}")


def test_engine_scales_agree_on_keys():
    from socmethod.core.scales import scale
    for (name, variant), keys in ITEMS.items():
        assert list(scale(name, variant).keys) == keys


# --- data/scales.toml against the seed text -------------------------------------------------------------

def _seed_lines() -> list[str]:
    return seed_lines(SEED_NAME)


def _scales_toml() -> dict:
    with open(REPO / "data" / "scales.toml", "rb") as fh:
        return tomllib.load(fh)


def _first_cell(line: str) -> str:
    return re.split(r"\t|\s\|\s", line)[0].strip()


def test_item_seed_lines_point_at_their_text():
    seed = _seed_lines()
    spec = _scales_toml()
    for (name, variant), keys in ITEMS.items():
        items = spec[name][variant]["items"]
        assert [i["key"] for i in items] == keys
        for item in items:
            line = seed[item["seed_line"] - 1]
            assert item["text"] in line, (name, variant, item["key"], item["seed_line"], line)
            assert _first_cell(line) == item["text"], (name, variant, item["key"])


def test_item_seed_lines_are_in_the_right_section():
    # Hand-written from the seed: adults' self-care items are lines 969-977, children's 1003-1006,
    # adults' mobility 1032-1036, children's 1060-1063.
    spans = {("self_care", "adult"): (969, 977), ("self_care", "child"): (1003, 1006),
             ("mobility", "adult"): (1032, 1036), ("mobility", "child"): (1060, 1063)}
    spec = _scales_toml()
    for key, (lo, hi) in spans.items():
        lines = [i["seed_line"] for i in spec[key[0]][key[1]]["items"]]
        assert lines == sorted(lines) and lo <= lines[0] and lines[-1] <= hi, (key, lines)


def test_band_seed_lines_and_texts():
    seed = _seed_lines()
    spec = _scales_toml()
    for (name, variant), bands in BANDS.items():
        data = spec[name][variant]["bands"]
        assert [(b["points"][0], b["points"][1], b["degree"], b["seed_line"]) for b in data] == bands
        for (lo, hi, degree, line_no), b in zip(bands, data):
            cells = [c.strip() for c in re.split(r"\t|\s\|\s", seed[line_no - 1])]
            assert cells[0] == (str(lo) if lo == hi else f"{lo}-{hi}")
            assert cells[1] == f"{degree} {BAND_TEXT[name][degree]}"
            assert b["text"] == BAND_TEXT[name][degree]


def test_levels_match_the_seed():
    # The 0-3 answer levels, lines 960-966, 992-998, 1023-1029, 1051-1057.
    seed = _seed_lines()
    spec = _scales_toml()
    starts = {("self_care", "adult"): 960, ("self_care", "child"): 992,
              ("mobility", "adult"): 1023, ("mobility", "child"): 1051}
    for (name, variant), start in starts.items():
        levels = spec[name][variant]["levels"]
        for score, text in enumerate(levels):
            line = seed[start - 1 + 2 * score]
            assert line.startswith(f"{score} бал"), line
            assert line.split(" - ", 1)[1].rstrip(".;") == text, (name, variant, score)
