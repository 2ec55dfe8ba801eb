"""Urgent social services (срочные социальные услуги): the list, the interview act, the same-day referral.

Data: data/urgent.toml (the 11 services of seed 002, the 8 service boxes and the fields of the interview
act, Appendix 4 of order 405-р, the procedure of its section 6, and the plain situations of the public
calculator). Section 6 (seed 003, lines 457-465): the decision is taken on the application and the
interview act, the referral is prepared and issued the same day, and no individual programme (ИППСУ)
is drawn up (1.4, line 139).

Nothing here asks for or keeps personal data: the referral summary carries only service and circumstance
codes with their titles; its printable HTML (socmethod.render.referral) leaves the name, birth date and
signatures blank for the bureau.
"""
from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache

from socmethod.core.errors import KitError
from socmethod.core.schema import Boolean, Integer, ListOf, OneOf, Ref, SeedLine, Table, Text, check, load_toml
from socmethod.core.wording import date_ru

FILE = "urgent.toml"
SERVICE_COUNT = 11
ACT_SERVICE_COUNT = 8
_MATCHES = {"same", "part", "shorter"}
_FIELD_KINDS = {"text", "number", "choice", "multi", "flag"}


# ------------------------------------------------------------------------------------------ loading

SERVICE = Table(required={"id": Text(), "number": Integer(1, SERVICE_COUNT), "title": Text(), "public": Text(),
                          "seed": Text(), "line": SeedLine(), "line_end": SeedLine()}, id="id", collection="service")
ACT_SERVICE = Table(required={"id": Text(), "title": Text(), "line": SeedLine(), "match": OneOf(sorted(_MATCHES)),
                              "reading": Text()}, optional={"service": Ref("service")}, id="id", collection="act_service")
OPTION = Table(required={"id": Text(), "label": Text()}, optional={"footnote": Integer(1, 9)})
ACT_FIELD = Table(required={"id": Text(), "label": Text(), "line": SeedLine(), "kind": OneOf(sorted(_FIELD_KINDS)),
                            "personal": Boolean()},
                  optional={"options": ListOf(OPTION, min=1), "reading": Text(), "note": Text(), "footnote": Integer(1, 9)},
                  id="id", collection="act_field")
TRIGGER = Table(required={"id": Text(), "label": Text(), "services": ListOf(Ref("service"), unique=True), "basis": Text()},
                optional={"circumstances": ListOf(Text(), unique=True), "note": Text(), "reading": Text(),
                          "outside_seed": Text(), "outside_seed_source": Text(), "outside_seed_verified": Boolean(),
                          "public_note": Text()},
                id="id", collection="trigger")
FACT = Table(required={"id": Text(), "paragraph": Text(), "line": SeedLine(), "title": Text(), "text": Text()},
             optional={"reading": Text()}, id="id", collection="fact")
REFERRAL = Table(required={"title": Text(), "title_line": SeedLine(), "deadline": Text(),
                           "deadline_lines": ListOf(SeedLine(), min=1), "signed_by": Text(), "signed_by_line": SeedLine(),
                           "no_programme": Text(), "days_off": ListOf(Integer(0, 6), unique=True),
                           "days_off_source": Text(), "day_off_note": Text(), "off_act_note": Text()})
URGENT = Table(required={"meta": Table(extra=True), "referral": REFERRAL, "service": ListOf(SERVICE, exactly=SERVICE_COUNT),
                         "act_service": ListOf(ACT_SERVICE, exactly=ACT_SERVICE_COUNT), "act_field": ListOf(ACT_FIELD),
                         "procedure": ListOf(FACT), "trigger": ListOf(TRIGGER, min=1),
                         "where": Table(required={"office": Text(), "call_centre": Text()}, rest=Text())},
               optional={"act_findings": Table(extra=True), "act_signature": ListOf(Table(extra=True)),
                         "act_footnote": ListOf(Table(extra=True)), "organisation": ListOf(Table(extra=True))})
NEEDED_FACTS = ("referral_prepared_same_day", "referral_issued_same_day", "no_programme", "who_decides")


@lru_cache(maxsize=1)
def load_urgent() -> dict:
    """data/urgent.toml, validated, with lookup tables added (`services_by_id`, `circumstances_by_id`, ...)."""
    return validate(load_toml(FILE))


def validate(raw: dict) -> dict:
    """Check the data's shape (the schema above) and what a shape cannot say: the services in their
    numbered order, the act's circumstances, the facts the referral cites. Returns the data with lookup
    tables. Separate for tests."""
    raw = check(raw, URGENT, f"data/{FILE}")

    def bad(message: str) -> KitError:
        return KitError("rule_set_invalid", value=message, where=f"data/{FILE}",
                        allowed="Исправьте data/urgent.toml: у каждой строки свой код, строка семени и ссылки на существующие коды.")

    by_id: dict[str, dict] = {}
    for n, svc in enumerate(raw["service"], 1):
        if svc["number"] != n:
            raise bad(f"услуга «{svc['id']}» стоит {n}-й, а её номер {svc['number']}")
        if svc["line_end"] < svc["line"]:
            raise bad(f"у услуги «{svc['id']}» неверные строки семени")
        by_id[svc["id"]] = svc
    act_by_id = {box["id"]: box for box in raw["act_service"]}
    fields_by_id: dict[str, dict] = {}
    for field in raw["act_field"]:
        fields_by_id[field["id"]] = field
        if not field["personal"] and field["kind"] in ("choice", "multi") and not field.get("options"):
            raise bad(f"у поля акта «{field['id']}» нет вариантов")

    circumstances: dict[str, dict] = {}
    exclusive: dict[str, list[str]] = {}
    for field in raw["act_field"]:
        if field["personal"]:
            continue  # personal fields never become circumstances
        if field["kind"] in ("choice", "multi"):
            ids = []
            for opt in field["options"]:
                cid = f"{field['id']}.{opt['id']}"
                if cid in circumstances:
                    raise bad(f"повторяется обстоятельство «{cid}»")
                circumstances[cid] = {"id": cid, "field": field["id"], "field_label": field["label"],
                                      "label": opt["label"], "line": field["line"],
                                      **({"footnote": opt["footnote"]} if "footnote" in opt else {})}
                ids.append(cid)
            if field["kind"] == "choice":
                exclusive[field["id"]] = ids
        elif field["kind"] == "flag":
            circumstances[field["id"]] = {"id": field["id"], "field": field["id"], "field_label": field["label"],
                                          "label": field["label"], "line": field["line"],
                                          **({"footnote": field["footnote"]} if "footnote" in field else {})}

    triggers: dict[str, dict] = {}
    for trig in raw["trigger"]:
        for cid in trig.get("circumstances", []):
            if cid not in circumstances:
                raise bad(f"ситуация «{trig['id']}» ссылается на неизвестное обстоятельство «{cid}»")
        if not trig["services"] and not trig.get("circumstances"):
            raise bad(f"ситуация «{trig['id']}» не ведёт ни к услуге, ни к обстоятельству")
        triggers[trig["id"]] = trig

    procedure = {fact["id"]: fact for fact in raw["procedure"]}
    for needed in NEEDED_FACTS:
        if needed not in procedure:
            raise bad(f"нет факта порядка «{needed}»")

    return {**raw, "services_by_id": by_id, "act_services_by_id": act_by_id, "fields_by_id": fields_by_id,
            "circumstances_by_id": circumstances, "exclusive_groups": exclusive, "triggers_by_id": triggers,
            "procedure_by_id": procedure}


# ------------------------------------------------------------------------------------------ queries

def _act_boxes(data: dict, service_id: str) -> list[dict]:
    return [{"id": b["id"], "title": b["title"], "line": b["line"], "match": b["match"]}
            for b in data["act_service"] if b.get("service") == service_id]


def _service_view(data: dict, svc: dict) -> dict:
    return {"id": svc["id"], "number": svc["number"], "title": _cap(svc["title"]), "public": svc["public"],
            "seed": svc["seed"], "line": svc["line"], "line_end": svc["line_end"],
            "act_boxes": _act_boxes(data, svc["id"])}


def services() -> list[dict]:
    """The 11 urgent services in the seed's order, each with the act boxes that correspond to it."""
    data = load_urgent()
    return [_service_view(data, svc) for svc in data["service"]]


def act_services() -> list[dict]:
    """The 8 service boxes of the interview act, with the list service each corresponds to (or None)."""
    return [{"id": b["id"], "title": b["title"], "line": b["line"], "service": b.get("service"),
             "match": b["match"] if "service" in b else None, "reading": b["reading"]}
            for b in load_urgent()["act_service"]]


def circumstances() -> list[dict]:
    """The circumstances a referral can carry: options and flags of the act's non-personal fields."""
    return list(load_urgent()["circumstances_by_id"].values())


def triggers() -> list[dict]:
    """The plain situations of the public calculator, each with its services and basis."""
    return [dict(t) for t in load_urgent()["trigger"]]


def _check_ids(values, known: dict, code: str, field: str) -> list[str]:
    if isinstance(values, str) or not isinstance(values, (list, tuple)):
        raise KitError("bad_type", field, value=values, allowed="список кодов")
    result: list[str] = []
    for value in values:
        if not isinstance(value, str) or value not in known:
            raise KitError(code, field, value=value, allowed=sorted(known))
        if value not in result:
            result.append(value)
    return result


def services_for_triggers(trigger_ids: list[str]) -> list[dict]:
    """The services the given situations call for, in the seed's order, each with `because` (trigger ids)."""
    data = load_urgent()
    ids = _check_ids(trigger_ids, data["triggers_by_id"], "bad_value", "triggers")
    because: dict[str, list[str]] = {}
    for tid in ids:
        for sid in data["triggers_by_id"][tid]["services"]:
            because.setdefault(sid, []).append(tid)
    return [dict(_service_view(data, svc), because=because[svc["id"]])
            for svc in data["service"] if svc["id"] in because]


# ------------------------------------------------------------------------------------------ referral

def referral(circumstances: list[str], services: list[str], on: date | None = None, *,
             triggers: list[str] | None = None) -> dict:
    """The same-day referral summary, JSON-ready.

    `circumstances`: act circumstance ids (see `circumstances()`); `services`: ids of the 11 (at least
    one); `on`: the day of the request (today when None), which is also the referral's date (6.2, 6.3);
    `triggers`: the plain situations the person chose, echoed with their labels (optional).
    """
    data = load_urgent()
    chosen = _check_ids(services, data["services_by_id"], "unknown_service", "services")
    if not chosen:
        raise KitError("missing_key", "services", allowed="хотя бы одна срочная социальная услуга")
    marks = _check_ids(circumstances, data["circumstances_by_id"], "bad_value", "circumstances")
    for field_id, options in data["exclusive_groups"].items():
        picked = [c for c in marks if c in options]
        if len(picked) > 1:
            raise KitError("bad_value", "circumstances", value=", ".join(picked),
                           allowed=f"в поле «{data['fields_by_id'][field_id]['label']}» только один из вариантов: "
                                   + ", ".join(options))
    situations = _check_ids(triggers or [], data["triggers_by_id"], "bad_value", "triggers")
    if on is None:
        on = date.today()
    elif isinstance(on, datetime):
        on = on.date()
    elif not isinstance(on, date):
        raise KitError("bad_date", "on", value=on)

    proc = data["procedure_by_id"]
    where = data["where"]
    words = data["referral"]
    order = {sid: n for n, sid in enumerate(data["services_by_id"])}
    notes = []
    off_act = [s for s in chosen if not _act_boxes(data, s)]
    if off_act:
        numbers = ", ".join(str(data["services_by_id"][s]["number"]) for s in sorted(off_act, key=order.get))
        notes.append(words["off_act_note"].format(numbers=numbers))
    if on.weekday() in words["days_off"]:
        notes.append(words["day_off_note"])
    return {
        "document": words["title"],
        "date": on.isoformat(),
        "date_ru": date_ru(on),
        "same_day": True,
        "deadline": {"prepared": on.isoformat(), "issued": on.isoformat(),
                     "text": words["deadline"]},
        "services": [_service_view(data, data["services_by_id"][s]) for s in sorted(chosen, key=order.get)],
        "circumstances": [dict(data["circumstances_by_id"][c]) for c in marks],
        "situations": [{"id": t, "label": data["triggers_by_id"][t]["label"],
                        **{k: data["triggers_by_id"][t][k] for k in ("outside_seed", "outside_seed_source", "outside_seed_verified")
                           if k in data["triggers_by_id"][t]}} for t in situations],
        "programme": {"drawn_up": False,
                      "text": words["no_programme"],
                      "paragraph": proc["no_programme"]["paragraph"], "line": proc["no_programme"]["line"]},
        "signed_by": words["signed_by"],
        "act": {"title": data["meta"]["act_title"], "appendix": data["meta"]["act_appendix"],
                "line": data["meta"]["act_title_line"]},
        "basis": [{"id": f["id"], "paragraph": f["paragraph"], "title": f["title"], "text": f["text"],
                   "seed": data["meta"]["act_seed"], "line": f["line"]} for f in data["procedure"]],
        "where": {"office": where["office"], "provider_route": where.get("provider_route", ""),
                  "call_centre": where["call_centre"], "call_centre_hours": where.get("call_centre_hours", ""),
                  "bureau_hours": where.get("bureau_hours", ""), "site": where.get("site", ""),
                  "navigator": where.get("navigator", ""),
                  "sources": {k: v for k, v in where.items() if k.endswith("_source")}},
        "notes": notes,
        "source": {"order": data["meta"]["order"], "document": data["meta"]["document"],
                   "list_seed": data["meta"]["list_seed"], "act_seed": data["meta"]["act_seed"]},
    }


# ------------------------------------------------------------------------------------------ helpers

def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


