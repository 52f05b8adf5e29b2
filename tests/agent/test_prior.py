"""Beliefs before trials (issue 18): ``adam prior`` writes Minecraft 1.19's relations, ``adam run --prior`` lets
them steer learning, and every belief is verified by do()-interventions (real runs of the simulator)."""

from __future__ import annotations

import json
import signal
from pathlib import Path

import gymnasium as gym
import pytest

from agent.cli import main
from agent.run import RunConfig, new_run
from agent.runlog import FAULT_KILL_ENV, read_events
from causal_graph.graph import CausalGraph
from causal_graph.learner import LearnerState
from env.interface import CausalRelation, Need
from env.interface.handle import EnvWorld
from tests.support.cli import adam


@pytest.fixture(scope="module")
def prior(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("prior") / "prior.json"
    assert main(["prior", "--out", str(path)]) == 0
    return path


def run(tmp_path: Path, prior: Path | None, variant: str = "original", **extra):
    config = RunConfig(variant=variant, out=str(tmp_path), picture=False, prior_file=str(prior or ""), **extra)
    result = new_run(config).loop()
    events, _ = read_events(result.run_dir / "events.jsonl")
    return result, events


def test_the_prior_file_is_the_games_own_tree(prior):
    written = CausalGraph.load(prior)
    truth = CausalGraph.from_relations(EnvWorld(gym.make("adam/Minecraft-v0")).ground_truth())
    assert written == truth and len(written.relations()) == 41


def test_a_prior_steers_learning_to_the_diamond_and_every_belief_is_verified(tmp_path, prior):
    without, _ = run(tmp_path / "without", None)
    steered, events = run(tmp_path / "with", prior)
    assert steered.to_json()["shd"] == 0 and without.to_json()["shd"] == 0
    diamond = steered.to_json()["milestones"]["diamond"]
    assert diamond <= 60 and diamond * 3 < without.to_json()["milestones"]["diamond"]  # ~190 steps to under 60
    beliefs = [e for e in events if e["kind"] == "belief"]
    assert beliefs and all(e["outcome"] == "confirmed" for e in beliefs)
    tried = [e for e in events if e["kind"] == "intervention" and e["purpose"] == "belief"]
    assert len(tried) == len(beliefs)  # each belief put to one trial holding exactly what it names
    first = [e["action"] for e in beliefs][:3]
    assert first == ["gather_oak_log", "craft_planks", "craft_sticks"]  # the route to the goal, cheapest first


def test_wrong_beliefs_are_refuted_and_logged_and_the_graph_is_right(tmp_path, prior):
    result, events = run(tmp_path, prior, variant="adam_modified")
    assert result.to_json()["shd"] == 0
    refuted = {e["action"]: e["differences"] for e in events if e["kind"] == "belief" and e["outcome"] == "refuted"}
    # adam_modified changed these recipes; the 1.19 prior still believes the old ones
    assert {"craft_wooden_pickaxe", "craft_stone_pickaxe", "craft_iron_pickaxe"} <= set(refuted)
    assert any("oak_log" in d for d in refuted["craft_wooden_pickaxe"])
    assert not [e for e in events if e["kind"] == "relation" and e["action"] == "craft_wooden_pickaxe"
                and "oak_planks" in e["needs"]]  # fmt: skip


def test_a_wrong_edge_on_the_route_costs_little_and_the_route_goes_on(tmp_path, prior):
    """random:3's wooden pickaxe also needs sand, which the 1.19 prior does not believe: that belief is refuted, and
    the route goes on — stone is dug with the wooden pickaxe the prior named as soon as there is one, though its first
    try, without a pickaxe, had broken a stone block for nothing (that wait had cost ~90 steps: diamond at 270)."""
    without, _ = run(tmp_path / "without", None, variant="random:3")
    steered, events = run(tmp_path / "with", prior, variant="random:3")
    assert steered.to_json()["shd"] == 0 and without.to_json()["shd"] == 0
    refuted = [e["action"] for e in events if e["kind"] == "belief" and e["outcome"] == "refuted"]
    assert "craft_wooden_pickaxe" in refuted
    assert steered.to_json()["milestones"]["diamond"] * 1.5 < without.to_json()["milestones"]["diamond"]  # 93 / 193


def test_a_source_that_is_always_wrong_stops_steering(tmp_path):
    truth = EnvWorld(gym.make("adam/Minecraft-v0")).ground_truth()
    wrong = CausalGraph.from_relations(
        CausalRelation(r.action, {"dirt": Need(5, True)}, dict(r.yields))
        for r in truth  # everything "needs dirt"
    )
    path = tmp_path / "wrong.json"
    wrong.save(path)
    result, events = run(tmp_path / "run", path)
    assert result.to_json()["shd"] == 0 and "diamond" in result.to_json()["milestones"]
    beliefs = [e for e in events if e["kind"] == "belief"]
    assert [e["outcome"] for e in beliefs] == ["refuted"] * 3  # three refuted, then it no longer steers
    assert [e["kind"] for e in events].count("beliefs_distrusted") == 1


@pytest.mark.parametrize(
    ("change", "says"),
    [
        (lambda d: d["relations"][0].update(action="craft_spaceship"), "the world has no action 'craft_spaceship'"),
        (lambda d: d["relations"][0]["yields"].update(unobtainium=1), "the world has no item 'unobtainium'"),
        (lambda d: d.update(relations=[]), "holds no relation"),
    ],
)
def test_a_prior_naming_what_the_world_lacks_is_one_clear_error(tmp_path, prior, capsys, change, says):
    data = json.loads(prior.read_text())
    change(data)
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data))
    assert main(["run", "--prior", str(bad), "--out", str(tmp_path / "runs"), "--no-picture"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and str(bad) in err[0] and says in err[0] and "Traceback" not in err[0]
    if data["relations"]:
        assert "relations[0]" in err[0]  # the entry at fault is named
    assert not (tmp_path / "runs").exists() or not any((tmp_path / "runs").iterdir())  # nothing written


def test_a_prior_of_another_worlds_names_is_left_out_with_skip_and_costs_nothing(tmp_path, prior):
    """1.19's names in the obfuscated world: an error by default, every entry left out with ``--prior-unknown skip``
    (said in one warning and in result.json), and the run is then the run without a prior, step for step."""
    refused = adam("run", "--variant", "obfuscated", "--prior", str(prior), "--out", str(tmp_path / "r"), "--quiet")
    assert refused.returncode == 2 and "--prior-unknown skip" in refused.stderr and "Traceback" not in refused.stderr
    skipped = adam(
        "run", "--variant", "obfuscated", "--prior", str(prior), "--prior-unknown", "skip",
        "--out", str(tmp_path / "s"), "--json", "--no-picture",
    )  # fmt: skip
    assert skipped.returncode == 0, skipped.stderr
    said = " ".join(skipped.stderr.split())  # the log handler wraps long lines
    assert said.count("left out") == 1 and "41 entries left out" in said and "learning without beliefs" in said
    plain = adam("run", "--variant", "obfuscated", "--out", str(tmp_path / "p"), "--json", "--no-picture")
    a, b = json.loads(plain.stdout), json.loads(skipped.stdout)
    assert b["prior"] == {"file": str(prior), "relations": 0, "skipped": 41, "confirmed": 0, "refuted": 0,
                          "trusted": False}  # fmt: skip
    assert a["prior"] == {} and (b["milestones"], b["steps"], b["shd"]) == (a["milestones"], a["steps"], a["shd"])


def test_skip_keeps_the_entries_the_world_has_and_result_json_keeps_the_track_record(tmp_path, prior):
    data = json.loads(prior.read_text())
    data["relations"][0]["yields"]["unobtainium"] = 1
    partial = tmp_path / "partial.json"
    partial.write_text(json.dumps(data))
    result, events = run(tmp_path / "a", partial, variant="adam_modified", prior_unknown="skip")
    record = result.to_json()["prior"]
    assert (record["relations"], record["skipped"]) == (40, 1)
    beliefs = [e for e in events if e["kind"] == "belief"]
    assert record["refuted"] == sum(e["outcome"] == "refuted" for e in beliefs) >= 3
    assert record["confirmed"] == sum(e["outcome"] == "confirmed" for e in beliefs) > 0
    assert data["relations"][0]["action"] not in {e["action"] for e in beliefs}  # the left-out entry steers nothing


def test_skip_leaves_out_an_entry_naming_an_unknown_action_and_needs_a_prior(tmp_path, prior, capsys):
    data = json.loads(prior.read_text())
    data["relations"][0]["action"] = "craft_spaceship"
    odd = tmp_path / "odd.json"
    odd.write_text(json.dumps(data))
    result, _ = run(tmp_path / "a", odd, prior_unknown="skip")
    assert (result.to_json()["prior"]["relations"], result.to_json()["prior"]["skipped"]) == (40, 1)
    capsys.readouterr()  # the run's warning
    assert main(["run", "--prior-unknown", "skip", "--out", str(tmp_path / "b"), "--no-picture"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--prior-unknown skip applies to a prior file" in err[0]


def test_the_belief_record_survives_a_checkpoint():
    state = LearnerState(
        beliefs_confirmed=["craft_planks"], beliefs_refuted=["craft_wooden_pickaxe"], newcomers={"craft_x": ["chest"]}
    )
    assert LearnerState.from_dict(json.loads(json.dumps(state.to_dict()))) == state


def test_a_run_with_a_prior_resumes_after_kill_9_with_the_same_beliefs(tmp_path, prior):
    """Killed while learning with a prior (event 60: the belief trials of the route), resumed: the prior is read
    again from config.json, the belief record from the checkpoint, and the run ends as an uninterrupted one does."""
    plain = adam("run", "--prior", str(prior), "--out", str(tmp_path / "a"), "--json", "--no-picture")
    killed = adam(
        "run", "--prior", str(prior), "--out", str(tmp_path / "b"), "--quiet", "--no-picture",
        env={FAULT_KILL_ENV: "60"},
    )  # fmt: skip
    assert killed.returncode == -signal.SIGKILL
    (folder,) = list((tmp_path / "b").iterdir())
    assert json.loads((folder / "config.json").read_text())["prior_file"] == str(prior)
    resumed = adam("run", "--resume", str(folder), "--json")
    assert resumed.returncode == 0, resumed.stderr
    a, b = json.loads(plain.stdout), json.loads(resumed.stdout)
    assert (b["shd"], b["milestones"], b["steps"]) == (a["shd"], a["milestones"], a["steps"])
    events, _ = read_events(folder / "events.jsonl")
    assert len({e["action"] for e in events if e["kind"] == "belief"}) == len(
        [e for e in events if e["kind"] == "belief"]
    )  # each belief weighed once, across the kill
