"""The overworld action library (``--actions overworld``), generated from the rules rather than written by hand.

ADAM's 41 actions keep their names and targets (:file:`env/data/actions.toml`); around them, one action per thing
the rules let an overworld without mobs produce:

- ``craft_<item>`` for every item with a crafting recipe whose ingredients are all obtainable (one action per
  output; several recipes for one output are its disjunctive causes),
- ``smelt_<input>`` for every furnace recipe (:file:`env/data/smelting.toml`) on an obtainable input,
- ``gather_<block>`` / ``mine_<block>`` (``mine_`` for ores, whose ``deepslate_`` twin is the same action) for every
  block the overworld's world generator places (:func:`env.blocks.world_blocks`: ADAM's world's blocks and world.toml's
  ``overworld_blocks``) that breaks into one certain item kind: air, bedrock and water are not broken for items, and a
  block whose drop is a gamble (gravel: flint or gravel; leaves) waits until yields may be random.

Obtainable is the fixpoint of :func:`env.techtree.obtainable` over these candidates: an item the targets of the
gathers and mines drop, or that a candidate makes from obtainable items (not an item only an untargeted block gives
on the way: flint from gravel, an apple from leaves). The library grows with the world generator: a block added
to ``world.toml`` brings its gather action and whatever can then be made. Mobs, farming and the nether stay out
(no action kills, plants or travels).
"""

from __future__ import annotations

from functools import cache

from env.actions import ActionSpec, adam_library
from env.blocks import world_blocks
from env.rules import Rules, base_rules
from env.techtree import obtainable, smelt_results, true_relation

NOT_GATHERED = ("air", "bedrock", "water")  # nothing to break for items: air, unbreakable, a fluid
DEEPSLATE = "deepslate_"  # an ore's deeper twin: one action digs both (as ADAM's mine_iron_ore does)


def _certain_drop(rules: Rules, block: str) -> bool:
    """Whether ``block`` breaks into exactly one item kind, always (the simulator yields every certain drop)."""
    drops = rules.drops.get(block, ())
    return len({d.item for d in drops}) == 1 and all(d.chance >= 1.0 for d in drops)


def _block_actions(rules: Rules, taken: set[str]) -> list[ActionSpec]:
    """Gather/mine actions for the world's blocks that no action in ``taken`` (blocks already targeted) digs."""
    groups: dict[str, list[str]] = {}
    for block in world_blocks("overworld"):
        if block in NOT_GATHERED or block in taken or not _certain_drop(rules, block):
            continue
        base = block.removeprefix(DEEPSLATE) if block.endswith("_ore") else block
        groups.setdefault(base, []).append(block)
    return [
        ActionSpec(
            f"{'mine' if base.endswith('_ore') else 'gather'}_{base}",
            "mine" if base.endswith("_ore") else "gather",
            tuple(sorted(blocks, key=lambda b: b != base)),
        )  # fmt: skip
        for base, blocks in sorted(groups.items())
    ]


def _made_actions(rules: Rules, crafted: set[str], smelted: set[str]) -> list[ActionSpec]:
    """A craft action per crafting result not in ``crafted``, a smelt action per furnace input not in ``smelted``."""
    crafts = [
        ActionSpec(f"craft_{item}", "craft", item=item)
        for item, recipes in sorted(rules.recipes.items())
        if item not in crafted and any(r.method == "craft" for r in recipes)
    ]
    smelts = [ActionSpec(f"smelt_{source}", "smelt", item=source) for source in sorted(smelt_results(rules))]
    return crafts + [s for s in smelts if s.item not in smelted]


@cache
def overworld_library() -> tuple[ActionSpec, ...]:
    """ADAM's 41 actions, then the generated ones (gathers and mines, crafts, smelts; each group by name) that can
    ever succeed under 1.19's rules in this world, then the movements. ValueError if a generated name would take
    one of ADAM's."""
    adam = [s for s in adam_library() if not s.is_movement]
    moves = [s for s in adam_library() if s.is_movement]
    rules = base_rules()
    crafted = {s.item for s in adam if s.kind == "craft" and s.item}
    smelted = {s.item for s in adam if s.kind == "smelt" and s.item}
    generated = _block_actions(rules, {b for s in adam for b in s.blocks}) + _made_actions(rules, crafted, smelted)
    # what the library's own targets give: an item only an untargeted block drops on the way (flint from gravel,
    # an apple from leaves) comes by chance, if at all, so nothing that needs it is in the library
    targets = {b for s in (*adam, *generated) for b in s.blocks}
    have = obtainable(rules, adam + generated, blocks=targets)
    kept = [s for s in generated if true_relation(s, rules, have) is not None]
    clash = {s.id for s in kept} & {s.id for s in adam_library()}
    if clash:
        raise ValueError(f"generated action names taken by ADAM's library: {', '.join(sorted(clash))}")
    return (*adam, *kept, *moves)
