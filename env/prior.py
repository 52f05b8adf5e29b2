"""Prior knowledge: what a player of Minecraft 1.19 believes each action of this project's library needs and yields.

:func:`minecraft_relations` lists every relation an action has under 1.19's own rules (recipes, harvest tools,
drops, from minecraft-data via :func:`env.techtree.true_relations`), in this project's action and item names: not
what any variant changed. ``adam prior --out FILE`` writes them as a graph file (the format of a run's
``graph.json``); ``adam run --prior FILE`` reads such a file back as *beliefs* that steer learning, each verified by
do()-interventions before anything enters the learned graph (:mod:`agent.prior`).
"""

from __future__ import annotations

from env.actions import DEFAULT_ACTIONS
from env.interface.relation import CausalRelation

PRIOR_NAME = "minecraft-1.19"


def minecraft_relations(actions: str = DEFAULT_ACTIONS) -> list[CausalRelation]:
    """The relations of Minecraft 1.19 as the simulator's ``original`` variant has them, for the action library
    ``actions`` in its world."""
    from env.actions import action_library
    from env.blocks import world_blocks
    from env.rules import base_rules
    from env.techtree import true_relations

    return true_relations(base_rules(), action_library(actions), world_blocks(actions))
