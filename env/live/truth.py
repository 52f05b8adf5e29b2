"""The true tech tree of a live world: the simulator's rules over the blocks that world places.

The local arena places fewer kinds of block than the simulator's world (no deepslate, no gravel, no
water: ``bridge.local_server.arena_blocks``), so fewer items are obtainable there, and a cause has fewer true
alternatives (cobblestone has none: cobbled deepslate cannot be had). For scoring only.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from env.actions import action_library
from env.interface.relation import CausalRelation
from env.rules import Rules
from env.techtree import obtainable, true_relation


def world_relations(rules: Rules, blocks: Iterable[str]) -> list[CausalRelation]:
    """Ground-truth relations of every action that can succeed in a world placing only ``blocks``.

    The rules' block drops are kept for those blocks only; a gather/mine action targets the first of its
    blocks the world places, and cannot succeed (has no relation) where it places none of them.
    """
    placed = frozenset(blocks)
    world = dataclasses.replace(rules, drops={b: d for b, d in rules.drops.items() if b in placed})
    specs = [
        dataclasses.replace(spec, blocks=tuple(b for b in spec.blocks if b in placed)) if spec.blocks else spec
        for spec in action_library()
    ]
    specs = [s for s in specs if s.kind not in ("gather", "mine") or s.blocks]
    have = obtainable(world, specs)
    return [rel for spec in specs if (rel := true_relation(spec, world, have)) is not None]
