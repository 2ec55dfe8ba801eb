"""A loopback load test of the web edition: many clients at an offered rate, then the saturation throughput.

    .venv/bin/python benchmarks/web_load.py [--clients 200] [--rate 500] [--seconds 30] [--workers 1] [--mix page|results]

1. Offered load (open loop): `--clients` keep-alive connections share `--rate` requests a second for
   `--seconds`, each on its own fixed schedule: `--mix page` (the default) half `POST /api/v1/assess`
   (random synthetic cases), half the first page (`GET /`); `--mix results` half assess, a quarter the
   first page and a quarter the page for a complete set of answers (`POST /`, the result rendered). Latency is counted from the moment a request was due, so a server that
   falls behind is charged for the wait (no coordinated omission); the time from the actual send is printed
   too (a client starved of CPU sends late). Prints p50/p95/p99, errors (any status
   but 200, a broken connection, no answer within 10 s), the rate achieved, and the server's memory
   (all its processes) before, at the peak during, and after.
2. Saturation (closed loop): 32 connections send back to back for 10 s, assess alone and the result page
   alone; requests a second, the server's CPU use, and so requests a second per worker core.

The client and the server share this machine's cores (the client uses a few per cent of one at 500
requests a second): figures taken while other work runs are noisy; say so when reporting them.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.page_driver import start_web  # noqa: E402
from tests.support.processes import stop, tree_cpu_seconds, tree_rss_mib  # noqa: E402
from tests.support.synthetic import random_case  # noqa: E402

TIMEOUT = 10.0
# What the offered load is made of, in turn per client: the (the API and the page a visitor first
# gets) and one with the result page too (a visitor without JavaScript posts the form for it).
MIXES = {"page": ["assess", "page"], "results": ["assess", "assess", "page", "result"]}
MIX_TEXT = {"page": "half POST /api/v1/assess, half GET /",
            "results": "half POST /api/v1/assess, a quarter GET /, a quarter POST / with a complete result"}
ANSWERS = ("category=elderly&disability_group=II"
           + "".join(f"&self_care.{k}=2" for k in ("hygiene", "toilet", "dressing", "medication", "cooking", "eating",
                                                    "housekeeping", "paperwork"))
           + "".join(f"&mobility.{k}=2" for k in ("shopping", "transport", "outdoor_walk", "indoors", "bed"))
           + "&medical_indications_kinds=none&lives_by_self=yes&relatives_help=no&carer_absent=no&family_conflict=no"
           + "&psychiatrist_recommends=none"
           + "&income=32000&members=1&action=result")


def request_bytes(method: str, path: str, body: bytes = b"", content_type: str = "") -> bytes:
    head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    if body:
        head += f"Content-Type: {content_type}\r\nContent-Length: {len(body)}\r\n"
    return (head + "\r\n").encode() + body


def workload(seed: int = 1) -> dict[str, list[bytes]]:
    rng = random.Random(seed)
    cases = [json.dumps(random_case(rng)).encode() for _ in range(64)]
    return {"assess": [request_bytes("POST", "/api/v1/assess", c, "application/json") for c in cases],
            "page": [request_bytes("GET", "/")],
            "result": [request_bytes("POST", "/", ANSWERS.encode(), "application/x-www-form-urlencoded")]}


async def exchange(reader, writer, payload: bytes) -> int:
    """Send one request on a kept-alive connection; the response's status (its body read and dropped)."""
    writer.write(payload)
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = 0
    for line in head.split(b"\r\n"):
        if line[:15].lower() == b"content-length:":
            length = int(line[15:])
    if length:
        await reader.readexactly(length)
    return status


async def open_loop(port: int, clients: int, rate: float, seconds: float, mix: dict[str, list[bytes]], mix_name: str):
    """Each client sends at its own fixed times (every clients/rate seconds, staggered); returns the
    latencies from each request's due time, the error count and the number sent."""
    latencies: list[float] = []
    service: list[float] = []
    errors = {"count": 0}
    sent = {"count": 0}
    interval = clients / rate
    kinds = MIXES[mix_name]
    start = time.perf_counter() + 1.0

    async def client(i: int):
        rng = random.Random(i)
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            errors["count"] += int(seconds / interval)
            return
        n = 0
        while True:
            due = start + (i / clients) * interval + n * interval
            if due - start >= seconds:
                break
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            payload = rng.choice(mix[kinds[(i + n) % len(kinds)]])
            sent["count"] += 1
            sent_at = time.perf_counter()
            try:
                status = await asyncio.wait_for(exchange(reader, writer, payload), TIMEOUT)
                if status != 200:
                    errors["count"] += 1
                done = time.perf_counter()
                latencies.append(done - due)
                service.append(done - sent_at)
            except (OSError, asyncio.IncompleteReadError, asyncio.TimeoutError, ValueError):
                errors["count"] += 1
                writer.close()
                try:
                    reader, writer = await asyncio.open_connection("127.0.0.1", port)
                except OSError:
                    return
            n += 1
        writer.close()

    await asyncio.gather(*(client(i) for i in range(clients)))
    return latencies, service, errors["count"], sent["count"]


async def closed_loop(port: int, connections: int, seconds: float, payloads: list[bytes]) -> tuple[int, int]:
    done = {"ok": 0, "errors": 0}
    stop_at = time.perf_counter() + seconds

    async def client(i: int):
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        n = i
        while time.perf_counter() < stop_at:
            try:
                status = await asyncio.wait_for(exchange(reader, writer, payloads[n % len(payloads)]), TIMEOUT)
                done["ok" if status == 200 else "errors"] += 1
            except (OSError, asyncio.IncompleteReadError, asyncio.TimeoutError):
                done["errors"] += 1
                return
            n += 1
        writer.close()

    await asyncio.gather(*(client(i) for i in range(connections)))
    return done["ok"], done["errors"]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=200)
    ap.add_argument("--rate", type=float, default=500)
    ap.add_argument("--seconds", type=float, default=30)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--mix", choices=sorted(MIXES), default="page")
    ap.add_argument("--saturation-seconds", type=float, default=10)
    args = ap.parse_args()
    try:
        import uvloop
        uvloop.install()
    except ImportError:
        pass
    mix = workload()
    proc, url = start_web(workers=args.workers)
    port = int(url.rsplit(":", 1)[1])
    try:
        time.sleep(1.0)
        before, nproc = tree_rss_mib(proc.pid)
        peak = {"rss": before}
        sampling = {"on": True}

        def sample():
            while sampling["on"]:
                peak["rss"] = max(peak["rss"], tree_rss_mib(proc.pid)[0])
                time.sleep(0.5)
        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        t0 = time.perf_counter()
        latencies, service, errors, sent = asyncio.run(open_loop(port, args.clients, args.rate, args.seconds, mix, args.mix))
        elapsed = time.perf_counter() - t0 - 1.0
        sampling["on"] = False
        sampler.join()
        time.sleep(5)
        after, _ = tree_rss_mib(proc.pid)
        print(f"Offered load: {args.clients} clients, {args.rate:.0f} requests/s for {args.seconds:.0f} s "
              f"({MIX_TEXT[args.mix]}), {args.workers} worker(s):")
        print(f"  sent {sent}, answered {len(latencies)}, errors {errors}, achieved {len(latencies) / elapsed:.0f} requests/s")
        if latencies:
            print(f"  latency from the due time: p50 {percentile(latencies, 50) * 1000:.1f} ms, "
                  f"p95 {percentile(latencies, 95) * 1000:.1f} ms, p99 {percentile(latencies, 99) * 1000:.1f} ms, "
                  f"max {max(latencies) * 1000:.0f} ms")
            print(f"  latency from the send (what the server took once asked): p50 {percentile(service, 50) * 1000:.1f} ms, "
                  f"p95 {percentile(service, 95) * 1000:.1f} ms")
        print(f"  server memory ({nproc} processes): before {before:.0f} MiB, peak during {peak['rss']:.0f} MiB, "
              f"5 s after {after:.0f} MiB")

        print(f"Saturation ({args.workers} worker(s), 32 connections back to back, {args.saturation_seconds:.0f} s each):")
        for name in ("assess", "result", "page"):
            cpu0, t1 = tree_cpu_seconds(proc.pid), time.perf_counter()
            ok, bad = asyncio.run(closed_loop(port, 32, args.saturation_seconds, mix[name]))
            wall, cpu = time.perf_counter() - t1, tree_cpu_seconds(proc.pid) - cpu0
            rate = ok / wall
            label = {"assess": "POST /api/v1/assess", "result": "POST / (result page)", "page": "GET / (first page)"}[name]
            print(f"  {label:24} {rate:7.0f} requests/s, server CPU {cpu / wall:.2f} cores, "
                  f"{rate / max(cpu / wall, 1e-9):7.0f} requests/s per worker core, errors {bad}")
    finally:
        stop(proc)
    return 0


if __name__ == "__main__":
    sys.exit(main())
