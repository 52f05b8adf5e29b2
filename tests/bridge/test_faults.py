"""Faults: the bot process killed mid-action, the server gone, a skill timing out — each a named error,
and the client recovers where it can."""

from __future__ import annotations

import os
import signal
import threading

import pytest

from bridge.client import BotClient
from bridge.errors import BridgeCrashed, ServerUnavailable, SkillTimeout
from bridge.local_server import LocalServer

PIT_EDGE = (11, 0)


def slow_action(bot: BotClient):
    """Bare-handed stone, dug anyway: about 8 s of walking and digging."""
    bot.configure(digWithoutTool=1)
    bot.teleport(*PIT_EDGE)
    bot.set_inventory({})
    return bot.gather(["stone"])


def test_killed_mid_action_is_named_and_the_client_restarts(make_bot):
    bot = make_bot()
    kill = threading.Timer(1.0, os.kill, (bot.pid, signal.SIGKILL))
    kill.start()
    try:
        with pytest.raises(BridgeCrashed) as raised:
            slow_action(bot)
    finally:
        kill.cancel()
    assert raised.value.name == "BridgeCrashed"
    assert raised.value.context["returncode"] == -signal.SIGKILL
    # the next call starts a fresh process, which joins the server again
    assert bot.observe().position == (0, 65, 0)
    assert bot.restarts == 1
    assert bot.set_inventory({"stick": 1}).inventory == {"stick": 1}


def test_skill_timeout_is_named_with_context(make_bot):
    bot = make_bot(pathTimeoutMs=1)
    with pytest.raises(SkillTimeout) as raised:
        bot.gather(["oak_log"])
    err = raised.value
    assert err.name == "PathTimeout"
    assert err.context["what"] == "walking to oak_log"
    assert err.context["timeoutMs"] == 1
    assert len(err.context["target"]) == 3
    bot.configure(pathTimeoutMs=30000)
    assert bot.gather(["oak_log"]).success  # the bot is still usable


@pytest.mark.live
def test_no_server_is_a_clear_error():
    probe = LocalServer().start()  # find a port that was free a moment ago, then free it
    port = probe.port
    probe.stop()
    with pytest.raises(ServerUnavailable, match=f"cannot connect to 127.0.0.1:{port}") as raised:
        BotClient("127.0.0.1", port, connect_timeout=5).start()
    assert raised.value.name == "ConnectFailed"


@pytest.mark.live
def test_server_stopped_mid_action_is_a_clear_error():
    server = LocalServer(seed=0).start()
    bot = BotClient(server.host, server.port, username="faulty").start()
    try:
        stop = threading.Timer(1.0, server.stop)
        stop.start()
        with pytest.raises(ServerUnavailable, match="lost the server during gather"):
            slow_action(bot)
        stop.join(timeout=10)
        # the process has gone with its connection; restarting cannot reach the server either
        with pytest.raises(ServerUnavailable, match="cannot connect"):
            bot.observe()
    finally:
        bot.close()
        server.stop()


def test_errors_are_one_line_with_the_node_stderr_as_a_note():
    err = ServerUnavailable("lost the server", context={"returncode": 3}, stderr_tail="line 1\nline 2")
    assert str(err) == "ServerUnavailable: lost the server (context: {'returncode': 3})"  # one `error:` line
    assert err.__notes__ == ["--- node stderr (tail) ---\nline 1\nline 2"]  # shown in a traceback
