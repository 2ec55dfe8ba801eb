"""Two visitors flood their kernels with widget updates while an honest visitor answers: the honest
visitor's answer -> result time, and the server's memory until it is back to its baseline after the
flood ends. Starts its own server with the `make app` command on a free loopback port; prints figures.

Each abusive session (a process of its own) opens the page like a browser, then sends widget updates (a random answer to a
random question, each a full recomputation of the result in its kernel) as fast as the socket takes
them, for --seconds; then it closes. The honest session answers the lonely elderly case and then flips
one answer every --every seconds, timing each answer until its kernel has finished (the result is
recomputed within it). Memory is the resident size of the server and all its kernels (psutil).

    .venv/bin/python benchmarks/flood.py [--seconds 30] [--abusers 2] [--stock] [--voila-opt=--Key=value ...]

--stock runs the same flood against the stock `voila` command with the same options and jupyter_server's
own kernel manager (no rate limit, no shutdown of busy kernels, unbounded output buffers): the figures
before the kit's server. Issue 16
measured there: the honest answers went from 48 ms to 275-406 ms, and memory 434 -> 1010 MB in the two
minutes after the flood, still rising.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))   # the test tooling (tests/support) is not part of the package

from socmethod.serving.voila import override_options, voila_command, voila_env  # noqa: E402
from tests.support.loadclient import WidgetSession, answer_elderly, fetch_page  # noqa: E402
from tests.support.page_driver import free_port  # noqa: E402
from tests.support.processes import stop, tree_cpu_seconds, tree_rss_mib, wait_until_idle, wait_until_served  # noqa: E402


def start_server(port: int, pool: int, stock: bool, extra: list[str]) -> subprocess.Popen:
    cmd = override_options(voila_command(port=port, pool=pool), extra)
    if stock:   # Voila itself, with jupyter_server's kernel manager (the kit's bounds its output buffers)
        cmd = override_options([str(Path(sys.executable).parent / "voila")] + cmd[3:], [
            "--VoilaConfiguration.multi_kernel_manager_class="
            "jupyter_server.services.kernels.kernelmanager.AsyncMappingKernelManager"])
    env = voila_env()
    env["PYTHONPATH"] = str(ROOT)
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT, env=env)
    # A static file: asking for the page would take a kernel from the pool.
    if not wait_until_served(f"http://127.0.0.1:{port}/voila/static/voila.js", proc, 60):
        proc.kill()
        raise SystemExit("Voila did not start within 60 s")
    return proc


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))] if values else float("nan")


def ms(values: list[float]) -> str:
    if not values:
        return "none"
    return (f"median {statistics.median(values) * 1000:.0f} ms, p95 {pct(values, 0.95) * 1000:.0f} ms, "
            f"max {max(values) * 1000:.0f} ms over {len(values)}")


async def honest(url: str, seconds: float, every: float) -> list[float]:
    """Answer the elderly case, then flip «живёт один» every `every` seconds for `seconds`."""
    page = await fetch_page(url, 60)
    session = WidgetSession(page, timeout=60)
    await session.open()
    times = []
    try:
        await answer_elderly(session, timeout=60)
        lonely = [m for m in session.radios() if "Не знаю" in session.labels(m) and "Да" in session.labels(m)][1]
        t_end = time.monotonic() + seconds
        i = 0
        while time.monotonic() < t_end:
            await asyncio.sleep(every)
            times.append(await session.answer(lonely, "Нет" if i % 2 == 0 else "Да", timeout=60))
            i += 1
    finally:
        await session.close()
    return times


async def abuser(url: str, seconds: float) -> tuple[int, int]:
    """Send random answers to random questions as fast as the socket takes them, reconnecting whenever
    the server closes the socket (as a script would); returns (updates sent, connections opened)."""
    page = await fetch_page(url, 60)
    sent = connections = 0
    t_end = time.monotonic() + seconds
    while time.monotonic() < t_end:
        session = WidgetSession(page, timeout=10)
        session.keep_frames = False
        try:
            await session.open()
            connections += 1
            radios = session.radios()
            while time.monotonic() < t_end:
                model = random.choice(radios)
                state = {"index": random.randrange(len(session.labels(model)) or 1)}
                message = session._msg("comm_msg", {"comm_id": model, "data": {
                    "method": "update", "state": state, "buffer_paths": []}}, metadata={"version": "2.1.0"})
                await asyncio.wait_for(session._conn.write_message(json.dumps(message)), 10)
                sent += 1
                if sent % 20 == 0:
                    await asyncio.sleep(0)     # let the honest client's loop run too
                    radios = session.radios() or radios
        except Exception:   # closed or refused by the server (tornado raises several kinds): try again
            await asyncio.sleep(0.2)
        finally:
            await session.close()
    return sent, connections


def _abuser_process(url: str, seconds: float, results) -> None:
    results.put(asyncio.run(abuser(url, seconds)))


def flood(url: str, seconds: float, abusers: int, every: float):
    """Each abuser in a process of its own, so that the honest client's event loop measures the server,
    not its own queue behind the abusers' writes."""
    results = multiprocessing.Queue()
    processes = [multiprocessing.Process(target=_abuser_process, args=(url, seconds, results))
                 for _ in range(abusers)]
    for process in processes:
        process.start()
    time.sleep(2)                        # the flood is on before the honest visitor starts
    times = asyncio.run(asyncio.wait_for(honest(url, seconds - 2, every), seconds + 300))
    done = [results.get(timeout=120) for _ in processes]
    for process in processes:
        process.join(10)
    return times, [r[0] for r in done], [r[1] for r in done]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--abusers", type=int, default=2)
    parser.add_argument("--every", type=float, default=0.5, help="seconds between the honest visitor's answers")
    parser.add_argument("--pool", type=int, default=4)
    parser.add_argument("--after", type=float, default=150, help="seconds to watch memory after the flood")
    parser.add_argument("--stock", action="store_true", help="the stock `voila` command (no guard)")
    parser.add_argument("--voila-opt", action="append", default=[], help="a --Key=value for the server (repeatable)")
    args = parser.parse_args()
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    server = start_server(port, args.pool, args.stock, args.voila_opt)
    name = "stock voila command" if args.stock else "socmethod.serving.server"
    try:
        wait_until_idle(server.pid, limit=60)
        baseline = tree_rss_mib(server.pid)[0]
        quiet = asyncio.run(honest(url, 15, args.every))
        wait_until_idle(server.pid, limit=60)
        print(f"{name}, pool {args.pool}; this machine's 2 cores also run the clients")
        print(f"baseline: {baseline:.0f} MiB (server + pool); honest answers without a flood: {ms(quiet)}")
        t0 = time.monotonic()
        cpu0 = tree_cpu_seconds(server.pid)
        times, sent, connections = flood(url, args.seconds, args.abusers, args.every)
        peak = tree_rss_mib(server.pid)[0]
        cpu = tree_cpu_seconds(server.pid) - cpu0
        print(f"during a {args.seconds:.0f} s flood by {args.abusers} sessions ({sum(sent)} updates sent, "
              f"{sum(sent) / args.seconds:.0f}/s, over {sum(connections)} connections): honest answers {ms(times)}; "
              f"{sum(t < 0.1 for t in times) / max(1, len(times)):.0%} under 100 ms")
        print(f"server and kernels used {cpu:.0f} CPU-seconds during the flood "
              f"({cpu / (time.monotonic() - t0):.2f} of the 2 cores); memory at its end: {peak:.0f} MiB")
        samples = []
        back = None
        while time.monotonic() - t0 < args.seconds + args.after:
            time.sleep(5)
            rss, procs = tree_rss_mib(server.pid)
            samples.append(f"{time.monotonic() - t0 - args.seconds:.0f}s {rss:.0f}")
            if back is None and rss <= baseline * 1.10:
                back = time.monotonic() - t0 - args.seconds
                break
        print("memory after the flood (seconds after its end, MiB): " + ", ".join(samples))
        print(f"back within 10 % of the baseline {back:.0f} s after the flood ended" if back is not None
              else f"not back to the baseline ({baseline:.0f} MiB) within {args.after:.0f} s")
    finally:
        stop(server)


if __name__ == "__main__":
    main()
