"""The Workshop example world honours the world contract (env.interface) as a user's world would."""

from __future__ import annotations

import ast
from pathlib import Path

import gymnasium as gym
import pytest
from gymnasium.utils.env_checker import check_env

import examples.workshop  # noqa: F401  (registers the workshop ids)
from causal_graph import CausalGraph
from env.interface import PLACED
from env.interface.handle import EnvWorld

IDS = ("workshop/Workshop-v0", "workshop/WorkshopUnscored-v0")
PACKAGE = Path(examples.workshop.__file__).parent


def world(env_id: str = IDS[0], seed: int = 0, **kwargs) -> EnvWorld:
    w = EnvWorld(gym.make(env_id, **kwargs))
    w.reset(seed=seed)
    return w


@pytest.mark.parametrize("env_id", IDS)
def test_passes_gymnasiums_env_checker(env_id):
    check_env(gym.make(env_id).unwrapped)


def test_imports_only_gymnasium_numpy_and_the_contract():
    """Written as a user outside this project would: nothing of env/ but env.interface."""
    for path in PACKAGE.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            for name in names:
                top = name.split(".")[0]
                assert top in {
                    "__future__",
                    "collections",
                    "dataclasses",
                    "typing",
                    "gymnasium",
                    "numpy",
                    "examples",
                } or (name == "env.interface"), f"{path.name} imports {name}"


def test_declares_absolute_moves_placed_stations_a_stack_cap_and_milestones():
    spec = world().spec
    assert spec.movements.kind == "absolute" and spec.movements.actions == ("north", "east", "south", "west")
    assert spec.places and spec.default_stack == 9 and spec.stack_limit("timber") == 9
    assert spec.stack_limit("placed:workbench") == 9
    assert [label for _, label in spec.milestones] == ["first tool", "mattock", "brass", "lantern"]
    assert not {"oak_log", "diamond", "crafting_table", "stick"} & set(spec.item_names)
    assert len(spec.tech_actions) == 11


def test_an_intervention_over_the_stack_cap_is_refused_and_changes_nothing():
    w = world()
    w.intervene({"timber": 9})
    with pytest.raises(ValueError, match="stack limit 9"):
        w.intervene({"timber": 10})
    assert w.inventory() == {"timber": 9}
    with pytest.raises(ValueError, match="unknown item 'oak_log'"):
        w.intervene({"oak_log": 1})
    with pytest.raises(ValueError, match="unknown station 'forge'"):
        w.intervene({"placed:forge": 1})


def test_placing_a_station_is_an_effect_and_a_recipe_needs_it_near():
    w = world()
    w.intervene({"timber": 6, "twine": 1, "pebble": 1})
    assert not w.act("make_mattock").success  # no workbench near
    t = w.act("place_workbench")
    assert t.success and t.consumed == {"timber": 4} and t.added == {f"{PLACED}workbench": 1}
    t = w.act("make_mattock")
    assert t.success and t.added == {"mattock": 1} and w.inventory()["placed:workbench"] == 1
    for _ in range(2):  # walk away: the workbench stays behind
        w.act("east")
    assert "placed:workbench" not in w.inventory()


def test_the_placed_reset_option_sets_the_stations_next_to_the_agent():
    w = world()
    w.intervene({"glimmer": 1, "timber": 1, "placed:kiln": 2})
    assert w.inventory() == {"glimmer": 1, "timber": 1, "placed:kiln": 2}
    t = w.act("fire_brass")
    assert t.success and t.added == {"brass": 1} and t.consumed == {"glimmer": 1, "timber": 1}
    w.intervene({"glimmer": 1, "timber": 1})  # no station near any more
    assert not w.act("fire_brass").success


def test_digging_glimmer_drops_one_to_three_and_a_full_stack_loses_the_rest():
    w = world()
    drops = set()
    for _ in range(40):
        w.intervene({"mattock": 1})
        t = w.act("dig_glimmer")
        while t.reason == "unreachable":
            t = w.act(w.spec.movements.explore(0))
            t = w.act("dig_glimmer")
        drops.add(t.added["glimmer"])
    assert drops == {1, 2, 3}
    w.intervene({"mattock": 1, "glimmer": 9})
    assert w.act("dig_glimmer").added == {} and w.inventory()["glimmer"] == 9


def test_gathering_out_of_reach_is_unreachable_until_the_agent_moves():
    w = world(seed=2)
    w.intervene({"mattock": 1})
    reasons = []
    for detour in range(30):
        t = w.act("dig_glimmer")
        reasons.append(t.reason)
        if t.success:
            break
        w.act(w.spec.movements.explore(detour))
    assert reasons[0] == "unreachable" and reasons[-1] == "ok"


def test_ground_truth_names_placed_stations_and_is_optional():
    truth = CausalGraph.from_relations(world().ground_truth())
    assert truth.relation("make_lantern").needs["placed:workbench"].consumed is False
    assert truth.relation("place_kiln").yields == {"placed:kiln": 1}
    assert truth.relation("dig_glimmer").yield_range == {"glimmer": (1, 3)}
    assert world(IDS[1]).ground_truth() is None


def test_the_same_seed_gives_the_same_world():
    def rollout():
        w = world(seed=5)
        w.intervene({"mattock": 1})
        return [w.act(a).to_dict() for a in ("dig_glimmer", "north", "dig_glimmer", "west", "dig_glimmer")]

    assert rollout() == rollout()


def test_bad_construction_arguments_are_one_line_errors():
    with pytest.raises(ValueError, match="unknown goal 'diamond'"):
        gym.make(IDS[0], goal="diamond")
    with pytest.raises(TypeError):
        gym.make(IDS[0], variant="original")  # a Minecraft setting: this world takes none
