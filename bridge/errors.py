"""Named errors of the live-game bridge.

Errors raised by the Node side carry the JS error's ``name`` (``PathTimeout``, ``CraftTimeout``, …, see
``bridge/bot/errors.js``), its message and a ``context`` dict; errors about the Node process itself
carry the tail of its stderr (an exception note: shown in a traceback, kept out of ``str(err)``, which is
one line, so that a command can report it as one ``error:`` line).

:class:`BridgeUnavailable` and its subclasses mean the bridge cannot be used at all (setup missing, a process
that cannot start, a server that cannot be reached, a recovery that failed); ``env.live`` turns them into the
world contract's ``EnvironmentUnavailable`` (the bridge imports nothing of ``env``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class BridgeError(Exception):
    """Base class: ``name`` (the bridge's error name), ``context`` and the Node ``stderr_tail``."""

    def __init__(
        self, message: str, *, name: str | None = None, context: Mapping[str, Any] | None = None, stderr_tail: str = ""
    ) -> None:
        self.name = name or type(self).__name__
        self.context = dict(context or {})
        self.stderr_tail = stderr_tail
        full = f"{self.name}: {message}"
        if self.context:
            full += f" (context: {self.context})"
        super().__init__(" ".join(full.split("\n")))
        if stderr_tail:
            self.add_note(f"--- node stderr (tail) ---\n{stderr_tail}")
        self.message = message


class BridgeUnavailable(BridgeError):
    """The bridge cannot be used: the base of the setup, start and recovery errors below."""


class BridgeSetupError(BridgeUnavailable):
    """Node.js is missing, or ``npm ci`` has not been run in ``bridge/``."""


class ViewerUnavailable(BridgeSetupError):
    """Viewer frames cannot be rendered: the optional ``bridge/viewer`` package is not installed (or does not
    load), or there is no X display (DISPLAY unset and no Xvfb). The message says what to install or set."""


class BridgeStartError(BridgeUnavailable):
    """A Node process exited, or said it failed, before its ready line (or no ready line in time)."""


class ServerUnavailable(BridgeStartError):
    """The bot cannot reach the Minecraft server (refused, closed, kicked or timed out), or lost it."""


class BridgeCrashed(BridgeError):
    """The Node process died while a request was in flight (or between requests)."""


class BridgeTimeout(BridgeError):
    """The Node process gave no answer within the client's deadline (it is killed and restarted)."""


class RecoveryFailed(BridgeUnavailable):
    """The live env could not recover from a dead bot or local server: it died again after each of a bounded
    number of restarts in a row, or a fresh bot could not be given back what the old one held."""


class SkillError(BridgeError):
    """A skill failed inside the bot; ``name`` is the bot's error name."""


class SkillTimeout(SkillError):
    """A wait inside a skill ran out (``PathTimeout``, ``DigTimeout``, ``CraftTimeout``, …)."""


class BadRequest(SkillError):
    """The bot rejected the request (unknown method, item or block; invalid parameter)."""


def from_bot_error(error: Mapping[str, Any], stderr_tail: str = "") -> BridgeError:
    """The Python exception for an ``{"name", "message", "context"}`` error object sent by the bot."""
    name = str(error.get("name", "SkillError"))
    message = str(error.get("message", ""))
    context = error.get("context") or {}
    if name == "BadRequest":
        cls: type[BridgeError] = BadRequest
    elif name == "ViewerUnavailable":
        cls = ViewerUnavailable
    elif name in ("ConnectFailed", "ConnectTimeout", "Disconnected"):
        cls = ServerUnavailable
    elif name.endswith("Timeout"):
        cls = SkillTimeout
    else:
        cls = SkillError
    return cls(message, name=name, context=context, stderr_tail=stderr_tail)
