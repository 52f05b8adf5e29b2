"""First-person frames of the live game, drawn from the blocks the bot knows with the simulator's renderer.

prismarine-viewer (real textures) is not installed here, so a live frame is :func:`env.render.render_frame`
over the box of blocks around the bot (the bot's ``view`` RPC), each block kind drawn in the palette
colour of its simulator counterpart: flat colours, no textures, no entities. ``info["frame_source"]``
says ``"blocks"``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from env.blocks import block_ids

FRAME_SOURCE = "blocks"

# live block kinds drawn as a simulator block (the simulator's palette has 19 kinds)
ALIASES = {
    "cobblestone": "stone",
    "furnace": "stone",
    "crafting_table": "oak_log",
    "oak_planks": "oak_log",
    "deepslate": "deepslate",
    "cobbled_deepslate": "deepslate",
    "coarse_dirt": "dirt",
    "farmland": "dirt",
    "dirt_path": "dirt",
}
FALLBACK_SOLID = "stone"


def _block_id(name: str, solid: bool) -> int:
    ids = block_ids()
    if name in ids:
        return ids[name]
    if name in ALIASES:
        return ids[ALIASES[name]]
    if "leaves" in name:
        return ids["oak_leaves"]
    if name.endswith("_log") or name.endswith("_wood"):
        return ids["oak_log"]
    return ids[FALLBACK_SOLID] if solid else 0


def view_to_voxels(view: Mapping[str, Any]) -> tuple[np.ndarray, tuple[float, float, float]]:
    """The bot's ``view`` as simulator voxels, and the eye in voxel coordinates."""
    nx, ny, nz = (int(v) for v in view["size"])
    lookup = np.array([_block_id(str(p["name"]), bool(p["solid"])) for p in view["palette"]], dtype=np.uint8)
    voxels = lookup[np.asarray(view["cells"], dtype=np.int64)].reshape(nx, ny, nz)
    ox, oy, oz = (float(v) for v in view["origin"])
    ex, ey, ez = (float(v) for v in view["eye"])
    return voxels, (ex - ox, ey - oy, ez - oz)


def render_view(view: Mapping[str, Any], width: int, height: int) -> np.ndarray:
    """An ``(height, width, 3)`` uint8 first-person frame of the bot's ``view``."""
    from env.render import render_frame

    voxels, eye = view_to_voxels(view)
    # mineflayer's yaw is 0 looking north (-z), the renderer's 0 looks south (+z); both turn toward west
    yaw = math.pi - float(view["yaw"])
    return render_frame(voxels, eye, yaw, float(view["pitch"]), width, height)
