"""Starting the calculator: corrupted rule data stops it with a clear message; loopback by default."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from socmethod.serving.voila import voila_command

ROOT = Path(__file__).resolve().parents[1]


def test_corrupted_rule_file_stops_the_server_before_it_serves(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    table = data / "rules" / "405-r" / "table_3_1.csv"
    table.write_text(table.read_text(encoding="utf-8").replace("day_care_up_to_4h,2", "day_care_up_to_5h,2", 1),
                     encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "socmethod.serving.voila", "--port", "1"], capture_output=True, text=True,
                          env={**os.environ, "SOCMETHOD_DATA": str(data)}, timeout=60)
    assert proc.returncode == 2
    assert "данные правил повреждены" in proc.stderr
    assert "table_3_1.csv" in proc.stderr and "form" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_server_binds_to_loopback_unless_told_otherwise():
    assert "--Voila.ip=127.0.0.1" in voila_command()
    assert "--VoilaConfiguration.show_tracebacks=False" in voila_command()
    assert any(a.startswith("--MappingKernelManager.cull_idle_timeout=") for a in voila_command())
    assert "--Voila.ip=0.0.0.0" in voila_command(host="0.0.0.0")


def test_broken_wording_file_stops_the_server_naming_the_key(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    wording = data / "calculator.toml"
    text = wording.read_text(encoding="utf-8")
    assert 'summary_text = "' in text
    wording.write_text(text.replace('summary_text = "', 'summary_textz = "', 1), encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "socmethod.serving.voila", "--port", "1"], capture_output=True, text=True,
                          env={**os.environ, "SOCMETHOD_DATA": str(data)}, timeout=60)
    assert proc.returncode == 2
    assert "urgent.summary_text" in proc.stderr and "calculator.toml" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_servers_run_the_kits_voila_application():
    """The frame guard, owner-only kernels and compression live in socmethod.serving.server: the stock
    `voila` command would serve without them."""
    from socmethod.serving.classroom import classroom_command
    from socmethod.serving.classroom_app import ClassroomVoila
    from socmethod.serving.server import PublicVoila
    assert voila_command()[:4] == [sys.executable, "-m", "socmethod.serving.server", str(ROOT / "notebooks" / "calculator.ipynb")]
    for role in ("trainee", "trainer"):
        cmd = classroom_command(ROOT / "notebooks", "127.0.0.1", 8866, None, role)
        assert cmd[:4] == [sys.executable, "-m", "socmethod.serving.classroom_app", str(ROOT / "notebooks")]
        assert f"--ClassroomVoila.role={role}" in cmd
    assert issubclass(ClassroomVoila, PublicVoila)
    for cmd in (voila_command(), classroom_command(ROOT / "notebooks", "127.0.0.1", 8866, None)):
        assert "--VoilaConfiguration.multi_kernel_manager_class=socmethod.serving.kernels.PublicKernelManager" in cmd


def test_classroom_frees_kernels_of_closed_tabs_within_minutes():
    from socmethod.serving.classroom import CULL_AFTER, classroom_command
    assert 60 <= CULL_AFTER <= 300
    cmd = classroom_command(ROOT / "notebooks", "0.0.0.0", 8866, "token123")
    assert f"--MappingKernelManager.cull_idle_timeout={CULL_AFTER}" in cmd
    assert not any(a.startswith("--preheat_kernel") for a in cmd)


def test_only_the_workbench_may_upload():
    """The workbench sends a register as a binary buffer (up to the 10 MiB its page states) and gets tens of
    megabytes back; the calculator's pages may send neither buffers nor more than 64 KiB."""
    from socmethod.serving.voila import UPLOADS
    workbench = voila_command(notebook=ROOT / "notebooks" / "workbench.ipynb")
    assert all(option in workbench for option in UPLOADS)
    assert "--PublicVoila.max_message_bytes=10485760" in workbench
    assert not any(a.startswith("--PublicVoila.") for a in voila_command())
