"""`adam replay` / `adam diff` on faulty logs: duplicated and out-of-order event numbers, a binary log,
the live game's restart events (hand-made logs) and lost transitions, and two runs that name things
differently."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from replay_helpers import command, copy_run

from agent.replay.analysis import PHASES, replay
from agent.replay.checks import llm_usage
from agent.replay.diff import diff_runs
from agent.replay.report import write_report
from agent.run import RunConfig, new_run


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Two real runs (about 1.5 s each), the same seed: name -> (run folder, RunResult)."""
    out = tmp_path_factory.mktemp("runs")
    made = {}
    for name, variant in (("original", "original"), ("obfuscated", "obfuscated")):
        result = new_run(RunConfig(variant=variant, seed=0, out=str(out), name=name, picture=False)).loop()
        made[name] = (result.run_dir, result)
    return made


def log_lines(folder: Path) -> list[str]:
    return (folder / "events.jsonl").read_text().splitlines()


def write_lines(folder: Path, lines: list[str]) -> None:
    (folder / "events.jsonl").write_text("\n".join(lines) + "\n")


def test_clean_run_has_no_lost_transition(runs):
    analysis = replay(runs["original"][0])
    t = analysis.transitions
    assert t["contiguous"] and t["count"] == t["last"] == runs["original"][1].steps
    assert t["lost"] == t["repeated"] == [] and analysis.restarts == []


# ------------------------------------------------------------------------------ event numbers
def test_a_thousand_duplicated_events_are_one_problem_and_change_nothing(runs, tmp_path):
    folder = copy_run(runs, "original", tmp_path)
    lines = log_lines(folder)
    write_lines(folder, lines[:2000] + lines[1000:2000] + lines[2000:])  # 1,000 lines written twice
    analysis = replay(folder)
    duplicated = [p for p in analysis.problems if "duplicated" in p]
    assert len(duplicated) == 1 and "1,000 duplicated event numbers (seq 1001, 1002, 1003" in duplicated[0]
    assert "exact copies ignored" in duplicated[0]
    # the copies are analysed once: the same graph, counts and milestones as the run
    assert analysis.consistent and analysis.checks == [] and analysis.graph_check.equal
    assert analysis.transitions["contiguous"]
    assert sum(analysis.phases[p]["interventions"] for p in PHASES) == runs["original"][1].interventions
    code, out = command(["replay", str(folder), "--no-report"])
    assert code == 0 and out.count("duplicated event numbers") == 1


def test_different_events_sharing_a_number_are_kept_and_flagged(runs, tmp_path):
    folder = copy_run(runs, "original", tmp_path)
    lines = log_lines(folder)
    clash = json.loads(lines[40])
    clash["t"] += 1e-3  # not a copy of the line: another event with the same number
    write_lines(folder, lines[:41] + [json.dumps(clash)] + lines[41:])
    problems = replay(folder).problems
    assert any("1 duplicated event numbers (seq 41)" in p and "different events kept" in p for p in problems)


def test_events_out_of_order_are_flagged_and_analysed_in_order(runs, tmp_path):
    folder = copy_run(runs, "original", tmp_path)
    lines = log_lines(folder)
    moved = lines[500:700]
    write_lines(folder, lines[:500] + lines[700:] + moved)  # a block of 200 events moved to the end
    analysis = replay(folder)
    late = [p for p in analysis.problems if "out of order" in p]
    assert len(late) == 1 and "200 events out of order (seq 501 after" in late[0]
    assert not any("missing" in p for p in analysis.problems)
    assert analysis.consistent and analysis.graph_check.equal and analysis.transitions["contiguous"]


def test_many_gaps_are_one_problem(runs, tmp_path):
    folder = copy_run(runs, "original", tmp_path)
    lines = log_lines(folder)
    kept = [line for i, line in enumerate(lines) if i < 10 or i % 2]  # every other event lost
    write_lines(folder, kept)
    gaps = [p for p in replay(folder).problems if "missing" in p]
    assert len(gaps) == 1 and "events missing in" in gaps[0] and "gaps (events 11, 13, 15, 17, 19, …)" in gaps[0]


# ------------------------------------------------------------------------------ damaged lines
def test_a_binary_log_is_summarised_in_a_few_lines(runs, tmp_path, capsys):
    folder = copy_run(runs, "original", tmp_path)
    (folder / "events.jsonl").write_bytes(random.Random(0).randbytes(400_000))
    analysis = replay(folder)
    damaged = len(analysis.run.damaged_lines)
    assert damaged > 1000  # one per line: every line is damaged
    corrupt = [p for p in analysis.problems if "corrupt" in p]
    assert len(corrupt) == 1 and f"{damaged - 1:,} corrupt lines (lines 1, 2, 3, 4, 5, …); the first: " in corrupt[0]
    assert len(analysis.problems) <= 3  # the summary, the truncated last line, at most one more
    code, out = command(["replay", str(folder), "--no-report"])
    assert code == 1 and len(out.splitlines()) < 60, out  # a page, not thousands of lines
    assert "transitions: none in the log" in out and "more differences (replay --json lists them all)" in out
    code, _ = command(["replay", str(folder), "--no-report", "--json"])
    printed = json.loads(capsys.readouterr().out)
    assert len(printed["damaged_lines"]) == damaged and printed["problems"] == analysis.problems
    page = write_report(analysis, tmp_path / "report").read_text()
    assert page.count("<li>") < 60


def test_a_few_damaged_lines_are_listed_one_by_one(runs, tmp_path):
    folder = copy_run(runs, "original", tmp_path)
    lines = log_lines(folder)
    for index in (100, 200):
        lines[index] = lines[index][:20] + "#garbage"
    write_lines(folder, lines)
    problems = replay(folder).problems
    assert sum("corrupt line" in p for p in problems) == 2
    assert any("line 101: corrupt line" in p for p in problems)


# ------------------------------------------------------------------------------ live restarts
def restart(what: str, during: str, step: int) -> dict:
    return {"kind": "restart", "t": 0.0, "what": what, "during": during, "step": step,
            "error": f"BridgeCrashed: the {what} died"}  # fmt: skip


def with_restarts(runs, tmp_path: Path) -> tuple[Path, list[dict]]:
    """The run's log with restarts inserted as the run logs them (``step``: the steps done; one during a
    step comes right before that step's transition): the bot during an intervention's reset and during
    step 300, the local server during an observation; renumbered 1, 2, 3, ..."""
    folder = copy_run(runs, "original", tmp_path)
    events = [json.loads(line) for line in log_lines(folder)]
    first_do = next(i for i, e in enumerate(events) if e["kind"] == "reset" and (e["options"] or {}).get("inventory"))
    mid = next(i for i, e in enumerate(events) if e["kind"] == "transition" and e["step"] == 300)
    late = next(i for i, e in enumerate(events) if e["kind"] == "transition" and e["step"] == 600)
    inserted = [(late + 1, restart("server", "observe", 600)), (mid, restart("bot", "step", 299)),
                (first_do, restart("bot", "reset", 0))]  # fmt: skip
    for index, event in inserted:  # from the end, so the indices stay right
        events.insert(index, event)
    write = [json.dumps({**e, "seq": i}) for i, e in enumerate(events, start=1)]
    write_lines(folder, write)
    return folder, events


def test_restarts_are_counted_and_listed_and_no_transition_is_lost(runs, tmp_path, capsys):
    folder, _ = with_restarts(runs, tmp_path)
    analysis = replay(folder)
    assert analysis.restart_counts == {"bot": 2, "server": 1}
    assert [(r["what"], r["during"], r["step"]) for r in analysis.restarts] == [
        ("bot", "reset", 0),
        ("bot", "step", 299),
        ("server", "observe", 600),
    ]
    assert analysis.transitions["contiguous"] and analysis.problems == []
    # restarts happen inside a step, reset or observation: phases and counts are those of the run
    clean = replay(runs["original"][0])
    assert analysis.phases == clean.phases and analysis.spans == clean.spans and analysis.consistent
    code, out = command(["replay", str(folder), "--no-report"])
    assert code == 0
    assert "3 restarts (bot 2, server 1)" in out and "no lost transition" in out
    assert "restart: bot during step after step 299 (BridgeCrashed: the bot died)" in out
    command(["replay", str(folder), "--no-report", "--json"])
    printed = json.loads(capsys.readouterr().out)
    assert printed["restarts"]["count"] == {"bot": 2, "server": 1} and len(printed["restarts"]["events"]) == 3
    assert printed["transitions"]["contiguous"] is True
    page = write_report(analysis, tmp_path / "report").read_text()
    assert "restarts: bot x2, server x1" in page and "restart: server during observe after step 600" in page
    assert "no lost transition" in page


def test_a_transition_lost_around_a_restart_is_reported(runs, tmp_path):
    folder, events = with_restarts(runs, tmp_path)
    lost = [i for i, e in enumerate(events) if e["kind"] == "transition" and e["step"] in (300, 301)]
    kept = [e for i, e in enumerate(events) if i not in lost]
    write_lines(folder, [json.dumps({**e, "seq": i}) for i, e in enumerate(kept, start=1)])
    analysis = replay(folder)
    assert not analysis.transitions["contiguous"] and analysis.transitions["lost"] == [[300, 301]]
    code, out = command(["replay", str(folder), "--no-report"])
    assert "lost steps 300..301 (2)" in out
    page = write_report(analysis, tmp_path / "report").read_text()
    assert "lost steps 300..301 (2)" in page


# ------------------------------------------------------------------------------ diff, names
def test_diff_of_runs_with_different_names_says_so_once(runs, capsys):
    a, b = replay(runs["original"][0]), replay(runs["obfuscated"][0])
    diff = diff_runs(a, b)
    assert diff["warning"] == (
        "the runs use different item names (original vs obfuscated, 0 of 83 names shared): "
        "edges cannot be compared by name"
    )
    assert diff["names"]["same"] is False and diff["names"]["shared"] == 0
    assert diff["graph"]["compared"] is False and diff["graph"]["equal"] is None
    assert diff["graph"]["only_a"] == diff["graph"]["only_b"] == []
    assert diff["graph"]["edges"][0] == diff["graph"]["edges"][1] > 100  # the same shape, other names
    code, out = command(["diff", str(runs["original"][0]), str(runs["obfuscated"][0])])
    assert code == 0
    assert out.lstrip().startswith("warning: the runs use different item names (original vs obfuscated")
    assert "only in A" not in out and "only in B" not in out
    command(["diff", str(runs["original"][0]), str(runs["obfuscated"][0]), "--json"])
    assert json.loads(capsys.readouterr().out)["warning"] == diff["warning"]


def test_diff_of_runs_with_the_same_names_has_no_warning(runs):
    diff = diff_runs(replay(runs["original"][0]), replay(runs["original"][0]))
    assert diff["warning"] is None and diff["names"]["same"] and diff["graph"]["compared"]
    assert diff["graph"]["equal"] is True


# ------------------------------------------------------------------------------ LLM retries
@pytest.mark.slow
def test_llm_retries_rate_limits_and_time_outs_are_counted_as_the_run_counted_them(tmp_path, monkeypatch, capsys):
    from tests.support.llm_server import Scripted, ScriptedServer, first_then, oracle_script

    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    faults = [Scripted(status=429), Scripted(status=429)]  # the first planner call is answered on its third try
    with ScriptedServer(first_then(faults, oracle_script, role="planner")) as server:
        config = RunConfig(llm="openai:scripted", base_url=server.base_url, out=str(tmp_path), picture=False)
        result = new_run(config).loop()
    usage = result.to_json()["llm"]["usage"]
    assert usage["planner"]["retries"] == usage["planner"]["rate_limited"] == 2
    analysis = replay(result.run_dir)
    assert llm_usage(analysis.llm) == usage and analysis.consistent
    # a result.json that disagrees on them is reported
    doctored = json.loads((result.run_dir / "result.json").read_text())
    doctored["llm"]["usage"]["planner"]["rate_limited"] = 0
    (result.run_dir / "result.json").write_text(json.dumps(doctored))
    assert replay(result.run_dir).checks == ["LLM planner rate_limited: 2 in the log, 0 in result.json"]
    code, out = command(["replay", str(result.run_dir), "--no-report"])
    assert code == 1 and "HTTP 429" in out
