"""The offline describer on rendered frames with known content, and on bad input."""

from __future__ import annotations

import io

import gymnasium as gym
import numpy as np
import pytest
from PIL import Image

import env  # noqa: F401  (registers the simulator ids)
from env.blocks import block_id, world_blocks
from env.render import frame_palette, render_frame
from perception import Describer, Description, FrameError, OfflineDescriber, Region

PALETTE = frame_palette(world_blocks("adam41"))  # the default simulator's, as its world declares it
W, H = 160, 120
GROUND = 4  # y index of the grass layer; the eye stands on y = GROUND + 1


def flat_world(size: int = 40) -> np.ndarray:
    """Dirt under a grass layer, air above: an open, level scene."""
    v = np.zeros((size, 16, size), dtype=np.uint8)
    v[:, :GROUND] = block_id("dirt")
    v[:, GROUND] = block_id("grass_block")
    return v


def eye(x: float = 20.5, z: float = 10.5, y: float = GROUND + 1 + 1.62) -> tuple[float, float, float]:
    return (x, y, z)


def describe(voxels: np.ndarray, at: tuple[float, float, float], yaw: float = 0.0, **kwargs) -> Description:
    return OfflineDescriber(PALETTE, **kwargs).describe(Image.fromarray(render_frame(voxels, at, yaw, 0.0, W, H)))


def columns(description: Description, block: str) -> dict[str, float]:
    return {h: description.fraction(block, horizontal=h) for h in ("left", "centre", "right")}


def test_a_tree_ahead_is_oak_log_centre_and_near():
    v = flat_world()
    v[20, GROUND + 1 : GROUND + 6, 14] = block_id("oak_log")  # 3.5 blocks ahead (yaw 0 looks toward +z)
    v[18:23, GROUND + 6 : GROUND + 8, 12:17] = block_id("oak_leaves")
    d = describe(v, eye())
    logs = columns(d, "oak_log")
    assert logs["centre"] > 0.02 and logs["centre"] > logs["left"] + logs["right"]
    assert d.is_near("oak_log", "centre")
    assert "oak_leaves" in d.kinds and d.fraction("oak_leaves", vertical="upper") > 0
    assert "oak_log ahead near" in d.text


def test_water_to_the_left_is_water_left():
    v = flat_world()
    v[24:34, GROUND, 12:24] = block_id("water")  # +x is on the left of the image at yaw 0
    d = describe(v, eye())
    water = columns(d, "water")
    assert water["left"] > 0.02
    assert water["right"] == 0 and water["left"] > water["centre"]
    assert all(r.vertical != "upper" for r in d.regions("water"))
    assert "water left near" in d.text and "sky above" in d.text


def test_turning_puts_the_water_ahead():
    v = flat_world()
    v[24:34, GROUND, 12:24] = block_id("water")
    d = describe(v, eye(), yaw=-np.pi / 4)  # an eighth of a turn to the left, toward +x
    water = columns(d, "water")
    assert water["centre"] == max(water.values()) > 0.02


def test_a_cave_is_stone_everywhere_and_no_sky():
    v = np.full((20, 16, 40), block_id("stone"), dtype=np.uint8)
    v[9:11, 5:8, 5:30] = 0  # a tunnel 2 wide and 3 high running toward +z
    v[9:11, 5:8, 30] = block_id("coal_ore")  # its end wall, 19 blocks ahead
    d = describe(v, (10.0, 6.62, 11.5))
    assert "sky" not in d.kinds and d.unknown == 0
    assert {"stone", "coal_ore"} == d.kinds
    for h in ("left", "centre", "right"):
        for vertical in ("upper", "middle", "lower"):
            assert d.fraction("stone", h, vertical) > 0.05, (h, vertical)
    coal = d.regions("coal_ore")
    assert coal and all(r.horizontal == "centre" and r.vertical == "middle" and r.distance == "far" for r in coal)


def test_an_open_scene_has_sky_above_and_ground_below():
    d = describe(flat_world(96), eye(48.5, 48.5))
    assert {"sky", "grass_block"} <= d.kinds
    assert d.fraction("sky", vertical="upper") > 0.3 and d.fraction("sky", vertical="lower") == 0
    assert d.fraction("grass_block", vertical="lower") > 0.3 and d.fraction("grass_block", vertical="upper") == 0
    assert all(r.distance == "far" for r in d.regions("sky"))
    assert "sky above" in d.text


def test_the_sun_counts_as_sky():
    v = flat_world()
    frame = render_frame(v, eye(), 0.0, np.radians(40), W, H)  # look straight at the sun (40 degrees up, south)
    d = OfflineDescriber(PALETTE).describe(frame)
    assert d.kinds == {"sky"} and d.unknown == 0


def test_tiny_regions_are_dropped_but_a_kind_above_threshold_is_kept():
    v = flat_world()
    v[20, GROUND + 1, 38] = block_id("gold_ore")  # one block 27 blocks away: a handful of pixels
    assert "gold_ore" not in describe(v, eye()).kinds
    assert "gold_ore" in describe(v, eye(), min_fraction=0.0001).kinds


def test_jpeg_noise_and_encoded_inputs():
    v = flat_world()
    v[20, GROUND + 1 : GROUND + 6, 14] = block_id("oak_log")
    frame = render_frame(v, eye(), 0.0, 0.0, W, H)
    buf = io.BytesIO()
    Image.fromarray(frame).save(buf, format="JPEG", quality=90)
    describer = OfflineDescriber(PALETTE, expected_size=(W, H))
    noisy = describer.describe(buf.getvalue())
    exact = describer.describe(frame)
    assert noisy.kinds == exact.kinds and noisy.unknown < 0.05
    assert max(columns(noisy, "oak_log"), key=columns(noisy, "oak_log").get) == "centre"
    assert describer.describe(Image.fromarray(frame).convert("RGBA")) == exact


def test_describe_from_a_path(tmp_path):
    path = tmp_path / "frame.png"
    Image.fromarray(render_frame(flat_world(), eye(), 0.0, 0.0, W, H)).save(path)
    d = OfflineDescriber(PALETTE).describe(path)
    assert d.width == W and d.height == H and "grass_block" in d.kinds
    assert isinstance(OfflineDescriber(PALETTE), Describer)


def test_description_round_trips_through_a_dict():
    d = describe(flat_world(), eye())
    assert Description.from_dict(d.to_dict()) == d
    with pytest.raises(ValueError, match="horizontal"):
        Region("water", "middle", "lower", "near", 0.1)
    with pytest.raises(ValueError, match="lacks"):
        Description.from_dict({"blocks": []})


@pytest.mark.parametrize(
    ("frame", "message"),
    [
        (Image.new("RGB", (0, 0)), "empty frame"),
        (b"", "empty frame"),
        (b"\x89PNG\r\n\x1a\n garbage, not an image", "not a decodable image"),
        (np.zeros((0, 160, 3), np.uint8), "empty frame"),
        (np.zeros((120, 160), np.uint8), r"\(height, width, 3\) uint8"),
        (Image.new("L", (160, 120)), "colour mode 'L'"),
        (np.zeros((120, 160, 3), np.uint8), "blank frame"),
        (np.random.default_rng(0).integers(0, 256, (120, 160, 3), dtype=np.uint8), "not a frame drawn with the world"),
        (12, "cannot describe a int"),
    ],
)
def test_bad_frames_raise_frame_error(frame, message):
    with pytest.raises(FrameError, match=message):
        OfflineDescriber(PALETTE).describe(frame)


def test_wrong_size_and_missing_file(tmp_path):
    frame = render_frame(flat_world(), eye(), 0.0, 0.0, 80, 60)
    with pytest.raises(FrameError, match="80x60 pixels but 160x120"):
        OfflineDescriber(PALETTE, expected_size=(160, 120)).describe(frame)
    with pytest.raises(FrameError, match="cannot read frame file"):
        OfflineDescriber(PALETTE).describe(tmp_path / "missing.png")
    assert issubclass(FrameError, ValueError)


def test_a_frame_of_the_real_simulator():
    e = gym.make("adam/Minecraft-v0", render_frames=True)
    obs, _ = e.reset(seed=0)
    palette = e.unwrapped.frame_palette()  # what the world declares through the contract
    assert palette == PALETTE
    d = OfflineDescriber(palette, expected_size=e.unwrapped.frame_size).describe(Image.fromarray(obs["frame"]))
    assert d.unknown == 0
    assert d.sees("grass_block") and d.is_near("grass_block")
    assert d.kinds <= {"grass_block", "dirt", "sand", "water", "oak_log", "oak_leaves", "stone", "sky"}
    obs, *_ = e.step("turn_right")  # seed 0's spawn faces a forest; a quarter turn right shows the sky
    assert "sky" in OfflineDescriber(PALETTE).describe(obs["frame"]).kinds
