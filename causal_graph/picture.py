"""Drawing a causal graph as a PNG: tech levels as columns, edges routed around the boxes
(:mod:`causal_graph.layout`), fills and line styles that say what each node and edge is, and a legend
that says so (:mod:`causal_graph.render`)."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import networkx as nx

from causal_graph.graph import CausalGraph
from causal_graph.layout import layered_layout
from causal_graph.render import BOX_HEIGHT, DPI, EDGE_COLOURS, Picture, Role, node_width, render

ROLES = {
    "raw": Role("#d9b26f", "raw: an action yields it from nothing"),
    "tool": Role(EDGE_COLOURS[True], "tool or station: needed, never used up"),
    "material": Role("#9fd38a", "ingredient: used up by an action"),
    "product": Role("#f2a541", "end product: nothing learned needs it"),
    "unknown": Role("#d4d4d4", "no action is known to yield it yet", dashed=True),
    "action": Role("#ffffff", "action (its relation is learned)", shape="square"),
    "unexplained": Role("#eeeeee", "action not explained yet", shape="square", dashed=True),
}
EDGE_KINDS = {  # by item_level, then by held
    True: {False: "used up to make it (the number: how many)", True: "held to make it, not used up"},
    False: {False: "used up, or yielded (the number: how many)", True: "held, not used up"},
}


def draw_graph(
    graph: CausalGraph,
    path: str | os.PathLike[str],
    title: str | None = None,
    item_level: bool = True,
    goals: Iterable[str] = (),
) -> Path:
    """Draw ``graph`` to a PNG at ``path`` (parent folders are created) and return the path.

    ``item_level=True`` draws the derived item tree (item -> item, as ADAM draws it); otherwise the
    bipartite item/action graph, yields included (ranges as ``min-max``). Columns are tech levels (items
    no action is known to yield count as given, level 0). Ingredients used up are solid edges with their
    quantity, tools and stations held are dashed; the legend says so and what each fill means. ``goals`` (items of
    the graph; others are ignored) get a thick red border, and what they need, directly or not, is drawn in full
    while the rest of the tree is faded: at the overworld's size, the goal's road stands out.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    pic = picture(graph, title, item_level, goals)
    render(pic).savefig(path, format="png", dpi=DPI, bbox_inches="tight")
    return path


def picture(
    graph: CausalGraph, title: str | None = None, item_level: bool = True, goals: Iterable[str] = ()
) -> Picture:
    """What ``graph``'s picture shows (layout, roles, legend, the goals' subgraph), without drawing it."""
    levels = graph.tech_levels(roots=[item for item in graph.items() if not graph.producers(item)])
    roles = _roles(graph)
    if item_level:
        drawn, columns = graph.item_graph(), levels
        edges = [(u, v, _item_edge(graph, u, d["actions"])) for u, v, d in drawn.edges(data=True)]
    else:
        drawn, columns = nx.DiGraph(graph.nx_graph), _bipartite_columns(graph, levels)
        edges = [(u, v, _bipartite_edge(d)) for u, v, d in drawn.edges(data=True)]
    layout = layered_layout({n: (columns[n], node_width(n), BOX_HEIGHT) for n in drawn}, edges)
    shown = {roles[n] for n in drawn}
    marked = frozenset(g for g in goals if g in drawn)
    focus = frozenset(marked.union(*(nx.ancestors(drawn, g) for g in marked))) if marked else None
    return Picture(
        layout,
        roles={n: ROLES[roles[n]] for n in drawn},
        legend_roles=[role for key, role in ROLES.items() if key in shown],
        edge_kinds={
            held: text for held, text in EDGE_KINDS[item_level].items() if any(d["held"] == held for *_, d in edges)
        },
        headers=[(_header(layer, item_level), x) for layer, x in layout.columns],
        title=title,
        goals=marked,
        focus=focus,
    )


def _roles(graph: CausalGraph) -> dict[str, str]:
    """Every node's role: actions learned or not; items by what the graph says about them."""
    g = graph.nx_graph
    roles = {a: "action" if graph.explained(a) else "unexplained" for a in graph.actions()}
    for item in graph.items():
        needs = [d for _, _, d in g.out_edges(item, data=True)]
        if not graph.producers(item):
            roles[item] = "unknown"
        elif any(graph.explained(a) and not g.in_degree(a) for a in graph.producers(item)):
            roles[item] = "raw"
        elif any(not d["consumed"] for d in needs):
            roles[item] = "tool"
        else:
            roles[item] = "material" if needs else "product"
    return roles


def _item_edge(graph: CausalGraph, cause: str, actions: list[str]) -> dict[str, Any]:
    """An item -> item edge: held when every action it stands for keeps the cause; else labelled with the
    quantities used up."""
    needs = [graph.nx_graph.edges[cause, action] for action in actions]
    held = all(not d["consumed"] for d in needs)
    used = sorted({d["quantity"] for d in needs if d["consumed"]})
    return {"held": held, "bundle": held, "label": "/".join(map(str, used))}


def _bipartite_edge(data: dict) -> dict[str, Any]:
    """A needs edge (the quantity used up, or held) or a yields edge (the count, or ``min-max``)."""
    if data.get("relation") == "needs":
        held = not data["consumed"]
        return {"held": held, "bundle": ("needs", held), "label": "" if held else str(data["quantity"])}
    span = data.get("range")
    label = f"{span[0]}-{span[1]}" if span is not None and span[0] != span[1] else str(data["quantity"])
    return {"held": False, "bundle": "yields", "label": label}


def _bipartite_columns(graph: CausalGraph, levels: dict[str, int]) -> dict[str, int]:
    """Items at column 2*level; an action between its needs and its yields (needless ones first)."""
    columns = {item: 2 * levels[item] for item in graph.items()}
    for action in graph.actions():
        needless = graph.explained(action) and not graph.nx_graph.in_degree(action)
        columns[action] = -1 if needless else 2 * levels[action] + 1
    return columns


def _header(layer: int, item_level: bool) -> str:
    if item_level:
        return f"level {layer}"
    return f"level {layer // 2}" if layer >= 0 and layer % 2 == 0 else "actions"
