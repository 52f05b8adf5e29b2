"""First-person frames of the voxel world: one Amanatides-Woo ray walk per pixel, flat-shaded colours.

Every block pixel is exactly ``round(base colour x face factor)`` with the colours and the four face factors
of ``env/data/palette.toml``, and every other pixel is sky (a vertical gradient plus a sun disc), so a frame
can be read back into block types by nearest colour. The per-pixel loop is compiled with numba on first use.
"""

from __future__ import annotations

import math
from functools import cache
from typing import NamedTuple

import numpy as np
from PIL import Image

try:
    from numba import njit
except ImportError as exc:  # pragma: no cover - numba is a declared dependency
    raise ImportError(
        "env.render needs numba (a dependency of adam-agent): install it with `pip install numba`"
    ) from exc

from env.blocks import block_ids, block_names
from env.data import load_toml
from env.interface.frames import FramePalette

FACES = ("top", "x", "z", "bottom")
"""Face classes in the order of the second axis of :func:`shaded_palette`."""


class _Palette(NamedTuple):
    base: np.ndarray  # (n_blocks, 3) uint8
    shaded: np.ndarray  # (n_blocks, 4, 3) uint8, faces in FACES order
    sky: np.ndarray  # (4, 3) float64: horizon, zenith, sun, missing-block colours
    sun: np.ndarray  # (4,) float64: unit sun direction and cos(angular radius)


def _rgb(value: object, what: str) -> np.ndarray:
    arr = np.asarray(value, dtype=np.float64)
    if arr.shape != (3,) or not np.all((arr >= 0) & (arr <= 255)):
        raise ValueError(f"palette.toml: {what} must be [r, g, b] in 0..255, got {value!r}")
    return arr


@cache
def _load() -> _Palette:
    data = load_toml("palette.toml")
    names = block_names()
    missing = [n for n in names[1:] if n not in data["colors"]]
    if missing:
        raise ValueError(f"palette.toml: [colors] lacks {', '.join(missing)}")
    base = np.zeros((len(names), 3), dtype=np.uint8)
    for i, name in enumerate(names[1:], start=1):
        base[i] = _rgb(data["colors"][name], f"colors.{name}")
    factors = np.array([float(data["faces"][f]) for f in FACES])
    shaded = np.clip(np.round(base[:, None, :] * factors[None, :, None]), 0, 255).astype(np.uint8)
    sky = np.stack(
        [_rgb(data["sky"]["horizon"], "sky.horizon"), _rgb(data["sky"]["zenith"], "sky.zenith")]
        + [_rgb(data["sun"]["color"], "sun.color"), _rgb(data["missing"], "missing")]
    )
    direction = np.asarray(data["sun"]["direction"], dtype=np.float64)
    cos_radius = math.cos(math.radians(float(data["sun"]["angular_radius_deg"])))
    sun = np.append(direction / np.linalg.norm(direction), cos_radius)
    for arr in (base, shaded, sky, sun):
        arr.flags.writeable = False
    return _Palette(base, shaded, sky, sun)


def palette() -> np.ndarray:
    """Base colour per block id, shape ``(n_blocks, 3)`` uint8 (row 0, air, is black). Read-only."""
    return _load().base


def shaded_palette() -> np.ndarray:
    """Every colour a block pixel can take: ``(n_blocks, 4, 3)`` uint8, faces ordered as :data:`FACES`."""
    return _load().shaded


def sky_color(up: float) -> np.ndarray:
    """The sky colour (uint8 RGB) of a ray whose unit direction has upward component ``up`` (sun excluded)."""
    horizon, zenith = _load().sky[0], _load().sky[1]
    t = min(max(float(up), 0.0), 1.0)
    return np.floor(horizon + (zenith - horizon) * t + 0.5).astype(np.uint8)


@cache
def frame_palette(blocks: tuple[str, ...] | None = None) -> FramePalette:
    """The renderer's colours as the world contract's :class:`~env.interface.FramePalette`: every block (of ``blocks``
    only, when given: a library's world, :func:`env.blocks.world_blocks`) but air with
    its four shaded colours (:data:`FACES` order), the sky's horizon and zenith colours and the sun's colour. What
    :class:`perception.offline.OfflineDescriber` reads the frames of :func:`render_frame` with."""
    ids = block_ids()
    names = tuple(n for n in (block_names() if blocks is None else blocks) if n != "air")  # air is never drawn
    shaded = shaded_palette()[[ids[n] for n in names]]

    def rgb(colour: np.ndarray) -> tuple[int, int, int]:
        r, g, b = (int(c) for c in colour)
        return r, g, b

    return FramePalette(
        blocks=names,
        shades=tuple(tuple(rgb(c) for c in faces) for faces in shaded),
        horizon=rgb(sky_color(0.0)),
        zenith=rgb(sky_color(1.0)),
        sun=rgb(_load().sky[2].astype(np.uint8)),  # as the kernel draws it
    )


@njit(cache=True, nogil=True, inline="always")
def _axis_setup(o, d, i):  # pragma: no cover - compiled
    """Step direction, ray parameter of the first boundary crossing, and parameter per cell along one axis."""
    if d > 0.0:
        return 1, (i + 1 - o) / d, 1.0 / d
    if d < 0.0:
        return -1, (i - o) / d, -1.0 / d
    return 0, np.inf, np.inf


@njit(cache=True, nogil=True, inline="always")
def _clip(o, d, n, t_enter, t_exit):  # pragma: no cover - compiled
    """Narrow [t_enter, t_exit] to the slab 0 <= o + t d < n; returns (t_enter, t_exit, entered_here)."""
    if d == 0.0:
        return (t_enter, t_exit, False) if 0.0 <= o < n else (1.0, 0.0, False)
    t1, t2 = -o / d, (n - o) / d
    if t1 > t2:
        t1, t2 = t2, t1
    return max(t_enter, t1), min(t_exit, t2), t1 > t_enter


@njit(cache=True, nogil=True)
def _trace(flat, nx, ny, nz, y_top, ox, oy, oz, dx, dy, dz, max_distance, medium):  # pragma: no cover - compiled
    """Walk the ray through the C-ordered ``nx * ny * nz`` voxels ``flat``, where all of y >= ``y_top`` is air.

    Returns (block id, face class) of the first voxel that is neither air nor ``medium``, or (-1, -1).
    """
    axis = -1  # the axis whose boundary the ray last crossed; -1 while in the eye's own voxel
    t0, t1, hit = _clip(ox, dx, nx, 0.0, max_distance)
    if hit:
        axis = 0
    t0, t1, hit = _clip(oy, dy, y_top, t0, t1)
    if hit:
        axis = 1
    t0, t1, hit = _clip(oz, dz, nz, t0, t1)
    if hit:
        axis = 2
    if t0 >= t1:
        return -1, -1
    ix = min(max(int(math.floor(ox + dx * t0)), 0), nx - 1)
    iy = min(max(int(math.floor(oy + dy * t0)), 0), y_top - 1)
    iz = min(max(int(math.floor(oz + dz * t0)), 0), nz - 1)
    sx, tx, ddx = _axis_setup(ox, dx, ix)
    sy, ty, ddy = _axis_setup(oy, dy, iy)
    sz, tz, ddz = _axis_setup(oz, dz, iz)
    stride_x, stride_y = sx * ny * nz, sy * nz  # index steps in flat
    at = (ix * ny + iy) * nz + iz
    while True:
        if axis >= 0:
            b = flat[at]
            if b != 0 and b != medium:
                if axis == 1:
                    return int(b), 0 if sy < 0 else 3
                return int(b), 1 if axis == 0 else 2
        if tx <= ty and tx <= tz:
            if tx > t1:
                return -1, -1
            ix += sx
            if ix < 0 or ix >= nx:
                return -1, -1
            at += stride_x
            tx += ddx
            axis = 0
        elif ty <= tz:
            if ty > t1:
                return -1, -1
            iy += sy
            if iy < 0 or iy >= y_top:
                return -1, -1
            at += stride_y
            ty += ddy
            axis = 1
        else:
            if tz > t1:
                return -1, -1
            iz += sz
            if iz < 0 or iz >= nz:
                return -1, -1
            at += sz
            tz += ddz
            axis = 2


@njit(cache=True, nogil=True)
def _top(vox):  # pragma: no cover - compiled
    """1 + the highest y index holding a non-air voxel (0 when all air): nothing above it can be hit."""
    for y in range(vox.shape[1] - 1, -1, -1):
        for x in range(vox.shape[0]):
            for z in range(vox.shape[2]):
                if vox[x, y, z] != 0:
                    return y + 1
    return 0


@njit(cache=True, nogil=True)
def _render_kernel(vox, shaded, sky, sun, cam, medium, out):  # pragma: no cover - compiled
    height, width = out.shape[0], out.shape[1]
    n_blocks = shaded.shape[0]
    nx, ny, nz = vox.shape
    y_top = _top(vox)
    flat = vox.ravel()
    for row in range(height):
        v = (1.0 - 2.0 * (row + 0.5) / height) * cam[13]
        for col in range(width):
            u = (2.0 * (col + 0.5) / width - 1.0) * cam[12]
            d0 = cam[3] + u * cam[6] + v * cam[9]
            d1 = cam[4] + u * cam[7] + v * cam[10]
            d2 = cam[5] + u * cam[8] + v * cam[11]
            norm = math.sqrt(d0 * d0 + d1 * d1 + d2 * d2)
            d0, d1, d2 = d0 / norm, d1 / norm, d2 / norm
            b, face = _trace(flat, nx, ny, nz, y_top, cam[0], cam[1], cam[2], d0, d1, d2, cam[14], medium)
            for c in range(3):
                if b >= n_blocks:
                    out[row, col, c] = np.uint8(sky[3, c])
                elif b > 0:
                    out[row, col, c] = shaded[b, face, c]
                elif d0 * sun[0] + d1 * sun[1] + d2 * sun[2] >= sun[3]:
                    out[row, col, c] = np.uint8(sky[2, c])
                else:
                    t = min(max(d1, 0.0), 1.0)
                    out[row, col, c] = np.uint8(math.floor(sky[0, c] + (sky[1, c] - sky[0, c]) * t + 0.5))


def _finite(value: object, name: str) -> float:
    try:
        x = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number, got {value!r}") from None
    if not math.isfinite(x):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return x


def render_frame(
    voxels: np.ndarray,
    eye: tuple[float, float, float],
    yaw: float,
    pitch: float = 0.0,
    width: int = 160,
    height: int = 120,
    fov_deg: float = 70.0,
    max_distance: float = 48.0,
) -> np.ndarray:
    """Render what an eye at ``eye`` sees; return an RGB uint8 array of shape ``(height, width, 3)``.

    ``voxels[x, y, z]`` holds block ids (indexes into :func:`env.blocks.block_names`, 0 = air), y index 0 at
    the bottom; voxel ``[i, j, k]`` fills the unit cube ``[i, i+1) x [j, j+1) x [k, k+1)`` and ``eye`` is a
    point in that same space. Everything outside the array is air. Camera convention (Minecraft's):
    ``yaw`` in radians, 0 looks toward +z (south), increasing yaw turns toward -x (west), so pi/2 looks
    toward -x; at yaw 0, -x is on the right of the image. ``pitch`` in radians, > 0 looks up (clamped to
    +-pi/2). ``fov_deg`` is the vertical field of view; the horizontal one follows from width/height.

    Each pixel's ray stops at the first non-air voxel within ``max_distance`` and takes that block's colour
    times its face factor (palette.toml ``[faces]``: by the face the ray entered through). All blocks are
    opaque, water included, except that the eye's own voxel is never drawn and, when the eye is in water,
    all water is see-through. Ids beyond the block list are drawn magenta. Rays that hit nothing show the
    sky gradient (horizon colour for rays pointing down) and the sun disc.
    """
    vox = np.asarray(voxels)
    if vox.ndim != 3:
        raise ValueError(f"voxels must be a 3-D array indexed [x, y, z], got ndim={vox.ndim} (shape {vox.shape})")
    if vox.dtype != np.uint8:
        if vox.dtype.kind not in "iub" or (vox.size and (vox.min() < 0 or vox.max() > 255)):
            raise ValueError(f"voxels must hold block ids in 0..255 (uint8), got dtype {vox.dtype}")
        vox = vox.astype(np.uint8)
    vox = np.ascontiguousarray(vox)
    for name, value in (("width", width), ("height", height)):
        if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value <= 0:
            raise ValueError(f"{name} must be a positive integer, got {value!r}")
    try:
        coords = tuple(eye)
    except TypeError:
        coords = ()
    if len(coords) != 3:
        raise ValueError(f"eye must be three numbers (x, y, z), got {eye!r}")
    ex, ey, ez = (_finite(c, f"eye coordinate in {eye!r}") for c in coords)
    yaw = _finite(yaw, "yaw")
    pitch = min(max(_finite(pitch, "pitch"), -math.pi / 2), math.pi / 2)
    fov = _finite(fov_deg, "fov_deg")
    if not 0.0 < fov < 180.0:
        raise ValueError(f"fov_deg must be in (0, 180), got {fov_deg!r}")
    reach = _finite(max_distance, "max_distance")
    if reach <= 0.0:
        raise ValueError(f"max_distance must be positive, got {max_distance!r}")

    pal = _load()
    forward = (-math.sin(yaw) * math.cos(pitch), math.sin(pitch), math.cos(yaw) * math.cos(pitch))
    right = (-math.cos(yaw), 0.0, -math.sin(yaw))
    up = np.cross(right, forward)
    tan_v = math.tan(math.radians(fov) / 2)
    cam = np.array([ex, ey, ez, *forward, *right, *up, tan_v * width / height, tan_v, reach], dtype=np.float64)

    medium = 0  # the eye inside water sees through water
    cell = (math.floor(ex), math.floor(ey), math.floor(ez))
    water = block_ids().get("water", 0)
    if all(0 <= c < s for c, s in zip(cell, vox.shape, strict=True)) and vox[cell] == water:
        medium = water

    out = np.empty((int(height), int(width), 3), dtype=np.uint8)
    if vox.size == 0:
        vox = np.zeros((1, 1, 1), dtype=np.uint8)
    _render_kernel(vox, pal.shaded, pal.sky, pal.sun, cam, np.uint8(medium), out)
    return out


def frame_to_image(frame: np.ndarray) -> Image.Image:
    """Wrap a ``(height, width, 3)`` uint8 frame from :func:`render_frame` as an RGB PIL image."""
    arr = np.asarray(frame)
    if arr.ndim != 3 or arr.shape[2] != 3 or arr.dtype != np.uint8:
        raise ValueError(f"frame must be a (height, width, 3) uint8 array, got shape {arr.shape} dtype {arr.dtype}")
    return Image.fromarray(np.ascontiguousarray(arr))
