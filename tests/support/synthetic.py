"""Random cases in the case format, for property tests, benchmarks and load tests (never for results).

Fully synthetic: no names, no documents. Each case is valid for its category unless `invalid_rate` asks
for some broken ones (a score out of range, a misspelt value).
"""
from __future__ import annotations

import csv
import random
from pathlib import Path

from socmethod.core.ruleset import RuleSet, bundled_ruleset
from socmethod.core.scales import SCALE_NAMES, scale

DECISION_CATEGORIES = ("elderly", "disabled_adult", "disabled_child")

# The README's example case (a lonely 78-year-old with group II needing partial help: home N 1, temporary
# residential N 4), shared by the tests that compare the CLI, the API and the servers on one fixed case.
ELDERLY_EXAMPLE = {"category": "elderly", "disability_group": "II",
                   "self_care": {"hygiene": 2, "toilet": 1, "dressing": 2, "medication": 1, "cooking": 2,
                                 "eating": 1, "housekeeping": 2, "paperwork": 2},
                   "mobility": {"shopping": 2, "transport": 2, "outdoor_walk": 2, "indoors": 1, "bed": 0},
                   "medical_indications": False, "lives_alone": True, "carer_absent": False,
                   "family_conflict": False, "psychiatrist_recommends": "none"}


def random_case(rng: random.Random, ruleset: RuleSet | None = None, categories=DECISION_CATEGORIES,
                unknown_rate: float = 0.1) -> dict:
    ruleset = ruleset or bundled_ruleset()
    category = rng.choice(list(categories))
    spec = ruleset.categories[category]
    case: dict = {"category": category}
    # The keys the tables read, not the survey-act answers the kit derives them from (a case giving both
    # must make them agree; tests/test_derivations.py covers those answers).
    derived_from = set(ruleset.derivation_inputs())
    optional = [k for k in spec.get("optional", []) if k not in derived_from]
    for key in spec.get("required", []) + [k for k in optional if rng.random() < 0.5]:
        fspec = ruleset.fields[key]
        kind = fspec["kind"]
        if kind == "scale":
            case[key] = {item: _score(rng) for item in scale(key, spec["scales"]).keys}
        elif kind == "bool":
            case[key] = None if rng.random() < unknown_rate else rng.random() < 0.5
            # Two answers that cannot both be «да» (ruleset.toml `excludes`) never are.
            if case[key] and any(case.get(o) for o in fspec.get("excludes", [])):
                case[key] = False
        elif kind == "enum":
            nullable = fspec.get("nullable") or key not in spec.get("required", [])
            case[key] = None if nullable and rng.random() < unknown_rate else rng.choice(fspec["values"])
        elif kind == "int":
            case[key] = rng.randint(0, 120)
        elif kind == "int_set":
            case[key] = sorted(rng.sample(fspec["values"], rng.randint(0, 3)))
    return case


def _score(rng: random.Random) -> int:
    # Skewed towards the middle of the scale, as surveys are, so every band is reached.
    return rng.choice((0, 0, 1, 1, 1, 2, 2, 2, 3))


def csv_header(ruleset: RuleSet | None = None) -> list[str]:
    ruleset = ruleset or bundled_ruleset()
    header = []
    for key, fspec in ruleset.fields.items():
        if fspec["kind"] == "scale":
            items = []
            for variant in ("adult", "child"):
                items += [i for i in scale(key, variant).keys if i not in items]
            header += [f"{key}.{i}" for i in items]
        else:
            header.append(key)
    return header


def csv_cells(case: dict, header: list[str]) -> list[str]:
    cells = []
    for column in header:
        name, dot, item = column.partition(".")
        value = case.get(name, {}).get(item) if dot and name in SCALE_NAMES else case.get(column)
        if value is None:
            cells.append("")
        elif isinstance(value, bool):
            cells.append("true" if value else "false")
        elif isinstance(value, (list, tuple)):
            cells.append("|".join(str(v) for v in value))
        else:
            cells.append(str(value))
    return cells


def random_rows(rng: random.Random, count: int, header: list[str], **case_options) -> list[list[str]]:
    """`count` random cases (`random_case`'s options) as CSV rows under `header`."""
    return [csv_cells(random_case(rng, **case_options), header) for _ in range(count)]


def write_register(path: Path, header: list[str], rows, delimiter: str = ",", encoding: str = "utf-8") -> Path:
    """A register CSV: the header, then the rows as given."""
    with open(path, "w", newline="", encoding=encoding) as fh:
        writer = csv.writer(fh, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def batch_both_ways(register: Path, folder: Path, readings: dict | None = None, rules=None) -> tuple[str, str]:
    """The CSV `socmethod batch` writes for `register` by the vectorised path and case by case (the
    equivalence the two evaluators owe each other, docs/decisions/0002)."""
    from socmethod.io.batch import run_batch
    texts = []
    for name, vectorised in (("vectorised.csv", True), ("case_by_case.csv", False)):
        run_batch(str(register), str(folder / name), readings, rules=rules, vectorised=vectorised)
        texts.append((folder / name).read_text(encoding="utf-8"))
    return texts[0], texts[1]
