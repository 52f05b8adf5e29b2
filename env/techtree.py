"""The true tech tree of a rule set, for scoring and for variant generation only.

The agent never sees this: :func:`true_relations` is what ``env`` exports as the ground-truth
causal graph, and :func:`obtainable` keeps random variants solvable.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from env.actions import DEFAULT_ACTIONS, ActionSpec, action_library
from env.blocks import world_blocks
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
        return [r for r in rules.recipes_for(result or "") if r.method == "smelt" and r.source == spec.item]
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

    Digging drops of every block of ADAM's world (or of ``blocks`` only: :func:`env.blocks.world_blocks` of another
    library) whose tool is obtainable count too (by-products are real items).
    """
    specs = [s for s in (actions or action_library()) if not s.is_movement]
    level: dict[str, int] = {}
    placed = [b for b in (world_blocks(DEFAULT_ACTIONS) if blocks is None else blocks) if b != "air"]
    changed, round_ = True, 0
    while changed:
        changed = False
        new: dict[str, int] = {}
        have = set(level)
        for block in placed:
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


def _swap(first: Recipe, other: Recipe) -> tuple[str, str] | None:
    """``(item, stand_in)`` when ``other`` is ``first`` with one consumed item swapped for another (in any
    quantity: two sticks burn as one coal), the held items and the count the same; else None. The stand-in is
    never an item ``first`` consumes already (a log burnt beside the log it smelts is another way: two logs), nor
    the result, whose use as its own input no inventory can show (one taken, one given)."""
    if other.held != first.held or other.count != first.count:
        return None
    gone = [i for i in first.consumed if other.consumed.get(i) != first.consumed[i]]
    came = [i for i in other.consumed if first.consumed.get(i) != other.consumed[i]]
    if len(gone) != 1 or len(came) != 1 or came[0] in first.consumed or came[0] == first.result:
        return None
    return gone[0], came[0]


def _ways(recipes: list[Recipe]) -> list[tuple[Recipe, dict[str, set[str]]]]:
    """``recipes`` grouped into ways: each a first recipe and, per consumed item of it, the items other recipes
    swap in for it (:func:`_swap`). A recipe that is no such swap, nor an instance of a way's groups (charcoal and
    oak wood for a campfire whose coal and logs have those stand-ins), is a way of its own (nine nuggets and a
    crafting table for one ingot, beside one iron block for nine); one that burns its own result is no way."""
    ways: list[tuple[Recipe, dict[str, set[str]]]] = []
    rest: list[Recipe] = []
    for recipe in recipes:
        if recipe.result in recipe.consumed:
            continue
        swaps = [(alts, swap) for first, alts in ways if (swap := _swap(first, recipe))]
        if swaps:
            alts, (item, stand_in) = swaps[0]
            alts[item].add(stand_in)
        elif ways:
            rest.append(recipe)
        else:
            ways.append((recipe, {i: set() for i in recipe.consumed}))
    for recipe in rest:
        if not any(_instance(first, alts, recipe) for first, alts in ways):
            ways.append((recipe, {i: set() for i in recipe.consumed}))
    return ways


def _instance(first: Recipe, alts: dict[str, set[str]], recipe: Recipe) -> bool:
    """Whether ``recipe`` takes, for each consumed item of ``first``, that item or one of its stand-ins, and
    nothing else (the held items and the count the same)."""
    if recipe.held != first.held or recipe.count != first.count or len(recipe.consumed) != len(first.consumed):
        return False
    groups = [{item, *alts[item]} for item in first.consumed]
    return all(any(i in g for g in groups) for i in recipe.consumed) and all(
        any(i in g for i in recipe.consumed) for g in groups
    )


def _relation(action: str, first: Recipe, alts: dict[str, set[str]]) -> CausalRelation:
    needs = {i: Need(q, True, tuple(sorted(alts[i]))) for i, q in first.consumed.items()}
    needs.update({i: Need(1, False) for i in first.held})
    return CausalRelation(action, needs, {first.result: first.count}, {})


def true_ways(spec: ActionSpec, rules: Rules, have: Mapping[str, int]) -> list[CausalRelation]:
    """Every way ``spec`` works (restricted to obtainable items, ``have``): its main relation first
    (:func:`true_relation`), then for a craft or smelt whose recipes are not all one-for-one swaps of each other,
    one relation per further way (:func:`_ways`). Empty when it can never succeed."""
    if spec.kind in ("gather", "mine"):
        block = spec.blocks[0]
        tools = rules.harvest_tools.get(block)
        needs: dict[str, Need] = {}
        if tools is not None:
            usable = _tool_tiers(rules, [t for t in tools if t in have])
            if not usable:
                return []
            needs[usable[0]] = Need(1, False, tuple(usable[1:]))
        drops = [d for d in rules.drops.get(block, ()) if d.chance >= 1.0]
        return [
            CausalRelation(
                spec.id,
                needs,
                {d.item: d.min_count for d in drops},
                {d.item: (d.min_count, d.max_count) for d in drops},
            )
        ]
    if spec.kind in ("craft", "smelt"):
        recipes = [r for r in _recipes(spec, rules) if r.items() <= set(have)]
        return [_relation(spec.id, first, alts) for first, alts in _ways(recipes)]
    return []


def true_relation(spec: ActionSpec, rules: Rules, have: Mapping[str, int]) -> CausalRelation | None:
    """The true needs/yields of one action, restricted to obtainable items (``have``): its main way
    (:func:`true_ways`), None when it can never succeed."""
    ways = true_ways(spec, rules, have)
    return ways[0] if ways else None


def _every_way(
    rules: Rules, actions: Iterable[ActionSpec] | None, blocks: Iterable[str] | None
) -> list[list[CausalRelation]]:
    """:func:`true_ways` of every action of ``actions`` (default: ADAM's library), over what they can obtain in a
    world placing ``blocks`` (default: ADAM's)."""
    specs = list(actions or action_library())
    have = obtainable(rules, specs, blocks)
    return [true_ways(spec, rules, have) for spec in specs]


def true_relations(
    rules: Rules, actions: Iterable[ActionSpec] | None = None, blocks: Iterable[str] | None = None
) -> list[CausalRelation]:
    """Ground-truth relations of every non-movement action (of ``actions``; default: ADAM's library) that can ever
    succeed under ``rules`` in a world placing ``blocks`` (default: ADAM's): its main way."""
    return [ways[0] for ways in _every_way(rules, actions, blocks) if ways]


def other_ways(
    rules: Rules, actions: Iterable[ActionSpec] | None = None, blocks: Iterable[str] | None = None
) -> list[CausalRelation]:
    """The further ways (:func:`true_ways` after the first) of every action of ``actions`` (default: ADAM's
    library, which has none): an action listed twice works in two ways. For scoring only."""
    return [rel for ways in _every_way(rules, actions, blocks) for rel in ways[1:]]
