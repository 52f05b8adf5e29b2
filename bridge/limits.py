"""The bot's inventory limits, from ``bridge/bot/data/inventory.json`` (the one source; the JS skills read it too)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

INVENTORY_FILE = Path(__file__).parent / "bot" / "data" / "inventory.json"


@cache
def inventory_slots() -> tuple[int, int]:
    """``(slots, free_slots)``: the bot's inventory slots, and how many an intervention keeps empty."""
    data = json.loads(INVENTORY_FILE.read_text(encoding="utf-8"))
    return int(data["slots"]), int(data["freeSlots"])


def intervention_capacity() -> int:
    """The most item kinds one intervention may set: the slots less the free ones (one kind per slot at least)."""
    slots, free = inventory_slots()
    return slots - free
