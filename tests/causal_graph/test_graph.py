"""CausalGraph: building, queries, tech levels, JSON/GraphML persistence, pictures."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pytest

from causal_graph.graph import CausalGraph
from causal_graph.graph_file import GraphFileError
from causal_graph.picture import draw_graph
from env.interface.relation import CausalRelation, Evidence, Need


def tech_tree() -> CausalGraph:
    """A small hand-written slice of the tech tree, with one action known but unexplained."""
    relations = [
        CausalRelation("gather_oak_log", {}, {"oak_log": 1}, evidence=Evidence(5, 2, 1)),
        CausalRelation("craft_planks", {"oak_log": Need(1, True)}, {"oak_planks": 4}, confidence=0.9),
        CausalRelation("craft_sticks", {"oak_planks": Need(2, True)}, {"stick": 4}),
        CausalRelation("craft_crafting_table", {"oak_planks": Need(4, True)}, {"crafting_table": 1}),
        CausalRelation(
            "craft_wooden_pickaxe",
            {"oak_planks": Need(3, True), "stick": Need(2, True), "crafting_table": Need(1, False)},
            {"wooden_pickaxe": 1},
        ),
        CausalRelation(
            "mine_iron_ore",
            {"stone_pickaxe": Need(1, False, ("iron_pickaxe", "diamond_pickaxe"))},
            {"raw_iron": 1},
            {"raw_iron": (1, 2)},
        ),
        CausalRelation(
            "smelt_raw_iron",
            {"furnace": Need(1, False), "raw_iron": Need(1, True), "coal": Need(1, True, ("oak_planks", "stick"))},
            {"iron_ingot": 1},
        ),
    ]
    return CausalGraph.from_relations(relations, actions=["craft_furnace"])


def test_relation_round_trip_and_queries() -> None:
    graph = tech_tree()
    assert graph.actions()[:3] == ["craft_crafting_table", "craft_furnace", "craft_planks"]
    assert "oak_log" in graph.items() and "craft_planks" not in graph.items()
    assert graph.explained("craft_planks") and not graph.explained("craft_furnace")
    assert not graph.explained("no_such_action")
    assert graph.relation("craft_furnace") is None
    rel = graph.relation("mine_iron_ore")
    assert rel is not None
    assert rel.needs["stone_pickaxe"] == Need(1, False, ("iron_pickaxe", "diamond_pickaxe"))
    assert rel.yield_range == {"raw_iron": (1, 2)}
    assert graph.relation("gather_oak_log").evidence == Evidence(5, 2, 1)
    assert graph.relation("craft_planks").confidence == 0.9
    assert [r.action for r in graph.relations()] == sorted(a for a in graph.actions() if a != "craft_furnace")
    assert graph.producers("oak_planks") == ["craft_planks"]
    assert graph.producers("stone_pickaxe") == [] and graph.producers("unknown") == []
    assert graph.consumers("oak_planks") == ["craft_crafting_table", "craft_sticks", "craft_wooden_pickaxe"]


def test_set_relation_replaces_and_remove_keeps_action() -> None:
    graph = tech_tree()
    graph.set_relation(CausalRelation("craft_planks", {"birch_log": Need(1, True)}, {"birch_planks": 4}))
    assert graph.relation("craft_planks").needs.keys() == {"birch_log"}
    assert graph.producers("oak_planks") == []
    assert "birch_planks" in graph.items()
    graph.remove_relation("craft_planks")
    assert "craft_planks" in graph.actions() and not graph.explained("craft_planks")
    assert "birch_log" not in graph.items()  # orphaned items are pruned
    with pytest.raises(KeyError):
        graph.remove_relation("no_such_action")


def test_invalid_relations_and_name_clashes_raise() -> None:
    graph = tech_tree()
    with pytest.raises(ValueError, match="quantity"):
        graph.set_relation(CausalRelation("craft_x", {"oak_log": Need(0, True)}, {}))
    with pytest.raises(ValueError, match="yield_range"):
        graph.set_relation(CausalRelation("craft_x", {}, {"a": 1}, {"b": (1, 2)}))
    with pytest.raises(ValueError, match="is an action"):
        graph.set_relation(CausalRelation("craft_x", {"craft_planks": Need(1, True)}, {}))
    with pytest.raises(ValueError, match="already an item"):
        graph.add_action("oak_log")
    with pytest.raises(ValueError, match="two relations"):
        CausalGraph.from_relations([CausalRelation("a"), CausalRelation("a")])
    assert "craft_x" not in graph.actions()


def test_item_graph_edges() -> None:
    tree = tech_tree().item_graph()
    assert set(tree.nodes) == set(tech_tree().items())
    assert tree.edges["oak_log", "oak_planks"]["actions"] == ["craft_planks"]
    assert tree.has_edge("crafting_table", "wooden_pickaxe") and tree.has_edge("stick", "wooden_pickaxe")
    assert tree.has_edge("coal", "iron_ingot") and not tree.has_edge("oak_planks", "iron_ingot")
    assert not tree.has_edge("wooden_pickaxe", "oak_planks")


def test_tech_levels_ordering() -> None:
    levels = tech_tree().tech_levels()
    assert levels["oak_log"] == 0 and levels["gather_oak_log"] == 0
    assert levels["oak_log"] < levels["oak_planks"] < levels["stick"] < levels["wooden_pickaxe"]
    assert levels["crafting_table"] < levels["wooden_pickaxe"]
    assert levels["craft_wooden_pickaxe"] == max(levels[i] for i in ("oak_planks", "stick", "crafting_table"))
    top = max(levels[n] for n in ("oak_log", "oak_planks", "stick", "crafting_table", "wooden_pickaxe")) + 1
    # nothing yields stone_pickaxe or furnace, so the iron chain and the unexplained action are unreachable
    for node in ("stone_pickaxe", "raw_iron", "iron_ingot", "smelt_raw_iron", "craft_furnace"):
        assert levels[node] == top


def test_tech_levels_alternatives_and_roots() -> None:
    levels = tech_tree().tech_levels(roots=["iron_pickaxe", "furnace"])
    # iron_pickaxe stands in for stone_pickaxe; coal is replaced by the cheapest fuel (oak_planks)
    assert levels["mine_iron_ore"] == 0 and levels["raw_iron"] == 1
    assert levels["smelt_raw_iron"] == 1 and levels["iron_ingot"] == 2
    assert levels["coal"] > levels["iron_ingot"]  # still nothing yields coal


def test_json_round_trip_and_equality(tmp_path: Path) -> None:
    graph = tech_tree()
    assert CausalGraph.from_dict(json.loads(json.dumps(graph.to_dict()))) == graph
    path = tmp_path / "graph.json"
    assert graph.save(path) == path
    loaded = CausalGraph.load(path)
    assert loaded == graph and loaded.actions() == graph.actions()
    assert loaded.relation("mine_iron_ore") == graph.relation("mine_iron_ore")
    data = json.loads(path.read_text())
    assert data["format"] == "adam-causal-graph" and data["version"] == 1 and "craft_furnace" in data["actions"]
    copy = graph.copy()
    copy.remove_relation("craft_planks")
    assert copy != graph and graph.explained("craft_planks")


def test_save_is_atomic_and_leaves_no_temp_files(tmp_path: Path) -> None:
    graph = tech_tree()
    path = tmp_path / "graph.json"
    graph.save(path)
    graph.remove_relation("craft_sticks")
    graph.save(path)
    assert [p.name for p in tmp_path.iterdir()] == ["graph.json"]
    assert not CausalGraph.load(path).explained("craft_sticks")


def test_truncated_json_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "graph.json"
    tech_tree().save(path)
    text = path.read_text()
    path.write_text(text[: len(text) // 2])
    with pytest.raises(GraphFileError) as info:
        CausalGraph.load(path)
    assert str(path) in str(info.value) and "line" in str(info.value)
    assert info.value.line is not None and info.value.line > 1 and info.value.column is not None
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda d: d.pop("relations"), "relations"),
        (lambda d: d.update(format="something-else"), "format"),
        (lambda d: d["relations"][1].pop("action"), "missing 'action'"),
        (lambda d: d["relations"][1]["needs"]["oak_log"].update(quantity=0), "quantity"),
        (lambda d: d["relations"][1]["needs"]["oak_log"].update(quantity="2"), "quantity"),
        (lambda d: d["relations"][1]["needs"]["oak_log"].pop("consumed"), "needs['oak_log']"),
        (lambda d: d["relations"][1].update(yeilds={}), "unknown keys"),
        (lambda d: d["relations"][1]["yields"].update(oak_planks=2.5), "yields['oak_planks']"),
        (lambda d: d["relations"].append(d["relations"][1]), "second relation"),
        (lambda d: d["actions"].append(3), "actions[8]"),
    ],
)
def test_bad_structure_names_file_and_field(tmp_path: Path, mutate, expected: str) -> None:
    data = tech_tree().to_dict()
    assert data["relations"][1]["action"] == "craft_planks"
    mutate(data)
    path = tmp_path / "graph.json"
    path.write_text(json.dumps(data))
    with pytest.raises(GraphFileError) as info:
        CausalGraph.load(path)
    assert str(path) in str(info.value) and expected in str(info.value)


def test_graphml_export_is_readable(tmp_path: Path) -> None:
    path = tech_tree().to_graphml(tmp_path / "graph.graphml")
    read = nx.read_graphml(path)
    assert read.nodes["craft_planks"]["kind"] == "action" and read.nodes["oak_log"]["kind"] == "item"
    assert read.edges["stone_pickaxe", "mine_iron_ore"]["alternatives"] == "iron_pickaxe,diamond_pickaxe"
    assert read.edges["mine_iron_ore", "raw_iron"]["range"] == "1-2"
    assert read.edges["oak_log", "craft_planks"]["quantity"] == 1
    assert read.edges["oak_log", "craft_planks"]["consumed"] is True
    assert [p.name for p in tmp_path.iterdir()] == ["graph.graphml"]


@pytest.mark.parametrize("item_level", [True, False])
def test_draw_graph_writes_png(tmp_path: Path, item_level: bool) -> None:
    path = draw_graph(tech_tree(), tmp_path / "out" / "tree.png", title="tech tree", item_level=item_level)
    data = path.read_bytes()
    assert len(data) > 1000 and data.startswith(b"\x89PNG\r\n\x1a\n")


def test_draw_empty_graph(tmp_path: Path) -> None:
    path = draw_graph(CausalGraph(), tmp_path / "empty.png")
    assert path.read_bytes().startswith(b"\x89PNG")


def test_why_an_item_cannot_be_made_names_what_is_missing_at_the_bottom() -> None:
    g = CausalGraph.from_relations(
        [
            CausalRelation("gather_log", {}, {"log": 1}),
            CausalRelation("craft_torch", {"log": Need(1, True), "coal": Need(1, True)}, {"torch": 1}),
            CausalRelation("craft_lantern", {"torch": Need(1, True), "nugget": Need(9, True)}, {"lantern": 1}),
            CausalRelation("craft_nugget", {"ingot": Need(1, True)}, {"nugget": 9}),
        ]
    )
    assert g.why_unobtainable("log") == ""
    assert g.why_unobtainable("gem") == "no learned action yields gem"
    assert g.why_unobtainable("lantern") == "craft_lantern yields lantern, but nothing learned yields coal, ingot"
    g.set_relation(CausalRelation("gather_coal", {}, {"coal": 1}))
    assert g.why_unobtainable("lantern") == "craft_lantern yields lantern, but nothing learned yields ingot"
    g.set_relation(CausalRelation("smelt_ingot", {"nugget": Need(9, True)}, {"ingot": 1}))  # only from itself
    assert g.why_unobtainable("ingot").endswith("nothing learned yields what does not need ingot itself")
