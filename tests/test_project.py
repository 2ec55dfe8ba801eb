"""The project's own promises: same dependencies for pip and conda; the wheel carries the rules and every layer, and no test tooling."""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~ \[]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def test_environment_yml_lists_the_pyproject_dependencies():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extras = project["optional-dependencies"]
    wanted = {_name(r) for r in project["dependencies"] + extras["dev"] + extras["site"]}
    conda = set()
    for line in (ROOT / "environment.yml").read_text(encoding="utf-8").splitlines():
        m = re.match(r"\s+-\s+([A-Za-z0-9_.\-]+)", line)
        # python, pip and nodejs (node and npm for `make site`) are tools, not the project's Python packages
        if m and m.group(1) not in ("python", "pip", "nodejs", "conda-forge"):
            conda.add(_name(m.group(1)))
    assert wanted == conda


def test_single_case_path_imports_without_pandas_or_numpy():
    import subprocess
    import sys
    code = ("import sys; sys.modules['pandas'] = None; sys.modules['numpy'] = None\n"
            "import socmethod, json\n"
            "r = socmethod.assess({'category': 'homeless'})\n"
            "print(json.dumps(r['note'] != ''))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "true"


def test_built_wheel_carries_the_rules(tmp_path):
    """An installed kit (and the browser edition) must carry its rules: build the wheel and look inside."""
    import subprocess
    import sys
    import zipfile
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(tmp_path), str(ROOT)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-2000:]
    wheel = next(tmp_path.glob("socmethod-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for table in ("ruleset.toml", "table_3_1.csv", "table_3_2.csv", "table_3_3.csv"):
        assert f"socmethod/data/rules/405-r/{table}" in names
    assert {"socmethod/data/scales.toml", "socmethod/data/errors.toml", "socmethod/data/deadlines.toml",
            "socmethod/data/contraindications.csv"} <= names
    # Every layer ships; the test and benchmark tooling does not.
    for layer in ("core", "procedure", "io", "analysis", "render", "apps", "cli", "serving"):
        assert f"socmethod/{layer}/__init__.py" in names
    shipped = {n.rsplit("/", 1)[-1] for n in names if n.endswith(".py")}
    assert not shipped & {"page_driver.py", "loadclient.py", "synthetic.py", "processes.py", "conftest.py"}
    assert not any(n.startswith("tests/") for n in names)
    assert "socmethod/render/templates/base.html.j2" in names     # the HTML templates travel too
    assert {"socmethod/render/templates/forms/conclusion_form1.html.j2", "socmethod/render/templates/forms/print.css",
            "socmethod/data/forms/form1.toml"} <= names            # and the printable forms with their words


def test_code_passes_the_linter():
    """ruff (pyflakes, pycodestyle, import order; pyproject.toml [tool.ruff]) over everything we write."""
    import subprocess
    import sys
    proc = subprocess.run([sys.executable, "-m", "ruff", "check", "socmethod", "tests", "benchmarks", "tools",
                           "conftest.py"], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stdout[-3000:]
