"""The frame palette of the world contract: what a world declares, what the offline describer reads with it."""

from __future__ import annotations

import gymnasium as gym
import numpy as np
import pytest

import env  # noqa: F401  (registers the simulator ids)
import examples.workshop  # noqa: F401  (registers workshop/Workshop-v0: a world without frames)
from env.blocks import block_names, world_blocks
from env.data import load_toml
from env.interface import FramePalette
from env.interface.handle import EnvWorld
from env.render import FACES, frame_palette, shaded_palette, sky_color
from perception import OfflineDescriber

RED, BLUE, GREY = (200, 30, 30), (30, 30, 200), (128, 128, 128)


def two_blocks(sun: tuple[int, int, int] | None = None) -> FramePalette:
    """A world that is not Minecraft: two block kinds, one of them with a single shade, a grey sky."""
    return FramePalette(("brick", "lake"), ((RED, (150, 20, 20)), (BLUE,)), GREY, GREY, sun)


def test_the_simulator_declares_exactly_the_renderer_colours():
    palette = gym.make("adam/Minecraft-v0").unwrapped.frame_palette()
    adam = world_blocks("adam41")  # ADAM's world's blocks, the first ids; the overworld's world adds more
    assert palette == frame_palette(adam) and palette.blocks == adam[1:] == block_names()[1 : len(adam)]
    assert np.array_equal(np.asarray(palette.shades, dtype=np.uint8), shaded_palette()[1 : len(adam)])
    over = gym.make("adam/Minecraft-v0", actions="overworld").unwrapped.frame_palette()
    assert over == frame_palette() and over.blocks == block_names()[1:]
    assert np.array_equal(np.asarray(over.shades, dtype=np.uint8), shaded_palette()[1:])
    assert all(len(shades) == len(FACES) for shades in palette.shades)
    assert palette.horizon == tuple(int(c) for c in sky_color(0.0))
    assert palette.zenith == tuple(int(c) for c in sky_color(1.0))
    assert palette.sun == tuple(load_toml("palette.toml")["sun"]["color"])
    hash(palette)  # frozen, plain data


def test_env_world_gives_the_palette_or_none():
    assert EnvWorld(gym.make("adam/Minecraft-v0")).frame_palette() == frame_palette(world_blocks("adam41"))
    assert EnvWorld(gym.make("workshop/Workshop-v0")).frame_palette() is None  # a world that declares none


def test_the_describer_reads_any_world_s_palette():
    frame = np.empty((30, 30, 3), np.uint8)
    frame[:10], frame[10:20], frame[20:] = GREY, (152, 22, 19), BLUE  # sky, brick (a little noisy), lake
    d = OfflineDescriber(two_blocks()).describe(frame)
    assert d.kinds == {"sky", "brick", "lake"} and d.unknown == 0
    assert {r.vertical for r in d.regions("brick")} == {"middle"} and d.is_near("lake")
    frame[:3] = (255, 255, 0)  # a sun disc: sky only where the palette has a sun
    assert OfflineDescriber(two_blocks()).describe(frame).unknown == pytest.approx(0.1)
    assert OfflineDescriber(two_blocks(sun=(255, 255, 0))).describe(frame).unknown == 0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"blocks": ()}, "non-empty tuple of names"),
        ({"blocks": ("brick", "brick")}, "unique"),
        ({"blocks": ("brick", "sky")}, "unique and not 'sky'"),
        ({"shades": ((RED,),)}, "one tuple of colours per block"),
        ({"shades": ((RED,), ())}, "block 'lake' needs a non-empty tuple"),
        ({"shades": ((RED,), ((0, 0, 256),))}, "a colour of 'lake' must be an \\(r, g, b\\) tuple"),
        ({"horizon": [1, 2, 3]}, "horizon must be"),
        ({"sun": (1.0, 2, 3)}, "sun must be"),
    ],
)
def test_a_bad_palette_is_one_clear_error(kwargs, message):
    fields = {"blocks": ("brick", "lake"), "shades": ((RED,), (BLUE,)), "horizon": GREY, "zenith": GREY, **kwargs}
    with pytest.raises(ValueError, match=message):
        FramePalette(**fields)
    with pytest.raises(TypeError, match="FramePalette"):
        OfflineDescriber(None)  # type: ignore[arg-type]
