"""Static edition (Voici, Pyodide) cold-load speed: time from `page.goto` until «Пожилой человек» shows,
and bytes the page pulled, over N cold loads (a fresh browser each: no HTTP cache, no service worker,
no IndexedDB). Builds the site with tools/build_site.py into a temporary folder, or takes a built one
with --site; serves it with `python -m http.server` on loopback (no gzip, like any plain static server).
Prints figures only.

    python benchmarks/site_speed.py [--loads 5] [--site DIR] [--timeline]

--timeline also prints, for the first load, every request (start / end in s since goto, bytes) and the
browser console, to see where the time goes.
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.page_driver import launch, serve_static  # noqa: E402
from tests.support.processes import stop  # noqa: E402

READY_TEXT = "Пожилой человек"
LOAD_TIMEOUT_MS = 180_000


def serve(site: Path) -> tuple[subprocess.Popen, str]:
    try:
        return serve_static(site)
    except RuntimeError as err:
        raise SystemExit(str(err)) from None


def one_load(p, url: str, timeline: bool) -> dict:
    # offline for real, as in tests/test_site.py: any other host fails to resolve
    browser = launch(p, ["--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"])
    events: list[tuple[float, str]] = []
    reqs: dict = {}
    nbytes = [0]
    t0 = [0.0]

    def now() -> float:
        return time.monotonic() - t0[0]

    def on_request(r):
        reqs.setdefault(id(r), [r.url, now(), None, 0])

    def on_response(r):
        size = int(r.headers.get("content-length", 0) or 0)   # http.server sends it; no compression
        if r.from_service_worker:
            return      # a service worker's answer to the page: its own fetch was counted already
        nbytes[0] += size
        rec = reqs.setdefault(id(r.request), [r.url, now(), None, 0])
        rec[3] = size

    def on_done(r):
        rec = reqs.get(id(r))
        if rec:
            rec[2] = now()

    try:
        context = browser.new_context(viewport={"width": 1000, "height": 900})
        # context-level events also carry the Web Worker's requests (Pyodide, wheels)
        context.on("request", on_request)
        context.on("response", on_response)
        context.on("requestfinished", on_done)
        context.on("requestfailed", on_done)
        pg = context.new_page()
        pg.on("console", lambda m: events.append((now(), f"console.{m.type}: {m.text[:200]}")))
        pg.on("worker", lambda w: (events.append((now(), f"worker {w.url}")),
                                   w.on("console", lambda m: events.append((now(), f"worker console: {m.text[:200]}")))))
        t0[0] = time.monotonic()
        pg.goto(url, timeout=60_000)
        pg.wait_for_selector(f"text={READY_TEXT}", timeout=LOAD_TIMEOUT_MS)
        ready = now()
    finally:
        browser.close()
    if timeline:
        base = url.rstrip("/")
        rows = [(start, f"{start:7.2f} {end if end is not None else float('nan'):7.2f} {size:>10,}  "
                        f"{u.replace(base, '')[:110]}") for u, start, end, size in reqs.values()]
        rows += [(t, f"{t:7.2f}         {'':>10}  ## {text}") for t, text in events]
        print("  start     end      bytes  request / event")
        for _, line in sorted(rows):
            print(line)
        print(f"{ready:7.2f}  ready: «{READY_TEXT}» on the page")
    return {"ready": ready, "bytes": nbytes[0], "requests": len(reqs)}


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, round(q * (len(s) - 1)))]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--loads", type=int, default=5)
    ap.add_argument("--site", type=Path, help="a built site (default: build one into a temporary folder)")
    ap.add_argument("--timeline", action="store_true", help="print the first load's requests and console")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        site = args.site
        if site is None:
            site = Path(tmp) / "site"
            t = time.monotonic()
            subprocess.run([sys.executable, str(ROOT / "tools" / "build_site.py"), "--out", str(site), "--quiet"],
                           check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
            print(f"built in {time.monotonic() - t:.1f} s")
        proc, url = serve(site)
        try:
            results = []
            with sync_playwright() as p:
                for i in range(args.loads):
                    r = one_load(p, url, args.timeline and i == 0)
                    results.append(r)
                    print(f"load {i + 1}: interactive after {r['ready']:.2f} s, {r['bytes'] / 1e6:.1f} MB "
                          f"in {r['requests']} requests", flush=True)
        finally:
            stop(proc)
    ready = [r["ready"] for r in results]
    mb = [r["bytes"] / 1e6 for r in results]
    print(f"cold loads: {len(ready)}; time to interactive median {statistics.median(ready):.2f} s, "
          f"p95 {pct(ready, 0.95):.2f} s (min {min(ready):.2f}, max {max(ready):.2f}); "
          f"transferred median {statistics.median(mb):.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
