"""Gymnasium environments: the headless Minecraft simulator and the live game.

Importing ``env`` registers these ids with gymnasium (:mod:`env.registration`):

* ``adam/Minecraft-v0`` — the original 1.19 rules
* ``adam/MinecraftModified-v0`` — ADAM's modified tech tree
* ``adam/MinecraftObfuscated-v0`` — original rules, every item and action name obfuscated
* ``adam/MinecraftRandom-v0`` — seeded random perturbations (``variant="random:SEED"``)
* ``adam/MinecraftLive-v0`` — the live game through the mineflayer bridge (``env/live``, ``bridge/``)

The simulator ids take ``actions=`` (:data:`ACTION_LIBRARIES`): ADAM's 41 actions (``adam41``, the default) or the
overworld library generated from the rules (``overworld``, :mod:`env.library`).

Each truncates at :data:`MAX_EPISODE_STEPS` (20,000) steps after a reset.
"""

from __future__ import annotations

from env.actions import ACTION_LIBRARIES, DEFAULT_ACTIONS
from env.registration import ENV_IDS, LIVE_ENV_ID, MAX_EPISODE_STEPS, register_envs

__all__ = ["ACTION_LIBRARIES", "DEFAULT_ACTIONS", "ENV_IDS", "LIVE_ENV_ID", "MAX_EPISODE_STEPS", "register_envs"]

register_envs()
