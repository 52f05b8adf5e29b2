"""A run asked to use an LLM says whether it had one: ``result.json``'s ``llm.status`` (ok, degraded,
unavailable), a warning on screen and exit status 3 when no valid answer ever came (unless
``--llm-fallback offline``); an endpoint that cannot be reached at start is one error line. All through the
real openai SDK against the real local chat-completions server."""

from __future__ import annotations

import json
from pathlib import Path

from agent.cli import main
from agent.llm.status import LLMTally, failure_stage
from agent.runlog import read_events
from tests.support.llm_server import Scripted, ScriptedServer, first_then, oracle_script

SHORT = ["--max-steps", "150", "--no-picture", "--json", "--llm-retries", "0"]


def run_folder(out: Path) -> Path:
    (folder,) = [p for p in out.iterdir() if p.is_dir()]
    return folder


def comparable(events: list[dict]) -> list[dict]:
    return [{k: v for k, v in e.items() if k not in ("t", "wall")} for e in events]


def adam(argv: list[str], capsys) -> tuple[int, dict, str]:
    code = main(argv)
    captured = capsys.readouterr()
    return code, json.loads(captured.out), captured.err


def test_a_model_that_answers_is_ok(tmp_path, capsys):
    with ScriptedServer(oracle_script) as server:
        code, result, _ = adam(["run", "--llm", "openai:m", "--base-url", server.base_url, "--out", str(tmp_path),
                                *SHORT], capsys)  # fmt: skip
        assert server.model_lists == 1  # the start-up check: one cheap request
    llm = result["llm"]
    assert code == 1 and llm["status"] == "ok" and llm["reason"] == ""  # exit 1: the budget, not the LLM
    assert llm["calls"] == llm["answers"] > 0 and llm["failed_calls"] == llm["fallbacks"] == 0
    assert llm["tokens"] == llm["prompt_tokens"] + llm["completion_tokens"] > 0
    assert llm["calls"] == sum(u["calls"] for u in llm["usage"].values())


def test_refused_replies_and_a_fallback_are_degraded(tmp_path, capsys):
    script = first_then([Scripted("not JSON"), Scripted("still not")], oracle_script, "hypothesis")
    with ScriptedServer(script) as server:
        code, result, err = adam(["run", "--llm", "openai:m", "--base-url", server.base_url, "--out", str(tmp_path),
                                  *SHORT], capsys)  # fmt: skip
    llm = result["llm"]
    assert code == 1 and llm["status"] == "degraded"
    assert (llm["invalid_replies"], llm["fallbacks"], llm["failed_calls"]) == (2, 1, 0)
    assert llm["answers"] == llm["calls"] - 2 > 0
    assert "2 refused replies, 1 offline fallback(s)" in llm["reason"]
    assert "gave no valid answer" not in err


def test_a_model_that_never_answers_fails_the_run_with_exit_3_and_says_so(tmp_path, capsys):
    with ScriptedServer(lambda request: Scripted(status=503)) as server:
        code, result, err = adam(["run", "--llm", "openai:m", "--base-url", server.base_url, "--out",
                                  str(tmp_path / "a"), *SHORT], capsys)  # fmt: skip
        assert code == 3
        llm = result["llm"]
        assert llm["status"] == "unavailable" and llm["answers"] == 0 and llm["failed_calls"] == llm["calls"] == 5
        assert llm["fallbacks"] > 0 and "given up" in llm["reason"] and llm["fallback"] == "none"
        assert "gave no valid answer" in err and "offline agent" in err  # the warning on screen
        on_disk = json.loads((run_folder(tmp_path / "a") / "result.json").read_text())
        assert on_disk["llm"]["status"] == "unavailable"

        # opted in: the same run exits by its goal (here the budget: 1), still saying unavailable
        code, result, err = adam(["run", "--llm", "openai:m", "--base-url", server.base_url, "--out",
                                  str(tmp_path / "b"), *SHORT, "--llm-fallback", "offline"], capsys)  # fmt: skip
    assert code == 1 and result["llm"]["status"] == "unavailable" and result["llm"]["fallback"] == "offline"
    assert "gave no valid answer" in err

    # a replay keeps the recorded status, and its exit status
    folder = run_folder(tmp_path / "a")
    code, replayed, _ = adam(["run", "--replay-llm", str(folder), "--out", str(tmp_path / "r"), "--json"], capsys)
    assert code == 3 and replayed["llm"]["status"] == "unavailable"
    assert {k: v for k, v in replayed["llm"].items() if k != "usage"} == {k: v for k, v in llm.items() if k != "usage"}


def test_an_unreachable_endpoint_with_fallback_runs_offline_and_replays_the_same(tmp_path, capsys):
    argv = ["run", "--llm", "openai:m", "--base-url", "http://127.0.0.1:9/v1", "--llm-fallback", "offline"]
    code, result, err = adam([*argv, "--out", str(tmp_path / "a"), "--no-picture", "--json"], capsys)
    assert code == 0 and result["goal_reached"] and result["shd"] == 0  # the offline agent, honestly labelled
    llm = result["llm"]
    assert llm["status"] == "unavailable" and llm["calls"] == 0 and "cannot reach" in llm["reason"]
    assert "cannot reach the LLM endpoint" in err and "going on offline" in err
    folder = run_folder(tmp_path / "a")
    events, _ = read_events(folder / "events.jsonl")
    (down,) = [e for e in events if e["kind"] == "llm_unavailable"]
    assert down["at_start"] and down["failures"] == 0 and "Connection refused" in down["error"]
    assert [e["kind"] for e in events[:2]] == ["start", "llm_unavailable"]
    assert not any(e["kind"] in ("llm_call", "llm_failure", "llm_fallback") for e in events)

    code, replayed, _ = adam(["run", "--replay-llm", str(folder), "--out", str(tmp_path / "r"), "--json",
                              "--no-picture"], capsys)  # fmt: skip
    assert code == 0 and replayed["llm"]["status"] == "unavailable"
    again, _ = read_events(run_folder(tmp_path / "r") / "events.jsonl")
    assert comparable(again) == comparable(events)


def test_the_tally_counts_events_of_old_logs_too():
    tally = LLMTally()
    for kind, event in [
        ("llm_call", {"ok": True, "prompt_tokens": 10, "completion_tokens": 2}),
        ("llm_failure", {"role": "planner", "failure": "not_json", "error": "not_json: x"}),  # no `stage`
        ("llm_call", {"ok": False, "prompt_tokens": 5, "completion_tokens": 1}),
        ("llm_failure", {"role": "actor", "failure": "too_large", "error": "actor: reply too large: 9 bytes (limit"}),
        ("llm_call", {"ok": True, "prompt_tokens": 1, "completion_tokens": 1}),
    ]:
        tally.count(kind, event)
    assert (tally.calls, tally.answers, tally.failed_calls, tally.invalid_replies) == (3, 1, 1, 1)
    assert tally.status == "degraded"
    assert failure_stage({"failure": "too_large", "error": "too_large: 30000 characters (limit 20000)"}) == "reply"
    assert LLMTally().status == "ok"  # asked nothing, nothing failed


def test_resuming_a_run_whose_endpoint_is_gone_is_one_error_line_and_changes_nothing(tmp_path, capsys):
    from agent.run import RunConfig, new_run
    from bench.bad_inputs import snapshot

    with ScriptedServer(oracle_script) as server:
        run = new_run(RunConfig(out=str(tmp_path), llm="openai:m", base_url=server.base_url, picture=False))
        run.close()  # a run killed at its first checkpoint
    before = snapshot(run.folder)
    code = main(["run", "--resume", str(run.folder), "--quiet"])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("error: cannot reach the LLM endpoint") and "then resume" in err
    assert len(err.strip().splitlines()) == 1 and snapshot(run.folder) == before
