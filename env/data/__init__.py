"""Data files of the simulator (TOML), read with :func:`load_toml`."""

from __future__ import annotations

import tomllib
from importlib import resources
from typing import Any


def load_toml(name: str) -> dict[str, Any]:
    """Parse ``env/data/<name>``."""
    with resources.files(__package__).joinpath(name).open("rb") as f:
        return tomllib.load(f)
