"""Serving the training notebooks to a classroom: `python -m socmethod.serving.classroom [--host H] [--port P] [--token T]`.

Two Voila servers are started, because Voila serves a whole directory and a hidden file (hide_globs) is
only left out of the listing, not refused:

* the trainees' pages (method, practice, route) on H:P, with a Russian start page at `/` (classroom_app). Loopback (127.0.0.1) is the default; bound to
  any other address the server always asks for an access token (given with --token, or generated and
  printed): trainees open the printed link, or the bare address and type the token once (a cookie
  keeps them signed in);
* the trainer's page, with the projector view, the export and the printed cards, on 127.0.0.1 only (port 8868 unless --trainer-port; 8867 is `make workbench`'s), so
  that nobody on the network can change the session or see the group's results.

Both use socmethod.serving.voila's command (the kit's Voila server: ipc kernel transport, culling, no
tracebacks, our template) except pre-heating: a directory of notebooks would keep a pool of idle kernels
per notebook. Both read and
write the same results folder (SOCMETHOD_TRAINING_RESULTS, default training_results/).
"""
from __future__ import annotations

import argparse
import ipaddress
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from socmethod.core.errors import KitError
from socmethod.serving.voila import ROOT, check_rules, voila_command, voila_env

NOTEBOOKS = ROOT / "notebooks"
TRAINEE_NOTEBOOKS = ("training_method.ipynb", "training_practice.ipynb", "training_route.ipynb")
TRAINER_NOTEBOOK = "training_trainer.ipynb"
PAGE_TITLES = {"training_method.ipynb": "Методика", "training_practice.ipynb": "Практика",
               "training_route.ipynb": "Маршрут и сроки"}
# Letters that cannot be mistaken for each other when read off a projector: no 0/o, 1/l/i.
TOKEN_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
TOKEN_LENGTH = 10                      # ~49 bits: far beyond what guessing over HTTP can reach in a lesson
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{6,64}$")
TRAINER_PORT = 8868
# A kernel with its tab open is never culled (a trainee reading a story is idle for long); one whose tab
# closed without the page's shutdown beacon (a phone, a crash) or that never connected is shut down
# this long after, busy or not: 20 reloads used to keep 21 kernels (1.24 GB) for 30 minutes.
CULL_AFTER = 180


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def make_token() -> str:
    return "".join(secrets.choice(TOKEN_ALPHABET) for _ in range(TOKEN_LENGTH))


def resolve_token(host: str, token: str | None) -> str | None:
    """The token the trainees' server will require: the given one (checked), a new one when the server
    is reachable beyond this computer, or None on loopback without one."""
    if token is not None and token != "":
        if not TOKEN_PATTERN.match(token):
            raise KitError("bad_argument", "--token", value=token,
                           allowed="Токен: от 6 до 64 латинских букв, цифр, «-» или «_».")
        return token
    if token == "" and not is_loopback(host):
        raise KitError("bad_argument", "--token", value="пустой токен",
                       allowed="Вне этого компьютера страницы открываются только по токену; уберите --token, "
                               "и он будет создан.")
    return None if is_loopback(host) else make_token()


def stage_notebooks(target: Path, names=TRAINEE_NOTEBOOKS) -> Path:
    """Copy the trainees' notebooks into `target`: the directory the network-facing server may show."""
    target.mkdir(parents=True, exist_ok=True)
    for name in names:
        source = NOTEBOOKS / name
        if not source.is_file():
            raise KitError("file_not_found", value=str(source))
        shutil.copy2(source, target / name)
    return target


def classroom_command(notebooks: Path, host: str, port: int, token: str | None, role: str = "trainee") -> list[str]:
    # A directory of notebooks is served without pre-heating (one pool per notebook would cost more). The
    # server is Voila with the classroom's own pages (classroom_app): the start page, or for the trainer
    # the projector, the export and the printed cards.
    cmd = [a for a in voila_command(host, port, notebook=notebooks, cull_after=CULL_AFTER,
                                    module="socmethod.serving.classroom_app")
           if not a.startswith(("--preheat_kernel", "--pool_size"))]
    cmd.append(f"--ClassroomVoila.role={role}")
    if token:
        cmd.append(f"--token={token}")
    return cmd


def classroom_env(results: Path, trainee_url: str = "") -> dict[str, str]:
    env = voila_env()
    # The kernels import the kit from this checkout even when it is not installed into the interpreter.
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    env["SOCMETHOD_TRAINING_RESULTS"] = str(results)
    if trainee_url:
        env["SOCMETHOD_CLASSROOM_URL"] = trainee_url
    return env


def lan_address() -> str:
    """This computer's address on the classroom network (the interface of the default route); a UDP
    connect sends nothing."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect(("10.255.255.255", 1))
            return s.getsockname()[0]
    except OSError:
        return socket.gethostname()


def urls(host: str, port: int, token: str | None) -> dict[str, str]:
    shown = lan_address() if host in ("0.0.0.0", "", "::") else host
    if ":" in shown:
        shown = f"[{shown}]"
    query = f"?token={token}" if token else ""
    base = f"http://{shown}:{port}/"
    pages = {name: f"{base}voila/render/{name}{query}" for name in TRAINEE_NOTEBOOKS}
    return {"index": base + query, "base": base, **pages}


def _stop(procs: list[subprocess.Popen]) -> None:
    for p in procs:
        if p.poll() is None:
            p.terminate()
    deadline = time.monotonic() + 10
    for p in procs:
        try:
            p.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            p.kill()


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="socmethod.serving.classroom",
                                     description="Учебные страницы (Voila) для занятия: слушатели и преподаватель.")
    parser.add_argument("--host", default="127.0.0.1",
                        help="адрес страниц слушателей: 127.0.0.1 — только этот компьютер (по умолчанию), "
                             "0.0.0.0 — все сети компьютера (тогда нужен токен)")
    parser.add_argument("--port", type=int, default=8866, help="порт страниц слушателей")
    parser.add_argument("--token", default=None, help="токен доступа; вне 127.0.0.1 создаётся, если не указан")
    parser.add_argument("--trainer-port", type=int, default=TRAINER_PORT,
                        help=f"порт страницы преподавателя (по умолчанию {TRAINER_PORT})")
    parser.add_argument("--results", default=None, help="папка результатов (по умолчанию training_results/)")
    args = parser.parse_args(argv)
    trainer_port = args.trainer_port
    try:
        if trainer_port == args.port:
            raise KitError("bad_argument", "--trainer-port", value=trainer_port,
                           allowed="Страницам слушателей и преподавателя нужны разные порты.")
        check_rules()
        token = resolve_token(args.host, args.token)
        from socmethod.apps.training import results_dir
        results = Path(args.results).resolve() if args.results else results_dir()
        results.mkdir(parents=True, exist_ok=True)
        if not (NOTEBOOKS / TRAINER_NOTEBOOK).is_file():
            raise KitError("file_not_found", value=str(NOTEBOOKS / TRAINER_NOTEBOOK))
    except (KitError, ValueError, OSError) as err:
        message = f"{err.message} {err.fix}" if isinstance(err, KitError) else str(err)
        sys.stderr.write(f"Учебные страницы не запущены: {message}\n")
        return 2
    staging = Path(tempfile.mkdtemp(prefix="socmethod-classroom-"))
    procs: list[subprocess.Popen] = []
    # SIGTERM (a service manager, a test) must stop both servers as Ctrl+C does.
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        try:
            stage_notebooks(staging / "pages")
        except KitError as err:
            sys.stderr.write(f"Учебные страницы не запущены: {err.message}\n")
            return 2
        links = urls(args.host, args.port, token)
        env = classroom_env(results, links["index"])
        procs.append(subprocess.Popen(classroom_command(staging / "pages", args.host, args.port, token), env=env,
                                      cwd=staging))
        trainer_env = {**env, "SOCMETHOD_CLASSROOM_TRAINER": "1"}
        procs.append(subprocess.Popen(classroom_command(NOTEBOOKS / TRAINER_NOTEBOOK, "127.0.0.1", trainer_port, None,
                                                        role="trainer"), env=trainer_env, cwd=ROOT))
        lines = ["", "Учебные страницы для слушателей" + (" (по сети)" if not is_loopback(args.host) else "") + ":",
                 f"  Начальная страница (её QR-код — на странице преподавателя): {links['index']}"]
        lines += [f"  {PAGE_TITLES[n]}: {links[n]}" for n in TRAINEE_NOTEBOOKS]
        if token:
            lines.append(f"  Токен доступа: {token} (или откройте {links['base']} и введите его)")
        lines += [f"Страница преподавателя (только на этом компьютере): http://127.0.0.1:{trainer_port}/",
                  f"Результаты: {results}", "Остановить: Ctrl+C", ""]
        sys.stderr.write("\n".join(lines) + "\n")
        sys.stderr.flush()
        while all(p.poll() is None for p in procs):
            time.sleep(0.5)
        sys.stderr.write("Один из серверов остановился; останавливаю второй.\n")
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        _stop(procs)
        shutil.rmtree(staging, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
