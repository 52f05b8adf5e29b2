"""Fixtures for the live-env tests: one LiveMinecraftEnv (its own local server and bot) per module.
Skipped when Node or ``npm ci`` is missing."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest

from bridge.process import BRIDGE_DIR
from env.live.env import LiveMinecraftEnv


def bridge_missing() -> str | None:
    if shutil.which("node") is None:
        return "Node.js is not installed"
    if not (BRIDGE_DIR / "node_modules" / "mineflayer").is_dir():
        return "the bridge's npm packages are missing: run `npm ci` in bridge/"
    return None


@pytest.fixture(scope="module")
def live_env() -> Iterator[LiveMinecraftEnv]:
    reason = bridge_missing()
    if reason:
        pytest.skip(reason)
    # fast furnaces and stations taken back by command: the skills themselves are tested in tests/bridge
    env = LiveMinecraftEnv(cook_ticks=10, bot_settings={"digStations": 0})
    try:
        env.reset()
        yield env
    finally:
        env.close()
