"""Discovery in a world that is not Minecraft: stacks that cap, and stations placed in the world (the Workshop)."""

from __future__ import annotations

import gymnasium as gym
import pytest

import examples.workshop  # noqa: F401  (registers the workshop ids)
from causal_graph.discovery import Discoverer, DiscoveryConfig
from env.interface.handle import EnvWorld


def workshop(seed: int = 0, **kwargs) -> EnvWorld:
    w = EnvWorld(gym.make("workshop/Workshop-v0", **kwargs))
    w.reset(seed=seed)
    return w


@pytest.mark.parametrize(("stack_limit", "stock"), [(1, 1), (2, 1), (9, 5), (10, 5), (64, 32), (1000, 32)])
def test_the_stock_is_half_a_capped_stack_and_at_most_the_configured_one(stack_limit, stock):
    d = Discoverer(workshop(stack_limit=stack_limit))
    assert d.stock("timber") == d.stock("placed:kiln") == stock


def test_a_world_without_stack_limits_stocks_the_configured_count():
    w = EnvWorld(gym.make("adam/Minecraft-v0", render_frames=False))
    assert Discoverer(w).stock("oak_log") == 32
    assert Discoverer(w, config=DiscoveryConfig(stock=7)).stock("oak_log") == 7


def test_an_action_whose_effect_is_a_placed_station_is_explained():
    outcome = Discoverer(workshop()).discover("place_workbench", ["timber", "reed", "placed:kiln"])
    assert outcome.status == "explained"
    assert outcome.relation.yields == {"placed:workbench": 1}
    assert {i: (n.quantity, n.consumed) for i, n in outcome.relation.needs.items()} == {"timber": (4, True)}


def test_a_placed_station_is_a_held_cause():
    known = ["reed", "pebble", "twine", "timber", "blade", "placed:workbench", "placed:kiln"]
    rel = Discoverer(workshop()).discover("make_mattock", known, likely_held=["blade"]).relation
    assert {i: (n.quantity, n.consumed) for i, n in rel.needs.items()} == {
        "timber": (2, True),
        "twine": (1, True),
        "pebble": (1, True),
        "placed:workbench": (1, False),
    }
    assert rel.yields == {"mattock": 1}


def test_with_stacks_of_nine_a_gathered_item_already_in_stock_is_still_an_effect():
    """Stocked at 32 the intervention would be refused; stocked at 9 one more would be lost (invisible)."""
    w = workshop(stack_limit=9)
    resets = []
    w.on_reset = lambda seed, options: resets.append(options)
    rel = Discoverer(w).discover("chop_timber", ["timber", "blade"]).relation
    assert rel.yields == {"timber": 2} and set(rel.needs) == {"blade"}
    assert max(q for r in resets if r for q in r["inventory"].values()) == 5


def test_placed_things_do_not_count_against_the_capacity():
    d = Discoverer(workshop(capacity=2))
    items = ["reed", "pebble", "timber", "placed:workbench", "placed:kiln"]
    assert d._fit(items, ["timber"]) == ["timber", "pebble", "placed:workbench", "placed:kiln"]
    assert d._fit(["reed", "placed:kiln"], []) == ["reed", "placed:kiln"]
