"""The LLM layer through the real openai SDK against a real local chat-completions server."""

from __future__ import annotations

import json
import os
import random
from pathlib import Path

import pytest

from agent.cli import main
from agent.llm.client import LLMError, OpenAIClient, UsageBook
from agent.llm.prompts import ROLES, render
from agent.llm.recording import RecordingClient
from agent.llm.roles import LLMChooser, LLMPlanner, LLMProposer
from agent.planner import PlanStep
from agent.runlog import read_events
from causal_graph import CausalGraph, CausalRelation
from env.interface import Transition
from tests.support.llm_server import Scripted, ScriptedServer, oracle_script

SECRET = "sk-test-DO-NOT-LOG-4242"


def run_folder(out: Path) -> Path:
    (folder,) = [p for p in out.iterdir() if p.is_dir()]
    return folder


def comparable(events: list[dict]) -> list[dict]:
    """Events without the timing fields (t, wall, latency is recorded and replayed as is)."""
    return [{k: v for k, v in e.items() if k not in ("t", "wall")} for e in events]


@pytest.mark.slow
def test_full_run_with_llm_proposer_planner_actor_reaches_diamond(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    out = tmp_path / "rec"
    with ScriptedServer(oracle_script) as server:
        code = main(["run", "--llm", "openai:scripted", "--base-url", server.base_url, "--out", str(out),
                     "--json", "--no-picture", "--seed", "2"])  # fmt: skip
    assert code == 0
    result = json.loads(capsys.readouterr().out)
    assert result["goal_reached"] and result["shd"] == 0
    usage = result["llm"]["usage"]
    assert {"hypothesis", "planner", "actor"} <= set(usage)
    assert all(u["calls"] > 0 and u["prompt_tokens"] > 0 for u in usage.values())
    folder = run_folder(out)
    events, _ = read_events(folder / "events.jsonl")
    calls = [e for e in events if e["kind"] == "llm_call"]
    assert len(calls) == sum(u["calls"] for u in usage.values())
    assert {e["source"] for e in events if e["kind"] == "hypothesis"} == {"llm"}
    assert any(e["kind"] == "plan" and e["source"] == "llm" for e in events)
    for path in folder.rglob("*"):
        assert SECRET not in path.read_text(errors="ignore"), f"the API key leaked into {path}"

    # replay without any server: the same events, LLM replies from the recording
    replay_out = tmp_path / "replay"
    code = main(["run", "--replay-llm", str(folder), "--out", str(replay_out), "--json", "--no-picture"])
    assert code == 0
    replayed, _ = read_events(run_folder(replay_out) / "events.jsonl")
    assert comparable(replayed) == comparable(events)


def test_malformed_hypotheses_fall_back_to_offline_and_are_counted(tmp_path, capsys):
    def script(request):
        if '"adam:hypothesis' in json.dumps(request) or "adam:hypothesis" in str(request):
            return Scripted("this is not JSON at all")
        return oracle_script(request)

    with ScriptedServer(script) as server:
        code = main(["run", "--llm", "openai:m", "--base-url", server.base_url, "--out", str(tmp_path),
                     "--json", "--no-picture", "--llm-roles", "hypothesis"])  # fmt: skip
    result = json.loads(capsys.readouterr().out)
    assert result["goal_reached"] and result["shd"] == 0
    # not one reply was usable: the offline agent did it all, and the run says so (exit 3)
    assert code == 3 and result["llm"]["status"] == "unavailable" and result["llm"]["answers"] == 0
    failures = result["llm"]["failures"]
    assert failures["hypothesis:not_json"] == 2 * failures["hypothesis:fallback"] > 0
    assert result["llm"]["invalid_replies"] == failures["hypothesis:not_json"]
    events, _ = read_events(run_folder(tmp_path) / "events.jsonl")
    assert sum(e["kind"] == "hypothesis_fallback" for e in events) == failures["hypothesis:fallback"]


def test_retries_are_bounded_on_429(monkeypatch):
    with ScriptedServer(lambda request: Scripted(status=429)) as server:
        client = OpenAIClient("m", server.base_url, timeout=2, max_retries=2, sleep=lambda s: None)
        with pytest.raises(LLMError, match="3 attempts"):
            client.complete("planner", [{"role": "user", "content": "hi"}])
        assert len(server.requests) == 3
    with ScriptedServer(lambda request: Scripted(status=400)) as server:
        client = OpenAIClient("m", server.base_url, timeout=2, max_retries=2, sleep=lambda s: None)
        with pytest.raises(LLMError, match="not retried"):
            client.complete("planner", [{"role": "user", "content": "hi"}])
        assert len(server.requests) == 1


def test_every_prompt_renders_and_a_missing_field_raises():
    assert "adam" not in render("planner", goal="g", quantity=1, inventory="{}", relations="")
    with pytest.raises(KeyError):
        render("planner", goal="g")
    assert set(ROLES) >= {"hypothesis", "planner", "actor"}


def hostile_replies(rng: random.Random) -> list[Scripted]:
    big = "x" * 200_000
    kinds = [
        Scripted("garbage"), Scripted(""), Scripted("{"), Scripted('{"steps": [["gather_oak_log", 1]'),
        Scripted("[1, 2, 3]"), Scripted("42"), Scripted("null"), Scripted('"a string"'),
        Scripted(json.dumps({"steps": [["fly_to_moon", 1]]})),
        Scripted(json.dumps({"steps": [["gather_oak_log", -3]]})),
        Scripted(json.dumps({"steps": [["gather_oak_log", True]]})), Scripted(json.dumps({"steps": "all of them"})),
        Scripted(json.dumps({"action": "rm -rf /"})), Scripted(json.dumps({"action": 7})),
        Scripted(json.dumps({"consumed": {"unobtainium": 1}, "held": [], "effects": {}})),
        Scripted(json.dumps({"consumed": {"oak_log": 10**9}, "held": [], "effects": {}})),
        Scripted(json.dumps({"consumed": [], "held": "pickaxe", "effects": 3})),
        Scripted(json.dumps({"held": [None, {"a": 1}]})), Scripted("```json\n{\"action\": \"nope\"}\n```"),
        Scripted(big), Scripted(json.dumps({"action": big})), Scripted("{" * 5000 + "}" * 5000),
        Scripted(status=429), Scripted(status=500), Scripted(status=503), Scripted(status=400), Scripted(status=404),
        Scripted(body=b"<html>not json</html>"), Scripted(body=b'{"choices": []}'), Scripted(body=b'{"choices": [{}]}'),
        Scripted(body=b"\xff\xfe\x00garbage"),
    ]  # fmt: skip
    replies = [rng.choice(kinds) for _ in range(1_000)]
    for i in range(0, 1_000, 200):
        replies[i] = Scripted(json.dumps({"action": "gather_oak_log"}), delay=0.5)  # past the client time-out
    return replies


@pytest.mark.slow
def test_fuzz_a_thousand_hostile_replies_never_crash_and_are_counted():
    rng = random.Random(0)
    replies = hostile_replies(rng)
    queue = iter(replies)
    events: list[tuple[str, dict]] = []

    def emit(kind: str, **data):
        events.append((kind, data))

    graph = CausalGraph.from_relations([CausalRelation("gather_oak_log", {}, {"oak_log": 1})])
    sample = Transition(1, "gather_oak_log", {}, {"oak_log": 1}, {}, {"oak_log": 1}, True, "ok")
    step = PlanStep("gather_oak_log", 1, "oak_log")
    with ScriptedServer(lambda request: next(queue, Scripted("{}"))) as server:
        inner = OpenAIClient("m", server.base_url, timeout=0.25, max_retries=1, backoff=0.0)
        client = RecordingClient(inner, emit, UsageBook())
        proposer, planner, chooser = LLMProposer(client, emit), LLMPlanner(client, emit), LLMChooser(client, emit)
        asked = 0
        while len(server.requests) < len(replies):
            asked += 1
            which = asked % 3
            if which == 0:
                hyp = proposer.propose("gather_oak_log", [sample], [])
                assert hyp is None or set(hyp.effects) == {"oak_log"}
            elif which == 1:
                plan = planner.plan(graph, "oak_log", {})
                assert plan is not None and [s.action for s in plan.steps] == ["gather_oak_log"]
            else:
                choice = chooser.choose(step, None, "", "", ("gather_oak_log", "move_forward"), "gather_oak_log")
                assert choice in ("gather_oak_log", "move_forward")
        calls = [d for k, d in events if k == "llm_call"]
        assert len(server.requests) >= 1_000
        assert sum(1 for d in calls if not d["ok"]) > 50  # transport failures logged as failed calls
        failures = [d for k, d in events if k == "llm_failure"]
        fallbacks = [d for k, d in events if k == "llm_fallback"]
        assert len(failures) > 500 and fallbacks
        assert all(f["attempt"] <= 2 for f in failures)  # bounded retries per question
        kinds = {f["failure"] for f in failures}
        assert {"not_json", "unknown_action", "unknown_item", "bad_count", "wrong_shape", "too_large"} <= kinds
        assert "transport" in kinds
    assert os.environ.get("OPENAI_API_KEY", "") not in json.dumps([d for _, d in events]) or not os.environ.get(
        "OPENAI_API_KEY"
    )


def test_obfuscated_prompts_carry_no_minecraft_names(tmp_path, capsys):
    with ScriptedServer(oracle_script) as server:
        code = main(["run", "--llm", "openai:m", "--base-url", server.base_url, "--out", str(tmp_path),
                     "--json", "--no-picture", "--variant", "obfuscated"])  # fmt: skip
        prompts = json.dumps([r["messages"] for r in server.requests])
    assert code == 0 and json.loads(capsys.readouterr().out)["goal_reached"]
    for name in ("diamond", "oak_log", "pickaxe", "crafting_table", "iron"):
        assert name not in prompts


@pytest.mark.slow
def test_a_dead_endpoint_is_given_up_and_the_run_still_reaches_diamond(tmp_path, capsys):
    with ScriptedServer(lambda request: Scripted(status=503)) as server:
        code = main(["run", "--llm", "openai:m", "--base-url", server.base_url, "--out", str(tmp_path),
                     "--json", "--no-picture", "--llm-retries", "1", "--llm-timeout", "2",
                     "--llm-fallback", "offline"])  # fmt: skip
        asked = len(server.requests)
    result = json.loads(capsys.readouterr().out)
    assert code == 0 and result["goal_reached"] and result["shd"] == 0  # exit 3 without --llm-fallback offline
    assert result["llm"]["status"] == "unavailable"
    assert asked == 5 * 2  # five calls, each tried twice, then the endpoint is given up
    events, _ = read_events(run_folder(tmp_path) / "events.jsonl")
    assert sum(e["kind"] == "llm_unavailable" for e in events) == 1
