"""The Workshop: a small crafting world that is not Minecraft, written as a user outside this project would.

Importing this package registers its gymnasium ids (the usual gymnasium plug-in pattern, so that
``gym.make("examples.workshop:workshop/Workshop-v0")`` works from anywhere):

* ``workshop/Workshop-v0`` — stacks cap at 9, with ground truth (runs are scored);
* ``workshop/WorkshopUnscored-v0`` — the same world without ground truth (runs say "not scored").

See ``docs/worlds.md`` for a walk-through.
"""

from __future__ import annotations

from gymnasium.envs.registration import register, registry

from examples.workshop.env import WorkshopEnv

__all__ = ["WorkshopEnv"]

IDS = {
    "workshop/Workshop-v0": {},
    "workshop/WorkshopUnscored-v0": {"truth": False},
}

for _id, _kwargs in IDS.items():
    if _id not in registry:
        register(id=_id, entry_point="examples.workshop.env:WorkshopEnv", kwargs=_kwargs, max_episode_steps=20_000)
