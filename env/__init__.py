"""Gymnasium environments: the headless Minecraft simulator and the live game.

Importing ``env`` registers these ids with gymnasium (:mod:`env.registration`):

* ``adam/Minecraft-v0`` — the original 1.19 rules
* ``adam/MinecraftModified-v0`` — ADAM's modified tech tree
* ``adam/MinecraftObfuscated-v0`` — original rules, every item and action name obfuscated
* ``adam/MinecraftRandom-v0`` — seeded random perturbations (``variant="random:SEED"``)
* ``adam/MinecraftLive-v0`` — the live game through the mineflayer bridge (``env/live``, ``bridge/``)

Each truncates at :data:`MAX_EPISODE_STEPS` (20,000) steps after a reset.
"""

from __future__ import annotations

from env.registration import ENV_IDS, LIVE_ENV_ID, MAX_EPISODE_STEPS, register_envs

__all__ = ["ENV_IDS", "LIVE_ENV_ID", "MAX_EPISODE_STEPS", "register_envs"]

register_envs()
