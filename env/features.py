"""The overworld library's world features (world.toml ``[overworld]``), placed on ADAM's world.

In order: stone variants and ores in the stone (the veins of :mod:`env.terrain`), a pond where the world has no
water (sugar cane and clay need some), clay disks on the floor of shallow water, trees of other species in the gaps
the oaks left, then plants on the surface (sugar cane beside water first). Every feature with a ``min_count`` is
placed at least that often where the terrain allows: the overworld library holds an action for each of these
blocks, and a world without one would hide it from the agent. All draws come from the ``rng`` given (the world's
own overworld stream), so a seed makes one world.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from env.blocks import block_id
from env.terrain import WorldConfig, _place_ores, grow_tree

POND_RADIUS = 2  # a pond dug where a world has no water: (2r+1)^2 columns, two blocks deep
TREE_CLEARANCE = 2  # a tree's canopy reaches this far from its trunk


def place_overworld(voxels: np.ndarray, surface: np.ndarray, rng: np.random.Generator, cfg: WorldConfig) -> None:
    """Place every ``[overworld]`` feature of ``cfg`` on the generated world (``voxels`` and ``surface`` in place)."""
    spec = cfg.raw["overworld"]
    _place_ores(voxels, rng, cfg, spec["ore"])
    if not (voxels == block_id("water")).any():
        _dig_pond(voxels, surface, cfg)
    _place_clay(voxels, surface, rng, cfg, spec["clay"])
    for tree in spec["tree"]:
        _place_species(voxels, surface, rng, cfg, tree)
    for plant in spec["plant"]:
        _place_plant(voxels, surface, rng, cfg, plant)


def _chunks(cfg: WorldConfig) -> float:
    return cfg.size_x * cfg.size_z / 256.0


def _count(rng: np.random.Generator, cfg: WorldConfig, feature: dict[str, Any]) -> int:
    """How many of ``feature`` to place: a Poisson draw around ``per_chunk``, at least ``min_count``."""
    return max(int(rng.poisson(feature["per_chunk"] * _chunks(cfg))), int(feature.get("min_count", 0)))


def _tops(voxels: np.ndarray, surface: np.ndarray, cfg: WorldConfig) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each column's terrain top (array y index), the block there and the block right above it."""
    ground = surface - cfg.min_y
    xs, zs = np.indices(surface.shape)
    return ground, voxels[xs, ground, zs], voxels[xs, np.minimum(ground + 1, cfg.height - 1), zs]


def _dig_pond(voxels: np.ndarray, surface: np.ndarray, cfg: WorldConfig) -> None:
    """A pond at the lowest inland column: its square two blocks deep in water, the ring around it levelled to the
    water's height (grass), so something can grow beside it."""
    r = POND_RADIUS
    margin = r + 2
    inner = surface[margin:-margin, margin:-margin]
    i, j = np.unravel_index(int(np.argmin(inner)), inner.shape)
    cx, cz = int(i) + margin, int(j) + margin
    level = int(surface[cx - r - 1 : cx + r + 2, cz - r - 1 : cz + r + 2].min()) - cfg.min_y
    water, grass, dirt = block_id("water"), block_id("grass_block"), block_id("dirt")
    for x in range(cx - r - 1, cx + r + 2):
        for z in range(cz - r - 1, cz + r + 2):
            voxels[x, level + 1 :, z] = 0
            if max(abs(x - cx), abs(z - cz)) <= r:
                voxels[x, level - 1 : level + 1, z] = water
                voxels[x, level - 2, z] = dirt
                surface[x, z] = level - 2 + cfg.min_y
            else:
                voxels[x, level, z] = grass
                surface[x, z] = level + cfg.min_y


def _place_clay(
    voxels: np.ndarray, surface: np.ndarray, rng: np.random.Generator, cfg: WorldConfig, clay: dict[str, Any]
) -> None:
    """Disks of clay on the floor of shallow water (the water's lowest block directly above the terrain's top)."""
    ground, top, above = _tops(voxels, surface, cfg)
    replaces = [block_id(b) for b in clay["replaces"]]
    floor = np.argwhere((above == block_id("water")) & np.isin(top, replaces))
    if not len(floor):
        return
    block = block_id(clay["block"])
    lo, hi = clay["radius"]
    for k in rng.choice(len(floor), size=min(_count(rng, cfg, clay), len(floor)), replace=False):
        x, z = (int(v) for v in floor[k])
        radius = int(rng.integers(lo, hi + 1))
        for dx in range(-radius, radius + 1):
            for dz in range(-radius, radius + 1):
                px, pz = x + dx, z + dz
                if 0 <= px < cfg.size_x and 0 <= pz < cfg.size_z and dx * dx + dz * dz <= radius * radius:
                    y = ground[px, pz]
                    if voxels[px, y + 1, pz] == block_id("water") and voxels[px, y, pz] in replaces:
                        voxels[px, y, pz] = block


def _place_species(
    voxels: np.ndarray, surface: np.ndarray, rng: np.random.Generator, cfg: WorldConfig, tree: dict[str, Any]
) -> None:
    """Trees of one species on grass where their whole crown finds air (clear of the oaks and of each other)."""
    blocks = (block_id(tree["log"]), block_id(tree["leaves"]))
    ground, top, _ = _tops(voxels, surface, cfg)
    c = TREE_CLEARANCE
    spots = np.argwhere(top == block_id("grass_block"))
    inside = (spots[:, 0] >= c) & (spots[:, 0] < cfg.size_x - c) & (spots[:, 1] >= c) & (spots[:, 1] < cfg.size_z - c)
    spots = spots[inside]
    want, placed = _count(rng, cfg, tree), 0
    for k in rng.permutation(len(spots)):
        if placed >= want:
            break
        x, z = (int(v) for v in spots[k])
        y = int(ground[x, z])
        trunk = int(rng.integers(tree["trunk_min"], tree["trunk_max"] + 1))
        if y + trunk + 3 >= cfg.height or voxels[x - c : x + c + 1, y + 1 : y + trunk + 3, z - c : z + c + 1].any():
            continue
        grow_tree(voxels, (x, y, z), trunk, blocks, rng)
        placed += 1


def _place_plant(
    voxels: np.ndarray, surface: np.ndarray, rng: np.random.Generator, cfg: WorldConfig, plant: dict[str, Any]
) -> None:
    """Single plants (``height`` high, default 1) on the ``on`` blocks with air above and, with ``beside``, that
    block next to the ground block on its level."""
    ground, top, above = _tops(voxels, surface, cfg)
    xs, zs = np.indices(surface.shape)
    ok = np.isin(top, [block_id(b) for b in plant["on"]]) & (above == 0)
    if "beside" in plant:
        near = np.zeros_like(ok)
        beside = block_id(plant["beside"])
        for dx, dz in ((1, 0), (-1, 0), (0, 1), (0, -1)):
            nx = np.clip(xs + dx, 0, cfg.size_x - 1)
            nz = np.clip(zs + dz, 0, cfg.size_z - 1)
            near |= voxels[nx, ground, nz] == beside
        ok &= near
    spots = np.argwhere(ok)
    if not len(spots):
        return
    block = block_id(plant["block"])
    lo, hi = plant.get("height", (1, 1))
    for k in rng.choice(len(spots), size=min(_count(rng, cfg, plant), len(spots)), replace=False):
        x, z = (int(v) for v in spots[k])
        y = int(ground[x, z])
        height = int(rng.integers(lo, hi + 1))
        voxels[x, y + 1 : min(y + 1 + height, cfg.height), z] = block
