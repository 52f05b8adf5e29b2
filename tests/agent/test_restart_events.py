"""Restarts reported by an environment (``info["restarts"]``, the live env's contract) become ``restart`` events.

The producer here is a small wrapper around the real simulator that reports a restart the way the live env
does; the thing under test is the run's logging of it (agent/world.py, agent/run.py)."""

from __future__ import annotations

import gymnasium as gym
import pytest

import env  # noqa: F401  (registers the simulator ids)
from agent.run import RunConfig, new_run
from agent.runlog import read_events
from env.interface.handle import EnvWorld

ENV_ID = "adam_test/Restarting-v0"
BOT_AT_STEP, SERVER_AT_RESET = 5, 3


class Restarting(gym.Wrapper):
    """The simulator, reporting a bot restart during its 5th step and a server restart during its 3rd reset."""

    metadata = {"render_modes": ["rgb_array"]}

    def __init__(self, **kwargs) -> None:
        super().__init__(gym.make("adam/Minecraft-v0", **kwargs))
        self.steps = self.resets = 0

    def reset(self, **kwargs):
        obs, info = self.env.reset(**kwargs)
        self.resets += 1
        if self.resets == SERVER_AT_RESET:
            info = {**info, "restarts": [{"what": "server", "during": "reset", "error": "the arena died"}]}
        return obs, info

    def step(self, action):
        obs, reward, terminated, truncated, info = self.env.step(action)
        self.steps += 1
        if self.steps == BOT_AT_STEP:
            info = {**info, "restarts": [{"what": "bot", "during": "step", "error": "the bot died"}]}
        return obs, reward, terminated, truncated, info


@pytest.fixture(scope="module", autouse=True)
def registered():
    if ENV_ID not in gym.registry:
        gym.register(ENV_ID, entry_point=Restarting)


def test_each_restart_is_a_restart_event_with_the_step_counter(tmp_path):
    result = new_run(RunConfig(env_id=ENV_ID, out=str(tmp_path), picture=False)).loop()
    assert result.goal_reached
    events, problems = read_events(result.run_dir / "events.jsonl")
    assert not problems
    restarts = [e for e in events if e["kind"] == "restart"]
    assert [(e["what"], e["during"], e["error"]) for e in restarts] == [
        ("server", "reset", "the arena died"),
        ("bot", "step", "the bot died"),
    ]
    server, bot = restarts
    after = events[events.index(bot) + 1]  # the step it happened during is logged right after it
    assert after["kind"] == "transition" and after["step"] == BOT_AT_STEP and bot["step"] == BOT_AT_STEP - 1
    resets = [e for e in events if e["kind"] == "reset"]
    assert events.index(server) == events.index(resets[SERVER_AT_RESET - 1]) + 1
    assert server["step"] == sum(1 for e in events[: events.index(server)] if e["kind"] == "transition")


def test_replaying_logged_calls_logs_no_restart(tmp_path):
    result = new_run(RunConfig(env_id=ENV_ID, out=str(tmp_path), max_steps=40, picture=False)).loop()
    events, _ = read_events(result.run_dir / "events.jsonl")
    seen: list[dict] = []
    world = EnvWorld(gym.make(ENV_ID, render_frames=False), on_restart=seen.append)
    world.replay(events)
    assert not seen and world.counters.steps == sum(1 for e in events if e["kind"] == "transition") > 0
