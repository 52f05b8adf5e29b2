"""Crash safety: kill -9 a run mid-way, resume it, nothing lost or duplicated."""

from __future__ import annotations

import json
import signal
from pathlib import Path

import pytest

from agent.cli import main
from agent.replay.analysis import replay
from agent.runlog import FAULT_KILL_ENV, FAULT_SIGNAL_ENV, load_checkpoint, read_events
from tests.support.cli import adam


def only_folder(out: Path) -> Path:
    (folder,) = list(out.iterdir())
    return folder


@pytest.mark.parametrize("kill_after", [700, pytest.param(2300, marks=pytest.mark.slow)])  # learning; pursuing the goal
def test_kill_9_then_resume_reaches_diamond_with_every_transition_once(tmp_path, kill_after):
    killed = adam(
        "run", "--seed", "1", "--out", str(tmp_path), "--quiet", "--no-picture", env={FAULT_KILL_ENV: str(kill_after)}
    )
    assert killed.returncode == -signal.SIGKILL
    folder = only_folder(tmp_path)
    with (folder / "events.jsonl").open("a") as f:
        f.write('{"seq": 999999, "kind": "transi')  # a torn last line, as a crash mid-write leaves
    resumed = adam("run", "--resume", str(folder), "--json")
    assert resumed.returncode == 0, resumed.stderr
    out = json.loads(resumed.stdout)
    assert out["goal_reached"] and out["shd"] == 0
    events, problems = read_events(folder / "events.jsonl")
    assert not problems
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
    steps = [e["step"] for e in events if e["kind"] == "transition"]
    assert steps == list(range(1, out["steps"] + 1)), "every transition exactly once"
    assert sum(1 for e in events if e["kind"] == "resume") == 1
    assert out["resources"] and replay(folder).resources == out["resources"]  # counted across the kill, once


@pytest.mark.slow
def test_uninterrupted_and_resumed_runs_agree(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    plain = adam("run", "--seed", "1", "--out", str(a), "--json", "--no-picture")
    adam("run", "--seed", "1", "--out", str(b), "--quiet", "--no-picture", env={FAULT_KILL_ENV: "1500"})
    resumed = adam("run", "--resume", str(only_folder(b)), "--json")
    x, y = json.loads(plain.stdout), json.loads(resumed.stdout)
    assert (x["steps"], x["interventions"], x["milestones"]) == (y["steps"], y["interventions"], y["milestones"])


def test_malformed_checkpoint_is_a_clear_error_and_not_overwritten(tmp_path, capsys):
    adam("run", "--seed", "0", "--out", str(tmp_path), "--quiet", "--no-picture", env={FAULT_KILL_ENV: "300"})
    folder = only_folder(tmp_path)
    checkpoint = folder / "checkpoint.json"
    checkpoint.write_text('{"format": "adam-checkpoint", "version": 1, "seq": 12,')
    before = checkpoint.read_bytes()
    events_before = (folder / "events.jsonl").read_bytes()
    code = main(["run", "--resume", str(folder), "--quiet"])
    assert code == 2
    err = capsys.readouterr().err
    assert "checkpoint.json" in err and "line 1" in err
    assert checkpoint.read_bytes() == before and (folder / "events.jsonl").read_bytes() == events_before


def line_end(data: bytes, seq: int) -> int:
    """The byte offset just after the line of event ``seq``."""
    offset = 0
    for raw in data.split(b"\n"):
        offset += len(raw) + 1
        if raw.strip() and json.loads(raw)["seq"] == seq:
            return offset
    raise AssertionError(f"no event {seq}")


@pytest.mark.slow
def test_resume_keeps_the_mode_cleans_temp_files_and_keeps_the_dropped_tail(tmp_path):
    adam("run", "--seed", "0", "--out", str(tmp_path), "--quiet", "--no-picture", env={FAULT_KILL_ENV: "300"})
    folder = only_folder(tmp_path)
    events = folder / "events.jsonl"
    with events.open("a") as f:
        f.write('{"seq": 999999, "kind": "transi')  # a torn last line
    events.chmod(0o640)
    for stale in (".events.k2j4h5g6", ".checkpoint.json.a1b2c3d4", ".graph.json.x9y8z7w6.tmp"):
        (folder / stale).write_text("left by a killed process")
    original = events.read_bytes()
    seq = json.loads((folder / "checkpoint.json").read_text())["seq"]
    cut = line_end(original, seq)
    resumed = adam("run", "--resume", str(folder), "--json")
    assert resumed.returncode == 0, resumed.stderr
    assert events.stat().st_mode & 0o777 == 0o640
    assert not [p.name for p in folder.iterdir() if p.name.startswith(".")]
    side = folder / f"events-after-{seq}.jsonl"
    assert side.read_bytes() == original[cut:] and original[cut:].count(b"\n") > 0
    now = events.read_bytes()
    assert now[:cut] == original[:cut], "the events up to the checkpoint are kept byte for byte"
    (resume,) = [e for e in read_events(events)[0] if e["kind"] == "resume"]
    assert resume["from_seq"] == seq and resume["tail"] == side.name
    assert resume["dropped_events"] == original[cut:].count(b"\n") + 1  # the torn line counts too


@pytest.mark.slow
def test_ctrl_c_says_how_to_resume_and_the_resumed_run_is_the_same(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    plain = adam("run", "--seed", "0", "--out", str(a), "--json", "--no-picture")
    stopped = adam(
        "run", "--seed", "0", "--out", str(b), "--quiet", "--no-picture",
        env={FAULT_KILL_ENV: "1500", FAULT_SIGNAL_ENV: "INT"},
    )  # fmt: skip
    folder = only_folder(b)
    assert stopped.returncode == 130
    lines = stopped.stderr.strip().splitlines()
    assert len(lines) == 1 and f"adam run --resume {folder}" in lines[0], stopped.stderr
    load_checkpoint(folder)  # intact
    resumed = adam("run", "--resume", str(folder), "--json")
    x, y = json.loads(plain.stdout), json.loads(resumed.stdout)
    assert (x["steps"], x["interventions"], x["milestones"], x["shd"]) == (
        y["steps"],
        y["interventions"],
        y["milestones"],
        y["shd"],
    )


@pytest.mark.slow
def test_a_resumed_llm_run_counts_the_calls_made_before_the_kill(tmp_path):
    from agent.replay.analysis import replay
    from tests.support.llm_server import ScriptedServer, oracle_script

    llm = ["--llm", "openai:m", "--llm-roles", "hypothesis,planner", "--no-picture", "--out", str(tmp_path)]
    with ScriptedServer(oracle_script) as server:
        llm += ["--base-url", server.base_url]
        killed = adam("run", *llm, "--quiet", env={FAULT_KILL_ENV: "400"})
        assert killed.returncode == -signal.SIGKILL
        folder = only_folder(tmp_path)
        before, _ = read_events(folder / "events.jsonl")
        assert any(e["kind"] == "llm_call" for e in before if e["seq"] <= load_checkpoint(folder)["seq"])
        resumed = adam("run", "--resume", str(folder), "--json")
    assert resumed.returncode == 0, resumed.stderr
    analysis = replay(folder)
    assert analysis.checks == []  # result.json's LLM usage agrees with every llm_call in the log
    calls = sum(1 for e in read_events(folder / "events.jsonl")[0] if e["kind"] == "llm_call")
    assert sum(u["calls"] for u in json.loads(resumed.stdout)["llm"]["usage"].values()) == calls


def test_the_learners_origin_may_be_negative_and_a_bad_one_is_named():
    """The learner's origin is a position (coordinates may be negative: 1.19 digs below y 0); anything else in it is
    refused in one line naming the field."""
    from agent.runlog import CHECKPOINT_SCHEMA, _check

    good = {"learner": {"origin": [12, -40, -3], "target_reach": {"mine_diamond_ore": 61}}}
    _check(good, CHECKPOINT_SCHEMA, "")
    with pytest.raises(ValueError, match=r"learner\.origin\[1\] must be an integer"):
        _check({"learner": {"origin": [12, "deep", 0]}}, CHECKPOINT_SCHEMA, "")
    with pytest.raises(ValueError, match=r"learner\.target_reach\.mine_diamond_ore must be a non-negative number"):
        _check({"learner": {"target_reach": {"mine_diamond_ore": -1}}}, CHECKPOINT_SCHEMA, "")
