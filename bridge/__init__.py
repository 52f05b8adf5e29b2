"""The live-game bridge: a Node package (mineflayer bot, local flying-squid server) and its Python client.

* :class:`bridge.local_server.LocalServer` — the local test server on 127.0.0.1 (arena, crafting, furnaces).
* :class:`bridge.client.BotClient` — one bot process; typed skills over JSON lines on stdio.
* :mod:`bridge.errors` — the named errors.

The Node side lives in ``bridge/bot`` and ``bridge/server``; install it with ``npm ci`` in ``bridge/``.
"""

from __future__ import annotations

from bridge.client import BotClient
from bridge.errors import (
    BadRequest,
    BridgeCrashed,
    BridgeError,
    BridgeSetupError,
    BridgeStartError,
    BridgeTimeout,
    BridgeUnavailable,
    RecoveryFailed,
    ServerUnavailable,
    SkillError,
    SkillTimeout,
)
from bridge.local_server import LocalServer
from bridge.results import Observation, SkillResult

__all__ = [
    "BadRequest",
    "BotClient",
    "BridgeCrashed",
    "BridgeError",
    "BridgeSetupError",
    "BridgeStartError",
    "BridgeTimeout",
    "BridgeUnavailable",
    "LocalServer",
    "Observation",
    "RecoveryFailed",
    "ServerUnavailable",
    "SkillError",
    "SkillResult",
    "SkillTimeout",
]
