"""A failure the world explains does not count against a relation (agent/actor.py world_excuse, the controller's
re-learning), and a contradicted relation is re-tested in place: it stays in the graph until discovery has made
its replacement."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import gymnasium as gym
import pytest

from agent.actor import world_excuse
from agent.cli import main
from agent.controller import MAX_EXCUSED, RELEARN_AFTER
from agent.replay.analysis import replay
from agent.run import RunConfig, new_run
from agent.runlog import read_events
from agent.worlds import make_env
from causal_graph.graph import CausalGraph
from env.interface import CausalRelation, Need, Transition
from env.interface.handle import EnvWorld

PICKAXE = CausalRelation(
    "mine_iron_ore", {"stone_pickaxe": Need(1, False, ("iron_pickaxe",))}, {"raw_iron": 1}
)  # fmt: skip


def failed(reason: str = "no_drop", before: dict | None = None, lost: dict | None = None) -> Transition:
    before = {"stone_pickaxe": 1} if before is None else before
    return Transition(1, "mine_iron_ore", before, before, {}, {}, False, reason, lost=lost or {})


def test_world_excuse_tells_the_worlds_failures_from_the_relations():
    assert world_excuse(failed("lost_way"), PICKAXE) == "the world: lost_way"
    assert world_excuse(failed(lost={"crafting_table": 1}), PICKAXE) == "the world took crafting_table"
    assert world_excuse(failed(before={}), PICKAXE) == "a cause was not held: stone_pickaxe"  # the tool broke
    assert world_excuse(failed(before={"iron_pickaxe": 1}), PICKAXE) == ""  # an alternative serves: held
    # every cause held and the world said nothing: the relation is to blame (counted toward re-learning)
    assert world_excuse(failed(), PICKAXE) == ""
    assert world_excuse(failed(), None) == ""


def simulator_takes_conditions() -> bool:
    try:
        make_env("adam/Minecraft-v0", 0, "original", {}, ("noisy:0.1",)).close()
    except ValueError:
        return False
    return True


@pytest.mark.skipif(not simulator_takes_conditions(), reason="the simulator takes no conditions= yet")
def test_a_noisy_world_never_makes_the_agent_relearn(tmp_path, capsys):
    argv = ["run", "--conditions", "noisy:0.3", "--out", str(tmp_path), "--no-picture", "--json"]
    assert main(argv) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["shd"] == 0 and "diamond" in result["milestones"]
    events, _ = read_events(Path(result["run_dir"]) / "events.jsonl")
    mismatches = [e for e in events if e["kind"] == "mismatch"]
    lost = [e for e in mismatches if e.get("excused") == "the world: lost_way"]
    assert len(lost) >= RELEARN_AFTER  # the plan failed often enough to re-learn, had they counted
    # every one the world's doing (or a cause the world took), or a by-product yield the check dropped at once
    assert all(e.get("excused") for e in mismatches), [e for e in mismatches if not e.get("excused")]
    assert not [e for e in events if e["kind"] in ("retest", "relearn")]
    shown = replay(Path(result["run_dir"])).failures["mismatches"]  # replay says whose doing they were
    assert shown and all(
        "the world's doing, not counted: " in m["why"] or "(not counted: a yield re-checked: " in m["why"]
        for m in shown
    )
    assert sum("the world's doing, not counted: the world: lost_way" in m["why"] for m in shown) >= RELEARN_AFTER


def test_a_contradicted_relation_stays_until_its_retest_replaces_it(tmp_path):
    truth = EnvWorld(gym.make("adam/Minecraft-v0")).ground_truth()
    right = {r.action: r for r in truth}["craft_furnace"]
    stone = next(i for i, need in right.needs.items() if need.consumed)
    assert right.needs[stone].quantity == 8
    wrong = replace(right, needs={**right.needs, stone: replace(right.needs[stone], quantity=4)})  # too few
    prior = CausalGraph.from_relations([wrong if r.action == wrong.action else r for r in truth])
    run = new_run(RunConfig(out=str(tmp_path), picture=False, max_steps=3000), prior_graph=prior)
    seen_at_retest: list[CausalRelation | None] = []
    discover = run.learner.discoverer.discover

    def recording(action, *args, **kwargs):  # what the graph holds when discovery re-tests the action
        if action == wrong.action:
            seen_at_retest.append(run.graph.relation(action))
        return discover(action, *args, **kwargs)

    run.learner.discoverer.discover = recording
    result = run.loop()
    assert result.goal_reached and "diamond" in result.milestones
    assert seen_at_retest == [wrong]  # not deleted first: re-tested while still in the graph
    assert run.graph.relation("craft_furnace").needs[stone].quantity == 8  # replaced by what discovery found
    events, _ = read_events(result.run_dir / "events.jsonl")
    kinds = [e["kind"] for e in events]
    assert kinds.count("retest") == 1 and "relearn" not in kinds
    assert sum(e["kind"] == "mismatch" and e["action"] == "craft_furnace" for e in events) == RELEARN_AFTER


def test_a_yield_the_plans_never_see_is_dropped_by_the_later_evidence_without_a_retest(tmp_path):
    truth = EnvWorld(gym.make("adam/Minecraft-v0")).ground_truth()
    right = {r.action: r for r in truth}["gather_stone"]
    wrong = replace(right, yields={**right.yields, "emerald": 1})  # a yield the world never gives
    prior = CausalGraph.from_relations([wrong if r.action == wrong.action else r for r in truth])
    run = new_run(RunConfig(out=str(tmp_path), picture=False, max_steps=3000), prior_graph=prior)
    result = run.loop()
    assert result.goal_reached and dict(run.graph.relation("gather_stone").yields) == {"cobblestone": 1}
    events, _ = read_events(result.run_dir / "events.jsonl")
    assert not [e for e in events if e["kind"] in ("retest", "relearn")]
    rechecked = [e for e in events if e["kind"] == "relation" and e["action"] == "gather_stone"]
    assert rechecked and "emerald" not in rechecked[0]["yields"]  # Learner.check on the controller's own step


@pytest.mark.skipif(not simulator_takes_conditions(), reason="the simulator takes no conditions= yet")
def test_a_world_that_always_fails_ends_the_goal_as_stuck_without_relearning(tmp_path):
    truth = EnvWorld(gym.make("adam/Minecraft-v0")).ground_truth()
    config = RunConfig(out=str(tmp_path), picture=False, max_steps=200, conditions=("noisy:1.0",))
    run = new_run(config, prior_graph=CausalGraph.from_relations(truth))  # a right graph: plans from the start
    result = run.loop()
    assert not result.goal_reached
    events, _ = read_events(result.run_dir / "events.jsonl")
    (abandoned,) = [e for e in events if e["kind"] == "goal_abandoned"]
    assert abandoned["reason"].startswith(f"stuck: gather_oak_log failed {MAX_EXCUSED} times in a row")
    assert not [e for e in events if e["kind"] in ("retest", "relearn")]  # never counted against the relation
    assert run.graph.relation("gather_oak_log") == CausalGraph.from_relations(truth).relation("gather_oak_log")
