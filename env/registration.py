"""The gymnasium ids of the simulator and the live game, their step cap, and the factories they make.

The ids are registered with factories, not the classes: gymnasium's ``make`` reads a class's
``metadata["render_modes"]`` and, for a ``render_mode`` the class lacks (``"human"``), silently wraps it
in ``HumanRendering`` (which then fails on a missing pygame at the first reset). Through a factory the
mode reaches the constructor, which refuses it at once, naming the supported ones.
"""

from __future__ import annotations

from typing import Any

import gymnasium as gym
from gymnasium.envs.registration import register, registry

ENV_IDS = {
    "adam/Minecraft-v0": "original",
    "adam/MinecraftModified-v0": "adam_modified",
    "adam/MinecraftObfuscated-v0": "obfuscated",
    "adam/MinecraftRandom-v0": "random:0",
}
LIVE_ENV_ID = "adam/MinecraftLive-v0"  # the live game (env/live): needs Node and a server, so not in ENV_IDS
# gym's TimeLimit: steps since the last reset. The same figure as ``adam run --max-steps`` (agent.run), the
# agent's own budget over the whole run, which is the cap that ends a run (the agent does not act on
# ``truncated``, and each intervention is a reset).
MAX_EPISODE_STEPS = 20_000


def make_simulator(**kwargs: Any) -> gym.Env:
    """``env.minecraft.MinecraftEnv(**kwargs)``: the entry point of the simulator ids."""
    from env.minecraft import MinecraftEnv

    return MinecraftEnv(**kwargs)


def make_live(**kwargs: Any) -> gym.Env:
    """``env.live.game_env.LiveMinecraftEnv(**kwargs)``: the entry point of the live id (starts nothing)."""
    from env.live.game_env import LiveMinecraftEnv

    return LiveMinecraftEnv(**kwargs)


def register_envs() -> None:
    """Register the simulator ids and the live id (idempotent; imports nothing of env.live)."""
    for env_id, variant in ENV_IDS.items():
        if env_id not in registry:
            register(
                id=env_id,
                entry_point="env.registration:make_simulator",
                kwargs={"variant": variant},
                max_episode_steps=MAX_EPISODE_STEPS,
            )
    if LIVE_ENV_ID not in registry:
        register(
            id=LIVE_ENV_ID,
            entry_point="env.registration:make_live",
            max_episode_steps=MAX_EPISODE_STEPS,
            nondeterministic=True,
        )
