"""Gymnasium environments: the headless Minecraft simulator (and, later, the live game).

Importing ``env`` registers the simulator's ids with gymnasium:

* ``adam/Minecraft-v0`` — the original 1.19 rules
* ``adam/MinecraftModified-v0`` — ADAM's modified tech tree
* ``adam/MinecraftObfuscated-v0`` — original rules, every item and action name obfuscated
* ``adam/MinecraftRandom-v0`` — seeded random perturbations (``variant="random:SEED"``)
* ``adam/MinecraftLive-v0`` — the live game through the mineflayer bridge (``env/live``, ``bridge/``)
"""

from __future__ import annotations

from gymnasium.envs.registration import register, registry

ENV_IDS = {
    "adam/Minecraft-v0": "original",
    "adam/MinecraftModified-v0": "adam_modified",
    "adam/MinecraftObfuscated-v0": "obfuscated",
    "adam/MinecraftRandom-v0": "random:0",
}


LIVE_ENV_ID = "adam/MinecraftLive-v0"  # the live game (env/live): needs Node and a server, so not in ENV_IDS


def register_envs() -> None:
    """Register the simulator ids and the live id (idempotent; imports nothing of env.live)."""
    for env_id, variant in ENV_IDS.items():
        if env_id not in registry:
            register(
                id=env_id,
                entry_point="env.minecraft:MinecraftEnv",
                kwargs={"variant": variant},
                max_episode_steps=10_000,
            )
    if LIVE_ENV_ID not in registry:
        register(id=LIVE_ENV_ID, entry_point="env.live.env:LiveMinecraftEnv", max_episode_steps=10_000)


register_envs()
