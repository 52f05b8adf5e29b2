"""Sweeps: the same grid on local workers and on a local Ray cluster gives identical tables; a worker
killed mid-cell is retried and resumes; a restarted sweep skips finished cells."""

from __future__ import annotations

import json

import pytest

from agent.cli import main
from agent.runlog import FAULT_KILL_ENV, FAULT_ONCE_ENV, read_events

pytestmark = pytest.mark.slow  # every sweep takes 5-12 s here

GRID = ["--seeds", "2", "--methods", "ours,prior", "--variants", "original,adam_modified", "--quiet"]


def sweep(tmp_path, name: str, *extra: str) -> dict:
    assert main(["sweep", *GRID, "--out", str(tmp_path), "--name", name, *extra]) == 0
    return json.loads((tmp_path / name / "sweep.json").read_text())


def transitions_once(run_dir) -> bool:
    events, problems = read_events(run_dir / "events.jsonl")
    steps = [e["step"] for e in events if e["kind"] == "transition"]
    return not problems and steps == list(range(1, len(steps) + 1))


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    out = tmp_path_factory.mktemp("reference")
    return sweep(out, "local", "--workers", "2")["table"]


@pytest.mark.needs("ray")
def test_ray_gives_the_same_tables_as_local_workers(tmp_path, reference):
    assert sweep(tmp_path, "ray", "--ray")["table"] == reference


def test_a_killed_worker_is_retried_and_the_result_is_unchanged(tmp_path, monkeypatch, reference):
    monkeypatch.setenv(FAULT_KILL_ENV, "600")  # SIGKILL the worker mid-cell, once in the whole sweep
    monkeypatch.setenv(FAULT_ONCE_ENV, str(tmp_path / "killed-once"))
    result = sweep(tmp_path, "fault", "--workers", "2")
    assert (tmp_path / "killed-once").exists(), "the fault was injected"
    assert result["table"] == reference
    runs = list((tmp_path / "fault" / "runs").iterdir())
    resumed = [r for r in runs if any(e["kind"] == "resume" for e in read_events(r / "events.jsonl")[0])]
    # the dead worker's cell resumes; so may the cell of the other worker, which the broken pool stopped
    assert 1 <= len(resumed) <= 2 and all(transitions_once(r) for r in resumed)


@pytest.mark.needs("ray")
def test_ray_retries_a_killed_worker(tmp_path, monkeypatch, reference):
    monkeypatch.setenv(FAULT_KILL_ENV, "600")
    monkeypatch.setenv(FAULT_ONCE_ENV, str(tmp_path / "killed-once"))
    result = sweep(tmp_path, "rayfault", "--ray")
    assert (tmp_path / "killed-once").exists() and result["table"] == reference


def test_a_restarted_sweep_skips_finished_cells(tmp_path):
    sweep(tmp_path, "again", "--workers", "1")
    runs = tmp_path / "again" / "runs"
    before = {p.name: (p / "events.jsonl").stat().st_mtime_ns for p in runs.iterdir()}
    victim = sorted(runs.iterdir())[0]
    result = json.loads((victim / "result.json").read_text())
    (victim / "result.json").unlink()  # as if killed after its last checkpoint, before its result
    checkpoint = json.loads((victim / "checkpoint.json").read_text())
    assert checkpoint["controller"]["phase"] == "done"
    sweep(tmp_path, "again", "--workers", "1")
    after = {p.name: (p / "events.jsonl").stat().st_mtime_ns for p in runs.iterdir()}
    assert before == after  # no log touched: the finished victim only gets its result written again
    rebuilt = json.loads((victim / "result.json").read_text())
    assert transitions_once(victim) and {**rebuilt, "wall": None} == {**result, "wall": None}  # wall: agent time


@pytest.mark.live
def test_live_cells_each_run_their_own_local_server(tmp_path):
    args = ["sweep", "--seeds", "2", "--methods", "live", "--variants", "original,adam_modified", "--max-steps", "12",
            "--workers", "2", "--out", str(tmp_path), "--name", "live", "--quiet"]  # fmt: skip
    main(args)  # the step budget ends each run before any goal: exit code 1 is expected
    data = json.loads((tmp_path / "live" / "sweep.json").read_text())
    assert data["cells"] == ["live-original-s0", "live-original-s1"]  # no live cell for adam_modified
    assert data["finished"] == 2
    for name in data["cells"]:
        config = json.loads((tmp_path / "live" / "runs" / name / "config.json").read_text())
        assert config["env_id"] == "adam/MinecraftLive-v0" and "host" not in config["env_kwargs"]
        assert transitions_once(tmp_path / "live" / "runs" / name)
