"""Every action of the library (env/data/actions.toml) runs live on the local server: given the items the
simulator's ground truth says it needs, it succeeds and yields what the ground truth says."""

from __future__ import annotations

import pytest

from env.actions import action_library
from env.minecraft import MinecraftEnv

# columns of the arena (bridge/server/arena.js, seed 0) next to what each gather/mine action looks for
SPAWN = (0, 0)
PIT_EDGE = (11, 0)
SAND_EDGE = (-5, -10)
TRUTH = {r.action: r for r in MinecraftEnv(render_frames=False).ground_truth()}
WHERE = {"gather_sand": SAND_EDGE, "gather_oak_log": SPAWN, "gather_dirt": SPAWN}
# Crafts and smelts run beside the sand, away from the spawn and the pit where the gather/mine tests leave
# drops (a diamond still lying at the pit was picked up during craft_diamond_pickaxe: 3 used, 1 back, "2 consumed").
WORKSHOP = SAND_EDGE
TECH_TREE = [spec for spec in action_library() if not spec.is_movement]


@pytest.mark.parametrize("spec", TECH_TREE, ids=[spec.id for spec in TECH_TREE])
def test_action_succeeds_with_its_true_needs(live_env, spec):
    relation = TRUTH[spec.id]
    needs = {item: need.quantity for item, need in relation.needs.items()}
    options: dict = {"inventory": needs}
    if spec.kind in ("gather", "mine"):
        options["position"] = WHERE.get(spec.id, PIT_EDGE)
    else:
        options["position"] = WORKSHOP
    _, info = live_env.reset(options=options)
    assert info["inventory"] == needs
    _, _, _, _, info = live_env.step(spec.id)
    assert (info["success"], info["reason"]) == (True, "ok"), info
    for item, count in relation.yields.items():
        assert info["added"].get(item, 0) >= count, info
    consumed = {item: need.quantity for item, need in relation.needs.items() if need.consumed}
    for item, count in consumed.items():
        assert info["consumed"].get(item, 0) == count, info
    held = [item for item, need in relation.needs.items() if not need.consumed]
    assert all(info["inventory"].get(item, 0) >= 1 for item in held), info  # stations and tools kept


def test_movements_move_and_turn(live_env):
    _, info = live_env.reset(options={"inventory": {}, "position": SPAWN})
    facing = info["facing"]
    for action in live_env.unwrapped.movement_actions:
        _, _, _, _, info = live_env.step(action)
        assert (info["success"], info["reason"]) == (True, "moved")
    assert info["facing"] == facing  # turn_left then turn_right
