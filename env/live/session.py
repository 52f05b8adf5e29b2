"""Where a live game runs: a local flying-squid server started here (``host=None``), or a server at
``host:port``; and the one bot process that plays it, replaced when it dies (with the local server, when
that is what died)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from bridge.client import BotClient
from bridge.errors import BridgeError, ServerUnavailable
from bridge.local_server import LocalServer
from bridge.process import minecraft_version

log = logging.getLogger(__name__)


@dataclass
class LiveSession:
    """A Minecraft server (started locally when ``host`` is None) and a :class:`BotClient` on it.

    ``bot_settings``: the bot's time limits (``pathTimeoutMs``, ``craftTimeoutMs``, … see bridge/bot/main.js).
    ``cook_ticks`` and ``server_seed`` apply to the local server only. ``version``: the Minecraft version the
    bot speaks (None: the bridge's, 1.21.4; any version mineflayer supports on a server at ``host``; the
    local arena runs the bridge's version only). ``after_send``: called with the method name while each of
    the bot's requests is in flight (fault injection, :mod:`env.live.faults`).

    The bot does not restart itself: a call to a dead bot raises, and :meth:`recover` replaces it.
    """

    host: str | None = None
    port: int | None = None
    username: str = "adam"
    server_seed: int = 0
    cook_ticks: int = 200
    bot_settings: dict[str, float] = field(default_factory=dict)
    version: str | None = None
    connect_timeout: float = 20.0
    after_send: Callable[[str], None] | None = None
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
        client = BotClient(
            host,
            port,
            self.username,
            version=self.version,
            connect_timeout=self.connect_timeout,
            auto_restart=False,
            after_send=self.after_send,
        )
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

    def recover(self, err: BridgeError) -> str:
        """Replace what ``err`` left dead and return what was restarted: ``"server"`` (the local server this
        session started, with the same seed and settings, on a port that may differ; a fresh bot joins it)
        or ``"bot"`` (a fresh bot process). A remote server that dropped the bot is not restarted: ``err``
        is raised again (ServerUnavailable), as is any error of the restart itself."""
        # a bot that saw its server go may report it before the server process has been reaped
        if self.server is not None and self.server.exited(1.0 if isinstance(err, ServerUnavailable) else 0.0):
            log.warning("local Minecraft server died (%s); starting a new one with seed %d", err, self.server_seed)
            if self.client is not None:
                self.client.close()
                self.client = None
            self.server.stop()
            self.server = None
            self.open()
            return "server"
        if isinstance(err, ServerUnavailable) and not self.local:
            raise err
        if self.client is None:
            self.open()
        else:
            self.client.restart()
        return "bot"

    def pid(self, target: str) -> int | None:
        """The process id of ``"bot"`` or ``"server"`` (the local one), if running."""
        if target == "server":
            return self.server.pid if self.server is not None else None
        return self.client.pid if self.client is not None else None

    def close(self) -> None:
        """Stop the bot, then the local server (if this session started one)."""
        if self.client is not None:
            self.client.close()
            self.client = None
        if self.server is not None:
            self.server.stop()
            self.server = None
