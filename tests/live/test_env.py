"""The live env has the simulator's interface: spaces, action ids, observation, info keys, reset options;
EnvWorld drives it unchanged; a killed bot process costs one failed step, not the run."""

from __future__ import annotations

import os
import signal
import threading

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env

from bridge.limits import intervention_capacity
from env import LIVE_ENV_ID
from env.interface.handle import EnvWorld
from env.live.game_env import LiveMinecraftEnv
from env.minecraft import MinecraftEnv

SIM_RESET_INFO = {"inventory", "position", "facing", "nearby", "ticks"}
SIM_STEP_INFO = SIM_RESET_INFO | {"action", "success", "reason", "consumed", "added", "step_ticks", "steps"}
PIT_EDGE = (11, 0)


def test_same_actions_items_and_spaces_as_the_simulator():
    live, sim = LiveMinecraftEnv(), MinecraftEnv(render_frames=False)
    assert live.action_names == sim.action_names
    assert live.movement_actions == sim.movement_actions
    assert live.item_names == sim.item_names
    assert live.action_space == sim.action_space
    assert live.observation_space == sim.observation_space
    live.close()  # nothing was started: construction is cheap


def test_registration_is_the_one_in_env_registration():
    spec = gym.spec(LIVE_ENV_ID)
    # a factory, so that gym.make hands render_mode to the constructor (tests/env/test_gym_contract.py)
    assert spec.entry_point == "env.registration:make_live" and spec.nondeterministic
    assert isinstance(gym.make(LIVE_ENV_ID).unwrapped, LiveMinecraftEnv)  # nothing started


def test_the_observation_space_follows_frame_size():
    # before: the frame space stayed the simulator's default 160x120 whatever frame_size said
    env = LiveMinecraftEnv(frame_size=(64, 48))
    assert env.observation_space["frame"].shape == (48, 64, 3)
    assert env.observation_space["inventory"] == MinecraftEnv(render_frames=False).observation_space["inventory"]
    env.close()


def test_observations_at_a_non_default_frame_size_are_inside_the_space(live_env):
    server = live_env.session.server  # a second bot on the fixture's arena: no second server
    env = LiveMinecraftEnv(
        server.host, server.port, username="framer", frame_size=(64, 48), render_frames=True, frame_source="blocks"
    )
    try:
        obs, _ = env.reset()
        assert obs["frame"].shape == (48, 64, 3) and obs["frame"].any()  # drawn, not blank
        assert env.observation_space.contains(obs)
        obs, *_ = env.step("turn_left")
        assert env.observation_space.contains(obs)
    finally:
        env.close()


def test_check_env_fails_only_on_determinism_which_the_registered_id_declares(live_env):
    """A real server is not deterministic (the clock runs, a walk ends elsewhere, a dug block stays dug):
    ``check_env`` on the bare class fails its step-determinism check; the registered id is declared
    ``nondeterministic``, so on an env from ``gym.make`` (which sets ``spec``) it skips those checks and
    the rest holds: spaces, return types, observations inside the space, reset options, fresh data."""
    with pytest.raises(AssertionError, match="Deterministic step"):
        check_env(live_env, skip_render_check=True, skip_close_check=True)
    live_env.spec = gym.spec(LIVE_ENV_ID)  # as gym.make sets it
    try:
        check_env(live_env, skip_render_check=True)
    finally:
        live_env.spec = None


def test_reset_and_step_return_the_simulators_keys(live_env):
    obs, info = live_env.reset(options={"inventory": {"oak_log": 2}})
    assert live_env.observation_space.contains(obs)
    assert set(info) >= SIM_RESET_INFO
    assert obs["inventory"][live_env.item_names.index("oak_log")] == 2
    obs, reward, terminated, truncated, info = live_env.step("craft_planks")
    assert live_env.observation_space.contains(obs)
    assert set(info) >= SIM_STEP_INFO
    assert (info["consumed"], info["added"]) == ({"oak_log": 1}, {"oak_planks": 4})
    assert (reward, terminated, truncated) == (0.0, False, False)


def test_interventions_set_the_inventory_and_keep_the_position(live_env):
    _, before = live_env.reset(options={"position": PIT_EDGE})
    _, after = live_env.reset(options={"inventory": {"diamond": 3, "stick": 2}})
    assert after["inventory"] == {"diamond": 3, "stick": 2}
    assert after["position"] == before["position"]
    with pytest.raises(ValueError, match="unknown reset option"):
        live_env.reset(options={"world_seed": 1})
    with pytest.raises(ValueError, match="invalid count"):
        live_env.reset(options={"inventory": {"stick": -1}})


def test_goal_reward(live_env):
    live_env.reset(options={"inventory": {"iron_pickaxe": 1}, "position": PIT_EDGE})
    _, reward, _, _, info = live_env.step("mine_diamond_ore")
    assert info["success"] and reward == 1.0


def test_env_world_runs_on_the_live_env(live_env):
    world = EnvWorld(live_env)
    world.reset(options={"inventory": {}})
    world.intervene({"oak_planks": 2})
    t = world.act("craft_sticks")
    assert (t.success, dict(t.consumed), dict(t.added)) == (True, {"oak_planks": 2}, {"stick": 4})
    assert world.counters.interventions == 1


def test_a_killed_bot_costs_one_failed_step(live_env):
    _, info = live_env.reset(options={"inventory": {"wooden_pickaxe": 1}, "position": PIT_EDGE})
    start = info["position"]
    crashes = live_env.crashes
    client = live_env.client
    kill = threading.Timer(1.0, os.kill, (client.pid, signal.SIGKILL))
    kill.start()
    try:
        obs, _, _, _, info = live_env.step("gather_coal_ore")
    finally:
        kill.cancel()
    assert live_env.crashes == crashes + 1
    assert info["error"]["name"] == "BridgeCrashed"
    assert [(r["what"], r["during"]) for r in info["restarts"]] == [("bot", "step")]
    assert (info["success"], info["reason"]) == (False, "unreachable")
    assert info["inventory"] == {"wooden_pickaxe": 1}  # restored on the fresh bot
    # put back on the column it stood on before the step (it rejoined at the spawn, 11 blocks away)
    assert (info["position"][0], info["position"][2]) == (start[0], start[2]), (start, info["position"])
    assert np.array_equal(obs["inventory"] > 0, np.array([n == "wooden_pickaxe" for n in live_env.item_names]))
    _, _, _, _, info = live_env.step("craft_planks")  # the run goes on
    assert info["reason"] == "cannot_craft" and "error" not in info


def test_frames_are_drawn_from_the_blocks_the_bot_knows(live_env):
    from env.live.frames import FRAME_SOURCE, render_view

    _, info = live_env.reset(options={"position": PIT_EDGE})
    view = live_env.client.view()
    frame = render_view(view, 160, 120)
    assert frame.shape == (120, 160, 3) and frame.dtype == np.uint8
    names = {p["name"] for p in view["palette"]}
    assert {"stone", "grass_block", "dirt"} <= names
    assert len({tuple(px) for px in frame.reshape(-1, 3)}) > 10  # terrain drawn, not just sky
    assert FRAME_SOURCE == "blocks"


def test_bad_interventions_are_refused_like_the_simulator(live_env):
    with pytest.raises(ValueError, match="unobtainium.*valid items"):
        live_env.reset(options={"inventory": {"unobtainium": 1}})
    with pytest.raises(ValueError, match="-2"):
        live_env.reset(options={"inventory": {"oak_log": -2}})


def test_interventions_hold_at_most_32_item_kinds_and_tools_one_per_slot(live_env):
    # the bridge keeps 4 of the 36 slots free (bridge/bot/data/inventory.json, which the Node side reads too)
    assert live_env.intervention_capacity == intervention_capacity() == 32
    too_many = {name: 1 for name in live_env.item_names[:33]}
    with pytest.raises(ValueError, match="at most 32 item kinds"):
        live_env.reset(options={"inventory": too_many})
    asked = {"wooden_axe": 32, "stone_axe": 32, "stick": 32}  # 65 slots: axes do not stack
    _, info = live_env.reset(options={"inventory": asked})
    got, trimmed = info["inventory"], info["trimmed"]
    assert set(got) == set(asked) and got["stick"] == 32  # every kind kept; only the axes lowered
    assert got["wooden_axe"] + got["stone_axe"] + 1 <= 32
    assert all(got[k] + trimmed.get(k, 0) == asked[k] for k in asked)


def test_a_version_other_than_the_arenas_is_refused_for_the_local_server():
    env = LiveMinecraftEnv(version="1.20.4")
    try:
        with pytest.raises(ValueError, match="runs Minecraft 1.21.4 only"):
            env.reset()
    finally:
        env.close()


@pytest.mark.live
def test_adam_live_reports_an_unknown_version_or_no_server_without_a_traceback(tmp_path, capsys):
    from agent.cli import main

    args = ["live", "--host", "127.0.0.1", "--port", "1", "--max-steps", "1", "--quiet", "--out", str(tmp_path)]
    assert main([*args, "--version", "9.9"]) == 2
    err = capsys.readouterr().err
    assert "9.9 is not a version mineflayer supports" in err and "1.21.4" in err and "Traceback" not in err
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "cannot connect to 127.0.0.1:1" in err and "Traceback" not in err
