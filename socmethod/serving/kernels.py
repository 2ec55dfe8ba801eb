"""The kernel manager of the public calculator (Voila wraps it with its pool of pre-heated kernels).

Selected in socmethod.serving.voila.voila_command with
--VoilaConfiguration.multi_kernel_manager_class=socmethod.serving.kernels.PublicKernelManager.
"""
from __future__ import annotations

import asyncio

from jupyter_server._tz import utcnow
from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from traitlets import Float


class PublicKernelManager(AsyncMappingKernelManager):
    """AsyncMappingKernelManager with two fixes for a public page on a small machine.

    Culling: a pre-heated kernel's last activity is when it ran the notebook, possibly long ago. Voila
    keeps the culler off it only while it waits in the pool; handed to a visitor it is at once "idle for
    ages", and a cull pass falling between the page GET and the page's websocket (~1.5 s in a browser)
    shuts it down: the visitor gets a page whose widgets never work. Here every cull pass first marks
    the waiting kernels active, so a kernel leaves the pool with at least
    cull_idle_timeout - cull_interval seconds before it can be culled.

    Pacing: Voila refills the pool as fast as visitors take kernels, and each start costs about a
    CPU-second (Python, ipykernel, the notebook); 30 visitors in 10 s start 30 kernels at once and
    leave the two cores none for the visitors' clicks (seconds per click; the pool's own first fill
    even lost widget output to nbclient's iopub timeout). Here kernels start one at a time, at most one
    every `start_spacing` seconds: refills trickle in the background, using about half the machine.
    """

    start_spacing = Float(1.5, config=True, help="Seconds between two kernel starts (0: no pacing).")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._start_slot: asyncio.Lock | None = None

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

    async def cull_kernels(self):
        now = utcnow()
        for pool in getattr(self, "_pools", {}).values():
            for task in list(pool):
                if task.done() and not task.cancelled() and task.exception() is None:
                    kernel = self._kernels.get(task.result().get("kernel_id"))
                    if kernel is not None:
                        kernel.last_activity = now
        await super().cull_kernels()
