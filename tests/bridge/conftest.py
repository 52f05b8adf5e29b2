"""Fixtures for the bridge tests: one local flying-squid server on 127.0.0.1 for the session, and a fresh
bot (its own username, so its own inventory) per test. A test using them is marked live (tests/conftest.py):
skipped, saying what to install, where the bridge is missing."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest

from bridge.client import BotClient
from bridge.local_server import LocalServer

COOK_TICKS = 10  # furnace: half a second per item (vanilla 200)
_names = itertools.count()


@pytest.fixture(scope="session")
def live_server() -> Iterator[LocalServer]:
    server = LocalServer(seed=0, cook_ticks=COOK_TICKS).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def make_bot(live_server: LocalServer) -> Iterator:
    """Factory: a started BotClient with a fresh username; every bot is closed after the test."""
    bots: list[BotClient] = []

    def _make(**settings: float) -> BotClient:
        bot = BotClient(live_server.host, live_server.port, username=f"bot{next(_names)}").start()
        bots.append(bot)
        if settings:
            bot.configure(**settings)
        return bot

    yield _make
    for bot in bots:
        bot.close()


@pytest.fixture
def bot(make_bot) -> BotClient:
    """A bot that takes used stations back by command (fast); tests of breaking them use make_bot()."""
    return make_bot(digStations=0)
