"""The bridge's setup: its locked npm packages are installed on first use (one progress line, once), a failing
``npm ci`` is one error line with npm's own error, and a missing or old Node says what to install. Each
install runs in a copy of bridge/'s package files, never in bridge/ itself."""

from __future__ import annotations

import logging
import shutil
import stat
from pathlib import Path

import pytest

from bridge.errors import BridgeSetupError
from bridge.process import (
    BRIDGE_DIR,
    PRETEND_MISSING_ENV,
    bridge_missing,
    install_packages,
    npm_error_line,
    packages_installed,
)

PROGRESS = "installing the bridge's npm packages (first use, ~10 s)…"


def package_copy(folder: Path) -> Path:
    for name in ("package.json", "package-lock.json"):
        shutil.copy(BRIDGE_DIR / name, folder / name)
    return folder


@pytest.mark.slow
@pytest.mark.needs("npm")
def test_first_use_installs_the_locked_packages_once_with_one_progress_line(tmp_path, caplog):
    folder = package_copy(tmp_path)
    with caplog.at_level(logging.INFO, logger="bridge.process"):
        install_packages(folder)
        install_packages(folder)  # already there: nothing to do
    assert packages_installed(folder)
    assert [r.getMessage() for r in caplog.records if r.name == "bridge.process"] == [PROGRESS]


@pytest.mark.needs("npm")
def test_a_failing_npm_ci_is_one_error_line_with_npms_error(tmp_path):
    folder = package_copy(tmp_path)
    (folder / "package-lock.json").write_text("{ not json")
    with pytest.raises(BridgeSetupError) as raised:
        install_packages(folder)
    message = str(raised.value)
    assert "\n" not in message and f"`npm ci` in {folder} failed: (EUSAGE)" in message
    assert "package-lock.json" in message  # npm's own words, not the path of its debug log
    assert not packages_installed(folder)


def test_without_npm_the_error_says_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no npm (and no node) here
    with pytest.raises(BridgeSetupError, match="npm is not on PATH: install Node.js 20 and npm"):
        install_packages(package_copy(tmp_path))
    assert "Node.js (20 or later) is not on PATH" in bridge_missing()


def test_a_node_older_than_20_is_missing_with_what_to_install(tmp_path, monkeypatch):
    node = tmp_path / "node"
    node.write_text("#!/bin/sh\necho v18.19.0\n")
    node.chmod(node.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", str(tmp_path))
    assert bridge_missing() == (
        "BridgeSetupError: Node.js 18 is too old; the live game needs 20 or later: install Node.js 20 and npm "
        "(Debian 13: apt-get install nodejs npm; older: https://nodejs.org)"
    )


def test_pretending_the_packages_are_missing_installs_nothing(monkeypatch):
    monkeypatch.setenv(PRETEND_MISSING_ENV, "bridge")
    reason = bridge_missing()
    assert reason and "npm ci" in reason and PRETEND_MISSING_ENV in reason


def test_npms_error_line_skips_its_log_path_and_details():
    out = (
        "npm warn EBADENGINE Unsupported engine {\n"
        "npm error code ECONNREFUSED\nnpm error syscall connect\nnpm error errno ECONNREFUSED\n"
        "npm error FetchError: request to http://127.0.0.1:9/left-pad failed, reason: connect ECONNREFUSED\n"
        "npm error     at ClientRequest.<anonymous> (index.js:130:14)\n"
        "npm error A complete log of this run can be found in: /root/.npm/_logs/x-debug-0.log\n"
    )
    assert npm_error_line(out) == (
        "(ECONNREFUSED) FetchError: request to http://127.0.0.1:9/left-pad failed, reason: connect ECONNREFUSED"
    )
    assert npm_error_line("npm ERR! code E404\nnpm ERR! 404 Not Found - GET https://x/y\n") == (
        "(E404) 404 Not Found - GET https://x/y"
    )
    assert npm_error_line("") == "no output"
