"""Where the bundled data lives: inside the installed wheel, or the top-level data/ of a source checkout."""
from __future__ import annotations

import os
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parents[1]


def data_dir() -> Path:
    """The directory holding rules, scales, reference lists and the case bank. SOCMETHOD_DATA points
    elsewhere (a methodologist's working copy, or a test's corrupted one)."""
    override = os.environ.get("SOCMETHOD_DATA")
    if override:
        return Path(override)
    packaged = _PACKAGE / "data"  # the wheel force-includes data/ here
    if packaged.is_dir():
        return packaged
    return _PACKAGE.parent / "data"


def data_path(*parts: str) -> Path:
    return data_dir().joinpath(*parts)
