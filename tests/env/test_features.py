"""The overworld library's world (issue 19): ADAM's world with world.toml's ``[overworld]`` features on it — more ores
and stone variants, birch and spruce, clay, sugar cane, pumpkins and flowers — while ADAM's own world stays what it
was, byte for byte; and 1.19's furnace list, each smelt smelting its own input."""

from __future__ import annotations

import hashlib

import gymnasium as gym
import numpy as np
import pytest

import env  # noqa: F401  (registers the ids)
from env.actions import action_library
from env.blocks import block_id, block_names, world_blocks
from env.terrain import generate

# sha1 of voxels + surface of ADAM's world before the overworld's blocks existed (commit 4657b3c)
ADAM_WORLD = {
    0: "2b3fd157fd5e43e2a56c53d75d62e04e50dc4886",
    1: "137bcd7228150a5fe7c41462f6076ef2921bd000",
    2: "91b4b7a6a7d2ee3f293ce05060f04a3ba99653f7",
}


def _sha(seed: int, library: str = "adam41") -> str:
    voxels, surface = generate(seed, library=library)
    return hashlib.sha1(voxels.tobytes() + surface.tobytes()).hexdigest()


@pytest.mark.parametrize("seed", sorted(ADAM_WORLD))
def test_adams_world_is_unchanged(seed):
    assert _sha(seed) == ADAM_WORLD[seed]
    assert _sha(seed, "overworld") != ADAM_WORLD[seed]  # the overworld's is another world on top of it


def test_only_the_overworld_places_its_blocks_and_it_places_every_one():
    adam = world_blocks("adam41")
    assert block_names()[: len(adam)] == adam  # ADAM's ids first, unchanged
    assert set(world_blocks("overworld")) == set(block_names())
    for seed in (0, 10):  # seed 10's world has no water: a pond is dug, so sugar cane and clay have a place
        placed = {block_names()[i] for i in np.unique(generate(seed, library="overworld")[0])}
        assert placed == set(block_names()) - {"missing"}, set(block_names()) - placed
        assert {block_names()[i] for i in np.unique(generate(seed)[0])} <= set(adam)


def test_overworld_generation_is_seeded():
    assert _sha(5, "overworld") == _sha(5, "overworld") != _sha(6, "overworld")


@pytest.mark.parametrize("seed", range(6))
def test_every_target_of_the_library_is_within_reach_of_the_spawn(seed):
    """Each gather/mine action finds its target from where the world places the agent (else it could never be
    learned there)."""
    e = gym.make("adam/Minecraft-v0", render_frames=False, actions="overworld").unwrapped
    e.reset(seed=seed)
    missing = [s.id for s in action_library("overworld") if s.blocks and e.engine.nearest(s.blocks) is None]
    assert missing == []


def test_the_frame_palette_is_the_worlds():
    adam = gym.make("adam/Minecraft-v0", render_frames=False).unwrapped.frame_palette()
    over = gym.make("adam/Minecraft-v0", render_frames=False, actions="overworld").unwrapped.frame_palette()
    assert "redstone_ore" not in adam.blocks and len(adam.blocks) == len(world_blocks("adam41")) - 1
    assert "redstone_ore" in over.blocks and len(over.blocks) == len(block_names()) - 1
    assert over.shades[over.blocks.index("stone")] == adam.shades[adam.blocks.index("stone")]


def test_a_smelt_smelts_its_own_input():
    """smelt_oak_log with a birch log and an oak log: one oak log and no fuel, it cannot; smelt_birch_log burns the
    oak log as its fuel (before 1.19's list, the oak log's action would have smelted the birch log)."""
    e = gym.make("adam/Minecraft-v0", render_frames=False, actions="overworld").unwrapped
    e.reset(seed=0)
    stock = {"birch_log": 1, "oak_log": 1, "furnace": 1}
    e.reset(options={"inventory": stock})
    *_, info = e.step(e.action_index("smelt_oak_log"))
    assert not info["success"] and info["added"] == {}
    e.reset(options={"inventory": stock})
    *_, info = e.step(e.action_index("smelt_birch_log"))
    assert info["success"] and info["added"] == {"charcoal": 1} and info["consumed"] == {"birch_log": 1, "oak_log": 1}


def test_the_block_ids_are_fixed():
    assert block_id("gravel") == len(world_blocks("adam41")) - 1  # the last of ADAM's
    assert block_id("redstone_ore") == len(world_blocks("adam41"))
