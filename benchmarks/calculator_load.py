"""Load on the public calculator: N visitors arriving within a few seconds, each answering a case.

Starts its own Voila (the `make app` command from socmethod.serving.voila.voila_command, with overrides given
here) on a free loopback port, or targets a running server with --url. Each visitor is a websocket
client (socmethod.loadclient) that does what the browser does: GET the page, open the kernel websocket,
kernel_info, fetch the widget states, then answers the lonely elderly person with disability group II
click by click and waits for «Вам могут предложить». Browsers are not used: on a 2-core machine they
would eat the CPU the server needs. Every step has a hard deadline.

Reports per N: success rate (first try; after one reload, as the page's message tells a visitor to do),
page-ready time (GET + websocket + kernel_info + widget states) p50/p95, the GET alone, answer round trip
p50/p95 and last answer -> result p50/p95, the server's process-tree RSS (server + kernels) before /
peak / after, and after the sessions close the memory over time until it is back near the baseline
(idle kernels culled) or a time bound passes. The cull timeout used for the measurement is short
(--cull-after, default 20 s, --cull-interval 5 s) and is printed with the figures.

    python benchmarks/calculator_load.py                         # N = 10, 30, 60 on a fresh server each
    python benchmarks/calculator_load.py --sessions 30 --pool 8
    python benchmarks/calculator_load.py --url http://127.0.0.1:8866/ --pid 1234 --sessions 10
    python benchmarks/calculator_load.py --voila-opt=--VoilaExecutor.timeout=20 --json out.json
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from socmethod.serving.voila import NOTEBOOK, override_options, voila_command, voila_env  # noqa: E402
from tests.support.loadclient import ClientError, WidgetSession, answer_elderly, fetch_page  # noqa: E402
from tests.support.page_driver import free_port  # noqa: E402
from tests.support.processes import tree_cpu_seconds, tree_rss_mib  # noqa: E402

EXPECTED = ("Вам могут предложить", "программа N 1", "программа N 4")


# -- the server --------------------------------------------------------------------------------------
def server_command(port: int, pool: int, cull_after: int, cull_interval: int, notebook: Path,
                   extra: list[str]) -> list[str]:
    cmd = voila_command(port=port, pool=pool, cull_after=cull_after, notebook=notebook)
    return override_options(cmd, [f"--MappingKernelManager.cull_interval={cull_interval}"] + extra)


def server_env(extra: list[str]) -> dict[str, str]:
    env = voila_env()
    # The kernels import socmethod: works from a checkout without an install, too.
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    for item in extra:
        key, _, value = item.partition("=")
        env[key] = value
    return env


def wait_ready(port: int, log: Path, pool: int, timeout: float = 90) -> None:
    """Up (a static file answers, so no kernel is taken from the pool) and the pool filled."""
    deadline = time.monotonic() + timeout
    url = f"http://127.0.0.1:{port}/voila/static/voila.js"
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5):
                break
        except OSError:
            time.sleep(0.3)
    else:
        raise SystemExit(f"Voila did not answer within {timeout} s; see {log}")
    while time.monotonic() < deadline:
        if pool <= 0 or "is filled with" in log.read_text(errors="replace"):
            return
        time.sleep(0.3)
    raise SystemExit(f"the kernel pool did not fill within {timeout} s; see {log}")


async def wait_quiet(pid: int, limit: float = 120.0) -> None:
    """Until the server and its kernels use less than a fifth of a core (or `limit` seconds)."""
    t0 = time.monotonic()
    last = tree_cpu_seconds(pid)
    while time.monotonic() - t0 < limit:
        await asyncio.sleep(2)
        now = tree_cpu_seconds(pid)
        if now - last < 0.4:
            return
        last = now


# -- one visitor -------------------------------------------------------------------------------------
async def visitor(url: str, delay: float, deadlines: dict, barrier: asyncio.Event, retry: bool, state: dict) -> dict:
    await asyncio.sleep(delay)
    rec: dict = {"ok": False, "tries": 0}
    arrived = time.perf_counter()
    for attempt in range(2 if retry else 1):
        rec["tries"] = attempt + 1
        session = None
        try:
            t0 = time.perf_counter()
            page = await fetch_page(url, deadlines["page"])
            rec["get"] = page.seconds
            if not page.root_models:   # rendered without the calculator (the kernel's output came too late)
                raise ClientError("blank page", "the page has no calculator widget"
                                  + (": the notebook cell failed" if "There was an error" in page.html else ""))
            session = WidgetSession(page, timeout=deadlines["step"])
            session.keep_frames = False
            await session.open()
            rec["ready"] = time.perf_counter() - arrived     # a reload's time counts: the visitor waited
            rec["ready_attempt"] = time.perf_counter() - t0
            times, last, html = await answer_elderly(session, deadlines["answer"], deadlines["think"])
            missing = [e for e in EXPECTED if e not in html]
            if missing:
                raise ClientError("result", f"result lacks {missing}")
            rec.update(ok=True, answers=times, last=last, error=None)
            state["holding"] += 1
            try:   # stay connected until every visitor is done: all sessions are open at the peak
                await asyncio.wait_for(barrier.wait(), deadlines["hold"])
            except asyncio.TimeoutError:
                pass
            finally:
                state["holding"] -= 1
            return rec
        except ClientError as err:
            rec["error"] = str(err)
            rec["stage"] = err.stage
        except Exception as err:  # anything else is a failure of this visitor, not of the benchmark
            rec["error"] = f"{type(err).__name__}: {err}"
            rec["stage"] = "other"
        finally:
            if session is not None:
                await session.close()
        if rec.get("stage") not in ("page", "blank page", "websocket", "kernel_info", "states"):
            break   # a visitor who saw the page and then failed would reload too, but count it as failed
    return rec


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    k = (len(values) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


async def run_load(url: str, n: int, spread: float, deadlines: dict, pid: int | None, retry: bool) -> dict:
    barrier = asyncio.Event()
    state = {"holding": 0}
    samples: list[tuple[float, float, int]] = []
    stop = asyncio.Event()

    async def sample() -> None:
        while not stop.is_set():
            if pid:
                rss, procs = tree_rss_mib(pid)
                samples.append((time.monotonic(), rss, procs))
            try:
                await asyncio.wait_for(stop.wait(), 0.5)
            except asyncio.TimeoutError:
                pass

    sampler = asyncio.ensure_future(sample())
    t0 = time.monotonic()
    tasks = [asyncio.ensure_future(visitor(url, i * spread / n, deadlines, barrier, retry, state)) for i in range(n)]
    # Release the sessions once every visitor has answered (and holds its page open) or failed; bounded.
    bound = spread + 2 * (deadlines["page"] + 2 * deadlines["step"] + 25 * (deadlines["answer"] + deadlines["think"])) + 30
    while time.monotonic() - t0 < bound:
        if sum(1 for t in tasks if t.done()) + state["holding"] >= n:
            break
        await asyncio.sleep(0.2)
    peak_at = time.monotonic()
    barrier.set()
    results = []
    for t in tasks:
        try:
            results.append(await asyncio.wait_for(t, 15))
        except asyncio.TimeoutError:
            results.append({"ok": False, "tries": 0, "stage": "deadline", "error": "benchmark deadline"})
    closed_at = time.monotonic()
    stop.set()
    await sampler
    return {"results": results, "samples": samples, "t0": t0, "peak_at": peak_at, "closed_at": closed_at}


def near_baseline(rss: float, procs: int, baseline: float, base_procs: int) -> bool:
    """Back to the pool's kernels only (the used ones culled) and the memory within 100 MiB of the start
    (the server process itself keeps some: ~1-2 MiB per session served)."""
    return procs <= base_procs and rss <= baseline + 100


async def memory_after(pid: int, baseline: float, base_procs: int, bound: float) -> list[tuple[float, float, int]]:
    """Memory every 2 s after the sessions closed, until back near the baseline or `bound` seconds."""
    t0 = time.monotonic()
    out = []
    while True:
        rss, procs = tree_rss_mib(pid)
        out.append((time.monotonic() - t0, rss, procs))
        if near_baseline(rss, procs, baseline, base_procs) or time.monotonic() - t0 > bound:
            return out
        await asyncio.sleep(2)


def summarise(n: int, run: dict, baseline: tuple[float, int], after: list, settings: str) -> dict:
    res = run["results"]
    ok = [r for r in res if r.get("ok")]
    first = [r for r in ok if r["tries"] == 1]
    ready = [r["ready"] for r in ok if "ready" in r]
    gets = [r["get"] for r in ok if "get" in r]
    answers = [a for r in ok for a in r["answers"][:-1]]
    lasts = [r["last"] for r in ok]
    # the peak may come after the sessions closed: the pool refills while the used kernels await culling
    peak = max([s[1] for s in run["samples"]] + [a[1] for a in after], default=float("nan"))
    peak_procs = max([s[2] for s in run["samples"]] + [a[2] for a in after], default=0)
    errors: dict[str, int] = {}
    for r in res:
        if not r.get("ok"):
            errors[r.get("error", "?")[:120]] = errors.get(r.get("error", "?")[:120], 0) + 1
        elif r["tries"] > 1:
            errors["recovered after one reload"] = errors.get("recovered after one reload", 0) + 1
    back = after[-1] if after else None
    return {
        "sessions": n, "settings": settings,
        "success": len(ok) / n, "success_first_try": len(first) / n,
        "ready_p50": pct(ready, .5), "ready_p95": pct(ready, .95), "ready_max": max(ready, default=float("nan")),
        "get_p50": pct(gets, .5), "get_p95": pct(gets, .95),
        "answer_p50": pct(answers, .5), "answer_p95": pct(answers, .95),
        "result_p50": pct(lasts, .5), "result_p95": pct(lasts, .95),
        "rss_before": baseline[0], "procs_before": baseline[1], "rss_peak": peak, "procs_peak": peak_procs,
        "rss_after": back[1] if back else float("nan"), "procs_after": back[2] if back else 0,
        "seconds_to_baseline": back[0] if back and near_baseline(back[1], back[2], *baseline) else None,
        "memory_after": [(round(t), round(m), p) for t, m, p in after],
        "errors": errors,
        "raw": res,
        "load_avg": os.getloadavg()[0],
    }


def pool_runs(runs: list[dict]) -> dict:
    """One summary over several runs of the same N: percentiles over every session of every run."""
    raw = [r for run in runs for r in run["raw"]]
    n = sum(run["sessions"] for run in runs)
    fake = {"results": raw, "samples": []}
    s = summarise(n, fake, (min(r["rss_before"] for r in runs), max(r["procs_before"] for r in runs)), [], runs[0]["settings"])
    s.update(rss_peak=max(r["rss_peak"] for r in runs), procs_peak=max(r["procs_peak"] for r in runs),
             rss_after=max(r["rss_after"] for r in runs), procs_after=max(r["procs_after"] for r in runs),
             memory_after=[],
             seconds_to_baseline=None if any(r["seconds_to_baseline"] is None for r in runs)
             else max(r["seconds_to_baseline"] for r in runs),
             pooled=len(runs), load_avg=None, server_cpu=None)
    s["sessions"] = f"{runs[0]['sessions']} x {len(runs)} runs, pooled"
    return s


def print_summary(s: dict) -> None:
    ms = lambda x: f"{x * 1000:.0f} ms"  # noqa: E731
    load = f"; machine load {s['load_avg']:.1f} at the end" if s.get("load_avg") is not None else ""
    print(f"\n== N = {s['sessions']} sessions ({s['settings']}{load})")
    print(f"success {s['success']:.0%} (first try {s['success_first_try']:.0%})")
    print(f"page ready  p50 {s['ready_p50']:.2f} s  p95 {s['ready_p95']:.2f} s  max {s['ready_max']:.2f} s"
          f"   (GET alone p50 {s['get_p50']:.2f} s, p95 {s['get_p95']:.2f} s)")
    print(f"each answer p50 {ms(s['answer_p50'])}  p95 {ms(s['answer_p95'])};"
          f"  last answer -> result p50 {ms(s['result_p50'])}  p95 {ms(s['result_p95'])}")
    if s.get("server_cpu") is not None:
        print(f"server + kernels used {s['server_cpu']:.0f} CPU-s in {s['wall']:.0f} s "
              f"({s['server_cpu'] / max(1, int(str(s['sessions']).split()[0])):.1f} CPU-s a session; {s['think']:g} s think time a click)")
    print(f"server tree RSS: before {s['rss_before']:.0f} MiB ({s['procs_before']} processes), "
          f"peak {s['rss_peak']:.0f} MiB ({s['procs_peak']}), after {s['rss_after']:.0f} MiB ({s['procs_after']})")
    if s["seconds_to_baseline"] is not None:
        print(f"back near baseline (used kernels culled, RSS within 100 MiB) {s['seconds_to_baseline']:.0f} s after the sessions closed")
    else:
        print("NOT back near baseline within the bound")
    if s["memory_after"]:
        print("memory after close (s, MiB/processes): " + ", ".join(f"{t}:{m}/{p}" for t, m, p in s["memory_after"]))
    for err, count in s["errors"].items():
        print(f"  {count} x {err}")


async def one_run(args, n: int) -> dict:
    deadlines = {"page": args.page_deadline, "step": args.step_deadline, "answer": args.answer_deadline,
                 "hold": args.hold, "think": args.think}
    proc = None
    log_dir = Path(tempfile.mkdtemp(prefix="socmethod-load-"))
    log = log_dir / "voila.log"
    try:
        if args.url:
            url, pid = args.url, args.pid
        else:
            port = free_port()
            cmd = server_command(port, args.pool, args.cull_after, args.cull_interval, Path(args.notebook),
                                 args.voila_opt)
            with open(log, "wb") as fh:
                proc = subprocess.Popen(cmd, stdout=fh, stderr=subprocess.STDOUT, cwd=ROOT,
                                        env=server_env(args.env), start_new_session=True)
            wait_ready(port, log, args.pool)
            url, pid = f"http://127.0.0.1:{port}/", proc.pid
        await asyncio.sleep(args.settle)
        if pid:
            await wait_quiet(pid)   # the pool's pages are still being rendered after "the pool is filled"
        baseline = tree_rss_mib(pid) if pid else (float("nan"), 0)
        cpu0, wall0 = (tree_cpu_seconds(pid) if pid else 0.0), time.monotonic()
        run = await run_load(url, n, args.spread, deadlines, pid, retry=not args.no_retry)
        cpu = (tree_cpu_seconds(pid) - cpu0) if pid else float("nan")
        wall = time.monotonic() - wall0
        bound = args.cull_after + args.cull_interval + 60
        after = await memory_after(pid, baseline[0], baseline[1], bound) if pid else []
        settings = (f"pool {args.pool}, cull after {args.cull_after} s every {args.cull_interval} s, "
                    f"arrivals over {args.spread:g} s" + (f", {' '.join(args.voila_opt)}" if args.voila_opt else ""))
        summary = summarise(n, run, baseline, after, settings)
        summary.update(server_cpu=cpu, wall=wall, think=args.think)
        if proc is not None:
            text = log.read_text(errors="replace")
            summary["log_warnings"] = sum(1 for line in text.splitlines() if "WARNING" in line or "ERROR" in line)
            summary["log"] = str(log)
        return summary
    finally:
        if proc is not None:
            try:
                os.killpg(proc.pid, 15)
                proc.wait(timeout=15)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                try:
                    os.killpg(proc.pid, 9)
                except ProcessLookupError:
                    pass


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sessions", default="10,30,60", help="comma-separated N (default 10,30,60)")
    p.add_argument("--spread", type=float, default=10.0, help="arrivals spread uniformly over this many seconds")
    p.add_argument("--pool", type=int, default=2, help="pre-heated kernels (voila_command pool)")
    p.add_argument("--cull-after", type=int, default=20, help="idle seconds before a kernel is culled (short, for the measurement)")
    p.add_argument("--cull-interval", type=int, default=5)
    p.add_argument("--notebook", default=str(NOTEBOOK))
    p.add_argument("--voila-opt", action="append", default=[], help="extra/overriding Voila option, e.g. --voila-opt=--VoilaExecutor.timeout=20")
    p.add_argument("--env", action="append", default=[], help="KEY=VALUE for the server's environment")
    p.add_argument("--url", help="target a running server instead of starting one")
    p.add_argument("--pid", type=int, help="with --url: the server's pid, for memory figures")
    p.add_argument("--page-deadline", type=float, default=30.0, help="hard deadline of the page GET, s")
    p.add_argument("--step-deadline", type=float, default=20.0, help="hard deadline of websocket/kernel_info/states, s")
    p.add_argument("--answer-deadline", type=float, default=10.0, help="hard deadline of each answer, s")
    p.add_argument("--think", type=float, default=1.0,
                   help="seconds a visitor takes before each click (default 1; 0 = all clicks at once, a stress test)")
    p.add_argument("--hold", type=float, default=60.0, help="longest a finished session stays open waiting for the others, s")
    p.add_argument("--settle", type=float, default=3.0, help="seconds to wait after the pool filled before measuring")
    p.add_argument("--no-retry", action="store_true", help="do not reload once after a page that did not load")
    p.add_argument("--repeat", type=int, default=1, help="runs per N, each on a fresh server; the figures of all runs are also pooled")
    p.add_argument("--json", help="also write the figures to this file")
    args = p.parse_args(argv)
    out = []
    print(f"{os.cpu_count()} CPUs; Voila: {' '.join(server_command(0, args.pool, args.cull_after, args.cull_interval, Path(args.notebook), args.voila_opt)[1:])}")
    for n in [int(x) for x in args.sessions.split(",") if x.strip()]:
        runs = []
        for _ in range(args.repeat):
            summary = asyncio.run(one_run(args, n))
            print_summary(summary)
            runs.append(summary)
            out.append(summary)
            sys.stdout.flush()
        if len(runs) > 1:
            pooled = pool_runs(runs)
            print_summary(pooled)
            out.append(pooled)
    if args.json:
        Path(args.json).write_text(json.dumps([{k: v for k, v in s.items() if k != "raw"} for s in out],
                                              ensure_ascii=False, indent=1))
    return 0 if all(s["success"] == 1 for s in out) else 1


if __name__ == "__main__":
    sys.exit(main())
