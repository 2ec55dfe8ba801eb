"""`make lab`: JupyterLab on the kit's notebooks, loopback, behind the token it prints, opening the analysis
notebook, its kernel this environment's Python (so `import socmethod` works)."""
from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.support.page_driver import free_port
from tests.support.processes import stop_session

pytestmark = pytest.mark.server

ROOT = Path(__file__).resolve().parents[1]


def _get(url: str):
    try:
        with urllib.request.urlopen(url, timeout=10) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, b""
    except OSError:                 # not listening yet
        return 0, b""


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    port = free_port()
    log = tmp_path_factory.mktemp("lab") / "lab.log"
    with open(log, "w") as fh:
        proc = subprocess.Popen([sys.executable, "-m", "socmethod.serving.lab", "--port", str(port), "--no-browser"],
                                cwd=ROOT, stdout=fh, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    token = None
    while time.monotonic() < deadline:
        first = log.read_text(encoding="utf-8").splitlines()[:1]
        if first and token is None:
            token = first[0].rsplit("token=", 1)[-1]
        if token and _get(f"{base}/api/status?token={token}")[0] == 200:
            break
        time.sleep(0.5)
    else:
        stop_session(proc)
        pytest.fail("JupyterLab did not answer within 90 s:\n" + log.read_text(encoding="utf-8")[-2000:])
    yield base, token, log.read_text(encoding="utf-8").splitlines()[0]
    stop_session(proc)


def test_the_address_and_a_fresh_token_are_printed_first(lab):
    base, token, first_line = lab
    assert first_line == f"JupyterLab: {base}/lab/tree/analysis.ipynb?token={token}"
    assert len(token) >= 24


def test_nothing_is_served_without_the_token(lab):
    base, token, _ = lab
    assert _get(f"{base}/api/contents")[0] == 403
    assert _get(f"{base}/api/contents?token=wrong")[0] == 403


def test_the_kits_notebooks_are_there_and_the_kernel_is_this_python(lab):
    base, token, _ = lab
    status, body = _get(f"{base}/api/contents?token={token}")
    names = {item["name"] for item in json.loads(body)["content"]}
    assert status == 200 and {"analysis.ipynb", "workbench.ipynb", "calculator.ipynb"} <= names
    status, page = _get(f"{base}/lab/tree/analysis.ipynb?token={token}")
    assert status == 200 and b"JupyterLab" in page
    specs = json.loads(_get(f"{base}/api/kernelspecs?token={token}")[1])
    argv = specs["kernelspecs"][specs["default"]]["spec"]["argv"]
    assert Path(argv[0]).resolve() == Path(sys.executable).resolve() or argv[0] == "python"
