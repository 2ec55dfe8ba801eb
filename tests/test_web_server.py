"""The web edition as it is started (`python -m socmethod.serving.web`, what `make web` runs): uvicorn on a
real socket, the CLI beside it, the access log it writes, its workers, and its refusal to start on broken
data."""
from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.support import synthetic
from tests.support.page_driver import start_web
from tests.support.processes import stop, tree_pids

pytestmark = pytest.mark.server

ROOT = Path(__file__).resolve().parents[1]
ELDERLY = synthetic.ELDERLY_EXAMPLE


def _request(url: str, data: bytes | None = None, headers: dict | None = None):
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers, err.read()


@pytest.fixture(scope="module")
def logged_server():
    proc, url = start_web(env={"SOCMETHOD_TEST_LOG": "1"})
    yield proc, url
    stop(proc)


def test_curl_and_the_cli_give_the_same_answer(logged_server):
    _, url = logged_server
    data = json.dumps(ELDERLY, ensure_ascii=False).encode()
    status, headers, body = _request(url + "/api/v1/assess?reading=star_footnote=literal", data,
                                     {"Content-Type": "application/json"})
    cli = subprocess.run([sys.executable, "-m", "socmethod.cli", "assess", "-", "--reading", "star_footnote=literal"],
                         input=data, capture_output=True, timeout=60)
    assert status == 200 and cli.returncode == 0
    assert body == cli.stdout
    assert json.loads(body)["readings"]["star_footnote"] == "literal"
    assert headers["Content-Type"] == "application/json; charset=utf-8"


def test_the_page_and_its_files_are_compressed_and_cacheable(logged_server):
    _, url = logged_server
    status, headers, body = _request(url + "/", headers={"Accept-Encoding": "gzip"})
    assert status == 200 and headers.get("Content-Encoding") == "gzip"
    page = gzip.decompress(body).decode()
    assert len(body) < 8_000 < len(page)                     # the first visit is a few kilobytes
    script = page.split('<script src="', 1)[1].split('"', 1)[0]
    status, headers, _ = _request(url + script, headers={"Accept-Encoding": "gzip"})
    assert status == 200 and "immutable" in headers["Cache-Control"] and headers.get("Content-Encoding") == "gzip"


def test_the_access_log_has_method_path_and_status_only(logged_server):
    proc, url = logged_server
    _request(url + "/api/v1/deadlines?applied=2025-12-29")
    _request(url + "/api/v1/assess?reading=empty_cell=must_be_absent", json.dumps(ELDERLY).encode(),
             {"Content-Type": "application/json"})
    _request(url + "/", b"category=elderly&income=32000&lives_alone=yes", {"Content-Type": "application/x-www-form-urlencoded"})
    _request(url + "/api/v1/assess", b"{broken", {"Content-Type": "application/json"})
    time.sleep(0.3)
    stop(proc)                                   # the log is read to its end once the server is gone
    log = proc.stderr.read()
    lines = [line for line in log.splitlines() if line.startswith(("GET ", "POST "))]
    assert "GET /api/v1/deadlines 200" in lines and "POST /api/v1/assess 200" in lines
    assert "POST / 200" in lines and "POST /api/v1/assess 400" in lines
    for secret in ("2025-12-29", "reading", "must_be_absent", "elderly", "32000", "lives_alone", "127.0.0.1:", "broken"):
        assert secret not in log.replace(url, ""), secret
    assert "Traceback" not in log


def test_several_workers_serve_the_same_answers():
    proc, url = start_web(workers=2)
    try:
        deadline = time.monotonic() + 30
        while len(tree_pids(proc.pid)) < 3 and time.monotonic() < deadline:   # the supervisor and two workers
            time.sleep(0.2)
        assert len(tree_pids(proc.pid)) >= 3
        bodies = {_request(url + "/api/v1/assess", json.dumps(ELDERLY).encode(), {"Content-Type": "application/json"})[2]
                  for _ in range(8)}
        assert len(bodies) == 1
    finally:
        stop(proc)


def test_make_web_listens_on_8000_unless_told_and_serve_site_moved():
    dry = subprocess.run(["make", "-n", "web"], cwd=ROOT, capture_output=True, text=True, timeout=30,
                         env={k: v for k, v in os.environ.items() if k not in ("PORT", "HOST", "WORKERS")})
    assert "socmethod.serving.web --host 127.0.0.1 --port 8000 --workers 1" in dry.stdout
    told = subprocess.run(["make", "-n", "web", "PORT=9123", "WORKERS=3"], cwd=ROOT, capture_output=True, text=True, timeout=30)
    assert "--port 9123 --workers 3" in told.stdout
    site = subprocess.run(["make", "-n", "serve-site"], cwd=ROOT, capture_output=True, text=True, timeout=30)
    assert "http.server 8000" not in site.stdout


def test_broken_wording_stops_the_server_naming_the_key(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    wording = data / "calculator.toml"
    text = wording.read_text(encoding="utf-8")
    assert 'show_result = "' in text
    wording.write_text(text.replace('show_result = "', 'show_resultz = "', 1), encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "socmethod.serving.web", "--port", "1"], capture_output=True, text=True,
                          env={**os.environ, "SOCMETHOD_DATA": str(data)}, timeout=60)
    assert proc.returncode == 2
    assert "page.show_result" in proc.stderr and "calculator.toml" in proc.stderr
    assert "Traceback" not in proc.stderr
