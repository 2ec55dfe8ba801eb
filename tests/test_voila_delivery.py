"""How the Voila page is delivered (issue 12 item 4): responses compressed, assets cacheable, and the
page's own shutdown beacon frees its kernel when the tab closes. A real server; the browser tests use
Debian's Chromium (they skip without it locally, never under CI=true). Figures (bytes, seconds before
and after) are printed by benchmarks/voila_delivery.py, not asserted here."""
from __future__ import annotations

import gzip
import json
import re
import urllib.error
import urllib.request

import pytest

from tests.support.page_driver import launch, require_chromium
from tests.support.voila_server import Server, wait_until

pytestmark = [pytest.mark.server, pytest.mark.timeout(240)]

IMMUTABLE = "public, max-age=31536000, immutable"


@pytest.fixture(scope="module")
def server():
    srv = Server(pool=2)
    yield srv
    srv.close()


def get(server: Server, path: str, headers: dict | None = None):
    request = urllib.request.Request(server.url + path.lstrip("/"), headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as resp:
            return resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers, err.read()


@pytest.fixture(scope="module")
def page(server):
    status, headers, body = get(server, "/", {"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers["Content-Encoding"] == "gzip"
    html = gzip.decompress(body).decode("utf-8")
    config = json.loads(re.search(r'<script id="jupyter-config-data" type="application/json">\s*(.*?)\s*</script>',
                                  html, re.S).group(1))
    return html, config, headers


def test_the_page_is_compressed_and_never_cached(page):
    html, config, headers = page
    assert "Пожилой человек" in html or "kernelId" in html
    assert "no-store" in headers["Cache-Control"]          # it names the visitor's own kernel


def test_voilas_scripts_come_from_a_fingerprinted_address_cached_for_good(server, page):
    _, config, _ = page
    static = config["fullStaticUrl"]
    assert re.fullmatch(r"/voila/static/[0-9a-f]{16}", static), static
    status, headers, body = get(server, static + "/voila.js", {"Accept-Encoding": "gzip, deflate"})
    assert status == 200
    assert headers["Cache-Control"] == IMMUTABLE
    assert headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in headers["Vary"]
    plain_status, plain_headers, plain = get(server, "/voila/static/voila.js")
    assert plain_status == 200 and "Content-Encoding" not in plain_headers
    assert gzip.decompress(body) == plain
    assert int(headers["Content-Length"]) == len(body) < len(plain) / 2
    # The unversioned address is revalidated, never stale after an upgrade.
    assert plain_headers["Cache-Control"] == "no-cache"
    status, _, _ = get(server, "/voila/static/voila.js", {"If-None-Match": plain_headers["Etag"]})
    assert status == 304


def test_the_widget_managers_hashed_files_are_cached_for_good(server, page):
    _, config, _ = page
    loads = [f"{config['fullLabextensionsUrl']}/{ext['name']}/{ext['load']}" for ext in config["federated_extensions"]]
    assert loads
    for path in loads:
        status, headers, body = get(server, path, {"Accept-Encoding": "gzip"})
        assert status == 200, path
        assert headers["Cache-Control"] == IMMUTABLE, path
        assert headers["Content-Encoding"] == "gzip", path
        assert gzip.decompress(body).startswith(b"var _JUPYTERLAB") or len(gzip.decompress(body)) > len(body)


def test_the_templates_css_is_compressed(server, page):
    html, _, _ = page
    css = re.search(r'href="(/voila/templates/socmethod/static/index\.css\?v=[0-9a-f]+)"', html).group(1)
    status, headers, body = get(server, css, {"Accept-Encoding": "gzip"})
    assert status == 200 and headers["Content-Encoding"] == "gzip"
    assert "max-age" in headers["Cache-Control"]
    assert gzip.decompress(body).lstrip().startswith(b"/*") or b"{" in gzip.decompress(body)[:2000]


def test_a_range_request_gets_the_plain_bytes(server, page):
    _, config, _ = page
    status, headers, body = get(server, config["fullStaticUrl"] + "/voila.js",
                                {"Accept-Encoding": "gzip", "Range": "bytes=0-99"})
    assert status == 206 and len(body) == 100 and "Content-Encoding" not in headers


# -- in Chromium ----------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def chromium():
    require_chromium("Voila delivery in the browser")
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as p:
        browser = launch(p)
        yield browser
        browser.close()


@pytest.mark.browser
def test_in_chromium_every_script_is_compressed_and_a_second_visit_fetches_only_the_page(server, chromium):
    context = chromium.new_context()
    try:
        responses = []
        first = context.new_page()
        first.on("response", lambda r: responses.append(r))
        first.goto(server.url, timeout=60_000)
        first.wait_for_selector("text=Пожилой человек", timeout=60_000)
        first.wait_for_timeout(500)
        scripts = [r for r in responses if re.search(r"\.(js|css)(\?|$)", r.url)]
        assert len(scripts) > 50
        plain = [r.url for r in scripts if r.headers.get("content-encoding") != "gzip"
                 and int(r.headers.get("content-length", "2000")) >= 1024]
        assert plain == []
        first.close()

        server.wait_for_pool()
        fetched = []
        second = context.new_page()
        cdp = context.new_cdp_session(second)
        cdp.send("Network.enable")
        cdp.on("Network.responseReceived",
               lambda e: fetched.append(e["response"]["url"]) if not (e["response"].get("fromDiskCache")
                                                                      or e["response"].get("fromMemoryCache")) else None)
        second.goto(server.url, timeout=60_000)
        second.wait_for_selector("text=Пожилой человек", timeout=60_000)
        second.wait_for_timeout(500)
        over_network = [u for u in fetched if u.startswith("http")]
        assert all(u == server.url or "/api/kernels/" in u for u in over_network), over_network
    finally:
        context.close()


@pytest.mark.browser
def test_closing_the_tab_frees_its_kernel_at_once(server, chromium):
    """The page's beforeunload beacon posts to /voila/api/shutdown/<id> with the _xsrf cookie; Voila
    never set that cookie (issue 1458), so kernels waited for the culler (here 600 s)."""
    server.wait_for_pool()
    context = chromium.new_context()
    try:
        tab = context.new_page()
        tab.goto(server.url, timeout=60_000)
        tab.wait_for_selector("text=Пожилой человек", timeout=60_000)
        kernel_id = re.search(r'"kernelId":\s*"([0-9a-f-]{36})"', tab.content()).group(1)
        assert server.kernel_pid(kernel_id)
        tab.close(run_before_unload=True)
        assert wait_until(lambda: server.kernel_pid(kernel_id) is None, 15), "the kernel outlived its tab"
        assert f"Kernel {kernel_id} (" not in server.log_text()      # not the abandoned-kernel shutdown
    finally:
        context.close()
