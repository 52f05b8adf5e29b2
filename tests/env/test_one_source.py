"""One source for each fact the simulator and the live game (Python and JS) share, or a test that they agree:
the intervention capacity, the smelting data, the movement names, the live registration."""

from __future__ import annotations

import json
import re
from pathlib import Path

import gymnasium as gym

from bridge.limits import INVENTORY_FILE, intervention_capacity, inventory_slots
from env import ENV_IDS, LIVE_ENV_ID
from env.actions import action_library, movement_roles
from env.rules import smelting_data

ROOT = Path(__file__).parents[2]
SMELTING_JSON = ROOT / "bridge" / "server" / "data" / "smelting.json"


def test_the_intervention_capacity_has_one_home_read_by_python_and_js():
    slots, free = inventory_slots()
    assert (slots, free) == (36, 4) and intervention_capacity() == 32
    js = (ROOT / "bridge" / "bot" / "skills" / "inventory.js").read_text()
    assert "require('../data/inventory.json')" in js
    assert (ROOT / "bridge" / "bot" / "skills" / "../data/inventory.json").resolve() == INVENTORY_FILE.resolve()
    assert not re.search(r"(INVENTORY_SLOTS|FREE_SLOTS)\s*=\s*\d", js)  # no second copy of the figures


def test_the_simulators_smelting_agrees_with_the_arenas_and_the_bots():
    """env/data/smelting.toml (the simulator) and bridge/server/data/smelting.json (the arena's furnace and
    the bot's fuel choice): every simulator recipe is the arena's, every simulator fuel smelts as many items
    per fuel item there, and the bot burns fuels in the simulator's order."""
    sim = smelting_data()
    live = json.loads(SMELTING_JSON.read_text())
    for source, result in sim["recipes"].items():
        assert live["recipes"].get(source) == result, source
    cook = live["cookTicks"]
    for fuel, per_item in sim["fuel"].items():
        assert live["burnTicks"][fuel] / cook == per_item, fuel
    assert live["fuelPreference"] == list(sim["fuel"])


def test_movement_names_come_from_the_action_data():
    moves = [s.id for s in action_library() if s.is_movement]
    assert sorted(movement_roles().values()) == sorted(moves)
    assert movement_roles()["forward"] == "move_forward" and movement_roles()["turn_right"] == "turn_right"


def test_the_live_id_is_registered_once_with_the_simulators():
    from env.registration import make_live, make_simulator

    assert gym.spec(LIVE_ENV_ID).entry_point == f"{make_live.__module__}:{make_live.__name__}"
    assert {gym.spec(i).entry_point for i in ENV_IDS} == {f"{make_simulator.__module__}:{make_simulator.__name__}"}
    sources = [p for p in ROOT.glob("**/*.py") if ".venv" not in p.parts and "node_modules" not in p.parts]
    registering = [p for p in sources if LIVE_ENV_ID in p.read_text(errors="ignore") and "register(" in p.read_text()]
    assert [p.relative_to(ROOT).as_posix() for p in registering] == ["env/registration.py"]
