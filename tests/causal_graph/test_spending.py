"""Resource-aware discovery (issue 17): trials that cost the world a target.

The Quarry is a tiny world written here with the shape of Minecraft's mining ladder and nothing of its rules: a
finite number of blocks of each kind, and a dig without the right pick breaks the block for nothing (``no_drop``),
as ore dug with a fist does. The learner must get its tree right while spending few of the scarce blocks."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import gymnasium as gym
import numpy as np
import pytest
from gymnasium import spaces

from causal_graph import CausalGraph, edge_differences, score
from causal_graph.discovery import SPENDING_FAILURES, Discoverer, spends, wants_tool
from causal_graph.learner import Learner, LearnerState
from env.interface import CausalRelation, Need, Transition, WorldSpec
from env.interface.handle import EnvWorld

ITEMS = ("wood", "wood_pick", "wood_axe", "rock", "rock_pick", "rock_axe", "ore", "metal", "metal_pick", "gem")
CRAFTS = {  # action -> (consumed, yields); crafts need nothing held
    "craft_wood_pick": ({"wood": 3}, {"wood_pick": 1}),
    "craft_wood_axe": ({"wood": 3}, {"wood_axe": 1}),  # made like the pick, but digs nothing
    "craft_rock_pick": ({"rock": 3}, {"rock_pick": 1}),
    "craft_rock_axe": ({"rock": 3}, {"rock_axe": 1}),
    "smelt_ore": ({"ore": 1}, {"metal": 1}),
    "craft_metal_pick": ({"metal": 3}, {"metal_pick": 1}),
}
DIGS = {  # action -> (block, the picks that harvest it, what it gives, game ticks to reach one)
    "chop_wood": ("tree", (), "wood", 20),
    "dig_rock": ("rock", ("wood_pick", "rock_pick", "metal_pick"), "rock", 100),
    "dig_ore": ("ore", ("rock_pick", "metal_pick"), "ore", 1_000),
    "dig_gem": ("gem", ("metal_pick",), "gem", 10_000),
}
ACTIONS = (*CRAFTS, *DIGS)
BLOCKS = {"tree": 10_000, "rock": 10_000, "ore": 8, "gem": 4}


class Quarry(gym.Env):
    """Crafts always work from their ingredients; a dig takes the nearest block of its kind: with a pick that
    harvests it the block gives its item, without one the block breaks for nothing (``no_drop``); with none left
    the dig is ``unreachable``. ``blocks``: how many of each kind the world holds."""

    metadata = {"render_modes": []}

    def __init__(self, blocks: Mapping[str, int] | None = None) -> None:
        self.world_spec = WorldSpec(name="Quarry", action_names=ACTIONS, item_names=ITEMS)
        self.action_space = spaces.Discrete(len(ACTIONS))
        self.observation_space = spaces.Box(0, 10_000, shape=(len(ITEMS),), dtype=np.int32)
        self.blocks = dict(BLOCKS if blocks is None else blocks)
        self.inventory: dict[str, int] = {}
        self.broken: dict[str, int] = {}  # block -> how many broke (for the tests: what the world gave up)

    def ground_truth(self) -> list[CausalRelation]:
        truth = [CausalRelation(a, {i: Need(q, True) for i, q in uses.items()}, dict(gives)) for a, (uses, gives) in
                 CRAFTS.items()]  # fmt: skip
        for action, (_, picks, gives, _) in DIGS.items():
            needs = {picks[0]: Need(1, False, tuple(picks[1:]))} if picks else {}
            truth.append(CausalRelation(action, needs, {gives: 1}))
        return truth

    def _obs(self) -> np.ndarray:
        return np.array([self.inventory.get(i, 0) for i in ITEMS], dtype=np.int32)

    def reset(self, *, seed: int | None = None, options: Mapping[str, Any] | None = None):
        super().reset(seed=seed)
        self.inventory = {k: int(v) for k, v in ((options or {}).get("inventory") or {}).items() if v}
        return self._obs(), {"inventory": dict(self.inventory)}

    def step(self, action: int):
        name = ACTIONS[int(action)]
        consumed: dict[str, int] = {}
        added: dict[str, int] = {}
        ticks = 10
        if name in CRAFTS:
            uses, gives = CRAFTS[name]
            success = all(self.inventory.get(i, 0) >= q for i, q in uses.items())
            reason = "ok" if success else "cannot_craft"
            if success:
                consumed, added = dict(uses), dict(gives)
        else:
            block, picks, gives, ticks = DIGS[name]
            if self.blocks.get(block, 0) <= 0:
                success, reason, ticks = False, "unreachable", 0
            else:
                self.blocks[block] -= 1
                self.broken[block] = self.broken.get(block, 0) + 1
                success = not picks or any(self.inventory.get(p) for p in picks)
                reason = "ok" if success else "no_drop"
                added = {gives: 1} if success else {}
        for i, q in consumed.items():
            self.inventory[i] -= q
        for i, q in added.items():
            self.inventory[i] = self.inventory.get(i, 0) + q
        self.inventory = {k: v for k, v in self.inventory.items() if v}
        info = {"inventory": dict(self.inventory), "action": name, "success": success, "reason": reason,
                "consumed": consumed, "added": added, "step_ticks": ticks,
                "position": (0, -ticks // 10 if name in DIGS else 0, 0)}  # fmt: skip  # a dig ends at its block's depth
        return self._obs(), 0.0, False, False, info


def quarry(**knobs: Any) -> EnvWorld:
    w = EnvWorld(Quarry(**knobs))
    w.reset(seed=0)
    return w


def shd(w: EnvWorld, graph: CausalGraph) -> tuple[int, list]:
    truth = CausalGraph.from_relations(w.env.ground_truth())
    return score(graph, truth)["shd"], edge_differences(graph, truth)


GEMS_SPENT: dict[int, int] = {}  # order seed -> gems learning broke (filled by the test below)


@pytest.mark.parametrize("order_seed", range(6))
def test_the_quarry_is_learned_whole_spending_few_gems(order_seed):
    w = quarry()
    graph = CausalGraph()
    learner = Learner(Discoverer(w), graph, w.action_names, order_seed=order_seed)
    learner.learn_all()
    gems_learning = w.env.broken.get("gem", 0)
    assert graph.explained("dig_gem")
    # one dig finds the gem (nothing known yet: a block spent); the metal pick, not proven on the rock pick's tier,
    # is tested on one ore first, then tried alone on a gem and verifies the cause in one trial: 2 of the 4 gems. Where
    # the ore was learned from a sample holding both picks (no trial showed the wood pick fail there), the rock pick is
    # pressed on a gem as soon as it dug the ore (causal_graph.spending.pressing): 3, one left for the pursuit
    assert gems_learning <= 3, w.env.broken
    GEMS_SPENT[order_seed] = gems_learning
    learner.complete()  # after the goal: the lower tiers and alternatives, each trial another block
    assert shd(w, graph)[0] == 0, shd(w, graph)[1]


def test_most_learning_orders_spend_two_gems():
    """Over the six orders above, the median is 2 gems (pressing ahead costs a gem only where no trial had shown the
    older pick fail on the tier below)."""
    for order_seed in range(6):
        if order_seed not in GEMS_SPENT:
            test_the_quarry_is_learned_whole_spending_few_gems(order_seed)
    spent = sorted(GEMS_SPENT.values())
    assert spent[len(spent) // 2] <= 2 and spent[-1] <= 3, GEMS_SPENT


def test_without_the_spending_rules_learning_digs_every_gem():
    """The same ladder learned as before (every do()-test run, every action retried with each new item): the
    comparison that shows the rules matter, on the same world."""
    w = quarry()
    graph = CausalGraph()
    discoverer = Discoverer(w)
    learner = Learner(discoverer, graph, w.action_names, order_seed=0)
    for _ in range(60):  # a blind learner: no spending actions held back, no singles
        todo = [a for a in learner.actions if not graph.explained(a)]
        if not todo:
            break
        for action in todo:
            outcome = discoverer.discover(action, learner.state.known)
            learner.observe(i for t in outcome.runs for i in t.after)
            if outcome.relation is not None:
                graph.set_relation(outcome.relation)
                learner.observe(outcome.relation.yields)
        discoverer.spent.clear()
    assert w.env.broken.get("gem", 0) >= 3


def test_an_action_that_spent_a_target_waits_until_nothing_else_is_worth_trying():
    w = quarry()
    graph = CausalGraph()
    learner = Learner(Discoverer(w), graph, w.action_names, order_seed=0)
    assert learner.learn("dig_gem").status == "no_effect"  # nothing known: the gem broke for nothing
    assert learner.spending("dig_gem") and w.env.broken == {"gem": 1}
    learner.observe(["wood"])  # a new item: cheap actions first
    worth = learner.worth_trying()
    assert worth and "dig_gem" not in worth
    learner.learn_all()
    assert graph.explained("dig_gem") and w.env.broken["gem"] <= 3


def test_a_test_that_a_spent_trial_covers_is_not_run():
    w = quarry()
    d = Discoverer(w)
    w.intervene({"wood": 5, "wood_pick": 1})
    t = w.act("dig_gem")
    assert spends(t) and t.reason in SPENDING_FAILURES
    d._note_spent("dig_gem", {"wood": 5, "wood_pick": 1})
    assert d.known_to_fail("dig_gem", {"wood_pick": 1}) and d.known_to_fail("dig_gem", {})
    assert not d.known_to_fail("dig_gem", {"metal_pick": 1}) and not d.known_to_fail("dig_gem", {"wood": 6})
    runs: list[Transition] = []
    before = w.env.broken["gem"]
    assert d._confirmed("dig_gem", {"wood_pick": 1}, "do", runs) is False
    assert not runs and w.env.broken["gem"] == before  # no block spent to learn what was known


def test_the_spending_state_survives_a_resume():
    w = quarry()
    graph = CausalGraph()
    learner = Learner(Discoverer(w), graph, w.action_names, order_seed=0)
    learner.learn("dig_gem")
    saved = LearnerState.from_dict(learner.state.to_dict())
    assert saved == learner.state and saved.spent["dig_gem"]
    again = Learner(Discoverer(w), CausalGraph(), w.action_names, state=saved)
    assert again.spending("dig_gem") and again.discoverer.known_to_fail("dig_gem", {})


def test_a_lower_tier_that_also_works_is_the_cause_where_the_tool_needs_the_action():
    """dig_rock learned with only the metal pick would make a circle (the metal pick needs rock, through the rock
    pick): the learner tries the lower tiers alone, those it can make without dig_rock first, and keeps the lowest
    that works."""
    w = quarry()
    crafts = [CausalRelation(a, {i: Need(q, True) for i, q in uses.items()}, dict(gives)) for a, (uses, gives) in
              CRAFTS.items()]  # fmt: skip
    digs = [
        CausalRelation("chop_wood", {}, {"wood": 1}),
        CausalRelation("dig_ore", {"rock_pick": Need(1, False)}, {"ore": 1}),
        CausalRelation("dig_gem", {"metal_pick": Need(1, False)}, {"gem": 1}),
    ]
    graph = CausalGraph.from_relations([*crafts, *digs], ACTIONS)
    learner = Learner(Discoverer(w), graph, w.action_names)
    learner.observe(["wood", "wood_pick", "wood_axe", "rock", "rock_pick", "ore", "metal", "metal_pick"])
    learner.state.tool_tests["wood_pick"] = True  # it dug where the proxy digs
    assert not learner.obtainable_without("dig_rock", "metal_pick")
    assert learner.obtainable_without("dig_rock", "wood_pick")
    learner.state.target_ticks.update({"dig_rock": 100, "dig_ore": 1_000, "dig_gem": 10_000})
    assert learner._lower_tiers("dig_rock", "metal_pick")[0] == "wood_pick"  # a cheaper target than the pick digs
    learner.discoverer._note_spent("dig_rock", {})  # dug once with nothing: it spends its targets
    assert learner.singles("dig_rock")[0] == "metal_pick"  # the tool that unlocked the last rung, first
    assert learner.learn("dig_rock").status == "explained"
    assert set(graph.relation("dig_rock").needs) == {"wood_pick"}  # not the metal pick: that would be a circle
    # the dearest target, and a pick the graph makes without it: no lower tier is worth a gem before the goal
    assert learner._lower_tiers("dig_gem", "metal_pick") == []


def _ladder_learner(w: EnvWorld, *digs: CausalRelation, upto: str = "metal_pick") -> Learner:
    """A learner that knows the Quarry's crafts, chop_wood and ``digs``, each dig having spent a block before it was
    learned, held the tools of the digs before it (its tool unlocked it), and every item up to ``upto``."""
    crafts = [CausalRelation(a, {i: Need(q, True) for i, q in uses.items()}, dict(gives)) for a, (uses, gives) in
              CRAFTS.items()]  # fmt: skip
    graph = CausalGraph.from_relations([*crafts, CausalRelation("chop_wood", {}, {"wood": 1}), *digs], ACTIONS)
    learner = Learner(Discoverer(w), graph, w.action_names)
    items = ["wood", "wood_pick", "wood_axe", "rock", "rock_pick", "rock_axe", "ore", "metal", "metal_pick"]
    learner.observe(items[: items.index(upto) + 1])
    learner.state.target_ticks.update({"dig_rock": 100, "dig_ore": 1_000, "dig_gem": 10_000})
    held: dict[str, int] = {}
    for dig in digs:  # each dug for nothing first with the tools of the digs before it (the tier below)
        learner.discoverer._note_spent(dig.action, dict(held))
        held.update(dict.fromkeys(dig.held(), 1))
    return learner


def test_a_newer_tool_that_dug_the_unlocking_tools_tier_is_tried_alone_first():
    """dig_ore spent a block with nothing: the wood pick unlocked dig_rock, and the rock pick, newer, dug rock on the
    proxy: it is the likelier next tier and is tried first (one ore spent, not two)."""
    w = quarry()
    learner = _ladder_learner(
        w, CausalRelation("dig_rock", {"wood_pick": Need(1, False)}, {"rock": 1}), upto="rock_axe"
    )
    learner.discoverer._note_spent("dig_ore", {})
    assert learner.singles("dig_ore")[0] == "wood_pick"  # nothing known of the rock pick yet: the unlocking tool
    learner.state.tool_tests["rock_pick"] = True  # it dug rock alone, on the proxy: the wood pick's own tier
    assert learner._digs_tier("rock_pick") is True and learner.singles("dig_ore")[0] == "rock_pick"
    assert learner.learn("dig_ore").status == "explained"
    assert set(learner.graph.relation("dig_ore").needs) == {"rock_pick"} and w.env.broken["ore"] == 1


def test_a_newer_tool_that_could_not_dig_the_tier_below_goes_last():
    """The golden pickaxe's trap: a newer tool made from what the newest unlocking tool dug may dig less than it.
    Untested, the unlocking tool comes first; proven on that tier, the newer one; failed there, it is not tried."""
    w = quarry()
    learner = _ladder_learner(
        w,
        CausalRelation("dig_rock", {"wood_pick": Need(1, False)}, {"rock": 1}),
        CausalRelation("dig_ore", {"rock_pick": Need(1, False)}, {"ore": 1}),
    )
    learner.state.tool_tests.update({"rock_pick": True, "metal_pick": True})  # both dig rock, on the proxy
    learner.discoverer._note_spent("dig_gem", {})
    assert learner.singles("dig_gem") == ["rock_pick", "wood_pick", "metal_pick"]  # the unlocking tools first
    learner.state.tier_tests["dig_ore"] = {"metal_pick": True}
    assert learner.singles("dig_gem")[0] == "metal_pick"
    learner.state.tier_tests["dig_ore"] = {"metal_pick": False}
    assert "metal_pick" not in learner.singles("dig_gem")  # it would spend a gem for nothing
    assert LearnerState.from_dict(learner.state.to_dict()).tier_tests == {"dig_ore": {"metal_pick": False}}


def test_a_tier_test_spends_a_cheaper_block_even_one_the_next_tier_is_made_of():
    """Before a gem is dug with a pick not proven on the tier below, that pick is tried alone on the tier's cheaper
    target: one ore (the metal pick's own material) to keep a gem. Proven, it goes first; the test is not run twice."""
    w = quarry()
    learner = _ladder_learner(
        w,
        CausalRelation("dig_rock", {"wood_pick": Need(1, False)}, {"rock": 1}),
        CausalRelation("dig_ore", {"rock_pick": Need(1, False)}, {"ore": 1}),
    )
    learner.state.tool_tests.update({"rock_pick": True, "metal_pick": True})  # on the proxy: the wood pick's tier
    learner.discoverer._note_spent("dig_gem", {})
    assert learner._frontier("dig_gem") == "dig_ore"
    assert learner.prove_tier("dig_gem") == ["metal_pick"] and w.env.broken == {"ore": 1}
    assert learner.state.tier_tests == {"dig_ore": {"metal_pick": True}}
    assert learner.singles("dig_gem")[0] == "metal_pick"
    assert learner.prove_tier("dig_gem") == []  # known now: not tested again
    assert learner.learn("dig_gem").status == "explained"
    assert set(learner.graph.relation("dig_gem").needs) == {"metal_pick"}
    assert (w.env.broken["ore"], w.env.broken["gem"]) == (1, 1)  # one gem: the proven pick went first


def test_a_tier_learned_with_its_newest_tool_first_is_still_a_tier():
    """Scarce seed 9's case: ore was dug for nothing with empty hands, then learned with the rock pick tried first
    (no trial of the wood pick on it: no older tool's failure shows its tier). Its dearest unlocked target still
    stands for the tier, so the metal pick is tested on ore, not on a gem after the rock pick wasted one."""
    w = quarry()
    learner = _ladder_learner(w, CausalRelation("dig_rock", {"wood_pick": Need(1, False)}, {"rock": 1}))
    learner.graph.set_relation(CausalRelation("dig_ore", {"rock_pick": Need(1, False)}, {"ore": 1}))
    learner.discoverer._note_spent("dig_ore", {})  # with nothing only
    learner.observe(["rock", "rock_pick", "rock_axe", "ore", "metal", "metal_pick"])
    learner.state.tool_tests.update({"rock_pick": True, "metal_pick": True})
    learner.discoverer._note_spent("dig_gem", {})
    assert learner._newest_unlocking() == "rock_pick" and learner._tier_targets() == ["dig_ore"]
    assert learner.prove_tier("dig_gem") == ["metal_pick"] and learner.singles("dig_gem")[0] == "metal_pick"
    assert learner.learn("dig_gem").status == "explained"
    assert (w.env.broken["ore"], w.env.broken["gem"]) == (1, 1)


def test_a_tier_test_spends_a_block_to_keep_the_rarest_target_only():
    """Ore and gems both wait for a tool; the rock pick, new, is proven on the proxy. A test on rock (the wood pick's
    tier) may keep a gem, the rarest target (its first block lay deepest), but is not run for ore: a wasted trial
    on ore costs less than the test. How far each first target lay is measured from where the agent began, and
    survives a resume."""
    w = quarry()
    learner = Learner(Discoverer(w), CausalGraph(), w.action_names, order_seed=0)
    for action in ("craft_wood_pick", "dig_rock", "dig_ore", "dig_gem"):  # the first at the surface
        learner.learn(action)
    assert learner.state.origin == [0, 0, 0]
    assert learner.state.target_reach == {"dig_rock": 10, "dig_ore": 100, "dig_gem": 1_000}
    assert LearnerState.from_dict(learner.state.to_dict()).target_reach == learner.state.target_reach
    assert learner._rarest("dig_gem") and not learner._rarest("dig_ore")
    assert learner._frontier("dig_ore") is None


def test_a_target_left_undug_for_want_of_a_tool_marks_the_action_but_spends_nothing():
    """The live bot does not dig what would drop nothing (``no_tool``): the action's targets still need a tool (its
    trials are those of a spending action, and the failed stock is remembered), but no block was spent."""
    w = quarry()
    d = Discoverer(w)
    undug = Transition(1, "dig_gem", {}, {}, {}, {}, False, "no_tool")
    assert wants_tool(undug) and not spends(undug)
    d._note_spent("dig_gem", {"wood_pick": 1})
    assert d.known_to_fail("dig_gem", {}) and d.known_to_fail("dig_gem", {"wood_pick": 1})


def test_exploring_digs_deep_where_the_first_target_lay_farthest_too():
    """Game time to the first target misleads where an earlier trial dug a tunnel toward it (a diamond reached on
    the way back from gold): exploring digs again and again both with the action whose first target took longest
    and with the one whose first target lay farthest from where the agent began."""
    w = quarry()
    graph = CausalGraph.from_relations(w.env.ground_truth(), ACTIONS)
    learner = Learner(Discoverer(w), graph, w.action_names, order_seed=0)
    learner.observe(ITEMS)
    learner.state.target_ticks.update({"chop_wood": 20, "dig_rock": 100, "dig_ore": 5_000, "dig_gem": 900})
    learner.state.target_reach.update({"chop_wood": 2, "dig_rock": 10, "dig_ore": 40, "dig_gem": 60})
    learner.state.origin = [0, 0, 0]
    assert learner.explore()
    assert learner.state.explore_left[-6:] == ["dig_ore"] * 3 + ["dig_gem"] * 3  # after one trial of each taker
    learner.state.target_reach.clear()  # a world without positions: game time alone
    learner.state.explore_left = []
    assert learner.explore() and learner.state.explore_left[-3:] == ["dig_ore"] * 3
    assert learner.state.explore_left.count("dig_gem") <= 1  # a taker's own trial only


def test_a_cause_made_only_in_a_circle_is_unmakeable_and_worth_refining():
    """Seed 39's trap, in the Quarry: with a by-product dropped, the metal pick's metal comes only from ore dug with
    the metal pick. Some relation yields each cause, yet the graph makes neither from nothing: the learner must look
    for an alternative (the rock pick digs ore) rather than give up the goal."""
    w = quarry()
    crafts = [CausalRelation(a, {i: Need(q, True) for i, q in uses.items()}, dict(gives)) for a, (uses, gives) in
              CRAFTS.items()]  # fmt: skip
    digs = [
        CausalRelation("chop_wood", {}, {"wood": 1}),
        CausalRelation("dig_rock", {"wood_pick": Need(1, False)}, {"rock": 1}),
        CausalRelation("dig_ore", {"metal_pick": Need(1, False)}, {"ore": 1}),  # learned with too good a pick
    ]
    graph = CausalGraph.from_relations([*crafts, *digs], ACTIONS)
    learner = Learner(Discoverer(w), graph, w.action_names)
    learner.observe(["wood", "wood_pick", "rock", "rock_pick", "ore", "metal", "metal_pick"])
    assert "metal_pick" not in graph.obtainable() and "rock_pick" in graph.obtainable()
    assert learner.unmakeable_causes("dig_ore") == ["metal_pick"]
    assert learner.unmakeable_causes("dig_rock") == []  # the wood pick is made from nothing
    assert "dig_ore" in learner.worth_refining()
    # the wrong answer is caught: once the rock pick is an alternative, the circle is open and nothing is unmakeable
    graph.set_relation(CausalRelation("dig_ore", {"metal_pick": Need(1, False, ("rock_pick",))}, {"ore": 1}))
    assert learner.unmakeable_causes("dig_ore") == []
    assert {"ore", "metal", "metal_pick"} <= graph.obtainable()
