"""Benchmark env.render.render_frame on a representative scene: flat grass world, stone below, oak trees.

Run: ``PYTHONPATH=. .venv/bin/python bench/bench_render.py [--frames 200]``.
"""

from __future__ import annotations

import argparse
import math
import time

import numpy as np
from rich.console import Console

from env.blocks import block_id
from env.render import render_frame

SIZE_X, SIZE_Y, SIZE_Z = 96, 160, 96  # the world's size in world.toml (y index 0 = Minecraft y -64)
GROUND = 130  # index of the grass layer (Minecraft y 66)


def build_scene(seed: int = 0, trees: int = 12) -> np.ndarray:
    """A flat world: bedrock, deepslate, stone, 3 dirt, grass on top, a pond and ``trees`` oaks."""
    v = np.zeros((SIZE_X, SIZE_Y, SIZE_Z), dtype=np.uint8)
    v[:, 0] = block_id("bedrock")
    v[:, 1:64] = block_id("deepslate")
    v[:, 64 : GROUND - 3] = block_id("stone")
    v[:, GROUND - 3 : GROUND] = block_id("dirt")
    v[:, GROUND] = block_id("grass_block")
    v[60:70, GROUND, 30:38] = block_id("water")
    v[58:72, GROUND, 28:40][v[58:72, GROUND, 28:40] == block_id("grass_block")] = block_id("sand")
    rng = np.random.default_rng(seed)
    for _ in range(trees):
        x, z = (int(c) for c in rng.integers(4, 92, size=2))
        top = GROUND + 1 + int(rng.integers(4, 7))
        v[x - 2 : x + 3, top - 2 : top, z - 2 : z + 3] = block_id("oak_leaves")
        v[x - 1 : x + 2, top : top + 2, z - 1 : z + 2] = block_id("oak_leaves")
        v[x, GROUND + 1 : top, z] = block_id("oak_log")
    return v


def bench(voxels: np.ndarray, width: int, height: int, frames: int) -> tuple[float, float]:
    """Median and p95 milliseconds per frame, the camera turning a full circle at head height."""
    eye = (48.5, GROUND + 1 + 1.62, 48.5)
    for i in range(5):  # warm-up (the first call compiles, or loads numba's cache)
        render_frame(voxels, eye, yaw=i * 0.3, width=width, height=height)
    times = []
    for i in range(frames):
        yaw = 2 * math.pi * i / frames
        pitch = 0.3 * math.sin(4 * math.pi * i / frames)
        t0 = time.perf_counter()
        render_frame(voxels, eye, yaw=yaw, pitch=pitch, width=width, height=height)
        times.append((time.perf_counter() - t0) * 1e3)
    return float(np.median(times)), float(np.percentile(times, 95))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=200)
    args = parser.parse_args()
    console = Console()
    voxels = build_scene()
    t0 = time.perf_counter()
    render_frame(voxels, (48.5, GROUND + 2.62, 48.5), yaw=0.0)
    console.print(f"first call (compile or cache load): {(time.perf_counter() - t0) * 1e3:.0f} ms")
    for width, height in ((160, 120), (320, 240)):
        median, p95 = bench(voxels, width, height, args.frames)
        console.print(f"{width}x{height}: median {median:.2f} ms, p95 {p95:.2f} ms over {args.frames} frames")


if __name__ == "__main__":
    main()
