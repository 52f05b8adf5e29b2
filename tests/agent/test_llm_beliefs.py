"""The LLM as a source of beliefs before trials (issue 18): the ``belief`` role is asked what each action needs and
yields at the start of a run; its beliefs steer learning like a prior file's, every one verified by do()-tests, and
a model whose beliefs keep being refuted stops steering. Real runs of the simulator against a real local
OpenAI-compatible server with scripted replies (a model that knows Minecraft 1.19, or one that is sure and wrong)."""

from __future__ import annotations

import json

import pytest

from agent.llm.beliefs import BELIEFS_FILE
from agent.llm.replies import ReplyError, parse_belief
from agent.run import RunConfig, new_run
from agent.runlog import read_events
from causal_graph.graph import CausalGraph
from env.prior import minecraft_relations
from tests.support.llm_server import ScriptedServer, knowing_script, role_of

ITEMS = {"oak_log", "oak_planks", "crafting_table", "stick", "wooden_pickaxe"}


def test_a_belief_reply_is_checked_against_the_games_items():
    reply = parse_belief('{"consumed": {"oak_planks": 3, "stick": 2}, "held": ["crafting_table"], '
                         '"yields": {"wooden_pickaxe": 1}}', ITEMS)  # fmt: skip
    assert reply.consumed == {"oak_planks": 3, "stick": 2} and reply.held == ("crafting_table",)
    assert parse_belief('{"unknown": true}', ITEMS) is None
    bad = {
        '{"consumed": {}, "held": ["diamond"], "yields": {"stick": 4}}': "unknown_item",
        '{"consumed": {"oak_planks": 2}, "held": [], "yields": {}}': "empty",
        '{"consumed": {"stick": 1}, "held": ["stick"], "yields": {"oak_planks": 1}}': "wrong_shape",
        '{"unknown": false}': "wrong_shape",
        '{"consumed": {}, "held": [], "yields": {"stick": 4}, "why": "x"}': "wrong_shape",
        "a stick needs planks": "not_json",
    }
    for text, kind in bad.items():
        with pytest.raises(ReplyError) as err:
            parse_belief(text, ITEMS)
        assert err.value.kind == kind, text


def _run(tmp_path, script, variant="original", **extra):
    with ScriptedServer(script) as server:
        config = RunConfig(
            variant=variant, out=str(tmp_path), picture=False, llm="openai:scripted", base_url=server.base_url,
            llm_roles=("belief",), **extra,
        )  # fmt: skip
        result = new_run(config).loop()
        asked = [r for r in server.requests if role_of(r) == "belief"]
    events, _ = read_events(result.run_dir / "events.jsonl")
    return result, events, asked


def test_a_model_that_knows_the_game_steers_learning_to_the_diamond(tmp_path):
    result, events, asked = _run(tmp_path, knowing_script(minecraft_relations()))
    assert len(asked) == 41  # every action asked once, at the start
    (summary,) = [e for e in events if e["kind"] == "beliefs"]
    assert summary["source"] == "llm" and summary["believed"] == 41
    saved = CausalGraph.load(result.run_dir / BELIEFS_FILE)

    def shape(rel):  # what a belief can say: no alternatives, no yield ranges
        return {i: (n.quantity, n.consumed) for i, n in rel.needs.items()}, dict(rel.yields)

    assert {r.action: shape(r) for r in saved.relations()} == {r.action: shape(r) for r in minecraft_relations()}
    beliefs = [e for e in events if e["kind"] == "belief"]
    assert beliefs and {e["source"] for e in beliefs} == {"llm"}
    assert all(e["outcome"] == "confirmed" for e in beliefs)
    out = result.to_json()
    assert out["milestones"]["diamond"] <= 60, out["milestones"]  # as with the prior file; offline: ~650 steps
    assert out["shd"] == 0  # nothing entered the graph unverified: the whole tree is learned as always


def test_a_model_that_is_sure_and_wrong_stops_steering_and_the_run_still_gets_there(tmp_path):
    result, events, _ = _run(tmp_path, knowing_script(minecraft_relations(), wrong=lambda action: True))
    refuted = [e for e in events if e["kind"] == "belief" and e["outcome"] == "refuted"]
    assert 3 <= len(refuted) <= 4 and all(e["source"] == "llm" and e["differences"] for e in refuted)
    (distrust,) = [e for e in events if e["kind"] == "beliefs_distrusted"]
    assert distrust["source"] == "llm" and distrust["refuted"] == 3
    out = result.to_json()
    assert "diamond" in out["milestones"] and out["shd"] == 0


def test_beliefs_are_read_again_on_resume_not_asked_again(tmp_path):
    result, _, _ = _run(tmp_path, knowing_script(minecraft_relations()), max_steps=40)
    folder = result.run_dir
    assert json.loads((folder / BELIEFS_FILE).read_text())["relations"]
    from agent.run import resume_run

    (folder / "result.json").unlink()  # as if killed before the end: resume redoes the finish
    with ScriptedServer(knowing_script(minecraft_relations())) as server:
        config = json.loads((folder / "config.json").read_text())
        assert config["llm_roles"] == ["belief"]
        run = resume_run(folder)
        assert run.learner.beliefs is not None and run.learner.belief_source("craft_planks") == "llm"
        run.close()
        assert not [r for r in server.requests if role_of(r) == "belief"]


def test_in_the_obfuscated_world_the_model_is_asked_in_its_names_and_steers_nothing(tmp_path):
    with ScriptedServer(knowing_script(minecraft_relations())) as server:
        config = RunConfig(
            variant="obfuscated", out=str(tmp_path), picture=False, llm="openai:scripted", base_url=server.base_url,
            llm_roles=("belief",), max_steps=60,
        )  # fmt: skip
        result = new_run(config).loop()
        prompts = json.dumps([r["messages"] for r in server.requests])
    for name in ("diamond", "oak_log", "pickaxe", "crafting_table", "iron"):
        assert name not in prompts
    events, _ = read_events(result.run_dir / "events.jsonl")
    (summary,) = [e for e in events if e["kind"] == "beliefs"]
    assert (summary["believed"], summary["unknown"]) == (0, 41)  # it knows none of these names: no belief
    assert not [e for e in events if e["kind"] == "belief"]
