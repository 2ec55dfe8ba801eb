"""What the Voila calculator page costs a visitor to fetch: bytes over the wire, requests, how many
responses were compressed, and the time until the first question is visible, on a first visit (cold
cache) and on a second visit (the browser's cache as the first visit left it). Starts its own Voila with
the `make app` command on a free loopback port; prints figures only.

The page is opened in Chromium through the DevTools protocol, optionally as a mid-range phone would
(--phone: CPU 4x slower, 9 Mbit/s down, 1.5 up, 60 ms round trip, 360 px wide; see
../shared/docs/jupyter-notes.md). Bytes are Chromium's encodedDataLength: what crossed the network,
headers included.

    .venv/bin/python benchmarks/voila_delivery.py [--loads 5] [--phone] [--voila-opt=--Key=value ...]
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))   # the test tooling (tests/support) is not part of the package

from socmethod.serving.voila import override_options, voila_command, voila_env  # noqa: E402
from tests.support.page_driver import free_port, launch  # noqa: E402
from tests.support.processes import stop  # noqa: E402

FIRST_QUESTION = "text=Пожилой человек"
PHONE_NETWORK = {"offline": False, "latency": 60, "downloadThroughput": 9e6 / 8, "uploadThroughput": 1.5e6 / 8}


def start_server(port: int, pool: int, extra: list[str]) -> subprocess.Popen:
    cmd = override_options(voila_command(port=port, pool=pool), extra)
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT, env=voila_env())
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:   # a static file: asking for the page would take a kernel from the pool
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/voila/static/voila.js", timeout=5):
                break
        except OSError:
            time.sleep(0.3)
    else:
        proc.kill()
        raise SystemExit("Voila did not start within 60 s")
    time.sleep(3 + pool)   # the pool fills one kernel at a time
    return proc


class Visit:
    """One page load in a browser context, with every response the network delivered."""

    def __init__(self, context, phone: bool, cache: bool):
        self.page = context.new_page()
        self.cdp = context.new_cdp_session(self.page)
        self.cdp.send("Network.enable")
        self.cdp.send("Network.setCacheDisabled", {"cacheDisabled": not cache})
        if phone:
            self.cdp.send("Network.emulateNetworkConditions", PHONE_NETWORK)
            self.cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})
        self.responses: dict[str, dict] = {}
        self.bytes: dict[str, float] = {}
        self.cdp.on("Network.responseReceived", self._response)
        self.cdp.on("Network.loadingFinished", self._finished)

    def _response(self, event):
        r = event["response"]
        headers = {k.lower(): v for k, v in r.get("headers", {}).items()}
        self.responses[event["requestId"]] = {"url": r["url"], "status": r["status"],
                                              "encoding": headers.get("content-encoding", ""),
                                              "cache": headers.get("cache-control", ""),
                                              "from_cache": r.get("fromDiskCache") or r.get("fromMemoryCache")}

    def _finished(self, event):
        self.bytes[event["requestId"]] = event["encodedDataLength"]

    def load(self, url: str) -> float:
        t0 = time.perf_counter()
        self.page.goto(url, timeout=120_000)
        self.page.wait_for_selector(FIRST_QUESTION, state="visible", timeout=120_000)
        seconds = time.perf_counter() - t0
        self.page.wait_for_timeout(500)     # late requests (fonts, widget CSS) finish
        return seconds

    def figures(self) -> dict:
        network = {rid: r for rid, r in self.responses.items() if not r["from_cache"]}
        return {"bytes": sum(self.bytes.get(rid, 0) for rid in network),
                "requests": len(network),
                "cached": len(self.responses) - len(network),
                "not_modified": sum(1 for r in network.values() if r["status"] == 304),
                "compressed": sum(1 for r in network.values() if r["encoding"] in ("gzip", "br", "deflate")),
                "cacheable": sum(1 for r in self.responses.values()
                                 if "max-age" in r["cache"] and "max-age=0" not in r["cache"])}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--loads", type=int, default=5)
    parser.add_argument("--phone", action="store_true", help="emulate a mid-range phone on 4G")
    parser.add_argument("--voila-opt", action="append", default=[], help="a --Key=value for Voila (repeatable)")
    args = parser.parse_args()
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    server = start_server(port, pool=2, extra=args.voila_opt)
    first, second = [], []
    try:
        with sync_playwright() as p:
            browser = launch(p)
            try:
                for _ in range(args.loads):
                    options = {"viewport": {"width": 360, "height": 740}, "is_mobile": True} if args.phone else {}
                    context = browser.new_context(**options)
                    visit = Visit(context, args.phone, cache=True)
                    first.append((visit.load(url), visit.figures()))
                    visit.page.close()
                    time.sleep(2.5)          # the pool refills (fill_delay 1 s, a kernel start ~1.5 s)
                    again = Visit(context, args.phone, cache=True)
                    second.append((again.load(url), again.figures()))
                    context.close()
                    time.sleep(2.5)
            finally:
                browser.close()
    finally:
        stop(server)
    where = "emulated phone (4x CPU, 9 Mbit/s, 60 ms)" if args.phone else "loopback, no throttling"
    print(f"Voila calculator page, {where}, {args.loads} visitors, browser and server on the same machine")
    for name, runs in (("first visit (cold cache)", first), ("second visit (same browser)", second)):
        f = runs[-1][1]
        times = [t for t, _ in runs]
        print(f"{name}: first question visible median {statistics.median(times):.2f} s "
              f"(min {min(times):.2f}, max {max(times):.2f}); "
              f"{statistics.median(r[1]['bytes'] for r in runs) / 1024:.0f} KiB over the network in "
              f"{f['requests']} requests ({f['compressed']} compressed, {f['not_modified']} not modified), "
              f"{f['cached']} from the browser cache; {f['cacheable']} responses cacheable")


if __name__ == "__main__":
    main()
