"""The published calculator under abuse and faults: a real Voila started with socmethod.serving.voila's command.

Protocol-level checks use tests.support.loadclient (a websocket client that does what the page does), so a
test can send what no browser sends (an execute_request, an out-of-range index); the kernel-death page
check uses Chromium. Every network step has a deadline, and every test a hard cap (pytest-timeout): Voila sends
keep-alives, so a hung server would otherwise hang the run.

The server (tests.support.voila_server) runs with its own JUPYTER_RUNTIME_DIR, TMPDIR, IPYTHONDIR and
JUPYTER_DATA_DIR under one temporary directory and its output in a log file, so the personal-data test can
read every file it wrote. Malformed frames, the rate limit, kernel ownership and the other attacks of issue
16 are in tests/test_voila_attacks.py.
"""
from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import time
import uuid
from pathlib import Path

import psutil
import pytest

from tests.support.loadclient import ClientError, KernelGone, WidgetSession, answer_elderly, fetch_page
from tests.support.voila_server import Server, run

pytestmark = [pytest.mark.server, pytest.mark.timeout(150)]

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
TRACEBACK_MARKERS = ("Traceback", "TraitError", '"msg_type": "error"', 'File "/', "site-packages")


@pytest.fixture(scope="module")
def server():
    srv = Server()
    yield srv
    srv.close()


async def _session(server: Server, timeout: float = 20) -> WidgetSession:
    page = await fetch_page(server.url, timeout)
    session = WidgetSession(page, timeout=timeout)
    await session.open()
    return session


# -- 6. security: no code execution through the page's kernel connection --------------------------------
def test_execute_request_over_the_websocket_is_refused(server):
    marker = Path("/tmp") / f"socmethod-pwned-{uuid.uuid4().hex}"
    code = f"open({str(marker)!r}, 'w').write('pwned')"

    async def attack():
        s = await _session(server)
        try:
            for channel in ("shell", "control"):
                await s.send("execute_request", {"code": code, "silent": False, "store_history": False,
                                                 "user_expressions": {}, "allow_stdin": False,
                                                 "stop_on_error": True}, channel=channel)
            for msg_type, content in (("inspect_request", {"code": "open", "cursor_pos": 4, "detail_level": 1}),
                                      ("complete_request", {"code": "import o", "cursor_pos": 8}),
                                      ("history_request", {"output": True, "raw": True, "hist_access_type": "tail", "n": 10})):
                await s.send(msg_type, content)
            await asyncio.sleep(2)
            reply = await s.request("kernel_info_request", {}, stage="kernel_info", timeout=10)  # still alive
            return s.frames, reply
        finally:
            await s.close()

    frames, reply = run(attack())
    assert reply["header"]["msg_type"] == "kernel_info_reply"
    assert not marker.exists(), "execute_request ran code in the page's kernel"
    for bad in ("execute_reply", "execute_input", "inspect_reply", "complete_reply", "history_reply"):
        assert not any(f'"msg_type": "{bad}"' in f for f in frames), f"the kernel answered with {bad}"
    log = server.log_text()
    assert 'Received message of type "execute_request", which is not allowed. Ignoring.' in log


# -- 6. no traceback reaches the browser ----------------------------------------------------------------
def test_served_page_has_no_traceback_and_no_code(server):
    page = run(fetch_page(server.url, 20))
    for marker in TRACEBACK_MARKERS + ("There was an error", "from socmethod.apps.public.calculator import"):
        assert marker not in page.html, marker


async def _provoke_errors(server: Server) -> list[str]:
    """Send what only a hand-made client sends but the frame guard lets through (well-formed messages
    with wrong values): out-of-range indexes, a comm with a wrong protocol version, a message to a comm
    that does not exist. Returns every frame the client received."""
    s = await _session(server)
    try:
        s.frames.clear()
        category = s.find_radio("Пожилой человек")
        for model_id in [category] + s.find("DropdownModel"):
            try:
                await s.update(model_id, {"index": 999}, timeout=10)
            except ClientError:
                pass
        await s.send("comm_open", {"comm_id": uuid.uuid4().hex, "target_name": "jupyter.widget.control",
                                   "data": {}}, metadata={"version": "0.0.0"})
        await s.send("comm_msg", {"comm_id": "no-such-comm", "data": {"method": "update", "state": {}}})
        await s.send("comm_msg", {"comm_id": category, "data": {"method": "no-such-method"}})
        await s.request("kernel_info_request", {}, stage="kernel_info", timeout=10)   # flush: all handled
        await asyncio.sleep(0.5)
        return list(s.frames)
    finally:
        await s.close()


def test_bad_widget_input_does_not_break_the_page(server):
    async def go():
        await _provoke_errors(server)
        s = await _session(server)
        try:
            s.find_radio("Пожилой человек")
            await s.update(s.find_radio("Пожилой человек"), {"index": -5}, timeout=10)
            _, _, html = await answer_elderly(s, timeout=15)
            return html
        finally:
            await s.close()

    assert "Вам могут предложить" in run(go())


def test_bad_widget_input_sends_no_traceback_to_the_client(server):
    frames = run(_provoke_errors(server))
    leaked = [f for f in frames if any(m in f for m in TRACEBACK_MARKERS)]
    assert not leaked, leaked[0][:2000]


# -- 5. personal data: nothing the visitor typed is written anywhere by the server -----------------------
INCOME, MEMBERS, BAD_INCOME = "987654", "3", "98765x4321q"
PER_CAPITA = ("329218", "329 218", "329\u00a0218", "329\u202f218")   # 987654 / 3, however it is printed


def test_no_answer_is_written_to_any_server_file(server):
    async def go():
        s = await _session(server)
        try:
            await answer_elderly(s, timeout=15)
            texts = s.find("TextModel")
            income = next(m for m in texts if "32000" in (s.models[m]["state"].get("placeholder") or ""))
            members = next(m for m in texts if m != income)
            await s.update(income, {"value": BAD_INCOME}, timeout=10)        # the error path
            await s.update(income, {"value": INCOME}, timeout=10)
            await s.update(members, {"value": MEMBERS}, timeout=10)
            html = await s.wait_for_html(lambda v: "Вам могут предложить" in v and "₽" in v, timeout=10)
            return html
        finally:
            await s.close()

    html = run(go())
    assert "₽" in html        # the values were used: the cost block was computed from them
    time.sleep(1.5)           # let the server and the kernel flush their logs
    needles = [v.encode() for v in (INCOME, BAD_INCOME) + PER_CAPITA]
    written = [p for p in server.base.rglob("*") if p.is_file()]
    written += [p for p in (ROOT / "notebooks").rglob("*")
                if p.is_file() and p.stat().st_mtime >= server.started]   # the kernels' working directory
    assert server.log in written
    found = []
    for path in written:
        try:
            data = path.read_bytes()
        except OSError:
            continue
        found += [f"{path}: {n.decode()}" for n in needles if n in data]
    assert not found, found


# -- 6. the server listens on loopback only -------------------------------------------------------------
def _listening_sockets(pids: list[int]) -> list[tuple[str, int]]:
    """(address, port) of every listening TCP socket owned by these processes."""
    out = []
    for pid in pids:
        try:
            connections = psutil.Process(pid).net_connections(kind="tcp")
        except psutil.Error:
            continue
        out += [(c.laddr.ip, c.laddr.port) for c in connections if c.status == psutil.CONN_LISTEN]
    return out


def _non_loopback_address() -> str | None:
    candidates = []
    try:
        candidates.append(socket.gethostbyname(socket.gethostname()))
    except OSError:
        pass
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect(("10.254.254.254", 9))     # no packet is sent; picks the outgoing interface
            candidates.append(s.getsockname()[0])
    except OSError:
        pass
    return next((a for a in candidates if not a.startswith("127.") and a != "0.0.0.0"), None)


def test_server_and_kernels_listen_on_loopback_only(server):
    assert _listening_sockets([server.proc.pid]) == [("127.0.0.1", server.port)]
    # The kernels talk to the server over ipc; each still has one TCP listener of its own (ipykernel's
    # pipe for the output of forked subprocesses), always on 127.0.0.1.
    listening = _listening_sockets(server.tree())
    assert all(addr in ("127.0.0.1", "::1") for addr, _ in listening), listening


def test_server_refuses_connections_on_other_addresses(server):
    address = _non_loopback_address()
    if address is None:
        pytest.skip("this machine has no non-loopback address")
    with socket.socket() as s:
        s.settimeout(5)
        with pytest.raises(OSError):
            s.connect((address, server.port))


# -- 4. a kernel killed mid-session ---------------------------------------------------------------------
def test_killed_kernel_is_reported_on_the_websocket_and_the_server_keeps_serving(server):
    async def go():
        s = await _session(server)
        try:
            await s.answer(s.find_radio("Пожилой человек"), "Пожилой человек", timeout=10)
            pid = server.kernel_pid(s.page.kernel_id)
            assert pid, "kernel process not found"
            os.kill(pid, signal.SIGKILL)
            with pytest.raises(KernelGone):
                await s.wait_for(lambda x: False, timeout=20, stage="after kill")
            gone = s.gone
        finally:
            await s.close()
        fresh = await _session(server)          # another visitor, after the death
        try:
            _, _, html = await answer_elderly(fresh, timeout=15)
        finally:
            await fresh.close()
        return gone, html

    gone, html = run(go())
    assert gone in ("restarting", "autorestarting", "dead"), gone
    assert "Вам могут предложить" in html


browser = pytest.mark.skipif(not Path(CHROMIUM).exists() and os.environ.get("CI") != "true",
                             reason=f"{CHROMIUM} not found (apt-get install chromium)")


@browser
def test_killed_kernel_tells_the_visitor_to_reload(server):
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"])
        try:
            pg = b.new_page()
            pg.set_default_timeout(30_000)
            pg.goto(server.url)
            pg.wait_for_selector("text=Пожилой человек")
            pg.get_by_text("Пожилой человек").click()
            pg.wait_for_selector("text=Осталось ответить", timeout=15_000)
            assert not pg.is_visible("#sm-kernel-lost"), "the reload message shows on a working page"
            kernel_id = re.search(r'"kernelId":\s*"([0-9a-f-]{36})"', pg.content()).group(1)
            pid = server.kernel_pid(kernel_id)
            assert pid, "kernel process not found"
            os.kill(pid, signal.SIGKILL)
            pg.wait_for_selector("text=обновите страницу", timeout=20_000)
            assert "Traceback" not in pg.content()
            # Reloading, as told, gives a working page (a new kernel) without the message.
            pg.reload()
            pg.wait_for_selector("text=Пожилой человек")
            pg.get_by_text("Пожилой человек").click()
            pg.wait_for_selector("text=Осталось ответить", timeout=15_000)
            assert not pg.is_visible("#sm-kernel-lost")
        finally:
            b.close()


# -- 3. no visitor left on a page that never loads: a pre-heated kernel culled before the page connects --
def test_a_kernel_handed_out_is_not_culled_before_the_page_connects():
    # Short cull settings make the race certain: the pooled kernel is 'idle' for longer than the timeout
    # when it is handed out, and a cull pass runs every second; a browser connects ~1.5 s after the GET.
    srv = Server(pool=1, cull_after=4, extra=["--MappingKernelManager.cull_interval=1"])
    try:
        time.sleep(6)

        async def go():
            page = await fetch_page(srv.url, 20)
            await asyncio.sleep(2)
            s = WidgetSession(page, timeout=10)
            try:
                await s.open()
                return len(s.models)
            finally:
                await s.close()

        assert run(go()) > 0
    finally:
        srv.close()
