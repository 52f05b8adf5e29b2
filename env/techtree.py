"""The true tech tree of a rule set, for scoring and for variant generation only.

The agent never sees this: :func:`true_relations` is what ``env`` exports as the ground-truth
causal graph, and :func:`obtainable` keeps random variants solvable.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from env.actions import ActionSpec, action_library
from env.blocks import block_names
from env.interface.relation import CausalRelation, Need
from env.rules import Recipe, Rules, item_names_by_id, smelting_data


def smelt_results(rules: Rules) -> dict[str, str]:
    """Smelt action input -> result item (from smelting.toml)."""
    return dict(smelting_data()["recipes"])


def _recipes(spec: ActionSpec, rules: Rules) -> list[Recipe]:
    if spec.kind == "craft":
        return [r for r in rules.recipes_for(spec.item or "") if r.method == "craft"]
    if spec.kind == "smelt":
        result = smelt_results(rules).get(spec.item or "")
        return [r for r in rules.recipes_for(result or "") if r.method == "smelt" and spec.item in r.consumed]
    return []


def _tool_tiers(rules: Rules, tools: Iterable[str]) -> list[str]:
    """Tools ordered from lowest tier (harvests the fewest blocks) to highest; ties in item-id order."""
    ids = {name: i for i, name in item_names_by_id().items()}
    reach = {t: sum(1 for v in rules.harvest_tools.values() if v and t in v) for t in tools}
    return sorted(reach, key=lambda t: (reach[t], ids.get(t, 0)))


def obtainable(
    rules: Rules, actions: Iterable[ActionSpec] | None = None, blocks: Iterable[str] | None = None
) -> dict[str, int]:
    """Items obtainable from an empty inventory, with their tech level (fixpoint over the actions).

    Digging drops of every world block (or of ``blocks`` only) whose tool is obtainable count too (by-products are
    real items).
    """
    specs = [s for s in (actions or action_library()) if not s.is_movement]
    level: dict[str, int] = {}
    world_blocks = [b for b in (block_names() if blocks is None else blocks) if b != "air"]
    changed, round_ = True, 0
    while changed:
        changed = False
        new: dict[str, int] = {}
        have = set(level)
        for block in world_blocks:
            tools = rules.harvest_tools.get(block)
            if tools is None or tools & have:
                for drop in rules.drops.get(block, ()):
                    new.setdefault(drop.item, round_)
        for spec in specs:
            for recipe in _recipes(spec, rules):
                if recipe.items() <= have:
                    new.setdefault(recipe.result, round_)
        for item, lvl in new.items():
            if item not in level:
                level[item] = lvl
                changed = True
        round_ += 1
    return level


def _alternatives(primary: Recipe, others: list[Recipe]) -> dict[str, set[str]]:
    """For each consumed item of ``primary``, the items that replace it one-for-one in other recipes."""
    alts: dict[str, set[str]] = {i: set() for i in primary.consumed}
    for other in others:
        only_p = {i for i in primary.consumed if other.consumed.get(i) != primary.consumed[i]}
        only_o = {i for i in other.consumed if primary.consumed.get(i) != other.consumed[i]}
        if len(only_p) == 1 and len(only_o) == 1 and primary.held == other.held:
            alts[next(iter(only_p))].add(next(iter(only_o)))
    return alts


def true_relation(spec: ActionSpec, rules: Rules, have: Mapping[str, int]) -> CausalRelation | None:
    """The true needs/yields of one action, restricted to obtainable items (``have``)."""
    if spec.kind in ("gather", "mine"):
        block = spec.blocks[0]
        tools = rules.harvest_tools.get(block)
        needs: dict[str, Need] = {}
        if tools is not None:
            usable = _tool_tiers(rules, [t for t in tools if t in have])
            if not usable:
                return None
            needs[usable[0]] = Need(1, False, tuple(usable[1:]))
        drops = [d for d in rules.drops.get(block, ()) if d.chance >= 1.0]
        return CausalRelation(
            spec.id,
            needs,
            {d.item: d.min_count for d in drops},
            {d.item: (d.min_count, d.max_count) for d in drops},
        )
    if spec.kind in ("craft", "smelt"):
        recipes = [r for r in _recipes(spec, rules) if r.items() <= set(have)]
        if not recipes:
            return None
        primary, others = recipes[0], recipes[1:]
        alts = _alternatives(primary, others)
        needs = {i: Need(q, True, tuple(sorted(alts[i]))) for i, q in primary.consumed.items()}
        needs.update({i: Need(1, False) for i in primary.held})
        return CausalRelation(spec.id, needs, {primary.result: primary.count}, {})
    return None


def true_relations(rules: Rules, actions: Iterable[ActionSpec] | None = None) -> list[CausalRelation]:
    """Ground-truth relations of every non-movement action (of ``actions``; default: ADAM's library) that can ever
    succeed under ``rules``."""
    specs = list(actions or action_library())
    have = obtainable(rules, specs)
    out = []
    for spec in specs:
        rel = true_relation(spec, rules, have)
        if rel is not None:
            out.append(rel)
    return out
