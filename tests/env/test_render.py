"""Tests of env.render: camera conventions, face shading, sky, colour separability and input checks."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from PIL import Image

from env.blocks import block_id, block_names
from env.data import load_toml
from env.render import FACES, frame_to_image, palette, render_frame, shaded_palette

W, H = 160, 120
CENTRE = (H // 2, W // 2)


def face_colour(name: str, face: str) -> np.ndarray:
    return shaded_palette()[block_id(name), FACES.index(face)]


def sky_segment() -> tuple[np.ndarray, np.ndarray]:
    sky = load_toml("palette.toml")["sky"]
    return np.array(sky["horizon"], float), np.array(sky["zenith"], float)


def sky_distance(colours: np.ndarray) -> np.ndarray:
    """Euclidean distance from RGB colours (..., 3) to the sky gradient (the segment horizon-zenith)."""
    a, b = sky_segment()
    c = np.asarray(colours, float)
    t = np.clip(((c - a) @ (b - a)) / np.dot(b - a, b - a), 0.0, 1.0)
    return np.linalg.norm(c - (a + t[..., None] * (b - a)), axis=-1)


def is_sky(pixels: np.ndarray) -> np.ndarray:
    """Per pixel: is it on the sky gradient (up to rounding) or the sun?"""
    sun = np.array(load_toml("palette.toml")["sun"]["color"])
    return (sky_distance(pixels) <= 1.0) | (pixels == sun).all(axis=-1)


def floor_world(size: int = 16, height: int = 12, floor_y: int = 3) -> np.ndarray:
    v = np.zeros((size, height, size), dtype=np.uint8)
    v[:, :floor_y] = block_id("dirt")
    v[:, floor_y] = block_id("grass_block")
    return v


def test_shape_and_dtype() -> None:
    v = floor_world()
    frame = render_frame(v, (8.5, 5.6, 8.5), 0.0)
    assert frame.shape == (H, W, 3) and frame.dtype == np.uint8
    small = render_frame(v, (8.5, 5.6, 8.5), 0.0, width=37, height=23)
    assert small.shape == (23, 37, 3)


def test_sky_above_ground_below() -> None:
    frame = render_frame(floor_world(), (8.5, 5.6, 8.5), math.pi)  # facing -z: the sun is behind
    assert is_sky(frame[: H // 3]).all()
    grass = {tuple(face_colour("grass_block", f)) for f in FACES}
    assert all(tuple(p) in grass for p in frame[-H // 4 :].reshape(-1, 3))
    assert (frame[-1] == face_colour("grass_block", "top")).all()


def test_centre_pixel_shows_block_face() -> None:
    v = np.zeros((12, 12, 12), dtype=np.uint8)
    v[5, 5, 9] = block_id("stone")  # straight ahead along +z: its -z face, shaded with the z factor
    assert (render_frame(v, (5.5, 5.5, 2.5), 0.0)[CENTRE] == face_colour("stone", "z")).all()
    v[2, 5, 5] = block_id("iron_ore")  # along -x (yaw pi/2): its +x face
    assert (render_frame(v, (5.5, 5.5, 5.5), math.pi / 2)[CENTRE] == face_colour("iron_ore", "x")).all()
    v[5, 9, 5] = block_id("oak_leaves")  # straight up: its bottom face
    frame = render_frame(v, (5.5, 5.5, 5.5), 0.0, pitch=math.pi / 2)
    assert (frame[CENTRE] == face_colour("oak_leaves", "bottom")).all()
    v[5, 1, 5] = block_id("sand")  # straight down: its top face
    frame = render_frame(v, (5.5, 5.5, 5.5), 0.0, pitch=-math.pi / 2)
    assert (frame[CENTRE] == face_colour("sand", "top")).all()


def test_yaw_convention() -> None:
    v = np.zeros((12, 12, 12), dtype=np.uint8)
    v[5, 5, 10] = block_id("gold_ore")  # at +z
    v[0, 5, 5] = block_id("diamond_ore")  # at -x
    eye = (5.5, 5.5, 5.5)
    assert (render_frame(v, eye, 0.0)[CENTRE] == face_colour("gold_ore", "z")).all()
    assert is_sky(render_frame(v, eye, math.pi)[CENTRE][None]).all()
    assert (render_frame(v, eye, math.pi / 2)[CENTRE] == face_colour("diamond_ore", "x")).all()
    assert is_sky(render_frame(v, eye, -math.pi / 2)[CENTRE][None]).all()


def test_block_on_the_left_appears_left() -> None:
    v = np.zeros((12, 12, 12), dtype=np.uint8)
    v[8, 5, 9] = block_id("coal_ore")  # ahead (+z) and to +x, which is the left at yaw 0
    frame = render_frame(v, (5.5, 5.5, 3.5), 0.0)
    cols = np.nonzero(~is_sky(frame))[1]
    assert cols.size > 0 and cols.max() < W // 2
    mirrored = render_frame(v[::-1].copy(), (6.5, 5.5, 3.5), 0.0)  # mirrored in x: now on the right
    assert np.nonzero(~is_sky(mirrored))[1].min() >= W // 2


def test_pitch_up_looks_up() -> None:
    v = np.zeros((12, 12, 12), dtype=np.uint8)
    v[5, 9, 9] = block_id("bedrock")  # up and ahead at 45 degrees
    centre = render_frame(v, (5.5, 5.5, 5.5), 0.0, pitch=math.pi / 4)[CENTRE]
    assert any((centre == face_colour("bedrock", f)).all() for f in FACES)
    assert is_sky(render_frame(v, (5.5, 5.5, 5.5), 0.0, pitch=-math.pi / 4)[CENTRE][None]).all()


def test_sun_disc() -> None:
    sun = load_toml("palette.toml")["sun"]
    d = np.array(sun["direction"], float)
    d /= np.linalg.norm(d)
    yaw, pitch = math.atan2(-d[0], d[2]), math.asin(d[1])
    frame = render_frame(np.zeros((4, 4, 4), np.uint8), (2.0, 2.0, 2.0), yaw, pitch)
    assert (frame[CENTRE] == sun["color"]).all()


def test_out_of_bounds() -> None:
    v = np.full((8, 8, 8), block_id("stone"), dtype=np.uint8)
    assert is_sky(render_frame(v, (4.0, 4.0, -10.0), math.pi, width=40, height=30)).all()  # looking away
    assert is_sky(render_frame(v, (4.0, 20.0, 4.0), 0.0, pitch=0.5, width=40, height=30)).all()  # above, up
    # entering the array from outside: its outer faces are drawn
    assert (render_frame(v, (4.5, 4.5, -10.0), 0.0)[CENTRE] == face_colour("stone", "z")).all()
    assert (render_frame(v, (4.5, 30.0, 4.5), 0.0, pitch=-math.pi / 2)[CENTRE] == face_colour("stone", "top")).all()
    empty = np.zeros((0, 5, 5), dtype=np.uint8)
    assert is_sky(render_frame(empty, (0.0, 0.0, 0.0), 0.0, width=20, height=10)).all()


def test_max_distance() -> None:
    v = np.zeros((4, 4, 40), dtype=np.uint8)
    v[:, :, 30] = block_id("stone")
    assert (render_frame(v, (2.0, 2.0, 0.5), 0.0)[CENTRE] == face_colour("stone", "z")).all()
    assert is_sky(render_frame(v, (2.0, 2.0, 0.5), 0.0, max_distance=20.0)[CENTRE][None]).all()


def test_water() -> None:
    v = np.zeros((10, 10, 10), dtype=np.uint8)
    v[:, :5] = block_id("water")
    v[:, 0] = block_id("sand")
    down = -math.pi / 2
    assert (render_frame(v, (5.5, 8.5, 5.5), 0.0, pitch=down)[CENTRE] == face_colour("water", "top")).all()
    assert (render_frame(v, (5.5, 3.5, 5.5), 0.0, pitch=down)[CENTRE] == face_colour("sand", "top")).all()


def test_unknown_id_is_magenta_and_dtypes() -> None:
    v = np.zeros((6, 6, 6), dtype=np.int64)
    v[3, 3, 5] = 250
    assert (render_frame(v, (3.5, 3.5, 1.5), 0.0)[CENTRE] == load_toml("palette.toml")["missing"]).all()
    u = np.zeros((6, 6, 6), dtype=np.uint8)
    u[1:5, 2, 1:5] = block_id("gravel")
    transposed = np.ascontiguousarray(u.transpose(2, 1, 0)).transpose(2, 1, 0)  # same values, F-ordered
    args = ((3.2, 4.7, 0.4), 0.3, -0.4)
    assert np.array_equal(render_frame(u, *args), render_frame(transposed, *args))


def test_colours_are_separable() -> None:
    """(block, face) colours of different blocks, the sky gradient and the sun never come within 12."""
    names = block_names()
    shaded = shaded_palette().astype(float)
    assert shaded.shape == (len(names), len(FACES), 3)
    worst = min(
        np.linalg.norm(shaded[a][:, None] - shaded[b][None], axis=2).min()
        for a, b in itertools.combinations(range(1, len(names)), 2)
    )
    assert worst >= 12.0
    blocks = shaded[1:].reshape(-1, 3)
    assert sky_distance(blocks).min() >= 12.0
    sun = np.array(load_toml("palette.toml")["sun"]["color"], float)
    assert np.linalg.norm(blocks - sun, axis=1).min() >= 12.0
    assert sky_distance(sun) >= 12.0


def test_palette() -> None:
    pal = palette()
    assert pal.shape == (len(block_names()), 3) and pal.dtype == np.uint8
    assert len({tuple(c) for c in pal[1:]}) == len(block_names()) - 1
    assert set(load_toml("palette.toml")["colors"]) >= set(block_names()[1:])


def test_frame_to_image() -> None:
    image = frame_to_image(render_frame(floor_world(), (8.5, 5.6, 8.5), 0.0, width=64, height=48))
    assert isinstance(image, Image.Image) and image.size == (64, 48) and image.mode == "RGB"
    with pytest.raises(ValueError, match="shape"):
        frame_to_image(np.zeros((4, 4), np.uint8))


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"voxels": np.zeros((4, 4), np.uint8)}, "ndim=2"),
        ({"voxels": np.zeros((4, 4, 4), np.float32)}, "float32"),
        ({"voxels": np.full((4, 4, 4), 300)}, "int64"),
        ({"width": 0}, "width.*0"),
        ({"height": -3}, "height.*-3"),
        ({"width": 2.5}, "width.*2.5"),
        ({"fov_deg": 180.0}, "fov_deg.*180"),
        ({"max_distance": 0.0}, "max_distance.*0"),
        ({"eye": (1.0, math.nan, 1.0)}, "eye.*nan"),
        ({"eye": (1.0, 2.0)}, "eye"),
        ({"yaw": math.inf}, "yaw.*inf"),
    ],
)
def test_bad_input(kwargs: dict, match: str) -> None:
    args = {"voxels": np.zeros((4, 4, 4), np.uint8), "eye": (2.0, 2.0, 2.0), "yaw": 0.0} | kwargs
    with pytest.raises(ValueError, match=match):
        render_frame(**args)
