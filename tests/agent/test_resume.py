"""Crash safety: kill -9 a run mid-way, resume it, nothing lost or duplicated."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from agent.cli import main
from agent.runlog import FAULT_KILL_ENV, read_events


def adam(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "agent.cli", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=300,
    )


def only_folder(out: Path) -> Path:
    (folder,) = list(out.iterdir())
    return folder


@pytest.mark.parametrize("kill_after", [700, 2300])  # while learning; while pursuing the goal
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
