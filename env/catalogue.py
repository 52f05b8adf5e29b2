"""The names of a Minecraft world, without a world: its rules, actions, items and the vocabulary they are shown in.

The simulator and the live game share these (the live game borrows the simulator's names and rules without
building a simulator); :class:`env.base.MinecraftBase` is built on one.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from env.actions import DEFAULT_ACTIONS, ActionSpec, action_library
from env.blocks import world_blocks
from env.interface import CausalRelation, Need
from env.rules import Rules
from env.techtree import other_ways, smelt_results, true_relations
from env.variants import Variant, Vocabulary, parse_variant, variant_rules

# The milestones a Minecraft run reports (real names; a world declares them as the agent sees them).
MILESTONES = (
    ("wooden_pickaxe", "wooden tool"),
    ("stone_pickaxe", "stone tool"),
    ("iron_pickaxe", "iron tool"),
    ("diamond", "diamond"),
)


def item_universe(
    rules: Rules, specs: tuple[ActionSpec, ...] | None = None, blocks: tuple[str, ...] | None = None
) -> tuple[str, ...]:
    """Every item an inventory can hold under ``rules`` with the actions ``specs`` (default: ADAM's library) in a
    world placing ``blocks`` (default: ADAM's): drops, recipe results and their ingredients, fuels."""
    items: set[str] = set()
    for block in world_blocks(DEFAULT_ACTIONS) if blocks is None else blocks:
        items.update(d.item for d in rules.drops.get(block, ()))
    specs = specs or action_library()
    furnace = smelt_results(rules)
    smelted = {s.item for s in specs if s.kind == "smelt" and s.item}
    # the results of the library's smelts (the furnace's other recipes make nothing an action can get)
    targets = {s.item for s in specs if s.item} | {furnace[i] for i in smelted}
    for target in targets:
        for r in rules.recipes_for(target):
            if r.method == "smelt" and r.source not in smelted:
                continue
            items.add(r.result)
            items.update(r.items())
    items.update(rules.fuels)
    return tuple(sorted(items))


@dataclass(frozen=True, eq=False)
class Catalogue:
    """A variant's rules, the action library, the item universe and the vocabulary that names them.

    Real names (``oak_log``) are what the rules and engines use; *shown* names are what the agent sees (the
    same, unless the variant is obfuscated). Movements keep their real names (they carry no tech-tree prior).
    """

    variant: Variant
    library: str  # the action library's name (env.actions.ACTION_LIBRARIES): its world places its blocks
    rules: Rules
    specs: tuple[ActionSpec, ...]
    real_items: tuple[str, ...]
    vocabulary: Vocabulary

    @property
    def blocks(self) -> tuple[str, ...]:
        """The blocks this library's world places (:func:`env.blocks.world_blocks`)."""
        return world_blocks(self.library)

    @cached_property
    def action_names(self) -> tuple[str, ...]:
        """Every action as the agent sees it, in library order (the ``Discrete`` action space's order)."""
        return tuple(s.id if s.is_movement else self.vocabulary.shown(s.id) for s in self.specs)

    @cached_property
    def movement_actions(self) -> tuple[str, ...]:
        return tuple(s.id for s in self.specs if s.is_movement)

    @cached_property
    def item_names(self) -> tuple[str, ...]:
        """Every item as the agent sees it, in the order of the observation's inventory vector."""
        return tuple(self.vocabulary.shown(i) for i in self.real_items)

    @cached_property
    def item_index(self) -> dict[str, int]:
        """Real item name -> its position in :attr:`real_items`."""
        return {name: i for i, name in enumerate(self.real_items)}

    def real_item(self, name: str) -> str | None:
        """The real name of an item named as shown (or by its real name); None when there is no such item."""
        if name in self.item_index:
            return name
        if self.vocabulary.knows(name) and self.vocabulary.real(name) in self.item_index:
            return self.vocabulary.real(name)
        return None

    def milestones(self) -> tuple[tuple[str, str], ...]:
        """Minecraft's milestones (:data:`MILESTONES`) as the agent sees them."""
        return tuple((self.vocabulary.shown(item), label) for item, label in MILESTONES)

    def shown_relations(self, relations: list[CausalRelation]) -> list[CausalRelation]:
        """Relations in real names, renamed as the agent sees them."""
        v = self.vocabulary
        out = []
        for rel in relations:
            needs = {
                v.shown(i): Need(n.quantity, n.consumed, tuple(v.shown(a) for a in n.alternatives))
                for i, n in rel.needs.items()
            }
            out.append(
                CausalRelation(
                    v.shown(rel.action),
                    needs,
                    {v.shown(i): q for i, q in rel.yields.items()},
                    {v.shown(i): r for i, r in rel.yield_range.items()},
                )
            )
        return out

    def true_relations(self) -> list[CausalRelation]:
        """The variant's true relations over the simulator's world, as the agent sees them (for scoring only)."""
        return self.shown_relations(true_relations(self.rules, self.specs, self.blocks))

    def other_ways(self) -> list[CausalRelation]:
        """The variant's further true ways of actions that work in several (:func:`env.techtree.other_ways`: nine
        nuggets for one ingot beside one block for nine), as the agent sees them (for scoring only)."""
        return self.shown_relations(other_ways(self.rules, self.specs, self.blocks))


def catalogue(variant: str = "original", vocabulary_seed: int = 0, actions: str = DEFAULT_ACTIONS) -> Catalogue:
    """The catalogue of a variant (``original``, ``adam_modified``, ``obfuscated``, ``random:SEED``) with the action
    library ``actions`` (:data:`env.actions.ACTION_LIBRARIES`); the vocabulary is seeded by ``vocabulary_seed`` when the
    variant obfuscates names, else the identity. ValueError naming the valid variants (or libraries) for any other
    name."""
    parsed = parse_variant(variant, actions)
    rules = variant_rules(parsed)
    specs = action_library(actions)
    blocks = world_blocks(actions)
    real_items = item_universe(rules, specs, blocks)
    names = set(real_items) | set(blocks) | {s.id for s in specs if not s.is_movement}
    vocabulary = Vocabulary(names, vocabulary_seed if parsed.obfuscated else None)
    return Catalogue(parsed, actions, rules, specs, real_items, vocabulary)
