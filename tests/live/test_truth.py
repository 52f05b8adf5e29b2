"""The live env's ground truth describes its own world: the local arena's blocks (no deepslate, so
cobblestone has no alternative), or the simulator's world for a server at host."""

from __future__ import annotations

from bridge.local_server import arena_blocks
from env.blocks import block_names
from env.live.game_env import LiveMinecraftEnv
from env.live.truth import world_relations
from env.minecraft import MinecraftEnv
from env.techtree import true_relations


def needs(relations) -> dict[str, dict[str, tuple[str, ...]]]:
    return {r.action: {item: n.alternatives for item, n in r.needs.items()} for r in relations}


def test_the_arenas_truth_lists_only_what_its_blocks_offer():
    truth = needs(LiveMinecraftEnv().ground_truth())
    sim = MinecraftEnv(render_frames=False)
    assert set(truth) == set(needs(sim.ground_truth()))  # every action can succeed in the arena too
    assert "deepslate" not in arena_blocks() and "cobbled_deepslate" not in str(truth)
    assert truth["craft_stone_pickaxe"]["cobblestone"] == ()
    assert truth["craft_furnace"]["cobblestone"] == ()
    assert set(truth["smelt_raw_iron"]["coal"]) == {"oak_log", "oak_planks", "stick"}  # fuels it does offer
    assert set(truth["mine_iron_ore"]["stone_pickaxe"]) == {"iron_pickaxe", "diamond_pickaxe"}


def test_over_the_simulators_blocks_it_is_the_simulators_truth():
    rules = MinecraftEnv(render_frames=False).rules
    assert world_relations(rules, block_names()) == true_relations(rules)


def test_a_remote_servers_truth_is_the_simulators():
    remote = LiveMinecraftEnv(host="127.0.0.1", port=25565)
    assert remote.ground_truth() == MinecraftEnv(render_frames=False).ground_truth()
