"""A minimal Voila widget client: what a browser does with the calculator page, without the browser.

Used by benchmarks/calculator_load.py (many concurrent sessions on two cores, where browsers would eat the
CPU the server needs) and by tests/test_hardening_server.py (protocol-level checks a browser cannot do:
sending an `execute_request`, an out-of-range widget index). Every network step has a hard deadline:
Voila sends keep-alives every 10 s, so socket timeouts alone never fire.

    page = await fetch_page("http://127.0.0.1:8866/", timeout=20)        # GET; the kernel id is in the page
    async with WidgetSession(page, timeout=20) as s:                     # websocket + kernel_info + widget states
        await s.answer(s.find_radio("Пожилой человек"), "Пожилой человек")
        html = await s.wait_for_html(lambda v: "Вам могут предложить" in v, timeout=5)

Protocol (Voila 0.5, ipywidgets 8, jupyter_server 2): the page embeds `kernelId` in the
`jupyter-config-data` script and sets a visitor cookie, which the websocket must carry (the kit's server
serves a kernel only to its visitor); the kernel websocket is /api/kernels/<id>/channels?session_id=...; no
subprotocol is asked for, so messages are JSON text frames with a "channel" key (binary frames when a
message carries buffers). Widget states are not in the page: like the browser, the client opens a comm
to the `jupyter.widget.control` target and sends `request_states`; the kernel answers `update_states`.
A click is a `comm_msg` {"method": "update", "state": {"index": i}, "buffer_paths": []} on the
widget's comm (its model id); the kernel's handling of it ends with an iopub `status: idle` whose parent
is that message, which is what `answer` waits for. Nothing here imports Jupyter: only tornado (a Voila
dependency) and the standard library.
"""
from __future__ import annotations

import asyncio
import json
import re
import struct
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Callable

from tornado.httpclient import AsyncHTTPClient, HTTPClientError, HTTPRequest
from tornado.iostream import StreamClosedError
from tornado.websocket import websocket_connect

KERNEL_RE = re.compile(r'"kernelId":\s*"([0-9a-f-]{36})"')
VIEW_RE = re.compile(r'"application/vnd\.jupyter\.widget-view\+json":\s*\{"model_id":\s*"([0-9a-f]+)"')


class ClientError(Exception):
    """A session step failed; `stage` says which (page, websocket, kernel_info, states, answer, result)."""

    def __init__(self, stage: str, message: str):
        super().__init__(f"{stage}: {message}")
        self.stage = stage


class KernelGone(ClientError):
    """The kernel restarted or died under the session (its widgets are gone)."""


@dataclass
class Page:
    url: str
    html: str
    kernel_id: str
    root_models: list[str]
    seconds: float
    cookies: str = ""          # what the page set, sent back on the websocket as a browser does


_http: AsyncHTTPClient | None = None


def http_client() -> AsyncHTTPClient:
    """One shared client with no small connection cap (tornado's default queues beyond 10 requests,
    which would add client-side waiting to the measured page time)."""
    global _http
    if _http is None:
        _http = AsyncHTTPClient(force_instance=True, max_clients=1000)
    return _http


async def fetch_page(url: str, timeout: float = 30.0) -> Page:
    """GET the calculator page within `timeout` seconds (whole request, body included)."""
    t0 = time.perf_counter()
    request = HTTPRequest(url, connect_timeout=timeout, request_timeout=timeout, follow_redirects=True)
    try:
        resp = await asyncio.wait_for(http_client().fetch(request, raise_error=False), timeout + 1)
    except asyncio.TimeoutError:
        raise ClientError("page", f"no page within {timeout} s") from None
    except (OSError, HTTPClientError, StreamClosedError) as err:   # a timeout is HTTPTimeoutError
        raise ClientError("page", f"{type(err).__name__}: {err}") from None
    if resp.code == 599:   # tornado's code for a timeout or a connection failure
        raise ClientError("page", f"no page: {resp.error}")
    if resp.code != 200:
        raise ClientError("page", f"HTTP {resp.code} {resp.reason or ''}".strip())
    html = resp.body.decode("utf-8", "replace")
    m = KERNEL_RE.search(html)
    if not m:
        raise ClientError("page", "no kernelId in the page")
    return Page(url, html, m.group(1), VIEW_RE.findall(html), time.perf_counter() - t0, page_cookies(resp.headers))


def page_cookies(headers) -> str:
    """The Cookie header a browser would send back after this response (the visitor cookie, without
    which the server refuses the page's kernel, and _xsrf)."""
    jar = {}
    for line in headers.get_list("Set-Cookie"):
        name, _, rest = line.partition("=")
        jar[name.strip()] = rest.split(";", 1)[0]
    return "; ".join(f"{k}={v}" for k, v in jar.items())


def ws_url(page_url: str, kernel_id: str, session_id: str) -> str:
    base = page_url.split("://", 1)[1].split("/", 1)[0]
    scheme = "wss" if page_url.startswith("https") else "ws"
    return f"{scheme}://{base}/api/kernels/{kernel_id}/channels?session_id={session_id}"


def _decode(frame: str | bytes) -> dict:
    if isinstance(frame, str):
        return json.loads(frame)
    nbufs = struct.unpack("!i", frame[:4])[0]
    offsets = list(struct.unpack("!" + "I" * nbufs, frame[4:4 * (nbufs + 1)])) + [None]
    parts = [frame[a:b] for a, b in zip(offsets[:-1], offsets[1:])]
    msg = json.loads(parts[0].decode("utf-8"))
    msg["buffers"] = parts[1:]
    return msg


@dataclass
class WidgetSession:
    """One visitor's kernel connection. Keeps every widget model the kernel announced, applies updates,
    and lets a caller wait (with a deadline) for a condition on them. `frames` keeps every raw frame
    received (for leak checks: no traceback may reach the client)."""

    page: Page
    timeout: float = 30.0
    session_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    models: dict[str, dict] = field(default_factory=dict)   # model id -> {"model_name": ..., "state": {...}}
    frames: list[str] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)       # execution states seen on iopub
    open_seconds: float = 0.0

    def __post_init__(self):
        self._conn = None
        self._reader: asyncio.Task | None = None
        self._replies: dict[str, asyncio.Future] = {}        # parent msg id -> future of the reply message
        self._idle: dict[str, asyncio.Future] = {}           # parent msg id -> future set on status idle
        self._changed = asyncio.Event()
        self.gone: str | None = None                          # "restarting" / "dead" / "closed"
        self.keep_frames = True

    # -- connection -------------------------------------------------------------------------------
    async def __aenter__(self) -> "WidgetSession":
        await self.open()
        return self

    async def __aexit__(self, *exc) -> None:
        await self.close()

    async def open(self, states: bool = True) -> None:
        """Open the websocket, ask kernel_info (the kernel answers = it is alive), fetch widget states."""
        t0 = time.perf_counter()
        url = ws_url(self.page.url, self.page.kernel_id, self.session_id)
        request = HTTPRequest(url, connect_timeout=self.timeout, request_timeout=self.timeout,
                              headers={"Cookie": self.page.cookies} if self.page.cookies else None)
        try:
            self._conn = await asyncio.wait_for(websocket_connect(request, max_message_size=64 << 20), self.timeout)
        except asyncio.TimeoutError:
            raise ClientError("websocket", f"not open within {self.timeout} s") from None
        except Exception as err:  # tornado raises HTTPClientError / StreamClosedError / OSError
            raise ClientError("websocket", f"{type(err).__name__}: {err}") from None
        self._reader = asyncio.ensure_future(self._read())
        await self.request("kernel_info_request", {}, stage="kernel_info")
        if states:
            await self.request_states()
        self.open_seconds = time.perf_counter() - t0

    async def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
        if self._reader is not None:
            self._reader.cancel()
            try:
                await asyncio.wait_for(self._reader, 2)
            except (asyncio.CancelledError, asyncio.TimeoutError, Exception):
                pass

    # -- messages ---------------------------------------------------------------------------------
    def _msg(self, msg_type: str, content: dict, channel: str = "shell", metadata: dict | None = None) -> dict:
        return {"header": {"msg_id": uuid.uuid4().hex, "username": "loadclient", "session": self.session_id,
                           "msg_type": msg_type, "version": "5.3",
                           "date": time.strftime("%Y-%m-%dT%H:%M:%S.000000Z", time.gmtime())},
                "parent_header": {}, "metadata": metadata or {}, "content": content, "channel": channel, "buffers": []}

    async def send(self, msg_type: str, content: dict, channel: str = "shell", metadata: dict | None = None) -> str:
        msg = self._msg(msg_type, content, channel, metadata)
        if self._conn is None or self.gone == "closed":
            raise ClientError("send", "websocket closed")
        await asyncio.wait_for(self._conn.write_message(json.dumps(msg)), self.timeout)
        return msg["header"]["msg_id"]

    async def request(self, msg_type: str, content: dict, stage: str = "request", timeout: float | None = None) -> dict:
        """Send a shell request and wait for its reply (any message on shell whose parent is ours)."""
        msg = self._msg(msg_type, content)
        if self._conn is None or self.gone == "closed":
            raise ClientError(stage, "websocket closed")
        fut = asyncio.get_running_loop().create_future()
        self._replies[msg["header"]["msg_id"]] = fut
        await asyncio.wait_for(self._conn.write_message(json.dumps(msg)), self.timeout)
        return await self._wait(fut, timeout or self.timeout, stage, f"no reply to {msg_type}")

    async def _wait(self, fut: asyncio.Future, timeout: float, stage: str, what: str):
        try:
            return await asyncio.wait_for(fut, timeout)
        except asyncio.TimeoutError:
            if self.gone:
                raise KernelGone(stage, f"kernel {self.gone}") from None
            raise ClientError(stage, f"{what} within {timeout} s") from None

    async def _read(self) -> None:
        while True:
            frame = await self._conn.read_message()
            if frame is None:
                self.gone = self.gone or "closed"
                self._fail_all()
                return
            if self.keep_frames:
                self.frames.append(frame if isinstance(frame, str) else frame.decode("utf-8", "replace"))
            try:
                self._handle(_decode(frame))
            except (ValueError, KeyError, TypeError, AttributeError, struct.error):
                continue   # a message this client does not understand: ignore it, as a browser would

    def _fail_all(self) -> None:
        for fut in list(self._replies.values()) + list(self._idle.values()):
            if not fut.done():
                fut.set_exception(KernelGone("kernel", self.gone or "closed"))
        self._changed.set()

    def _handle(self, msg: dict) -> None:
        mtype = msg.get("header", {}).get("msg_type") or msg.get("msg_type")
        parent = (msg.get("parent_header") or {}).get("msg_id")
        content = msg.get("content") or {}
        channel = msg.get("channel")
        if channel == "shell" and parent in self._replies:
            fut = self._replies.pop(parent)
            if not fut.done():
                fut.set_result(msg)
        if mtype == "status":
            state = content.get("execution_state")
            self.statuses.append(state)
            if state in ("restarting", "autorestarting", "dead"):
                self.gone = state
                self._fail_all()
            elif state == "idle" and parent in self._idle and not self._idle[parent].done():
                self._idle[parent].set_result(msg)
        elif mtype == "comm_open":
            data = content.get("data") or {}
            if "state" in data:
                self.models[content["comm_id"]] = {"model_name": data["state"].get("_model_name"),
                                                   "state": dict(data["state"])}
                self._changed.set()
        elif mtype == "comm_msg":
            data = content.get("data") or {}
            method = data.get("method")
            if method in ("update", "echo_update") and content.get("comm_id") in self.models:
                self.models[content["comm_id"]]["state"].update(data.get("state") or {})
                self._changed.set()
            elif method == "update_states":
                for model_id, spec in (data.get("states") or {}).items():
                    self.models[model_id] = {"model_name": spec.get("model_name"), "state": dict(spec.get("state") or {})}
                self._changed.set()
                fut = self._replies.pop("states:" + content.get("comm_id", ""), None)
                if fut and not fut.done():
                    fut.set_result(msg)
        elif mtype == "comm_close":
            self.models.pop(content.get("comm_id"), None)

    async def request_states(self) -> None:
        """What the browser's widget manager does on connect: ask the kernel for every widget's state."""
        comm_id = uuid.uuid4().hex
        fut = asyncio.get_running_loop().create_future()
        self._replies["states:" + comm_id] = fut
        await self.send("comm_open", {"comm_id": comm_id, "target_name": "jupyter.widget.control",
                                      "data": {}}, metadata={"version": "1.0.0"})
        await self.send("comm_msg", {"comm_id": comm_id, "data": {"method": "request_states"}},
                        metadata={"version": "1.0.0"})
        await self._wait(fut, self.timeout, "states", "no widget states")

    async def update(self, model_id: str, state: dict, timeout: float | None = None) -> float:
        """Set widget state as a click does; return seconds until the kernel finished handling it."""
        msg = self._msg("comm_msg", {"comm_id": model_id, "data": {"method": "update", "state": state,
                                                                     "buffer_paths": []}},
                        metadata={"version": "2.1.0"})
        fut = asyncio.get_running_loop().create_future()
        self._idle[msg["header"]["msg_id"]] = fut
        t0 = time.perf_counter()
        if self._conn is None or self.gone:
            raise KernelGone("answer", f"kernel {self.gone or 'not connected'}")
        await asyncio.wait_for(self._conn.write_message(json.dumps(msg)), self.timeout)
        await self._wait(fut, timeout or self.timeout, "answer", "kernel did not finish the answer")
        self._idle.pop(msg["header"]["msg_id"], None)
        return time.perf_counter() - t0

    # -- the widget tree --------------------------------------------------------------------------
    def tree(self, roots: list[str] | None = None) -> list[str]:
        """Model ids reachable from the page's output widget(s), depth first in page order (so widgets
        of a replaced question list, still alive in the kernel, are not returned)."""
        out, seen = [], set()

        def walk(mid: str) -> None:
            if mid in seen or mid not in self.models:
                return
            seen.add(mid)
            out.append(mid)
            for child in self.models[mid]["state"].get("children") or []:
                if isinstance(child, str) and child.startswith("IPY_MODEL_"):
                    walk(child[len("IPY_MODEL_"):])

        for root in roots or self.page.root_models:
            walk(root)
        return out

    def radios(self) -> list[str]:
        return [m for m in self.tree() if self.models[m]["model_name"] == "RadioButtonsModel"]

    def labels(self, model_id: str) -> list[str]:
        return list(self.models[model_id]["state"].get("_options_labels") or [])

    def index_of(self, model_id: str, text: str) -> int | None:
        """The option whose label is `text`, or else the first that contains it (as a browser user
        clicks the visible words), or None."""
        labels = self.labels(model_id)
        if text in labels:
            return labels.index(text)
        return next((i for i, label in enumerate(labels) if text in label), None)

    def offers(self, model_id: str, text: str) -> bool:
        return self.index_of(model_id, text) is not None

    def find_radio(self, label: str) -> str:
        for m in self.radios():
            if self.offers(m, label):
                return m
        raise ClientError("page", f"no radio button group offers {label!r}")

    def find(self, model_name: str, predicate: Callable[[dict], bool] = lambda s: True) -> list[str]:
        return [m for m in self.tree() if self.models[m]["model_name"] == model_name and predicate(self.models[m]["state"])]

    async def answer(self, model_id: str, label: str, timeout: float | None = None) -> float:
        """Choose `label` in a RadioButtons/Dropdown (ipywidgets 8 selection widgets are set by index)."""
        index = self.index_of(model_id, label)
        if index is None:
            raise ClientError("answer", f"no option {label!r} in {self.labels(model_id)}")
        return await self.update(model_id, {"index": index}, timeout)

    def html_values(self) -> list[str]:
        return [self.models[m]["state"].get("value") or "" for m in self.find("HTMLModel")]

    async def wait_for(self, predicate: Callable[["WidgetSession"], Any], timeout: float, stage: str = "result"):
        """Wait until predicate(self) is truthy (checked after every change) and return its value."""
        deadline = time.monotonic() + timeout
        while True:
            value = predicate(self)
            if value:
                return value
            if self.gone:
                raise KernelGone(stage, f"kernel {self.gone}")
            left = deadline - time.monotonic()
            if left <= 0:
                raise ClientError(stage, f"condition not met within {timeout} s")
            self._changed.clear()
            try:
                await asyncio.wait_for(self._changed.wait(), left)
            except asyncio.TimeoutError:
                pass

    async def wait_for_html(self, predicate: Callable[[str], bool], timeout: float) -> str:
        return await self.wait_for(lambda s: next((v for v in s.html_values() if predicate(v)), None), timeout)


# -- the case used by the load benchmark and the tests ------------------------------------------------
# The yes / no / «не знаю» questions in page order: lives alone, only with a spouse (left out once «lives
# alone» is answered: the page hides it and the calculator does not use it), relatives who help, carers
# away, conflict. The medical indications are ticked: «Ничего из этого».
ELDERLY_FLAGS = ["Да", "Нет", "Нет", "Нет", "Нет"]
ELDERLY_TICKED = "Ничего из этого"


async def answer_elderly(s: WidgetSession, timeout: float = 10.0, think: float = 0.0) -> tuple[list[float], float, str]:
    """Answer the lonely elderly person with disability group II (as tests/test_browser.py does), waiting
    `think` seconds before each click as a person reading the question would.
    Returns (every answer's round trip, the last answer -> result seconds, the result HTML)."""
    times: list[float] = []

    async def click(model_id: str, label: str) -> float:
        if think:
            await asyncio.sleep(think)
        times.append(await s.answer(model_id, label, timeout))
        return times[-1]

    await click(s.find_radio("Пожилой человек"), "Пожилой человек")
    await s.wait_for(lambda x: any(x.offers(m, "II группа") for m in x.radios()), timeout, "questions")
    await click(s.find_radio("II группа"), "II группа")
    for label in ("Нужна частичная помощь или приспособления", "С помощью других или с ходунками, коляской"):
        for m in [m for m in s.radios() if s.offers(m, label)]:
            await click(m, label)
    flags = [m for m in s.radios() if "Не знаю" in s.labels(m) and "Да" in s.labels(m)]
    if len(flags) != len(ELDERLY_FLAGS):
        raise ClientError("answer", f"expected {len(ELDERLY_FLAGS)} yes/no questions, found {len(flags)}")
    for m in s.find("CheckboxModel", lambda state: state.get("description") == ELDERLY_TICKED):
        if think:
            await asyncio.sleep(think)
        times.append(await s.update(m, {"value": True}, timeout))
    for m, label in zip(flags, ELDERLY_FLAGS):
        await click(m, label)
    if think:
        await asyncio.sleep(think)
    t0 = time.perf_counter()
    await s.answer(s.find_radio("Такого заключения нет"), "Такого заключения нет", timeout)
    html = await s.wait_for_html(lambda v: "Вам могут предложить" in v, timeout)
    last = time.perf_counter() - t0
    times.append(last)
    return times, last, html
