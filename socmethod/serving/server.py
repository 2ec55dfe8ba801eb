"""The Voila application of the kit's servers: Voila 0.5 with the kit's handlers, settings and limits.

`python -m socmethod.serving.server NOTEBOOK-OR-FOLDER [voila options]` takes every option the `voila`
command takes (socmethod.serving.voila.voila_command builds the line) and runs `PublicVoila`, which
differs from Voila in what it builds, not in how it is configured:

* the Tornado application is built with `compress_response` (gzip) and a websocket message limit
  (`max_message_bytes`, 64 KiB; with `client_buffers` the pages may send binary buffers: the workbench).
  Voila applies `Voila.tornado_settings` only after the application is built (voila/app.py:
  `tornado.web.Application(**settings)` then `settings.update(tornado_settings)`), when Tornado has
  already chosen its output transforms, so the setting has to be there at construction;
* Voila's static files are served under /voila/static/<fingerprint>/ as well, and the page is told to
  load them from there (`fullStaticUrl`), so a browser caches them for good and a Voila upgrade changes
  the address; the widget manager's files carry content hashes in their names and are cached for good;
* the handlers of socmethod.serving.handlers replace Voila's (owner-only kernels, the frame guard and
  rate limit, no template or theme override, no tracebacks), and every other handler gets the kit's
  error page;
* the page may not ask its kernel to shut down over the websocket (a kernel restarts after it: about a
  CPU-second each time), classroom logins cannot set a password, and template and theme overrides are
  off in Voila's configuration too.
"""
from __future__ import annotations

import sys

from jupyter_server.auth.logout import LogoutHandler as JupyterLogoutHandler
from jupyter_server.base.handlers import FileFindHandler
from jupyter_server.services.kernels.handlers import KernelHandler
from jupyter_server.utils import url_path_join
from tornado.web import GZipContentEncoding
from traitlets import Bool, Integer
from voila.app import Voila
from voila.shutdown_kernel_handler import VoilaShutdownKernelHandler
from voila.static_file_handler import MultiStaticFileHandler, TemplateStaticFileHandler
from voila.tornado.handler import TornadoVoilaHandler
from voila.tornado.kernel_websocket_handler import VoilaKernelWebsocketHandler
from voila.voila_identity_provider import VoilaLoginHandler

from socmethod.serving.guard import MAX_FRAME, Policy
from socmethod.serving.handlers import (
    GzipUnlessPartial,
    KernelModelHandler,
    KernelWebsocketHandler,
    LabextensionHandler,
    LoginHandler,
    LogoutHandler,
    PageHandler,
    ShutdownHandler,
    StaticHandler,
    TemplateStaticHandler,
    quiet,
    static_version,
)

REPLACED = {
    KernelHandler: KernelModelHandler,
    VoilaKernelWebsocketHandler: KernelWebsocketHandler,
    VoilaShutdownKernelHandler: ShutdownHandler,
    TornadoVoilaHandler: PageHandler,
    FileFindHandler: LabextensionHandler,
    JupyterLogoutHandler: LogoutHandler,
    VoilaLoginHandler: LoginHandler,
}


class PublicVoila(Voila):
    client_buffers = Bool(False, config=True,
                          help="Whether pages may send binary buffers (the workbench's register upload; the calculator sends none).")
    max_message_bytes = Integer(MAX_FRAME, config=True, help="The largest websocket message a page may send.")

    def init_settings(self) -> dict:
        configuration = self.voila_configuration
        configuration.allow_template_override = "NO"
        configuration.allow_theme_override = "NO"
        self.static_fingerprint = static_version(self.static_paths)
        configuration.page_config_hook = self._versioned_static(configuration.page_config_hook)
        settings = super().init_settings()
        settings["compress_response"] = True
        settings["websocket_max_message_size"] = self.max_message_bytes
        settings["socmethod_guard"] = Policy(buffers=self.client_buffers, max_frame=self.max_message_bytes)
        self.kernel_manager.allowed_message_types = [
            t for t in self.kernel_manager.allowed_message_types if t != "shutdown_request"]
        if hasattr(self.identity_provider, "allow_password_change"):
            self.identity_provider.allow_password_change = False
        return settings

    def _versioned_static(self, previous):
        prefix = url_path_join(self.base_url, "voila/static", self.static_fingerprint)

        def hook(page_config, **kwargs):
            if previous is not None:
                page_config = previous(page_config, **kwargs)
            page_config["fullStaticUrl"] = prefix
            return page_config

        return hook

    def listen(self):
        # Voila builds the application and listens in one method (start); between the two, Tornado's gzip
        # transform (installed by compress_response) is swapped for one that leaves partial content alone.
        self.app.transforms = [GzipUnlessPartial if t is GZipContentEncoding else t for t in self.app.transforms]
        return super().listen()

    def init_handlers(self) -> list:
        static = url_path_join(self.server_url, r"/voila/static/(.*)")
        handlers = []
        for pattern, handler, *rest in super().init_handlers():
            kwargs = rest[0] if rest else {}
            if handler is TemplateStaticFileHandler:
                handlers.append((pattern, TemplateStaticHandler, {"template": self.voila_configuration.template}))
            elif handler is MultiStaticFileHandler and pattern == static:
                versioned = url_path_join(self.server_url, rf"/voila/static/{self.static_fingerprint}/(.*)")
                handlers.append((versioned, StaticHandler, {**kwargs, "immutable": True}))
                handlers.append((pattern, StaticHandler, kwargs))
            else:
                handlers.append((pattern, REPLACED.get(handler) or quiet(handler), kwargs))
        return handlers


def main(argv: list[str] | None = None) -> None:
    PublicVoila.launch_instance(argv)


if __name__ == "__main__":
    main(sys.argv[1:])
