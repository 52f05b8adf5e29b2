"""The Workshop through the command a user types: `adam run --env MODULE:ID`, from a folder outside the project."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ADAM = [sys.executable, "-m", "agent.cli"]


def adam(*argv: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*ADAM, *argv], cwd=cwd, capture_output=True, text=True, timeout=300)


def test_adam_run_env_learns_the_workshop_exactly_from_any_folder(tmp_path):
    done = adam("run", "--env", "examples.workshop:workshop/Workshop-v0", "--goal", "lantern", "--json",
                "--out", "runs", "--no-picture", cwd=tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["goal_reached"] and result["shd"] == 0 and result["scored"] is True
    assert result["milestone_order"] == ["first tool", "mattock", "brass", "lantern"]
    assert "Traceback" not in done.stderr


def test_adam_run_env_without_ground_truth_says_not_scored_and_replay_agrees(tmp_path):
    done = adam("run", "--env", "examples.workshop:workshop/WorkshopUnscored-v0", "--goal", "lantern",
                "--out", "runs", "--no-picture", cwd=tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "not scored" in done.stdout and "SHD" not in done.stdout
    (folder,) = (tmp_path / "runs").iterdir()
    replayed = adam("replay", str(folder), "--no-report", cwd=tmp_path)
    assert replayed.returncode == 0, replayed.stderr
    assert "not scored" in replayed.stdout


def test_adam_run_env_with_a_minecraft_variant_is_one_error_line(tmp_path):
    done = adam("run", "--env", "examples.workshop:workshop/Workshop-v0", "--goal", "lantern", "--variant",
                "obfuscated", "--out", "runs", cwd=tmp_path)  # fmt: skip
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1
    assert done.stderr.startswith("error:") and not (tmp_path / "runs").exists()
