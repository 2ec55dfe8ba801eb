"""The one checker of the kit's data files: each kind of defect is refused as the catalogue says, naming
the file and the place, and a good file passes unchanged."""
from __future__ import annotations

import pytest

from socmethod import KitError
from socmethod.core.schema import AnyOf, Boolean, Integer, IsoDate, ListOf, MapOf, OneOf, Ref, SeedLine, Table, Text, Where, check

SERVICE = Table(required={"id": Text(), "number": Integer(1, 11), "line": SeedLine()},
                optional={"note": Text()}, id="id", collection="service")
FILE = Table(required={"service": ListOf(SERVICE, min=1),
                       "trigger": ListOf(Table(required={"id": Text(), "services": ListOf(Ref("service"), unique=True)}))},
             optional={"meta": MapOf(Text()), "since": IsoDate(), "strict": Boolean(),
                       "kind": OneOf(("a", "b")), "value": AnyOf((Integer(), Text()), "число или текст"),
                       "even": Where(Integer(), lambda v: None if v % 2 == 0 else "нечётное")})
GOOD = {"service": [{"id": "food", "number": 1, "line": 10}, {"id": "roof", "number": 2, "line": 12, "note": "x"}],
        "trigger": [{"id": "hungry", "services": ["food"]}], "since": "2026-01-01", "value": "t", "even": 4}


def _refusal(data) -> KitError:
    with pytest.raises(KitError) as err:
        check(data, FILE, "data/urgent.toml")
    return err.value


def test_a_good_file_passes_and_dates_are_read():
    out = check(GOOD, FILE, "data/urgent.toml")
    assert out["service"] == GOOD["service"] and out["since"].year == 2026


@pytest.mark.parametrize("edit,code,place,fragment", [
    (lambda d: d["service"][0].pop("line"), "missing_key", "service[«food»].line", "Не заполнено"),
    (lambda d: d["service"][1].update(number=12), "rule_set_invalid", "service[«roof»].number", "от 1 до 11"),
    (lambda d: d["service"][1].update(colour="red"), "unknown_key", "service[«roof»].colour", "Неизвестное поле"),
    (lambda d: d["service"][1].update(id="food"), "rule_set_invalid", "service[«food»].id", "повторяется"),
    (lambda d: d["trigger"][0].update(services=["fire"]), "bad_value", "trigger[«hungry»].services[1]",
     "«fire»"),
    (lambda d: d["trigger"][0].update(services=["food", "food"]), "rule_set_invalid", "trigger[«hungry»].services",
     "повторяется"),
    (lambda d: d.update(service=[]), "rule_set_invalid", "service", "список пуст"),
    (lambda d: d.update(since="вчера"), "rule_set_invalid", "since", "не дата"),
    (lambda d: d.update(strict="yes"), "rule_set_invalid", "strict", "true или false"),
    (lambda d: d.update(kind="c"), "bad_value", "kind", "«c»"),
    (lambda d: d.update(value=[1]), "rule_set_invalid", "value", "число или текст"),
    (lambda d: d.update(even=3), "rule_set_invalid", "even", "нечётное"),
    (lambda d: d.update(meta={"a": ""}), "rule_set_invalid", "meta.a", "непустой текст"),
    (lambda d: d["service"].append("x"), "rule_set_invalid", "service[3]", "таблица"),
])
def test_each_defect_names_the_file_and_the_place(edit, code, place, fragment):
    import copy
    data = copy.deepcopy(GOOD)
    edit(data)
    err = _refusal(data)
    assert err.code == code and err.field == place
    assert "data/urgent.toml" in err.message and fragment in err.message + err.fix


def _loaders():
    import importlib
    route = importlib.import_module("socmethod.apps.training.route")      # the package re-exports a function «route»
    words = importlib.import_module("socmethod.apps.training.words")
    from socmethod.core import ruleset, scales
    from socmethod.procedure import cost, deadlines, documents, urgent
    return {"scales": scales.scales, "deadlines": deadlines.load_rules, "urgent": urgent.load_urgent,
            "cost": cost.parameters, "documents": documents.load_documents, "route": route.route_steps,
            "training": words.texts, "rules": lambda: ruleset.load_ruleset()}


@pytest.mark.parametrize("loader,file,old,new,code,place", [
    ("scales", "scales.toml", "seed_line = 956\n", 'seed_line = "956"\n', "rule_set_invalid", "self_care.adult.seed_line"),
    ("deadlines", "deadlines.toml", 'from = "application"\nunit = "working_days"\ncount = 3',
     'from = "aplication"\nunit = "working_days"\ncount = 3', "bad_value", "deadline[«survey»].from"),
    ("urgent", "urgent.toml", 'services = ["s11_emergency_psychological_help", "s10_legal_help"]',
     'services = ["s11_emergency_psychological_help", "s10_legal_hlp"]', "bad_value", "trigger[«violence»].services[2]"),
    ("cost", "cost.toml", "multiplier = 1.5", 'multiplier = "1.5"', "rule_set_invalid", "limit.multiplier"),
    ("documents", "documents.toml", 'doc = "application"', 'doc = "aplication"', "bad_value", "general[1].doc"),
    ("rules", "rules/405-r/ruleset.toml", 'kind = "bool"\nlabel = "Наличие медицинских показаний"',
     'kind = "boolean"\nlabel = "Наличие медицинских показаний"', "bad_value", "fields.medical_indications.kind"),
    ("route", "route.toml", "seed_line = 195", 'seed_line = "195"', "malformed_file", "шаг 1.seed_line"),
    ("training", "training.toml", '[row_status]\nmatch = "подходит"', '[row_status]\nmatch = ""', "malformed_file",
     "row_status.match"),
])
def test_every_data_file_is_checked_by_the_one_checker(tmp_path, monkeypatch, loader, file, old, new, code, place):
    """A defect in any data file is refused when it is loaded, as the catalogue says, naming the place."""
    import shutil
    from pathlib import Path
    data = tmp_path / "data"
    shutil.copytree(Path(__file__).resolve().parents[1] / "data", data)
    path = data / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    monkeypatch.setenv("SOCMETHOD_DATA", str(data))
    load = _loaders()[loader]
    getattr(load, "cache_clear", lambda: None)()
    try:
        with pytest.raises(KitError) as err:
            load()
        assert (err.value.code, err.value.field) == (code, place)
        assert file.rsplit("/", 1)[-1] in err.value.message
    finally:
        monkeypatch.delenv("SOCMETHOD_DATA")
        getattr(load, "cache_clear", lambda: None)()
