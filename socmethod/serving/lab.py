"""JupyterLab on the kit's notebooks (`make lab`): the methodologist's own Python, with pandas and the kit.

Loopback by default, always behind a token (a fresh one unless given), opening the analysis notebook; the
address with its token is printed before JupyterLab starts. JupyterLab runs the notebooks in this
environment's kernel, so `import socmethod` works as in the scripts.
"""
from __future__ import annotations

import argparse
import os
import secrets
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
FIRST = "analysis.ipynb"


def lab_command(host: str = "127.0.0.1", port: int = 8888, token: str = "", browser: bool = True) -> list[str]:
    lab = Path(sys.executable).parent / "jupyter-lab"
    return [str(lab), f"--ServerApp.ip={host}", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={NOTEBOOKS}",
            f"--ServerApp.default_url=/lab/tree/{FIRST}", f"--ServerApp.open_browser={browser}",
            # Containers often run as root, where Jupyter refuses to start; the token guards the server either way.
            "--ServerApp.allow_root=True",
            # Nothing asks the internet: no extension catalogue from PyPI, no update check.
            "--LabApp.extension_manager=readonly", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="socmethod.serving.lab", description="JupyterLab с тетрадями комплекта.")
    parser.add_argument("--host", default="127.0.0.1", help="адрес (по умолчанию только этот компьютер)")
    parser.add_argument("--port", type=int, default=8888)
    parser.add_argument("--token", default="", help="свой ключ доступа (по умолчанию — новый при каждом запуске)")
    parser.add_argument("--no-browser", action="store_true", help="не открывать браузер")
    args = parser.parse_args(argv)
    token = args.token or secrets.token_urlsafe(24)
    cmd = lab_command(args.host, args.port, token, browser=not args.no_browser)
    sys.stderr.write(f"JupyterLab: http://{args.host}:{args.port}/lab/tree/{FIRST}?token={token}\n")
    sys.stderr.flush()
    os.execv(cmd[0], cmd)
    return 0  # pragma: no cover - execv does not return


if __name__ == "__main__":
    sys.exit(main())
