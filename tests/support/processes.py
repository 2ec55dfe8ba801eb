"""A server process and its kernels, as the benchmarks and the server tests see them (psutil): the
process tree, its CPU time and memory, and stopping a server."""
from __future__ import annotations

import os
import signal
import subprocess
import time
import urllib.request

import psutil


def _tree(pid: int) -> list[psutil.Process]:
    """A process and all its descendants (the Voila server and its kernels); gone processes are skipped."""
    try:
        root = psutil.Process(pid)
        return [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def tree_pids(pid: int) -> list[int]:
    return [p.pid for p in _tree(pid)]


def tree_cpu_seconds(pid: int) -> float:
    """CPU time used by the server and its kernels so far (live processes, plus the reaped kernels the
    server has waited for: the root's children_* times)."""
    total = 0.0
    for p in _tree(pid):
        try:
            t = p.cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += t.user + t.system + (t.children_user + t.children_system if p.pid == pid else 0)
    return total


def tree_rss_mib(pid: int) -> tuple[float, int]:
    """Resident memory of the server and all its descendants (kernels), and the number of processes."""
    total, n = 0, 0
    for p in _tree(pid):
        try:
            total += p.memory_info().rss
            n += 1
        except psutil.NoSuchProcess:
            continue
    return total / 2**20, n


def stop(proc: subprocess.Popen, timeout: float = 10) -> None:
    """Terminate a server and wait for it; kill it if it does not go within `timeout` seconds."""
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()


def stop_session(proc: subprocess.Popen, timeout: float = 20) -> None:
    """Stop a server started with start_new_session=True and everything in its session (a classroom and its
    two Voila servers, a Voila and its kernels): SIGTERM to the group, SIGKILL if it lingers."""
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=timeout)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def wait_until_served(url: str, proc: subprocess.Popen, timeout: float, step: float = 0.3) -> bool:
    """Until `url` answers 200 (True), or the process has ended or `timeout` seconds passed (False)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as resp:
                if resp.status == 200:
                    return True
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            return False
        time.sleep(step)


def wait_until_idle(pid: int, limit: float, window: float = 1.0, share: float = 0.05) -> float:
    """Until the process tree uses under `share` of a core over `window` seconds (a Voila server's pool
    has filled), at most `limit` seconds; returns the seconds waited."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < limit:
        before = tree_cpu_seconds(pid)
        time.sleep(window)
        if tree_cpu_seconds(pid) - before < share * window:
            break
    return time.monotonic() - t0
