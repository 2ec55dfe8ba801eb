"""The web API's contract, in-process (Starlette's TestClient): every endpoint, its refusals with their
codes, the size limits, the headers every answer carries, and agreement with the CLI on random cases."""
from __future__ import annotations

import gzip
import io
import json
import logging
import random
import sys

import pytest
import yaml
from starlette.testclient import TestClient

from socmethod.cli import main as cli_main
from socmethod.core.errors import catalogue
from socmethod.core.ruleset import bundled_ruleset
from socmethod.serving import web, web_api
from tests.support import synthetic

ELDERLY = synthetic.ELDERLY_EXAMPLE
JSON = {"content-type": "application/json"}


@pytest.fixture(scope="module")
def client():
    with TestClient(web.app, raise_server_exceptions=False) as c:
        yield c


def _cli(args: list[str], stdin: bytes, capsys, monkeypatch) -> tuple[int, str]:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin)))
    code = cli_main(args)
    return code, capsys.readouterr().out


def _error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "field", "message"}
    assert body["error"]["code"] == code and body["error"]["code"] in catalogue()
    assert "Traceback" not in response.text
    return body["error"]


# ------------------------------------------------------------------------------------------ assess

def test_assess_answers_exactly_what_the_cli_prints(client, capsys, monkeypatch):
    data = json.dumps(ELDERLY).encode()
    response = client.post("/api/v1/assess", content=data, headers=JSON)
    code, printed = _cli(["assess", "-"], data, capsys, monkeypatch)
    assert response.status_code == 200 and code == 0
    assert response.text == printed                         # byte for byte, indentation and final newline included
    result = response.json()
    # Seed lines 1133 and 1137: group II, degrees 2/2, lonely -> home N 1 and residential temporary N 4.
    assert {(r["form"], tuple(r["ripso"])) for r in result["recommendations"]} >= {("home", (1,)), ("residential_temporary", (4,))}
    assert result["rule_set"] == bundled_ruleset().info()


@pytest.mark.parametrize("seed", range(3))
def test_assess_agrees_with_the_cli_on_random_cases(client, capsys, monkeypatch, seed):
    rng = random.Random(seed)
    readings = [[], ["empty_cell=must_be_absent"], ["star_footnote=literal", "psychiatrist_note=pni_only"]][seed]
    for _ in range(15):
        case = synthetic.random_case(rng, unknown_rate=0.2)
        if rng.random() < 0.2:                     # now and then a refused one: a score off the scale
            case["category"] = rng.choice(["elderly", "nobody"])
        data = json.dumps(case).encode()
        query = "&".join(f"reading={r}" for r in readings)
        response = client.post(f"/api/v1/assess?{query}", content=data, headers=JSON)
        code, printed = _cli(["assess", "-", *[a for r in readings for a in ("--reading", r)]], data, capsys, monkeypatch)
        assert response.text == printed
        assert (response.status_code == 200) == (code == 0)
        if code:
            assert response.status_code == 422


def test_assess_reads_yaml_and_one_row_csv_as_the_cli_does(client):
    by_json = client.post("/api/v1/assess", content=json.dumps(ELDERLY), headers=JSON).json()
    by_yaml = client.post("/api/v1/assess", content=yaml.safe_dump(ELDERLY, allow_unicode=True).encode(),
                          headers={"content-type": "application/yaml"}).json()
    header = synthetic.csv_header()
    row = ",".join(header) + "\n" + ",".join(synthetic.csv_cells(ELDERLY, header)) + "\n"
    by_csv = client.post("/api/v1/assess", content=row.encode(), headers={"content-type": "text/csv; charset=utf-8"}).json()
    assert by_json == by_yaml == by_csv


def test_assess_refusals_each_have_their_status_and_code(client):
    _error(client.post("/api/v1/assess", content=b"{bad", headers=JSON), 400, "malformed_file")
    _error(client.post("/api/v1/assess", content=b"", headers=JSON), 400, "empty_file")
    _error(client.post("/api/v1/assess", content=b"{}", headers={"content-type": "text/plain"}), 415, "unsupported_media_type")
    _error(client.post("/api/v1/assess", content=b"{}"), 415, "unsupported_media_type")
    err = _error(client.post("/api/v1/assess", content=json.dumps({**ELDERLY, "category": "x"}), headers=JSON), 422, "bad_value")
    assert err["field"] == "category" and "elderly" in err["message"]
    bad = {**ELDERLY, "self_care": {**ELDERLY["self_care"], "hygiene": 7}}
    _error(client.post("/api/v1/assess", content=json.dumps(bad), headers=JSON), 422, "score_out_of_range")
    _error(client.post("/api/v1/assess?reading=no_such=1", content=json.dumps(ELDERLY), headers=JSON), 400, "unknown_reading")
    _error(client.post("/api/v1/assess?reading=empty_cell", content=json.dumps(ELDERLY), headers=JSON), 400, "bad_argument")
    err = _error(client.post("/api/v1/assess?income=30000", content=json.dumps(ELDERLY), headers=JSON), 400, "bad_argument")
    assert err["field"] == "income"                           # an unknown parameter is named, not ignored


def test_bodies_past_the_limit_are_refused_before_they_are_read(client):
    big = b'{"category": "elderly", "pad": "' + b"x" * web_api.MAX_BODY + b'"}'
    err = _error(client.post("/api/v1/assess", content=big, headers=JSON), 413, "request_too_large")
    assert "64 КиБ" in err["message"]

    def chunks():                       # no Content-Length: counted as it arrives
        for _ in range(web_api.MAX_BODY // 4096 + 2):
            yield b" " * 4096
    _error(client.post("/api/v1/assess", content=chunks(), headers=JSON), 413, "request_too_large")
    _error(client.post("/api/v1/batch", content=b"x" * (web_api.MAX_BATCH_BODY + 1),
                       headers={"content-type": "text/csv"}), 413, "request_too_large")


# ------------------------------------------------------------------------------------------ batch

def test_batch_gives_one_result_per_case_in_order_as_the_cli_writes(client, tmp_path, capsys):
    rng = random.Random(7)
    cases = [synthetic.random_case(rng) for _ in range(30)]
    lines = [json.dumps(c) for c in cases]
    lines[4] = "{not json"
    body = ("\n".join(lines) + "\n").encode()
    response = client.post("/api/v1/batch", content=body, headers={"content-type": "application/x-ndjson"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/x-ndjson")
    src = tmp_path / "in.jsonl"
    src.write_bytes(body)
    out = tmp_path / "out.jsonl"
    cli_main(["batch", str(src), str(out)])
    capsys.readouterr()
    got = [json.loads(line) for line in response.text.splitlines()]
    want = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(got) == 30 and got[4]["error"]["code"] == "malformed_file"
    assert [{k: v for k, v in g.items()} for g in got[:4]] == want[:4] and got[5:] == want[5:]
    # CSV in, CSV out (the columns socmethod batch writes); ?format= chooses.
    header = synthetic.csv_header()
    register = ",".join(header) + "\n" + "".join(",".join(synthetic.csv_cells(c, header)) + "\n" for c in cases)
    as_csv = client.post("/api/v1/batch", content=register.encode(), headers={"content-type": "text/csv"})
    assert as_csv.text.splitlines()[0].startswith("index,") and len(as_csv.text.splitlines()) == 31
    as_jsonl = client.post("/api/v1/batch?format=jsonl", content=register.encode(), headers={"content-type": "text/csv"})
    assert [json.loads(line)["recommendations"] for line in as_jsonl.text.splitlines()] == [
        w["recommendations"] for w in (json.loads(json.dumps(client.post("/api/v1/assess", content=json.dumps(c),
                                                                         headers=JSON).json())) for c in cases)]


def test_batch_refuses_too_many_cases_and_a_wrong_format(client, monkeypatch):
    monkeypatch.setattr(web_api, "MAX_BATCH_CASES", 5)
    body = "\n".join(json.dumps(ELDERLY) for _ in range(6)).encode()
    err = _error(client.post("/api/v1/batch", content=body, headers={"content-type": "application/x-ndjson"}), 413, "request_too_large")
    assert "5 случаев" in err["message"]
    _error(client.post("/api/v1/batch?format=xml", content=body, headers={"content-type": "application/x-ndjson"}), 400, "bad_argument")
    _error(client.post("/api/v1/batch", content=body, headers=JSON), 415, "unsupported_media_type")


# ------------------------------------------------------------------------------------------ the other endpoints

def test_readings_and_deadlines_are_what_the_cli_prints_with_the_rule_set(client, capsys, monkeypatch):
    _, printed = _cli(["readings"], b"", capsys, monkeypatch)
    assert client.get("/api/v1/readings").json() == json.loads(printed)
    _, printed = _cli(["deadlines", "--applied", "2025-12-29", "--decided", "2026-01-12"], b"", capsys, monkeypatch)
    answer = client.get("/api/v1/deadlines?applied=2025-12-29&decided=2026-01-12").json()
    assert answer.pop("rule_set") == bundled_ruleset().info() and answer == json.loads(printed)
    _error(client.get("/api/v1/deadlines"), 400, "bad_argument")
    _error(client.get("/api/v1/deadlines?applied=2025-13-40"), 400, "bad_date")


def test_rules_list_every_row_with_its_id_and_seed_line(client):
    rules = client.get("/api/v1/rules").json()
    assert rules["rule_set"]["hash"] == bundled_ruleset().info()["hash"]
    rows = {r["id"]: r for t in rules["tables"] for r in t["rows"]}
    for table in bundled_ruleset().tables.values():
        for row in table.rows:
            assert rows[row.id]["seed_line"] == row.seed_line
    assert rows["3.1-N1"]["ripso"] == {"elderly": [1]} and rows["3.1-N1"]["form"] == "home"


def test_documents_for_a_case_and_its_forms(client):
    from socmethod.procedure.documents import documents_for
    answer = client.post("/api/v1/documents?form=home", content=json.dumps(ELDERLY), headers=JSON).json()
    assert answer.pop("rule_set")["name"] == "405-р"
    assert answer == json.loads(json.dumps(documents_for(ELDERLY, ["home"]), ensure_ascii=False))
    offered = client.post("/api/v1/documents", content=json.dumps(ELDERLY), headers=JSON).json()
    assert [f["form"] for f in offered["forms"]] == ["home", "residential_temporary"]
    _error(client.post("/api/v1/documents?form=castle", content=json.dumps(ELDERLY), headers=JSON), 422, "bad_value")


def test_contraindications_cost_and_urgent(client):
    from socmethod.procedure.contraindications import check_codes
    answer = client.post("/api/v1/contraindications", json={"codes": ["A17.1", "f20", "Z932", "XX"]}).json()
    assert answer["codes"] == json.loads(json.dumps(check_codes(["A17.1", "f20", "Z932", "XX"]), ensure_ascii=False))
    _error(client.post("/api/v1/contraindications", json={"codes": "A17"}), 422, "bad_type")
    _error(client.post("/api/v1/contraindications", json={"codez": []}), 422, "unknown_key")
    _error(client.post("/api/v1/contraindications", json=["A17"]), 400, "not_an_object")
    _error(client.post("/api/v1/contraindications", json={"codes": ["A00"] * 101}), 413, "request_too_large")

    # 2026 pensioners' limit 1.5 x 17 754 = 26 631: home 50 % x (32 000 - 26 631) = 2 684.50 -> 2 685;
    # residential temporary 75 % x 32 000 = 24 000 (442-ФЗ ст. 31-32, data/cost.toml).
    cost = client.post("/api/v1/cost", json={"forms": ["home", "residential_temporary"], "family_income": 32000,
                                             "members": 1, "category": "elderly", "year": 2026}).json()
    assert cost["forms"]["home"]["upper_fee"] == 2685 and cost["forms"]["residential_temporary"]["upper_fee"] == 24000
    assert cost["rule_set"]["name"] == "405-р"
    _error(client.post("/api/v1/cost", json={"forms": ["home"], "category": "elderly"}), 422, "missing_key")
    err = _error(client.post("/api/v1/cost", json={"forms": ["home"], "income": -5, "category": "elderly"}), 422, "bad_number")
    assert err["field"] == "income"

    urgent = client.post("/api/v1/urgent", json={"triggers": ["no_food"], "date": "2026-03-02"}).json()
    assert urgent["date"] == "2026-03-02" and urgent["same_day"] is True and urgent["services"]
    _error(client.post("/api/v1/urgent", json={"triggers": ["moon"]}), 422, "bad_value")
    _error(client.post("/api/v1/urgent", json={}), 422, "missing_key")


def test_health_and_the_api_described_for_machines_and_people(client):
    assert client.get("/healthz").json() == {"status": "ok", "rule_set": bundled_ruleset().info()}
    schema = client.get("/openapi.json").json()
    documented = {(path, method.upper()) for path, ops in schema["paths"].items() for method in ops}
    assert documented == {(p, m) for p, _, methods in web_api.API_ROUTES for m in methods}
    for ops in schema["paths"].values():
        for op in ops.values():
            assert op["summary"] and "200" in op["responses"] and "500" in op["responses"]
    page = client.get("/api")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    for path in schema["paths"]:
        assert f"{path}</code>" in page.text
    assert "http" not in page.text.replace("http://", "").split("<body", 1)[0]     # no stylesheet or script from elsewhere


def test_the_case_schema_describes_every_key_of_the_case_format(client):
    """/openapi.json's Case is the rule set's [fields]: every key with its type and values, so the portal's
    developers need not read ruleset.toml; every case of the case bank uses only keys and values it names."""
    from socmethod.io.casebank import bundled_case_bank
    case = client.get("/openapi.json").json()["components"]["schemas"]["Case"]
    ruleset = bundled_ruleset()
    assert set(case["properties"]) == set(ruleset.fields) and case["additionalProperties"] is False
    assert case["properties"]["impairments"]["items"]["enum"] == ruleset.fields["impairments"]["values"]
    assert case["properties"]["self_care"]["properties"]["hygiene"] == {"type": "integer", "minimum": 0, "maximum": 3}
    for entry in bundled_case_bank():
        for key, value in entry.case.items():
            prop = case["properties"][key]
            if prop.get("type") == "object":
                assert set(value) <= set(prop["properties"]), (entry.id, key)
            elif "enum" in prop and value is not None:
                assert value in prop["enum"], (entry.id, key, value)


def test_unknown_paths_and_methods_are_named(client):
    err = _error(client.get("/api/v1/nothing"), 404, "not_found")
    assert "/api/v1/nothing" in err["message"]
    response = client.get("/api/v1/assess")
    _error(response, 405, "method_not_allowed")
    assert response.headers["allow"] == "POST"
    page = client.get("/nothing-here")
    assert page.status_code == 404 and "<html lang=\"ru\">" in page.text and "/nothing-here" in page.text


# ------------------------------------------------------------------------------------------ every answer

def test_every_answer_names_the_rule_set_and_carries_the_security_headers(client):
    info = bundled_ruleset().info()
    for response in (client.get("/"), client.get("/healthz"), client.get("/api"),
                     client.post("/api/v1/assess", content=b"{bad", headers=JSON), client.get("/nothing"),
                     client.get(web.assets()["page.css"])):
        headers = response.headers
        assert headers["x-socmethod-rules"] == f"405-%D1%80 {info['effective_date']} {info['hash']}"
        csp = headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
        assert headers["x-content-type-options"] == "nosniff" and headers["referrer-policy"] == "no-referrer"
    assert client.get("/").headers["cache-control"] == "no-store"
    assert "immutable" in client.get(web.assets()["calculator.js"]).headers["cache-control"]
    assert client.get("/static/secrets.txt").status_code == 404


def test_the_pages_script_is_small_and_served_compressed(client):
    """Issue 12: a small script of the kit's own, at most 15 KB compressed; the server sends it gzipped."""
    url = web.assets()["calculator.js"]
    response = client.get(url, headers={"accept-encoding": "gzip"})
    assert response.headers["content-encoding"] == "gzip"
    assert len(gzip.compress(response.content, compresslevel=9)) <= 15 * 1024
    assert "import " not in response.text and "require(" not in response.text       # no framework, no modules


def test_cors_answers_only_the_origins_allowed(monkeypatch):
    origin = {"origin": "https://portal.example"}
    with TestClient(web.create_app()) as closed:
        assert "access-control-allow-origin" not in closed.get("/healthz", headers=origin).headers
    monkeypatch.setenv("SOCMETHOD_CORS_ORIGINS", "https://portal.example, https://bot.example")
    with TestClient(web.create_app()) as open_:
        assert open_.get("/healthz", headers=origin).headers["access-control-allow-origin"] == "https://portal.example"
        assert "access-control-allow-origin" not in open_.get("/healthz", headers={"origin": "https://evil.example"}).headers
        preflight = open_.options("/api/v1/assess", headers={**origin, "access-control-request-method": "POST",
                                                             "access-control-request-headers": "content-type"})
        assert preflight.status_code == 200 and "POST" in preflight.headers["access-control-allow-methods"]
        # The portal's script can read the rule set's header; a refused preflight is the kit's error.
        answer = open_.get("/healthz", headers=origin)
        assert answer.headers["access-control-expose-headers"].lower() == "x-socmethod-rules"
        refused = open_.options("/api/v1/assess", headers={"origin": "https://evil.example",
                                                            "access-control-request-method": "POST"})
        error = _error(refused, 400, "cross_origin_refused")
        assert error["field"] == "origin" and "https://evil.example" in error["message"]


def test_a_fault_is_a_plain_internal_error_and_the_log_keeps_no_case(client, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("the case says lives_alone=true")
    monkeypatch.setattr(web_api, "assess", broken)
    caplog.set_level(logging.INFO, logger="socmethod")
    response = client.post("/api/v1/assess?reading=empty_cell=must_be_absent", content=json.dumps(ELDERLY), headers=JSON)
    err = _error(response, 500, "internal")
    assert "RuntimeError" in err["message"] and "lives_alone" not in response.text
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "POST /api/v1/assess 500" in logged
    assert "lives_alone" not in logged and "reading" not in logged and "elderly" not in logged


def test_the_access_log_has_method_path_and_status_only(client, caplog):
    caplog.set_level(logging.INFO, logger="socmethod.web.access")
    client.get("/api/v1/deadlines?applied=2025-12-29")
    client.post("/", data={"category": "elderly", "income": "32000"})
    lines = [r.getMessage() for r in caplog.records if r.name == "socmethod.web.access"]
    assert lines == ["GET /api/v1/deadlines 200", "POST / 200"]


def test_batch_checks_a_csv_header_as_the_cli_does_and_carries_the_id_column(client, tmp_path, capsys):
    rng = random.Random(11)
    header = synthetic.csv_header()
    rows = [",".join([f"r{n}", *synthetic.csv_cells(synthetic.random_case(rng), header)]) for n in range(25)]
    register = "id," + ",".join(header) + "\n" + "\n".join(rows) + "\n"
    src, out = tmp_path / "in.csv", tmp_path / "out.csv"
    src.write_text(register, encoding="utf-8")
    cli_main(["batch", str(src), str(out)])
    capsys.readouterr()
    answer = client.post("/api/v1/batch", content=register.encode(), headers={"content-type": "text/csv"})
    assert answer.status_code == 200 and answer.text == out.read_text(encoding="utf-8")
    assert answer.text.splitlines()[0].startswith("index,id,status")
    as_jsonl = client.post("/api/v1/batch?format=jsonl", content=register.encode(), headers={"content-type": "text/csv"})
    first = json.loads(as_jsonl.text.splitlines()[0])
    assert first["register"] == {"line": 2, "columns": {"id": "r0"}}
    err = _error(client.post("/api/v1/batch", content=register.replace("self_care.hygiene", "self_care.hygeine", 1).encode(),
                             headers={"content-type": "text/csv"}), 400, "misspelt_column")
    assert err["field"] == "self_care.hygeine"


def test_batch_keeps_the_columns_named_by_keep_as_the_cli_does(client, tmp_path, capsys):
    """The shipped example register (id, district, two bad rows): refused at its header without ?keep=,
    the message saying how to keep the column; with ?keep=district the records the CLI writes with --keep."""
    from socmethod.core.resources import data_path
    register = data_path("examples", "register.csv").read_bytes()
    csv_type = {"content-type": "text/csv"}
    err = _error(client.post("/api/v1/batch", content=register, headers=csv_type), 400, "unknown_column")
    assert err["field"] == "district" and "?keep=district" in err["message"] and "--keep" not in err["message"]
    out = tmp_path / "out.csv"
    cli_main(["batch", str(data_path("examples", "register.csv")), str(out), "--keep", "district"])
    capsys.readouterr()
    answer = client.post("/api/v1/batch?keep=district", content=register, headers=csv_type)
    assert answer.status_code == 200 and answer.text == out.read_text(encoding="utf-8")
    assert answer.text.splitlines()[0].startswith("index,id,district,status")


# ------------------------------------------------------------------------------------------ any value, no 500

WRONG_VALUES = [[1], {"a": 1}, 1.5, True, None, "x", -1, 10**30, [], {}]
JSON_BODIES = {
    "/api/v1/assess": ELDERLY,
    "/api/v1/documents": ELDERLY,
    "/api/v1/cost": {"forms": ["home"], "income": 30000, "category": "elderly", "year": 2026, "members": 1,
                     "age_years": 70, "free_category": "wwii_invalid"},
    "/api/v1/urgent": {"triggers": ["no_food"], "services": [], "circumstances": [], "date": "2026-01-10"},
    "/api/v1/contraindications": {"codes": ["A17.1"]},
}


@pytest.mark.parametrize("path", list(JSON_BODIES))
def test_a_value_of_any_json_type_in_any_field_is_refused_not_a_fault(client, path):
    """Each field of each JSON endpoint given a list, an object, a number, a boolean, null...: a 200 or a
    4xx in the kit's format, never a 500 (a list given as a category was a TypeError in cost)."""
    for key in JSON_BODIES[path]:
        for wrong in WRONG_VALUES:
            body = {**JSON_BODIES[path], key: wrong}
            response = client.post(path, content=json.dumps(body).encode(), headers=JSON)
            assert response.status_code < 500, (key, wrong, response.text)
            if response.status_code >= 400:
                assert set(response.json()["error"]) == {"code", "field", "message"}, (key, wrong)
