"""Calculator speed in a real browser: time to an interactive page (cold and warm), answer -> result
latency, and memory per open session. Starts its own Voila with the `make app` settings on a free
loopback port; prints figures only.

    .venv/bin/python benchmarks/calculator_speed.py [--loads 10] [--toggles 30] [--sessions 5]
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))   # the test tooling (tests/support) is not part of the package

from socmethod.serving.voila import voila_command, voila_env  # noqa: E402
from tests.support.page_driver import answer_elderly, free_port, launch  # noqa: E402
from tests.support.processes import stop, tree_rss_mib, wait_until_idle, wait_until_served  # noqa: E402


def start_server(port: int, pool: int) -> subprocess.Popen:
    proc = subprocess.Popen(voila_command(port=port, pool=pool), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, cwd=ROOT, env=voila_env())
    if wait_until_served(f"http://127.0.0.1:{port}/", proc, 60):
        return proc
    proc.kill()
    raise SystemExit("Voila did not start within 60 s")


def time_to_interactive(browser, url: str) -> tuple[float, object]:
    page = browser.new_page()
    t0 = time.perf_counter()
    page.goto(url, timeout=60_000)
    page.wait_for_selector("text=Пожилой человек", timeout=60_000)
    return time.perf_counter() - t0, page


def answer_latencies(page, toggles: int) -> list[float]:
    """Flip «родственники помогают» yes/no (it decides «одиночество», so the result changes) and time the
    round trip until the result text changes."""
    lonely = page.locator(".sm-question").filter(
        has=page.locator(".sm-qtext", has_text="Есть ли родственники, которые помогают или ухаживают?"))
    result = page.locator(".sm-disclaimer").locator("xpath=ancestor::div[contains(@class,'widget-html')][1]")
    times = []
    for i in range(toggles):
        before = result.inner_html()
        t0 = time.perf_counter()
        lonely.get_by_text("Да" if i % 2 == 0 else "Нет", exact=True).click()
        page.wait_for_function("([el, before]) => el.innerHTML !== before", arg=[result.element_handle(), before],
                               timeout=10_000, polling="raf")
        times.append(time.perf_counter() - t0)
    return times


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--loads", type=int, default=10)
    parser.add_argument("--toggles", type=int, default=30)
    parser.add_argument("--sessions", type=int, default=5)
    parser.add_argument("--pool", type=int, default=2)
    args = parser.parse_args()
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    t0 = time.perf_counter()
    server = start_server(port, args.pool)
    print(f"server up (HTTP 200) in {time.perf_counter() - t0:.1f} s; pool of {args.pool} pre-heated kernels")
    try:
        time.sleep(3)   # let the pool fill, as a server that has been up a while would have
        base = tree_rss_mib(server.pid)[0]
        print(f"server + idle pool memory: {base:.0f} MiB")
        with sync_playwright() as p:
            browser = launch(p)
            cold, page = time_to_interactive(browser, url)
            page.close()
            # Warm, idle server: each visitor arrives once the pool has refilled. The browser runs on the
            # same two cores as the server here, so a kernel starting for the pool (about a CPU-second)
            # during a load slows the browser too; on a real server the browser is elsewhere.
            warm = []
            for _ in range(args.loads):
                wait_until_idle(server.pid, limit=20, window=0.5)
                t, page = time_to_interactive(browser, url)
                warm.append(t)
                page.close()
            print(f"time to interactive: first load {cold:.2f} s; warm idle server: median {statistics.median(warm):.2f} s, "
                  f"p95 {pct(warm, 0.95):.2f} s over {len(warm)} loads")
            # Back to back: a visitor every 1.2 s, so each load shares the CPU with the refill of the pool.
            busy = []
            for _ in range(args.loads):
                time.sleep(1.2)   # the pool refills after fill_delay (1 s)
                t, page = time_to_interactive(browser, url)
                busy.append(t)
                page.close()
            print(f"time to interactive, visitors 1.2 s apart (refill running): median {statistics.median(busy):.2f} s, "
                  f"p95 {pct(busy, 0.95):.2f} s over {len(busy)} loads")
            wait_until_idle(server.pid, limit=20, window=0.5)
            t, page = time_to_interactive(browser, url)
            answer_elderly(page)
            lat = answer_latencies(page, args.toggles)
            print(f"answer -> result: median {statistics.median(lat) * 1000:.0f} ms, p95 {pct(lat, 0.95) * 1000:.0f} ms "
                  f"over {len(lat)} changes (click to changed DOM)")
            page.close()
            time.sleep(2)
            before = tree_rss_mib(server.pid)[0]
            pages = []
            for _ in range(args.sessions):
                _, pg = time_to_interactive(browser, url)
                pages.append(pg)
            time.sleep(3)
            after = tree_rss_mib(server.pid)[0]
            print(f"memory with {args.sessions} open sessions: {after:.0f} MiB "
                  f"(+{(after - before) / args.sessions:.0f} MiB per session, pool refilled included)")
            browser.close()
    finally:
        stop(server)


if __name__ == "__main__":
    main()
