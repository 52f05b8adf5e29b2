"""The local test server: flying-squid with the arena and the project plugins, on 127.0.0.1.

>>> with LocalServer(seed=0) as server:   # doctest: +SKIP
...     print(server.host, server.port)

``port=0`` (the default) lets the OS pick a free port; the server reports it in its ready line.
"""

from __future__ import annotations

import json
import logging
import subprocess
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from bridge.process import BRIDGE_DIR, NodeProcess, node_command

log = logging.getLogger(__name__)

ARENA_DATA = BRIDGE_DIR / "server" / "data" / "arena.json"


@cache
def arena_blocks() -> frozenset[str]:
    """Every block the local arena places (``server/data/arena.json``, which ``server/arena.js`` reads)."""
    arena = json.loads(ARENA_DATA.read_text())
    return frozenset(arena["terrain"].values()) | {ore["block"] for ore in arena["ores"]}


@dataclass
class LocalServer:
    """A flying-squid server process. ``cook_ticks``: furnace ticks per item (vanilla 200; tests use less)."""

    seed: int = 0
    port: int = 0
    host: str = "127.0.0.1"
    cook_ticks: int = 200
    ready_timeout: float = 30.0
    info: dict[str, Any] = field(default_factory=dict, init=False)
    _process: NodeProcess | None = field(default=None, init=False, repr=False)

    def start(self) -> LocalServer:
        """Start the server and wait for its ready line; raises BridgeStartError with the stderr tail."""
        if self._process is not None and self._process.alive:
            return self
        argv = node_command("server/main.js") + [
            f"--host={self.host}",
            f"--port={self.port}",
            f"--seed={self.seed}",
            f"--cook-ticks={self.cook_ticks}",
        ]
        self._process = NodeProcess(argv, "minecraft-server")
        self.info = self._process.wait_ready(self.ready_timeout)
        self.port = int(self.info["port"])
        log.info("local Minecraft server %s on %s:%d (seed %d)", self.info["version"], self.host, self.port, self.seed)
        return self

    @property
    def alive(self) -> bool:
        return self._process is not None and self._process.alive

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    def stderr_tail(self) -> str:
        return self._process.stderr_tail() if self._process else ""

    def exited(self, timeout: float = 0.0) -> bool:
        """Whether the server process has exited (waiting at most ``timeout`` s for it to)."""
        if self._process is None:
            return True
        try:
            self._process.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return False
        return True

    def stop(self) -> None:
        """Stop the server (it exits when its stdin closes; killed after 5 s)."""
        if self._process is not None:
            self._process.stop()
            self._process = None

    def __enter__(self) -> LocalServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
