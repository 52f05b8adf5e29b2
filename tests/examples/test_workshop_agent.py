"""The real agent learns the Workshop example world exactly and reaches its goal (a lantern)."""

from __future__ import annotations

import json

import gymnasium as gym
import pytest

import examples.workshop  # noqa: F401  (registers the workshop ids)
from agent.run import RunConfig, new_run
from causal_graph import CausalGraph, edge_differences, score
from causal_graph.discovery import Discoverer
from causal_graph.learner import Learner
from env.interface.handle import EnvWorld

SCORED, UNSCORED = "workshop/Workshop-v0", "examples.workshop:workshop/WorkshopUnscored-v0"


def run(tmp_path, env_id: str, seed: int):
    config = RunConfig(env_id=env_id, goals=("lantern",), seed=seed, picture=False, max_steps=5_000)
    return new_run(config, folder=tmp_path / f"s{seed}").loop()


@pytest.mark.parametrize("seed", range(10))
def test_the_agent_learns_the_workshop_exactly_and_makes_a_lantern(tmp_path, seed):
    result = run(tmp_path, SCORED, seed)
    assert result.goal_reached, result.end_reason
    assert result.score["shd"] == 0, result.score["differences"]
    assert result.score["quantity_errors"] == 0 and result.score["exact_actions"] == 11
    assert list(result.milestones) == ["first tool", "mattock", "brass", "lantern"]
    written = json.loads((result.run_dir / "result.json").read_text())
    assert written["shd"] == 0 and written["goal_reached"]


def test_without_ground_truth_the_run_finishes_not_scored(tmp_path):
    result = run(tmp_path, UNSCORED, 0)
    assert result.goal_reached and result.score == {}
    written = json.loads((result.run_dir / "result.json").read_text())
    assert written["shd"] is None and written["score"] == {}


def learn(seed: int, **kwargs) -> tuple[EnvWorld, CausalGraph, list[dict]]:
    w = EnvWorld(gym.make(SCORED, **kwargs))
    resets: list[dict] = []
    w.on_reset = lambda s, options: resets.append(dict(options or {}))
    w.reset(seed=seed)
    graph = CausalGraph()
    learner = Learner(Discoverer(w), graph, w.action_names, order_seed=seed)
    learner.learn_all()
    learner.complete()
    return w, graph, resets


@pytest.mark.parametrize(("stack_limit", "stock"), [(9, 5), (64, 32), (200, 32)])
def test_stacks_capped_at_9_are_learned_exactly_stocking_half_a_stack(stack_limit, stock):
    """Discovery stocks half a stack (so one more is visible), never more than its default of 32."""
    w, graph, resets = learn(0, stack_limit=stack_limit)
    truth = CausalGraph.from_relations(w.ground_truth())
    result = score(graph, truth)
    assert result["shd"] == 0 and result["quantity_errors"] == 0, edge_differences(graph, truth)
    counts = [q for r in resets for part in ("inventory", "placed") for q in r.get(part, {}).values()]
    assert max(counts) == stock


def test_placed_stations_take_no_intervention_slot():
    """Within a capacity of 6 item kinds, the stations are set beside them (they are not in the inventory)."""
    w, graph, resets = learn(1, capacity=6)
    truth = CausalGraph.from_relations(w.ground_truth())
    assert score(graph, truth)["shd"] == 0, edge_differences(graph, truth)
    assert max(len(r.get("inventory", {})) for r in resets) == 6
    assert any(len(r.get("inventory", {})) == 6 and r.get("placed") for r in resets)
