"""Graph pictures: edges routed around the boxes, a legend, readable labels, tool edges drawn apart from
ingredients, on the graph a real run learns and on a tree three times its size."""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest
from matplotlib.colors import to_rgb
from matplotlib.text import Text
from PIL import Image

from agent.run import RunConfig, new_run
from causal_graph.graph import CausalGraph
from causal_graph.layout import Box, Spacing
from causal_graph.picture import ROLES, draw_graph, picture
from causal_graph.render import DPI, MIN_FONT_PX, node_width, render, text_colour
from env.interface.relation import CausalRelation, Need


@pytest.fixture(scope="module")
def learned(tmp_path_factory: pytest.TempPathFactory) -> CausalGraph:
    """The graph `adam run` (seed 0, the original game) learns: 41 actions, 41 items."""
    run = new_run(RunConfig(seed=0, out=str(tmp_path_factory.mktemp("runs")), picture=False))
    assert run.loop().goal_reached
    return run.graph


def big_tree(items: int = 120, seed: int = 0) -> CausalGraph:
    """A tech tree three times the game's: eleven levels, each item made from one to three lower items
    (one of the level below), most with a station held."""
    rng = random.Random(seed)
    names = [f"{rng.choice(('iron', 'oak', 'polished_deepslate'))}_{kind}_{i}" for i, kind in
             enumerate(rng.choice(("slab", "pressure_plate", "ingot", "door")) for _ in range(items))]  # fmt: skip
    level = {name: min(10, i * 11 // items) for i, name in enumerate(names)}
    stations = [names[i] for i in (12, 25, 50)]
    relations = []
    for name in names:
        if level[name] == 0:
            relations.append(CausalRelation(f"gather_{name}", {}, {name: 1}))
            continue
        lower = [n for n in names if level[n] < level[name] and n not in stations]
        needs = {rng.choice([n for n in lower if level[n] == level[name] - 1]): Need(rng.randint(1, 4), True)}
        needs.update((n, Need(rng.randint(1, 4), True)) for n in rng.sample(lower, rng.randint(0, 2)))
        held = [s for s in stations if level[s] < level[name]]
        if held and rng.random() < 0.6:
            needs[rng.choice(held)] = Need(1, False)
        relations.append(CausalRelation(f"make_{name}", needs, {name: rng.randint(1, 4)}))
    return CausalGraph.from_relations(relations)


def half_learned() -> CausalGraph:
    """Wrong relations as a run holds them mid-way: an item made back from a later one, an edge within one
    level, an action needing what it yields, an action not explained."""
    return CausalGraph.from_relations(
        [
            CausalRelation("gather_a", {}, {"a": 1}),
            CausalRelation("make_b", {"a": Need(2, True)}, {"b": 1}),
            CausalRelation("make_c", {"b": Need(1, True)}, {"c": 1}),
            CausalRelation("make_a_back", {"c": Need(1, True), "d": Need(1, False)}, {"a": 3, "b": 1}),
            CausalRelation("keep_c", {"c": Need(1, False)}, {"c": 2}),
            CausalRelation("make_e", {"b": Need(1, True)}, {"e": 1}),
            CausalRelation("make_f", {"e": Need(1, True)}, {"f": 1, "b": 1}),
        ],
        actions=["not_explained"],
    )


def assert_routed_around(graph: CausalGraph, item_level: bool) -> None:
    """Every node has a box, no two boxes overlap, every edge is routed and passes no box but its ends."""
    layout = picture(graph, item_level=item_level).layout
    drawn = graph.item_graph() if item_level else graph.nx_graph
    assert set(layout.boxes) == set(drawn.nodes)
    assert sorted((r.source, r.target) for r in layout.routes) == sorted(drawn.edges)
    assert layout.crossings() == []
    labelled = [r for r in layout.routes if r.data.get("label")]
    for route in labelled:  # a quantity sits on its edge, outside every box, apart from its neighbours' quantities
        assert not any(box.overlaps(route.label_at, route.label_at) for box in layout.boxes.values()), route
    ends = sorted((r.target, r.label_at[0], r.label_at[1]) for r in labelled)
    for (t1, x1, y1), (t2, x2, y2) in zip(ends, ends[1:], strict=False):
        assert t1 != t2 or abs(x1 - x2) > 0.3 or y2 - y1 >= Spacing().label_pitch - 1e-9, (t1, y1, y2)
    boxes = sorted(layout.boxes.values(), key=lambda b: (b.x, b.y))
    for a, b in zip(boxes, boxes[1:], strict=False):
        if a.x == b.x:
            assert b.y - b.h / 2 > a.y + a.h / 2, f"{a.name} and {b.name} overlap"


@pytest.mark.parametrize("item_level", [True, False])
def test_learned_graph_edges_go_around_the_boxes(learned: CausalGraph, item_level: bool) -> None:
    assert len(learned.actions()) == 41
    assert_routed_around(learned, item_level)


@pytest.mark.parametrize("item_level", [True, False])
def test_a_half_learned_graph_is_routed_too(item_level: bool) -> None:
    assert_routed_around(half_learned(), item_level)


def test_a_tree_three_times_larger_stays_routed_and_readable(tmp_path: Path) -> None:
    graph = big_tree()
    assert len(graph.items()) == 120
    assert_routed_around(graph, item_level=True)
    path = draw_graph(graph, tmp_path / "big.png")
    width, height = Image.open(path).size
    assert width < 6000 and height < 4000  # labels stay at their native size, the picture stays viewable


def test_crossing_check_sees_an_edge_through_a_box() -> None:
    box = Box("stick", 1.0, 1.0, 0.6, 0.3)
    assert box.overlaps((0.0, 1.0), (2.0, 1.0)) and box.overlaps((0.0, 0.0), (2.0, 2.0))
    assert not box.overlaps((0.0, 1.2), (2.0, 1.2)) and not box.overlaps((0.7, 0.0), (0.7, 2.0))
    assert not box.overlaps((0.0, 1.0), (0.7, 1.0))  # an edge ending on the box's side


def test_legend_says_what_colours_and_line_styles_mean(learned: CausalGraph) -> None:
    pic = picture(learned)
    assert pic.legend == [
        ROLES["raw"].legend,
        ROLES["tool"].legend,
        ROLES["material"].legend,
        ROLES["product"].legend,
        "used up to make it (the number: how many)",
        "held to make it, not used up",
    ]
    assert pic.roles["crafting_table"] == pic.roles["furnace"] == pic.roles["iron_pickaxe"] == ROLES["tool"]
    assert pic.roles["oak_log"] == ROLES["raw"] and pic.roles["stick"] == ROLES["material"]
    assert pic.roles["golden_sword"] == ROLES["product"]
    fig = render(pic)
    (legend,) = fig.legends
    assert [t.get_text() for t in legend.get_texts()] == pic.legend
    assert [h[0] for h in pic.headers] == [f"level {n}" for n in range(12)]


def test_tools_are_dashed_ingredients_solid_with_their_quantities(learned: CausalGraph) -> None:
    fig = render(picture(learned))
    ax = fig.axes[0]
    lines = {line.get_gid(): line for line in ax.lines}
    labels = {t.get_gid(): t.get_text() for t in ax.texts if t.get_gid()}
    assert lines["edge:crafting_table>iron_pickaxe"].get_linestyle() == "--"
    assert lines["edge:furnace>iron_ingot"].get_linestyle() == "--"
    assert lines["edge:iron_ingot>iron_pickaxe"].get_linestyle() == "-"
    assert labels["label:iron_ingot>iron_pickaxe"] == "3" and labels["label:stick>iron_pickaxe"] == "2"
    assert labels["label:oak_planks>crafting_table"] == "4"
    assert "label:crafting_table>iron_pickaxe" not in labels  # a held tool: nothing used up
    assert len(lines) == learned.item_graph().number_of_edges()


@pytest.mark.parametrize("item_level", [True, False])
def test_labels_are_one_line_legible_and_contrast_with_their_fill(learned: CausalGraph, item_level: bool) -> None:
    pic = picture(learned, title="learned tech tree (original)", item_level=item_level)
    fig = render(pic)
    texts = [t for t in fig.findobj(Text) if t.get_text() and t.get_visible()]
    assert len(texts) > 2 * len(pic.layout.boxes)
    for text in texts:
        assert text.get_fontsize() * DPI / 72 >= MIN_FONT_PX >= 12, text.get_text()
    names = {t.get_gid()[5:]: t for t in texts if (t.get_gid() or "").startswith("node:")}
    assert set(names) == set(pic.layout.boxes)
    for name, text in names.items():
        assert text.get_text() == name  # one rule: never wrapped
        assert pic.layout.boxes[name].w >= node_width(name)
        fill = pic.roles[name].fill
        assert text.get_color() == text_colour(fill)
        assert contrast(text.get_color(), fill) >= 4.5, f"{name}: {text.get_color()} on {fill}"


def test_text_colour_is_white_on_dark_fills() -> None:
    assert text_colour(ROLES["tool"].fill) == "#ffffff" and text_colour("#00441b") == "#ffffff"
    assert text_colour(ROLES["raw"].fill) == "#000000" and text_colour("#ffffff") == "#000000"
    for role in ROLES.values():
        assert contrast(text_colour(role.fill), role.fill) >= 4.5, role


def test_the_picture_of_a_run_is_quick(learned: CausalGraph, tmp_path: Path) -> None:
    draw_graph(learned, tmp_path / "warm.png")  # imports
    start = time.perf_counter()
    draw_graph(learned, tmp_path / "graph.png", title="learned tech tree (original)")
    assert time.perf_counter() - start < 5  # ~0.5 s here; it runs at the end of every adam run


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two colours."""

    def luminance(colour: str) -> float:
        channels = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in to_rgb(colour)]
        return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2]

    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_the_goals_road_stands_out_and_the_rest_is_faded(learned: CausalGraph) -> None:
    """Issue 19: at the overworld's size the goal's subgraph is what a reader wants. The goal gets a red border and
    the legend says so; what it needs (and only that) is drawn in full; a goal the graph lacks marks nothing."""
    from matplotlib.patches import FancyBboxPatch

    from causal_graph.render import FADED, GOAL_COLOUR, GOAL_LEGEND

    pic = picture(learned, goals=["iron_pickaxe", "not_an_item"])
    assert pic.goals == {"iron_pickaxe"} and pic.legend[-1] == GOAL_LEGEND
    assert {"iron_ingot", "stick", "crafting_table", "oak_log", "furnace"} <= pic.focus
    assert not {"diamond", "golden_sword", "gold_ingot"} & pic.focus  # not on the road to an iron pickaxe
    assert pic.faded("diamond") and not pic.faded("iron_ingot") and pic.faded("stick", "diamond")
    fig = render(pic)
    boxes = {a.get_gid(): a for a in fig.axes[0].patches if isinstance(a, FancyBboxPatch)}
    assert to_rgb(boxes["box:iron_pickaxe"].get_edgecolor()) == to_rgb(GOAL_COLOUR)
    assert boxes["box:diamond"].get_alpha() == FADED and boxes["box:stick"].get_alpha() == 1.0
    assert [t.get_text() for t in fig.legends[0].get_texts()][-1] == GOAL_LEGEND
    plain = picture(learned)  # no goal: nothing faded, no goal in the legend
    assert plain.focus is None and not plain.faded("diamond") and GOAL_LEGEND not in plain.legend
