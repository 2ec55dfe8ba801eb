"""Issue 16's attacks on the public server, against a real one (socmethod.serving.voila's command):
one frame must not stop it, a kernel is its visitor's, overrides are off, no request logs a traceback,
a visitor's messages are rate-limited, and a closed page's kernel and output do not linger.

Each attack is followed by an honest visitor who must still be served. Every network step has a deadline
and every test a hard cap (pytest-timeout): Voila sends keep-alives, so a frozen server would otherwise
hang the run instead of failing it.
"""
from __future__ import annotations

import asyncio
import base64
import json
import os
import re
import socket
import time
import urllib.error
import urllib.request
import uuid

import pytest
from jupyter_server.services.kernels.connection.base import serialize_binary_message, serialize_msg_to_ws_v1
from tornado.httpclient import HTTPClientError, HTTPRequest
from tornado.websocket import websocket_connect

from socmethod.serving.guard import V1
from tests.support.loadclient import ClientError, WidgetSession, answer_elderly, fetch_page, ws_url
from tests.support.voila_server import Server, run, wait_until

pytestmark = [pytest.mark.server, pytest.mark.timeout(180)]

RESULT = "Вам могут предложить"


@pytest.fixture(scope="module")
def server():
    srv = Server(pool=2)
    yield srv
    srv.close()


async def open_socket(server: Server, page, subprotocol: str | None = None, cookies: str | None = None):
    """A raw websocket to the page's kernel, as the page opens it (or with other cookies)."""
    request = HTTPRequest(ws_url(server.url, page.kernel_id, uuid.uuid4().hex), connect_timeout=10,
                          request_timeout=10, headers={"Cookie": page.cookies if cookies is None else cookies})
    return await asyncio.wait_for(
        websocket_connect(request, subprotocols=[subprotocol] if subprotocol else None), 15)


async def closed_by_server(conn, timeout: float = 10) -> int | None:
    """Read until the server closes the socket; its close code (fails the test on the deadline)."""
    deadline = time.monotonic() + timeout
    while True:
        frame = await asyncio.wait_for(conn.read_message(), max(0.1, deadline - time.monotonic()))
        if frame is None:
            return conn.close_code


async def session_closed(session: WidgetSession, timeout: float = 10) -> int | None:
    """Wait until the server closes a WidgetSession's socket (its reader sees it); the close code."""
    deadline = time.monotonic() + timeout
    while session.gone != "closed":
        assert time.monotonic() < deadline, "the server did not close the socket"
        await asyncio.sleep(0.05)
    return session._conn.close_code


async def honest_visitor(server: Server, timeout: float = 30) -> str:
    """A new visitor answers the lonely elderly case; returns the result HTML."""
    page = await fetch_page(server.url, timeout)
    session = WidgetSession(page, timeout=timeout)
    try:
        await session.open()
        _, _, html = await answer_elderly(session, timeout=timeout)
        return html
    finally:
        await session.close()


def msg(msg_type: str, content: dict, channel: str = "shell") -> dict:
    return {"header": {"msg_id": uuid.uuid4().hex, "msg_type": msg_type, "session": "x", "username": "x",
                       "version": "5.3", "date": "2026-01-01T00:00:00Z"},
            "parent_header": {}, "metadata": {"version": "2.1.0"}, "content": content, "channel": channel}


def v1_frame(m: dict) -> bytes:
    parts = [json.dumps(m[k]).encode() for k in ("header", "parent_header", "metadata", "content")]
    return serialize_msg_to_ws_v1(parts, m["channel"])


def log_since(server: Server, mark: int) -> str:
    return server.log_text()[mark:]


# -- 1 and 2: one frame does not stop the server ------------------------------------------------------
def test_a_v1_frame_claiming_2_to_the_62_offsets_is_refused_and_others_are_served(server):
    """Finding 2: 16 bytes on the v1 subprotocol froze the event loop (jupyter_server's reader)."""
    mark = len(server.log_text())

    async def attack():
        page = await fetch_page(server.url, 20)
        conn = await open_socket(server, page, V1)
        assert conn.selected_subprotocol == V1
        await conn.write_message((2 ** 62).to_bytes(8, "little") + b"\0" * 8, binary=True)
        code = await closed_by_server(conn)
        return code, await honest_visitor(server)

    code, html = run(attack(), 90)
    assert code == 1008
    assert RESULT in html
    assert "closing its websocket: v1 frame" in log_since(server, mark)


def test_the_echo_of_a_client_buffer_on_a_legacy_socket_is_refused_and_others_are_served(server):
    """Finding 1: a widget update with a binary buffer, on a socket opened without subprotocol; the
    kernel's echo, framed in the legacy format, was read by Voila as v1 (~8.6e17 offsets)."""
    mark = len(server.log_text())

    async def attack():
        page = await fetch_page(server.url, 20)
        session = WidgetSession(page, timeout=20)
        await session.open()
        income = session.find("TextModel")[0]
        update = session._msg("comm_msg", {"comm_id": income, "data": {"method": "update", "state": {},
                                                                          "buffer_paths": [["value"]]}},
                              metadata={"version": "2.1.0"})
        update["buffers"] = [b"12345"]
        await session._conn.write_message(serialize_binary_message(update), binary=True)
        code = await session_closed(session)
        await session.close()
        return code, await honest_visitor(server)

    code, html = run(attack(), 90)
    assert code == 1008
    assert RESULT in html
    assert "closing its websocket: binary frame on a socket without subprotocol" in log_since(server, mark)


MALFORMED = {
    "v1 count 2**62, longer frame": (V1, (2 ** 62).to_bytes(8, "little") + b"\0" * 1000),
    "v1 offsets outside the frame": (V1, (6).to_bytes(8, "little") + (2 ** 40).to_bytes(8, "little") * 6),
    "v1 with a buffer": (V1, serialize_msg_to_ws_v1(
        [json.dumps(p).encode() for p in ({"msg_id": "1", "msg_type": "comm_msg"}, {}, {}, {})] + [b"buf"], "shell")),
    "v1 iopub channel": (V1, v1_frame(msg("kernel_info_request", {}, channel="iopub"))),
    "v1 text frame": (V1, "{}"),
    "v1 invalid json": (V1, serialize_msg_to_ws_v1([b"{", b"{}", b"{}", b"{}"], "shell")),
    "legacy binary, 2**31 buffers": (None, (2 ** 31 - 1).to_bytes(4, "big") + b"\0" * 100),
    "legacy not json": (None, "{not json"),
    "legacy no header": (None, json.dumps({"channel": "shell", "content": {}})),
    "legacy deep nesting": (None, "[" * 20000 + "]" * 20000),
    "legacy NaN": (None, json.dumps(msg("comm_msg", {"comm_id": "c", "data": {"method": "update",
                                                                               "state": {"index": float("nan")}}}))),
    "legacy lone surrogate": (None, json.dumps(msg("comm_msg", {"comm_id": "c", "data": {
        "method": "update", "state": {"value": "\ud800"}, "buffer_paths": []}}))),
    "legacy widget made by the client": (None, json.dumps(msg("comm_open", {
        "comm_id": "c", "target_name": "jupyter.widget", "data": {"state": {"_model_name": "HTMLModel"}}}))),
}


def test_malformed_frames_close_the_socket_without_a_traceback_and_the_page_goes_on(server):
    """Each frame on its own socket to one visitor's kernel: the server closes that socket (1008), logs
    one line, and the same visitor's page, reconnecting, still works."""
    mark = len(server.log_text())

    async def attack():
        codes = {}
        for i, (name, (protocol, frame)) in enumerate(MALFORMED.items()):
            if i % 5 == 0:                # a visitor may reconnect 10 times at once, then once in 2 s
                page = await fetch_page(server.url, 20)
            conn = await open_socket(server, page, protocol)
            await conn.write_message(frame, binary=isinstance(frame, bytes))
            codes[name] = await closed_by_server(conn)
        session = WidgetSession(page, timeout=20)      # the same visitor reconnects, as the page does
        try:
            await session.open()
            _, _, html = await answer_elderly(session, timeout=20)
        finally:
            await session.close()
        return codes, html

    codes, html = run(attack(), 120)
    assert codes == {name: 1008 for name in MALFORMED}
    assert RESULT in html
    log = log_since(server, mark)
    assert log.count("closing its websocket") == len(MALFORMED)
    assert "Traceback" not in log and "Uncaught" not in log


def test_a_lone_surrogate_in_the_income_puts_no_traceback_in_the_log(server):
    """Finding 6: "\\ud800" as the income. The guard refuses it before the kernel sees it."""
    mark = len(server.log_text())

    async def attack():
        page = await fetch_page(server.url, 20)
        session = WidgetSession(page, timeout=20)
        await session.open()
        await answer_elderly(session, timeout=20)
        income = next(m for m in session.find("TextModel")
                      if "32000" in (session.models[m]["state"].get("placeholder") or ""))
        try:
            await session.update(income, {"value": "\ud800"}, timeout=5)
        except ClientError:
            pass          # the server closed the socket: expected
        assert await session_closed(session) == 1008
        await session.close()
        return await honest_visitor(server)

    assert RESULT in run(attack(), 90)
    log = log_since(server, mark)
    assert "lone surrogate" in log
    assert "Traceback" not in log and "UnicodeEncodeError" not in log


# -- 5: a kernel is its visitor's ---------------------------------------------------------------------
def _http(server: Server, path: str, method: str = "GET", headers: dict | None = None, body: bytes | None = None):
    request = urllib.request.Request(server.url + path.lstrip("/"), method=method, headers=headers or {}, data=body)
    try:
        with urllib.request.urlopen(request, timeout=15) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


def test_a_kernel_id_alone_reaches_nothing(server):
    """Finding 5: GET and DELETE of /api/kernels/<id> with only the id (and a self-made _xsrf pair),
    the websocket, the shutdown beacon; with another visitor's cookie too. The owner still can."""
    page = run(fetch_page(server.url, 20))
    other = run(fetch_page(server.url, 20))
    kid = page.kernel_id
    xsrf = {"Cookie": "_xsrf=forged", "X-XSRFToken": "forged"}
    stranger = {"Cookie": other.cookies}
    assert _http(server, f"/api/kernels/{kid}")[0] == 404
    assert _http(server, f"/api/kernels/{kid}", headers=stranger)[0] == 404
    assert _http(server, f"/api/kernels/{kid}", "DELETE", headers=xsrf)[0] == 404
    assert _http(server, f"/api/kernels/{kid}", "DELETE", headers={**xsrf, "Cookie": other.cookies + "; _xsrf=forged"})[0] == 404
    assert _http(server, f"/voila/api/shutdown/{kid}", "POST", headers={**xsrf, "Content-Type":
                 "application/x-www-form-urlencoded"}, body=b"_xsrf=forged")[0] == 404
    for cookies in ("", other.cookies, "sm_visitor=" + "A" * 32):
        with pytest.raises(HTTPClientError) as err:
            run(open_socket(server, page, cookies=cookies), 20)
        assert err.value.code == 404
    assert server.kernel_pid(kid), "the kernel was shut down by a stranger"
    status, body = _http(server, f"/api/kernels/{kid}", headers={"Cookie": page.cookies})
    assert status == 200 and json.loads(body)["id"] == kid
    assert _http(server, f"/api/kernels/{kid}", "DELETE", headers={"Cookie": page.cookies + "; _xsrf=forged",
                                                                   "X-XSRFToken": "forged"})[0] == 204
    assert wait_until(lambda: server.kernel_pid(kid) is None, 15)
    assert _http(server, f"/api/kernels/{other.kernel_id}", "DELETE", headers={
        "Cookie": other.cookies + "; _xsrf=forged", "X-XSRFToken": "forged"})[0] == 204


def test_a_visitor_cookie_planted_in_a_browser_is_not_taken(server):
    """Only a cookie the server signed counts: a value set beforehand (session fixation) is replaced."""
    server.wait_for_pool()
    request = urllib.request.Request(server.url, headers={"Cookie": "sm_visitor=planted-by-someone"})
    with urllib.request.urlopen(request, timeout=30) as resp:
        html = resp.read().decode("utf-8")
        issued = [c for c in resp.headers.get_all("Set-Cookie") if c.startswith("sm_visitor=")]
    assert issued and "planted-by-someone" not in issued[0]
    assert "HttpOnly" in issued[0] and "SameSite=Lax" in issued[0] and "expires" not in issued[0].lower()
    kid = re.search(r'"kernelId":\s*"([0-9a-f-]{36})"', html).group(1)
    assert _http(server, f"/api/kernels/{kid}", headers={"Cookie": "sm_visitor=planted-by-someone"})[0] == 404
    own = issued[0].split(";", 1)[0]
    assert _http(server, f"/api/kernels/{kid}", headers={"Cookie": own})[0] == 200
    assert _http(server, f"/api/kernels/{kid}", "DELETE", headers={"Cookie": own + "; _xsrf=x", "X-XSRFToken": "x"})[0] == 204


# -- 4: template and theme overrides are off -----------------------------------------------------------
@pytest.mark.parametrize("query", ["template=lab", "template=reveal", "template=classic", "template=nosuch",
                                   "theme=dark", "theme=x", "template=lab&theme=dark"])
def test_template_and_theme_overrides_are_served_as_if_absent(server, query):
    server.wait_for_pool()
    used = server.log_text().count("Using pre-heated kernel")
    t0 = time.monotonic()
    page = run(fetch_page(server.url + "?" + query, 20), 25)
    assert time.monotonic() - t0 < 10
    assert 'id="sm-kernel-lost"' in page.html                    # the kit's template
    assert re.findall(r'(?:src|href)="(https?://[^"]+)"', page.html) == []      # nothing from another host
    assert not any(cdn in page.html for cdn in ("cdnjs", "jsdelivr", "unpkg", "font-awesome", "fontawesome"))
    assert server.log_text().count("Using pre-heated kernel") == used + 1, "the pre-heated pool was skipped"
    assert _http(server, f"/api/kernels/{page.kernel_id}", "DELETE",
                 headers={"Cookie": page.cookies + "; _xsrf=x", "X-XSRFToken": "x"})[0] == 204


# -- 6: no request puts a traceback in the log ----------------------------------------------------------
ODD_PATHS = ["/logout", "/voila/templates/lab/static/../../../../etc/passwd",
             "/voila/templates/lab/static/..%2f..%2f..%2fetc%2fpasswd", "/voila/templates/..%2f..%2f/static/x",
             "/voila/templates/x/static/%2e%2e/%2e%2e/conf.json", "/voila/templates/lab",
             "/voila/templates/lab/static/", "/voila/templates/socmethod/static/../index.html.j2",
             "/voila/templates/socmethod/static/..%2fconf.json", "/voila/templates/reveal/static/index.css",
             "/voila/templates/nosuch/static/x.css", "/voila/api/themes/..%2f..%2fx",
             "/voila/labextensions/..%2f..%2fx", "/voila/labextensions/nosuch.js", "/voila/static/../app.py",
             "/voila/static/nosuch.js", "/api/kernels/00000000-0000-0000-0000-000000000000",
             "/voila/api/shutdown/00000000-0000-0000-0000-000000000000", "/voila/files/../pyproject.toml",
             "/voila/tree", "/voila/render/x.ipynb", "/api/kernels", "/login"]


def test_odd_requests_get_a_page_not_a_traceback(server):
    mark = len(server.log_text())
    statuses = {}
    for path in ODD_PATHS:
        request = urllib.request.Request(server.url + path.lstrip("/"))
        opener = urllib.request.build_opener(NoRedirect)
        try:
            with opener.open(request, timeout=15) as resp:
                statuses[path] = resp.status
        except urllib.error.HTTPError as err:
            statuses[path] = err.code
            body = err.read().decode("utf-8", "replace")
            if err.code == 404 and "text/html" in err.headers.get("Content-Type", ""):
                assert "Такой страницы нет" in body, path
            assert "Traceback" not in body and "site-packages" not in body, path
    assert all(code < 500 for code in statuses.values()), statuses
    assert statuses["/logout"] in (302, 303)
    log = log_since(server, mark)
    assert "Traceback" not in log and "Uncaught" not in log, log[-3000:]
    assert "etc/passwd" not in log or "root:" not in log


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


# -- 3: widget updates are rate-limited per visitor ------------------------------------------------------
def test_a_visitors_flood_is_cut_to_the_rate_and_others_are_served(server):
    """300 requests in 3 s from one page: a burst of 30 goes through, then 5 a second from a backlog
    of at most 64; the rest is dropped. (kernel_info_request: cheap for the kernel, so what is counted
    is the limit, not the kernel's speed.)"""
    mark = len(server.log_text())

    async def flood():
        page = await fetch_page(server.url, 20)
        session = WidgetSession(page, timeout=20)
        await session.open(states=False)
        session.frames.clear()
        t0 = time.monotonic()
        for sent in range(1, 301):     # 100 a second: under the flood cut-off (200 at once, 50 a second)
            await session.send("kernel_info_request", {})
            await asyncio.sleep(max(0.0, t0 + sent * 0.01 - time.monotonic()))
        await asyncio.sleep(6)
        elapsed = time.monotonic() - t0
        replies = sum('"msg_type": "kernel_info_reply"' in f for f in session.frames)
        await session.close()
        return sent, replies, elapsed, await honest_visitor(server)

    sent, replies, elapsed, html = run(flood(), 120)
    assert sent == 300
    assert 30 <= replies <= 30 + 5 * elapsed + 2, (sent, replies, elapsed)
    assert RESULT in html
    log = log_since(server, mark)
    assert "messages a second from its page" in log and "held back" in log


def test_a_page_sending_far_faster_than_a_person_is_disconnected_and_may_not_reconnect_in_a_loop(server):
    """The server does not even parse a flood: past 200 frames at once (50 a second) the socket is
    closed; a visitor may then reconnect 10 times at once and once every 2 s (each costs a handshake
    and a kernel_info request)."""
    mark = len(server.log_text())

    async def flood():
        page = await fetch_page(server.url, 20)
        conn = await open_socket(server, page)
        frame = json.dumps(msg("kernel_info_request", {}))
        sent = 0
        try:
            for _ in range(1000):
                await conn.write_message(frame)
                sent += 1
        except Exception:
            pass                           # closed under us
        code = await closed_by_server(conn, 20)
        refused = 0
        for _ in range(15):
            try:
                (await open_socket(server, page)).close()
            except HTTPClientError as err:
                assert err.code == 429
                refused += 1
        return sent, code, refused, await honest_visitor(server)

    sent, code, refused, html = run(flood(), 120)
    assert code == 1008
    assert refused >= 4                    # 1 + 15 connections against a burst of 10
    assert RESULT in html
    log = log_since(server, mark)
    assert "flooding" in log and "reconnects too often" in log


def test_a_fast_typists_last_keystroke_arrives_though_over_the_rate(server):
    """Over the rate, updates wait in a backlog where a widget's newer value replaces its older one:
    80 keystrokes at once in the income field, and the kernel ends with the last."""

    async def typist():
        page = await fetch_page(server.url, 20)
        session = WidgetSession(page, timeout=20)
        try:
            await session.open()
            await answer_elderly(session, timeout=20)
            income = next(m for m in session.find("TextModel")
                          if "32000" in (session.models[m]["state"].get("placeholder") or ""))
            for value in [str(i) for i in range(1, 80)] + ["12x"]:
                message = session._msg("comm_msg", {"comm_id": income, "data": {
                    "method": "update", "state": {"value": value}, "buffer_paths": []}}, metadata={"version": "2.1.0"})
                await session._conn.write_message(json.dumps(message))
            return await session.wait_for_html(lambda v: "«12x»" in v, timeout=20)
        finally:
            await session.close()

    assert "«12x»" in run(typist(), 90)


# -- 3: a closed page's kernel and output do not linger ---------------------------------------------------
async def _flood_then_close(srv: Server, updates: int) -> str:
    """Send `updates` widget updates at once and close the page; returns the kernel id."""
    page = await fetch_page(srv.url, 20)
    session = WidgetSession(page, timeout=20)
    await session.open(states=True)
    radio = session.find_radio("Пожилой человек")
    for i in range(updates):
        message = session._msg("comm_msg", {"comm_id": radio, "data": {
            "method": "update", "state": {"index": i % 2}, "buffer_paths": []}}, metadata={"version": "2.1.0"})
        await session._conn.write_message(json.dumps(message))
    await asyncio.sleep(1)
    await session.close()
    return page.kernel_id


def test_a_busy_kernel_whose_page_closed_is_shut_down():
    """The idle culler leaves busy kernels alone; a page that flooded its kernel and left kept it busy
    (and never culled). Here the kernel is shut down cull_idle_timeout after its page went, busy or not."""
    cull = 6
    srv = Server(pool=1, cull_after=cull, extra=["--MappingKernelManager.cull_interval=1",
                                                 "--PublicKernelManager.message_rate=10000",
                                                 "--PublicKernelManager.message_burst=10000",
                                                 "--PublicKernelManager.flood_burst=10000",
                                                 "--PublicKernelManager.offline_buffer_messages=1000000",
                                                 "--PublicKernelManager.offline_buffer_bytes=1000000000"])
    try:
        # Enough updates to keep the kernel busy well past the cull time on a fast machine too: with 1500
        # a quiet CI host worked them off within 6 s of the close, and the kernel went as idle.
        kid = run(_flood_then_close(srv, 5000), 60)
        closed = time.monotonic()
        assert wait_until(lambda: srv.kernel_pid(kid) is None, 20), "the kernel of the closed page lives on"
        gone = time.monotonic() - closed
        log = srv.log_text()
        assert f"Kernel {kid} (busy): no page connected for" in log, log[-2000:]
        assert gone < cull + 1 + 8
    finally:
        srv.close()


def test_output_kept_for_a_closed_page_is_bounded():
    srv = Server(pool=1, cull_after=600, extra=["--PublicKernelManager.message_rate=10000",
                                                "--PublicKernelManager.message_burst=10000",
                                                "--PublicKernelManager.flood_burst=10000",
                                                "--PublicKernelManager.offline_buffer_messages=50"])
    try:
        kid = run(_flood_then_close(srv, 600), 60)
        assert wait_until(lambda: srv.kernel_pid(kid) is None, 30), "the kernel of the closed page lives on"
        assert f"Kernel {kid}: over 50 messages" in srv.log_text()
        assert RESULT in run(honest_visitor(srv), 60)
    finally:
        srv.close()


def _raw_websocket(srv: Server, page, receive_buffer: int = 4096) -> socket.socket:
    """A websocket to the page's kernel that is never read from (a hand-made handshake: a client library
    would keep reading)."""
    sock = socket.create_connection(("127.0.0.1", srv.port), timeout=10)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall((f"GET /api/kernels/{page.kernel_id}/channels?session_id={uuid.uuid4().hex} HTTP/1.1\r\n"
                  f"Host: 127.0.0.1:{srv.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                  f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\nCookie: {page.cookies}\r\n\r\n").encode())
    head = b""
    while b"\r\n\r\n" not in head:
        head += sock.recv(1)
    assert head.startswith(b"HTTP/1.1 101"), head[:200]
    return sock


def _client_frame(text: str) -> bytes:
    """One masked text frame, as a client must send it."""
    payload, mask = text.encode(), os.urandom(4)
    size = len(payload)
    head = bytes([0x81]) + (bytes([0x80 | size]) if size < 126 else bytes([0x80 | 126]) + size.to_bytes(2, "big"))
    return head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))


def test_a_page_that_stops_reading_is_disconnected_before_the_server_fills_up():
    """What the server sends and the page does not take piles up in the server's memory (once the
    system's socket buffers are full); past unread_limit (8 MiB; 200 KB here) the socket is closed."""
    srv = Server(pool=1, extra=["--PublicKernelManager.unread_limit=200000"])
    try:
        page = run(fetch_page(srv.url, 20))
        sock = _raw_websocket(srv, page)
        control = uuid.uuid4().hex
        control_protocol = {"metadata": {"version": "1.0.0"}}     # the widget manager's control comm
        sock.sendall(_client_frame(json.dumps({**msg("comm_open", {"comm_id": control, "target_name":
                                                                   "jupyter.widget.control", "data": {}}),
                                               **control_protocol})))
        # Every request makes the kernel send every widget's state (~54 KB): 30 go at once, 60 wait in the
        # backlog and go at 5 a second; ~5 MB in all, past what the system's socket buffers take.
        for _ in range(90):
            sock.sendall(_client_frame(json.dumps({**msg("comm_msg", {"comm_id": control,
                                                                      "data": {"method": "request_states"}}),
                                                   **control_protocol})))
        assert srv.wait_for_log("its page reads nothing", 60), srv.log_text()[-2000:]
        sock.close()
        assert RESULT in run(honest_visitor(srv), 60)
        assert "Traceback" not in srv.log_text()
    finally:
        srv.close()
