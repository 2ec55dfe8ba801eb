"""The package's layers: each imports only the layers below it, and nothing imports the CLI.

    core < procedure < io < analysis < render < apps < cli, serving

A module may import its own subpackage and any lower layer; cli and serving, the two tops, never import
each other. Imports inside functions count as much as those at the top of a module.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "socmethod"
LAYERS = {"core": 0, "procedure": 1, "io": 2, "analysis": 3, "render": 4, "apps": 5, "cli": 6, "serving": 6}


def _modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        yield ".".join(parts), path


def _imports(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path}:{node.lineno}: relative import; the kit imports absolutely"
            found += [(node.lineno, node.module)]
            # `from socmethod.apps import training` names a module too
            found += [(node.lineno, f"{node.module}.{a.name}") for a in node.names
                      if (PACKAGE.parent / f"{node.module}.{a.name}".replace(".", "/")).with_suffix(".py").exists()]
    return [(line, name) for line, name in found if name == "socmethod" or name.startswith("socmethod.")]


def _layer(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in LAYERS else None


def test_every_subpackage_is_a_known_layer():
    subpackages = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert subpackages - {"data"} == set(LAYERS), "a new subpackage needs its place in LAYERS and the README"
    loose = [p.name for p in PACKAGE.glob("*.py") if p.name != "__init__.py"]
    assert loose == [], "modules live in a layer, not at the package's top"


@pytest.mark.parametrize("module,path", list(_modules()), ids=lambda v: v if isinstance(v, str) else "")
def test_imports_point_down_the_layers(module, path):
    own = _layer(module)
    if own is None:
        return                       # socmethod/__init__.py: the public API re-exports the core
    problems = []
    for line, name in _imports(path):
        target = _layer(name)
        if name == "socmethod":
            problems.append(f"{path.name}:{line} imports the top package (import its layer directly)")
        elif target is None or target == own:
            continue
        elif target == "cli":
            problems.append(f"{path.name}:{line} imports the CLI ({name})")
        elif LAYERS[target] >= LAYERS[own]:
            problems.append(f"{path.name}:{line} ({own}) imports {name} ({target})")
    assert problems == []


def test_the_checker_sees_a_wrong_import(tmp_path):
    """The test above can fail: an upward import written the way the kit writes imports is caught."""
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    from socmethod.cli.parser import KitArgumentParser\n", encoding="utf-8")
    assert _imports(bad) == [(2, "socmethod.cli.parser")]
    assert _layer("socmethod.cli.parser") == "cli" and LAYERS["core"] < LAYERS["cli"]
