"""A sweep folder remembers its configuration: the same settings resume it, other settings are one error
line (exit 2) naming what differs, with nothing rewritten; a Ray address where no cluster answers is one
error line within a bounded time, with none of Ray's own warnings."""

from __future__ import annotations

import json
import socket
import time

import pytest

from agent.cli import main
from bench.harness import sweep as sweep_module

GRID = ["--seeds", "1", "--methods", "prior", "--variants", "original", "--workers", "1", "--quiet"]


def sweep(tmp_path, *extra: str) -> int:
    return main(["sweep", *GRID, "--out", str(tmp_path), "--name", "s1", *extra])


def snapshot(folder) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_the_folder_records_its_configuration_and_the_same_one_resumes(tmp_path):
    assert sweep(tmp_path) == 0
    config = json.loads((tmp_path / "s1" / "config.json").read_text())
    assert config == {"format": "adam-sweep-config", "version": 1, "methods": ["prior"], "variants": ["original"],
                      "seeds": 1, "max_steps": 20000, "llm": [], "base_url": None}  # fmt: skip
    run = tmp_path / "s1" / "runs" / "prior-original-s0" / "events.jsonl"
    before = run.stat().st_mtime_ns
    assert sweep(tmp_path) == 0 and run.stat().st_mtime_ns == before  # finished: skipped, not run again
    assert json.loads((tmp_path / "s1" / "sweep.json").read_text())["config"] == config


@pytest.mark.parametrize(
    ("extra", "named"),
    [
        (["--max-steps", "500"], "--max-steps 20000 then, 500 now"),
        (["--seeds", "2"], "--seeds 1 then, 2 now"),
        (["--variants", "adam_modified"], "--variants original then, adam_modified now"),
    ],
)
def test_other_settings_under_the_same_name_are_refused_and_nothing_is_rewritten(tmp_path, capsys, extra, named):
    assert sweep(tmp_path) == 0
    before = snapshot(tmp_path / "s1")
    capsys.readouterr()
    assert sweep(tmp_path, *extra) == 2
    err = capsys.readouterr().err
    assert err.count("error:") == 1 and named in err and "choose another --name" in err
    assert snapshot(tmp_path / "s1") == before  # table.md, sweep.json and the runs untouched


def test_a_folder_from_before_configurations_were_recorded_is_refused(tmp_path, capsys):
    (tmp_path / "s1" / "runs" / "prior-original-s0").mkdir(parents=True)
    assert sweep(tmp_path) == 2
    assert "holds runs but no config.json" in capsys.readouterr().err
    assert not (tmp_path / "s1" / "config.json").exists()


@pytest.mark.needs("ray")
def test_a_ray_address_with_nothing_there_is_one_error_line_at_once(tmp_path, capsys):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    start = time.perf_counter()
    assert main(["sweep", *GRID, "--out", str(tmp_path), "--ray-address", f"127.0.0.1:{port}"]) == 2
    assert time.perf_counter() - start < 15
    err = capsys.readouterr().err
    assert err.count("error:") == 1 and f"cannot reach a Ray cluster at 127.0.0.1:{port}" in err
    assert not list(tmp_path.iterdir()), "nothing is made"


@pytest.mark.needs("ray")
def test_a_ray_address_that_never_answers_gives_up_in_bounded_time_quietly(tmp_path, capfd, monkeypatch):
    monkeypatch.setattr(sweep_module, "RAY_CONNECT_TIMEOUT", 4.0)
    with socket.socket() as listener:  # accepts connections, never speaks Ray's protocol
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        start = time.perf_counter()
        assert main(["sweep", *GRID, "--out", str(tmp_path), "--ray-address", f"127.0.0.1:{port}"]) == 2
        assert time.perf_counter() - start < 10
    err = capfd.readouterr().err  # file descriptor 2: Ray's C++ core writes there directly
    assert err.count("error:") == 1 and f"no Ray cluster answered at 127.0.0.1:{port} within 4 s" in err
    assert "rpc_client" not in err and "gcs_client" not in err and len(err.strip().splitlines()) == 1
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize(
    ("option", "message"),
    [
        (["--max-steps", "0"], "--max-steps must be at least 1, got 0"),
        (["--workers", "-1"], "--workers must be at least 0, got -1"),
        (["--retries", "-1"], "--retries must be at least 0, got -1"),
        (["--variants", ","], "--methods and --variants each need at least one name"),
        (["--name", "a/b"], "--name must be a plain name"),
    ],
)
def test_a_bad_grid_option_is_one_error_line_and_nothing_is_made(tmp_path, capsys, option, message):
    assert main(["sweep", *GRID, "--out", str(tmp_path / "out"), *option]) == 2
    err = capsys.readouterr().err
    assert err.count("error:") == 1 and message in err
    assert not (tmp_path / "out").exists()
