"""First-person frames of the live game, from one of two sources (``info["frame_source"]`` says which):

- ``"viewer"``: the bot's view rendered headless by prismarine-viewer with the game's own textures (the bot's
  ``frame`` RPC; the optional Node package ``bridge/viewer``, a native build, and an X display: a private Xvfb
  is started when DISPLAY is unset). See bridge/README.md, "Frames".
- ``"blocks"``: :func:`env.render.render_frame` over the box of blocks around the bot (the bot's ``view`` RPC),
  each block kind drawn in the palette colour of its simulator counterpart: flat colours, no textures, no
  entities. Needs nothing beyond the bridge.

``"auto"`` (the live env's default) takes the viewer where it is installed, else the blocks, saying so once in
a log warning with the install command.
"""

from __future__ import annotations

import io
import logging
import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from bridge.display import viewer_missing
from bridge.errors import ViewerUnavailable
from env.blocks import block_ids

VIEWER = "viewer"
BLOCKS = "blocks"
AUTO = "auto"
FRAME_SOURCES = (VIEWER, BLOCKS, AUTO)
FRAME_SOURCE = BLOCKS  # the source of render_view's frames

log = logging.getLogger(__name__)

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


def png_to_rgb(png: bytes, width: int, height: int) -> np.ndarray:
    """A PNG as an ``(height, width, 3)`` uint8 array; ValueError if its size is not ``width`` x ``height``."""
    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        if image.size != (width, height):
            raise ValueError(f"the viewer sent a {image.size[0]}x{image.size[1]} frame, {width}x{height} was asked")
        return np.asarray(image.convert("RGB"), dtype=np.uint8)


class LiveFrames:
    """The live env's frame maker: ``source`` is ``"viewer"``, ``"blocks"`` or ``"auto"`` (see the module doc).

    ``"viewer"`` raises :class:`bridge.errors.ViewerUnavailable` at once when the viewer is not installed here;
    ``"auto"`` decides at its first use (:attr:`source`).
    """

    def __init__(self, source: str = AUTO) -> None:
        if source not in FRAME_SOURCES:
            raise ValueError(f"invalid frame_source {source!r}; valid: {', '.join(map(repr, FRAME_SOURCES))}")
        self.requested = source
        self._source: str | None = None
        if source == VIEWER:
            reason = viewer_missing()
            if reason:
                raise ViewerUnavailable(f"frame_source='viewer': {reason}; or use frame_source='blocks'")
            self._source = VIEWER
        elif source == BLOCKS:
            self._source = BLOCKS

    @property
    def source(self) -> str:
        """The source the frames come from, ``"viewer"`` or ``"blocks"`` (``"auto"`` is decided here, once)."""
        if self._source is None:
            reason = viewer_missing()
            if reason:
                log.warning("live frames: drawing the bot's known blocks (flat colours), not the viewer: %s", reason)
            self._source = BLOCKS if reason else VIEWER
        return self._source

    def render(self, client: Any, width: int, height: int) -> np.ndarray:
        """An ``(height, width, 3)`` uint8 frame of what the bot of ``client`` (a BotClient) sees."""
        if self.source == VIEWER:
            return png_to_rgb(client.frame(width, height).png, width, height)
        return render_view(client.view(), width, height)
