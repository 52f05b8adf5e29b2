"""The Python client of one bot process (``bridge/bot/main.js``): typed skills over JSON-lines RPC.

>>> with BotClient("127.0.0.1", 25565) as bot:   # doctest: +SKIP
...     bot.set_inventory({"oak_planks": 3, "stick": 2, "crafting_table": 1})
...     bot.craft("wooden_pickaxe").inventory
{'wooden_pickaxe': 1, 'crafting_table': 1}

A bot process that dies (killed, crashed) makes the call in flight raise :class:`BridgeCrashed`; the next
call starts a fresh process, which joins the server again (at most ``max_restarts`` times in a row without
an answered call). With ``auto_restart=False`` the next call raises :class:`BridgeCrashed` instead and the
caller restarts it (:meth:`restart`) once it has decided what to restore (the live env does: a fresh bot
joins with an empty inventory). Settings changed with :meth:`configure` are re-applied to restarted
processes.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Mapping
from typing import Any

from bridge.display import VirtualDisplay, viewer_missing
from bridge.errors import BridgeCrashed, BridgeError, BridgeTimeout, ViewerUnavailable, from_bot_error
from bridge.process import NodeProcess, node_command
from bridge.results import Frame, Observation, SkillResult

log = logging.getLogger(__name__)


class BotClient:
    """One mineflayer bot on ``host:port`` (offline auth) as a long-lived Node process."""

    def __init__(
        self,
        host: str,
        port: int,
        username: str = "adam",
        *,
        version: str | None = None,
        connect_timeout: float = 20.0,
        request_timeout: float = 180.0,
        max_restarts: int = 3,
        settle_timeout: float = 10.0,
        auto_restart: bool = True,
        after_send: Callable[[str], None] | None = None,
    ) -> None:
        self.host, self.port, self.username = host, int(port), username
        self.version = version  # None: the bridge's own (bridge/package.json config.minecraftVersion)
        self.connect_timeout = connect_timeout
        self.settle_timeout = settle_timeout  # after spawning, wait at most this for the server to place the bot
        self.request_timeout = request_timeout
        self.max_restarts = max_restarts
        self.auto_restart = auto_restart  # a dead process is restarted by the next call (else: BridgeCrashed)
        self.after_send = after_send  # called with the method name while each request is in flight (faults)
        self.restarts = 0  # in total
        self._failed_restarts = 0  # in a row, without a successful call since
        self.ready: dict[str, Any] = {}
        self._settings: dict[str, float] = {}
        self._process: NodeProcess | None = None
        self._started = False
        self._display: VirtualDisplay | None = None  # Xvfb for viewer frames, started at the first frame()

    # ------------------------------------------------------------------------------- lifecycle
    def start(self) -> BotClient:
        """Start the bot process and wait until the bot has spawned (ServerUnavailable if it cannot)."""
        argv = node_command("bot/main.js") + [
            f"--host={self.host}",
            f"--port={self.port}",
            f"--username={self.username}",
            f"--connect-timeout-ms={int(self.connect_timeout * 1000)}",
            f"--settle-ms={int(self.settle_timeout * 1000)}",
        ]
        if self.version:
            argv.append(f"--version={self.version}")
        started = time.monotonic()
        self._process = NodeProcess(argv, f"bot-{self.username}")
        self.ready = self._process.wait_ready(self.connect_timeout + self.settle_timeout + 15.0)
        self._started = True
        log.info("bot %s joined %s:%d in %.2f s", self.username, self.host, self.port, time.monotonic() - started)
        if self._settings:
            self._call("configure", self._settings)
        return self

    def restart(self) -> None:
        """Stop the current process (if any) and start a fresh one."""
        if self._failed_restarts >= self.max_restarts:
            raise BridgeCrashed(
                f"bot process restarted {self._failed_restarts} times in a row without a good call; giving up"
            )
        self.restarts += 1
        self._failed_restarts += 1
        log.warning(
            "restarting bot %s (%d in a row, at most %d)", self.username, self._failed_restarts, self.max_restarts
        )
        if self._process is not None:
            self._process.stop(timeout=2.0)
        self.start()

    def close(self) -> None:
        """Stop the bot process (it leaves the server when its stdin closes)."""
        if self._process is not None:
            self._process.stop()
            self._process = None
        self._started = False
        if self._display is not None:
            self._display.stop()
            self._display = None

    def __enter__(self) -> BotClient:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    @property
    def alive(self) -> bool:
        return self._process is not None and self._process.alive

    def stderr_tail(self) -> str:
        return self._process.stderr_tail() if self._process else ""

    # ------------------------------------------------------------------------------------- calls
    def _call(self, method: str, params: Mapping[str, Any], timeout: float | None = None) -> Any:
        if not self._started or self._process is None:
            raise BridgeError("the bot is not started: call start() or use it as a context manager")
        if self.auto_restart and (not self._process.alive or self._process.disconnected):
            self.restart()  # it crashed or lost the server since the last call
        process = self._process
        assert process is not None
        try:
            line = process.request(method, params, timeout or self.request_timeout, self.after_send)
        except BridgeTimeout:
            process.kill()  # unknown state: the next call starts a fresh process
            raise
        self._failed_restarts = 0  # the process answered
        if "error" in line:
            raise from_bot_error(line["error"], process.stderr_tail())
        return line.get("result")

    def call(self, method: str, params: Mapping[str, Any] | None = None, timeout: float | None = None) -> Any:
        """Raw RPC call; returns the ``result`` object or raises a :mod:`bridge.errors` exception."""
        return self._call(method, params or {}, timeout)

    def ping(self) -> float:
        """Round trip of an empty request, in seconds."""
        started = time.perf_counter()
        self._call("ping", {})
        return time.perf_counter() - started

    def configure(self, **settings: float) -> dict[str, float]:
        """Change the bot's time limits (``pathTimeoutMs``, ``craftTimeoutMs``, …; see bot/main.js)."""
        result = self._call("configure", settings)
        self._settings.update(settings)
        return result

    def observe(self) -> Observation:
        return Observation.from_json(self._call("observe", {}))

    def gather(self, blocks: list[str] | tuple[str, ...], count: int = 1, radius: int | None = None) -> SkillResult:
        params: dict[str, Any] = {"blocks": list(blocks), "count": count}
        if radius is not None:
            params["radius"] = radius
        return SkillResult.from_json(self._call("gather", params))

    def craft(self, item: str, count: int = 1) -> SkillResult:
        return SkillResult.from_json(self._call("craft", {"item": item, "count": count}))

    def smelt(self, item: str, fuel: str | None = None, count: int = 1) -> SkillResult:
        return SkillResult.from_json(self._call("smelt", {"item": item, "fuel": fuel, "count": count}))

    def place(self, item: str) -> SkillResult:
        return SkillResult.from_json(self._call("place", {"item": item}))

    def move(self, forward: int = 0, right: int = 0, turn: int = 0, distance: int | None = None) -> SkillResult:
        params: dict[str, Any] = {"forward": forward, "right": right, "turn": turn}
        if distance is not None:
            params["distance"] = distance
        return SkillResult.from_json(self._call("move", params))

    def teleport(self, x: int, z: int) -> SkillResult:
        """Stand on the highest block of column (x, z) (a do()-intervention on the position, through /tp)."""
        return SkillResult.from_json(self._call("teleport", {"x": int(x), "z": int(z)}))

    def view(self, radius: int = 16, below: int = 8, above: int = 12) -> dict[str, Any]:
        """The blocks around the bot (palette + cells), the eye and the look: see env/live/frames.py."""
        return self._call("view", {"radius": radius, "below": below, "above": above})

    def frame(self, width: int = 160, height: int = 120) -> Frame:
        """The bot's first-person view rendered by prismarine-viewer (PNG; the optional ``bridge/viewer``).

        When DISPLAY is unset, the first call starts a private Xvfb for the bot (stopped by :meth:`close`).
        Raises :class:`ViewerUnavailable` (saying what to install) when the viewer is not installed."""
        reason = viewer_missing()
        if reason:
            raise ViewerUnavailable(reason)
        params: dict[str, Any] = {"width": int(width), "height": int(height)}
        if not os.environ.get("DISPLAY"):  # else the bot inherited it
            if self._display is None or not self._display.alive:
                self._display = VirtualDisplay().start()
            params["display"] = self._display.name
        return Frame.from_json(self._call("frame", params))

    def set_inventory(self, items: Mapping[str, int]) -> SkillResult:
        """Set the inventory exactly (a do()-intervention, through /clear and /give)."""
        return SkillResult.from_json(self._call("set_inventory", {"items": dict(items)}))
