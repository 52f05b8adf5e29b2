"""Scarce resources consumed by learning (agent/resources.py): what the world-taking actions took before the first
goal, learning vs pursuit, in result.json, the summary line, the live view and ``adam replay`` (from events.jsonl
alone, so a log without it in result.json shows it too)."""

from __future__ import annotations

import contextlib
import io
import json
import shutil
from pathlib import Path

import pytest
from rich.console import Console

from agent.cli import main
from agent.live_view import live_panel
from agent.replay.analysis import replay
from agent.resources import LEARNING, add, resource_table, resource_text, takes_from_world
from agent.run import RunConfig, new_run
from causal_graph.graph import CausalGraph
from env.interface import CausalRelation, Need

# seed 0 (original): learning mines diamond ore 5 times (10 diamonds) before the agent mines its own (2 diamonds)
SEED0_DIAMOND = {"learning": 5, "pursuit": 1, "learning_items": 10, "pursuit_items": 2}


@pytest.fixture(scope="module")
def seed0(tmp_path_factory) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("runs")
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        assert main(["run", "--out", str(out), "--no-picture"]) == 0
    (folder,) = out.iterdir()
    return folder, buffer.getvalue()


def test_seed0_counts_the_diamond_ore_learning_took(seed0):
    folder, stdout = seed0
    result = json.loads((folder / "result.json").read_text())
    assert result["milestones"]["diamond"] == 432 and result["shd"] == 0 and result["steps"] == 890  # unchanged
    resources = result["resources"]
    assert list(resources)[0] == "mine_diamond_ore"  # the action that yields the goal comes first
    assert resources["mine_diamond_ore"] == SEED0_DIAMOND
    assert "gather_oak_log" in resources and "gather_stone" in resources
    assert not [a for a in resources if a.startswith(("craft_", "smelt_"))]  # they consume from the inventory
    assert "mine_diamond_ore 5+1 (items 10+2)" in " ".join(stdout.split())


def test_replay_counts_the_same_from_the_log_alone(seed0, tmp_path, capsys):
    folder, _ = seed0
    analysis = replay(folder)
    assert analysis.resources == json.loads((folder / "result.json").read_text())["resources"]
    assert analysis.consistent
    assert main(["replay", str(folder), "--no-report"]) == 0
    assert "mine_diamond_ore 5+1 (items 10+2)" in " ".join(capsys.readouterr().out.split())

    old = tmp_path / "old"  # a log from before result.json had resources: replay still counts them
    shutil.copytree(folder, old)
    result = json.loads((old / "result.json").read_text())
    del result["resources"]
    (old / "result.json").write_text(json.dumps(result))
    assert replay(old).resources["mine_diamond_ore"] == SEED0_DIAMOND and replay(old).consistent

    result["resources"] = {"mine_diamond_ore": {**SEED0_DIAMOND, "learning": 1}}  # a wrong figure is caught
    (old / "result.json").write_text(json.dumps(result))
    checks = replay(old).checks
    assert len(checks) == 1 and checks[0].startswith("resources:")


def test_the_live_view_shows_what_was_taken(tmp_path):
    run = new_run(RunConfig(out=str(tmp_path), picture=False, max_steps=3000))
    try:
        while "diamond" not in run.controller.state.goals_reached:
            run.controller.tick()
        console = Console(width=200, record=True, file=io.StringIO())
        console.print(live_panel(run, run.controller))
        assert "mine_diamond_ore 5+1 (items 10+2)" in console.export_text()
        run.checkpoint()
        saved = json.loads((run.folder / "checkpoint.json").read_text())
        assert saved["controller"]["taken"]["mine_diamond_ore"]["learning"] == 5  # a resume keeps counting
    finally:
        run.close()


def test_only_actions_that_take_from_the_world_are_listed():
    mine = CausalRelation("mine_x", {"pick": Need(1, False)}, {"x": 1})
    craft = CausalRelation("craft_y", {"x": Need(2, True)}, {"y": 1})
    assert takes_from_world(mine) and not takes_from_world(craft) and not takes_from_world(None)
    counts: dict = {}
    add(counts, "mine_x", LEARNING, {"x": 2, "dirt": 3})
    add(counts, "craft_y", LEARNING, {"y": 1})
    add(counts, "never_learned", LEARNING, {"z": 1})
    table = resource_table(counts, CausalGraph.from_relations([mine, craft], ["never_learned"]))
    assert table == {"mine_x": {"learning": 1, "pursuit": 0, "learning_items": 2, "pursuit_items": 0}}  # not dirt
    assert resource_text({}) == "taken from the world before the goal: nothing"
    with pytest.raises(ValueError, match="phase"):
        add(counts, "mine_x", "learn_rest", {})
