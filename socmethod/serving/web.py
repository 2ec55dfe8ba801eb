"""The public edition over HTTP: the light calculator page and the stateless web API (ASGI: Starlette,
served by uvicorn).

    python -m socmethod.serving.web [--host 127.0.0.1] [--port 8000] [--workers 1]        (make web)

    /                       the light page (GET: the first questions; POST: the page for the posted answers)
    /summary                the printable summary of the posted answers (POST)
    /api, /openapi.json     the API described, for people and for machines (no CDN: the page is HTML)
    /api/v1/...             the API (socmethod.serving.web_api), /healthz
    /static/...             the page's stylesheets and script, versioned by their content and cached for a year

Stateless: no session, nothing written to disk, nothing kept between requests, so any number of workers
and replicas can sit behind any load balancer. The access log has the method, the path and the status
only (no query string, no address, nothing of a case). Every response carries the security headers
(a Content-Security-Policy with no inline script, nosniff, no-referrer, frame-ancestors 'none'); the API
answers the origins of SOCMETHOD_CORS_ORIGINS (comma-separated; none by default) for the city's portal.
"""
from __future__ import annotations

import argparse
import base64
import functools
import hashlib
import importlib.metadata
import logging
import os
import sys
from functools import lru_cache
from urllib.parse import quote

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route
from starlette.schemas import SchemaGenerator

from socmethod.core.errors import KitError
from socmethod.core.ruleset import bundled_ruleset
from socmethod.render import TEMPLATES, render
from socmethod.serving.web_api import API_ROUTES, ApiError, error_response, form_body

ASSETS = TEMPLATES / "public" / "assets"
ASSET_FILES = {"page.css": "text/css; charset=utf-8", "summary.css": "text/css; charset=utf-8",
               "calculator.js": "text/javascript; charset=utf-8"}
# The page's stylesheet is inline (a phone gets the first question one round trip sooner); the policy
# allows exactly that text by its hash, and no inline script at all.
INLINE_STYLE = (ASSETS / "page.css").read_bytes()
CSP = ("default-src 'none'; script-src 'self'; "
       f"style-src 'self' 'sha256-{base64.b64encode(hashlib.sha256(INLINE_STYLE).digest()).decode()}'; "
       "img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), interest-cohort=()"),
]
access_log = logging.getLogger("socmethod.web.access")


# ------------------------------------------------------------------------------------------ the guard

class Guard:
    """Pure ASGI middleware around every response: the security headers, the rule set's name (every
    answer names it), `Cache-Control: no-store` unless the response set its own (a page or an answer is
    about someone: no cache may keep it), and one access-log line: method, path, status."""

    def __init__(self, app):
        self.app = app
        info = bundled_ruleset().info()
        self.rules = f'{quote(info["name"])} {info["effective_date"]} {info["hash"]}'.encode("ascii")

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        status = 500

        async def send_with_headers(message):
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", []))
                names = {name.lower() for name, _ in headers}
                headers += [h for h in SECURITY_HEADERS if h[0] not in names]
                headers.append((b"x-socmethod-rules", self.rules))
                if b"cache-control" not in names:
                    headers.append((b"cache-control", b"no-store"))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        finally:
            access_log.info("%s %s %d", scope["method"], scope["path"], status)


# ------------------------------------------------------------------------------------------ static files

@lru_cache(maxsize=1)
def assets() -> dict[str, str]:
    """File name -> URL with its content's hash, so a changed file is a new URL and the old one can be
    cached for a year."""
    return {name: f"/static/{name}?v={hashlib.sha256((ASSETS / name).read_bytes()).hexdigest()[:12]}"
            for name in ASSET_FILES}


@lru_cache(maxsize=None)
def asset_bytes(name: str) -> bytes:
    return (ASSETS / name).read_bytes()


async def static(request: Request) -> Response:
    name = request.path_params["name"]
    if name not in ASSET_FILES:
        return not_found(request)
    return Response(asset_bytes(name), media_type=ASSET_FILES[name],
                    headers={"cache-control": "public, max-age=31536000, immutable"})


async def favicon(request: Request) -> Response:
    # Browsers ask for it on every first visit; a 404 would be an error in the console.
    return Response(status_code=204, headers={"cache-control": "public, max-age=86400"})


# ------------------------------------------------------------------------------------------ the pages

def problem_page(status: int, message: str) -> Response:
    return HTMLResponse(render("web/problem.html.j2", message=message, assets=assets()), status_code=status)


def html_endpoint(handler):
    """A page: a refused request answered with a short page saying why; a fault of the kit with a page
    that says so (the log names the exception's type and the path only, never what was posted)."""
    @functools.wraps(handler)
    async def wrapped(request: Request) -> Response:
        try:
            return await handler(request)
        except ApiError as err:
            return problem_page(err.status, err.error.to_dict()["message"])
        except Exception as exc:  # noqa: BLE001 - a bug of ours: a plain page, never a traceback
            access_log.error("internal error %s in %s %s", type(exc).__name__, request.method, request.url.path)
            return problem_page(500, KitError("internal", value=type(exc).__name__).to_dict()["message"])
    return wrapped


@html_endpoint
async def page(request: Request) -> Response:
    """The light page: the first questions, or the page for the posted answers."""
    from socmethod.apps.public.light import page_html
    form = await form_body(request) if request.method == "POST" else None
    action = (form.get("action") or [None])[-1] if form else None
    return HTMLResponse(page_html(form, action, assets()))


@html_endpoint
async def summary(request: Request) -> Response:
    """The printable summary of the posted answers; the page with its errors while they give no result."""
    from socmethod.apps.public.light import page_html, summary_html
    form = await form_body(request)
    document = summary_html(form, assets())
    if document is None:
        return HTMLResponse(page_html(form, "result", assets()), status_code=422)
    return HTMLResponse(document)


# ------------------------------------------------------------------------------------------ the API described

SCHEMA_BASE = {
    "openapi": "3.0.3",
    "info": {"title": "socmethod: методика 405-р", "version": importlib.metadata.version("socmethod"),
             "description": "Оценка нуждаемости в социальном обслуживании по распоряжению КСП СПб N 405-р: "
                            "без сессий и без хранения данных. Каждый ответ называет набор правил "
                            "(rule_set: name, effective_date, hash; заголовок X-Socmethod-Rules). Ошибка — "
                            "{\"error\": {\"code\", \"field\", \"message\"}} с кодом из каталога data/errors.toml."},
    "components": {"schemas": {
        "Error": {"type": "object", "required": ["error"], "properties": {"error": {
            "type": "object", "required": ["code", "field", "message"],
            "properties": {"code": {"type": "string"}, "field": {"type": "string", "nullable": True},
                           "message": {"type": "string"}}}}},
        "Result": {"type": "object", "description": "Результат socmethod assess.", "properties": {
            "category": {"type": "string"},
            "self_care": {"$ref": "#/components/schemas/Degree"}, "mobility": {"$ref": "#/components/schemas/Degree"},
            "recommendations": {"type": "array", "description": "формы обслуживания с РИПСО и почему", "items": {
                "type": "object", "properties": {"form": {"type": "string"}, "ripso": {"type": "array", "items": {"type": "integer"}},
                                                 "rule": {"type": "string", "description": "строка таблицы, например 3.1-N1"},
                                                 "criteria": {"type": "array", "items": {"type": "object"}}}}},
            "depends_on": {"type": "array", "items": {"type": "object"}, "description": "что зависит от неизвестного ответа"},
            "near_misses": {"type": "array", "items": {"type": "object"}, "description": "строки, которым не хватило одного столбца"},
            "early_help": {"type": "object", "nullable": True}, "note": {"type": "string"},
            "derived": {"type": "object", "description": "что выведено из ответов акта обследования и почему"},
            "readings": {"type": "object", "additionalProperties": {"type": "string"}},
            "rule_set": {"$ref": "#/components/schemas/RuleSet"}}},
        "Degree": {"type": "object", "properties": {"points": {"type": "integer"}, "degree": {"type": "integer"},
                                                    "band": {"type": "string"}, "variant": {"type": "string", "enum": ["adult", "child"]},
                                                    "max_points": {"type": "integer"}}},
        "RuleSet": {"type": "object", "required": ["name", "effective_date", "hash"],
                    "properties": {"name": {"type": "string"}, "effective_date": {"type": "string", "format": "date"},
                                   "hash": {"type": "string"}}},
    }},
}
STANDARD_ERRORS = {
    "400": "запрос не удалось прочитать (синтаксис, параметры)",
    "413": "запрос слишком велик",
    "415": "неподдерживаемый тип содержимого",
    "422": "случай или значение отклонены правилами",
    "500": "внутренняя ошибка комплекта",
}


def case_schema(ruleset) -> dict:
    """The case format as JSON Schema, from the rule set's [fields] (what `socmethod assess` reads): every
    key with its type, values and Russian label; which keys a category requires is [categories]."""
    from socmethod.core.scales import scale
    kinds = {"bool": {"type": "boolean", "nullable": True}, "int": {"type": "integer", "minimum": 0}}
    properties = {}
    for key, spec in ruleset.fields.items():
        kind = spec["kind"]
        if kind == "scale":
            items = {}
            for variant in ("adult", "child"):
                for item in scale(key, variant).keys:
                    items.setdefault(item, {"type": "integer", "minimum": 0, "maximum": 3})
            prop = {"type": "object", "properties": items, "additionalProperties": False}
        elif kind == "enum":
            prop = {"type": "string", "enum": list(spec["values"]), **({"nullable": True} if spec.get("nullable") else {})}
        elif kind in ("enum_set", "int_set"):
            item = {"type": "string" if kind == "enum_set" else "integer", "enum": list(spec["values"])}
            prop = {"type": "array", "items": item, "nullable": True}
        else:
            prop = dict(kinds.get(kind, {}))
        properties[key] = {**prop, "description": spec.get("label", key)}
    categories = "; ".join(f"{c}: {spec['label']}" for c, spec in ruleset.categories.items())
    return {"type": "object", "required": ["category"], "additionalProperties": False, "properties": properties,
            "description": f"Случай в формате socmethod assess. Категории — {categories}. Какие ключи нужны "
                           "категории: раздел [categories] data/rules/405-r/ruleset.toml."}


@lru_cache(maxsize=1)
def openapi() -> dict:
    base = {**SCHEMA_BASE, "components": {"schemas": {**SCHEMA_BASE["components"]["schemas"],
                                                      "Case": case_schema(bundled_ruleset())}}}
    schema = SchemaGenerator(base).get_schema(routes=[Route(p, e, methods=m) for p, e, m in API_ROUTES])
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for status, text in STANDARD_ERRORS.items():
                if status in ("413", "415") and method == "get":
                    continue
                responses.setdefault(status, {"description": text, "content": error})
    return schema


@html_endpoint
async def openapi_json(request: Request) -> Response:
    return JSONResponse(openapi())


@html_endpoint
async def api_page(request: Request) -> Response:
    return HTMLResponse(render("web/api.html.j2", schema=openapi(), assets=assets()))


# ------------------------------------------------------------------------------------------ refusals

def not_found(request: Request, exc=None) -> Response:
    error = KitError("not_found", value=request.url.path)
    return error_response(404, error) if _wants_json(request) else problem_page(404, error.to_dict()["message"])


def not_allowed(request: Request, exc=None) -> Response:
    allowed = (getattr(exc, "headers", None) or {}).get("Allow", "")
    error = KitError("method_not_allowed", request.url.path, value=request.method, allowed=allowed or "GET, POST")
    response = error_response(405, error) if _wants_json(request) else problem_page(405, error.to_dict()["message"])
    if allowed:
        response.headers["allow"] = allowed
    return response


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith(("/api/", "/healthz", "/openapi"))


# ------------------------------------------------------------------------------------------ the application

class CORS(CORSMiddleware):
    """Starlette's CORS, its refused preflight answered as the kit's error (JSON, a catalogue code), not as
    plain text."""

    def preflight_response(self, request_headers) -> Response:
        response = super().preflight_response(request_headers)
        if response.status_code != 400:
            return response
        failed = response.body.decode("utf-8").removeprefix("Disallowed CORS ")
        refused = error_response(400, KitError("cross_origin_refused", failed, value=request_headers.get("origin", "")))
        for name in ("vary", "access-control-allow-methods", "access-control-max-age"):
            if name in response.headers:
                refused.headers[name] = response.headers[name]
        return refused


def cors_origins() -> list[str]:
    return [o.strip() for o in os.environ.get("SOCMETHOD_CORS_ORIGINS", "").split(",") if o.strip()]


def create_app() -> Starlette:
    routes = [Route("/", page, methods=["GET", "POST"]),
              Route("/summary", summary, methods=["POST"]),
              Route("/static/{name}", static, methods=["GET"]),
              Route("/favicon.ico", favicon, methods=["GET"]),
              Route("/openapi.json", openapi_json, methods=["GET"]),
              Route("/api", api_page, methods=["GET"]),
              *(Route(path, endpoint, methods=methods) for path, endpoint, methods in API_ROUTES)]
    middleware = [Middleware(Guard),
                  Middleware(CORS, allow_origins=cors_origins(), allow_methods=["GET", "POST"],
                             allow_headers=["Content-Type"], expose_headers=["X-Socmethod-Rules"], max_age=600),
                  Middleware(GZipMiddleware, minimum_size=600)]
    return Starlette(routes=routes, middleware=middleware, exception_handlers={404: not_found, 405: not_allowed})


app = create_app()


def check_data() -> None:
    """Load every file the page and the API use; a defect is raised as the kit's error."""
    from socmethod.apps.public.model import warm_up
    from socmethod.apps.public.wording import texts
    from socmethod.core.ruleset import load_ruleset
    from socmethod.core.scales import scales
    load_ruleset()
    scales()
    texts()
    warm_up()
    for name in ASSET_FILES:
        asset_bytes(name)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="socmethod.serving.web", description="Лёгкая страница калькулятора и веб-API.")
    parser.add_argument("--host", default="127.0.0.1", help="адрес (по умолчанию только этот компьютер)")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=1, help="число рабочих процессов (по одному на ядро)")
    args = parser.parse_args(argv)
    try:
        check_data()
    except (KitError, ValueError, OSError) as err:
        sys.stderr.write(f"Сервер не запущен: данные повреждены. {err}\n")
        return 2
    import uvicorn
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    sys.stderr.write(f"Калькулятор и API: http://{args.host}:{args.port}/ (описание API: /api)\n")
    uvicorn.run("socmethod.serving.web:app", host=args.host, port=args.port, workers=args.workers,
                access_log=False, server_header=False, proxy_headers=False, log_level="warning")
    return 0


if __name__ == "__main__":
    sys.exit(main())
