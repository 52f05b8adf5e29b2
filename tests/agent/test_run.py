"""`adam run`: from nothing to a diamond offline, the run folder, bad input."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from agent.cli import main
from agent.run import RunConfig, new_run
from agent.runlog import read_events

VARIANTS = ["original", "adam_modified", "obfuscated"] + [f"random:{k}" for k in range(5)]


# the fast lane (-m "not slow") runs seed 0 of the original game (tests/causal_graph covers every variant there)
@pytest.mark.parametrize("variant", [VARIANTS[0], *(pytest.param(v, marks=pytest.mark.slow) for v in VARIANTS[1:])])
@pytest.mark.parametrize("seed", [0, *(pytest.param(seed, marks=pytest.mark.slow) for seed in range(1, 10))])
def test_reaches_diamond_from_nothing(tmp_path, variant, seed):
    result = new_run(RunConfig(variant=variant, seed=seed, out=str(tmp_path), picture=False)).loop()
    assert result.goal_reached, result.end_reason
    assert result.score["shd"] == 0
    # after the goal, alternatives are looked for for every cause: all of them, and nothing else
    assert result.score["alternatives_found"] == result.score["alternatives_total"] > 0
    assert result.score["alternatives_extra"] == 0
    assert list(result.milestones)[-1] == "diamond"
    assert result.milestones["diamond"]["step"] <= result.steps


def test_cli_json_and_run_folder(tmp_path, capsys):
    code = main(["run", "--seed", "3", "--out", str(tmp_path), "--json"])
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    for key in ("goal_reached", "shd", "steps", "milestones", "interventions", "run_dir"):
        assert key in out
    assert out["goal_reached"] and out["shd"] == 0 and "diamond" in out["milestones"]
    folder = tmp_path / out["run_dir"].split("/")[-1]
    for name in ("config.json", "events.jsonl", "graph.json", "checkpoint.json", "graph.png", "result.json"):
        assert (folder / name).exists(), name
    events, problems = read_events(folder / "events.jsonl")
    assert not problems
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
    kinds = {e["kind"] for e in events}
    assert {"transition", "intervention", "hypothesis", "plan", "milestone", "goal", "end"} <= kinds
    steps = [e["step"] for e in events if e["kind"] == "transition"]
    assert steps == list(range(1, out["steps"] + 1))


def test_two_goals_reuse_the_graph(tmp_path):
    result = new_run(RunConfig(goals=("diamond", "golden_sword"), out=str(tmp_path), picture=False)).loop()
    assert result.goal_reached


def test_unknown_goal_is_a_clear_error(tmp_path, capsys):
    code = main(["run", "--goal", "unobtainium", "--out", str(tmp_path), "--quiet"])
    assert code == 2
    assert "adam items" in capsys.readouterr().err


def test_unreachable_goal_ends_saying_why_with_logs_intact(tmp_path):
    # blackstone is an item (a furnace ingredient alternative) but nothing in this world yields it
    run = new_run(RunConfig(goals=("blackstone",), out=str(tmp_path), picture=False))
    result = run.loop()
    assert not result.goal_reached
    assert "unreachable: no learned action yields blackstone; every action has been tried" in result.end_reason
    events, problems = read_events(result.run_dir / "events.jsonl")
    assert not problems and events[-1]["kind"] == "end"
    assert json.loads((result.run_dir / "checkpoint.json").read_text())["controller"]["phase"] == "done"


def test_adam_items_lists_items():
    out = subprocess.run([sys.executable, "-m", "agent.cli", "items"], capture_output=True, text=True, check=True)
    assert "diamond" in out.stdout and "oak_log" in out.stdout


def test_json_is_pure_json_when_a_warning_fires(tmp_path, capsys):
    code = main(["run", "--goal", "blackstone", "--out", str(tmp_path), "--json", "--no-picture"])
    captured = capsys.readouterr()
    assert code == 1 and not json.loads(captured.out)["goal_reached"]  # stdout is one JSON document
    assert "unreachable" in captured.err  # the warning went to stderr


def test_logs_go_to_stderr_and_http_client_chatter_is_off(tmp_path, capsys):
    from tests.support.llm_server import ScriptedServer, oracle_script

    args = ["run", "--llm", "openai:m", "--llm-roles", "hypothesis", "--max-steps", "30", "--no-picture"]
    with ScriptedServer(oracle_script) as server:
        main([*args, "--base-url", server.base_url, "--out", str(tmp_path / "a")])
        plain = capsys.readouterr()
        main(["-v", *args, "--base-url", server.base_url, "--out", str(tmp_path / "b")])
        verbose = capsys.readouterr()
        assert server.requests  # the client did talk to the server
    assert "HTTP Request" not in plain.out + plain.err
    # results (the table, the summary lines) on stdout; the live view and the logs on stderr
    assert "run folder:" in plain.out and "run folder:" not in plain.err
    assert "DEBUG" in verbose.err and "DEBUG" not in verbose.out


def test_samples_at_their_limit_reach_diamond_on_the_seed_that_needs_most(tmp_path):
    # seed 2 is the first to run out of reachable trees above the limit (48 samples end "diamond unreachable")
    result = new_run(RunConfig(seed=2, samples=32, out=str(tmp_path), picture=False)).loop()
    assert result.goal_reached and result.score["shd"] == 0


@pytest.mark.parametrize("budget", [1, 100, 157])
def test_the_step_budget_is_exact(tmp_path, budget):
    # a discovery or a plan step used to run past the budget (--max-steps 100 ended at step 108)
    result = new_run(RunConfig(max_steps=budget, out=str(tmp_path), picture=False)).loop()
    assert result.steps == budget and not result.goal_reached
    assert result.end_reason.startswith(f"step budget exhausted ({budget} step")
    assert " while learning " in result.end_reason or " after learning " in result.end_reason  # what it was doing
    events, problems = read_events(result.run_dir / "events.jsonl")
    assert not problems and events[-1]["kind"] == "end" and events[-1]["step"] == budget
    assert [e["step"] for e in events if e["kind"] == "transition"] == list(range(1, budget + 1))


def test_a_goal_made_by_the_last_step_in_the_budget_counts(tmp_path):
    reached = new_run(RunConfig(out=str(tmp_path / "a"), picture=False, goals=("stick",))).loop()
    at = next(e["step"] for e in read_events(reached.run_dir / "events.jsonl")[0] if e["kind"] == "goal")
    result = new_run(RunConfig(out=str(tmp_path / "b"), picture=False, goals=("stick",), max_steps=at)).loop()
    assert result.goal_reached and result.steps == at, result.end_reason


def test_a_live_run_that_cannot_start_leaves_no_folder(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("ADAM_TEST_PRETEND_MISSING", "bridge")
    code = main(["live", "--out", str(tmp_path / "out" / "runs"), "--quiet", "--max-steps", "5"])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("error: ") and len(err.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []  # neither the run folder nor the --out folders above it


@pytest.mark.live
def test_a_live_run_against_no_server_leaves_no_folder(tmp_path, capsys):
    code = main(["live", "--host", "127.0.0.1", "--port", "1", "--out", str(tmp_path / "out"), "--quiet"])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("error: ") and "127.0.0.1:1" in err and len(err.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []
