"""What the Voila calculator page costs a visitor to fetch: bytes over the wire, requests, how many
responses were compressed, and the time until the first question is visible, on a first visit (cold
cache) and on a second visit (the browser's cache as the first visit left it), and the server's CPU
time per first visit. Starts its own servers with the `make app` options on free loopback ports; prints
figures only.

The page is opened in Chromium through the DevTools protocol, optionally as a mid-range phone would
(--phone: CPU 4x slower, 9 Mbit/s down, 1.5 up, 60 ms round trip, 360 px wide; see
../shared/docs/jupyter-notes.md). Bytes are Chromium's encodedDataLength: what crossed the network,
headers included.

    .venv/bin/python benchmarks/voila_delivery.py [--loads 5] [--phone] [--only kit|stock] [--voila-opt=--Key=value ...]

Two servers are started: the stock `voila` command with the same options (the figures before the kit's
server compressed and cached the page) and socmethod.serving.server; visits alternate between them, so
the load of a shared machine weighs on both alike. --only kit|stock measures one.
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

import psutil
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))   # the test tooling (tests/support) is not part of the package

from socmethod.serving.voila import override_options, voila_command, voila_env  # noqa: E402
from tests.support.page_driver import free_port, launch  # noqa: E402
from tests.support.processes import stop, wait_until_served  # noqa: E402

FIRST_QUESTION = "text=Пожилой человек"
PHONE_NETWORK = {"offline": False, "latency": 60, "downloadThroughput": 9e6 / 8, "uploadThroughput": 1.5e6 / 8}


def start_server(port: int, pool: int, extra: list[str], stock: bool = False) -> subprocess.Popen:
    cmd = override_options(voila_command(port=port, pool=pool), extra)
    if stock:   # the same options for the `voila` command itself: the figures before the kit's server
        cmd = [str(Path(sys.executable).parent / "voila")] + cmd[3:]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT, env=voila_env())
    # A static file: asking for the page would take a kernel from the pool.
    if not wait_until_served(f"http://127.0.0.1:{port}/voila/static/voila.js", proc, 60):
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
                "compressed": sum(1 for r in network.values() if r["encoding"] in ("gzip", "br", "deflate"))}


def visit_twice(browser, url: str, phone: bool, server_process: psutil.Process) -> dict:
    """A first visit with a cold cache, then a second one in the same browser context."""
    options = {"viewport": {"width": 360, "height": 740}, "is_mobile": True} if phone else {}
    context = browser.new_context(**options)
    try:
        visit = Visit(context, phone, cache=True)
        before = sum(server_process.cpu_times()[:2])
        first = (visit.load(url), visit.figures())
        cpu = sum(server_process.cpu_times()[:2]) - before
        visit.page.close()
        time.sleep(2.5)          # the pool refills (fill_delay 1 s, a kernel start ~1.5 s)
        again = Visit(context, phone, cache=True)
        second = (again.load(url), again.figures())
    finally:
        context.close()
    return {"first": first, "second": second, "cpu": cpu}


def report(name: str, runs: list[dict]) -> None:
    print(f"{name}:")
    for key, label in (("first", "first visit (cold cache)"), ("second", "second visit (same browser)")):
        times = [r[key][0] for r in runs]
        f = runs[-1][key][1]
        print(f"  {label}: first question visible median {statistics.median(times):.2f} s "
              f"(min {min(times):.2f}, max {max(times):.2f}); "
              f"{statistics.median(r[key][1]['bytes'] for r in runs) / 1024:.0f} KiB over the network in "
              f"{f['requests']} requests ({f['compressed']} compressed), {f['cached']} from the browser cache")
    print(f"  server process CPU per first visit (page, assets, websocket; kernels not counted): "
          f"median {statistics.median(r['cpu'] for r in runs):.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--loads", type=int, default=5)
    parser.add_argument("--phone", action="store_true", help="emulate a mid-range phone on 4G")
    parser.add_argument("--voila-opt", action="append", default=[], help="a --Key=value for Voila (repeatable)")
    parser.add_argument("--only", choices=["kit", "stock"], help="measure one server only")
    args = parser.parse_args()
    editions = [e for e in ("stock", "kit") if args.only in (None, e)]
    servers, urls = {}, {}
    runs: dict[str, list[dict]] = {e: [] for e in editions}
    try:
        for edition in editions:
            port = free_port()
            urls[edition] = f"http://127.0.0.1:{port}/"
            servers[edition] = start_server(port, pool=2, extra=args.voila_opt, stock=edition == "stock")
        with sync_playwright() as p:
            browser = launch(p)
            try:
                for i in range(args.loads):
                    # Alternate which goes first: the machine's load drifts, both see the same drift.
                    for edition in editions if i % 2 == 0 else editions[::-1]:
                        runs[edition].append(visit_twice(browser, urls[edition], args.phone,
                                                         psutil.Process(servers[edition].pid)))
                        time.sleep(2.5)
            finally:
                browser.close()
    finally:
        for server in servers.values():
            stop(server)
    where = "emulated phone (4x CPU, 9 Mbit/s, 60 ms)" if args.phone else "loopback, no throttling"
    print(f"Voila calculator page, {where}, {args.loads} visitors each, visits alternating between the servers; "
          f"browser and servers on the same machine")
    names = {"stock": "stock `voila` command, same options (before)",
             "kit": "socmethod.serving.server (compressed, cacheable)"}
    for edition in editions:
        report(names[edition], runs[edition])


if __name__ == "__main__":
    main()
