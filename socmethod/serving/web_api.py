"""The web API's endpoints: the engine and the procedure over HTTP, stateless, JSON in and out.

Each endpoint's docstring carries its OpenAPI description after `---` (Starlette's SchemaGenerator reads
it for /openapi.json and the /api page). Every answer names the rule set (the `rule_set` of the body, and
the `X-Socmethod-Rules` header of every response); a refused request is the kit's
`{"error": {"code", "field", "message"}}` with a 4xx status: 400 a request the kit cannot read (syntax, query),
413 too large, 415 a wrong content type, 422 a case or value the rules refuse; 500 a fault of the kit,
never a traceback. Nothing is kept and nothing about a case is logged.
"""
from __future__ import annotations

import csv
import functools
import io
import json
import logging
from datetime import date
from functools import lru_cache
from urllib.parse import parse_qs

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from socmethod.analysis.readings import describe
from socmethod.core.cases import case_from_csv_row
from socmethod.core.engine import assess, assess_or_error
from socmethod.core.errors import KitError
from socmethod.core.ruleset import bundled_ruleset
from socmethod.io.casefiles import columns_typed, csv_rows, decode, parse_json, read_single_case, sniff_delimiter
from socmethod.io.records import CSV_COLUMNS, csv_record, neutral

log = logging.getLogger("socmethod.web")

MAX_BODY = 64 * 1024            # one case, a form, a list of codes: a few kilobytes
MAX_BATCH_BODY = 2 * 1024 * 1024
MAX_BATCH_CASES = 5000          # case by case, ~0.2 ms each: a second of one worker at most
MAX_FORM_FIELDS = 300
WHERE = "тело запроса"
CASE_TYPES = {"application/json": ".json", "application/yaml": ".yaml", "application/x-yaml": ".yaml",
              "text/yaml": ".yaml", "text/csv": ".csv"}
BATCH_TYPES = {"application/x-ndjson": ".jsonl", "application/jsonl": ".jsonl", "application/json-lines": ".jsonl",
               "text/csv": ".csv"}
JSON_TYPES = {"application/json": ".json"}
FORM_TYPES = {"application/x-www-form-urlencoded": ".form"}


class ApiError(Exception):
    """A refused request: the kit's error and the HTTP status it is answered with."""

    def __init__(self, status: int, error: KitError):
        super().__init__(error.message)
        self.status = status
        self.error = error


def kit_json(obj, status: int = 200) -> Response:
    """JSON as the CLI prints it (indented, Russian unescaped, a final newline)."""
    return Response(json.dumps(obj, ensure_ascii=False, indent=2) + "\n", status_code=status,
                    media_type="application/json; charset=utf-8")


def error_response(status: int, error: KitError) -> Response:
    return kit_json({"error": error.to_dict()}, status)


def endpoint(handler):
    """An API endpoint: its refusals answered as the kit's errors, a fault as `internal` (the log names
    the exception's type and the path only: a message could quote the case)."""
    @functools.wraps(handler)
    async def wrapped(request: Request) -> Response:
        try:
            return await handler(request)
        except ApiError as err:
            return error_response(err.status, err.error)
        except KitError as err:
            return error_response(422, err)
        except Exception as exc:  # noqa: BLE001 - a bug of ours: answered plainly, never with a traceback
            log.error("internal error %s in %s %s", type(exc).__name__, request.method, request.url.path)
            return error_response(500, KitError("internal", value=type(exc).__name__))
    return wrapped


def rule_set_info() -> dict:
    return bundled_ruleset().info()


# ------------------------------------------------------------------------------------------ reading requests

def media_type(request: Request, allowed: dict[str, str]) -> str:
    """The request's content type, one of `allowed` (415 otherwise); returns the file suffix it reads as."""
    given = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if given not in allowed:
        raise ApiError(415, KitError("unsupported_media_type", value=given or "не указан",
                                     allowed=", ".join(dict.fromkeys(allowed))))
    return allowed[given]


async def body(request: Request, limit: int = MAX_BODY) -> bytes:
    """The request body, refused with 413 past `limit` bytes (the declared length is checked before
    anything is read, and a body sent without one is counted as it comes)."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise _too_large(limit)
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _too_large(limit)
        chunks.append(chunk)
    return b"".join(chunks)


def _too_large(limit: int) -> ApiError:
    return ApiError(413, KitError("request_too_large", value=f"больше {limit // 1024} КиБ",
                                  allowed=f"Предел — {limit // 1024} КиБ."))


def query(request: Request, known: tuple[str, ...]) -> dict[str, list[str]]:
    """The query parameters, each as its list of values; an unknown name is refused (400), not ignored."""
    params: dict[str, list[str]] = {}
    for name, value in request.query_params.multi_items():
        if name not in known:
            raise ApiError(400, KitError("bad_argument", name, value="неизвестный параметр",
                                         allowed=f"Параметры этого адреса: {', '.join(known) or 'нет'}."))
        params.setdefault(name, []).append(value)
    return params


def readings_of(params: dict[str, list[str]]) -> dict[str, str]:
    """`?reading=NAME=VALUE` (any number), checked against the rule set's readings (400 otherwise)."""
    chosen = {}
    for pair in params.get("reading", []):
        name, sep, value = pair.partition("=")
        if not sep or not name or not value:
            raise ApiError(400, KitError("bad_argument", "reading", value=pair,
                                         allowed="Пишите ?reading=ИМЯ=ЗНАЧЕНИЕ, например ?reading=empty_cell=must_be_absent."))
        chosen[name.strip()] = value.strip()
    try:
        return bundled_ruleset().resolve_readings(chosen)
    except KitError as err:
        raise ApiError(400, err) from None


async def case_body(request: Request) -> dict:
    """The case a request carries, read exactly as `socmethod assess` reads a file (JSON, YAML or a
    one-row CSV, by its content type); what cannot be read is a 400."""
    suffix = media_type(request, CASE_TYPES)
    data = await body(request)
    try:
        return read_single_case(f"case{suffix}", data, bundled_ruleset(), where=WHERE)
    except KitError as err:
        raise ApiError(400, err) from None


async def json_object(request: Request, known: tuple[str, ...]) -> dict:
    """A JSON object body whose keys are all among `known`."""
    media_type(request, JSON_TYPES)
    data = await body(request)
    try:
        value = parse_json(decode(data, WHERE), WHERE)
    except KitError as err:
        raise ApiError(400, err) from None
    if not isinstance(value, dict):
        raise ApiError(400, KitError("not_an_object", value=type(value).__name__))
    for key in value:
        if key not in known:
            raise KitError("unknown_key", key, where=WHERE, allowed=", ".join(known))
    return value


async def form_body(request: Request) -> dict[str, list[str]]:
    """A posted HTML form (application/x-www-form-urlencoded), as name -> values."""
    media_type(request, FORM_TYPES)
    data = await body(request)
    try:
        return parse_qs(data.decode("utf-8"), keep_blank_values=True, max_num_fields=MAX_FORM_FIELDS)
    except (UnicodeDecodeError, ValueError) as exc:
        raise ApiError(400, KitError("malformed_file", where=WHERE, value=type(exc).__name__,
                                     allowed="application/x-www-form-urlencoded, UTF-8")) from None


# ------------------------------------------------------------------------------------------ endpoints

@endpoint
async def assess_endpoint(request: Request) -> Response:
    """One case: its result, exactly what `socmethod assess` prints for it.
    ---
    summary: Оценить один случай
    description: >-
      Тело запроса — сам случай, как его читает `socmethod assess` (JSON, YAML или CSV из одной строки с
      заголовком). Ответ — ровно то, что печатает `socmethod assess`: степени, рекомендованные формы с
      РИПСО и строкой таблицы, что зависит от ответов «не знаю», что изменило бы результат, прочтения и
      набор правил.
    parameters:
      - {name: reading, in: query, required: false, schema: {type: string}, example: empty_cell=must_be_absent,
         description: "вариант прочтения ИМЯ=ЗНАЧЕНИЕ (см. /api/v1/readings); можно несколько"}
    requestBody:
      required: true
      content:
        application/json:
          schema: {$ref: '#/components/schemas/Case'}
          example: {category: elderly, disability_group: II,
                    self_care: {hygiene: 2, toilet: 1, dressing: 2, medication: 1, cooking: 2, eating: 1, housekeeping: 2, paperwork: 2},
                    mobility: {shopping: 2, transport: 2, outdoor_walk: 2, indoors: 1, bed: 0},
                    medical_indications: false, lives_alone: true, carer_absent: false, family_conflict: false,
                    psychiatrist_recommends: none}
        application/yaml: {schema: {type: string}}
        text/csv: {schema: {type: string}}
    responses:
      "200": {description: результат оценки, content: {application/json: {schema: {$ref: '#/components/schemas/Result'}}}}
    """
    readings = readings_of(query(request, ("reading",)))
    case = await case_body(request)
    return kit_json(assess(case, readings))


@endpoint
async def batch_endpoint(request: Request) -> Response:
    """A register of cases: one result per case, in order, nothing dropped.
    ---
    summary: Оценить реестр случаев
    description: >-
      JSON Lines (по случаю в строке) или CSV с заголовком (столбцы как у `socmethod batch`: `self_care.hygiene`
      и т. д.). Ответ — JSON Lines (по результату или ошибке в строке) или CSV, как пишет `socmethod batch`;
      формат ответа — как у запроса, если не задан `format`. Не больше 5000 случаев и 2 МиБ.
    parameters:
      - {name: reading, in: query, required: false, schema: {type: string}, description: "вариант прочтения ИМЯ=ЗНАЧЕНИЕ"}
      - {name: format, in: query, required: false, schema: {type: string, enum: [jsonl, csv]}, description: формат ответа}
      - {name: id, in: query, required: false, schema: {type: string}, description: "столбец идентификатора CSV (по умолчанию id, если он есть)"}
      - {name: keep, in: query, required: false, schema: {type: string}, description: "ваши столбцы CSV, которые перенести в ответ (через запятую или несколько раз), как --keep"}
    requestBody:
      required: true
      content:
        application/x-ndjson: {schema: {type: string}}
        text/csv: {schema: {type: string}}
    responses:
      "200":
        description: по строке на случай
        content:
          application/x-ndjson: {schema: {type: string}}
          text/csv: {schema: {type: string}}
    """
    params = query(request, ("reading", "format", "id", "keep"))
    readings = readings_of(params)
    id_column = (params.get("id") or [None])[-1]
    keep = [c for value in params.get("keep", []) for c in columns_typed(value)]
    suffix = media_type(request, BATCH_TYPES)
    out = (params.get("format") or [suffix.lstrip(".")])[-1]
    if out not in ("jsonl", "csv"):
        raise ApiError(400, KitError("bad_argument", "format", value=out, allowed="jsonl или csv"))
    data = await body(request, MAX_BATCH_BODY)
    text = await run_in_threadpool(_batch, data, suffix, out, readings, id_column, keep)
    media = "application/x-ndjson; charset=utf-8" if out == "jsonl" else "text/csv; charset=utf-8"
    return Response(text, media_type=media)


def _batch(data: bytes, suffix: str, out: str, readings: dict, id_column: str | None = None, keep=()) -> str:
    """The records `socmethod batch` writes for a register held in memory (nothing touches the disk): a CSV
    register's header is checked as the CLI checks it, and its identifier (`id`, or `?id=`) and the `?keep=`
    columns are carried into the records."""
    ruleset = bundled_ruleset()
    buffer = io.StringIO()
    try:
        text = decode(data, WHERE)
        carried: list[str] = []
        if suffix == ".csv":
            from socmethod.io.register import check_header
            first = next((line for line in text.splitlines() if line.strip()), "")
            columns = [c.strip() for c in next(csv.reader([first], delimiter=sniff_delimiter(first)))]
            carried = check_header(columns, ruleset, id_column=id_column, keep=keep, where=WHERE,
                                   keep_hint="?keep={}").carried
        writer = csv.writer(buffer, lineterminator="\n") if out == "csv" else None
        if writer:
            writer.writerow([CSV_COLUMNS[0], *carried, *CSV_COLUMNS[1:]])
        for index, (line, case, kept) in enumerate(_register(text, suffix, carried, ruleset)):
            if index >= MAX_BATCH_CASES:
                raise ApiError(413, KitError("request_too_large", value=f"больше {MAX_BATCH_CASES} случаев",
                                             allowed=f"Предел — {MAX_BATCH_CASES} случаев; больший реестр оцените командой socmethod batch."))
            result = {"error": case.to_dict()} if isinstance(case, KitError) else assess_or_error(case, readings, ruleset)
            if writer:
                cells = csv_record(index, result)
                writer.writerow([cells[0], *(neutral(v) for v in kept), *cells[1:]])
            else:
                record = {"register": {"line": line, "columns": dict(zip(carried, kept))}, **result} if carried else result
                buffer.write(json.dumps(record, ensure_ascii=False) + "\n")
    except KitError as err:         # the register as a whole cannot be read (encoding, empty, CSV header)
        raise ApiError(400, err) from None
    return buffer.getvalue()


def _register(text: str, suffix: str, carried: list[str], ruleset):
    """(line, case or KitError, carried values) for every row of a register's text, in order."""
    if suffix == ".csv":
        for line, row in csv_rows(text, WHERE):
            if isinstance(row, KitError):
                yield line, row, [""] * len(carried)
                continue
            kept = [row.pop(c, "") for c in carried]
            try:
                yield line, case_from_csv_row(row, ruleset), kept
            except KitError as err:
                yield line, err, kept
        return
    for line, chunk in enumerate(text.splitlines(), start=1):
        if chunk.strip():
            try:
                yield line, parse_json(chunk, f"{WHERE}, строка {line}"), []
            except KitError as err:
                yield line, err, []


@endpoint
async def readings_endpoint(request: Request) -> Response:
    """The readings of the seed's unclear places, as `socmethod readings` prints them.
    ---
    summary: Варианты прочтения неясных мест методики
    responses:
      "200": {description: прочтения с вариантами и значениями по умолчанию, content: {application/json: {}}}
    """
    query(request, ())
    return kit_json(readings_document())


@lru_cache(maxsize=1)
def readings_document() -> dict:
    """What `socmethod readings` prints: the same describing function, so the two never drift."""
    ruleset = bundled_ruleset()
    return {"rule_set": ruleset.info(), "readings": describe(ruleset)}


@endpoint
async def rules_endpoint(request: Request) -> Response:
    """The rule set: forms, tables, their columns and every row with its id and seed line.
    ---
    summary: Набор правил — таблицы 3.1–3.3
    description: "Каждая строка таблицы с идентификатором, строкой источника (seed_line), ячейками как написано, формой и РИПСО."
    responses:
      "200": {description: таблицы и строки, content: {application/json: {}}}
    """
    query(request, ())
    return kit_json(rules_document())


@lru_cache(maxsize=1)
def rules_document() -> dict:
    ruleset = bundled_ruleset()
    tables = []
    for table in ruleset.tables.values():
        entry = {"id": table.id, "title": table.title, "seed_line": table.seed_line, "kind": table.kind}
        if table.kind == "criteria_list":
            entry["rows"] = [{"id": r.id, "seed_line": r.seed_line, "criterion": r.criterion, "age_from_months": r.age_from,
                              "age_to_months": r.age_to, "text": r.text, "note": r.note} for r in table.rows]
        else:
            entry["columns"] = [{"id": c, "label": spec["label"]} for c, spec in table.columns.items()]
            entry["markers"] = {m: {"text": spec.get("text", ""), "seed_line": spec.get("seed_line")}
                                for m, spec in table.markers.items()}
            entry["rows"] = [{"id": r.id, "seed_line": r.seed_line, "form": r.form,
                              "ripso": {cat: [n.number for n in numbers] for cat, numbers in r.ripso.items()},
                              "cells": {c: cell.raw for c, cell in r.cells.items()}, "raw": r.raw, "note": r.note,
                              "caveat": r.caveat,
                              "applies_when": dict([r.applies_when]) if r.applies_when else None}
                             for r in table.rows]
        tables.append(entry)
    return {"rule_set": {**ruleset.info(), "title": ruleset.title, "source": ruleset.source},
            "forms": ruleset.forms, "tables": tables}


@endpoint
async def deadlines_endpoint(request: Request) -> Response:
    """The procedure's deadlines in working days, as `socmethod deadlines` prints them.
    ---
    summary: Сроки процедуры
    parameters:
      - {name: applied, in: query, required: true, schema: {type: string, format: date}, example: "2025-12-29", description: дата подачи заявления}
      - {name: decided, in: query, required: false, schema: {type: string, format: date}, description: дата решения}
      - {name: programme_end, in: query, required: false, schema: {type: string, format: date}, description: дата окончания индивидуальной программы}
    responses:
      "200": {description: сроки по производственному календарю, content: {application/json: {}}}
    """
    from socmethod.procedure.deadlines import parse_date, procedure_deadlines
    params = query(request, ("applied", "decided", "programme_end"))
    dates = {}
    try:
        for name in ("applied", "decided", "programme_end"):
            values = params.get(name)
            dates[name] = parse_date(values[-1], name) if values else None
    except KitError as err:
        raise ApiError(400, err) from None
    if dates["applied"] is None:
        raise ApiError(400, KitError("bad_argument", "applied", value="не указана дата подачи заявления",
                                     allowed="Пример: /api/v1/deadlines?applied=2025-12-29"))
    result = procedure_deadlines(dates["applied"], dates["decided"], dates["programme_end"])
    return kit_json({**result, "rule_set": rule_set_info()})


@endpoint
async def documents_endpoint(request: Request) -> Response:
    """The documents to bring for a case and the forms considered.
    ---
    summary: Какие документы взять
    description: >-
      Тело — случай, как для /api/v1/assess. Формы — параметрами `form` (коды форм); без них — формы, которые
      случаю рекомендованы или могут быть рекомендованы.
    parameters:
      - {name: form, in: query, required: false, schema: {type: string, enum: [home, day_care_up_to_4h, day_care_over_4h, residential_temporary, residential_permanent]}}
    requestBody:
      required: true
      content:
        application/json: {schema: {$ref: '#/components/schemas/Case'}}
    responses:
      "200": {description: документы по группам, content: {application/json: {}}}
    """
    from socmethod.apps.public.model import offered_forms
    from socmethod.procedure.documents import documents_for
    params = query(request, ("form",))
    case = await case_body(request)
    result = assess(case)               # refuses a case the rules refuse, before any document is looked up
    forms = params.get("form") or offered_forms(result)
    if not forms:
        return kit_json({"forms": [], "note": "Случаю не рекомендована ни одна форма: укажите форму параметром form.",
                         "rule_set": rule_set_info()})
    return kit_json({**documents_for(case, forms), "rule_set": rule_set_info()})


@endpoint
async def contraindications_endpoint(request: Request) -> Response:
    """ICD-10 codes against the 216н list of contraindications to residential care.
    ---
    summary: Противопоказания к стационарному обслуживанию (216н)
    description: "Коды МКБ-10 передаются в теле, не в адресе: адреса попадают в журналы."
    requestBody:
      required: true
      content:
        application/json:
          schema: {type: object, required: [codes], properties: {codes: {type: array, items: {type: string}, maxItems: 100}}}
          example: {codes: [A17.1, f20, Z932]}
    responses:
      "200": {description: по записи на код, content: {application/json: {}}}
    """
    from socmethod.procedure.contraindications import check_codes
    query(request, ())
    data = await json_object(request, ("codes",))
    codes = data.get("codes")
    if not isinstance(codes, list) or not codes or not all(isinstance(c, str) for c in codes):
        raise KitError("bad_type", "codes", value=codes, allowed="непустой список кодов МКБ-10 (строк)")
    if len(codes) > 100:
        raise ApiError(413, KitError("request_too_large", value=f"кодов: {len(codes)}", allowed="Не больше 100 кодов за запрос."))
    return kit_json({"codes": check_codes(codes), "rule_set": rule_set_info()})


@endpoint
async def cost_endpoint(request: Request) -> Response:
    """Whether services are free and the upper bound of the monthly fee (442-ФЗ ст. 31-32), an estimate.
    ---
    summary: Оценка платы за социальные услуги
    description: >-
      Доход — среднедушевой (`income`) или семьи (`family_income` и `members`). Группа прожиточного
      минимума — по категории случая (`category`, при необходимости `age_years`) или прямо (`group`).
    requestBody:
      required: true
      content:
        application/json:
          schema:
            type: object
            required: [forms]
            properties:
              forms: {type: array, items: {type: string}}
              income: {type: number}
              family_income: {type: number}
              members: {type: integer}
              category: {type: string}
              age_years: {type: integer}
              group: {type: string, enum: [per_capita, working_age, pensioners, children]}
              year: {type: integer}
              free_category: {type: string}
          example: {forms: [home, residential_temporary], family_income: 32000, members: 1, category: elderly, year: 2026}
    responses:
      "200": {description: оценка по каждой форме, content: {application/json: {}}}
    """
    from socmethod.procedure.cost import GROUPS, estimate, group_for, per_capita_income
    query(request, ())
    data = await json_object(request, ("forms", "income", "family_income", "members", "category", "age_years",
                                       "group", "year", "free_category"))
    if ("income" in data) == ("family_income" in data):
        raise KitError("missing_key", "income", where=WHERE, allowed="укажите income (среднедушевой доход) или family_income и members")
    income = data["income"] if "income" in data else per_capita_income(data["family_income"], data.get("members", 1))
    if "group" in data:
        if data["group"] not in GROUPS:
            raise KitError("bad_value", "group", value=data["group"], allowed=GROUPS)
        group = data["group"]
    elif "category" in data:
        group = group_for(data["category"], data.get("age_years"))
    else:
        raise KitError("missing_key", "category", where=WHERE, allowed="укажите category (категорию случая) или group")
    year = data.get("year", date.today().year)
    result = estimate(income, group, data.get("forms"), year, data.get("free_category"))
    return kit_json({**result, "rule_set": rule_set_info()})


@endpoint
async def urgent_endpoint(request: Request) -> Response:
    """Urgent social services and the same-day referral, as `socmethod urgent` prints them.
    ---
    summary: Срочные социальные услуги — направление в день обращения
    requestBody:
      required: true
      content:
        application/json:
          schema:
            type: object
            properties:
              triggers: {type: array, items: {type: string}}
              services: {type: array, items: {type: string}}
              circumstances: {type: array, items: {type: string}}
              date: {type: string, format: date}
          example: {triggers: [no_food, no_housing]}
    responses:
      "200": {description: направление, content: {application/json: {}}}
    """
    from socmethod.procedure.deadlines import parse_date
    from socmethod.procedure.urgent import _check_ids, load_urgent, referral, services_for_triggers
    query(request, ())
    data = await json_object(request, ("triggers", "services", "circumstances", "date"))
    urgent = load_urgent()
    triggers = data.get("triggers", [])
    found = [s["id"] for s in services_for_triggers(triggers)]
    chosen = _check_ids(data.get("services", []), urgent["services_by_id"], "unknown_service", "services")
    marks = list(_check_ids(data.get("circumstances", []), urgent["circumstances_by_id"], "bad_value", "circumstances"))
    for tid in triggers:
        marks += [c for c in urgent["triggers_by_id"][tid].get("circumstances", []) if c not in marks]
    wanted = found + [s for s in chosen if s not in found]
    if not wanted:
        raise KitError("missing_key", "triggers", where=WHERE, allowed="хотя бы одна ситуация (triggers) или услуга (services)")
    on = parse_date(data["date"], "date") if data.get("date") is not None else None
    return kit_json({**referral(marks, wanted, on, triggers=triggers), "rule_set": rule_set_info()})


@endpoint
async def calculator_endpoint(request: Request) -> Response:
    """The light page's answers: the fragments its script swaps in as answers change.
    ---
    summary: Калькулятор — фрагменты страницы по ответам формы
    description: >-
      Тело — форма страницы «/» (application/x-www-form-urlencoded). Ответ — HTML-фрагменты той же страницы
      (срочная помощь, вопросы выбранной категории, результат), ошибки у полей и `hidden` — вопросы, которые
      прежние ответы оставляют в стороне (например, о супруге для живущего одного). Для скрипта страницы;
      другим службам удобнее /api/v1/assess.
      Поле `shown` — категория, чьи вопросы уже на странице: тогда вопросы не присылаются (null).
    requestBody:
      required: true
      content:
        application/x-www-form-urlencoded: {schema: {type: object}}
    responses:
      "200": {description: фрагменты и ошибки, content: {application/json: {}}}
    """
    from socmethod.apps.public.light import fragments
    query(request, ())
    form = await form_body(request)
    shown = (form.pop("shown", None) or [None])[-1]       # in the body too: it is an answer, kept out of URLs
    return JSONResponse(fragments(form, shown))


@endpoint
async def health_endpoint(request: Request) -> Response:
    """Liveness: the rules are loaded.
    ---
    summary: Проверка работы
    responses:
      "200": {description: работает, content: {application/json: {}}}
    """
    return kit_json({"status": "ok", "rule_set": rule_set_info()})


# The routes, in the order /api and /openapi.json list them: (path, endpoint, methods).
API_ROUTES = (
    ("/api/v1/assess", assess_endpoint, ["POST"]),
    ("/api/v1/batch", batch_endpoint, ["POST"]),
    ("/api/v1/readings", readings_endpoint, ["GET"]),
    ("/api/v1/rules", rules_endpoint, ["GET"]),
    ("/api/v1/deadlines", deadlines_endpoint, ["GET"]),
    ("/api/v1/documents", documents_endpoint, ["POST"]),
    ("/api/v1/contraindications", contraindications_endpoint, ["POST"]),
    ("/api/v1/cost", cost_endpoint, ["POST"]),
    ("/api/v1/urgent", urgent_endpoint, ["POST"]),
    ("/api/v1/calculator", calculator_endpoint, ["POST"]),
    ("/healthz", health_endpoint, ["GET"]),
)
