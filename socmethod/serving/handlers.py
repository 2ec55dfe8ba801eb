"""The kit's request handlers in front of Voila's (installed by socmethod.serving.server).

Each one subclasses the Voila or jupyter_server handler it replaces and adds what a public page needs:

* `PageHandler` (the calculator page): `?template=` and `?theme=` are dropped before Voila reads them
  (they switched to templates that load a CDN, hung on a missing template, skipped the pre-heated pool);
  the visitor gets a random cookie, and every kernel handed to the page is recorded as theirs; the
  `_xsrf` cookie is set, so the page's own shutdown beacon on closing works (Voila issue 1458).
* `KernelWebsocketHandler`, `KernelModelHandler`, `ShutdownHandler`: a kernel is reachable only with
  its visitor's cookie (its id alone was a bearer token, issue 16 item 5); the websocket passes on only
  frames socmethod.serving.guard accepts, at the visitor's message rate (what is over it waits in a
  bounded backlog, a widget's newer value replacing its older one), and closes on anything else;
  outgoing frames are read with the guard's bounded reader instead of Voila's, and a page that stops
  reading is disconnected before the server's memory fills with what it does not read.
* `TemplateStaticHandler`, `LogoutHandler`: answer malformed paths and /logout with a page, not a 500
  with a traceback; `StaticHandler`, `LabextensionHandler`: cacheable assets; all three send files
  gzipped from a copy compressed once (`Precompressed`).
* `QuietErrors`, mixed into every handler: error pages are the kit's own Russian page (jupyter_server's
  need a static_path Voila does not set: every 404 logged two tracebacks), and an unexpected exception
  is logged as one line, never a traceback (the request's query string, which could hold answers, is
  not logged either).
"""
from __future__ import annotations

import gzip
import hashlib
import os
import re
import secrets
import sys
from pathlib import Path

import tornado.web
from jupyter_core.utils import ensure_async
from jupyter_server.auth.decorator import allow_unauthenticated
from jupyter_server.base.handlers import FileFindHandler, JupyterHandler
from jupyter_server.services.kernels.handlers import KernelHandler
from tornado.ioloop import IOLoop
from tornado.log import app_log
from tornado.web import GZipContentEncoding
from tornado.websocket import WebSocketHandler
from voila.shutdown_kernel_handler import VoilaShutdownKernelHandler
from voila.static_file_handler import MultiStaticFileHandler, TemplateStaticFileHandler
from voila.tornado.handler import TornadoVoilaHandler
from voila.tornado.kernel_websocket_handler import VoilaKernelWebsocketHandler
from voila.voila_identity_provider import VoilaLoginHandler

from socmethod.render import render
from socmethod.serving.guard import PUBLIC, Backlog, Refused, outgoing_msg_type, read_client_frame

VISITOR_COOKIE = "sm_visitor"
OVERRIDE_ARGUMENTS = ("template", "theme")
IMMUTABLE = "public, max-age=31536000, immutable"
# Webpack's content hash in a file name (remoteEntry.c8c9eed2cdefdeac.js, 84.09c61a35dce1705f.js).
HASHED_NAME = re.compile(r"\.[0-9a-f]{16,}\.(js|css)$")


class QuietErrors:
    """Mixed in before a tornado handler: the kit's error page, and no traceback in the log."""

    def write_error(self, status_code: int, **kwargs) -> None:
        try:
            page = render("serving/error.html.j2", status=status_code,
                          home=self.settings.get("base_url", "/"))
        except Exception:   # the error page must not fail in turn
            page = f"{status_code}"
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.finish(page)

    def log_exception(self, typ, value, tb) -> None:
        if isinstance(value, tornado.web.HTTPError):
            return super().log_exception(typ, value, tb)
        where = "?"
        while tb is not None:
            where = f"{Path(tb.tb_frame.f_code.co_filename).name}:{tb.tb_lineno}"
            tb = tb.tb_next
        getattr(self, "log", app_log).error("%s %s: %s at %s (details withheld)", self.request.method, self.request.path,
                       getattr(typ, "__name__", typ), where)


_quiet_classes: dict[type, type] = {}


def quiet(handler_class: type) -> type:
    """`handler_class` with QuietErrors in front (the same class for the same input)."""
    if issubclass(handler_class, QuietErrors):
        return handler_class
    if handler_class not in _quiet_classes:
        _quiet_classes[handler_class] = type(handler_class.__name__, (QuietErrors, handler_class),
                                             {"__module__": __name__})
    return _quiet_classes[handler_class]


def visitor_of(handler: tornado.web.RequestHandler) -> str | None:
    """The visitor id of the request, if the server issued it: the cookie is signed (with the server's
    random cookie_secret), so a value planted in a browser beforehand is not taken."""
    value = handler.get_signed_cookie(VISITOR_COOKIE, max_age_days=7)
    return value.decode("ascii", "replace") if value else None


def require_owner(handler: tornado.web.RequestHandler, kernel_id: str) -> None:
    """404 unless the request carries the cookie of the visitor `kernel_id` was handed to (as if the
    kernel did not exist: its id tells a stranger nothing)."""
    manager = handler.settings["kernel_manager"]
    if not manager.owns(kernel_id, visitor_of(handler)):
        raise tornado.web.HTTPError(404, "kernel not found or not this visitor's")


class _HandingOut:
    """The kernel manager as the page handler sees it: every kernel it gives the page is recorded as the
    visitor's (Voila's handler takes the kernel from the pool, or starts one, itself)."""

    def __init__(self, manager, visitor: str, handed: list[str]):
        self._manager, self._visitor, self._handed = manager, visitor, handed

    def __getattr__(self, name):
        return getattr(self._manager, name)

    async def get_rendered_notebook(self, *args, **kwargs):
        render_task, rendered, kernel_id = await self._manager.get_rendered_notebook(*args, **kwargs)
        self._manager.hand_out(kernel_id, self._visitor)
        self._handed.append(kernel_id)
        return render_task, rendered, kernel_id

    async def start_kernel(self, *args, **kwargs):
        kernel_id = await ensure_async(self._manager.start_kernel(*args, **kwargs))
        self._manager.hand_out(kernel_id, self._visitor)
        self._handed.append(kernel_id)
        return kernel_id


class PageHandler(QuietErrors, TornadoVoilaHandler):
    _visitor: str | None = None
    _handed: list[str] | tuple = ()        # the kernels this request gave its page (set in get)

    async def prepare(self):
        for name in OVERRIDE_ARGUMENTS:
            self.request.arguments.pop(name, None)
            self.request.query_arguments.pop(name, None)
        return await super().prepare()

    @property
    def kernel_manager(self):
        manager = self.settings["kernel_manager"]
        return _HandingOut(manager, self._visitor, self._handed) if self._visitor else manager

    @tornado.web.authenticated
    async def get(self, path=None):
        visitor = visitor_of(self)
        if not visitor:
            visitor = secrets.token_urlsafe(24)
            # Lax, not Strict: a visitor arriving by a link from another site keeps the cookie of their
            # other open pages. HttpOnly: the page's scripts never need it. No expiry: gone with the browser.
            self.set_signed_cookie(VISITOR_COOKIE, visitor, expires_days=None, path=self.base_url, httponly=True,
                                   samesite="Lax", secure=self.request.protocol == "https")
        self._visitor, self._handed = visitor, []
        self.xsrf_token     # noqa: B018 - reading it sets the _xsrf cookie the page's closing beacon sends
        return await super().get(path)

    def on_finish(self):
        for kernel_id in self._handed:
            self.settings["kernel_manager"].page_sent(kernel_id)


class KernelModelHandler(QuietErrors, KernelHandler):
    """GET /api/kernels/<id> (the page asks for its kernel's model once) and DELETE, for the owner only."""

    async def prepare(self):
        await super().prepare()
        require_owner(self, self.path_kwargs.get("kernel_id", ""))


class ShutdownHandler(QuietErrors, VoilaShutdownKernelHandler):
    """The page's beacon on closing shuts its kernel down at once; nobody else's."""

    async def prepare(self):
        await super().prepare()
        require_owner(self, self.path_args[0] if self.path_args else "")


class KernelWebsocketHandler(QuietErrors, VoilaKernelWebsocketHandler):
    _unread = 0
    _drain_handle = None

    async def get(self, kernel_id):
        require_owner(self, kernel_id)
        if not self.kernel_manager.visitor(kernel_id).connects.take():
            self.log.warning("Kernel %s: its page reconnects too often; refused", kernel_id)
            raise tornado.web.HTTPError(429)
        self._backlog = Backlog()
        return await super().get(kernel_id)

    def _refuse(self, reason: str) -> None:
        self.log.warning("Kernel %s: closing its websocket: %s", self.kernel_id, reason)
        self.close(1008, "refused")

    def on_message(self, message):
        if self.ws_connection is None:
            return None      # closed by us a moment ago; frames already received are not passed on
        kernel_id = self.kernel_id
        visitor = self.kernel_manager.visitor(kernel_id)
        if visitor is None:              # shut down meanwhile
            self.close(1008, "gone")
            return None
        if not visitor.intake.take():
            return self._refuse("flooding (far over any person's pace)")
        try:
            read = read_client_frame(message, self.selected_subprotocol, self.settings.get("socmethod_guard", PUBLIC))
        except Refused as err:
            return self._refuse(err.reason)
        if not self._backlog and visitor.bucket.take():
            return super().on_message(message)
        # Over the rate, or behind messages that are: kept in order, sent on as the rate allows.
        self.kernel_manager.over_rate(kernel_id, dropped=not self._backlog.add(read, message))
        self._schedule_drain(visitor)
        return None

    def _schedule_drain(self, visitor) -> None:
        if self._drain_handle is None and self._backlog:
            self._drain_handle = IOLoop.current().call_later(visitor.bucket.wait(), self._drain)

    def _drain(self) -> None:
        self._drain_handle = None
        visitor = self.kernel_manager.visitor(self.kernel_id)
        if self.ws_connection is None or visitor is None:
            self._backlog.clear()
            return
        while self._backlog and visitor.bucket.take():
            try:
                super().on_message(self._backlog.pop())
            except Exception:            # as tornado does for on_message: log (one line) and close
                self.log_exception(*sys.exc_info())
                self.close(1011, "error")
                return
        self._schedule_drain(visitor)

    def on_close(self):
        if self._drain_handle is not None:
            IOLoop.current().remove_timeout(self._drain_handle)
            self._drain_handle = None
        return super().on_close()

    def write_message(self, message, binary=False):
        # Closed (tornado forgets the connection at close(), before on_close): output still arriving from
        # the kernel is dropped here; raising would put a traceback in the log (jupyter_server does not
        # catch it on the v1 path).
        if self.ws_connection is None:
            return None
        if outgoing_msg_type(message, self.selected_subprotocol) == "execute_input":
            return None      # as Voila does: the page never shows code
        if self._unread > self.kernel_manager.unread_limit:
            self.log.warning("Kernel %s: its page reads nothing (%d bytes unread); closing its websocket",
                             getattr(self, "kernel_id", "?"), self._unread)
            self.close(1008, "not reading")
            return None
        size = len(message) if isinstance(message, (bytes, str)) else 0
        # Voila's own write_message reads every binary frame as v1 (issue 16 item 1): skip it.
        written = WebSocketHandler.write_message(self, message, binary)
        self._unread += size

        def done(future):
            self._unread -= size
            if not future.cancelled():
                future.exception()    # a closed socket: nothing to report

        written.add_done_callback(done)
        return written


class GzipUnlessPartial(GZipContentEncoding):
    """Tornado's gzip transform (compress_response), except for a 206 answer to a Range request, whose
    Content-Range counts the file's own bytes."""

    def transform_first_chunk(self, status_code, headers, chunk, finishing):
        if status_code == 206:
            self._gzipping = False
        return super().transform_first_chunk(status_code, headers, chunk, finishing)


class Precompressed:
    """Mixed in before a tornado StaticFileHandler: a compressible file is sent gzipped from a copy
    compressed once per file version and kept in memory (Tornado's compress_response would compress
    the same 5 MB of JavaScript again for every new visitor: about half a CPU-second each)."""

    _gzipped: dict[tuple, bytes] = {}

    def _gzip_body(self) -> bytes | None:
        if "gzip" not in self.request.headers.get("Accept-Encoding", "") or "Range" in self.request.headers:
            return None
        if not GZipContentEncoding._compressible_type(GZipContentEncoding, self.get_content_type().split(";")[0]):
            return None
        stat = os.stat(self.absolute_path)
        if stat.st_size < GZipContentEncoding.MIN_LENGTH:
            return None
        key = (self.absolute_path, stat.st_mtime_ns, stat.st_size)
        body = self._gzipped.get(key)
        if body is None:
            with open(self.absolute_path, "rb") as fh:
                body = self._gzipped[key] = gzip.compress(fh.read(), compresslevel=9, mtime=0)
        return body

    def get_content_size(self) -> int:
        body = self._gzip_body()
        if body is None:
            return super().get_content_size()
        self.set_header("Content-Encoding", "gzip")
        self.add_header("Vary", "Accept-Encoding")
        # Tornado reads the body with self.get_content(path, start, end) right after asking the size;
        # the class's own get_content (a classmethod, also used for the ETag) stays as it is.
        self.get_content = lambda abspath, start=None, end=None: body
        return len(body)


class TemplateStaticHandler(QuietErrors, Precompressed, TemplateStaticFileHandler):
    """/voila/templates/<template>/static/<file> for the served template only; any other shape is a 404
    (Voila's handler asserted on it: a 500 and a traceback)."""

    def initialize(self, template: str = "socmethod"):
        super().initialize()
        self.template = template

    def parse_url_path(self, path):
        parts = path.split("/", 2)
        if len(parts) != 3 or parts[0] != self.template or parts[1] != "static" or not parts[2]:
            raise tornado.web.HTTPError(404)
        return super().parse_url_path(path)

    @classmethod
    def get_absolute_path(cls, root, path):
        if len(os.path.normpath(path).split(os.path.sep, 2)) != 3:
            raise tornado.web.HTTPError(404)
        return super().get_absolute_path(root, path)


def static_version(paths: list[str]) -> str:
    """A short fingerprint of Voila's static files (names, sizes, times): it changes whenever Voila is
    upgraded, so the files can be served under /voila/static/<version>/ and cached for good."""
    digest = hashlib.sha256()
    for root in paths:
        for directory, _, files in sorted(os.walk(root)):
            for name in sorted(files):
                stat = os.stat(os.path.join(directory, name))
                digest.update(f"{directory}/{name}:{stat.st_size}:{stat.st_mtime_ns};".encode())
    return digest.hexdigest()[:16]


class StaticHandler(QuietErrors, Precompressed, MultiStaticFileHandler):
    """Voila's static files (voila.js and its chunks). Under the versioned prefix they never change;
    under the plain one they are revalidated (ETag) on each use."""

    def initialize(self, paths, default_filename=None, immutable=False):
        super().initialize(paths, default_filename)
        self.immutable = immutable

    def set_extra_headers(self, path):
        self.set_header("Cache-Control", IMMUTABLE if self.immutable else "no-cache")


class LabextensionHandler(QuietErrors, Precompressed, FileFindHandler):
    """The widget manager's files: those named by their content hash are cached for good."""

    def set_headers(self):
        super().set_headers()
        if HASHED_NAME.search(self.request.path):
            self.set_header("Cache-Control", IMMUTABLE)


class LoginHandler(QuietErrors, VoilaLoginHandler):
    """/login (a classroom beyond loopback): the token asked for in Russian, on the kit's own page;
    jupyter_server's is English and loads its own stylesheet from a path Voila does not serve."""

    def _render(self, message=None):
        self.write(render("serving/login.html.j2", next=self.get_argument("next", default=self.base_url),
                          action=self.base_url.rstrip("/") + "/login", xsrf=self.xsrf_token.decode("ascii"),
                          refused=bool(message)))


class LogoutHandler(QuietErrors, JupyterHandler):
    """/logout: forget the classroom login and go back to the start (jupyter_server's page needs a
    static_path Voila does not set)."""

    @allow_unauthenticated
    def get(self):
        self.identity_provider.clear_login_cookie(self)
        self.redirect(self.base_url)
