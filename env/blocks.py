"""The simulator's block palette: voxel ids <-> Minecraft block names (from env/data/world.toml)."""

from __future__ import annotations

from functools import cache

from env.data import load_toml


@cache
def block_names() -> tuple[str, ...]:
    """Block names indexed by voxel id; id 0 is ``air``."""
    return tuple(load_toml("world.toml")["blocks"])


@cache
def block_ids() -> dict[str, int]:
    return {name: i for i, name in enumerate(block_names())}


def block_id(name: str) -> int:
    try:
        return block_ids()[name]
    except KeyError:
        raise ValueError(f"unknown block {name!r}; the simulator's blocks are: {', '.join(block_names())}") from None
