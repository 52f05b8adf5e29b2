"""The JSON-lines protocol and the process lifecycle, against the real local server."""

from __future__ import annotations

import socket

import pytest

from bridge.errors import BadRequest
from bridge.process import minecraft_version


def test_server_ready_line_names_a_loopback_port(live_server):
    assert live_server.info["event"] == "ready"
    assert live_server.info["version"] == minecraft_version() == "1.21.4"
    assert live_server.host == "127.0.0.1"
    with socket.create_connection((live_server.host, live_server.port), timeout=5):
        pass


def test_bot_ready_line_and_ping(bot):
    assert bot.ready["event"] == "ready"
    assert bot.ready["username"] == bot.username
    assert bot.ping() < 1.0


def test_observe_reports_the_simulators_fields(bot):
    obs = bot.observe()
    assert obs.inventory == {}
    assert obs.position == (0, 65, 0)  # the arena's spawn
    assert obs.facing == 0
    assert {"grass_block", "dirt"} <= set(obs.nearby)
    assert obs.health == 20


def test_unknown_method_and_bad_params_are_named_errors(bot):
    with pytest.raises(BadRequest, match="unknown method"):
        bot.call("fly")
    with pytest.raises(BadRequest, match="unknown item"):
        bot.craft("unobtainium")
    with pytest.raises(BadRequest, match="unknown block"):
        bot.gather(["bedrock_ore"])
    with pytest.raises(BadRequest, match="unknown setting"):
        bot.configure(warpSpeed=9)
    assert bot.ping() < 1.0  # the process survives bad requests


def test_set_inventory_is_exact_and_splits_stacks(bot):
    bot.set_inventory({"oak_log": 3, "cobblestone": 130})
    assert bot.observe().inventory == {"oak_log": 3, "cobblestone": 130}
    result = bot.set_inventory({"stick": 2})
    assert result.inventory == {"stick": 2}
    assert bot.set_inventory({}).inventory == {}


def test_closing_stdin_stops_the_bot(make_bot):
    bot = make_bot()
    process = bot._process
    bot.close()
    assert process is not None and process.proc.returncode == 0


def test_set_inventory_leaves_out_what_does_not_fit(bot):
    wanted = {"wooden_axe": 32, "stone_axe": 32, "oak_log": 32}  # 65 slots; the inventory has 36, 4 kept free
    result = bot.set_inventory(wanted)
    assert result.inventory["oak_log"] == 32
    assert sum(result.inventory.values()) - 32 == 31  # one slot per axe; 4 slots kept free
    assert sum(result.detail["trimmed"].values()) == 64 - 31
    assert bot.observe().inventory == result.inventory
