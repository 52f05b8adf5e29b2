"""The bridge imports nothing of env; its "cannot be used" errors leave the live env as the world contract's
EnvironmentUnavailable (what commands catch), without a server or a bot started."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from bridge.errors import BridgeSetupError
from bridge.process import PRETEND_MISSING_ENV
from env.interface import EnvironmentUnavailable
from env.live.errors import LiveUnavailable
from env.live.game_env import LiveMinecraftEnv

BRIDGE = Path(__file__).parents[2] / "bridge"


def test_bridge_imports_nothing_of_env():
    imported = []
    for path in BRIDGE.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                imported += [(path.name, a.name) for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                imported.append((path.name, node.module))
    assert [(f, m) for f, m in imported if m == "env" or m.startswith("env.")] == []


def test_a_missing_bridge_is_environment_unavailable_from_the_live_env(monkeypatch):
    monkeypatch.setenv(PRETEND_MISSING_ENV, "bridge")
    env = LiveMinecraftEnv()
    try:
        with pytest.raises(EnvironmentUnavailable) as raised:
            env.reset()
    finally:
        env.close()
    err = raised.value
    assert isinstance(err, LiveUnavailable) and isinstance(err.__cause__, BridgeSetupError)
    assert err.name == "BridgeSetupError" and str(err).startswith("BridgeSetupError: ") and "\n" not in str(err)
    assert env.session.server is None  # nothing was started
