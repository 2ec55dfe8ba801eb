"""The seed texts (the order 405-р and its companions) that the data's seed lines are checked against.

They live beside the repository (`../shared/seeds`), or where SOCMETHOD_SEEDS says. Without them the tests
that read them skip with a message that says where they were looked for; under CI=true they fail instead,
so a run that could not check a single seed line never passes as if it had.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SEEDS = Path(os.environ.get("SOCMETHOD_SEEDS") or ROOT.parent / "shared" / "seeds")
CORE = "003_3a3aa5f907c0671e.txt"


def seed_text(name: str = CORE) -> str:
    """The text of seed `name`; skips (fails under CI=true) when it is not there."""
    path = SEEDS / name
    if not path.is_file():
        message = f"seed {name} not found in {SEEDS} (set SOCMETHOD_SEEDS to the folder of the seed texts)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path.read_text(encoding="utf-8")


def seed_lines(name: str = CORE) -> list[str]:
    return seed_text(name).splitlines()
