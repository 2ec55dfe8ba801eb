"""Shared test set-up: browser tests skip visibly without Chromium, and never skip under CI=true."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from socmethod.page_driver import CHROMIUM


def require_chromium(what: str) -> None:
    """Call at module level in a browser test module."""
    if Path(CHROMIUM).exists():
        return
    if os.environ.get("CI") == "true":
        raise RuntimeError(f"{CHROMIUM} is missing under CI=true: .ci/run must install chromium")
    pytest.skip(f"{what} skipped: {CHROMIUM} not found (apt-get install chromium)", allow_module_level=True)
