"""Test kinds, so a developer can run the fast ones often: `make test-fast` runs `-m unit`.

unit      the package in-process (and short-lived subprocesses): no server, browser, site build or notebook
notebook  nbval running a notebook top to bottom
server    a real Voila or classroom server started by the test
browser   Chromium (pages, PDFs)
site      the static edition, built and opened in Chromium

A test module says its kind with `pytestmark`; a test with none of the others is a unit test.
"""
from __future__ import annotations

KINDS = ("notebook", "server", "browser", "site")


def pytest_collection_modifyitems(items):
    import pytest
    for item in items:
        if str(item.fspath).endswith(".ipynb"):
            item.add_marker(pytest.mark.notebook)
        if not any(item.get_closest_marker(kind) for kind in KINDS):
            item.add_marker(pytest.mark.unit)
