"""Running ``adam`` as a user does: a subprocess of this interpreter (``python -m agent.cli``)."""

from __future__ import annotations

import os
import subprocess
import sys


def adam(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """``adam ARGS`` in a subprocess, its output captured as text; ``env``: variables added to this process's."""
    return subprocess.run(
        [sys.executable, "-m", "agent.cli", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=300,
    )
