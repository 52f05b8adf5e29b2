"""The gymnasium surface of the simulator: registration, checker, determinism, interventions, errors."""

from __future__ import annotations

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env

from env import ENV_IDS


@pytest.mark.parametrize("env_id", sorted(ENV_IDS))
def test_check_env_passes(env_id):
    e = gym.make(env_id, frame_size=(32, 24))
    check_env(e.unwrapped, skip_render_check=True)


@pytest.mark.parametrize("env_id", sorted(ENV_IDS))
def test_same_seed_same_rollout(env_id):
    def rollout():
        e = gym.make(env_id, render_frames=False)
        obs, _ = e.reset(seed=7)
        e.action_space.seed(3)
        trace = [obs["inventory"].copy()]
        for _ in range(60):
            obs, reward, term, trunc, info = e.step(e.action_space.sample())
            trace.append(np.append(obs["inventory"], [reward, *info["position"]]))
        return trace

    a, b = rollout(), rollout()
    assert all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))


def test_intervention_sets_inventory_exactly_and_keeps_world(make_env):
    e = make_env()
    _, info0 = e.reset(seed=1)
    e.step("gather_oak_log")
    pos = e.engine.position
    _, info = e.reset(options={"inventory": {"oak_planks": 3, "stick": 2, "crafting_table": 1}})
    assert info["inventory"] == {"oak_planks": 3, "stick": 2, "crafting_table": 1}
    assert e.engine.position == pos  # same world, same place
    _, _, _, _, info = e.step("craft_wooden_pickaxe")
    assert info["success"] and info["consumed"] == {"oak_planks": 3, "stick": 2}
    assert info["added"] == {"wooden_pickaxe": 1}
    assert info["inventory"] == {"crafting_table": 1, "wooden_pickaxe": 1}


def test_reset_with_seed_makes_a_new_world(make_env):
    e = make_env()
    e.reset(seed=1)
    first = e.world_seed
    e.reset(seed=2)
    assert e.world_seed != first


@pytest.mark.parametrize(
    ("options", "needle"),
    [
        ({"inventory": {"unobtainium": 1}}, "unobtainium"),
        ({"inventory": {"oak_log": -1}}, "-1"),
        ({"inventory": {"oak_log": 1.5}}, "1.5"),
        ({"teleport": 1}, "teleport"),
    ],
)
def test_bad_reset_options_name_the_bad_value(make_env, options, needle):
    e = make_env()
    e.reset(seed=0)
    with pytest.raises(ValueError, match=needle):
        e.reset(options=options)


def test_unknown_action_and_variant_are_clear_errors(make_env):
    e = make_env()
    e.reset(seed=0)
    with pytest.raises(ValueError, match="fly_to_moon.*valid actions"):
        e.step("fly_to_moon")
    with pytest.raises(ValueError, match="99"):
        e.step(99)
    with pytest.raises(ValueError, match="nether.*valid variants"):
        make_env("nether")
    with pytest.raises(ValueError, match="seed must be an integer"):
        make_env("random:x")
    with pytest.raises(ValueError, match="unknown goal item"):
        make_env(goal="unobtainium")


def test_info_has_the_documented_keys(make_env):
    e = make_env()
    e.reset(seed=0)
    _, _, _, _, info = e.step("gather_oak_log")
    for key in ("inventory", "consumed", "added", "position", "facing", "nearby", "ticks", "success", "reason"):
        assert key in info
    assert info["added"] == {"oak_log": 1}
    assert "oak_log" in info["nearby"] or "oak_leaves" in info["nearby"] or info["nearby"]


def test_reward_on_goal(make_env):
    e = make_env(goal="oak_log")
    e.reset(seed=0)
    _, reward, terminated, _, _ = e.step("gather_oak_log")
    assert reward == 1.0 and not terminated
    _, reward, _, _, _ = e.step("gather_oak_log")
    assert reward == 0.0


def test_movement_changes_position_and_turns(make_env):
    e = make_env()
    _, info = e.reset(seed=0)
    x, _, z = info["position"]
    _, _, _, _, info = e.step("move_forward")
    assert info["position"][2] == z + 4 and info["position"][0] == x  # facing south (+z)
    _, _, _, _, info = e.step("turn_right")
    assert info["facing"] == 90
    _, _, _, _, info = e.step("move_forward")
    assert info["position"][0] == x - 4  # west
