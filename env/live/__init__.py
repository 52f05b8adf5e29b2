"""The live game: a gymnasium environment over the mineflayer bridge, with the simulator's interface.

Its gymnasium id ``adam/MinecraftLive-v0`` is registered with the simulator's, in one place
(:mod:`env.registration`; importing ``env`` does it). By default it starts a local flying-squid server on
127.0.0.1 at the first reset; pass ``host=``/``port=`` for another server.
"""

from __future__ import annotations

from env.registration import LIVE_ENV_ID

__all__ = ["LIVE_ENV_ID"]
