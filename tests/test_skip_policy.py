"""One policy for an optional part this machine lacks (the bridge's npm packages, the viewer, Xvfb, Chromium, npm,
Ray): every test that needs it is skipped, and the reason says the command that installs it; none fails or
errors. Shown without removing anything: ``ADAM_TEST_PRETEND_MISSING`` makes the checks (the bridge's own
included, so an unmarked test that starts a server fails here) treat the parts as missing."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from bridge.process import PRETEND_MISSING_ENV

ROOT = Path(__file__).resolve().parent.parent
PARTS = ("bridge", "viewer", "xvfb", "chromium", "ray", "npm")
# every test that needs one of PARTS (all of tests/bridge and tests/live: their other tests run for real)
SELECTION = (
    "tests/bridge",
    "tests/live",
    "tests/bench/test_sweep.py::test_live_cells_each_run_their_own_local_server",
    "tests/bench/test_sweep.py::test_ray_gives_the_same_tables_as_local_workers",
    "tests/bench/test_sweep.py::test_ray_retries_a_killed_worker",
    "tests/agent/test_replay.py::test_html_report_opens_in_headless_chromium",
)
FIX = re.compile(r"scripts/test|apt-get install|npm ci|pip install")


def test_every_missing_optional_part_skips_with_the_command_that_installs_it():
    env = {**os.environ, PRETEND_MISSING_ENV: ",".join(PARTS)}
    argv = [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", *SELECTION]
    done = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    out = done.stdout
    assert done.returncode == 0, out[-4000:]
    summary = out.strip().splitlines()[-1]
    assert "skipped" in summary and "failed" not in summary and "error" not in summary, summary
    skips = [line for line in out.splitlines() if line.startswith("SKIPPED")]
    assert skips and all(FIX.search(line) for line in skips), "\n".join(s for s in skips if not FIX.search(s))
    for part in PARTS:
        assert any(f"needs {part}: " in line for line in skips), f"no test skipped for want of {part}"
