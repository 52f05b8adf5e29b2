"""The live game: a gymnasium environment over the mineflayer bridge, with the simulator's interface.

Importing ``env.live`` registers nothing; call :func:`register` for the gymnasium id
``adam/MinecraftLive-v0`` (by default it starts a local flying-squid server on 127.0.0.1 at the first
reset; pass ``host=``/``port=`` for another server).
"""

from __future__ import annotations

LIVE_ENV_ID = "adam/MinecraftLive-v0"


def register() -> str:
    """Register ``adam/MinecraftLive-v0`` with gymnasium (idempotent); returns the id."""
    from gymnasium.envs.registration import register as gym_register
    from gymnasium.envs.registration import registry

    if LIVE_ENV_ID not in registry:
        gym_register(id=LIVE_ENV_ID, entry_point="env.live.env:LiveMinecraftEnv", max_episode_steps=10_000)
    return LIVE_ENV_ID


__all__ = ["LIVE_ENV_ID", "register"]
