"""Fixtures for the live-env tests: one LiveMinecraftEnv (its own local server and bot) per module.
A test using it is marked live (tests/conftest.py): skipped, saying what to install, where the bridge is missing."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from env.live.game_env import LiveMinecraftEnv


@pytest.fixture(scope="module")
def live_env() -> Iterator[LiveMinecraftEnv]:
    # fast furnaces and stations taken back by command: the skills themselves are tested in tests/bridge
    env = LiveMinecraftEnv(cook_ticks=10, bot_settings={"digStations": 0})
    try:
        env.reset()
        yield env
    finally:
        env.close()
