"""LLM cells are never labelled LLM results when the model never answered: such runs are marked in the
tables, results.json and the terminal, and kept out of the LLM method's figures; degraded runs are
counted. A real OpenAI-compatible server (tests/support/llm_server.py) answers, or a closed port."""

from __future__ import annotations

import json
import socket

from agent.cli import main
from bench.harness.tables import llm_status
from tests.support.llm_server import Scripted, ScriptedServer, first_then, oracle_script


def bench(tmp_path, base_url: str, *methods: str) -> int:
    grid = ["--seeds", "1", "--methods", ",".join(methods), "--variants", "original", "--workers", "1"]
    llm = ["--llm", "openai:scripted", "--base-url", base_url]
    return main(["bench", *grid, "--out", str(tmp_path), "--name", "b", *llm])


def test_runs_that_never_got_an_answer_are_not_an_llm_result(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "100")
    with ScriptedServer(lambda request: Scripted(content="no JSON here")) as server:
        assert bench(tmp_path, server.base_url, "ours", "ours_llm") == 0
        assert server.requests, "the model was asked"
    results = json.loads((tmp_path / "b" / "results.json").read_text())
    llm_row = results["summary"]["ours_llm:openai:scripted"]["original"]
    assert llm_row["n"] == 0, "the offline numbers of a run without an LLM answer are not averaged"
    assert llm_row["llm"] == {"asked": 1, "reached": 0, "ok": 0, "degraded": 0, "unavailable": 1,
                              "runs": {"ours_llm-scripted-original-s0": "unavailable"}}  # fmt: skip
    assert results["summary"]["ours"]["original"]["n"] == 1 and "llm" not in results["summary"]["ours"]["original"]
    milestones = results["tables"]["milestones original"]
    (row,) = [r for r in milestones if r[0] == "ours_llm:openai:scripted"]
    assert row[-1] == "0/1: not an LLM result" and row[4] == "- (0/0)"
    tables_md = (tmp_path / "b" / "tables.md").read_text()
    assert "| ours_llm:openai:scripted | original | - |" in tables_md
    assert "0/1 runs reached the model (not an LLM result" in tables_md
    out = capsys.readouterr().out
    assert "not an LLM result" in out and "0/1 runs reached the model" in out


def test_degraded_runs_are_counted_and_said(tmp_path):
    with ScriptedServer(first_then([Scripted(content="no JSON here")] * 2, oracle_script)) as server:
        assert bench(tmp_path, server.base_url, "ours_llm") == 0
    results = json.loads((tmp_path / "b" / "results.json").read_text())
    agg = results["summary"]["ours_llm:openai:scripted"]["original"]
    assert agg["n"] == 1 and agg["llm"]["degraded"] == 1 and agg["llm"]["reached"] == 1
    (row,) = [r for r in results["tables"]["graph"] if r[0] == "ours_llm:openai:scripted"]
    assert row[-1] == "1/1, 1 degraded"
    assert any("1 degraded (some LLM calls failed" in note for note in results["notes"])


def test_an_endpoint_that_cannot_be_reached_is_one_error_line_and_no_folder(tmp_path, capsys):
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    assert bench(tmp_path, f"http://127.0.0.1:{port}/v1", "ours", "ours_llm") == 2
    err = capsys.readouterr().err
    assert err.count("error:") == 1 and "cannot reach the LLM endpoint" in err and "Traceback" not in err
    assert not list(tmp_path.iterdir())


def test_results_written_before_the_status_field_are_read_from_their_usage(tmp_path):
    def result(usage: dict, failures: dict) -> str:
        folder = tmp_path / f"run{len(list(tmp_path.iterdir()))}"
        folder.mkdir()
        (folder / "result.json").write_text(json.dumps({"llm": {"usage": usage, "failures": failures}}))
        return str(folder)

    never = result({"hypothesis": {"calls": 5, "failures": 5}}, {"hypothesis:transport": 20})
    assert llm_status(never) == "unavailable"
    assert llm_status(result({"planner": {"calls": 3, "failures": 1}}, {"planner:not_json": 1})) == "degraded"
    assert llm_status(result({"planner": {"calls": 3, "failures": 0}}, {})) == "ok"
    offline = tmp_path / "offline"
    offline.mkdir()
    (offline / "result.json").write_text(json.dumps({"llm": {}}))
    assert llm_status(offline) is None
