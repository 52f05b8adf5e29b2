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
from agent.resources import LEARNING, PURSUIT, add, blocks, resource_table, resource_text, takes_from_world
from agent.run import RunConfig, new_run
from causal_graph.graph import CausalGraph
from env.interface import CausalRelation, Need

# seed 0 (original): learning mines diamond ore 5 times (10 diamonds) before the agent mines its own (2 diamonds)
# seed 0 (durability and stacks on): learning broke two diamond ores, one dug before any pickaxe (for nothing) and one
# that verified the iron pickaxe alone; the pursuit mined its own
SEED0_DIAMOND = {"learning": 1, "pursuit": 1, "learning_items": 1, "pursuit_items": 2, "learning_spent": 1,
                 "pursuit_spent": 0}  # fmt: skip
SEED0_TEXT = "mine_diamond_ore 1+1 (items 1+2; dug for nothing 1+0)"


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
    assert result["milestones"]["diamond"] == 193 and result["shd"] == 0 and result["steps"] == 1106
    resources = result["resources"]
    assert list(resources)[0] == "mine_diamond_ore"  # the action that yields the goal comes first
    assert resources["mine_diamond_ore"] == SEED0_DIAMOND
    assert "gather_oak_log" in resources and "gather_stone" in resources
    assert not [a for a in resources if a.startswith(("craft_", "smelt_"))]  # they consume from the inventory
    assert SEED0_TEXT in " ".join(stdout.split())


def test_replay_counts_the_same_from_the_log_alone(seed0, tmp_path, capsys):
    folder, _ = seed0
    analysis = replay(folder)
    assert analysis.resources == json.loads((folder / "result.json").read_text())["resources"]
    assert analysis.consistent
    assert main(["replay", str(folder), "--no-report"]) == 0
    assert SEED0_TEXT in " ".join(capsys.readouterr().out.split())

    old = tmp_path / "old"  # a log from before result.json had resources: replay still counts them
    shutil.copytree(folder, old)
    result = json.loads((old / "result.json").read_text())
    del result["resources"]
    (old / "result.json").write_text(json.dumps(result))
    assert replay(old).resources["mine_diamond_ore"] == SEED0_DIAMOND and replay(old).consistent

    result["resources"] = {"mine_diamond_ore": {**SEED0_DIAMOND, "learning": 5}}  # a wrong figure is caught
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
        shown = console.export_text()  # mid-run: the yields not re-checked yet (a by-product still counts as items)
        assert "mine_diamond_ore 1+1 (items " in shown and "dug for nothing 1+0)" in shown
        run.checkpoint()
        saved = json.loads((run.folder / "checkpoint.json").read_text())
        taken = saved["controller"]["taken"]["mine_diamond_ore"]
        assert taken["learning"] == 1 and taken["spent"] == {"learning": 1}  # a resume keeps counting
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
    add(counts, "mine_x", LEARNING, {"dirt": 1}, spent=True)  # the target broke for nothing: a block all the same
    table = resource_table(counts, CausalGraph.from_relations([mine, craft], ["never_learned"]))
    assert table == {
        "mine_x": {
            "learning": 1,
            "pursuit": 0,
            "learning_items": 2,
            "pursuit_items": 0,
            "learning_spent": 1,
            "pursuit_spent": 0,
        }  # fmt: skip
    }  # items: not dirt
    assert blocks(table["mine_x"], LEARNING) == 2 and blocks(table["mine_x"], PURSUIT) == 0
    assert "mine_x 1+0 (items 2+0; dug for nothing 1+0)" in resource_text(table)
    assert resource_text({}) == "taken from the world before the goal: nothing"
    with pytest.raises(ValueError, match="phase"):
        add(counts, "mine_x", "learn_rest", {})
