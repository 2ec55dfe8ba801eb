"""The static edition (`make site`): built by tools/build_site.py, served by a plain static server, run by
Debian's Chromium with Python in the browser (Voici, Pyodide). Nothing may be asked of any host but the
local server: the browser resolves no other name, and every request is recorded and checked.

The build takes a few seconds once its cache (build/site-cache/) is filled; the very first build installs
the build tools and downloads the wheels (PyPI) and Pyodide (npm registry). Skips with a message when
/usr/bin/chromium is missing, except under CI=true.
"""
from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.support.page_driver import (
    accessibility_problems,
    answer_elderly,
    launch,
    require_chromium,
    serve_static,
    summary_from_page,
)
from tests.support.processes import stop

pytestmark = pytest.mark.site

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "artifacts"
BUILD_TIMEOUT = 900      # the first build downloads; later ones take seconds
LOAD_TIMEOUT_MS = 180_000  # Pyodide start, wheels, the notebook: ~10-30 s on two cores, more under load

require_chromium("static-site browser test")

playwright_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("static") / "site"
    t0 = time.monotonic()
    proc = subprocess.run([sys.executable, str(ROOT / "tools" / "build_site.py"), "--out", str(out), "--quiet"],
                          cwd=ROOT, capture_output=True, text=True, timeout=BUILD_TIMEOUT)
    assert proc.returncode == 0, f"build failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    print(f"\nstatic site built in {time.monotonic() - t0:.1f} s: {proc.stdout.strip().splitlines()[-1]}")
    return out


@pytest.fixture(scope="module")
def server(site):
    try:
        proc, url = serve_static(site)
    except RuntimeError as err:
        pytest.fail(str(err))
    yield url
    stop(proc)


def test_static_site_recommends_offline(server):
    requested: list[str] = []
    with playwright_api.sync_playwright() as p:
        # offline for real: any other host fails to resolve (and is still recorded below)
        browser = launch(p, ["--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"])
        try:
            context = browser.new_context(viewport={"width": 1000, "height": 900})
            context.on("request", lambda request: requested.append(request.url))  # pages, workers
            pg = context.new_page()
            pg.on("request", lambda request: requested.append(request.url))
            pg.set_default_timeout(60_000)
            t0 = time.monotonic()
            pg.goto(server, timeout=60_000)
            pg.wait_for_selector("text=Пожилой человек", timeout=LOAD_TIMEOUT_MS)
            print(f"static calculator interactive after {time.monotonic() - t0:.1f} s (cold)")

            answer_elderly(pg)
            body = pg.inner_text("body")
            time.sleep(0.3)                 # the labelling script runs on the next animation frame
            problems = accessibility_problems(pg)
            summary = summary_from_page(pg)
            ARTIFACTS.mkdir(exist_ok=True)
            pg.screenshot(path=str(ARTIFACTS / "site_elderly.png"), full_page=True)
        finally:
            browser.close()
    # The same answers as the Voila test: group II, degrees 2/2, lonely -> home care, programme N 1.
    assert "На дому — программа N 1" in body
    assert "Traceback" not in body
    # The static pages carry the same labelling script and the same printable summary as Voila's.
    assert problems == []
    assert "На дому — программа N 1" in summary and "13:00–13:48" in summary
    hosts = {urlsplit(u).hostname for u in requested if urlsplit(u).scheme in ("http", "https", "ws", "wss")}
    assert hosts == {"127.0.0.1"}, sorted(u for u in requested if urlsplit(u).hostname != "127.0.0.1")
    assert any("/static/pyodide/pyodide.asm.wasm" in u for u in requested)
    assert any("/pypi/socmethod-" in u for u in requested)
