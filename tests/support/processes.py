"""A server process and its kernels, as the benchmarks and the server tests see them: the process tree,
its CPU time and memory (from /proc, Linux), and stopping a server."""
from __future__ import annotations

import os
import subprocess


def tree_pids(pid: int) -> list[int]:
    """A process and all its descendants (the Voila server and its kernels)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    out, stack = [], [pid]
    while stack:
        p = stack.pop()
        out.append(p)
        stack.extend(children.get(p, []))
    return out


def tree_cpu_seconds(pid: int) -> float:
    """CPU time used by the server and its kernels so far (live processes, plus the reaped kernels the
    server has waited for)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for p in tree_pids(pid):
        try:
            with open(f"/proc/{p}/stat") as fh:
                f = fh.read().rsplit(")", 1)[1].split()
            total += int(f[11]) + int(f[12]) + (int(f[13]) + int(f[14]) if p == pid else 0)
        except (OSError, IndexError, ValueError):
            pass
    return total / tick


def tree_rss_mib(pid: int) -> tuple[float, int]:
    """Resident memory of the server and all its descendants (kernels), and the number of processes."""
    total, n = 0, 0
    for p in tree_pids(pid):
        try:
            with open(f"/proc/{p}/status") as fh:
                for line in fh:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
                        n += 1
        except OSError:
            pass
    return total / 1024, n


def stop(proc: subprocess.Popen, timeout: float = 10) -> None:
    """Terminate a server and wait for it; kill it if it does not go within `timeout` seconds."""
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
