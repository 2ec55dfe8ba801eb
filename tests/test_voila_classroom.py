"""The classroom's trainee server (socmethod.serving.classroom's command) under issue 16's findings 6-7:
kernels of closed tabs are freed within minutes, and its login and logout put no traceback in the log.

The server is the real trainee command with a short cull timeout (the real one is CULL_AFTER, checked
in tests/test_serve.py); every step has a deadline.
"""
from __future__ import annotations

import asyncio
import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request

import pytest

from socmethod.serving.classroom import classroom_command, stage_notebooks
from tests.support.loadclient import WidgetSession, fetch_page
from tests.support.page_driver import free_port
from tests.support.voila_server import Server, run, short_tmp, wait_until

pytestmark = [pytest.mark.server, pytest.mark.timeout(240)]

CULL = 4
TOKEN = "lesson2026"


def trainee_server(token: str | None, cull: int = CULL) -> Server:
    base = short_tmp()
    pages = stage_notebooks(base / "pages")
    port = free_port()
    command = classroom_command(pages, "127.0.0.1", port, token)
    return Server(base, pool=0, command=command, port=port,
                  extra=[f"--MappingKernelManager.cull_idle_timeout={cull}", "--MappingKernelManager.cull_interval=1"],
                  env={"SOCMETHOD_TRAINING_RESULTS": str(base / "results")})


def test_twenty_page_loads_do_not_keep_twenty_kernels():
    """Finding 7: 20 page loads made 21 kernels kept for 30 minutes. Here: tabs that open and close (and
    loads that never connect) leave no kernel once the cull timeout has passed (idle ones culled, busy
    ones shut down: tests/test_voila_attacks.py)."""
    srv = trainee_server(None)
    try:
        url = srv.url + "voila/render/training_method.ipynb"

        async def loads():
            for i in range(20):
                page = await fetch_page(url, 60)
                if i % 4:                          # most tabs connect, a few never do
                    session = WidgetSession(page, timeout=30)
                    await session.open(states=False)
                    await session.close()
        run(loads(), 600)
        assert srv.kernel_count() >= 1
        assert wait_until(lambda: srv.kernel_count() == 0, CULL + 10), f"{srv.kernel_count()} kernels left"
        assert "Traceback" not in srv.log_text()
    finally:
        srv.close()


def test_an_open_tab_keeps_its_kernel():
    srv = trainee_server(None)
    try:
        url = srv.url + "voila/render/training_method.ipynb"

        async def stay():
            page = await fetch_page(url, 60)
            session = WidgetSession(page, timeout=30)
            await session.open(states=False)
            try:
                await asyncio.sleep(CULL + 4)
                reply = await session.request("kernel_info_request", {}, stage="kernel_info", timeout=10)
                return reply["header"]["msg_type"]
            finally:
                await session.close()

        assert run(stay(), 120) == "kernel_info_reply"
    finally:
        srv.close()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_login_with_a_new_password_and_logout_put_no_traceback_in_the_log():
    """Finding 6: the classroom's /login with `new_password` wrote a config file (500, traceback)."""
    srv = trainee_server(TOKEN, cull=600)
    try:
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect)
        with opener.open(srv.url + "login", timeout=15) as resp:
            form = resp.read().decode("utf-8")
        xsrf = next(c.value for c in jar if c.name == "_xsrf")
        assert "new_password" not in form           # the form no longer offers to set one
        body = urllib.parse.urlencode({"_xsrf": xsrf, "password": TOKEN, "new_password": "mine"}).encode()
        try:
            opener.open(urllib.request.Request(srv.url + "login?next=%2F", data=body), timeout=15)
            status = 200
        except urllib.error.HTTPError as err:
            status = err.code
        assert status in (302, 303), status               # logged in with the token; the password ignored
        assert not list(srv.base.rglob("jupyter_server_config.json"))
        with opener.open(srv.url + "voila/render/training_method.ipynb", timeout=60) as resp:
            assert re.search(r'"kernelId":\s*"[0-9a-f-]{36}"', resp.read().decode("utf-8"))
        try:
            opener.open(srv.url + "logout", timeout=15)
            status = 200
        except urllib.error.HTTPError as err:
            status = err.code
        assert status in (302, 303)
        try:
            opener.open(srv.url + "voila/render/training_method.ipynb", timeout=15)
            status = 200
        except urllib.error.HTTPError as err:
            status = err.code
        assert status in (302, 303, 403)                   # signed out: back to the login
        assert "Traceback" not in srv.log_text() and "Uncaught" not in srv.log_text()
    finally:
        srv.close()
