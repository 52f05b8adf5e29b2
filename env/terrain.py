"""Seeded voxel world generation (numpy), driven by env/data/world.toml.

The world is a uint8 array ``voxels[x, y - min_y, z]`` of block ids (:mod:`env.blocks`): rolling
terrain of grass over dirt over stone, deepslate below y=0, bedrock at the bottom, sand beaches and
water below sea level, oak trees in forest patches, and ore veins at 1.19-like depths. That is ADAM's world (the
``adam41`` library's). The ``overworld`` library's world is the same world with world.toml's ``[overworld]``
features on it, drawn from a random stream of their own: stone variants and more ores in the stone, birch and spruce
trees, flowers, pumpkins and sugar cane on the surface, clay under shallow water.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np

from env.actions import DEFAULT_ACTIONS, check_library
from env.blocks import block_id
from env.data import load_toml

OVERWORLD_STREAM = 19  # the overworld features' random stream: default_rng((seed, OVERWORLD_STREAM))


@dataclass(frozen=True)
class WorldConfig:
    size_x: int
    size_z: int
    min_y: int
    max_y: int
    raw: Any  # the parsed world.toml (terrain, trees, ores)

    @property
    def height(self) -> int:
        return self.max_y - self.min_y


@cache
def world_config() -> WorldConfig:
    raw = load_toml("world.toml")
    size = raw["size"]
    return WorldConfig(int(size["x"]), int(size["z"]), int(size["min_y"]), int(size["max_y"]), raw)


def _value_noise(rng: np.random.Generator, sx: int, sz: int, cell: int) -> np.ndarray:
    """Smooth noise in [-1, 1]: random values on a coarse grid, bilinearly interpolated."""
    gx, gz = sx // cell + 2, sz // cell + 2
    grid = rng.uniform(-1.0, 1.0, size=(gx, gz))
    xs = np.arange(sx) / cell
    zs = np.arange(sz) / cell
    x0, z0 = xs.astype(int), zs.astype(int)
    fx, fz = xs - x0, zs - z0
    fx = fx * fx * (3 - 2 * fx)
    fz = fz * fz * (3 - 2 * fz)
    a = grid[x0][:, z0]
    b = grid[x0 + 1][:, z0]
    c = grid[x0][:, z0 + 1]
    d = grid[x0 + 1][:, z0 + 1]
    top = a + (b - a) * fx[:, None]
    bottom = c + (d - c) * fx[:, None]
    return top + (bottom - top) * fz[None, :]


def generate(
    seed: int, config: WorldConfig | None = None, library: str = DEFAULT_ACTIONS
) -> tuple[np.ndarray, np.ndarray]:
    """Generate the world of the action library ``library`` from ``seed``; returns ``(voxels, surface)`` where
    ``surface[x, z]`` is the world y of the top solid block of the column (the terrain's: trees and plants stand on
    it)."""
    check_library(library)
    cfg = config or world_config()
    rng = np.random.default_rng(seed)
    terrain = cfg.raw["terrain"]
    sx, sz, h = cfg.size_x, cfg.size_z, cfg.height
    y_of = np.arange(h) + cfg.min_y  # world y of each array layer

    noise = 0.65 * _value_noise(rng, sx, sz, 24) + 0.35 * _value_noise(rng, sx, sz, 8)
    surface = np.round(terrain["base_height"] + terrain["amplitude"] * noise).astype(np.int32)

    voxels = np.zeros((sx, h, sz), dtype=np.uint8)
    ys = y_of[None, :, None]
    top = surface[:, None, :]
    deep_top = terrain["deepslate_top"]
    mixed = rng.integers(0, 4, size=(sx, 1, sz))
    solid = ys <= top
    voxels[solid] = block_id("stone")
    voxels[solid & (ys < deep_top + mixed)] = block_id("deepslate")
    dirt = solid & (ys > top - terrain["dirt_depth"])
    beach = top <= terrain["beach_height"]
    voxels[dirt & ~beach] = block_id("dirt")
    voxels[dirt & beach] = block_id("sand")
    voxels[(ys == top) & ~beach] = block_id("grass_block")
    voxels[(ys > top) & (ys <= terrain["sea_level"])] = block_id("water")
    bedrock = (ys == cfg.min_y) | ((ys < cfg.min_y + 4) & (rng.random((sx, h, sz)) < 0.25))
    voxels[bedrock] = block_id("bedrock")

    _place_ores(voxels, rng, cfg, cfg.raw["ore"])
    _place_trees(voxels, surface, rng, cfg)
    if library == "overworld":
        from env.features import place_overworld  # the overworld's features, on ADAM's world

        place_overworld(voxels, surface, np.random.default_rng((seed, OVERWORLD_STREAM)), cfg)
    return voxels, surface


def _place_ores(voxels: np.ndarray, rng: np.random.Generator, cfg: WorldConfig, ores: list[dict]) -> None:
    """Veins of each of ``ores`` (world.toml's schema), replacing stone (by ``stone_block``) or deepslate (by
    ``deepslate_block``) where they land."""
    stone, deepslate = block_id("stone"), block_id("deepslate")
    chunks = cfg.size_x * cfg.size_z / 256.0
    steps = np.array([[1, 0, 0], [-1, 0, 0], [0, 1, 0], [0, -1, 0], [0, 0, 1], [0, 0, -1]])
    for ore in ores:
        n = rng.poisson(ore["veins_per_chunk"] * chunks)
        lo, hi = ore["y_min"], ore["y_max"]
        if ore["shape"] == "triangle":
            y = rng.triangular(lo, (lo + hi) / 2, hi, size=n)
        else:
            y = rng.uniform(lo, hi, size=n)
        centre = np.stack(
            [rng.integers(0, cfg.size_x, n), np.round(y).astype(int) - cfg.min_y, rng.integers(0, cfg.size_z, n)], 1
        )
        size = int(ore["size"])
        walk = steps[rng.integers(0, 6, size=(n, size))]
        walk[:, 0] = 0
        cells = (centre[:, None, :] + np.cumsum(walk, axis=1)).reshape(-1, 3)
        hi_bound = np.array([cfg.size_x - 1, cfg.height - 1, cfg.size_z - 1])
        cells = np.clip(cells, 0, hi_bound)
        x, yy, z = cells[:, 0], cells[:, 1], cells[:, 2]
        current = voxels[x, yy, z]
        on_stone = current == stone
        on_deep = current == deepslate
        voxels[x[on_stone], yy[on_stone], z[on_stone]] = block_id(ore["stone_block"])
        voxels[x[on_deep], yy[on_deep], z[on_deep]] = block_id(ore["deepslate_block"])


def _place_trees(voxels: np.ndarray, surface: np.ndarray, rng: np.random.Generator, cfg: WorldConfig) -> None:
    trees = cfg.raw["trees"]
    log, leaves, grass = block_id("oak_log"), block_id("oak_leaves"), block_id("grass_block")
    forest = _value_noise(rng, cfg.size_x, cfg.size_z, 20)
    n = rng.poisson(trees["per_chunk"] * cfg.size_x * cfg.size_z / 256.0 * 2.5)
    xs = rng.integers(2, cfg.size_x - 2, n)
    zs = rng.integers(2, cfg.size_z - 2, n)
    heights = rng.integers(trees["trunk_min"], trees["trunk_max"] + 1, n)
    occupied = np.zeros((cfg.size_x, cfg.size_z), dtype=bool)
    for x, z, th in zip(xs, zs, heights, strict=True):
        if forest[x, z] < trees["forest_threshold"] or occupied[x - 2 : x + 3, z - 2 : z + 3].any():
            continue
        ground = surface[x, z] - cfg.min_y
        if voxels[x, ground, z] != grass or ground + th + 2 >= cfg.height:
            continue
        occupied[x, z] = True
        grow_tree(voxels, (int(x), int(ground), int(z)), int(th), (log, leaves), rng)


def grow_tree(
    voxels: np.ndarray, at: tuple[int, int, int], trunk: int, blocks: tuple[int, int], rng: np.random.Generator
) -> None:
    """A tree on the ground block ``at`` (array indexes): a trunk of ``trunk`` logs, a canopy of leaves around its
    top (into air only; corners dropped at random), the ground under it dirt. ``blocks``: (log id, leaves id)."""
    x, ground, z = at
    log, leaves = blocks
    top = ground + trunk
    for dy, radius in ((-1, 2), (0, 2), (1, 1), (2, 1)):
        y = top + dy
        for dx in range(-radius, radius + 1):
            for dz in range(-radius, radius + 1):
                corner = abs(dx) == radius and abs(dz) == radius
                if corner and (radius == 1 or rng.random() < 0.5):
                    continue
                if voxels[x + dx, y, z + dz] == 0:
                    voxels[x + dx, y, z + dz] = leaves
    voxels[x, ground + 1 : top + 1, z] = log
    voxels[x, ground, z] = block_id("dirt")
