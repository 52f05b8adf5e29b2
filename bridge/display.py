"""What viewer frames need on this machine: the optional Node package ``bridge/viewer`` (prismarine-viewer and
node-canvas-webgl, a native build) and an X display for headless GL, started here (Xvfb) when DISPLAY is unset.

>>> with VirtualDisplay() as display:   # doctest: +SKIP
...     display.name
':1'

The viewer package is looked up in ``bridge/viewer``, or in ``$ADAM_VIEWER_DIR`` where that is set (the bot
process inherits the variable, so both sides look in the same place).
"""

from __future__ import annotations

import collections
import logging
import os
import select
import shutil
import subprocess
import threading
import time
import weakref
from pathlib import Path

from bridge.errors import ViewerUnavailable

BRIDGE_DIR = Path(__file__).resolve().parent
VIEWER_DIR = BRIDGE_DIR / "viewer"
VIEWER_DIR_ENV = "ADAM_VIEWER_DIR"
DEBIAN_PACKAGES = VIEWER_DIR / "debian-packages.txt"
INSTALL_HINT = (
    "install it: apt-get install $(cat bridge/viewer/debian-packages.txt), "
    "then `cd bridge/viewer && npm_config_nodedir=/usr npm ci` (native build of canvas and gl, minutes)"
)
VIEWER_PACKAGES = ("prismarine-viewer", "node-canvas-webgl", "canvas", "gl", "three")
STDERR_TAIL_LINES = 20

log = logging.getLogger(__name__)


def viewer_dir() -> Path:
    """The folder holding the viewer package: ``$ADAM_VIEWER_DIR``, else ``bridge/viewer``."""
    return Path(os.environ.get(VIEWER_DIR_ENV) or VIEWER_DIR)


def viewer_missing(directory: Path | None = None) -> str | None:
    """Why viewer frames cannot be rendered here (what to install), or None when they can."""
    directory = directory or viewer_dir()
    absent = [name for name in VIEWER_PACKAGES if not (directory / "node_modules" / name / "package.json").is_file()]
    if absent:
        return f"prismarine-viewer is not installed in {directory} (missing {', '.join(absent)}): {INSTALL_HINT}"
    if not os.environ.get("DISPLAY") and shutil.which("Xvfb") is None:
        return "headless GL needs an X display: DISPLAY is unset and Xvfb is not installed (apt-get install xvfb)"
    return None


def _stop(proc: subprocess.Popen, timeout: float = 5.0) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=timeout)


class VirtualDisplay:
    """A private Xvfb (``-nolisten tcp``) on a display number it picks itself; :meth:`stop` ends it.

    Readiness is Xvfb's own signal (``-displayfd``: it writes its display number once it accepts clients),
    awaited at most ``timeout`` seconds; then its socket ``/tmp/.X11-unix/X<N>`` is there.
    """

    def __init__(self, screen: str = "1280x720x24", timeout: float = 10.0) -> None:
        self.screen = screen
        self.timeout = timeout
        self.number: int | None = None
        self.proc: subprocess.Popen | None = None
        self._stderr: collections.deque[str] = collections.deque(maxlen=STDERR_TAIL_LINES)
        self._finalizer: weakref.finalize | None = None

    @property
    def name(self) -> str:
        """The DISPLAY value, ``:N``."""
        if self.number is None:
            raise RuntimeError("the virtual display is not started")
        return f":{self.number}"

    @property
    def socket(self) -> Path:
        return Path("/tmp/.X11-unix") / f"X{self.number}"

    @property
    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stderr_tail(self) -> str:
        return "\n".join(self._stderr)

    def start(self) -> VirtualDisplay:
        """Start Xvfb and wait until it accepts clients; ViewerUnavailable if Xvfb is missing or fails."""
        if self.alive:
            return self
        xvfb = shutil.which("Xvfb")
        if xvfb is None:
            raise ViewerUnavailable(
                "DISPLAY is unset and Xvfb is not installed: apt-get install xvfb "
                f"(listed in {DEBIAN_PACKAGES.relative_to(BRIDGE_DIR.parent)}), or set DISPLAY to a running X server"
            )
        started = time.monotonic()
        read_end, write_end = os.pipe()
        try:
            self.proc = subprocess.Popen(
                [xvfb, "-displayfd", str(write_end), "-nolisten", "tcp", "-screen", "0", self.screen],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                pass_fds=(write_end,),
                text=True,
            )
        finally:
            os.close(write_end)
        self._finalizer = weakref.finalize(self, _stop, self.proc)  # never leave the server behind
        threading.Thread(target=self._read_stderr, name="xvfb-stderr", daemon=True).start()
        try:
            self.number = self._read_number(read_end, started + self.timeout)
        except BaseException:
            self.stop()
            raise
        finally:
            os.close(read_end)
        log.info("started Xvfb on %s (pid %d) in %.2f s", self.name, self.proc.pid, time.monotonic() - started)
        return self

    def _read_number(self, fd: int, deadline: float) -> int:
        text = b""
        while not text.endswith(b"\n"):
            remaining = deadline - time.monotonic()
            ready, _, _ = select.select([fd], [], [], max(remaining, 0))
            if not ready:
                raise ViewerUnavailable(
                    f"Xvfb did not accept clients within {self.timeout:.0f} s", stderr_tail=self.stderr_tail()
                )
            chunk = os.read(fd, 64)
            if not chunk:  # Xvfb exited before it was ready
                assert self.proc is not None
                code = self.proc.wait(timeout=5)
                raise ViewerUnavailable(
                    f"Xvfb exited (code {code}) before it was ready", stderr_tail=self.stderr_tail()
                )
            text += chunk
        return int(text.strip())

    def _read_stderr(self) -> None:
        assert self.proc is not None and self.proc.stderr is not None
        for line in self.proc.stderr:
            self._stderr.append(line.rstrip("\n"))
            log.debug("Xvfb: %s", line.rstrip("\n"))

    def stop(self, timeout: float = 5.0) -> None:
        """Terminate Xvfb (killed after ``timeout`` s); it removes its socket and lock file itself."""
        if self.proc is not None:
            _stop(self.proc, timeout)
            if self._finalizer is not None:
                self._finalizer.detach()
            log.debug("stopped Xvfb %s", f":{self.number}" if self.number is not None else "(not ready)")
        self.proc = None

    def __enter__(self) -> VirtualDisplay:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = "running" if self.alive else "stopped"
        return f"VirtualDisplay({f':{self.number}' if self.number is not None else '?'}, {state})"
