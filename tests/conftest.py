"""Shared fixtures, and the one policy for an optional part this machine lacks: the test is skipped, and the
reason says the command that installs it (never an error, never a failure).

A test says what it needs with markers, checked here at collection (before any fixture starts anything):

- ``@pytest.mark.live``: the bridge (Node 20 and bridge/'s npm packages), for a local flying-squid server and
  mineflayer bots; a test using a fixture of :data:`LIVE_FIXTURES` is marked so by itself;
- ``@pytest.mark.needs("chromium", ...)``: other optional parts, named in :data:`HINTS`.

``scripts/test`` installs them all where the machine allows, so that nothing is skipped.
``ADAM_TEST_PRETEND_MISSING=bridge,viewer,chromium,ray`` treats those parts as missing without removing them
(tests/test_skip_policy.py runs the suite that way).
"""

from __future__ import annotations

import importlib.util
import shutil

import gymnasium as gym
import pytest

import env  # noqa: F401  (registers the simulator ids)
from bridge.display import INSTALL_HINT as VIEWER_HINT
from bridge.display import viewer_missing
from bridge.process import NODE_HINT, PRETEND_MISSING_ENV, bridge_missing, pretended_missing

HINTS = {
    "chromium": "apt-get install chromium (scripts/test does, as root)",
    "viewer": VIEWER_HINT,
    "xvfb": "apt-get install xvfb (scripts/test does, as root)",
    "ray": ".venv/bin/pip install -e '.[dev,ray]' (scripts/test does)",
    "npm": NODE_HINT,
}
EXECUTABLES = {"chromium": "chromium", "xvfb": "Xvfb", "npm": "npm"}
LIVE_FIXTURES = {"live_server", "live_env"}  # tests/bridge/conftest.py, tests/live/conftest.py


def missing(part: str) -> str | None:
    """Why ``part`` ("bridge" or a key of :data:`HINTS`) cannot be used here, with the command that fixes it;
    None when it can."""
    if part == "bridge":
        return bridge_missing()  # it honours the pretence itself, as `adam live` would
    if part not in HINTS:
        raise ValueError(f"unknown optional part {part!r}: one of bridge, {', '.join(HINTS)}")
    if part in pretended_missing():
        return f"{part} is not installed ({PRETEND_MISSING_ENV} pretends so): {HINTS[part]}"
    if part == "viewer":
        return viewer_missing()
    if part == "ray":
        return None if importlib.util.find_spec("ray") else f"ray is not installed: {HINTS[part]}"
    return None if shutil.which(EXECUTABLES[part]) else f"{EXECUTABLES[part]} is not on PATH: {HINTS[part]}"


@pytest.hookimpl(tryfirst=True)  # before -m selects by marker
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the tests using a live fixture live, and skip each test that needs a part this machine lacks."""
    reasons: dict[str, str | None] = {}  # each part is checked once
    for item in items:
        if LIVE_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.live)
        parts = [part for mark in item.iter_markers("needs") for part in mark.args]
        if item.get_closest_marker("live"):
            parts.append("bridge")
        for part in parts:
            if part not in reasons:
                reasons[part] = missing(part)
            if reasons[part]:
                item.add_marker(pytest.mark.skip(reason=f"needs {part}: {reasons[part]}"))
                break


@pytest.fixture
def make_env():
    """Factory for unwrapped simulator envs without frames (fast)."""

    def _make(variant: str = "original", **kwargs):
        kwargs.setdefault("render_frames", False)
        return gym.make("adam/Minecraft-v0", variant=variant, **kwargs).unwrapped

    return _make
