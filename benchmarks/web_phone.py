"""Time to the first question on an emulated mid-range phone: the light page, the Voila calculator and a
plain HTML floor, measured in the same run, interleaved (so the machine's noise falls on all three).

    .venv/bin/python benchmarks/web_phone.py [--runs 7]

The phone (Chromium through the DevTools protocol, as issue 12 measured it): CPU 4x slower, 9 Mbit/s
down, 1.5 Mbit/s up, 60 ms round trip, cold cache, 360 x 740, mobile. Each visit is a fresh browser
context with the cache disabled; the clock runs from the navigation's start until the first question's
text is visible. Prints per page the median and the slowest time, and what the visit transferred.
Browser, servers and this script share the machine's cores: figures taken while other work runs are noisy.
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from socmethod.apps.public.wording import texts  # noqa: E402
from socmethod.render import render  # noqa: E402
from socmethod.serving.voila import voila_command, voila_env  # noqa: E402
from tests.support.page_driver import free_port, launch, serve_static, start_web  # noqa: E402
from tests.support.processes import stop  # noqa: E402

PHONE = {"latency": 60, "downloadThroughput": 9e6 / 8, "uploadThroughput": 1.5e6 / 8, "offline": False}
CPU_SLOWDOWN = 4


def floor_site(folder: Path) -> Path:
    """The floor: a plain HTML page with the same first question and nothing else."""
    question = texts()["urgent"]["question"]
    from socmethod.apps.public.model import urgent_options
    (folder / "index.html").write_text(render("web/floor.html.j2", title=texts()["title"], question=question,
                                              options=urgent_options()), encoding="utf-8")
    return folder


def start_voila() -> tuple[subprocess.Popen, str]:
    port = free_port()
    proc = subprocess.Popen(voila_command(port=port, pool=2), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            cwd=ROOT, env=voila_env())
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=10):
                time.sleep(3)            # let the pre-heated kernels start
                return proc, url
        except OSError:
            time.sleep(0.5)
    stop(proc)
    raise SystemExit("Voila did not start within 90 s")


def visit(browser, url: str, question: str) -> tuple[float, int, int]:
    """(seconds to the first question, bytes transferred by then, requests by then) on the emulated phone."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True,
                                  device_scale_factor=2)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    cdp.send("Network.emulateNetworkConditions", PHONE)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
    transferred = {"bytes": 0, "requests": 0}

    def finished(event):
        transferred["bytes"] += int(event.get("encodedDataLength", 0))
        transferred["requests"] += 1
    cdp.on("Network.loadingFinished", finished)
    t0 = time.perf_counter()
    page.goto(url, wait_until="commit", timeout=180_000)
    page.get_by_text(question, exact=False).first.wait_for(state="visible", timeout=180_000)
    seconds = time.perf_counter() - t0
    result = (seconds, transferred["bytes"], transferred["requests"])
    context.close()
    return result


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--no-voila", action="store_true", help="measure the light page and the floor only")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright
    question = texts()["urgent"]["question"].split("?")[0]
    procs = []
    with tempfile.TemporaryDirectory() as tmp:
        try:
            static_proc, floor_url = serve_static(floor_site(Path(tmp)))
            procs.append(static_proc)
            web_proc, web_url = start_web()
            procs.append(web_proc)
            pages = {"plain HTML floor": floor_url, "light page (make web)": web_url + "/"}
            if not args.no_voila:
                voila_proc, voila_url = start_voila()
                procs.append(voila_proc)
                pages["Voila calculator (make app)"] = voila_url
            times: dict[str, list] = {name: [] for name in pages}
            with sync_playwright() as p:
                browser = launch(p)
                for name, url in pages.items():       # one unmeasured visit each: servers and browser warm
                    visit(browser, url, question)
                for _ in range(args.runs):
                    for name, url in pages.items():
                        times[name].append(visit(browser, url, question))
                browser.close()
        finally:
            for proc in procs:
                stop(proc)
    print(f"First question visible on an emulated phone (CPU {CPU_SLOWDOWN}x, 9/1.5 Mbit/s, 60 ms RTT, cold cache, "
          f"360 px), {args.runs} visits each:")
    print(f"{'page':32} {'median':>8} {'slowest':>8} {'transferred':>12} {'requests':>9}")
    for name, runs in times.items():
        secs = [r[0] for r in runs]
        print(f"{name:32} {statistics.median(secs):7.2f}s {max(secs):7.2f}s {statistics.median(r[1] for r in runs) / 1024:9.1f} KB "
              f"{statistics.median(r[2] for r in runs):9.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
