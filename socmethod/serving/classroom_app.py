"""The classroom's Voila servers with the pages that need no kernel (`python -m socmethod.serving.classroom_app
… --ClassroomVoila.role=trainee|trainer`, started by socmethod.serving.classroom):

* trainee: the start page at `/` instead of Voila's English file list: plain HTML from a template, large
  buttons to the three pages, what to do first, the address (with its token) as a QR code. It gives the
  browser a random trainee key in a cookie and puts it into the practice page's address, which Voila
  passes to the kernel, so a reload of that page finds the trainee's answers again. Behind the token like
  every other page.
* trainer (127.0.0.1 only): `/projector` (the debrief view, refreshing itself from `/projector/board`),
  `/export/<session>.csv` (the results for Excel, one click) and `/print/cards.pdf`, `/print/key.pdf`
  (`?cases=case-001,case-016`).

Voila has no hook for extra pages, so the subclass puts its handlers before Voila's own (the first match
wins in Tornado).
"""
from __future__ import annotations

import asyncio
import os
import re
import secrets
import sys

from jupyter_server.base.handlers import JupyterHandler
from tornado import web
from traitlets import Unicode

from socmethod.apps.training.classroom import board_html, projector_html, start_page_html
from socmethod.apps.training.results import export_csv_text
from socmethod.apps.training.sessions import (
    BROWSER_KEY,
    check_session_id,
    current_session_id,
    load_plan,
    read_results,
    results_dir,
)
from socmethod.core.errors import KitError
from socmethod.render.cards import cards_html
from socmethod.render.pdf import html_to_pdf
from socmethod.serving.handlers import quiet
from socmethod.serving.server import PublicVoila

TRAINEE_COOKIE = "socmethod_trainee"
COOKIE_DAYS = 1              # a training day; nothing about the person is in it
ADDRESS_ENV = "SOCMETHOD_CLASSROOM_URL"


def _address() -> str:
    return os.environ.get(ADDRESS_ENV, "")


def _session_title() -> str:
    session_id = current_session_id()
    if not session_id:
        return ""
    try:
        plan = load_plan(session_id)
    except KitError:
        return ""
    return plan.title or plan.id


class _PageHandler(JupyterHandler):
    def set_default_headers(self) -> None:
        super().set_default_headers()
        self.set_header("Cache-Control", "no-store")

    def write_error(self, status_code: int, **kwargs) -> None:
        # A plain Russian line, never a traceback.
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.finish(f"Ошибка {status_code}: страница недоступна.")


class StartPageHandler(_PageHandler):
    @web.authenticated
    def get(self) -> None:
        key = self.get_cookie(TRAINEE_COOKIE) or ""
        if not BROWSER_KEY.match(key):
            key = secrets.token_urlsafe(18)
        self.set_cookie(TRAINEE_COOKIE, key, expires_days=COOKIE_DAYS, httponly=True, samesite="Lax")
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.finish(start_page_html(_address(), key, _session_title()))


class ProjectorHandler(_PageHandler):
    @web.authenticated
    def get(self) -> None:
        session = self.get_argument("session", "") or None
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.finish(projector_html(self._checked(session), address=_address()))

    def _checked(self, session: str | None) -> str | None:
        try:
            return check_session_id(session) if session else None
        except KitError:
            raise web.HTTPError(404) from None


class BoardHandler(ProjectorHandler):
    @web.authenticated
    def get(self) -> None:
        session = self.get_argument("session", "") or None
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.finish(board_html(self._checked(session)))


class ExportHandler(_PageHandler):
    @web.authenticated
    def get(self, session: str) -> None:
        try:
            session = check_session_id(session)
        except KitError:
            raise web.HTTPError(404) from None
        folder = results_dir() / session
        if not folder.is_dir():
            raise web.HTTPError(404)
        rows, _ = read_results(folder)
        self.set_header("Content-Type", "text/csv; charset=utf-8")
        self.set_header("Content-Disposition", f'attachment; filename="itogi-{session}.csv"')
        self.finish(("\ufeff" + export_csv_text(rows)).encode("utf-8"))     # the BOM: Excel reads UTF-8


class CardsHandler(_PageHandler):
    @web.authenticated
    async def get(self, document: str) -> None:
        case_ids = [c for c in re.split(r"[,\s]+", self.get_argument("cases", "")) if c]
        if not case_ids:
            raise web.HTTPError(400)
        try:
            text = cards_html(case_ids, with_key=document == "key")
            # Playwright's sync API cannot run on the server's event loop: print in a worker thread.
            pdf = await asyncio.get_running_loop().run_in_executor(None, _print_pdf, text)
        except KitError as err:
            self.set_status(400)
            self.set_header("Content-Type", "text/plain; charset=utf-8")
            self.finish(f"{err.message} {err.fix}".strip())
            return
        name = "otvety" if document == "key" else "kartochki"
        self.set_header("Content-Type", "application/pdf")
        self.set_header("Content-Disposition", f'attachment; filename="{name}.pdf"')
        self.finish(pdf)


def _print_pdf(text: str) -> bytes:
    return html_to_pdf(text)          # the PDF's bytes: nothing of the trainer's is written to disk


class ClassroomVoila(PublicVoila):
    """The kit's Voila (socmethod.serving.server: the frame guard, owner-only kernels, no tracebacks)
    with the classroom's own pages in front of its handlers."""

    role = Unicode("trainee", config=True, help="trainee: the start page; trainer: projector, export, printing")

    def init_handlers(self) -> list:
        handlers = super().init_handlers()
        if self.role == "trainer":
            own = [(r"/projector/?", ProjectorHandler), (r"/projector/board", BoardHandler),
                   (r"/export/([a-z0-9][a-z0-9-]{0,59})\.csv", ExportHandler),
                   (r"/print/(cards|key)\.pdf", CardsHandler)]
        else:
            own = [(r"/", StartPageHandler)]
        return [(pattern, quiet(handler)) for pattern, handler in own] + handlers


def main(argv: list[str] | None = None) -> None:
    ClassroomVoila.launch_instance(argv)


if __name__ == "__main__":
    main(sys.argv[1:])
