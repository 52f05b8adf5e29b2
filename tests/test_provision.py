"""scripts/test: provisioning is a no-op in seconds when everything is there (one line per step), pytest's
arguments pass through, and a run that collects nothing fails; the staleness checks it relies on."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SPEC = importlib.util.spec_from_file_location("provision", ROOT / "scripts" / "provision.py")
provision = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(provision)


def scripts_test(*args: str) -> subprocess.CompletedProcess:
    argv = [str(ROOT / "scripts" / "test"), *args]
    return subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=600)


def test_a_provisioned_machine_runs_pytest_with_the_arguments_given_after_one_line_per_step():
    scripts_test("--collect-only", "-q", "tests/test_architecture.py")  # provision whatever is missing
    start = time.monotonic()
    done = scripts_test("--collect-only", "-q", "tests/test_architecture.py")
    assert done.returncode == 0, done.stderr
    assert time.monotonic() - start < 20  # everything already there: seconds, then pytest
    steps = [line for line in done.stderr.splitlines() if line.startswith("provision: ")]
    assert len(steps) >= 4 and steps[0].startswith("provision: .venv: "), steps  # venv, node, apt-get, npm…
    assert "tests/test_architecture.py::" in done.stdout


def test_a_run_that_collects_nothing_fails():
    done = scripts_test("-q", "tests/test_architecture.py", "-k", "no_test_is_called_this")
    assert done.returncode == 1 and "error: pytest collected no tests" in done.stderr


def test_npm_packages_are_stale_until_npm_ci_ran_after_the_lock_file_changed(tmp_path):
    lock, marker = tmp_path / "package-lock.json", tmp_path / "node_modules" / ".package-lock.json"
    lock.write_text("{}")
    assert provision.stale(marker, lock)  # never installed
    marker.parent.mkdir()
    marker.write_text("{}")
    os.utime(marker, (time.time() - 60, time.time() - 60))
    assert provision.stale(marker, lock)  # the lock file changed since
    os.utime(marker, None)
    assert not provision.stale(marker, lock)


def test_the_venv_check_sees_this_checkout_and_a_missing_requirement():
    requires, core, full = provision.requirements()
    assert provision.venv_problem(full, requires) is None  # this test runs in it
    assert provision.venv_problem([*full, "no-such-distribution"], requires) == "not installed: no-such-distribution"
    assert provision.venv_problem(full, [*requires, "gymnasium>=99"]) == "pyproject.toml's requirements changed"
    assert "ray" in full and "ray" not in core and "pytest" in core


def test_the_venv_check_sees_a_new_entry_point():
    requires, _, full = provision.requirements()
    entries = provision.entry_points()
    assert "console_scripts adam = agent.cli:main" in entries
    assert "adam.commands bench = bench.harness.command:add_bench_parser" in entries
    assert provision.venv_problem(full, requires, entries) is None
    added = [*entries, "adam.commands extra = bench.harness.command:add_extra"]
    assert provision.venv_problem(full, requires, added) == "pyproject.toml's entry points changed"


@pytest.mark.skipif(shutil.which("dpkg-query") is None, reason="not a Debian system (dpkg-query is not on PATH)")
def test_debian_packages_are_looked_up_with_dpkg():
    assert provision.debian_missing(["dpkg", "no-such-package-here"]) == ["no-such-package-here"]
