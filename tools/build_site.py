"""Build the public calculator as a static, offline site (Voici: the notebook runs in the browser on Pyodide).

    .venv/bin/python tools/build_site.py [--out _site] [--quiet]

Everything the page loads is in the output folder: the Voici app, Pyodide (from the npm registry, the core
runtime only), and every wheel the calculator needs (pure Python, from PyPI, plus the kit's own wheel with
its data). Nothing is fetched from a CDN and the PyPI fallback is off, so any static server can serve it.

First run: installs the build tools into the running interpreter's environment (the project's `site` extra,
or the pinned list below), downloads the wheels with pip and Pyodide with `npm pack` into build/site-cache/,
and compiles the wheels' Python to bytecode with that Pyodide under Node (cached there too).
Re-runs reuse that cache and need no network. The output is built in build/site/ (removed after) and swapped into place.
"""
from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import time
import tomllib
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "calculator.ipynb"

PYODIDE_VERSION = "0.29.0"          # the version jupyterlite-pyodide-kernel 0.7.0 is built for
PYODIDE_PYTHON = "3.13"             # the CPython inside that Pyodide
# Build tools; kept identical to pyproject's `site` extra (used instead when that extra exists).
# jupyterlite-pyodide-kernel 0.7.2 gives "No kernel available" with Voici 0.10.0.
SITE_TOOLS = ["voici==0.10.0", "jupyterlite-core==0.7.6", "jupyterlite-pyodide-kernel==0.7.0", "hatchling>=1.20"]
# What runs in the browser: every pure-Python wheel, pinned (downloaded with --no-deps, so the site is the
# same on every build). The Pyodide kernel needs ipython and comm (with their dependencies); the notebook
# needs ipywidgets, holidays and Jinja2 (the pages' templates), then the kit without its dependencies. Not here on purpose: ipykernel and
# widgetsnbextension (jupyterlite-pyodide-kernel ships shims of both), pexpect (IPython skips it under
# emscripten), numpy/pandas/voila (the single-case path needs none of them), jedi and parso (see below).
BROWSER_WHEELS = [
    "ipywidgets==8.1.9", "jupyterlab_widgets==3.0.17", "comm==0.2.3", "traitlets==5.16.1",
    "ipython==9.12.0", "ipython_pygments_lexers==1.1.1", "pygments==2.21.0", "decorator==5.3.1",
    "matplotlib_inline==0.2.2", "prompt_toolkit==3.0.53", "wcwidth==0.9.4",
    "stack_data==0.6.3", "asttokens==3.0.2", "executing==2.3.0", "pure_eval==0.2.4",
    "holidays==0.109", "python-dateutil==2.9.0.post0", "six==1.17.0",
    "jinja2==3.1.6",
]
# Jinja2's MarkupSafe ships only compiled wheels (and Pyodide's own build is not in the npm package): the
# site gets one built from the sdist without its C speedups, which MarkupSafe's setup.py falls back to
# when the compiler fails (CC=false); markupsafe/__init__.py then imports its pure-Python _native module.
MARKUPSAFE = "markupsafe==3.0.3"
# Pyodide's own wheels the kernel needs before anything else (the kernel loads micropip before piplite).
PYODIDE_LOCKED = {"micropip": "0.11.0", "packaging": "24.2"}
# The kernel's own wheels, shipped inside its labextension (static/pypi/): piplite, the kernel, and shims
# of ipykernel and widgetsnbextension (ipywidgets 8 asks for widgetsnbextension 4).
KERNEL_WHEELS = ["piplite-", "pyodide_kernel-", "ipykernel-", "widgetsnbextension-4."]
# Placeholders: wheels that install nothing, so that the kernel's start (which otherwise installs each of
# these with piplite) succeeds without the real package.
# - sqlite3: Pyodide ships that module as a separate wasm package that the npm tarball does not carry.
#   IPython runs without it (no history database).
# - jedi: only for tab completion, which a Voici page never asks for (it shows no code and no prompt).
#   The real jedi (+ parso) is 5 MB of wheels, ~5700 files (15 MB) written into the browser's file system at
#   every start (3+ s on two cores) and a slow import; IPython catches the ImportError (JEDI_INSTALLED).
PLACEHOLDERS = {
    "sqlite3": "placeholder: sqlite3 is not shipped; IPython runs without it",
    "jedi": "placeholder: jedi is not shipped; a Voici page asks for no completions",
}
# The names the kernel tests in loadPyodideOptions.packages to skip its own one-by-one piplite installs
# (jupyterlite-pyodide-kernel 0.7.0, worker initPackageManager / initKernel): spelled exactly so.
KERNEL_SKIPS = ["micropip", "piplite", "sqlite3", "ipykernel", "comm", "pyodide_kernel", "jedi", "ipython"]

A11Y_SCRIPT = ROOT / "share" / "jupyter" / "voila" / "templates" / "socmethod" / "a11y.js"
CDN_LINK = re.compile(r'<link rel="stylesheet" href="https?://[^"]*"[^>]*>\n?')
KERNEL_EXTENSION = "@jupyterlite/pyodide-kernel-extension"

CACHE = ROOT / "build" / "site-cache"
WORK = ROOT / "build" / "site"


def log(msg: str) -> None:
    print(f"[site] {msg}", flush=True)


def run(cmd: list[str], **kw) -> None:
    subprocess.run(cmd, check=True, **kw)


def _stamp(path: Path, payload) -> bool:
    """True if path holds this payload already (so the step can be skipped)."""
    text = json.dumps(payload, sort_keys=True)
    return path.exists() and path.read_text() == text


def ensure_tools() -> None:
    """Install voici & co. into this interpreter's environment on first use."""
    try:
        from importlib.metadata import version
        ok = (version("voici") == "0.10.0" and version("jupyterlite-pyodide-kernel") == "0.7.0"
              and version("hatchling"))
    except Exception:
        ok = False
    if ok:
        return
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"].get("optional-dependencies", {})
    target = ["-e", f"{ROOT}[site]"] if "site" in extras else SITE_TOOLS
    log(f"installing build tools into {sys.prefix}: {' '.join(target)}")
    run([sys.executable, "-m", "pip", "install", "--quiet", *target])


def ensure_browser_wheels() -> Path:
    wheels = CACHE / "wheels"
    stamp = CACHE / "wheels.stamp"
    want = {"wheels": BROWSER_WHEELS, "locked": PYODIDE_LOCKED, "python": PYODIDE_PYTHON, "markupsafe": MARKUPSAFE}
    if _stamp(stamp, want) and any(wheels.glob("*.whl")):
        return wheels
    log("downloading pure-Python wheels from PyPI")
    shutil.rmtree(wheels, ignore_errors=True)
    wheels.mkdir(parents=True)
    reqs = BROWSER_WHEELS + [f"{k}=={v}" for k, v in PYODIDE_LOCKED.items()]
    run([sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check", "-d", str(wheels),
         "--no-deps",
         "--only-binary=:all:", "--platform", "any", "--implementation", "py", "--abi", "none",
         "--python-version", PYODIDE_PYTHON, *reqs])
    build_pure_markupsafe(wheels)
    for whl in wheels.glob("*.whl"):
        if not whl.name.endswith("-none-any.whl"):
            raise SystemExit(f"not a pure-Python wheel, Pyodide cannot use it: {whl.name}")
    stamp.write_text(json.dumps(want, sort_keys=True))
    return wheels


def build_pure_markupsafe(wheels: Path) -> Path:
    """MarkupSafe as a pure-Python wheel, built from its sdist (PyPI) with the C compiler refused."""
    sdist = CACHE / "sdist"
    shutil.rmtree(sdist, ignore_errors=True)
    sdist.mkdir(parents=True)
    run([sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check", "--no-deps",
         "--no-binary", ":all:", "-d", str(sdist), MARKUPSAFE])
    (archive,) = sdist.glob("markupsafe-*.tar.gz")
    env = {**os.environ, "CC": "false"}
    run([sys.executable, "-m", "pip", "wheel", "--quiet", "--disable-pip-version-check", "--no-deps",
         "-w", str(wheels), str(archive)], env=env, stdout=subprocess.DEVNULL)
    (whl,) = wheels.glob("markupsafe-*.whl")
    with zipfile.ZipFile(whl) as zf:
        compiled = [n for n in zf.namelist() if n.endswith((".so", ".pyd"))]
    if compiled or not whl.name.endswith("-py3-none-any.whl"):
        raise SystemExit(f"MarkupSafe was built with its C speedups ({whl.name}: {compiled}); Pyodide needs pure Python")
    shutil.rmtree(sdist)
    return whl


def ensure_pyodide() -> Path:
    """The npm package's files, unpacked once into the cache."""
    unpacked = CACHE / f"pyodide-{PYODIDE_VERSION}"
    if (unpacked / "pyodide.js").exists():
        return unpacked
    log(f"fetching pyodide@{PYODIDE_VERSION} from the npm registry")
    CACHE.mkdir(parents=True, exist_ok=True)
    tgz = CACHE / f"pyodide-{PYODIDE_VERSION}.tgz"
    if not tgz.exists():
        if not shutil.which("npm"):
            raise SystemExit("npm not found: Pyodide comes from the npm registry (apt-get install npm)")
        run(["npm", "pack", f"pyodide@{PYODIDE_VERSION}", "--pack-destination", str(CACHE), "--silent"],
            stdout=subprocess.DEVNULL)
    tmp = CACHE / "pyodide.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    with tarfile.open(tgz) as tar:
        if hasattr(tarfile, "data_filter"):
            tar.extractall(tmp, filter="data")
        else:  # Python < 3.11.4
            tar.extractall(tmp)
    (tmp / "package").rename(unpacked)
    tmp.rmdir()
    return unpacked


def write_placeholder_wheel(dest: Path, name: str, version: str, why: str) -> Path:
    """A wheel that installs nothing, so that `piplite.install(name)` succeeds without the real package."""
    whl = dest / f"{name}-{version}-py3-none-any.whl"
    info = f"{name}-{version}.dist-info"
    files = {
        f"{info}/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\nSummary: {why}\n",
        f"{info}/WHEEL": "Wheel-Version: 1.0\nGenerator: socmethod-build-site\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    }
    record = "".join(f"{path},sha256={_b64_sha256(text.encode())},{len(text.encode())}\n" for path, text in files.items())
    files[f"{info}/RECORD"] = record + f"{info}/RECORD,,\n"
    with zipfile.ZipFile(whl, "w", zipfile.ZIP_DEFLATED) as zf:
        for path, text in files.items():
            zf.writestr(zipfile.ZipInfo(path, date_time=(2020, 1, 1, 0, 0, 0)), text)
    return whl


def _b64_sha256(data: bytes) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def _canonical(name: str) -> str:
    """A distribution name as Pyodide's lock keys it (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _dist_name(wheel: Path) -> str:
    return _canonical(wheel.name.split("-")[0])


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def build_kit_wheel(dest: Path) -> Path:
    for old in dest.glob("socmethod-*.whl"):
        old.unlink()
    run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
         "--disable-pip-version-check", "-w", str(dest), str(ROOT)], stdout=subprocess.DEVNULL)
    (kit,) = dest.glob("socmethod-*.whl")
    return kit


# Compiles Python sources with the Pyodide interpreter itself (Node runs the npm package), so the bytecode
# has exactly the magic number the browser's CPython expects.
COMPILE_JS = r"""
const path = require("path");
const [pyodideDir, root] = process.argv.slice(2);
const { loadPyodide } = require(path.join(pyodideDir, "pyodide.js"));
(async () => {
  const py = await loadPyodide({ indexURL: pyodideDir + path.sep });
  py.FS.mkdirTree("/w");
  py.FS.mount(py.FS.filesystems.NODEFS, { root }, "/w");
  py.runPython(`
import compileall, py_compile, sys, warnings
warnings.simplefilter("ignore", SyntaxWarning)   # e.g. invalid escapes in ipywidgets' own tests
if not compileall.compile_dir("/w", quiet=1, workers=1,
                              invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH):
    sys.exit("compileall failed")
`);
})().catch((e) => { console.error(e); process.exit(1); });
"""


def precompile_wheels(wheels: list[Path], pyodide: Path) -> None:
    """Add __pycache__/*.cpython-313.pyc to each wheel, in place (cached by the wheel's checksum).

    A wheel from PyPI carries sources only, and the browser's CPython compiles every module it imports,
    at every page load: importing IPython alone took ~4 s of the cold load on two cores. The .py files
    stay (tracebacks keep their source lines). The bytecode is "unchecked-hash": used whatever the
    source's timestamp, which unpacking a wheel sets to the time of the load anyway.
    """
    cache = CACHE / "pyc"
    cache.mkdir(parents=True, exist_ok=True)
    todo = []
    for whl in wheels:
        cached = cache / f"{_sha256(whl)}.whl"
        if cached.exists():
            shutil.copy2(cached, whl)
        else:
            todo.append((whl, cached))
    # keep only what this build uses (the kit's wheel differs at every build)
    used = {cached.name for _, cached in todo} | {f"{_sha256(w)}.whl" for w in wheels}
    for old in cache.glob("*.whl"):
        if old.name not in used:
            old.unlink()
    if not todo:
        return
    if not shutil.which("node"):
        raise SystemExit("node not found: the wheels are compiled for the browser by Pyodide under Node "
                         "(apt-get install nodejs)")
    tmp = CACHE / "pyc.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    for i, (whl, _) in enumerate(todo):
        with zipfile.ZipFile(whl) as zf:
            zf.extractall(tmp / str(i))
    script = tmp / "compile.js"
    script.write_text(COMPILE_JS)
    run(["node", str(script), str(pyodide), str(tmp)])
    for i, (whl, cached) in enumerate(todo):
        base = tmp / str(i)
        with zipfile.ZipFile(whl) as zf:
            infos = zf.infolist()
            contents = {info.filename: zf.read(info) for info in infos}
        record = next(n for n in contents if n.endswith(".dist-info/RECORD"))
        pycs = sorted(p.relative_to(base).as_posix() for p in base.rglob("*.pyc"))
        lines = contents[record].decode().rstrip("\n").split("\n")
        for name in pycs:
            data = (base / name).read_bytes()
            contents[name] = data
            lines.append(f"{name},sha256={_b64_sha256(data)},{len(data)}")
        contents[record] = ("\n".join(lines) + "\n").encode()
        out = whl.with_suffix(".tmp")
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
            for info in infos:
                if info.filename != record:
                    zf.writestr(info, contents[info.filename], zipfile.ZIP_DEFLATED)
            for name in pycs:
                zf.writestr(zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0)), contents[name],
                            zipfile.ZIP_DEFLATED)
            zf.writestr(next(i for i in infos if i.filename == record), contents[record], zipfile.ZIP_DEFLATED)
        out.replace(whl)
        shutil.copy2(whl, cached)
    shutil.rmtree(tmp)


def lay_out_lite_dir(wheels: Path, pyodide: Path) -> None:
    """build/site/: static/pyodide (the runtime + what the lock names), pypi/ (wheels), jupyter-lite.json."""
    shutil.rmtree(WORK, ignore_errors=True)
    static = WORK / "static" / "pyodide"
    static.mkdir(parents=True)
    for f in pyodide.iterdir():
        if f.name.endswith((".map", ".d.ts", ".html", ".md")) or f.name == "package.json":
            continue
        shutil.copy2(f, static / f.name)

    # The kit's wheel and the placeholders go into pypi/ with the downloaded wheels.
    pypi = WORK / "pypi"
    pypi.mkdir()
    for name, why in PLACEHOLDERS.items():
        write_placeholder_wheel(pypi, name, "1.0.0", why)
    build_kit_wheel(pypi)

    # Only the Pyodide kernel's labextension goes into the site (Voici brings its own widget manager):
    # whatever else the build environment holds (xeus, Voila's JupyterLab preview, widgets) is left out.
    src = Path(sys.prefix) / "share" / "jupyter" / "labextensions" / KERNEL_EXTENSION
    ext = WORK / "labextensions" / KERNEL_EXTENSION
    shutil.copytree(src, ext, ignore=shutil.ignore_patterns("*.map"))

    # A lock naming only what ships here (anything else would send loadPackage to a missing file), and
    # naming every wheel the page needs, pre-resolved: loadPyodide({packages}) then fetches them all at
    # once, in parallel, and unpacks them in one go. Left to itself the kernel would run micropip once per
    # package (piplite, sqlite3, ipykernel, comm, pyodide_kernel, jedi, ipython, then the notebook's
    # ipywidgets, holidays and the kit), each resolving dependencies and downloading one after another.
    # The wheels stay where piplite finds them too (pypi/, the labextension's pypi/), so the notebook's
    # piplite.install calls still work and find everything installed already.
    lock = json.loads((pyodide / "pyodide-lock.json").read_text())
    packages = {}
    for whl in sorted(wheels.glob("*.whl")):
        name = _dist_name(whl)
        if name in PYODIDE_LOCKED:
            shutil.copy2(whl, static / whl.name)
            entry = dict(lock["packages"][name])
            entry.update(version=PYODIDE_LOCKED[name], file_name=whl.name, sha256=_sha256(whl), depends=[])
            packages[name] = entry
        else:
            shutil.copy2(whl, pypi / whl.name)
    missing = set(PYODIDE_LOCKED) - set(packages)
    if missing:
        raise SystemExit(f"wheels missing for the Pyodide lock: {sorted(missing)}")
    shipped = [(whl, f"../../pypi/{whl.name}") for whl in sorted(pypi.glob("*.whl"))]
    for prefix in KERNEL_WHEELS:
        found = sorted((ext / "static" / "pypi").glob(f"{prefix}*.whl"))
        if len(found) != 1:
            raise SystemExit(f"expected one {prefix} wheel in {KERNEL_EXTENSION}/static/pypi, found {found}")
        shipped.append((found[0], f"../../extensions/{KERNEL_EXTENSION}/static/pypi/{found[0].name}"))
    precompile_wheels([whl for whl, _ in shipped] + [static / packages[n]["file_name"] for n in PYODIDE_LOCKED],
                      pyodide)
    for name in PYODIDE_LOCKED:
        packages[name]["sha256"] = _sha256(static / packages[name]["file_name"])
    for whl, file_name in shipped:
        name = _dist_name(whl)
        # depends stays empty: every package is named in `packages` below, so none is reached only through
        # another, and loadPackage does not order installs by dependencies anyway.
        packages[name] = {"name": name, "version": whl.name.split("-")[1], "file_name": file_name,
                          "install_dir": "site", "sha256": _sha256(whl), "package_type": "package",
                          "imports": [], "depends": [], "unvendored_tests": False}
    lock["packages"] = packages
    (static / "pyodide-lock.json").write_text(json.dumps(lock, indent=1))
    preload = KERNEL_SKIPS + sorted(set(packages) - {_canonical(n) for n in KERNEL_SKIPS})
    unknown = {_canonical(n) for n in preload} - set(packages)
    if unknown:
        raise SystemExit(f"the kernel would ask loadPackage for unshipped packages: {sorted(unknown)}")

    (WORK / "jupyter_lite_config.json").write_text(json.dumps({
        "LiteBuildConfig": {"ignore_sys_prefix": ["federated_extensions"], "no_sourcemaps": True},
        "FederatedExtensionAddon": {"extra_labextensions_path": [str(WORK / "labextensions")]},
    }, indent=1))
    settings = {"disablePyPIFallback": True, "loadPyodideOptions": {"packages": preload}}
    (WORK / "jupyter-lite.json").write_text(json.dumps({
        "jupyter-lite-schema-version": 0,
        "jupyter-config-data": {"litePluginSettings": {"@jupyterlite/pyodide-kernel-extension:kernel": settings}},
    }, indent=1))


def voici_build(out: Path, quiet: bool) -> None:
    voici = Path(sys.executable).parent / "voici"
    staging = WORK / "_output"
    cmd = [str(voici), "build", "--lite-dir", str(WORK), "--output-dir", str(staging),
           "--contents", str(NOTEBOOK), "--disable-addons", "jupyterlite-xeus", "--no-sourcemaps"]
    run(cmd, cwd=WORK, stdout=subprocess.DEVNULL if quiet else None)
    for m in staging.rglob("*.map"):
        m.unlink()
    # JupyterLite's own lab/notebook bundle: the Voici pages never load it (they use voici/build/).
    shutil.rmtree(staging / "build", ignore_errors=True)
    # No service worker. Voici always registers JupyterLite's (a built-in plugin, not switchable in
    # jupyter-lite.json); once it runs, the kernel mounts the notebook's folder at /drive, its working
    # directory and so the first entry of sys.path, and every file lookup there (each import) becomes a
    # synchronous request to /api/drive answered through the worker: hundreds of round trips while IPython,
    # ipywidgets and the kit are imported. The worker also relays every request of the page. The calculator
    # reads no file from the drive (its data are in the kit's wheel). Without the script the registration
    # fails (one 404 in the console), and the kernel runs in its own memory file system.
    for sw in staging.rglob("service-worker.js"):
        sw.unlink()
    # Voila's page template links FontAwesome from a CDN (used only for widget icons; the calculator has
    # none): drop those links so the page asks no other host. The script that ties each question to its
    # answers (the Voila template includes the same file) goes in before </body>.
    a11y = "<script>\n" + A11Y_SCRIPT.read_text(encoding="utf-8") + "</script>\n"
    for page in (staging / "voici" / "render").glob("*.html"):
        text = CDN_LINK.sub("", page.read_text(encoding="utf-8"))
        if "</body>" not in text:
            raise SystemExit(f"bad site: {page} has no </body> to put the accessibility script before")
        end = text.rfind("</body>")
        page.write_text(text[:end] + a11y + text[end:], encoding="utf-8")
    out.parent.mkdir(parents=True, exist_ok=True)
    old = out.with_name(out.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if out.exists():
        out.rename(old)
    shutil.move(str(staging), str(out))
    shutil.rmtree(old, ignore_errors=True)


def check_output(out: Path) -> None:
    """The site points at its own Pyodide and wheels, with no PyPI fallback."""
    cfg = json.loads((out / "jupyter-lite.json").read_text())["jupyter-config-data"]
    kernel = cfg["litePluginSettings"][f"{KERNEL_EXTENSION}:kernel"]
    problems = []
    if kernel.get("disablePyPIFallback") is not True:
        problems.append("the PyPI fallback is not disabled")
    if not kernel.get("pyodideUrl", "").startswith("./"):
        problems.append(f"Pyodide is not local: {kernel.get('pyodideUrl')}")
    if not (out / "static" / "pyodide" / "pyodide.asm.wasm").exists():
        problems.append("pyodide.asm.wasm is missing")
    if not list((out / "pypi").glob("socmethod-*.whl")):
        problems.append("the kit's wheel is missing")
    if list(out.rglob("service-worker.js")):
        problems.append("a service worker is shipped")
    # every wheel the kernel preloads is where the lock says, with the lock's checksum (loadPackage checks it)
    static = out / "static" / "pyodide"
    lock = json.loads((static / "pyodide-lock.json").read_text())["packages"]
    for name in kernel.get("loadPyodideOptions", {}).get("packages", []):
        entry = lock.get(_canonical(name))
        path = (static / entry["file_name"]).resolve() if entry else None
        if path is None or not path.is_file() or not path.is_relative_to(out):
            problems.append(f"preloaded package {name} is not shipped")
        elif _sha256(path) != entry["sha256"]:
            problems.append(f"preloaded package {name}: checksum differs from the lock")
    if problems:
        raise SystemExit(f"bad site in {out}: " + "; ".join(problems))


def size_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1e6


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=ROOT / "_site")
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args(argv)
    out = args.out.resolve()
    t0 = time.monotonic()
    ensure_tools()
    wheels = ensure_browser_wheels()
    pyodide = ensure_pyodide()
    lay_out_lite_dir(wheels, pyodide)
    voici_build(out, args.quiet)
    check_output(out)
    shutil.rmtree(WORK, ignore_errors=True)
    n = sum(1 for f in out.rglob("*") if f.is_file())
    log(f"built {out} in {time.monotonic() - t0:.1f} s: {n} files, {size_mb(out):.1f} MB "
        f"(of which Pyodide {size_mb(out / 'static' / 'pyodide'):.1f} MB, wheels {size_mb(out / 'pypi'):.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
