"""`adam bench`: the harness's tables agree with the per-run logs; the prior baseline fails where
the tree was changed."""

from __future__ import annotations

import json
import statistics
from pathlib import Path

import pytest

from agent.cli import main
from bench.harness.methods import Cell, run_cell
from bench.harness.tables import milestone_table, summarise


@pytest.mark.slow
def test_tables_match_the_run_logs_and_prior_fails_on_the_modified_tree(tmp_path):
    grouped = {}
    for method in ("ours", "prior"):
        for variant in ("original", "adam_modified"):
            grouped[(method, variant)] = [run_cell(Cell(method, variant, s, str(tmp_path))) for s in range(2)]
    summary = summarise(grouped)
    results = {k: [json.loads(Path(p, "result.json").read_text()) for p in v] for k, v in grouped.items()}
    ours = summary["ours"]["original"]
    steps = [r["milestones"]["diamond"] for r in results[("ours", "original")]]
    assert ours["milestones"]["diamond"]["reached"] == 2
    assert ours["milestones"]["diamond"]["step"]["mean"] == statistics.fmean(steps)
    assert ours["shd"]["zero"] == 2
    assert summary["prior"]["original"]["goal_reached"]["count"] == 2
    assert summary["prior"]["adam_modified"]["goal_reached"]["count"] == 0
    for r in results[("prior", "adam_modified")]:
        assert "craft_wooden_pickaxe" in r["end_reason"]  # where ADAM's modification bites
    rows = milestone_table(summary, "original")
    assert rows[0][:5] == ["method", "wooden tool", "stone tool", "iron tool", "diamond"]
    assert any(row[0] == "ADAM Parallel (paper, agent iterations)" and row[4] == "34±7" for row in rows)


def test_adam_bench_cli_writes_tables_json_and_plot(tmp_path):
    code = main(["bench", "--seeds", "1", "--methods", "ours,prior,ours_llm", "--variants", "original",
                 "--workers", "1", "--out", str(tmp_path), "--quiet"])  # fmt: skip
    assert code == 0
    (folder,) = list(tmp_path.iterdir())
    data = json.loads((folder / "results.json").read_text())
    assert data["skipped"] == ["ours_llm: not run (no --llm endpoint configured)"]
    assert set(data["summary"]) == {"ours", "prior"}
    assert (folder / "tables.md").read_text().count("## milestones original") == 1
    assert (folder / "diamond_steps.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.slow
def test_llm_methods_run_against_an_endpoint(tmp_path):
    from tests.support.llm_server import ScriptedServer, oracle_script

    with ScriptedServer(oracle_script) as server:
        code = main(["bench", "--seeds", "1", "--methods", "ours_llm,adam_llm", "--variants", "original",
                     "--workers", "1", "--out", str(tmp_path), "--quiet", "--llm", "openai:scripted",
                     "--base-url", server.base_url])  # fmt: skip
        asked = len(server.requests)
    assert code == 0 and asked > 0
    (folder,) = list(tmp_path.iterdir())
    summary = json.loads((folder / "results.json").read_text())["summary"]
    assert set(summary) == {"ours_llm:openai:scripted", "adam_llm:openai:scripted"}
    assert summary["ours_llm:openai:scripted"]["original"]["goal_reached"]["count"] == 1
