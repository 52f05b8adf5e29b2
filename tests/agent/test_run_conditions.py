"""``adam run --conditions``: recorded in config.json and the start event, passed to the simulator only when given
(a default run makes the env as before), refused in one error line (exit 2, no folder) for another world, for
``adam live``, for an empty name and for a condition the simulator does not know."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agent.cli import main
from agent.replay.aggregate import aggregate_groups
from agent.run import RunConfig
from agent.runlog import read_events
from agent.worlds import make_env, parse_conditions

WORKSHOP = "examples.workshop:workshop/Workshop-v0"
SIMULATOR_ONLY = "only to this project's simulator"


def simulator_takes_conditions() -> bool:
    try:
        make_env("adam/Minecraft-v0", 0, "original", {}, ("noisy:0.1",)).close()
    except ValueError as err:
        assert "takes no conditions" in str(err)
        return False
    return True


needs_conditions = pytest.mark.skipif(
    not simulator_takes_conditions(), reason="the simulator takes no conditions= yet (env/conditions.py)"
)


def one_error_line(capsys) -> str:
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and "\n" not in err and "Traceback" not in err
    return err


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["run", "--env", WORKSHOP, "--goal", "lantern", "--conditions", "noisy:0.1"], SIMULATOR_ONLY),
        (["run", "--env", "adam/MinecraftLive-v0", "--conditions", "cap:9"], SIMULATOR_ONLY),
        (["run", "--conditions", ",,"], "an empty condition name"),
        (["run", "--conditions", "durability,,noisy:0.1"], "an empty condition name"),
        (["live", "--conditions", "cap:9"], "the live game has its own"),
    ],
)
def test_conditions_where_they_do_not_apply_are_one_error_line_and_no_folder(tmp_path, capsys, argv, words):
    out = tmp_path / "runs"
    assert main([*argv, "--out", str(out)]) == 2
    assert words in one_error_line(capsys)
    assert not out.exists()


def test_a_condition_the_simulator_refuses_is_one_error_line_and_no_folder(tmp_path, capsys):
    out = tmp_path / "runs"
    assert main(["run", "--conditions", "noisy:0.1,no_such_condition", "--out", str(out), "--no-picture"]) == 2
    assert "--conditions" in one_error_line(capsys)
    assert not out.exists()


def test_parse_conditions_and_the_config_check():
    assert parse_conditions("") == ()
    assert parse_conditions("durability, noisy:0.1") == ("durability", "noisy:0.1")
    RunConfig(conditions=("durability", "noisy:0.1")).validate()
    for bad in (("",), (" noisy:0.1",), ["noisy:0.1"]):
        with pytest.raises(ValueError, match="--conditions"):
            RunConfig(conditions=bad).validate()
    with pytest.raises(ValueError, match="--conditions applies only"):
        RunConfig(conditions=("cap:9",), env_id="adam/MinecraftLive-v0").validate()


def test_a_default_run_records_the_default_conditions_written_out(tmp_path, capsys):
    assert main(["run", "--max-steps", "30", "--out", str(tmp_path), "--no-picture", "--json"]) == 1
    folder = Path(json.loads(capsys.readouterr().out)["run_dir"])
    assert json.loads((folder / "config.json").read_text())["conditions"] == ["durability", "stacks"]
    start = next(e for e in read_events(folder / "events.jsonl")[0] if e["kind"] == "start")
    assert start["config"]["conditions"] == ["durability", "stacks"]
    config = RunConfig.from_dict(json.loads((folder / "config.json").read_text()))
    assert config.conditions == ("durability", "stacks")
    argv = ["run", "--conditions", "plain", "--max-steps", "30", "--out", str(tmp_path / "p"), "--no-picture", "--json"]
    assert main(argv) == 1  # the simulator without 1.19's inventory rules, as it was before them
    folder = Path(json.loads(capsys.readouterr().out)["run_dir"])
    assert json.loads((folder / "config.json").read_text())["conditions"] == ["plain"]


@needs_conditions
def test_conditions_are_recorded_and_reach_the_simulator(tmp_path, capsys):
    argv = ["run", "--conditions", "noisy:1.0", "--max-steps", "40", "--out", str(tmp_path), "--no-picture", "--json"]
    assert main(argv) == 1
    folder = Path(json.loads(capsys.readouterr().out)["run_dir"])
    written = ["durability", "stacks", "noisy:1.0"]  # on top of the default rules, written out
    assert json.loads((folder / "config.json").read_text())["conditions"] == written
    assert RunConfig.from_dict(json.loads((folder / "config.json").read_text())).conditions == tuple(written)
    events, _ = read_events(folder / "events.jsonl")
    start = next(e for e in events if e["kind"] == "start")
    assert start["config"]["conditions"] == written
    macro = [e for e in events if e["kind"] == "transition" and not e["action"].startswith(("move", "turn"))]
    assert macro and all(e["reason"] == "lost_way" for e in macro)  # noisy:1.0: every macro-action loses its way


@needs_conditions
def test_replay_never_averages_runs_under_different_conditions(tmp_path):
    for conditions in ([], ["--conditions", "noisy:0.5"]):
        argv = ["run", *conditions, "--max-steps", "30", "--out", str(tmp_path), "--no-picture", "--quiet"]
        assert main(argv) == 1
    groups = aggregate_groups(sorted(tmp_path.iterdir()))["groups"]
    labels = sorted(g["label"] for g in groups)
    assert len(groups) == 2 and labels[0].endswith("conditions durability,stacks")
    assert labels[1].endswith("conditions durability,stacks,noisy:0.5")
