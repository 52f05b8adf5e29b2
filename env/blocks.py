"""The simulator's block palette: voxel ids <-> Minecraft block names (from env/data/world.toml), and the blocks each
action library's world places."""

from __future__ import annotations

from functools import cache

from env.data import load_toml


@cache
def block_names() -> tuple[str, ...]:
    """Block names indexed by voxel id; id 0 is ``air``: ADAM's world's blocks, then those only the overworld
    library's world places."""
    raw = load_toml("world.toml")
    return (*raw["blocks"], *raw["overworld_blocks"])


@cache
def world_blocks(library: str) -> tuple[str, ...]:
    """The blocks the world of the action library ``library`` places (with air), in id order: ADAM's world for
    ``adam41``, every block for ``overworld``. What a library's items, obtainable or shown, are drawn from."""
    from env.actions import check_library  # actions reads this package's data too

    if check_library(library) == "overworld":
        return block_names()
    return tuple(load_toml("world.toml")["blocks"])


@cache
def above_terrain() -> frozenset[str]:
    """Blocks that stand on the terrain rather than make it: air, water, trees, plants."""
    return frozenset(load_toml("world.toml")["above_terrain"])


@cache
def block_ids() -> dict[str, int]:
    return {name: i for i, name in enumerate(block_names())}


def block_id(name: str) -> int:
    try:
        return block_ids()[name]
    except KeyError:
        raise ValueError(f"unknown block {name!r}; the simulator's blocks are: {', '.join(block_names())}") from None
