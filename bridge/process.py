"""One Node process speaking JSON lines on stdio: start it, wait for its ready line, send requests.

stdout carries protocol lines only (responses ``{"id", "result"|"error"}`` and events ``{"event", …}``);
stderr is logged and its tail kept for error messages. Reader threads never block the caller: every
wait has a deadline.
"""

from __future__ import annotations

import collections
import contextlib
import fcntl
import functools
import itertools
import json
import logging
import os
import queue
import shutil
import subprocess
import threading
import time
import weakref
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from bridge.errors import (
    BridgeCrashed,
    BridgeSetupError,
    BridgeStartError,
    BridgeTimeout,
    ServerUnavailable,
    from_bot_error,
)

BRIDGE_DIR = Path(__file__).resolve().parent
STDERR_TAIL_LINES = 40
DISCONNECTED_EXIT_CODE = 3  # bot/main.js exits with it when the server drops the bot
NODE_MAJOR = 20  # the Node the bridge is built and tested on (bridge/README.md, Versions)
NODE_HINT = "install Node.js 20 and npm (Debian 13: apt-get install nodejs npm; older: https://nodejs.org)"
NOT_INSTALLED = f"the bridge's npm packages are not installed: run `npm ci` in {BRIDGE_DIR} (or scripts/test)"
NPM_TIMEOUT_S = 600.0
PRETEND_MISSING_ENV = "ADAM_TEST_PRETEND_MISSING"
_EOF = object()

log = logging.getLogger(__name__)


def pretended_missing() -> frozenset[str]:
    """The optional parts ``$ADAM_TEST_PRETEND_MISSING`` (comma-separated: ``bridge``, ``viewer``, ``chromium``,
    ``ray``) says to treat as missing: a testing hook that shows what a machine without them does, without
    removing anything. The bridge honours ``bridge`` itself (no first-use install either)."""
    return frozenset(part.strip() for part in os.environ.get(PRETEND_MISSING_ENV, "").split(",") if part.strip())


def packages_installed(directory: Path = BRIDGE_DIR) -> bool:
    """Whether ``npm ci`` has been run in ``directory`` (its node_modules hold mineflayer)."""
    return (directory / "node_modules" / "mineflayer" / "package.json").is_file()


def node_command(script: str, *, install: bool = True) -> list[str]:
    """``[node, bridge/<script>]``. The bridge's locked npm packages are installed on first use (``npm ci``,
    :func:`install_packages`) unless ``install`` is false; raises BridgeSetupError if Node 20+ is missing, or
    the packages are missing and cannot be installed."""
    node = shutil.which("node")
    if node is None:
        raise BridgeSetupError(f"Node.js ({NODE_MAJOR} or later) is not on PATH; the live game needs it: {NODE_HINT}")
    major = _node_major(node)
    if major < NODE_MAJOR:
        raise BridgeSetupError(f"Node.js {major} is too old; the live game needs {NODE_MAJOR} or later: {NODE_HINT}")
    if "bridge" in pretended_missing():
        raise BridgeSetupError(f"{NOT_INSTALLED} ({PRETEND_MISSING_ENV} pretends so)")
    if not packages_installed():
        if not install:
            raise BridgeSetupError(NOT_INSTALLED)
        install_packages()
    return [node, str(BRIDGE_DIR / script)]


def bridge_missing() -> str | None:
    """Why the bridge cannot run here (:func:`node_command`'s check, without installing anything), or None."""
    try:
        node_command("bot/main.js", install=False)
    except BridgeSetupError as err:
        return str(err)
    return None


def install_packages(directory: Path = BRIDGE_DIR, timeout: float = NPM_TIMEOUT_S) -> None:
    """``npm ci`` in ``directory`` (the lock file's exact packages), with one progress log line, unless they are
    there; one process at a time (a lock on the folder), so parallel runs install once. Raises
    BridgeSetupError with npm's error line when npm is missing or fails."""
    npm = shutil.which("npm")
    if npm is None:
        raise BridgeSetupError(f"the bridge's npm packages are not installed and npm is not on PATH: {NODE_HINT}")
    fd = os.open(directory, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        if packages_installed(directory):
            return
        log.info("installing the bridge's npm packages (first use, ~10 s)…")
        argv = [npm, "ci", "--no-audit", "--no-fund"]
        try:
            done = subprocess.run(argv, cwd=directory, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise BridgeSetupError(f"`npm ci` in {directory} took more than {timeout:g} s") from None
    finally:
        os.close(fd)  # releases the lock
    if done.returncode != 0 or not packages_installed(directory):
        raise BridgeSetupError(f"`npm ci` in {directory} failed: {npm_error_line(done.stderr + done.stdout)}")


def npm_error_line(output: str) -> str:
    """npm's error in one line: ``(CODE) first message line``; npm's own last line only names its debug log."""
    code, message = "", ""
    for line in output.splitlines():
        for prefix in ("npm error ", "npm ERR! "):
            if line.startswith(prefix):
                text = line[len(prefix) :]
                if text.startswith("code "):
                    code = code or text[5:].strip()
                elif text.strip() and not text[0].isspace() and not message and not _npm_detail(text):
                    message = text.strip()
    if not message:
        lines = [line.strip() for line in output.splitlines() if line.strip()]
        message = lines[-1] if lines else "no output"
    return f"({code}) {message}" if code else message


def _npm_detail(text: str) -> bool:
    return text.startswith(("syscall ", "errno ", "path ", "dest ", "A complete log of this run"))


@functools.cache
def _node_major(node: str) -> int:
    """The major version of the ``node`` executable (``v20.20.2`` -> 20); 0 when it cannot say."""
    try:
        done = subprocess.run([node, "--version"], capture_output=True, text=True, timeout=30)
        return int(done.stdout.strip().lstrip("v").split(".")[0])
    except (OSError, ValueError, subprocess.TimeoutExpired):
        return 0


def minecraft_version() -> str:
    """The Minecraft version the bridge speaks (``config.minecraftVersion`` of bridge/package.json)."""
    return str(json.loads((BRIDGE_DIR / "package.json").read_text())["config"]["minecraftVersion"])


def _kill(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.kill()
        proc.wait(timeout=5)


class NodeProcess:
    """A started Node process with a JSON-lines protocol on stdio (see the module docstring)."""

    def __init__(self, argv: Sequence[str], label: str) -> None:
        self.argv = list(argv)
        self.label = label
        self._lines: queue.Queue[Any] = queue.Queue()
        self._stderr: collections.deque[str] = collections.deque(maxlen=STDERR_TAIL_LINES)
        self._ids = itertools.count(1)
        self.disconnected: str | None = None  # why the bot lost its server, once it has said so
        self.proc = subprocess.Popen(
            self.argv,
            cwd=BRIDGE_DIR,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            bufsize=1,
        )
        self._finalizer = weakref.finalize(self, _kill, self.proc)  # never leave the child behind
        threading.Thread(target=self._read_stdout, name=f"{label}-stdout", daemon=True).start()
        threading.Thread(target=self._read_stderr, name=f"{label}-stderr", daemon=True).start()

    # ------------------------------------------------------------------------------------ readers
    def _read_stdout(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            try:
                self._lines.put(json.loads(line))
            except json.JSONDecodeError:
                log.warning("%s wrote a non-protocol line to stdout: %r", self.label, line[:200])
        self._lines.put(_EOF)

    def _read_stderr(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            line = line.rstrip("\n")
            if "partial packet" in line:  # flying-squid/minecraft-protocol noise on 1.20+ sound packets
                continue
            self._stderr.append(line)
            log.debug("%s: %s", self.label, line)

    @property
    def pid(self) -> int:
        return self.proc.pid

    @property
    def alive(self) -> bool:
        return self.proc.poll() is None

    def stderr_tail(self) -> str:
        return "\n".join(self._stderr)

    # ---------------------------------------------------------------------------------- protocol
    def _next_line(self, deadline: float, waiting_for: str) -> dict[str, Any]:
        try:
            line = self._lines.get(timeout=max(deadline - time.monotonic(), 0))
        except queue.Empty:
            raise BridgeTimeout(f"{self.label} gave no {waiting_for}", stderr_tail=self.stderr_tail()) from None
        if line is _EOF:
            code = self.proc.wait(timeout=5)
            if code == DISCONNECTED_EXIT_CODE:
                raise ServerUnavailable(
                    f"{self.label} lost the server ({self.disconnected or 'connection closed'})",
                    context={"returncode": code},
                    stderr_tail=self.stderr_tail(),
                )
            raise BridgeCrashed(
                f"{self.label} exited (code {code}) while waiting for {waiting_for}",
                context={"returncode": code},
                stderr_tail=self.stderr_tail(),
            )
        return line

    def wait_ready(self, timeout: float) -> dict[str, Any]:
        """Block until the ready event (at most ``timeout`` s); raises BridgeStartError and stops the process."""
        deadline = time.monotonic() + timeout
        try:
            line = self._next_line(deadline, "ready line")
        except (BridgeTimeout, BridgeCrashed) as err:
            self.stop()
            raise BridgeStartError(err.message, context=err.context, stderr_tail=self.stderr_tail()) from None
        if line.get("event") == "ready":
            return line
        self.stop()
        if line.get("event") == "error" and isinstance(line.get("error"), Mapping):
            err = from_bot_error(line["error"], self.stderr_tail())
            if not isinstance(err, BridgeStartError):
                err = BridgeStartError(err.message, name=err.name, context=err.context, stderr_tail=err.stderr_tail)
            raise err
        raise BridgeStartError(f"{self.label} failed to start: {line}", stderr_tail=self.stderr_tail())

    def request(
        self,
        method: str,
        params: Mapping[str, Any],
        timeout: float,
        after_send: Callable[[str], None] | None = None,
    ) -> dict[str, Any]:
        """Send one request and return its response line ``{"id", "result"|"error"}``.

        ``after_send(method)`` runs once the request is written, while it is in flight (fault injection)."""
        if not self.alive:
            raise BridgeCrashed(
                f"{self.label} is not running", context={"returncode": self.proc.poll()}, stderr_tail=self.stderr_tail()
            )
        request_id = next(self._ids)
        assert self.proc.stdin is not None
        try:
            self.proc.stdin.write(json.dumps({"id": request_id, "method": method, "params": dict(params)}) + "\n")
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError) as err:
            raise BridgeCrashed(f"{self.label} stdin closed: {err}", stderr_tail=self.stderr_tail()) from None
        if after_send is not None:
            after_send(method)
        deadline = time.monotonic() + timeout
        while True:
            line = self._next_line(deadline, f"answer to {method}")
            if line.get("id") == request_id:
                return line
            if line.get("event") == "disconnected":
                self.disconnected = str(line.get("reason"))
                raise ServerUnavailable(
                    f"the bot lost the server during {method}: {line.get('reason')}", stderr_tail=self.stderr_tail()
                )
            log.debug("%s: ignoring %s while waiting for %s", self.label, line, request_id)

    def stop(self, timeout: float = 5.0) -> int | None:
        """Close stdin (the process exits by itself), then kill it if it has not exited in ``timeout`` s."""
        if self.proc.stdin and not self.proc.stdin.closed:
            with contextlib.suppress(OSError):
                self.proc.stdin.close()
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            log.warning("%s did not exit after stdin closed; killing it", self.label)
            _kill(self.proc)
        return self.proc.returncode

    def kill(self) -> None:
        """Kill the process now (tests use this to simulate a crash)."""
        _kill(self.proc)
