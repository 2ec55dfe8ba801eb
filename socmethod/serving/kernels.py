"""The kernel manager of the public calculator (Voila wraps it with its pool of pre-heated kernels).

Selected in socmethod.serving.voila.voila_command with
--VoilaConfiguration.multi_kernel_manager_class=socmethod.serving.kernels.PublicKernelManager.
It knows, for each kernel handed to a page, whose it is (the visitor cookie's value), how fast that
visitor may send messages, and since when no page has been connected to it; socmethod.serving.handlers
asks it.
"""
from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from functools import partial
from hmac import compare_digest

from jupyter_server._tz import utcnow
from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from tornado.ioloop import IOLoop
from traitlets import Float, Integer
from voila.request_info_handler import RequestInfoSocketHandler

from socmethod.serving.guard import TokenBucket


@dataclass
class Visitor:
    """A kernel handed to a page: the visitor it belongs to and what the server tracks about its use."""

    owner: str
    bucket: TokenBucket           # messages passed on to the kernel
    intake: TokenBucket           # frames received at all: far past it, the page is flooding
    connects: TokenBucket         # websocket connections opened
    unconnected_since: float | None = None     # None while the page is being sent and while connected
    held: int = 0
    dropped: int = 0
    warned_at: float = float("-inf")


class PublicKernelManager(AsyncMappingKernelManager):
    """AsyncMappingKernelManager with what a public page on a small machine needs.

    Culling: a pre-heated kernel's last activity is when it ran the notebook, possibly long ago. Voila
    keeps the culler off it only while it waits in the pool; handed to a visitor it is at once "idle for
    ages", and a cull pass falling between the page GET and the page's websocket (~1.5 s in a browser)
    shuts it down: the visitor gets a page whose widgets never work. Here every cull pass first marks
    the waiting kernels active, so a kernel leaves the pool with at least
    cull_idle_timeout - cull_interval seconds before it can be culled.

    Closed pages: jupyter_server culls only idle kernels, so a kernel kept busy by what its visitor sent
    before leaving (a flood of widget updates) lived on, and buffered its output for the closed socket
    without bound (434 -> 1010 MB in 2 minutes, issue 16). Here a kernel whose page was sent and has had
    no page connected for cull_idle_timeout seconds is shut down busy or not, and the output kept for a
    reconnecting page is bounded (`offline_buffer_messages`, `offline_buffer_bytes`): past the bound the
    visitor is not coming back to a consistent page anyway, so the kernel is shut down.

    Pacing: Voila refills the pool as fast as visitors take kernels, and each start costs about a
    CPU-second (Python, ipykernel, the notebook); 30 visitors in 10 s start 30 kernels at once and
    leave the two cores none for the visitors' clicks (seconds per click; the pool's own first fill
    even lost widget output to nbclient's iopub timeout). Here kernels start one at a time, at most one
    every `start_spacing` seconds: refills trickle in the background, using about half the machine.

    Messages: each visitor's kernel may be sent `message_rate` messages a second on average, with bursts
    of `message_burst` (a page load sends about 5, a click or a keystroke 1); the websocket handler holds
    the rest back in a bounded backlog (socmethod.serving.guard.Backlog) and sends it on at that rate. A
    page sending frames far faster than any person (`flood_rate`, `flood_burst`) is disconnected, so the
    server does not even parse a flood, and a visitor may open `connect_rate` websockets a second (each
    costs the server a handshake and the kernel a kernel_info request).
    """

    start_spacing = Float(1.5, config=True, help="Seconds between two kernel starts (0: no pacing).")
    message_rate = Float(5.0, config=True, help="Messages a second a visitor may send to its kernel, on average.")
    message_burst = Float(30.0, config=True, help="Messages a visitor may send at once.")
    flood_rate = Float(50.0, config=True,
                       help="Frames a second a page may send before it is disconnected (ten times any person).")
    flood_burst = Float(200.0, config=True, help="Frames a page may send at once before it is disconnected.")
    connect_rate = Float(0.5, config=True, help="Websocket connections a second a visitor may open to a kernel.")
    connect_burst = Float(10.0, config=True, help="Websocket connections a visitor may open at once.")
    unread_limit = Integer(8 << 20, config=True,
                           help="Bytes sent to a page and not yet taken by it; past it the page has stopped reading.")
    offline_buffer_messages = Integer(1000, config=True,
                                      help="Messages kept for a page that lost its connection; past it the kernel is shut down.")
    offline_buffer_bytes = Integer(4 << 20, config=True,
                                   help="Bytes kept for a page that lost its connection; past it the kernel is shut down.")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._start_slot: asyncio.Lock | None = None
        self._visitors: dict[str, Visitor] = {}

    # -- whose kernel ----------------------------------------------------------------------------------
    def hand_out(self, kernel_id: str, owner: str) -> None:
        """Record that `kernel_id` was given to the page of the visitor whose cookie value is `owner`."""
        self._visitors[kernel_id] = Visitor(owner, TokenBucket(self.message_rate, self.message_burst),
                                            TokenBucket(self.flood_rate, self.flood_burst),
                                            TokenBucket(self.connect_rate, self.connect_burst))

    def page_sent(self, kernel_id: str) -> None:
        """The page naming `kernel_id` has been sent: from now on it counts as a kernel without a page until
        the page connects (rendering it without a pre-heated kernel can take seconds)."""
        visitor = self._visitors.get(kernel_id)
        if visitor is not None and visitor.unconnected_since is None and not self._kernel_connections.get(kernel_id):
            visitor.unconnected_since = time.monotonic()

    def owns(self, kernel_id: str, owner: str | None) -> bool:
        visitor = self._visitors.get(kernel_id)
        return bool(owner) and visitor is not None and compare_digest(visitor.owner, owner)

    def visitor(self, kernel_id: str) -> Visitor | None:
        return self._visitors.get(kernel_id)

    def over_rate(self, kernel_id: str, dropped: bool) -> None:
        """Count a message held back (or dropped) for being over its visitor's rate; log once a minute."""
        visitor = self._visitors.get(kernel_id)
        if visitor is None:
            return
        visitor.held += 1
        visitor.dropped += dropped
        now = time.monotonic()
        if now - visitor.warned_at > 60:
            visitor.warned_at = now
            self.log.warning("Kernel %s: over %s messages a second from its page; %d held back, %d dropped so far",
                             kernel_id, self.message_rate, visitor.held, visitor.dropped)

    # -- connections -----------------------------------------------------------------------------------
    def notify_connect(self, kernel_id):
        super().notify_connect(kernel_id)
        if kernel_id in self._visitors:
            self._visitors[kernel_id].unconnected_since = None

    def notify_disconnect(self, kernel_id):
        super().notify_disconnect(kernel_id)
        if kernel_id in self._visitors and self._kernel_connections.get(kernel_id, 0) <= 0:
            self._visitors[kernel_id].unconnected_since = time.monotonic()

    def start_buffering(self, kernel_id, session_key, channels):
        super().start_buffering(kernel_id, session_key, channels)
        if kernel_id not in self._kernel_buffers:
            return          # buffering is off: the streams are closed
        info = self._kernel_buffers[kernel_id]
        kept = {"bytes": 0}

        def buffer_msg(channel, msg_parts):
            kept["bytes"] += sum(len(part) for part in msg_parts)
            if len(info["buffer"]) < self.offline_buffer_messages and kept["bytes"] <= self.offline_buffer_bytes:
                info["buffer"].append((channel, msg_parts))
                return
            if self._kernel_buffers.get(kernel_id) is info:
                self.log.warning("Kernel %s: over %d messages or %d bytes of output for a closed page; shutting it down",
                                 kernel_id, self.offline_buffer_messages, self.offline_buffer_bytes)
                self.stop_buffering(kernel_id)
                IOLoop.current().add_callback(self._shut_down_quietly, kernel_id)

        for channel, stream in channels.items():
            stream.on_recv(partial(buffer_msg, channel))

    async def _shut_down_quietly(self, kernel_id: str) -> None:
        if kernel_id in self:
            try:
                await self.shutdown_kernel(kernel_id)
            except Exception as err:   # already gone, or dying: nothing to free
                self.log.warning("Kernel %s: shutdown failed (%s)", kernel_id, type(err).__name__)

    # -- starting and stopping -------------------------------------------------------------------------
    async def start_kernel(self, *args, **kwargs):
        if self.start_spacing <= 0:
            return await super().start_kernel(*args, **kwargs)
        if self._start_slot is None:
            self._start_slot = asyncio.Lock()
        await self._start_slot.acquire()
        try:
            kernel_id = await super().start_kernel(*args, **kwargs)
        except BaseException:
            self._start_slot.release()
            raise
        # The caller goes on at once; the next start waits out the spacing.
        asyncio.get_running_loop().call_later(self.start_spacing, self._start_slot.release)
        return kernel_id

    async def shutdown_kernel(self, kernel_id, *args, **kwargs):
        try:
            return await super().shutdown_kernel(kernel_id, *args, **kwargs)
        finally:
            self._forget(kernel_id)

    def remove_kernel(self, kernel_id):
        self._forget(kernel_id)
        return super().remove_kernel(kernel_id)

    def _forget(self, kernel_id: str) -> None:
        self._visitors.pop(kernel_id, None)
        # Voila keeps each page's request info for a notebook that never asks for it (ours does not).
        RequestInfoSocketHandler._cache.pop(kernel_id, None)

    async def cull_kernels(self):
        now = utcnow()
        for pool in getattr(self, "_pools", {}).values():
            for task in list(pool):
                if task.done() and not task.cancelled() and task.exception() is None:
                    kernel = self._kernels.get(task.result().get("kernel_id"))
                    if kernel is not None:
                        kernel.last_activity = now
        await super().cull_kernels()
        await self.shut_down_abandoned()

    async def shut_down_abandoned(self) -> None:
        """Shut down every kernel handed to a page that has had no page connected for
        cull_idle_timeout seconds, busy or not (the idle culler leaves busy ones alone)."""
        if self.cull_idle_timeout <= 0:
            return
        now = time.monotonic()
        for kernel_id, visitor in list(self._visitors.items()):
            if kernel_id not in self:
                self._forget(kernel_id)
                continue
            since = visitor.unconnected_since
            if since is None or now - since <= self.cull_idle_timeout:
                continue
            state = getattr(self._kernels[kernel_id], "execution_state", "?")
            self.log.warning("Kernel %s (%s): no page connected for %d s; shutting it down",
                             kernel_id, state, int(now - since))
            await self._shut_down_quietly(kernel_id)
