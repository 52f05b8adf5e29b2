"""Fixtures for the live-env tests: one LiveMinecraftEnv (its own local server and bot) per module.
Skipped when Node or ``npm ci`` is missing."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bridge.errors import BridgeSetupError
from bridge.process import node_command
from env.live.env import LiveMinecraftEnv


def bridge_missing() -> str | None:
    """Why the live tests cannot run here (the bridge's own setup check), or None."""
    try:
        node_command("bot/main.js")
    except BridgeSetupError as err:
        return str(err)
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
