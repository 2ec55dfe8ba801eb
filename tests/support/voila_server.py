"""A real calculator server for the server tests: socmethod.serving.voila's command on a free loopback
port, with its own JUPYTER_RUNTIME_DIR, TMPDIR, IPYTHONDIR and JUPYTER_DATA_DIR under one temporary
directory and its output in a log file (so a test can read every file it wrote, and its log).

Every wait has a deadline: Voila sends keep-alives, so a hung server would otherwise hang the run.
"""
from __future__ import annotations

import asyncio
import os
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

import psutil
import pytest

from socmethod.serving.voila import override_options, voila_command, voila_env
from tests.support.page_driver import free_port
from tests.support.processes import tree_pids

ROOT = Path(__file__).resolve().parents[2]


def run(coro, timeout: float = 90):
    """Run a coroutine with a deadline (the loop is new each time: tests stay independent)."""
    return asyncio.run(asyncio.wait_for(coro, timeout))


def short_tmp() -> Path:
    """A directory with a short path: the kernels' ipc sockets live under TMPDIR and a Unix socket path
    may not exceed 107 bytes (pytest's tmp_path is too long: every kernel fails, every page is a 500)."""
    return Path(tempfile.mkdtemp(prefix="smh-", dir="/tmp"))


class Server:
    """`command` defaults to the public calculator's (`voila_command`); `extra` overrides its options;
    `env` adds to its environment."""

    def __init__(self, base: Path | None = None, pool: int = 1, cull_after: int = 600, extra: list[str] = (),
                 command: list[str] | None = None, port: int | None = None, env: dict[str, str] | None = None):
        self.base = base or short_tmp()
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.dirs = {name: self.base / name for name in ("runtime", "tmp", "ipython", "data")}
        for d in self.dirs.values():
            d.mkdir(parents=True, exist_ok=True)
        self.log = self.base / "voila.log"
        extra_env, env = env, voila_env()
        env.update(JUPYTER_RUNTIME_DIR=str(self.dirs["runtime"]), TMPDIR=str(self.dirs["tmp"]),
                   TEMP=str(self.dirs["tmp"]), TMP=str(self.dirs["tmp"]), IPYTHONDIR=str(self.dirs["ipython"]),
                   JUPYTER_DATA_DIR=str(self.dirs["data"]),
                   PYTHONPATH=os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p))
        env.update(extra_env or {})
        cmd = command or voila_command(port=self.port, pool=pool, cull_after=cull_after)
        cmd = override_options(cmd, list(extra))
        self.started = time.time()
        with open(self.log, "wb") as fh:
            self.proc = subprocess.Popen(cmd, stdout=fh, stderr=subprocess.STDOUT, cwd=ROOT, env=env,
                                         start_new_session=True)
        self._wait_ready(pool)

    def _wait_ready(self, pool: int, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:   # a static file: asking for "/" would take a kernel
            if self.proc.poll() is not None:
                log = self.log_text()[-3000:]
                self.close()
                pytest.fail(f"Voila exited with {self.proc.returncode}:\n{log}")
            try:
                with urllib.request.urlopen(self.url + "voila/static/voila.js", timeout=5):
                    break
            except OSError:
                time.sleep(0.3)
        else:
            self.close()
            pytest.fail(f"Voila did not answer within {timeout} s")
        if pool > 0 and not self.wait_for_log("is filled with", deadline - time.monotonic()):
            self.close()
            pytest.fail("the kernel pool did not fill")

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def wait_for_log(self, text: str, timeout: float, count: int = 1) -> bool:
        """Wait until `text` appears `count` times in the log."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.log_text().count(text) >= count:
                return True
            time.sleep(0.2)
        return False

    def wait_for_pool(self, timeout: float = 30) -> None:
        """Wait until the pool has refilled after every kernel handed out so far."""
        handed = self.log_text().count("Using pre-heated kernel")
        assert self.wait_for_log("is filled with", timeout, count=handed + 1), "the pool did not refill"

    def kernel_pid(self, kernel_id: str) -> int | None:
        for proc in psutil.process_iter(["cmdline"]):
            cmdline = " ".join(proc.info["cmdline"] or [])
            if f"kernel-{kernel_id}.json" in cmdline and "ipykernel" in cmdline:
                return proc.pid
        return None

    def kernel_count(self) -> int:
        """ipykernel processes under the server."""
        count = 0
        for pid in self.tree():
            try:
                count += "ipykernel" in " ".join(psutil.Process(pid).cmdline())
            except psutil.Error:
                continue
        return count

    def tree(self) -> list[int]:
        return tree_pids(self.proc.pid)

    def stop(self) -> None:
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=15)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.base, ignore_errors=True)


def wait_until(predicate, timeout: float, step: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return bool(predicate())
