"""Any world plugs in: ``adam run --env`` with a world that is not Minecraft (tests/agent/tiny_world.py, found
through gymnasium's ``module:ID``), its own milestones, no ground truth ("not scored" in result.json, the
results, the live view and replay), compass movements for an environment goal, and one error line for a
world that is not registered or does not implement the contract."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from rich.console import Console

from agent.cli import main
from agent.goals import EnvironmentGoal, ItemGoal
from agent.live_view import live_panel
from agent.milestones import LEGACY_LABELS, recorded_labels, union
from agent.replay.aggregate import aggregate_groups, aggregate_markdown
from agent.replay.analysis import replay
from agent.run import RunConfig, new_run
from agent.runlog import read_events

TINY = "tests.agent.tiny_world:tiny/Tiny-v0"  # no ground truth
TINY_SCORED = "tests.agent.tiny_world:tiny/TinyScored-v0"


def run_folder(out: Path) -> Path:
    (folder,) = [p for p in out.iterdir() if p.is_dir()]
    return folder


def test_a_world_without_ground_truth_runs_to_the_end_not_scored(tmp_path, capsys):
    code = main(["run", "--env", TINY, "--goal", "axe", "--out", str(tmp_path), "--no-picture"])
    out = capsys.readouterr().out
    assert code == 0
    assert "not scored (the world has no ground truth)" in out and "SHD" not in out
    assert "axe made" in out and "first twig" in out and "wooden tool" not in out  # the world's milestones
    folder = run_folder(tmp_path)
    assert folder.name.endswith("-Tiny-v0-s0")  # the default name uses the world
    result = json.loads((folder / "result.json").read_text())
    assert result["goal_reached"] and result["scored"] is False and result["shd"] is None and result["score"] == {}
    assert result["world"] == "Tiny" and result["milestone_order"] == ["first twig", "axe made"]
    assert list(result["milestones"]) == ["first twig", "axe made"]

    analysis = replay(folder)
    assert analysis.score["status"] == "not scored" and analysis.consistent
    assert analysis.milestone_labels == ("first twig", "axe made") and analysis.world_label == "Tiny"
    assert main(["replay", str(folder), "--no-report"]) == 0
    printed = " ".join(capsys.readouterr().out.split())
    assert "Tiny seed 0" in printed and "scores: not scored" in printed
    (group,) = aggregate_groups([folder])["groups"]
    assert group["label"].startswith("Tiny · goals axe") and group["configuration"]["variant"] is None
    assert "| SHD (0 in k/n) | - | not scored |" in aggregate_markdown(group)


def test_the_same_world_with_ground_truth_is_scored_exactly(tmp_path, capsys):
    assert main(["run", "--env", TINY_SCORED, "--goal", "axe", "--out", str(tmp_path), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["scored"] is True and result["shd"] == 0 and result["score"]["exact_actions"] == 3


def test_the_live_view_shows_the_worlds_milestones(tmp_path):
    run = new_run(RunConfig(env_id=TINY, goals=("axe",), out=str(tmp_path), picture=False))
    run.loop()
    console = Console(width=100, record=True, file=open(os.devnull, "w"))  # noqa: SIM115
    console.print(live_panel(run, run.controller))
    text = console.export_text()
    assert "ADAM Tiny seed 0" in text and "axe made" in text and "step " in text and "wooden tool" not in text


def test_milestones_are_recorded_from_the_world(tmp_path):
    run = new_run(RunConfig(out=str(tmp_path), max_steps=5, picture=False))
    run.loop()
    start = read_events(run.folder / "events.jsonl")[0][0]
    spec = run.world.spec
    assert start["kind"] == "start" and start["world"]["name"] == spec.name
    assert [tuple(pair) for pair in start["world"]["milestones"]] == list(spec.milestones)
    assert recorded_labels([start]) == tuple(label for _, label in spec.milestones)


def test_old_logs_without_the_record_fall_back_to_minecrafts_labels():
    assert recorded_labels([{"kind": "start", "config": {}}]) == LEGACY_LABELS
    assert recorded_labels([], {"milestone_order": ["a", "b"]}) == ("a", "b")
    assert recorded_labels([{"kind": "start", "world": {"name": "W", "milestones": []}}]) == ()  # none means none
    assert union([("a", "b"), ("c", "b")]) == ("a", "b", "c")


def test_an_environment_goal_in_a_compass_world_follows_its_spiral(tmp_path):
    run = new_run(RunConfig(env_id=TINY, goals=("twig",), env_goals=("near:pond",), out=str(tmp_path), picture=False))
    result = run.loop()
    assert result.goal_reached
    moves = [e["action"] for e in read_events(run.folder / "events.jsonl")[0] if e["kind"] == "transition"]
    assert set(moves) & {"go_n", "go_e", "go_s", "go_w"}  # the world's own moves, not Minecraft's


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["--env", "nowhere/Nothing-v0"], "no gymnasium env is registered as 'nowhere/Nothing-v0'"),
        (["--env", "no_such_package.worlds:W-v0"], "cannot import 'no_such_package.worlds'"),
        (["--env", "CartPole-v1", "--goal", "x"], "does not implement the world contract"),
        (["--env", TINY, "--goal", "axe", "--variant", "adam_modified"], "only to this project's Minecraft worlds"),
        (["--env", TINY], "name the goal item(s) with --goal"),
        (["--env", TINY, "--goal", "diamond"], "unknown item 'diamond' in Tiny"),
        (["--env-goal", "under:water"], "invalid environment goal 'under:water'"),
    ],
)
def test_a_world_that_cannot_be_used_is_one_error_line_and_no_folder(tmp_path, capsys, argv, says):
    out = tmp_path / "runs"
    code = main(["run", *argv, "--out", str(out), "--quiet"])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("error: ") and len(err.strip().splitlines()) == 1, err
    assert says in " ".join(err.split())
    assert not out.exists()


def test_adam_items_lists_the_worlds_items(capsys):
    assert main(["items", "--env", TINY]) == 0
    assert capsys.readouterr().out.split() == ["axe,", "pebble,", "twig"]
    assert main(["items", "--env", TINY, "--variant", "obfuscated"]) == 2
    assert "only to this project's Minecraft worlds" in capsys.readouterr().err


def test_run_config_from_dict_reads_every_field_and_ignores_the_rest():
    config = RunConfig(goals=("a", "b"), env_goals=("near:water",), llm_roles=("planner",), env_kwargs={"k": 1})
    data = {**config.to_dict(), "something_new": 1}
    assert RunConfig.from_dict(data) == config
    assert RunConfig.from_dict({"format": "adam-run-config"}) == RunConfig()


def test_goals_are_typed_not_spelled():
    assert ItemGoal("placed:bench").reached({"placed:bench": 1})  # an item's name may hold a ':'
    goal = EnvironmentGoal.parse("near:water").shown_as(lambda block: "w4t3r")
    assert goal.name == "near:water" and goal.satisfied(("w4t3r",)) and not goal.satisfied(("water",))
    with pytest.raises(ValueError, match="invalid environment goal 'placed:bench'"):
        EnvironmentGoal.parse("placed:bench")
