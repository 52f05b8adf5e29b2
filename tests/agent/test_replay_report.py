"""What `adam replay` tells a person first: the scores against the ground truth with the per-action
differences (written by the run to result.json), real failures apart from normal trial outcomes, the
environment goals, aggregates grouped by configuration, tables that fit 80 columns, help with examples."""

from __future__ import annotations

import argparse
import io
import json
import re
import shutil
from pathlib import Path

import pytest
from replay_helpers import command, copy_run, read_log, write_log
from rich.console import Console

from agent.replay.aggregate import aggregate, aggregate_table
from agent.replay.analysis import replay
from agent.replay.command import add_parsers
from agent.replay.console import run_view
from agent.replay.diff import diff_runs, diff_view
from agent.replay.report import write_report
from agent.replay.scores import check_score
from agent.replay.summary import failure_lines, trial_lines
from agent.run import RunConfig, new_run
from agent.scoring import final_score
from causal_graph.graph import CausalGraph
from env.interface import Counters

NAMES = ("wooden_pickaxe", "stone_pickaxe", "iron_pickaxe")


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Real runs (about 1 s each): name -> (run folder, RunResult). ``short`` stops after 150 steps with
    a partly learned graph; ``water`` has the environment goal near:water after the diamond."""
    out = tmp_path_factory.mktemp("runs")
    made = {}
    for name, variant, seed, extra in (
        ("a", "original", 0, {}),
        ("b", "adam_modified", 0, {}),
        ("c", "original", 1, {}),
        ("short", "original", 0, {"max_steps": 150}),
        ("water", "original", 0, {"env_goals": ("near:water",)}),
    ):
        config = RunConfig(variant=variant, seed=seed, out=str(out / name), name=name, picture=False, **extra)
        result = new_run(config).loop()
        made[name] = (result.run_dir, result)
    return made


def edit_result(folder: Path, edit) -> None:
    result = json.loads((folder / "result.json").read_text())
    edit(result)
    (folder / "result.json").write_text(json.dumps(result))


def printed(analysis, width: int) -> str:
    out = io.StringIO()
    Console(file=out, width=width).print(run_view(analysis, width=width))
    return out.getvalue()


# ------------------------------------------------------------------------------ scores
def test_result_json_lists_the_differences_and_replay_shows_them_per_action(runs):
    folder, result = runs["short"]
    score = json.loads((folder / "result.json").read_text())["score"]
    assert score["shd"] > 0 and score == result.score
    lines = score["differences"]
    assert score["differences_total"] == len(lines)  # under the cap
    assert sum(line.startswith(("missing: ", "extra: ")) for line in lines) == score["shd"]
    assert "missing: craft_diamond_pickaxe needs diamond" in lines
    analysis = replay(folder)
    assert analysis.consistent and check_score(analysis.run.result) == []
    code, out = command(["replay", str(folder), "--no-report"])
    assert code == 0
    assert f"SHD {score['shd']} (precision" in out
    assert f"{score['exact_actions']}/{score['total_actions']} actions exact" in out
    assert re.search(r"craft_diamond_pickaxe +missing needs crafting_table, diamond, stick; missing yields", out)
    # a finished run that learned everything: SHD 0 and no difference
    full = json.loads((runs["a"][0] / "result.json").read_text())["score"]
    assert full["shd"] == 0 and full["differences"] == [] and full["differences_total"] == 0
    assert "differences from the ground truth: none" in command(["replay", str(runs["a"][0]), "--no-report"])[1]


def test_a_tampered_score_is_caught(runs, tmp_path):
    folder = copy_run(runs, "short", tmp_path)
    edit_result(folder, lambda r: r["score"]["differences"].pop())
    edit_result(folder, lambda r: r["score"].update(differences_total=r["score"]["differences_total"] - 1))
    analysis = replay(folder)
    assert any("missing or extra edges listed" in line for line in analysis.checks) and not analysis.consistent
    edit_result(folder, lambda r: r.update(shd=0))
    assert any("at the top of result.json" in line for line in replay(folder).checks)


def test_an_old_result_without_differences_shows_its_numbers(runs, tmp_path):
    folder = copy_run(runs, "a", tmp_path)
    edit_result(folder, lambda r: [r["score"].pop(k) for k in ("differences", "differences_total")])
    code, out = command(["replay", str(folder), "--no-report"])
    assert code == 0 and "SHD 0 (precision 1.00, recall 1.00); 41/41 actions exact" in out
    assert "per-action differences not recorded (this result.json predates them)" in out


def test_a_world_without_ground_truth_is_not_scored(runs, tmp_path):
    class NoTruth:  # what EnvWorld.ground_truth() gives for a world that declares none
        def ground_truth(self):
            return None

    assert final_score(NoTruth(), CausalGraph(), Counters()) == {}
    folder = copy_run(runs, "a", tmp_path)
    edit_result(folder, lambda r: r.update(shd=None, score={}))
    analysis = replay(folder)
    assert analysis.score["status"] == "not scored" and analysis.consistent
    assert "scores: not scored: the world has no ground truth" in command(["replay", str(folder), "--no-report"])[1]
    (folder / "result.json").unlink()
    assert replay(folder).score["status"] == "no result"


# ------------------------------------------------------------------------------ failures
def test_normal_trial_outcomes_are_not_failures(runs):
    analysis = replay(runs["a"][0])
    lines = failure_lines(analysis)  # a run that reached its goal: no failed trial is a failure
    assert not any("trial" in line or "do()" in line or "intervention" in line for line in lines), lines
    # what is listed is a plan step the world explained (a yield one dig over-counted, re-checked since), said so
    assert all(line.startswith("plan step did not do what the graph predicts: ") for line in lines), lines
    assert all("not counted" in line for line in lines), lines  # each one excused: a yield re-checked
    trials = "\n".join(trial_lines(analysis))
    assert "trial steps without the effect" in trials and "cannot_craft" in trials
    assert "discovery no_effect" in trials
    out = printed(analysis, 100)
    assert ("failures: none" in out) == (not lines) and "trial outcomes (normal while learning" in out


def test_real_failures_are_listed(runs, tmp_path):
    folder = copy_run(runs, "a", tmp_path)
    events = read_log(folder)
    plan = next(i for i, e in enumerate(events) if e["kind"] == "plan")
    step = next(i for i in range(plan, len(events)) if events[i]["kind"] == "transition")
    events[step] = {**events[step], "success": False, "reason": "cannot_craft"}  # a plan step that failed
    events[plan]["fallback"] = "llm: wrong_shape: no steps"
    extra = [
        {"kind": "llm_failure", "t": 0, "role": "planner", "failure": "not_json", "error": "x", "attempt": 1},
        {"kind": "llm_fallback", "t": 0, "role": "planner", "attempts": 2, "reason": "not_json: x"},
        {"kind": "llm_unavailable", "t": 0, "failures": 5, "error": "connection refused"},
        {"kind": "perception_error", "t": 0, "step": 3, "why": "actor", "error": "bad frame"},
        {"kind": "goal_abandoned", "t": 0, "goal": "gold_ingot", "reason": "stuck: smelt_raw_gold", "step": 9},
    ]
    events[plan + 1 : plan + 1] = extra
    write_log(folder, events)
    lines = "\n".join(failure_lines(replay(folder)))
    assert f"failed plan steps (cannot_craft): 1 — {events[step + len(extra)]['action']} x1" in lines
    assert "goal gold_ingot abandoned at step 9: stuck: smelt_raw_gold" in lines
    assert "LLM planner reply rejected (not_json): 1" in lines
    assert "LLM planner fell back to the offline component: 1" in lines
    assert "LLM unavailable after 5 failed calls: connection refused" in lines
    assert "plan made offline (llm: wrong_shape: no steps): 1" in lines
    assert "perception failed (actor): 1 frames not described" in lines
    # a run that ended without its goal says so among the failures
    assert "goal diamond not reached: the run ended (step budget exhausted" in "\n".join(
        failure_lines(replay(runs["short"][0]))
    )


# ------------------------------------------------------------------------------ environment goals
def test_environment_goal_in_the_summary_json_and_html(runs, tmp_path, capsys):
    folder = copy_run(runs, "water", tmp_path)
    analysis = replay(folder)
    reached = next(e for e in analysis.run.events if e["kind"] == "environment_goal")
    goal = analysis.environment_goals["near:water"]
    assert goal["status"] == "reached" and goal["step"] == reached["step"] and goal["moves"] == reached["moves"]
    assert sum(goal["looks"].values()) > 0  # perception looked to navigate
    out = printed(analysis, 100)
    assert "goals diamond; environment goal near:water" in out
    assert f"environment goal near:water: reached at step {reached['step']} after {reached['moves']} moves" in out
    code, _ = command(["replay", str(folder), "--json"])
    document = json.loads(capsys.readouterr().out)
    assert document["environment_goals"]["near:water"]["status"] == "reached"
    page = Path(document["report"]).read_text()
    assert "environment goal near:water: reached at step" in page and "<h2>Trial outcomes</h2>" in page
    assert 'id="score"' in page and "SHD 0 (precision 1.00" in page
    # the moves toward it are pursuit, not learning
    assert analysis.phases["pursue"]["steps"] >= reached["moves"]
    # abandoned instead
    events = [e for e in read_log(folder) if e["kind"] != "environment_goal"]
    at = next(i for i, e in enumerate(events) if e["kind"] == "goal" and e["goal"] == "near:water")
    events[at] = {"kind": "goal_abandoned", "t": 0, "goal": "near:water", "reason": "not reached in 200 moves",
                  "step": events[at]["step"]}  # fmt: skip
    write_log(folder, events)
    abandoned = replay(folder)
    assert abandoned.environment_goals["near:water"]["status"] == "abandoned"
    assert "environment goal near:water: abandoned at step" in printed(abandoned, 100)


# ------------------------------------------------------------------------------ many runs
def test_aggregates_are_grouped_by_configuration_and_half_made_folders_failed_before_start(runs, tmp_path, capsys):
    folder = tmp_path / "runs"
    for name in ("a", "b", "c"):
        shutil.copytree(runs[name][0], folder / runs[name][0].name)
    old = folder / "20260101-000000-000000-live-local"  # what a failed `adam live` left before issue 14
    old.mkdir()
    shutil.copy(runs["a"][0] / "config.json", old / "config.json")
    start = read_log(runs["a"][0])[0]
    (old / "events.jsonl").write_text(json.dumps(start) + "\n")
    bare = folder / "20260101-000000-000001-original-s0"  # one that failed before its first event
    bare.mkdir()
    shutil.copy(runs["a"][0] / "config.json", bare / "config.json")

    code, out = command(["replay", str(folder), "--no-report"])
    assert code == 0
    assert "failed before start (no step taken; not aggregated): " + ", ".join(sorted([old.name, bare.name])) in out
    assert "damaged" not in out and "2 configurations, one table each" in out
    assert re.search(r"original · goals diamond · offline · discovery ours · adam/Minecraft-v0 — 2 runs", out)
    assert re.search(r"adam_modified · goals diamond · offline · discovery ours · adam/Minecraft-v0 — 1 run\b", out)
    command(["replay", str(folder), "--json"])
    grouped = json.loads(capsys.readouterr().out)
    assert [g["n"] for g in grouped["groups"]] == [2, 1] and grouped["n"] == 3
    assert grouped["failed_before_start"] == sorted([old.name, bare.name])
    code, out = command(["replay", str(old), "--no-report"])
    assert code == 1 and "failed before start: no step was taken" in out and "damaged" not in out
    with pytest.raises(ValueError, match="failed before start"):
        command(["replay", str(bare)])
    markdown = command(["replay", str(folder), "--markdown"])[0]
    assert markdown == 0 and "**original · goals diamond" in capsys.readouterr().out


# ------------------------------------------------------------------------------ 80 columns
def test_tables_fit_80_columns_without_cutting_a_name(runs, tmp_path):
    folder = copy_run(runs, "a", tmp_path)
    events = read_log(folder)
    plan = next(i for i, e in enumerate(events) if e["kind"] == "plan")
    call = {"kind": "llm_call", "t": 0.0, "role": "hypothesis", "model": "m", "prompt_tokens": 123456,
            "completion_tokens": 65432, "latency": 0.5, "ok": True, "error": None, "cached": False, "attempts": 3,
            "attempt_errors": ["HTTP 429", "APITimeoutError"]}  # fmt: skip
    events[plan:plan] = [call]
    write_log(folder, events)
    analysis = replay(folder)
    out = printed(analysis, 80)
    lines = out.splitlines()
    assert max(map(len, lines)) <= 80
    table = [line for line in lines if line.startswith(("│", "┃"))]
    assert not any("…" in line for line in table), "a cell was cut"
    for name in (*NAMES, "hypothesis", "interventions", "learn_rest"):
        assert any(name in line for line in table), f"{name} not whole in a table at 80 columns"
    assert "not shown at this width" in out  # the LLM table left out columns, and says so
    # diff and aggregate at 80 columns
    for renderable in (
        diff_view(diff_runs(replay(runs["a"][0]), replay(runs["b"][0])), "a", "b", width=80),
        aggregate_table(aggregate([runs["a"][0]]), title="a long title " * 8, width=80),
    ):
        buffer = io.StringIO()
        Console(file=buffer, width=80).print(renderable)
        shown = buffer.getvalue().splitlines()
        assert max(map(len, shown)) <= 80 and not any("…" in line for line in shown if line.startswith("│"))
        assert any(word in line for line in shown for word in ("adam_modified", "wooden tool"))
    diff_text = io.StringIO()
    Console(file=diff_text, width=80).print(diff_view(diff_runs(replay(runs["a"][0]), replay(runs["b"][0])), width=80))
    assert any("original" in line and "adam_modified" in line for line in diff_text.getvalue().splitlines())


# ------------------------------------------------------------------------------ help
@pytest.mark.parametrize("name", ["replay", "diff"])
def test_help_ends_with_examples_and_describes_every_option(name, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    parser = argparse.ArgumentParser(prog="adam")
    sub = parser.add_subparsers(dest="command")
    add_parsers(sub)
    command_parser = sub.choices[name]
    text = command_parser.format_help()
    assert "examples:" in text and text.rstrip().splitlines()[-1].strip().startswith(f"adam {name} ")
    assert len([line for line in text.split("examples:")[1].splitlines() if line.strip()]) >= 2
    assert max(map(len, text.splitlines())) <= 80
    for action in command_parser._actions:
        assert action.help, f"adam {name}: {action.option_strings or action.dest} has no description"


def test_report_html_for_a_run_that_failed_is_not_written(runs, tmp_path):
    folder = tmp_path / "half"
    folder.mkdir()
    shutil.copy(runs["a"][0] / "config.json", folder / "config.json")
    (folder / "events.jsonl").write_text(json.dumps(read_log(runs["a"][0])[0]) + "\n")
    analysis = replay(folder)
    assert analysis.failed_before_start
    code, _ = command(["replay", str(folder)])
    assert code == 1 and not (folder / "report").exists()
    assert write_report(replay(runs["a"][0]), tmp_path / "ok").exists()


def test_the_llm_status_of_result_json_is_shown(runs, tmp_path):
    folder = copy_run(runs, "a", tmp_path)
    edit_result(folder, lambda r: r.update(llm={"status": "unavailable", "reason": "0 valid answer(s) in 5 call(s)"}))
    out = command(["replay", str(folder)])[1]
    assert "LLM unavailable (0 valid answer(s) in 5 call(s))" in out
    assert "LLM unavailable (0 valid answer(s) in 5 call(s))" in (folder / "report" / "index.html").read_text()
    offline = command(["replay", str(runs["a"][0]), "--no-report"])[1]
    assert not re.search(r"^LLM (ok|degraded|unavailable)", offline, re.M)  # an offline run has no LLM status
