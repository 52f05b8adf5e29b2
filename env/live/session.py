"""Where a live game runs: a local flying-squid server started here (``host=None``), or a server at
``host:port``; and the one bot process that plays it."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from bridge.client import BotClient
from bridge.process import minecraft_version
from bridge.server import LocalServer

log = logging.getLogger(__name__)


@dataclass
class LiveSession:
    """A Minecraft server (started locally when ``host`` is None) and a :class:`BotClient` on it.

    ``bot_settings``: the bot's time limits (``pathTimeoutMs``, ``craftTimeoutMs``, … see bridge/bot/main.js).
    ``cook_ticks`` and ``server_seed`` apply to the local server only. ``version``: the Minecraft version the
    bot speaks (None: the bridge's, 1.21.4; any version mineflayer supports on a server at ``host``; the
    local arena runs the bridge's version only).
    """

    host: str | None = None
    port: int | None = None
    username: str = "adam"
    server_seed: int = 0
    cook_ticks: int = 200
    bot_settings: dict[str, float] = field(default_factory=dict)
    version: str | None = None
    connect_timeout: float = 20.0
    server: LocalServer | None = field(default=None, init=False)
    client: BotClient | None = field(default=None, init=False)

    @property
    def local(self) -> bool:
        return self.host is None

    def open(self) -> BotClient:
        """Start what is not running yet (the local server, the bot) and return the bot's client."""
        if self.client is not None:
            return self.client
        if self.local:
            if self.version is not None and self.version != minecraft_version():
                raise ValueError(
                    f"the local arena server runs Minecraft {minecraft_version()} only, not {self.version}; "
                    "a version applies to a server given by host and port"
                )
            if self.server is None:
                self.server = LocalServer(seed=self.server_seed, cook_ticks=self.cook_ticks).start()
            host, port = self.server.host, self.server.port
        else:
            if self.port is None:
                raise ValueError("a live session on a remote server needs both host and port")
            host, port = self.host, self.port
        assert host is not None
        client = BotClient(host, port, self.username, version=self.version, connect_timeout=self.connect_timeout)
        try:
            client.start()
            if self.bot_settings:
                client.configure(**self.bot_settings)
        except BaseException:
            client.close()
            self.close()
            raise
        self.client = client
        return client

    def close(self) -> None:
        """Stop the bot, then the local server (if this session started one)."""
        if self.client is not None:
            self.client.close()
            self.client = None
        if self.server is not None:
            self.server.stop()
            self.server = None
