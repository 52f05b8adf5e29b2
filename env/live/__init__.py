"""The live game: a gymnasium environment over the mineflayer bridge, with the simulator's interface.

The gymnasium id ``adam/MinecraftLive-v0`` is registered with the simulator's (importing ``env`` does it;
:func:`register` returns the id). By default it starts a local flying-squid server on 127.0.0.1 at the
first reset; pass ``host=``/``port=`` for another server.
"""

from __future__ import annotations

from env.registration import LIVE_ENV_ID, register_envs


def register() -> str:
    """Register ``adam/MinecraftLive-v0`` (and the simulator ids) with gymnasium (idempotent); returns the id."""
    register_envs()
    return LIVE_ENV_ID


__all__ = ["LIVE_ENV_ID", "register"]
