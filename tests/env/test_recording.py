"""The recording wrapper writes the event log a run writes: the same reset and transition records as an
EnvWorld logged by a RunLog (what ``adam run`` does, agent/run.py attach_logging), for the same seed and calls."""

from __future__ import annotations

import json

import gymnasium as gym
import pytest

from agent.runlog import RunLog, read_events
from env.interface import Transition
from env.interface.handle import EnvWorld
from env.recording import Recorder

CALLS = [
    ("reset", {"seed": 3}),
    ("act", "gather_oak_log"),
    ("act", "gather_oak_log"),
    ("act", "craft_planks"),
    ("act", "move_forward"),
    ("intervene", {"oak_planks": 4, "stick": 2}),
    ("act", "craft_crafting_table"),
    ("act", "craft_wooden_pickaxe"),  # fails: the table took the planks; nothing consumed
    ("act", "turn_right"),
]


def world_log(tmp_path, env_id: str) -> list[dict]:
    """The events of an EnvWorld run, logged as adam run logs them."""
    log = RunLog(tmp_path / "run")
    (tmp_path / "run").mkdir()
    world = EnvWorld(gym.make(env_id, render_frames=False))
    world.on_transition = lambda t: log.event("transition", **t.to_dict())
    world.on_reset = lambda seed, options: log.event("reset", seed=seed, options=options)
    world.on_restart = lambda restart: log.event("restart", **restart)
    for call, arg in CALLS:
        if call == "reset":
            world.reset(**arg)
        elif call == "intervene":
            world.intervene(arg)
        else:
            world.act(arg)
    log.close()
    return read_events(log.events_path)[0]


def recorded_log(tmp_path, env_id: str, by_index: bool = False) -> list[dict]:
    env = Recorder(gym.make(env_id, render_frames=False), tmp_path / "recorded")
    names = env.unwrapped.action_names
    for call, arg in CALLS:
        if call == "reset":
            env.reset(**arg)
        elif call == "intervene":
            env.reset(options={"inventory": arg})
        else:
            env.step(names.index(arg) if by_index else arg)
    env.close()
    events, problems = read_events(env.events_path)
    assert not problems
    return events


def without_time(events: list[dict]) -> list[dict]:
    return [{k: v for k, v in e.items() if k != "t"} for e in events]


def test_a_recorded_env_logs_what_an_envworld_run_logs(tmp_path):
    recorded = recorded_log(tmp_path, "adam/Minecraft-v0")
    run = world_log(tmp_path, "adam/Minecraft-v0")
    assert [e["kind"] for e in recorded] == ["reset", *["transition"] * 4, "reset", *["transition"] * 3]
    assert without_time(recorded) == without_time(run)
    transitions = [Transition.from_dict(e) for e in recorded if e["kind"] == "transition"]
    assert [t.step for t in transitions] == [1, 2, 3, 4, 5, 6, 7]  # counted over the resets, as a run counts
    assert transitions[0].added == {"oak_log": 1} and transitions[4].added == {"crafting_table": 1}
    assert not transitions[5].success and transitions[5].consumed == {}


def test_actions_by_index_or_by_name_record_the_same(tmp_path):
    by_name = recorded_log(tmp_path / "a", "adam/Minecraft-v0")
    by_index = recorded_log(tmp_path / "b", "adam/Minecraft-v0", by_index=True)
    assert without_time(by_name) == without_time(by_index)


def test_records_are_one_json_line_each_flushed_as_written(tmp_path):
    env = Recorder(gym.make("adam/Minecraft-v0", render_frames=False), tmp_path / "nb")
    env.reset(seed=0)
    env.step("gather_oak_log")
    lines = env.events_path.read_text().splitlines()  # before close: already on disk
    assert [json.loads(line)["kind"] for line in lines] == ["reset", "transition"]
    assert list(json.loads(lines[1]))[:3] == ["seq", "kind", "t"]
    env.close()


def test_an_env_outside_the_world_contract_is_refused(tmp_path):
    with pytest.raises(TypeError, match="world contract"):
        Recorder(gym.make("CartPole-v1"), tmp_path)
