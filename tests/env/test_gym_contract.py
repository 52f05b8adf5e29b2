"""What a Gymnasium user relies on: the reward and episode end as documented, the render modes declared
(an unsupported one refused at construction), the registered step cap equal to ``adam run``'s, and the
env docstrings and the README saying all of it."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import gymnasium as gym
import pytest

from agent.run import RunConfig
from env import ENV_IDS, LIVE_ENV_ID, MAX_EPISODE_STEPS
from env.interface.handle import EnvWorld
from env.live.game_env import LiveMinecraftEnv
from env.minecraft import MinecraftEnv

ALL_IDS = [*sorted(ENV_IDS), LIVE_ENV_ID]
SECTIONS = ("Description", "Action Space", "Observation Space", "Rewards", "Episode End", "Arguments")
SECTIONS = (*SECTIONS, "Version History")
README = Path(__file__).parents[2] / "README.md"


def doc_section(cls: type, title: str) -> str:
    """The text of one ``## title`` section of a class docstring."""
    doc = cls.__doc__ or ""
    match = re.search(rf"## {title}\n(.*?)(?=\n\s*## |\Z)", doc, re.S)
    assert match, f"{cls.__name__} has no '## {title}' section"
    return " ".join(match.group(1).split())


def readme_simulator_section() -> str:
    text = README.read_text()
    start = text.index("## The simulator (`env/`)")
    return text[start : text.index("\n## ", start + 1)]


# ------------------------------------------------------------------------------------------------ rewards
def test_the_goal_first_entering_the_inventory_gives_1_without_any_flag(make_env):
    e = make_env(goal="oak_log")  # terminate_on_goal left at its default
    e.reset(seed=0)
    rewards = [e.step("gather_oak_log")[1] for _ in range(3)]
    assert rewards == [1.0, 0.0, 0.0]


def test_a_goal_held_at_reset_gives_no_reward_until_the_next_reset(make_env):
    e = make_env(goal="oak_planks")
    e.reset(seed=0, options={"inventory": {"oak_planks": 1, "oak_log": 1}})
    assert e.step("craft_planks")[1] == 0.0  # held since the reset: not a first entry
    e.reset(options={"inventory": {"oak_log": 1}})  # a new episode without the goal
    assert e.step("craft_planks")[1] == 1.0


def test_episode_end_terminates_only_with_terminate_on_goal(make_env):
    e = make_env(goal="oak_log")
    e.reset(seed=0)
    assert e.step("gather_oak_log")[2:4] == (False, False)
    e = make_env(goal="oak_log", terminate_on_goal=True)
    e.reset(seed=0)
    _, reward, terminated, truncated, _ = e.step("gather_oak_log")
    assert (reward, terminated, truncated) == (1.0, True, False)


def test_with_terminate_on_goal_an_episode_begun_with_the_goal_held_ends_at_its_first_step(make_env):
    e = make_env(goal="oak_log", terminate_on_goal=True)
    e.reset(seed=0, options={"inventory": {"oak_log": 1}})
    assert e.step("turn_left")[1:4] == (0.0, True, False)


def test_registered_ids_truncate_at_max_episode_steps():
    e = gym.make("adam/Minecraft-v0", render_frames=False, max_episode_steps=3)
    e.reset(seed=0)
    ends = [e.step(e.unwrapped.action_index("turn_left"))[3] for _ in range(3)]
    assert ends == [False, False, True]
    e.reset()  # an intervention or a plain reset starts the count again
    assert e.step(e.unwrapped.action_index("turn_left"))[3] is False


# --------------------------------------------------------------------------------------------- step caps
@pytest.mark.parametrize("env_id", ALL_IDS)
def test_registered_step_cap_is_adam_runs_default(env_id):
    run_default = {f.name: f.default for f in dataclasses.fields(RunConfig)}["max_steps"]
    assert gym.spec(env_id).max_episode_steps == MAX_EPISODE_STEPS == run_default == 20_000


def test_the_agent_does_not_stop_at_gyms_truncation():
    """The agent's budget is ``--max-steps`` over the whole run; gym's TimeLimit (steps since the last reset)
    only sets ``truncated``, which EnvWorld does not act on: the steps go on, each recorded."""
    world = EnvWorld(gym.make("adam/Minecraft-v0", render_frames=False, max_episode_steps=2))
    world.reset(seed=0)
    steps = [world.act("turn_left") for _ in range(5)]
    assert [t.step for t in steps] == [1, 2, 3, 4, 5] and all(t.success for t in steps)


# ----------------------------------------------------------------------------------------- render modes
@pytest.mark.parametrize("cls", [MinecraftEnv, LiveMinecraftEnv])
def test_render_modes_are_declared(cls):
    assert cls.metadata["render_modes"] == ["rgb_array"]


@pytest.mark.parametrize("env_id", ALL_IDS)
def test_human_rendering_is_refused_at_construction_naming_the_supported_modes(env_id):
    # before: gym.make wrapped the env in HumanRendering, which failed on the missing pygame
    with pytest.raises(ValueError, match=r"render_mode 'human' is not supported.*'rgb_array'"):
        gym.make(env_id, render_mode="human")
    with pytest.raises(ValueError, match=r"render_mode 'rgb_array_list' is not supported.*'rgb_array'"):
        gym.make(env_id, render_mode="rgb_array_list")


def test_rgb_array_rendering_returns_the_frame():
    e = gym.make("adam/Minecraft-v0", render_frames=False, frame_size=(32, 24), render_mode="rgb_array")
    e.reset(seed=0)
    frame = e.render()
    assert frame.shape == (24, 32, 3) and e.observation_space["frame"].contains(frame)


# ------------------------------------------------------------------------------------------------- docs
@pytest.mark.parametrize("cls", [MinecraftEnv, LiveMinecraftEnv])
def test_env_docstrings_have_the_gymnasium_sections(cls):
    for title in SECTIONS:
        assert doc_section(cls, title)


@pytest.mark.parametrize("cls", [MinecraftEnv, LiveMinecraftEnv])
def test_env_docstrings_say_what_rewards_and_when_episodes_end(cls):
    rewards = doc_section(cls, "Rewards")
    assert "1.0" in rewards and "first enters the inventory" in rewards and "reset" in rewards
    end = doc_section(cls, "Episode End")
    assert "terminate_on_goal" in end and "truncat" in end and f"{MAX_EPISODE_STEPS:,}" in end
    assert "--max-steps" in end  # which cap wins in adam run
    args = doc_section(cls, "Arguments")
    assert "render_mode" in args and "rgb_array" in args and "human" in args


def test_live_docstring_says_what_check_env_holds():
    text = " ".join((LiveMinecraftEnv.__doc__ or "").split())
    assert "check_env" in text and "Deterministic step" in text


def test_readme_simulator_section_documents_rewards_episode_end_render_and_check_env():
    text = " ".join(readme_simulator_section().split())
    for needle in (
        "**Rewards**",
        "first enters the inventory",
        "**Episode end**",
        "terminate_on_goal",
        f"{MAX_EPISODE_STEPS:,}",
        "--max-steps",
        "render_mode",
        '"human"',
        "check_env",
        "Deterministic step",
    ):
        assert needle in text, needle
