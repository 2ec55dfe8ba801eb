"""Serving the public calculator: the one place that knows how Voila must be started.

`python -m socmethod.serving.voila [--host H] [--port P]` (what `make app` runs) checks the rule data first, so
a corrupted rule file stops the server with a clear message instead of serving wrong answers, then
starts Voila with the settings the public page needs (see ../shared/docs/jupyter-notes.md):
pre-heated kernels; idle kernels culled (Voila 0.5 never frees the kernel of a closed tab); the ipc
kernel transport (the TCP one sometimes hangs at start); a bounded execution time; no tracebacks; and
our template, which asks no host but the page's own (the stock one loads FontAwesome from a CDN).
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from socmethod.core.errors import KitError

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = ROOT / "notebooks" / "calculator.ipynb"
TEMPLATES = ROOT / "share" / "jupyter"


# The workbench uploads a register through a FileUpload widget (a binary buffer of up to 10 MiB, the limit
# its page states) and sends tens of megabytes of results back; the calculator does neither.
UPLOADS = ["--PublicVoila.client_buffers=True", f"--PublicVoila.max_message_bytes={10 << 20}",
           f"--PublicKernelManager.unread_limit={256 << 20}"]


def voila_command(host: str = "127.0.0.1", port: int = 8866, pool: int = 4, cull_after: int = 40,
                  notebook: Path = NOTEBOOK, cull_interval: int = 10,
                  module: str = "socmethod.serving.server") -> list[str]:
    # socmethod.serving.server is Voila with the kit's handlers (the frame guard, owner-only kernels,
    # compression, cacheable assets): it takes the `voila` command's options. `module` names a subclass
    # of it (the classroom's).
    return [sys.executable, "-m", module, str(notebook), "--no-browser", "--template=socmethod",
            f"--Voila.ip={host}", f"--port={port}",
            "--preheat_kernel=True", f"--pool_size={pool}",
            "--VoilaConfiguration.multi_kernel_manager_class=socmethod.serving.kernels.PublicKernelManager",
            f"--MappingKernelManager.cull_idle_timeout={cull_after}",
            f"--MappingKernelManager.cull_interval={cull_interval}",
            "--KernelManager.transport=ipc", "--VoilaExecutor.timeout=30", "--VoilaExecutor.iopub_timeout=60",
            "--VoilaConfiguration.show_tracebacks=False",
            # Only the widget managers: the page needs no syntax highlighting or in-browser kernels, and
            # every extra extension is more JavaScript to fetch before the page becomes interactive.
            '--VoilaConfiguration.extension_allowlist=["@jupyter-widgets/jupyterlab-manager", '
            '"@voila-dashboards/widgets-manager8"]'] + (UPLOADS if Path(notebook).stem == "workbench" else [])


def override_options(cmd: list[str], options: list[str]) -> list[str]:
    """Replace `--Key=value` options of a command by key (Voila refuses a key given twice) or add them."""
    for opt in options:
        key = opt.split("=", 1)[0]
        cmd = [c for c in cmd if c.split("=", 1)[0] != key] + [opt]
    return cmd


def voila_env() -> dict[str, str]:
    env = dict(os.environ)
    env["JUPYTER_PATH"] = os.pathsep.join(p for p in (str(TEMPLATES), env.get("JUPYTER_PATH", "")) if p)
    return env


def check_rules() -> None:
    """Load every rule file the calculator uses; any defect is raised as the kit's error."""
    from socmethod.apps.public.calculator import texts
    from socmethod.core.ruleset import load_ruleset
    from socmethod.core.scales import scales
    load_ruleset()
    scales()
    texts()             # the page's wording, checked against the rules it names


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="socmethod.serving.voila", description="Публичный калькулятор (Voila).")
    parser.add_argument("--host", default="127.0.0.1", help="адрес (по умолчанию только этот компьютер)")
    parser.add_argument("--port", type=int, default=8866)
    parser.add_argument("--pool", type=int, default=4,
                        help="число заранее запущенных ядер (для публикации: 30, см. README)")
    parser.add_argument("--notebook", default="calculator", choices=["calculator", "workbench"],
                        help="какую страницу открыть: калькулятор или рабочее место методиста")
    args = parser.parse_args(argv)
    try:
        check_rules()
    except (KitError, ValueError, OSError) as err:
        sys.stderr.write(f"Калькулятор не запущен: данные правил повреждены. {err}\n")
        return 2
    cmd = voila_command(args.host, args.port, args.pool, notebook=ROOT / "notebooks" / f"{args.notebook}.ipynb")
    page = "Рабочее место методиста" if args.notebook == "workbench" else "Калькулятор"
    sys.stderr.write(f"{page}: http://{args.host}:{args.port}/\n")
    os.execve(cmd[0], cmd, voila_env())
    return 0  # pragma: no cover - execve does not return


if __name__ == "__main__":
    sys.exit(main())
